#include "services/instruments/domain/instrument_cache.h"

#include <deque>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace pi::instruments::domain {
namespace {

// Answers Find and Update from `rows`, counting finds; with `hold` set, keeps Find's callbacks
// until Release(). The other calls are not used by the cache's tests.
class CountingRepository : public InstrumentRepository {
 public:
  void Find(std::string application_id, std::string id, FindDone done) override {
    ++finds;
    absl::StatusOr<Instrument> answer = absl::NotFoundError("no such instrument");
    if (auto it = rows.find(id); it != rows.end() && it->second.application_id == application_id) {
      answer = it->second;
    }
    if (hold) {
      held.emplace_back(std::move(answer), std::move(done));
      return;
    }
    std::move(done)(std::move(answer));
  }
  void Update(std::string, std::string id, Mutation mutate, AuditEvent, FindDone done) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::move(done)(absl::NotFoundError("no such instrument"));
    Instrument changed = it->second;
    if (absl::Status s = mutate(changed); !s.ok()) return std::move(done)(s);
    it->second = changed;
    std::move(done)(changed);
  }
  // Writes the row unless `insert_answer` is an error; with `hold` set, answers at Release().
  void Insert(InstrumentRecord record, InsertDone done) override {
    if (insert_answer.ok()) rows[record.instrument.id] = record.instrument;
    if (hold) {
      held_inserts.emplace_back(insert_answer, std::move(done));
      return;
    }
    std::move(done)(insert_answer);
  }
  void List(std::string, InstrumentQuery, ListDone done) override {
    std::move(done)(absl::UnimplementedError("not used"));
  }
  void FindSealed(std::string, std::string, FindSealedDone done) override {
    std::move(done)(absl::UnimplementedError("not used"));
  }
  void Release() {
    while (!held.empty()) {
      auto [answer, done] = std::move(held.front());
      held.pop_front();
      std::move(done)(std::move(answer));
    }
    while (!held_inserts.empty()) {
      auto [answer, done] = std::move(held_inserts.front());
      held_inserts.pop_front();
      std::move(done)(std::move(answer));
    }
  }

  std::map<std::string, Instrument> rows;
  int finds = 0;
  bool hold = false;
  std::deque<std::pair<absl::StatusOr<Instrument>, FindDone>> held;
  absl::Status insert_answer;
  std::deque<std::pair<absl::Status, InsertDone>> held_inserts;
};

Instrument Named(const std::string& id, const std::string& holder) {
  Instrument i;
  i.id = id;
  i.application_id = "APone";
  i.identity_id = "IDowner";
  i.holder_name = holder;
  i.card = MaskedCard{.bin = "411111", .last_four = "1111"};
  return i;
}

// Room for two instruments like Named()'s (one of them renamed), not three.
size_t OneEntry() { return CachingInstrumentRepository::FootprintOf(Named("PIa", "Amy")); }
size_t TwoEntries() { return 2 * OneEntry() + 64; }

class InstrumentCacheTest : public ::testing::Test {
 protected:
  InstrumentCacheTest() : cache_(repository_, TwoEntries()) {
    for (const char* id : {"PIa", "PIb", "PIc"}) repository_.rows[id] = Named(id, "Amy");
  }

  absl::StatusOr<Instrument> Find(const std::string& id, const std::string& app = "APone") {
    absl::StatusOr<Instrument> out = absl::UnknownError("not answered");
    cache_.Find(app, id, [&](absl::StatusOr<Instrument> r) { out = std::move(r); });
    return out;
  }

  absl::StatusOr<Instrument> Rename(const std::string& id, const std::string& holder) {
    absl::StatusOr<Instrument> out = absl::UnknownError("not answered");
    cache_.Update("APone", id,
                  [holder](Instrument& i) {
                    i.holder_name = holder;
                    return absl::OkStatus();
                  },
                  AuditEvent{}, [&](absl::StatusOr<Instrument> r) { out = std::move(r); });
    return out;
  }

  absl::Status Insert(Instrument instrument) {
    absl::Status out = absl::UnknownError("not answered");
    InstrumentRecord record;
    record.instrument = std::move(instrument);
    cache_.Insert(std::move(record), [&](absl::Status s) { out = std::move(s); });
    return out;
  }

  CountingRepository repository_;
  CachingInstrumentRepository cache_;
};

TEST_F(InstrumentCacheTest, DisabledItAsksTheRepositoryEveryTime) {
  EXPECT_TRUE(Find("PIa").ok());
  EXPECT_TRUE(Find("PIa").ok());
  EXPECT_EQ(repository_.finds, 2);
  EXPECT_EQ(cache_.stats().hits, 0u);
}

TEST_F(InstrumentCacheTest, EnabledASecondReadIsAnsweredFromMemory) {
  cache_.SetEnabled(true);
  absl::StatusOr<Instrument> first = Find("PIa");
  absl::StatusOr<Instrument> second = Find("PIa");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(repository_.finds, 1);
  EXPECT_EQ(cache_.stats().hits, 1u);
  EXPECT_EQ(cache_.stats().entries, 1u);
}

TEST_F(InstrumentCacheTest, AnotherApplicationNeverGetsACachedInstrument) {
  cache_.SetEnabled(true);
  ASSERT_TRUE(Find("PIa").ok());
  EXPECT_EQ(Find("PIa", "APother").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(repository_.finds, 2) << "the other application's read went to the repository";
}

TEST_F(InstrumentCacheTest, NotFoundIsNeverRemembered) {
  cache_.SetEnabled(true);
  EXPECT_EQ(Find("PInew").status().code(), absl::StatusCode::kNotFound);
  repository_.rows["PInew"] = Named("PInew", "Bo");
  EXPECT_TRUE(Find("PInew").ok()) << "an instrument created later is found at once";
}

TEST_F(InstrumentCacheTest, AnUpdateThroughTheCacheIsSeenByTheNextRead) {
  cache_.SetEnabled(true);
  ASSERT_EQ(Find("PIa")->holder_name, "Amy");
  ASSERT_TRUE(Rename("PIa", "Renamed").ok());
  EXPECT_EQ(Find("PIa")->holder_name, "Renamed");
}

TEST_F(InstrumentCacheTest, EvictForgetsOneInstrument) {
  cache_.SetEnabled(true);
  ASSERT_TRUE(Find("PIa").ok());
  ASSERT_TRUE(Find("PIb").ok());
  repository_.rows["PIa"].holder_name = "Changed elsewhere";
  cache_.Evict("PIa");
  EXPECT_EQ(Find("PIa")->holder_name, "Changed elsewhere");
  EXPECT_TRUE(Find("PIb").ok());
  EXPECT_EQ(repository_.finds, 3) << "PIb was still cached";
}

TEST_F(InstrumentCacheTest, TheLeastRecentlyReadGoesFirstWhenFull) {
  cache_.SetEnabled(true);
  ASSERT_TRUE(Find("PIa").ok());
  ASSERT_TRUE(Find("PIb").ok());
  ASSERT_TRUE(Find("PIa").ok());  // a hit: PIb is now the least recently read
  ASSERT_TRUE(Find("PIc").ok());  // full: PIb goes
  EXPECT_EQ(cache_.stats().entries, 2u);
  int finds = repository_.finds;
  ASSERT_TRUE(Find("PIa").ok());
  ASSERT_TRUE(Find("PIc").ok());
  EXPECT_EQ(repository_.finds, finds);
  ASSERT_TRUE(Find("PIb").ok());
  EXPECT_EQ(repository_.finds, finds + 1);
}

TEST_F(InstrumentCacheTest, ItsMemoryNotItsEntriesIsBounded) {
  cache_.SetEnabled(true);
  // One instrument with the most tags a request may carry outweighs many small ones.
  Instrument tagged = Named("PIc", "Amy");
  for (int i = 0; i < 50; ++i) tagged.tags[absl::StrCat("key", i)] = std::string(500, 'v');
  ASSERT_GT(CachingInstrumentRepository::FootprintOf(tagged), TwoEntries());
  repository_.rows["PIc"] = tagged;
  ASSERT_TRUE(Find("PIa").ok());
  ASSERT_TRUE(Find("PIc").ok());
  EXPECT_EQ(cache_.stats().entries, 1u) << "larger than the whole cache: not kept";
  EXPECT_LE(cache_.stats().bytes, TwoEntries());
  ASSERT_TRUE(Find("PIc").ok());
  EXPECT_EQ(repository_.finds, 3);

  ASSERT_TRUE(Find("PIb").ok());
  EXPECT_EQ(cache_.stats().bytes, 2 * OneEntry());
  cache_.Evict("PIa");
  EXPECT_EQ(cache_.stats().bytes, OneEntry()) << "an eviction gives its bytes back";
}

TEST_F(InstrumentCacheTest, AReadInFlightDuringAnEvictionIsNotRemembered) {
  cache_.SetEnabled(true);
  repository_.hold = true;
  absl::StatusOr<Instrument> stale = absl::UnknownError("not answered");
  cache_.Find("APone", "PIa", [&](absl::StatusOr<Instrument> r) { stale = std::move(r); });
  // The row changes and its eviction arrives while the older read is still on its way.
  repository_.rows["PIa"].holder_name = "Changed";
  cache_.Evict("PIa");
  repository_.Release();
  ASSERT_EQ(stale->holder_name, "Amy");
  repository_.hold = false;
  EXPECT_EQ(Find("PIa")->holder_name, "Changed") << "the older answer was not remembered";
}

TEST_F(InstrumentCacheTest, AnInsertedInstrumentIsReadFromMemoryAsStored) {
  cache_.SetEnabled(true);
  Instrument created = Named("PInew", "Amy");
  created.create_time = absl::FromUnixNanos(1700000000123456789);
  created.update_time = created.create_time;
  ASSERT_TRUE(Insert(created).ok());
  absl::StatusOr<Instrument> found = Find("PInew");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(repository_.finds, 0);
  EXPECT_EQ(cache_.stats().hits, 1u);
  // The database keeps microseconds, and a later read from it must not differ from this one.
  EXPECT_EQ(found->create_time, absl::FromUnixMicros(1700000000123456));
  EXPECT_EQ(found->update_time, absl::FromUnixMicros(1700000000123456));
  created.create_time = created.update_time = found->create_time;
  EXPECT_EQ(*found, created);
}

TEST_F(InstrumentCacheTest, AFailedInsertIsNotRemembered) {
  cache_.SetEnabled(true);
  repository_.insert_answer = absl::AbortedError("the idempotency key is in use");
  ASSERT_FALSE(Insert(Named("PInew", "Amy")).ok());
  EXPECT_EQ(cache_.stats().entries, 0u);
  EXPECT_EQ(Find("PInew").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(InstrumentCacheTest, AnInsertInFlightDuringAnEvictionIsNotRemembered) {
  cache_.SetEnabled(true);
  repository_.hold = true;
  absl::Status inserted = absl::UnknownError("not answered");
  InstrumentRecord record;
  record.instrument = Named("PInew", "Amy");
  cache_.Insert(std::move(record), [&](absl::Status s) { inserted = std::move(s); });
  // Committed, then changed elsewhere before this replica heard back from its insert.
  repository_.rows["PInew"].holder_name = "Changed";
  cache_.Evict("PInew");
  repository_.Release();
  ASSERT_TRUE(inserted.ok());
  repository_.hold = false;
  EXPECT_EQ(Find("PInew")->holder_name, "Changed") << "the inserted version was not remembered";
}

TEST_F(InstrumentCacheTest, DisabledAnInsertIsNotRemembered) {
  ASSERT_TRUE(Insert(Named("PInew", "Amy")).ok());
  cache_.SetEnabled(true);
  ASSERT_TRUE(Find("PInew").ok());
  EXPECT_EQ(repository_.finds, 1);
}

TEST_F(InstrumentCacheTest, DisablingForgetsEverything) {
  cache_.SetEnabled(true);
  ASSERT_TRUE(Find("PIa").ok());
  cache_.SetEnabled(false);
  cache_.SetEnabled(true);
  EXPECT_EQ(cache_.stats().entries, 0u);
  ASSERT_TRUE(Find("PIa").ok());
  EXPECT_EQ(repository_.finds, 2);
}

TEST_F(InstrumentCacheTest, CapacityZeroKeepsNothing) {
  CachingInstrumentRepository none(repository_, 0);
  none.SetEnabled(true);
  for (int i = 0; i < 2; ++i) {
    none.Find("APone", "PIa", [](absl::StatusOr<Instrument> r) { ASSERT_TRUE(r.ok()); });
  }
  EXPECT_EQ(repository_.finds, 2);
  EXPECT_EQ(none.stats().entries, 0u);
}

}  // namespace
}  // namespace pi::instruments::domain
