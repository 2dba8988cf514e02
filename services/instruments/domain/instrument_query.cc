#include "services/instruments/domain/instrument_query.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/instruments/domain/field_rules.h"

namespace pi::instruments::domain {
namespace {

constexpr absl::string_view kTokenVersion = "v1";

}  // namespace

std::string EncodePageToken(const PageCursor& cursor) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kTokenVersion, ":", absl::ToUnixMicros(cursor.create_time), ":", cursor.id));
}

std::optional<PageCursor> DecodePageToken(absl::string_view token) {
  std::string raw;
  if (token.size() > 256 || !absl::WebSafeBase64Unescape(token, &raw)) return std::nullopt;
  size_t first = raw.find(':');
  size_t second = first == std::string::npos ? first : raw.find(':', first + 1);
  if (second == std::string::npos || raw.substr(0, first) != kTokenVersion) return std::nullopt;
  int64_t micros = 0;
  if (!absl::SimpleAtoi(raw.substr(first + 1, second - first - 1), &micros)) return std::nullopt;
  std::string id = raw.substr(second + 1);
  if (id.empty() || id.size() > kMaxIdLength) return std::nullopt;
  return PageCursor{absl::FromUnixMicros(micros), std::move(id)};
}

absl::StatusOr<InstrumentQuery> ToInstrumentQuery(const ListRequest& request) {
  std::vector<common::FieldViolation> out;
  ViolationCollector v(out, "");
  InstrumentQuery query;
  if (request.page_size < 0 || request.page_size > kMaxPageSize) {
    v.Add("page_size", absl::StrCat("must be between 1 and ", kMaxPageSize));
  } else if (request.page_size > 0) {
    query.page_size = request.page_size;
  }
  if (!request.page_token.empty()) {
    query.after = DecodePageToken(request.page_token);
    if (!query.after) v.Add("page_token", "is not a token this service issued");
  }
  if (!request.identity_id.empty()) CheckIdentityId(request.identity_id, "identity", v);
  if (!request.last_four.empty() &&
      (request.last_four.size() != 4 || !AllDigits(request.last_four))) {
    v.Add("last_four", "must be 4 digits");
  }
  if (!request.bin.empty() && (request.bin.size() != 6 || !AllDigits(request.bin))) {
    v.Add("bin", "must be 6 digits");
  }
  if (request.fingerprint.size() > kMaxIdLength) v.Add("fingerprint", "is too long");
  if (!out.empty()) return common::InvalidFields(out);
  query.identity_id = request.identity_id;
  query.type = request.type;
  query.fingerprint = request.fingerprint;
  query.last_four = request.last_four;
  query.bin = request.bin;
  query.created_after = request.created_after;
  query.created_before = request.created_before;
  return query;
}

}  // namespace pi::instruments::domain
