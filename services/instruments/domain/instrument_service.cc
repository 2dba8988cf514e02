#include "services/instruments/domain/instrument_service.h"

#include <utility>

#include "services/common/error.h"

namespace pi::instruments::domain {
namespace {

constexpr absl::string_view kPrefix = "payment_instrument";

Instrument Owned(const std::string& identity_id, InstrumentType type,
                 const std::string& holder_name, const std::map<std::string, std::string>& tags,
                 const std::optional<Address>& address) {
  Instrument instrument;
  instrument.identity_id = identity_id;
  instrument.type = type;
  instrument.enabled = true;
  instrument.holder_name = holder_name;
  instrument.tags = tags;
  instrument.address = address;
  return instrument;
}

void Enrich(MaskedCard& card, const BinInfo* bin) {
  if (bin == nullptr) return;
  if (bin->brand != CardBrand::kUnknown) card.brand = bin->brand;
  card.card_type = bin->card_type;
  card.issuer_name = bin->issuer_name;
  card.issuer_country = bin->issuer_country;
}

}  // namespace

void InstrumentService::CreateCard(const Caller& caller, NewCard card, Done done) {
  absl::Time now = deps_.clock();
  std::vector<common::FieldViolation> violations = ValidateNewCard(card, now, kPrefix);
  if (!violations.empty()) return std::move(done)(common::InvalidFields(violations));

  Instrument instrument = Owned(card.identity_id, InstrumentType::kPaymentCard, card.holder_name,
                                card.tags, card.address);
  MaskedCard masked = MaskCard(card);
  Enrich(masked, deps_.bins.Lookup(card.number.Reveal()));
  CardVerification verification = deps_.verifier.VerifyCard(card);
  masked.security_code_check = verification.security_code;
  masked.address_check = verification.address;
  instrument.card = std::move(masked);
  card.security_code.Clear();
  Store(caller, std::move(instrument), now, card.number.Reveal(), "card.number", std::move(done));
}

void InstrumentService::CreateBankAccount(const Caller& caller, NewBankAccount account,
                                          Done done) {
  std::vector<common::FieldViolation> violations = ValidateNewBankAccount(account, kPrefix);
  if (!violations.empty()) return std::move(done)(common::InvalidFields(violations));

  Instrument instrument = Owned(account.identity_id, InstrumentType::kBankAccount,
                                account.holder_name, account.tags, account.address);
  MaskedBankAccount masked = MaskBankAccount(account);
  masked.validation_check = deps_.verifier.VerifyBankAccount(account);
  instrument.bank_account = std::move(masked);
  instrument.currency = BankCurrency(account);
  Store(caller, std::move(instrument), deps_.clock(), account.account_number.Reveal(),
        "bank_account.account_number", std::move(done));
}

void InstrumentService::CreateWallet(const Caller& caller, NewWallet wallet, Done done) {
  std::vector<common::FieldViolation> violations = ValidateNewWallet(wallet, kPrefix);
  if (!violations.empty()) return std::move(done)(common::InvalidFields(violations));

  Instrument instrument =
      Owned(wallet.identity_id, wallet.type, wallet.holder_name, wallet.tags, wallet.address);
  instrument.wallet = WalletDetails{wallet.third_party, wallet.merchant_identity};
  Store(caller, std::move(instrument), deps_.clock(), wallet.third_party_token.Reveal(),
        "wallet.third_party_token", std::move(done));
}

void InstrumentService::Store(const Caller& caller, Instrument instrument, absl::Time now,
                              absl::string_view secret, absl::string_view field, Done done) {
  instrument.id = deps_.ids.NewId("PI");
  instrument.application_id = caller.application_id;
  instrument.create_time = now;
  instrument.update_time = now;

  absl::StatusOr<std::string> ciphertext =
      deps_.sealer.Seal(secret, {caller.application_id, instrument.id, field});
  if (!ciphertext.ok()) return std::move(done)(ciphertext.status());

  InstrumentRecord record{instrument, *std::move(ciphertext)};
  deps_.repository.Insert(
      std::move(record),
      [reply = std::move(instrument), done = std::move(done)](absl::Status status) mutable {
        if (!status.ok()) return std::move(done)(std::move(status));
        std::move(done)(std::move(reply));
      });
}

void InstrumentService::Get(const Caller& caller, std::string id, Done done) {
  deps_.repository.Find(caller.application_id, std::move(id), std::move(done));
}

}  // namespace pi::instruments::domain
