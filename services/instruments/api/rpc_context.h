// Per-RPC bookkeeping for the callback handlers: the request id (from `x-request-id`, or a new
// one), the authorization value, latency, and the one structured log line written when the RPC
// finishes (method, code, reason, latency, request id, application; never request data).
#ifndef PI_SERVICES_INSTRUMENTS_API_RPC_CONTEXT_H_
#define PI_SERVICES_INSTRUMENTS_API_RPC_CONTEXT_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace pi::instruments::api {

class RpcContext {
 public:
  // Reads metadata from `context` and echoes the request id back as initial metadata.
  RpcContext(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
             absl::string_view method);

  absl::string_view authorization() const { return authorization_; }
  const std::string& request_id() const { return request_id_; }
  void set_application_id(std::string id) { application_id_ = std::move(id); }

  // Logs the outcome and finishes the RPC. Call exactly once; `this` is deleted afterwards.
  void Finish(const absl::Status& status);

 private:
  grpc::ServerUnaryReactor* reactor_;
  std::string method_;
  std::string request_id_;
  std::string authorization_;
  std::string application_id_;
  absl::Time start_;
};

// The first value of metadata `key` in `context`, or "".
std::string MetadataValue(const grpc::CallbackServerContext* context, absl::string_view key);

}  // namespace pi::instruments::api

#endif  // PI_SERVICES_INSTRUMENTS_API_RPC_CONTEXT_H_
