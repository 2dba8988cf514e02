// The decoders of encrypted bytes pi-server reads back from PostgreSQL: a sealed field
// (crypto/field_cipher.h: card numbers, account numbers, wallet tokens) and a wrapped data key
// (crypto/key_provider.h, FileKeyProvider::UnwrapKey over the data_keys table), plus the key
// file's parser (crypto/key_ring.h). The input is each of these in turn. Beyond not crashing:
// a forged ciphertext never opens (GCM authenticates), any plaintext sealed opens back to
// itself and names its key version, and changing any one byte of a sealed value makes it fail
// to open, with DATA_LOSS and never partial plaintext.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/instruments/crypto/field_cipher.h"
#include "services/instruments/crypto/key_provider.h"
#include "services/instruments/crypto/key_ring.h"
#include "services/instruments/domain/ports.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace crypto = pi::instruments::crypto;

// Fixed keys: the fuzzer cannot guess them, as an attacker who can write the database cannot.
constexpr char kKeyFile[] =
    "# fuzz key file\n"
    "1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    "fingerprint ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n";
const std::string kDataKey(32, '\x5a');

const pi::instruments::domain::SealContext& Context() {
  static const auto* context =
      new pi::instruments::domain::SealContext{"APfuzz", "PIfuzz", "card.number"};
  return *context;
}

const crypto::KeyRing& Ring() {
  static const crypto::KeyRing* ring = [] {
    absl::StatusOr<crypto::KeyRing> parsed = crypto::KeyRing::Parse(kKeyFile);
    FUZZ_CHECK(parsed.ok(), "the fuzz key file does not parse");
    return new crypto::KeyRing(*std::move(parsed));
  }();
  return *ring;
}

void CheckOpensOnlyUntouched(const std::string& sealed, absl::string_view plaintext,
                             size_t flip_at) {
  absl::StatusOr<pi::common::Secret> opened = crypto::OpenField(kDataKey, sealed, Context());
  FUZZ_CHECK(opened.ok() && opened->Reveal() == plaintext, "a sealed value did not open back");
  std::string tampered = sealed;
  tampered[flip_at % tampered.size()] ^= 0x01;
  absl::StatusOr<pi::common::Secret> forged = crypto::OpenField(kDataKey, tampered, Context());
  FUZZ_CHECK(!forged.ok() && absl::IsDataLoss(forged.status()), "a tampered value opened");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);

  // As a card_number / account_number / token column.
  (void)crypto::CiphertextKeyVersion(input);
  absl::StatusOr<pi::common::Secret> opened = crypto::OpenField(kDataKey, input, Context());
  FUZZ_CHECK(!opened.ok() && absl::IsDataLoss(opened.status()), "a forged ciphertext opened");

  // As a data_keys.wrapped_key column.
  crypto::FileKeyProvider provider(Ring());
  absl::StatusOr<pi::common::Secret> unwrapped = provider.UnwrapKey(1, input, "APfuzz/1");
  FUZZ_CHECK(!unwrapped.ok() && absl::IsDataLoss(unwrapped.status()), "a forged DEK unwrapped");

  // As a key file.
  (void)crypto::KeyRing::Parse(input);

  // As a plaintext: sealed, read back, and tampered with.
  uint32_t version =
      size >= 4
          ? (uint32_t{data[0]} << 24 | uint32_t{data[1]} << 16 | uint32_t{data[2]} << 8 | data[3])
          : 7;
  absl::StatusOr<std::string> sealed = crypto::SealField(kDataKey, version, input, Context());
  FUZZ_CHECK(sealed.ok(), "sealing failed");
  absl::StatusOr<uint32_t> named = crypto::CiphertextKeyVersion(*sealed);
  FUZZ_CHECK(named.ok() && *named == version, "a sealed value names another key version");
  CheckOpensOnlyUntouched(*sealed, input, size == 0 ? 0 : data[size - 1] * 131u + size);
  return 0;
}
