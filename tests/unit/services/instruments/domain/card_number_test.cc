#include "services/instruments/domain/card_number.h"

#include <ostream>
#include <string>

#include "gtest/gtest.h"

namespace pi::instruments::domain {
namespace {

// Public test PANs published by the card networks and processors.
class PassesLuhnValidTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PassesLuhnValidTest, AcceptsPublicTestNumber) { EXPECT_TRUE(PassesLuhn(GetParam())); }

INSTANTIATE_TEST_SUITE_P(PublicTestPans, PassesLuhnValidTest,
                         ::testing::Values("4111111111111111",    // Visa
                                           "5555555555554444",    // Mastercard
                                           "378282246310005",     // American Express
                                           "6011111111111117",    // Discover
                                           "3530111333300000",    // JCB
                                           "36227206271667",      // Diners Club, 14 digits
                                           "2223003122003222"));  // Mastercard 2-series

class PassesLuhnInvalidTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PassesLuhnInvalidTest, Rejects) { EXPECT_FALSE(PassesLuhn(GetParam())); }

INSTANTIATE_TEST_SUITE_P(OneDigitChanged, PassesLuhnInvalidTest,
                         ::testing::Values("4111111111111112",  // last digit
                                           "5555555555554445", "378282246310006",
                                           "6011111111111118", "3530111333300001", "36227206271668",
                                           "2223003122003223",
                                           "4111111111111121",    // middle digit
                                           "5111111111111111"));  // first digit

INSTANTIATE_TEST_SUITE_P(NotDigits, PassesLuhnInvalidTest,
                         ::testing::Values("",                     // empty
                                           "4111 1111 1111 1111",  // spaces
                                           "4111-1111-1111-1111",  // dashes
                                           "411111111111111a",     // letter
                                           "０"));                 // non-ASCII digit

TEST(PassesLuhnTest, SingleZeroPasses) {
  // 0 is all digits and sums to 0 mod 10: the check alone accepts it.
  EXPECT_TRUE(PassesLuhn("0"));
  EXPECT_FALSE(PassesLuhn("1"));
}

struct BrandCase {
  const char* number;
  CardBrand brand;
};

void PrintTo(const BrandCase& c, std::ostream* os) { *os << '"' << c.number << '"'; }

class DetectBrandTest : public ::testing::TestWithParam<BrandCase> {};

TEST_P(DetectBrandTest, DetectsBrand) {
  EXPECT_EQ(DetectBrand(GetParam().number), GetParam().brand)
      << GetParam().number << " detected as " << CardBrandName(DetectBrand(GetParam().number));
}

INSTANTIATE_TEST_SUITE_P(
    Brands, DetectBrandTest,
    ::testing::Values(BrandCase{"4111111111111111", CardBrand::kVisa},
                      BrandCase{"4242424242424242", CardBrand::kVisa},
                      BrandCase{"4026000000000002", CardBrand::kVisaElectron},
                      BrandCase{"4175000000000001", CardBrand::kVisaElectron},
                      BrandCase{"4917300800000000", CardBrand::kVisaElectron},
                      BrandCase{"5555555555554444", CardBrand::kMastercard},
                      BrandCase{"5105105105105100", CardBrand::kMastercard},
                      BrandCase{"2223003122003222", CardBrand::kMastercard},
                      BrandCase{"2221000000000009", CardBrand::kMastercard},
                      BrandCase{"2720990000000000", CardBrand::kMastercard},
                      BrandCase{"378282246310005", CardBrand::kAmericanExpress},
                      BrandCase{"340000000000009", CardBrand::kAmericanExpress},
                      BrandCase{"6011111111111117", CardBrand::kDiscover},
                      BrandCase{"6445644564456445", CardBrand::kDiscover},
                      BrandCase{"6500000000000002", CardBrand::kDiscover},
                      BrandCase{"6221260000000000", CardBrand::kDiscover},  // inside 62
                      BrandCase{"3530111333300000", CardBrand::kJcb},
                      BrandCase{"3566002020360505", CardBrand::kJcb},
                      BrandCase{"36227206271667", CardBrand::kDinersClub},
                      BrandCase{"30569309025904", CardBrand::kDinersClub},
                      BrandCase{"38520000023237", CardBrand::kDinersClub},
                      BrandCase{"6200000000000005", CardBrand::kChinaUnionPay},
                      BrandCase{"6250941006528599", CardBrand::kChinaUnionPay},
                      BrandCase{"6759649826438453", CardBrand::kMaestro},
                      BrandCase{"5018000000000009", CardBrand::kMaestro},
                      BrandCase{"6304000000000000", CardBrand::kMaestro},
                      BrandCase{"4011780000000000", CardBrand::kElo},  // inside Visa's 4
                      BrandCase{"4389350000000000", CardBrand::kElo},
                      BrandCase{"5067000000000000", CardBrand::kElo},
                      BrandCase{"6277800000000000", CardBrand::kElo},  // inside UnionPay's 62
                      BrandCase{"6500310000000000", CardBrand::kElo},  // inside Discover's 65
                      BrandCase{"6062825624254001", CardBrand::kHipercard},
                      BrandCase{"3841000000000000", CardBrand::kHipercard},
                      BrandCase{"9111111111111111", CardBrand::kUnknown},
                      BrandCase{"1234567890123456", CardBrand::kUnknown},
                      BrandCase{"", CardBrand::kUnknown}));

TEST(DetectBrandTest, LooksAtThePrefixOnly) {
  EXPECT_EQ(DetectBrand("4"), CardBrand::kVisa);
  EXPECT_EQ(DetectBrand("37"), CardBrand::kAmericanExpress);
  EXPECT_EQ(DetectBrand("401178"), CardBrand::kElo);
  // Too short to reach the Elo prefix: only Visa's one-digit prefix matches.
  EXPECT_EQ(DetectBrand("40117"), CardBrand::kVisa);
}

TEST(DetectBrandTest, NonDigitPrefixIsUnknown) {
  EXPECT_EQ(DetectBrand("x111111111111111"), CardBrand::kUnknown);
  EXPECT_EQ(DetectBrand(" 4111111111111111"), CardBrand::kUnknown);
  // A non-digit after the brand's prefix does not hide a shorter match.
  EXPECT_EQ(DetectBrand("4x"), CardBrand::kVisa);
}

TEST(IsValidLengthForBrandTest, Visa) {
  EXPECT_TRUE(IsValidLengthForBrand(CardBrand::kVisa, 13));
  EXPECT_TRUE(IsValidLengthForBrand(CardBrand::kVisa, 16));
  EXPECT_TRUE(IsValidLengthForBrand(CardBrand::kVisa, 19));
  EXPECT_FALSE(IsValidLengthForBrand(CardBrand::kVisa, 15));
  EXPECT_FALSE(IsValidLengthForBrand(CardBrand::kVisa, 17));
}

TEST(IsValidLengthForBrandTest, SixteenOnlyBrands) {
  for (CardBrand brand : {CardBrand::kMastercard, CardBrand::kVisaElectron, CardBrand::kElo}) {
    EXPECT_TRUE(IsValidLengthForBrand(brand, 16)) << CardBrandName(brand);
    EXPECT_FALSE(IsValidLengthForBrand(brand, 15)) << CardBrandName(brand);
    EXPECT_FALSE(IsValidLengthForBrand(brand, 19)) << CardBrandName(brand);
  }
}

TEST(IsValidLengthForBrandTest, AmexIsFifteen) {
  EXPECT_TRUE(IsValidLengthForBrand(CardBrand::kAmericanExpress, 15));
  EXPECT_FALSE(IsValidLengthForBrand(CardBrand::kAmericanExpress, 16));
  EXPECT_FALSE(IsValidLengthForBrand(CardBrand::kAmericanExpress, 14));
}

TEST(IsValidLengthForBrandTest, RangedBrands) {
  for (CardBrand brand : {CardBrand::kDiscover, CardBrand::kJcb, CardBrand::kChinaUnionPay}) {
    EXPECT_FALSE(IsValidLengthForBrand(brand, 15)) << CardBrandName(brand);
    EXPECT_TRUE(IsValidLengthForBrand(brand, 16)) << CardBrandName(brand);
    EXPECT_TRUE(IsValidLengthForBrand(brand, 19)) << CardBrandName(brand);
    EXPECT_FALSE(IsValidLengthForBrand(brand, 20)) << CardBrandName(brand);
  }
  EXPECT_FALSE(IsValidLengthForBrand(CardBrand::kDinersClub, 13));
  EXPECT_TRUE(IsValidLengthForBrand(CardBrand::kDinersClub, 14));
  EXPECT_TRUE(IsValidLengthForBrand(CardBrand::kDinersClub, 19));
  EXPECT_FALSE(IsValidLengthForBrand(CardBrand::kDinersClub, 20));
  EXPECT_TRUE(IsValidLengthForBrand(CardBrand::kHipercard, 16));
  EXPECT_TRUE(IsValidLengthForBrand(CardBrand::kHipercard, 19));
  EXPECT_FALSE(IsValidLengthForBrand(CardBrand::kHipercard, 17));
}

TEST(IsValidLengthForBrandTest, MaestroAndUnknownAcceptTwelveToNineteen) {
  for (CardBrand brand : {CardBrand::kMaestro, CardBrand::kUnknown}) {
    EXPECT_FALSE(IsValidLengthForBrand(brand, 11)) << CardBrandName(brand);
    EXPECT_TRUE(IsValidLengthForBrand(brand, 12)) << CardBrandName(brand);
    EXPECT_TRUE(IsValidLengthForBrand(brand, 19)) << CardBrandName(brand);
    EXPECT_FALSE(IsValidLengthForBrand(brand, 20)) << CardBrandName(brand);
  }
}

TEST(BrandRequiresLuhnTest, OnlyUnionPayIsExempt) {
  EXPECT_FALSE(BrandRequiresLuhn(CardBrand::kChinaUnionPay));
  for (CardBrand brand :
       {CardBrand::kUnknown, CardBrand::kVisa, CardBrand::kVisaElectron, CardBrand::kMastercard,
        CardBrand::kAmericanExpress, CardBrand::kDiscover, CardBrand::kJcb, CardBrand::kDinersClub,
        CardBrand::kMaestro, CardBrand::kElo, CardBrand::kHipercard}) {
    EXPECT_TRUE(BrandRequiresLuhn(brand)) << CardBrandName(brand);
  }
}

TEST(SecurityCodeLengthTest, AmexIsFourOthersThree) {
  EXPECT_EQ(SecurityCodeLength(CardBrand::kAmericanExpress), 4u);
  EXPECT_EQ(SecurityCodeLength(CardBrand::kVisa), 3u);
  EXPECT_EQ(SecurityCodeLength(CardBrand::kMastercard), 3u);
  EXPECT_EQ(SecurityCodeLength(CardBrand::kUnknown), 3u);
}

struct NameCase {
  CardBrand brand;
  const char* name;
};

void PrintTo(const NameCase& c, std::ostream* os) { *os << c.name; }

class CardBrandNameTest : public ::testing::TestWithParam<NameCase> {};

TEST_P(CardBrandNameTest, NameAndRoundTrip) {
  EXPECT_EQ(CardBrandName(GetParam().brand), GetParam().name);
  EXPECT_EQ(CardBrandFromName(GetParam().name), GetParam().brand);
  EXPECT_EQ(CardBrandFromName(CardBrandName(GetParam().brand)), GetParam().brand);
}

INSTANTIATE_TEST_SUITE_P(
    AllBrands, CardBrandNameTest,
    ::testing::Values(NameCase{CardBrand::kUnknown, "UNKNOWN"}, NameCase{CardBrand::kVisa, "VISA"},
                      NameCase{CardBrand::kVisaElectron, "VISA_ELECTRON"},
                      NameCase{CardBrand::kMastercard, "MASTERCARD"},
                      NameCase{CardBrand::kAmericanExpress, "AMERICAN_EXPRESS"},
                      NameCase{CardBrand::kDiscover, "DISCOVER"}, NameCase{CardBrand::kJcb, "JCB"},
                      NameCase{CardBrand::kDinersClub, "DINERS_CLUB"},
                      NameCase{CardBrand::kChinaUnionPay, "CHINA_UNION_PAY"},
                      NameCase{CardBrand::kMaestro, "MAESTRO"}, NameCase{CardBrand::kElo, "ELO"},
                      NameCase{CardBrand::kHipercard, "HIPERCARD"}));

TEST(CardBrandFromNameTest, UnknownStringsAreUnknown) {
  EXPECT_EQ(CardBrandFromName(""), CardBrand::kUnknown);
  EXPECT_EQ(CardBrandFromName("visa"), CardBrand::kUnknown);
  EXPECT_EQ(CardBrandFromName("VISA "), CardBrand::kUnknown);
  EXPECT_EQ(CardBrandFromName("V PAY"), CardBrand::kUnknown);
}

// VPAY has no public prefix range: it exists only as a name BIN data can give.
TEST(CardBrandFromNameTest, VpayComesOnlyFromItsName) {
  EXPECT_EQ(CardBrandFromName("VPAY"), CardBrand::kVpay);
  EXPECT_EQ(CardBrandName(CardBrand::kVpay), "VPAY");
  EXPECT_NE(DetectBrand("4820000000000000"), CardBrand::kVpay);
}

}  // namespace
}  // namespace pi::instruments::domain
