#include "gateway/dialects/sumup/sumup_request.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gateway/core/country_codes.h"

namespace pi::gateway::sumup {
namespace {

constexpr char kMonths[][3] = {"01", "02", "03", "04", "05", "06",
                               "07", "08", "09", "10", "11", "12"};

// Characters, not bytes: the seed's limits count characters.
size_t Utf8Length(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool AllDigits(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

void ReadExpiryMonth(core::JsonReader& card, v1::Card* out, std::vector<core::ShapeError>& errors) {
  std::optional<std::string> month = card.String("expiry_month", /*required=*/true);
  if (!month) return;
  for (int i = 0; i < 12; ++i) {
    if (*month == kMonths[i]) {
      out->set_expiration_month(i + 1);
      return;
    }
  }
  errors.push_back({"card.expiry_month", "must be one of 01, 02, ..., 12"});
}

void ReadExpiryYear(core::JsonReader& card, v1::Card* out, std::vector<core::ShapeError>& errors) {
  std::optional<std::string> year = card.String("expiry_year", /*required=*/true);
  if (!year) return;
  int value = 0;
  if ((year->size() != 2 && year->size() != 4) || !AllDigits(*year) ||
      !absl::SimpleAtoi(*year, &value)) {
    errors.push_back({"card.expiry_year", "must be YY or YYYY"});
    return;
  }
  // SumUp's YY is this century's year: "29" is 2029.
  out->set_expiration_year(year->size() == 2 ? 2000 + value : value);
}

void ReadCard(core::JsonReader& card, v1::PaymentInstrument* out,
              std::vector<core::ShapeError>& errors) {
  v1::Card* c = out->mutable_card();
  if (auto v = card.String("name", /*required=*/true)) out->set_holder_name(*v);
  if (auto v = card.String("number", /*required=*/true)) c->set_number(*v);
  ReadExpiryYear(card, c, errors);
  ReadExpiryMonth(card, c, errors);
  if (auto v = card.String("cvv", /*required=*/true)) {
    size_t length = Utf8Length(*v);
    if (length < 3 || length > 4) {
      errors.push_back({"card.cvv", "must be 3 or 4 characters"});
    } else {
      c->set_security_code(*v);
    }
  }
  if (auto v = card.String("zip_code")) {
    if (Utf8Length(*v) != 5) {
      errors.push_back({"card.zip_code", "must be 5 characters"});
    } else {
      out->mutable_address()->set_postal_code(*v);
    }
  }
}

std::optional<MandateRequest> ReadMandate(core::JsonReader& body,
                                          std::vector<core::ShapeError>& errors) {
  std::optional<core::JsonReader> mandate = body.Object("mandate");
  if (!mandate) return std::nullopt;
  MandateRequest out;
  if (auto v = mandate->String("type", /*required=*/true)) {
    if (*v == "recurrent") {
      out.type = *v;
    } else {
      errors.push_back({"mandate.type", "must be recurrent"});
    }
  }
  if (auto v = mandate->String("user_agent", /*required=*/true)) out.user_agent = *v;
  if (auto v = mandate->String("user_ip")) out.user_ip = *v;
  return out;
}

void ReadAddress(core::JsonReader& address, v1::Address* out,
                 std::vector<core::ShapeError>& errors) {
  std::optional<std::string> line_1 = address.String("line_1");
  std::optional<std::string> line1 = address.String("line1");
  if (line_1 || line1) out->set_line1(line_1 ? *line_1 : *line1);
  std::optional<std::string> line_2 = address.String("line_2");
  std::optional<std::string> line2 = address.String("line2");
  if (line_2 || line2) out->set_line2(line_2 ? *line_2 : *line2);
  if (auto v = address.String("city")) out->set_city(*v);
  if (auto v = address.String("state")) out->set_region(*v);
  if (auto v = address.String("postal_code")) out->set_postal_code(*v);
  if (auto v = address.String("country")) {
    if (std::optional<std::string> alpha3 = core::Alpha2ToAlpha3(*v)) {
      out->set_country(*alpha3);
    } else {
      errors.push_back({"personal_details.address.country",
                        "must be an ISO 3166-1 alpha-2 country code, e.g. DE"});
    }
  }
}

}  // namespace

CardRequest ParseCreatePaymentInstrument(const nlohmann::json& json,
                                         std::vector<core::ShapeError>& errors) {
  CardRequest parsed;
  v1::PaymentInstrument* out = parsed.request.mutable_payment_instrument();
  out->set_type(v1::PAYMENT_CARD);
  core::JsonReader body(json, "", errors);
  if (auto type = body.String("type", /*required=*/true); type && *type != "card") {
    errors.push_back({"type", "must be card"});
  }
  if (std::optional<core::JsonReader> card = body.Object("card", /*required=*/true)) {
    ReadCard(*card, out, errors);
  }
  parsed.mandate = ReadMandate(body, errors);
  return parsed;
}

v1::CreateIdentityRequest ParseCreateCustomer(const nlohmann::json& json,
                                              std::vector<core::ShapeError>& errors) {
  v1::CreateIdentityRequest request;
  v1::Identity* out = request.mutable_identity();
  core::JsonReader body(json, "", errors);
  if (auto v = body.String("customer_id", /*required=*/true)) {
    if (v->empty()) {
      errors.push_back({"customer_id", "must not be empty"});
    } else {
      out->set_external_id(*v);
    }
  }
  if (std::optional<core::JsonReader> details = body.Object("personal_details")) {
    if (auto v = details->String("first_name")) out->set_first_name(*v);
    if (auto v = details->String("last_name")) out->set_last_name(*v);
    if (auto v = details->String("email")) out->set_email(*v);
    if (auto v = details->String("phone")) out->set_phone(*v);
    if (std::optional<core::JsonReader> address = details->Object("address")) {
      ReadAddress(*address, out->mutable_address(), errors);
    }
  }
  return request;
}

}  // namespace pi::gateway::sumup
