// An InstrumentRepository that remembers the instruments Find returned and the instruments Insert
// wrote, so that reading one costs no database query and no hand-off to a storage thread: a hit
// answers at once, on the calling thread. An instrument is usually read soon after it is created
// (the charge that follows a tokenization), so Insert remembers the row it committed, with its
// times at the storage's precision (microseconds), exactly as Find would read it back. Everything
// else (List, Update, FindSealed) goes to `inner` unchanged.
//
// Only masked instruments are kept (never a sealed secret), each in the compact form of
// instrument_codec.h. The cache is bounded in bytes, not in entries: an instrument's tags alone
// may take 100 KiB (50 tags of 40 + 500 characters), so a count would not bound the memory. An
// entry is charged the capacity of its encoding (trimmed to size), of its id twice (list and
// index), and kBookkeepingBytes: about 0.6 KiB for a typical card. The least recently used entry
// is forgotten first, and an instrument larger than the whole capacity is not kept. The cache is
// only as fresh as its invalidation:
// - Update evicts the instrument when `inner` answers, before the caller hears of it, so a change
//   made through this replica is seen by its next read;
// - Evict(id) when instrument `id` changed elsewhere (pi-server: a PostgreSQL notification on
//   commit, migration 0010), so another replica's change is seen once the notification arrives;
// - SetEnabled(false) whenever changes could be missed (the notification connection is down):
//   everything is forgotten, and until SetEnabled(true) every read goes to `inner`. It starts
//   disabled.
// A read or insert that was already on its way to `inner` when an Evict or SetEnabled happened is
// answered but not remembered, so a change can never be overwritten by an older version. NOT_FOUND,
// errors and failed inserts are never remembered (an instrument created later is found at once).
// Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_CACHE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_CACHE_H_

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::domain {

class CachingInstrumentRepository : public InstrumentRepository {
 public:
  // Allocator and container overhead charged per entry on top of its strings: a list node with
  // two std::string, an index slot with a std::string key, and the heap blocks behind them. Set
  // from bench/run: 151,957 cached cards grew pi-server's RSS by 92 MiB, 634 bytes each, of which
  // their strings took about 360.
  static constexpr size_t kBookkeepingBytes = 272;

  // `inner` must outlive the cache. `capacity_bytes` 0 keeps nothing.
  CachingInstrumentRepository(InstrumentRepository& inner, size_t capacity_bytes)
      : inner_(inner), capacity_bytes_(capacity_bytes) {}

  // What keeping `instrument` costs against the capacity.
  static size_t FootprintOf(const Instrument& instrument);

  void Find(std::string application_id, std::string id, FindDone done) override;
  void Update(std::string application_id, std::string id, Mutation mutate, AuditEvent audit,
              FindDone done) override;
  void Insert(InstrumentRecord record, InsertDone done) override;
  void List(std::string application_id, InstrumentQuery query, ListDone done) override {
    inner_.List(std::move(application_id), std::move(query), std::move(done));
  }
  void FindSealed(std::string application_id, std::string id, FindSealedDone done) override {
    inner_.FindSealed(std::move(application_id), std::move(id), std::move(done));
  }

  void Evict(const std::string& id);
  void SetEnabled(bool enabled);

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t entries = 0;
    size_t bytes = 0;  // charged against the capacity, as FootprintOf
  };
  Stats stats() const;

 private:
  struct Entry {
    std::string id;
    std::string encoded;  // EncodeInstrument
  };
  // Most recently used (read or inserted) first. The map points into the list.
  using Recency = std::list<Entry>;

  static size_t Footprint(const std::string& id, const std::string& encoded) {
    return 2 * id.capacity() + encoded.capacity() + kBookkeepingBytes;
  }
  void RememberLocked(const std::string& id, std::string encoded);
  void ForgetLocked(Recency::iterator entry);
  // Whether remembering is on, and the generation a remembered answer must still match.
  std::pair<bool, uint64_t> Snapshot() const;

  InstrumentRepository& inner_;
  const size_t capacity_bytes_;
  mutable std::mutex mu_;
  bool enabled_ = false;
  // Bumped by every Evict and SetEnabled: a read or insert remembers its instrument only if none
  // happened while it was in flight.
  uint64_t generation_ = 0;
  Recency recency_;
  size_t bytes_ = 0;  // sum of Footprint over recency_
  absl::flat_hash_map<std::string, Recency::iterator> by_id_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_CACHE_H_
