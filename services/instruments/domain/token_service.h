// The token use cases.
//
// CreateToken validates card or bank data like a create would (every violation at once, paths
// under "token."; no identity: a token has no owner yet), masks and fingerprints it, seals the
// whole payload (security code included) bound to the token id, and stores it with an expiry
// `ttl` after now. Answers the masked token.
//
// Associate turns a token into an instrument owned by an identity: the token must belong to the
// caller's application (else NOT_FOUND), be unused (TOKEN_ALREADY_USED) and unexpired by the
// clock (TOKEN_EXPIRED), both FAILED_PRECONDITION. Its payload is opened and goes through the
// instrument create (validation, verification with the security code, which is then dropped,
// sealing); the repository consumes the token in the instrument's transaction, so exactly one
// association succeeds however many race, on any number of replicas. A customer caller may only
// associate with its own identity (an empty identity means its own).
//
// `done` runs exactly once, usually on a storage thread. Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_TOKEN_SERVICE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_TOKEN_SERVICE_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/instruments/domain/audit.h"
#include "services/instruments/domain/bin_table.h"
#include "services/instruments/domain/caller.h"
#include "services/instruments/domain/instrument_service.h"
#include "services/instruments/domain/ports.h"
#include "services/instruments/domain/token.h"

namespace pi::instruments::domain {

// What the caller adds when associating: the owner and the instrument's own fields. Empty
// holder_name and no address keep what the token carries.
struct TokenAssociation {
  std::string token_id;
  std::string identity_id;
  std::string holder_name;
  std::map<std::string, std::string> tags;
  std::optional<Address> address;
};

class TokenService {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<Token>) &&>;
  using Clock = std::function<absl::Time()>;

  // Every reference must outlive the service.
  struct Dependencies {
    TokenRepository& tokens;
    FieldSealer& sealer;
    FieldOpener& opener;
    AuditLog& audit;
    const Fingerprinter& fingerprinter;
    const IdGenerator& ids;
    const BinTable& bins;
    InstrumentService& instruments;
    Clock clock;
    absl::Duration ttl = kDefaultTokenTtl;
  };

  explicit TokenService(Dependencies deps) : deps_(std::move(deps)) {}

  // `payload` holds exactly one of card or bank account; its secrets are wiped on return.
  void CreateToken(const Caller& caller, TokenPayload payload, Done done);

  void Associate(const Caller& caller, TokenAssociation association,
                 InstrumentService::Done done);

 private:
  void SealAndStore(const Caller& caller, Token token, common::Secret payload, bool resealed,
                    Done done);

  Dependencies deps_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_TOKEN_SERVICE_H_
