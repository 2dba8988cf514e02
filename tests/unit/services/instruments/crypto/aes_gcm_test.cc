#include "services/instruments/crypto/aes_gcm.h"

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace pi::instruments::crypto {
namespace {

std::string Hex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

// A known-answer vector; `ciphertext` excludes the tag.
struct GcmVector {
  const char* name;
  const char* key;
  const char* nonce;
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

void PrintTo(const GcmVector& c, std::ostream* os) { *os << c.name; }

// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13-16 (AES-256, 96-bit
// IV), and NIST CAVP gcmEncryptExtIV256.rsp entries with 96-bit IVs, 128-bit tags and AAD.
const GcmVector kVectors[] = {
    {"McGrewViega13", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"McGrewViega14", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"McGrewViega15", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"McGrewViega16WithAad", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    // [Keylen = 256] [IVlen = 96] [PTlen = 128] [AADlen = 128] [Taglen = 128] Count = 0
    {"NistPt128Aad128Count0", "92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b",
     "ac93a1a6145299bde902f21a", "1e0889016f67601c8ebea4943bc23ad6",
     "2d71bcfa914e4ac045b2aa60955fad24", "8995ae2e6df3dbf96fac7b7137bae67f",
     "eca5aa77d51d4a0a14d9c51e1da474ab"},
    // [Keylen = 256] [IVlen = 96] [PTlen = 0] [AADlen = 128] [Taglen = 128] Count = 1
    {"NistPt0Aad128Count1", "4457ff33683cca6ca493878bdc00373893a9763412eef8cddb54f91318e0da88",
     "699d1f29d7b8c55300bb1fd2", "6749daeea367d0e9809e2dc2f309e6e3", "", "",
     "d60c74d2517fde4a74e0cd4709ed43a9"},
};

class AesGcmVectorTest : public ::testing::TestWithParam<GcmVector> {};

TEST_P(AesGcmVectorTest, SealMatchesKnownAnswer) {
  const GcmVector& v = GetParam();

  absl::StatusOr<std::string> sealed =
      AesGcmSeal(Hex(v.key), Hex(v.nonce), Hex(v.aad), Hex(v.plaintext));

  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(absl::BytesToHexString(*sealed), absl::StrCat(v.ciphertext, v.tag));
}

TEST_P(AesGcmVectorTest, OpenRecoversPlaintext) {
  const GcmVector& v = GetParam();

  absl::StatusOr<common::Secret> opened =
      AesGcmOpen(Hex(v.key), Hex(v.nonce), Hex(v.aad), Hex(absl::StrCat(v.ciphertext, v.tag)));

  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(absl::BytesToHexString(opened->Reveal()), v.plaintext);
}

INSTANTIATE_TEST_SUITE_P(Published, AesGcmVectorTest, ::testing::ValuesIn(kVectors),
                         [](const ::testing::TestParamInfo<GcmVector>& param_info) {
                           return std::string(param_info.param.name);
                         });

// Tamper cases start from McGrew-Viega test case 16, which has both plaintext and AAD.
class AesGcmTamperTest : public ::testing::Test {
 protected:
  const GcmVector& v_ = kVectors[3];
  std::string key_ = Hex(v_.key);
  std::string nonce_ = Hex(v_.nonce);
  std::string aad_ = Hex(v_.aad);
  std::string sealed_ = Hex(absl::StrCat(v_.ciphertext, v_.tag));

  static void ExpectDataLoss(const absl::StatusOr<common::Secret>& opened) {
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  }
};

TEST_F(AesGcmTamperTest, UntamperedOpens) {
  absl::StatusOr<common::Secret> opened = AesGcmOpen(key_, nonce_, aad_, sealed_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->Reveal(), Hex(v_.plaintext));
}

TEST_F(AesGcmTamperTest, FlippedCiphertextBit) {
  for (size_t i : {size_t{0}, size_t{17}, sealed_.size() - kGcmTagSize - 1}) {
    std::string tampered = sealed_;
    tampered[i] ^= 0x01;
    ExpectDataLoss(AesGcmOpen(key_, nonce_, aad_, tampered));
  }
}

TEST_F(AesGcmTamperTest, FlippedTagBit) {
  for (size_t i : {sealed_.size() - kGcmTagSize, sealed_.size() - 1}) {
    std::string tampered = sealed_;
    tampered[i] ^= 0x80;
    ExpectDataLoss(AesGcmOpen(key_, nonce_, aad_, tampered));
  }
}

TEST_F(AesGcmTamperTest, DifferentNonce) {
  std::string nonce = nonce_;
  nonce[11] ^= 0x01;
  ExpectDataLoss(AesGcmOpen(key_, nonce, aad_, sealed_));
}

TEST_F(AesGcmTamperTest, DifferentAad) {
  std::string aad = aad_;
  aad[0] ^= 0x01;
  ExpectDataLoss(AesGcmOpen(key_, nonce_, aad, sealed_));
  ExpectDataLoss(AesGcmOpen(key_, nonce_, "", sealed_));
  ExpectDataLoss(AesGcmOpen(key_, nonce_, absl::StrCat(aad_, "x"), sealed_));
}

TEST_F(AesGcmTamperTest, WrongKey) {
  std::string key = key_;
  key[31] ^= 0x01;
  ExpectDataLoss(AesGcmOpen(key, nonce_, aad_, sealed_));
}

TEST_F(AesGcmTamperTest, TruncatedOrExtended) {
  ExpectDataLoss(AesGcmOpen(key_, nonce_, aad_, sealed_.substr(0, sealed_.size() - 1)));
  ExpectDataLoss(AesGcmOpen(key_, nonce_, aad_, absl::StrCat(sealed_, std::string(1, '\0'))));
  ExpectDataLoss(AesGcmOpen(key_, nonce_, aad_, sealed_.substr(0, kGcmTagSize - 1)));
  ExpectDataLoss(AesGcmOpen(key_, nonce_, aad_, ""));
}

TEST(AesGcmTest, RoundTripWithAad) {
  std::string key(kAesKeySize, '\x42');
  std::string nonce(kGcmNonceSize, '\x07');

  absl::StatusOr<std::string> sealed = AesGcmSeal(key, nonce, "context", "4111111111111111");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->size(), 16 + kGcmTagSize);
  EXPECT_EQ(sealed->find("4111111111111111"), std::string::npos);

  absl::StatusOr<common::Secret> opened = AesGcmOpen(key, nonce, "context", *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->Reveal(), "4111111111111111");
}

struct SizeCase {
  const char* name;
  size_t key_size;
  size_t nonce_size;
};

void PrintTo(const SizeCase& c, std::ostream* os) { *os << c.name; }

class AesGcmSizeTest : public ::testing::TestWithParam<SizeCase> {};

TEST_P(AesGcmSizeTest, WrongKeyOrNonceSizeIsInvalidArgument) {
  std::string key(GetParam().key_size, 'k');
  std::string nonce(GetParam().nonce_size, 'n');

  EXPECT_EQ(AesGcmSeal(key, nonce, "", "plain").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AesGcmOpen(key, nonce, "", std::string(32, 'x')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Sizes, AesGcmSizeTest,
                         ::testing::Values(SizeCase{"Key16", 16, 12}, SizeCase{"Key31", 31, 12},
                                           SizeCase{"Key33", 33, 12}, SizeCase{"Key0", 0, 12},
                                           SizeCase{"Nonce8", 32, 8}, SizeCase{"Nonce16", 32, 16},
                                           SizeCase{"Nonce0", 32, 0}),
                         [](const ::testing::TestParamInfo<SizeCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace pi::instruments::crypto
