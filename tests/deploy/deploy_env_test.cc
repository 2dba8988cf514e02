// No configuration drift: the binaries start with exactly the settings deploy/k8s gives them.
// For each overlay, rendered by `kubectl kustomize` (tests/deploy/manifests.py; the test skips
// when kubectl is missing), it
//  - checks that every PI_ variable of pi-server's and pi-gateway's containers is a setting the
//    binary reads (ServerConfig / GatewayConfig::SettingNames(), the very lists the binaries
//    parse their environment with). The binaries ignore unknown PI_ variables, so a misspelt
//    name would otherwise go unnoticed;
//  - runs the migration Job's command on an empty database, then starts pi-server and
//    pi-gateway with their containers' environment, asks them the kubelet's probes, and sends a
//    request through both;
//  - stops both with SIGTERM, after which each must exit 0.
// What differs from the cluster, and only that: listener addresses become 127.0.0.1:0 (fixed
// ports would collide with other tests here; k8s_manifests_test.py checks them against the
// containers, probes and Services), Secrets become local values (the test database, a fresh key
// file), paths inside the image become the repository files the Dockerfile copies there, the
// gateway's target becomes the local pi-server, and port files are added to learn the ports.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gateway/gateway_config.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/instruments/server_config.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

using grpc::health::v1::HealthCheckResponse;
using nlohmann::json;

constexpr int kSkipped = 77;  // manifests.py: kubectl is missing

// PI_GRPC_ADDRESS -> grpc_address; "" for variables that are no setting.
std::string SettingName(const std::string& variable) {
  if (!absl::StartsWith(variable, "PI_")) return "";
  return absl::AsciiStrToLower(variable.substr(3));
}

int PortOf(const std::string& address) {
  int port = -1;
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port)) return -1;
  return port;
}

std::string SettingsList(const std::vector<std::string>& names) {
  return absl::StrJoin(names, ", ");
}

// Creates an empty database on the test cluster, for the migration Job to fill.
std::string CreateEmptyDatabase(const std::string& name) {
  const std::string& base = testing::TestDatabaseUrl();
  try {
    pqxx::connection connection(base);
    pqxx::nontransaction txn(connection);
    txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name));
    txn.exec("CREATE DATABASE " + txn.quote_name(name));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "creating database " << name << ": " << e.what();
  }
  return absl::StrCat(base, " dbname=", name);  // the conninfo's last dbname wins
}

// The kubelet's gRPC probe: Check(service) on 127.0.0.1:port.
std::string Probe(int port, const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return absl::StrCat("error ", status.error_code(), " ", status.error_message());
  return HealthCheckResponse::ServingStatus_Name(response.status());
}

// Probes until SERVING; the readiness answer waits for the first database check.
std::string ProbeUntilServing(int port, const std::string& service) {
  std::string answer;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    answer = Probe(port, service);
    if (answer == "SERVING") break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return answer;
}

class DeployEnvTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string out;
    absl::StatusOr<int> code =
        testing::RunToCompletion("/usr/bin/python3",
                                 {PI_DEPLOY_TESTS_DIR "/manifests.py", "runtime",
                                  absl::StrCat(PI_SOURCE_DIR "/deploy/k8s/overlays/", GetParam()),
                                  PI_SOURCE_DIR "/deploy/docker/Dockerfile"},
                                 {}, &out);
    ASSERT_TRUE(code.ok()) << code.status();
    if (*code == kSkipped) {
      GTEST_SKIP() << "kubectl is not installed (it is not packaged for Debian 12): cannot render "
                      "deploy/k8s; install kubectl to run this test";
    }
    ASSERT_EQ(*code, 0) << "manifests.py failed:\n" << out;
    json rendered = json::parse(out);
    workloads_ = rendered["workloads"];
    image_files_ = rendered["image_files"];
    dir_ = absl::StrCat(std::filesystem::temp_directory_path().string(), "/pi-deploy-env-",
                        GetParam(), "-", ::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }

  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Every PI_ variable of `workload` is one of `known`.
  void ExpectOnlyKnownSettings(const std::string& workload, const std::vector<std::string>& known) {
    const json& w = workloads_.at(workload);
    std::vector<std::string> variables;
    for (const auto& [name, value] : w["env"].items()) variables.push_back(name);
    for (const auto& [name, value] : w["secret_env"].items()) variables.push_back(name);
    for (const std::string& variable : variables) {
      std::string setting = SettingName(variable);
      if (setting.empty()) continue;
      bool is_known = std::find(known.begin(), known.end(), setting) != known.end();
      EXPECT_TRUE(is_known) << workload << ": " << variable
                            << " is no setting of the binary, which would ignore it (known: "
                            << SettingsList(known) << ")";
    }
  }

  // A path inside the image or inside a Secret volume, as it exists here.
  std::string LocalPath(const std::string& workload, const std::string& path) {
    for (const auto& [image_path, source] : image_files_.items()) {
      std::string prefix(absl::StripSuffix(image_path, "/"));
      if (path == prefix || absl::StartsWith(path, prefix + "/")) {
        return absl::StrCat(PI_SOURCE_DIR "/", absl::StripSuffix(source.get<std::string>(), "/"),
                            path.substr(prefix.size()));
      }
    }
    for (const json& mount : workloads_.at(workload)["secret_mounts"]) {
      std::string prefix(absl::StripSuffix(mount["path"].get<std::string>(), "/"));
      if (absl::StartsWith(path, prefix + "/")) {
        return absl::StrCat(SecretDir(mount["secret"]), path.substr(prefix.size()));
      }
    }
    return path;
  }

  // The local directory standing for a Secret volume; only the key file Secret is known.
  std::string SecretDir(const std::string& secret) {
    EXPECT_EQ(secret, "pi-server-keys") << "the test has no local value for Secret " << secret;
    return dir_ + "/secret-" + secret;
  }

  // The local value of a Secret-sourced variable.
  std::string SecretValue(const std::string& variable, const json& ref) {
    std::string secret = ref["secret"], key = ref["key"];
    if (absl::StartsWith(secret, "pi-server-database") && (key == "url" || key == "migrate-url")) {
      return database_url_;
    }
    ADD_FAILURE() << variable << ": the test has no local value for Secret " << secret << "/"
                  << key;
    return "";
  }

  // The container's environment as it exists here (see the top of the file). `addresses`
  // receives each listener setting's port in the manifests.
  std::map<std::string, std::string> LocalEnv(const std::string& workload,
                                              std::map<std::string, int>* addresses) {
    const json& w = workloads_.at(workload);
    std::map<std::string, std::string> env;
    for (const auto& [name, value] : w["env"].items()) {
      std::string v = value;
      if (absl::EndsWith(name, "_ADDRESS")) {
        (*addresses)[name] = PortOf(v);
        v = "127.0.0.1:0";
      } else {
        v = LocalPath(workload, v);
      }
      env[name] = v;
    }
    for (const auto& [name, ref] : w["secret_env"].items()) env[name] = SecretValue(name, ref);
    for (const char* added : {"PI_PORT_FILE", "PI_HEALTH_PORT_FILE"}) {
      EXPECT_EQ(env.count(added), 0u) << workload << " sets " << added;
    }
    return env;
  }

  // The container's command with the binary built here, and image paths in flags mapped.
  std::pair<std::string, std::vector<std::string>> LocalCommand(const std::string& workload) {
    std::vector<std::string> command = workloads_.at(workload)["command"];
    EXPECT_FALSE(command.empty()) << workload << " has no command";
    if (command.empty()) return {"", {}};
    std::filesystem::path binary(command[0]);
    EXPECT_EQ(binary.parent_path(), "/usr/local/bin") << "the image has its binaries there";
    std::string local = binary.filename() == "pi-server"    ? PI_SERVER_BINARY
                        : binary.filename() == "pi-gateway" ? PI_GATEWAY_BINARY
                                                            : "";
    EXPECT_FALSE(local.empty()) << workload << " runs " << command[0];
    std::vector<std::string> args;
    for (size_t i = 1; i < command.size(); ++i) {
      size_t eq = command[i].find('=');
      args.push_back(eq == std::string::npos ? command[i]
                                             : command[i].substr(0, eq + 1) +
                                                   LocalPath(workload, command[i].substr(eq + 1)));
    }
    return {local, args};
  }

  // Maps a probe's port in the manifests to the port bound here through the listener settings.
  static int LocalProbePort(const json& port, const json& ports,
                            const std::map<std::string, int>& addresses,
                            const std::map<std::string, int>& bound) {
    int number = port.is_string() ? ports.value(port.get<std::string>(), -1) : port.get<int>();
    for (const auto& [setting, manifest_port] : addresses) {
      if (manifest_port == number && bound.count(setting)) return bound.at(setting);
    }
    ADD_FAILURE() << "probe port " << port << " is no listener of the container's settings";
    return -1;
  }

  json workloads_;
  json image_files_;
  std::string dir_;
  std::string database_url_;
};

TEST_P(DeployEnvTest, EveryVariableIsASettingOfItsBinary) {
  ExpectOnlyKnownSettings("pi-server", instruments::ServerConfig::SettingNames());
  ExpectOnlyKnownSettings("pi-gateway", gateway::GatewayConfig::SettingNames());
}

TEST_P(DeployEnvTest, MigrationJobThenServerAndGatewayRunWithTheManifestsEnvironment) {
  database_url_ = CreateEmptyDatabase(absl::StrCat("deploy_env_", GetParam(), "_", ::getpid()));

  // The migration Job, on the empty database.
  std::map<std::string, int> no_listeners;
  auto [migrate_binary, migrate_args] = LocalCommand("pi-server-migrate");
  std::string migrated;
  absl::StatusOr<int> migrate = testing::RunToCompletion(
      migrate_binary, migrate_args, LocalEnv("pi-server-migrate", &no_listeners), &migrated);
  ASSERT_TRUE(migrate.ok()) << migrate.status();
  ASSERT_EQ(*migrate, 0) << "the migration Job's command failed: " << migrated;
  EXPECT_GT(json::parse(migrated).value("applied", 0), 0) << migrated;

  // The key file Secret, and an application to call with.
  std::string ignored;
  std::filesystem::create_directories(SecretDir("pi-server-keys"));
  ASSERT_EQ(testing::RunToCompletion(PI_SERVER_BINARY,
                                     {"keygen", "--out=" + SecretDir("pi-server-keys") + "/keys"},
                                     {}, &ignored)
                .value_or(-1),
            0);
  std::string created;
  ASSERT_EQ(testing::RunToCompletion(PI_SERVER_BINARY, {"create-application", "--name=deploy"},
                                     {{"PI_DATABASE_URL", database_url_}}, &created)
                .value_or(-1),
            0);
  json application = json::parse(created);
  std::string basic =
      "Basic " + absl::Base64Escape(absl::StrCat(application["credential_id"].get<std::string>(),
                                                 ":", application["secret"].get<std::string>()));

  // pi-server.
  std::map<std::string, int> server_addresses;
  std::map<std::string, std::string> server_env = LocalEnv("pi-server", &server_addresses);
  server_env["PI_PORT_FILE"] = dir_ + "/grpc.port";
  server_env["PI_HEALTH_PORT_FILE"] = dir_ + "/health.port";
  auto [server_binary, server_args] = LocalCommand("pi-server");
  absl::StatusOr<testing::ChildProcess> server =
      testing::ChildProcess::Start(server_binary, server_args, server_env, dir_ + "/pi-server.log");
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<int> grpc_port = testing::WaitForPortFile(dir_ + "/grpc.port", absl::Seconds(20));
  absl::StatusOr<int> health_port =
      testing::WaitForPortFile(dir_ + "/health.port", absl::Seconds(20));
  ASSERT_TRUE(grpc_port.ok() && health_port.ok()) << "pi-server did not start:\n"
                                                  << testing::ReadFile(dir_ + "/pi-server.log");
  std::map<std::string, int> server_bound = {{"PI_GRPC_ADDRESS", *grpc_port},
                                             {"PI_HEALTH_ADDRESS", *health_port}};
  const json& server_workload = workloads_["pi-server"];
  ASSERT_FALSE(server_workload["probes"].empty());
  for (const auto& [kind, probe] : server_workload["probes"].items()) {
    ASSERT_TRUE(probe.contains("grpc")) << "pi-server " << kind << " is not a gRPC probe";
    int port = LocalProbePort(probe["grpc"]["port"], server_workload["ports"], server_addresses,
                              server_bound);
    EXPECT_EQ(ProbeUntilServing(port, probe["grpc"].value("service", "")), "SERVING")
        << "pi-server " << kind << ", service \"" << probe["grpc"].value("service", "") << "\"\n"
        << testing::ReadFile(dir_ + "/pi-server.log");
  }

  // pi-gateway, aimed at the local pi-server where the manifests aim it at the Service.
  std::map<std::string, int> gateway_addresses;
  std::map<std::string, std::string> gateway_env = LocalEnv("pi-gateway", &gateway_addresses);
  EXPECT_EQ(PortOf(gateway_env["PI_GRPC_TARGET"]), server_addresses["PI_GRPC_ADDRESS"])
      << "the gateway's target port is not pi-server's gRPC port";
  gateway_env["PI_GRPC_TARGET"] = absl::StrCat("127.0.0.1:", *grpc_port);
  gateway_env["PI_PORT_FILE"] = dir_ + "/http.port";
  auto [gateway_binary, gateway_args] = LocalCommand("pi-gateway");
  absl::StatusOr<testing::ChildProcess> gateway = testing::ChildProcess::Start(
      gateway_binary, gateway_args, gateway_env, dir_ + "/pi-gateway.log");
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  absl::StatusOr<int> http_port = testing::WaitForPortFile(dir_ + "/http.port", absl::Seconds(20));
  ASSERT_TRUE(http_port.ok()) << "pi-gateway did not start:\n"
                              << testing::ReadFile(dir_ + "/pi-gateway.log");
  std::map<std::string, int> gateway_bound = {{"PI_HTTP_ADDRESS", *http_port}};
  const json& gateway_workload = workloads_["pi-gateway"];
  ASSERT_FALSE(gateway_workload["probes"].empty());
  for (const auto& [kind, probe] : gateway_workload["probes"].items()) {
    ASSERT_TRUE(probe.contains("httpGet")) << "pi-gateway " << kind << " is not an HTTP probe";
    int port = LocalProbePort(probe["httpGet"]["port"], gateway_workload["ports"],
                              gateway_addresses, gateway_bound);
    absl::StatusOr<testing::HttpReply> reply =
        testing::HttpCall(port, "GET", probe["httpGet"]["path"].get<std::string>());
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->status, 200) << "pi-gateway " << kind;
  }

  // A request through both, on the database the Job migrated.
  absl::StatusOr<testing::HttpReply> identity =
      testing::HttpCall(*http_port, "POST", "/identities", R"({"entity": {"first_name": "Kube"}})",
                        {{"Authorization", basic}, {"Content-Type", "application/json"}});
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->status, 201) << identity->body << "\n"
                                   << testing::ReadFile(dir_ + "/pi-gateway.log");

  // SIGTERM, as the kubelet sends after the preStop hook: both end cleanly.
  absl::StatusOr<int> gateway_exit = gateway->Stop(SIGTERM, absl::Seconds(60));
  absl::StatusOr<int> server_exit = server->Stop(SIGTERM, absl::Seconds(60));
  // The logs are deleted with the test's directory, so a failure shows them here.
  EXPECT_EQ(gateway_exit.value_or(-1), 0)
      << gateway_exit.status() << "\n" << testing::ReadFile(dir_ + "/pi-gateway.log");
  EXPECT_EQ(server_exit.value_or(-1), 0)
      << server_exit.status() << "\n" << testing::ReadFile(dir_ + "/pi-server.log");
}

INSTANTIATE_TEST_SUITE_P(Overlays, DeployEnvTest, ::testing::Values("dev", "prod"),
                         [](const ::testing::TestParamInfo<std::string>& overlay) {
                           return overlay.param;
                         });

}  // namespace
}  // namespace pi
