// Tokens: short-lived, single-use stand-ins for raw card or bank data (hosted fields, FramePay).
// A token's payload — everything the caller entered, security code included — is sealed; the
// masked view below is what CreateToken answers and what a payment page may show. Associating a
// token with an identity (instrument_service.h) consumes it exactly once. Pure and thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_TOKEN_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_TOKEN_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/secret.h"
#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/card_validation.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

// Tokens not associated within this long are invalid (seed 003: 30 minutes).
inline constexpr absl::Duration kDefaultTokenTtl = absl::Minutes(30);

// The masked view of a token.
struct Token {
  std::string id;              // TK...
  std::string application_id;  // AP...
  InstrumentType type = InstrumentType::kPaymentCard;
  std::optional<MaskedCard> card;
  std::optional<MaskedBankAccount> bank_account;
  std::string fingerprint;
  absl::Time create_time;
  absl::Time expire_time;

  bool operator==(const Token&) const = default;
};

// What a token carries: exactly one of a card (with its security code) or a bank account, with
// the holder's name and address. Identity and tags are not part of a token; the association
// supplies them.
struct TokenPayload {
  std::optional<NewCard> card;
  std::optional<NewBankAccount> bank_account;
};

// A versioned, length-prefixed binary form of `payload`, built in one buffer so no clear
// fragment is left behind in freed memory; only ever stored sealed.
common::Secret EncodeTokenPayload(const TokenPayload& payload);
// The inverse. DATA_LOSS for anything EncodeTokenPayload did not produce.
absl::StatusOr<TokenPayload> DecodeTokenPayload(absl::string_view encoded);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_TOKEN_H_
