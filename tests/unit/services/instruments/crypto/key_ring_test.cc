#include "services/instruments/crypto/key_ring.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/instruments/crypto/aes_gcm.h"

namespace pi::instruments::crypto {
namespace {

using ::testing::HasSubstr;

std::string Key(char fill, size_t size = kAesKeySize) { return std::string(size, fill); }

std::string B64(absl::string_view bytes) { return absl::Base64Escape(bytes); }

// The fingerprint master key line every valid file needs.
std::string FingerprintLine(char fill = 'f') {
  return absl::StrCat("fingerprint ", B64(Key(fill)), "\n");
}

TEST(KeyRingParseTest, ValidFileWithCommentsAndBlankLines) {
  std::string text = absl::StrCat("# pi-server key file\n", "\n", "1 ", B64(Key('a')), "\n",
                                  "   # indented comment\n", "  3   ", B64(Key('c')), "  \n", "2 ",
                                  B64(Key('b')), "\n", FingerprintLine());

  absl::StatusOr<KeyRing> ring = KeyRing::Parse(text);

  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->active_version(), 3u);
  ASSERT_NE(ring->Find(1), nullptr);
  ASSERT_NE(ring->Find(2), nullptr);
  ASSERT_NE(ring->Find(3), nullptr);
  EXPECT_EQ(ring->Find(1)->Reveal(), Key('a'));
  EXPECT_EQ(ring->Find(2)->Reveal(), Key('b'));
  EXPECT_EQ(ring->Find(3)->Reveal(), Key('c'));
  EXPECT_EQ(ring->Find(0), nullptr);
  EXPECT_EQ(ring->Find(4), nullptr);
  EXPECT_EQ(ring->fingerprint_master_key().Reveal(), Key('f'));
  EXPECT_EQ(ring->versions(), (std::vector<uint32_t>{1, 2, 3}));
}

TEST(KeyRingParseTest, ActiveVersionIsTheHighestNotTheLast) {
  absl::StatusOr<KeyRing> ring =
      KeyRing::Parse(absl::StrCat("7 ", B64(Key('x')), "\n2 ", B64(Key('y')), "\n",
                                  FingerprintLine()));

  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->active_version(), 7u);
  EXPECT_EQ(ring->Find(ring->active_version())->Reveal(), Key('x'));
}

TEST(KeyRingParseTest, NoTrailingNewlineAndCrLf) {
  absl::StatusOr<KeyRing> ring =
      KeyRing::Parse(absl::StrCat(FingerprintLine(), "1 ", B64(Key('a')), "\r\n2 ",
                                  B64(Key('b'))));

  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->active_version(), 2u);
  EXPECT_EQ(ring->Find(1)->Reveal(), Key('a'));
}

struct BadCase {
  const char* name;
  std::string contents;
  const char* message_part;  // e.g. the line the error names
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class KeyRingParseErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(KeyRingParseErrorTest, IsInvalidArgument) {
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(GetParam().contents);

  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ring.status().message(), HasSubstr(GetParam().message_part));
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, KeyRingParseErrorTest,
    ::testing::Values(
        BadCase{"Empty", "", "no KEK"},
        BadCase{"OnlyComments", "# nothing here\n\n   \n", "no KEK"},
        BadCase{"OnlyFingerprint", FingerprintLine(), "no KEK"},
        BadCase{"MissingFingerprint", absl::StrCat("1 ", B64(Key('a')), "\n"), "fingerprint"},
        BadCase{"DuplicateFingerprint",
                absl::StrCat("1 ", B64(Key('a')), "\n", FingerprintLine(), FingerprintLine('g')),
                "line 3"},
        BadCase{"ShortFingerprint", absl::StrCat("fingerprint ", B64(Key('f', 31)), "\n"),
                "line 1"},
        BadCase{"DuplicateVersion", absl::StrCat("1 ", B64(Key('a')), "\n1 ", B64(Key('b')), "\n"),
                "line 2"},
        BadCase{"BadBase64", "1 !!!!not-base64!!!!\n", "line 1"},
        BadCase{"ShortKey", absl::StrCat("# c\n1 ", B64(Key('a', 16)), "\n"), "line 2"},
        BadCase{"LongKey", absl::StrCat("1 ", B64(Key('a', 33)), "\n"), "line 1"},
        BadCase{"VersionZero", absl::StrCat("0 ", B64(Key('a')), "\n"), "line 1"},
        BadCase{"NegativeVersion", absl::StrCat("-1 ", B64(Key('a')), "\n"), "line 1"},
        BadCase{"VersionNotANumber", absl::StrCat("v1 ", B64(Key('a')), "\n"), "line 1"},
        BadCase{"MissingKey", "1\n", "line 1"},
        BadCase{"ExtraField", absl::StrCat("1 ", B64(Key('a')), " extra\n"), "line 1"},
        BadCase{"GoodThenBad", absl::StrCat("1 ", B64(Key('a')), "\n\n2 short\n"), "line 3"}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(KeyRingParseTest, ErrorsDoNotEchoTheKey) {
  std::string short_key = B64(Key('k', 16));

  absl::StatusOr<KeyRing> ring = KeyRing::Parse(absl::StrCat("1 ", short_key, "\n"));

  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(ring.status().message(), ::testing::Not(HasSubstr(short_key)));
}

TEST(KeyRingGenerateTest, GeneratedFileParses) {
  common::Secret file = KeyRing::GenerateKeyFile();

  absl::StatusOr<KeyRing> ring = KeyRing::Parse(file.Reveal());

  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->active_version(), 1u);
  ASSERT_NE(ring->Find(1), nullptr);
  EXPECT_EQ(ring->Find(1)->size(), kAesKeySize);
  EXPECT_EQ(ring->fingerprint_master_key().size(), kAesKeySize);
  EXPECT_NE(ring->fingerprint_master_key().Reveal(), ring->Find(1)->Reveal());
}

TEST(KeyRingGenerateTest, NewKekLineAddsAVersion) {
  common::Secret file = KeyRing::GenerateKeyFile();
  std::string extended = absl::StrCat(file.Reveal(), KeyRing::NewKekLine(2).Reveal());

  absl::StatusOr<KeyRing> ring = KeyRing::Parse(extended);

  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->versions(), (std::vector<uint32_t>{1, 2}));
  EXPECT_NE(ring->Find(1)->Reveal(), ring->Find(2)->Reveal());
}

TEST(KeyRingGenerateTest, EachFileHasAFreshKey) {
  absl::StatusOr<KeyRing> first = KeyRing::Parse(KeyRing::GenerateKeyFile().Reveal());
  absl::StatusOr<KeyRing> second = KeyRing::Parse(KeyRing::GenerateKeyFile().Reveal());

  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->Find(1)->Reveal(), second->Find(1)->Reveal());
}

}  // namespace
}  // namespace pi::instruments::crypto
