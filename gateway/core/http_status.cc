#include "gateway/core/http_status.h"

namespace pi::gateway::core {

boost::beast::http::status HttpStatusFor(grpc::StatusCode code) {
  using boost::beast::http::status;
  switch (code) {
    case grpc::StatusCode::OK:
      return status::ok;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return status::bad_request;
    case grpc::StatusCode::UNAUTHENTICATED:
      return status::unauthorized;
    case grpc::StatusCode::PERMISSION_DENIED:
      return status::forbidden;
    case grpc::StatusCode::NOT_FOUND:
      return status::not_found;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return status::conflict;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return status::too_many_requests;
    case grpc::StatusCode::CANCELLED:
      return static_cast<status>(499);  // client closed request
    case grpc::StatusCode::UNIMPLEMENTED:
      return status::not_implemented;
    case grpc::StatusCode::UNAVAILABLE:
      return status::service_unavailable;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return status::gateway_timeout;
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::DATA_LOSS:
    default:
      return status::internal_server_error;
  }
}

}  // namespace pi::gateway::core
