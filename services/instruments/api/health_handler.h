// grpc.health.v1.Health served from generated stubs, so reflection clients (grpcurl) can call it
// (gRPC 1.51's built-in health service is invisible to reflection). Service names:
//   "" and "payments.instruments.v1.PaymentInstrumentService"  readiness: SERVING only while the
//       database is reachable and the server is not shutting down;
//   "liveness"  SERVING whenever the process can answer at all, database or shutdown aside, so a
//       liveness probe never restarts replicas for a database outage (restarts would not fix it)
//       nor kills one that is draining in-flight RPCs.
// Other names are NOT_FOUND. Watch answers UNIMPLEMENTED, which the health protocol tells clients
// to accept. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_API_HEALTH_HANDLER_H_
#define PI_SERVICES_INSTRUMENTS_API_HEALTH_HANDLER_H_

#include <atomic>

#include "grpc/health/v1/health.grpc.pb.h"

namespace pi::instruments::api {

class HealthHandler final : public grpc::health::v1::Health::CallbackService {
 public:
  static constexpr char kLivenessService[] = "liveness";

  void SetDatabaseReachable(bool reachable) { database_reachable_.store(reachable); }
  void SetShuttingDown() { shutting_down_.store(true); }
  bool serving() const { return database_reachable_.load() && !shutting_down_.load(); }

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  std::atomic<bool> database_reachable_{false};
  std::atomic<bool> shutting_down_{false};
};

}  // namespace pi::instruments::api

#endif  // PI_SERVICES_INSTRUMENTS_API_HEALTH_HANDLER_H_
