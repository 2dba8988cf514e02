// Listing instruments: filters, page size and the opaque page token of keyset pagination.
//
// Pages are ordered by (create_time, id). The page token encodes the last row's position, so a
// page never repeats or skips a row that existed when the first page was read, however many rows
// are inserted meanwhile (rows created later, with later times, appear on later pages).
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_QUERY_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_QUERY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/error.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;

// Where the previous page ended.
struct PageCursor {
  absl::Time create_time;
  std::string id;

  friend bool operator==(const PageCursor&, const PageCursor&) = default;
};

struct InstrumentQuery {
  int page_size = kDefaultPageSize;
  std::optional<PageCursor> after;
  // Filters; empty or nullopt means any.
  std::string identity_id;
  std::optional<InstrumentType> type;
  std::string fingerprint;
  std::string last_four;
  std::string bin;
  std::optional<absl::Time> created_after;   // inclusive
  std::optional<absl::Time> created_before;  // exclusive
};

struct InstrumentPage {
  std::vector<Instrument> instruments;
  std::optional<PageCursor> next;  // nullopt on the last page
};

// The raw request, before validation.
struct ListRequest {
  int page_size = 0;  // 0 means kDefaultPageSize
  std::string page_token;
  std::string identity_id;
  std::optional<InstrumentType> type;
  std::string fingerprint;
  std::string last_four;
  std::string bin;
  std::optional<absl::Time> created_after;
  std::optional<absl::Time> created_before;
};

// The query for `request`, or INVALID_ARGUMENT listing every bad field (paths without prefix:
// "page_size", "page_token", "last_four", "bin", ...).
absl::StatusOr<InstrumentQuery> ToInstrumentQuery(const ListRequest& request);

// Opaque, URL-safe page tokens.
std::string EncodePageToken(const PageCursor& cursor);
std::optional<PageCursor> DecodePageToken(absl::string_view token);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_QUERY_H_
