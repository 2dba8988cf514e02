#include "services/instruments/api/rpc_context.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/error.h"
#include "services/common/json_log.h"
#include "services/common/request_id.h"
#include "services/instruments/api/grpc_status.h"

namespace pi::instruments::api {

std::string MetadataValue(const grpc::CallbackServerContext* context, absl::string_view key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

RpcContext::RpcContext(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
                       absl::string_view service, absl::string_view method,
                       RpcMetrics* metrics)
    : reactor_(reactor), metrics_(metrics), service_(service), method_(method),
      start_(absl::Now()) {
  if (metrics_ != nullptr) metrics_->Started();
  request_id_ = MetadataValue(context, "x-request-id");
  if (!common::IsValidRequestId(request_id_)) request_id_ = common::NewRequestId();
  authorization_ = MetadataValue(context, "authorization");
  context->AddInitialMetadata("x-request-id", request_id_);
}

void RpcContext::Finish(const absl::Status& status) {
  absl::Duration latency = absl::Now() - start_;
  if (metrics_ != nullptr) metrics_->Finished(method_, status.code(), latency);
  nlohmann::json fields = {
      {"method", absl::StrCat(service_, method_)},
      {"code", absl::StatusCodeToString(status.code())},
      {"latency_ms", absl::ToDoubleMilliseconds(latency)},
      {"request_id", request_id_},
  };
  if (!application_id_.empty()) fields["application"] = application_id_;
  if (!status.ok()) {
    std::string reason = common::ErrorReasonOf(status);
    if (!reason.empty()) fields["reason"] = reason;
  }
  common::LogJson(status.ok() ? "info" : "warn", "rpc", std::move(fields));
  grpc::ServerUnaryReactor* reactor = reactor_;
  grpc::Status grpc_status = ToGrpcStatus(status);
  delete this;
  reactor->Finish(std::move(grpc_status));
}

}  // namespace pi::instruments::api
