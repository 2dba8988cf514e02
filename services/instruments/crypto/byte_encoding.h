// The fixed encodings every binding context uses (ciphertext AAD, data-key wrapping context):
// big-endian 32-bit integers and length-prefixed byte strings, so no two distinct field tuples
// encode to the same bytes.
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_BYTE_ENCODING_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_BYTE_ENCODING_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace pi::instruments::crypto {

inline void AppendU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

inline void AppendLengthPrefixed(std::string& out, absl::string_view part) {
  AppendU32(out, static_cast<uint32_t>(part.size()));
  out.append(part.data(), part.size());
}

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_BYTE_ENCODING_H_
