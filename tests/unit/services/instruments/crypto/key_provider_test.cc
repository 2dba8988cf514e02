#include "services/instruments/crypto/key_provider.h"

#include <cstdint>
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

// Fixed, distinct 32-byte KEKs so a test can re-derive what the provider does.
std::string Kek1() { return std::string(32, '\x11'); }
std::string Kek2() { return std::string(32, '\x22'); }

KeyRing MakeRing() {
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(absl::StrCat(
      "# test key file\n", "1 ", absl::Base64Escape(Kek1()), "\n", "2 ", absl::Base64Escape(Kek2()),
      "\n", "fingerprint ", absl::Base64Escape(std::string(32, 'f')), "\n"));
  EXPECT_TRUE(ring.ok()) << ring.status();
  return *std::move(ring);
}

// A 32-byte data key with no repeated pattern, so a copy of it is easy to spot.
std::string DataKey() {
  std::string key;
  for (int i = 0; i < 32; ++i) key.push_back(static_cast<char>(0xa0 + i));
  return key;
}

constexpr absl::string_view kContext = "app-1/1";

class FileKeyProviderTest : public ::testing::Test {
 protected:
  KeyRing ring_ = MakeRing();
  FileKeyProvider provider_{ring_};
};

TEST_F(FileKeyProviderTest, RingHoldsBothVersions) {
  EXPECT_EQ(ring_.active_version(), 2u);
  ASSERT_NE(ring_.Find(1), nullptr);
  EXPECT_EQ(ring_.Find(1)->Reveal(), Kek1());
}

TEST_F(FileKeyProviderTest, HasVersion) {
  EXPECT_TRUE(provider_.HasVersion(1));
  EXPECT_TRUE(provider_.HasVersion(2));
  EXPECT_FALSE(provider_.HasVersion(0));
  EXPECT_FALSE(provider_.HasVersion(3));
  EXPECT_FALSE(provider_.HasVersion(UINT32_MAX));
}

TEST_F(FileKeyProviderTest, RoundTripsUnderEachVersion) {
  for (uint32_t version : {1u, 2u}) {
    SCOPED_TRACE(version);
    absl::StatusOr<std::string> wrapped = provider_.WrapKey(version, DataKey(), kContext);
    ASSERT_TRUE(wrapped.ok()) << wrapped.status();

    absl::StatusOr<common::Secret> key = provider_.UnwrapKey(version, *wrapped, kContext);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(key->Reveal(), DataKey());
  }
}

TEST_F(FileKeyProviderTest, RoundTripsAnEmptyContext) {
  absl::StatusOr<std::string> wrapped = provider_.WrapKey(1, DataKey(), "");
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();

  absl::StatusOr<common::Secret> key = provider_.UnwrapKey(1, *wrapped, "");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->Reveal(), DataKey());
}

TEST_F(FileKeyProviderTest, WrappedKeyHasTheDocumentedLayoutAndNoCopyOfTheKey) {
  absl::StatusOr<std::string> wrapped = provider_.WrapKey(2, DataKey(), kContext);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();

  // nonce (12) | ciphertext (32) | tag (16)
  ASSERT_EQ(wrapped->size(), kGcmNonceSize + 32 + kGcmTagSize);
  EXPECT_NE(*wrapped, DataKey());
  EXPECT_EQ(wrapped->find(DataKey()), std::string::npos);
  EXPECT_EQ(wrapped->find(DataKey().substr(0, 8)), std::string::npos);
  EXPECT_EQ(wrapped->find(Kek2().substr(0, 8)), std::string::npos);

  // Independently: AES-256-GCM under KEK 2 with AAD "pi-dek-v1" + context.
  absl::StatusOr<common::Secret> opened =
      AesGcmOpen(Kek2(), wrapped->substr(0, kGcmNonceSize), absl::StrCat("pi-dek-v1", kContext),
                 wrapped->substr(kGcmNonceSize));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->Reveal(), DataKey());
}

TEST_F(FileKeyProviderTest, WrappingTwiceUsesFreshNonces) {
  absl::StatusOr<std::string> first = provider_.WrapKey(1, DataKey(), kContext);
  absl::StatusOr<std::string> second = provider_.WrapKey(1, DataKey(), kContext);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();

  EXPECT_NE(*first, *second);
  EXPECT_NE(first->substr(0, kGcmNonceSize), second->substr(0, kGcmNonceSize));
}

TEST_F(FileKeyProviderTest, UnwrapUnderTheOtherVersionIsDataLoss) {
  absl::StatusOr<std::string> wrapped = provider_.WrapKey(1, DataKey(), kContext);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();

  EXPECT_EQ(provider_.UnwrapKey(2, *wrapped, kContext).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(FileKeyProviderTest, UnwrapUnderAnotherContextIsDataLoss) {
  absl::StatusOr<std::string> wrapped = provider_.WrapKey(1, DataKey(), kContext);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();

  EXPECT_EQ(provider_.UnwrapKey(1, *wrapped, "app-1/2").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(provider_.UnwrapKey(1, *wrapped, "app-2/1").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(provider_.UnwrapKey(1, *wrapped, "").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(FileKeyProviderTest, UnwrapOfTamperedBytesIsDataLoss) {
  absl::StatusOr<std::string> wrapped = provider_.WrapKey(2, DataKey(), kContext);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();

  // Every byte: nonce, ciphertext and tag.
  for (size_t i = 0; i < wrapped->size(); ++i) {
    std::string tampered = *wrapped;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    EXPECT_EQ(provider_.UnwrapKey(2, tampered, kContext).status().code(),
              absl::StatusCode::kDataLoss)
        << "byte " << i;
  }
  // Bytes appended.
  EXPECT_EQ(provider_.UnwrapKey(2, *wrapped + "x", kContext).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(FileKeyProviderTest, UnwrapOfTruncatedInputIsDataLoss) {
  absl::StatusOr<std::string> wrapped = provider_.WrapKey(2, DataKey(), kContext);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();

  for (size_t size : {size_t{0}, size_t{1}, kGcmNonceSize, kGcmNonceSize + kGcmTagSize - 1,
                      kGcmNonceSize + kGcmTagSize, wrapped->size() - 1}) {
    EXPECT_EQ(provider_.UnwrapKey(2, wrapped->substr(0, size), kContext).status().code(),
              absl::StatusCode::kDataLoss)
        << "size " << size;
  }
}

TEST_F(FileKeyProviderTest, UnknownVersionIsFailedPrecondition) {
  absl::StatusOr<std::string> wrapped = provider_.WrapKey(1, DataKey(), kContext);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();

  for (uint32_t version : {0u, 3u, 99u}) {
    SCOPED_TRACE(version);
    EXPECT_EQ(provider_.WrapKey(version, DataKey(), kContext).status().code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(provider_.UnwrapKey(version, *wrapped, kContext).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  // The version is checked before the input: even a truncated input names the missing KEK.
  EXPECT_EQ(provider_.UnwrapKey(3, "", kContext).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(FileKeyProviderTest, WorksThroughTheInterface) {
  const KeyProvider& port = provider_;
  absl::StatusOr<std::string> wrapped = port.WrapKey(2, DataKey(), kContext);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();

  absl::StatusOr<common::Secret> key = port.UnwrapKey(2, *wrapped, kContext);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->Reveal(), DataKey());
}

}  // namespace
}  // namespace pi::instruments::crypto
