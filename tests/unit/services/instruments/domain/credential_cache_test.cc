#include "services/instruments/domain/credential_cache.h"

#include <deque>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace pi::instruments::domain {
namespace {

// Answers from `rows`, counting lookups; with `hold` set, keeps the callbacks until Release().
class CountingStore : public CredentialStore {
 public:
  void FindCredential(std::string id, FindDone done) override {
    ++lookups;
    absl::StatusOr<StoredCredential> answer = absl::NotFoundError("no such credential");
    if (auto it = rows.find(id); it != rows.end()) answer = it->second;
    if (hold) {
      held.emplace_back(std::move(answer), std::move(done));
      return;
    }
    std::move(done)(std::move(answer));
  }
  void Release() {
    while (!held.empty()) {
      auto [answer, done] = std::move(held.front());
      held.pop_front();
      std::move(done)(std::move(answer));
    }
  }
  std::map<std::string, StoredCredential> rows;
  int lookups = 0;
  bool hold = false;
  std::deque<std::pair<absl::StatusOr<StoredCredential>, FindDone>> held;
};

class CredentialCacheTest : public ::testing::Test {
 protected:
  CredentialCacheTest() : cache_(store_, [this] { return now_; }, absl::Minutes(5), 3) {
    store_.rows["USone"] = StoredCredential{"USone", "APone", CredentialKind::kBasic,
                                            Role::kMerchant, "hash", false};
    store_.rows["UStwo"] = StoredCredential{"UStwo", "APone", CredentialKind::kBasic,
                                            Role::kMerchant, "hash", false};
  }

  absl::StatusOr<StoredCredential> Find(const std::string& id) {
    absl::StatusOr<StoredCredential> out = absl::UnknownError("not answered");
    cache_.FindCredential(id, [&](absl::StatusOr<StoredCredential> r) { out = std::move(r); });
    return out;
  }

  CountingStore store_;
  absl::Time now_ = absl::FromUnixSeconds(1000);
  CachingCredentialStore cache_;
};

TEST_F(CredentialCacheTest, DisabledItAsksTheStoreEveryTime) {
  EXPECT_TRUE(Find("USone").ok());
  EXPECT_TRUE(Find("USone").ok());
  EXPECT_EQ(store_.lookups, 2);
}

TEST_F(CredentialCacheTest, EnabledItRemembersWhatItFound) {
  cache_.SetEnabled(true);
  EXPECT_EQ(Find("USone")->id, "USone");
  EXPECT_EQ(Find("USone")->id, "USone");
  EXPECT_EQ(store_.lookups, 1);
  EXPECT_EQ(cache_.stats().hits, 1u);
}

TEST_F(CredentialCacheTest, AnEvictedCredentialIsReadAgain) {
  cache_.SetEnabled(true);
  EXPECT_TRUE(Find("USone").ok());
  store_.rows["USone"].revoked = true;
  cache_.Evict("USone");
  EXPECT_TRUE(Find("USone")->revoked);
  EXPECT_EQ(store_.lookups, 2);
}

TEST_F(CredentialCacheTest, AReadInFlightDuringAnEvictionIsNotRemembered) {
  cache_.SetEnabled(true);
  store_.hold = true;
  absl::StatusOr<StoredCredential> first = absl::UnknownError("not answered");
  cache_.FindCredential("USone", [&](absl::StatusOr<StoredCredential> r) { first = r; });
  store_.rows["USone"].revoked = true;  // revoked after the read, before its answer arrived
  cache_.Evict("USone");
  store_.Release();
  EXPECT_TRUE(first.ok());
  store_.hold = false;
  EXPECT_TRUE(Find("USone")->revoked) << "the stale answer must not have been remembered";
}

TEST_F(CredentialCacheTest, DisablingForgetsEverything) {
  cache_.SetEnabled(true);
  EXPECT_TRUE(Find("USone").ok());
  cache_.SetEnabled(false);
  cache_.SetEnabled(true);
  EXPECT_TRUE(Find("USone").ok());
  EXPECT_EQ(store_.lookups, 2);
}

TEST_F(CredentialCacheTest, NotFoundIsNeverRemembered) {
  cache_.SetEnabled(true);
  EXPECT_TRUE(absl::IsNotFound(Find("USnew").status()));
  store_.rows["USnew"] = StoredCredential{"USnew", "APone", CredentialKind::kBasic,
                                          Role::kMerchant, "hash", false};
  EXPECT_TRUE(Find("USnew").ok());
}

TEST_F(CredentialCacheTest, EntriesExpireAfterTheirTtl) {
  cache_.SetEnabled(true);
  EXPECT_TRUE(Find("USone").ok());
  now_ += absl::Minutes(5) - absl::Nanoseconds(1);
  EXPECT_TRUE(Find("USone").ok());
  EXPECT_EQ(store_.lookups, 1);
  now_ += absl::Nanoseconds(1);
  EXPECT_TRUE(Find("USone").ok());
  EXPECT_EQ(store_.lookups, 2);
}

TEST_F(CredentialCacheTest, AFullCacheStartsOver) {
  cache_.SetEnabled(true);
  for (const char* id : {"USone", "UStwo"}) EXPECT_TRUE(Find(id).ok());
  store_.rows["USthree"] = store_.rows["USone"];
  store_.rows["USfour"] = store_.rows["USone"];
  EXPECT_TRUE(Find("USthree").ok());  // third entry: capacity reached
  EXPECT_TRUE(Find("USfour").ok());   // clears, then remembers only this one
  int before = store_.lookups;
  EXPECT_TRUE(Find("USfour").ok());
  EXPECT_TRUE(Find("USone").ok());
  EXPECT_EQ(store_.lookups, before + 1);
}

}  // namespace
}  // namespace pi::instruments::domain
