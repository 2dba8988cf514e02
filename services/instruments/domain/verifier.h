// Verification results for new instruments: the security-code and address checks of a card and
// the validation check of a bank account. A real processor plugs in behind Verifier; the
// SandboxVerifier derives results deterministically from documented test inputs, the way payment
// sandboxes do (table in README.md, "Sandbox verification"):
//   security code: none -> UNKNOWN; 200 or 2000 -> UNMATCHED; 300 or 3000 -> UNKNOWN;
//                  any other -> MATCHED
//   address:       none -> NO_ADDRESS; country other than USA/CAN/GBR -> NOT_SUPPORTED;
//                  postal_code 99999 -> NO_MATCH; 11111 -> STREET_MATCH; 22222 -> UNKNOWN;
//                  else line1 and postal_code -> POSTAL_CODE_AND_STREET_MATCH,
//                  postal_code only -> POSTAL_CODE_MATCH, line1 only -> STREET_MATCH,
//                  neither -> NO_ADDRESS
//   bank account:  CAN -> NOT_ATTEMPTED; account ending 0000 -> INVALID;
//                  ending 9999 -> INCONCLUSIVE; any other -> VALID
// Implementations are called on the request thread before secrets are wiped: they must not
// block (a remote verifier belongs behind the storage pool, not here). Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_VERIFIER_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_VERIFIER_H_

#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/card_validation.h"

namespace pi::instruments::domain {

struct CardVerification {
  SecurityCodeCheck security_code = SecurityCodeCheck::kUnknown;
  AddressCheck address = AddressCheck::kUnknown;
};

class Verifier {
 public:
  virtual ~Verifier() = default;
  virtual CardVerification VerifyCard(const NewCard& card) const = 0;
  virtual BankValidationCheck VerifyBankAccount(const NewBankAccount& account) const = 0;
};

class SandboxVerifier : public Verifier {
 public:
  CardVerification VerifyCard(const NewCard& card) const override;
  BankValidationCheck VerifyBankAccount(const NewBankAccount& account) const override;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_VERIFIER_H_
