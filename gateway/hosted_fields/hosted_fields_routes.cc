#include "gateway/hosted_fields/hosted_fields_routes.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "gateway/core/http_status.h"
#include "gateway/core/query_string.h"
#include "gateway/core/rpc_error.h"
#include "gateway/hosted_fields/assets.h"
#include "gateway/hosted_fields/card_page.h"

namespace pi::gateway::hosted_fields {
namespace {

namespace http = server::http;
using server::Exchange;
namespace v1 = ::payments::instruments::v1;

constexpr size_t kMaxKeyLength = 256;
constexpr size_t kMaxOriginLength = 300;

struct StaticFile {
  const char* name;
  const char* content_type;
};

constexpr StaticFile kStaticFiles[] = {
    {"card.js", "text/javascript; charset=utf-8"},
    {"card.css", "text/css; charset=utf-8"},
    {"payment-fields.js", "text/javascript; charset=utf-8"},
};

// Debian's Abseil has its own string_view: the assets are std::string_view.
absl::string_view AssetContent(const char* name) {
  const Asset* asset = FindAsset(name);
  if (asset == nullptr) return {};
  return absl::string_view(asset->content.data(), asset->content.size());
}

server::Response StaticResponse(const StaticFile& file, unsigned version) {
  server::Response response(http::status::ok, version);
  response.set(http::field::content_type, file.content_type);
  response.set("X-Content-Type-Options", "nosniff");
  // Short: a fix to the script reaches browsers within minutes.
  response.set(http::field::cache_control, "public, max-age=300");
  response.body() = std::string(AssetContent(file.name));
  response.prepare_payload();
  return response;
}

// What the card page's caller is told when pi-server refused; never pi-server's own message.
std::string RefusalMessage(const core::RpcError& error) {
  switch (error.code) {
    case grpc::StatusCode::UNAUTHENTICATED:
      return "The publishable key is not valid.";
    case grpc::StatusCode::PERMISSION_DENIED:
      return error.reason == "ORIGIN_NOT_ALLOWED"
                 ? "This website is not allowed to use these payment fields."
                 : "Payment fields need a publishable key.";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "The payment fields were asked for with invalid parameters.";
    default:
      return "The payment fields are unavailable right now. Try again later.";
  }
}

void ServeCard(core::InstrumentClient& client, const std::string& tokens_path,
               const Exchange& exchange, server::Responder respond) {
  unsigned version = exchange.request.version();
  absl::StatusOr<std::map<std::string, std::string>> query =
      core::ParseQueryString(exchange.query);
  std::string key = query.ok() && query->count("key") ? query->at("key") : "";
  std::string origin = query.ok() && query->count("origin") ? query->at("origin") : "";
  if (key.empty() || origin.empty() || key.size() > kMaxKeyLength ||
      origin.size() > kMaxOriginLength) {
    return respond(ErrorPage(http::status::bad_request,
                             "The payment fields need the key and origin parameters.", version));
  }
  v1::CheckOriginRequest request;
  request.set_origin(origin);
  core::CallMetadata metadata{absl::StrCat("Bearer ", key), "", exchange.request_id, ""};
  client.CheckOrigin(
      metadata, std::move(request),
      [respond, version, key, tokens_path](const grpc::Status& status,
                                           v1::CheckOriginResponse&& allowed) {
        if (!status.ok()) {
          core::RpcError error = core::DecodeRpcError(status);
          return respond(ErrorPage(core::HttpStatusFor(error.code), RefusalMessage(error), version));
        }
        std::string html =
            RenderCardPage(AssetContent("card.html"), allowed.origin(), key, tokens_path);
        respond(CardPageResponse(std::move(html), allowed.origin(), version));
      });
}

}  // namespace

void RegisterHostedFieldsRoutes(server::Router& router, core::InstrumentClient& client,
                                const HostedFieldsOptions& options) {
  router.Mount(kPrefix, [](const server::HttpError& error, const Exchange& exchange) {
    return ErrorPage(error.status, error.message, exchange.request.version());
  });
  router.Add(http::verb::get, absl::StrCat(kPrefix, "/card"),
             [&client, tokens_path = options.tokens_path](const Exchange& exchange,
                                                          server::Responder respond) {
               ServeCard(client, tokens_path, exchange, std::move(respond));
             });
  for (const StaticFile& file : kStaticFiles) {
    router.Add(http::verb::get, absl::StrCat(kPrefix, "/", file.name),
               [&file](const Exchange& exchange, server::Responder respond) {
                 respond(StaticResponse(file, exchange.request.version()));
               });
  }
}

}  // namespace pi::gateway::hosted_fields
