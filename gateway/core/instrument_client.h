// The gateway's gRPC client of PaymentInstrumentService: asynchronous (callback API), one shared
// channel, a deadline on every call, and the caller's `authorization`, `idempotency-key` and
// request id (`x-request-id`) and, for cross-origin browser tokenization, the request's Origin
// forwarded as metadata. `done` runs on a gRPC thread. With a registry, each call is counted in
// pi_upstream_grpc_requests_total{method,code} and timed in
// pi_upstream_grpc_request_duration_seconds{method}. Thread-safe.
#ifndef PI_GATEWAY_CORE_INSTRUMENT_CLIENT_H_
#define PI_GATEWAY_CORE_INSTRUMENT_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "services/common/metrics.h"

namespace pi::gateway::core {

namespace v1 = ::payments::instruments::v1;

// Metadata forwarded from the HTTP request. Empty values are not sent.
struct CallMetadata {
  std::string authorization;
  std::string idempotency_key;
  std::string request_id;
  // Exchange::browser_origin: sent as `origin` for pi-server to check (CreateToken).
  std::string origin;
};

class InstrumentClient {
 public:
  template <typename Response>
  using Done = std::function<void(const grpc::Status&, Response&&)>;

  // `metrics` (may be null) must outlive the client.
  InstrumentClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline,
                   common::MetricsRegistry* metrics = nullptr);

  void CreatePaymentInstrument(const CallMetadata& metadata,
                               v1::CreatePaymentInstrumentRequest request,
                               Done<v1::PaymentInstrument> done);
  void CreateCustomerPaymentInstrument(const CallMetadata& metadata,
                                       v1::CreateCustomerPaymentInstrumentRequest request,
                                       Done<v1::CustomerPaymentInstrument> done);
  void GetPaymentInstrument(const CallMetadata& metadata, v1::GetPaymentInstrumentRequest request,
                            Done<v1::PaymentInstrument> done);
  void UpdatePaymentInstrument(const CallMetadata& metadata,
                               v1::UpdatePaymentInstrumentRequest request,
                               Done<v1::PaymentInstrument> done);
  void ListPaymentInstruments(const CallMetadata& metadata,
                              v1::ListPaymentInstrumentsRequest request,
                              Done<v1::ListPaymentInstrumentsResponse> done);
  void CreateIdentity(const CallMetadata& metadata, v1::CreateIdentityRequest request,
                      Done<v1::Identity> done);
  void GetIdentity(const CallMetadata& metadata, v1::GetIdentityRequest request,
                   Done<v1::Identity> done);
  void CreateToken(const CallMetadata& metadata, v1::CreateTokenRequest request,
                   Done<v1::Token> done);
  void CheckOrigin(const CallMetadata& metadata, v1::CheckOriginRequest request,
                   Done<v1::CheckOriginResponse> done);

 private:
  // `name` is the RPC's name, a string literal (a metrics label).
  template <typename Request, typename Response, typename Method>
  void Call(const char* name, Method method, const CallMetadata& metadata, Request request,
            Done<Response> done);

  std::unique_ptr<v1::PaymentInstrumentService::Stub> stub_;
  absl::Duration deadline_;
  common::CounterFamily* calls_ = nullptr;
  common::HistogramFamily* call_duration_ = nullptr;
};

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_INSTRUMENT_CLIENT_H_
