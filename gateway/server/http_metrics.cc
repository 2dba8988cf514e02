#include "gateway/server/http_metrics.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace pi::gateway::server {

HttpMetrics::HttpMetrics(common::MetricsRegistry& registry)
    : requests_(registry.AddCounter("pi_http_requests_total",
                                    "HTTP requests answered, by dialect, route pattern, method "
                                    "and status code.",
                                    {"dialect", "route", "method", "code"})),
      duration_(registry.AddHistogram("pi_http_request_duration_seconds",
                                      "Time from a complete request to its response, by dialect "
                                      "and route pattern.",
                                      {"dialect", "route"})),
      in_flight_(
          registry
              .AddGauge("pi_http_requests_in_flight", "HTTP requests read and not answered yet.")
              .Get()) {}

void HttpMetrics::Finished(const RouteName* route, http::verb method, unsigned status,
                           absl::Duration latency) {
  static const RouteName kNone = {"", "unmatched"};
  const RouteName& name = route != nullptr ? *route : kNone;
  // Beast keeps an unknown method's text; only known verbs may become label values.
  absl::string_view verb = "OTHER";
  if (method != http::verb::unknown) {
    boost::beast::string_view known = http::to_string(method);
    verb = absl::string_view(known.data(), known.size());
  }
  std::string code = absl::StrCat(status);
  requests_.WithLabels({name.dialect, name.pattern, verb, code}).Increment();
  duration_.WithLabels({name.dialect, name.pattern}).Observe(absl::ToDoubleSeconds(latency));
  in_flight_.Add(-1);
}

}  // namespace pi::gateway::server
