#include "services/instruments/crypto/key_manager.h"

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"
#include "services/instruments/crypto/data_key_store.h"
#include "services/instruments/crypto/field_cipher.h"
#include "services/instruments/crypto/key_provider.h"
#include "services/instruments/crypto/key_ring.h"

namespace pi::instruments::crypto {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// One AddEncryptions call.
struct Added {
  std::string application_id;
  uint32_t version = 0;
  int64_t count = 0;

  friend bool operator==(const Added&, const Added&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Added& a) {
    return os << "{" << a.application_id << ", " << a.version << ", " << a.count << "}";
  }
};

// The DataKeyStore port in memory. Every call completes synchronously, on the calling thread,
// and is recorded. Thread-safe; `done` always runs outside the lock, as the manager may call back
// into the store from it.
class FakeDataKeyStore : public DataKeyStore {
 public:
  // --- Control.
  void SetKekVersions(uint32_t active, uint32_t min) {
    absl::MutexLock lock(&mu_);
    active_kek_version_ = active;
    min_kek_version_ = min;
  }
  void Put(WrappedDataKey key) {
    absl::MutexLock lock(&mu_);
    keys_[{key.application_id, key.version}] = std::move(key);
  }
  void SetState(const std::string& application_id, uint32_t version, DataKeyState state) {
    absl::MutexLock lock(&mu_);
    keys_.at({application_id, version}).state = state;
  }
  // Each call fails with the status until it is reset with absl::OkStatus().
  void FailFindActive(absl::Status status) {
    absl::MutexLock lock(&mu_);
    find_active_error_ = std::move(status);
  }
  void FailFind(absl::Status status) {
    absl::MutexLock lock(&mu_);
    find_error_ = std::move(status);
  }
  void FailCreateFirst(absl::Status status) {
    absl::MutexLock lock(&mu_);
    create_first_error_ = std::move(status);
  }
  // Another replica stores `key` just before the next CreateFirst is handled.
  void LoseNextCreateFirstRaceTo(WrappedDataKey key) {
    absl::MutexLock lock(&mu_);
    race_winner_ = std::move(key);
  }

  // --- Records.
  int find_active_calls() const {
    absl::MutexLock lock(&mu_);
    return find_active_calls_;
  }
  std::vector<std::pair<std::string, uint32_t>> find_calls() const {
    absl::MutexLock lock(&mu_);
    return find_calls_;
  }
  std::vector<WrappedDataKey> create_first_calls() const {
    absl::MutexLock lock(&mu_);
    return create_first_calls_;
  }
  std::vector<Added> added() const {
    absl::MutexLock lock(&mu_);
    return added_;
  }
  // Every byte the store was given or answered with, concatenated.
  std::string AllRecordedBytes() const {
    absl::MutexLock lock(&mu_);
    return recorded_;
  }
  std::optional<WrappedDataKey> Stored(const std::string& application_id, uint32_t version) const {
    absl::MutexLock lock(&mu_);
    auto it = keys_.find({application_id, version});
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }

  // --- DataKeyStore.
  void FindActive(std::string application_id, Done<ActiveKeyLookup> done) override {
    absl::StatusOr<ActiveKeyLookup> result;
    {
      absl::MutexLock lock(&mu_);
      ++find_active_calls_;
      Record(application_id);
      if (!find_active_error_.ok()) {
        result = find_active_error_;
      } else {
        ActiveKeyLookup lookup;
        lookup.active = ActiveLocked(application_id);
        lookup.active_kek_version = active_kek_version_;
        lookup.min_kek_version = min_kek_version_;
        if (lookup.active) Record(*lookup.active);
        result = std::move(lookup);
      }
    }
    std::move(done)(std::move(result));
  }

  void Find(std::string application_id, uint32_t version,
            Done<std::pair<WrappedDataKey, uint32_t>> done) override {
    absl::StatusOr<std::pair<WrappedDataKey, uint32_t>> result;
    {
      absl::MutexLock lock(&mu_);
      find_calls_.emplace_back(application_id, version);
      Record(application_id);
      auto it = keys_.find({application_id, version});
      if (!find_error_.ok()) {
        result = find_error_;
      } else if (it == keys_.end()) {
        result = absl::NotFoundError("no such data key");
      } else {
        Record(it->second);
        result = std::make_pair(it->second, min_kek_version_);
      }
    }
    std::move(done)(std::move(result));
  }

  void CreateFirst(WrappedDataKey key, Done<WrappedDataKey> done) override {
    absl::StatusOr<WrappedDataKey> result;
    {
      absl::MutexLock lock(&mu_);
      Record(key);
      create_first_calls_.push_back(key);
      if (race_winner_) {
        WrappedDataKey winner = *std::move(race_winner_);
        race_winner_.reset();
        keys_[{winner.application_id, winner.version}] = std::move(winner);
      }
      if (!create_first_error_.ok()) {
        result = create_first_error_;
      } else if (std::optional<WrappedDataKey> existing = ActiveLocked(key.application_id)) {
        result = *std::move(existing);
      } else {
        key.state = DataKeyState::kActive;
        keys_[{key.application_id, key.version}] = key;
        result = std::move(key);
      }
    }
    std::move(done)(std::move(result));
  }

  void AddEncryptions(std::string application_id, uint32_t version, int64_t count) override {
    absl::MutexLock lock(&mu_);
    Record(application_id);
    added_.push_back(Added{application_id, version, count});
    auto it = keys_.find({application_id, version});
    if (it != keys_.end()) it->second.encryptions += count;
  }

 private:
  std::optional<WrappedDataKey> ActiveLocked(const std::string& application_id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::optional<WrappedDataKey> active;
    for (const auto& [id, key] : keys_) {
      if (id.first == application_id && key.state == DataKeyState::kActive) active = key;
    }
    return active;
  }
  void Record(absl::string_view bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    absl::StrAppend(&recorded_, bytes, "|");
  }
  void Record(const WrappedDataKey& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    absl::StrAppend(&recorded_, key.application_id, "|", key.wrapped_key, "|");
  }

  mutable absl::Mutex mu_;
  uint32_t active_kek_version_ ABSL_GUARDED_BY(mu_) = 1;
  uint32_t min_kek_version_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<std::pair<std::string, uint32_t>, WrappedDataKey> keys_ ABSL_GUARDED_BY(mu_);
  absl::Status find_active_error_ ABSL_GUARDED_BY(mu_);
  absl::Status find_error_ ABSL_GUARDED_BY(mu_);
  absl::Status create_first_error_ ABSL_GUARDED_BY(mu_);
  std::optional<WrappedDataKey> race_winner_ ABSL_GUARDED_BY(mu_);
  int find_active_calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::pair<std::string, uint32_t>> find_calls_ ABSL_GUARDED_BY(mu_);
  std::vector<WrappedDataKey> create_first_calls_ ABSL_GUARDED_BY(mu_);
  std::vector<Added> added_ ABSL_GUARDED_BY(mu_);
  std::string recorded_ ABSL_GUARDED_BY(mu_);
};

KeyRing MakeRing() {
  absl::StatusOr<KeyRing> ring =
      KeyRing::Parse(absl::StrCat("1 ", absl::Base64Escape(std::string(32, '\x11')), "\n", "2 ",
                                  absl::Base64Escape(std::string(32, '\x22')), "\n", "fingerprint ",
                                  absl::Base64Escape(std::string(32, 'f')), "\n"));
  EXPECT_TRUE(ring.ok()) << ring.status();
  return *std::move(ring);
}

// A recognizable 32-byte data key for `tag`.
std::string RawDek(char tag) {
  std::string key(32, tag);
  key[0] = 'D';
  return key;
}

domain::SealContext Context(std::string application_id = "app-1",
                            std::string resource_id = "PI0001", std::string field = "card.number") {
  return domain::SealContext{std::move(application_id), std::move(resource_id), std::move(field)};
}

constexpr char kPan[] = "4111111111111111";

// Runs Seal and returns what `done` got; `done` must run exactly once, before Seal returns (the
// fake store completes synchronously).
absl::StatusOr<domain::SealedSecret> SealNow(KeyManager& manager, absl::string_view plaintext,
                                             domain::SealContext context = Context()) {
  int calls = 0;
  absl::StatusOr<domain::SealedSecret> result = absl::InternalError("done never ran");
  manager.Seal(common::Secret(std::string(plaintext)), std::move(context),
               [&](absl::StatusOr<domain::SealedSecret> r) {
                 ++calls;
                 result = std::move(r);
               });
  EXPECT_EQ(calls, 1);
  return result;
}

// Runs Open and returns the revealed plaintext.
absl::StatusOr<std::string> OpenNow(KeyManager& manager, std::string ciphertext,
                                    domain::SealContext context = Context()) {
  int calls = 0;
  absl::StatusOr<std::string> result = absl::InternalError("done never ran");
  manager.Open(std::move(ciphertext), std::move(context), [&](absl::StatusOr<common::Secret> r) {
    ++calls;
    if (r.ok()) {
      result = std::string(r->Reveal());
    } else {
      result = r.status();
    }
  });
  EXPECT_EQ(calls, 1);
  return result;
}

class KeyManagerTest : public ::testing::Test {
 protected:
  // A DEK for `application_id`/`version` wrapped under `kek_version`, stored; returns its bytes.
  std::string AddDek(const std::string& application_id, uint32_t version, uint32_t kek_version,
                     DataKeyState state, char tag) {
    std::string raw = RawDek(tag);
    store_.Put(MakeDek(application_id, version, kek_version, state, raw));
    return raw;
  }
  WrappedDataKey MakeDek(const std::string& application_id, uint32_t version, uint32_t kek_version,
                         DataKeyState state, const std::string& raw) {
    absl::StatusOr<std::string> wrapped =
        provider_.WrapKey(kek_version, raw, DataKeyContext(application_id, version));
    EXPECT_TRUE(wrapped.ok()) << wrapped.status();
    WrappedDataKey key;
    key.application_id = application_id;
    key.version = version;
    key.wrapped_key = wrapped.value_or("");
    key.kek_version = kek_version;
    key.state = state;
    return key;
  }
  // The DEK the store holds for `application_id`/`version`, unwrapped with the provider.
  std::string UnwrapStored(const std::string& application_id, uint32_t version) {
    std::optional<WrappedDataKey> stored = store_.Stored(application_id, version);
    if (!stored) {
      ADD_FAILURE() << "no stored key " << application_id << "/" << version;
      return "";
    }
    absl::StatusOr<common::Secret> raw = provider_.UnwrapKey(
        stored->kek_version, stored->wrapped_key, DataKeyContext(application_id, version));
    EXPECT_TRUE(raw.ok()) << raw.status();
    return raw.ok() ? std::string(raw->Reveal()) : "";
  }
  std::string SealFieldWith(const std::string& raw, uint32_t version,
                            domain::SealContext context = Context()) {
    absl::StatusOr<std::string> ciphertext = SealField(raw, version, kPan, context);
    EXPECT_TRUE(ciphertext.ok()) << ciphertext.status();
    return ciphertext.value_or("");
  }

  KeyRing ring_ = MakeRing();
  FileKeyProvider provider_{ring_};
  FakeDataKeyStore store_;
  KeyManager manager_{provider_, store_, KeyManager::Options{}};
};

TEST(DataKeyContextTest, DistinguishesApplicationsAndVersions) {
  std::set<std::string> contexts = {
      DataKeyContext("a", 1),        DataKeyContext("a", 2),
      DataKeyContext("b", 1),        DataKeyContext("ab", 1),
      DataKeyContext("a", 256),      DataKeyContext("", 1),
      DataKeyContext("a", 0),        DataKeyContext(std::string("a\0", 2), 1),
      DataKeyContext("a", 1u << 24),
  };
  EXPECT_EQ(contexts.size(), 9u);
  EXPECT_EQ(DataKeyContext("app-1", 7), DataKeyContext("app-1", 7));
}

TEST_F(KeyManagerTest, FirstSealCreatesVersionOneUnderTheActiveKek) {
  store_.SetKekVersions(/*active=*/2, /*min=*/1);

  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);

  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->key_version, 1u);
  EXPECT_EQ(store_.find_active_calls(), 1);
  std::vector<WrappedDataKey> created = store_.create_first_calls();
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].application_id, "app-1");
  EXPECT_EQ(created[0].version, 1u);
  EXPECT_EQ(created[0].kek_version, 2u);
  EXPECT_EQ(created[0].state, DataKeyState::kActive);
  EXPECT_EQ(created[0].encryptions, 0);
  EXPECT_EQ(created[0].wrapped_key.size(), 12u + 32u + 16u);

  // The stored key is a 32-byte DEK wrapped under KEK 2 for (app-1, 1), and nothing else.
  absl::StatusOr<common::Secret> dek =
      provider_.UnwrapKey(2, created[0].wrapped_key, DataKeyContext("app-1", 1));
  ASSERT_TRUE(dek.ok()) << dek.status();
  EXPECT_EQ(dek->size(), 32u);
  EXPECT_EQ(
      provider_.UnwrapKey(1, created[0].wrapped_key, DataKeyContext("app-1", 1)).status().code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      provider_.UnwrapKey(2, created[0].wrapped_key, DataKeyContext("app-1", 2)).status().code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(created[0].wrapped_key.find(std::string(dek->Reveal())), std::string::npos);

  // The ciphertext is the field format under that DEK, version 1.
  EXPECT_EQ(CiphertextKeyVersion(sealed->ciphertext).value_or(0), 1u);
  absl::StatusOr<common::Secret> direct = OpenField(dek->Reveal(), sealed->ciphertext, Context());
  ASSERT_TRUE(direct.ok()) << direct.status();
  EXPECT_EQ(direct->Reveal(), kPan);
  EXPECT_EQ(OpenNow(manager_, sealed->ciphertext).value_or("<error>"), kPan);
  // The manager opened its own key from memory.
  EXPECT_THAT(store_.find_calls(), IsEmpty());
}

TEST_F(KeyManagerTest, ARestartedManagerOpensThroughTheStore) {
  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);
  ASSERT_TRUE(sealed.ok()) << sealed.status();

  KeyManager restarted(provider_, store_, KeyManager::Options{});
  EXPECT_EQ(OpenNow(restarted, sealed->ciphertext).value_or("<error>"), kPan);
  EXPECT_EQ(OpenNow(restarted, sealed->ciphertext).value_or("<error>"), kPan);
  // Looked up once, then cached.
  EXPECT_THAT(store_.find_calls(), ElementsAre(std::make_pair(std::string("app-1"), 1u)));

  // And seals with the stored key rather than creating another.
  absl::StatusOr<domain::SealedSecret> again = SealNow(restarted, kPan);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->key_version, 1u);
  EXPECT_EQ(store_.create_first_calls().size(), 1u);
  EXPECT_EQ(OpenNow(manager_, again->ciphertext).value_or("<error>"), kPan);
}

TEST_F(KeyManagerTest, SecondSealUsesTheCachedKey) {
  absl::StatusOr<domain::SealedSecret> first = SealNow(manager_, kPan);
  absl::StatusOr<domain::SealedSecret> second = SealNow(manager_, kPan);

  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->key_version, 1u);
  EXPECT_NE(first->ciphertext, second->ciphertext);  // fresh nonce
  EXPECT_EQ(store_.find_active_calls(), 1);
  EXPECT_EQ(store_.create_first_calls().size(), 1u);
  EXPECT_EQ(OpenNow(manager_, second->ciphertext).value_or("<error>"), kPan);
}

TEST_F(KeyManagerTest, ApplicationsGetTheirOwnKeys) {
  absl::StatusOr<domain::SealedSecret> app1 = SealNow(manager_, kPan, Context("app-1"));
  absl::StatusOr<domain::SealedSecret> app2 = SealNow(manager_, kPan, Context("app-2"));
  ASSERT_TRUE(app1.ok()) << app1.status();
  ASSERT_TRUE(app2.ok()) << app2.status();

  EXPECT_EQ(store_.find_active_calls(), 2);
  ASSERT_EQ(store_.create_first_calls().size(), 2u);
  EXPECT_EQ(store_.create_first_calls()[1].application_id, "app-2");
  std::string dek1 = UnwrapStored("app-1", 1);
  std::string dek2 = UnwrapStored("app-2", 1);
  EXPECT_NE(dek1, dek2);
  EXPECT_TRUE(OpenField(dek2, app2->ciphertext, Context("app-2")).ok());
  EXPECT_EQ(OpenNow(manager_, app2->ciphertext, Context("app-2")).value_or("<error>"), kPan);
}

TEST_F(KeyManagerTest, ForgetActiveKeyMakesTheNextSealConsultTheStore) {
  ASSERT_TRUE(SealNow(manager_, kPan).ok());
  ASSERT_TRUE(SealNow(manager_, kPan, Context("app-2")).ok());
  ASSERT_EQ(store_.find_active_calls(), 2);

  manager_.ForgetActiveKey("app-1");
  ASSERT_TRUE(SealNow(manager_, kPan).ok());
  EXPECT_EQ(store_.find_active_calls(), 3);
  ASSERT_TRUE(SealNow(manager_, kPan).ok());
  EXPECT_EQ(store_.find_active_calls(), 3);
  // app-2 is still cached; the existing key is reused, not recreated.
  ASSERT_TRUE(SealNow(manager_, kPan, Context("app-2")).ok());
  EXPECT_EQ(store_.find_active_calls(), 3);
  EXPECT_EQ(store_.create_first_calls().size(), 2u);
}

TEST_F(KeyManagerTest, ForgetActiveKeyPicksUpARotation) {
  absl::StatusOr<domain::SealedSecret> old_sealed = SealNow(manager_, kPan);
  ASSERT_TRUE(old_sealed.ok()) << old_sealed.status();
  // Rotation elsewhere: version 1 becomes decrypt-only, version 2 (under KEK 2) active.
  store_.SetState("app-1", 1, DataKeyState::kDecryptOnly);
  std::string dek2 = AddDek("app-1", 2, 2, DataKeyState::kActive, 'b');

  // Still cached: the old key seals until the cache is dropped.
  absl::StatusOr<domain::SealedSecret> cached = SealNow(manager_, kPan);
  ASSERT_TRUE(cached.ok()) << cached.status();
  EXPECT_EQ(cached->key_version, 1u);

  manager_.ForgetActiveKey("app-1");
  absl::StatusOr<domain::SealedSecret> rotated = SealNow(manager_, kPan);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(rotated->key_version, 2u);
  EXPECT_TRUE(OpenField(dek2, rotated->ciphertext, Context()).ok());
  EXPECT_EQ(OpenNow(manager_, rotated->ciphertext).value_or("<error>"), kPan);
  EXPECT_EQ(OpenNow(manager_, old_sealed->ciphertext).value_or("<error>"), kPan);
}

TEST_F(KeyManagerTest, ZeroTtlConsultsTheStoreOnEverySeal) {
  KeyManager manager(provider_, store_,
                     KeyManager::Options{.active_key_ttl = absl::ZeroDuration()});

  for (int i = 1; i <= 3; ++i) {
    absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager, kPan);
    ASSERT_TRUE(sealed.ok()) << sealed.status();
    EXPECT_EQ(sealed->key_version, 1u);
    EXPECT_EQ(store_.find_active_calls(), i);
  }
  EXPECT_EQ(store_.create_first_calls().size(), 1u);
}

TEST_F(KeyManagerTest, ExpiredEntryConsultsTheStoreAgain) {
  KeyManager manager(provider_, store_,
                     KeyManager::Options{.active_key_ttl = absl::Milliseconds(500)});

  ASSERT_TRUE(SealNow(manager, kPan).ok());
  ASSERT_TRUE(SealNow(manager, kPan).ok());
  EXPECT_EQ(store_.find_active_calls(), 1);
  absl::SleepFor(absl::Milliseconds(600));
  ASSERT_TRUE(SealNow(manager, kPan).ok());
  EXPECT_EQ(store_.find_active_calls(), 2);
}

TEST_F(KeyManagerTest, UsesTheActiveKeyTheStoreAlreadyHas) {
  store_.SetKekVersions(2, 1);
  std::string dek = AddDek("app-1", 3, 1, DataKeyState::kActive, 'c');
  AddDek("app-1", 2, 1, DataKeyState::kDecryptOnly, 'x');

  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);

  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->key_version, 3u);
  EXPECT_THAT(store_.create_first_calls(), IsEmpty());
  absl::StatusOr<common::Secret> opened = OpenField(dek, sealed->ciphertext, Context());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->Reveal(), kPan);
}

TEST_F(KeyManagerTest, UsesTheStoredKeyWhenAnotherReplicaWonTheCreateFirstRace) {
  store_.SetKekVersions(2, 1);
  // The winner wrapped its DEK under KEK 1 (its own view of the active KEK).
  std::string winner = RawDek('w');
  store_.LoseNextCreateFirstRaceTo(MakeDek("app-1", 1, 1, DataKeyState::kActive, winner));

  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);

  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->key_version, 1u);
  ASSERT_EQ(store_.create_first_calls().size(), 1u);
  EXPECT_EQ(store_.create_first_calls()[0].kek_version, 2u);
  // Sealed under the winner's DEK, not the one this manager generated.
  absl::StatusOr<common::Secret> opened = OpenField(winner, sealed->ciphertext, Context());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->Reveal(), kPan);
  absl::StatusOr<common::Secret> mine = provider_.UnwrapKey(
      2, store_.create_first_calls()[0].wrapped_key, DataKeyContext("app-1", 1));
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(OpenField(mine->Reveal(), sealed->ciphertext, Context()).status().code(),
            absl::StatusCode::kDataLoss);

  // The winner's key is the cached one from now on.
  absl::StatusOr<domain::SealedSecret> again = SealNow(manager_, kPan);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(OpenField(winner, again->ciphertext, Context()).ok());
  EXPECT_EQ(store_.find_active_calls(), 1);
  EXPECT_EQ(OpenNow(manager_, again->ciphertext).value_or("<error>"), kPan);
  EXPECT_THAT(store_.find_calls(), IsEmpty());
}

TEST_F(KeyManagerTest, OpensUnderAnOlderDecryptOnlyKey) {
  std::string dek1 = AddDek("app-1", 1, 1, DataKeyState::kDecryptOnly, 'a');
  AddDek("app-1", 2, 2, DataKeyState::kActive, 'b');
  std::string ciphertext = SealFieldWith(dek1, 1);

  EXPECT_EQ(OpenNow(manager_, ciphertext).value_or("<error>"), kPan);
  EXPECT_EQ(OpenNow(manager_, ciphertext).value_or("<error>"), kPan);
  EXPECT_THAT(store_.find_calls(), ElementsAre(std::make_pair(std::string("app-1"), 1u)));
  // Opening does not make version 1 the sealing key.
  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->key_version, 2u);
}

TEST_F(KeyManagerTest, OpenUnderARetiredKeyIsKeyRetired) {
  std::string dek1 = AddDek("app-1", 1, 1, DataKeyState::kRetired, 'a');
  std::string ciphertext = SealFieldWith(dek1, 1);

  absl::StatusOr<std::string> opened = OpenNow(manager_, ciphertext);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(opened.status()), "KEY_RETIRED");
  // Not cached: asked again, refused again.
  EXPECT_EQ(OpenNow(manager_, ciphertext).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.find_calls().size(), 2u);
}

TEST_F(KeyManagerTest, OpenUnderAKeyWrappedBelowTheMinimumKekIsKeyRetired) {
  store_.SetKekVersions(/*active=*/2, /*min=*/2);
  std::string dek1 = AddDek("app-1", 1, 1, DataKeyState::kDecryptOnly, 'a');
  std::string dek2 = AddDek("app-1", 2, 2, DataKeyState::kActive, 'b');

  absl::StatusOr<std::string> opened = OpenNow(manager_, SealFieldWith(dek1, 1));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(opened.status()), "KEY_RETIRED");

  // A KEK equal to the minimum is fine.
  EXPECT_EQ(OpenNow(manager_, SealFieldWith(dek2, 2)).value_or("<error>"), kPan);
}

TEST_F(KeyManagerTest, ActiveKekMissingFromTheKeyFileIsUnavailable) {
  store_.SetKekVersions(/*active=*/3, /*min=*/1);

  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);

  EXPECT_EQ(sealed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(common::ErrorReasonOf(sealed.status()), "BACKEND_UNAVAILABLE");
  EXPECT_THAT(store_.create_first_calls(), IsEmpty());
}

TEST_F(KeyManagerTest, DataKeyUnderAKekMissingFromTheKeyFileIsUnavailable) {
  WrappedDataKey foreign;
  foreign.application_id = "app-1";
  foreign.version = 1;
  foreign.wrapped_key = std::string(60, 'z');
  foreign.kek_version = 3;
  foreign.state = DataKeyState::kActive;
  store_.Put(foreign);

  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);
  EXPECT_EQ(sealed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(common::ErrorReasonOf(sealed.status()), "BACKEND_UNAVAILABLE");

  absl::StatusOr<std::string> opened = OpenNow(manager_, SealFieldWith(RawDek('a'), 1));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(common::ErrorReasonOf(opened.status()), "BACKEND_UNAVAILABLE");
}

TEST_F(KeyManagerTest, TamperedOrMissizedStoredKeyIsDataLoss) {
  WrappedDataKey tampered = MakeDek("app-1", 1, 1, DataKeyState::kActive, RawDek('a'));
  tampered.wrapped_key[20] = static_cast<char>(tampered.wrapped_key[20] ^ 1);
  store_.Put(tampered);
  EXPECT_EQ(SealNow(manager_, kPan).status().code(), absl::StatusCode::kDataLoss);

  // A 16-byte key is not an AES-256 key.
  store_.Put(MakeDek("app-2", 1, 1, DataKeyState::kActive, std::string(16, 'k')));
  EXPECT_EQ(SealNow(manager_, kPan, Context("app-2")).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(KeyManagerTest, FindActiveErrorsPropagate) {
  store_.FailFindActive(absl::UnavailableError("database is down"));

  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);
  EXPECT_EQ(sealed.status(), absl::UnavailableError("database is down"));
  EXPECT_THAT(store_.create_first_calls(), IsEmpty());

  // Nothing negative is cached: once the store is back, sealing works.
  store_.FailFindActive(absl::OkStatus());
  sealed = SealNow(manager_, kPan);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(store_.find_active_calls(), 2);
}

TEST_F(KeyManagerTest, CreateFirstErrorsPropagate) {
  store_.FailCreateFirst(absl::UnavailableError("database is down"));

  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);
  EXPECT_EQ(sealed.status(), absl::UnavailableError("database is down"));

  store_.FailCreateFirst(absl::OkStatus());
  ASSERT_TRUE(SealNow(manager_, kPan).ok());
  EXPECT_EQ(store_.create_first_calls().size(), 2u);
}

TEST_F(KeyManagerTest, FindErrorsPropagate) {
  std::string dek = AddDek("app-1", 1, 1, DataKeyState::kActive, 'a');
  std::string ciphertext = SealFieldWith(dek, 1);
  store_.FailFind(absl::UnavailableError("database is down"));

  EXPECT_EQ(OpenNow(manager_, ciphertext).status(), absl::UnavailableError("database is down"));

  store_.FailFind(absl::OkStatus());
  EXPECT_EQ(OpenNow(manager_, ciphertext).value_or("<error>"), kPan);
}

TEST_F(KeyManagerTest, OpenOfAnUnknownVersionIsNotFound) {
  std::string ciphertext = SealFieldWith(RawDek('a'), 9);

  EXPECT_EQ(OpenNow(manager_, ciphertext).status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(store_.find_calls(), ElementsAre(std::make_pair(std::string("app-1"), 9u)));
}

TEST_F(KeyManagerTest, OpenUnderAnotherContextIsDataLoss) {
  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  AddDek("app-2", 1, 1, DataKeyState::kActive, 'b');

  EXPECT_EQ(OpenNow(manager_, sealed->ciphertext, Context("app-1", "PI0002")).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      OpenNow(manager_, sealed->ciphertext, Context("app-1", "PI0001", "card.cvc")).status().code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(OpenNow(manager_, sealed->ciphertext, Context("app-2")).status().code(),
            absl::StatusCode::kDataLoss);
  // The right context still opens.
  EXPECT_EQ(OpenNow(manager_, sealed->ciphertext).value_or("<error>"), kPan);
}

TEST_F(KeyManagerTest, OpenOfAMalformedCiphertextIsDataLossWithoutAStoreCall) {
  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan);
  ASSERT_TRUE(sealed.ok()) << sealed.status();

  EXPECT_EQ(OpenNow(manager_, "").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(OpenNow(manager_, sealed->ciphertext.substr(0, 20)).status().code(),
            absl::StatusCode::kDataLoss);
  std::string tampered = sealed->ciphertext;
  tampered.back() = static_cast<char>(tampered.back() ^ 1);
  EXPECT_EQ(OpenNow(manager_, tampered).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(store_.find_calls(), IsEmpty());
}

TEST_F(KeyManagerTest, FlushSendsTheExactSealCountsOnce) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(SealNow(manager_, kPan, Context("app-1")).ok());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(SealNow(manager_, kPan, Context("app-2")).ok());
  // Opening is not an encryption.
  absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager_, kPan, Context("app-2"));
  ASSERT_TRUE(sealed.ok());
  ASSERT_TRUE(OpenNow(manager_, sealed->ciphertext, Context("app-2")).ok());
  EXPECT_THAT(store_.added(), IsEmpty());

  manager_.FlushEncryptionCounts();
  EXPECT_THAT(store_.added(), UnorderedElementsAre(Added{"app-1", 1, 3}, Added{"app-2", 1, 3}));

  manager_.FlushEncryptionCounts();
  EXPECT_EQ(store_.added().size(), 2u);

  ASSERT_TRUE(SealNow(manager_, kPan, Context("app-1")).ok());
  manager_.FlushEncryptionCounts();
  ASSERT_EQ(store_.added().size(), 3u);
  EXPECT_EQ(store_.added()[2], (Added{"app-1", 1, 1}));
}

TEST_F(KeyManagerTest, FlushSendsDeltasPerVersion) {
  AddDek("app-1", 1, 1, DataKeyState::kActive, 'a');
  std::optional<WrappedDataKey> stored = store_.Stored("app-1", 1);
  stored->encryptions = 100;
  store_.Put(*stored);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(SealNow(manager_, kPan).ok());
  // Rotate to version 2.
  store_.SetState("app-1", 1, DataKeyState::kDecryptOnly);
  AddDek("app-1", 2, 1, DataKeyState::kActive, 'b');
  manager_.ForgetActiveKey("app-1");
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(SealNow(manager_, kPan).ok());

  manager_.FlushEncryptionCounts();

  EXPECT_THAT(store_.added(), UnorderedElementsAre(Added{"app-1", 1, 2}, Added{"app-1", 2, 4}));
  EXPECT_EQ(store_.Stored("app-1", 1)->encryptions, 102);
}

TEST_F(KeyManagerTest, CountsSurviveReloadingTheSameKey) {
  KeyManager manager(provider_, store_,
                     KeyManager::Options{.active_key_ttl = absl::ZeroDuration()});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(SealNow(manager, kPan).ok());
  manager.ForgetActiveKey("app-1");
  ASSERT_TRUE(SealNow(manager, kPan).ok());
  ASSERT_EQ(store_.find_active_calls(), 4);

  manager.FlushEncryptionCounts();

  EXPECT_THAT(store_.added(), ElementsAre(Added{"app-1", 1, 4}));
}

TEST_F(KeyManagerTest, FailedSealsAreNotCounted) {
  ASSERT_TRUE(SealNow(manager_, kPan).ok());
  store_.SetKekVersions(3, 1);
  EXPECT_FALSE(SealNow(manager_, kPan, Context("app-2")).ok());

  manager_.FlushEncryptionCounts();

  EXPECT_THAT(store_.added(), ElementsAre(Added{"app-1", 1, 1}));
}

TEST_F(KeyManagerTest, PlaintextNeverReachesTheStore) {
  store_.SetKekVersions(2, 1);
  KeyManager manager(provider_, store_,
                     KeyManager::Options{.active_key_ttl = absl::ZeroDuration()});
  std::vector<std::string> ciphertexts;
  for (const char* app : {"app-1", "app-2"}) {
    absl::StatusOr<domain::SealedSecret> sealed = SealNow(manager, kPan, Context(app));
    ASSERT_TRUE(sealed.ok()) << sealed.status();
    ciphertexts.push_back(sealed->ciphertext);
    ASSERT_TRUE(SealNow(manager, kPan, Context(app)).ok());
  }
  KeyManager restarted(provider_, store_, KeyManager::Options{});
  EXPECT_EQ(OpenNow(restarted, ciphertexts[0], Context("app-1")).value_or("<error>"), kPan);
  manager.FlushEncryptionCounts();

  std::string recorded = store_.AllRecordedBytes();
  ASSERT_FALSE(recorded.empty());
  EXPECT_EQ(recorded.find(kPan), std::string::npos);
  EXPECT_EQ(recorded.find(std::string(kPan, 8)), std::string::npos);
  // Nor a clear data key.
  for (const char* app : {"app-1", "app-2"}) {
    std::string dek = UnwrapStored(app, 1);
    ASSERT_EQ(dek.size(), 32u);
    EXPECT_EQ(recorded.find(dek), std::string::npos) << app;
  }
  for (const std::string& ciphertext : ciphertexts) {
    EXPECT_EQ(ciphertext.find(kPan), std::string::npos);
  }
}

TEST_F(KeyManagerTest, WarnsOnceWhenRotationIsAdvised) {
  AddDek("app-1", 1, 1, DataKeyState::kActive, 'a');
  std::optional<WrappedDataKey> stored = store_.Stored("app-1", 1);
  stored->encryptions = kRotationAdvisedEncryptions - 1;
  store_.Put(*stored);

  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(SealNow(manager_, kPan).ok());  // reaches the threshold: no warning yet
  std::string at_threshold = ::testing::internal::GetCapturedStderr();
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(SealNow(manager_, kPan).ok());
  std::string past = ::testing::internal::GetCapturedStderr();

  EXPECT_EQ(at_threshold.find("rotation advised"), std::string::npos) << at_threshold;
  size_t first = past.find("data key rotation advised");
  ASSERT_NE(first, std::string::npos) << past;
  EXPECT_EQ(past.find("data key rotation advised", first + 1), std::string::npos) << past;
  EXPECT_NE(past.find("\"key_version\":1"), std::string::npos) << past;
  EXPECT_EQ(past.find(kPan), std::string::npos);
}

TEST_F(KeyManagerTest, ConcurrentSealsAgreeOnOneKeyAndCountEverySeal) {
  constexpr int kThreads = 8;
  constexpr int kSealsPerThread = 25;
  constexpr int kApps = 3;
  absl::Mutex mu;
  std::vector<std::pair<int, std::string>> sealed;  // (app, ciphertext)
  int failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kSealsPerThread; ++i) {
        int app = (t + i) % kApps;
        manager_.Seal(common::Secret(std::string(kPan)), Context(absl::StrCat("app-", app)),
                      [&, app](absl::StatusOr<domain::SealedSecret> result) {
                        absl::MutexLock lock(&mu);
                        if (!result.ok() || result->key_version != 1) {
                          ++failures;
                        } else {
                          sealed.emplace_back(app, result->ciphertext);
                        }
                      });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  ASSERT_EQ(failures, 0);
  ASSERT_EQ(sealed.size(), static_cast<size_t>(kThreads * kSealsPerThread));
  std::map<std::string, int64_t> per_app;
  for (const auto& [app, ciphertext] : sealed) {
    std::string id = absl::StrCat("app-", app);
    ++per_app[id];
    ASSERT_TRUE(OpenField(UnwrapStored(id, 1), ciphertext, Context(id)).ok()) << id;
  }
  manager_.FlushEncryptionCounts();
  std::map<std::string, int64_t> flushed;
  for (const Added& added : store_.added()) {
    EXPECT_EQ(added.version, 1u);
    flushed[added.application_id] += added.count;
  }
  EXPECT_EQ(flushed, per_app);
}

}  // namespace
}  // namespace pi::instruments::crypto
