#include "services/instruments/domain/instrument_cache.h"

#include <iterator>
#include <optional>
#include <utility>

#include "absl/time/time.h"
#include "services/instruments/domain/instrument_codec.h"

namespace pi::instruments::domain {

void CachingInstrumentRepository::Find(std::string application_id, std::string id,
                                       FindDone done) {
  std::string encoded;
  uint64_t generation = 0;
  bool enabled = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    enabled = enabled_ && capacity_bytes_ > 0;
    generation = generation_;
    if (enabled) {
      if (auto it = by_id_.find(id); it != by_id_.end()) {
        recency_.splice(recency_.begin(), recency_, it->second);
        encoded = it->second->encoded;
      }
    }
  }
  // Decoded outside the lock. Another application's instrument is not a hit: `inner` answers
  // NOT_FOUND for it.
  if (!encoded.empty()) {
    std::optional<Instrument> hit = DecodeInstrument(encoded);
    if (hit && hit->application_id == application_id) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return std::move(done)(*std::move(hit));
    }
  }
  if (!enabled) return inner_.Find(std::move(application_id), std::move(id), std::move(done));
  misses_.fetch_add(1, std::memory_order_relaxed);
  inner_.Find(std::move(application_id), std::move(id),
              [this, generation, done = std::move(done)](
                  absl::StatusOr<Instrument> found) mutable {
                if (found.ok()) {
                  std::string remembered = EncodeInstrument(*found);
                  std::lock_guard<std::mutex> lock(mu_);
                  if (enabled_ && generation == generation_) {
                    RememberLocked(found->id, std::move(remembered));
                  }
                }
                std::move(done)(std::move(found));
              });
}

void CachingInstrumentRepository::Insert(InstrumentRecord record, InsertDone done) {
  // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
  std::pair<bool, uint64_t> snapshot = Snapshot();
  if (!snapshot.first) return inner_.Insert(std::move(record), std::move(done));
  uint64_t generation = snapshot.second;
  // Encoded before the record moves on; the times as the database keeps them.
  Instrument& written = record.instrument;
  written.create_time = absl::FromUnixMicros(absl::ToUnixMicros(written.create_time));
  written.update_time = absl::FromUnixMicros(absl::ToUnixMicros(written.update_time));
  std::string id = written.id;
  std::string encoded = EncodeInstrument(written);
  inner_.Insert(std::move(record), [this, generation, id = std::move(id),
                                    encoded = std::move(encoded),
                                    done = std::move(done)](absl::Status status) mutable {
    if (status.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (enabled_ && generation == generation_) RememberLocked(id, std::move(encoded));
    }
    std::move(done)(std::move(status));
  });
}

std::pair<bool, uint64_t> CachingInstrumentRepository::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {enabled_ && capacity_bytes_ > 0, generation_};
}

void CachingInstrumentRepository::Update(std::string application_id, std::string id,
                                         Mutation mutate, AuditEvent audit, FindDone done) {
  // Evicted whatever the outcome: a failed answer (a lost connection during COMMIT) does not
  // say whether the change was written.
  inner_.Update(std::move(application_id), id, std::move(mutate), std::move(audit),
                [this, id, done = std::move(done)](absl::StatusOr<Instrument> updated) mutable {
                  Evict(id);
                  std::move(done)(std::move(updated));
                });
}

size_t CachingInstrumentRepository::FootprintOf(const Instrument& instrument) {
  std::string encoded = EncodeInstrument(instrument);
  encoded.shrink_to_fit();
  return Footprint(instrument.id, encoded);
}

void CachingInstrumentRepository::RememberLocked(const std::string& id, std::string encoded) {
  if (auto it = by_id_.find(id); it != by_id_.end()) ForgetLocked(it->second);
  encoded.shrink_to_fit();
  recency_.push_front(Entry{id, std::move(encoded)});
  // Charged on the strings kept, so that ForgetLocked gives back exactly this.
  size_t footprint = Footprint(recency_.front().id, recency_.front().encoded);
  if (footprint > capacity_bytes_) {
    recency_.pop_front();
    return;
  }
  while (bytes_ + footprint > capacity_bytes_) ForgetLocked(std::prev(recency_.end()));
  by_id_[recency_.front().id] = recency_.begin();
  bytes_ += footprint;
}

void CachingInstrumentRepository::ForgetLocked(Recency::iterator entry) {
  bytes_ -= Footprint(entry->id, entry->encoded);
  by_id_.erase(entry->id);
  recency_.erase(entry);
}

void CachingInstrumentRepository::Evict(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  if (auto it = by_id_.find(id); it != by_id_.end()) ForgetLocked(it->second);
}

void CachingInstrumentRepository::SetEnabled(bool enabled) {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  enabled_ = enabled;
  by_id_.clear();
  recency_.clear();
  bytes_ = 0;
}

CachingInstrumentRepository::Stats CachingInstrumentRepository::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {hits_.load(std::memory_order_relaxed), misses_.load(std::memory_order_relaxed),
          by_id_.size(), bytes_};
}

}  // namespace pi::instruments::domain
