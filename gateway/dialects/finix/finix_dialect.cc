#include "gateway/dialects/finix/finix_dialect.h"

#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "gateway/core/query_string.h"
#include "gateway/core/rpc_error.h"
#include "gateway/dialects/finix/finix_errors.h"
#include "gateway/dialects/finix/finix_request.h"
#include "gateway/dialects/finix/finix_response.h"

namespace pi::gateway::finix {
namespace {

using server::Exchange;
using server::http::status;
namespace http = server::http;

constexpr size_t kMaxIdLength = 64;
constexpr int kDefaultListLimit = 20;

using server::Header;

// Accept allows JSON when absent, a wildcard, or any +json/json media type.
bool AcceptsJson(const Exchange& exchange) {
  std::string accept = absl::AsciiStrToLower(Header(exchange, "accept"));
  return accept.empty() || absl::StrContains(accept, "json") || absl::StrContains(accept, "*/*") ||
         absl::StrContains(accept, "application/*");
}

// A body is JSON when its Content-Type is absent or names JSON (application/json, the SDK's
// application/hal+json, any +json).
bool BodyIsJson(const Exchange& exchange) {
  std::string type = absl::AsciiStrToLower(Header(exchange, "content-type"));
  return type.empty() || absl::StrContains(type, "json");
}

// The Finix-Version of the request: absent means the current one.
std::string RequestedVersion(const Exchange& exchange) {
  std::string version = std::string(absl::StripAsciiWhitespace(Header(exchange, "finix-version")));
  return version.empty() ? kFinixApiVersion : version;
}

bool IsSupportedVersion(absl::string_view version) {
  for (absl::string_view supported : kFinixApiVersions) {
    if (version == supported) return true;
  }
  return false;
}

core::CallMetadata Metadata(const Exchange& exchange) {
  return {Header(exchange, "authorization"), Header(exchange, "idempotency-key"),
          exchange.request_id, exchange.browser_origin};
}

server::Response JsonResponse(bool versioned, status s, const nlohmann::ordered_json& body,
                              const Exchange& exchange) {
  server::Response response(s, exchange.request.version());
  response.set(http::field::content_type, "application/hal+json");
  if (versioned) response.set("Finix-Version", RequestedVersion(exchange));
  response.body() = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  response.prepare_payload();
  return response;
}

// The exchange ends when the handler returns; the reply rendered later keeps only what it needs.
std::shared_ptr<Exchange> ReplyContext(const Exchange& exchange) {
  auto reply = std::make_shared<Exchange>();
  reply->request.version(exchange.request.version());
  reply->path = exchange.path;
  reply->request_id = exchange.request_id;
  // The reply echoes the version the request asked for.
  std::string version = Header(exchange, "finix-version");
  if (!version.empty()) reply->request.set("Finix-Version", version);
  return reply;
}

class FinixHandlers {
 public:
  FinixHandlers(core::InstrumentClient& client, FinixOptions options, FinixFlavor flavor)
      : client_(client), options_(std::move(options)), flavor_(flavor) {}

  void Create(const Exchange& exchange, server::Responder respond) const {
    if (auto refusal = Refusal(exchange, /*reads_body=*/true)) return respond(*std::move(refusal));
    std::optional<nlohmann::json> body = BodyOrRefuse(exchange, respond);
    if (!body) return;
    std::vector<core::ShapeError> shape_errors;
    v1::CreatePaymentInstrumentRequest request = ParseCreatePaymentInstrument(*body, shape_errors);
    if (!shape_errors.empty()) return respond(RenderShapeErrors(shape_errors, exchange, options_));
    auto reply_context = ReplyContext(exchange);
    client_.CreatePaymentInstrument(
        Metadata(exchange), std::move(request),
        [this, reply_context, respond](const grpc::Status& s, v1::PaymentInstrument&& created) {
          if (!s.ok()) return respond(RenderRpcError(core::DecodeRpcError(s), *reply_context, options_));
          respond(JsonResponse(flavor_.versioned, status::created, flavor_.render_instrument(created, options_),
                               *reply_context));
        });
  }

  void Get(const Exchange& exchange, server::Responder respond) const {
    if (auto refusal = Refusal(exchange, /*reads_body=*/false)) return respond(*std::move(refusal));
    const std::string& id = exchange.params.at("id");
    if (id.size() > kMaxIdLength) {
      return respond(FinixErrorResponse(status::not_found,
                                        {{"NOT_FOUND", "payment instrument not found", ""}},
                                        exchange, options_));
    }
    v1::GetPaymentInstrumentRequest request;
    request.set_name(absl::StrCat("paymentInstruments/", id));
    auto reply_context = ReplyContext(exchange);
    client_.GetPaymentInstrument(
        Metadata(exchange), std::move(request),
        [this, reply_context, respond](const grpc::Status& s, v1::PaymentInstrument&& found) {
          if (!s.ok()) return respond(RenderRpcError(core::DecodeRpcError(s), *reply_context, options_));
          respond(JsonResponse(flavor_.versioned, status::ok, flavor_.render_instrument(found, options_), *reply_context));
        });
  }

  void Update(const Exchange& exchange, server::Responder respond) const {
    if (auto refusal = Refusal(exchange, /*reads_body=*/true)) return respond(*std::move(refusal));
    const std::string& id = exchange.params.at("id");
    std::optional<nlohmann::json> body = BodyOrRefuse(exchange, respond);
    if (!body) return;
    std::vector<core::ShapeError> shape_errors;
    v1::UpdatePaymentInstrumentRequest request = ParseUpdatePaymentInstrument(*body, shape_errors);
    if (!shape_errors.empty()) return respond(RenderShapeErrors(shape_errors, exchange, options_));
    if (id.size() > kMaxIdLength) {
      return respond(FinixErrorResponse(status::not_found,
                                        {{"NOT_FOUND", "payment instrument not found", ""}},
                                        exchange, options_));
    }
    request.mutable_payment_instrument()->set_name(absl::StrCat("paymentInstruments/", id));
    auto reply_context = ReplyContext(exchange);
    client_.UpdatePaymentInstrument(
        Metadata(exchange), std::move(request),
        [this, reply_context, respond](const grpc::Status& s, v1::PaymentInstrument&& updated) {
          if (!s.ok()) {
            return respond(RenderRpcError(core::DecodeRpcError(s), *reply_context, options_));
          }
          respond(JsonResponse(flavor_.versioned, status::ok, flavor_.render_instrument(updated, options_),
                               *reply_context));
        });
  }

  void CreateIdentity(const Exchange& exchange, server::Responder respond) const {
    if (auto refusal = Refusal(exchange, /*reads_body=*/true)) return respond(*std::move(refusal));
    std::optional<nlohmann::json> body = BodyOrRefuse(exchange, respond);
    if (!body) return;
    std::vector<core::ShapeError> shape_errors;
    v1::CreateIdentityRequest request = ParseCreateIdentity(*body, shape_errors);
    if (!shape_errors.empty()) return respond(RenderShapeErrors(shape_errors, exchange, options_));
    auto reply_context = ReplyContext(exchange);
    client_.CreateIdentity(
        Metadata(exchange), std::move(request),
        [this, reply_context, respond](const grpc::Status& s, v1::Identity&& created) {
          if (!s.ok()) {
            return respond(RenderRpcError(core::DecodeRpcError(s), *reply_context, options_));
          }
          respond(JsonResponse(flavor_.versioned, status::created, RenderIdentity(created, options_), *reply_context));
        });
  }

  // POST /tokens: the hosted-fields tokenization endpoint (publishable keys may call it).
  void CreateToken(const Exchange& exchange, server::Responder respond) const {
    if (auto refusal = Refusal(exchange, /*reads_body=*/true)) return respond(*std::move(refusal));
    std::optional<nlohmann::json> body = BodyOrRefuse(exchange, respond);
    if (!body) return;
    std::vector<core::ShapeError> shape_errors;
    v1::CreateTokenRequest request = ParseCreateToken(*body, shape_errors);
    if (!shape_errors.empty()) return respond(RenderShapeErrors(shape_errors, exchange, options_));
    auto reply_context = ReplyContext(exchange);
    client_.CreateToken(
        Metadata(exchange), std::move(request),
        [this, reply_context, respond](const grpc::Status& s, v1::Token&& created) {
          if (!s.ok()) {
            return respond(RenderRpcError(core::DecodeRpcError(s), *reply_context, options_));
          }
          respond(JsonResponse(flavor_.versioned, status::created,
                               RenderToken(created, options_), *reply_context));
        });
  }

  void GetIdentity(const Exchange& exchange, server::Responder respond) const {
    if (auto refusal = Refusal(exchange, /*reads_body=*/false)) return respond(*std::move(refusal));
    const std::string& id = exchange.params.at("id");
    if (id.size() > kMaxIdLength) {
      return respond(FinixErrorResponse(status::not_found,
                                        {{"NOT_FOUND", "identity not found", ""}}, exchange,
                                        options_));
    }
    v1::GetIdentityRequest request;
    request.set_name(absl::StrCat("identities/", id));
    auto reply_context = ReplyContext(exchange);
    client_.GetIdentity(
        Metadata(exchange), std::move(request),
        [this, reply_context, respond](const grpc::Status& s, v1::Identity&& found) {
          if (!s.ok()) {
            return respond(RenderRpcError(core::DecodeRpcError(s), *reply_context, options_));
          }
          respond(JsonResponse(flavor_.versioned, status::ok, RenderIdentity(found, options_), *reply_context));
        });
  }

  // GET /payment_instruments?limit=&after_cursor=&owner_identity_id=&type=&fingerprint=
  //                           &last_four=&bin=
  void List(const Exchange& exchange, server::Responder respond) const {
    if (auto refusal = Refusal(exchange, /*reads_body=*/false)) return respond(*std::move(refusal));
    absl::StatusOr<std::map<std::string, std::string>> params =
        core::ParseQueryString(exchange.query);
    if (!params.ok()) {
      return respond(FinixErrorResponse(
          status::bad_request, {{"BAD_REQUEST", std::string(params.status().message()), ""}},
          exchange, options_));
    }
    auto param = [&](const char* name) {
      auto it = params->find(name);
      return it == params->end() ? std::string() : it->second;
    };
    std::vector<core::ShapeError> errors;
    v1::ListPaymentInstrumentsRequest request;
    int limit = kDefaultListLimit;
    if (!param("limit").empty() && !absl::SimpleAtoi(param("limit"), &limit)) {
      errors.push_back({"limit", "must be an integer"});
    }
    request.set_page_size(limit);
    request.set_page_token(param("after_cursor"));
    request.set_identity(param("owner_identity_id"));
    if (!param("type").empty()) {
      v1::InstrumentType type;
      if (v1::InstrumentType_Parse(param("type"), &type)) {
        request.set_type(type);
      } else {
        errors.push_back({"type", "must be one of PAYMENT_CARD, BANK_ACCOUNT, APPLE_PAY, "
                                  "GOOGLE_PAY, TOKEN"});
      }
    }
    request.set_fingerprint(param("fingerprint"));
    request.set_last_four(param("last_four"));
    request.set_bin(param("bin"));
    if (!errors.empty()) return respond(RenderShapeErrors(errors, exchange, options_));
    auto reply_context = ReplyContext(exchange);
    reply_context->query = exchange.query;
    client_.ListPaymentInstruments(
        Metadata(exchange), std::move(request),
        [this, reply_context, respond, limit](const grpc::Status& s,
                                              v1::ListPaymentInstrumentsResponse&& page) {
          if (!s.ok()) {
            return respond(RenderRpcError(core::DecodeRpcError(s), *reply_context, options_));
          }
          respond(JsonResponse(flavor_.versioned, status::ok, RenderList(page, limit, *reply_context),
                               *reply_context));
        });
  }

  // Finix's list envelope: `page` always, `next_cursor` and a `next` link only while more
  // pages exist.
  nlohmann::ordered_json RenderList(const v1::ListPaymentInstrumentsResponse& page, int limit,
                                    const Exchange& exchange) const {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const v1::PaymentInstrument& i : page.payment_instruments()) {
      items.push_back(flavor_.render_instrument(i, options_));
    }
    std::string collection =
        absl::StrCat(options_.public_base_url, options_.prefix, "/payment_instruments");
    nlohmann::ordered_json links = {
        {"self", {{"href", exchange.query.empty() ? collection
                                                  : absl::StrCat(collection, "?", exchange.query)}}}};
    nlohmann::ordered_json page_info = {{"limit", limit}};
    if (!page.next_page_token().empty()) {
      page_info["next_cursor"] = page.next_page_token();
      links["next"] = {{"href", absl::StrCat(collection, "?limit=", limit, "&after_cursor=",
                                             page.next_page_token())}};
    }
    return {{"_embedded", {{"payment_instruments", std::move(items)}}},
            {"_links", std::move(links)},
            {"page", std::move(page_info)}};
  }

  // The request's JSON object body, or nullopt after answering 400 in Finix's envelope.
  std::optional<nlohmann::json> BodyOrRefuse(const Exchange& exchange,
                                             const server::Responder& respond) const {
    absl::StatusOr<nlohmann::json> body = core::ParseJsonObject(exchange.request.body());
    if (body.ok()) return *std::move(body);
    respond(FinixErrorResponse(status::bad_request,
                               {{"BAD_REQUEST", std::string(body.status().message()), ""}},
                               exchange, options_));
    return std::nullopt;
  }

  // The checks every request passes before its body is read: Accept (406), a supported
  // Finix-Version (400) and, for requests with a body, a JSON Content-Type (415).
  std::optional<server::Response> Refusal(const Exchange& exchange, bool reads_body) const {
    if (!AcceptsJson(exchange)) {
      return RenderHttpError({status::not_acceptable, "only JSON responses are available"},
                             exchange, options_);
    }
    if (std::string version = RequestedVersion(exchange);
        flavor_.versioned && !IsSupportedVersion(version)) {
      return FinixErrorResponse(
          status::bad_request,
          {{"BAD_REQUEST",
            absl::StrCat("Finix-Version ", version.substr(0, 32), " is not supported; use ",
                         absl::StrJoin(kFinixApiVersions, " or ")),
            ""}},
          exchange, options_);
    }
    if (reads_body && !BodyIsJson(exchange)) {
      return RenderHttpError(
          {status::unsupported_media_type, "the request body must be application/json"},
          exchange, options_);
    }
    return std::nullopt;
  }

 private:
  core::InstrumentClient& client_;
  const FinixOptions options_;
  const FinixFlavor flavor_;
};

}  // namespace

void RegisterFinixRoutes(server::Router& router, core::InstrumentClient& client,
                         const FinixOptions& options) {
  RegisterFinixLikeRoutes(router, client, options, {&RenderPaymentInstrument, true});
}

void RegisterFinixLikeRoutes(server::Router& router, core::InstrumentClient& client,
                             const FinixOptions& options, FinixFlavor flavor) {
  // Handlers live as long as the process: the router holds them through shared ownership.
  auto handlers = std::make_shared<FinixHandlers>(client, options, flavor);
  router.Mount(options.prefix.empty() ? "/" : options.prefix,
               [options](const server::HttpError& error, const Exchange& exchange) {
                 return RenderHttpError(error, exchange, options);
               });
  std::string collection = absl::StrCat(options.prefix, "/payment_instruments");
  router.Add(http::verb::post, collection,
             [handlers](const Exchange& e, server::Responder r) { handlers->Create(e, std::move(r)); });
  router.Add(http::verb::get, collection,
             [handlers](const Exchange& e, server::Responder r) { handlers->List(e, std::move(r)); });
  router.Add(http::verb::put, absl::StrCat(collection, "/{id}"),
             [handlers](const Exchange& e, server::Responder r) { handlers->Update(e, std::move(r)); });
  router.Add(http::verb::get, absl::StrCat(collection, "/{id}"),
             [handlers](const Exchange& e, server::Responder r) { handlers->Get(e, std::move(r)); });
  router.Add(http::verb::post, absl::StrCat(options.prefix, "/tokens"),
             [handlers](const Exchange& e, server::Responder r) {
               handlers->CreateToken(e, std::move(r));
             });
  std::string identities = absl::StrCat(options.prefix, "/identities");
  router.Add(http::verb::post, identities, [handlers](const Exchange& e, server::Responder r) {
    handlers->CreateIdentity(e, std::move(r));
  });
  router.Add(http::verb::get, absl::StrCat(identities, "/{id}"),
             [handlers](const Exchange& e, server::Responder r) {
               handlers->GetIdentity(e, std::move(r));
             });
}

}  // namespace pi::gateway::finix
