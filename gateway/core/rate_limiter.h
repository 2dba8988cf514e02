// Token-bucket rate limiting by key, in memory: each key gets `burst` requests at once and then
// `per_minute` a minute. State is per process, so with N gateway replicas behind a load balancer
// a client may get up to N times the rate: a brake on abuse (card testing through tokenization),
// not an exact quota.
//
// Memory is bounded: at most `max_keys` buckets are kept, least recently used first out. An
// evicted key starts again with a full bucket, which is what an idle key would have anyway.
// The clock is injectable for tests. Thread-safe.
#ifndef PI_GATEWAY_CORE_RATE_LIMITER_H_
#define PI_GATEWAY_CORE_RATE_LIMITER_H_

#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pi::gateway::core {

class RateLimiter {
 public:
  struct Options {
    int per_minute = 60;  // refill rate; > 0
    int burst = 20;       // bucket size; > 0
    size_t max_keys = 100000;
  };
  using Clock = std::function<absl::Time()>;

  // Allowed, or refused with how long until one request would be allowed.
  struct Decision {
    bool allowed = true;
    absl::Duration retry_after;
  };

  explicit RateLimiter(Options options, Clock clock = [] { return absl::Now(); });

  // Takes one request's token from `key`'s bucket when there is one.
  Decision Take(const std::string& key);

  size_t tracked_keys() const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
    std::list<std::string>::iterator recency;  // position in recency_
  };

  const Options options_;
  const Clock clock_;
  mutable std::mutex mu_;
  std::list<std::string> recency_;  // most recently used first
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_RATE_LIMITER_H_
