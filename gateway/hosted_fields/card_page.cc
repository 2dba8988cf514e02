#include "gateway/hosted_fields/card_page.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace pi::gateway::hosted_fields {
namespace {

namespace http = server::http;

void SetCommonHeaders(server::Response& response) {
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set(http::field::cache_control, "no-store");
}

}  // namespace

std::string CardPageCsp(absl::string_view parent_origin) {
  return absl::StrCat(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      "frame-ancestors ",
      parent_origin, "; base-uri 'none'; form-action 'none'");
}

std::string HtmlEscape(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"},
                                    {"<", "&lt;"},
                                    {">", "&gt;"},
                                    {"\"", "&quot;"},
                                    {"'", "&#39;"}});
}

std::string RenderCardPage(absl::string_view page_template, absl::string_view parent_origin,
                           absl::string_view publishable_key, absl::string_view tokens_url) {
  // One pass: a value containing a placeholder's text is not expanded again.
  return absl::StrReplaceAll(page_template, {{"{{parent_origin}}", HtmlEscape(parent_origin)},
                                             {"{{publishable_key}}", HtmlEscape(publishable_key)},
                                             {"{{tokens_url}}", HtmlEscape(tokens_url)}});
}

server::Response CardPageResponse(std::string html, absl::string_view parent_origin,
                                  unsigned version) {
  server::Response response(http::status::ok, version);
  response.set(http::field::content_type, "text/html; charset=utf-8");
  response.set("Content-Security-Policy", CardPageCsp(parent_origin));
  SetCommonHeaders(response);
  response.body() = std::move(html);
  response.prepare_payload();
  return response;
}

server::Response ErrorPage(http::status status, absl::string_view message, unsigned version) {
  server::Response response(status, version);
  response.set(http::field::content_type, "text/html; charset=utf-8");
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'");
  SetCommonHeaders(response);
  response.body() = absl::StrCat(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<link rel=\"stylesheet\" href=\"/hosted-fields/v1/card.css\"><title>Payment fields</title>"
      "</head><body><p class=\"error\" id=\"unavailable\">",
      HtmlEscape(message), "</p></body></html>");
  response.prepare_payload();
  return response;
}

}  // namespace pi::gateway::hosted_fields
