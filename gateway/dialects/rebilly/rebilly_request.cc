#include "gateway/dialects/rebilly/rebilly_request.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/core/country_codes.h"

namespace pi::gateway::rebilly {
namespace {

// Characters, not bytes: the schema's limits count characters.
size_t Utf8Length(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A string field with the schema's maximum length.
std::optional<std::string> Limited(core::JsonReader& reader, const char* name, size_t max_length,
                                   const std::string& prefix, std::vector<core::ShapeError>& errors,
                                   bool required = false) {
  std::optional<std::string> v = reader.String(name, required);
  if (v && Utf8Length(*v) > max_length) {
    errors.push_back(
        {absl::StrCat(prefix, name), absl::StrCat("must be at most ", max_length, " characters")});
    return std::nullopt;
  }
  return v;
}

// Reads billingAddress into `address` and `holder_name`.
void ReadBillingAddress(core::JsonReader& in, bool names_required, v1::Address* address,
                        std::string* holder_name, std::vector<core::ShapeError>& errors) {
  const std::string p = "billingAddress.";
  std::optional<std::string> first = Limited(in, "firstName", 45, p, errors, names_required);
  std::optional<std::string> last = Limited(in, "lastName", 45, p, errors, names_required);
  std::string name = absl::StrCat(first.value_or(""), " ", last.value_or(""));
  *holder_name = std::string(absl::StripAsciiWhitespace(name));
  Limited(in, "organization", 255, p, errors);
  Limited(in, "jobTitle", 255, p, errors);
  in.String("dob");
  if (auto v = Limited(in, "address", 60, p, errors)) address->set_line1(*v);
  if (auto v = Limited(in, "address2", 60, p, errors)) address->set_line2(*v);
  if (auto v = Limited(in, "city", 45, p, errors)) address->set_city(*v);
  if (auto v = Limited(in, "region", 45, p, errors)) address->set_region(*v);
  if (auto v = Limited(in, "postalCode", 10, p, errors)) address->set_postal_code(*v);
  if (auto v = in.String("country")) {
    if (std::optional<std::string> alpha3 = core::Alpha2ToAlpha3(*v)) {
      address->set_country(*alpha3);
    } else {
      errors.push_back(
          {"billingAddress.country", "must be an ISO 3166-1 alpha-2 country code, e.g. US"});
    }
  }
}

void ReadCustomFields(core::JsonReader& body, google::protobuf::Map<std::string, std::string>* tags,
                      bool* present) {
  if (auto fields = body.StringMap("customFields")) {
    *present = true;
    tags->insert(fields->begin(), fields->end());
  }
}

}  // namespace

std::string MapAuthorization(absl::string_view authorization, absl::string_view reb_api_key) {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (authorization.empty()) {
    reb_api_key = absl::StripAsciiWhitespace(reb_api_key);
    return reb_api_key.empty() ? "" : absl::StrCat("Bearer ", reb_api_key);
  }
  if (authorization.find(' ') != absl::string_view::npos) return std::string(authorization);
  return absl::StrCat("Bearer ", authorization);
}

v1::CreateTokenRequest ParseCreateToken(const nlohmann::json& json,
                                        std::vector<core::ShapeError>& errors) {
  v1::CreateTokenRequest request;
  v1::Token* token = request.mutable_token();
  token->set_type(v1::PAYMENT_CARD);
  core::JsonReader body(json, "", errors);
  if (auto method = body.String("method", /*required=*/true); method && *method != "payment-card") {
    errors.push_back({"method", "must be payment-card"});
  }
  if (auto card = body.Object("paymentInstrument", /*required=*/true)) {
    v1::Card* c = token->mutable_card();
    if (auto v = card->String("pan", /*required=*/true)) c->set_number(*v);
    if (auto v = card->Integer("expMonth", /*required=*/true)) {
      if (*v < 1 || *v > 12) {
        errors.push_back({"paymentInstrument.expMonth", "must be between 1 and 12"});
      } else {
        c->set_expiration_month(static_cast<int32_t>(*v));
      }
    }
    if (auto v = card->Integer("expYear", /*required=*/true)) {
      if (*v < 1000 || *v > 9999) {
        errors.push_back({"paymentInstrument.expYear", "must be a four-digit year"});
      } else {
        c->set_expiration_year(static_cast<int32_t>(*v));
      }
    }
    if (auto v = card->String("cvv")) c->set_security_code(*v);
  }
  if (auto address = body.Object("billingAddress", /*required=*/true)) {
    ReadBillingAddress(*address, /*names_required=*/true, token->mutable_address(),
                       token->mutable_holder_name(), errors);
  }
  return request;
}

v1::CreateCustomerPaymentInstrumentRequest ParseCreatePaymentInstrument(
    const nlohmann::json& json, std::vector<core::ShapeError>& errors) {
  v1::CreateCustomerPaymentInstrumentRequest request;
  core::JsonReader body(json, "", errors);
  if (auto token = body.String("token", /*required=*/true)) {
    if (token->empty()) {
      errors.push_back({"token", "must not be empty"});
    } else {
      request.set_token(*token);
    }
  }
  bool present = false;
  ReadCustomFields(body, request.mutable_tags(), &present);
  return request;
}

v1::UpdatePaymentInstrumentRequest ParseUpdatePaymentInstrument(
    const nlohmann::json& json, std::vector<core::ShapeError>& errors) {
  v1::UpdatePaymentInstrumentRequest request;
  v1::PaymentInstrument* out = request.mutable_payment_instrument();
  google::protobuf::FieldMask* mask = request.mutable_update_mask();
  core::JsonReader body(json, "", errors);
  if (auto address = body.Object("billingAddress")) {
    ReadBillingAddress(*address, /*names_required=*/false, out->mutable_address(),
                       out->mutable_holder_name(), errors);
    mask->add_paths("address");
    mask->add_paths("holder_name");
  }
  if (auto v = body.Integer("expMonth")) {
    out->mutable_card()->set_expiration_month(static_cast<int32_t>(*v));
    mask->add_paths("card.expiration_month");
  }
  if (auto v = body.Integer("expYear")) {
    out->mutable_card()->set_expiration_year(static_cast<int32_t>(*v));
    mask->add_paths("card.expiration_year");
  }
  bool tags = false;
  ReadCustomFields(body, out->mutable_tags(), &tags);
  if (tags) mask->add_paths("tags");
  if (auto v = body.Boolean("useAsBackup"); v && *v) {
    errors.push_back({"useAsBackup", "backup payment instruments are not supported"});
  }
  return request;
}

}  // namespace pi::gateway::rebilly
