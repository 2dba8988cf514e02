// What a fingerprint is computed over (ports.h Fingerprinter keys it per application). Shared by
// instruments and tokens, so a token and the instrument made from it carry one fingerprint.
//   card:          the PAN alone, whatever its expiry, name or address;
//   bank account:  country + bank (routing number, or institution + transit) + account number.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_FINGERPRINT_MATERIAL_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_FINGERPRINT_MATERIAL_H_

#include "services/common/secret.h"
#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/card_validation.h"

namespace pi::instruments::domain {

common::Secret CardFingerprintMaterial(const NewCard& card);
common::Secret BankAccountFingerprintMaterial(const NewBankAccount& account);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_FINGERPRINT_MATERIAL_H_
