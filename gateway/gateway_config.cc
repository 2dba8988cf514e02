#include "gateway/gateway_config.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/json_log.h"

namespace pi::gateway {

const std::vector<std::string>& GatewayConfig::SettingNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names = {
        "http_address",   "grpc_target",     "io_threads",      "max_body_bytes",
        "idle_timeout",   "header_timeout",  "body_timeout",    "rpc_deadline",
        "shutdown_grace", "port_file",       "public_base_url", "finix_prefix",
        "http_tls_cert_file", "http_tls_key_file", "grpc_tls_server_name", "sumup_prefix",
        "ahrvo_prefix", "rebilly_prefix", "tokenize_rate", "tokenize_burst", "drain_delay",
        "metrics_address", "metrics_port_file", "log_level", "grpc_lb_policy"};
    for (std::string& tls : common::TlsFiles::SettingNames("grpc_tls_")) names.push_back(tls);
    return names;
  }();
  return kNames;
}

absl::StatusOr<GatewayConfig> GatewayConfig::FromSettings(const common::Settings& s) {
  GatewayConfig config;
  std::vector<std::string> problems;

  std::string address = s.Get("http_address", "0.0.0.0:8080");
  size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    problems.push_back("http_address: must be host:port, e.g. 0.0.0.0:8080");
  } else {
    config.http.address = address.substr(0, colon);
    config.http.port = static_cast<unsigned short>(port);
  }
  config.grpc_target = s.Get("grpc_target");
  if (config.grpc_target.empty()) {
    problems.push_back("grpc_target: required (PI_GRPC_TARGET or --grpc_target), e.g. 127.0.0.1:50051");
  }
  config.grpc_lb_policy = s.Get("grpc_lb_policy", config.grpc_lb_policy);
  if (config.grpc_lb_policy != "round_robin" && config.grpc_lb_policy != "pick_first") {
    problems.push_back("grpc_lb_policy: must be round_robin or pick_first");
  }
  s.GetInt("io_threads", 1, 64, config.http.io_threads, problems);
  int max_body = static_cast<int>(config.http.max_body_bytes);
  s.GetInt("max_body_bytes", 1024, 16 * 1024 * 1024, max_body, problems);
  config.http.max_body_bytes = static_cast<size_t>(max_body);
  s.GetDuration("idle_timeout", config.http.idle_timeout, problems);
  s.GetDuration("header_timeout", config.http.header_timeout, problems);
  s.GetDuration("body_timeout", config.http.body_timeout, problems);
  s.GetDuration("rpc_deadline", config.rpc_deadline, problems);
  s.GetDuration("shutdown_grace", config.shutdown_grace, problems);
  s.GetDuration("drain_delay", config.drain_delay, problems);
  config.port_file = s.Get("port_file");
  config.metrics_address = s.GetOrEmpty("metrics_address", config.metrics_address);
  if (!config.metrics_address.empty() && !common::SplitHostPort(config.metrics_address).ok()) {
    problems.push_back("metrics_address: must be host:port, e.g. 0.0.0.0:9091, or empty for none");
  }
  config.metrics_port_file = s.Get("metrics_port_file");
  config.log_level = s.Get("log_level", config.log_level);
  if (!common::IsLogLevel(config.log_level)) {
    problems.push_back("log_level: must be debug, info, warn or error");
  }
  std::string& base = config.finix.public_base_url;
  base = s.Get("public_base_url", base);
  while (absl::EndsWith(base, "/")) base.pop_back();
  if (!absl::StartsWith(base, "http://") && !absl::StartsWith(base, "https://")) {
    problems.push_back("public_base_url: must start with http:// or https://");
  } else if (base.find("://") + 3 >= base.size()) {
    problems.push_back("public_base_url: must name a host, e.g. https://vault.example.com");
  }
  config.finix.prefix = s.Get("finix_prefix", "");
  if (!config.finix.prefix.empty() &&
      (config.finix.prefix.front() != '/' || config.finix.prefix.back() == '/')) {
    problems.push_back("finix_prefix: must start with '/' and not end with it, e.g. /finix");
  }
  // SumUp's paths carry their API version; the mount must not share Finix's error renderer.
  config.sumup.prefix = s.Get("sumup_prefix", config.sumup.prefix);
  if (config.sumup.prefix.size() < 2 || config.sumup.prefix.front() != '/' ||
      config.sumup.prefix.back() == '/') {
    problems.push_back("sumup_prefix: must start with '/' and not end with it, e.g. /v0.1");
  } else if (config.sumup.prefix == config.finix.prefix) {
    problems.push_back("sumup_prefix: must differ from finix_prefix");
  }
  config.ahrvo.public_base_url = base;
  config.ahrvo.prefix = s.Get("ahrvo_prefix", "/payments/na");
  if (config.ahrvo.prefix.size() < 2 || config.ahrvo.prefix.front() != '/' ||
      config.ahrvo.prefix.back() == '/') {
    problems.push_back("ahrvo_prefix: must start with '/' and not end with it, e.g. /payments/na");
  }
  // "" serves Rebilly's own paths (/organizations/..., /storefront/organizations/...).
  config.rebilly.public_base_url = base;
  config.rebilly.prefix = s.Get("rebilly_prefix", "");
  if (!config.rebilly.prefix.empty() &&
      (config.rebilly.prefix.size() < 2 || config.rebilly.prefix.front() != '/' ||
       config.rebilly.prefix.back() == '/')) {
    problems.push_back("rebilly_prefix: must be empty or start with '/' and not end with it, "
                       "e.g. /rebilly");
  }
  config.http_tls = common::TlsFiles::FromSettings(s, "http_tls_", true, problems);
  config.grpc_tls = common::TlsFiles::FromSettings(s, "grpc_tls_", false, problems);
  if (config.grpc_tls.enabled() && config.grpc_tls.ca_file.empty()) {
    problems.push_back("grpc_tls_cert_file: a client certificate needs grpc_tls_ca_file too");
  }
  config.grpc_tls_server_name = s.Get("grpc_tls_server_name");
  int rate = config.tokenize_limit.per_minute;
  s.GetInt("tokenize_rate", 0, 1000000, rate, problems);
  config.tokenize_limit_enabled = rate > 0;
  if (rate > 0) config.tokenize_limit.per_minute = rate;
  s.GetInt("tokenize_burst", 1, 1000000, config.tokenize_limit.burst, problems);
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  return config;
}

}  // namespace pi::gateway
