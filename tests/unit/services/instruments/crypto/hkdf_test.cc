#include "services/instruments/crypto/hkdf.h"

#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace pi::instruments::crypto {
namespace {

std::string Hex(const common::Secret& secret) { return absl::BytesToHexString(secret.Reveal()); }

std::string Bytes(absl::string_view hex) { return absl::HexStringToBytes(hex); }

// Bytes first, first + 1, ..., last.
std::string Range(int first, int last) {
  std::string out;
  for (int b = first; b <= last; ++b) out.push_back(static_cast<char>(b));
  return out;
}

const std::string kIkm(22, '\x0b');

// RFC 5869 appendix A.1.
TEST(HkdfSha256Test, Rfc5869TestCase1) {
  common::Secret okm =
      HkdfSha256(kIkm, Bytes("000102030405060708090a0b0c"), Bytes("f0f1f2f3f4f5f6f7f8f9"), 42);

  EXPECT_EQ(Hex(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

// RFC 5869 appendix A.2: longer inputs and outputs (three HMAC blocks).
TEST(HkdfSha256Test, Rfc5869TestCase2) {
  common::Secret okm = HkdfSha256(Range(0x00, 0x4f), Range(0x60, 0xaf), Range(0xb0, 0xff), 82);

  EXPECT_EQ(Hex(okm),
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            "cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

// RFC 5869 appendix A.3: no salt and no info.
TEST(HkdfSha256Test, Rfc5869TestCase3) {
  EXPECT_EQ(Hex(HkdfSha256(kIkm, "", "", 42)),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(HkdfSha256Test, DefaultStringViewsAreEmptyInputs) {
  // absl::string_view() has a null data pointer; it is the same empty salt, info or key as "",
  // not a reason to abort.
  EXPECT_EQ(Hex(HkdfSha256(kIkm, absl::string_view(), absl::string_view(), 42)),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  EXPECT_EQ(HkdfSha256(absl::string_view(), "salt", "info").Reveal(),
            HkdfSha256("", "salt", "info").Reveal());
}

TEST(HkdfSha256Test, DefaultLengthIsThirtyTwoBytesOfTheSameStream) {
  common::Secret okm =
      HkdfSha256(kIkm, Bytes("000102030405060708090a0b0c"), Bytes("f0f1f2f3f4f5f6f7f8f9"));

  EXPECT_EQ(okm.size(), 32u);
  EXPECT_EQ(Hex(okm), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
}

TEST(HkdfSha256Test, ReturnsExactlyTheRequestedLength) {
  for (size_t length :
       {size_t{1}, size_t{16}, size_t{31}, size_t{33}, size_t{64}, 255 * size_t{32}}) {
    common::Secret okm = HkdfSha256(kIkm, "salt", "info", length);

    EXPECT_EQ(okm.size(), length);
    EXPECT_EQ(okm.Reveal(), HkdfSha256(kIkm, "salt", "info", 255 * 32).Reveal().substr(0, length))
        << length;
  }
}

TEST(HkdfSha256Test, EveryInputSeparatesTheOutput) {
  std::set<std::string> outputs = {
      std::string(HkdfSha256("key", "salt", "info").Reveal()),
      std::string(HkdfSha256("kez", "salt", "info").Reveal()),
      std::string(HkdfSha256("key", "salu", "info").Reveal()),
      std::string(HkdfSha256("key", "salt", "infp").Reveal()),
      std::string(HkdfSha256("key", "", "info").Reveal()),
      std::string(HkdfSha256("key", "salt", "").Reveal()),
      // Embedded NULs are bytes like any other, not terminators.
      std::string(HkdfSha256(std::string("k\0a", 3), "salt", "info").Reveal()),
      std::string(HkdfSha256(std::string("k\0b", 3), "salt", "info").Reveal()),
      std::string(HkdfSha256("key", std::string("s\0a", 3), "info").Reveal()),
      std::string(HkdfSha256("key", std::string("s\0b", 3), "info").Reveal()),
      std::string(HkdfSha256("key", "salt", std::string("i\0a", 3)).Reveal()),
      std::string(HkdfSha256("key", "salt", std::string("i\0b", 3)).Reveal()),
  };

  EXPECT_EQ(outputs.size(), 12u);
}

TEST(HkdfSha256Test, IsDeterministic) {
  EXPECT_EQ(HkdfSha256("key", "salt", "info").Reveal(), HkdfSha256("key", "salt", "info").Reveal());
}

}  // namespace
}  // namespace pi::instruments::crypto
