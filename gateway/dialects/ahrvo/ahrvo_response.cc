#include "gateway/dialects/ahrvo/ahrvo_response.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/dialects/finix/finix_fields.h"

namespace pi::gateway::ahrvo {
namespace {

using finix::OrNull;

// Seed 002's times: RFC 3339 in UTC with the shortest exact fraction ("2023-06-15T10:30:00Z").
std::string Timestamp(const google::protobuf::Timestamp& t) {
  absl::Time time = absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, absl::UTCTimeZone());
}

// The seed's address: only the lines that are set.
nlohmann::ordered_json Address(const v1::Address& a) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string&>{"line1", a.line1()},
        {"line2", a.line2()},
        {"city", a.city()},
        {"region", a.region()},
        {"postal_code", a.postal_code()},
        {"country", a.country()}}) {
    if (!value.empty()) out[name] = value;
  }
  return out;
}

}  // namespace

nlohmann::ordered_json RenderAhrvoPaymentInstrument(const v1::PaymentInstrument& instrument,
                                                    const finix::FinixOptions& options) {
  nlohmann::ordered_json out = {
      {"id", instrument.id()},
      {"created_at", Timestamp(instrument.create_time())},
      {"updated_at", Timestamp(instrument.update_time())},
      {"type", v1::InstrumentType_Name(instrument.type())},
      {"identity", instrument.identity()},
      {"enabled", instrument.enabled()},
      {"fingerprint", instrument.fingerprint()},
      {"currency", instrument.currency()},
      {"name", OrNull(instrument.holder_name())},
  };
  if (!instrument.disabled_code().empty()) {
    out["disabled_code"] = instrument.disabled_code();
    out["disabled_message"] = instrument.disabled_message();
  }
  if (instrument.has_card()) {
    const v1::Card& card = instrument.card();
    out["brand"] = finix::Brand(card.brand());
    out["last_four"] = card.last_four();
    out["expiration_month"] = card.expiration_month();
    out["expiration_year"] = card.expiration_year();
    out["account_updater_enabled"] = card.account_updater_enabled();
    out["network_token_enabled"] = card.network_token_enabled();
    out["security_code_verification"] =
        finix::SecurityCodeVerification(card.security_code_verification());
    out["address_verification"] = finix::AddressVerification(card.address_verification());
  }
  if (instrument.has_bank_account()) {
    const v1::BankAccount& bank = instrument.bank_account();
    out["account_type"] = v1::BankAccountType_Name(bank.account_type());
    if (!bank.routing_number().empty()) out["bank_code"] = bank.routing_number();
    if (!bank.institution_number().empty()) {
      out["institution_number"] = bank.institution_number();
      out["transit_number"] = bank.transit_number();
    }
    if (bank.country() != "USA") out["country"] = bank.country();
    out["masked_account_number"] = bank.masked_account_number();
    out["bank_account_validation_check"] = finix::BankValidation(bank.validation_check());
  }
  if (instrument.has_wallet()) {
    out["third_party"] = OrNull(instrument.wallet().third_party());
    out["merchant_identity"] = instrument.wallet().merchant_identity();
  }
  if (instrument.has_address()) out["address"] = Address(instrument.address());
  out["tags"] = instrument.tags();
  out["_links"] = {
      {"self", {{"href", absl::StrCat(options.public_base_url, options.prefix,
                                      "/payment_instruments/", instrument.id())}}}};
  return out;
}

}  // namespace pi::gateway::ahrvo
