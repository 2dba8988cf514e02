// End to end through the vendors' official Node SDKs, unchanged: the real pi-server and
// pi-gateway on loopback and the throwaway PostgreSQL, driven by @finix-payments/finix and
// @sumup/sdk as an integrator would point them at the gateway (tests/sdk/*_sdk_test.mjs, run with
// `node --test`). The SDKs are pinned in tests/sdk/package-lock.json and installed into the build
// tree by the sdk_clients ctest fixture (tests/sdk/install.sh).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/support/child_process.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

class SdkClientsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::SystemUnderTest::Start(
        "e2e-sdk-clients", {.database_url = testing::TestDatabaseUrl(), .create_identity = false});
    ASSERT_TRUE(started.ok()) << started.status();
    sys_ = started->release();
    absl::StatusOr<std::string> key = sys_->CreateCredential({"--kind=api_key"});
    ASSERT_TRUE(key.ok()) << key.status();
    api_key_ = nlohmann::json::parse(*key)["key"];
    // The Finix SDK takes the Basic credential as a username and a password.
    std::string user_password;
    ASSERT_TRUE(
        absl::Base64Unescape(absl::StripPrefix(sys_->basic_auth(), "Basic "), &user_password));
    std::pair<std::string, std::string> split =
        absl::StrSplit(user_password, absl::MaxSplits(':', 1));
    username_ = split.first;
    password_ = split.second;
  }

  static void TearDownTestSuite() {
    delete sys_;
    sys_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(sys_, nullptr) << "the system did not start"; }

  // Runs `node --test` on one of tests/sdk/*.mjs, bounded in time; node's report is printed when
  // a test fails.
  static void RunNodeTests(const std::string& file) {
    std::map<std::string, std::string> env = {
        {"PI_SDK_NODE_MODULES", PI_SDK_CLIENTS_DIR},
        {"PI_SDK_BASE_URL", absl::StrCat("http://127.0.0.1:", sys_->http_port())},
        {"PI_SDK_FINIX_USERNAME", username_},
        {"PI_SDK_FINIX_PASSWORD", password_},
        {"PI_SDK_SUMUP_API_KEY", api_key_},
        {"NO_COLOR", "1"}};
    if (const char* home = std::getenv("HOME")) env["HOME"] = home;
    std::string out;
    absl::StatusOr<int> code =
        testing::RunToCompletion("/usr/bin/env",
                                 {"timeout", "--kill-after=10s", "240s", "node", "--test",
                                  "--test-reporter=tap", absl::StrCat(PI_SDK_TESTS_DIR, "/", file)},
                                 env, &out);
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 0) << "node --test " << file << " exited " << *code << ":\n"
                        << out << "\npi-gateway log:\n"
                        << sys_->gateway_log();
    EXPECT_NE(out.find("# fail 0"), std::string::npos) << out;
    // A file whose tests never ran would also exit 0 with "# fail 0".
    EXPECT_EQ(out.find("# pass 0\n"), std::string::npos) << out;
    EXPECT_NE(out.find("# pass "), std::string::npos) << out;
  }

  static testing::SystemUnderTest* sys_;
  static std::string api_key_;
  static std::string username_;
  static std::string password_;
};

testing::SystemUnderTest* SdkClientsTest::sys_ = nullptr;
std::string SdkClientsTest::api_key_;
std::string SdkClientsTest::username_;
std::string SdkClientsTest::password_;

TEST_F(SdkClientsTest, FinixSdkWorksUnchanged) { RunNodeTests("finix_sdk_test.mjs"); }

TEST_F(SdkClientsTest, SumUpSdkWorksUnchanged) { RunNodeTests("sumup_sdk_test.mjs"); }

}  // namespace
}  // namespace pi
