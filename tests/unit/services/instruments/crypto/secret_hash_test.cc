#include "services/instruments/crypto/secret_hash.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace pi::instruments::crypto {
namespace {

TEST(GenerateCredentialSecretTest, TwentyTwoBase62Chars) {
  common::Secret secret = GenerateCredentialSecret();

  ASSERT_EQ(secret.size(), 22u);
  for (char c : secret.Reveal()) {
    EXPECT_TRUE(absl::ascii_isalnum(static_cast<unsigned char>(c))) << c;
  }
}

TEST(GenerateCredentialSecretTest, SecretsAreDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(std::string(GenerateCredentialSecret().Reveal()));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(HashCredentialSecretTest, IsSha256) {
  // FIPS 180-2 examples.
  EXPECT_EQ(absl::BytesToHexString(HashCredentialSecret("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(absl::BytesToHexString(HashCredentialSecret("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HashCredentialSecretTest, IsThirtyTwoRawBytesAndDeterministic) {
  std::string hash = HashCredentialSecret("s3cret");

  EXPECT_EQ(hash.size(), 32u);
  EXPECT_EQ(hash, HashCredentialSecret("s3cret"));
  EXPECT_NE(hash, HashCredentialSecret("s3creT"));
}

TEST(ConstantTimeEqualsTest, BasicCases) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "xbc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(Sha256SecretHasherTest, HashesAndComparesThroughThePort) {
  Sha256SecretHasher hasher;
  const domain::SecretHasher& port = hasher;

  std::string stored = port.Hash("s3cret");

  EXPECT_EQ(stored, HashCredentialSecret("s3cret"));
  EXPECT_TRUE(port.Equals(port.Hash("s3cret"), stored));
  EXPECT_FALSE(port.Equals(port.Hash("wrong"), stored));
}

}  // namespace
}  // namespace pi::instruments::crypto
