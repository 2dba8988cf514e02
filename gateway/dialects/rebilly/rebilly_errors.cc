#include "gateway/dialects/rebilly/rebilly_errors.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "gateway/core/http_status.h"

namespace pi::gateway::rebilly {
namespace {

using server::http::status;
using Json = nlohmann::ordered_json;

std::string Title(status s) {
  if (s == status::unprocessable_entity) return "Unprocessable Entity";
  boost::beast::string_view reason = server::http::obsolete_reason(s);
  return std::string(reason.data(), reason.size());
}

std::string ServerErrorDetail(status s) {
  switch (s) {
    case status::not_implemented:
      return "Not implemented.";
    case status::service_unavailable:
      return "Service unavailable, try again later.";
    case status::gateway_timeout:
      return "The request timed out.";
    default:
      return "Internal server error.";
  }
}

Json Problem(status s, const std::string& detail) {
  return {{"type", "about:blank"},
          {"title", Title(s)},
          {"status", static_cast<unsigned>(s)},
          {"detail", static_cast<unsigned>(s) >= 500 ? ServerErrorDetail(s) : detail}};
}

server::Response ProblemResponse(status s, const Json& body, unsigned version) {
  server::Response response(s, version);
  response.set(server::http::field::content_type, "application/problem+json");
  response.body() = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  response.prepare_payload();
  return response;
}

// Exact canonical paths first; then prefixes, most specific first. Card fields sit under
// payment_instrument.card (instruments) or token.card (tokens); both are Rebilly's
// paymentInstrument.
constexpr std::pair<absl::string_view, absl::string_view> kExact[] = {
    {"token", "token"},
    {"name", "id"},
    {"payment_instrument.name", "id"},
    {"payment_instrument.identity", "token"},
    {"payment_instrument.holder_name", "billingAddress.firstName"},
    {"token.holder_name", "billingAddress.firstName"},
    {"payment_instrument.tags", "customFields"},
    {"token.type", "method"},
    {"payment_instrument.type", "method"},
};
constexpr std::pair<absl::string_view, absl::string_view> kCardFields[] = {
    {"number", "pan"},
    {"security_code", "cvv"},
    {"expiration_month", "expMonth"},
    {"expiration_year", "expYear"},
};
constexpr std::pair<absl::string_view, absl::string_view> kAddressFields[] = {
    {"line1", "address"}, {"line2", "address2"},         {"city", "city"},
    {"region", "region"}, {"postal_code", "postalCode"}, {"country", "country"},
};

std::string MapLeaf(absl::string_view leaf,
                    absl::Span<const std::pair<absl::string_view, absl::string_view>> table) {
  for (const auto& [from, to] : table) {
    if (leaf == from) return std::string(to);
  }
  return std::string(leaf);
}

}  // namespace

std::string RebillyField(const std::string& path) {
  for (const auto& [from, to] : kExact) {
    if (path == from) return std::string(to);
  }
  for (absl::string_view owner : {"payment_instrument.", "token."}) {
    if (!absl::StartsWith(path, owner)) continue;
    absl::string_view rest = absl::string_view(path).substr(owner.size());
    if (absl::ConsumePrefix(&rest, "card.")) {
      return absl::StrCat("paymentInstrument.", MapLeaf(rest, kCardFields));
    }
    if (rest == "card") return "paymentInstrument";
    if (absl::ConsumePrefix(&rest, "address.")) {
      return absl::StrCat("billingAddress.", MapLeaf(rest, kAddressFields));
    }
    if (rest == "address") return "billingAddress";
    if (absl::ConsumePrefix(&rest, "card_")) return absl::StrCat("paymentInstrument.", rest);
    return std::string(rest);
  }
  return path;
}

server::Response RebillyJsonResponse(status s, const Json& body, unsigned version) {
  server::Response response(s, version);
  response.set(server::http::field::content_type, "application/json");
  response.body() = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  response.prepare_payload();
  return response;
}

server::Response RenderProblem(status s, const std::string& detail, unsigned version) {
  return ProblemResponse(s, Problem(s, detail), version);
}

server::Response RenderHttpError(const server::HttpError& error, const server::Exchange& exchange) {
  std::string detail = error.message;
  if (error.status == status::not_found) detail = "Resource not found.";
  return RenderProblem(error.status, detail, exchange.request.version());
}

server::Response RenderInvalidFields(const std::vector<core::ShapeError>& errors,
                                     unsigned version) {
  Json body = Problem(status::unprocessable_entity, "Invalid data sent.");
  Json fields = Json::array();
  for (const core::ShapeError& e : errors) {
    fields.push_back({{"field", e.field}, {"message", e.message}});
  }
  body["invalidFields"] = std::move(fields);
  return ProblemResponse(status::unprocessable_entity, body, version);
}

server::Response RenderRpcError(const core::RpcError& error, unsigned version) {
  if (!error.violations.empty()) {
    std::vector<core::ShapeError> fields;
    for (const core::FieldViolation& v : error.violations) {
      fields.push_back({RebillyField(v.field), v.description});
    }
    return RenderInvalidFields(fields, version);
  }
  if (error.reason == "MAX_INSTRUMENT_COUNT" || error.reason == "IDEMPOTENCY_KEY_REUSED" ||
      error.reason == "IDEMPOTENCY_KEY_IN_USE") {
    return RenderProblem(status::conflict, error.message, version);
  }
  // A used or expired FramePay token is invalid data about the `token` field to Rebilly.
  if (error.reason == "TOKEN_EXPIRED" || error.reason == "TOKEN_ALREADY_USED") {
    return RenderInvalidFields({{"token", error.message}}, version);
  }
  status s = core::HttpStatusFor(error.code);
  switch (s) {
    case status::unauthorized:
      return RenderProblem(s, "Invalid credentials used.", version);
    case status::forbidden:
      return RenderProblem(s, "Access forbidden.", version);
    case status::not_found:
      return RenderProblem(s, "Resource not found.", version);
    case status::bad_request:
      // Rebilly reports invalid data as 422, with or without a named field.
      return RenderProblem(status::unprocessable_entity, error.message, version);
    default:
      return RenderProblem(s, error.message, version);
  }
}

}  // namespace pi::gateway::rebilly
