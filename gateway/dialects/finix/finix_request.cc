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

void ReadAddress(core::JsonReader& body, v1::PaymentInstrument* out) {
  std::optional<core::JsonReader> address = body.Object("address");
  if (!address) return;
  v1::Address* a = out->mutable_address();
  if (auto v = address->String("line1")) a->set_line1(*v);
  if (auto v = address->String("line2")) a->set_line2(*v);
  if (auto v = address->String("city")) a->set_city(*v);
  if (auto v = address->String("region")) a->set_region(*v);
  if (auto v = address->String("postal_code")) a->set_postal_code(*v);
  if (auto v = address->String("country")) a->set_country(*v);
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

  if (out->type() == v1::PAYMENT_CARD) {
    v1::Card* card = out->mutable_card();
    if (auto v = body.String("number")) card->set_number(*v);
    if (auto v = body.String("security_code")) card->set_security_code(*v);
    if (auto v = body.Integer("expiration_month")) card->set_expiration_month(ClampToInt32(*v));
    if (auto v = body.Integer("expiration_year")) card->set_expiration_year(ClampToInt32(*v));
    if (auto v = body.Boolean("account_updater_enabled")) card->set_account_updater_enabled(*v);
    if (auto v = body.Boolean("network_token_enabled")) card->set_network_token_enabled(*v);
  }
  return request;
}

}  // namespace pi::gateway::finix
