#include "bench/load/bench_requests.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "services/instruments/domain/card_number.h"

namespace pi::bench {
namespace {

using instruments::domain::CardBrand;

TEST(RandomCardNumberTest, IsSixteenDigitsUnderASandboxBinAndPassesLuhn) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    std::string number = RandomCardNumber(rng);
    ASSERT_EQ(number.size(), 16u) << number;
    EXPECT_TRUE(instruments::domain::PassesLuhn(number)) << number;
    CardBrand brand = instruments::domain::DetectBrand(number);
    EXPECT_TRUE(brand == CardBrand::kVisa || brand == CardBrand::kMastercard) << number;
  }
}

TEST(RandomCardNumberTest, DiffersFromCallToCall) {
  std::mt19937_64 rng(11);
  std::set<std::string> numbers;
  for (int i = 0; i < 1000; ++i) numbers.insert(RandomCardNumber(rng));
  EXPECT_GT(numbers.size(), 990u);
}

TEST(OwnerForTest, SlotsNeverShareAnOwnerWhenTheConcurrencyDividesTheOwners) {
  std::vector<std::string> identities;
  for (int i = 0; i < 1024; ++i) identities.push_back("ID" + std::to_string(i));
  for (int concurrency : {1, 8, 32, 64}) {
    std::map<std::string, int> slot_of;
    for (int slot = 0; slot < concurrency; ++slot) {
      for (uint64_t n = 0; n < 2048; ++n) {
        const std::string& owner = OwnerFor(identities, concurrency, slot, n);
        auto [it, inserted] = slot_of.emplace(owner, slot);
        EXPECT_EQ(it->second, slot) << owner << " at concurrency " << concurrency;
      }
    }
    // And every owner gets used: the creates spread over all of them.
    EXPECT_EQ(slot_of.size(), identities.size()) << "concurrency " << concurrency;
  }
}

TEST(CardCreateRequestTest, IsACompleteCardForTheOwner) {
  std::mt19937_64 rng(3);
  v1::CreatePaymentInstrumentRequest request = CardCreateRequest("IDowner", rng);
  const v1::PaymentInstrument& instrument = request.payment_instrument();
  EXPECT_EQ(instrument.type(), v1::PAYMENT_CARD);
  EXPECT_EQ(instrument.identity(), "IDowner");
  EXPECT_TRUE(instruments::domain::PassesLuhn(instrument.card().number()));
  EXPECT_EQ(instrument.card().security_code(), "123");
  EXPECT_GE(instrument.card().expiration_month(), 1);
  EXPECT_LE(instrument.card().expiration_month(), 12);
  EXPECT_EQ(instrument.address().country(), "USA");
  EXPECT_TRUE(request.request_id().empty());  // no idempotency key: every create is new
}

}  // namespace
}  // namespace pi::bench
