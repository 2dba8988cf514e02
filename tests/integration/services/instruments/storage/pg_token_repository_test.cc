// Tokens and idempotency keys against the real throwaway PostgreSQL: a token is consumed exactly
// once however many inserts race for it from two worker pools (two replicas in miniature), an
// idempotency key admits exactly one instrument, and the sweeper deletes what has expired.
#include "services/instruments/storage/pg_token_repository.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
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
  return absl::StrCat(prefix, "tok", absl::ToUnixNanos(absl::Now()), "x", counter++);
}

std::vector<PreparedStatement> AllStatements() {
  std::vector<PreparedStatement> s = PgInstrumentRepository::Statements();
  for (auto& c : PgTokenRepository::Statements()) s.push_back(c);
  for (auto& c : PgIdempotencyKeyStore::Statements()) s.push_back(c);
  for (auto& c : PgAuditLog::Statements()) s.push_back(c);
  return s;
}

struct Replica {
  explicit Replica(const std::string& url)
      : pool({url, 4, 1024, AllStatements()}), instruments(pool), tokens(pool), keys(pool) {}
  PgWorkerPool pool;
  PgInstrumentRepository instruments;
  PgTokenRepository tokens;
  PgIdempotencyKeyStore keys;
};

class PgTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    application_id_ = UniqueId("AP");
    owner_ = UniqueId("ID");
    pi::testing::CreateTenant(url_, application_id_, {owner_});
    pqxx::connection c(url_);
    pqxx::work txn(c);
    txn.exec_params(
        "INSERT INTO data_keys (application_id, version, wrapped_key, kek_version, state) "
        "VALUES ($1, 1, 'wrapped', 1, 'active')",
        application_id_);
    txn.commit();
  }

  domain::TokenRecord NewToken(absl::Time created, absl::Duration ttl = absl::Minutes(30)) {
    domain::TokenRecord record;
    domain::Token& t = record.token;
    t.id = UniqueId("TK");
    t.application_id = application_id_;
    t.type = domain::InstrumentType::kPaymentCard;
    t.card = domain::MaskedCard{.bin = "411111", .last_four = "1111",
                                .brand = domain::CardBrand::kVisa,
                                .expiration_month = 12, .expiration_year = 2040};
    t.fingerprint = "FPRtoken";
    t.create_time = absl::FromUnixMicros(absl::ToUnixMicros(created));
    t.expire_time = t.create_time + ttl;
    record.payload_ciphertext = std::string("sealed\0payload", 14);
    record.payload_key_version = 1;
    record.audit = {application_id_, "PKtest", "token.create", t.id, "OK", "RQtok"};
    return record;
  }

  InstrumentRecord Card(absl::Time created, const std::string& token_id = "") {
    InstrumentRecord record;
    domain::Instrument& i = record.instrument;
    i.id = UniqueId("PI");
    i.application_id = application_id_;
    i.identity_id = owner_;
    i.card = domain::MaskedCard{.bin = "411111", .last_four = "1111",
                                .brand = domain::CardBrand::kVisa,
                                .expiration_month = 12, .expiration_year = 2040};
    i.created_from_token = !token_id.empty();
    i.create_time = created;
    i.update_time = created;
    record.secret_ciphertext = "sealed";
    record.secret_key_version = 1;
    record.audit = {application_id_, "UStest", "instrument.create", i.id, "OK", "RQtok"};
    record.consume_token_id = token_id;
    return record;
  }

  template <typename Repository, typename Record>
  static absl::Status Insert(Repository& repository, Record record) {
    std::promise<absl::Status> done;
    repository.Insert(std::move(record), [&](absl::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  static absl::StatusOr<domain::TokenRecord> Find(Replica& replica, const std::string& app,
                                                  const std::string& id) {
    std::promise<absl::StatusOr<domain::TokenRecord>> done;
    replica.tokens.Find(app, id, [&](auto r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  // Sends every record at once, alternating between the replicas; returns each outcome.
  static std::vector<absl::Status> InsertConcurrently(Replica& a, Replica& b,
                                                      std::vector<InstrumentRecord> records) {
    std::vector<std::shared_ptr<std::promise<absl::Status>>> pending;
    for (size_t i = 0; i < records.size(); ++i) {
      auto done = std::make_shared<std::promise<absl::Status>>();
      pending.push_back(done);
      (i % 2 == 0 ? a : b).instruments.Insert(std::move(records[i]),
                                              [done](absl::Status s) { done->set_value(s); });
    }
    std::vector<absl::Status> out;
    for (auto& p : pending) out.push_back(p->get_future().get());
    return out;
  }

  long long Count(const std::string& sql, const std::string& arg) {
    pqxx::connection c(url_);
    pqxx::read_transaction txn(c);
    return txn.exec_params(sql, application_id_, arg)[0][0].as<long long>();
  }

  std::string url_ = pi::testing::TestDatabaseUrl();
  std::string application_id_;
  std::string owner_;
};

TEST_F(PgTokenTest, StoredTokenReadsBackAndIsScopedToItsApplication) {
  Replica replica(url_);
  domain::TokenRecord record = NewToken(absl::Now());
  domain::Token expected = record.token;
  ASSERT_TRUE(Insert(replica.tokens, record).ok());
  absl::StatusOr<domain::TokenRecord> found = Find(replica, application_id_, expected.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->token, expected);
  EXPECT_EQ(found->payload_ciphertext, record.payload_ciphertext);
  EXPECT_FALSE(found->used);
  EXPECT_EQ(Find(replica, "APsomeoneelse", expected.id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_events WHERE application_id = $1 "
                  "AND action = 'token.create' AND resource_id = $2",
                  expected.id),
            1);
}

TEST_F(PgTokenTest, HundredConcurrentAssociationsFromTwoReplicasConsumeTheTokenOnce) {
  Replica first(url_), second(url_);
  domain::TokenRecord token = NewToken(absl::Now());
  std::string token_id = token.token.id;
  ASSERT_TRUE(Insert(first.tokens, token).ok());
  std::vector<InstrumentRecord> attempts;
  for (int i = 0; i < 100; ++i) attempts.push_back(Card(absl::Now(), token_id));

  int created = 0;
  for (const absl::Status& status : InsertConcurrently(first, second, std::move(attempts))) {
    if (status.ok()) {
      ++created;
    } else {
      EXPECT_EQ(common::ErrorReasonOf(status), "TOKEN_ALREADY_USED") << status;
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM payment_instruments WHERE application_id = $1 "
                  "AND identity_id = $2",
                  owner_),
            1);
  absl::StatusOr<domain::TokenRecord> used = Find(first, application_id_, token_id);
  ASSERT_TRUE(used.ok());
  EXPECT_TRUE(used->used);
  EXPECT_TRUE(used->payload_ciphertext.empty());  // the security code went with it
  EXPECT_EQ(Count("SELECT count(*) FROM audit_events WHERE application_id = $1 "
                  "AND action = 'token.use' AND resource_id = $2",
                  token_id),
            1);
}

TEST_F(PgTokenTest, ExpiredMissingAndForeignTokensAreNotConsumed) {
  Replica replica(url_);
  absl::Time created = absl::Now();
  domain::TokenRecord token = NewToken(created, absl::Minutes(30));
  ASSERT_TRUE(Insert(replica.tokens, token).ok());
  // The instrument's create time is the clock the expiry is judged by.
  absl::Status late = Insert(replica.instruments,
                             Card(token.token.expire_time, token.token.id));
  EXPECT_EQ(common::ErrorReasonOf(late), "TOKEN_EXPIRED") << late;
  absl::Status missing = Insert(replica.instruments, Card(created, "TKmissing"));
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  // Another application's instrument cannot consume this token.
  std::string other_application = UniqueId("AP");
  std::string other_owner = UniqueId("ID");
  pi::testing::CreateTenant(url_, other_application, {other_owner});
  InstrumentRecord foreign = Card(created, token.token.id);
  foreign.instrument.application_id = other_application;
  foreign.instrument.identity_id = other_owner;
  {
    pqxx::connection c(url_);
    pqxx::work txn(c);
    txn.exec_params("INSERT INTO data_keys (application_id, version, wrapped_key, kek_version, "
                    "state) VALUES ($1, 1, 'wrapped', 1, 'active')",
                    other_application);
    txn.commit();
  }
  EXPECT_EQ(Insert(replica.instruments, foreign).code(), absl::StatusCode::kNotFound);
  // Still usable in time by its own application.
  EXPECT_TRUE(Insert(replica.instruments, Card(created, token.token.id)).ok());
}

TEST_F(PgTokenTest, HundredConcurrentCreatesWithOneIdempotencyKeyMakeOneInstrument) {
  Replica first(url_), second(url_);
  std::string key = UniqueId("key-");
  std::string hash(32, 'h');
  std::vector<InstrumentRecord> attempts;
  for (int i = 0; i < 100; ++i) {
    InstrumentRecord record = Card(absl::Now());
    record.idempotency = domain::IdempotencyRecord{key, "instrument.create", hash,
                                                   absl::Now() + absl::Hours(24)};
    attempts.push_back(std::move(record));
  }
  int created = 0;
  for (const absl::Status& status : InsertConcurrently(first, second, std::move(attempts))) {
    if (status.ok()) {
      ++created;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
      EXPECT_EQ(common::ErrorReasonOf(status), "IDEMPOTENCY_KEY_IN_USE");
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM payment_instruments WHERE application_id = $1 "
                  "AND identity_id = $2",
                  owner_),
            1);
  std::promise<absl::StatusOr<domain::StoredIdempotencyKey>> found;
  first.keys.Find(application_id_, key, [&](auto r) { found.set_value(std::move(r)); });
  absl::StatusOr<domain::StoredIdempotencyKey> stored = found.get_future().get();
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->request_hash, hash);
  EXPECT_EQ(stored->operation, "instrument.create");
  EXPECT_EQ(Count("SELECT count(*) FROM payment_instruments WHERE application_id = $1 "
                  "AND id = $2",
                  stored->resource_id),
            1);
}

TEST_F(PgTokenTest, AFailedCreateLeavesNeitherKeyNorConsumedToken) {
  Replica replica(url_);
  domain::TokenRecord token = NewToken(absl::Now());
  ASSERT_TRUE(Insert(replica.tokens, token).ok());
  InstrumentRecord record = Card(absl::Now(), token.token.id);
  record.instrument.identity_id = "IDnobody";  // fails the owner check after consuming
  record.idempotency = domain::IdempotencyRecord{UniqueId("key-"), "instrument.create",
                                                 std::string(32, 'h'),
                                                 absl::Now() + absl::Hours(24)};
  std::string key = record.idempotency->key;
  EXPECT_EQ(Insert(replica.instruments, record).code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<domain::TokenRecord> after = Find(replica, application_id_, token.token.id);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->used);
  EXPECT_FALSE(after->payload_ciphertext.empty());
  EXPECT_EQ(Count("SELECT count(*) FROM idempotency_keys WHERE application_id = $1 "
                  "AND key = $2",
                  key),
            0);
}

TEST_F(PgTokenTest, SweeperDeletesExpiredPayloadsOldTokensAndExpiredKeys) {
  Replica replica(url_);
  absl::Time now = absl::Now();
  domain::TokenRecord live = NewToken(now);
  domain::TokenRecord expired = NewToken(now - absl::Hours(1));
  domain::TokenRecord ancient = NewToken(now - kTokenRowRetention - absl::Hours(1));
  for (const auto& t : {live, expired, ancient}) ASSERT_TRUE(Insert(replica.tokens, t).ok());
  InstrumentRecord keyed = Card(now);
  keyed.idempotency = domain::IdempotencyRecord{UniqueId("key-"), "instrument.create",
                                                std::string(32, 'h'), now - absl::Seconds(1)};
  ASSERT_TRUE(Insert(replica.instruments, keyed).ok());

  absl::StatusOr<SweepResult> swept = SweepExpired(url_, now);
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_GE(swept->token_payloads_deleted, 1);
  EXPECT_GE(swept->tokens_deleted, 1);
  EXPECT_GE(swept->idempotency_keys_deleted, 1);
  EXPECT_FALSE(Find(replica, application_id_, live.token.id)->payload_ciphertext.empty());
  absl::StatusOr<domain::TokenRecord> after = Find(replica, application_id_, expired.token.id);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->payload_ciphertext.empty());
  EXPECT_EQ(Find(replica, application_id_, ancient.token.id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT count(*) FROM idempotency_keys WHERE application_id = $1 "
                  "AND key = $2",
                  keyed.idempotency->key),
            0);
}

}  // namespace
}  // namespace pi::instruments::storage
