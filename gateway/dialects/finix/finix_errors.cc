#include "gateway/dialects/finix/finix_errors.h"

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/core/http_status.h"

namespace pi::gateway::finix {
namespace {

using server::http::status;

std::string CodeFor(status s) {
  switch (s) {
    case status::bad_request:
      return "BAD_REQUEST";
    case status::unauthorized:
    case status::forbidden:
      return "UNKNOWN";
    case status::not_found:
    case status::not_acceptable:
      return "NOT_FOUND";
    case status::method_not_allowed:
      return "METHOD_NOT_ALLOWED";
    case status::conflict:
      return "CONFLICT";
    case status::payload_too_large:
      return "REQUEST_TOO_LARGE";
    case status::unsupported_media_type:
      return "UNSUPPORTED_MEDIA_TYPE";
    case status::unprocessable_entity:
      return "INVALID_FIELD";
    case status::too_many_requests:
      return "TOO_MANY_REQUESTS";
    case status::not_implemented:
      return "NOT_IMPLEMENTED";
    case status::service_unavailable:
      return "SERVICE_UNAVAILABLE";
    case status::gateway_timeout:
      return "GATEWAY_TIMEOUT";
    default:
      return static_cast<unsigned>(s) >= 500 ? "SERVER_ERROR" : "BAD_REQUEST";
  }
}

// Canonical path prefixes and their Finix names, most specific first.
constexpr std::pair<absl::string_view, absl::string_view> kFieldPrefixes[] = {
    {"payment_instrument.card.", ""},
    {"payment_instrument.bank_account.routing_number", "bank_code"},
    {"payment_instrument.bank_account.", ""},
    {"payment_instrument.wallet.", ""},
    {"payment_instrument.holder_name", "name"},
    {"payment_instrument.", ""},
    {"name", "id"},
    {"page_size", "limit"},
    {"update_mask", "body"},
    {"page_token", "after_cursor"},
    {"identity.address.", "entity.personal_address."},
    {"identity.tags", "tags"},
    {"identity.", "entity."},
    {"identity", "owner_identity_id"},
};

// Error reasons that concern one request field, and that field's Finix name.
constexpr std::pair<absl::string_view, absl::string_view> kReasonFields[] = {
    {"TOKEN_ALREADY_USED", "token"},
    {"TOKEN_EXPIRED", "token"},
    {"MAX_INSTRUMENT_COUNT", "identity"},
};

}  // namespace

std::string FinixFieldName(const std::string& canonical_path) {
  for (const auto& [prefix, replacement] : kFieldPrefixes) {
    if (absl::StartsWith(canonical_path, prefix)) {
      return absl::StrCat(replacement, canonical_path.substr(prefix.size()));
    }
  }
  return canonical_path;
}

server::Response FinixErrorResponse(status s, const std::vector<FinixError>& errors,
                                    const server::Exchange& exchange, const FinixOptions& options) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::string self = absl::StrCat(options.public_base_url, exchange.path);
  for (const FinixError& e : errors) {
    nlohmann::ordered_json entry = {{"code", e.code},
                            {"logref", exchange.request_id},
                            {"message", e.message},
                            {"_links", {{"self", {{"href", self}}}}}};
    if (!e.field.empty()) entry["field"] = e.field;
    list.push_back(std::move(entry));
  }
  nlohmann::ordered_json body = {{"total", list.size()}, {"_embedded", {{"errors", std::move(list)}}}};
  server::Response response(s, exchange.request.version());
  response.set(server::http::field::content_type, "application/hal+json");
  response.body() = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  response.prepare_payload();
  return response;
}

server::Response RenderHttpError(const server::HttpError& error, const server::Exchange& exchange,
                                 const FinixOptions& options) {
  return FinixErrorResponse(error.status, {{CodeFor(error.status), error.message, ""}}, exchange,
                            options);
}

server::Response RenderShapeErrors(const std::vector<core::ShapeError>& errors,
                                   const server::Exchange& exchange, const FinixOptions& options) {
  std::vector<FinixError> out;
  for (const core::ShapeError& e : errors) {
    out.push_back({"INVALID_FIELD", absl::StrCat(e.field, ": ", e.message), e.field});
  }
  return FinixErrorResponse(status::unprocessable_entity, out, exchange, options);
}

server::Response RenderRpcError(const core::RpcError& error, const server::Exchange& exchange,
                                const FinixOptions& options) {
  if (!error.violations.empty()) {
    std::vector<FinixError> out;
    for (const core::FieldViolation& v : error.violations) {
      std::string field = FinixFieldName(v.field);
      out.push_back({"INVALID_FIELD", absl::StrCat(field, ": ", v.description), field});
    }
    return FinixErrorResponse(status::unprocessable_entity, out, exchange, options);
  }
  // Refusals about one field of the request are Finix field errors (422 INVALID_FIELD).
  for (const auto& [reason, field] : kReasonFields) {
    if (error.reason == reason) {
      return FinixErrorResponse(status::unprocessable_entity,
                                {{"INVALID_FIELD", absl::StrCat(field, ": ", error.message),
                                  std::string(field)}},
                                exchange, options);
    }
  }
  status s = core::HttpStatusFor(error.code);
  return FinixErrorResponse(s, {{CodeFor(s), error.message, ""}}, exchange, options);
}

}  // namespace pi::gateway::finix
