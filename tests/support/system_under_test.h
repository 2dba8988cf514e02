// The whole system for end-to-end tests: a fresh key file, an application with a Basic
// credential and one identity (made through the gateway's Finix POST /identities), the real
// pi-server and pi-gateway binaries on loopback (ports picked by the binaries, metrics listeners
// included, and read back from port files), logs in a private directory. Destruction kills what is
// still running and removes the directory (test keys and logs included). Not thread-safe.
#ifndef PI_TESTS_SUPPORT_SYSTEM_UNDER_TEST_H_
#define PI_TESTS_SUPPORT_SYSTEM_UNDER_TEST_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/support/child_process.h"

namespace pi::testing {

struct SystemOptions {
  std::string database_url;
  bool create_application = true;
  int max_instruments_per_identity = 1000;
  // Makes identity_id() through the gateway's plaintext HTTP at start.
  bool create_identity = true;
  // pi-server processes on the same database and key file, all behind the gateway (which
  // balances over them with round_robin). The first is server(); the others are replicas.
  int server_replicas = 1;
  std::map<std::string, std::string> server_env;   // added to / overriding the defaults
  std::map<std::string, std::string> gateway_env;
};

class SystemUnderTest {
 public:
  // `name` names the private directory. Fails when a binary does not start.
  static absl::StatusOr<std::unique_ptr<SystemUnderTest>> Start(const std::string& name,
                                                                SystemOptions options);
  ~SystemUnderTest();

  const std::string& dir() const { return dir_; }
  const std::string& basic_auth() const { return basic_auth_; }  // "Basic ..."
  const std::string& application_id() const { return application_id_; }
  // An identity of the application, made at start.
  const std::string& identity_id() const { return identity_id_; }
  // Makes another identity through the gateway; "" on failure.
  std::string CreateIdentity();
  // Runs `pi-server create-credential` for the application with `flags` (e.g. "--kind=api_key");
  // returns its JSON output, or an error.
  absl::StatusOr<std::string> CreateCredential(const std::vector<std::string>& flags);
  // Runs `pi-server <args...>` against the system's database and key file; returns its stdout,
  // or an error when it exits non-zero.
  absl::StatusOr<std::string> AdminCommand(const std::vector<std::string>& args);
  // Starts another pi-server replica on the same database and key file; returns its gRPC port.
  // It stops with the system.
  absl::StatusOr<int> StartReplica();
  // Kills pi-server with SIGKILL (no shutdown, in-flight RPCs and transactions cut off) and
  // waits for it to be gone.
  absl::Status KillServer();
  // Starts pi-server again, same settings and the same gRPC port (so the gateway and clients
  // reconnect to it), after KillServer() or a stop; waits until it listens.
  absl::Status RestartServer();
  int grpc_port() const { return grpc_port_; }
  // Every pi-server's gRPC port: server()'s first, then each replica's in start order.
  const std::vector<int>& server_grpc_ports() const { return server_grpc_ports_; }
  int http_port() const { return http_port_; }
  // The /metrics listeners; 0 when a test turned them off (PI_METRICS_ADDRESS="").
  int server_metrics_port() const { return server_metrics_port_; }
  int gateway_metrics_port() const { return gateway_metrics_port_; }
  ChildProcess& server() { return *server_; }
  ChildProcess& gateway() { return *gateway_; }
  std::string server_log() const { return ReadFile(dir_ + "/pi-server.log"); }
  std::string gateway_log() const { return ReadFile(dir_ + "/pi-gateway.log"); }

 private:
  std::string dir_;
  std::string basic_auth_;
  std::string application_id_;
  std::string identity_id_;
  std::string database_url_;
  int grpc_port_ = 0;
  std::vector<int> server_grpc_ports_;
  int http_port_ = 0;
  int server_metrics_port_ = 0;
  int gateway_metrics_port_ = 0;
  std::optional<ChildProcess> server_;
  std::optional<ChildProcess> gateway_;
  std::vector<ChildProcess> replicas_;
  std::map<std::string, std::string> server_env_;
};

}  // namespace pi::testing

#endif  // PI_TESTS_SUPPORT_SYSTEM_UNDER_TEST_H_
