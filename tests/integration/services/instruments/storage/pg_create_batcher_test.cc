// Group commit of creates against the real throwaway PostgreSQL: records that wait together are
// written by one transaction, each keeps its own outcome, and a reply comes only once its row is
// committed. The pool's workers are held busy while records gather, so the batches are exact.
#include "services/instruments/storage/pg_create_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/error.h"
#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/storage/pg_instrument_repository.h"
#include "tests/support/test_database.h"

namespace pi::instruments::storage {
namespace {

using domain::InstrumentRecord;

std::string UniqueId(absl::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, "grp", absl::ToUnixNanos(absl::Now()), "x", counter++);
}

std::vector<PreparedStatement> AllStatements() {
  std::vector<PreparedStatement> s = PgInstrumentRepository::Statements();
  for (auto& c : PgAuditLog::Statements()) s.push_back(c);
  return s;
}

long long Count(const std::string& sql, const std::string& param) {
  pqxx::connection c(pi::testing::TestDatabaseUrl());
  pqxx::read_transaction txn(c);
  return txn.exec_params(sql, param)[0][0].as<long long>();
}

class PgCreateBatcherTest : public ::testing::Test {
 protected:
  static constexpr int kWorkers = 2;

  PgCreateBatcherTest()
      : pool_({pi::testing::TestDatabaseUrl(), kWorkers, 256, AllStatements()}),
        instruments_(pool_, {.max_batch = 8, .max_in_flight = 2}) {}

  void SetUp() override {
    application_id_ = UniqueId("AP");
    owner_ = UniqueId("ID");
    pi::testing::CreateTenant(pi::testing::TestDatabaseUrl(), application_id_, {owner_},
                              /*max_instruments_per_identity=*/4);
    pqxx::connection c(pi::testing::TestDatabaseUrl());
    pqxx::work txn(c);
    txn.exec_params(
        "INSERT INTO data_keys (application_id, version, wrapped_key, kek_version, state) "
        "VALUES ($1, 1, 'wrapped', 1, 'active'), ($1, 2, 'older', 1, 'decrypt_only')",
        application_id_);
    txn.commit();
  }

  InstrumentRecord Card(const std::string& id) {
    InstrumentRecord record;
    domain::Instrument& i = record.instrument;
    i.id = id;
    i.application_id = application_id_;
    i.identity_id = owner_;
    i.currency = "USD";
    i.card = domain::MaskedCard{.bin = "411111", .last_four = "1111",
                                .brand = domain::CardBrand::kVisa,
                                .expiration_month = 12, .expiration_year = 2030};
    i.create_time = absl::Now();
    i.update_time = i.create_time;
    i.fingerprint = "FPRgroup";
    record.secret_ciphertext = "sealed";
    record.secret_key_version = 1;
    record.audit = {application_id_, "", "instrument.create", id, "OK", "req-" + id, ""};
    return record;
  }

  // Occupies every pool worker until the returned promise is fulfilled, so that inserts made
  // meanwhile wait together.
  std::promise<void> HoldWorkers() {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::vector<std::future<void>> started;
    for (int i = 0; i < kWorkers; ++i) {
      auto running = std::make_shared<std::promise<void>>();
      started.push_back(running->get_future());
      pool_.Submit([running, released](absl::StatusOr<PgSession*>) {
        running->set_value();
        released.wait();
      });
    }
    for (auto& s : started) s.wait();
    return release;
  }

  PgWorkerPool pool_;
  PgInstrumentRepository instruments_;
  std::string application_id_;
  std::string owner_;
};

TEST_F(PgCreateBatcherTest, RecordsThatWaitTogetherShareOneTransactionAndKeepTheirOutcomes) {
  std::promise<void> release = HoldWorkers();
  std::vector<InstrumentRecord> records;
  std::string first = UniqueId("PI");
  records.push_back(Card(first));
  records.push_back(Card(UniqueId("PI")));
  records.back().instrument.identity_id = "IDnobody";                 // unknown owner
  records.push_back(Card(first));                                      // duplicate id
  records.push_back(Card(UniqueId("PI")));
  records.back().secret_key_version = 2;                               // key no longer active
  records.push_back(Card(UniqueId("PI")));
  records.push_back(Card(UniqueId("PI")));
  records.back().idempotency = domain::IdempotencyRecord{
      "key-1", "CreatePaymentInstrument", std::string(32, 'h'), absl::Now() + absl::Hours(24)};
  records.push_back(Card(UniqueId("PI")));
  records.back().idempotency = domain::IdempotencyRecord{
      "key-1", "CreatePaymentInstrument", std::string(32, 'h'), absl::Now() + absl::Hours(24)};
  records.push_back(Card(UniqueId("PI")));  // the fourth the owner's limit of 4 allows

  // Each reply checks, from another connection, whether its row is already committed.
  std::mutex mu;
  std::map<size_t, std::pair<absl::Status, long long>> replies;
  std::vector<std::future<void>> done;
  for (size_t i = 0; i < records.size(); ++i) {
    auto replied = std::make_shared<std::promise<void>>();
    done.push_back(replied->get_future());
    std::string id = records[i].instrument.id;
    instruments_.Insert(std::move(records[i]), [&, i, id, replied](absl::Status s) {
      long long visible = Count("SELECT count(*) FROM payment_instruments WHERE id = $1", id);
      std::lock_guard<std::mutex> lock(mu);
      replies[i] = {std::move(s), visible};
      replied->set_value();
    });
  }
  release.set_value();
  for (auto& d : done) d.wait();

  PgCreateBatcher::Stats stats = instruments_.create_batch_stats();
  EXPECT_EQ(stats.batches, 1u);
  EXPECT_EQ(stats.largest_batch, 8);
  auto reason = [&](size_t i) { return common::ErrorReasonOf(replies[i].first); };
  EXPECT_TRUE(replies[0].first.ok()) << replies[0].first;
  EXPECT_EQ(replies[0].second, 1) << "an OK reply must come after the row is committed";
  EXPECT_EQ(replies[1].first.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(replies[2].first.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(replies[3].first.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(reason(3), "DATA_KEY_ROTATED");
  EXPECT_TRUE(replies[4].first.ok()) << replies[4].first;
  EXPECT_TRUE(replies[5].first.ok()) << replies[5].first;
  EXPECT_EQ(replies[6].first.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(reason(6), "IDEMPOTENCY_KEY_IN_USE");
  EXPECT_TRUE(replies[7].first.ok()) << replies[7].first;
  EXPECT_EQ(Count("SELECT count(*) FROM payment_instruments WHERE application_id = $1",
                  application_id_),
            4);
  // Refused records left nothing behind: one key, one audit event per written instrument.
  EXPECT_EQ(Count("SELECT count(*) FROM idempotency_keys WHERE application_id = $1",
                  application_id_),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_events WHERE application_id = $1 "
                  "AND action = 'instrument.create'",
                  application_id_),
            4);
}

// Migration 0011 writes a batch that nothing refuses with one statement per table, in one
// subtransaction, and any other batch one record at a time, each in its own. Which path wrote
// the rows shows in their xmin: one (sub)transaction id for all, or one each.
TEST_F(PgCreateBatcherTest, ABatchThatNothingRefusesIsWrittenSetWiseUpToTheOwnersLimit) {
  std::promise<void> release = HoldWorkers();
  std::vector<std::future<absl::Status>> replies;
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {  // exactly the owner's limit
    InstrumentRecord record = Card(UniqueId("PI"));
    ids.push_back(record.instrument.id);
    record.idempotency = domain::IdempotencyRecord{
        absl::StrCat("set-key-", i), "CreatePaymentInstrument", std::string(32, 'h'),
        absl::Now() + absl::Hours(24)};
    auto reply = std::make_shared<std::promise<absl::Status>>();
    replies.push_back(reply->get_future());
    instruments_.Insert(std::move(record),
                        [reply](absl::Status s) { reply->set_value(std::move(s)); });
  }
  release.set_value();
  for (auto& r : replies) EXPECT_TRUE(r.get().ok());
  EXPECT_EQ(instruments_.create_batch_stats().batches, 1u);
  EXPECT_EQ(Count("SELECT count(DISTINCT xmin::text) FROM payment_instruments "
                  "WHERE application_id = $1",
                  application_id_),
            1)
      << "the rows were written one by one";
  EXPECT_EQ(Count("SELECT count(*) FROM idempotency_keys WHERE application_id = $1",
                  application_id_),
            4);
  // Audit events in the batch's order, one per instrument.
  pqxx::connection c(pi::testing::TestDatabaseUrl());
  pqxx::read_transaction txn(c);
  pqxx::result events = txn.exec_params(
      "SELECT resource_id FROM audit_events WHERE application_id = $1 "
      "AND action = 'instrument.create' ORDER BY id",
      application_id_);
  ASSERT_EQ(events.size(), 4u);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(events[i][0].as<std::string>(), ids[i]);

  // One more for the full owner: refused, through the one-by-one path.
  std::promise<absl::Status> refused;
  instruments_.Insert(Card(UniqueId("PI")), [&](absl::Status s) { refused.set_value(s); });
  EXPECT_EQ(common::ErrorReasonOf(refused.get_future().get()), "MAX_INSTRUMENT_COUNT");
}

TEST_F(PgCreateBatcherTest, ABatchWithOneRefusedRecordIsWrittenOneByOne) {
  std::promise<void> release = HoldWorkers();
  std::vector<std::future<absl::Status>> replies;
  for (int i = 0; i < 3; ++i) {
    InstrumentRecord record = Card(UniqueId("PI"));
    if (i == 1) record.instrument.identity_id = "IDnobody";
    auto reply = std::make_shared<std::promise<absl::Status>>();
    replies.push_back(reply->get_future());
    instruments_.Insert(std::move(record),
                        [reply](absl::Status s) { reply->set_value(std::move(s)); });
  }
  release.set_value();
  EXPECT_TRUE(replies[0].get().ok());
  EXPECT_EQ(replies[1].get().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(replies[2].get().ok());
  EXPECT_EQ(Count("SELECT count(DISTINCT xmin::text) FROM payment_instruments "
                  "WHERE application_id = $1",
                  application_id_),
            2);
}

TEST_F(PgCreateBatcherTest, OwnerLimitCountsTheBatchsOwnEarlierRecords) {
  std::promise<void> release = HoldWorkers();
  std::vector<std::future<absl::Status>> replies;
  for (int i = 0; i < 6; ++i) {
    auto reply = std::make_shared<std::promise<absl::Status>>();
    replies.push_back(reply->get_future());
    instruments_.Insert(Card(UniqueId("PI")),
                        [reply](absl::Status s) { reply->set_value(std::move(s)); });
  }
  release.set_value();
  int ok = 0, refused = 0;
  for (auto& r : replies) {
    absl::Status s = r.get();
    if (s.ok()) {
      ++ok;
    } else if (common::ErrorReasonOf(s) == "MAX_INSTRUMENT_COUNT") {
      ++refused;
    } else {
      ADD_FAILURE() << s;
    }
  }
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(refused, 2);
  EXPECT_EQ(instruments_.create_batch_stats().batches, 1u);
}

TEST_F(PgCreateBatcherTest, MoreRecordsThanABatchAreSplitAndAllWritten) {
  std::promise<void> release = HoldWorkers();
  std::vector<std::future<absl::Status>> replies;
  for (int i = 0; i < 20; ++i) {
    InstrumentRecord record = Card(UniqueId("PI"));
    record.instrument.identity_id = owner_;
    auto reply = std::make_shared<std::promise<absl::Status>>();
    replies.push_back(reply->get_future());
    instruments_.Insert(std::move(record),
                        [reply](absl::Status s) { reply->set_value(std::move(s)); });
  }
  release.set_value();
  int ok = 0;
  for (auto& r : replies) ok += r.get().ok();
  EXPECT_EQ(ok, 4);  // the owner's limit
  PgCreateBatcher::Stats stats = instruments_.create_batch_stats();
  EXPECT_EQ(stats.records, 20u);
  EXPECT_EQ(stats.largest_batch, 8);
  EXPECT_GE(stats.batches, 3u);
}

TEST_F(PgCreateBatcherTest, ALoneRecordIsWrittenAtOnce) {
  std::promise<absl::Status> reply;
  instruments_.Insert(Card(UniqueId("PI")), [&](absl::Status s) { reply.set_value(s); });
  EXPECT_TRUE(reply.get_future().get().ok());
  EXPECT_EQ(instruments_.create_batch_stats().batches, 1u);
  EXPECT_EQ(instruments_.create_batch_stats().largest_batch, 1);
}

TEST_F(PgCreateBatcherTest, RecordsFailFastWhenTheDatabaseIsUnreachable) {
  PgWorkerPool unreachable({"host=127.0.0.1 port=1 connect_timeout=2", 1, 16, AllStatements()});
  PgInstrumentRepository instruments(unreachable);
  std::promise<absl::Status> reply;
  instruments.Insert(Card(UniqueId("PI")), [&](absl::Status s) { reply.set_value(s); });
  EXPECT_EQ(reply.get_future().get().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace pi::instruments::storage
