#include "services/instruments/storage/pg_token_repository.h"

#include <optional>

#include <pqxx/pqxx>

#include "services/common/error.h"
#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

constexpr char kInsert[] = "token_insert";
constexpr char kFind[] = "token_find";
constexpr char kLockActiveKey[] = "token_lock_active_key";
constexpr char kFindKey[] = "idempotency_find";

// As for instruments (pg_instrument_repository.cc): write only under the active data key.
constexpr char kLockActiveKeySql[] =
    "SELECT 1 FROM data_keys WHERE application_id = $1 AND version = $2 AND state = 'active' "
    "FOR SHARE";

constexpr char kInsertSql[] =
    "INSERT INTO tokens (application_id, id, type, payload_ciphertext, payload_key_version, "
    " card_bin, card_last_four, card_brand, card_exp_month, card_exp_year, "
    " bank_masked_account_number, bank_country, fingerprint, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    " 'epoch'::timestamptz + $14::bigint * interval '1 microsecond', "
    " 'epoch'::timestamptz + $15::bigint * interval '1 microsecond')";

constexpr char kFindSql[] =
    "SELECT id, type, payload_ciphertext, payload_key_version, card_bin, card_last_four, "
    " card_brand, card_exp_month, card_exp_year, bank_masked_account_number, bank_country, "
    " fingerprint, used_at IS NOT NULL AS used, "
    " (extract(epoch FROM created_at) * 1000000)::bigint AS created_us, "
    " (extract(epoch FROM expires_at) * 1000000)::bigint AS expires_us "
    "FROM tokens WHERE application_id = $1 AND id = $2";

constexpr char kFindKeySql[] =
    "SELECT operation, request_sha256, resource_id FROM idempotency_keys "
    "WHERE application_id = $1 AND key = $2 AND expires_at > now()";

using Text = std::optional<std::string>;

Text OrNull(const std::string& s) { return s.empty() ? Text() : Text(s); }

long long Micros(absl::Time t) { return static_cast<long long>(absl::ToUnixMicros(t)); }

}  // namespace

std::vector<PreparedStatement> PgTokenRepository::Statements() {
  return {{kInsert, kInsertSql}, {kFind, kFindSql}, {kLockActiveKey, kLockActiveKeySql}};
}

void PgTokenRepository::Insert(domain::TokenRecord record, InsertDone done) {
  pool_.Submit([record = std::move(record),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) -> absl::Status {
      const domain::Token& t = record.token;
      pqxx::work txn(c);
      if (txn.exec_prepared(kLockActiveKey, t.application_id, record.payload_key_version)
              .empty()) {
        return common::MakeError(absl::StatusCode::kAborted, "DATA_KEY_ROTATED",
                                 "the data key rotated; seal again");
      }
      Text bin, last_four, brand, masked, country;
      std::optional<int> month, year;
      if (t.card) {
        bin = t.card->bin;
        last_four = t.card->last_four;
        brand = std::string(domain::CardBrandName(t.card->brand));
        month = t.card->expiration_month;
        year = t.card->expiration_year;
      }
      if (t.bank_account) {
        masked = t.bank_account->masked_account_number;
        country = OrNull(t.bank_account->country);
      }
      txn.exec_prepared(kInsert, t.application_id, t.id,
                        std::string(domain::InstrumentTypeName(t.type)),
                        pqxx::binarystring(record.payload_ciphertext), record.payload_key_version,
                        bin, last_four, brand, month, year, masked, country, t.fingerprint,
                        Micros(t.create_time), Micros(t.expire_time));
      InsertAuditEvent(txn, record.audit);
      txn.commit();
      return absl::OkStatus();
    });
    std::move(done)(std::move(status));
  });
}

void PgTokenRepository::Find(std::string application_id, std::string id, FindDone done) {
  pool_.Submit([application_id = std::move(application_id), id = std::move(id),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    std::optional<domain::TokenRecord> found;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::nontransaction txn(c);  // one statement: no BEGIN/COMMIT round trips
      pqxx::result rows = txn.exec_prepared(kFind, application_id, id);
      if (rows.empty()) return absl::OkStatus();
      const pqxx::row& row = rows[0];
      domain::TokenRecord record;
      domain::Token& t = record.token;
      t.id = row["id"].as<std::string>();
      t.application_id = application_id;
      t.type = domain::InstrumentTypeFromName(row["type"].as<std::string>())
                   .value_or(domain::InstrumentType::kPaymentCard);
      if (!row["card_bin"].is_null()) {
        domain::MaskedCard card;
        card.bin = row["card_bin"].as<std::string>();
        card.last_four = row["card_last_four"].as<std::string>();
        card.brand = domain::CardBrandFromName(row["card_brand"].as<std::string>());
        card.expiration_month = row["card_exp_month"].as<int>();
        card.expiration_year = row["card_exp_year"].as<int>();
        t.card = std::move(card);
      }
      if (!row["bank_masked_account_number"].is_null()) {
        domain::MaskedBankAccount bank;
        bank.masked_account_number = row["bank_masked_account_number"].as<std::string>();
        bank.country = row["bank_country"].as<std::string>("");
        t.bank_account = std::move(bank);
      }
      t.fingerprint = row["fingerprint"].as<std::string>();
      t.create_time = absl::FromUnixMicros(row["created_us"].as<long long>());
      t.expire_time = absl::FromUnixMicros(row["expires_us"].as<long long>());
      if (!row["payload_ciphertext"].is_null()) {
        record.payload_ciphertext = pqxx::binarystring(row["payload_ciphertext"]).str();
      }
      record.payload_key_version = row["payload_key_version"].as<uint32_t>();
      record.used = row["used"].as<bool>();
      found = std::move(record);
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(std::move(status));
    if (!found) {
      return std::move(done)(common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                                               "token not found"));
    }
    std::move(done)(*std::move(found));
  });
}

std::vector<PreparedStatement> PgIdempotencyKeyStore::Statements() {
  return {{kFindKey, kFindKeySql}};
}

void PgIdempotencyKeyStore::Find(std::string application_id, std::string key, FindDone done) {
  pool_.Submit([application_id = std::move(application_id), key = std::move(key),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    std::optional<domain::StoredIdempotencyKey> found;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::nontransaction txn(c);  // one statement: no BEGIN/COMMIT round trips
      pqxx::result rows = txn.exec_prepared(kFindKey, application_id, key);
      if (!rows.empty()) {
        found = domain::StoredIdempotencyKey{rows[0][0].as<std::string>(),
                                             pqxx::binarystring(rows[0][1]).str(),
                                             rows[0][2].as<std::string>()};
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(std::move(status));
    if (!found) return std::move(done)(absl::NotFoundError("no such idempotency key"));
    std::move(done)(*std::move(found));
  });
}

absl::StatusOr<SweepResult> SweepExpired(const std::string& conninfo, absl::Time now) {
  try {
    pqxx::connection c(conninfo);
    pqxx::work txn(c);
    long long now_us = Micros(now);
    long long rows_before_us = Micros(now - kTokenRowRetention);
    SweepResult result;
    result.token_payloads_deleted =
        txn.exec_params("UPDATE tokens SET payload_ciphertext = NULL "
                        "WHERE payload_ciphertext IS NOT NULL AND expires_at <= "
                        "'epoch'::timestamptz + $1::bigint * interval '1 microsecond'",
                        now_us)
            .affected_rows();
    result.tokens_deleted =
        txn.exec_params("DELETE FROM tokens WHERE expires_at <= "
                        "'epoch'::timestamptz + $1::bigint * interval '1 microsecond'",
                        rows_before_us)
            .affected_rows();
    result.idempotency_keys_deleted =
        txn.exec_params("DELETE FROM idempotency_keys WHERE expires_at <= "
                        "'epoch'::timestamptz + $1::bigint * interval '1 microsecond'",
                        now_us)
            .affected_rows();
    txn.commit();
    return result;
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

}  // namespace pi::instruments::storage
