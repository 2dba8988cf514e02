#include "services/instruments/storage/pg_instrument_repository.h"

#include <optional>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "services/common/error.h"
#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/storage/pg_errors.h"
#include "services/instruments/storage/pg_json_columns.h"

namespace pi::instruments::storage {
namespace {

using domain::Instrument;

constexpr char kFind[] = "instrument_find";
constexpr char kList[] = "instrument_list";
constexpr char kFindForUpdate[] = "instrument_find_for_update";
constexpr char kUpdate[] = "instrument_update";
constexpr char kLockOwner[] = "instrument_lock_owner";
constexpr char kCountEnabled[] = "instrument_count_enabled";
constexpr char kFindSealed[] = "instrument_find_sealed";

// The owner's row, locked so that creates for one owner take turns at the count below, and the
// application's limit. No row: the identity does not exist in this application.
constexpr char kLockOwnerSql[] =
    "SELECT a.max_instruments_per_identity FROM identities i "
    "JOIN applications a ON a.id = i.application_id "
    "WHERE i.application_id = $1 AND i.id = $2 FOR UPDATE OF i";

constexpr char kCountEnabledSql[] =
    "SELECT count(*) FROM payment_instruments "
    "WHERE application_id = $1 AND identity_id = $2 AND enabled";

// The columns InstrumentFromRow reads, shared by every SELECT.
#define PI_INSTRUMENT_COLUMNS                                                                    \
  " id, identity_id, type, enabled, holder_name, tags::text AS tags, address::text AS address, " \
  " currency, (extract(epoch FROM created_at) * 1000000)::bigint AS created_us, "               \
  " (extract(epoch FROM updated_at) * 1000000)::bigint AS updated_us, "                         \
  " card_bin, card_last_four, card_brand, card_exp_month, card_exp_year, card_type, "           \
  " card_issuer_country, card_issuer_name, card_security_code_check, card_address_check, "      \
  " card_account_updater_enabled, card_network_token_enabled, "                                 \
  " bank_masked_account_number, bank_last_four, bank_routing_number, bank_institution_number, " \
  " bank_transit_number, bank_account_type, bank_country, bank_validation_check, "              \
  " wallet_third_party, wallet_merchant_identity, fingerprint, disabled_code, disabled_message, " \
  " created_via "

constexpr char kFindSql[] = "SELECT" PI_INSTRUMENT_COLUMNS
    "FROM payment_instruments WHERE application_id = $1 AND id = $2";

constexpr char kFindSealedSql[] = "SELECT" PI_INSTRUMENT_COLUMNS
    ", secret_ciphertext, secret_key_version "
    "FROM payment_instruments WHERE application_id = $1 AND id = $2";

constexpr char kFindForUpdateSql[] = "SELECT" PI_INSTRUMENT_COLUMNS
    "FROM payment_instruments WHERE application_id = $1 AND id = $2 FOR UPDATE";

// Every filter is optional ('' or NULL matches all); keyset pagination on (created_at, id).
constexpr char kListSql[] = "SELECT" PI_INSTRUMENT_COLUMNS
    "FROM payment_instruments WHERE application_id = $1 "
    " AND ($2 = '' OR identity_id = $2) AND ($3 = '' OR type = $3) "
    " AND ($4 = '' OR fingerprint = $4) "
    " AND ($5 = '' OR card_last_four = $5 OR bank_last_four = $5) "
    " AND ($6 = '' OR card_bin = $6) "
    " AND ($7::bigint IS NULL OR created_at >= "
    "      'epoch'::timestamptz + $7::bigint * interval '1 microsecond') "
    " AND ($8::bigint IS NULL OR created_at < "
    "      'epoch'::timestamptz + $8::bigint * interval '1 microsecond') "
    " AND ($9::bigint IS NULL OR (created_at, id) > "
    "      ('epoch'::timestamptz + $9::bigint * interval '1 microsecond', $10::text)) "
    "ORDER BY created_at, id LIMIT $11";

#undef PI_INSTRUMENT_COLUMNS

// Only the fields UpdatePaymentInstrument may change.
constexpr char kUpdateSql[] =
    "UPDATE payment_instruments SET enabled = $3, disabled_code = $4, disabled_message = $5, "
    " holder_name = $6, tags = $7::jsonb, address = $8::jsonb, card_exp_month = $9, "
    " card_exp_year = $10, "
    " updated_at = 'epoch'::timestamptz + $11::bigint * interval '1 microsecond' "
    "WHERE application_id = $1 AND id = $2";

using Text = std::optional<std::string>;

absl::Status InstrumentNotFound() {
  return common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                           "payment instrument not found");
}

// OK when `identity_id` exists in the application and holds fewer enabled instruments than the
// limit (excluding none: call before the new or re-enabled row counts). Locks the owner's row
// until `txn` ends.
absl::Status CheckOwnerLimit(pqxx::work& txn, const std::string& application_id,
                             const std::string& identity_id) {
  pqxx::result owner = txn.exec_prepared(kLockOwner, application_id, identity_id);
  if (owner.empty()) {
    return common::InvalidFields({{"payment_instrument.identity",
                                   "does not name an identity of this application"}});
  }
  long long limit = owner[0][0].as<long long>();
  long long enabled = txn.exec_prepared(kCountEnabled, application_id, identity_id)[0][0]
                          .as<long long>();
  if (enabled >= limit) {
    return common::MakeError(absl::StatusCode::kFailedPrecondition, "MAX_INSTRUMENT_COUNT",
                             "the owner already holds the maximum number of instruments");
  }
  return absl::OkStatus();
}

std::string Str(const pqxx::row& row, const char* column) {
  return row[column].is_null() ? "" : row[column].as<std::string>();
}

Instrument InstrumentFromRow(const std::string& application_id, const pqxx::row& row) {
  Instrument out;
  out.id = Str(row, "id");
  out.application_id = application_id;
  out.identity_id = Str(row, "identity_id");
  out.type = domain::InstrumentTypeFromName(Str(row, "type"))
                 .value_or(domain::InstrumentType::kPaymentCard);
  out.enabled = row["enabled"].as<bool>();
  out.holder_name = Str(row, "holder_name");
  out.tags = TagsFromJson(Str(row, "tags"));
  if (!row["address"].is_null()) out.address = AddressFromJson(Str(row, "address"));
  out.currency = Str(row, "currency");
  out.fingerprint = Str(row, "fingerprint");
  out.disabled_code = Str(row, "disabled_code");
  out.disabled_message = Str(row, "disabled_message");
  out.created_from_token = Str(row, "created_via") == "TOKENIZATION";
  out.create_time = absl::FromUnixMicros(row["created_us"].as<long long>());
  out.update_time = absl::FromUnixMicros(row["updated_us"].as<long long>());
  if (!row["card_bin"].is_null()) {
    domain::MaskedCard card;
    card.bin = Str(row, "card_bin");
    card.last_four = Str(row, "card_last_four");
    card.brand = domain::CardBrandFromName(Str(row, "card_brand"));
    card.expiration_month = row["card_exp_month"].as<int>();
    card.expiration_year = row["card_exp_year"].as<int>();
    card.card_type = domain::CardTypeFromName(Str(row, "card_type"))
                         .value_or(domain::CardType::kUnknown);
    card.issuer_country = Str(row, "card_issuer_country");
    card.issuer_name = Str(row, "card_issuer_name");
    card.security_code_check =
        domain::SecurityCodeCheckFromName(Str(row, "card_security_code_check"))
            .value_or(domain::SecurityCodeCheck::kUnknown);
    card.address_check = domain::AddressCheckFromName(Str(row, "card_address_check"))
                             .value_or(domain::AddressCheck::kUnknown);
    card.account_updater_enabled = row["card_account_updater_enabled"].as<bool>(false);
    card.network_token_enabled = row["card_network_token_enabled"].as<bool>(false);
    out.card = std::move(card);
  }
  if (!row["bank_masked_account_number"].is_null()) {
    domain::MaskedBankAccount bank;
    bank.masked_account_number = Str(row, "bank_masked_account_number");
    bank.last_four = Str(row, "bank_last_four");
    bank.routing_number = Str(row, "bank_routing_number");
    bank.institution_number = Str(row, "bank_institution_number");
    bank.transit_number = Str(row, "bank_transit_number");
    bank.account_type = domain::BankAccountTypeFromName(Str(row, "bank_account_type"))
                            .value_or(domain::BankAccountType::kChecking);
    bank.country = Str(row, "bank_country");
    bank.validation_check =
        domain::BankValidationCheckFromName(Str(row, "bank_validation_check"))
            .value_or(domain::BankValidationCheck::kNotAttempted);
    out.bank_account = std::move(bank);
  }
  if (!row["wallet_merchant_identity"].is_null()) {
    out.wallet = domain::WalletDetails{Str(row, "wallet_third_party"),
                                       Str(row, "wallet_merchant_identity")};
  }
  return out;
}

}  // namespace

std::vector<PreparedStatement> PgInstrumentRepository::Statements() {
  return {PgCreateBatcher::Statement(),
          {kFind, kFindSql},
          {kList, kListSql},
          {kFindForUpdate, kFindForUpdateSql},
          {kUpdate, kUpdateSql},
          {kLockOwner, kLockOwnerSql},
          {kCountEnabled, kCountEnabledSql},
          {kFindSealed, kFindSealedSql}};
}

void PgInstrumentRepository::Insert(domain::InstrumentRecord record, InsertDone done) {
  creates_.Add(std::move(record), std::move(done));
}

void PgInstrumentRepository::Find(std::string application_id, std::string id, FindDone done) {
  pool_.Submit([application_id = std::move(application_id), id = std::move(id),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    std::optional<Instrument> found;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::nontransaction txn(c);  // one statement: no BEGIN/COMMIT round trips
      pqxx::result rows = txn.exec_prepared(kFind, application_id, id);
      if (!rows.empty()) found = InstrumentFromRow(application_id, rows[0]);
      return absl::OkStatus();
    });
    if (!status.ok()) {
      std::move(done)(std::move(status));
    } else if (!found) {
      std::move(done)(InstrumentNotFound());
    } else {
      std::move(done)(*std::move(found));
    }
  });
}

void PgInstrumentRepository::Update(std::string application_id, std::string id, Mutation mutate,
                                    domain::AuditEvent audit, FindDone done) {
  pool_.Submit([application_id = std::move(application_id), id = std::move(id),
                mutate = std::move(mutate), audit = std::move(audit),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    std::optional<Instrument> updated;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) -> absl::Status {
      pqxx::work txn(c);
      pqxx::result rows = txn.exec_prepared(kFindForUpdate, application_id, id);
      if (rows.empty()) return InstrumentNotFound();
      Instrument instrument = InstrumentFromRow(application_id, rows[0]);
      bool was_enabled = instrument.enabled;
      if (absl::Status s = mutate(instrument); !s.ok()) return s;  // rolls back
      if (!was_enabled && instrument.enabled) {
        // Re-enabling takes a place under the owner's limit, like a create.
        if (absl::Status s = CheckOwnerLimit(txn, application_id, instrument.identity_id);
            !s.ok()) {
          return s;
        }
      }
      auto nullable = [](const std::string& v) -> Text {
        return v.empty() ? std::nullopt : Text(v);
      };
      std::optional<int> month, year;
      if (instrument.card) {
        month = instrument.card->expiration_month;
        year = instrument.card->expiration_year;
      }
      txn.exec_prepared(kUpdate, application_id, id, instrument.enabled,
                        nullable(instrument.disabled_code), nullable(instrument.disabled_message),
                        instrument.holder_name, TagsToJson(instrument.tags),
                        AddressToJson(instrument.address), month, year,
                        static_cast<long long>(absl::ToUnixMicros(instrument.update_time)));
      InsertAuditEvent(txn, audit);
      txn.commit();
      updated = std::move(instrument);
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(std::move(status));
    std::move(done)(*std::move(updated));
  });
}

void PgInstrumentRepository::FindSealed(std::string application_id, std::string id,
                                        FindSealedDone done) {
  pool_.Submit([application_id = std::move(application_id), id = std::move(id),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    std::optional<domain::InstrumentRecord> found;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::nontransaction txn(c);  // one statement: no BEGIN/COMMIT round trips
      pqxx::result rows = txn.exec_prepared(kFindSealed, application_id, id);
      if (rows.empty()) return absl::OkStatus();
      domain::InstrumentRecord record;
      record.instrument = InstrumentFromRow(application_id, rows[0]);
      record.secret_ciphertext = pqxx::binarystring(rows[0]["secret_ciphertext"]).str();
      record.secret_key_version = rows[0]["secret_key_version"].as<uint32_t>(0);
      found = std::move(record);
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(std::move(status));
    if (!found) return std::move(done)(InstrumentNotFound());
    std::move(done)(*std::move(found));
  });
}

void PgInstrumentRepository::List(std::string application_id, domain::InstrumentQuery query,
                                  ListDone done) {
  pool_.Submit([application_id = std::move(application_id), query = std::move(query),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) return std::move(done)(session.status());
    auto micros = [](const std::optional<absl::Time>& t) -> std::optional<long long> {
      if (!t) return std::nullopt;
      return static_cast<long long>(absl::ToUnixMicros(*t));
    };
    domain::InstrumentPage page;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::nontransaction txn(c);  // one statement: no BEGIN/COMMIT round trips
      std::optional<absl::Time> after_time;
      std::string after_id;
      if (query.after) {
        after_time = query.after->create_time;
        after_id = query.after->id;
      }
      // One row more than the page tells whether another page follows.
      pqxx::result rows = txn.exec_prepared(
          kList, application_id, query.identity_id,
          query.type ? std::string(domain::InstrumentTypeName(*query.type)) : std::string(),
          query.fingerprint, query.last_four, query.bin, micros(query.created_after),
          micros(query.created_before), micros(after_time), after_id, query.page_size + 1);
      for (const pqxx::row& row : rows) {
        if (static_cast<int>(page.instruments.size()) == query.page_size) {
          const domain::Instrument& last = page.instruments.back();
          page.next = domain::PageCursor{last.create_time, last.id};
          break;
        }
        page.instruments.push_back(InstrumentFromRow(application_id, row));
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return std::move(done)(std::move(status));
    std::move(done)(std::move(page));
  });
}

}  // namespace pi::instruments::storage
