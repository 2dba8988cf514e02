#include "services/instruments/domain/token_service.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "services/common/error.h"
#include "services/instruments/domain/fingerprint_material.h"

namespace pi::instruments::domain {
namespace {

constexpr absl::string_view kPrefix = "token";
constexpr absl::string_view kCreateAction = "token.create";
constexpr absl::string_view kUseAction = "token.use";
constexpr absl::string_view kPayloadField = "token.payload";

// A token has no owner yet: its data is judged like a create's, without the identity.
std::vector<common::FieldViolation> WithoutIdentity(std::vector<common::FieldViolation> all) {
  all.erase(std::remove_if(all.begin(), all.end(),
                           [](const common::FieldViolation& v) {
                             return v.field == "token.identity";
                           }),
            all.end());
  return all;
}

}  // namespace

void TokenService::CreateToken(const Caller& caller, TokenPayload payload, Done done) {
  done = [this, caller, done = std::move(done)](absl::StatusOr<Token> result) mutable {
    if (!result.ok()) deps_.audit.Append(MakeAuditEvent(caller, kCreateAction, "", result.status()));
    std::move(done)(std::move(result));
  };
  absl::Time now = deps_.clock();
  Token token;
  common::Secret material;
  if (payload.card) {
    NewCard& card = *payload.card;
    auto violations = WithoutIdentity(ValidateNewCard(card, now, kPrefix));
    if (!violations.empty()) return std::move(done)(common::InvalidFields(violations));
    token.type = InstrumentType::kPaymentCard;
    MaskedCard masked = MaskCard(card);
    if (const BinInfo* bin = deps_.bins.Lookup(card.number.Reveal())) {
      if (bin->brand != CardBrand::kUnknown) masked.brand = bin->brand;
      masked.card_type = bin->card_type;
      masked.issuer_name = bin->issuer_name;
      masked.issuer_country = bin->issuer_country;
    }
    token.card = std::move(masked);
    material = CardFingerprintMaterial(card);
  } else if (payload.bank_account) {
    NewBankAccount& account = *payload.bank_account;
    auto violations = WithoutIdentity(ValidateNewBankAccount(account, kPrefix));
    if (!violations.empty()) return std::move(done)(common::InvalidFields(violations));
    token.type = InstrumentType::kBankAccount;
    token.bank_account = MaskBankAccount(account);
    material = BankAccountFingerprintMaterial(account);
  } else {
    return std::move(done)(
        common::InvalidFields({{"token.type", "is required: PAYMENT_CARD or BANK_ACCOUNT"}}));
  }
  token.id = deps_.ids.NewId("TK");
  token.application_id = caller.application_id;
  token.fingerprint = deps_.fingerprinter.Fingerprint(caller.application_id, material.Reveal());
  token.create_time = now;
  token.expire_time = now + deps_.ttl;
  SealAndStore(caller, std::move(token), EncodeTokenPayload(payload), false, std::move(done));
}

void TokenService::SealAndStore(const Caller& caller, Token token, common::Secret payload,
                                bool resealed, Done done) {
  auto shared_payload = std::make_shared<common::Secret>(std::move(payload));
  std::string id = token.id;
  deps_.sealer.Seal(
      shared_payload->Clone(), {caller.application_id, id, std::string(kPayloadField)},
      [this, caller, token = std::move(token), shared_payload, resealed,
       done = std::move(done)](absl::StatusOr<SealedSecret> sealed) mutable {
        if (!sealed.ok()) return std::move(done)(sealed.status());
        TokenRecord record{token, std::move(sealed->ciphertext), sealed->key_version, false,
                           MakeAuditEvent(caller, kCreateAction, token.id, absl::OkStatus())};
        deps_.tokens.Insert(
            std::move(record), [this, caller, token = std::move(token), shared_payload, resealed,
                                done = std::move(done)](absl::Status status) mutable {
              if (absl::IsAborted(status) &&
                  common::ErrorReasonOf(status) == "DATA_KEY_ROTATED" && !resealed) {
                deps_.sealer.ForgetActiveKey(caller.application_id);
                return SealAndStore(caller, std::move(token), std::move(*shared_payload), true,
                                    std::move(done));
              }
              if (!status.ok()) return std::move(done)(std::move(status));
              std::move(done)(std::move(token));
            });
      });
}

void TokenService::Associate(const Caller& caller, TokenAssociation association,
                             InstrumentService::Done done) {
  // Refusals before the instrument create are audited here as a failed token use; once the
  // create runs, it audits its own outcome.
  auto create_reached = std::make_shared<bool>(false);
  done = [this, caller, token_id = association.token_id, create_reached,
          done = std::move(done)](absl::StatusOr<Instrument> result) mutable {
    if (!result.ok() && !*create_reached) {
      deps_.audit.Append(MakeAuditEvent(caller, kUseAction, token_id, result.status()));
    }
    std::move(done)(std::move(result));
  };
  if (caller.role == Role::kCustomer) {
    if (association.identity_id.empty()) association.identity_id = caller.customer_identity_id;
    if (association.identity_id != caller.customer_identity_id) {
      return std::move(done)(common::MakeError(
          absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED_FOR_ROLE",
          "a customer may add instruments to its own identity only"));
    }
  }
  std::string token_id = association.token_id;
  deps_.tokens.Find(
      caller.application_id, std::move(token_id),
      [this, caller, association = std::move(association), create_reached,
       done = std::move(done)](absl::StatusOr<TokenRecord> record) mutable {
        if (!record.ok()) return std::move(done)(record.status());
        if (record->used || record->payload_ciphertext.empty()) {
          // A swept payload belongs to an expired token.
          bool expired = !record->used;
          return std::move(done)(common::MakeError(
              absl::StatusCode::kFailedPrecondition,
              expired ? "TOKEN_EXPIRED" : "TOKEN_ALREADY_USED",
              expired ? "the token expired" : "the token was already used"));
        }
        if (record->token.expire_time <= deps_.clock()) {
          return std::move(done)(common::MakeError(absl::StatusCode::kFailedPrecondition,
                                                   "TOKEN_EXPIRED", "the token expired"));
        }
        Token token = record->token;
        deps_.opener.Open(
            std::move(record->payload_ciphertext),
            {caller.application_id, token.id, std::string(kPayloadField)},
            [this, caller, association = std::move(association), token, create_reached,
             done = std::move(done)](absl::StatusOr<common::Secret> opened) mutable {
              if (!opened.ok()) return std::move(done)(opened.status());
              absl::StatusOr<TokenPayload> payload = DecodeTokenPayload(opened->Reveal());
              if (!payload.ok()) return std::move(done)(payload.status());
              CreateOptions options{token.id};
              *create_reached = true;
              auto own = [&](std::string& identity, std::string& holder,
                             std::map<std::string, std::string>& tags,
                             std::optional<Address>& address) {
                identity = association.identity_id;
                if (!association.holder_name.empty()) holder = association.holder_name;
                if (association.address) address = association.address;
                tags = association.tags;
              };
              if (payload->card) {
                NewCard& card = *payload->card;
                own(card.identity_id, card.holder_name, card.tags, card.address);
                return deps_.instruments.CreateCard(caller, std::move(card), std::move(done),
                                                    std::move(options));
              }
              NewBankAccount& account = *payload->bank_account;
              own(account.identity_id, account.holder_name, account.tags, account.address);
              deps_.instruments.CreateBankAccount(caller, std::move(account), std::move(done),
                                                  std::move(options));
            });
      });
}

}  // namespace pi::instruments::domain
