// absl::Status -> grpc::Status, with the error model in the binary details
// (`grpc-status-details-bin`): a google.rpc.Status whose details hold the ErrorInfo and, for
// field errors, the BadRequest carried by the absl::Status (see services/common/error.h). A
// Status without a reason gets a default one per code, so every error names a reason.
#ifndef PI_SERVICES_INSTRUMENTS_API_GRPC_STATUS_H_
#define PI_SERVICES_INSTRUMENTS_API_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace pi::instruments::api {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace pi::instruments::api

#endif  // PI_SERVICES_INSTRUMENTS_API_GRPC_STATUS_H_
