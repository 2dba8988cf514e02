#include "tests/support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "absl/strings/ascii.h"

namespace pi::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

// A connection to 127.0.0.1:`port` whose operations time out after `timeout`. Throws on failure.
void Connect(beast::tcp_stream& stream, int port, std::chrono::seconds timeout) {
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"),
                                        static_cast<unsigned short>(port)));
  stream.expires_after(timeout);
}

// Writes one request on `stream` and reads the reply.
template <typename Stream>
HttpReply Exchange(Stream& stream, const std::string& method, const std::string& target,
                   const std::string& body, const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request.prepare_payload();
  }
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  http::read(stream, buffer, parser);
  HttpReply reply;
  reply.status = parser.get().result_int();
  for (const auto& field : parser.get()) {
    reply.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
        std::string(field.value());
  }
  reply.body = parser.get().body();
  return reply;
}

}  // namespace

absl::StatusOr<HttpReply> HttpCall(int port, const std::string& method, const std::string& target,
                                   const std::string& body,
                                   const std::map<std::string, std::string>& headers) {
  try {
    net::io_context io;
    beast::tcp_stream stream(io);
    Connect(stream, port, std::chrono::seconds(30));
    HttpReply reply = Exchange(stream, method, target, body, headers);
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    return reply;
  } catch (const std::exception& e) {
    return absl::UnavailableError(e.what());
  }
}

absl::StatusOr<HttpReply> HttpsCall(int port, const std::string& ca_file,
                                    const std::string& method, const std::string& target,
                                    const std::string& body,
                                    const std::map<std::string, std::string>& headers) {
  try {
    net::io_context io;
    net::ssl::context context(net::ssl::context::tls_client);
    context.load_verify_file(ca_file);
    context.set_verify_mode(net::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, context);
    Connect(beast::get_lowest_layer(stream), port, std::chrono::seconds(30));
    stream.handshake(net::ssl::stream_base::client);
    HttpReply reply = Exchange(stream, method, target, body, headers);
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(net::ip::tcp::socket::shutdown_both,
                                                      ignored);
    return reply;
  } catch (const std::exception& e) {
    return absl::UnavailableError(e.what());
  }
}

absl::StatusOr<std::string> RawExchange(int port, const std::string& raw) {
  try {
    net::io_context io;
    beast::tcp_stream stream(io);
    Connect(stream, port, std::chrono::seconds(10));
    net::write(stream, net::buffer(raw));
    std::string received;
    char chunk[4096];
    beast::error_code ec;
    for (;;) {
      size_t n = stream.read_some(net::buffer(chunk), ec);
      received.append(chunk, n);
      if (ec) break;
    }
    return received;
  } catch (const std::exception& e) {
    return absl::UnavailableError(e.what());
  }
}

struct HttpConnection::Impl {
  net::io_context io;
  beast::tcp_stream stream{io};
};

HttpConnection::HttpConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpConnection::~HttpConnection() = default;

absl::StatusOr<std::unique_ptr<HttpConnection>> HttpConnection::Open(int port) {
  auto impl = std::make_unique<Impl>();
  try {
    Connect(impl->stream, port, std::chrono::seconds(30));
  } catch (const std::exception& e) {
    return absl::UnavailableError(e.what());
  }
  return std::unique_ptr<HttpConnection>(new HttpConnection(std::move(impl)));
}

absl::StatusOr<HttpReply> HttpConnection::Call(const std::string& method,
                                               const std::string& target,
                                               const std::string& body,
                                               const std::map<std::string, std::string>& headers) {
  try {
    impl_->stream.expires_after(std::chrono::seconds(30));
    return Exchange(impl_->stream, method, target, body, headers);
  } catch (const std::exception& e) {
    return absl::UnavailableError(e.what());
  }
}

bool HttpConnection::ClosedByServer() {
  impl_->stream.expires_after(std::chrono::seconds(10));
  char byte;
  beast::error_code ec;
  impl_->stream.read_some(net::buffer(&byte, 1), ec);
  return ec == net::error::eof || ec == net::error::connection_reset;
}

}  // namespace pi::testing
