#include "services/instruments/domain/instrument_service.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/error.h"
#include "services/instruments/domain/field_rules.h"
#include "services/instruments/domain/fingerprint_material.h"

namespace pi::instruments::domain {
namespace {

constexpr absl::string_view kPrefix = "payment_instrument";
constexpr absl::string_view kCreateAction = "instrument.create";
constexpr absl::string_view kRevealAction = "instrument.reveal";

absl::Status InstrumentNotFound() {
  return common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                           "payment instrument not found");
}

// A customer caller owns only its identity's instruments.
bool Visible(const Caller& caller, const Instrument& instrument) {
  return caller.role != Role::kCustomer || instrument.identity_id == caller.customer_identity_id;
}

// A reveal's reason is stored in the audit trail, so it must not be able to carry a card or
// account number: at most 4 digits in a row and 8 in all, no control characters.
bool ValidRevealReason(absl::string_view reason) {
  if (reason.empty() || Utf8Length(reason) > kMaxRevealReasonLength) return false;
  int digit_run = 0, digits = 0;
  for (char c : reason) {
    bool digit = absl::ascii_isdigit(static_cast<unsigned char>(c));
    digit_run = digit ? digit_run + 1 : 0;
    digits += digit ? 1 : 0;
    if (digit_run > 4 || digits > 8 || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

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

// What a create carries from sealing to storing, and into a second attempt after a rotation.
struct InstrumentService::PendingCreate {
  Instrument instrument;
  common::Secret secret;
  Done done;
  AuditEvent audit;
  CreateOptions options;
  std::optional<IdempotencyRecord> idempotency;
  bool resealed = false;
};

InstrumentService::Done InstrumentService::AuditFailures(const Caller& caller,
                                                        absl::string_view action, Done done) {
  return [this, caller, action = std::string(action),
          done = std::move(done)](absl::StatusOr<Instrument> result) mutable {
    if (!result.ok()) deps_.audit.Append(MakeAuditEvent(caller, action, "", result.status()));
    std::move(done)(std::move(result));
  };
}

void InstrumentService::CreateCard(const Caller& caller, NewCard card, Done done,
                                   CreateOptions options) {
  done = AuditFailures(caller, kCreateAction, std::move(done));
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
  common::Secret material = CardFingerprintMaterial(card);
  Create(caller, std::move(instrument), now, material, std::move(card.number), std::move(done),
         std::move(options));
}

void InstrumentService::CreateBankAccount(const Caller& caller, NewBankAccount account,
                                          Done done, CreateOptions options) {
  done = AuditFailures(caller, kCreateAction, std::move(done));
  std::vector<common::FieldViolation> violations = ValidateNewBankAccount(account, kPrefix);
  if (!violations.empty()) return std::move(done)(common::InvalidFields(violations));

  Instrument instrument = Owned(account.identity_id, InstrumentType::kBankAccount,
                                account.holder_name, account.tags, account.address);
  MaskedBankAccount masked = MaskBankAccount(account);
  masked.validation_check = deps_.verifier.VerifyBankAccount(account);
  instrument.bank_account = std::move(masked);
  instrument.currency = BankCurrency(account);
  common::Secret material = BankAccountFingerprintMaterial(account);
  Create(caller, std::move(instrument), deps_.clock(), material, std::move(account.account_number),
         std::move(done), std::move(options));
}

void InstrumentService::CreateWallet(const Caller& caller, NewWallet wallet, Done done) {
  done = AuditFailures(caller, kCreateAction, std::move(done));
  std::vector<common::FieldViolation> violations = ValidateNewWallet(wallet, kPrefix);
  if (!violations.empty()) return std::move(done)(common::InvalidFields(violations));

  Instrument instrument =
      Owned(wallet.identity_id, wallet.type, wallet.holder_name, wallet.tags, wallet.address);
  instrument.wallet = WalletDetails{wallet.third_party, wallet.merchant_identity};
  common::Secret material(absl::StrCat("wallet:", InstrumentTypeName(wallet.type), ":",
                                       wallet.third_party, ":",
                                       wallet.third_party_token.Reveal()));
  Create(caller, std::move(instrument), deps_.clock(), material,
         std::move(wallet.third_party_token), std::move(done), CreateOptions{});
}

void InstrumentService::Create(const Caller& caller, Instrument instrument, absl::Time now,
                               const common::Secret& fingerprint_material, common::Secret secret,
                               Done done, CreateOptions options) {
  instrument.id = deps_.ids.NewId("PI");
  instrument.created_from_token = !options.consume_token_id.empty();
  instrument.application_id = caller.application_id;
  instrument.create_time = now;
  instrument.update_time = now;
  instrument.fingerprint =
      deps_.fingerprinter.Fingerprint(caller.application_id, fingerprint_material.Reveal());
  AuditEvent audit = MakeAuditEvent(caller, kCreateAction, instrument.id, absl::OkStatus());
  std::optional<IdempotencyRecord> idempotency;
  if (!caller.idempotency_key.empty()) {
    idempotency = IdempotencyRecord{caller.idempotency_key, std::string(kCreateAction),
                                    caller.request_hash, now + kIdempotencyKeyRetention};
  }
  SealAndInsert(std::make_shared<PendingCreate>(
      PendingCreate{std::move(instrument), std::move(secret), std::move(done), std::move(audit),
                    std::move(options), std::move(idempotency)}));
}

void InstrumentService::SealAndInsert(std::shared_ptr<PendingCreate> pending) {
  const Instrument& instrument = pending->instrument;
  deps_.sealer.Seal(
      pending->secret.Clone(),
      {instrument.application_id, instrument.id, std::string(SecretFieldName(instrument.type))},
      [this, pending](absl::StatusOr<SealedSecret> sealed) {
        if (!sealed.ok()) {
          pending->secret.Clear();
          return std::move(pending->done)(sealed.status());
        }
        InstrumentRecord record{pending->instrument,         std::move(sealed->ciphertext),
                                sealed->key_version,         pending->audit,
                                pending->options.consume_token_id, pending->idempotency};
        deps_.repository.Insert(std::move(record), [this, pending](absl::Status status) {
          if (absl::IsAborted(status) && common::ErrorReasonOf(status) == "DATA_KEY_ROTATED" &&
              !pending->resealed) {
            pending->resealed = true;
            deps_.sealer.ForgetActiveKey(pending->instrument.application_id);
            return SealAndInsert(pending);
          }
          pending->secret.Clear();
          if (!status.ok()) return std::move(pending->done)(std::move(status));
          std::move(pending->done)(std::move(pending->instrument));
        });
      });
}

void InstrumentService::Get(const Caller& caller, std::string id, Done done) {
  deps_.repository.Find(caller.application_id, std::move(id),
                        [caller, done = std::move(done)](absl::StatusOr<Instrument> found) mutable {
                          if (found.ok() && !Visible(caller, *found)) {
                            return std::move(done)(InstrumentNotFound());
                          }
                          std::move(done)(std::move(found));
                        });
}

void InstrumentService::Update(const Caller& caller, std::string id, InstrumentUpdate update,
                               Done done) {
  // Disabling is its own audited action; any other change is an update.
  absl::string_view action =
      update.enabled.has_value() && !*update.enabled ? "instrument.disable" : "instrument.update";
  done = AuditFailures(caller, action, std::move(done));
  if (update.empty()) {
    return std::move(done)(
        common::InvalidFields({{"update_mask", "names no field to change"}}));
  }
  absl::Time now = deps_.clock();
  AuditEvent audit = MakeAuditEvent(caller, action, id, absl::OkStatus());
  deps_.repository.Update(
      caller.application_id, std::move(id),
      [caller, update = std::move(update), now](Instrument& instrument) {
        if (!Visible(caller, instrument)) return InstrumentNotFound();
        return ApplyUpdate(update, now, instrument);
      },
      std::move(audit), std::move(done));
}

void InstrumentService::List(const Caller& caller, const ListRequest& request, ListDone done) {
  absl::StatusOr<InstrumentQuery> query = ToInstrumentQuery(request);
  if (!query.ok()) return std::move(done)(query.status());
  if (caller.role == Role::kCustomer) {
    // A customer lists its own instruments, whatever owner filter it sent.
    if (!query->identity_id.empty() && query->identity_id != caller.customer_identity_id) {
      return std::move(done)(InstrumentPage{});
    }
    query->identity_id = caller.customer_identity_id;
  }
  deps_.repository.List(caller.application_id, *std::move(query), std::move(done));
}

void InstrumentService::Reveal(const Caller& caller, std::string id, std::string reason,
                               RevealDone done) {
  auto finish = [this, caller, id, reason](RevealDone reply,
                                           absl::StatusOr<RevealedInstrument> result) {
    AuditEvent event = MakeAuditEvent(caller, kRevealAction, id, result.status());
    if (ValidRevealReason(reason)) event.detail = reason;
    deps_.audit.Append(std::move(event));
    std::move(reply)(std::move(result));
  };
  if (!ValidRevealReason(reason)) {
    return finish(std::move(done),
                  common::InvalidFields({{"reason",
                                          absl::StrCat("is required: 1 to ", kMaxRevealReasonLength,
                                                       " characters, at most 4 digits in a row "
                                                       "and 8 in all, no control characters")}}));
  }
  deps_.repository.FindSealed(
      caller.application_id, id,
      [this, finish, done = std::move(done)](absl::StatusOr<InstrumentRecord> record) mutable {
        if (!record.ok()) return finish(std::move(done), record.status());
        Instrument instrument = std::move(record->instrument);
        if (!instrument.card && !instrument.bank_account) {
          // A wallet's third-party token is sealed too, but reveal is for card and account
          // numbers only.
          return finish(std::move(done),
                        common::MakeError(absl::StatusCode::kFailedPrecondition, "NOT_REVEALABLE",
                                          "only cards and bank accounts can be revealed"));
        }
        SealContext context{instrument.application_id, instrument.id,
                            std::string(SecretFieldName(instrument.type))};
        deps_.opener.Open(
            std::move(record->secret_ciphertext), std::move(context),
            [finish, instrument = std::move(instrument),
             done = std::move(done)](absl::StatusOr<common::Secret> secret) mutable {
              if (!secret.ok()) return finish(std::move(done), secret.status());
              finish(std::move(done),
                     RevealedInstrument{std::move(instrument), *std::move(secret)});
            });
      });
}

}  // namespace pi::instruments::domain
