// pi-server's root keys, loaded once at start from a key file: the versioned key-encryption keys
// (KEKs) that wrap each application's data keys, and the fingerprint master key.
//
// Key file format (text, one entry per line, '#' starts a comment):
//   <version> <base64 of exactly 32 random bytes>       a KEK; versions are positive, each once
//   fingerprint <base64 of exactly 32 random bytes>      the fingerprint master key, exactly once
// Which KEK wraps new data keys is recorded in the database (`pi-server kek-activate`), so every
// replica agrees; a file may hold versions not active yet. `pi-server keygen` writes a new file,
// `pi-server kek-add` appends a version. In Kubernetes the file is a mounted Secret.
// Immutable after Load; thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_RING_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_RING_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "services/common/secret.h"

namespace pi::instruments::crypto {

class KeyRing {
 public:
  // Parses key file contents. INVALID_ARGUMENT, naming the line, for any malformed entry.
  static absl::StatusOr<KeyRing> Parse(absl::string_view contents);
  // Reads and parses `path`. NOT_FOUND / PERMISSION_DENIED when it cannot be read.
  static absl::StatusOr<KeyRing> Load(const std::string& path);
  // A new key file with one fresh random key, version 1.
  static common::Secret GenerateKeyFile();

  // The highest KEK version in the file.
  uint32_t active_version() const { return active_version_; }
  // The KEK of `version`, or nullptr when the ring does not hold it.
  const common::Secret* Find(uint32_t version) const;
  std::vector<uint32_t> versions() const;
  const common::Secret& fingerprint_master_key() const { return fingerprint_key_; }

  // A key file line for a new random KEK of `version`.
  static common::Secret NewKekLine(uint32_t version);

 private:
  std::map<uint32_t, common::Secret> keys_;
  uint32_t active_version_ = 0;
  common::Secret fingerprint_key_;
};

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_RING_H_
