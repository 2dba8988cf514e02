// Finix's error envelope (seed 000_74c8f45a04da5945.txt), used for every non-2xx answer of the
// dialect, transport errors included (the Finix SDK cannot read any other error body):
//   {"total": N, "_embedded": {"errors": [{"code", "logref", "message", "field"?,
//                                          "_links": {"self": {"href"}}}]}}
// `logref` is the request id. Codes by status: 400 BAD_REQUEST, 401/403 UNKNOWN, 404 and 406
// NOT_FOUND, 405 METHOD_NOT_ALLOWED, 409 CONFLICT, 413 REQUEST_TOO_LARGE, 422 INVALID_FIELD (with
// `field`), 429 TOO_MANY_REQUESTS, 501 NOT_IMPLEMENTED (an RPC not built yet), 503
// SERVICE_UNAVAILABLE, 504 GATEWAY_TIMEOUT, other 5xx SERVER_ERROR.
#ifndef PI_GATEWAY_DIALECTS_FINIX_FINIX_ERRORS_H_
#define PI_GATEWAY_DIALECTS_FINIX_FINIX_ERRORS_H_

#include <string>
#include <vector>

#include "gateway/core/json_reader.h"
#include "gateway/core/rpc_error.h"
#include "gateway/dialects/finix/finix_options.h"
#include "gateway/server/http_types.h"

namespace pi::gateway::finix {

struct FinixError {
  std::string code;
  std::string message;
  std::string field;  // set for INVALID_FIELD only
};

// The envelope with `errors`, status `status`.
server::Response FinixErrorResponse(server::http::status status,
                                    const std::vector<FinixError>& errors,
                                    const server::Exchange& exchange, const FinixOptions& options);

// A transport or routing error (404, 405, 413, ...) in the envelope.
server::Response RenderHttpError(const server::HttpError& error, const server::Exchange& exchange,
                                 const FinixOptions& options);

// Shape errors of a request body: 422 INVALID_FIELD, one entry per error.
server::Response RenderShapeErrors(const std::vector<core::ShapeError>& errors,
                                   const server::Exchange& exchange, const FinixOptions& options);

// A failed RPC: field violations become 422 INVALID_FIELD entries with Finix field names; other
// codes go through the shared gRPC -> HTTP table.
server::Response RenderRpcError(const core::RpcError& error, const server::Exchange& exchange,
                                const FinixOptions& options);

// The Finix request field for a canonical field path ("payment_instrument.card.number" ->
// "number", "payment_instrument.holder_name" -> "name").
std::string FinixFieldName(const std::string& canonical_path);

}  // namespace pi::gateway::finix

#endif  // PI_GATEWAY_DIALECTS_FINIX_FINIX_ERRORS_H_
