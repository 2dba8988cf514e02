#include "services/instruments/api/payment_instrument_handler.h"

#include "absl/strings/str_cat.h"
#include "services/common/error.h"
#include "services/instruments/api/proto_mapping.h"
#include "services/instruments/api/rpc_context.h"

namespace pi::instruments::api {
namespace {

constexpr absl::string_view kService = "payments.instruments.v1.PaymentInstrumentService/";

}  // namespace

template <typename Then>
grpc::ServerUnaryReactor* PaymentInstrumentHandler::Authenticated(
    grpc::CallbackServerContext* context, absl::string_view method, Then then) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto* rpc = new RpcContext(context, reactor, absl::StrCat(kService, method));
  authenticator_.Authenticate(rpc->authorization(),
                              [rpc, then = std::move(then)](absl::StatusOr<domain::Caller> caller) {
                                if (!caller.ok()) return rpc->Finish(caller.status());
                                rpc->set_application_id(caller->application_id);
                                then(rpc, *caller);
                              });
  return reactor;
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::CreatePaymentInstrument(
    grpc::CallbackServerContext* context, const v1::CreatePaymentInstrumentRequest* request,
    v1::PaymentInstrument* response) {
  return Authenticated(context, "CreatePaymentInstrument", [this, request, response](
                                                               RpcContext* rpc,
                                                               const domain::Caller& caller) {
    auto reply = [rpc, response](absl::StatusOr<domain::Instrument> created) {
      if (created.ok()) ToProto(*created, response);
      rpc->Finish(created.status());
    };
    if (!request->token().empty()) {
      // Associating a hosted-fields token comes with the lifecycle issue.
      return rpc->Finish(common::MakeError(absl::StatusCode::kUnimplemented, "NOT_IMPLEMENTED",
                                           "token association is not implemented yet"));
    }
    switch (request->payment_instrument().type()) {
      case v1::PAYMENT_CARD:
        return instruments_.CreateCard(caller, ToNewCard(*request), std::move(reply));
      case v1::BANK_ACCOUNT:
        return instruments_.CreateBankAccount(caller, ToNewBankAccount(*request),
                                              std::move(reply));
      case v1::APPLE_PAY:
      case v1::GOOGLE_PAY:
      case v1::TOKEN:
        return instruments_.CreateWallet(caller, ToNewWallet(*request), std::move(reply));
      default:
        return rpc->Finish(common::InvalidFields(
            {{"payment_instrument.type",
              "is required: PAYMENT_CARD, BANK_ACCOUNT, APPLE_PAY, GOOGLE_PAY or TOKEN"}}));
    }
  });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::GetPaymentInstrument(
    grpc::CallbackServerContext* context, const v1::GetPaymentInstrumentRequest* request,
    v1::PaymentInstrument* response) {
  return Authenticated(
      context, "GetPaymentInstrument",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        std::string id = InstrumentIdFromName(request->name());
        if (id.empty() || id.size() > domain::kMaxIdLength) {
          return rpc->Finish(common::InvalidFields({{"name", "must be paymentInstruments/{id}"}}));
        }
        instruments_.Get(caller, std::move(id),
                         [rpc, response](absl::StatusOr<domain::Instrument> found) {
                           if (found.ok()) ToProto(*found, response);
                           rpc->Finish(found.status());
                         });
      });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::NotYetImplemented(
    grpc::CallbackServerContext* context, absl::string_view method) {
  return Authenticated(context, method, [method](RpcContext* rpc, const domain::Caller&) {
    rpc->Finish(common::MakeError(absl::StatusCode::kUnimplemented, "NOT_IMPLEMENTED",
                                  absl::StrCat(method, " is not implemented yet")));
  });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::ListPaymentInstruments(
    grpc::CallbackServerContext* context, const v1::ListPaymentInstrumentsRequest* request,
    v1::ListPaymentInstrumentsResponse* response) {
  return Authenticated(
      context, "ListPaymentInstruments",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        instruments_.List(caller, ToListRequest(*request),
                          [rpc, response](absl::StatusOr<domain::InstrumentPage> page) {
                            if (page.ok()) ToProto(*page, response);
                            rpc->Finish(page.status());
                          });
      });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::UpdatePaymentInstrument(
    grpc::CallbackServerContext* context, const v1::UpdatePaymentInstrumentRequest* request,
    v1::PaymentInstrument* response) {
  return Authenticated(
      context, "UpdatePaymentInstrument",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        std::string id = InstrumentIdFromName(request->payment_instrument().name());
        if (id.empty() || id.size() > domain::kMaxIdLength) {
          return rpc->Finish(common::InvalidFields(
              {{"payment_instrument.name", "must be paymentInstruments/{id}"}}));
        }
        absl::StatusOr<domain::InstrumentUpdate> update = ToInstrumentUpdate(*request);
        if (!update.ok()) return rpc->Finish(update.status());
        instruments_.Update(caller, std::move(id), *std::move(update),
                            [rpc, response](absl::StatusOr<domain::Instrument> updated) {
                              if (updated.ok()) ToProto(*updated, response);
                              rpc->Finish(updated.status());
                            });
      });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::CreateToken(
    grpc::CallbackServerContext* context, const v1::CreateTokenRequest*, v1::Token*) {
  return NotYetImplemented(context, "CreateToken");
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::CreateIdentity(
    grpc::CallbackServerContext* context, const v1::CreateIdentityRequest*, v1::Identity*) {
  return NotYetImplemented(context, "CreateIdentity");
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::GetIdentity(
    grpc::CallbackServerContext* context, const v1::GetIdentityRequest*, v1::Identity*) {
  return NotYetImplemented(context, "GetIdentity");
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::RevealPaymentInstrument(
    grpc::CallbackServerContext* context, const v1::RevealPaymentInstrumentRequest*,
    v1::RevealPaymentInstrumentResponse*) {
  return NotYetImplemented(context, "RevealPaymentInstrument");
}

}  // namespace pi::instruments::api
