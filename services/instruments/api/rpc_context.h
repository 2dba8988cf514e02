// Per-RPC bookkeeping for the callback handlers: the request id (from `x-request-id` when it is
// a valid one, see services/common/request_id.h, or a new one), the authorization value,
// latency, the RPC's metrics, and the one structured access-log line written when the RPC
// finishes (method, code, reason, latency, request id, application; never request data).
#ifndef PI_SERVICES_INSTRUMENTS_API_RPC_CONTEXT_H_
#define PI_SERVICES_INSTRUMENTS_API_RPC_CONTEXT_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/instruments/api/rpc_metrics.h"

namespace pi::instruments::api {

class RpcContext {
 public:
  // Reads metadata from `context` and echoes the request id back as initial metadata. `service`
  // and `method` name the RPC ("payments.instruments.v1.PaymentInstrumentService/",
  // "GetPaymentInstrument"; string literals: they are kept, not copied); `metrics` (may be null)
  // must outlive the RPC.
  RpcContext(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
             absl::string_view service, absl::string_view method, RpcMetrics* metrics);

  absl::string_view authorization() const { return authorization_; }
  const std::string& request_id() const { return request_id_; }
  void set_application_id(std::string id) { application_id_ = std::move(id); }

  // Logs the outcome and finishes the RPC. Call exactly once; `this` is deleted afterwards.
  void Finish(const absl::Status& status);

 private:
  grpc::ServerUnaryReactor* reactor_;
  RpcMetrics* metrics_;
  absl::string_view service_;
  absl::string_view method_;
  std::string request_id_;
  std::string authorization_;
  std::string application_id_;
  absl::Time start_;
};

// The first value of metadata `key` in `context`, or "".
std::string MetadataValue(const grpc::CallbackServerContext* context, absl::string_view key);

}  // namespace pi::instruments::api

#endif  // PI_SERVICES_INSTRUMENTS_API_RPC_CONTEXT_H_
