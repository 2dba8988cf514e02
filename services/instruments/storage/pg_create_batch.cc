#include "services/instruments/storage/pg_create_batch.h"

#include <optional>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "services/common/error.h"
#include "services/common/json_log.h"
#include "services/instruments/storage/pg_json_columns.h"

namespace pi::instruments::storage {
namespace {

using nlohmann::json;

// JSON null for an absent value, so jsonb_populate_record() yields SQL NULL.
template <typename T>
json OrNull(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json EmptyAsNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

void AddCardColumns(const domain::MaskedCard& c, json& row) {
  row["card_bin"] = c.bin;
  row["card_last_four"] = c.last_four;
  row["card_brand"] = std::string(domain::CardBrandName(c.brand));
  row["card_exp_month"] = c.expiration_month;
  row["card_exp_year"] = c.expiration_year;
  row["card_type"] = std::string(domain::CardTypeName(c.card_type));
  row["card_issuer_country"] = c.issuer_country;
  row["card_issuer_name"] = c.issuer_name;
  row["card_security_code_check"] =
      std::string(domain::SecurityCodeCheckName(c.security_code_check));
  row["card_address_check"] = std::string(domain::AddressCheckName(c.address_check));
  row["card_account_updater_enabled"] = c.account_updater_enabled;
  row["card_network_token_enabled"] = c.network_token_enabled;
}

void AddBankColumns(const domain::MaskedBankAccount& b, json& row) {
  row["bank_masked_account_number"] = b.masked_account_number;
  row["bank_last_four"] = b.last_four;
  row["bank_routing_number"] = b.routing_number;
  row["bank_institution_number"] = b.institution_number;
  row["bank_transit_number"] = b.transit_number;
  row["bank_account_type"] = std::string(domain::BankAccountTypeName(b.account_type));
  row["bank_country"] = b.country;
  row["bank_validation_check"] = std::string(domain::BankValidationCheckName(b.validation_check));
}

json AuditColumns(const domain::AuditEvent& e) {
  return {{"application_id", EmptyAsNull(e.application_id)},
          {"credential_id", EmptyAsNull(e.credential_id)},
          {"action", e.action},
          {"resource_id", e.resource_id},
          {"outcome", e.outcome},
          {"request_id", e.request_id},
          {"detail", e.detail}};
}

long long Micros(absl::Time t) { return static_cast<long long>(absl::ToUnixMicros(t)); }

}  // namespace

json CreateBatchElement(const domain::InstrumentRecord& record) {
  const domain::Instrument& i = record.instrument;
  json row = {{"application_id", i.application_id},
              {"id", i.id},
              {"identity_id", i.identity_id},
              {"type", std::string(domain::InstrumentTypeName(i.type))},
              {"enabled", i.enabled},
              {"holder_name", i.holder_name},
              {"tags", TagsJson(i.tags)},
              {"address", AddressJson(i.address)},
              {"currency", i.currency},
              {"secret_key_version", record.secret_key_version},
              {"fingerprint", i.fingerprint},
              {"created_via", i.created_from_token ? "TOKENIZATION" : "API"}};
  if (i.card) AddCardColumns(*i.card, row);
  if (i.bank_account) AddBankColumns(*i.bank_account, row);
  if (i.wallet) {
    row["wallet_third_party"] = i.wallet->third_party;
    row["wallet_merchant_identity"] = i.wallet->merchant_identity;
  }
  json element = {{"row", std::move(row)},
                  {"created_us", Micros(i.create_time)},
                  {"updated_us", Micros(i.update_time)},
                  {"ciphertext_hex", absl::BytesToHexString(record.secret_ciphertext)},
                  {"audit", AuditColumns(record.audit)}};
  if (record.idempotency && !record.idempotency->key.empty()) {
    const domain::IdempotencyRecord& key = *record.idempotency;
    element["idempotency"] = {{"key", key.key},
                              {"operation", key.operation},
                              {"request_sha256_hex", absl::BytesToHexString(key.request_hash)},
                              {"expires_us", Micros(key.expire_time)}};
  }
  if (!record.consume_token_id.empty()) element["token_id"] = record.consume_token_id;
  return element;
}

absl::Status StatusFromCreateOutcome(absl::string_view outcome) {
  using absl::StatusCode;
  if (outcome == "OK") return absl::OkStatus();
  if (outcome == "DATA_KEY_ROTATED") {
    return common::MakeError(StatusCode::kAborted, "DATA_KEY_ROTATED",
                             "the data key rotated; seal again");
  }
  if (outcome == "IDEMPOTENCY_KEY_IN_USE") {
    return common::MakeError(StatusCode::kAborted, "IDEMPOTENCY_KEY_IN_USE",
                             "another request with this idempotency key committed first");
  }
  if (outcome == "TOKEN_NOT_FOUND") {
    return common::MakeError(StatusCode::kNotFound, "RESOURCE_NOT_FOUND", "token not found");
  }
  if (outcome == "TOKEN_ALREADY_USED") {
    return common::MakeError(StatusCode::kFailedPrecondition, "TOKEN_ALREADY_USED",
                             "the token was already used");
  }
  if (outcome == "TOKEN_EXPIRED") {
    return common::MakeError(StatusCode::kFailedPrecondition, "TOKEN_EXPIRED",
                             "the token expired");
  }
  if (outcome == "IDENTITY_NOT_FOUND") {
    return common::InvalidFields(
        {{"payment_instrument.identity", "does not name an identity of this application"}});
  }
  if (outcome == "MAX_INSTRUMENT_COUNT") {
    return common::MakeError(StatusCode::kFailedPrecondition, "MAX_INSTRUMENT_COUNT",
                             "the owner already holds the maximum number of instruments");
  }
  if (outcome == "SQLSTATE:23505") return absl::AlreadyExistsError("the resource already exists");
  if (IsRetryableCreateOutcome(outcome)) {
    return absl::AbortedError("the write conflicted with a concurrent one; try again");
  }
  // The function reports only a SQLSTATE, never a value, so this is safe to log.
  common::LogJson("error", "instrument create failed in the database", {{"outcome", outcome}});
  return absl::InternalError("database error");
}

bool IsRetryableCreateOutcome(absl::string_view outcome) {
  // 40P01 deadlock_detected, 40001 serialization_failure.
  return outcome == "SQLSTATE:40P01" || outcome == "SQLSTATE:40001";
}

}  // namespace pi::instruments::storage
