// The versioned data keys pi-server encrypts with, loaded once at start from a key file.
//
// Key file format (text, one entry per line, '#' starts a comment):
//   <version> <base64 of exactly 32 random bytes>
// Versions are positive integers, each listed once. The highest version encrypts new data; every
// listed version decrypts. `pi-server keygen` writes a valid file. In Kubernetes the file is a
// mounted Secret. The crypto issue replaces this flat ring with KEKs wrapping per-application DEKs.
// Immutable after Load; thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_RING_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_RING_H_

#include <cstdint>
#include <map>
#include <string>
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

  uint32_t active_version() const { return active_version_; }
  // The key of `version`, or nullptr when the ring does not hold it.
  const common::Secret* Find(uint32_t version) const;

 private:
  std::map<uint32_t, common::Secret> keys_;
  uint32_t active_version_ = 0;
};

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_KEY_RING_H_
