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
#include "services/instruments/crypto/key_ring.h"

namespace pi::instruments::crypto {
namespace {

using domain::SealContext;

constexpr char kPan[] = "4111111111111111";
constexpr size_t kHeaderSize = 1 + 4 + kGcmNonceSize;

// A key of 32 copies of `fill`, as its key-file line.
std::string KeyLine(uint32_t version, char fill) {
  return absl::StrCat(version, " ", absl::Base64Escape(std::string(kAesKeySize, fill)), "\n");
}

KeyRing ParseOrDie(absl::string_view text) {
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(text);
  EXPECT_TRUE(ring.ok()) << ring.status();
  return *std::move(ring);
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
    absl::StatusOr<std::string> sealed = cipher_.Seal(plaintext, context);
    EXPECT_TRUE(sealed.ok()) << sealed.status();
    return sealed.value_or("");
  }

  KeyRing ring_ = ParseOrDie(KeyLine(1, 'a'));
  FieldCipher cipher_{ring_};
};

TEST_F(FieldCipherTest, RoundTrip) {
  std::string sealed = Seal(kPan);

  absl::StatusOr<common::Secret> opened = cipher_.Open(sealed, kContext);

  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->Reveal(), kPan);
}

TEST_F(FieldCipherTest, RoundTripOfEmptyAndBinaryPlaintext) {
  const std::string binary("\x00\xff\x01:", 4);
  for (const std::string& plaintext : {std::string(), binary}) {
    absl::StatusOr<common::Secret> opened = cipher_.Open(Seal(plaintext), kContext);
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
  ASSERT_TRUE(cipher_.Open(first, kContext).ok());
  ASSERT_TRUE(cipher_.Open(second, kContext).ok());
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

  absl::StatusOr<common::Secret> opened = cipher_.Open(sealed, GetParam().context);

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
    absl::StatusOr<common::Secret> opened = cipher_.Open(bad, kContext);
    ASSERT_FALSE(opened.ok()) << absl::BytesToHexString(bad);
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss)
        << absl::BytesToHexString(bad) << ": " << opened.status();
  }
}

TEST(FieldCipherKeyRotationTest, UnknownKeyVersionIsFailedPrecondition) {
  KeyRing new_ring = ParseOrDie(absl::StrCat(KeyLine(1, 'a'), KeyLine(2, 'b')));
  KeyRing old_ring = ParseOrDie(KeyLine(1, 'a'));
  absl::StatusOr<std::string> sealed = FieldCipher(new_ring).Seal(kPan, kContext);
  ASSERT_TRUE(sealed.ok()) << sealed.status();

  absl::StatusOr<common::Secret> opened = FieldCipher(old_ring).Open(*sealed, kContext);

  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(FieldCipherKeyRotationTest, SealsWithNewestVersionAndOpensOlderOnes) {
  KeyRing old_ring = ParseOrDie(KeyLine(1, 'a'));
  KeyRing rotated = ParseOrDie(absl::StrCat("# rotated\n", KeyLine(2, 'b'), KeyLine(1, 'a')));
  FieldCipher old_cipher(old_ring);
  FieldCipher rotated_cipher(rotated);

  absl::StatusOr<std::string> under_v1 = old_cipher.Seal(kPan, kContext);
  absl::StatusOr<std::string> under_v2 = rotated_cipher.Seal("5555555555554444", kContext);
  ASSERT_TRUE(under_v1.ok()) << under_v1.status();
  ASSERT_TRUE(under_v2.ok()) << under_v2.status();
  EXPECT_EQ(VersionOf(*under_v1), 1u);
  EXPECT_EQ(VersionOf(*under_v2), 2u);

  absl::StatusOr<common::Secret> opened_v1 = rotated_cipher.Open(*under_v1, kContext);
  ASSERT_TRUE(opened_v1.ok()) << opened_v1.status();
  EXPECT_EQ(opened_v1->Reveal(), kPan);
  absl::StatusOr<common::Secret> opened_v2 = rotated_cipher.Open(*under_v2, kContext);
  ASSERT_TRUE(opened_v2.ok()) << opened_v2.status();
  EXPECT_EQ(opened_v2->Reveal(), "5555555555554444");
}

TEST(FieldCipherKeyRotationTest, RelabelledVersionIsDataLoss) {
  // Version 2's ciphertext relabelled as version 1: the version is authenticated.
  KeyRing ring = ParseOrDie(absl::StrCat(KeyLine(1, 'a'), KeyLine(2, 'a')));
  FieldCipher cipher(ring);
  absl::StatusOr<std::string> sealed = cipher.Seal(kPan, kContext);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  ASSERT_EQ(VersionOf(*sealed), 2u);
  std::string relabelled = *sealed;
  relabelled[4] = '\x01';

  absl::StatusOr<common::Secret> opened = cipher.Open(relabelled, kContext);

  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
}

TEST(FieldCipherKeyRotationTest, SameVersionDifferentKeyIsDataLoss) {
  KeyRing ring_a = ParseOrDie(KeyLine(1, 'a'));
  KeyRing ring_b = ParseOrDie(KeyLine(1, 'b'));
  absl::StatusOr<std::string> sealed = FieldCipher(ring_a).Seal(kPan, kContext);
  ASSERT_TRUE(sealed.ok()) << sealed.status();

  EXPECT_EQ(FieldCipher(ring_b).Open(*sealed, kContext).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pi::instruments::crypto
