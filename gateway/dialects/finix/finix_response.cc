#include "gateway/dialects/finix/finix_response.h"

#include "absl/strings/str_cat.h"
#include "gateway/dialects/finix/finix_fields.h"

namespace pi::gateway::finix {
namespace {

nlohmann::ordered_json AddressJson(const v1::Address& a) {
  return {{"line1", OrNull(a.line1())},   {"line2", OrNull(a.line2())},
          {"city", OrNull(a.city())},     {"region", OrNull(a.region())},
          {"postal_code", OrNull(a.postal_code())}, {"country", OrNull(a.country())}};
}

nlohmann::ordered_json Address(const v1::PaymentInstrument& instrument) {
  if (!instrument.has_address()) return nullptr;
  return AddressJson(instrument.address());
}

nlohmann::ordered_json Href(const std::string& url) { return {{"href", url}}; }

}  // namespace

nlohmann::ordered_json RenderPaymentInstrument(const v1::PaymentInstrument& instrument,
                                       const FinixOptions& options) {
  std::string type = v1::InstrumentType_Name(instrument.type());
  std::string self =
      absl::StrCat(options.public_base_url, options.prefix, "/payment_instruments/", instrument.id());
  nlohmann::ordered_json out = {
      {"id", instrument.id()},
      {"created_at", Timestamp(instrument.create_time())},
      {"updated_at", Timestamp(instrument.update_time())},
      {"application", instrument.application()},
      {"created_via", instrument.created_via() == v1::TOKENIZATION ? "TOKEN" : "API"},
      {"currency", instrument.currency()},
      {"enabled", instrument.enabled()},
      {"identity", instrument.identity()},
      {"instrument_type", type},
      {"type", type},
      {"name", OrNull(instrument.holder_name())},
      {"address", Address(instrument)},
      {"tags", instrument.tags()},
  };
  if (!instrument.fingerprint().empty()) out["fingerprint"] = instrument.fingerprint();
  if (!instrument.disabled_code().empty()) {
    out["disabled_code"] = instrument.disabled_code();
    out["disabled_message"] = instrument.disabled_message();
  }
  if (instrument.has_card()) {
    const v1::Card& card = instrument.card();
    out["bin"] = card.bin();
    out["last_four"] = card.last_four();
    out["brand"] = Brand(card.brand());
    out["card_type"] = CardType(card.card_type());
    out["expiration_month"] = card.expiration_month();
    out["expiration_year"] = card.expiration_year();
    out["issuer_country"] = IssuerCountry(card.issuer_country());
    out["security_code_verification"] = SecurityCodeVerification(card.security_code_verification());
    out["address_verification"] = AddressVerification(card.address_verification());
    out["account_updater_enabled"] = card.account_updater_enabled();
    out["network_token_enabled"] = card.network_token_enabled();
  }
  if (instrument.has_bank_account()) {
    const v1::BankAccount& bank = instrument.bank_account();
    out["account_type"] = v1::BankAccountType_Name(bank.account_type());
    out["bank_code"] = OrNull(bank.routing_number());
    out["masked_account_number"] = bank.masked_account_number();
    out["country"] = bank.country();
    if (!bank.institution_number().empty()) out["institution_number"] = bank.institution_number();
    if (!bank.transit_number().empty()) out["transit_number"] = bank.transit_number();
    out["bank_account_validation_check"] = BankValidation(bank.validation_check());
  }
  if (instrument.has_wallet()) {
    out["third_party"] = OrNull(instrument.wallet().third_party());
    out["merchant_identity"] = instrument.wallet().merchant_identity();
  }
  out["_links"] = {
      {"self", Href(self)},
      {"authorizations", Href(absl::StrCat(self, "/authorizations"))},
      {"transfers", Href(absl::StrCat(self, "/transfers"))},
      {"verifications", Href(absl::StrCat(self, "/verifications"))},
      {"application",
       Href(absl::StrCat(options.public_base_url, options.prefix, "/applications/",
                         instrument.application()))},
      {"identity", Href(absl::StrCat(options.public_base_url, options.prefix, "/identities/",
                                     instrument.identity()))},
      {"updates", Href(absl::StrCat(self, "/updates"))},
  };
  return out;
}

nlohmann::ordered_json RenderToken(const v1::Token& token, const FinixOptions& options) {
  return {
      {"id", token.id()},
      {"fingerprint", token.fingerprint()},
      {"created_at", Timestamp(token.create_time())},
      {"updated_at", Timestamp(token.create_time())},
      {"instrument_type", v1::InstrumentType_Name(token.type())},
      {"expires_at", Timestamp(token.expire_time())},
      {"currency", "USD"},
      {"_links",
       {{"self", Href(absl::StrCat(options.public_base_url, options.prefix, "/tokens/",
                                   token.id()))}}},
  };
}

nlohmann::ordered_json RenderIdentity(const v1::Identity& identity, const FinixOptions& options) {
  std::string base = absl::StrCat(options.public_base_url, options.prefix);
  std::string self = absl::StrCat(base, "/identities/", identity.id());
  return {
      {"id", identity.id()},
      {"application", identity.application()},
      {"entity",
       {{"first_name", OrNull(identity.first_name())},
        {"last_name", OrNull(identity.last_name())},
        {"email", OrNull(identity.email())},
        {"phone", OrNull(identity.phone())},
        {"personal_address",
         identity.has_address() ? AddressJson(identity.address()) : nlohmann::ordered_json()}}},
      {"tags", identity.tags()},
      {"created_at", Timestamp(identity.create_time())},
      {"updated_at", Timestamp(identity.update_time())},
      {"_links",
       {{"self", Href(self)},
        {"application", Href(absl::StrCat(base, "/applications/", identity.application()))},
        {"payment_instruments",
         Href(absl::StrCat(base, "/payment_instruments?owner_identity_id=", identity.id()))}}},
  };
}

}  // namespace pi::gateway::finix
