#include "services/instruments/api/proto_mapping.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace pi::instruments::api {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::string_view kInstrumentCollection = "paymentInstruments/";

domain::Address ToDomain(const v1::Address& a) {
  return {a.line1(), a.line2(), a.city(), a.region(), a.postal_code(), a.country()};
}

void ToProto(const domain::Address& a, v1::Address* out) {
  out->set_line1(a.line1);
  out->set_line2(a.line2);
  out->set_city(a.city);
  out->set_region(a.region);
  out->set_postal_code(a.postal_code);
  out->set_country(a.country);
}

v1::InstrumentType ToProto(domain::InstrumentType type) {
  switch (type) {
    case domain::InstrumentType::kPaymentCard:
      return v1::PAYMENT_CARD;
    case domain::InstrumentType::kBankAccount:
      return v1::BANK_ACCOUNT;
    case domain::InstrumentType::kApplePay:
      return v1::APPLE_PAY;
    case domain::InstrumentType::kGooglePay:
      return v1::GOOGLE_PAY;
    case domain::InstrumentType::kToken:
      return v1::TOKEN;
  }
  return v1::INSTRUMENT_TYPE_UNSPECIFIED;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

}  // namespace

v1::CardBrand ToProto(domain::CardBrand brand) {
  switch (brand) {
    case domain::CardBrand::kVisa:
      return v1::VISA;
    case domain::CardBrand::kVisaElectron:
      return v1::VISA_ELECTRON;
    case domain::CardBrand::kMastercard:
      return v1::MASTERCARD;
    case domain::CardBrand::kAmericanExpress:
      return v1::AMERICAN_EXPRESS;
    case domain::CardBrand::kDiscover:
      return v1::DISCOVER;
    case domain::CardBrand::kJcb:
      return v1::JCB;
    case domain::CardBrand::kDinersClub:
      return v1::DINERS_CLUB;
    case domain::CardBrand::kChinaUnionPay:
      return v1::CHINA_UNION_PAY;
    case domain::CardBrand::kMaestro:
      return v1::MAESTRO;
    case domain::CardBrand::kElo:
      return v1::ELO;
    case domain::CardBrand::kHipercard:
      return v1::HIPERCARD;
    case domain::CardBrand::kUnknown:
      return v1::UNKNOWN_BRAND;
  }
  return v1::UNKNOWN_BRAND;
}

domain::NewCard ToNewCard(const v1::CreatePaymentInstrumentRequest& request) {
  const v1::PaymentInstrument& in = request.payment_instrument();
  domain::NewCard card;
  card.identity_id = in.identity();
  card.number = common::Secret(in.card().number().data(), in.card().number().size());
  card.security_code =
      common::Secret(in.card().security_code().data(), in.card().security_code().size());
  card.expiration_month = in.card().expiration_month();
  card.expiration_year = in.card().expiration_year();
  card.holder_name = in.holder_name();
  if (in.has_address()) card.address = ToDomain(in.address());
  card.tags.insert(in.tags().begin(), in.tags().end());
  return card;
}

void ToProto(const domain::Instrument& instrument, v1::PaymentInstrument* out) {
  out->set_name(absl::StrCat(kInstrumentCollection, instrument.id));
  out->set_id(instrument.id);
  out->set_type(ToProto(instrument.type));
  out->set_identity(instrument.identity_id);
  out->set_application(instrument.application_id);
  out->set_enabled(instrument.enabled);
  out->set_holder_name(instrument.holder_name);
  out->mutable_tags()->insert(instrument.tags.begin(), instrument.tags.end());
  if (instrument.address) ToProto(*instrument.address, out->mutable_address());
  out->set_currency(instrument.currency);
  out->set_created_via(v1::API);
  if (instrument.card) {
    v1::Card* card = out->mutable_card();
    card->set_bin(instrument.card->bin);
    card->set_last_four(instrument.card->last_four);
    card->set_brand(ToProto(instrument.card->brand));
    card->set_expiration_month(instrument.card->expiration_month);
    card->set_expiration_year(instrument.card->expiration_year);
    // BIN data and verifiers arrive with the validation issue; until then the honest answer.
    card->set_card_type(v1::UNKNOWN_CARD_TYPE);
    card->set_security_code_verification(v1::SECURITY_CODE_UNKNOWN);
    card->set_address_verification(instrument.address ? v1::ADDRESS_UNKNOWN : v1::NO_ADDRESS);
  }
  *out->mutable_create_time() = ToTimestamp(instrument.create_time);
  *out->mutable_update_time() = ToTimestamp(instrument.update_time);
}

std::string InstrumentIdFromName(absl::string_view name) {
  if (absl::StartsWith(name, kInstrumentCollection)) name.remove_prefix(kInstrumentCollection.size());
  if (name.find('/') != absl::string_view::npos) return "";
  return std::string(name);
}

}  // namespace pi::instruments::api
