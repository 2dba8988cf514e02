// What the gateway decodes from a request line and headers, for every dialect: query strings
// (gateway/core/query_string.h: Finix's and Rebilly's list parameters, the hosted fields' page),
// percent-encoded path segments (SumUp's and Rebilly's ids) and Rebilly's Authorization /
// REB-APIKEY mapping (rebilly_request.h). The input is used as each of these. Beyond not
// crashing: any byte string, percent-encoded byte by byte, decodes back to itself as a path
// segment and as a query value, and MapAuthorization of a value without spaces adds `Bearer `.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gateway/core/query_string.h"
#include "gateway/dialects/rebilly/rebilly_request.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// Every byte as %XX, alternating upper- and lower-case hex digits (both are valid).
std::string PercentEncodeAll(absl::string_view s) {
  static constexpr char kUpper[] = "0123456789ABCDEF";
  static constexpr char kLower[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char* hex = i % 2 == 0 ? kUpper : kLower;
    unsigned char c = static_cast<unsigned char>(s[i]);
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 0xf];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace core = pi::gateway::core;
  absl::string_view input(reinterpret_cast<const char*>(data), size);

  // As raw request-line pieces: errors are fine, crashes are not.
  (void)core::ParseQueryString(input);
  absl::StatusOr<std::string> segment = core::DecodePathSegment(input);
  if (segment.ok() && !absl::StrContains(input, '%')) {
    FUZZ_CHECK(*segment == input, "a segment without escapes changed when decoded");
  }

  // As data a client encoded.
  std::string encoded = PercentEncodeAll(input);
  absl::StatusOr<std::string> decoded = core::DecodePathSegment(encoded);
  FUZZ_CHECK(decoded.ok() && *decoded == input, "an encoded path segment did not decode back");
  absl::StatusOr<std::map<std::string, std::string>> query =
      core::ParseQueryString(absl::StrCat("a=1&after_cursor=", encoded, "&a=2"));
  FUZZ_CHECK(query.ok(), "a well-formed query string was refused");
  FUZZ_CHECK(query->at("after_cursor") == input, "an encoded query value did not decode back");
  FUZZ_CHECK(query->at("a") == "1", "a repeated name did not keep its first value");

  // As Rebilly's headers.
  std::string mapped = pi::gateway::rebilly::MapAuthorization(input, "");
  absl::string_view stripped = absl::StripAsciiWhitespace(input);
  if (!stripped.empty() && !absl::StrContains(stripped, ' ')) {
    FUZZ_CHECK(mapped == absl::StrCat("Bearer ", stripped), "a bare key was not made a Bearer");
  }
  (void)pi::gateway::rebilly::MapAuthorization("", input);
  return 0;
}
