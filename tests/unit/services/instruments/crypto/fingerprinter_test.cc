#include "services/instruments/crypto/fingerprinter.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "services/instruments/crypto/random_id_generator.h"

namespace pi::instruments::crypto {
namespace {

common::Secret MasterKey(char fill) { return common::Secret(std::string(32, fill)); }

// HKDF-SHA256 (extract and expand) of `key`, computed here with OpenSSL EVP_KDF, independently
// of the code under test.
std::string Hkdf(absl::string_view key, absl::string_view salt, absl::string_view info,
                 size_t length) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  std::string salt_copy(salt);
  std::string info_copy(info);
  std::string key_copy(key);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key_copy.data(), key_copy.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_copy.data(), salt_copy.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info_copy.data(), info_copy.size()),
      OSSL_PARAM_construct_end()};
  std::string out(length, '\0');
  int ok = EVP_KDF_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), out.size(), params);
  EVP_KDF_CTX_free(ctx);
  EXPECT_EQ(ok, 1);
  return out;
}

// HMAC-SHA256 through EVP_MAC.
std::string HmacSha256(absl::string_view key, absl::string_view data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t length = 0;
  bool ok =
      EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) ==
          1 &&
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
      EVP_MAC_final(ctx, out, &length, sizeof(out)) == 1;
  EVP_MAC_CTX_free(ctx);
  EXPECT_TRUE(ok);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string ExpectedFingerprint(absl::string_view master, absl::string_view application_id,
                                absl::string_view material) {
  std::string app_key = Hkdf(master, "pi-fingerprint-v1", application_id, 32);
  std::string mac = HmacSha256(app_key, material);
  return absl::StrCat("FPR", Base62Encode(mac.substr(0, 16)));
}

bool IsBase62(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

constexpr absl::string_view kPan = "4242424242424242";

TEST(FingerprintHelpersTest, HkdfMatchesRfc5869TestCase1) {
  // RFC 5869 A.1: checks the test's own reference HKDF.
  EXPECT_EQ(absl::BytesToHexString(Hkdf(std::string(22, '\x0b'),
                                        absl::HexStringToBytes("000102030405060708090a0b0c"),
                                        absl::HexStringToBytes("f0f1f2f3f4f5f6f7f8f9"), 42)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(FingerprinterTest, IsFprAndTwentyTwoBase62Chars) {
  Fingerprinter fingerprinter(MasterKey('m'));

  for (absl::string_view material : {kPan, absl::string_view("x"), absl::string_view("")}) {
    std::string fingerprint = fingerprinter.Fingerprint("app-1", material);
    ASSERT_EQ(fingerprint.size(), 3u + 22u) << fingerprint;
    EXPECT_EQ(fingerprint.substr(0, 3), "FPR");
    EXPECT_TRUE(IsBase62(fingerprint.substr(3))) << fingerprint;
  }
}

TEST(FingerprinterTest, MatchesAnIndependentHkdfAndHmacComputation) {
  Fingerprinter fingerprinter(MasterKey('m'));

  EXPECT_EQ(fingerprinter.Fingerprint("app-1", kPan),
            ExpectedFingerprint(std::string(32, 'm'), "app-1", kPan));
  EXPECT_EQ(fingerprinter.Fingerprint("AP2x9Qk", "021000021|123456789"),
            ExpectedFingerprint(std::string(32, 'm'), "AP2x9Qk", "021000021|123456789"));
}

TEST(FingerprinterTest, KnownAnswersAreStable) {
  // Stored fingerprints must keep matching: these are what the implementation that derived its
  // application keys inline (before crypto/hkdf.h) produced.
  Fingerprinter fingerprinter(MasterKey('m'));

  EXPECT_EQ(fingerprinter.Fingerprint("app-1", kPan), "FPR6Gn5RcPPXjhq4D7TTbirlW");
  EXPECT_EQ(fingerprinter.Fingerprint("AP2x9Qk", "021000021|123456789"),
            "FPR76aF7yGwrcg2PIkvd0MQmV");
  EXPECT_EQ(fingerprinter.Fingerprint("", ""), "FPR6SbT5YhWmyCsH2G9botTeA");
}

TEST(FingerprinterTest, MatchesTheReferenceForEmptyMaterial) {
  Fingerprinter fingerprinter(MasterKey('m'));

  EXPECT_EQ(fingerprinter.Fingerprint("app-1", ""),
            ExpectedFingerprint(std::string(32, 'm'), "app-1", ""));
}

TEST(FingerprinterTest, MatchesTheReferenceForEmptyApplicationIdAndMaterial) {
  Fingerprinter fingerprinter(MasterKey('m'));

  EXPECT_EQ(fingerprinter.Fingerprint(absl::string_view(), absl::string_view()),
            ExpectedFingerprint(std::string(32, 'm'), "", ""));
  EXPECT_NE(fingerprinter.Fingerprint("", kPan), fingerprinter.Fingerprint("app-1", kPan));
}

TEST(FingerprinterTest, DeterministicForTheSameApplicationAndMaterial) {
  Fingerprinter fingerprinter(MasterKey('m'));

  std::string first = fingerprinter.Fingerprint("app-1", kPan);
  EXPECT_EQ(fingerprinter.Fingerprint("app-1", kPan), first);
  EXPECT_EQ(fingerprinter.Fingerprint("app-1", std::string(kPan)), first);
}

TEST(FingerprinterTest, DiffersAcrossApplications) {
  Fingerprinter fingerprinter(MasterKey('m'));

  std::string app1 = fingerprinter.Fingerprint("app-1", kPan);
  std::string app2 = fingerprinter.Fingerprint("app-2", kPan);
  EXPECT_NE(app1, app2);
  EXPECT_EQ(app2, ExpectedFingerprint(std::string(32, 'm'), "app-2", kPan));
  // Application ids are not confused with material.
  EXPECT_NE(fingerprinter.Fingerprint("app-1", "2"), fingerprinter.Fingerprint("app-12", ""));
}

TEST(FingerprinterTest, DiffersForDifferentMaterial) {
  Fingerprinter fingerprinter(MasterKey('m'));

  std::set<std::string> seen;
  for (absl::string_view material :
       {kPan, absl::string_view("4242424242424241"), absl::string_view("424242424242424"),
        absl::string_view("42424242424242420"), absl::string_view("")}) {
    seen.insert(fingerprinter.Fingerprint("app-1", material));
  }
  EXPECT_EQ(seen.size(), 5u);
}

TEST(FingerprinterTest, StableAcrossInstancesWithTheSameMasterKey) {
  std::string before;
  {
    Fingerprinter first(MasterKey('m'));
    before = first.Fingerprint("app-1", kPan);
  }
  Fingerprinter restarted(MasterKey('m'));
  EXPECT_EQ(restarted.Fingerprint("app-1", kPan), before);
}

TEST(FingerprinterTest, CopiesTheMasterKey) {
  common::Secret master = MasterKey('m');
  Fingerprinter fingerprinter(master);
  master.Clear();

  EXPECT_EQ(fingerprinter.Fingerprint("app-1", kPan),
            ExpectedFingerprint(std::string(32, 'm'), "app-1", kPan));
}

TEST(FingerprinterTest, DiffersUnderAnotherMasterKey) {
  Fingerprinter one(MasterKey('m'));
  Fingerprinter other(MasterKey('n'));

  EXPECT_NE(one.Fingerprint("app-1", kPan), other.Fingerprint("app-1", kPan));
  EXPECT_EQ(other.Fingerprint("app-1", kPan),
            ExpectedFingerprint(std::string(32, 'n'), "app-1", kPan));
}

TEST(FingerprinterTest, WorksThroughThePort) {
  Fingerprinter fingerprinter(MasterKey('m'));
  const domain::Fingerprinter& port = fingerprinter;

  EXPECT_EQ(port.Fingerprint("app-1", kPan),
            ExpectedFingerprint(std::string(32, 'm'), "app-1", kPan));
}

TEST(FingerprinterTest, ConcurrentCallsAgree) {
  constexpr int kThreads = 8;
  constexpr int kApps = 5;
  constexpr int kRounds = 200;
  std::vector<std::string> expected;
  for (int app = 0; app < kApps; ++app) {
    expected.push_back(ExpectedFingerprint(std::string(32, 'm'), absl::StrCat("app-", app), kPan));
  }

  // A fresh instance, so the threads also race to derive each application's key.
  Fingerprinter fingerprinter(MasterKey('m'));
  absl::Mutex mu;
  int mismatches = 0;
  int calls = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int local_mismatches = 0;
      int local_calls = 0;
      for (int round = 0; round < kRounds; ++round) {
        int app = (t + round) % kApps;
        if (fingerprinter.Fingerprint(absl::StrCat("app-", app), kPan) != expected[app]) {
          ++local_mismatches;
        }
        ++local_calls;
      }
      absl::MutexLock lock(&mu);
      mismatches += local_mismatches;
      calls += local_calls;
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(calls, kThreads * kRounds);
}

}  // namespace
}  // namespace pi::instruments::crypto
