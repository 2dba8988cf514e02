// Field rules every instrument type shares (owner id, holder name, tags, address, country), and
// the collector that gathers violations under one path prefix so a request reports all of them.
// Messages never echo submitted values. Pure and thread-safe.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_FIELD_RULES_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_FIELD_RULES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/common/error.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

// Limits, in characters, published so dialects and docs can quote them.
inline constexpr size_t kMaxHolderNameLength = 120;
inline constexpr size_t kMaxIdLength = 64;
inline constexpr size_t kMaxTags = 50;
inline constexpr size_t kMaxTagKeyLength = 40;
inline constexpr size_t kMaxTagValueLength = 500;

// Appends violations with paths `<prefix>.<field>` (or `<field>` for an empty prefix).
class ViolationCollector {
 public:
  ViolationCollector(std::vector<common::FieldViolation>& out, absl::string_view prefix);
  void Add(absl::string_view field, std::string description);
  // A collector for the nested object `field` (e.g. "address").
  ViolationCollector Nested(absl::string_view field) const;

 private:
  std::vector<common::FieldViolation>& out_;
  std::string prefix_;
};

bool AllDigits(absl::string_view s);

// Characters (Unicode code points) in UTF-8 `s`: the unit every "at most N characters" limit
// counts. Counts bytes that do not continue a sequence, so malformed input still gets a bound.
size_t Utf8Length(absl::string_view s);

// ISO 3166-1 alpha-3, upper case ("USA", "CAN", "GBR", ...).
bool IsIsoAlpha3Country(absl::string_view code);

// `identity` required, at most kMaxIdLength of letters, digits, '_' and '-'.
void CheckIdentityId(absl::string_view id, absl::string_view field, ViolationCollector& v);
// True when `s` holds an ASCII control character (C0 or DEL), which no name may hold: they
// reach terminals, logs and receipts.
bool HasControlCharacter(absl::string_view s);

// At most kMaxHolderNameLength characters, none of them control characters.
void CheckHolderName(absl::string_view name, absl::string_view field, ViolationCollector& v);
// At most kMaxTags entries; keys 1..kMaxTagKeyLength, values up to kMaxTagValueLength.
void CheckTags(const std::map<std::string, std::string>& tags, absl::string_view field,
               ViolationCollector& v);
// line1/line2 <= 35, city <= 20, region two letters, postal_code <= 7, country ISO alpha-3.
void CheckAddress(const Address& address, ViolationCollector& v);

// The fields every instrument type shares: "identity", "holder_name", "tags", "address.*".
void CheckOwnerFields(absl::string_view identity_id, absl::string_view holder_name,
                      const std::map<std::string, std::string>& tags,
                      const std::optional<Address>& address, ViolationCollector& v);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_FIELD_RULES_H_
