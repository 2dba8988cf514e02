#include "services/instruments/api/health_handler.h"

namespace pi::instruments::api {
namespace {

using grpc::health::v1::HealthCheckResponse;

bool IsReadinessService(const std::string& service) {
  return service.empty() || service == "payments.instruments.v1.PaymentInstrumentService";
}

// Finishes a Watch stream at once with UNIMPLEMENTED.
class UnimplementedWatch : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  UnimplementedWatch() {
    Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "Watch is not supported; use Check"));
  }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerUnaryReactor* HealthHandler::Check(grpc::CallbackServerContext* context,
                                               const grpc::health::v1::HealthCheckRequest* request,
                                               HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->service() == kLivenessService) {
    response->set_status(HealthCheckResponse::SERVING);
  } else if (IsReadinessService(request->service())) {
    response->set_status(serving() ? HealthCheckResponse::SERVING
                                   : HealthCheckResponse::NOT_SERVING);
  } else {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"));
    return reactor;
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<HealthCheckResponse>* HealthHandler::Watch(
    grpc::CallbackServerContext*, const grpc::health::v1::HealthCheckRequest*) {
  return new UnimplementedWatch();
}

}  // namespace pi::instruments::api
