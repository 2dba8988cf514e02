#include "gateway/dialects/finix/finix_dialect.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

std::string Header(const Exchange& exchange, absl::string_view name) {
  auto it = exchange.request.find(boost::beast::string_view(name.data(), name.size()));
  if (it == exchange.request.end()) return "";
  return std::string(it->value().data(), it->value().size());
}

// Accept allows JSON when absent, a wildcard, or any +json/json media type.
bool AcceptsJson(const Exchange& exchange) {
  std::string accept = absl::AsciiStrToLower(Header(exchange, "accept"));
  return accept.empty() || absl::StrContains(accept, "json") || absl::StrContains(accept, "*/*") ||
         absl::StrContains(accept, "application/*");
}

core::CallMetadata Metadata(const Exchange& exchange) {
  return {Header(exchange, "authorization"), Header(exchange, "idempotency-key"),
          exchange.request_id};
}

server::Response JsonResponse(status s, const nlohmann::ordered_json& body, const Exchange& exchange) {
  server::Response response(s, exchange.request.version());
  response.set(http::field::content_type, "application/hal+json");
  response.set("Finix-Version", kFinixApiVersion);
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
  return reply;
}

class FinixHandlers {
 public:
  FinixHandlers(core::InstrumentClient& client, FinixOptions options)
      : client_(client), options_(std::move(options)) {}

  void Create(const Exchange& exchange, server::Responder respond) const {
    if (!AcceptsJson(exchange)) return respond(NotAcceptable(exchange));
    absl::StatusOr<nlohmann::json> body = core::ParseJsonObject(exchange.request.body());
    if (!body.ok()) {
      return respond(FinixErrorResponse(
          status::bad_request, {{"BAD_REQUEST", std::string(body.status().message()), ""}},
          exchange, options_));
    }
    std::vector<core::ShapeError> shape_errors;
    v1::CreatePaymentInstrumentRequest request = ParseCreatePaymentInstrument(*body, shape_errors);
    if (!shape_errors.empty()) return respond(RenderShapeErrors(shape_errors, exchange, options_));
    auto reply_context = ReplyContext(exchange);
    client_.CreatePaymentInstrument(
        Metadata(exchange), std::move(request),
        [this, reply_context, respond](const grpc::Status& s, v1::PaymentInstrument&& created) {
          if (!s.ok()) return respond(RenderRpcError(core::DecodeRpcError(s), *reply_context, options_));
          respond(JsonResponse(status::created, RenderPaymentInstrument(created, options_),
                               *reply_context));
        });
  }

  void Get(const Exchange& exchange, server::Responder respond) const {
    if (!AcceptsJson(exchange)) return respond(NotAcceptable(exchange));
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
          respond(JsonResponse(status::ok, RenderPaymentInstrument(found, options_), *reply_context));
        });
  }

  server::Response NotAcceptable(const Exchange& exchange) const {
    return RenderHttpError({status::not_acceptable, "only JSON responses are available"}, exchange,
                           options_);
  }

 private:
  core::InstrumentClient& client_;
  const FinixOptions options_;
};

}  // namespace

void RegisterFinixRoutes(server::Router& router, core::InstrumentClient& client,
                         const FinixOptions& options) {
  // Handlers live as long as the process: the router holds them through shared ownership.
  auto handlers = std::make_shared<FinixHandlers>(client, options);
  router.Mount(options.prefix.empty() ? "/" : options.prefix,
               [options](const server::HttpError& error, const Exchange& exchange) {
                 return RenderHttpError(error, exchange, options);
               });
  std::string collection = absl::StrCat(options.prefix, "/payment_instruments");
  router.Add(http::verb::post, collection,
             [handlers](const Exchange& e, server::Responder r) { handlers->Create(e, std::move(r)); });
  router.Add(http::verb::get, absl::StrCat(collection, "/{id}"),
             [handlers](const Exchange& e, server::Responder r) { handlers->Get(e, std::move(r)); });
}

}  // namespace pi::gateway::finix
