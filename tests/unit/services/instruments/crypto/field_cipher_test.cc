#include "services/instruments/crypto/field_cipher.h"

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/instruments/crypto/aes_gcm.h"

namespace pi::instruments::crypto {
namespace {

using domain::SealContext;

constexpr char kPan[] = "4111111111111111";
constexpr size_t kHeaderSize = 1 + 4 + kGcmNonceSize;

// A data key of 32 copies of `fill`.
std::string Key(char fill) { return std::string(kAesKeySize, fill); }

absl::StatusOr<std::string> SealWith(const std::string& key, uint32_t version,
                                     absl::string_view plaintext,
                                     const SealContext& context) {
  return SealField(key, version, plaintext, context);
}

uint32_t VersionOf(absl::string_view ciphertext) {
  uint32_t version = 0;
  for (int i = 1; i <= 4; ++i) version = (version << 8) | static_cast<unsigned char>(ciphertext[i]);
  return version;
}

const SealContext kContext{"APone", "PIrow1", "card.number"};

class FieldCipherTest : public ::testing::Test {
 protected:
  std::string Seal(absl::string_view plaintext, const SealContext& context = kContext) {
    absl::StatusOr<std::string> sealed = SealField(key_, 1, plaintext, context);
    EXPECT_TRUE(sealed.ok()) << sealed.status();
    return sealed.value_or("");
  }

  absl::StatusOr<common::Secret> Open(absl::string_view ciphertext,
                                      const SealContext& context = kContext) {
    return OpenField(key_, ciphertext, context);
  }

  std::string key_ = Key('a');
};

TEST_F(FieldCipherTest, RoundTrip) {
  std::string sealed = Seal(kPan);

  absl::StatusOr<common::Secret> opened = Open(sealed, kContext);

  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->Reveal(), kPan);
}

TEST_F(FieldCipherTest, RoundTripOfEmptyAndBinaryPlaintext) {
  const std::string binary("\x00\xff\x01:", 4);
  for (const std::string& plaintext : {std::string(), binary}) {
    absl::StatusOr<common::Secret> opened = Open(Seal(plaintext), kContext);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(opened->Reveal(), plaintext);
  }
}

TEST_F(FieldCipherTest, CiphertextFollowsTheDocumentedFormat) {
  std::string sealed = Seal(kPan);

  ASSERT_EQ(sealed.size(), kHeaderSize + sizeof(kPan) - 1 + kGcmTagSize);
  EXPECT_EQ(sealed[0], '\x01');
  EXPECT_EQ(sealed.substr(1, 4), std::string("\x00\x00\x00\x01", 4));
}

TEST_F(FieldCipherTest, CiphertextDoesNotContainThePlaintext) {
  std::string sealed = Seal(kPan);

  EXPECT_EQ(sealed.find(kPan), std::string::npos);
  EXPECT_EQ(sealed.find("411111"), std::string::npos);
  EXPECT_EQ(sealed.find("1111"), std::string::npos);
}

TEST_F(FieldCipherTest, SealingTwiceGivesDifferentCiphertexts) {
  std::string first = Seal(kPan);
  std::string second = Seal(kPan);

  EXPECT_NE(first, second);
  EXPECT_NE(first.substr(5, kGcmNonceSize), second.substr(5, kGcmNonceSize));  // random nonce
  ASSERT_TRUE(Open(first, kContext).ok());
  ASSERT_TRUE(Open(second, kContext).ok());
}

struct ContextCase {
  const char* name;
  SealContext context;
};

void PrintTo(const ContextCase& c, std::ostream* os) { *os << c.name; }

class FieldCipherContextTest : public FieldCipherTest,
                               public ::testing::WithParamInterface<ContextCase> {};

TEST_P(FieldCipherContextTest, OpenUnderAnotherContextIsDataLoss) {
  std::string sealed = Seal(kPan);

  absl::StatusOr<common::Secret> opened = Open(sealed, GetParam().context);

  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
}

INSTANTIATE_TEST_SUITE_P(
    Contexts, FieldCipherContextTest,
    ::testing::Values(ContextCase{"OtherApplication", {"APtwo", "PIrow1", "card.number"}},
                      ContextCase{"OtherRow", {"APone", "PIrow2", "card.number"}},
                      ContextCase{"OtherField", {"APone", "PIrow1", "bank_account.number"}},
                      ContextCase{"EmptyContext", {"", "", ""}},
                      // Length prefixes keep "APone"+"PIrow1" apart from "APoneP"+"Irow1".
                      ContextCase{"ShiftedBoundary", {"APoneP", "Irow1", "card.number"}}),
    [](const ::testing::TestParamInfo<ContextCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST_F(FieldCipherTest, TruncatedOrGarbageIsDataLoss) {
  std::string sealed = Seal(kPan);
  std::string wrong_format = sealed;
  wrong_format[0] = '\x02';
  std::string flipped = sealed;
  flipped[kHeaderSize] ^= 0x01;

  for (const std::string& bad : {std::string(), std::string("garbage"), std::string(64, '\0'),
                                 sealed.substr(0, kHeaderSize + kGcmTagSize - 1),
                                 sealed.substr(0, sealed.size() - 1), wrong_format, flipped}) {
    absl::StatusOr<common::Secret> opened = Open(bad, kContext);
    ASSERT_FALSE(opened.ok()) << absl::BytesToHexString(bad);
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss)
        << absl::BytesToHexString(bad) << ": " << opened.status();
  }
}

TEST(FieldCipherKeyVersionTest, CiphertextNamesItsKeyVersion) {
  absl::StatusOr<std::string> under_v1 = SealWith(Key('a'), 1, kPan, kContext);
  absl::StatusOr<std::string> under_v7 = SealWith(Key('b'), 7, kPan, kContext);
  ASSERT_TRUE(under_v1.ok() && under_v7.ok());
  EXPECT_EQ(VersionOf(*under_v1), 1u);
  EXPECT_EQ(*CiphertextKeyVersion(*under_v1), 1u);
  EXPECT_EQ(*CiphertextKeyVersion(*under_v7), 7u);
  EXPECT_EQ(CiphertextKeyVersion("garbage").status().code(), absl::StatusCode::kDataLoss);
}

TEST(FieldCipherKeyVersionTest, RelabelledVersionIsDataLoss) {
  // Version 2's ciphertext relabelled as version 1, same key: the version is authenticated.
  absl::StatusOr<std::string> sealed = SealWith(Key('a'), 2, kPan, kContext);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  std::string relabelled = *sealed;
  relabelled[4] = '\x01';

  absl::StatusOr<common::Secret> opened = OpenField(Key('a'), relabelled, kContext);

  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
}

TEST(FieldCipherKeyVersionTest, AnotherKeyIsDataLoss) {
  absl::StatusOr<std::string> sealed = SealWith(Key('a'), 1, kPan, kContext);
  ASSERT_TRUE(sealed.ok()) << sealed.status();

  EXPECT_EQ(OpenField(Key('b'), *sealed, kContext).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(FieldCipherKeyVersionTest, WrongKeySizeIsAnError) {
  EXPECT_FALSE(SealField("short", 1, kPan, kContext).ok());
}

}  // namespace
}  // namespace pi::instruments::crypto
