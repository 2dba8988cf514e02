// A minimal blocking HTTP/1.1 client over loopback for end-to-end and contract tests
// (Boost.Beast), so tests speak real HTTP to the real gateway.
#ifndef PI_TESTS_SUPPORT_HTTP_CLIENT_H_
#define PI_TESTS_SUPPORT_HTTP_CLIENT_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace pi::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One request on a fresh connection to 127.0.0.1:`port`. `headers` are sent as given
// (Content-Length is computed). UNAVAILABLE when the connection fails.
absl::StatusOr<HttpReply> HttpCall(int port, const std::string& method, const std::string& target,
                                   const std::string& body = "",
                                   const std::map<std::string, std::string>& headers = {});

// The same over TLS, verifying the server's certificate against the PEM CA in `ca_file`.
absl::StatusOr<HttpReply> HttpsCall(int port, const std::string& ca_file,
                                    const std::string& method, const std::string& target,
                                    const std::string& body = "",
                                    const std::map<std::string, std::string>& headers = {});

// Writes `raw` bytes to a fresh connection and returns everything read until the server closes
// it (or 10 s pass): for requests too malformed for HttpCall.
absl::StatusOr<std::string> RawExchange(int port, const std::string& raw);

// One kept-alive HTTP/1.1 connection to 127.0.0.1:`port`, for tests of connection reuse.
// Not thread-safe.
class HttpConnection {
 public:
  // UNAVAILABLE when it cannot connect.
  static absl::StatusOr<std::unique_ptr<HttpConnection>> Open(int port);
  ~HttpConnection();

  // One request on this connection. UNAVAILABLE when the connection failed or was closed.
  absl::StatusOr<HttpReply> Call(const std::string& method, const std::string& target,
                                 const std::string& body = "",
                                 const std::map<std::string, std::string>& headers = {});
  // True when the server closes the connection within 10 s (reads end of stream).
  bool ClosedByServer();

 private:
  struct Impl;
  explicit HttpConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pi::testing

#endif  // PI_TESTS_SUPPORT_HTTP_CLIENT_H_
