#include "gateway/hosted_fields/card_page.h"

#include <string>

#include "gateway/hosted_fields/assets.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::hosted_fields {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string HeaderOf(const server::Response& response, const char* name) {
  auto it = response.find(name);
  return it == response.end() ? "" : std::string(it->value());
}

TEST(CardPageTest, CspAllowsOnlyTheGatewayAndTheOneParentOrigin) {
  EXPECT_EQ(CardPageCsp("https://shop.example"),
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "frame-ancestors https://shop.example; base-uri 'none'; form-action 'none'");
}

TEST(CardPageTest, ThePageCarriesItsSecurityHeaders) {
  server::Response page = CardPageResponse("<html></html>", "http://127.0.0.1:8081", 11);
  EXPECT_EQ(page.result(), server::http::status::ok);
  EXPECT_EQ(HeaderOf(page, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(HeaderOf(page, "Content-Security-Policy"),
              HasSubstr("frame-ancestors http://127.0.0.1:8081;"));
  EXPECT_EQ(HeaderOf(page, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(page, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(HeaderOf(page, "Cache-Control"), "no-store");
}

TEST(CardPageTest, ValuesAreEscapedIntoTheTemplate) {
  std::string html = RenderCardPage(
      "<body data-parent-origin=\"{{parent_origin}}\" data-key=\"{{publishable_key}}\" "
      "data-tokens-url=\"{{tokens_url}}\">",
      "https://shop.example", "PK1_\"><script>x</script>", "/finix/tokens");
  EXPECT_EQ(html,
            "<body data-parent-origin=\"https://shop.example\" "
            "data-key=\"PK1_&quot;&gt;&lt;script&gt;x&lt;/script&gt;\" "
            "data-tokens-url=\"/finix/tokens\">");
}

TEST(CardPageTest, TheShippedPageHasNoInlineScriptOrStyle) {
  const Asset* page = FindAsset("card.html");
  ASSERT_NE(page, nullptr);
  std::string html(page->content);
  EXPECT_THAT(html, HasSubstr("<script src=\"card.js\" defer></script>"));
  EXPECT_THAT(html, HasSubstr("{{parent_origin}}"));
  EXPECT_THAT(html, HasSubstr("{{publishable_key}}"));
  EXPECT_THAT(html, HasSubstr("{{tokens_url}}"));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, Not(HasSubstr("<style")));
  EXPECT_THAT(html, Not(HasSubstr("style=")));
  EXPECT_THAT(html, Not(HasSubstr(" on")));  // no onclick= and friends
  for (const char* name : {"card.js", "card.css", "payment-fields.js"}) {
    EXPECT_NE(FindAsset(name), nullptr) << name;
  }
  EXPECT_EQ(FindAsset("../main.cc"), nullptr);
}

TEST(CardPageTest, TheCardScriptPostsToTheParentOriginOnly) {
  std::string script(FindAsset("card.js")->content);
  EXPECT_THAT(script, HasSubstr("postMessage("));
  EXPECT_THAT(script, HasSubstr(", parentOrigin)"));
  EXPECT_THAT(script, Not(HasSubstr("'*'")));
  std::string client(FindAsset("payment-fields.js")->content);
  EXPECT_THAT(client, HasSubstr("event.origin !== gatewayOrigin"));
  EXPECT_THAT(client, HasSubstr("event.source !== frame.contentWindow"));
}

TEST(CardPageTest, ErrorPagesEscapeAndCarryNoScript) {
  server::Response page = ErrorPage(server::http::status::forbidden, "<not allowed>", 11);
  EXPECT_EQ(page.result(), server::http::status::forbidden);
  EXPECT_THAT(page.body(), HasSubstr("&lt;not allowed&gt;"));
  EXPECT_THAT(HeaderOf(page, "Content-Security-Policy"), HasSubstr("default-src 'none'"));
  EXPECT_THAT(HeaderOf(page, "Content-Security-Policy"), Not(HasSubstr("script-src")));
  EXPECT_EQ(HeaderOf(page, "Cache-Control"), "no-store");
}

}  // namespace
}  // namespace pi::gateway::hosted_fields
