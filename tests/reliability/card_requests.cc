#include "tests/reliability/card_requests.h"

#include "absl/strings/str_format.h"
#include "services/instruments/domain/card_number.h"

namespace pi::reliability {

std::string NumberedCardNumber(uint64_t n) {
  std::string number = absl::StrFormat("411111%09d0", n % 1000000000);
  for (char check = '0'; check <= '9'; ++check) {
    number.back() = check;
    if (instruments::domain::PassesLuhn(number)) break;
  }
  return number;
}

v1::CreatePaymentInstrumentRequest NumberedCardCreate(const std::string& identity, uint64_t n) {
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
  card->set_number(NumberedCardNumber(n));
  card->set_security_code("123");
  card->set_expiration_month(static_cast<int32_t>(1 + n % 12));
  card->set_expiration_year(2031);
  return request;
}

}  // namespace pi::reliability
