#include "services/instruments/crypto/customer_jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/instruments/crypto/hkdf.h"

namespace pi::instruments::crypto {
namespace {

constexpr char kSalt[] = "pi-customer-jwt-v1";
constexpr size_t kMaxTokenLength = 2048;

absl::Status Invalid(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("customer token rejected: ", why));
}

// True when `signature_b64` is HMAC-SHA256(key, signing_input), compared in constant time.
bool SignatureMatches(absl::string_view key, absl::string_view signing_input,
                      absl::string_view signature_b64) {
  std::string presented;
  if (!absl::WebSafeBase64Unescape(signature_b64, &presented)) return false;
  unsigned char expected[EVP_MAX_MD_SIZE];
  unsigned int expected_length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
           expected, &expected_length) == nullptr) {
    return false;
  }
  return presented.size() == expected_length &&
         CRYPTO_memcmp(presented.data(), expected, expected_length) == 0;
}

// A JWS in compact form is base64url and dots only (RFC 7515). cpp-jwt's base64 decoder indexes
// its table with each character unchecked, so a byte >= 0x80 reads before the table (found by
// tests/fuzz/authorization_fuzzer.cc): nothing else may reach it.
bool IsCompactJws(absl::string_view token) {
  return std::all_of(token.begin(), token.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// cpp-jwt reads `exp` and `nbf` as uint64_t whatever their JSON type, and converting a number
// outside [0, 2^64) from floating point is undefined behaviour (found by
// tests/fuzz/authorization_fuzzer.cc). Refuses such a claim, and claims it cannot read; anything
// else cpp-jwt and the checks below judge as before.
absl::Status CheckTimeClaimsConvert(absl::string_view payload_b64) {
  std::string payload;
  if (!absl::WebSafeBase64Unescape(payload_b64, &payload)) return Invalid("malformed claims");
  nlohmann::json claims = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object()) return Invalid("malformed claims");
  for (const char* name : {"exp", "nbf"}) {
    auto claim = claims.find(name);
    if (claim == claims.end() || !claim->is_number_float()) continue;
    double value = claim->get<double>();
    if (!(value >= 0 && value < 18446744073709551616.0)) {
      return Invalid("exp or nbf is not a representable time");
    }
  }
  return absl::OkStatus();
}

}  // namespace

common::Secret CustomerJwtVerifier::SigningKey(absl::string_view application_id,
                                               absl::string_view credential_id) const {
  return HkdfSha256(root_key_.Reveal(), kSalt, absl::StrCat(application_id, "/", credential_id));
}

absl::StatusOr<std::string> CustomerJwtVerifier::KeyIdOf(absl::string_view token) const {
  if (token.size() > kMaxTokenLength) return Invalid("too long");
  if (!IsCompactJws(token)) return Invalid("not base64url");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Invalid("not three parts");
  try {
    std::error_code ec;
    jwt::jwt_header header;
    header.decode(jwt::string_view(parts[0].data(), parts[0].size()), ec);
    if (ec) return Invalid("malformed header");
    const auto& fields = header.create_json_obj();
    auto kid = fields.find("kid");
    if (kid == fields.end() || !kid->is_string() || kid->get<std::string>().empty()) {
      return Invalid("no kid");
    }
    return kid->get<std::string>();
  } catch (const std::exception&) {
    return Invalid("malformed header");
  }
}

absl::StatusOr<std::string> CustomerJwtVerifier::VerifiedSubject(
    absl::string_view token, const domain::StoredCredential& credential, absl::Time now) const {
  if (token.size() > kMaxTokenLength) return Invalid("too long");
  size_t last_dot = token.rfind('.');
  if (last_dot == absl::string_view::npos) return Invalid("malformed");
  common::Secret key = SigningKey(credential.application_id, credential.id);
  if (!SignatureMatches(key.Reveal(), token.substr(0, last_dot), token.substr(last_dot + 1))) {
    return Invalid("bad signature");
  }
  if (!IsCompactJws(token)) return Invalid("not base64url");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Invalid("not three parts");
  if (absl::Status claims = CheckTimeClaimsConvert(parts[1]); !claims.ok()) return claims;
  try {
    std::error_code ec;
    // Only HS256: `none` and every other algorithm fail here.
    jwt::jwt_object decoded = jwt::decode(
        jwt::string_view(token.data(), token.size()), jwt::params::algorithms({"HS256"}), ec,
        jwt::params::secret(jwt::string_view(key.Reveal().data(), key.Reveal().size())),
        jwt::params::aud(credential.application_id), jwt::params::verify(true));
    if (ec) return Invalid(ec.message());
    const auto& header = decoded.header().create_json_obj();
    auto kid = header.find("kid");
    if (kid == header.end() || !kid->is_string() || kid->get<std::string>() != credential.id) {
      return Invalid("kid is not the credential");
    }
    const jwt::jwt_payload& claims = decoded.payload();
    if (!claims.has_claim("exp") || !claims.has_claim("sub")) return Invalid("no exp or sub");
    const auto& json = claims.create_json_obj();
    if (!json["exp"].is_number_integer() || !json["sub"].is_string()) {
      return Invalid("exp or sub has the wrong type");
    }
    if (absl::FromUnixSeconds(json["exp"].get<int64_t>()) <= now) return Invalid("expired");
    std::string subject = json["sub"].get<std::string>();
    if (subject.empty() || subject.size() > 64) return Invalid("bad sub");
    return subject;
  } catch (const std::exception&) {
    return Invalid("malformed");
  }
}

std::string CustomerJwtIssuer::Issue(absl::string_view application_id,
                                     absl::string_view credential_id,
                                     absl::string_view identity_id, absl::Time expires) const {
  return SignCustomerJwt(verifier_.SigningKey(application_id, credential_id), credential_id,
                         application_id, identity_id, expires);
}

std::string SignCustomerJwt(const common::Secret& key, absl::string_view key_id,
                            absl::string_view audience, absl::string_view subject,
                            absl::Time expires) {
  jwt::jwt_object token{
      jwt::params::algorithm("HS256"),
      jwt::params::secret(jwt::string_view(key.Reveal().data(), key.Reveal().size()))};
  token.header().add_header("kid", std::string(key_id));
  token.add_claim("sub", std::string(subject));
  token.add_claim("aud", std::string(audience));
  token.add_claim("iat", static_cast<int64_t>(absl::ToUnixSeconds(absl::Now())));
  token.add_claim("exp", static_cast<int64_t>(absl::ToUnixSeconds(expires)));
  return token.signature();
}

}  // namespace pi::instruments::crypto
