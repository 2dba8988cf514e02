// The Finix dialect's request bodies (gateway/dialects/finix/finix_request.h), which the Ahrvo
// dialect uses unchanged (ahrvo_dialect.cc registers Finix's routes with Ahrvo's responses), so
// this target covers both. The input is an HTTP body: parsed as the dialect parses it, then
// mapped by every body parser the dialect has (POST /payment_instruments, PUT
// /payment_instruments/{id}, POST /tokens, POST /identities). A mapping must never throw or
// crash, whatever the JSON, and a request mapped without shape errors must survive the wire.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/core/json_reader.h"
#include "gateway/dialects/finix/finix_request.h"
#include "tests/fuzz/request_roundtrip.h"

namespace {

using pi::gateway::core::ShapeError;
namespace finix = pi::gateway::finix;

template <typename Parse>
void MapAndCheck(const nlohmann::json& body, Parse parse) {
  std::vector<ShapeError> errors;
  auto request = parse(body, errors);
  if (errors.empty()) pi::fuzz::CheckRoundTrip(request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<nlohmann::json> body = pi::gateway::core::ParseJsonObject(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!body.ok()) return 0;
  MapAndCheck(*body, finix::ParseCreatePaymentInstrument);
  MapAndCheck(*body, finix::ParseUpdatePaymentInstrument);
  MapAndCheck(*body, finix::ParseCreateToken);
  MapAndCheck(*body, finix::ParseCreateIdentity);
  return 0;
}
