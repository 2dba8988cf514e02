#include "gateway/core/query_string.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::core {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(QueryStringTest, DecodesPercentEscapesAndPlusAsSpace) {
  absl::StatusOr<std::map<std::string, std::string>> params =
      ParseQueryString("a=1&b=x%20y+z&c=%40&a=2&flag");

  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_THAT(*params,
              ElementsAre(Pair("a", "1"), Pair("b", "x y z"), Pair("c", "@"), Pair("flag", "")));
}

TEST(QueryStringTest, MalformedEscapesAreErrors) {
  for (const char* query : {"a=%", "a=%4", "a=%zz", "%g1=b"}) {
    EXPECT_FALSE(ParseQueryString(query).ok()) << query;
  }
}

TEST(DecodePathSegmentTest, DecodesEscapesAndKeepsPlus) {
  EXPECT_EQ(*DecodePathSegment("shop%3A42%40eu"), "shop:42@eu");
  EXPECT_EQ(*DecodePathSegment("a+b"), "a+b");
  EXPECT_EQ(*DecodePathSegment("%2f%2F"), "//");
  EXPECT_EQ(*DecodePathSegment("PIabc"), "PIabc");
  EXPECT_EQ(*DecodePathSegment(""), "");
}

TEST(DecodePathSegmentTest, MalformedEscapesAreErrors) {
  for (const char* segment : {"%", "a%4", "%zz", "c%4"}) {
    EXPECT_EQ(DecodePathSegment(segment).status().code(), absl::StatusCode::kInvalidArgument)
        << segment;
  }
}

}  // namespace
}  // namespace pi::gateway::core
