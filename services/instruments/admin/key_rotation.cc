#include "services/instruments/admin/key_rotation.h"

#include <openssl/rand.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "services/instruments/crypto/aes_gcm.h"
#include "services/instruments/crypto/field_cipher.h"
#include "services/instruments/crypto/key_manager.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::admin {
namespace {

using crypto::WrappedDataKey;

// Unwrapped DEKs of one application by version; wiped when dropped.
class KeyChain {
 public:
  KeyChain(storage::PgKeyAdmin& keys, const crypto::KeyProvider& provider,
           std::string application_id)
      : keys_(keys), provider_(provider), application_id_(std::move(application_id)) {}

  // Reloads the key list and returns the active key's version.
  absl::StatusOr<uint32_t> Refresh() {
    absl::StatusOr<std::vector<WrappedDataKey>> list = keys_.ListDataKeys(application_id_);
    if (!list.ok()) return list.status();
    wrapped_.clear();
    std::optional<uint32_t> active;
    for (WrappedDataKey& key : *list) {
      if (key.state == crypto::DataKeyState::kActive) active = key.version;
      wrapped_[key.version] = std::move(key);
    }
    if (!active) return absl::FailedPreconditionError("the application has no active data key");
    return *active;
  }

  absl::StatusOr<const common::Secret*> Get(uint32_t version) {
    auto cached = keys_by_version_.find(version);
    if (cached != keys_by_version_.end()) return &cached->second;
    auto it = wrapped_.find(version);
    if (it == wrapped_.end()) {
      return absl::FailedPreconditionError(absl::StrCat("no data key version ", version));
    }
    if (it->second.state == crypto::DataKeyState::kRetired) {
      return absl::FailedPreconditionError(
          absl::StrCat("data key version ", version, " is retired"));
    }
    absl::StatusOr<common::Secret> key = provider_.UnwrapKey(
        it->second.kek_version, it->second.wrapped_key,
        crypto::DataKeyContext(application_id_, version));
    if (!key.ok()) return key.status();
    return &keys_by_version_.emplace(version, *std::move(key)).first->second;
  }

 private:
  storage::PgKeyAdmin& keys_;
  const crypto::KeyProvider& provider_;
  std::string application_id_;
  std::map<uint32_t, WrappedDataKey> wrapped_;
  std::map<uint32_t, common::Secret> keys_by_version_;
};

}  // namespace

absl::StatusOr<int> RewrapDataKeys(storage::PgKeyAdmin& keys, const crypto::KeyProvider& provider,
                                   const Progress& progress) {
  absl::StatusOr<storage::KekState> state = keys.GetKekState();
  if (!state.ok()) return state.status();
  if (!provider.HasVersion(state->active_version)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the active KEK version ", state->active_version, " is not in the key file"));
  }
  absl::StatusOr<std::vector<WrappedDataKey>> all = keys.ListDataKeys();
  if (!all.ok()) return all.status();
  std::vector<WrappedDataKey> stale;
  for (WrappedDataKey& key : *all) {
    if (key.kek_version != state->active_version && key.state != crypto::DataKeyState::kRetired) {
      stale.push_back(std::move(key));
    }
  }
  int rewrapped = 0;
  for (size_t i = 0; i < stale.size(); ++i) {
    WrappedDataKey& key = stale[i];
    std::string context = crypto::DataKeyContext(key.application_id, key.version);
    absl::StatusOr<common::Secret> plain =
        provider.UnwrapKey(key.kek_version, key.wrapped_key, context);
    if (!plain.ok()) return plain.status();
    absl::StatusOr<std::string> wrapped =
        provider.WrapKey(state->active_version, plain->Reveal(), context);
    if (!wrapped.ok()) return wrapped.status();
    uint32_t old_kek = key.kek_version;
    key.wrapped_key = *std::move(wrapped);
    key.kek_version = state->active_version;
    absl::StatusOr<bool> changed = keys.Rewrap(key, old_kek);
    if (!changed.ok()) return changed.status();
    if (*changed) ++rewrapped;
    if (progress) progress(static_cast<int64_t>(i + 1), static_cast<int64_t>(stale.size()));
  }
  return rewrapped;
}

absl::StatusOr<uint32_t> RotateDataKey(storage::PgKeyAdmin& keys,
                                       const crypto::KeyProvider& provider,
                                       const std::string& application_id) {
  absl::StatusOr<storage::KekState> state = keys.GetKekState();
  if (!state.ok()) return state.status();
  absl::StatusOr<uint32_t> version = keys.NextDataKeyVersion(application_id);
  if (!version.ok()) return version.status();
  std::string raw(crypto::kAesKeySize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), crypto::kAesKeySize) != 1) {
    return absl::InternalError("no randomness for a data key");
  }
  common::Secret fresh(std::move(raw));
  absl::StatusOr<std::string> wrapped =
      provider.WrapKey(state->active_version, fresh.Reveal(),
                       crypto::DataKeyContext(application_id, *version));
  if (!wrapped.ok()) return wrapped.status();
  WrappedDataKey key{application_id, *version, *std::move(wrapped), state->active_version};
  if (absl::Status s = keys.RotateDataKey(key); !s.ok()) return s;
  return *version;
}

absl::StatusOr<ReencryptResult> ReencryptApplication(storage::PgKeyAdmin& keys,
                                                     const crypto::KeyProvider& provider,
                                                     const std::string& application_id,
                                                     int batch_size, const Progress& progress) {
  KeyChain chain(keys, provider, application_id);
  absl::StatusOr<uint32_t> active = chain.Refresh();
  if (!active.ok()) return active.status();
  absl::StatusOr<const common::Secret*> active_key = chain.Get(*active);
  if (!active_key.ok()) return active_key.status();

  ReencryptResult result;
  absl::StatusOr<int64_t> remaining = keys.CountRowsToReencrypt(application_id, *active);
  if (!remaining.ok()) return remaining.status();
  int64_t total = *remaining;
  auto reseal = [&](const storage::SealedRow& row) -> absl::StatusOr<storage::ResealedRow> {
    std::optional<domain::InstrumentType> type = domain::InstrumentTypeFromName(row.type);
    if (!type) return absl::DataLossError(absl::StrCat("row ", row.id, " has an unknown type"));
    domain::SealContext context{application_id, row.id,
                                std::string(domain::SecretFieldName(*type))};
    absl::StatusOr<const common::Secret*> old_key = chain.Get(row.key_version);
    if (!old_key.ok()) return old_key.status();
    absl::StatusOr<common::Secret> plain =
        crypto::OpenField((*old_key)->Reveal(), row.ciphertext, context);
    if (!plain.ok()) return plain.status();
    absl::StatusOr<std::string> sealed =
        crypto::SealField((*active_key)->Reveal(), *active, plain->Reveal(), context);
    if (!sealed.ok()) return sealed.status();
    return storage::ResealedRow{*std::move(sealed), *active};
  };
  // Rows written by replicas that had not yet seen the rotation are still found here: keep going
  // until a count finds none.
  while (*remaining > 0) {
    absl::StatusOr<int> changed = keys.ReencryptBatch(application_id, *active, batch_size, reseal);
    if (!changed.ok()) return changed.status();
    result.rows += *changed;
    remaining = keys.CountRowsToReencrypt(application_id, *active);
    if (!remaining.ok()) return remaining.status();
    total = std::max(total, result.rows + *remaining);
    if (progress) progress(result.rows, total);
  }
  if (progress && total == 0) progress(0, 0);
  absl::StatusOr<std::vector<uint32_t>> retired = keys.RetireUnusedDataKeys(application_id);
  if (!retired.ok()) return retired.status();
  result.retired_versions = *std::move(retired);
  return result;
}

}  // namespace pi::instruments::admin
