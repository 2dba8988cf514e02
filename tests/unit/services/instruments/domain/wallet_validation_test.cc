#include "services/instruments/domain/wallet_validation.h"

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"
#include "services/common/secret.h"

namespace pi::instruments::domain {
namespace {

using common::FieldViolation;
using common::Secret;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr absl::string_view kPrefix = "payment_instrument";
constexpr char kToken[] = R"({"paymentData":"tok_sandbox_8f3k2"})";

std::vector<std::string> FieldsOf(const std::vector<FieldViolation>& violations) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : violations) fields.push_back(v.field);
  return fields;
}

NewWallet ValidWallet(InstrumentType type = InstrumentType::kApplePay) {
  NewWallet wallet;
  wallet.type = type;
  wallet.identity_id = "IDowner1";
  wallet.third_party_token = Secret(std::string(kToken));
  wallet.merchant_identity = "IDmerchant1";
  wallet.holder_name = "Jane Doe";
  wallet.address = Address{"1 Main St", "", "Springfield", "CA", "94105", "USA"};
  wallet.tags = {{"order", "42"}};
  return wallet;
}

TEST(ValidateNewWalletTest, ValidWalletsOfEveryTypeHaveNoViolations) {
  EXPECT_THAT(ValidateNewWallet(ValidWallet(InstrumentType::kApplePay), kPrefix), IsEmpty());
  EXPECT_THAT(ValidateNewWallet(ValidWallet(InstrumentType::kGooglePay), kPrefix), IsEmpty());
  NewWallet token = ValidWallet(InstrumentType::kToken);
  token.third_party = "PLAID";
  EXPECT_THAT(ValidateNewWallet(token, kPrefix), IsEmpty());
}

TEST(ValidateNewWalletTest, OptionalPartsMayBeAbsent) {
  NewWallet wallet = ValidWallet();
  wallet.holder_name.clear();
  wallet.address.reset();
  wallet.tags.clear();
  wallet.third_party.clear();
  EXPECT_THAT(ValidateNewWallet(wallet, kPrefix), IsEmpty());
}

TEST(ValidateNewWalletTest, TokenIsRequired) {
  NewWallet wallet = ValidWallet();
  wallet.third_party_token = Secret();
  EXPECT_THAT(
      ValidateNewWallet(wallet, kPrefix),
      ElementsAre(FieldViolation{"payment_instrument.wallet.third_party_token", "is required"}));
}

TEST(ValidateNewWalletTest, TokenSizeIsBounded) {
  NewWallet at_limit = ValidWallet();
  at_limit.third_party_token = Secret(std::string(kMaxWalletTokenBytes, 't'));
  EXPECT_THAT(ValidateNewWallet(at_limit, kPrefix), IsEmpty());

  NewWallet over = ValidWallet();
  over.third_party_token = Secret(std::string(kMaxWalletTokenBytes + 1, 't'));
  EXPECT_THAT(ValidateNewWallet(over, kPrefix),
              ElementsAre(FieldViolation{"payment_instrument.wallet.third_party_token",
                                         "must be at most 16384 bytes"}));
}

TEST(ValidateNewWalletTest, MerchantIdentityIsARequiredId) {
  NewWallet missing = ValidWallet();
  missing.merchant_identity.clear();
  EXPECT_THAT(
      ValidateNewWallet(missing, kPrefix),
      ElementsAre(FieldViolation{"payment_instrument.wallet.merchant_identity", "is required"}));

  NewWallet bad = ValidWallet();
  bad.merchant_identity = "ID merchant";
  EXPECT_THAT(FieldsOf(ValidateNewWallet(bad, kPrefix)),
              ElementsAre("payment_instrument.wallet.merchant_identity"));
}

TEST(ValidateNewWalletTest, ThirdPartyIsLettersDigitsAndUnderscore) {
  for (std::string ok :
       {std::string("PLAID"), std::string("plaid_2"), std::string(kMaxThirdPartyLength, 'P')}) {
    NewWallet wallet = ValidWallet(InstrumentType::kToken);
    wallet.third_party = ok;
    EXPECT_THAT(ValidateNewWallet(wallet, kPrefix), IsEmpty()) << ok;
  }
  for (std::string bad : {std::string("PL-AID"), std::string("PL AID"), std::string("PLAID!"),
                          std::string(kMaxThirdPartyLength + 1, 'P')}) {
    NewWallet wallet = ValidWallet(InstrumentType::kToken);
    wallet.third_party = bad;
    EXPECT_THAT(ValidateNewWallet(wallet, kPrefix),
                ElementsAre(FieldViolation{"payment_instrument.wallet.third_party",
                                           "must be at most 64 letters, digits or '_'"}))
        << bad;
  }
}

TEST(ValidateNewWalletTest, TypeMustBeAWalletType) {
  for (InstrumentType type : {InstrumentType::kPaymentCard, InstrumentType::kBankAccount}) {
    EXPECT_THAT(ValidateNewWallet(ValidWallet(type), kPrefix),
                ElementsAre(FieldViolation{"payment_instrument.type",
                                           "must be APPLE_PAY, GOOGLE_PAY or TOKEN"}))
        << InstrumentTypeName(type);
  }
}

TEST(ValidateNewWalletTest, ReportsEveryMistakeAtOnce) {
  NewWallet wallet = ValidWallet(InstrumentType::kPaymentCard);
  wallet.identity_id.clear();
  wallet.holder_name = std::string(121, 'h');
  wallet.tags = {{"", "v"}};
  wallet.address->region = "Cal";
  wallet.third_party_token = Secret();
  wallet.merchant_identity.clear();
  wallet.third_party = "PL-AID";

  EXPECT_THAT(
      FieldsOf(ValidateNewWallet(wallet, kPrefix)),
      UnorderedElementsAre("payment_instrument.identity", "payment_instrument.holder_name",
                           "payment_instrument.tags", "payment_instrument.address.region",
                           "payment_instrument.type", "payment_instrument.wallet.third_party_token",
                           "payment_instrument.wallet.merchant_identity",
                           "payment_instrument.wallet.third_party"));
}

TEST(ValidateNewWalletTest, EmptyPrefixGivesBarePaths) {
  NewWallet wallet = ValidWallet();
  wallet.merchant_identity.clear();
  EXPECT_THAT(FieldsOf(ValidateNewWallet(wallet, "")), ElementsAre("wallet.merchant_identity"));
}

TEST(ValidateNewWalletTest, DescriptionsNeverEchoTheToken) {
  const std::string oversized = "tok_oversized_" + std::string(kMaxWalletTokenBytes, 'q');
  for (const std::string& token : {std::string(kToken), oversized}) {
    NewWallet wallet = ValidWallet(InstrumentType::kBankAccount);
    wallet.third_party_token = Secret(std::string(token));
    wallet.merchant_identity = "ID merchant";
    wallet.third_party = "PL-AID";
    std::vector<FieldViolation> violations = ValidateNewWallet(wallet, kPrefix);
    ASSERT_THAT(violations, Not(IsEmpty()));
    for (const FieldViolation& v : violations) {
      EXPECT_THAT(v.description, Not(HasSubstr("tok_"))) << v.field;
      EXPECT_THAT(v.description, Not(HasSubstr("qqqq"))) << v.field;
    }
  }
}

}  // namespace
}  // namespace pi::instruments::domain
