// The hosted card page as HTTP: its HTML with the per-request values filled in, and the security
// headers of every hosted-fields response. Pure; thread-safe.
//
// The page gets
//   Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self';
//     connect-src 'self'; frame-ancestors <parent origin>; base-uri 'none'; form-action 'none'
// (no inline script or style anywhere: the values the script needs travel in data- attributes),
// X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer and Cache-Control: no-store.
#ifndef PI_GATEWAY_HOSTED_FIELDS_CARD_PAGE_H_
#define PI_GATEWAY_HOSTED_FIELDS_CARD_PAGE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "gateway/server/http_types.h"

namespace pi::gateway::hosted_fields {

// The page's CSP; `parent_origin` must be a canonical origin (pi-server's CheckOrigin answer).
std::string CardPageCsp(absl::string_view parent_origin);

// `page_template` (static/card.html) with {{parent_origin}}, {{publishable_key}} and
// {{tokens_url}} replaced by the HTML-escaped values.
std::string RenderCardPage(absl::string_view page_template, absl::string_view parent_origin,
                           absl::string_view publishable_key, absl::string_view tokens_url);

// & < > " ' escaped for HTML text and attribute values.
std::string HtmlEscape(absl::string_view text);

// 200 text/html with the page's headers.
server::Response CardPageResponse(std::string html, absl::string_view parent_origin,
                                  unsigned version);

// A small HTML error page (no script; styles from 'self' only; frameable, so a merchant's
// developer sees why the fields did not load) with nosniff, no-referrer and no-store.
server::Response ErrorPage(server::http::status status, absl::string_view message,
                           unsigned version);

}  // namespace pi::gateway::hosted_fields

#endif  // PI_GATEWAY_HOSTED_FIELDS_CARD_PAGE_H_
