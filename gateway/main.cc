// pi-gateway: the vendors' REST dialects in front of pi-server. Configuration and wiring only.
// Holds no keys and no database; forwards `authorization` untouched.
#include <fstream>
#include <iostream>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
// The generated protos first: Asio (through Beast) pulls in <netdb.h>, whose NO_ADDRESS macro
// would clash with an enum value of resources.proto.
#include "gateway/core/instrument_client.h"
#include "gateway/core/browser_tokenization.h"
#include "gateway/dialects/ahrvo/ahrvo_dialect.h"
#include "gateway/dialects/finix/finix_dialect.h"
#include "gateway/dialects/rebilly/rebilly_dialect.h"
#include "gateway/dialects/sumup/sumup_dialect.h"
#include "gateway/gateway_config.h"
#include "gateway/hosted_fields/hosted_fields_routes.h"
#include "gateway/server/http_server.h"
#include "gateway/server/router.h"
#include "services/common/json_log.h"
#include "services/common/metrics.h"
#include "services/common/metrics_http_server.h"
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

// The channel to pi-server: plaintext, TLS (grpc_tls_ca_file) or mTLS (plus a client cert),
// balanced over every address the target resolves to by config.grpc_lb_policy.
absl::StatusOr<std::shared_ptr<grpc::Channel>> ServerChannel(const GatewayConfig& config) {
  grpc::ChannelArguments arguments;
  arguments.SetLoadBalancingPolicyName(config.grpc_lb_policy);
  if (config.grpc_tls.ca_file.empty()) {
    return grpc::CreateCustomChannel(config.grpc_target, grpc::InsecureChannelCredentials(),
                                     arguments);
  }
  absl::StatusOr<common::TlsMaterial> material = common::LoadTlsFiles(config.grpc_tls);
  if (!material.ok()) return material.status();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = material->ca_bundle;
  options.pem_cert_chain = material->cert_chain;
  options.pem_private_key = std::string(material->private_key.Reveal());
  if (!config.grpc_tls_server_name.empty()) {
    arguments.SetSslTargetNameOverride(config.grpc_tls_server_name);
  }
  return grpc::CreateCustomChannel(config.grpc_target, grpc::SslCredentials(options), arguments);
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
  common::SetMinLogLevel(config->log_level);

  common::BlockTerminationSignals();
  // Declared first: everything that records metrics goes before it does.
  common::MetricsRegistry metrics;

  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ServerChannel(*config);
  if (!channel.ok()) {
    std::cerr << "pi-gateway: TLS to pi-server: " << channel.status().message() << "\n";
    return 2;
  }
  if (config->http_tls.enabled()) {
    auto tls = server::MakeServerTlsContext(config->http_tls.cert_file, config->http_tls.key_file);
    if (!tls.ok()) {
      std::cerr << "pi-gateway: HTTPS: " << tls.status().message() << "\n";
      return 2;
    }
    config->http.tls = *std::move(tls);
  }
  core::InstrumentClient client(*std::move(channel), config->rpc_deadline, &metrics);
  std::atomic<bool> shutting_down{false};
  server::Router router;
  router.SetDialect("health");
  AddHealthRoute(router, shutting_down);
  // The router picks the longest matching mount, so /payments/na is Ahrvo's even under "/".
  router.SetDialect("ahrvo");
  ahrvo::RegisterAhrvoRoutes(router, client, config->ahrvo);
  router.SetDialect("finix");
  finix::RegisterFinixRoutes(router, client, config->finix);
  router.SetDialect("sumup");
  sumup::RegisterSumUpRoutes(router, client, config->sumup);
  router.SetDialect("rebilly");
  rebilly::RegisterRebillyRoutes(router, client, config->rebilly);
  hosted_fields::RegisterHostedFieldsRoutes(router, client,
                                            {absl::StrCat(config->finix.prefix, "/tokens")});
  // The routes browsers tokenize through: rate limit, CORS, no-store (browser_tokenization.h).
  core::BrowserTokenizationOptions browser{{core::OriginOfUrl(config->finix.public_base_url)}};
  if (config->tokenize_limit_enabled) {
    browser.limiter = std::make_shared<core::RateLimiter>(config->tokenize_limit);
  }
  for (const std::string& tokens :
       {absl::StrCat(config->finix.prefix, "/tokens"), absl::StrCat(config->ahrvo.prefix, "/tokens"),
        absl::StrCat(config->rebilly.prefix, "/organizations/{org}/tokens")}) {
    if (absl::Status protected_route = core::ProtectTokenizationRoute(router, tokens, browser);
        !protected_route.ok()) {
      std::cerr << "pi-gateway: " << protected_route.message() << "\n";
      return 1;
    }
  }

  common::MetricsHttpServer metrics_server(metrics);
  if (!config->metrics_address.empty()) {
    absl::StatusOr<int> metrics_port = metrics_server.Start(config->metrics_address);
    if (!metrics_port.ok()) {
      std::cerr << "pi-gateway: metrics: " << metrics_port.status().message() << "\n";
      return 1;
    }
    if (!config->metrics_port_file.empty()) {
      std::ofstream(config->metrics_port_file) << *metrics_port << "\n";
    }
  }

  server::HttpMetrics http_metrics(metrics);
  server::HttpServer http(config->http, router, &http_metrics);
  absl::StatusOr<unsigned short> port = http.Start();
  if (!port.ok()) {
    std::cerr << "pi-gateway: " << port.status().message() << "\n";
    return 1;
  }
  if (!config->port_file.empty()) std::ofstream(config->port_file) << *port << "\n";
  common::LogJson("info", "pi-gateway listening",
                  {{"port", *port},
                   {"https", config->http_tls.enabled()},
                   {"grpc_target", config->grpc_target},
                   {"grpc_tls", !config->grpc_tls.ca_file.empty()},
                   {"metrics_address", config->metrics_address}});

  int signal_number = common::WaitForTerminationSignal();
  common::LogJson("info", "shutting down", {{"signal", signal_number}});
  // Load balancers see 503 on /healthz and stop sending; until then requests are served, each
  // on a connection closed after its response (draining first, so whoever saw the 503 is told).
  http.StartDraining();
  shutting_down.store(true);
  absl::SleepFor(config->drain_delay);
  http.Shutdown(config->shutdown_grace);
  metrics_server.Stop();
  common::LogJson("info", "pi-gateway stopped");
  return 0;
}

}  // namespace
}  // namespace pi::gateway

int main(int argc, char** argv) {
#ifdef NDEBUG
  // Debian's Abseil is built without NDEBUG, so every absl::Mutex lock would also record
  // lock-order edges in a process-wide graph (about 2% of pi-server's CPU under load, measured
  // with perf). Release builds skip it; Debug and sanitizer builds keep the deadlock check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args.front() == "help" || args.front() == "--help")) {
    std::cout << "usage: pi-gateway [--name=value ...]; settings also come from PI_<NAME>; "
                 "see README.md\n";
    return 0;
  }
  return pi::gateway::Run(args);
}
