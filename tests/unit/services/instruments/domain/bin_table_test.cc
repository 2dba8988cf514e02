#include "services/instruments/domain/bin_table.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#ifndef PI_SOURCE_DIR
#error "PI_SOURCE_DIR must name the source tree (see tests/unit/CMakeLists.txt)"
#endif

namespace pi::instruments::domain {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsNull;
using ::testing::NotNull;

constexpr char kHeader[] = "bin,brand,card_type,issuer_name,issuer_country\n";

std::string ReadShippedCsv() {
  std::ifstream in(std::string(PI_SOURCE_DIR) + "/services/instruments/data/sandbox_bins.csv",
                   std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Number of non-blank lines after the header.
size_t DataRows(absl::string_view csv) {
  std::vector<absl::string_view> lines = absl::StrSplit(csv, '\n', absl::SkipWhitespace());
  return lines.empty() ? 0 : lines.size() - 1;
}

class ShippedBinTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(csv_.empty()) << "could not read sandbox_bins.csv under " << PI_SOURCE_DIR;
    ASSERT_TRUE(parsed_.ok()) << parsed_.status();
    table_ = &*parsed_;
  }

  std::string csv_ = ReadShippedCsv();
  absl::StatusOr<BinTable> parsed_ = BinTable::Parse(csv_);
  const BinTable* table_ = nullptr;
};

TEST_F(ShippedBinTableTest, EveryRowIsLoaded) {
  EXPECT_GE(table_->size(), 26u);
  EXPECT_EQ(table_->size(), DataRows(csv_));
}

TEST_F(ShippedBinTableTest, LookupsOfSandboxCards) {
  struct Case {
    const char* pan;
    CardBrand brand;
    CardType card_type;
    const char* issuer_name;
    const char* issuer_country;
  };
  const Case cases[] = {
      {"4111111111111111", CardBrand::kUnknown, CardType::kCredit, "Sandbox Bank USA", "USA"},
      // The 8-digit entry 42424299; other 424242 cards get the 6-digit one.
      {"4242429900000002", CardBrand::kUnknown, CardType::kHsaFsa, "Sandbox Health Account Bank",
       "USA"},
      {"4242424242424242", CardBrand::kUnknown, CardType::kCredit, "Sandbox Bank USA", "USA"},
      // 51051099 (8 digits) beats 510510 (6 digits).
      {"5105109900000003", CardBrand::kUnknown, CardType::kNonReloadablePrepaid,
       "Sandbox Gift Card Co", "USA"},
      {"5105105105105100", CardBrand::kUnknown, CardType::kReloadablePrepaid, "Sandbox Prepaid Co",
       "USA"},
      {"4820000000000000", CardBrand::kVpay, CardType::kDebit, "V PAY Sandbox Bank", "DEU"},
      {"5200828282828210", CardBrand::kUnknown, CardType::kDebit, "Sandbox Mastercard Issuer",
       "GBR"},
      {"6767000000000000", CardBrand::kMaestro, CardType::kDebit, "Maestro Sandbox, Ltd", "GBR"},
      {"3530111333300000", CardBrand::kUnknown, CardType::kCredit, "JCB Co. Ltd", "JPN"},
      // Exactly the listed prefix, and a 7-digit number that reaches only the 6-digit entry.
      {"42424299", CardBrand::kUnknown, CardType::kHsaFsa, "Sandbox Health Account Bank", "USA"},
      {"4242429", CardBrand::kUnknown, CardType::kCredit, "Sandbox Bank USA", "USA"},
      {"411111", CardBrand::kUnknown, CardType::kCredit, "Sandbox Bank USA", "USA"},
  };
  for (const Case& c : cases) {
    const BinInfo* info = table_->Lookup(c.pan);
    ASSERT_THAT(info, NotNull()) << c.pan;
    EXPECT_EQ(info->brand, c.brand) << c.pan;
    EXPECT_EQ(info->card_type, c.card_type) << c.pan;
    EXPECT_EQ(info->issuer_name, c.issuer_name) << c.pan;
    EXPECT_EQ(info->issuer_country, c.issuer_country) << c.pan;
  }
}

TEST_F(ShippedBinTableTest, UnknownAndShortNumbersMiss) {
  for (const char* pan : {"9999990000000000", "41111", "4111", "", "4111101111111111"}) {
    EXPECT_THAT(table_->Lookup(pan), IsNull()) << pan;
  }
}

TEST(BinTableTest, DefaultTableIsEmpty) {
  BinTable table;
  EXPECT_EQ(table.size(), 0u);
  EXPECT_THAT(table.Lookup("4111111111111111"), IsNull());
}

TEST(BinTableTest, HeaderOnlyIsAnEmptyTable) {
  absl::StatusOr<BinTable> table = BinTable::Parse(kHeader);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 0u);
}

TEST(BinTableTest, EightDigitEntryWinsWhenListedBeforeTheSixDigitOne) {
  absl::StatusOr<BinTable> table =
      BinTable::Parse(absl::StrCat(kHeader, "41111199,,DEBIT,Eight,USA\n411111,,CREDIT,Six,USA\n"));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 2u);
  ASSERT_THAT(table->Lookup("4111119900000000"), NotNull());
  EXPECT_EQ(table->Lookup("4111119900000000")->issuer_name, "Eight");
  ASSERT_THAT(table->Lookup("4111119800000000"), NotNull());
  EXPECT_EQ(table->Lookup("4111119800000000")->issuer_name, "Six");
}

TEST(BinTableTest, OptionalColumnsAndExplicitUnknown) {
  absl::StatusOr<BinTable> table =
      BinTable::Parse(absl::StrCat(kHeader,
                                   "411111,,CREDIT,,\n555555,UNKNOWN,UNKNOWN,X,\n"
                                   "482000,VPAY,DEBIT,V,DEU\n"));
  ASSERT_TRUE(table.ok()) << table.status();
  const BinInfo* visa = table->Lookup("4111111111111111");
  ASSERT_THAT(visa, NotNull());
  EXPECT_EQ(visa->brand, CardBrand::kUnknown);
  EXPECT_EQ(visa->issuer_name, "");
  EXPECT_EQ(visa->issuer_country, "");
  const BinInfo* unknown = table->Lookup("5555555555554444");
  ASSERT_THAT(unknown, NotNull());
  EXPECT_EQ(unknown->brand, CardBrand::kUnknown);
  EXPECT_EQ(unknown->card_type, CardType::kUnknown);
  ASSERT_THAT(table->Lookup("4820001234567890"), NotNull());
  EXPECT_EQ(table->Lookup("4820001234567890")->brand, CardBrand::kVpay);
}

TEST(BinTableTest, QuotedFields) {
  absl::StatusOr<BinTable> table = BinTable::Parse(absl::StrCat(
      kHeader, "676700,,DEBIT,\"Maestro Sandbox, Ltd\",GBR\n",
      "411111,\"VISA\",\"CREDIT\",\"The \"\"Best\"\" Bank\",\"USA\"\n", "555555,,DEBIT,\"\",\n"));
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_THAT(table->Lookup("6767000000000000"), NotNull());
  EXPECT_EQ(table->Lookup("6767000000000000")->issuer_name, "Maestro Sandbox, Ltd");
  EXPECT_EQ(table->Lookup("6767000000000000")->issuer_country, "GBR");
  const BinInfo* visa = table->Lookup("4111111111111111");
  ASSERT_THAT(visa, NotNull());
  EXPECT_EQ(visa->brand, CardBrand::kVisa);
  EXPECT_EQ(visa->issuer_name, "The \"Best\" Bank");
  EXPECT_EQ(visa->issuer_country, "USA");
  ASSERT_THAT(table->Lookup("5555555555554444"), NotNull());
  EXPECT_EQ(table->Lookup("5555555555554444")->issuer_name, "");
}

TEST(BinTableTest, CrlfLineEndings) {
  absl::StatusOr<BinTable> table = BinTable::Parse(
      "bin,brand,card_type,issuer_name,issuer_country\r\n"
      "411111,,CREDIT,Bank,USA\r\n"
      "42424299,,HSA_FSA,\"Health, Inc\",USA\r\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 2u);
  ASSERT_THAT(table->Lookup("4111111111111111"), NotNull());
  EXPECT_EQ(table->Lookup("4111111111111111")->issuer_country, "USA");  // no trailing '\r'
  ASSERT_THAT(table->Lookup("4242429900000002"), NotNull());
  EXPECT_EQ(table->Lookup("4242429900000002")->issuer_name, "Health, Inc");
}

TEST(BinTableTest, BlankLinesAndMissingFinalNewlineAreFine) {
  absl::StatusOr<BinTable> table =
      BinTable::Parse(absl::StrCat("\n", kHeader, "\n  \n411111,,CREDIT,Bank,USA"));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 1u);
}

TEST(BinTableTest, EmptyInputIsAnError) {
  for (absl::string_view csv : {"", "\n", " \r\n\n"}) {
    absl::StatusOr<BinTable> table = BinTable::Parse(csv);
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument) << "'" << csv << "'";
  }
}

TEST(BinTableTest, MalformedInputNamesTheLine) {
  struct Case {
    const char* name;
    std::string csv;
    int line;
  };
  const std::string kGood = "411111,,CREDIT,Bank,USA\n";
  const Case cases[] = {
      {"wrong header", "bin,brand,type,issuer_name,issuer_country\n" + kGood, 1},
      {"header with an extra column", "bin,brand,card_type,issuer_name,issuer_country,x\n", 1},
      {"data before the header", kGood + kHeader, 1},
      {"5-digit bin", kHeader + std::string("41111,,CREDIT,Bank,USA\n"), 2},
      {"7-digit bin", kHeader + std::string("4111111,,CREDIT,Bank,USA\n"), 2},
      {"9-digit bin", kHeader + std::string("411111111,,CREDIT,Bank,USA\n"), 2},
      {"non-digit bin", kHeader + kGood + "41111a,,CREDIT,Bank,USA\n", 3},
      {"empty bin", kHeader + std::string(",,CREDIT,Bank,USA\n"), 2},
      {"unknown card_type", kHeader + std::string("411111,,CHARGE,Bank,USA\n"), 2},
      {"lower-case card_type", kHeader + std::string("411111,,credit,Bank,USA\n"), 2},
      {"empty card_type", kHeader + std::string("411111,,,Bank,USA\n"), 2},
      {"unknown brand", kHeader + std::string("411111,VISAA,CREDIT,Bank,USA\n"), 2},
      {"lower-case brand", kHeader + std::string("411111,visa,CREDIT,Bank,USA\n"), 2},
      {"alpha-2 issuer_country", kHeader + std::string("411111,,CREDIT,Bank,US\n"), 2},
      {"unassigned issuer_country", kHeader + std::string("411111,,CREDIT,Bank,XXX\n"), 2},
      {"duplicate 6-digit bin", kHeader + kGood + "555555,,DEBIT,B,USA\n" + kGood, 4},
      {"duplicate 8-digit bin",
       kHeader + std::string("41111199,,DEBIT,A,USA\n41111199,,CREDIT,B,USA\n"), 3},
      {"unterminated quote", kHeader + std::string("411111,,CREDIT,\"Bank,USA\n"), 2},
      // Five fields even if the open quote were ignored: only the quote check can reject it.
      {"unterminated quote in the last field", kHeader + kGood + "555555,,DEBIT,Bank,\"USA\n", 3},
      {"four fields", kHeader + std::string("411111,,CREDIT,Bank\n"), 2},
      {"six fields", kHeader + std::string("411111,,CREDIT,Bank,USA,x\n"), 2},
      {"blank lines still count",
       std::string(kHeader) + "\n" + kGood + "\n" + "41111,,CREDIT,B,USA\n", 5},
      {"CRLF line numbers",
       "bin,brand,card_type,issuer_name,issuer_country\r\n"
       "411111,,CREDIT,Bank,USA\r\n"
       "411111,,CREDIT,Bank,USA\r\n",
       3},
  };
  for (const Case& c : cases) {
    absl::StatusOr<BinTable> table = BinTable::Parse(c.csv);
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    // "line 2" but not "line 21": the number is followed by a non-digit.
    EXPECT_THAT(std::string(table.status().message()),
                ContainsRegex(absl::StrCat("line ", c.line, "([^0-9]|$)")))
        << c.name;
  }
}

TEST(BinTableTest, ErrorsSayWhatIsWrong) {
  absl::StatusOr<BinTable> table =
      BinTable::Parse(absl::StrCat(kHeader, "411111,,CHARGE,Bank,USA\n"));
  EXPECT_THAT(std::string(table.status().message()), HasSubstr("CHARGE"));
  table = BinTable::Parse(absl::StrCat(kHeader, "411111,,CREDIT,B,USA\n411111,,DEBIT,B,USA\n"));
  EXPECT_THAT(std::string(table.status().message()), HasSubstr("411111"));
}

}  // namespace
}  // namespace pi::instruments::domain
