// Resource identifiers: a vendor-like prefix ("PI", "TK", "ID", "AP") followed by 128 bits from
// RAND_bytes in base62 (22 characters). Thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_RANDOM_ID_GENERATOR_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_RANDOM_ID_GENERATOR_H_

#include <string>
#include "absl/strings/string_view.h"

#include "services/instruments/domain/ports.h"

namespace pi::instruments::crypto {

// Base62 of `bytes` (at most 16) read as a big-endian number, left-padded with '0' to the width
// that 8 * bytes.size() bits need (22 characters for 16 bytes).
std::string Base62Encode(absl::string_view bytes);

class RandomIdGenerator : public domain::IdGenerator {
 public:
  std::string NewId(absl::string_view prefix) const override;
};

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_RANDOM_ID_GENERATOR_H_
