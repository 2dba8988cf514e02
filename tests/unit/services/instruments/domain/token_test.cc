#include "services/instruments/domain/token.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/secret.h"

namespace pi::instruments::domain {
namespace {

using common::Secret;

// Every byte value once, NUL and 0xFF included.
std::string AllBytes() {
  std::string out;
  for (int b = 0; b < 256; ++b) out.push_back(static_cast<char>(b));
  return out;
}

NewCard FullCard() {
  NewCard card;
  card.number = Secret(std::string("4111111111111111"));
  card.security_code = Secret(std::string("123"));
  card.expiration_month = 12;
  card.expiration_year = 2030;
  card.holder_name = "Jane Doe";
  card.address = Address{"1 Main St", "Apt 2", "Springfield", "CA", "94105", "USA"};
  card.account_updater_enabled = true;
  card.network_token_enabled = true;
  return card;
}

NewBankAccount UsAccount() {
  NewBankAccount account;
  account.account_number = Secret(std::string("123456789"));
  account.routing_number = "021000021";
  account.account_type = BankAccountType::kChecking;
  account.country = "USA";
  account.currency = "USD";
  account.holder_name = "Jane Doe";
  return account;
}

NewBankAccount CanadianAccount() {
  NewBankAccount account;
  account.account_number = Secret(std::string("000123456789"));
  account.institution_number = "001";
  account.transit_number = "12345";
  account.account_type = BankAccountType::kSavings;
  account.country = "CAN";
  account.currency = "CAD";
  account.holder_name = "Jean Tremblay";
  account.address = Address{"2 Rue Principale", "", "Montreal", "QC", "H2X1Y4", "CAN"};
  return account;
}

TokenPayload CardPayload(NewCard card) {
  TokenPayload payload;
  payload.card = std::move(card);
  return payload;
}

TokenPayload BankPayload(NewBankAccount account) {
  TokenPayload payload;
  payload.bank_account = std::move(account);
  return payload;
}

// Everything a token carries, so a mismatch names the field. Identity and tags are left out:
// they are not part of a token.
void ExpectSameCard(const NewCard& actual, const NewCard& expected) {
  EXPECT_EQ(actual.number.Reveal(), expected.number.Reveal());
  EXPECT_EQ(actual.security_code.Reveal(), expected.security_code.Reveal());
  EXPECT_EQ(actual.expiration_month, expected.expiration_month);
  EXPECT_EQ(actual.expiration_year, expected.expiration_year);
  EXPECT_EQ(actual.holder_name, expected.holder_name);
  EXPECT_EQ(actual.address, expected.address);
  EXPECT_EQ(actual.account_updater_enabled, expected.account_updater_enabled);
  EXPECT_EQ(actual.network_token_enabled, expected.network_token_enabled);
  EXPECT_TRUE(actual.identity_id.empty());
  EXPECT_TRUE(actual.tags.empty());
}

void ExpectSameAccount(const NewBankAccount& actual, const NewBankAccount& expected) {
  EXPECT_EQ(actual.account_number.Reveal(), expected.account_number.Reveal());
  EXPECT_EQ(actual.routing_number, expected.routing_number);
  EXPECT_EQ(actual.institution_number, expected.institution_number);
  EXPECT_EQ(actual.transit_number, expected.transit_number);
  EXPECT_EQ(actual.account_type, expected.account_type);
  EXPECT_EQ(actual.country, expected.country);
  EXPECT_EQ(actual.currency, expected.currency);
  EXPECT_EQ(actual.holder_name, expected.holder_name);
  EXPECT_EQ(actual.address, expected.address);
  EXPECT_TRUE(actual.identity_id.empty());
  EXPECT_TRUE(actual.tags.empty());
}

absl::StatusOr<TokenPayload> RoundTrip(const TokenPayload& payload) {
  Secret encoded = EncodeTokenPayload(payload);
  return DecodeTokenPayload(encoded.Reveal());
}

// <4-byte big-endian length><bytes>, the framing of every field.
std::string Field(absl::string_view value) {
  uint32_t n = static_cast<uint32_t>(value.size());
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  out.append(value.data(), value.size());
  return out;
}

// A hand-built encoding: version 1, `tag`, then `fields` framed.
std::string Encoding(char tag, const std::vector<std::string>& fields) {
  std::string out = {'\x01', tag};
  for (const std::string& f : fields) out += Field(f);
  return out;
}

// The fields of FullCard() without its address, in encoding order.
std::vector<std::string> CardFields() {
  return {"4111111111111111", "123", "12", "2030", "1", "1", "Jane Doe", "0"};
}

void ExpectDataLoss(absl::string_view encoded, absl::string_view what) {
  absl::StatusOr<TokenPayload> decoded = DecodeTokenPayload(encoded);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss) << what;
}

TEST(TokenPayloadTest, FullCardRoundTrips) {
  absl::StatusOr<TokenPayload> decoded = RoundTrip(CardPayload(FullCard()));

  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_TRUE(decoded->card.has_value());
  EXPECT_FALSE(decoded->bank_account.has_value());
  ExpectSameCard(*decoded->card, FullCard());
}

TEST(TokenPayloadTest, CardWithoutAddressOrSecurityCodeRoundTrips) {
  NewCard card = FullCard();
  card.address.reset();
  card.security_code = Secret();
  card.account_updater_enabled = false;
  card.network_token_enabled = false;
  NewCard expected = FullCard();
  expected.address.reset();
  expected.security_code = Secret();
  expected.account_updater_enabled = false;
  expected.network_token_enabled = false;

  absl::StatusOr<TokenPayload> decoded = RoundTrip(CardPayload(std::move(card)));

  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_TRUE(decoded->card.has_value());
  EXPECT_FALSE(decoded->card->address.has_value());
  EXPECT_TRUE(decoded->card->security_code.empty());
  ExpectSameCard(*decoded->card, expected);
}

// Each flag travels on its own: a swap or a shared slot would show here.
TEST(TokenPayloadTest, EachCardFlagRoundTripsIndependently) {
  for (bool updater : {false, true}) {
    for (bool network : {false, true}) {
      NewCard card = FullCard();
      card.account_updater_enabled = updater;
      card.network_token_enabled = network;

      absl::StatusOr<TokenPayload> decoded = RoundTrip(CardPayload(std::move(card)));

      ASSERT_TRUE(decoded.ok()) << decoded.status();
      EXPECT_EQ(decoded->card->account_updater_enabled, updater) << updater << network;
      EXPECT_EQ(decoded->card->network_token_enabled, network) << updater << network;
    }
  }
}

TEST(TokenPayloadTest, ExpirationExtremesRoundTrip) {
  for (auto [month, year] : std::vector<std::pair<int, int>>{{1, 1000}, {0, 0}, {12, 999999}}) {
    NewCard card = FullCard();
    card.expiration_month = month;
    card.expiration_year = year;

    absl::StatusOr<TokenPayload> decoded = RoundTrip(CardPayload(std::move(card)));

    ASSERT_TRUE(decoded.ok()) << month << "/" << year << ": " << decoded.status();
    EXPECT_EQ(decoded->card->expiration_month, month);
    EXPECT_EQ(decoded->card->expiration_year, year);
  }
}

// An address whose every line is empty is still an address, not a missing one.
TEST(TokenPayloadTest, EmptyFieldsAndAnEmptyAddressRoundTrip) {
  NewCard card;
  card.address = Address{};
  NewCard expected;
  expected.address = Address{};

  absl::StatusOr<TokenPayload> decoded = RoundTrip(CardPayload(std::move(card)));

  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_TRUE(decoded->card.has_value());
  ASSERT_TRUE(decoded->card->address.has_value());
  ExpectSameCard(*decoded->card, expected);
}

TEST(TokenPayloadTest, BinaryBytesInEveryFieldRoundTrip) {
  auto card_with = [](absl::string_view bytes) {
    NewCard card = FullCard();
    card.number = Secret(std::string(bytes));
    card.security_code = Secret(std::string(bytes));
    card.holder_name = std::string(bytes);
    card.address = Address{std::string(bytes), std::string(bytes), std::string(bytes),
                           std::string(bytes), std::string(bytes), std::string(bytes)};
    return card;
  };
  for (const std::string& bytes :
       {AllBytes(), std::string("\0", 1), std::string({'\x01', 'C', '\0', '\0', '\0', '\xff'}),
        std::string(5, '\xff')}) {
    absl::StatusOr<TokenPayload> decoded = RoundTrip(CardPayload(card_with(bytes)));

    ASSERT_TRUE(decoded.ok()) << decoded.status();
    ExpectSameCard(*decoded->card, card_with(bytes));
  }
}

// Lengths past 255 and 65535 exercise every byte of the length prefix but the top one; a field
// over 16 MiB exercises that one too.
TEST(TokenPayloadTest, LongFieldsRoundTrip) {
  for (size_t size : {size_t{256}, size_t{70000}, (size_t{1} << 24) + 3}) {
    NewCard card = FullCard();
    card.holder_name = std::string(size, 'n');
    card.address->line2 = std::string(size / 2, 'l');
    NewCard expected = FullCard();
    expected.holder_name = std::string(size, 'n');
    expected.address->line2 = std::string(size / 2, 'l');

    absl::StatusOr<TokenPayload> decoded = RoundTrip(CardPayload(std::move(card)));

    ASSERT_TRUE(decoded.ok()) << size << ": " << decoded.status();
    EXPECT_EQ(decoded->card->holder_name.size(), size);
    ExpectSameCard(*decoded->card, expected);
  }
}

TEST(TokenPayloadTest, UsBankAccountRoundTrips) {
  absl::StatusOr<TokenPayload> decoded = RoundTrip(BankPayload(UsAccount()));

  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_FALSE(decoded->card.has_value());
  ASSERT_TRUE(decoded->bank_account.has_value());
  EXPECT_FALSE(decoded->bank_account->address.has_value());
  ExpectSameAccount(*decoded->bank_account, UsAccount());
}

TEST(TokenPayloadTest, CanadianBankAccountWithAddressRoundTrips) {
  absl::StatusOr<TokenPayload> decoded = RoundTrip(BankPayload(CanadianAccount()));

  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_TRUE(decoded->bank_account.has_value());
  ASSERT_TRUE(decoded->bank_account->address.has_value());
  ExpectSameAccount(*decoded->bank_account, CanadianAccount());
}

TEST(TokenPayloadTest, EveryBankAccountTypeAndNoneRoundTrip) {
  for (std::optional<BankAccountType> type :
       {std::optional<BankAccountType>(), std::optional(BankAccountType::kChecking),
        std::optional(BankAccountType::kSavings), std::optional(BankAccountType::kBusinessChecking),
        std::optional(BankAccountType::kPersonalChecking)}) {
    NewBankAccount account = UsAccount();
    account.account_type = type;

    absl::StatusOr<TokenPayload> decoded = RoundTrip(BankPayload(std::move(account)));

    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->bank_account->account_type, type);
  }
}

// Defaults ("" country and currency) stay defaults: decoding does not fill them in.
TEST(TokenPayloadTest, EmptyAndBinaryBankFieldsRoundTrip) {
  auto account_with = [](absl::string_view bytes) {
    NewBankAccount account;
    account.account_number = Secret(std::string(bytes));
    account.routing_number = std::string(bytes);
    account.institution_number = std::string(bytes);
    account.transit_number = std::string(bytes);
    account.country = std::string(bytes);
    account.currency = std::string(bytes);
    account.holder_name = std::string(bytes);
    return account;
  };
  for (const std::string& bytes : {std::string(), AllBytes(), std::string(70000, '\0')}) {
    absl::StatusOr<TokenPayload> decoded = RoundTrip(BankPayload(account_with(bytes)));

    ASSERT_TRUE(decoded.ok()) << decoded.status();
    ExpectSameAccount(*decoded->bank_account, account_with(bytes));
  }
}

// A card payload is tagged as a card even when a bank account is set beside it.
TEST(TokenPayloadTest, CardWinsWhenBothAreSet) {
  TokenPayload payload = CardPayload(FullCard());
  payload.bank_account = UsAccount();

  absl::StatusOr<TokenPayload> decoded = RoundTrip(payload);

  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(decoded->card.has_value());
  EXPECT_FALSE(decoded->bank_account.has_value());
}

// The encoding's layout, pinned: version 1, tag, then length-prefixed fields in order. A
// stored token must stay readable by the next build.
TEST(TokenPayloadTest, EncodingIsTheDocumentedLayout) {
  NewCard card = FullCard();
  card.address.reset();
  Secret encoded = EncodeTokenPayload(CardPayload(std::move(card)));
  EXPECT_EQ(encoded.Reveal(), Encoding('C', CardFields()));

  Secret bank = EncodeTokenPayload(BankPayload(UsAccount()));
  EXPECT_EQ(bank.Reveal(), Encoding('B', {"123456789", "021000021", "", "", "CHECKING", "USA",
                                          "USD", "Jane Doe", "0"}));
}

TEST(TokenPayloadTest, HandBuiltEncodingDecodes) {
  absl::StatusOr<TokenPayload> decoded = DecodeTokenPayload(Encoding('C', CardFields()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  NewCard expected = FullCard();
  expected.address.reset();
  ExpectSameCard(*decoded->card, expected);
}

TEST(TokenPayloadTest, GarbageIsDataLoss) {
  ExpectDataLoss("", "empty");
  ExpectDataLoss("\x01", "version only");
  ExpectDataLoss(std::string{'\x01', 'C'}, "tag only");
  ExpectDataLoss(std::string{'\x01', 'B'}, "bank tag only");
  ExpectDataLoss("not a token payload", "text");
  ExpectDataLoss(std::string(64, '\0'), "zeros");
  ExpectDataLoss(std::string(64, '\xff'), "ones");
  ExpectDataLoss(AllBytes(), "every byte");
}

TEST(TokenPayloadTest, WrongVersionIsDataLoss) {
  std::string valid = std::string(EncodeTokenPayload(CardPayload(FullCard())).Reveal());
  ASSERT_TRUE(DecodeTokenPayload(valid).ok());
  for (char version : {'\x00', '\x02', '1', '\xff'}) {
    std::string encoded = valid;
    encoded[0] = version;
    ExpectDataLoss(encoded, absl::StrCat("version ", static_cast<int>(version)));
  }
}

TEST(TokenPayloadTest, WrongTagIsDataLoss) {
  std::string card = std::string(EncodeTokenPayload(CardPayload(FullCard())).Reveal());
  std::string bank = std::string(EncodeTokenPayload(BankPayload(CanadianAccount())).Reveal());
  for (char tag : {'\0', 'c', 'b', 'X', 'W', '\xff'}) {
    std::string encoded = card;
    encoded[1] = tag;
    ExpectDataLoss(encoded, absl::StrCat("card under tag ", static_cast<int>(tag)));
  }
  // Each kind read as the other.
  card[1] = 'B';
  ExpectDataLoss(card, "card read as a bank account");
  bank[1] = 'C';
  ExpectDataLoss(bank, "bank account read as a card");
}

// Every strict prefix of a valid encoding is refused, whichever field the cut falls in.
TEST(TokenPayloadTest, EveryTruncationIsDataLoss) {
  NewCard no_address = FullCard();
  no_address.address.reset();
  std::vector<std::string> valid = {
      std::string(EncodeTokenPayload(CardPayload(FullCard())).Reveal()),
      std::string(EncodeTokenPayload(CardPayload(std::move(no_address))).Reveal()),
      std::string(EncodeTokenPayload(BankPayload(UsAccount())).Reveal()),
      std::string(EncodeTokenPayload(BankPayload(CanadianAccount())).Reveal()),
  };
  for (const std::string& encoded : valid) {
    ASSERT_TRUE(DecodeTokenPayload(encoded).ok());
    for (size_t length = 0; length < encoded.size(); ++length) {
      ExpectDataLoss(absl::string_view(encoded).substr(0, length),
                     absl::StrCat("first ", length, " of ", encoded.size(), " bytes"));
    }
  }
}

TEST(TokenPayloadTest, TrailingBytesAreDataLoss) {
  for (const TokenPayload& payload : {CardPayload(FullCard()), BankPayload(UsAccount())}) {
    std::string valid = std::string(EncodeTokenPayload(payload).Reveal());
    ExpectDataLoss(valid + '\0', "one NUL after");
    ExpectDataLoss(valid + "xyz", "three bytes after");
    ExpectDataLoss(valid + Field(""), "an empty field after");
    ExpectDataLoss(valid + Field("extra"), "a whole field after");
  }
}

TEST(TokenPayloadTest, LengthPrefixesBeyondTheInputAreDataLoss) {
  std::vector<std::string> fields = CardFields();
  std::string valid = Encoding('C', fields);
  auto with_prefix = [&](size_t at, uint32_t length) {
    std::string encoded = valid;
    for (int i = 0; i < 4; ++i) encoded[at + i] = static_cast<char>(length >> (24 - 8 * i));
    return encoded;
  };
  // The first field's prefix follows version and tag; the last field ("0") is the last 5 bytes,
  // so a longer length there claims bytes that are simply not there.
  const size_t last = valid.size() - 5;
  for (uint32_t bad : {uint32_t{17}, uint32_t{1000}, uint32_t{0x7fffffff}, uint32_t{0xffffffff}}) {
    ExpectDataLoss(with_prefix(2, bad), absl::StrCat("PAN length ", bad));
    ExpectDataLoss(with_prefix(last, bad), absl::StrCat("last field length ", bad));
  }
  ExpectDataLoss(with_prefix(last, 2), "last field one byte longer than the input");
}

TEST(TokenPayloadTest, UnreadableNumbersAndNamesAreDataLoss) {
  auto card_with = [](size_t index, std::string value) {
    std::vector<std::string> fields = CardFields();
    fields[index] = std::move(value);
    return Encoding('C', fields);
  };
  for (std::string month : {"", "x", "-1", "1.5", " 1", "1234567", "\xff"}) {
    ExpectDataLoss(card_with(2, month), absl::StrCat("month '", month, "'"));
    ExpectDataLoss(card_with(3, month), absl::StrCat("year '", month, "'"));
  }
  std::vector<std::string> bank = {"123456789", "021000021", "",         "", "CHECKING",
                                   "USA",       "USD",       "Jane Doe", "0"};
  for (std::string type : {"checking", "CURRENT", "CHECKING ", "0"}) {
    bank[4] = type;
    ExpectDataLoss(Encoding('B', bank), absl::StrCat("account type '", type, "'"));
  }
}

// An address flag promising six lines that are not all there, or lines without the flag.
TEST(TokenPayloadTest, AddressThatDoesNotMatchItsFlagIsDataLoss) {
  std::vector<std::string> fields = CardFields();
  fields.back() = "1";
  for (int lines = 0; lines < 6; ++lines) {
    ExpectDataLoss(Encoding('C', fields), absl::StrCat(lines, " address lines"));
    fields.push_back("line");
  }
  EXPECT_TRUE(DecodeTokenPayload(Encoding('C', fields)).ok());

  std::vector<std::string> flagless = CardFields();
  for (int i = 0; i < 6; ++i) flagless.push_back("line");
  ExpectDataLoss(Encoding('C', flagless), "address lines after a 0 flag");
}

// Flags other than the "0" and "1" EncodeTokenPayload writes are not silently read as false.
TEST(TokenPayloadTest, FlagsOtherThanZeroOrOneAreDataLoss) {
  for (size_t index : {size_t{4}, size_t{5}, size_t{7}}) {
    for (std::string flag : {"", "2", "true", "false", "00", "01", "\x01"}) {
      std::vector<std::string> fields = CardFields();
      fields[index] = flag;
      ExpectDataLoss(Encoding('C', fields), absl::StrCat("field ", index, " = '", flag, "'"));
    }
  }
  std::vector<std::string> bank = {"123456789", "021000021", "",         "",   "CHECKING",
                                   "USA",       "USD",       "Jane Doe", "yes"};
  ExpectDataLoss(Encoding('B', bank), "bank address flag 'yes'");
}

// Random bytes, random mutations of valid encodings and random cuts: decoding answers OK or
// DATA_LOSS and never crashes (run under the sanitizers, reads past the end would show).
TEST(TokenPayloadTest, RandomInputNeverCrashes) {
  std::mt19937 random(20250615);
  std::vector<std::string> valid = {
      std::string(EncodeTokenPayload(CardPayload(FullCard())).Reveal()),
      std::string(EncodeTokenPayload(BankPayload(CanadianAccount())).Reveal()),
  };
  int decoded_ok = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input;
    switch (i % 3) {
      case 0: {
        input.resize(random() % 80);
        for (char& c : input) c = static_cast<char>(random());
        if (i % 2 == 0 && input.size() >= 2) {  // past the version and tag checks
          input[0] = '\x01';
          input[1] = "CB"[random() % 2];
        }
        break;
      }
      case 1: {
        input = valid[random() % valid.size()];
        for (int flips = 1 + random() % 3; flips > 0; --flips) {
          input[random() % input.size()] = static_cast<char>(random());
        }
        break;
      }
      default: {
        input = valid[random() % valid.size()];
        input.resize(random() % input.size());
        break;
      }
    }
    absl::StatusOr<TokenPayload> decoded = DecodeTokenPayload(input);
    if (decoded.ok()) {
      ++decoded_ok;
      EXPECT_NE(decoded->card.has_value(), decoded->bank_account.has_value());
    } else {
      ASSERT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss) << decoded.status();
    }
  }
  // Mutations inside a field's bytes still decode; the loop really reached the decoder's
  // success path as well as its failures.
  EXPECT_GT(decoded_ok, 0);
}

TEST(TokenPayloadTest, DataLossDoesNotEchoThePayload) {
  std::string valid = std::string(EncodeTokenPayload(CardPayload(FullCard())).Reveal());
  absl::StatusOr<TokenPayload> decoded = DecodeTokenPayload(valid + "x");
  ASSERT_FALSE(decoded.ok());
  EXPECT_THAT(std::string(decoded.status().message()),
              ::testing::Not(::testing::HasSubstr("4111111111111111")));
}

}  // namespace
}  // namespace pi::instruments::domain
