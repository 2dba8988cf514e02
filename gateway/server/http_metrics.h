// pi-gateway's HTTP metrics: pi_http_requests_total{dialect,route,method,code},
// pi_http_request_duration_seconds{dialect,route} and pi_http_requests_in_flight. `route` is
// the matched pattern ("/payment_instruments/{id}") or "unmatched", `method` the HTTP method
// (unknown ones count as "OTHER"), `code` the status: all from fixed sets, never a path or an id.
// Recording is a few relaxed atomics. Thread-safe.
#ifndef PI_GATEWAY_SERVER_HTTP_METRICS_H_
#define PI_GATEWAY_SERVER_HTTP_METRICS_H_

#include "absl/time/time.h"
#include "gateway/server/http_types.h"
#include "services/common/metrics.h"

namespace pi::gateway::server {

class HttpMetrics {
 public:
  // Registers the families in `registry`, which must outlive this object.
  explicit HttpMetrics(common::MetricsRegistry& registry);

  void Started() { in_flight_.Add(1); }
  // Ends what Started() began. `route` may be null (counted as dialect "", route "unmatched").
  void Finished(const RouteName* route, http::verb method, unsigned status, absl::Duration latency);

 private:
  common::CounterFamily& requests_;
  common::HistogramFamily& duration_;
  common::Gauge& in_flight_;
};

}  // namespace pi::gateway::server

#endif  // PI_GATEWAY_SERVER_HTTP_METRICS_H_
