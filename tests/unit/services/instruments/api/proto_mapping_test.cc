#include "services/instruments/api/proto_mapping.h"

#include <map>
#include <ostream>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace pi::instruments::api {
namespace {

// 2025-06-15T15:06:40.123456Z.
constexpr int64_t kCreateMicros = 1750000000123456;
constexpr int64_t kUpdateMicros = 1750000100000001;

domain::Instrument CardInstrument() {
  domain::Instrument instrument;
  instrument.id = "PIabc123";
  instrument.application_id = "APone";
  instrument.identity_id = "IDowner1";
  instrument.type = domain::InstrumentType::kPaymentCard;
  instrument.enabled = true;
  instrument.holder_name = "Jane Doe";
  instrument.tags = {{"order", "42"}, {"channel", "web"}};
  instrument.address = domain::Address{"1 Main St", "Apt 2", "Springfield", "CA", "94105", "USA"};
  instrument.card = domain::MaskedCard{.bin = "411111",
                                       .last_four = "1111",
                                       .brand = domain::CardBrand::kVisa,
                                       .expiration_month = 12,
                                       .expiration_year = 2030};
  instrument.currency = "USD";
  instrument.create_time = absl::FromUnixMicros(kCreateMicros);
  instrument.update_time = absl::FromUnixMicros(kUpdateMicros);
  return instrument;
}

TEST(ToProtoTest, MapsIdentityAndOwnership) {
  v1::PaymentInstrument out;
  ToProto(CardInstrument(), &out);

  EXPECT_EQ(out.name(), "paymentInstruments/PIabc123");
  EXPECT_EQ(out.id(), "PIabc123");
  EXPECT_EQ(out.type(), v1::PAYMENT_CARD);
  EXPECT_EQ(out.identity(), "IDowner1");
  EXPECT_EQ(out.application(), "APone");
  EXPECT_TRUE(out.enabled());
  EXPECT_EQ(out.holder_name(), "Jane Doe");
  EXPECT_EQ(out.currency(), "USD");
  EXPECT_EQ(out.created_via(), v1::API);
  ASSERT_EQ(out.tags_size(), 2);
  EXPECT_EQ(out.tags().at("order"), "42");
  EXPECT_EQ(out.tags().at("channel"), "web");
}

TEST(ToProtoTest, MapsAddress) {
  v1::PaymentInstrument out;
  ToProto(CardInstrument(), &out);

  ASSERT_TRUE(out.has_address());
  EXPECT_EQ(out.address().line1(), "1 Main St");
  EXPECT_EQ(out.address().line2(), "Apt 2");
  EXPECT_EQ(out.address().city(), "Springfield");
  EXPECT_EQ(out.address().region(), "CA");
  EXPECT_EQ(out.address().postal_code(), "94105");
  EXPECT_EQ(out.address().country(), "USA");
  EXPECT_EQ(out.card().address_verification(), v1::ADDRESS_UNKNOWN);
}

TEST(ToProtoTest, MapsMaskedCardAndNeverTheNumber) {
  v1::PaymentInstrument out;
  ToProto(CardInstrument(), &out);

  ASSERT_TRUE(out.has_card());
  EXPECT_EQ(out.details_case(), v1::PaymentInstrument::kCard);
  const v1::Card& card = out.card();
  EXPECT_EQ(card.bin(), "411111");
  EXPECT_EQ(card.last_four(), "1111");
  EXPECT_EQ(card.brand(), v1::VISA);
  EXPECT_EQ(card.expiration_month(), 12);
  EXPECT_EQ(card.expiration_year(), 2030);
  EXPECT_EQ(card.number(), "");
  EXPECT_EQ(card.security_code(), "");
  EXPECT_EQ(card.card_type(), v1::UNKNOWN_CARD_TYPE);
  EXPECT_EQ(card.security_code_verification(), v1::SECURITY_CODE_UNKNOWN);
}

TEST(ToProtoTest, MapsTimestamps) {
  v1::PaymentInstrument out;
  ToProto(CardInstrument(), &out);

  EXPECT_EQ(out.create_time().seconds(), 1750000000);
  EXPECT_EQ(out.create_time().nanos(), 123456000);
  EXPECT_EQ(out.update_time().seconds(), 1750000100);
  EXPECT_EQ(out.update_time().nanos(), 1000);
}

TEST(ToProtoTest, WithoutAddressOrCard) {
  domain::Instrument instrument = CardInstrument();
  instrument.address.reset();
  // The verifier decides the address result; mapping passes it through.
  instrument.card->address_check = domain::AddressCheck::kNoAddress;
  v1::PaymentInstrument with_card;
  ToProto(instrument, &with_card);
  EXPECT_FALSE(with_card.has_address());
  EXPECT_EQ(with_card.card().address_verification(), v1::NO_ADDRESS);

  instrument.card.reset();
  instrument.enabled = false;
  v1::PaymentInstrument bare;
  ToProto(instrument, &bare);
  EXPECT_FALSE(bare.has_card());
  EXPECT_EQ(bare.details_case(), v1::PaymentInstrument::DETAILS_NOT_SET);
  EXPECT_FALSE(bare.enabled());
  EXPECT_EQ(bare.id(), "PIabc123");
}

struct BrandCase {
  domain::CardBrand domain;
  v1::CardBrand proto;
};

void PrintTo(const BrandCase& c, std::ostream* os) { *os << domain::CardBrandName(c.domain); }

class CardBrandToProtoTest : public ::testing::TestWithParam<BrandCase> {};

TEST_P(CardBrandToProtoTest, MapsBrand) {
  EXPECT_EQ(ToProto(GetParam().domain), GetParam().proto);

  domain::Instrument instrument = CardInstrument();
  instrument.card->brand = GetParam().domain;
  v1::PaymentInstrument out;
  ToProto(instrument, &out);
  EXPECT_EQ(out.card().brand(), GetParam().proto);
}

INSTANTIATE_TEST_SUITE_P(
    AllBrands, CardBrandToProtoTest,
    ::testing::Values(BrandCase{domain::CardBrand::kUnknown, v1::UNKNOWN_BRAND},
                      BrandCase{domain::CardBrand::kVisa, v1::VISA},
                      BrandCase{domain::CardBrand::kVisaElectron, v1::VISA_ELECTRON},
                      BrandCase{domain::CardBrand::kMastercard, v1::MASTERCARD},
                      BrandCase{domain::CardBrand::kAmericanExpress, v1::AMERICAN_EXPRESS},
                      BrandCase{domain::CardBrand::kDiscover, v1::DISCOVER},
                      BrandCase{domain::CardBrand::kJcb, v1::JCB},
                      BrandCase{domain::CardBrand::kDinersClub, v1::DINERS_CLUB},
                      BrandCase{domain::CardBrand::kChinaUnionPay, v1::CHINA_UNION_PAY},
                      BrandCase{domain::CardBrand::kMaestro, v1::MAESTRO},
                      BrandCase{domain::CardBrand::kElo, v1::ELO},
                      BrandCase{domain::CardBrand::kHipercard, v1::HIPERCARD}));

TEST(ToNewCardTest, CopiesEveryField) {
  v1::CreatePaymentInstrumentRequest request;
  v1::PaymentInstrument* in = request.mutable_payment_instrument();
  in->set_identity("IDowner1");
  in->set_holder_name("Jane Doe");
  in->mutable_card()->set_number("4111111111111111");
  in->mutable_card()->set_security_code("123");
  in->mutable_card()->set_expiration_month(12);
  in->mutable_card()->set_expiration_year(2030);
  in->mutable_address()->set_line1("1 Main St");
  in->mutable_address()->set_city("Springfield");
  in->mutable_address()->set_country("USA");
  (*in->mutable_tags())["order"] = "42";

  domain::NewCard card = ToNewCard(request);

  EXPECT_EQ(card.identity_id, "IDowner1");
  EXPECT_EQ(card.holder_name, "Jane Doe");
  EXPECT_EQ(card.number.Reveal(), "4111111111111111");
  EXPECT_EQ(card.security_code.Reveal(), "123");
  EXPECT_EQ(card.expiration_month, 12);
  EXPECT_EQ(card.expiration_year, 2030);
  ASSERT_TRUE(card.address.has_value());
  EXPECT_EQ(*card.address, (domain::Address{"1 Main St", "", "Springfield", "", "", "USA"}));
  EXPECT_EQ(card.tags, (std::map<std::string, std::string>{{"order", "42"}}));
}

TEST(ToNewCardTest, AbsentAddressStaysAbsent) {
  v1::CreatePaymentInstrumentRequest request;
  request.mutable_payment_instrument()->mutable_card()->set_number("4111111111111111");

  domain::NewCard card = ToNewCard(request);

  EXPECT_FALSE(card.address.has_value());
  EXPECT_TRUE(card.security_code.empty());
  EXPECT_EQ(card.number.Reveal(), "4111111111111111");
}

struct NameCase {
  const char* name;
  const char* id;
};

void PrintTo(const NameCase& c, std::ostream* os) { *os << '"' << c.name << '"'; }

class InstrumentIdFromNameTest : public ::testing::TestWithParam<NameCase> {};

TEST_P(InstrumentIdFromNameTest, ExtractsId) {
  EXPECT_EQ(InstrumentIdFromName(GetParam().name), GetParam().id) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Names, InstrumentIdFromNameTest,
    ::testing::Values(NameCase{"paymentInstruments/PIx", "PIx"}, NameCase{"PIx", "PIx"},
                      NameCase{"paymentInstruments/PIabc123", "PIabc123"},
                      NameCase{"identities/IDx", ""}, NameCase{"tokens/TKx", ""},
                      NameCase{"paymentInstruments/PIx/extra", ""},
                      NameCase{"applications/APx/paymentInstruments/PIx", ""}));

class IdentityIdFromNameTest : public ::testing::TestWithParam<NameCase> {};

TEST_P(IdentityIdFromNameTest, ExtractsId) {
  EXPECT_EQ(IdentityIdFromName(GetParam().name), GetParam().id) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Names, IdentityIdFromNameTest,
    ::testing::Values(NameCase{"identities/IDx", "IDx"}, NameCase{"IDx", "IDx"},
                      NameCase{"identities/IDgWxBhfGYLLdkhxx2ddYf9K", "IDgWxBhfGYLLdkhxx2ddYf9K"},
                      NameCase{"paymentInstruments/PIx", ""}, NameCase{"tokens/TKx", ""},
                      NameCase{"identities/IDx/extra", ""},
                      NameCase{"applications/APx/identities/IDx", ""},
                      NameCase{"identities/identities/IDx", ""}, NameCase{"identities/", ""},
                      NameCase{"", ""}));

// ---- Identity --------------------------------------------------------------------------------

domain::Identity FullIdentity() {
  domain::Identity identity;
  identity.id = "IDgWxBhfGYLLdkhxx2ddYf9K";
  identity.application_id = "APone";
  identity.external_id = "cust-42@shop";
  identity.first_name = "Amy";
  identity.last_name = "White";
  identity.email = "amy@example.com";
  identity.phone = "+1 (415) 555-0100";
  identity.address =
      domain::Address{"900 Metro Center Blv", "Suite 200", "San Francisco", "CA", "94404", "USA"};
  identity.tags = {{"segment", "vip"}, {"source", "web"}};
  identity.create_time = absl::FromUnixMicros(kCreateMicros);
  identity.update_time = absl::FromUnixMicros(kUpdateMicros);
  return identity;
}

TEST(IdentityToProtoTest, MapsEveryField) {
  v1::Identity out;
  ToProto(FullIdentity(), &out);

  EXPECT_EQ(out.name(), "identities/IDgWxBhfGYLLdkhxx2ddYf9K");
  EXPECT_EQ(out.id(), "IDgWxBhfGYLLdkhxx2ddYf9K");
  EXPECT_EQ(out.application(), "APone");
  EXPECT_EQ(out.external_id(), "cust-42@shop");
  EXPECT_EQ(out.first_name(), "Amy");
  EXPECT_EQ(out.last_name(), "White");
  EXPECT_EQ(out.email(), "amy@example.com");
  EXPECT_EQ(out.phone(), "+1 (415) 555-0100");
  ASSERT_TRUE(out.has_address());
  EXPECT_EQ(out.address().line1(), "900 Metro Center Blv");
  EXPECT_EQ(out.address().line2(), "Suite 200");
  EXPECT_EQ(out.address().city(), "San Francisco");
  EXPECT_EQ(out.address().region(), "CA");
  EXPECT_EQ(out.address().postal_code(), "94404");
  EXPECT_EQ(out.address().country(), "USA");
  EXPECT_EQ((std::map<std::string, std::string>(out.tags().begin(), out.tags().end())),
            (std::map<std::string, std::string>{{"segment", "vip"}, {"source", "web"}}));
  EXPECT_EQ(out.create_time().seconds(), 1750000000);
  EXPECT_EQ(out.create_time().nanos(), 123456000);
  EXPECT_EQ(out.update_time().seconds(), 1750000100);
  EXPECT_EQ(out.update_time().nanos(), 1000);
}

TEST(IdentityToProtoTest, MinimalIdentityHasNoAddressAndNoTags) {
  domain::Identity identity;
  identity.id = "IDx";
  identity.application_id = "APone";
  identity.create_time = absl::FromUnixSeconds(1750000000);
  identity.update_time = absl::FromUnixSeconds(1750000000);

  v1::Identity out;
  ToProto(identity, &out);

  EXPECT_EQ(out.name(), "identities/IDx");
  EXPECT_FALSE(out.has_address());
  EXPECT_TRUE(out.tags().empty());
  EXPECT_EQ(out.external_id(), "");
  EXPECT_EQ(out.first_name(), "");
  EXPECT_EQ(out.email(), "");
  EXPECT_EQ(out.create_time().seconds(), 1750000000);
  EXPECT_EQ(out.create_time().nanos(), 0);
}

v1::Identity ProtoIdentity() {
  v1::Identity in;
  in.set_external_id("cust-42@shop");
  in.set_first_name("Amy");
  in.set_last_name("White");
  in.set_email("amy@example.com");
  in.set_phone("+1 (415) 555-0100");
  in.mutable_address()->set_line1("900 Metro Center Blv");
  in.mutable_address()->set_line2("Suite 200");
  in.mutable_address()->set_city("San Francisco");
  in.mutable_address()->set_region("CA");
  in.mutable_address()->set_postal_code("94404");
  in.mutable_address()->set_country("USA");
  (*in.mutable_tags())["segment"] = "vip";
  (*in.mutable_tags())["source"] = "web";
  return in;
}

TEST(IdentityToDomainTest, CopiesTheCallerSettableFields) {
  domain::Identity out = ToDomain(ProtoIdentity());

  EXPECT_EQ(out.external_id, "cust-42@shop");
  EXPECT_EQ(out.first_name, "Amy");
  EXPECT_EQ(out.last_name, "White");
  EXPECT_EQ(out.email, "amy@example.com");
  EXPECT_EQ(out.phone, "+1 (415) 555-0100");
  ASSERT_TRUE(out.address.has_value());
  EXPECT_EQ(*out.address, (domain::Address{"900 Metro Center Blv", "Suite 200", "San Francisco",
                                           "CA", "94404", "USA"}));
  EXPECT_EQ(out.tags, (std::map<std::string, std::string>{{"segment", "vip"}, {"source", "web"}}));
}

TEST(IdentityToDomainTest, IgnoresOutputOnlyFields) {
  v1::Identity in = ProtoIdentity();
  in.set_name("identities/IDforged");
  in.set_id("IDforged");
  in.set_application("APother");
  in.mutable_create_time()->set_seconds(1);
  in.mutable_update_time()->set_seconds(2);

  domain::Identity out = ToDomain(in);

  EXPECT_EQ(out.id, "");
  EXPECT_EQ(out.application_id, "");
  EXPECT_EQ(out.create_time, absl::Time());
  EXPECT_EQ(out.update_time, absl::Time());
  EXPECT_EQ(out.first_name, "Amy");
}

TEST(IdentityToDomainTest, AbsentAddressStaysAbsentAndAnEmptyOneStaysPresent) {
  v1::Identity without;
  without.set_first_name("Amy");
  v1::Identity with_empty = without;
  with_empty.mutable_address();

  domain::Identity absent = ToDomain(without);
  domain::Identity empty = ToDomain(with_empty);

  EXPECT_FALSE(absent.address.has_value());
  EXPECT_TRUE(absent.tags.empty());
  ASSERT_TRUE(empty.address.has_value());
  EXPECT_EQ(*empty.address, domain::Address{});
}

TEST(IdentityMappingTest, RoundTripKeepsEveryCallerSettableField) {
  domain::Identity original = FullIdentity();
  v1::Identity proto;
  ToProto(original, &proto);

  domain::Identity back = ToDomain(proto);

  EXPECT_EQ(back.external_id, original.external_id);
  EXPECT_EQ(back.first_name, original.first_name);
  EXPECT_EQ(back.last_name, original.last_name);
  EXPECT_EQ(back.email, original.email);
  EXPECT_EQ(back.phone, original.phone);
  EXPECT_EQ(back.address, original.address);
  EXPECT_EQ(back.tags, original.tags);
  EXPECT_EQ(IdentityIdFromName(proto.name()), original.id);
}

TEST(ToListRequestTest, MapsTheFilters) {
  v1::ListPaymentInstrumentsRequest request;
  request.set_page_size(5);
  request.set_type(v1::BANK_ACCOUNT);
  request.mutable_created_after()->set_seconds(1750000000);
  absl::StatusOr<domain::ListRequest> query = ToListRequest(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->page_size, 5);
  EXPECT_EQ(query->type, domain::InstrumentType::kBankAccount);
  EXPECT_EQ(query->created_after, absl::FromUnixSeconds(1750000000));
  EXPECT_FALSE(query->created_before.has_value());
}

TEST(ToListRequestTest, RefusesAnUnknownTypeNumberInsteadOfListingEveryType) {
  v1::ListPaymentInstrumentsRequest request;
  request.set_type(static_cast<v1::InstrumentType>(77));
  EXPECT_EQ(ToListRequest(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ToListRequestTest, RefusesTimestampsOutsideTheirRangeBeforeConvertingThem) {
  v1::ListPaymentInstrumentsRequest after;
  after.mutable_created_after()->set_seconds(999999999999999);  // would overflow microseconds
  EXPECT_EQ(ToListRequest(after).status().code(), absl::StatusCode::kInvalidArgument);
  v1::ListPaymentInstrumentsRequest before;
  before.mutable_created_before()->set_nanos(-1);
  EXPECT_EQ(ToListRequest(before).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pi::instruments::api
