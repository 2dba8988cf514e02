// A CredentialStore that remembers the credentials it found, so that authenticating a request
// costs no database query (the secret is still hashed and compared on every request).
//
// It is only as fresh as its invalidation, which the caller drives:
// - Evict(id) when credential `id` changed (pi-server: a PostgreSQL notification on commit);
// - SetEnabled(false) whenever changes could be missed (the notification connection is down):
//   everything is forgotten, and until SetEnabled(true) every lookup goes to `inner` and nothing
//   is remembered. It starts disabled.
// A lookup that was already on its way to `inner` when an Evict or SetEnabled happened is
// answered but not remembered, so a revocation can never be overwritten by an older read.
// NOT_FOUND and errors are never remembered (a credential created later works at once). Entries
// also expire after `ttl`; at most `capacity` are kept (when full, all are forgotten).
// Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_CREDENTIAL_CACHE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_CREDENTIAL_CACHE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "services/instruments/domain/authenticator.h"

namespace pi::instruments::domain {

class CachingCredentialStore : public CredentialStore {
 public:
  using Clock = std::function<absl::Time()>;

  // `inner` must outlive the cache.
  CachingCredentialStore(CredentialStore& inner, Clock clock, absl::Duration ttl,
                         size_t capacity = 100000)
      : inner_(inner), clock_(std::move(clock)), ttl_(ttl), capacity_(capacity) {}

  void FindCredential(std::string id, FindDone done) override;

  void Evict(const std::string& id);
  void SetEnabled(bool enabled);

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    StoredCredential credential;
    absl::Time expires;
  };

  CredentialStore& inner_;
  const Clock clock_;
  const absl::Duration ttl_;
  const size_t capacity_;
  mutable std::mutex mu_;
  bool enabled_ = false;
  // Bumped by every Evict and SetEnabled: a lookup remembers its answer only if none happened
  // while it was in flight.
  uint64_t generation_ = 0;
  absl::flat_hash_map<std::string, Entry> entries_;
  Stats stats_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_CREDENTIAL_CACHE_H_
