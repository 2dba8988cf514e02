#include "services/instruments/domain/origin_policy.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/error.h"
#include "services/instruments/domain/web_origin.h"

namespace pi::instruments::domain {
namespace {

absl::Status NotAllowed() {
  return common::MakeError(absl::StatusCode::kPermissionDenied, "ORIGIN_NOT_ALLOWED",
                           "this origin is not allowed for the application");
}

}  // namespace

void OriginPolicy::Check(const Caller& caller, absl::string_view action, std::string origin,
                         Done done) {
  auto refuse = [this, caller, action = std::string(action)](Done answer) {
    absl::Status refused = NotAllowed();
    audit_.Append(MakeAuditEvent(caller, action, "", refused));
    std::move(answer)(refused);
  };
  absl::StatusOr<std::string> canonical = CanonicalOrigin(origin);
  if (!canonical.ok()) return refuse(std::move(done));
  store_.FindAllowedOrigins(
      caller.application_id,
      [canonical = *std::move(canonical), refuse = std::move(refuse),
       done = std::move(done)](absl::StatusOr<std::vector<std::string>> allowed) mutable {
        if (!allowed.ok()) return std::move(done)(allowed.status());
        if (std::find(allowed->begin(), allowed->end(), canonical) == allowed->end()) {
          return refuse(std::move(done));
        }
        std::move(done)(std::move(canonical));
      });
}

}  // namespace pi::instruments::domain
