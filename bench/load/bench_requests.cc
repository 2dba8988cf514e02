#include "bench/load/bench_requests.h"

#include "absl/strings/str_cat.h"
#include "services/instruments/domain/card_number.h"

namespace pi::bench {
namespace {

// Sandbox BINs of services/instruments/data/sandbox_bins.csv: US Visa credit cards and a GBR
// Mastercard debit card (424242 numbers may also hit the 8-digit HSA/FSA entry).
constexpr const char* kBins[] = {"411111", "520082", "424242"};

}  // namespace

std::string RandomCardNumber(std::mt19937_64& rng) {
  std::string number = kBins[rng() % std::size(kBins)];
  while (number.size() < 15) number.push_back(static_cast<char>('0' + rng() % 10));
  number.push_back('0');
  // The domain's own Luhn check picks the one valid last digit.
  for (char check = '0'; check <= '9'; ++check) {
    number.back() = check;
    if (instruments::domain::PassesLuhn(number)) break;
  }
  return number;
}

const std::string& OwnerFor(const std::vector<std::string>& identities, int concurrency, int slot,
                            uint64_t n) {
  uint64_t index = static_cast<uint64_t>(slot) + static_cast<uint64_t>(concurrency) * n;
  return identities[index % identities.size()];
}

v1::CreatePaymentInstrumentRequest CardCreateRequest(const std::string& identity,
                                                     std::mt19937_64& rng) {
  v1::CreatePaymentInstrumentRequest request;
  v1::PaymentInstrument* instrument = request.mutable_payment_instrument();
  instrument->set_type(v1::PAYMENT_CARD);
  instrument->set_identity(identity);
  instrument->set_holder_name("Amy White");
  v1::Address* address = instrument->mutable_address();
  address->set_line1("900 Metro Center Blv");
  address->set_city("San Francisco");
  address->set_region("CA");
  address->set_postal_code("94404");
  address->set_country("USA");
  v1::Card* card = instrument->mutable_card();
  card->set_number(RandomCardNumber(rng));
  card->set_security_code("123");
  card->set_expiration_month(static_cast<int32_t>(1 + rng() % 12));
  card->set_expiration_year(2030);
  return request;
}

v1::CreateIdentityRequest IdentityCreateRequest(uint64_t n) {
  v1::CreateIdentityRequest request;
  v1::Identity* identity = request.mutable_identity();
  identity->set_first_name("Bench");
  identity->set_last_name(absl::StrCat("Owner", n));
  return request;
}

}  // namespace pi::bench
