// The caches kept exact by PostgreSQL notifications, against the real throwaway cluster: a
// revocation or an instrument change committed by another connection reaches the cache without a
// restart.
#include "services/instruments/storage/pg_change_listener.h"

#include <gtest/gtest.h>

#include <future>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/instruments/domain/credential_cache.h"
#include "services/instruments/storage/pg_credential_repository.h"
#include "tests/support/test_database.h"

namespace pi::instruments::storage {
namespace {

class PgChangeListenerTest : public ::testing::Test {
 protected:
  PgChangeListenerTest()
      : pool_({pi::testing::TestDatabaseUrl(), 1, 64, PgCredentialRepository::Statements()}),
        repository_(pool_),
        cache_(repository_, [] { return absl::Now(); }, absl::Minutes(5)) {}

  void SetUp() override {
    application_id_ = absl::StrCat("APlisten", absl::ToUnixNanos(absl::Now()));
    credential_id_ = absl::StrCat("LS", application_id_);  // CreateTenant made "US…"
    pi::testing::CreateTenant(pi::testing::TestDatabaseUrl(), application_id_, {});
    Exec("INSERT INTO credentials (id, application_id, kind, role, secret_sha256) "
         "VALUES ($1, $2, 'basic', 'merchant', sha256('x'))",
         credential_id_, application_id_);
  }

  template <typename... Args>
  void Exec(const std::string& sql, Args&&... args) {
    pqxx::connection c(pi::testing::TestDatabaseUrl());
    pqxx::work txn(c);
    txn.exec_params(sql, std::forward<Args>(args)...);
    txn.commit();
  }

  // A listener that keeps `cache_` fresh, as pi-server wires it.
  PgChangeListener Listen(const std::string& conninfo) {
    return PgChangeListener(
        conninfo,
        {{"credentials_changed", [this](const std::string& id) { cache_.Evict(id); }}},
        [this](bool enabled) { cache_.SetEnabled(enabled); });
  }

  absl::StatusOr<domain::StoredCredential> Find() {
    std::promise<absl::StatusOr<domain::StoredCredential>> out;
    cache_.FindCredential(credential_id_,
                          [&](absl::StatusOr<domain::StoredCredential> r) { out.set_value(r); });
    return out.get_future().get();
  }

  // Polls `done` every 10 ms for up to 10 s (a bound for a loaded machine, not a timing claim).
  template <typename Pred>
  static bool Eventually(Pred done) {
    for (absl::Time until = absl::Now() + absl::Seconds(10); absl::Now() < until;) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return done();
  }

  PgWorkerPool pool_;
  PgCredentialRepository repository_;
  domain::CachingCredentialStore cache_;
  std::string application_id_;
  std::string credential_id_;
};

TEST_F(PgChangeListenerTest, ARevocationCommittedElsewhereReachesTheCache) {
  PgChangeListener listener = Listen(pi::testing::TestDatabaseUrl());
  ASSERT_TRUE(Eventually([&] { return listener.listening(); }));
  ASSERT_FALSE(Find()->revoked);
  ASSERT_FALSE(Find()->revoked);
  EXPECT_EQ(cache_.stats().hits, 1u) << "the second lookup comes from the cache";

  Exec("UPDATE credentials SET revoked_at = now() WHERE id = $1", credential_id_);
  EXPECT_TRUE(Eventually([&] { return Find()->revoked; }));
}

TEST_F(PgChangeListenerTest, WithoutTheListenerNothingIsCached) {
  {
    PgChangeListener listener = Listen(pi::testing::TestDatabaseUrl());
    ASSERT_TRUE(Eventually([&] { return listener.listening(); }));
  }  // stopped: the cache is disabled again
  EXPECT_TRUE(Find().ok());
  EXPECT_TRUE(Find().ok());
  EXPECT_EQ(cache_.stats().hits, 0u);
}

TEST_F(PgChangeListenerTest, AnUnreachableDatabaseLeavesTheCacheOff) {
  PgChangeListener listener = Listen("host=127.0.0.1 port=1 connect_timeout=1");
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_FALSE(listener.listening());
  EXPECT_TRUE(Find().ok());
  EXPECT_TRUE(Find().ok());
  EXPECT_EQ(cache_.stats().hits, 0u);
}

}  // namespace
}  // namespace pi::instruments::storage
