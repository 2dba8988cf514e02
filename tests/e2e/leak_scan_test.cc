// The leak scan: instruments created with known PANs, account numbers, wallet tokens and security
// codes; then the pg_dump of the whole database, both processes' logs and every API response
// must contain none of them in clear. Security codes are short digit runs, so they are matched as
// whole numbers (not inside longer digit or id runs), and the dump's bytea hex is left out of the
// search for them; PANs, account numbers and tokens are searched everywhere.
#include <regex>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::vector<std::string> kPans = {"4000056655665556", "5105105105105100",
                                        "371449635398431"};
const std::vector<std::string> kSecurityCodes = {"739", "851", "6294"};
constexpr char kRejectedSecurityCode[] = "97531";
const std::vector<std::string> kAccountNumbers = {"00048151623", "1357924680"};
const std::string kWalletToken = "wallet-token-8f1e4c2a-leak-scan";

// True when `code` occurs in `text` as a number of its own.
bool ContainsAsNumber(const std::string& text, const std::string& code) {
  std::regex whole("(^|[^0-9A-Za-z])" + code + "($|[^0-9A-Za-z])");
  return std::regex_search(text, whole);
}

TEST(LeakScanTest, NoSecretInDumpLogsOrResponses) {
  std::string url = testing::CreateScratchDatabase("leak");
  auto sys = testing::SystemUnderTest::Start("e2e-leak", {.database_url = url});
  ASSERT_TRUE(sys.ok()) << sys.status();
  std::map<std::string, std::string> headers = {{"Authorization", (*sys)->basic_auth()},
                                                {"Content-Type", "application/json"}};
  std::string responses;
  auto post = [&](const nlohmann::json& body, int expected) {
    auto reply = testing::HttpCall((*sys)->http_port(), "POST", "/payment_instruments",
                                   body.dump(), headers);
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->status, expected) << reply->body;
    responses += reply->body;
    if (reply->status == 201) {
      auto fetched = testing::HttpCall(
          (*sys)->http_port(), "GET",
          "/payment_instruments/" + nlohmann::json::parse(reply->body)["id"].get<std::string>(),
          "", headers);
      ASSERT_TRUE(fetched.ok());
      responses += fetched->body;
    }
  };
  for (size_t i = 0; i < kPans.size(); ++i) {
    post({{"type", "PAYMENT_CARD"}, {"identity", (*sys)->identity_id()}, {"number", kPans[i]},
          {"security_code", kSecurityCodes[i]}, {"expiration_month", 7},
          {"expiration_year", 2039}},
         201);
  }
  // A rejected card: its number and code must not leak through error paths either.
  post({{"type", "PAYMENT_CARD"}, {"identity", (*sys)->identity_id()}, {"number", "4000056655665557"},
        {"security_code", kRejectedSecurityCode}, {"expiration_month", 13}, {"expiration_year", 2039}},
       422);
  post({{"type", "BANK_ACCOUNT"}, {"identity", (*sys)->identity_id()}, {"account_number", kAccountNumbers[0]},
        {"bank_code", "021000021"}, {"account_type", "CHECKING"}},
       201);
  post({{"type", "BANK_ACCOUNT"}, {"identity", (*sys)->identity_id()}, {"account_number", kAccountNumbers[1]},
        {"institution_number", "001"}, {"transit_number", "12345"}, {"country", "CAN"},
        {"account_type", "SAVINGS"}},
       201);
  post({{"type", "GOOGLE_PAY"}, {"identity", (*sys)->identity_id()}, {"third_party_token", kWalletToken},
        {"merchant_identity", "IDmerchant"}},
       201);

  std::string dump;
  absl::StatusOr<int> dumped = testing::RunToCompletion(
      "/usr/lib/postgresql/15/bin/pg_dump", {"--dbname=" + url, "--no-owner"}, {}, &dump);
  ASSERT_TRUE(dumped.ok());
  ASSERT_EQ(*dumped, 0);
  ASSERT_THAT(dump, HasSubstr("payment_instruments"));
  // Security codes are searched outside the hex of encrypted columns.
  std::string dump_without_hex = std::regex_replace(dump, std::regex("\\\\x[0-9a-f]+"), "");

  std::vector<std::pair<std::string, std::string>> places = {
      {"pg_dump", dump},
      {"pi-server log", (*sys)->server_log()},
      {"pi-gateway log", (*sys)->gateway_log()},
      {"API responses", responses}};
  for (const auto& [place, text] : places) {
    for (const std::string& pan : kPans) EXPECT_THAT(text, Not(HasSubstr(pan))) << place;
    EXPECT_THAT(text, Not(HasSubstr("4000056655665557"))) << place;
    for (const std::string& account : kAccountNumbers) {
      EXPECT_THAT(text, Not(HasSubstr(account))) << place;
    }
    EXPECT_THAT(text, Not(HasSubstr(kWalletToken))) << place;
    const std::string& searched = place == "pg_dump" ? dump_without_hex : text;
    std::vector<std::string> codes = kSecurityCodes;
    codes.push_back(kRejectedSecurityCode);
    for (const std::string& code : codes) {
      EXPECT_FALSE(ContainsAsNumber(searched, code)) << place << " holds security code " << code;
    }
  }
}

}  // namespace
}  // namespace pi
