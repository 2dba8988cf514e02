#include "services/instruments/crypto/customer_jwt.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/instruments/crypto/hkdf.h"
#include "services/instruments/domain/field_rules.h"

namespace pi::instruments::crypto {
namespace {

using ::testing::HasSubstr;

constexpr char kApp[] = "APone";
constexpr char kCredential[] = "CRjwt1";
constexpr char kSubject[] = "IDcustomer1";
constexpr size_t kMaxTokenLength = 2048;

common::Secret RootKey(char fill = 'r') { return common::Secret(std::string(32, fill)); }

domain::StoredCredential Credential(std::string application_id = kApp,
                                    std::string id = kCredential) {
  domain::StoredCredential credential;
  credential.id = std::move(id);
  credential.application_id = std::move(application_id);
  credential.kind = domain::CredentialKind::kJwtHs256;
  credential.role = domain::Role::kCustomer;
  return credential;
}

std::string B64(absl::string_view bytes) { return absl::WebSafeBase64Escape(bytes); }

std::string UnB64(absl::string_view text) {
  std::string bytes;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(text, &bytes)) << text;
  return bytes;
}

// HMAC with OpenSSL directly, independently of the code under test.
std::string Hmac(const EVP_MD* md, absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_NE(HMAC(md, key.data(), static_cast<int>(key.size()),
                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length),
            nullptr);
  return std::string(reinterpret_cast<const char*>(out), length);
}

// `<header>.<payload>.` plus the HMAC-SHA256 of the first two parts under `key`: a token built
// by hand, so every field of it can be wrong on purpose while the signature stays right.
std::string SignRaw(absl::string_view key, absl::string_view header_b64,
                    absl::string_view payload_b64) {
  std::string input = absl::StrCat(header_b64, ".", payload_b64);
  return absl::StrCat(input, ".", B64(Hmac(EVP_sha256(), key, input)));
}

std::string Sign(absl::string_view key, const nlohmann::json& header,
                 const nlohmann::json& claims) {
  return SignRaw(key, B64(header.dump()), B64(claims.dump()));
}

nlohmann::json Header(absl::string_view kid = kCredential) {
  return {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", std::string(kid)}};
}

int64_t InAnHour() { return absl::ToUnixSeconds(absl::Now() + absl::Hours(1)); }

nlohmann::json Claims(int64_t exp = InAnHour()) {
  return {
      {"sub", kSubject}, {"aud", kApp}, {"iat", absl::ToUnixSeconds(absl::Now())}, {"exp", exp}};
}

// The value, or the error as text, so a failure shows why.
std::string ValueOrError(const absl::StatusOr<std::string>& result) {
  return result.ok() ? *result : absl::StrCat("error: ", result.status().ToString());
}

std::vector<std::string> Parts(absl::string_view token) { return absl::StrSplit(token, '.'); }

// A validly signed token of exactly `length` characters, padded with an unused claim and an
// unused header field (unpadded base64 cannot take every length with one pad alone).
std::string SignedTokenOfLength(absl::string_view key, size_t length) {
  for (int header_pad = 0; header_pad < 4; ++header_pad) {
    nlohmann::json header = Header();
    header["x"] = std::string(header_pad, 'h');
    for (size_t claim_pad = 0; claim_pad < length; ++claim_pad) {
      nlohmann::json claims = Claims();
      claims["pad"] = std::string(claim_pad, 'p');
      std::string token = Sign(key, header, claims);
      if (token.size() == length) return token;
      if (token.size() > length) break;
    }
  }
  ADD_FAILURE() << "no token of length " << length;
  return "";
}

class CustomerJwtTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::string> Verify(absl::string_view token, absl::Time now = absl::Now()) {
    return verifier_.VerifiedSubject(token, credential_, now);
  }

  // Rejected, and by the constant-time check, before cpp-jwt sees the signature.
  void ExpectBadSignature(absl::string_view token) {
    absl::StatusOr<std::string> subject = Verify(token);
    EXPECT_EQ(subject.status().code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_THAT(subject.status().message(), HasSubstr("bad signature")) << token;
  }

  void ExpectRejected(absl::string_view token, absl::Time now = absl::Now()) {
    absl::StatusOr<std::string> subject = Verify(token, now);
    EXPECT_EQ(subject.status().code(), absl::StatusCode::kInvalidArgument) << token;
  }

  CustomerJwtVerifier verifier_{RootKey()};
  domain::StoredCredential credential_ = Credential();
  common::Secret key_ = verifier_.SigningKey(kApp, kCredential);
};

// ---- SigningKey ----------------------------------------------------------------------------

TEST_F(CustomerJwtTest, SigningKeyIsTheDocumentedHkdf) {
  EXPECT_EQ(key_.size(), 32u);
  EXPECT_EQ(key_.Reveal(),
            HkdfSha256(std::string(32, 'r'), "pi-customer-jwt-v1", "APone/CRjwt1").Reveal());
}

TEST_F(CustomerJwtTest, SigningKeyIsDeterministicAcrossInstances) {
  CustomerJwtVerifier restarted(RootKey());

  EXPECT_EQ(verifier_.SigningKey(kApp, kCredential).Reveal(), key_.Reveal());
  EXPECT_EQ(restarted.SigningKey(kApp, kCredential).Reveal(), key_.Reveal());
}

TEST_F(CustomerJwtTest, SigningKeyDiffersPerApplicationCredentialAndRootKey) {
  CustomerJwtVerifier other_root(RootKey('s'));
  std::set<std::string> keys = {
      std::string(key_.Reveal()),
      std::string(verifier_.SigningKey("APtwo", kCredential).Reveal()),
      std::string(verifier_.SigningKey(kApp, "CRjwt2").Reveal()),
      std::string(other_root.SigningKey(kApp, kCredential).Reveal()),
      // The separator keeps application and credential apart.
      std::string(verifier_.SigningKey("APoneC", "Rjwt1").Reveal()),
      std::string(verifier_.SigningKey("", "").Reveal()),
  };

  EXPECT_EQ(keys.size(), 6u);
  for (const std::string& key : keys) EXPECT_EQ(key.size(), 32u);
}

TEST_F(CustomerJwtTest, CopiesTheRootKey) {
  common::Secret root = RootKey();
  CustomerJwtVerifier verifier(root);
  root.Clear();

  EXPECT_EQ(verifier.SigningKey(kApp, kCredential).Reveal(), key_.Reveal());
}

// ---- SignCustomerJwt and the accepted token -------------------------------------------------

TEST_F(CustomerJwtTest, SignedTokenVerifiesAndYieldsItsSubject) {
  std::string token =
      SignCustomerJwt(key_, kCredential, kApp, kSubject, absl::Now() + absl::Minutes(5));

  absl::StatusOr<std::string> subject = Verify(token);

  ASSERT_TRUE(subject.ok()) << subject.status();
  EXPECT_EQ(*subject, kSubject);
}

TEST_F(CustomerJwtTest, SignedTokenHasTheDocumentedHeaderAndClaims) {
  absl::Time expires = absl::FromUnixSeconds(InAnHour());
  int64_t before = absl::ToUnixSeconds(absl::Now());

  std::string token = SignCustomerJwt(key_, kCredential, kApp, kSubject, expires);

  int64_t after = absl::ToUnixSeconds(absl::Now());
  std::vector<std::string> parts = Parts(token);
  ASSERT_EQ(parts.size(), 3u) << token;
  nlohmann::json header = nlohmann::json::parse(UnB64(parts[0]));
  nlohmann::json claims = nlohmann::json::parse(UnB64(parts[1]));
  EXPECT_EQ(header["alg"], "HS256");
  EXPECT_EQ(header["kid"], kCredential);
  EXPECT_EQ(claims["sub"], kSubject);
  EXPECT_EQ(claims["aud"], kApp);
  EXPECT_EQ(claims["exp"], absl::ToUnixSeconds(expires));
  ASSERT_TRUE(claims["iat"].is_number_integer());
  EXPECT_GE(claims["iat"].get<int64_t>(), before);
  EXPECT_LE(claims["iat"].get<int64_t>(), after);
  // The signature is HMAC-SHA256 of the first two parts under the key.
  EXPECT_EQ(UnB64(parts[2]),
            Hmac(EVP_sha256(), key_.Reveal(), absl::StrCat(parts[0], ".", parts[1])));
}

TEST_F(CustomerJwtTest, HandBuiltTokenVerifies) {
  // The control for every hand-built rejection below: only the one field each changes is wrong.
  absl::StatusOr<std::string> subject = Verify(Sign(key_.Reveal(), Header(), Claims()));

  ASSERT_TRUE(subject.ok()) << subject.status();
  EXPECT_EQ(*subject, kSubject);
}

TEST_F(CustomerJwtTest, ConcurrentVerificationsAgree) {
  std::string good =
      SignCustomerJwt(key_, kCredential, kApp, kSubject, absl::Now() + absl::Hours(1));
  std::string forged = good;
  forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
  absl::Mutex mu;
  int wrong = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      int local_wrong = 0;
      for (int i = 0; i < 50; ++i) {
        absl::StatusOr<std::string> ok = Verify(good);
        if (!ok.ok() || *ok != kSubject) ++local_wrong;
        if (Verify(forged).ok()) ++local_wrong;
      }
      absl::MutexLock lock(&mu);
      wrong += local_wrong;
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(wrong, 0);
}

// ---- KeyIdOf ------------------------------------------------------------------------------

TEST_F(CustomerJwtTest, KeyIdOfReadsTheKid) {
  EXPECT_EQ(ValueOrError(verifier_.KeyIdOf(
                SignCustomerJwt(key_, kCredential, kApp, kSubject, absl::Now() + absl::Hours(1)))),
            kCredential);
  EXPECT_EQ(ValueOrError(verifier_.KeyIdOf(Sign(key_.Reveal(), Header("CRother"), Claims()))),
            "CRother");
}

TEST_F(CustomerJwtTest, KeyIdOfVerifiesNothing) {
  // Expired, wrongly signed: the kid is still read; verification comes later, with its key.
  std::string token = Sign("not the key", Header(), Claims(absl::ToUnixSeconds(absl::Now()) - 60));

  EXPECT_EQ(ValueOrError(verifier_.KeyIdOf(token)), kCredential);
}

TEST_F(CustomerJwtTest, KeyIdOfRejectsAMissingEmptyOrNonStringKid) {
  nlohmann::json missing = Header();
  missing.erase("kid");
  const nlohmann::json kHeaders[] = {
      missing,
      Header(""),
      {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", 7}},
      {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", nullptr}},
      {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", {{"id", kCredential}}}},
      {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", {kCredential}}},
      {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", true}},
  };
  for (const nlohmann::json& header : kHeaders) {
    absl::StatusOr<std::string> kid = verifier_.KeyIdOf(Sign(key_.Reveal(), header, Claims()));

    EXPECT_EQ(kid.status().code(), absl::StatusCode::kInvalidArgument) << header.dump();
  }
}

TEST_F(CustomerJwtTest, KeyIdOfRejectsMalformedTokens) {
  std::string good = Sign(key_.Reveal(), Header(), Claims());
  std::vector<std::string> parts = Parts(good);
  const std::string kTokens[] = {
      "",
      ".",
      "..",
      parts[0],
      absl::StrCat(parts[0], ".", parts[1]),
      absl::StrCat(good, ".", parts[2]),
      absl::StrCat(parts[0], "..", parts[1], ".", parts[2]),
      absl::StrCat("!!!*", ".", parts[1], ".", parts[2]),
      absl::StrCat(B64("not json"), ".", parts[1], ".", parts[2]),
      absl::StrCat(B64(R"({"alg":"HS256","kid":"CRjwt1")"), ".", parts[1], ".", parts[2]),
      absl::StrCat(B64(R"(["CRjwt1"])"), ".", parts[1], ".", parts[2]),
  };
  for (const std::string& token : kTokens) {
    EXPECT_EQ(verifier_.KeyIdOf(token).status().code(), absl::StatusCode::kInvalidArgument)
        << '"' << token << '"';
  }
}

// cpp-jwt's base64 decoder would read outside its table for bytes >= 0x80 (found by
// tests/fuzz/authorization_fuzzer.cc): only base64url and dots get to it.
TEST_F(CustomerJwtTest, RejectsTokensWithCharactersOutsideBase64Url) {
  std::vector<std::string> parts = Parts(Sign(key_.Reveal(), Header(), Claims()));
  for (const char* bad : {"\xf5", "\x80", " ", "+", "/", "=", "\n"}) {
    std::string header = absl::StrCat(parts[0].substr(0, 4), bad, parts[0].substr(4));
    // Signed with the right key, so only the alphabet is wrong.
    std::string token = SignRaw(key_.Reveal(), header, parts[1]);
    EXPECT_THAT(verifier_.KeyIdOf(token).status().message(), HasSubstr("not base64url"))
        << absl::CHexEscape(token);
    EXPECT_THAT(Verify(token).status().message(), HasSubstr("not base64url"))
        << absl::CHexEscape(token);
  }
}

TEST_F(CustomerJwtTest, KeyIdOfRejectsTokensOverTheLengthLimit) {
  std::string at_limit = SignedTokenOfLength(key_.Reveal(), kMaxTokenLength);
  std::string over = SignedTokenOfLength(key_.Reveal(), kMaxTokenLength + 1);

  EXPECT_EQ(ValueOrError(verifier_.KeyIdOf(at_limit)), kCredential);
  EXPECT_EQ(verifier_.KeyIdOf(over).status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- Algorithms ---------------------------------------------------------------------------

TEST_F(CustomerJwtTest, RejectsAlgNoneWithoutASignature) {
  for (const char* alg : {"none", "None", "NONE"}) {
    nlohmann::json header = {{"alg", alg}, {"typ", "JWT"}, {"kid", kCredential}};
    std::string unsigned_token = absl::StrCat(B64(header.dump()), ".", B64(Claims().dump()), ".");

    ExpectBadSignature(unsigned_token);
    ExpectRejected(unsigned_token.substr(0, unsigned_token.size() - 1));
  }
}

TEST_F(CustomerJwtTest, RejectsAlgNoneEvenWithAValidHs256Signature) {
  // The constant-time check passes; the algorithm check must still refuse.
  for (const char* alg : {"none", "None", "NONE"}) {
    nlohmann::json header = {{"alg", alg}, {"typ", "JWT"}, {"kid", kCredential}};

    ExpectRejected(Sign(key_.Reveal(), header, Claims()));
  }
}

TEST_F(CustomerJwtTest, RejectsHs384AndHs512SignedWithTheRightKey) {
  for (const char* alg : {"HS384", "HS512"}) {
    jwt::jwt_object token{
        jwt::params::algorithm(alg),
        jwt::params::secret(jwt::string_view(key_.Reveal().data(), key_.Reveal().size()))};
    token.header().add_header("kid", std::string(kCredential));
    token.add_claim("sub", std::string(kSubject));
    token.add_claim("aud", std::string(kApp));
    token.add_claim("exp", InAnHour());
    std::string signed_token = token.signature();
    ASSERT_EQ(ValueOrError(verifier_.KeyIdOf(signed_token)), kCredential) << alg;

    ExpectBadSignature(signed_token);
  }
}

TEST_F(CustomerJwtTest, RejectsOtherAlgorithmsOverAnHs256Signature) {
  // A header that names another algorithm over a signature that is HMAC-SHA256 under the right
  // key: the constant-time check passes, only the algorithm is wrong.
  for (const char* alg : {"HS384", "HS512", "RS256", "ES256", "hs256x", ""}) {
    nlohmann::json header = {{"alg", alg}, {"typ", "JWT"}, {"kid", kCredential}};

    ExpectRejected(Sign(key_.Reveal(), header, Claims()));
  }
  nlohmann::json no_alg = Header();
  no_alg.erase("alg");
  ExpectRejected(Sign(key_.Reveal(), no_alg, Claims()));
  nlohmann::json numeric_alg = Header();
  numeric_alg["alg"] = 256;
  ExpectRejected(Sign(key_.Reveal(), numeric_alg, Claims()));
}

// ---- Keys ---------------------------------------------------------------------------------

TEST_F(CustomerJwtTest, RejectsATokenSignedWithAnotherCredentialsKey) {
  common::Secret other = verifier_.SigningKey(kApp, "CRjwt2");

  ExpectBadSignature(
      SignCustomerJwt(other, kCredential, kApp, kSubject, absl::Now() + absl::Hours(1)));
}

TEST_F(CustomerJwtTest, RejectsATokenSignedWithAnotherApplicationsKey) {
  common::Secret other = verifier_.SigningKey("APtwo", kCredential);

  ExpectBadSignature(
      SignCustomerJwt(other, kCredential, kApp, kSubject, absl::Now() + absl::Hours(1)));
}

TEST_F(CustomerJwtTest, RejectsATokenSignedWithAnotherRootOrTheRootItself) {
  CustomerJwtVerifier other_root(RootKey('s'));

  ExpectBadSignature(SignCustomerJwt(other_root.SigningKey(kApp, kCredential), kCredential, kApp,
                                     kSubject, absl::Now() + absl::Hours(1)));
  ExpectBadSignature(
      SignCustomerJwt(RootKey(), kCredential, kApp, kSubject, absl::Now() + absl::Hours(1)));
}

TEST_F(CustomerJwtTest, RejectsAKidThatIsNotTheCredential) {
  // The header's kid is part of the signed input; a token whose kid names another credential is
  // not this credential's token, whatever key signed it.
  nlohmann::json missing = Header();
  missing.erase("kid");

  ExpectRejected(Sign(key_.Reveal(), Header("CRjwt2"), Claims()));
  ExpectRejected(Sign(key_.Reveal(), missing, Claims()));
  ExpectRejected(Sign(key_.Reveal(), Header(""), Claims()));
}

// ---- Claims -------------------------------------------------------------------------------

TEST_F(CustomerJwtTest, RejectsAnAudienceOtherThanTheApplication) {
  for (const char* aud : {"APtwo", "APon", "APonex", "apone", ""}) {
    nlohmann::json claims = Claims();
    claims["aud"] = aud;

    ExpectRejected(Sign(key_.Reveal(), Header(), claims));
  }
  nlohmann::json missing = Claims();
  missing.erase("aud");
  ExpectRejected(Sign(key_.Reveal(), Header(), missing));
  ExpectRejected(
      SignCustomerJwt(key_, kCredential, "APtwo", kSubject, absl::Now() + absl::Hours(1)));
}

TEST_F(CustomerJwtTest, RejectsAnExpiredToken) {
  ExpectRejected(
      SignCustomerJwt(key_, kCredential, kApp, kSubject, absl::Now() - absl::Minutes(1)));
  ExpectRejected(Sign(key_.Reveal(), Header(), Claims(0)));
}

// cpp-jwt converts exp and nbf to uint64_t unchecked: these are refused before it sees them (the
// conversion is undefined behaviour; tests/fuzz/authorization_fuzzer.cc found it, and its
// corpus keeps the input that did).
TEST_F(CustomerJwtTest, RejectsExpOrNbfBeyondWhatCppJwtCanConvert) {
  for (const char* claim : {"exp", "nbf"}) {
    for (double value : {4.1e19, 1e300, -1.0, -4.1e19}) {
      nlohmann::json claims = Claims();
      claims[claim] = value;
      absl::StatusOr<std::string> subject = Verify(Sign(key_.Reveal(), Header(), claims));
      EXPECT_THAT(subject.status().message(), HasSubstr("exp or nbf is not a representable time"))
          << claim << " " << value;
    }
  }
  // A fractional nbf cpp-jwt can convert is judged as before.
  nlohmann::json claims = Claims();
  claims["nbf"] = 1000.5;
  EXPECT_EQ(ValueOrError(Verify(Sign(key_.Reveal(), Header(), claims))), kSubject);
}

TEST_F(CustomerJwtTest, ExpiryIsJudgedAgainstTheGivenNow) {
  // Valid against the real clock, so only `now` can make it expire.
  int64_t exp = InAnHour();
  std::string token =
      SignCustomerJwt(key_, kCredential, kApp, kSubject, absl::FromUnixSeconds(exp));

  EXPECT_TRUE(Verify(token, absl::FromUnixSeconds(exp) - absl::Seconds(1)).ok());
  ExpectRejected(token, absl::FromUnixSeconds(exp));  // exp exactly now
  ExpectRejected(token, absl::FromUnixSeconds(exp) + absl::Seconds(1));
  ExpectRejected(token, absl::FromUnixSeconds(exp) + absl::Hours(24 * 365));
}

TEST_F(CustomerJwtTest, RejectsAMissingOrMistypedExp) {
  const nlohmann::json kExps[] = {std::to_string(InAnHour()),
                                  static_cast<double>(InAnHour()),
                                  nullptr,
                                  true,
                                  nlohmann::json::array({InAnHour()}),
                                  -1};
  for (const nlohmann::json& exp : kExps) {
    nlohmann::json claims = Claims();
    claims["exp"] = exp;

    ExpectRejected(Sign(key_.Reveal(), Header(), claims));
  }
  nlohmann::json missing = Claims();
  missing.erase("exp");
  ExpectRejected(Sign(key_.Reveal(), Header(), missing));
}

TEST_F(CustomerJwtTest, RejectsAMissingEmptyMistypedOrOverlongSub) {
  const nlohmann::json kSubs[] = {"", 42, nullptr, nlohmann::json::array({kSubject}),
                                  std::string(domain::kMaxIdLength + 1, 'I')};
  for (const nlohmann::json& sub : kSubs) {
    nlohmann::json claims = Claims();
    claims["sub"] = sub;

    ExpectRejected(Sign(key_.Reveal(), Header(), claims));
  }
  nlohmann::json missing = Claims();
  missing.erase("sub");
  ExpectRejected(Sign(key_.Reveal(), Header(), missing));
}

TEST_F(CustomerJwtTest, AcceptsASubOfTheMaximumIdLength) {
  nlohmann::json claims = Claims();
  claims["sub"] = std::string(domain::kMaxIdLength, 'I');

  EXPECT_EQ(ValueOrError(Verify(Sign(key_.Reveal(), Header(), claims))),
            std::string(domain::kMaxIdLength, 'I'));
}

// ---- Tampering and malformed tokens -------------------------------------------------------

TEST_F(CustomerJwtTest, RejectsATamperedPayload) {
  std::string good = Sign(key_.Reveal(), Header(), Claims());
  std::vector<std::string> parts = Parts(good);
  nlohmann::json claims = Claims();
  claims["sub"] = "IDsomeoneelse";
  nlohmann::json longer = Claims(InAnHour() + 3600);

  ExpectBadSignature(absl::StrCat(parts[0], ".", B64(claims.dump()), ".", parts[2]));
  ExpectBadSignature(absl::StrCat(parts[0], ".", B64(longer.dump()), ".", parts[2]));
  ExpectBadSignature(absl::StrCat(B64(Header("CRjwt2").dump()), ".", parts[1], ".", parts[2]));
}

TEST_F(CustomerJwtTest, RejectsASignatureWithAnyOneCharacterChanged) {
  std::string good = Sign(key_.Reveal(), Header(), Claims());
  size_t signature_start = good.rfind('.') + 1;
  ASSERT_TRUE(Verify(good).ok());

  for (size_t i = signature_start; i < good.size(); ++i) {
    std::string tampered = good;
    tampered[i] = good[i] == 'A' ? 'B' : 'A';
    if (i + 1 < good.size()) {
      // Every character but the last carries six signature bits.
      ExpectBadSignature(tampered);
    } else {
      // The last carries two bits and four unused ones, which a lenient decoder may ignore.
      ExpectRejected(tampered);
    }
  }
}

TEST_F(CustomerJwtTest, RejectsTruncatedTokens) {
  std::string good = Sign(key_.Reveal(), Header(), Claims());
  std::vector<std::string> parts = Parts(good);

  for (size_t length : {size_t{0}, size_t{1}, parts[0].size(), parts[0].size() + 1,
                        parts[0].size() + 1 + parts[1].size(),
                        parts[0].size() + 1 + parts[1].size() + 1, good.size() - 1}) {
    ExpectRejected(good.substr(0, length));
  }
  ExpectRejected(good.substr(1));
  ExpectRejected(absl::StrCat(parts[0], ".", parts[1]));  // two parts
}

TEST_F(CustomerJwtTest, RejectsTwoAndFourParts) {
  std::string good = Sign(key_.Reveal(), Header(), Claims());
  std::vector<std::string> parts = Parts(good);

  // Two parts whose last is a valid signature of the first alone.
  ExpectRejected(absl::StrCat(parts[0], ".", B64(Hmac(EVP_sha256(), key_.Reveal(), parts[0]))));
  ExpectBadSignature(absl::StrCat(good, ".", parts[2]));
  // Four parts whose last is a valid signature of the first three.
  ExpectRejected(absl::StrCat(good, ".", B64(Hmac(EVP_sha256(), key_.Reveal(), good))));
  // An extra dot inside.
  ExpectRejected(SignRaw(key_.Reveal(), absl::StrCat(parts[0], "."), parts[1]));
}

TEST_F(CustomerJwtTest, RejectsPartsThatAreNotBase64Url) {
  std::string good = Sign(key_.Reveal(), Header(), Claims());
  std::vector<std::string> parts = Parts(good);
  std::string input = absl::StrCat(parts[0], ".", parts[1]);
  std::string signature = Hmac(EVP_sha256(), key_.Reveal(), input);

  // Signed correctly, but the header or payload is not base64url.
  ExpectRejected(SignRaw(key_.Reveal(), "!!!!", parts[1]));
  ExpectRejected(SignRaw(key_.Reveal(), parts[0], "*&^%$#"));
  // The right signature, in the wrong alphabet or padded.
  ExpectRejected(absl::StrCat(input, ".", absl::Base64Escape(signature)));
  ExpectRejected(absl::StrCat(input, ".", B64(signature), "="));
  ExpectBadSignature(absl::StrCat(input, ".", "!!!!"));
  ExpectBadSignature(absl::StrCat(input, "."));
}

TEST_F(CustomerJwtTest, RejectsAHeaderOrPayloadThatIsNotAJsonObject) {
  for (const char* json : {"not json", "{", "[]", R"(["HS256"])", "42", "null", ""}) {
    SCOPED_TRACE(json);
    ExpectRejected(SignRaw(key_.Reveal(), B64(json), B64(Claims().dump())));
    ExpectRejected(SignRaw(key_.Reveal(), B64(Header().dump()), B64(json)));
  }
}

TEST_F(CustomerJwtTest, RejectsTokensOverTheLengthLimit) {
  std::string at_limit = SignedTokenOfLength(key_.Reveal(), kMaxTokenLength);
  std::string over = SignedTokenOfLength(key_.Reveal(), kMaxTokenLength + 1);

  absl::StatusOr<std::string> accepted = Verify(at_limit);
  EXPECT_TRUE(accepted.ok()) << accepted.status();
  ExpectRejected(over);
  ExpectRejected(std::string(100000, 'a'));
}

TEST_F(CustomerJwtTest, RejectsTheTokenForAnotherCredentialRecord) {
  std::string token =
      SignCustomerJwt(key_, kCredential, kApp, kSubject, absl::Now() + absl::Hours(1));

  // The same token presented against the record of another application or credential.
  EXPECT_FALSE(
      verifier_.VerifiedSubject(token, Credential("APtwo", kCredential), absl::Now()).ok());
  EXPECT_FALSE(verifier_.VerifiedSubject(token, Credential(kApp, "CRjwt2"), absl::Now()).ok());
}

}  // namespace
}  // namespace pi::instruments::crypto
