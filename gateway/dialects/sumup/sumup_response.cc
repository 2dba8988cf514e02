#include "gateway/dialects/sumup/sumup_response.h"

#include "absl/time/time.h"
#include "gateway/core/country_codes.h"
#include "google/protobuf/util/time_util.h"

namespace pi::gateway::sumup {
namespace {

using Json = nlohmann::ordered_json;

// ISO 8601 in UTC with milliseconds, e.g. "2023-06-02T08:15:42.123Z".
std::string Timestamp(const google::protobuf::Timestamp& t) {
  absl::Time time =
      absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(t));
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

void SetIfPresent(Json& out, const char* name, const std::string& value) {
  if (!value.empty()) out[name] = value;
}

}  // namespace

std::string SumUpCardType(v1::CardBrand brand) {
  switch (brand) {
    case v1::VISA:
      return "VISA";
    case v1::VISA_ELECTRON:
      return "VISA_ELECTRON";
    case v1::VPAY:
      return "VISA_VPAY";
    case v1::MASTERCARD:
      return "MASTERCARD";
    case v1::MAESTRO:
      return "MAESTRO";
    case v1::AMERICAN_EXPRESS:
      return "AMEX";
    case v1::DISCOVER:
      return "DISCOVER";
    case v1::DINERS_CLUB:
      return "DINERS";
    case v1::JCB:
      return "JCB";
    case v1::CHINA_UNION_PAY:
      return "CUP";
    case v1::ELO:
      return "ELO";
    case v1::HIPERCARD:
      return "HIPERCARD";
    default:
      return "UNKNOWN";
  }
}

Json RenderPaymentInstrument(const v1::PaymentInstrument& instrument,
                             const MandateRequest* mandate) {
  Json out = {
      {"token", instrument.id()},
      {"active", instrument.enabled()},
      {"type", "card"},
      {"card",
       {{"last_4_digits", instrument.card().last_four()},
        {"type", SumUpCardType(instrument.card().brand())}}},
  };
  if (mandate != nullptr) {
    out["mandate"] = {
        {"type", mandate->type}, {"status", "active"}, {"merchant_code", instrument.application()}};
  }
  out["created_at"] = Timestamp(instrument.create_time());
  return out;
}

Json RenderCustomer(const v1::Identity& identity) {
  Json details = Json::object();
  SetIfPresent(details, "first_name", identity.first_name());
  SetIfPresent(details, "last_name", identity.last_name());
  SetIfPresent(details, "email", identity.email());
  SetIfPresent(details, "phone", identity.phone());
  if (identity.has_address()) {
    const v1::Address& a = identity.address();
    Json address = Json::object();
    SetIfPresent(address, "city", a.city());
    if (!a.country().empty()) {
      address["country"] = core::Alpha3ToAlpha2(a.country()).value_or(a.country());
    }
    SetIfPresent(address, "line_1", a.line1());
    SetIfPresent(address, "line_2", a.line2());
    SetIfPresent(address, "postal_code", a.postal_code());
    SetIfPresent(address, "state", a.region());
    if (!address.empty()) details["address"] = std::move(address);
  }
  Json out = {{"customer_id", identity.external_id()}};
  if (!details.empty()) out["personal_details"] = std::move(details);
  return out;
}

}  // namespace pi::gateway::sumup
