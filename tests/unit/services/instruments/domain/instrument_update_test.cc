#include "services/instruments/domain/instrument_update.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "services/common/error.h"

namespace pi::instruments::domain {
namespace {

using ::testing::UnorderedElementsAre;

absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2026, 6, 1, 0, 0, 0), absl::UTCTimeZone());
}

Instrument Card() {
  Instrument i;
  i.id = "PI1";
  i.card = MaskedCard{.bin = "411111", .last_four = "1111", .brand = CardBrand::kVisa,
                      .expiration_month = 12, .expiration_year = 2030};
  return i;
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : common::FieldViolationsOf(status)) out.push_back(v.field);
  return out;
}

TEST(ApplyUpdateTest, DisablingRecordsWhyAndEnablingClearsIt) {
  Instrument i = Card();
  ASSERT_TRUE(ApplyUpdate({.enabled = false}, Now(), i).ok());
  EXPECT_FALSE(i.enabled);
  EXPECT_EQ(i.disabled_code, kDisabledByRequestCode);
  EXPECT_FALSE(i.disabled_message.empty());
  EXPECT_EQ(i.update_time, Now());
  ASSERT_TRUE(ApplyUpdate({.enabled = true}, Now(), i).ok());
  EXPECT_TRUE(i.enabled);
  EXPECT_TRUE(i.disabled_code.empty());
  EXPECT_TRUE(i.disabled_message.empty());
}

TEST(ApplyUpdateTest, ChangesOnlyTheGivenFields) {
  Instrument i = Card();
  i.holder_name = "Old";
  i.tags = {{"a", "1"}};
  i.address = Address{"1 Main St", "", "Springfield", "CA", "94105", "USA"};
  ASSERT_TRUE(ApplyUpdate({.holder_name = "New", .address = std::optional<Address>()}, Now(), i)
                  .ok());
  EXPECT_EQ(i.holder_name, "New");
  EXPECT_EQ(i.tags, (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_FALSE(i.address.has_value());
  EXPECT_EQ(i.card->expiration_year, 2030);
}

TEST(ApplyUpdateTest, ExpiryIsRevalidatedAsAWhole) {
  Instrument i = Card();
  absl::Status expired = ApplyUpdate({.expiration_month = 5, .expiration_year = 2026}, Now(), i);
  EXPECT_EQ(expired.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(i.card->expiration_year, 2030) << "unchanged on error";
  ASSERT_TRUE(ApplyUpdate({.expiration_month = 7}, Now(), i).ok());
  EXPECT_EQ(i.card->expiration_month, 7);
  EXPECT_EQ(i.card->expiration_year, 2030);
}

TEST(ApplyUpdateTest, EveryBadFieldIsReportedAtOnce) {
  Instrument i = Card();
  Address bad{"", "", "", "Cal", "", "US"};
  absl::Status status = ApplyUpdate(
      {.holder_name = std::string(121, 'n'), .address = bad, .expiration_month = 13}, Now(), i);
  EXPECT_THAT(Fields(status), UnorderedElementsAre("payment_instrument.holder_name",
                                                   "payment_instrument.address.region",
                                                   "payment_instrument.address.country",
                                                   "payment_instrument.card.expiration_month"));
}

// GCC 12 at -O2 reports -Wmaybe-uninitialized inside std::string for the fully initialised
// std::optional<MaskedBankAccount> below (a known false positive); silenced for this test only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
TEST(ApplyUpdateTest, OnlyCardsHaveAnExpiryAndAnEmptyUpdateIsRefused) {
  Instrument bank;
  bank.type = InstrumentType::kBankAccount;
  bank.bank_account = MaskedBankAccount{.masked_account_number = "XXXXX6789",
                                        .last_four = "6789",
                                        .routing_number = "021000021",
                                        .institution_number = "",
                                        .transit_number = "",
                                        .account_type = BankAccountType::kChecking,
                                        .country = "USA"};
  EXPECT_THAT(Fields(ApplyUpdate({.expiration_year = 2031}, Now(), bank)),
              UnorderedElementsAre("payment_instrument.card"));
  Instrument card = Card();
  EXPECT_THAT(Fields(ApplyUpdate({}, Now(), card)),
              UnorderedElementsAre("payment_instrument.update_mask"));
}
#pragma GCC diagnostic pop

}  // namespace
}  // namespace pi::instruments::domain
