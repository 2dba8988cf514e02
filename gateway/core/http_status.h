// The one gRPC-code -> HTTP-status table of the gateway (after Google's API design guide, as
// Envoy's grpc status mapping does). Dialects may refine by error reason (e.g. Finix answers field
// errors with 422), never by re-mapping codes on their own.
#ifndef PI_GATEWAY_CORE_HTTP_STATUS_H_
#define PI_GATEWAY_CORE_HTTP_STATUS_H_

#include <grpcpp/support/status.h>

#include <boost/beast/http/status.hpp>

namespace pi::gateway::core {

boost::beast::http::status HttpStatusFor(grpc::StatusCode code);

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_HTTP_STATUS_H_
