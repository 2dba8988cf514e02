#include "services/common/metrics_http_server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/common/settings.h"

namespace pi::common {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::uint32_t kMaxHeaderBytes = 8 * 1024;
constexpr std::chrono::seconds kRequestTimeout(5);
constexpr int kMaxConnections = 16;
constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// One connection, one request.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const MetricsRegistry& registry,
          std::shared_ptr<std::atomic<int>> open)
      : stream_(std::move(socket)), registry_(registry), open_(std::move(open)) {
    ++*open_;
  }
  ~Session() { --*open_; }

  void Start() {
    // An empty body type refuses any request carrying one.
    parser_.header_limit(kMaxHeaderBytes);
    stream_.expires_after(kRequestTimeout);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->Respond();
                     });
  }

 private:
  void Respond() {
    const auto& request = parser_.get();
    beast::string_view target = request.target();
    bool metrics = request.method() == http::verb::get &&
                   (target == "/metrics" || target.starts_with("/metrics?"));
    response_.version(request.version() == 10 ? 10 : 11);
    response_.keep_alive(false);
    if (metrics) {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, kContentType);
      response_.body() = registry_.Render();
    } else {
      response_.result(http::status::not_found);
      response_.set(http::field::content_type, "text/plain; charset=utf-8");
      response_.body() = "not found; try GET /metrics\n";
    }
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code, size_t) { self->Close(); });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_{kMaxHeaderBytes};
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> response_;
  const MetricsRegistry& registry_;
  std::shared_ptr<std::atomic<int>> open_;
};

}  // namespace

struct MetricsHttpServer::Impl {
  explicit Impl(const MetricsRegistry& r) : registry(r), acceptor(net::make_strand(io)) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        if (open->load() >= kMaxConnections) {
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          std::make_shared<Session>(std::move(socket), registry, open)->Start();
        }
      }
      Accept();
    });
  }

  const MetricsRegistry& registry;
  std::shared_ptr<std::atomic<int>> open = std::make_shared<std::atomic<int>>(0);
  net::io_context io{1};
  tcp::acceptor acceptor;
  std::thread thread;
};

MetricsHttpServer::MetricsHttpServer(const MetricsRegistry& registry)
    : impl_(std::make_unique<Impl>(registry)) {}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

absl::StatusOr<int> MetricsHttpServer::Start(const std::string& address) {
  absl::StatusOr<std::pair<std::string, int>> host_port = SplitHostPort(address);
  if (!host_port.ok()) return host_port.status();
  beast::error_code ec;
  net::ip::address ip = net::ip::make_address(host_port->first, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad address ", address));
  tcp::endpoint endpoint(ip, static_cast<unsigned short>(host_port->second));
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, ": ", ec.message()));
  }
  int port = acceptor.local_endpoint().port();
  impl_->Accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
  return port;
}

void MetricsHttpServer::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->io.stop();
  impl_->thread.join();
  // No handler runs any more, so the acceptor can be closed from here. Open connections go
  // with the io_context.
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace pi::common
