// A private PostgreSQL cluster for the reliability drivers, controlled through
// scripts/pg-cluster.sh: started as a throwaway cluster (removed by Stop() or destruction),
// durable on request (fsync and synchronous_commit on), crashed with `pg_ctl stop -m immediate`
// and started again on the same socket and port, so pi-server's conninfo stays valid across
// outages. Not thread-safe.
#ifndef PI_TESTS_RELIABILITY_PRIVATE_CLUSTER_H_
#define PI_TESTS_RELIABILITY_PRIVATE_CLUSTER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace pi::reliability {

class PrivateCluster {
 public:
  // Creates and starts a cluster in `dir` (which must not hold one yet) and applies every
  // migration with `pi-server migrate`.
  static absl::StatusOr<std::unique_ptr<PrivateCluster>> Start(const std::string& dir,
                                                               bool durable);
  ~PrivateCluster();

  const std::string& url() const { return url_; }
  // Stops PostgreSQL at once, as a crash would (`pg_ctl stop -m immediate`).
  absl::Status Crash();
  // Starts it again on the same port; returns once it accepts connections (after recovery).
  absl::Status Restart();
  // Stops it and removes the directory.
  void Stop();

 private:
  PrivateCluster() = default;
  std::string dir_;
  std::string url_;
  bool running_ = false;
};

}  // namespace pi::reliability

#endif  // PI_TESTS_RELIABILITY_PRIVATE_CLUSTER_H_
