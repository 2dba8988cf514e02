// Secret holds a PAN, a security code, an account number or key material.
//
// It never prints (streaming it writes "***"), cannot be copied by accident (move-only; Clone()
// is explicit), and wipes its whole buffer with OPENSSL_cleanse when destroyed, cleared or moved
// from. Read the value only through Reveal(), which makes every use visible in review.
// Not thread-safe for concurrent mutation; const access from many threads is fine.
#ifndef PI_SERVICES_COMMON_SECRET_H_
#define PI_SERVICES_COMMON_SECRET_H_

#include <ostream>
#include <string>
#include "absl/strings/string_view.h"

namespace pi::common {

class Secret {
 public:
  Secret() = default;
  // Copies `value` and wipes the argument's whole buffer, so no clear copy is left behind (a
  // plain move would leave a short string's bytes in the caller's inline buffer).
  explicit Secret(std::string&& value);
  Secret(const char* data, size_t size) : value_(data, size) {}

  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret();

  Secret Clone() const { return Secret(value_.data(), value_.size()); }

  absl::string_view Reveal() const { return value_; }
  size_t size() const { return value_.size(); }
  bool empty() const { return value_.empty(); }

  // Wipes and empties the value.
  void Clear();

  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

 private:
  std::string value_;
};

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_SECRET_H_
