// Rebilly's error bodies: RFC 7807 problem details, `Content-Type: application/problem+json`,
// for every non-2xx answer under the dialect's mounts, routing and transport errors included:
//   {"type", "title", "status", "detail"}. Invalid data is 422 (pi-server's INVALID_ARGUMENT,
//   a used or expired token); when fields are named it adds "invalidFields": [{"field",
//   "message"}] with Rebilly's camelCase names (paymentInstrument.pan, billingAddress.postalCode,
//   token ...), one entry per violation, all of them at once.
// `type` is "about:blank" and `title` the status' reason phrase ("Not Found"), which RFC 7807
// (section 4.2) defines for problems that need no type of their own: Rebilly's public schema
// names no type URIs we could reproduce faithfully. 5xx carry a fixed detail, never the
// transport's or pi-server's text. Pure functions: thread-safe.
#ifndef PI_GATEWAY_DIALECTS_REBILLY_REBILLY_ERRORS_H_
#define PI_GATEWAY_DIALECTS_REBILLY_REBILLY_ERRORS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/core/json_reader.h"
#include "gateway/core/rpc_error.h"
#include "gateway/server/http_types.h"

namespace pi::gateway::rebilly {

// `body` with `status` as application/json (2xx answers).
server::Response RebillyJsonResponse(server::http::status status,
                                     const nlohmann::ordered_json& body, unsigned version);

// A problem+json answer with `detail`.
server::Response RenderProblem(server::http::status status, const std::string& detail,
                               unsigned version);

// A routing or transport error (404, 405, 413, ...).
server::Response RenderHttpError(const server::HttpError& error, const server::Exchange& exchange);

// 422 listing every error (ShapeError::field is already Rebilly's name).
server::Response RenderInvalidFields(const std::vector<core::ShapeError>& errors, unsigned version);

// A failed RPC: field violations become 422 invalidFields with Rebilly names; other errors go
// through the shared gRPC -> HTTP table (401, 403, 404, 409, ...), refined by reason.
server::Response RenderRpcError(const core::RpcError& error, unsigned version);

// The Rebilly field for a canonical path ("payment_instrument.card.number" ->
// "paymentInstrument.pan", "token.address.postal_code" -> "billingAddress.postalCode").
std::string RebillyField(const std::string& canonical_path);

}  // namespace pi::gateway::rebilly

#endif  // PI_GATEWAY_DIALECTS_REBILLY_REBILLY_ERRORS_H_
