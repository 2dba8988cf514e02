#include "services/instruments/crypto/key_manager.h"

#include <openssl/rand.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/error.h"
#include "services/common/json_log.h"
#include "services/instruments/crypto/aes_gcm.h"
#include "services/instruments/crypto/byte_encoding.h"
#include "services/instruments/crypto/field_cipher.h"

namespace pi::instruments::crypto {
namespace {

absl::Status Retired(absl::string_view what) {
  return common::MakeError(absl::StatusCode::kFailedPrecondition, "KEY_RETIRED", what);
}

// This replica's key file lacks a KEK the database refers to: an operator rolled a key out of
// order. Another replica may hold it, so the caller may retry; operators see the log line.
absl::Status KekMissing(uint32_t version) {
  common::LogJson("error", "KEK version missing from the key file",
                  {{"kek_version", version},
                   {"hint", "roll the current key file out to every replica before kek-activate"}});
  return common::MakeError(absl::StatusCode::kUnavailable, "BACKEND_UNAVAILABLE",
                           "encryption keys are being rotated; retry shortly");
}

}  // namespace

std::string DataKeyContext(absl::string_view application_id, uint32_t version) {
  std::string context;
  AppendLengthPrefixed(context, application_id);
  AppendU32(context, version);
  return context;
}

KeyManager::KeyManager(const KeyProvider& provider, DataKeyStore& store, Options options)
    : provider_(provider), store_(store), options_(options) {}

absl::StatusOr<KeyManager::Key> KeyManager::Install(const WrappedDataKey& wrapped, bool active) {
  if (!provider_.HasVersion(wrapped.kek_version)) return KekMissing(wrapped.kek_version);
  absl::StatusOr<common::Secret> material =
      provider_.UnwrapKey(wrapped.kek_version, wrapped.wrapped_key,
                          DataKeyContext(wrapped.application_id, wrapped.version));
  if (!material.ok()) return material.status();
  if (material->size() != kAesKeySize) return absl::DataLossError("data key has a bad size");
  Key key;
  key.version = wrapped.version;
  key.material = std::make_shared<const common::Secret>(*std::move(material));
  key.flushed->store(wrapped.encryptions);
  absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = by_version_.try_emplace(
      std::make_pair(wrapped.application_id, wrapped.version), std::make_pair(key, now));
  if (!inserted) {
    key = it->second.first;  // keep the counters already shared with sealers
    it->second.second = now;
  }
  if (active) active_[wrapped.application_id] = ActiveEntry{key, now};
  return key;
}

void KeyManager::SealWith(const Key& key, common::Secret plaintext,
                          const domain::SealContext& context, SealDone done) {
  absl::StatusOr<std::string> ciphertext =
      SealField(key.material->Reveal(), key.version, plaintext.Reveal(), context);
  plaintext.Clear();
  if (!ciphertext.ok()) return std::move(done)(ciphertext.status());
  int64_t total = key.flushed->load() + key.unflushed->fetch_add(1) + 1;
  if (total > kRotationAdvisedEncryptions && !key.warned->exchange(true)) {
    common::LogJson("warn", "data key rotation advised",
                    {{"application", context.application_id},
                     {"key_version", key.version},
                     {"encryptions", total}});
  }
  std::move(done)(domain::SealedSecret{*std::move(ciphertext), key.version});
}

void KeyManager::Seal(common::Secret plaintext, domain::SealContext context, SealDone done) {
  std::optional<Key> cached;
  {
    absl::MutexLock lock(&mu_);
    auto it = active_.find(context.application_id);
    if (it != active_.end() && absl::Now() - it->second.fetched < options_.active_key_ttl) {
      cached = it->second.key;
    }
  }
  if (cached) return SealWith(*cached, std::move(plaintext), context, std::move(done));

  std::string application_id = context.application_id;
  store_.FindActive(
      std::move(application_id),
      [this, plaintext = std::move(plaintext), context = std::move(context),
       done = std::move(done)](absl::StatusOr<ActiveKeyLookup> lookup) mutable {
        if (!lookup.ok()) return std::move(done)(lookup.status());
        if (!lookup->active) {
          return CreateFirstKey(*lookup, std::move(plaintext), std::move(context),
                                std::move(done));
        }
        absl::StatusOr<Key> key = Install(*lookup->active, /*active=*/true);
        if (!key.ok()) return std::move(done)(key.status());
        SealWith(*key, std::move(plaintext), context, std::move(done));
      });
}

void KeyManager::CreateFirstKey(const ActiveKeyLookup& lookup, common::Secret plaintext,
                                domain::SealContext context, SealDone done) {
  if (!provider_.HasVersion(lookup.active_kek_version)) {
    return std::move(done)(KekMissing(lookup.active_kek_version));
  }
  std::string raw(kAesKeySize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), kAesKeySize) != 1) {
    return std::move(done)(absl::InternalError("no randomness for a data key"));
  }
  common::Secret fresh(std::move(raw));
  WrappedDataKey key;
  key.application_id = context.application_id;
  key.version = 1;
  key.kek_version = lookup.active_kek_version;
  absl::StatusOr<std::string> wrapped = provider_.WrapKey(
      key.kek_version, fresh.Reveal(), DataKeyContext(key.application_id, key.version));
  if (!wrapped.ok()) return std::move(done)(wrapped.status());
  key.wrapped_key = *std::move(wrapped);
  store_.CreateFirst(std::move(key), [this, plaintext = std::move(plaintext),
                                      context = std::move(context), done = std::move(done)](
                                         absl::StatusOr<WrappedDataKey> stored) mutable {
    if (!stored.ok()) return std::move(done)(stored.status());
    // Another replica may have created it first: use whichever key the store kept.
    absl::StatusOr<Key> installed = Install(*stored, /*active=*/true);
    if (!installed.ok()) return std::move(done)(installed.status());
    SealWith(*installed, std::move(plaintext), context, std::move(done));
  });
}

void KeyManager::ForgetActiveKey(absl::string_view application_id) {
  absl::MutexLock lock(&mu_);
  active_.erase(application_id);
}

void KeyManager::Open(std::string ciphertext, domain::SealContext context, OpenDone done) {
  absl::StatusOr<uint32_t> version = CiphertextKeyVersion(ciphertext);
  if (!version.ok()) return std::move(done)(version.status());
  std::optional<Key> cached;
  {
    absl::MutexLock lock(&mu_);
    auto it = by_version_.find(std::make_pair(context.application_id, *version));
    if (it != by_version_.end() && absl::Now() - it->second.second < options_.active_key_ttl) {
      cached = it->second.first;
    }
  }
  if (cached) return std::move(done)(OpenField(cached->material->Reveal(), ciphertext, context));

  std::string application_id = context.application_id;
  store_.Find(std::move(application_id), *version,
              [this, ciphertext = std::move(ciphertext), context = std::move(context),
               done = std::move(done)](
                  absl::StatusOr<std::pair<WrappedDataKey, uint32_t>> found) mutable {
                if (!found.ok()) return std::move(done)(found.status());
                const auto& [wrapped, min_kek_version] = *found;
                if (wrapped.state == DataKeyState::kRetired) {
                  return std::move(done)(Retired(absl::StrCat(
                      "data key version ", wrapped.version, " is retired")));
                }
                if (wrapped.kek_version < min_kek_version) {
                  return std::move(done)(Retired(absl::StrCat(
                      "data key version ", wrapped.version, " is wrapped under retired KEK "
                      "version ", wrapped.kek_version)));
                }
                absl::StatusOr<Key> key = Install(wrapped, /*active=*/false);
                if (!key.ok()) return std::move(done)(key.status());
                std::move(done)(OpenField(key->material->Reveal(), ciphertext, context));
              });
}

void KeyManager::FlushEncryptionCounts() {
  std::vector<std::tuple<std::string, uint32_t, int64_t>> pending;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [id, entry] : by_version_) {
      Key& key = entry.first;
      int64_t count = key.unflushed->exchange(0);
      if (count == 0) continue;
      key.flushed->fetch_add(count);
      pending.emplace_back(id.first, id.second, count);
    }
  }
  for (auto& [application, version, count] : pending) {
    store_.AddEncryptions(std::move(application), version, count);
  }
}

}  // namespace pi::instruments::crypto
