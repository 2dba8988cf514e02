// SumUp's error bodies (seed 001_e50f8e37ecf29dba.txt), used for every non-2xx answer under the
// dialect's prefix, routing and transport errors included. Always `application/json`:
//   400 one {"message", "error_code", "param"} object, or an array of them when several
//       parameters are invalid; `message` is "Validation error" and `error_code` "INVALID" as in
//       the seed's examples; `param` in dot notation (`card.expiry_year`). A body that is not a
//       JSON object, and 400s without a parameter, are {"message", "error_code": "BAD_REQUEST"}
//       (or the pi-server reason, e.g. IDEMPOTENCY_KEY_REUSED).
//   401 {"message": "access token required", "error_code": "NOT_AUTHORIZED"} without an
//       Authorization header, {"error_message": "invalid access token", "error_code":
//       "NOT_AUTHORIZED"} with one pi-server refused (the seed's Missing_Token and Invalid_Token).
//   403 {"error_message": "request_not_allowed", "error_code": "FORBIDDEN", "status_code": "403"}
//       (`status_code` a string, as the schema and the SDKs' ErrorForbidden type say).
//   404 {"error_code": "NOT_FOUND", "message": "Resource not found"}.
//   409 {"error_code": "MAX_INSTRUMENT_COUNT", "message": "Max number of payment instruments on
//       file reached"} for pi-server's reason MAX_INSTRUMENT_COUNT (a FAILED_PRECONDITION);
//       {"error_code": "CUSTOMER_ALREADY_EXISTS", ...} for a taken customer_id (the seed names no
//       code for it); otherwise the reason as the code.
//   other {"error_code", "message"}: METHOD_NOT_ALLOWED, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS,
//       INTERNAL_SERVER_ERROR, NOT_IMPLEMENTED, SERVICE_UNAVAILABLE, GATEWAY_TIMEOUT, ... by
//       status; 5xx carry a fixed message, never the transport's text.
// Pure functions: thread-safe.
#ifndef PI_GATEWAY_DIALECTS_SUMUP_SUMUP_ERRORS_H_
#define PI_GATEWAY_DIALECTS_SUMUP_SUMUP_ERRORS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/core/json_reader.h"
#include "gateway/core/rpc_error.h"
#include "gateway/server/http_types.h"

namespace pi::gateway::sumup {

// What an error body depends on besides the error.
struct ErrorContext {
  unsigned version = 11;         // HTTP version of the request
  bool has_credentials = false;  // the request carried an Authorization header
};

// `body` with `status` as application/json.
server::Response SumUpJsonResponse(server::http::status status, const nlohmann::ordered_json& body,
                                   unsigned version);

// A routing or transport error (404, 405, 413, ...).
server::Response RenderHttpError(const server::HttpError& error, const server::Exchange& exchange);

// 400 for invalid parameters (ShapeError::field is the SumUp param): one object, or an array
// when several distinct parameters are invalid (repeats of one parameter count once).
server::Response RenderInvalidParams(const std::vector<core::ShapeError>& errors, unsigned version);

// 400 without a parameter, e.g. a body that is not a JSON object.
server::Response RenderBadRequest(const std::string& message, unsigned version);

// 404 in SumUp's shape.
server::Response RenderNotFound(unsigned version);

// A failed RPC: field violations become 400 params with SumUp names; other errors go through
// the shared gRPC -> HTTP table, refined by reason (MAX_INSTRUMENT_COUNT is 409).
server::Response RenderRpcError(const core::RpcError& error, const ErrorContext& context);

// The SumUp parameter for a canonical field path ("payment_instrument.card.expiration_year" ->
// "card.expiry_year", "identity.external_id" -> "customer_id").
std::string SumUpParam(const std::string& canonical_path);

}  // namespace pi::gateway::sumup

#endif  // PI_GATEWAY_DIALECTS_SUMUP_SUMUP_ERRORS_H_
