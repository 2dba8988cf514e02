// What the gRPC load generator sends. A create is a valid card with a holder, a security code
// and a US address, the same fields bench/load/rest_load.lua sends through the gateway, so the
// two paths do the same work in pi-server.
// Thread-compatible: each caller passes its own random generator.
#ifndef PI_BENCH_LOAD_BENCH_REQUESTS_H_
#define PI_BENCH_LOAD_BENCH_REQUESTS_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "payments/instruments/v1/payment_instrument_service.pb.h"

namespace pi::bench {

namespace v1 = ::payments::instruments::v1;

// A 16-digit number under one of the shipped sandbox BINs, random middle digits and the Luhn
// check digit: valid, and distinct from one call to the next.
std::string RandomCardNumber(std::mt19937_64& rng);

// The owner of call `n` of `slot` out of `concurrency` slots. Slot s takes identities s, s + c,
// s + 2c, ... (mod the count), so when `concurrency` divides the number of identities no two
// outstanding calls share an owner: neither the per-owner row lock nor the per-owner limit
// serializes them.
const std::string& OwnerFor(const std::vector<std::string>& identities, int concurrency, int slot,
                            uint64_t n);

v1::CreatePaymentInstrumentRequest CardCreateRequest(const std::string& identity,
                                                     std::mt19937_64& rng);

v1::CreateIdentityRequest IdentityCreateRequest(uint64_t n);

}  // namespace pi::bench

#endif  // PI_BENCH_LOAD_BENCH_REQUESTS_H_
