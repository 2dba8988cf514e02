#include "gateway/server/http_server.h"

#include <optional>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/json_log.h"
#include "services/common/request_id.h"

namespace pi::gateway::server {

// What the server shares with its connections.
struct HttpServerState {
  std::atomic<int> in_flight{0};  // requests read and not answered yet
  // Connections between the first byte of a request and the end of its response: Shutdown
  // waits for these.
  std::atomic<int> busy{0};
  std::atomic<bool> draining{false};  // answer, then close the connection
  HttpMetrics* metrics = nullptr;
};

namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::chrono::milliseconds Chrono(absl::Duration d) { return absl::ToChronoMilliseconds(d); }

// A caller's request id is echoed, logged and forwarded to pi-server: only a valid one is kept.
std::string RequestIdFrom(const http::request_header<>& request) {
  auto it = request.find("x-request-id");
  if (it != request.end()) {
    absl::string_view id(it->value().data(), it->value().size());
    if (common::IsValidRequestId(id)) return std::string(id);
  }
  return common::NewRequestId();
}

// One connection. `Stream` is beast::tcp_stream (HTTP) or beast::ssl_stream over it (HTTPS);
// everything but the handshake is the same for both.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  // `stream_args` construct the stream: the socket, and the TLS context for HTTPS.
  template <typename... StreamArgs>
  Session(const HttpServerOptions& options, const Router& router,
          std::shared_ptr<HttpServerState> state, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...), options_(options), router_(router),
        state_(std::move(state)) {}
  ~Session() { EndBusy(); }

  void Start() {
    if constexpr (kTls) {
      Tcp().expires_after(Chrono(options_.header_timeout));
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->WaitForRequest();
                              });
    } else {
      WaitForRequest();
    }
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  // Waits, up to the idle timeout, for the first bytes of the next request. While the server
  // drains, a kept-alive connection is closed instead (a new one still gets its first request).
  void WaitForRequest() {
    EndBusy();
    if (buffer_.size() > 0) {
      BeginBusy();
      return ReadHeader();
    }
    if (served_ > 0 && state_->draining.load()) return Close();
    Tcp().expires_after(Chrono(options_.idle_timeout));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->BeginBusy();
                              self->ReadHeader();
                            });
  }

  void BeginBusy() {
    if (!busy_) ++state_->busy;
    busy_ = true;
  }
  void EndBusy() {
    if (busy_) --state_->busy;
    busy_ = false;
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser_->body_limit(options_.max_body_bytes);
    Tcp().expires_after(Chrono(options_.header_timeout));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    // With a body limit set, Beast refuses an over-limit Content-Length while reading headers.
    if (ec == http::error::body_limit) {
      return FailRequest(BodyTooLarge());
    }
    if (ec == http::error::header_limit) {
      return FailRequest({http::status::request_header_fields_too_large,
                          "the request headers are too large"});
    }
    if (ec == beast::error::timeout || ec == http::error::end_of_stream ||
        ec == net::error::eof || ec == net::error::connection_reset) {
      return Close();
    }
    if (ec) return FailRequest({http::status::bad_request, "the request is not valid HTTP/1.1"});
    // The body's deadline is a timer of its own: the stream's expiry would close the socket, and
    // the 408 could not be written. On expiry it cancels the read, which ends in OnBody.
    Tcp().expires_never();
    body_timed_out_ = false;
    reading_body_ = true;
    body_deadline_.expires_after(Chrono(options_.body_timeout));
    body_deadline_.async_wait([weak = this->weak_from_this()](beast::error_code timer_ec) {
      auto self = weak.lock();
      // An expiry already queued when the body completed must not cancel what runs next (the
      // response's write, the next request's read): only a read still in progress is cancelled.
      if (!self || timer_ec || !self->reading_body_) return;
      self->body_timed_out_ = true;
      beast::error_code ignored;
      self->Tcp().socket().cancel(ignored);
    });
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code body_ec, size_t) {
                       self->OnBody(body_ec);
                     });
  }

  void OnBody(beast::error_code ec) {
    reading_body_ = false;
    body_deadline_.cancel();
    if (ec == http::error::body_limit) {
      return FailRequest(BodyTooLarge());
    }
    if (ec == net::error::operation_aborted && body_timed_out_) {
      return FailRequest({http::status::request_timeout, "the request body arrived too slowly"});
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == net::error::eof || ec == net::error::connection_reset) {
      return Close();
    }
    if (ec) return FailRequest({http::status::bad_request, "the request body is malformed"});
    Tcp().expires_never();  // the handler's gRPC deadline bounds the wait from here
    BeginExchange();
    Exchange& exchange = *exchange_;
    exchange.request = parser_->release();
    exchange.request_id = RequestIdFrom(exchange.request);
    SplitTarget(exchange);
    beast::error_code peer_ec;
    tcp::endpoint peer = Tcp().socket().remote_endpoint(peer_ec);
    if (!peer_ec) exchange.client_address = peer.address().to_string();
    Started();
    router_.Dispatch(exchange, MakeResponder());
  }

  HttpError BodyTooLarge() const {
    return {http::status::payload_too_large,
            absl::StrCat("the request body exceeds ", options_.max_body_bytes, " bytes")};
  }

  // Answers a request that could not be read, in the dialect of its path, then closes.
  void FailRequest(HttpError error) {
    BeginExchange();
    Exchange& exchange = *exchange_;
    if (parser_) {
      const auto& header = parser_->get();
      // An unparsed request line has no method; Beast's method(verb::unknown) would throw.
      if (header.method() != http::verb::unknown) exchange.request.method(header.method());
      exchange.request.target(header.target());
      exchange.request.version(header.version() == 10 ? 10 : 11);
      exchange.request_id = RequestIdFrom(header);
    } else {
      exchange.request_id = common::NewRequestId();
    }
    SplitTarget(exchange);
    exchange.route = &router_.UnmatchedFor(exchange.path);
    exchange.request.keep_alive(false);
    Started();
    MakeResponder()(router_.RendererFor(exchange.path)(error, exchange));
  }

  void BeginExchange() {
    exchange_ = std::make_shared<Exchange>();
    started_ = absl::Now();
  }

  void Started() {
    ++state_->in_flight;
    if (state_->metrics != nullptr) state_->metrics->Started();
  }

  static void SplitTarget(Exchange& exchange) {
    absl::string_view target(exchange.request.target().data(), exchange.request.target().size());
    size_t q = target.find('?');
    exchange.path = std::string(target.substr(0, q));
    exchange.query = q == absl::string_view::npos ? "" : std::string(target.substr(q + 1));
  }

  Responder MakeResponder() {
    // The responder may run on a gRPC thread: hop back to this connection's strand.
    return [self = this->shared_from_this()](Response response) {
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response)]() mutable { self->Write(std::move(response)); });
    };
  }

  void Write(Response response) {
    const Exchange& exchange = *exchange_;
    response.version(exchange.request.version());
    // While draining, every answer closes its connection so clients go elsewhere.
    response.keep_alive(exchange.request.keep_alive() && response.keep_alive() &&
                        !state_->draining.load());
    response.set("X-Request-Id", exchange.request_id);
    // A 204 carries no Content-Length (RFC 9110, 8.6); prepare_payload would add "0".
    if (!response.has_content_length() && response.result() != http::status::no_content) {
      response.prepare_payload();
    }
    absl::Duration latency = absl::Now() - started_;
    Log(exchange, response.result_int(), latency);
    if (state_->metrics != nullptr) {
      state_->metrics->Finished(exchange.route, exchange.request.method(), response.result_int(),
                                latency);
    }
    ++served_;
    response_ = std::make_shared<Response>(std::move(response));
    Tcp().expires_after(Chrono(options_.body_timeout));
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        --self->state_->in_flight;
                        bool keep_alive = self->response_->keep_alive();
                        self->response_.reset();
                        if (ec || !keep_alive) return self->Close();
                        self->WaitForRequest();
                      });
  }

  // The access-log line: no headers, no query string, no body.
  void Log(const Exchange& exchange, unsigned status, absl::Duration latency) {
    nlohmann::json fields = {{"method", std::string(exchange.request.method_string())},
                             {"path", exchange.path},
                             {"status", status},
                             {"latency_ms", absl::ToDoubleMilliseconds(latency)},
                             {"request_id", exchange.request_id}};
    if (exchange.route != nullptr) {
      fields["dialect"] = exchange.route->dialect;
      fields["route"] = exchange.route->pattern;
    }
    common::LogJson(status >= 500 ? "error" : "info", "http", std::move(fields));
  }

  // Closes the TCP connection. Over TLS this skips close_notify: every response is delimited by
  // Content-Length, so a truncation cannot pass for a complete message.
  void Close() {
    EndBusy();
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  const HttpServerOptions& options_;
  const Router& router_;
  std::shared_ptr<HttpServerState> state_;
  bool busy_ = false;   // counted in state_->busy
  int served_ = 0;      // responses written on this connection
  net::steady_timer body_deadline_{stream_.get_executor()};
  bool body_timed_out_ = false;  // body_deadline_ fired and cancelled the body's read
  bool reading_body_ = false;    // the body's read is in progress (all on this strand)
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Exchange> exchange_;
  std::shared_ptr<Response> response_;
  absl::Time started_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<net::ssl::context>> MakeServerTlsContext(
    const std::string& cert_chain_file, const std::string& private_key_file) {
  auto context = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression);
  beast::error_code ec;
  context->use_certificate_chain_file(cert_chain_file, ec);
  if (!ec) context->use_private_key_file(private_key_file, net::ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot use ", cert_chain_file, " / ", private_key_file, ": ", ec.message()));
  }
  return context;
}

HttpServer::HttpServer(HttpServerOptions options, const Router& router, HttpMetrics* metrics)
    : options_(std::move(options)), router_(router), acceptor_(net::make_strand(io_)),
      state_(std::make_shared<HttpServerState>()) {
  state_->metrics = metrics;
}

int HttpServer::in_flight() const { return state_->in_flight.load(); }

HttpServer::~HttpServer() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<unsigned short> HttpServer::Start() {
  beast::error_code ec;
  tcp::endpoint endpoint(net::ip::make_address(options_.address, ec), options_.port);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad address ", options_.address));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.address, ":",
                                               options_.port, ": ", ec.message()));
  }
  unsigned short port = acceptor_.local_endpoint().port();
  work_.emplace(io_.get_executor());
  Accept();
  for (int i = 0; i < options_.io_threads; ++i) threads_.emplace_back([this] { io_.run(); });
  return port;
}

void HttpServer::Accept() {
  acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec && options_.tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          options_, router_, state_, std::move(socket), *options_.tls)
          ->Start();
    } else if (!ec) {
      std::make_shared<Session<beast::tcp_stream>>(options_, router_, state_,
                                                   std::move(socket))
          ->Start();
    }
    Accept();
  });
}

void HttpServer::StartDraining() { state_->draining.store(true); }

void HttpServer::Shutdown(absl::Duration grace) {
  if (threads_.empty()) return;
  StartDraining();
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  // Requests being read, handled or answered finish; idle kept-alive connections are closed.
  absl::Time deadline = absl::Now() + grace;
  while (state_->busy.load() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  work_.reset();
  io_.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

}  // namespace pi::gateway::server
