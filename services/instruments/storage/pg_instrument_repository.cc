#include "services/instruments/storage/pg_instrument_repository.h"

#include <optional>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "services/common/error.h"
#include "services/instruments/storage/pg_errors.h"

namespace pi::instruments::storage {
namespace {

using domain::Instrument;

constexpr char kInsert[] = "instrument_insert";
constexpr char kFind[] = "instrument_find";

// Timestamps cross the boundary as integer microseconds since the epoch: exact both ways.
constexpr char kInsertSql[] =
    "INSERT INTO payment_instruments (application_id, id, identity_id, type, enabled, "
    " holder_name, tags, address, currency, card_bin, card_last_four, card_brand, "
    " card_exp_month, card_exp_year, number_ciphertext, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, "
    " 'epoch'::timestamptz + $16::bigint * interval '1 microsecond', "
    " 'epoch'::timestamptz + $17::bigint * interval '1 microsecond')";

constexpr char kFindSql[] =
    "SELECT id, identity_id, type, enabled, holder_name, tags::text, address::text, currency, "
    " card_bin, card_last_four, card_brand, card_exp_month, card_exp_year, "
    " (extract(epoch FROM created_at) * 1000000)::bigint, "
    " (extract(epoch FROM updated_at) * 1000000)::bigint "
    "FROM payment_instruments WHERE application_id = $1 AND id = $2";

std::string TagsToJson(const std::map<std::string, std::string>& tags) {
  return nlohmann::json(tags).dump();
}

std::optional<std::string> AddressToJson(const std::optional<domain::Address>& a) {
  if (!a) return std::nullopt;
  return nlohmann::json{{"line1", a->line1},   {"line2", a->line2},
                        {"city", a->city},     {"region", a->region},
                        {"postal_code", a->postal_code}, {"country", a->country}}
      .dump();
}

domain::Address AddressFromJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text);
  return {j.value("line1", ""),       j.value("line2", ""),       j.value("city", ""),
          j.value("region", ""),      j.value("postal_code", ""), j.value("country", "")};
}

Instrument InstrumentFromRow(const std::string& application_id, const pqxx::row& row) {
  Instrument out;
  out.id = row[0].as<std::string>();
  out.application_id = application_id;
  out.identity_id = row[1].as<std::string>();
  out.type = domain::InstrumentTypeFromName(row[2].as<std::string>())
                 .value_or(domain::InstrumentType::kPaymentCard);
  out.enabled = row[3].as<bool>();
  out.holder_name = row[4].as<std::string>();
  out.tags = nlohmann::json::parse(row[5].as<std::string>()).get<std::map<std::string, std::string>>();
  if (!row[6].is_null()) out.address = AddressFromJson(row[6].as<std::string>());
  out.currency = row[7].as<std::string>();
  if (!row[8].is_null()) {
    domain::MaskedCard card;
    card.bin = row[8].as<std::string>();
    card.last_four = row[9].as<std::string>();
    card.brand = domain::CardBrandFromName(row[10].as<std::string>());
    card.expiration_month = row[11].as<int>();
    card.expiration_year = row[12].as<int>();
    out.card = std::move(card);
  }
  out.create_time = absl::FromUnixMicros(row[13].as<long long>());
  out.update_time = absl::FromUnixMicros(row[14].as<long long>());
  return out;
}

}  // namespace

std::vector<PreparedStatement> PgInstrumentRepository::Statements() {
  return {{kInsert, kInsertSql}, {kFind, kFindSql}};
}

void PgInstrumentRepository::Insert(domain::InstrumentRecord record, InsertDone done) {
  pool_.Submit([record = std::move(record),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) {
      std::move(done)(session.status());
      return;
    }
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      const Instrument& i = record.instrument;
      std::optional<std::string> bin, last_four, brand;
      std::optional<int> month, year;
      if (i.card) {
        bin = i.card->bin;
        last_four = i.card->last_four;
        brand = std::string(domain::CardBrandName(i.card->brand));
        month = i.card->expiration_month;
        year = i.card->expiration_year;
      }
      pqxx::work txn(c);
      txn.exec_prepared(kInsert, i.application_id, i.id, i.identity_id,
                        std::string(domain::InstrumentTypeName(i.type)), i.enabled,
                        i.holder_name, TagsToJson(i.tags), AddressToJson(i.address), i.currency,
                        bin, last_four, brand, month, year,
                        pqxx::binarystring(record.number_ciphertext),
                        static_cast<long long>(absl::ToUnixMicros(i.create_time)),
                        static_cast<long long>(absl::ToUnixMicros(i.update_time)));
      txn.commit();
      return absl::OkStatus();
    });
    std::move(done)(std::move(status));
  });
}

void PgInstrumentRepository::Find(std::string application_id, std::string id, FindDone done) {
  pool_.Submit([application_id = std::move(application_id), id = std::move(id),
                done = std::move(done)](absl::StatusOr<PgSession*> session) mutable {
    if (!session.ok()) {
      std::move(done)(session.status());
      return;
    }
    std::optional<Instrument> found;
    absl::Status status = RunPg(**session, [&](pqxx::connection& c) {
      pqxx::read_transaction txn(c);
      pqxx::result rows = txn.exec_prepared(kFind, application_id, id);
      if (!rows.empty()) found = InstrumentFromRow(application_id, rows[0]);
      return absl::OkStatus();
    });
    if (!status.ok()) {
      std::move(done)(std::move(status));
    } else if (!found) {
      std::move(done)(common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                                        "payment instrument not found"));
    } else {
      std::move(done)(*std::move(found));
    }
  });
}

}  // namespace pi::instruments::storage
