// A plaintext HTTP/1.1 listener that serves a MetricsRegistry for Prometheus: GET /metrics
// answers 200 with the text exposition format 0.0.4; any other method or path answers 404.
// Requests are bounded (8 KiB of headers, no body) and must arrive within 5 seconds; each
// connection serves one request and is closed; at most 16 connections are open at once (more are
// closed at once). Boost.Beast on one io thread of its own, so a slow scraper never holds a
// request thread. Thread-safe.
#ifndef PI_SERVICES_COMMON_METRICS_HTTP_SERVER_H_
#define PI_SERVICES_COMMON_METRICS_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/metrics.h"

namespace pi::common {

class MetricsHttpServer {
 public:
  // `registry` must outlive the server.
  explicit MetricsHttpServer(const MetricsRegistry& registry);
  ~MetricsHttpServer();  // calls Stop()
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // Binds `address` ("host:port"; port 0 picks a free one) and starts serving. Returns the bound
  // port; INVALID_ARGUMENT for a malformed address, UNAVAILABLE when it cannot bind.
  absl::StatusOr<int> Start(const std::string& address);
  // Closes the listener and every connection, and joins the io thread. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_METRICS_HTTP_SERVER_H_
