#include "gateway/dialects/sumup/sumup_errors.h"

#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/core/http_status.h"

namespace pi::gateway::sumup {
namespace {

using server::http::status;
using Json = nlohmann::ordered_json;

constexpr char kValidationMessage[] = "Validation error";
constexpr char kMaxInstrumentsMessage[] = "Max number of payment instruments on file reached";

std::string CodeFor(status s) {
  switch (s) {
    case status::bad_request:
      return "BAD_REQUEST";
    case status::unauthorized:
      return "NOT_AUTHORIZED";
    case status::forbidden:
      return "FORBIDDEN";
    case status::not_found:
      return "NOT_FOUND";
    case status::method_not_allowed:
      return "METHOD_NOT_ALLOWED";
    case status::not_acceptable:
      return "NOT_ACCEPTABLE";
    case status::request_timeout:
      return "REQUEST_TIMEOUT";
    case status::conflict:
      return "CONFLICT";
    case status::payload_too_large:
      return "PAYLOAD_TOO_LARGE";
    case status::unsupported_media_type:
      return "UNSUPPORTED_MEDIA_TYPE";
    case status::request_header_fields_too_large:
      return "HEADERS_TOO_LARGE";
    case status::too_many_requests:
      return "TOO_MANY_REQUESTS";
    case status::not_implemented:
      return "NOT_IMPLEMENTED";
    case status::service_unavailable:
      return "SERVICE_UNAVAILABLE";
    case status::gateway_timeout:
      return "GATEWAY_TIMEOUT";
    default:
      return static_cast<unsigned>(s) >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
  }
}

// 5xx bodies never carry the transport's or the server's own text.
std::string ServerErrorMessage(status s) {
  switch (s) {
    case status::not_implemented:
      return "Not implemented";
    case status::service_unavailable:
      return "Service unavailable, try again later";
    case status::gateway_timeout:
      return "The request timed out";
    default:
      return "Internal server error";
  }
}

// {"error_code", "message"}: the order of the seed's 404 and 409 examples.
Json CodeAndMessage(const std::string& code, const std::string& message) {
  return {{"error_code", code}, {"message", message}};
}

Json GenericBody(status s, const std::string& message) {
  if (s == status::not_found) return CodeAndMessage("NOT_FOUND", "Resource not found");
  if (s == status::forbidden) {
    return {{"error_message", "request_not_allowed"},
            {"error_code", "FORBIDDEN"},
            {"status_code", "403"}};
  }
  if (static_cast<unsigned>(s) >= 500) return CodeAndMessage(CodeFor(s), ServerErrorMessage(s));
  return CodeAndMessage(CodeFor(s), message);
}

// Exact canonical paths first; then prefixes, most specific first.
constexpr std::pair<absl::string_view, absl::string_view> kExactParams[] = {
    {"payment_instrument.card.number", "card.number"},
    {"payment_instrument.number", "card.number"},
    {"payment_instrument.card.expiration_month", "card.expiry_month"},
    {"payment_instrument.expiration_month", "card.expiry_month"},
    {"payment_instrument.card.expiration_year", "card.expiry_year"},
    {"payment_instrument.expiration_year", "card.expiry_year"},
    {"payment_instrument.card.security_code", "card.cvv"},
    {"payment_instrument.security_code", "card.cvv"},
    {"payment_instrument.holder_name", "card.name"},
    {"payment_instrument.name", "token"},
    {"payment_instrument.address.postal_code", "card.zip_code"},
    {"payment_instrument.identity", "customer_id"},
    {"payment_instrument.card", "card"},
    {"identity.external_id", "customer_id"},
    {"external_id", "customer_id"},
    {"identity.address.line1", "personal_details.address.line_1"},
    {"identity.address.line2", "personal_details.address.line_2"},
    {"identity.address.region", "personal_details.address.state"},
    {"name", "token"},
};
constexpr std::pair<absl::string_view, absl::string_view> kParamPrefixes[] = {
    {"payment_instrument.card.", "card."},
    {"payment_instrument.", ""},
    {"identity.", "personal_details."},
};

}  // namespace

std::string SumUpParam(const std::string& canonical_path) {
  for (const auto& [path, param] : kExactParams) {
    if (canonical_path == path) return std::string(param);
  }
  for (const auto& [prefix, replacement] : kParamPrefixes) {
    if (absl::StartsWith(canonical_path, prefix)) {
      return absl::StrCat(replacement, canonical_path.substr(prefix.size()));
    }
  }
  return canonical_path;
}

server::Response SumUpJsonResponse(status s, const Json& body, unsigned version) {
  server::Response response(s, version);
  response.set(server::http::field::content_type, "application/json");
  response.body() = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  response.prepare_payload();
  return response;
}

server::Response RenderHttpError(const server::HttpError& error, const server::Exchange& exchange) {
  return SumUpJsonResponse(error.status, GenericBody(error.status, error.message),
                           exchange.request.version());
}

server::Response RenderInvalidParams(const std::vector<core::ShapeError>& errors,
                                     unsigned version) {
  Json list = Json::array();
  std::set<std::string> seen;
  for (const core::ShapeError& e : errors) {
    if (!seen.insert(e.field).second) continue;
    // The key order of the seed's Multiple_Invalid_Parameters example.
    list.push_back(
        {{"error_code", "INVALID"}, {"message", kValidationMessage}, {"param", e.field}});
  }
  if (list.size() == 1) {
    // The key order of the seed's Invalid_Parameter example.
    Json single = {
        {"message", kValidationMessage}, {"error_code", "INVALID"}, {"param", list[0]["param"]}};
    return SumUpJsonResponse(status::bad_request, single, version);
  }
  return SumUpJsonResponse(status::bad_request, list, version);
}

server::Response RenderBadRequest(const std::string& message, unsigned version) {
  return SumUpJsonResponse(status::bad_request,
                           {{"message", message}, {"error_code", "BAD_REQUEST"}}, version);
}

server::Response RenderNotFound(unsigned version) {
  return SumUpJsonResponse(status::not_found, GenericBody(status::not_found, ""), version);
}

server::Response RenderRpcError(const core::RpcError& error, const ErrorContext& context) {
  if (!error.violations.empty()) {
    std::vector<core::ShapeError> params;
    for (const core::FieldViolation& v : error.violations) {
      params.push_back({SumUpParam(v.field), v.description});
    }
    return RenderInvalidParams(params, context.version);
  }
  if (error.reason == "MAX_INSTRUMENT_COUNT") {
    return SumUpJsonResponse(status::conflict,
                             CodeAndMessage("MAX_INSTRUMENT_COUNT", kMaxInstrumentsMessage),
                             context.version);
  }
  status s = core::HttpStatusFor(error.code);
  switch (s) {
    case status::unauthorized:
      return SumUpJsonResponse(
          s,
          context.has_credentials
              ? Json{{"error_message", "invalid access token"}, {"error_code", "NOT_AUTHORIZED"}}
              : Json{{"message", "access token required"}, {"error_code", "NOT_AUTHORIZED"}},
          context.version);
    case status::bad_request:
      return SumUpJsonResponse(
          s,
          {{"message", error.message},
           {"error_code", error.reason.empty() || error.reason == "INVALID_FIELDS" ? "BAD_REQUEST"
                                                                                   : error.reason}},
          context.version);
    case status::conflict:
      if (error.reason == "ALREADY_EXISTS") {
        return SumUpJsonResponse(s,
                                 CodeAndMessage("CUSTOMER_ALREADY_EXISTS",
                                                "Customer with this customer_id already exists"),
                                 context.version);
      }
      return SumUpJsonResponse(
          s, CodeAndMessage(error.reason.empty() ? "CONFLICT" : error.reason, error.message),
          context.version);
    default:
      return SumUpJsonResponse(s, GenericBody(s, error.message), context.version);
  }
}

}  // namespace pi::gateway::sumup
