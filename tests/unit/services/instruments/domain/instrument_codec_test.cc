#include "services/instruments/domain/instrument_codec.h"

#include "gtest/gtest.h"

namespace pi::instruments::domain {
namespace {

// Every field set to something other than its default, so a field the codec forgot shows.
Instrument EveryCardField() {
  Instrument i;
  i.id = "PIabcdefghijklmnopqrstuv";
  i.application_id = "APabcdefghijklmnopqrstuv";
  i.identity_id = "IDabcdefghijklmnopqrstuv";
  i.type = InstrumentType::kPaymentCard;
  i.enabled = false;
  i.disabled_code = "DISABLED_BY_REQUEST";
  i.disabled_message = "closed by the holder";
  i.holder_name = "Amy White";
  i.tags = {{"card_name", "Business Card"}, {"", "empty key"}, {"utf8", "caf\xC3\xA9"}};
  i.address = Address{"900 Metro Center Blv", "Suite 2", "San Francisco", "CA", "94404", "USA"};
  i.card = MaskedCard{.bin = "520082",
                      .last_four = "8210",
                      .brand = CardBrand::kMastercard,
                      .expiration_month = 12,
                      .expiration_year = 2029,
                      .card_type = CardType::kReloadablePrepaid,
                      .issuer_country = "USA",
                      .issuer_name = "A BANK WITH A LONG NAME, N.A.",
                      .security_code_check = SecurityCodeCheck::kMatched,
                      .address_check = AddressCheck::kPostalCodeAndStreetMatch,
                      .account_updater_enabled = true,
                      .network_token_enabled = true};
  i.currency = "CAD";
  i.fingerprint = "FPRabcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
  i.created_from_token = true;
  i.create_time = absl::FromUnixNanos(1700000000123456789);
  i.update_time = absl::FromUnixNanos(1800000000987654321);
  return i;
}

TEST(InstrumentCodecTest, ACardWithEveryFieldSetRoundTrips) {
  Instrument card = EveryCardField();
  std::string encoded = EncodeInstrument(card);
  std::optional<Instrument> decoded = DecodeInstrument(encoded);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, card);
  EXPECT_LT(encoded.size(), 700u) << "compact: the struct alone is " << sizeof(Instrument);
}

TEST(InstrumentCodecTest, ABankAccountAndAWalletRoundTrip) {
  Instrument bank = EveryCardField();
  bank.type = InstrumentType::kBankAccount;
  bank.card.reset();
  bank.address.reset();
  bank.bank_account = MaskedBankAccount{"XXXXX6789", "6789", "", "001", "12345",
                                        BankAccountType::kBusinessChecking, "CAN",
                                        BankValidationCheck::kInconclusive};
  EXPECT_EQ(DecodeInstrument(EncodeInstrument(bank)), bank);

  Instrument wallet = EveryCardField();
  wallet.type = InstrumentType::kToken;
  wallet.card.reset();
  wallet.tags.clear();
  wallet.wallet = WalletDetails{"PLAID", "IDmerchant"};
  EXPECT_EQ(DecodeInstrument(EncodeInstrument(wallet)), wallet);
}

TEST(InstrumentCodecTest, ADefaultInstrumentRoundTrips) {
  Instrument empty;
  EXPECT_EQ(DecodeInstrument(EncodeInstrument(empty)), empty);
}

TEST(InstrumentCodecTest, TruncatedOrExtendedInputIsRefused) {
  std::string encoded = EncodeInstrument(EveryCardField());
  for (size_t cut : {size_t{0}, size_t{1}, size_t{7}, encoded.size() / 2, encoded.size() - 1}) {
    EXPECT_FALSE(DecodeInstrument(encoded.substr(0, cut)).has_value()) << "cut at " << cut;
  }
  EXPECT_FALSE(DecodeInstrument(encoded + "x").has_value());
}

TEST(InstrumentCodecTest, AnImpossibleLengthIsRefused) {
  std::string encoded = EncodeInstrument(EveryCardField());
  // The first field's length, made larger than what follows.
  encoded[2] = '\x7f';
  EXPECT_FALSE(DecodeInstrument(encoded).has_value());
}

}  // namespace
}  // namespace pi::instruments::domain
