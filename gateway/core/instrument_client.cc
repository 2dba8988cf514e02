#include "gateway/core/instrument_client.h"

#include <grpcpp/channel.h>

#include "absl/time/clock.h"
#include "gateway/core/utf8_fields.h"

namespace pi::gateway::core {

namespace {

// gRPC's code names, as pi-server's metrics and absl::StatusCodeToString spell them.
const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",           "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",     "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",    "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",          "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  int index = static_cast<int>(code);
  return index >= 0 && index < 17 ? kNames[index] : "UNKNOWN";
}

}  // namespace

InstrumentClient::InstrumentClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline,
                                   common::MetricsRegistry* metrics)
    : stub_(v1::PaymentInstrumentService::NewStub(std::move(channel))), deadline_(deadline) {
  if (metrics != nullptr) {
    calls_ = &metrics->AddCounter("pi_upstream_grpc_requests_total",
                                  "Calls from the gateway to pi-server, by RPC and gRPC status "
                                  "code (UNAVAILABLE, DEADLINE_EXCEEDED: pi-server unreachable "
                                  "or slow).",
                                  {"method", "code"});
    call_duration_ = &metrics->AddHistogram("pi_upstream_grpc_request_duration_seconds",
                                            "Duration of the gateway's calls to pi-server, by RPC.",
                                            {"method"});
  }
}

template <typename Request, typename Response, typename Method>
void InstrumentClient::Call(const char* name, Method method, const CallMetadata& metadata,
                            Request request, Done<Response> done) {
  if (!StringFieldsAreUtf8(request)) {
    done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "a path, query or header value is not valid UTF-8"),
         Response());
    return;
  }
  // Owns everything the call touches until its callback has run.
  struct CallState {
    grpc::ClientContext context;
    Request request;
    Response response;
  };
  auto state = std::make_shared<CallState>();
  state->request = std::move(request);
  if (!metadata.authorization.empty()) {
    state->context.AddMetadata("authorization", metadata.authorization);
  }
  if (!metadata.idempotency_key.empty()) {
    state->context.AddMetadata("idempotency-key", metadata.idempotency_key);
  }
  if (!metadata.request_id.empty()) state->context.AddMetadata("x-request-id", metadata.request_id);
  if (!metadata.origin.empty()) state->context.AddMetadata("origin", metadata.origin);
  state->context.set_deadline(std::chrono::system_clock::now() +
                              absl::ToChronoMilliseconds(deadline_));
  CallState* call = state.get();
  absl::Time started = absl::Now();
  (stub_->async()->*method)(&call->context, &call->request, &call->response,
                            [this, name, started, state = std::move(state),
                             done = std::move(done)](grpc::Status status) mutable {
                              if (calls_ != nullptr) {
                                calls_->WithLabels({name, CodeName(status.error_code())})
                                    .Increment();
                                call_duration_->WithLabels({name}).Observe(
                                    absl::ToDoubleSeconds(absl::Now() - started));
                              }
                              // The call is complete: free its context here, before the
                              // answer goes out, so nothing of the call outlives the moment
                              // the caller may shut down (a test, or the process at exit).
                              Response response = std::move(state->response);
                              state.reset();
                              done(status, std::move(response));
                            });
}

void InstrumentClient::CreatePaymentInstrument(const CallMetadata& metadata,
                                               v1::CreatePaymentInstrumentRequest request,
                                               Done<v1::PaymentInstrument> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::CreatePaymentInstrumentRequest*, v1::PaymentInstrument*,
      std::function<void(grpc::Status)>);
  Call<v1::CreatePaymentInstrumentRequest, v1::PaymentInstrument>(
      "CreatePaymentInstrument",
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::
                              CreatePaymentInstrument),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::CreateCustomerPaymentInstrument(
    const CallMetadata& metadata, v1::CreateCustomerPaymentInstrumentRequest request,
    Done<v1::CustomerPaymentInstrument> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::CreateCustomerPaymentInstrumentRequest*,
      v1::CustomerPaymentInstrument*, std::function<void(grpc::Status)>);
  Call<v1::CreateCustomerPaymentInstrumentRequest, v1::CustomerPaymentInstrument>(
      "CreateCustomerPaymentInstrument",
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::
                              CreateCustomerPaymentInstrument),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::GetPaymentInstrument(const CallMetadata& metadata,
                                            v1::GetPaymentInstrumentRequest request,
                                            Done<v1::PaymentInstrument> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::GetPaymentInstrumentRequest*, v1::PaymentInstrument*,
      std::function<void(grpc::Status)>);
  Call<v1::GetPaymentInstrumentRequest, v1::PaymentInstrument>(
      "GetPaymentInstrument",
      static_cast<Method>(
          &v1::PaymentInstrumentService::Stub::async_interface::GetPaymentInstrument),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::UpdatePaymentInstrument(const CallMetadata& metadata,
                                               v1::UpdatePaymentInstrumentRequest request,
                                               Done<v1::PaymentInstrument> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::UpdatePaymentInstrumentRequest*, v1::PaymentInstrument*,
      std::function<void(grpc::Status)>);
  Call<v1::UpdatePaymentInstrumentRequest, v1::PaymentInstrument>(
      "UpdatePaymentInstrument",
      static_cast<Method>(
          &v1::PaymentInstrumentService::Stub::async_interface::UpdatePaymentInstrument),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::ListPaymentInstruments(const CallMetadata& metadata,
                                              v1::ListPaymentInstrumentsRequest request,
                                              Done<v1::ListPaymentInstrumentsResponse> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::ListPaymentInstrumentsRequest*,
      v1::ListPaymentInstrumentsResponse*, std::function<void(grpc::Status)>);
  Call<v1::ListPaymentInstrumentsRequest, v1::ListPaymentInstrumentsResponse>(
      "ListPaymentInstruments",
      static_cast<Method>(
          &v1::PaymentInstrumentService::Stub::async_interface::ListPaymentInstruments),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::CreateIdentity(const CallMetadata& metadata,
                                      v1::CreateIdentityRequest request,
                                      Done<v1::Identity> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::CreateIdentityRequest*, v1::Identity*,
      std::function<void(grpc::Status)>);
  Call<v1::CreateIdentityRequest, v1::Identity>(
      "CreateIdentity",
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::CreateIdentity),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::GetIdentity(const CallMetadata& metadata, v1::GetIdentityRequest request,
                                   Done<v1::Identity> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::GetIdentityRequest*, v1::Identity*,
      std::function<void(grpc::Status)>);
  Call<v1::GetIdentityRequest, v1::Identity>(
      "GetIdentity",
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::GetIdentity),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::CreateToken(const CallMetadata& metadata, v1::CreateTokenRequest request,
                                   Done<v1::Token> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::CreateTokenRequest*, v1::Token*,
      std::function<void(grpc::Status)>);
  Call<v1::CreateTokenRequest, v1::Token>(
      "CreateToken",
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::CreateToken),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::CheckOrigin(const CallMetadata& metadata, v1::CheckOriginRequest request,
                                   Done<v1::CheckOriginResponse> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::CheckOriginRequest*, v1::CheckOriginResponse*,
      std::function<void(grpc::Status)>);
  Call<v1::CheckOriginRequest, v1::CheckOriginResponse>(
      "CheckOrigin",
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::CheckOrigin),
      metadata, std::move(request), std::move(done));
}

}  // namespace pi::gateway::core
