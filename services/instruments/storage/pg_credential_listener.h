// Keeps a CachingCredentialStore fresh across replicas: a thread holds its own connection
// LISTENing on `credentials_changed` (migration 0009 notifies it, with the credential's id, when
// any credentials row changes) and evicts each id it hears. The cache is enabled only while the
// connection is up and listening: on a lost connection it is disabled (and so emptied) at once,
// and enabled again only after LISTEN succeeded on a new one, so no change can be missed.
// Stops (and disables the cache) in the destructor, within `poll`.
#ifndef PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREDENTIAL_LISTENER_H_
#define PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREDENTIAL_LISTENER_H_

#include <atomic>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "services/instruments/domain/credential_cache.h"

namespace pi::instruments::storage {

class PgCredentialListener {
 public:
  // `cache` must outlive the listener.
  PgCredentialListener(std::string conninfo, domain::CachingCredentialStore& cache,
                       absl::Duration poll = absl::Milliseconds(250));
  ~PgCredentialListener();

  // True while listening (and the cache enabled).
  bool listening() const { return listening_.load(); }

 private:
  void Run();

  const std::string conninfo_;
  domain::CachingCredentialStore& cache_;
  const absl::Duration poll_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> listening_{false};
  std::thread thread_;
};

}  // namespace pi::instruments::storage

#endif  // PI_SERVICES_INSTRUMENTS_STORAGE_PG_CREDENTIAL_LISTENER_H_
