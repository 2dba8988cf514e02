// The gateway's HTTP/1.1 server: Boost.Beast, asynchronous, a few io threads, no thread per
// connection. Each connection reads one request at a time (keep-alive honoured) and enforces:
//   - idle_timeout: a kept-alive connection with no new request is closed;
//   - header_timeout: the request line and headers must arrive within it (slowloris);
//   - body_timeout and max_body_bytes: larger bodies are refused with 413 before being read;
//   - max_header_bytes: larger headers get 431.
// Transport errors are rendered by the router's dialect for the request's path. One JSON log line
// per request (method, path, dialect, route, status, latency, request id; no headers, no query,
// no bodies) and, with HttpMetrics, its metrics.
// With `tls` set, every connection is HTTPS (the handshake must finish within header_timeout).
// Start() binds and begins serving. StartDraining() keeps serving but makes every response close
// its connection (Connection: close), so clients move to other replicas. Shutdown() drains too,
// stops accepting and waits up to `grace` for requests being read, handled or answered; idle
// kept-alive connections are dropped. Then it stops the io threads.
#ifndef PI_GATEWAY_SERVER_HTTP_SERVER_H_
#define PI_GATEWAY_SERVER_HTTP_SERVER_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/server/http_metrics.h"
#include "gateway/server/router.h"

namespace pi::gateway::server {

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  unsigned short port = 8080;  // 0 picks a free port
  int io_threads = 2;
  size_t max_body_bytes = 32 * 1024;
  size_t max_header_bytes = 16 * 1024;
  absl::Duration idle_timeout = absl::Seconds(60);
  absl::Duration header_timeout = absl::Seconds(10);
  absl::Duration body_timeout = absl::Seconds(10);
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plaintext HTTP
};

// A TLS server context (TLS 1.2 and later) from PEM files. INVALID_ARGUMENT when the files
// cannot be used.
absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_chain_file, const std::string& private_key_file);

struct HttpServerState;

class HttpServer {
 public:
  // `router` and `metrics` (may be null) must outlive the server.
  HttpServer(HttpServerOptions options, const Router& router, HttpMetrics* metrics = nullptr);
  ~HttpServer();

  // Binds and starts the io threads. Returns the bound port. UNAVAILABLE if it cannot bind.
  absl::StatusOr<unsigned short> Start();
  void StartDraining();
  void Shutdown(absl::Duration grace);

  // Requests being handled right now.
  int in_flight() const;

 private:
  void Accept();

  const HttpServerOptions options_;
  const Router& router_;
  boost::asio::io_context io_;
  // Keeps the io threads running while nothing is pending on them: after the acceptor closed, a
  // request waiting for pi-server has no operation queued until its answer is posted.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<HttpServerState> state_;
  std::vector<std::thread> threads_;
};

}  // namespace pi::gateway::server

#endif  // PI_GATEWAY_SERVER_HTTP_SERVER_H_
