// pi-gateway: the vendors' REST dialects in front of pi-server. Configuration and wiring only.
// Holds no keys and no database; forwards `authorization` untouched.
#include <fstream>
#include <iostream>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "gateway/core/instrument_client.h"
#include "gateway/dialects/finix/finix_dialect.h"
#include "gateway/gateway_config.h"
#include "gateway/server/http_server.h"
#include "gateway/server/router.h"
#include "services/common/json_log.h"
#include "services/common/termination_signal.h"

extern char** environ;

namespace pi::gateway {
namespace {

// GET /healthz: 200 while serving, 503 once shutdown began, so load balancers drain us.
void AddHealthRoute(server::Router& router, const std::atomic<bool>& shutting_down) {
  router.Add(server::http::verb::get, "/healthz",
             [&shutting_down](const server::Exchange& exchange, server::Responder respond) {
               bool up = !shutting_down.load();
               server::Response response(
                   up ? server::http::status::ok : server::http::status::service_unavailable,
                   exchange.request.version());
               response.set(server::http::field::content_type, "application/json");
               response.body() = nlohmann::json{{"status", up ? "ok" : "shutting_down"}}.dump();
               response.prepare_payload();
               respond(std::move(response));
             });
}

int Run(const std::vector<std::string>& args) {
  absl::StatusOr<common::Settings> settings =
      common::Settings::Parse(GatewayConfig::SettingNames(), args, environ);
  absl::StatusOr<GatewayConfig> config =
      settings.ok() ? GatewayConfig::FromSettings(*settings) : settings.status();
  if (!config.ok()) {
    std::cerr << "pi-gateway: invalid configuration:\n" << config.status().message() << "\n";
    return 2;
  }

  common::BlockTerminationSignals();

  core::InstrumentClient client(
      grpc::CreateChannel(config->grpc_target, grpc::InsecureChannelCredentials()),
      config->rpc_deadline);
  std::atomic<bool> shutting_down{false};
  server::Router router;
  AddHealthRoute(router, shutting_down);
  finix::RegisterFinixRoutes(router, client, config->finix);

  server::HttpServer http(config->http, router);
  absl::StatusOr<unsigned short> port = http.Start();
  if (!port.ok()) {
    std::cerr << "pi-gateway: " << port.status().message() << "\n";
    return 1;
  }
  if (!config->port_file.empty()) std::ofstream(config->port_file) << *port << "\n";
  common::LogJson("info", "pi-gateway listening",
                  {{"port", *port}, {"grpc_target", config->grpc_target}});

  int signal_number = common::WaitForTerminationSignal();
  common::LogJson("info", "shutting down", {{"signal", signal_number}});
  shutting_down.store(true);
  http.Shutdown(config->shutdown_grace);
  common::LogJson("info", "pi-gateway stopped");
  return 0;
}

}  // namespace
}  // namespace pi::gateway

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args.front() == "help" || args.front() == "--help")) {
    std::cout << "usage: pi-gateway [--name=value ...]; settings also come from PI_<NAME>; "
                 "see README.md\n";
    return 0;
  }
  return pi::gateway::Run(args);
}
