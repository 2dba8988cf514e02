// The `authorization` value of every RPC (domain/authenticator.h: Basic, Bearer API and
// publishable keys, Bearer customer JWTs) and the customer JWT verifier behind it
// (crypto/customer_jwt.h, cpp-jwt), with the real SHA-256 secret hasher and an in-memory
// credential store that answers at once.
//
// Two modes, by the first byte:
//   'J' + header JSON + '\n' + payload JSON: the fuzzer signs this token itself with the
//       credential's real key, so cpp-jwt's parsing and claim checks behind the signature are
//       reached; an accepted token must meet every documented rule (alg HS256, kid, aud, a
//       future integer exp, a subject of 1-64 characters), checked here independently.
//   anything else: the whole input is the header value; it is also given to the verifier raw.
// Beyond not crashing: every refusal is UNAUTHENTICATED and audited exactly once, an
// acceptance audits nothing, accepts only the right secret for its credential, never a revoked
// credential, and a token the fuzzer did not sign is never accepted.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "services/instruments/crypto/customer_jwt.h"
#include "services/instruments/crypto/secret_hash.h"
#include "services/instruments/domain/authenticator.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace crypto = pi::instruments::crypto;
namespace domain = pi::instruments::domain;

struct Known {
  domain::StoredCredential stored;
  std::string secret;
};

// Credentials in memory; NOT_FOUND for any other id; answers synchronously.
class FakeStore : public domain::CredentialStore {
 public:
  FakeStore() {
    Add("CRbasic", "APone", domain::CredentialKind::kBasic, domain::Role::kMerchant,
        "s3cretBasic0000000000x");
    Add("CRkey", "APone", domain::CredentialKind::kApiKey, domain::Role::kMerchant,
        "s3cretKey00000000000xy");
    Add("CRpub", "APtwo", domain::CredentialKind::kPublishable, domain::Role::kPublishable,
        "s3cretPub00000000000xy");
    Add("CRproc", "APone", domain::CredentialKind::kBasic, domain::Role::kProcessor,
        "s3cretProc0000000000xy");
    Add("CRrevoked", "APone", domain::CredentialKind::kApiKey, domain::Role::kAdmin,
        "s3cretRevoked0000000xy");
    known_["CRrevoked"].stored.revoked = true;
    Add("CRjwt", "APone", domain::CredentialKind::kJwtHs256, domain::Role::kMerchant, "");
  }

  void FindCredential(std::string id, FindDone done) override {
    auto it = known_.find(id);
    if (it == known_.end()) return std::move(done)(absl::NotFoundError("no such credential"));
    std::move(done)(it->second.stored);
  }

  const Known* Find(const std::string& id) const {
    auto it = known_.find(id);
    return it == known_.end() ? nullptr : &it->second;
  }

 private:
  void Add(std::string id, std::string application, domain::CredentialKind kind, domain::Role role,
           std::string secret) {
    domain::StoredCredential stored{id, std::move(application), kind, role,
                                    secret.empty() ? "" : crypto::HashCredentialSecret(secret)};
    known_[id] = Known{std::move(stored), std::move(secret)};
  }
  std::map<std::string, Known> known_;
};

class CountingAudit : public domain::AuditLog {
 public:
  void Append(domain::AuditEvent event) override {
    FUZZ_CHECK(event.action == "auth.failure", "an unexpected audit action");
    ++events;
  }
  int events = 0;
};

const pi::common::Secret& RootKey() {
  static const auto* key = new pi::common::Secret(std::string(32, '\x42'));
  return *key;
}

std::string Base64Url(absl::string_view bytes) { return absl::WebSafeBase64Escape(bytes); }

// header.payload.signature, signed with `key` whatever the header says.
std::string SignRaw(absl::string_view header, absl::string_view payload,
                    const pi::common::Secret& key) {
  std::string signing_input = absl::StrCat(Base64Url(header), ".", Base64Url(payload));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  FUZZ_CHECK(HMAC(EVP_sha256(), key.Reveal().data(), static_cast<int>(key.Reveal().size()),
                  reinterpret_cast<const unsigned char*>(signing_input.data()),
                  signing_input.size(), mac, &mac_length) != nullptr,
             "HMAC failed");
  return absl::StrCat(signing_input, ".",
                      Base64Url(absl::string_view(reinterpret_cast<char*>(mac), mac_length)));
}

// The rules an accepted token must meet, read from its JSON independently of cpp-jwt.
void CheckAcceptedToken(absl::string_view header_json, absl::string_view payload_json,
                        const domain::Caller& caller, absl::Time before) {
  nlohmann::json header = nlohmann::json::parse(header_json, nullptr, false);
  nlohmann::json payload = nlohmann::json::parse(payload_json, nullptr, false);
  FUZZ_CHECK(header.is_object() && payload.is_object(), "a token that is not JSON passed");
  FUZZ_CHECK(header.contains("alg") && header["alg"].is_string() &&
                 absl::EqualsIgnoreCase(header["alg"].get<std::string>(), "HS256"),
             "a token not HS256 passed");
  FUZZ_CHECK(header.contains("kid") && header["kid"] == "CRjwt", "a token of another kid passed");
  FUZZ_CHECK(payload.contains("exp") && payload["exp"].is_number_integer() &&
                 absl::FromUnixSeconds(payload["exp"].get<int64_t>()) > before,
             "an expired token or one without an integer exp passed");
  FUZZ_CHECK(payload.contains("sub") && payload["sub"].is_string() &&
                 payload["sub"].get<std::string>() == caller.customer_identity_id &&
                 !caller.customer_identity_id.empty() && caller.customer_identity_id.size() <= 64,
             "the caller is not the token's subject");
  const nlohmann::json aud = payload.value("aud", nlohmann::json());
  bool for_us =
      aud == "APone" || (aud.is_array() && std::find(aud.begin(), aud.end(), "APone") != aud.end());
  FUZZ_CHECK(for_us, "a token for another audience passed");
}

// The secret this value presents for `id`, per the documented schemes, or nullopt.
std::optional<std::string> PresentedSecret(absl::string_view authorization, const std::string& id) {
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  if (absl::StartsWithIgnoreCase(value, "basic ")) {
    std::string pair;
    if (!absl::Base64Unescape(absl::StripAsciiWhitespace(value.substr(6)), &pair)) return {};
    if (!absl::StartsWith(pair, id + ":")) return {};
    return pair.substr(id.size() + 1);
  }
  if (absl::StartsWithIgnoreCase(value, "bearer ")) {
    absl::string_view key = absl::StripAsciiWhitespace(value.substr(7));
    if (!absl::StartsWith(key, id + "_")) return {};
    return std::string(key.substr(id.size() + 1));
  }
  return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FakeStore* store = new FakeStore();
  static crypto::Sha256SecretHasher* hasher = new crypto::Sha256SecretHasher();
  static crypto::CustomerJwtVerifier* verifier = new crypto::CustomerJwtVerifier(RootKey());
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const domain::StoredCredential& jwt_credential = store->Find("CRjwt")->stored;

  bool signed_here = !input.empty() && input[0] == 'J';
  std::string authorization;
  absl::string_view header_json, payload_json;
  if (signed_here) {
    absl::string_view rest = input.substr(1);
    size_t newline = rest.find('\n');
    header_json = rest.substr(0, newline);
    payload_json = newline == absl::string_view::npos ? "" : rest.substr(newline + 1);
    authorization = absl::StrCat(
        "Bearer ", SignRaw(header_json, payload_json, verifier->SigningKey("APone", "CRjwt")));
  } else {
    authorization = std::string(input);
    (void)verifier->KeyIdOf(input);
    absl::StatusOr<std::string> subject =
        verifier->VerifiedSubject(input, jwt_credential, absl::Now());
    FUZZ_CHECK(!subject.ok(), "a token signed without the key was accepted");
  }

  CountingAudit audit;
  domain::Authenticator authenticator(*store, *hasher, *verifier, audit,
                                      [] { return absl::Now(); });
  std::optional<absl::StatusOr<domain::Caller>> outcome;
  absl::Time before = absl::Now();
  authenticator.Authenticate(authorization, "req-fuzz",
                             [&](absl::StatusOr<domain::Caller> caller) { outcome = caller; });
  FUZZ_CHECK(outcome.has_value(), "Authenticate did not finish with a synchronous store");
  if (!outcome->ok()) {
    FUZZ_CHECK(absl::IsUnauthenticated(outcome->status()), "a refusal that is not UNAUTHENTICATED");
    FUZZ_CHECK(audit.events == 1, "a refusal not audited exactly once");
    return 0;
  }
  FUZZ_CHECK(audit.events == 0, "an acceptance was audited as a failure");
  const domain::Caller& caller = **outcome;
  const Known* known = store->Find(caller.credential_id);
  FUZZ_CHECK(known != nullptr, "accepted as an unknown credential");
  FUZZ_CHECK(!known->stored.revoked, "a revoked credential was accepted");
  FUZZ_CHECK(caller.application_id == known->stored.application_id, "the wrong application");
  if (known->stored.kind == domain::CredentialKind::kJwtHs256) {
    FUZZ_CHECK(signed_here, "a token signed without the key was accepted");
    FUZZ_CHECK(caller.role == domain::Role::kCustomer, "a token's caller is not a customer");
    CheckAcceptedToken(header_json, payload_json, caller, before);
  } else {
    FUZZ_CHECK(PresentedSecret(authorization, caller.credential_id) == known->secret,
               "accepted without the credential's secret");
    FUZZ_CHECK(caller.role == known->stored.role && caller.customer_identity_id.empty(),
               "the wrong role");
    bool bearer = absl::StartsWithIgnoreCase(absl::StripAsciiWhitespace(authorization), "bearer ");
    FUZZ_CHECK(bearer == (known->stored.kind != domain::CredentialKind::kBasic),
               "a credential was accepted in another kind's scheme");
  }
  return 0;
}
