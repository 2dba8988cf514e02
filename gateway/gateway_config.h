// pi-gateway's configuration, read once at start (see services/common/settings.h for the
// PI_<NAME> / --name=value convention) and validated; every problem is reported at once.
#ifndef PI_GATEWAY_GATEWAY_CONFIG_H_
#define PI_GATEWAY_GATEWAY_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/dialects/finix/finix_options.h"
#include "gateway/server/http_server.h"
#include "services/common/settings.h"

namespace pi::gateway {

struct GatewayConfig {
  server::HttpServerOptions http;       // http_address, io_threads, max_body_bytes, timeouts
  std::string grpc_target;              // required: pi-server, e.g. 127.0.0.1:50051
  absl::Duration rpc_deadline = absl::Seconds(5);
  absl::Duration shutdown_grace = absl::Seconds(10);
  std::string port_file;                // optional: the bound HTTP port is written here
  finix::FinixOptions finix;            // finix_prefix, public_base_url

  static const std::vector<std::string>& SettingNames();
  static absl::StatusOr<GatewayConfig> FromSettings(const common::Settings& settings);
};

}  // namespace pi::gateway

#endif  // PI_GATEWAY_GATEWAY_CONFIG_H_
