#include "services/instruments/domain/credential_cache.h"

#include <optional>
#include <utility>

namespace pi::instruments::domain {

void CachingCredentialStore::FindCredential(std::string id, FindDone done) {
  std::optional<StoredCredential> hit;
  uint64_t generation = 0;
  bool remember = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (enabled_) {
      auto it = entries_.find(id);
      if (it != entries_.end() && clock_() < it->second.expires) {
        hit = it->second.credential;
        ++stats_.hits;
      } else {
        ++stats_.misses;
        remember = true;
        generation = generation_;
      }
    }
  }
  // `done` never runs under the lock: it may call back into the cache.
  if (hit) return std::move(done)(*std::move(hit));
  if (!remember) return inner_.FindCredential(std::move(id), std::move(done));
  inner_.FindCredential(id, [this, id, generation, done = std::move(done)](
                                absl::StatusOr<StoredCredential> found) mutable {
    if (found.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (enabled_ && generation == generation_) {
        if (entries_.size() >= capacity_) entries_.clear();
        entries_[id] = Entry{*found, clock_() + ttl_};
      }
    }
    std::move(done)(std::move(found));
  });
}

void CachingCredentialStore::Evict(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  entries_.erase(id);
}

void CachingCredentialStore::SetEnabled(bool enabled) {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  enabled_ = enabled;
  entries_.clear();
}

CachingCredentialStore::Stats CachingCredentialStore::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace pi::instruments::domain
