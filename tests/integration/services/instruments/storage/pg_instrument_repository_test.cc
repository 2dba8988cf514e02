// PgInstrumentRepository, PgCredentialRepository, the worker pool and the migrator against the
// real throwaway PostgreSQL cluster of the `postgres` fixture.
#include "services/instruments/storage/pg_instrument_repository.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>
#include <vector>
#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "services/common/error.h"
#include "services/instruments/storage/migrator.h"
#include "services/instruments/storage/pg_admin_store.h"
#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/storage/pg_change_listener.h"
#include "services/instruments/storage/pg_credential_repository.h"
#include "services/instruments/domain/instrument_cache.h"
#include "tests/support/test_database.h"

namespace pi::instruments::storage {
namespace {

using domain::Instrument;
using domain::InstrumentRecord;

std::string UniqueId(absl::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, "test", absl::ToUnixNanos(absl::Now()), "x", counter++);
}

std::vector<PreparedStatement> AllStatements() {
  std::vector<PreparedStatement> s = PgInstrumentRepository::Statements();
  for (auto& c : PgCredentialRepository::Statements()) s.push_back(c);
  for (auto& c : PgAuditLog::Statements()) s.push_back(c);
  return s;
}

class PgRepositoryTest : public ::testing::Test {
 protected:
  PgRepositoryTest()
      : pool_({pi::testing::TestDatabaseUrl(), 2, 64, AllStatements()}),
        instruments_(pool_),
        credentials_(pool_) {}

  void SetUp() override {
    application_id_ = UniqueId("AP");
    pi::testing::CreateTenant(pi::testing::TestDatabaseUrl(), application_id_, {"IDowner"});
    credential_id_ = absl::StrCat("US", application_id_);
    // Rows may only be written under the application's active data key.
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
    Instrument& i = record.instrument;
    i.id = id;
    i.application_id = application_id_;
    i.identity_id = "IDowner";
    i.holder_name = "Amy White";
    i.tags = {{"card_name", "Business Card"}};
    i.address = domain::Address{"900 Metro Center Blv", "", "San Francisco", "CA", "94404", "USA"};
    i.card = domain::MaskedCard{.bin = "520082",
                                .last_four = "8210",
                                .brand = domain::CardBrand::kMastercard,
                                .expiration_month = 12,
                                .expiration_year = 2029};
    i.create_time = absl::FromUnixMicros(1700000000123456);
    i.update_time = i.create_time;
    record.secret_ciphertext = std::string("\x01\x00\x00\x00\x01 sealed \x00 bytes", 21);
    record.secret_key_version = 1;
    i.fingerprint = "FPRtestfingerprint";
    return record;
  }

  // Card() with every BIN and verifier field set.
  InstrumentRecord EnrichedCard(const std::string& id) {
    InstrumentRecord record = Card(id);
    domain::MaskedCard& card = *record.instrument.card;
    card.card_type = domain::CardType::kHsaFsa;
    card.issuer_country = "GBR";
    card.issuer_name = "Sandbox Mastercard Issuer";
    card.security_code_check = domain::SecurityCodeCheck::kUnmatched;
    card.address_check = domain::AddressCheck::kPostalCodeMatch;
    card.account_updater_enabled = true;
    card.brand = domain::CardBrand::kVpay;
    return record;
  }

  // Card() made another kind of instrument: `type`, and no card.
  InstrumentRecord NotACard(const std::string& id, domain::InstrumentType type) {
    InstrumentRecord record = Card(id);
    record.instrument.type = type;
    record.instrument.card.reset();
    return record;
  }

  InstrumentRecord CanadianBankAccount(const std::string& id) {
    InstrumentRecord record = NotACard(id, domain::InstrumentType::kBankAccount);
    Instrument& i = record.instrument;
    i.currency = "CAD";
    i.bank_account = domain::MaskedBankAccount{.masked_account_number = "XXX4567",
                                               .last_four = "4567",
                                               .institution_number = "001",
                                               .transit_number = "12345",
                                               .account_type = domain::BankAccountType::kSavings,
                                               .country = "CAN",
                                               .validation_check =
                                                   domain::BankValidationCheck::kNotAttempted};
    return record;
  }

  InstrumentRecord ApplePay(const std::string& id) {
    InstrumentRecord record = NotACard(id, domain::InstrumentType::kApplePay);
    record.instrument.wallet = domain::WalletDetails{"", "IDmerchant"};
    return record;
  }

  absl::Status Insert(InstrumentRecord record) {
    std::promise<absl::Status> done;
    instruments_.Insert(std::move(record), [&](absl::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  absl::StatusOr<Instrument> Find(const std::string& application, const std::string& id) {
    std::promise<absl::StatusOr<Instrument>> done;
    instruments_.Find(application, id,
                      [&](absl::StatusOr<Instrument> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  PgWorkerPool pool_;
  PgInstrumentRepository instruments_;
  PgCredentialRepository credentials_;
  std::string application_id_;
  std::string credential_id_;
};

TEST_F(PgRepositoryTest, InsertedInstrumentReadsBackUnchanged) {
  InstrumentRecord record = Card(UniqueId("PI"));
  Instrument expected = record.instrument;
  ASSERT_TRUE(Insert(std::move(record)).ok());
  absl::StatusOr<Instrument> found = Find(application_id_, expected.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, expected);
}

TEST_F(PgRepositoryTest, EnrichedCardReadsBackUnchanged) {
  InstrumentRecord record = EnrichedCard(UniqueId("PI"));
  Instrument expected = record.instrument;
  ASSERT_TRUE(Insert(std::move(record)).ok());
  absl::StatusOr<Instrument> found = Find(application_id_, expected.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, expected);
}

TEST_F(PgRepositoryTest, BankAccountReadsBackUnchanged) {
  InstrumentRecord record = CanadianBankAccount(UniqueId("PI"));
  Instrument expected = record.instrument;
  ASSERT_TRUE(Insert(std::move(record)).ok());
  absl::StatusOr<Instrument> found = Find(application_id_, expected.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, expected);
}

TEST_F(PgRepositoryTest, WalletReadsBackUnchanged) {
  InstrumentRecord record = ApplePay(UniqueId("PI"));
  Instrument expected = record.instrument;
  ASSERT_TRUE(Insert(std::move(record)).ok());
  absl::StatusOr<Instrument> found = Find(application_id_, expected.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, expected);
}

// Keyset paging: rows inserted while a reader pages never make it skip or repeat a row that
// existed when it started.
TEST_F(PgRepositoryTest, PagingUnderConcurrentInsertsNeitherSkipsNorRepeats) {
  std::set<std::string> before;
  for (int i = 0; i < 25; ++i) {
    InstrumentRecord record = Card(UniqueId("PI"));
    record.instrument.create_time = absl::Now();
    before.insert(record.instrument.id);
    ASSERT_TRUE(Insert(std::move(record)).ok());
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop) {
      InstrumentRecord record = Card(UniqueId("PI"));
      record.instrument.create_time = absl::Now();
      Insert(std::move(record)).IgnoreError();
    }
  });
  std::set<std::string> seen;
  std::optional<domain::PageCursor> after;
  for (;;) {
    domain::InstrumentQuery query;
    query.page_size = 4;
    query.after = after;
    query.identity_id = "IDowner";
    std::promise<absl::StatusOr<domain::InstrumentPage>> done;
    instruments_.List(application_id_, query, [&](absl::StatusOr<domain::InstrumentPage> p) {
      done.set_value(std::move(p));
    });
    absl::StatusOr<domain::InstrumentPage> page = done.get_future().get();
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Instrument& i : page->instruments) {
      EXPECT_TRUE(seen.insert(i.id).second) << "repeated " << i.id;
    }
    if (!page->next || seen.size() > 400) break;
    after = page->next;
  }
  stop = true;
  writer.join();
  for (const std::string& id : before) EXPECT_TRUE(seen.count(id)) << "skipped " << id;
}

TEST_F(PgRepositoryTest, ListFiltersByFingerprintLastFourAndBin) {
  InstrumentRecord match = Card(UniqueId("PI"));
  match.instrument.fingerprint = "FPRmatch";
  InstrumentRecord other = Card(UniqueId("PI"));
  other.instrument.fingerprint = "FPRother";
  other.instrument.card->last_four = "1111";
  std::string match_id = match.instrument.id;
  ASSERT_TRUE(Insert(std::move(match)).ok());
  ASSERT_TRUE(Insert(std::move(other)).ok());
  auto list = [&](domain::InstrumentQuery query) {
    std::promise<absl::StatusOr<domain::InstrumentPage>> done;
    instruments_.List(application_id_, query, [&](absl::StatusOr<domain::InstrumentPage> p) {
      done.set_value(std::move(p));
    });
    return done.get_future().get();
  };
  domain::InstrumentQuery by_fingerprint;
  by_fingerprint.fingerprint = "FPRmatch";
  auto page = list(by_fingerprint);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->instruments.size(), 1u);
  EXPECT_EQ(page->instruments[0].id, match_id);
  domain::InstrumentQuery by_last_four;
  by_last_four.last_four = "8210";
  by_last_four.bin = "520082";
  page = list(by_last_four);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->instruments.size(), 1u);
  EXPECT_EQ(page->instruments[0].id, match_id);
  domain::InstrumentQuery another_application;
  page = list(another_application);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->instruments.size(), 2u);
}

TEST_F(PgRepositoryTest, UpdateWritesTheMutationAndFailedMutationsWriteNothing) {
  InstrumentRecord record = Card(UniqueId("PI"));
  std::string id = record.instrument.id;
  ASSERT_TRUE(Insert(std::move(record)).ok());
  auto update = [&](const std::string& application, domain::InstrumentRepository::Mutation m) {
    std::promise<absl::StatusOr<Instrument>> done;
    instruments_.Update(application, id, std::move(m), {application, "USx", "instrument.update", id, "OK", ""},
                        [&](absl::StatusOr<Instrument> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  };
  absl::StatusOr<Instrument> updated = update(application_id_, [](Instrument& i) {
    i.enabled = false;
    i.disabled_code = "DISABLED_BY_REQUEST";
    i.disabled_message = "why";
    i.holder_name = "Renamed";
    i.address.reset();
    i.card->expiration_month = 3;
    i.update_time = absl::FromUnixMicros(1800000000000000);
    return absl::OkStatus();
  });
  ASSERT_TRUE(updated.ok()) << updated.status();
  absl::StatusOr<Instrument> found = Find(application_id_, id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, *updated);
  EXPECT_EQ(found->disabled_code, "DISABLED_BY_REQUEST");
  EXPECT_FALSE(found->address.has_value());

  absl::StatusOr<Instrument> refused = update(application_id_, [](Instrument& i) {
    i.holder_name = "Not written";
    return absl::InvalidArgumentError("no");
  });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Find(application_id_, id)->holder_name, "Renamed");
  EXPECT_EQ(update("APsomeoneelse", [](Instrument&) { return absl::OkStatus(); }).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PgRepositoryTest, StoresCiphertextBytesExactly) {
  InstrumentRecord record = Card(UniqueId("PI"));
  std::string id = record.instrument.id;
  std::string ciphertext = record.secret_ciphertext;
  ASSERT_TRUE(Insert(std::move(record)).ok());
  pqxx::connection c(pi::testing::TestDatabaseUrl());
  pqxx::work txn(c);
  pqxx::result rows =
      txn.exec_params("SELECT secret_ciphertext FROM payment_instruments WHERE id = $1", id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(pqxx::binarystring(rows[0][0]).str(), ciphertext);
}

TEST_F(PgRepositoryTest, InsertUnderAKeyThatIsNotActiveIsAbortedAsRotated) {
  InstrumentRecord record = Card(UniqueId("PI"));
  record.secret_key_version = 2;  // decrypt-only
  absl::Status status = Insert(std::move(record));
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(common::ErrorReasonOf(status), "DATA_KEY_ROTATED");
}

TEST_F(PgRepositoryTest, AnotherApplicationsInstrumentIsNotFound) {
  InstrumentRecord record = Card(UniqueId("PI"));
  std::string id = record.instrument.id;
  ASSERT_TRUE(Insert(std::move(record)).ok());
  absl::StatusOr<Instrument> found = Find("APsomeoneelse", id);
  EXPECT_EQ(found.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(common::ErrorReasonOf(found.status()), "RESOURCE_NOT_FOUND");
}

TEST_F(PgRepositoryTest, DuplicateIdIsAlreadyExists) {
  std::string id = UniqueId("PI");
  ASSERT_TRUE(Insert(Card(id)).ok());
  EXPECT_EQ(Insert(Card(id)).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(PgRepositoryTest, InstrumentWithoutAddressKeepsItAbsent) {
  InstrumentRecord record = Card(UniqueId("PI"));
  record.instrument.address.reset();
  record.instrument.tags.clear();
  std::string id = record.instrument.id;
  ASSERT_TRUE(Insert(std::move(record)).ok());
  absl::StatusOr<Instrument> found = Find(application_id_, id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->address.has_value());
  EXPECT_TRUE(found->tags.empty());
}

// The instrument cache kept exact by migration 0010's notifications: what another connection
// commits reaches a cache that had the old row, except a change of the sealed secret alone.
class PgInstrumentCacheTest : public PgRepositoryTest {
 protected:
  PgInstrumentCacheTest()
      : cache_(instruments_, 1 << 20),
        listener_(pi::testing::TestDatabaseUrl(),
                  {{"instruments_changed", [this](const std::string& id) { cache_.Evict(id); }}},
                  [this](bool enabled) { cache_.SetEnabled(enabled); }) {}

  void SetUp() override {
    PgRepositoryTest::SetUp();
    for (absl::Time until = absl::Now() + absl::Seconds(10);
         !listener_.listening() && absl::Now() < until;) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_TRUE(listener_.listening());
    InstrumentRecord record = Card(UniqueId("PI"));
    id_ = record.instrument.id;
    ASSERT_TRUE(Insert(std::move(record)).ok());
  }

  absl::StatusOr<Instrument> Cached() {
    std::promise<absl::StatusOr<Instrument>> done;
    cache_.Find(application_id_, id_,
                [&](absl::StatusOr<Instrument> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  void Exec(const std::string& sql) {
    pqxx::connection c(pi::testing::TestDatabaseUrl());
    pqxx::work txn(c);
    txn.exec_params(sql, id_);
    txn.commit();
  }

  // Reads through the cache every 10 ms until `done` holds, for up to 10 s (a bound for a loaded
  // machine, not a timing claim).
  template <typename Pred>
  bool EventuallyCached(Pred done) {
    for (absl::Time until = absl::Now() + absl::Seconds(10); absl::Now() < until;) {
      if (done(Cached())) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return done(Cached());
  }

  domain::CachingInstrumentRepository cache_;
  PgChangeListener listener_;
  std::string id_;
};

TEST_F(PgInstrumentCacheTest, AnUpdateCommittedElsewhereReachesTheCache) {
  ASSERT_EQ(Cached()->holder_name, "Amy White");
  ASSERT_EQ(Cached()->holder_name, "Amy White");
  ASSERT_EQ(cache_.stats().hits, 1u) << "the second read comes from the cache";

  Exec("UPDATE payment_instruments SET holder_name = 'Renamed Elsewhere' WHERE id = $1");
  EXPECT_TRUE(EventuallyCached([](const absl::StatusOr<Instrument>& i) {
    return i.ok() && i->holder_name == "Renamed Elsewhere";
  }));
}

TEST_F(PgInstrumentCacheTest, ADeleteCommittedElsewhereReachesTheCache) {
  ASSERT_TRUE(Cached().ok());
  ASSERT_TRUE(Cached().ok());
  ASSERT_EQ(cache_.stats().hits, 1u);
  Exec("DELETE FROM payment_instruments WHERE id = $1");
  EXPECT_TRUE(EventuallyCached([](const absl::StatusOr<Instrument>& i) {
    return i.status().code() == absl::StatusCode::kNotFound;
  }));
}

// What an insert through the cache remembers is what the database answers for the row, for
// every kind of instrument: a later read from either gives the same instrument.
TEST_F(PgInstrumentCacheTest, AnInsertedInstrumentIsRememberedAsTheDatabaseReadsItBack) {
  std::vector<InstrumentRecord> records;
  records.push_back(Card(UniqueId("PI")));
  records.push_back(EnrichedCard(UniqueId("PI")));
  records.back().instrument.tags.clear();
  records.back().instrument.address.reset();
  records.back().instrument.created_from_token = true;
  records.push_back(CanadianBankAccount(UniqueId("PI")));
  records.push_back(ApplePay(UniqueId("PI")));
  for (InstrumentRecord& record : records) {
    // A clock's nanoseconds, which the database does not keep.
    record.instrument.create_time = absl::FromUnixNanos(1700000000123456789);
    record.instrument.update_time = record.instrument.create_time + absl::Nanoseconds(1500);
    std::string id = record.instrument.id;
    std::promise<absl::Status> inserted;
    cache_.Insert(std::move(record), [&](absl::Status s) { inserted.set_value(std::move(s)); });
    ASSERT_TRUE(inserted.get_future().get().ok());

    uint64_t hits = cache_.stats().hits;
    std::promise<absl::StatusOr<Instrument>> cached;
    cache_.Find(application_id_, id,
                [&](absl::StatusOr<Instrument> r) { cached.set_value(std::move(r)); });
    absl::StatusOr<Instrument> remembered = cached.get_future().get();
    ASSERT_EQ(cache_.stats().hits, hits + 1) << id << " was remembered by the insert";
    absl::StatusOr<Instrument> stored = Find(application_id_, id);
    ASSERT_TRUE(remembered.ok() && stored.ok());
    EXPECT_EQ(*remembered, *stored) << id;
  }
}

TEST_F(PgInstrumentCacheTest, ReEncryptionAndNoOpUpdatesDoNotNotify) {
  InstrumentRecord marker = Card(UniqueId("PI"));
  std::string marker_id = marker.instrument.id;
  ASSERT_TRUE(Insert(std::move(marker)).ok());
  auto find_marker = [&] {
    std::promise<absl::StatusOr<Instrument>> done;
    cache_.Find(application_id_, marker_id,
                [&](absl::StatusOr<Instrument> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  };
  ASSERT_TRUE(Cached().ok());
  ASSERT_TRUE(find_marker().ok());

  Exec("UPDATE payment_instruments SET secret_ciphertext = 'resealed', secret_key_version = 2 "
       "WHERE id = $1");
  Exec("UPDATE payment_instruments SET holder_name = holder_name WHERE id = $1");
  // Notifications arrive in commit order: once this later one has evicted the marker, any
  // notification of the two updates above would have been handled too.
  {
    pqxx::connection c(pi::testing::TestDatabaseUrl());
    pqxx::work txn(c);
    txn.exec_params("SELECT pg_notify('instruments_changed', $1)", marker_id);
    txn.commit();
  }
  bool marker_evicted = false;
  for (absl::Time until = absl::Now() + absl::Seconds(10); !marker_evicted && absl::Now() < until;
       absl::SleepFor(absl::Milliseconds(10))) {
    uint64_t misses = cache_.stats().misses;
    ASSERT_TRUE(find_marker().ok());
    marker_evicted = cache_.stats().misses > misses;
  }
  ASSERT_TRUE(marker_evicted);
  uint64_t hits = cache_.stats().hits;
  ASSERT_TRUE(Cached().ok());
  EXPECT_EQ(cache_.stats().hits, hits + 1) << "the re-encrypted instrument is still cached";
}

TEST_F(PgRepositoryTest, FindsCredentialWithRoleAndHash) {
  std::promise<absl::StatusOr<domain::StoredCredential>> done;
  credentials_.FindCredential(credential_id_, [&](absl::StatusOr<domain::StoredCredential> r) {
    done.set_value(std::move(r));
  });
  absl::StatusOr<domain::StoredCredential> found = done.get_future().get();
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->application_id, application_id_);
  EXPECT_EQ(found->role, domain::Role::kMerchant);
  EXPECT_EQ(found->secret_hash, std::string(32, 'h'));
  EXPECT_FALSE(found->revoked);
}

TEST_F(PgRepositoryTest, UnknownCredentialIsNotFound) {
  std::promise<absl::StatusOr<domain::StoredCredential>> done;
  credentials_.FindCredential("USnobody", [&](absl::StatusOr<domain::StoredCredential> r) {
    done.set_value(std::move(r));
  });
  EXPECT_EQ(done.get_future().get().status().code(), absl::StatusCode::kNotFound);
}

TEST(PgWorkerPoolTest, UnreachableDatabaseFailsFastWithUnavailable) {
  PgWorkerPool pool({"host=/nonexistent-socket-dir port=1 dbname=pi connect_timeout=1", 1, 8,
                     PgInstrumentRepository::Statements()});
  PgInstrumentRepository repository(pool);
  std::promise<absl::StatusOr<Instrument>> done;
  repository.Find("AP", "PI", [&](absl::StatusOr<Instrument> r) { done.set_value(std::move(r)); });
  EXPECT_EQ(done.get_future().get().status().code(), absl::StatusCode::kUnavailable);
}

TEST(PgWorkerPoolTest, FullQueueIsResourceExhausted) {
  PgWorkerPool pool({pi::testing::TestDatabaseUrl(), 1, 1, {}});
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> first_running;
  // The first job occupies the only worker; the second fills the queue; the third is refused.
  pool.Submit([&, released](absl::StatusOr<PgSession*>) {
    first_running.set_value();
    released.wait();
  });
  first_running.get_future().wait();
  pool.Submit([](absl::StatusOr<PgSession*>) {});
  absl::Status third;
  pool.Submit([&](absl::StatusOr<PgSession*> s) { third = s.status(); });
  release.set_value();
  EXPECT_EQ(third.code(), absl::StatusCode::kResourceExhausted);
}

TEST(MigratorTest, SecondRunAppliesNothing) {
  absl::StatusOr<MigrationResult> again =
      ApplyMigrations(pi::testing::TestDatabaseUrl(), pi::testing::MigrationsDir());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->applied, 0);
  EXPECT_GE(again->current_version, 1);
}

TEST(MigratorTest, BadlyNamedFileIsRejected) {
  std::string dir = ::testing::TempDir() + "/bad-migrations";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/first.sql") << "SELECT 1;";
  absl::StatusOr<MigrationResult> result = ApplyMigrations(pi::testing::TestDatabaseUrl(), dir);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pi::instruments::storage
