// Tenancy invariants that only PostgreSQL can hold across replicas, against the real throwaway
// cluster: the per-owner instrument limit under concurrent creates from two worker pools (two
// pi-server processes in miniature), identities with unique external ids, and the append-only
// audit trail.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/error.h"
#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/storage/pg_identity_repository.h"
#include "services/instruments/storage/pg_instrument_repository.h"
#include "tests/support/test_database.h"

namespace pi::instruments::storage {
namespace {

using domain::Instrument;
using domain::InstrumentRecord;

std::string UniqueId(absl::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, "ten", absl::ToUnixNanos(absl::Now()), "x", counter++);
}

std::vector<PreparedStatement> AllStatements() {
  std::vector<PreparedStatement> s = PgInstrumentRepository::Statements();
  for (auto& c : PgIdentityRepository::Statements()) s.push_back(c);
  for (auto& c : PgAuditLog::Statements()) s.push_back(c);
  return s;
}

// One "replica": its own pool of connections and repositories.
struct Replica {
  explicit Replica(const std::string& url)
      : pool({url, 4, 1024, AllStatements()}), instruments(pool), identities(pool), audit(pool) {}
  PgWorkerPool pool;
  PgInstrumentRepository instruments;
  PgIdentityRepository identities;
  PgAuditLog audit;
};

class PgTenancyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    application_id_ = UniqueId("AP");
    owner_ = UniqueId("ID");
    pi::testing::CreateTenant(url_, application_id_, {owner_}, /*max_instruments=*/10);
    pqxx::connection c(url_);
    pqxx::work txn(c);
    txn.exec_params(
        "INSERT INTO data_keys (application_id, version, wrapped_key, kek_version, state) "
        "VALUES ($1, 1, 'wrapped', 1, 'active')",
        application_id_);
    txn.commit();
  }

  InstrumentRecord Card(const std::string& identity_id) {
    InstrumentRecord record;
    Instrument& i = record.instrument;
    i.id = UniqueId("PI");
    i.application_id = application_id_;
    i.identity_id = identity_id;
    i.card = domain::MaskedCard{.bin = "411111", .last_four = "1111",
                                .brand = domain::CardBrand::kVisa,
                                .expiration_month = 12, .expiration_year = 2040};
    i.create_time = absl::Now();
    i.update_time = i.create_time;
    record.secret_ciphertext = "sealed";
    record.secret_key_version = 1;
    record.audit = {application_id_, "UStest", "instrument.create", i.id, "OK", "RQtest"};
    return record;
  }

  static absl::Status Insert(PgInstrumentRepository& repository, InstrumentRecord record) {
    std::promise<absl::Status> done;
    repository.Insert(std::move(record), [&](absl::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  long long Count(const std::string& sql) {
    pqxx::connection c(url_);
    pqxx::read_transaction txn(c);
    return txn.exec_params(sql, application_id_)[0][0].as<long long>();
  }

  std::string url_ = pi::testing::TestDatabaseUrl();
  std::string application_id_;
  std::string owner_;
};

TEST_F(PgTenancyTest, FiftyConcurrentCreatesFromTwoReplicasStopAtTheLimit) {
  Replica first(url_), second(url_);
  std::vector<std::shared_ptr<std::promise<absl::Status>>> results;
  for (int i = 0; i < 50; ++i) {
    auto done = std::make_shared<std::promise<absl::Status>>();
    results.push_back(done);
    Replica& replica = i % 2 == 0 ? first : second;
    replica.instruments.Insert(Card(owner_), [done](absl::Status s) { done->set_value(s); });
  }
  int created = 0, refused = 0;
  for (auto& result : results) {
    absl::Status status = result->get_future().get();
    if (status.ok()) {
      ++created;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
      EXPECT_EQ(common::ErrorReasonOf(status), "MAX_INSTRUMENT_COUNT");
      ++refused;
    }
  }
  EXPECT_EQ(created, 10);
  EXPECT_EQ(refused, 40);
  EXPECT_EQ(Count("SELECT count(*) FROM payment_instruments WHERE application_id = $1"), 10);
  // Each created instrument's audit event committed with it; refused ones left nothing.
  EXPECT_EQ(Count("SELECT count(*) FROM audit_events WHERE application_id = $1 "
                  "AND action = 'instrument.create'"),
            10);
}

TEST_F(PgTenancyTest, DisabledInstrumentsFreeAPlaceAndReEnablingChecksTheLimit) {
  Replica replica(url_);
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    InstrumentRecord record = Card(owner_);
    ids.push_back(record.instrument.id);
    ASSERT_TRUE(Insert(replica.instruments, std::move(record)).ok());
  }
  ASSERT_EQ(common::ErrorReasonOf(Insert(replica.instruments, Card(owner_))),
            "MAX_INSTRUMENT_COUNT");

  auto set_enabled = [&](const std::string& id, bool enabled) {
    std::promise<absl::StatusOr<Instrument>> done;
    replica.instruments.Update(
        application_id_, id,
        [enabled](Instrument& i) {
          i.enabled = enabled;
          return absl::OkStatus();
        },
        {application_id_, "UStest", enabled ? "instrument.update" : "instrument.disable", id,
         "OK", ""},
        [&](absl::StatusOr<Instrument> r) { done.set_value(std::move(r)); });
    return done.get_future().get().status();
  };
  ASSERT_TRUE(set_enabled(ids[0], false).ok());
  ASSERT_TRUE(Insert(replica.instruments, Card(owner_)).ok());  // the freed place
  absl::Status reenable = set_enabled(ids[0], true);
  EXPECT_EQ(common::ErrorReasonOf(reenable), "MAX_INSTRUMENT_COUNT") << reenable;
  EXPECT_EQ(Count("SELECT count(*) FROM payment_instruments WHERE application_id = $1 "
                  "AND enabled"),
            10);
}

TEST_F(PgTenancyTest, UnknownOrForeignOwnerIsAFieldError) {
  Replica replica(url_);
  std::string other_application = UniqueId("AP");
  std::string foreign_owner = UniqueId("ID");
  pi::testing::CreateTenant(url_, other_application, {foreign_owner});
  for (const std::string& owner : {UniqueId("ID"), foreign_owner}) {
    absl::Status status = Insert(replica.instruments, Card(owner));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    ASSERT_EQ(common::FieldViolationsOf(status).size(), 1u);
    EXPECT_EQ(common::FieldViolationsOf(status)[0].field, "payment_instrument.identity");
  }
}

TEST_F(PgTenancyTest, IdentitiesAreScopedAndExternalIdsUniquePerApplication) {
  Replica replica(url_);
  auto insert = [&](const std::string& application, const std::string& external_id) {
    domain::Identity identity;
    identity.id = UniqueId("ID");
    identity.application_id = application;
    identity.external_id = external_id;
    identity.first_name = "Amy";
    identity.tags = {{"tier", "gold"}};
    identity.address = domain::Address{"1 Main St", "", "Austin", "TX", "78701", "USA"};
    identity.create_time = absl::FromUnixMicros(1700000000000001);
    identity.update_time = identity.create_time;
    std::promise<absl::Status> done;
    replica.identities.Insert(identity,
                              {application, "UStest", "identity.create", identity.id, "OK", ""},
                              [&](absl::Status s) { done.set_value(std::move(s)); });
    absl::Status status = done.get_future().get();
    return std::make_pair(status, identity);
  };
  auto find = [&](const std::string& application, const std::string& id, bool external) {
    std::promise<absl::StatusOr<domain::Identity>> done;
    auto callback = [&](absl::StatusOr<domain::Identity> r) { done.set_value(std::move(r)); };
    if (external) {
      replica.identities.FindByExternalId(application, id, callback);
    } else {
      replica.identities.Find(application, id, callback);
    }
    return done.get_future().get();
  };

  std::string customer_id = UniqueId("cust_");
  auto [created, identity] = insert(application_id_, customer_id);
  ASSERT_TRUE(created.ok()) << created;
  absl::StatusOr<domain::Identity> by_id = find(application_id_, identity.id, false);
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_EQ(by_id->external_id, customer_id);
  EXPECT_EQ(by_id->first_name, "Amy");
  EXPECT_EQ(by_id->tags, identity.tags);
  EXPECT_EQ(by_id->address, identity.address);
  EXPECT_EQ(by_id->create_time, identity.create_time);
  absl::StatusOr<domain::Identity> by_external = find(application_id_, customer_id, true);
  ASSERT_TRUE(by_external.ok());
  EXPECT_EQ(by_external->id, identity.id);

  absl::Status duplicate = insert(application_id_, customer_id).first;
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(common::ErrorReasonOf(duplicate), "ALREADY_EXISTS");

  // Another application may use the same customer id and cannot see this one's identities.
  std::string other_application = UniqueId("AP");
  pi::testing::CreateTenant(url_, other_application, {});
  EXPECT_TRUE(insert(other_application, customer_id).first.ok());
  EXPECT_EQ(find(other_application, identity.id, false).status().code(),
            absl::StatusCode::kNotFound);
  // Identities without an external id do not collide with each other.
  EXPECT_TRUE(insert(application_id_, "").first.ok());
  EXPECT_TRUE(insert(application_id_, "").first.ok());
  EXPECT_EQ(Count("SELECT count(*) FROM audit_events WHERE application_id = $1 "
                  "AND action = 'identity.create'"),
            3);
}

TEST_F(PgTenancyTest, AuditEventsCanBeAppendedButNeverChangedOrDeleted) {
  Replica replica(url_);
  replica.audit.Append({application_id_, "UStest", "instrument.reveal", "PIx", "OK", "RQaudit"});
  replica.pool.Stop();  // drains the queued append
  ASSERT_EQ(Count("SELECT count(*) FROM audit_events WHERE application_id = $1 "
                  "AND request_id = 'RQaudit'"),
            1);
  for (const char* sql : {"UPDATE audit_events SET outcome = 'X' WHERE application_id = $1",
                          "DELETE FROM audit_events WHERE application_id = $1"}) {
    pqxx::connection c(url_);
    pqxx::work txn(c);
    EXPECT_THROW(txn.exec_params(sql, application_id_), pqxx::sql_error) << sql;
  }
  pqxx::connection c(url_);
  pqxx::work txn(c);
  EXPECT_THROW(txn.exec("TRUNCATE audit_events"), pqxx::sql_error);
}

}  // namespace
}  // namespace pi::instruments::storage
