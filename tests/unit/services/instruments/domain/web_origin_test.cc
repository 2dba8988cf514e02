#include "services/instruments/domain/web_origin.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::instruments::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CanonicalOriginTest, KeepsWhatBrowsersSend) {
  for (const char* origin :
       {"https://shop.example", "http://127.0.0.1:8081", "http://localhost:3000",
        "https://a-b.c.example:8443", "http://[::1]:9000", "https://xn--bcher-kva.example"}) {
    absl::StatusOr<std::string> canonical = CanonicalOrigin(origin);
    ASSERT_TRUE(canonical.ok()) << origin << ": " << canonical.status();
    EXPECT_EQ(*canonical, origin);
  }
}

TEST(CanonicalOriginTest, LowerCasesAndDropsTheDefaultPort) {
  EXPECT_EQ(*CanonicalOrigin("HTTPS://Shop.Example:443"), "https://shop.example");
  EXPECT_EQ(*CanonicalOrigin("http://Shop.Example:80"), "http://shop.example");
  // The other scheme's default port is not a default here.
  EXPECT_EQ(*CanonicalOrigin("http://shop.example:443"), "http://shop.example:443");
  EXPECT_EQ(*CanonicalOrigin("https://shop.example:0080"), "https://shop.example:80");
}

TEST(CanonicalOriginTest, RefusesEverythingThatIsNotSchemeHostPort) {
  struct Case {
    const char* origin;
    const char* why;
  };
  for (const Case& c : {
           Case{"", "empty"},
           Case{"null", "https://"},
           Case{"shop.example", "https://"},
           Case{"ftp://shop.example", "https://"},
           Case{"javascript://shop.example", "https://"},
           Case{"https://shop.example/", "path"},
           Case{"https://shop.example/checkout", "path"},
           Case{"https://shop.example?x=1", "path"},
           Case{"https://shop.example#top", "path"},
           Case{"https://user@shop.example", "user information"},
           Case{"https://*.shop.example", "wildcard"},
           Case{"https://", "host"},
           Case{"https://shop..example", "host"},
           Case{"https://shop.example.", "host"},
           Case{"https://-shop.example", "host"},
           Case{"https://shop example", "host"},
           // Header and CSP injection attempts: refused, whichever rule catches them first.
           Case{"https://shop.example;frame-ancestors *", ""},
           Case{"https://shop.example\r\nX: y", ""},
           Case{"https://shop.example, https://evil.example", ""},
           Case{"https://shop.example:", "port"},
           Case{"https://shop.example:0", "port"},
           Case{"https://shop.example:65536", "port"},
           Case{"https://shop.example:80a", "port"},
           Case{"https://shop.example:-1", "port"},
           Case{"https://[zz::1]", "host"},
       }) {
    absl::StatusOr<std::string> canonical = CanonicalOrigin(c.origin);
    ASSERT_FALSE(canonical.ok()) << c.origin << " was accepted as " << *canonical;
    EXPECT_EQ(canonical.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(canonical.status().message()), HasSubstr(c.why)) << c.origin;
  }
}

TEST(CanonicalOriginTest, RefusesOverlongOrigins) {
  std::string host(kMaxOriginLength, 'a');
  EXPECT_FALSE(CanonicalOrigin("https://" + host).ok());
}

TEST(ParseOriginListTest, CanonicalizesDeduplicatesAndKeepsOrder) {
  absl::StatusOr<std::vector<std::string>> list =
      ParseOriginList(" https://b.example , HTTPS://A.example:443,https://b.example:443,,");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(*list, ElementsAre("https://b.example", "https://a.example"));
}

TEST(ParseOriginListTest, EmptyMeansNone) {
  absl::StatusOr<std::vector<std::string>> list = ParseOriginList("");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST(ParseOriginListTest, ReportsEveryBadEntry) {
  absl::StatusOr<std::vector<std::string>> list =
      ParseOriginList("https://ok.example,https://a.example/x,*");
  ASSERT_FALSE(list.ok());
  EXPECT_THAT(std::string(list.status().message()), HasSubstr("https://a.example/x"));
  EXPECT_THAT(std::string(list.status().message()), HasSubstr("\"*\""));
}

}  // namespace
}  // namespace pi::instruments::domain
