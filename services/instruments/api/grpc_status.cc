#include "services/instruments/api/grpc_status.h"

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/common/error.h"

namespace pi::instruments::api {
namespace {

std::string DefaultReason(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return "MALFORMED_REQUEST";
    case absl::StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED_CALLER";
    case absl::StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED_FOR_ROLE";
    case absl::StatusCode::kNotFound:
      return "RESOURCE_NOT_FOUND";
    case absl::StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kDeadlineExceeded:
      return "BACKEND_UNAVAILABLE";
    case absl::StatusCode::kDataLoss:
      return "DECRYPTION_FAILED";
    case absl::StatusCode::kUnimplemented:
      return "NOT_IMPLEMENTED";
    default:
      return "INTERNAL_ERROR";
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(std::string(status.message()));

  google::rpc::ErrorInfo info;
  if (auto p = status.GetPayload(common::kErrorInfoTypeUrl)) {
    info.ParseFromString(std::string(*p));
  }
  if (info.reason().empty()) {
    info.set_reason(DefaultReason(status.code()));
    info.set_domain(std::string(common::kErrorDomain));
  }
  rpc_status.add_details()->PackFrom(info);
  if (auto p = status.GetPayload(common::kBadRequestTypeUrl)) {
    google::rpc::BadRequest bad_request;
    if (bad_request.ParseFromString(std::string(*p))) rpc_status.add_details()->PackFrom(bad_request);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      rpc_status.SerializeAsString());
}

}  // namespace pi::instruments::api
