#include "services/instruments/crypto/random_id_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/instruments/crypto/public_random.h"

namespace pi::instruments::crypto {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// GCC and Clang's 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef unsigned __int128 Uint128;

}  // namespace

std::string Base62Encode(absl::string_view bytes) {
  size_t width = static_cast<size_t>(std::ceil(bytes.size() * 8 / std::log2(62.0)));
  std::string digits;
  digits.reserve(width);
  if (bytes.size() > 16) std::abort();  // every caller passes 128 bits at most
  Uint128 number = 0;
  for (unsigned char b : bytes) number = (number << 8) | b;
  while (number != 0) {
    digits.push_back(kAlphabet[static_cast<size_t>(number % 62)]);
    number /= 62;
  }
  while (digits.size() < width) digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string RandomIdGenerator::NewId(absl::string_view prefix) const {
  unsigned char raw[16];
  FillPublicRandom(raw, sizeof(raw));
  return absl::StrCat(prefix, Base62Encode(absl::string_view(reinterpret_cast<char*>(raw), 16)));
}

}  // namespace pi::instruments::crypto
