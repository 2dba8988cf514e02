// Issuer data by BIN, loaded once at start and read-only afterwards (thread-safe).
//
// CSV format (UTF-8, first line is this header, RFC 4180 quoting allowed):
//   bin,brand,card_type,issuer_name,issuer_country
//   - bin: 6 or 8 digits; an 8-digit entry wins over a 6-digit one for the same card;
//   - brand: empty, or a CardBrandName ("VISA", "VPAY", ...) that overrides prefix detection;
//   - card_type: CREDIT, DEBIT, HSA_FSA, NON_RELOADABLE_PREPAID, RELOADABLE_PREPAID or UNKNOWN;
//   - issuer_name: free text, may be empty; issuer_country: ISO 3166 alpha-3 or empty.
// The repository ships services/instruments/data/sandbox_bins.csv (public sandbox test cards);
// a licensed dataset in the same format can be configured instead (PI_BIN_TABLE).
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_BIN_TABLE_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_BIN_TABLE_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/instruments/domain/card_number.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

struct BinInfo {
  CardBrand brand = CardBrand::kUnknown;  // kUnknown: keep the brand detected from the prefix
  CardType card_type = CardType::kUnknown;
  std::string issuer_name;
  std::string issuer_country;
};

class BinTable {
 public:
  // An empty table: every lookup misses.
  BinTable() = default;

  // INVALID_ARGUMENT naming the line for a malformed header or row, or a duplicate BIN.
  static absl::StatusOr<BinTable> Parse(absl::string_view csv);

  // The entry for the longest listed prefix of `pan` (8 digits, then 6), or nullptr.
  // `pan` must be digits; shorter numbers miss.
  const BinInfo* Lookup(absl::string_view pan) const;

  size_t size() const { return by_eight_.size() + by_six_.size(); }

 private:
  absl::flat_hash_map<uint32_t, BinInfo> by_eight_;
  absl::flat_hash_map<uint32_t, BinInfo> by_six_;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_BIN_TABLE_H_
