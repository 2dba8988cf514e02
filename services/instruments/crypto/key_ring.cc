#include "services/instruments/crypto/key_ring.h"

#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/instruments/crypto/aes_gcm.h"

namespace pi::instruments::crypto {

absl::StatusOr<KeyRing> KeyRing::Parse(absl::string_view contents) {
  KeyRing ring;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    bool is_fingerprint = parts.size() == 2 && parts[0] == "fingerprint";
    uint32_t version = 0;
    if (parts.size() != 2 ||
        (!is_fingerprint && (!absl::SimpleAtoi(parts[0], &version) || version == 0))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key file line ", line_number,
          ": expected '<version> <base64 key>' or 'fingerprint <base64 key>'"));
    }
    std::string raw;
    if (!absl::Base64Unescape(parts[1], &raw) || raw.size() != kAesKeySize) {
      common::Secret wipe(std::move(raw));
      return absl::InvalidArgumentError(absl::StrCat(
          "key file line ", line_number, ": key must be base64 of exactly 32 bytes"));
    }
    if (is_fingerprint) {
      if (!ring.fingerprint_key_.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("key file line ", line_number, ": the fingerprint key is listed twice"));
      }
      ring.fingerprint_key_ = common::Secret(std::move(raw));
      continue;
    }
    if (!ring.keys_.emplace(version, common::Secret(std::move(raw))).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("key file line ", line_number, ": version ", version, " listed twice"));
    }
    ring.active_version_ = std::max(ring.active_version_, version);
  }
  if (ring.keys_.empty()) return absl::InvalidArgumentError("key file holds no KEK");
  if (ring.fingerprint_key_.empty()) {
    return absl::InvalidArgumentError(
        "key file holds no fingerprint key: add a 'fingerprint <base64 of 32 bytes>' line "
        "(pi-server keygen writes one)");
  }
  return ring;
}

absl::StatusOr<KeyRing> KeyRing::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    std::string reason = absl::StrCat("cannot read key file ", path, ": ", std::strerror(errno));
    return errno == EACCES ? absl::PermissionDeniedError(reason) : absl::NotFoundError(reason);
  }
  // Read straight into the buffer a Secret will own and wipe; no stream buffer keeps a copy.
  std::string raw(static_cast<size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  common::Secret contents(std::move(raw));
  absl::StatusOr<KeyRing> ring = Parse(contents.Reveal());
  if (!ring.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", ring.status().message()));
  }
  return ring;
}

namespace {

// 32 random bytes, base64.
common::Secret RandomKeyBase64() {
  unsigned char key[kAesKeySize];
  if (RAND_bytes(key, sizeof(key)) != 1) std::abort();  // no entropy: nothing safe to do
  common::Secret encoded(
      absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(key), sizeof(key))));
  OPENSSL_cleanse(key, sizeof(key));
  return encoded;
}

}  // namespace

common::Secret KeyRing::GenerateKeyFile() {
  common::Secret kek = RandomKeyBase64();
  common::Secret fingerprint = RandomKeyBase64();
  return common::Secret(absl::StrCat(
      "# pi-server key file. KEKs: '<version> <base64 of 32 random bytes>'; which one wraps new\n"
      "# data keys is set with 'pi-server kek-activate'. 'fingerprint <base64>' is the\n"
      "# fingerprint master key: never change it (fingerprints would change). Keep it secret.\n"
      "1 ",
      kek.Reveal(), "\nfingerprint ", fingerprint.Reveal(), "\n"));
}

common::Secret KeyRing::NewKekLine(uint32_t version) {
  common::Secret kek = RandomKeyBase64();
  return common::Secret(absl::StrCat(version, " ", kek.Reveal(), "\n"));
}

std::vector<uint32_t> KeyRing::versions() const {
  std::vector<uint32_t> out;
  for (const auto& [version, key] : keys_) out.push_back(version);
  return out;
}

const common::Secret* KeyRing::Find(uint32_t version) const {
  auto it = keys_.find(version);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace pi::instruments::crypto
