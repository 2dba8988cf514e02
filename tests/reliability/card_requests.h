// Card creates for the reliability drivers: request `n` carries card number `n` (a sandbox BIN,
// `n` in the middle digits, the Luhn check digit), so every request has its own card and its own
// fingerprint, and the database can tell which request a row came from. The same `n` always
// gives the same bytes, as a retry under an idempotency key must. Thread-safe.
#ifndef PI_TESTS_RELIABILITY_CARD_REQUESTS_H_
#define PI_TESTS_RELIABILITY_CARD_REQUESTS_H_

#include <cstdint>
#include <string>

#include "payments/instruments/v1/payment_instrument_service.pb.h"

namespace pi::reliability {

namespace v1 = ::payments::instruments::v1;

// "4111110000000001x" style: 411111, `n` in 9 digits (n < 10^9), the check digit.
std::string NumberedCardNumber(uint64_t n);

v1::CreatePaymentInstrumentRequest NumberedCardCreate(const std::string& identity, uint64_t n);

}  // namespace pi::reliability

#endif  // PI_TESTS_RELIABILITY_CARD_REQUESTS_H_
