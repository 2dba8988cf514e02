#include "gateway/core/rpc_error.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace pi::gateway::core {

RpcError DecodeRpcError(const grpc::Status& status) {
  RpcError error;
  error.code = status.error_code();
  error.message = status.error_message();
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return error;
  }
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    if (any.Is<google::rpc::ErrorInfo>() && any.UnpackTo(&info)) {
      error.reason = info.reason();
    } else if (any.Is<google::rpc::BadRequest>() && any.UnpackTo(&bad_request)) {
      for (const auto& v : bad_request.field_violations()) {
        error.violations.push_back({v.field(), v.description()});
      }
    }
  }
  return error;
}

}  // namespace pi::gateway::core
