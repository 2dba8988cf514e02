// A failed RPC as the dialects need it: code, message, the ErrorInfo reason and every field
// violation, decoded from the google.rpc.Status in grpc::Status::error_details().
#ifndef PI_GATEWAY_CORE_RPC_ERROR_H_
#define PI_GATEWAY_CORE_RPC_ERROR_H_

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

namespace pi::gateway::core {

struct FieldViolation {
  std::string field;  // canonical proto path, e.g. "payment_instrument.card.number"
  std::string description;
};

struct RpcError {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  std::string reason;  // ErrorReason name; "" when the server sent none
  std::vector<FieldViolation> violations;
};

// Never fails: undecodable details leave reason and violations empty.
RpcError DecodeRpcError(const grpc::Status& status);

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_RPC_ERROR_H_
