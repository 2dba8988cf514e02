#include "services/instruments/api/rpc_metrics.h"

#include <string>

namespace pi::instruments::api {

RpcMetrics::RpcMetrics(common::MetricsRegistry& registry)
    : requests_(registry.AddCounter("pi_grpc_requests_total",
                                    "PaymentInstrumentService RPCs finished, by method and gRPC "
                                    "status code.",
                                    {"method", "code"})),
      duration_(registry.AddHistogram("pi_grpc_request_duration_seconds",
                                      "Time from receiving a PaymentInstrumentService RPC to "
                                      "finishing it, by method.",
                                      {"method"})),
      in_flight_(registry
                     .AddGauge("pi_grpc_requests_in_flight",
                               "PaymentInstrumentService RPCs received and not finished yet.")
                     .Get()) {}

void RpcMetrics::Finished(absl::string_view method, absl::StatusCode code, absl::Duration latency) {
  in_flight_.Add(-1);
  std::string code_name = absl::StatusCodeToString(code);
  requests_.WithLabels({method, code_name}).Increment();
  duration_.WithLabels({method}).Observe(absl::ToDoubleSeconds(latency));
}

}  // namespace pi::instruments::api
