#include "gateway/dialects/rebilly/rebilly_response.h"

#include <utility>

#include "gateway/core/country_codes.h"
#include "google/protobuf/util/time_util.h"

namespace pi::gateway::rebilly {
namespace {

using Json = nlohmann::ordered_json;

std::string Timestamp(const google::protobuf::Timestamp& t) {
  absl::Time time =
      absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(t));
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

Json OrNull(const std::string& value) { return value.empty() ? Json(nullptr) : Json(value); }

Json BillingAddress(const std::string& holder_name, const v1::Address& a) {
  size_t space = holder_name.find(' ');
  std::string first = holder_name.substr(0, space);
  std::string last = space == std::string::npos ? "" : holder_name.substr(space + 1);
  std::string country;
  if (!a.country().empty()) country = core::Alpha3ToAlpha2(a.country()).value_or(a.country());
  return {{"firstName", OrNull(first)},
          {"lastName", OrNull(last)},
          {"organization", nullptr},
          {"address", OrNull(a.line1())},
          {"address2", OrNull(a.line2())},
          {"city", OrNull(a.city())},
          {"region", OrNull(a.region())},
          {"country", OrNull(country)},
          {"postalCode", OrNull(a.postal_code())},
          {"phoneNumbers", Json::array()},
          {"emails", Json::array()},
          {"dob", nullptr},
          {"jobTitle", nullptr}};
}

Json SelfLinks(const std::string& href) { return Json::array({{{"href", href}, {"rel", "self"}}}); }

// True once the last day of the card's expiry month has passed (UTC).
bool Expired(const v1::Card& card, absl::Time now) {
  if (card.expiration_year() <= 0 || card.expiration_month() <= 0) return false;
  absl::CivilMonth after(card.expiration_year(), card.expiration_month() + 1);
  return now >= absl::FromCivil(absl::CivilSecond(after), absl::UTCTimeZone());
}

}  // namespace

std::string RebillyBrand(v1::CardBrand brand) {
  switch (brand) {
    case v1::VISA:
    case v1::VPAY:
      return "Visa";
    case v1::VISA_ELECTRON:
      return "Electron";
    case v1::MASTERCARD:
      return "MasterCard";
    case v1::AMERICAN_EXPRESS:
      return "American Express";
    case v1::DISCOVER:
      return "Discover";
    case v1::MAESTRO:
      return "Maestro";
    case v1::JCB:
      return "JCB";
    case v1::DINERS_CLUB:
      return "Diners Club";
    case v1::CHINA_UNION_PAY:
      return "China UnionPay";
    default:
      return "";
  }
}

Json RenderPaymentInstrument(const v1::PaymentInstrument& instrument, const std::string& self_href,
                             absl::Time now, bool include_token,
                             const std::string& customer_token) {
  const v1::Card& card = instrument.card();
  std::string status = !instrument.enabled() ? "deactivated"
                       : Expired(card, now)  ? "expired"
                                             : "active";
  std::string bank_country;
  if (!card.issuer_country().empty()) {
    bank_country = core::Alpha3ToAlpha2(card.issuer_country()).value_or(card.issuer_country());
  }
  Json custom_fields = Json::object();
  for (const auto& [key, value] : instrument.tags()) custom_fields[key] = value;
  Json out = {
      {"id", instrument.id()},
      {"method", "payment-card"},
      {"status", status},
      {"fingerprint", instrument.fingerprint()},
      {"bin", card.bin()},
      {"last4", card.last_four()},
      {"expYear", card.expiration_year()},
      {"expMonth", card.expiration_month()},
      {"brand", OrNull(RebillyBrand(card.brand()))},
      {"bankCountry", OrNull(bank_country)},
      {"bankName", OrNull(card.issuer_name())},
      {"billingAddress", BillingAddress(instrument.holder_name(), instrument.address())},
      {"useAsBackup", false},
      {"createdTime", Timestamp(instrument.create_time())},
      {"updatedTime", Timestamp(instrument.has_update_time() ? instrument.update_time()
                                                             : instrument.create_time())},
      {"customFields", std::move(custom_fields)},
  };
  if (include_token) out["token"] = OrNull(customer_token);
  out["_links"] = SelfLinks(self_href);
  return out;
}

Json RenderToken(const v1::Token& token, const std::string& self_href) {
  const v1::Card& card = token.card();
  return {
      {"id", token.id()},
      {"method", "payment-card"},
      {"paymentInstrument",
       {{"bin", card.bin()},
        {"last4", card.last_four()},
        {"brand", OrNull(RebillyBrand(card.brand()))},
        {"expMonth", card.expiration_month()},
        {"expYear", card.expiration_year()}}},
      {"billingAddress", BillingAddress(token.holder_name(), token.address())},
      {"isUsed", false},
      {"expirationTime", Timestamp(token.expire_time())},
      {"createdTime", Timestamp(token.create_time())},
      {"_links", SelfLinks(self_href)},
  };
}

}  // namespace pi::gateway::rebilly
