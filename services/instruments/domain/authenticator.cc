#include "services/instruments/domain/authenticator.h"

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
constexpr size_t kMaxAuthorizationLength = 1024;

absl::Status Unauthenticated() {
  return common::MakeError(absl::StatusCode::kUnauthenticated, "UNAUTHENTICATED_CALLER",
                           "missing or invalid credentials");
}

// Splits `Basic base64(id:secret)`. nullopt when malformed.
std::optional<std::pair<std::string, common::Secret>> ParseBasic(absl::string_view authorization) {
  authorization = absl::StripAsciiWhitespace(authorization);
  constexpr absl::string_view kScheme = "basic ";
  if (authorization.size() > kMaxAuthorizationLength ||
      !absl::StartsWithIgnoreCase(authorization, kScheme)) {
    return std::nullopt;
  }
  std::string decoded;
  if (!absl::Base64Unescape(absl::StripAsciiWhitespace(authorization.substr(kScheme.size())),
                            &decoded)) {
    return std::nullopt;
  }
  common::Secret decoded_secret(std::move(decoded));
  absl::string_view pair = decoded_secret.Reveal();
  size_t colon = pair.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == pair.size()) {
    return std::nullopt;
  }
  return std::make_pair(std::string(pair.substr(0, colon)),
                        common::Secret(pair.data() + colon + 1, pair.size() - colon - 1));
}

constexpr EnumName<Role> kRoleNames[] = {
    {Role::kMerchant, "merchant"},
    {Role::kPublishable, "publishable"},
    {Role::kProcessor, "processor"},
    {Role::kAdmin, "admin"},
};

}  // namespace

void Authenticator::Authenticate(absl::string_view authorization, Done done) {
  auto parsed = ParseBasic(authorization);
  if (!parsed) {
    std::move(done)(Unauthenticated());
    return;
  }
  std::string presented_hash = hasher_.Hash(parsed->second.Reveal());
  store_.FindCredential(
      std::move(parsed->first),
      [this, presented_hash = std::move(presented_hash),
       done = std::move(done)](absl::StatusOr<StoredCredential> stored) mutable {
        if (!stored.ok()) {
          std::move(done)(absl::IsNotFound(stored.status()) ? Unauthenticated()
                                                            : stored.status());
          return;
        }
        if (stored->revoked || !hasher_.Equals(presented_hash, stored->secret_hash)) {
          std::move(done)(Unauthenticated());
          return;
        }
        std::move(done)(Caller{stored->application_id, stored->id, stored->role});
      });
}

absl::string_view RoleName(Role role) { return NameOf(kRoleNames, role); }

std::optional<Role> RoleFromName(absl::string_view name) { return FromName(kRoleNames, name); }

}  // namespace pi::instruments::domain
