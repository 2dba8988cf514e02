#include "gateway/dialects/finix/finix_request.h"

#include <limits>

namespace pi::gateway::finix {
namespace {

// Keeps out-of-range JSON integers from wrapping into plausible int32 values.
int32_t ClampToInt32(int64_t v) {
  if (v > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  if (v < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

bool ParseType(const std::string& name, v1::InstrumentType* type) {
  return v1::InstrumentType_Parse(name, type) && *type != v1::INSTRUMENT_TYPE_UNSPECIFIED;
}

void ReadAddressFields(core::JsonReader* address, v1::Address* a) {
  if (auto v = address->String("line1")) a->set_line1(*v);
  if (auto v = address->String("line2")) a->set_line2(*v);
  if (auto v = address->String("city")) a->set_city(*v);
  if (auto v = address->String("region")) a->set_region(*v);
  if (auto v = address->String("postal_code")) a->set_postal_code(*v);
  if (auto v = address->String("country")) a->set_country(*v);
}

void ReadAddress(core::JsonReader& body, v1::PaymentInstrument* out) {
  if (std::optional<core::JsonReader> address = body.Object("address")) {
    ReadAddressFields(&*address, out->mutable_address());
  }
}

void ReadCard(core::JsonReader& body, v1::Card* card) {
  if (auto v = body.String("number")) card->set_number(*v);
  if (auto v = body.String("security_code")) card->set_security_code(*v);
  if (auto v = body.Integer("expiration_month")) card->set_expiration_month(ClampToInt32(*v));
  if (auto v = body.Integer("expiration_year")) card->set_expiration_year(ClampToInt32(*v));
  if (auto v = body.Boolean("account_updater_enabled")) card->set_account_updater_enabled(*v);
  if (auto v = body.Boolean("network_token_enabled")) card->set_network_token_enabled(*v);
}

// Seed 002's bank fields: `bank_code` is the US routing number.
void ReadBankAccount(core::JsonReader& body, v1::BankAccount* bank,
                     std::vector<core::ShapeError>& errors) {
  if (auto v = body.String("account_number")) bank->set_account_number(*v);
  if (auto v = body.String("bank_code")) bank->set_routing_number(*v);
  if (auto v = body.String("institution_number")) bank->set_institution_number(*v);
  if (auto v = body.String("transit_number")) bank->set_transit_number(*v);
  if (auto v = body.String("country")) bank->set_country(*v);
  if (auto v = body.String("currency")) bank->set_currency(*v);
  if (auto v = body.String("account_type")) {
    v1::BankAccountType type;
    if (v1::BankAccountType_Parse(*v, &type) && type != v1::BANK_ACCOUNT_TYPE_UNSPECIFIED) {
      bank->set_account_type(type);
    } else {
      errors.push_back({"account_type", "must be one of CHECKING, SAVINGS, BUSINESS_CHECKING, "
                                        "PERSONAL_CHECKING"});
    }
  }
}

void ReadWallet(core::JsonReader& body, v1::Wallet* wallet) {
  if (auto v = body.String("third_party_token")) wallet->set_third_party_token(*v);
  if (auto v = body.String("third_party")) wallet->set_third_party(*v);
  if (auto v = body.String("merchant_identity")) wallet->set_merchant_identity(*v);
}

}  // namespace

v1::CreatePaymentInstrumentRequest ParseCreatePaymentInstrument(
    const nlohmann::json& json, std::vector<core::ShapeError>& errors) {
  v1::CreatePaymentInstrumentRequest request;
  v1::PaymentInstrument* out = request.mutable_payment_instrument();
  core::JsonReader body(json, "", errors);

  if (auto type = body.String("type", /*required=*/true)) {
    v1::InstrumentType parsed;
    if (ParseType(*type, &parsed)) {
      out->set_type(parsed);
    } else {
      errors.push_back({"type", "must be one of PAYMENT_CARD, BANK_ACCOUNT, APPLE_PAY, "
                                "GOOGLE_PAY, TOKEN"});
    }
  }
  if (auto v = body.String("identity")) out->set_identity(*v);
  if (auto v = body.String("name")) out->set_holder_name(*v);
  if (auto v = body.StringMap("tags")) out->mutable_tags()->insert(v->begin(), v->end());
  ReadAddress(body, out);
  // A hosted-fields token to associate (seed 003): {"type": "TOKEN", "token": "TK..."}.
  if (auto v = body.String("token")) request.set_token(*v);

  switch (out->type()) {
    case v1::PAYMENT_CARD:
      ReadCard(body, out->mutable_card());
      break;
    case v1::BANK_ACCOUNT:
      ReadBankAccount(body, out->mutable_bank_account(), errors);
      break;
    case v1::APPLE_PAY:
    case v1::GOOGLE_PAY:
    case v1::TOKEN:
      if (request.token().empty()) ReadWallet(body, out->mutable_wallet());
      break;
    default:
      break;
  }
  return request;
}

v1::UpdatePaymentInstrumentRequest ParseUpdatePaymentInstrument(
    const nlohmann::json& json, std::vector<core::ShapeError>& errors) {
  v1::UpdatePaymentInstrumentRequest request;
  v1::PaymentInstrument* out = request.mutable_payment_instrument();
  auto* mask = request.mutable_update_mask();
  core::JsonReader body(json, "", errors);
  if (auto v = body.Boolean("enabled")) {
    out->set_enabled(*v);
    mask->add_paths("enabled");
  }
  if (auto v = body.String("name")) {
    out->set_holder_name(*v);
    mask->add_paths("holder_name");
  }
  if (auto v = body.StringMap("tags")) {
    out->mutable_tags()->insert(v->begin(), v->end());
    mask->add_paths("tags");
  }
  if (json.contains("address")) {
    ReadAddress(body, out);  // absent from the result when null: the address is removed
    mask->add_paths("address");
  }
  return request;
}

v1::CreateTokenRequest ParseCreateToken(const nlohmann::json& body,
                                        std::vector<core::ShapeError>& errors) {
  v1::CreatePaymentInstrumentRequest parsed = ParseCreatePaymentInstrument(body, errors);
  v1::PaymentInstrument& in = *parsed.mutable_payment_instrument();
  v1::CreateTokenRequest request;
  v1::Token* token = request.mutable_token();
  if (in.type() != v1::PAYMENT_CARD && in.type() != v1::BANK_ACCOUNT &&
      in.type() != v1::INSTRUMENT_TYPE_UNSPECIFIED) {
    errors.push_back({"type", "must be PAYMENT_CARD or BANK_ACCOUNT"});
  }
  token->set_type(in.type());
  token->set_holder_name(in.holder_name());
  if (in.has_address()) token->mutable_address()->Swap(in.mutable_address());
  if (in.has_card()) token->mutable_card()->Swap(in.mutable_card());
  if (in.has_bank_account()) token->mutable_bank_account()->Swap(in.mutable_bank_account());
  return request;
}

v1::CreateIdentityRequest ParseCreateIdentity(const nlohmann::json& json,
                                              std::vector<core::ShapeError>& errors) {
  v1::CreateIdentityRequest request;
  v1::Identity* out = request.mutable_identity();
  core::JsonReader body(json, "", errors);
  if (std::optional<core::JsonReader> entity = body.Object("entity")) {
    if (auto v = entity->String("first_name")) out->set_first_name(*v);
    if (auto v = entity->String("last_name")) out->set_last_name(*v);
    if (auto v = entity->String("email")) out->set_email(*v);
    if (auto v = entity->String("phone")) out->set_phone(*v);
    if (std::optional<core::JsonReader> address = entity->Object("personal_address")) {
      ReadAddressFields(&*address, out->mutable_address());
    }
  }
  if (auto v = body.StringMap("tags")) out->mutable_tags()->insert(v->begin(), v->end());
  return request;
}

}  // namespace pi::gateway::finix
