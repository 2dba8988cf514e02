// The gateway's gRPC client of PaymentInstrumentService: asynchronous (callback API), one shared
// channel, a deadline on every call, and the caller's `authorization`, `idempotency-key` and
// request id (and, for cross-origin browser tokenization, the request's Origin) forwarded as
// metadata. `done` runs on a gRPC thread. Thread-safe.
#ifndef PI_GATEWAY_CORE_INSTRUMENT_CLIENT_H_
#define PI_GATEWAY_CORE_INSTRUMENT_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"

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

  InstrumentClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);

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
  template <typename Request, typename Response, typename Method>
  void Call(Method method, const CallMetadata& metadata, Request request, Done<Response> done);

  std::unique_ptr<v1::PaymentInstrumentService::Stub> stub_;
  absl::Duration deadline_;
};

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_INSTRUMENT_CLIENT_H_
