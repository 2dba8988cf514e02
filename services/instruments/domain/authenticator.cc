#include "services/instruments/domain/authenticator.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "services/common/error.h"
#include "services/common/secret.h"
#include "services/instruments/domain/enum_names.h"

namespace pi::instruments::domain {
namespace {

// Longest authorization value considered; anything longer is refused unread.
constexpr size_t kMaxAuthorizationLength = 2048;
constexpr absl::string_view kAuthFailureAction = "auth.failure";

absl::Status Unauthenticated() {
  return common::MakeError(absl::StatusCode::kUnauthenticated, "UNAUTHENTICATED_CALLER",
                           "missing or invalid credentials");
}

// A presented secret credential: its id, its secret, and the kinds it may be.
struct PresentedSecret {
  std::string id;
  common::Secret secret;
  bool bearer = false;  // Bearer (api_key or publishable) rather than Basic
};

// `Basic base64(id:secret)`. nullopt when malformed.
std::optional<PresentedSecret> ParseBasic(absl::string_view credentials) {
  std::string decoded;
  if (!absl::Base64Unescape(credentials, &decoded)) return std::nullopt;
  common::Secret decoded_secret(std::move(decoded));
  absl::string_view pair = decoded_secret.Reveal();
  size_t colon = pair.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == pair.size()) {
    return std::nullopt;
  }
  return PresentedSecret{std::string(pair.substr(0, colon)),
                         common::Secret(pair.data() + colon + 1, pair.size() - colon - 1), false};
}

// `<id>_<secret>`: ids are base62, so the first '_' ends the id. nullopt when malformed.
std::optional<PresentedSecret> ParseKey(absl::string_view key) {
  size_t underscore = key.find('_');
  if (underscore == absl::string_view::npos || underscore == 0 || underscore + 1 == key.size()) {
    return std::nullopt;
  }
  return PresentedSecret{std::string(key.substr(0, underscore)),
                         common::Secret(key.data() + underscore + 1, key.size() - underscore - 1),
                         true};
}

bool LooksLikeJwt(absl::string_view token) {
  return std::count(token.begin(), token.end(), '.') == 2;
}

bool KindMatches(CredentialKind kind, bool bearer) {
  if (bearer) return kind == CredentialKind::kApiKey || kind == CredentialKind::kPublishable;
  return kind == CredentialKind::kBasic;
}

constexpr EnumName<Role> kRoleNames[] = {
    {Role::kMerchant, "merchant"},   {Role::kPublishable, "publishable"},
    {Role::kCustomer, "customer"},   {Role::kProcessor, "processor"},
    {Role::kAdmin, "admin"},
};

constexpr EnumName<CredentialKind> kKindNames[] = {
    {CredentialKind::kBasic, "basic"},
    {CredentialKind::kApiKey, "api_key"},
    {CredentialKind::kPublishable, "publishable"},
    {CredentialKind::kJwtHs256, "jwt_hs256"},
};

}  // namespace

void Authenticator::Fail(const std::string& credential_id, const std::string& application_id,
                         const std::string& request_id, Done done) {
  absl::Status status = Unauthenticated();
  Caller unknown{application_id, credential_id, Role::kMerchant, "", request_id};
  audit_.Append(MakeAuditEvent(unknown, kAuthFailureAction, "", status));
  std::move(done)(std::move(status));
}

void Authenticator::Authenticate(absl::string_view authorization, std::string request_id,
                                 Done done) {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (authorization.size() > kMaxAuthorizationLength) {
    return Fail("", "", request_id, std::move(done));
  }
  std::optional<PresentedSecret> presented;
  if (absl::StartsWithIgnoreCase(authorization, "basic ")) {
    presented = ParseBasic(absl::StripAsciiWhitespace(authorization.substr(6)));
  } else if (absl::StartsWithIgnoreCase(authorization, "bearer ")) {
    absl::string_view token = absl::StripAsciiWhitespace(authorization.substr(7));
    if (LooksLikeJwt(token)) return AuthenticateJwt(token, std::move(request_id), std::move(done));
    presented = ParseKey(token);
  }
  if (!presented) return Fail("", "", request_id, std::move(done));

  std::string presented_hash = hasher_.Hash(presented->secret.Reveal());
  std::string id = presented->id;
  store_.FindCredential(
      std::move(id), [this, presented_hash = std::move(presented_hash),
                      bearer = presented->bearer, claimed_id = presented->id,
                      request_id = std::move(request_id),
                      done = std::move(done)](absl::StatusOr<StoredCredential> stored) mutable {
        if (!stored.ok()) {
          if (!absl::IsNotFound(stored.status())) return std::move(done)(stored.status());
          return Fail(claimed_id, "", request_id, std::move(done));
        }
        // The hash comparison runs whatever the kind, so timing does not tell kinds apart.
        bool secret_matches = hasher_.Equals(presented_hash, stored->secret_hash);
        if (!secret_matches || stored->revoked || !KindMatches(stored->kind, bearer)) {
          return Fail(stored->id, stored->application_id, request_id, std::move(done));
        }
        std::move(done)(
            Caller{stored->application_id, stored->id, stored->role, "", std::move(request_id)});
      });
}

void Authenticator::AuthenticateJwt(absl::string_view token, std::string request_id, Done done) {
  absl::StatusOr<std::string> key_id = tokens_.KeyIdOf(token);
  if (!key_id.ok()) return Fail("", "", request_id, std::move(done));
  store_.FindCredential(
      *key_id, [this, token = std::string(token), claimed_id = *key_id,
                request_id = std::move(request_id),
                done = std::move(done)](absl::StatusOr<StoredCredential> stored) mutable {
        if (!stored.ok()) {
          if (!absl::IsNotFound(stored.status())) return std::move(done)(stored.status());
          return Fail(claimed_id, "", request_id, std::move(done));
        }
        if (stored->revoked || stored->kind != CredentialKind::kJwtHs256) {
          return Fail(stored->id, stored->application_id, request_id, std::move(done));
        }
        absl::StatusOr<std::string> subject = tokens_.VerifiedSubject(token, *stored, clock_());
        if (!subject.ok()) {
          return Fail(stored->id, stored->application_id, request_id, std::move(done));
        }
        std::move(done)(Caller{stored->application_id, stored->id, Role::kCustomer,
                               *std::move(subject), std::move(request_id)});
      });
}

absl::string_view RoleName(Role role) { return NameOf(kRoleNames, role); }

std::optional<Role> RoleFromName(absl::string_view name) { return FromName(kRoleNames, name); }

absl::string_view CredentialKindName(CredentialKind kind) { return NameOf(kKindNames, kind); }

std::optional<CredentialKind> CredentialKindFromName(absl::string_view name) {
  return FromName(kKindNames, name);
}

}  // namespace pi::instruments::domain
