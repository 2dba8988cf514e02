#include "gateway/dialects/sumup/sumup_dialect.h"

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/core/json_reader.h"
#include "gateway/core/query_string.h"
#include "gateway/core/rpc_error.h"
#include "gateway/dialects/sumup/sumup_errors.h"
#include "gateway/dialects/sumup/sumup_request.h"
#include "gateway/dialects/sumup/sumup_response.h"

namespace pi::gateway::sumup {
namespace {

using server::Exchange;
using server::http::status;
namespace http = server::http;
using Json = nlohmann::ordered_json;

constexpr size_t kMaxIdLength = 64;
constexpr int kListPageSize = 100;
// A customer's list reads at most this many pages: SumUp's list has no paging, and a customer
// holds few active cards (the per-identity limit defaults to 10).
constexpr int kMaxListPages = 5;

using server::Header;

// Path segments arrive percent-encoded (an SDK sends "a%40b" for the customer "a@b"). nullopt for
// a malformed escape or a decoded id longer than any id pi-server issues or accepts.
std::optional<std::string> DecodeId(absl::string_view raw) {
  absl::StatusOr<std::string> id = core::DecodePathSegment(raw);
  if (!id.ok() || id->empty() || id->size() > kMaxIdLength) return std::nullopt;
  return *std::move(id);
}

// What the reply of one request needs once the handler has returned; callbacks run on gRPC
// threads.
struct Call {
  core::CallMetadata metadata;
  ErrorContext errors;
  server::Responder respond;

  void Reply(status s, const Json& body) const {
    respond(SumUpJsonResponse(s, body, errors.version));
  }
  void Fail(const grpc::Status& s) const {
    respond(RenderRpcError(core::DecodeRpcError(s), errors));
  }
  void NotFound() const { respond(RenderNotFound(errors.version)); }
  void NoContent() const {
    // No Content-Type and no Content-Length: a 204 has neither (RFC 9110, 8.6 and 15.3.5).
    server::Response response(status::no_content, errors.version);
    respond(std::move(response));
  }
};

std::shared_ptr<Call> StartCall(const Exchange& exchange, server::Responder respond) {
  auto call = std::make_shared<Call>();
  std::string authorization = Header(exchange, "authorization");
  call->errors = {exchange.request.version(), !authorization.empty()};
  call->metadata = {std::move(authorization), Header(exchange, "idempotency-key"),
                    exchange.request_id};
  call->respond = std::move(respond);
  return call;
}

// Answers 415 and returns true when a body-reading request declares a non-JSON body (SumUp's
// SDKs always send application/json).
bool RefuseNonJsonBody(const Exchange& exchange, const Call& call) {
  if (core::IsJsonContentType(Header(exchange, "content-type"))) return false;
  call.respond(RenderHttpError(
      {status::unsupported_media_type, "Content-Type must be application/json"}, exchange));
  return true;
}

// NOT_FOUND, or INVALID_ARGUMENT for an id pi-server cannot even parse: both mean "no such
// resource" to a SumUp client, whose ids come from its own URLs.
bool MeansNotFound(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::NOT_FOUND ||
         s.error_code() == grpc::StatusCode::INVALID_ARGUMENT;
}

class SumUpHandlers {
 public:
  explicit SumUpHandlers(core::InstrumentClient& client) : client_(client) {}

  void CreateCustomer(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    if (RefuseNonJsonBody(exchange, *call)) return;
    absl::StatusOr<nlohmann::json> body = core::ParseJsonObject(exchange.request.body());
    if (!body.ok()) {
      return call->respond(
          RenderBadRequest(std::string(body.status().message()), call->errors.version));
    }
    std::vector<core::ShapeError> shape_errors;
    v1::CreateIdentityRequest request = ParseCreateCustomer(*body, shape_errors);
    if (!shape_errors.empty()) {
      return call->respond(RenderInvalidParams(shape_errors, call->errors.version));
    }
    client_.CreateIdentity(call->metadata, std::move(request),
                           [call](const grpc::Status& s, v1::Identity&& created) {
                             if (!s.ok()) return call->Fail(s);
                             call->Reply(status::created, RenderCustomer(created));
                           });
  }

  void CreatePaymentInstrument(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    if (RefuseNonJsonBody(exchange, *call)) return;
    std::optional<std::string> customer_id = DecodeId(exchange.params.at("customer_id"));
    absl::StatusOr<nlohmann::json> body = core::ParseJsonObject(exchange.request.body());
    if (!body.ok()) {
      return call->respond(
          RenderBadRequest(std::string(body.status().message()), call->errors.version));
    }
    std::vector<core::ShapeError> shape_errors;
    auto parsed = std::make_shared<CardRequest>(ParseCreatePaymentInstrument(*body, shape_errors));
    if (!shape_errors.empty()) {
      return call->respond(RenderInvalidParams(shape_errors, call->errors.version));
    }
    if (!customer_id) return call->NotFound();
    WithCustomer(call, *customer_id, [this, call, parsed](const v1::Identity& customer) {
      parsed->request.mutable_payment_instrument()->set_identity(customer.id());
      client_.CreatePaymentInstrument(
          call->metadata, std::move(parsed->request),
          [call, parsed](const grpc::Status& s, v1::PaymentInstrument&& created) {
            if (!s.ok()) return call->Fail(s);
            call->Reply(
                status::created,
                RenderPaymentInstrument(created, parsed->mandate ? &*parsed->mandate : nullptr));
          });
    });
  }

  void ListPaymentInstruments(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    std::optional<std::string> customer_id = DecodeId(exchange.params.at("customer_id"));
    if (!customer_id) return call->NotFound();
    WithCustomer(call, *customer_id, [this, call](const v1::Identity& customer) {
      auto list = std::make_shared<ListState>();
      list->call = call;
      list->identity = customer.id();
      NextPage(list, "");
    });
  }

  void DeletePaymentInstrument(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    std::optional<std::string> customer_id = DecodeId(exchange.params.at("customer_id"));
    std::optional<std::string> token = DecodeId(exchange.params.at("token"));
    if (!customer_id || !token) return call->NotFound();
    WithCustomer(call, *customer_id, [this, call, id = *token](const v1::Identity& customer) {
      v1::GetPaymentInstrumentRequest get;
      get.set_name(absl::StrCat("paymentInstruments/", id));
      client_.GetPaymentInstrument(call->metadata, std::move(get),
                                   [this, call, owner = customer.id()](
                                       const grpc::Status& s, v1::PaymentInstrument&& found) {
                                     if (!s.ok())
                                       return MeansNotFound(s) ? call->NotFound() : call->Fail(s);
                                     DeactivateIfOwned(call, owner, found);
                                   });
    });
  }

 private:
  struct ListState {
    std::shared_ptr<Call> call;
    std::string identity;
    Json items = Json::array();
    int pages = 0;
  };

  // Looks the customer up by external id and runs `found` with its identity; an unknown
  // customer answers 404.
  void WithCustomer(std::shared_ptr<Call> call, const std::string& customer_id,
                    std::function<void(const v1::Identity&)> found) const {
    v1::GetIdentityRequest request;
    request.set_external_id(customer_id);
    client_.GetIdentity(
        call->metadata, std::move(request),
        [call, found = std::move(found)](const grpc::Status& s, v1::Identity&& identity) {
          if (!s.ok()) return MeansNotFound(s) ? call->NotFound() : call->Fail(s);
          found(identity);
        });
  }

  void NextPage(std::shared_ptr<ListState> list, std::string page_token) const {
    v1::ListPaymentInstrumentsRequest request;
    request.set_page_size(kListPageSize);
    request.set_page_token(std::move(page_token));
    request.set_identity(list->identity);
    request.set_type(v1::PAYMENT_CARD);
    client_.ListPaymentInstruments(
        list->call->metadata, std::move(request),
        [this, list](const grpc::Status& s, v1::ListPaymentInstrumentsResponse&& page) {
          if (!s.ok()) return list->call->Fail(s);
          for (const v1::PaymentInstrument& instrument : page.payment_instruments()) {
            if (instrument.enabled() && instrument.has_card()) {
              list->items.push_back(RenderPaymentInstrument(instrument));
            }
          }
          if (!page.next_page_token().empty() && ++list->pages < kMaxListPages) {
            return NextPage(list, page.next_page_token());
          }
          list->call->Reply(status::ok, list->items);
        });
  }

  // Another customer's instrument, or one SumUp cannot name (not a card), is not found; an
  // inactive card is left as it is.
  void DeactivateIfOwned(std::shared_ptr<Call> call, const std::string& owner,
                         const v1::PaymentInstrument& found) const {
    if (found.identity() != owner || !found.has_card()) return call->NotFound();
    if (!found.enabled()) return call->NoContent();
    v1::UpdatePaymentInstrumentRequest update;
    update.mutable_payment_instrument()->set_name(found.name());
    update.mutable_payment_instrument()->set_enabled(false);
    update.mutable_update_mask()->add_paths("enabled");
    client_.UpdatePaymentInstrument(call->metadata, std::move(update),
                                    [call](const grpc::Status& s, v1::PaymentInstrument&&) {
                                      if (!s.ok()) return call->Fail(s);
                                      call->NoContent();
                                    });
  }

  core::InstrumentClient& client_;
};

}  // namespace

void RegisterSumUpRoutes(server::Router& router, core::InstrumentClient& client,
                         const SumUpOptions& options) {
  // Handlers live as long as the process: the router holds them through shared ownership.
  auto handlers = std::make_shared<SumUpHandlers>(client);
  router.Mount(options.prefix, RenderHttpError);
  std::string customers = absl::StrCat(options.prefix, "/customers");
  std::string instruments = absl::StrCat(customers, "/{customer_id}/payment-instruments");
  router.Add(http::verb::post, customers, [handlers](const Exchange& e, server::Responder r) {
    handlers->CreateCustomer(e, std::move(r));
  });
  router.Add(http::verb::post, instruments, [handlers](const Exchange& e, server::Responder r) {
    handlers->CreatePaymentInstrument(e, std::move(r));
  });
  router.Add(http::verb::get, instruments, [handlers](const Exchange& e, server::Responder r) {
    handlers->ListPaymentInstruments(e, std::move(r));
  });
  router.Add(http::verb::delete_, absl::StrCat(instruments, "/{token}"),
             [handlers](const Exchange& e, server::Responder r) {
               handlers->DeletePaymentInstrument(e, std::move(r));
             });
}

}  // namespace pi::gateway::sumup
