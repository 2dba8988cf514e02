#include "gateway/dialects/rebilly/rebilly_dialect.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gateway/core/json_reader.h"
#include "gateway/core/query_string.h"
#include "gateway/core/rpc_error.h"
#include "gateway/dialects/rebilly/rebilly_errors.h"
#include "gateway/dialects/rebilly/rebilly_request.h"
#include "gateway/dialects/rebilly/rebilly_response.h"

namespace pi::gateway::rebilly {
namespace {

using server::Exchange;
using server::http::status;
namespace http = server::http;
using Json = nlohmann::ordered_json;

constexpr size_t kMaxIdLength = 64;
constexpr int kPageSize = 100;
// Rebilly's limit: default 100, at most 1000. A list reads at most kMaxListed instruments of
// pi-server's pages, so offset + limit beyond it finds nothing more and Pagination-Total is then
// a lower bound.
constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;
constexpr int kMaxListed = 2000;

constexpr char kNoCustomerJwtCredential[] =
    "This organization cannot sign customer JWTs yet (it has no customer-JWT credential), so a "
    "publishable key cannot create a customer; send a customer JWT (Authorization: Bearer <JWT>).";

using server::Header;

std::optional<std::string> DecodeId(absl::string_view raw) {
  absl::StatusOr<std::string> id = core::DecodePathSegment(raw);
  if (!id.ok() || id->empty() || id->size() > kMaxIdLength) return std::nullopt;
  return *std::move(id);
}

bool MeansNotFound(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::NOT_FOUND ||
         s.error_code() == grpc::StatusCode::INVALID_ARGUMENT;
}

struct Call {
  core::CallMetadata metadata;
  unsigned version = 11;
  std::string instruments_href;  // absolute URL of the storefront collection
  server::Responder respond;

  void Reply(status s, const Json& body) const { respond(RebillyJsonResponse(s, body, version)); }
  void Fail(const grpc::Status& s) const {
    respond(RenderRpcError(core::DecodeRpcError(s), version));
  }
  void NotFound() const {
    respond(RenderProblem(status::not_found, "Resource not found.", version));
  }
  std::string Href(const std::string& id) const { return absl::StrCat(instruments_href, "/", id); }
};

class RebillyHandlers {
 public:
  RebillyHandlers(core::InstrumentClient& client, RebillyOptions options)
      : client_(client), options_(std::move(options)) {}

  void CreateToken(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    std::vector<core::ShapeError> errors;
    std::optional<nlohmann::json> body = ReadBody(*call, exchange);
    if (!body) return;
    v1::CreateTokenRequest request = ParseCreateToken(*body, errors);
    if (!errors.empty()) return call->respond(RenderInvalidFields(errors, call->version));
    std::string tokens = absl::StrCat(options_.public_base_url, options_.prefix, "/organizations/",
                                      exchange.params.at("org"), "/tokens/");
    // pi-server's token answer carries the card's masked data only: the billing address the
    // client sent (no card data) is echoed from the request.
    auto billing = std::make_shared<v1::Token>();
    *billing->mutable_address() = request.token().address();
    billing->set_holder_name(request.token().holder_name());
    client_.CreateToken(call->metadata, std::move(request),
                        [call, tokens, billing](const grpc::Status& s, v1::Token&& token) {
                          if (!s.ok()) return call->Fail(s);
                          if (!token.has_address()) *token.mutable_address() = billing->address();
                          if (token.holder_name().empty()) {
                            token.set_holder_name(billing->holder_name());
                          }
                          call->Reply(status::created,
                                      RenderToken(token, absl::StrCat(tokens, token.id())));
                        });
  }

  void CreatePaymentInstrument(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    std::optional<nlohmann::json> body = ReadBody(*call, exchange);
    if (!body) return;
    std::vector<core::ShapeError> errors;
    v1::CreateCustomerPaymentInstrumentRequest request =
        ParseCreatePaymentInstrument(*body, errors);
    if (!errors.empty()) return call->respond(RenderInvalidFields(errors, call->version));
    client_.CreateCustomerPaymentInstrument(
        call->metadata, std::move(request),
        [call](const grpc::Status& s, v1::CustomerPaymentInstrument&& created) {
          if (!s.ok()) {
            core::RpcError error = core::DecodeRpcError(s);
            if (error.reason == "CUSTOMER_JWT_NOT_CONFIGURED") {
              return call->respond(
                  RenderProblem(status::forbidden, kNoCustomerJwtCredential, call->version));
            }
            return call->respond(RenderRpcError(error, call->version));
          }
          const v1::PaymentInstrument& instrument = created.payment_instrument();
          std::string href = call->Href(instrument.id());
          server::Response response = RebillyJsonResponse(
              status::created,
              RenderPaymentInstrument(instrument, href, absl::Now(), true,
                                      created.customer_token()),
              call->version);
          response.set(http::field::location, href);
          call->respond(std::move(response));
        });
  }

  void GetPaymentInstrument(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    std::optional<std::string> id = DecodeId(exchange.params.at("id"));
    if (!id) return call->NotFound();
    v1::GetPaymentInstrumentRequest request;
    request.set_name(absl::StrCat("paymentInstruments/", *id));
    client_.GetPaymentInstrument(
        call->metadata, std::move(request),
        [call](const grpc::Status& s, v1::PaymentInstrument&& found) {
          if (!s.ok()) return MeansNotFound(s) ? call->NotFound() : call->Fail(s);
          if (!found.has_card()) return call->NotFound();
          call->Reply(status::ok,
                      RenderPaymentInstrument(found, call->Href(found.id()), absl::Now()));
        });
  }

  void UpdatePaymentInstrument(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    std::optional<std::string> id = DecodeId(exchange.params.at("id"));
    std::optional<nlohmann::json> body = ReadBody(*call, exchange);
    if (!body) return;
    std::vector<core::ShapeError> errors;
    v1::UpdatePaymentInstrumentRequest request = ParseUpdatePaymentInstrument(*body, errors);
    if (!errors.empty()) return call->respond(RenderInvalidFields(errors, call->version));
    if (!id) return call->NotFound();
    if (request.update_mask().paths().empty()) {
      return GetPaymentInstrument(exchange, std::move(call->respond));
    }
    Update(call, *id, std::move(request));
  }

  // Never reads the body: Rebilly's SDK sends an empty form-encoded one.
  void Deactivate(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    std::optional<std::string> id = DecodeId(exchange.params.at("id"));
    if (!id) return call->NotFound();
    v1::UpdatePaymentInstrumentRequest request;
    request.mutable_payment_instrument()->set_enabled(false);
    request.mutable_update_mask()->add_paths("enabled");
    Update(call, *id, std::move(request));
  }

  void ListPaymentInstruments(const Exchange& exchange, server::Responder respond) const {
    std::shared_ptr<Call> call = StartCall(exchange, std::move(respond));
    absl::StatusOr<std::map<std::string, std::string>> query =
        core::ParseQueryString(exchange.query);
    if (!query.ok()) {
      return call->respond(
          RenderProblem(status::bad_request, "Malformed query string.", call->version));
    }
    auto list = std::make_shared<ListState>();
    list->call = call;
    std::vector<core::ShapeError> errors;
    ReadBound(*query, "limit", 0, kMaxLimit, list->limit, errors);
    ReadBound(*query, "offset", 0, kMaxListed, list->offset, errors);
    if (!errors.empty()) return call->respond(RenderInvalidFields(errors, call->version));
    NextPage(list, "");
  }

 private:
  struct ListState {
    std::shared_ptr<Call> call;
    int limit = kDefaultLimit;
    int offset = 0;
    int seen = 0;  // card instruments of the customer so far (the total)
    int pages = 0;
    Json items = Json::array();
  };

  static void ReadBound(const std::map<std::string, std::string>& query, const char* name, int min,
                        int max, int& out, std::vector<core::ShapeError>& errors) {
    auto it = query.find(name);
    if (it == query.end()) return;
    int value = 0;
    if (!absl::SimpleAtoi(it->second, &value) || value < min || value > max) {
      errors.push_back({name, absl::StrCat("must be an integer from ", min, " to ", max)});
      return;
    }
    out = value;
  }

  std::shared_ptr<Call> StartCall(const Exchange& exchange, server::Responder respond) const {
    auto call = std::make_shared<Call>();
    call->version = exchange.request.version();
    call->metadata = {
        MapAuthorization(Header(exchange, "authorization"), Header(exchange, "reb-apikey")),
        Header(exchange, "idempotency-key"), exchange.request_id, exchange.browser_origin};
    auto org = exchange.params.find("org");
    call->instruments_href =
        absl::StrCat(options_.public_base_url, options_.prefix, "/storefront/organizations/",
                     org == exchange.params.end() ? "" : org->second, "/payment-instruments");
    call->respond = std::move(respond);
    return call;
  }

  // The JSON object body, or nullopt after answering 415 for a declared non-JSON body or 422
  // (Rebilly reports unreadable bodies as invalid data).
  static std::optional<nlohmann::json> ReadBody(const Call& call, const Exchange& exchange) {
    if (!core::IsJsonContentType(Header(exchange, "content-type"))) {
      call.respond(RenderProblem(status::unsupported_media_type,
                                 "The request body must be application/json.", call.version));
      return std::nullopt;
    }
    absl::StatusOr<nlohmann::json> body = core::ParseJsonObject(exchange.request.body());
    if (!body.ok()) {
      call.respond(RenderProblem(status::unprocessable_entity, std::string(body.status().message()),
                                 call.version));
      return std::nullopt;
    }
    return *std::move(body);
  }

  void Update(std::shared_ptr<Call> call, const std::string& id,
              v1::UpdatePaymentInstrumentRequest request) const {
    request.mutable_payment_instrument()->set_name(absl::StrCat("paymentInstruments/", id));
    client_.UpdatePaymentInstrument(
        call->metadata, std::move(request),
        [call](const grpc::Status& s, v1::PaymentInstrument&& updated) {
          if (s.error_code() == grpc::StatusCode::NOT_FOUND) return call->NotFound();
          if (!s.ok()) return call->Fail(s);
          call->Reply(status::ok,
                      RenderPaymentInstrument(updated, call->Href(updated.id()), absl::Now()));
        });
  }

  void NextPage(std::shared_ptr<ListState> list, std::string page_token) const {
    v1::ListPaymentInstrumentsRequest request;
    request.set_page_size(kPageSize);
    request.set_page_token(std::move(page_token));
    request.set_type(v1::PAYMENT_CARD);
    client_.ListPaymentInstruments(
        list->call->metadata, std::move(request),
        [this, list](const grpc::Status& s, v1::ListPaymentInstrumentsResponse&& page) {
          if (!s.ok()) return list->call->Fail(s);
          absl::Time now = absl::Now();
          for (const v1::PaymentInstrument& instrument : page.payment_instruments()) {
            if (!instrument.has_card()) continue;
            int index = list->seen++;
            if (index >= list->offset && index < list->offset + list->limit) {
              list->items.push_back(
                  RenderPaymentInstrument(instrument, list->call->Href(instrument.id()), now));
            }
          }
          ++list->pages;
          if (!page.next_page_token().empty() && list->pages * kPageSize < kMaxListed) {
            return NextPage(list, page.next_page_token());
          }
          server::Response response =
              RebillyJsonResponse(status::ok, list->items, list->call->version);
          response.set("Pagination-Total", std::to_string(list->seen));
          response.set("Pagination-Limit", std::to_string(list->limit));
          response.set("Pagination-Offset", std::to_string(list->offset));
          list->call->respond(std::move(response));
        });
  }

  core::InstrumentClient& client_;
  RebillyOptions options_;
};

}  // namespace

void RegisterRebillyRoutes(server::Router& router, core::InstrumentClient& client,
                           const RebillyOptions& options) {
  auto handlers = std::make_shared<RebillyHandlers>(client, options);
  // Both of Rebilly's trees answer errors as problem+json, unknown paths and 405s included.
  std::string core_api = absl::StrCat(options.prefix, "/organizations");
  std::string storefront = absl::StrCat(options.prefix, "/storefront");
  router.Mount(core_api, RenderHttpError);
  router.Mount(storefront, RenderHttpError);
  std::string instruments = absl::StrCat(storefront, "/organizations/{org}/payment-instruments");
  std::string instrument = absl::StrCat(instruments, "/{id}");
  router.Add(http::verb::post, absl::StrCat(core_api, "/{org}/tokens"),
             [handlers](const Exchange& e, server::Responder r) {
               handlers->CreateToken(e, std::move(r));
             });
  router.Add(http::verb::post, instruments, [handlers](const Exchange& e, server::Responder r) {
    handlers->CreatePaymentInstrument(e, std::move(r));
  });
  router.Add(http::verb::get, instruments, [handlers](const Exchange& e, server::Responder r) {
    handlers->ListPaymentInstruments(e, std::move(r));
  });
  router.Add(http::verb::get, instrument, [handlers](const Exchange& e, server::Responder r) {
    handlers->GetPaymentInstrument(e, std::move(r));
  });
  router.Add(http::verb::patch, instrument, [handlers](const Exchange& e, server::Responder r) {
    handlers->UpdatePaymentInstrument(e, std::move(r));
  });
  router.Add(http::verb::post, absl::StrCat(instrument, "/deactivation"),
             [handlers](const Exchange& e, server::Responder r) {
               handlers->Deactivate(e, std::move(r));
             });
}

}  // namespace pi::gateway::rebilly
