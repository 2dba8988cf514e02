// Validation of Apple Pay, Google Pay and third-party (TOKEN) instruments (seed 002): the token
// is required and at most kMaxWalletTokenBytes, merchant_identity is a required identity id,
// third_party is optional (letters, digits, '_', at most 64). Every violation at once, under
// `<prefix>.wallet.*`; messages never echo the token. Pure; thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_WALLET_VALIDATION_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_WALLET_VALIDATION_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/common/error.h"
#include "services/common/secret.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

// Apple Pay payment tokens are JSON of a few KiB; leave room, refuse anything larger.
inline constexpr size_t kMaxWalletTokenBytes = 16 * 1024;
inline constexpr size_t kMaxThirdPartyLength = 64;

struct NewWallet {
  InstrumentType type = InstrumentType::kApplePay;  // kApplePay, kGooglePay or kToken
  std::string identity_id;
  common::Secret third_party_token;
  std::string third_party;
  std::string merchant_identity;
  std::string holder_name;
  std::optional<Address> address;
  std::map<std::string, std::string> tags;
};

std::vector<common::FieldViolation> ValidateNewWallet(const NewWallet& wallet,
                                                      absl::string_view prefix);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_WALLET_VALIDATION_H_
