// The gRPC face of the vault: PaymentInstrumentService on the callback API. Handlers are thin:
// authenticate, authorize the role (authorization.h; a refusal is audited), map proto -> domain,
// call the use case, map back. They never block: database work completes on the storage pool,
// which finishes the reactor. CreatePaymentInstrument honours an idempotency key from the
// `idempotency-key` metadata or, failing that, the request's `request_id`. CreateToken with
// `origin` metadata (a browser's cross-origin call, forwarded by the gateway) checks that origin
// against the application's allowed origins before anything else (origin_policy.h).
// RPCs not built yet answer UNIMPLEMENTED (reason NOT_IMPLEMENTED) after authorization.
#ifndef PI_SERVICES_INSTRUMENTS_API_PAYMENT_INSTRUMENT_HANDLER_H_
#define PI_SERVICES_INSTRUMENTS_API_PAYMENT_INSTRUMENT_HANDLER_H_

#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "services/instruments/api/rpc_metrics.h"
#include "services/instruments/domain/audit.h"
#include "services/instruments/domain/authenticator.h"
#include "services/instruments/domain/authorization.h"
#include "services/instruments/domain/customer_signup.h"
#include "services/instruments/domain/idempotency_guard.h"
#include "services/instruments/domain/identity_service.h"
#include "services/instruments/domain/instrument_service.h"
#include "services/instruments/domain/origin_policy.h"
#include "services/instruments/domain/token_service.h"

namespace pi::instruments::api {

namespace v1 = ::payments::instruments::v1;

class RpcContext;

class PaymentInstrumentHandler final : public v1::PaymentInstrumentService::CallbackService {
 public:
  // The references must outlive the handler.
  PaymentInstrumentHandler(domain::Authenticator& authenticator,
                           domain::InstrumentService& instruments,
                           domain::TokenService& tokens, domain::IdempotencyGuard& idempotency,
                           domain::IdentityService& identities, domain::CustomerSignup& signup,
                           domain::OriginPolicy& origins, domain::AuditLog& audit,
                           RpcMetrics& metrics)
      : authenticator_(authenticator),
        instruments_(instruments),
        tokens_(tokens),
        idempotency_(idempotency),
        identities_(identities),
        signup_(signup),
        origins_(origins),
        audit_(audit),
        metrics_(metrics) {}

  grpc::ServerUnaryReactor* CreatePaymentInstrument(
      grpc::CallbackServerContext* context, const v1::CreatePaymentInstrumentRequest* request,
      v1::PaymentInstrument* response) override;
  grpc::ServerUnaryReactor* GetPaymentInstrument(grpc::CallbackServerContext* context,
                                                 const v1::GetPaymentInstrumentRequest* request,
                                                 v1::PaymentInstrument* response) override;
  grpc::ServerUnaryReactor* ListPaymentInstruments(
      grpc::CallbackServerContext* context, const v1::ListPaymentInstrumentsRequest* request,
      v1::ListPaymentInstrumentsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePaymentInstrument(
      grpc::CallbackServerContext* context, const v1::UpdatePaymentInstrumentRequest* request,
      v1::PaymentInstrument* response) override;
  grpc::ServerUnaryReactor* CreateToken(grpc::CallbackServerContext* context,
                                        const v1::CreateTokenRequest* request,
                                        v1::Token* response) override;
  // A customer JWT associates with its own identity; a publishable key signs up a customer.
  grpc::ServerUnaryReactor* CreateCustomerPaymentInstrument(
      grpc::CallbackServerContext* context,
      const v1::CreateCustomerPaymentInstrumentRequest* request,
      v1::CustomerPaymentInstrument* response) override;
  grpc::ServerUnaryReactor* CreateIdentity(grpc::CallbackServerContext* context,
                                           const v1::CreateIdentityRequest* request,
                                           v1::Identity* response) override;
  grpc::ServerUnaryReactor* GetIdentity(grpc::CallbackServerContext* context,
                                        const v1::GetIdentityRequest* request,
                                        v1::Identity* response) override;
  grpc::ServerUnaryReactor* CheckOrigin(grpc::CallbackServerContext* context,
                                        const v1::CheckOriginRequest* request,
                                        v1::CheckOriginResponse* response) override;
  grpc::ServerUnaryReactor* RevealPaymentInstrument(
      grpc::CallbackServerContext* context, const v1::RevealPaymentInstrumentRequest* request,
      v1::RevealPaymentInstrumentResponse* response) override;

 private:
  // Starts RPC `method`: its log context, then authentication. `then(rpc, caller)` runs once
  // the caller is authenticated and must finish `rpc`; a failed authentication finishes it.
  template <typename Then>
  grpc::ServerUnaryReactor* Authenticated(grpc::CallbackServerContext* context,
                                          absl::string_view method, Then then);

  // True when `caller` may perform `operation`; otherwise audits the refusal, finishes `rpc`
  // with PERMISSION_DENIED and returns false.
  bool Authorized(RpcContext* rpc, const domain::Caller& caller, domain::Operation operation,
                  absl::string_view resource_id = "");

  domain::Authenticator& authenticator_;
  domain::InstrumentService& instruments_;
  domain::TokenService& tokens_;
  domain::IdempotencyGuard& idempotency_;
  domain::IdentityService& identities_;
  domain::CustomerSignup& signup_;
  domain::OriginPolicy& origins_;
  domain::AuditLog& audit_;
  RpcMetrics& metrics_;
};

}  // namespace pi::instruments::api

#endif  // PI_SERVICES_INSTRUMENTS_API_PAYMENT_INSTRUMENT_HANDLER_H_
