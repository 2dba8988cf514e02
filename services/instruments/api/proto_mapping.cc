#include "services/instruments/api/proto_mapping.h"

#include <optional>

#include "absl/strings/match.h"
#include "services/common/error.h"
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

v1::CardType ToProto(domain::CardType type) {
  switch (type) {
    case domain::CardType::kCredit:
      return v1::CREDIT;
    case domain::CardType::kDebit:
      return v1::DEBIT;
    case domain::CardType::kHsaFsa:
      return v1::HSA_FSA;
    case domain::CardType::kNonReloadablePrepaid:
      return v1::NON_RELOADABLE_PREPAID;
    case domain::CardType::kReloadablePrepaid:
      return v1::RELOADABLE_PREPAID;
    case domain::CardType::kUnknown:
      return v1::UNKNOWN_CARD_TYPE;
  }
  return v1::UNKNOWN_CARD_TYPE;
}

v1::SecurityCodeVerification ToProto(domain::SecurityCodeCheck check) {
  switch (check) {
    case domain::SecurityCodeCheck::kMatched:
      return v1::SECURITY_CODE_MATCHED;
    case domain::SecurityCodeCheck::kUnmatched:
      return v1::SECURITY_CODE_UNMATCHED;
    case domain::SecurityCodeCheck::kUnknown:
      return v1::SECURITY_CODE_UNKNOWN;
  }
  return v1::SECURITY_CODE_UNKNOWN;
}

v1::AddressVerification ToProto(domain::AddressCheck check) {
  switch (check) {
    case domain::AddressCheck::kNotSupported:
      return v1::ADDRESS_NOT_SUPPORTED;
    case domain::AddressCheck::kNoAddress:
      return v1::NO_ADDRESS;
    case domain::AddressCheck::kNoMatch:
      return v1::NO_MATCH;
    case domain::AddressCheck::kPostalCodeAndStreetMatch:
      return v1::POSTAL_CODE_AND_STREET_MATCH;
    case domain::AddressCheck::kPostalCodeMatch:
      return v1::POSTAL_CODE_MATCH;
    case domain::AddressCheck::kStreetMatch:
      return v1::STREET_MATCH;
    case domain::AddressCheck::kUnknown:
      return v1::ADDRESS_UNKNOWN;
  }
  return v1::ADDRESS_UNKNOWN;
}

v1::BankAccountType ToProto(domain::BankAccountType type) {
  switch (type) {
    case domain::BankAccountType::kChecking:
      return v1::CHECKING;
    case domain::BankAccountType::kSavings:
      return v1::SAVINGS;
    case domain::BankAccountType::kBusinessChecking:
      return v1::BUSINESS_CHECKING;
    case domain::BankAccountType::kPersonalChecking:
      return v1::PERSONAL_CHECKING;
  }
  return v1::BANK_ACCOUNT_TYPE_UNSPECIFIED;
}

std::optional<domain::BankAccountType> ToDomain(v1::BankAccountType type) {
  switch (type) {
    case v1::CHECKING:
      return domain::BankAccountType::kChecking;
    case v1::SAVINGS:
      return domain::BankAccountType::kSavings;
    case v1::BUSINESS_CHECKING:
      return domain::BankAccountType::kBusinessChecking;
    case v1::PERSONAL_CHECKING:
      return domain::BankAccountType::kPersonalChecking;
    default:
      return std::nullopt;
  }
}

v1::BankAccountValidationCheck ToProto(domain::BankValidationCheck check) {
  switch (check) {
    case domain::BankValidationCheck::kValid:
      return v1::VALID;
    case domain::BankValidationCheck::kInvalid:
      return v1::INVALID;
    case domain::BankValidationCheck::kInconclusive:
      return v1::INCONCLUSIVE;
    case domain::BankValidationCheck::kNotAttempted:
      return v1::NOT_ATTEMPTED;
  }
  return v1::NOT_ATTEMPTED;
}

common::Secret SecretOf(const std::string& value) {
  return common::Secret(value.data(), value.size());
}

}  // namespace

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

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
    case domain::CardBrand::kVpay:
      return v1::VPAY;
    case domain::CardBrand::kUnknown:
      return v1::UNKNOWN_BRAND;
  }
  return v1::UNKNOWN_BRAND;
}

namespace {

// The card fields of `in` (secrets copied into Secrets); owner fields are the caller's.
domain::NewCard CardFromProto(const v1::Card& in) {
  domain::NewCard card;
  card.number = SecretOf(in.number());
  card.security_code = SecretOf(in.security_code());
  card.expiration_month = in.expiration_month();
  card.expiration_year = in.expiration_year();
  card.account_updater_enabled = in.account_updater_enabled();
  card.network_token_enabled = in.network_token_enabled();
  return card;
}

domain::NewBankAccount BankAccountFromProto(const v1::BankAccount& bank) {
  domain::NewBankAccount account;
  account.account_number = SecretOf(bank.account_number());
  account.routing_number = bank.routing_number();
  account.institution_number = bank.institution_number();
  account.transit_number = bank.transit_number();
  account.account_type = ToDomain(bank.account_type());
  account.country = bank.country();
  account.currency = bank.currency();
  return account;
}

void ToProto(const domain::MaskedCard& c, v1::Card* card) {
  card->set_bin(c.bin);
  card->set_last_four(c.last_four);
  card->set_brand(api::ToProto(c.brand));  // qualified: this namespace hides the overload
  card->set_expiration_month(c.expiration_month);
  card->set_expiration_year(c.expiration_year);
  card->set_card_type(ToProto(c.card_type));
  card->set_issuer_country(c.issuer_country);
  card->set_issuer_name(c.issuer_name);
  card->set_security_code_verification(ToProto(c.security_code_check));
  card->set_address_verification(ToProto(c.address_check));
  card->set_account_updater_enabled(c.account_updater_enabled);
  card->set_network_token_enabled(c.network_token_enabled);
}

void ToProto(const domain::MaskedBankAccount& b, const std::string& currency,
             v1::BankAccount* bank) {
  bank->set_masked_account_number(b.masked_account_number);
  bank->set_last_four(b.last_four);
  bank->set_routing_number(b.routing_number);
  bank->set_institution_number(b.institution_number);
  bank->set_transit_number(b.transit_number);
  bank->set_account_type(ToProto(b.account_type));
  bank->set_country(b.country);
  bank->set_currency(currency);
  bank->set_validation_check(ToProto(b.validation_check));
}

}  // namespace

domain::NewCard ToNewCard(const v1::CreatePaymentInstrumentRequest& request) {
  const v1::PaymentInstrument& in = request.payment_instrument();
  domain::NewCard card = CardFromProto(in.card());
  card.identity_id = in.identity();
  card.holder_name = in.holder_name();
  if (in.has_address()) card.address = ToDomain(in.address());
  card.tags.insert(in.tags().begin(), in.tags().end());
  return card;
}

domain::NewBankAccount ToNewBankAccount(const v1::CreatePaymentInstrumentRequest& request) {
  const v1::PaymentInstrument& in = request.payment_instrument();
  domain::NewBankAccount account = BankAccountFromProto(in.bank_account());
  account.identity_id = in.identity();
  account.holder_name = in.holder_name();
  if (in.has_address()) account.address = ToDomain(in.address());
  account.tags.insert(in.tags().begin(), in.tags().end());
  return account;
}

domain::TokenPayload ToTokenPayload(const v1::CreateTokenRequest& request) {
  const v1::Token& in = request.token();
  domain::TokenPayload payload;
  auto own = [&](std::string& holder, std::optional<domain::Address>& address) {
    holder = in.holder_name();
    if (in.has_address()) address = ToDomain(in.address());
  };
  if (in.type() == v1::PAYMENT_CARD) {
    payload.card = CardFromProto(in.card());
    own(payload.card->holder_name, payload.card->address);
  } else if (in.type() == v1::BANK_ACCOUNT) {
    payload.bank_account = BankAccountFromProto(in.bank_account());
    own(payload.bank_account->holder_name, payload.bank_account->address);
  }
  return payload;
}

domain::TokenAssociation ToTokenAssociation(const v1::CreatePaymentInstrumentRequest& request) {
  const v1::PaymentInstrument& in = request.payment_instrument();
  domain::TokenAssociation association;
  association.token_id = request.token();
  association.identity_id = in.identity();
  association.holder_name = in.holder_name();
  association.tags.insert(in.tags().begin(), in.tags().end());
  if (in.has_address()) association.address = ToDomain(in.address());
  return association;
}

void ToProto(const domain::Token& token, v1::Token* out) {
  out->set_name(absl::StrCat("tokens/", token.id));
  out->set_id(token.id);
  out->set_type(token.type == domain::InstrumentType::kBankAccount ? v1::BANK_ACCOUNT
                                                                   : v1::PAYMENT_CARD);
  if (token.card) ToProto(*token.card, out->mutable_card());
  if (token.bank_account) ToProto(*token.bank_account, "", out->mutable_bank_account());
  out->set_fingerprint(token.fingerprint);
  out->set_application(token.application_id);
  *out->mutable_create_time() = ToTimestamp(token.create_time);
  *out->mutable_expire_time() = ToTimestamp(token.expire_time);
}

domain::NewWallet ToNewWallet(const v1::CreatePaymentInstrumentRequest& request) {
  const v1::PaymentInstrument& in = request.payment_instrument();
  domain::NewWallet wallet;
  wallet.type = in.type() == v1::GOOGLE_PAY ? domain::InstrumentType::kGooglePay
                : in.type() == v1::TOKEN    ? domain::InstrumentType::kToken
                                            : domain::InstrumentType::kApplePay;
  wallet.identity_id = in.identity();
  wallet.third_party_token = SecretOf(in.wallet().third_party_token());
  wallet.third_party = in.wallet().third_party();
  wallet.merchant_identity = in.wallet().merchant_identity();
  wallet.holder_name = in.holder_name();
  if (in.has_address()) wallet.address = ToDomain(in.address());
  wallet.tags.insert(in.tags().begin(), in.tags().end());
  return wallet;
}

void ToProto(const domain::Instrument& instrument, v1::PaymentInstrument* out) {
  out->set_name(absl::StrCat(kInstrumentCollection, instrument.id));
  out->set_id(instrument.id);
  out->set_type(ToProto(instrument.type));
  out->set_identity(instrument.identity_id);
  out->set_application(instrument.application_id);
  out->set_enabled(instrument.enabled);
  out->set_disabled_code(instrument.disabled_code);
  out->set_disabled_message(instrument.disabled_message);
  out->set_holder_name(instrument.holder_name);
  out->mutable_tags()->insert(instrument.tags.begin(), instrument.tags.end());
  if (instrument.address) ToProto(*instrument.address, out->mutable_address());
  out->set_currency(instrument.currency);
  out->set_fingerprint(instrument.fingerprint);
  out->set_created_via(instrument.created_from_token ? v1::TOKENIZATION : v1::API);
  if (instrument.card) ToProto(*instrument.card, out->mutable_card());
  if (instrument.bank_account) {
    ToProto(*instrument.bank_account, instrument.currency, out->mutable_bank_account());
  }
  if (instrument.wallet) {
    v1::Wallet* wallet = out->mutable_wallet();
    wallet->set_third_party(instrument.wallet->third_party);
    wallet->set_merchant_identity(instrument.wallet->merchant_identity);
  }
  *out->mutable_create_time() = ToTimestamp(instrument.create_time);
  *out->mutable_update_time() = ToTimestamp(instrument.update_time);
}

absl::StatusOr<domain::InstrumentUpdate> ToInstrumentUpdate(
    const v1::UpdatePaymentInstrumentRequest& request) {
  const v1::PaymentInstrument& in = request.payment_instrument();
  domain::InstrumentUpdate update;
  std::vector<common::FieldViolation> violations;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "enabled") {
      update.enabled = in.enabled();
    } else if (path == "holder_name") {
      update.holder_name = in.holder_name();
    } else if (path == "tags") {
      update.tags = std::map<std::string, std::string>(in.tags().begin(), in.tags().end());
    } else if (path == "address") {
      update.address = in.has_address() ? std::optional<domain::Address>(ToDomain(in.address()))
                                        : std::nullopt;
    } else if (path == "card.expiration_month") {
      update.expiration_month = in.card().expiration_month();
    } else if (path == "card.expiration_year") {
      update.expiration_year = in.card().expiration_year();
    } else {
      violations.push_back({"update_mask", absl::StrCat("cannot update '", path,
                                                        "': enabled, holder_name, tags, address, "
                                                        "card.expiration_month, "
                                                        "card.expiration_year")});
    }
  }
  if (!violations.empty()) return common::InvalidFields(violations);
  return update;
}

namespace {

// A google.protobuf.Timestamp in its documented range (0001-01-01 to 9999-12-31): beyond it the
// microsecond conversion would overflow.
bool IsValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
         t.nanos() <= 999999999;
}

}  // namespace

absl::StatusOr<domain::ListRequest> ToListRequest(
    const v1::ListPaymentInstrumentsRequest& request) {
  std::vector<common::FieldViolation> violations;
  domain::ListRequest out;
  out.page_size = request.page_size();
  out.page_token = request.page_token();
  out.identity_id = request.identity();
  if (request.type() != v1::INSTRUMENT_TYPE_UNSPECIFIED) {
    out.type = domain::InstrumentTypeFromName(v1::InstrumentType_Name(request.type()));
    // An enum number this build does not know would otherwise mean "no filter".
    if (!out.type) violations.push_back({"type", "is not a known instrument type"});
  }
  out.fingerprint = request.fingerprint();
  out.last_four = request.last_four();
  out.bin = request.bin();
  if (request.has_created_after()) {
    if (IsValidTimestamp(request.created_after())) {
      out.created_after =
          absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request.created_after()));
    } else {
      violations.push_back({"created_after", "is not a valid timestamp"});
    }
  }
  if (request.has_created_before()) {
    if (IsValidTimestamp(request.created_before())) {
      out.created_before =
          absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request.created_before()));
    } else {
      violations.push_back({"created_before", "is not a valid timestamp"});
    }
  }
  if (!violations.empty()) return common::InvalidFields(violations);
  return out;
}

void ToProto(const domain::InstrumentPage& page, v1::ListPaymentInstrumentsResponse* out) {
  for (const domain::Instrument& instrument : page.instruments) {
    ToProto(instrument, out->add_payment_instruments());
  }
  if (page.next) out->set_next_page_token(domain::EncodePageToken(*page.next));
}

std::string InstrumentIdFromName(absl::string_view name) {
  if (absl::StartsWith(name, kInstrumentCollection)) name.remove_prefix(kInstrumentCollection.size());
  if (name.find('/') != absl::string_view::npos) return "";
  return std::string(name);
}

std::string IdentityIdFromName(absl::string_view name) {
  constexpr absl::string_view kCollection = "identities/";
  if (absl::StartsWith(name, kCollection)) name.remove_prefix(kCollection.size());
  if (name.find('/') != absl::string_view::npos) return "";
  return std::string(name);
}

domain::Identity ToDomain(const v1::Identity& in) {
  domain::Identity out;
  out.external_id = in.external_id();
  out.first_name = in.first_name();
  out.last_name = in.last_name();
  out.email = in.email();
  out.phone = in.phone();
  if (in.has_address()) out.address = ToDomain(in.address());
  out.tags = {in.tags().begin(), in.tags().end()};
  return out;
}

void ToProto(const domain::Identity& identity, v1::Identity* out) {
  out->set_name(absl::StrCat("identities/", identity.id));
  out->set_id(identity.id);
  out->set_external_id(identity.external_id);
  out->set_application(identity.application_id);
  out->set_first_name(identity.first_name);
  out->set_last_name(identity.last_name);
  out->set_email(identity.email);
  out->set_phone(identity.phone);
  if (identity.address) ToProto(*identity.address, out->mutable_address());
  out->mutable_tags()->insert(identity.tags.begin(), identity.tags.end());
  *out->mutable_create_time() = ToTimestamp(identity.create_time);
  *out->mutable_update_time() = ToTimestamp(identity.update_time);
}

}  // namespace pi::instruments::api
