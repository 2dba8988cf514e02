// pi-server's per-RPC metrics: pi_grpc_requests_total{method,code},
// pi_grpc_request_duration_seconds{method} and pi_grpc_requests_in_flight. `method` is the
// RPC's short name ("CreatePaymentInstrument"), `code` the gRPC status code name ("OK",
// "NOT_FOUND"): both from fixed sets. Recording is a few relaxed atomics. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_API_RPC_METRICS_H_
#define PI_SERVICES_INSTRUMENTS_API_RPC_METRICS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/metrics.h"

namespace pi::instruments::api {

class RpcMetrics {
 public:
  // Registers the families in `registry`, which must outlive this object.
  explicit RpcMetrics(common::MetricsRegistry& registry);

  void Started() { in_flight_.Add(1); }
  // Ends what Started() began.
  void Finished(absl::string_view method, absl::StatusCode code, absl::Duration latency);

 private:
  common::CounterFamily& requests_;
  common::HistogramFamily& duration_;
  common::Gauge& in_flight_;
};

}  // namespace pi::instruments::api

#endif  // PI_SERVICES_INSTRUMENTS_API_RPC_METRICS_H_
