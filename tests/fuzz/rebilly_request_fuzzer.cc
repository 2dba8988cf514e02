// The Rebilly dialect's request bodies (gateway/dialects/rebilly/rebilly_request.h): the input is
// an HTTP body, parsed as the dialect parses it and mapped by every body parser it has (POST
// /organizations/{org}/tokens, POST and PATCH /storefront/.../payment-instruments). A mapping
// must never throw or crash, and a request mapped without shape errors must survive the wire.
// (Its header mapping, MapAuthorization, is fuzzed by query_and_path_fuzzer.cc.)
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/core/json_reader.h"
#include "gateway/dialects/rebilly/rebilly_request.h"
#include "tests/fuzz/request_roundtrip.h"

namespace {

template <typename Parse>
void MapAndCheck(const nlohmann::json& body, Parse parse) {
  std::vector<pi::gateway::core::ShapeError> errors;
  auto request = parse(body, errors);
  if (errors.empty()) pi::fuzz::CheckRoundTrip(request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rebilly = pi::gateway::rebilly;
  absl::StatusOr<nlohmann::json> body = pi::gateway::core::ParseJsonObject(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!body.ok()) return 0;
  MapAndCheck(*body, rebilly::ParseCreateToken);
  MapAndCheck(*body, rebilly::ParseCreatePaymentInstrument);
  MapAndCheck(*body, rebilly::ParseUpdatePaymentInstrument);
  return 0;
}
