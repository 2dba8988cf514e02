#include "services/common/secret.h"

#include <openssl/crypto.h>

namespace pi::common {
namespace {

// Wipes the whole capacity, not just size(): a short string lives in the inline buffer, and bytes
// beyond size() may still hold an older, longer value.
void Wipe(std::string& s) {
  OPENSSL_cleanse(s.data(), s.capacity());
  s.clear();
}

}  // namespace

Secret::Secret(std::string&& value) : value_(value) { Wipe(value); }

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { Wipe(other.value_); }

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Wipe(value_);
    value_ = std::move(other.value_);
    Wipe(other.value_);
  }
  return *this;
}

Secret::~Secret() { Wipe(value_); }

void Secret::Clear() { Wipe(value_); }

}  // namespace pi::common
