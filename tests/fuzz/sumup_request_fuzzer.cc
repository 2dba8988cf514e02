// The SumUp dialect's request bodies (gateway/dialects/sumup/sumup_request.h): the input is an
// HTTP body, parsed as the dialect parses it and mapped by both of its body parsers (POST
// /customers/{id}/payment-instruments, POST /customers). A mapping must never throw or crash,
// and a request mapped without shape errors must survive the wire.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/core/json_reader.h"
#include "gateway/dialects/sumup/sumup_request.h"
#include "tests/fuzz/request_roundtrip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sumup = pi::gateway::sumup;
  absl::StatusOr<nlohmann::json> body = pi::gateway::core::ParseJsonObject(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!body.ok()) return 0;
  {
    std::vector<pi::gateway::core::ShapeError> errors;
    sumup::CardRequest card = sumup::ParseCreatePaymentInstrument(*body, errors);
    if (errors.empty()) pi::fuzz::CheckRoundTrip(card.request);
  }
  {
    std::vector<pi::gateway::core::ShapeError> errors;
    auto customer = sumup::ParseCreateCustomer(*body, errors);
    if (errors.empty()) pi::fuzz::CheckRoundTrip(customer);
  }
  return 0;
}
