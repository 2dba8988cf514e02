// pi-gateway's configuration, read once at start (see services/common/settings.h for the
// PI_<NAME> / --name=value convention) and validated; every problem is reported at once.
#ifndef PI_GATEWAY_GATEWAY_CONFIG_H_
#define PI_GATEWAY_GATEWAY_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/core/rate_limiter.h"
#include "gateway/dialects/finix/finix_options.h"
#include "gateway/dialects/rebilly/rebilly_options.h"
#include "gateway/dialects/sumup/sumup_options.h"
#include "gateway/server/http_server.h"
#include "services/common/settings.h"
#include "services/common/tls_files.h"

namespace pi::gateway {

struct GatewayConfig {
  server::HttpServerOptions http;       // http_address, io_threads, max_body_bytes, timeouts
  std::string grpc_target;              // required: pi-server, e.g. 127.0.0.1:50051
  // How calls spread over the addresses grpc_target resolves to: round_robin keeps a connection
  // to every pi-server replica (a headless Service's pod addresses, or
  // "ipv4:10.0.0.1:50051,10.0.0.2:50051") and rotates over them; pick_first uses one.
  std::string grpc_lb_policy = "round_robin";
  absl::Duration rpc_deadline = absl::Seconds(5);
  absl::Duration shutdown_grace = absl::Seconds(10);
  // After SIGTERM, /healthz answers 503 this long while requests are still served.
  absl::Duration drain_delay = absl::ZeroDuration();
  std::string port_file;                // optional: the bound HTTP port is written here
  // Plaintext HTTP listener for Prometheus (GET /metrics); "" turns it off.
  std::string metrics_address = "0.0.0.0:9091";
  std::string metrics_port_file;        // optional: the bound metrics port is written here
  std::string log_level = "info";       // debug, info, warn or error
  finix::FinixOptions finix;            // finix_prefix, public_base_url
  sumup::SumUpOptions sumup;            // sumup_prefix
  finix::FinixOptions ahrvo;            // ahrvo_prefix (default /payments/na), public_base_url
  rebilly::RebillyOptions rebilly;      // rebilly_prefix (default ""), public_base_url
  // HTTPS on the listener: http_tls_cert_file and http_tls_key_file. Off when unset.
  common::TlsFiles http_tls;
  // TLS to pi-server: grpc_tls_ca_file verifies pi-server's certificate (enables TLS);
  // grpc_tls_cert_file and grpc_tls_key_file present a client certificate (mTLS).
  common::TlsFiles grpc_tls;
  // The name pi-server's certificate must carry, when it differs from grpc_target's host.
  std::string grpc_tls_server_name;
  // Tokenization rate limit per (credential id, client address), per gateway replica:
  // tokenize_rate a minute after a burst of tokenize_burst. tokenize_rate 0 turns it off.
  core::RateLimiter::Options tokenize_limit;
  bool tokenize_limit_enabled = true;

  static const std::vector<std::string>& SettingNames();
  static absl::StatusOr<GatewayConfig> FromSettings(const common::Settings& settings);
};

}  // namespace pi::gateway

#endif  // PI_GATEWAY_GATEWAY_CONFIG_H_
