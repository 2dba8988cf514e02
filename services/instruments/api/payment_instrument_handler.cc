#include "services/instruments/api/payment_instrument_handler.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/str_cat.h"
#include "services/common/error.h"
#include "services/common/secret.h"
#include "services/instruments/crypto/secret_hash.h"
#include "services/instruments/api/proto_mapping.h"
#include "services/instruments/api/rpc_context.h"

namespace pi::instruments::api {
namespace {

constexpr absl::string_view kService = "payments.instruments.v1.PaymentInstrumentService/";

absl::Status BadName(absl::string_view field, absl::string_view collection) {
  return common::InvalidFields({{std::string(field), absl::StrCat("must be ", collection, "/{id}")}});
}

// The id in `name` of `collection`, or "" when it is malformed.
std::string CheckedId(std::string id) {
  return id.size() > domain::kMaxIdLength ? std::string() : id;
}

}  // namespace

template <typename Then>
grpc::ServerUnaryReactor* PaymentInstrumentHandler::Authenticated(
    grpc::CallbackServerContext* context, absl::string_view method, Then then) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto* rpc = new RpcContext(context, reactor, kService, method, &metrics_);
  authenticator_.Authenticate(rpc->authorization(), rpc->request_id(),
                              [rpc, then = std::move(then)](absl::StatusOr<domain::Caller> caller) {
                                if (!caller.ok()) return rpc->Finish(caller.status());
                                rpc->set_application_id(caller->application_id);
                                then(rpc, *caller);
                              });
  return reactor;
}

bool PaymentInstrumentHandler::Authorized(RpcContext* rpc, const domain::Caller& caller,
                                          domain::Operation operation,
                                          absl::string_view resource_id) {
  absl::Status allowed = domain::Authorize(caller, operation);
  if (allowed.ok()) return true;
  audit_.Append(
      domain::MakeAuditEvent(caller, domain::OperationName(operation), resource_id, allowed));
  rpc->Finish(allowed);
  return false;
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::CreatePaymentInstrument(
    grpc::CallbackServerContext* context, const v1::CreatePaymentInstrumentRequest* request,
    v1::PaymentInstrument* response) {
  return Authenticated(context, "CreatePaymentInstrument", [this, context, request, response](
                                                               RpcContext* rpc,
                                                               const domain::Caller& who) {
    domain::Caller caller = who;
    caller.idempotency_key = MetadataValue(context, "idempotency-key");
    if (caller.idempotency_key.empty()) caller.idempotency_key = request->request_id();
    if (absl::Status valid = domain::ValidateIdempotencyKey(caller.idempotency_key);
        !valid.ok()) {
      return rpc->Finish(valid);
    }
    // The whole request identifies it: a retry sends the same bytes, a changed request does not.
    // Deterministic serialization keeps map order (tags) from making equal requests differ.
    if (!caller.idempotency_key.empty()) {
      std::string serialized;
      {
        google::protobuf::io::StringOutputStream stream(&serialized);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);
        request->SerializeToCodedStream(&coded);
      }
      caller.request_hash = crypto::Sha256(serialized);
      common::Secret wipe(std::move(serialized));  // it holds the card number
    }
    bool from_token = !request->token().empty();
    if (!Authorized(rpc, caller, from_token ? domain::Operation::kCreateFromToken
                                            : domain::Operation::kCreateFromData)) {
      return;
    }
    auto reply = [rpc, response](absl::StatusOr<domain::Instrument> created) {
      if (created.ok()) ToProto(*created, response);
      rpc->Finish(created.status());
    };
    idempotency_.Run(
        caller,
        [this, caller, request, from_token](domain::InstrumentService::Done done) {
          if (from_token) {
            return tokens_.Associate(caller, ToTokenAssociation(*request), std::move(done));
          }
          switch (request->payment_instrument().type()) {
            case v1::PAYMENT_CARD:
              return instruments_.CreateCard(caller, ToNewCard(*request), std::move(done));
            case v1::BANK_ACCOUNT:
              return instruments_.CreateBankAccount(caller, ToNewBankAccount(*request),
                                                    std::move(done));
            case v1::APPLE_PAY:
            case v1::GOOGLE_PAY:
            case v1::TOKEN:
              return instruments_.CreateWallet(caller, ToNewWallet(*request), std::move(done));
            default:
              return std::move(done)(common::InvalidFields(
                  {{"payment_instrument.type",
                    "is required: PAYMENT_CARD, BANK_ACCOUNT, APPLE_PAY, GOOGLE_PAY or TOKEN"}}));
          }
        },
        std::move(reply));
  });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::GetPaymentInstrument(
    grpc::CallbackServerContext* context, const v1::GetPaymentInstrumentRequest* request,
    v1::PaymentInstrument* response) {
  return Authenticated(
      context, "GetPaymentInstrument",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        std::string id = CheckedId(InstrumentIdFromName(request->name()));
        if (!Authorized(rpc, caller, domain::Operation::kGetInstrument, id)) return;
        if (id.empty()) return rpc->Finish(BadName("name", "paymentInstruments"));
        instruments_.Get(caller, std::move(id),
                         [rpc, response](absl::StatusOr<domain::Instrument> found) {
                           if (found.ok()) ToProto(*found, response);
                           rpc->Finish(found.status());
                         });
      });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::ListPaymentInstruments(
    grpc::CallbackServerContext* context, const v1::ListPaymentInstrumentsRequest* request,
    v1::ListPaymentInstrumentsResponse* response) {
  return Authenticated(
      context, "ListPaymentInstruments",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        if (!Authorized(rpc, caller, domain::Operation::kListInstruments)) return;
        absl::StatusOr<domain::ListRequest> query = ToListRequest(*request);
        if (!query.ok()) return rpc->Finish(query.status());
        instruments_.List(caller, *std::move(query),
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
        std::string id = CheckedId(InstrumentIdFromName(request->payment_instrument().name()));
        if (!Authorized(rpc, caller, domain::Operation::kUpdateInstrument, id)) return;
        if (id.empty()) {
          return rpc->Finish(BadName("payment_instrument.name", "paymentInstruments"));
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
    grpc::CallbackServerContext* context, const v1::CreateTokenRequest* request,
    v1::Token* response) {
  return Authenticated(
      context, "CreateToken",
      [this, context, request, response](RpcContext* rpc, const domain::Caller& caller) {
        if (!Authorized(rpc, caller, domain::Operation::kCreateToken)) return;
        auto create = [this, request, response, rpc, caller] {
          tokens_.CreateToken(caller, ToTokenPayload(*request),
                              [rpc, response](absl::StatusOr<domain::Token> created) {
                                if (created.ok()) ToProto(*created, response);
                                rpc->Finish(created.status());
                              });
        };
        std::string origin = MetadataValue(context, "origin");
        if (origin.empty()) return create();
        origins_.Check(caller, domain::OperationName(domain::Operation::kCreateToken),
                       std::move(origin),
                       [rpc, create = std::move(create)](absl::StatusOr<std::string> allowed) {
                         if (!allowed.ok()) return rpc->Finish(allowed.status());
                         create();
                       });
      });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::CheckOrigin(
    grpc::CallbackServerContext* context, const v1::CheckOriginRequest* request,
    v1::CheckOriginResponse* response) {
  return Authenticated(
      context, "CheckOrigin",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        if (!Authorized(rpc, caller, domain::Operation::kCheckOrigin)) return;
        origins_.Check(caller, domain::OperationName(domain::Operation::kCheckOrigin),
                       request->origin(),
                       [rpc, response](absl::StatusOr<std::string> allowed) {
                         if (allowed.ok()) response->set_origin(*allowed);
                         rpc->Finish(allowed.status());
                       });
      });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::CreateCustomerPaymentInstrument(
    grpc::CallbackServerContext* context,
    const v1::CreateCustomerPaymentInstrumentRequest* request,
    v1::CustomerPaymentInstrument* response) {
  return Authenticated(
      context, "CreateCustomerPaymentInstrument",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        domain::TokenAssociation association;
        association.token_id = request->token();
        association.tags = {request->tags().begin(), request->tags().end()};
        if (caller.role == domain::Role::kCustomer) {
          if (!Authorized(rpc, caller, domain::Operation::kCreateFromToken)) return;
          return tokens_.Associate(
              caller, std::move(association),
              [rpc, response](absl::StatusOr<domain::Instrument> created) {
                if (created.ok()) ToProto(*created, response->mutable_payment_instrument());
                rpc->Finish(created.status());
              });
        }
        if (!Authorized(rpc, caller, domain::Operation::kSignUpCustomer)) return;
        signup_.SignUp(caller, std::move(association),
                       [rpc, response](absl::StatusOr<domain::SignedUpCustomer> signed_up) {
                         if (signed_up.ok()) {
                           ToProto(signed_up->instrument, response->mutable_payment_instrument());
                           response->set_customer_token(signed_up->customer_token);
                           *response->mutable_customer_token_expire_time() =
                               ToTimestamp(signed_up->customer_token_expire_time);
                         }
                         rpc->Finish(signed_up.status());
                       });
      });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::CreateIdentity(
    grpc::CallbackServerContext* context, const v1::CreateIdentityRequest* request,
    v1::Identity* response) {
  return Authenticated(
      context, "CreateIdentity",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        if (!Authorized(rpc, caller, domain::Operation::kCreateIdentity)) return;
        identities_.Create(caller, ToDomain(request->identity()),
                           [rpc, response](absl::StatusOr<domain::Identity> created) {
                             if (created.ok()) ToProto(*created, response);
                             rpc->Finish(created.status());
                           });
      });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::GetIdentity(
    grpc::CallbackServerContext* context, const v1::GetIdentityRequest* request,
    v1::Identity* response) {
  return Authenticated(
      context, "GetIdentity",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        if (!Authorized(rpc, caller, domain::Operation::kGetIdentity)) return;
        auto reply = [rpc, response](absl::StatusOr<domain::Identity> found) {
          if (found.ok()) ToProto(*found, response);
          rpc->Finish(found.status());
        };
        if (request->name().empty() && !request->external_id().empty()) {
          if (request->external_id().size() > domain::kMaxIdLength) {
            return rpc->Finish(common::InvalidFields(
                {{"external_id", absl::StrCat("must be at most ", domain::kMaxIdLength,
                                              " characters")}}));
          }
          return identities_.GetByExternalId(caller, request->external_id(), std::move(reply));
        }
        std::string id = CheckedId(IdentityIdFromName(request->name()));
        if (id.empty()) return rpc->Finish(BadName("name", "identities"));
        identities_.Get(caller, std::move(id), std::move(reply));
      });
}

grpc::ServerUnaryReactor* PaymentInstrumentHandler::RevealPaymentInstrument(
    grpc::CallbackServerContext* context, const v1::RevealPaymentInstrumentRequest* request,
    v1::RevealPaymentInstrumentResponse* response) {
  return Authenticated(
      context, "RevealPaymentInstrument",
      [this, request, response](RpcContext* rpc, const domain::Caller& caller) {
        std::string id = CheckedId(InstrumentIdFromName(request->name()));
        if (!Authorized(rpc, caller, domain::Operation::kReveal, id)) return;
        if (id.empty()) return rpc->Finish(BadName("name", "paymentInstruments"));
        instruments_.Reveal(
            caller, std::move(id), request->reason(),
            [rpc, response](absl::StatusOr<domain::RevealedInstrument> revealed) {
              if (revealed.ok()) {
                const domain::Instrument& instrument = revealed->instrument;
                response->set_name(absl::StrCat("paymentInstruments/", instrument.id));
                if (instrument.card) {
                  response->set_number(std::string(revealed->secret.Reveal()));
                  response->set_expiration_month(instrument.card->expiration_month);
                  response->set_expiration_year(instrument.card->expiration_year);
                } else if (instrument.bank_account) {
                  response->set_account_number(std::string(revealed->secret.Reveal()));
                }
              }
              rpc->Finish(revealed.status());
            });
      });
}

}  // namespace pi::instruments::api
