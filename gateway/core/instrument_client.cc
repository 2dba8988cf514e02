#include "gateway/core/instrument_client.h"

#include <grpcpp/channel.h>

namespace pi::gateway::core {

InstrumentClient::InstrumentClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : stub_(v1::PaymentInstrumentService::NewStub(std::move(channel))), deadline_(deadline) {}

template <typename Request, typename Response, typename Method>
void InstrumentClient::Call(Method method, const CallMetadata& metadata, Request request,
                            Done<Response> done) {
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
  (stub_->async()->*method)(&call->context, &call->request, &call->response,
                            [state = std::move(state), done = std::move(done)](
                                grpc::Status status) mutable {
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
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::CreateIdentity),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::GetIdentity(const CallMetadata& metadata, v1::GetIdentityRequest request,
                                   Done<v1::Identity> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::GetIdentityRequest*, v1::Identity*,
      std::function<void(grpc::Status)>);
  Call<v1::GetIdentityRequest, v1::Identity>(
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::GetIdentity),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::CreateToken(const CallMetadata& metadata, v1::CreateTokenRequest request,
                                   Done<v1::Token> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::CreateTokenRequest*, v1::Token*,
      std::function<void(grpc::Status)>);
  Call<v1::CreateTokenRequest, v1::Token>(
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::CreateToken),
      metadata, std::move(request), std::move(done));
}

void InstrumentClient::CheckOrigin(const CallMetadata& metadata, v1::CheckOriginRequest request,
                                   Done<v1::CheckOriginResponse> done) {
  using Method = void (v1::PaymentInstrumentService::Stub::async_interface::*)(
      grpc::ClientContext*, const v1::CheckOriginRequest*, v1::CheckOriginResponse*,
      std::function<void(grpc::Status)>);
  Call<v1::CheckOriginRequest, v1::CheckOriginResponse>(
      static_cast<Method>(&v1::PaymentInstrumentService::Stub::async_interface::CheckOrigin),
      metadata, std::move(request), std::move(done));
}

}  // namespace pi::gateway::core
