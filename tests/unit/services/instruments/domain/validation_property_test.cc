// Property tests: random card numbers, routing numbers and BIN lookups never crash, and what the
// validators accept satisfies the rules stated in the headers. Seeds are fixed, so a failure
// reproduces; the failing input is printed.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"
#include "services/common/secret.h"
#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/bin_table.h"
#include "services/instruments/domain/card_number.h"
#include "services/instruments/domain/card_validation.h"

namespace pi::instruments::domain {
namespace {

using common::FieldViolation;
using common::Secret;

constexpr int kDigitStrings = 20000;
constexpr int kByteStrings = 20000;

absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2025, 6, 15, 12, 0, 0), absl::UTCTimeZone());
}

bool IsAsciiDigits(absl::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Independent mod-10 check, for comparison with PassesLuhn.
bool ReferenceLuhn(absl::string_view digits) {
  if (digits.empty() || !IsAsciiDigits(digits)) return false;
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 == 0;
}

// Independent ABA rule from the header: 9 digits, prefix 00-12/21-32/61-72/80, 3-7-1 checksum.
bool ReferenceAba(absl::string_view s) {
  if (s.size() != 9 || !IsAsciiDigits(s)) return false;
  int prefix = (s[0] - '0') * 10 + (s[1] - '0');
  bool prefix_ok = prefix <= 12 || (prefix >= 21 && prefix <= 32) ||
                   (prefix >= 61 && prefix <= 72) || prefix == 80;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (s[i] - '0') * (i % 3 == 0 ? 3 : i % 3 == 1 ? 7 : 1);
  return prefix_ok && sum % 10 == 0;
}

// The ninth digit that makes the 3-7-1 checksum of `routing` (9 digits) pass.
char AbaCheckDigit(absl::string_view routing) {
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (routing[i] - '0') * (i % 3 == 0 ? 3 : i % 3 == 1 ? 7 : 1);
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  size_t Uniform(size_t low, size_t high) {
    return std::uniform_int_distribution<size_t>(low, high)(rng_);
  }

  // Digits of a length in [min_length, max_length]. Half of the non-empty ones get their last
  // digit replaced by the Luhn check digit, so accepted numbers are common, not rare.
  std::string Digits(size_t min_length, size_t max_length) {
    std::string s(Uniform(min_length, max_length), '0');
    for (char& c : s) c = static_cast<char>('0' + Uniform(0, 9));
    if (!s.empty() && Uniform(0, 1) == 1) {
      for (char d = '0'; d <= '9'; ++d) {
        s.back() = d;
        if (ReferenceLuhn(s)) break;
      }
    }
    return s;
  }

  // Any of the 256 byte values, length in [0, max_length].
  std::string Bytes(size_t max_length) {
    std::string s(Uniform(0, max_length), '\0');
    for (char& c : s) c = static_cast<char>(static_cast<unsigned char>(Uniform(0, 255)));
    return s;
  }

 private:
  std::mt19937 rng_;
};

// An otherwise valid card (no security code: its length depends on the brand under test).
NewCard CardWithNumber(const std::string& number) {
  NewCard card;
  card.identity_id = "IDowner1";
  card.number = Secret(number.data(), number.size());
  card.expiration_month = 12;
  card.expiration_year = 2030;
  card.holder_name = "Jane Doe";
  card.address = Address{"1 Main St", "", "Springfield", "CA", "94105", "USA"};
  return card;
}

// Checks one number against ValidateNewCard and the card_number rules. Returns "" when every
// property holds, else what failed. Counts accepted numbers in `accepted`.
std::string CheckCardNumber(const std::string& number, int& accepted) {
  std::vector<FieldViolation> violations =
      ValidateNewCard(CardWithNumber(number), Now(), "payment_instrument");
  CardBrand brand = DetectBrand(number);
  bool luhn = PassesLuhn(number);
  bool length_ok = IsValidLengthForBrand(brand, number.size());
  std::string where = absl::StrCat(" for \"", absl::CHexEscape(number), "\"");

  int number_violations = 0;
  for (const FieldViolation& v : violations) {
    if (v.field != "payment_instrument.card.number") {
      return absl::StrCat("unexpected violation at ", v.field, where);
    }
    // Descriptions quote at most a two-digit length, so longer numbers must never appear.
    if (number.size() >= 3 && absl::StrContains(v.description, number)) {
      return absl::StrCat("description echoes the number", where);
    }
    ++number_violations;
  }
  if (number_violations > 1) return absl::StrCat(number_violations, " violations", where);
  if (luhn != ReferenceLuhn(number)) return absl::StrCat("PassesLuhn disagrees", where);

  bool valid = number_violations == 0;
  bool expected =
      !number.empty() && IsAsciiDigits(number) && length_ok && (!BrandRequiresLuhn(brand) || luhn);
  if (valid) {
    ++accepted;
    if (!IsAsciiDigits(number) || number.empty()) return absl::StrCat("accepted non-digits", where);
    if (!length_ok) return absl::StrCat("accepted a bad length", where);
    if (BrandRequiresLuhn(brand) && !luhn) return absl::StrCat("accepted a Luhn failure", where);
  }
  if (valid != expected) return absl::StrCat("rejected a number the rules allow", where);
  return "";
}

class ValidationPropertyTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(ValidationPropertyTest, RandomDigitStringsAsCardNumbers) {
  Generator gen(GetParam());
  int accepted = 0;
  int failures = 0;
  std::string first_failure;
  for (int i = 0; i < kDigitStrings; ++i) {
    std::string failure = CheckCardNumber(gen.Digits(0, 25), accepted);
    if (!failure.empty() && failures++ == 0) first_failure = failure;
  }
  EXPECT_EQ(failures, 0) << "first: " << first_failure;
  // Not vacuous: about 8 lengths in 26 are valid and half the numbers are Luhn-completed.
  EXPECT_GT(accepted, kDigitStrings / 20);
}

TEST_P(ValidationPropertyTest, RandomBytesAsCardNumbers) {
  Generator gen(GetParam());
  int accepted = 0;
  int failures = 0;
  std::string first_failure;
  for (int i = 0; i < kByteStrings; ++i) {
    std::string failure = CheckCardNumber(gen.Bytes(40), accepted);
    if (!failure.empty() && failures++ == 0) first_failure = failure;
  }
  EXPECT_EQ(failures, 0) << "first: " << first_failure;
}

TEST_P(ValidationPropertyTest, RandomRoutingNumbers) {
  Generator gen(GetParam());
  int accepted = 0;
  int failures = 0;
  std::string first_failure;
  for (int i = 0; i < kByteStrings; ++i) {
    // Bytes of any length, 9 random digits, and 9 digits whose checksum passes.
    std::string routing = i % 3 == 0 ? gen.Bytes(12) : gen.Digits(9, 9);
    if (i % 3 == 2) routing.back() = AbaCheckDigit(routing);
    bool valid = IsValidAbaRoutingNumber(routing);
    accepted += valid ? 1 : 0;
    if (valid != ReferenceAba(routing) && failures++ == 0) {
      first_failure = absl::StrCat("\"", absl::CHexEscape(routing), "\" gave ", valid);
    }
  }
  EXPECT_EQ(failures, 0) << "first: " << first_failure;
  EXPECT_GT(accepted, 0);
}

TEST_P(ValidationPropertyTest, RandomBinLookups) {
  absl::StatusOr<BinTable> parsed = BinTable::Parse(
      "bin,brand,card_type,issuer_name,issuer_country\n"
      "411111,,CREDIT,six,USA\n41111199,,DEBIT,eight,USA\n000000,,DEBIT,zeros,USA\n"
      "99999999,,CREDIT,nines,USA\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  Generator gen(GetParam());
  int hits = 0;
  int failures = 0;
  std::string first_failure;
  const char* const kPrefixes[] = {"", "411111", "41111199", "000000", "99999999", "4111"};
  for (int i = 0; i < kDigitStrings; ++i) {
    std::string pan = kPrefixes[gen.Uniform(0, 5)] + gen.Digits(0, 14);
    const BinInfo* info = parsed->Lookup(pan);
    std::string want;
    if (pan.size() >= 8 && (pan.substr(0, 8) == "41111199" || pan.substr(0, 8) == "99999999")) {
      want = pan[0] == '4' ? "eight" : "nines";
    } else if (pan.size() >= 6 && pan.substr(0, 6) == "411111") {
      want = "six";
    } else if (pan.size() >= 6 && pan.substr(0, 6) == "000000") {
      want = "zeros";
    }
    std::string got = info == nullptr ? "" : info->issuer_name;
    hits += info != nullptr ? 1 : 0;
    if (got != want && failures++ == 0) {
      first_failure = absl::StrCat(pan, " gave '", got, "', want '", want, "'");
    }
  }
  EXPECT_EQ(failures, 0) << "first: " << first_failure;
  EXPECT_GT(hits, kDigitStrings / 10);
}

INSTANTIATE_TEST_SUITE_P(FixedSeeds, ValidationPropertyTest,
                         ::testing::Values(20250615u, 1u, 42u, 0xC0FFEEu));

}  // namespace
}  // namespace pi::instruments::domain
