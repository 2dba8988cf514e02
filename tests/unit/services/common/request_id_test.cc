#include "services/common/request_id.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::common {
namespace {

TEST(RequestIdTest, AcceptsCommonIdFormats) {
  for (const char* id : {"a", "RQ0123456789abcdef", "4f1e8c2a-93b1-4c55-a1f6-0d2e3c4b5a69",
                         "01HZX3J6Y9ZP8M0V7Q2W4K5T6R", "Root=1-5759e988-bd862e3fe1be46a994272793",
                         "trace:span/1+2=3@edge_a.b"}) {
    EXPECT_TRUE(IsValidRequestId(id)) << id;
  }
  EXPECT_TRUE(IsValidRequestId(std::string(kMaxRequestIdLength, 'x')));
}

// Request ids go into logs and back to clients: nothing that could forge a log line or a header.
TEST(RequestIdTest, RefusesEmptyLongAndUnsafeIds) {
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId(std::string(kMaxRequestIdLength + 1, 'x')));
  for (const char* id : {"has space", "quote\"", "back\\slash", "new\nline", "cr\r", "tab\t",
                         "semi;colon", "comma,", "<script>", "caf\xc3\xa9", "nul\x01"}) {
    EXPECT_FALSE(IsValidRequestId(id)) << id;
  }
}

TEST(RequestIdTest, NewIdsAreValidAndDistinct) {
  std::string a = NewRequestId();
  std::string b = NewRequestId();
  EXPECT_THAT(a, ::testing::MatchesRegex("RQ[0-9a-f]{32}"));
  EXPECT_TRUE(IsValidRequestId(a));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace pi::common
