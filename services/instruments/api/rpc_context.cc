#include "services/instruments/api/rpc_context.h"

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "services/common/error.h"
#include "services/common/json_log.h"
#include "services/instruments/api/grpc_status.h"
#include "services/instruments/crypto/random_id_generator.h"

namespace pi::instruments::api {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

// A caller's request id is logged, so keep it short and printable.
bool IsUsableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string MetadataValue(const grpc::CallbackServerContext* context, absl::string_view key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

RpcContext::RpcContext(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
                       absl::string_view method)
    : reactor_(reactor), method_(method), start_(absl::Now()) {
  request_id_ = MetadataValue(context, "x-request-id");
  if (!IsUsableRequestId(request_id_)) request_id_ = crypto::RandomIdGenerator().NewId("RQ");
  authorization_ = MetadataValue(context, "authorization");
  context->AddInitialMetadata("x-request-id", request_id_);
}

void RpcContext::Finish(const absl::Status& status) {
  nlohmann::json fields = {
      {"method", method_},
      {"code", absl::StatusCodeToString(status.code())},
      {"latency_ms", absl::ToDoubleMilliseconds(absl::Now() - start_)},
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
