#include "services/instruments/crypto/random_id_generator.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace pi::instruments::crypto {
namespace {

bool IsBase62(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

TEST(RandomIdGeneratorTest, KeepsPrefixThenTwentyTwoBase62Chars) {
  RandomIdGenerator ids;
  for (absl::string_view prefix : {"PI", "TK", "ID", "AP", ""}) {
    std::string id = ids.NewId(prefix);
    ASSERT_EQ(id.size(), prefix.size() + 22) << id;
    EXPECT_TRUE(absl::StartsWith(id, prefix)) << id;
    EXPECT_TRUE(IsBase62(id.substr(prefix.size()))) << id;
  }
}

TEST(RandomIdGeneratorTest, ThousandIdsAreUnique) {
  RandomIdGenerator ids;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(ids.NewId("PI"));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RandomIdGeneratorTest, UsesTheWholeAlphabet) {
  // 22 chars x 2000 ids: every one of the 62 symbols shows up unless the encoding is broken.
  RandomIdGenerator ids;
  std::set<char> symbols;
  for (int i = 0; i < 2000; ++i) {
    std::string id = ids.NewId("");
    symbols.insert(id.begin() + 1, id.end());  // the leading char carries fewer bits
  }
  EXPECT_EQ(symbols.size(), 62u);
}

TEST(Base62EncodeTest, SixteenZeroBytesAreTwentyTwoZeros) {
  EXPECT_EQ(Base62Encode(std::string(16, '\0')), std::string(22, '0'));
}

TEST(Base62EncodeTest, SmallValuesArePadded) {
  std::string bytes(16, '\0');
  bytes[15] = 0x3d;  // 61
  EXPECT_EQ(Base62Encode(bytes), std::string(21, '0') + "z");
  bytes[15] = 0x3e;  // 62 = "10"
  EXPECT_EQ(Base62Encode(bytes), std::string(20, '0') + "10");
  bytes[15] = 0x01;
  EXPECT_EQ(Base62Encode(bytes), std::string(21, '0') + "1");
  bytes[15] = 0x0a;  // 10 = 'A'
  EXPECT_EQ(Base62Encode(bytes), std::string(21, '0') + "A");
  bytes[15] = 0x24;  // 36 = 'a'
  EXPECT_EQ(Base62Encode(bytes), std::string(21, '0') + "a");
}

TEST(Base62EncodeTest, MultiByteBigEndian) {
  std::string bytes(16, '\0');
  bytes[14] = 0x01;  // 256 = 4 * 62 + 8
  EXPECT_EQ(Base62Encode(bytes), std::string(20, '0') + "48");
}

TEST(Base62EncodeTest, AllOnesIsTheLargest128BitValue) {
  // 2^128 - 1 in base 62.
  EXPECT_EQ(Base62Encode(std::string(16, '\xff')), "7n42DGM5Tflk9n8mt7Fhc7");
}

TEST(Base62EncodeTest, WidthFollowsInputLength) {
  EXPECT_EQ(Base62Encode(""), "");
  EXPECT_EQ(Base62Encode(std::string(1, '\0')), "00");    // 8 bits need 2 symbols
  EXPECT_EQ(Base62Encode(std::string(1, '\xff')), "47");  // 255 = 4 * 62 + 7
  EXPECT_EQ(Base62Encode(std::string(8, '\0')), std::string(11, '0'));
}

}  // namespace
}  // namespace pi::instruments::crypto
