#include "tests/support/system_under_test.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/support/http_client.h"

namespace pi::testing {

absl::StatusOr<std::unique_ptr<SystemUnderTest>> SystemUnderTest::Start(const std::string& name,
                                                                        SystemOptions options) {
  auto system = std::unique_ptr<SystemUnderTest>(new SystemUnderTest);
  system->dir_ = absl::StrCat(std::filesystem::temp_directory_path().string(), "/pi-", name, "-",
                              ::getpid());
  std::filesystem::remove_all(system->dir_);
  std::filesystem::create_directories(system->dir_);
  const std::string& dir = system->dir_;

  std::string out;
  absl::StatusOr<int> keygen =
      RunToCompletion(PI_SERVER_BINARY, {"keygen", "--out=" + dir + "/keys"}, {}, &out);
  if (!keygen.ok() || *keygen != 0) return absl::InternalError("keygen failed");
  if (options.create_application) {
    out.clear();
    absl::StatusOr<int> created =
        RunToCompletion(PI_SERVER_BINARY,
                        {"create-application", "--name=" + name,
                         absl::StrCat("--max_instruments_per_identity=",
                                      options.max_instruments_per_identity)},
                        {{"PI_DATABASE_URL", options.database_url}}, &out);
    if (!created.ok() || *created != 0) return absl::InternalError("create-application failed");
    nlohmann::json app = nlohmann::json::parse(out);
    system->application_id_ = app["application_id"];
    system->basic_auth_ =
        "Basic " + absl::Base64Escape(app["credential_id"].get<std::string>() + ":" +
                                      app["secret"].get<std::string>());
  }

  std::map<std::string, std::string> server_env = {{"PI_DATABASE_URL", options.database_url},
                                                   {"PI_KEY_FILE", dir + "/keys"},
                                                   {"PI_GRPC_ADDRESS", "127.0.0.1:0"},
                                                   {"PI_PORT_FILE", dir + "/grpc.port"},
                                                   {"PI_METRICS_ADDRESS", "127.0.0.1:0"},
                                                   {"PI_METRICS_PORT_FILE", dir + "/server-metrics.port"},
                                                   {"PI_HEALTH_INTERVAL", "200ms"}};
  for (const auto& [k, v] : options.server_env) server_env[k] = v;
  system->server_env_ = server_env;
  absl::StatusOr<ChildProcess> server =
      ChildProcess::Start(PI_SERVER_BINARY, {}, server_env, dir + "/pi-server.log");
  if (!server.ok()) return server.status();
  system->server_.emplace(*std::move(server));
  absl::StatusOr<int> grpc_port = WaitForPortFile(dir + "/grpc.port", absl::Seconds(20));
  if (!grpc_port.ok()) {
    return absl::InternalError(absl::StrCat("pi-server did not start: ", system->server_log()));
  }
  system->grpc_port_ = *grpc_port;
  system->server_grpc_ports_.push_back(*grpc_port);
  if (!server_env["PI_METRICS_ADDRESS"].empty()) {
    absl::StatusOr<int> port = WaitForPortFile(dir + "/server-metrics.port", absl::Seconds(20));
    if (!port.ok()) return absl::InternalError("pi-server wrote no metrics port");
    system->server_metrics_port_ = *port;
  }

  for (int i = 1; i < options.server_replicas; ++i) {
    absl::StatusOr<int> replica_port = system->StartReplica();
    if (!replica_port.ok()) return replica_port.status();
  }
  std::vector<std::string> addresses;
  for (int port : system->server_grpc_ports_) addresses.push_back(absl::StrCat("127.0.0.1:", port));
  std::map<std::string, std::string> gateway_env = {
      {"PI_GRPC_TARGET", addresses.size() == 1 ? addresses[0]
                                               : "ipv4:" + absl::StrJoin(addresses, ",")},
      {"PI_HTTP_ADDRESS", "127.0.0.1:0"},
      {"PI_PORT_FILE", dir + "/http.port"},
      {"PI_METRICS_ADDRESS", "127.0.0.1:0"},
      {"PI_METRICS_PORT_FILE", dir + "/gateway-metrics.port"}};
  for (const auto& [k, v] : options.gateway_env) gateway_env[k] = v;
  absl::StatusOr<ChildProcess> gateway =
      ChildProcess::Start(PI_GATEWAY_BINARY, {}, gateway_env, dir + "/pi-gateway.log");
  if (!gateway.ok()) return gateway.status();
  system->gateway_.emplace(*std::move(gateway));
  absl::StatusOr<int> http_port = WaitForPortFile(dir + "/http.port", absl::Seconds(20));
  if (!http_port.ok()) {
    return absl::InternalError(absl::StrCat("pi-gateway did not start: ", system->gateway_log()));
  }
  system->http_port_ = *http_port;
  if (!gateway_env["PI_METRICS_ADDRESS"].empty()) {
    absl::StatusOr<int> port = WaitForPortFile(dir + "/gateway-metrics.port", absl::Seconds(20));
    if (!port.ok()) return absl::InternalError("pi-gateway wrote no metrics port");
    system->gateway_metrics_port_ = *port;
  }
  system->database_url_ = options.database_url;
  if (options.create_application && options.create_identity) {
    system->identity_id_ = system->CreateIdentity();
    if (system->identity_id_.empty()) return absl::InternalError("creating an identity failed");
  }
  return system;
}

std::string SystemUnderTest::CreateIdentity() {
  absl::StatusOr<HttpReply> reply =
      HttpCall(http_port_, "POST", "/identities", R"({"entity": {"first_name": "Test"}})",
               {{"Authorization", basic_auth_}, {"Content-Type", "application/json"}});
  if (!reply.ok() || reply->status != 201) return "";
  nlohmann::json body = nlohmann::json::parse(reply->body, nullptr, false);
  if (!body.is_object() || !body.contains("id")) return "";
  return body["id"].get<std::string>();
}

absl::StatusOr<std::string> SystemUnderTest::CreateCredential(
    const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"create-credential", "--application=" + application_id_};
  args.insert(args.end(), flags.begin(), flags.end());
  return AdminCommand(args);
}

absl::StatusOr<std::string> SystemUnderTest::AdminCommand(const std::vector<std::string>& args) {
  std::string out;
  absl::StatusOr<int> code = RunToCompletion(
      PI_SERVER_BINARY, args,
      {{"PI_DATABASE_URL", database_url_}, {"PI_KEY_FILE", dir_ + "/keys"}}, &out);
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return absl::InternalError(absl::StrCat("pi-server ", args.empty() ? "" : args[0],
                                            " exited ", *code));
  }
  return out;
}

absl::StatusOr<int> SystemUnderTest::StartReplica() {
  std::string name = absl::StrCat("replica", replicas_.size() + 1);
  std::map<std::string, std::string> env = server_env_;
  env["PI_PORT_FILE"] = absl::StrCat(dir_, "/", name, ".port");
  env["PI_METRICS_PORT_FILE"] = absl::StrCat(dir_, "/", name, "-metrics.port");
  absl::StatusOr<ChildProcess> replica =
      ChildProcess::Start(PI_SERVER_BINARY, {}, env, absl::StrCat(dir_, "/", name, ".log"));
  if (!replica.ok()) return replica.status();
  replicas_.push_back(*std::move(replica));
  absl::StatusOr<int> port = WaitForPortFile(env["PI_PORT_FILE"], absl::Seconds(20));
  if (port.ok()) server_grpc_ports_.push_back(*port);
  return port;
}

absl::Status SystemUnderTest::KillServer() {
  if (!server_ || !server_->running()) return absl::FailedPreconditionError("not running");
  absl::StatusOr<int> stopped = server_->Stop(SIGKILL, absl::Seconds(10));
  if (stopped.ok() || absl::IsInternal(stopped.status())) return absl::OkStatus();  // by signal
  return stopped.status();
}

absl::Status SystemUnderTest::RestartServer() {
  if (server_ && server_->running()) return absl::FailedPreconditionError("still running");
  std::map<std::string, std::string> env = server_env_;
  env["PI_GRPC_ADDRESS"] = absl::StrCat("127.0.0.1:", grpc_port_);
  std::error_code ignored;
  std::filesystem::remove(env["PI_PORT_FILE"], ignored);
  std::filesystem::remove(env["PI_METRICS_PORT_FILE"], ignored);
  server_.reset();
  absl::StatusOr<ChildProcess> server =
      ChildProcess::Start(PI_SERVER_BINARY, {}, env, dir_ + "/pi-server.log");
  if (!server.ok()) return server.status();
  server_.emplace(*std::move(server));
  absl::StatusOr<int> port = WaitForPortFile(env["PI_PORT_FILE"], absl::Seconds(20));
  if (!port.ok()) return absl::InternalError("pi-server did not restart");
  if (*port != grpc_port_) return absl::InternalError("pi-server restarted on another port");
  if (!env["PI_METRICS_ADDRESS"].empty()) {
    absl::StatusOr<int> metrics = WaitForPortFile(env["PI_METRICS_PORT_FILE"], absl::Seconds(20));
    if (!metrics.ok()) return absl::InternalError("pi-server wrote no metrics port");
    server_metrics_port_ = *metrics;
  }
  return absl::OkStatus();
}

SystemUnderTest::~SystemUnderTest() {
  replicas_.clear();
  server_.reset();   // kills pi-server if it still runs
  gateway_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace pi::testing
