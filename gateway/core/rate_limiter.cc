#include "gateway/core/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace pi::gateway::core {

RateLimiter::RateLimiter(Options options, Clock clock)
    : options_(options), clock_(std::move(clock)) {}

RateLimiter::Decision RateLimiter::Take(const std::string& key) {
  const absl::Time now = clock_();
  const double per_second = options_.per_minute / 60.0;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_keys && !recency_.empty()) {
      buckets_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.push_front(key);
    it = buckets_.emplace(key, Bucket{static_cast<double>(options_.burst), now, recency_.begin()})
             .first;
  } else {
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    Bucket& bucket = it->second;
    // A clock that steps back refills nothing rather than draining the bucket.
    double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated));
    bucket.tokens = std::min<double>(options_.burst, bucket.tokens + elapsed * per_second);
    bucket.updated = std::max(bucket.updated, now);
  }
  Bucket& bucket = it->second;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return {true, absl::ZeroDuration()};
  }
  return {false, absl::Seconds((1.0 - bucket.tokens) / per_second)};
}

size_t RateLimiter::tracked_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

}  // namespace pi::gateway::core
