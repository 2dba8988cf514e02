// The hosted fields in headless Chromium against the real pi-server and pi-gateway: runs
// `node --test tests/browser/hosted_fields_test.mjs` (playwright-core, pinned in
// tests/browser/package-lock.json and installed into the build tree by the browser_clients ctest
// fixture), which starts the demo merchant on a port picked here. That port's 127.0.0.1 origin is
// the application's only allowed origin; its localhost origin is the disallowed one.
// Chromium is Debian's /usr/bin/chromium (scripts/install-deps.sh installs it): when it is
// missing this test fails, it does not skip.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/support/child_process.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

constexpr char kChromium[] = "/usr/bin/chromium";

// A loopback port free right now (the demo merchant binds it a moment later).
int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

TEST(HostedFieldsBrowserTest, TokenizeAssociateAndRefuseOtherOrigins) {
  ASSERT_EQ(::access(kChromium, X_OK), 0)
      << kChromium << " is missing: scripts/install-deps.sh installs Debian's chromium package";
  auto started = testing::SystemUnderTest::Start(
      "e2e-hosted-fields-browser",
      {.database_url = testing::TestDatabaseUrl(), .create_identity = false});
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<testing::SystemUnderTest> sys = *std::move(started);
  absl::StatusOr<std::string> publishable = sys->CreateCredential({"--kind=publishable"});
  ASSERT_TRUE(publishable.ok()) << publishable.status();
  int demo_port = FreeLoopbackPort();
  ASSERT_GT(demo_port, 0);
  absl::StatusOr<std::string> allowed = sys->AdminCommand(
      {"set-allowed-origins", "--application=" + sys->application_id(),
       absl::StrCat("--allowed_origins=http://127.0.0.1:", demo_port)});
  ASSERT_TRUE(allowed.ok()) << allowed.status();

  std::map<std::string, std::string> env = {
      {"PI_BROWSER_NODE_MODULES", PI_BROWSER_CLIENTS_DIR},
      {"PI_BROWSER_CHROMIUM", kChromium},
      {"PI_BROWSER_GATEWAY_URL", absl::StrCat("http://127.0.0.1:", sys->http_port())},
      {"PI_BROWSER_PUBLISHABLE_KEY", nlohmann::json::parse(*publishable)["key"]},
      {"PI_BROWSER_MERCHANT_AUTH", sys->basic_auth()},
      {"PI_BROWSER_DEMO_PORT", absl::StrCat(demo_port)},
      {"PI_BROWSER_ARTIFACTS", PI_BROWSER_ARTIFACTS_DIR},
      {"NO_COLOR", "1"}};
  if (const char* home = std::getenv("HOME")) env["HOME"] = home;
  std::string out;
  absl::StatusOr<int> code = testing::RunToCompletion(
      "/usr/bin/env",
      {"timeout", "--kill-after=10s", "240s", "node", "--test", "--test-reporter=tap",
       absl::StrCat(PI_BROWSER_TESTS_DIR, "/hosted_fields_test.mjs")},
      env, &out);
  ASSERT_TRUE(code.ok()) << code.status();
  std::cout << out;  // the screenshot paths, for the test log
  EXPECT_EQ(*code, 0) << "node --test exited " << *code << ":\n"
                      << out << "\npi-gateway log:\n"
                      << sys->gateway_log();
  EXPECT_NE(out.find("# fail 0"), std::string::npos) << out;
  EXPECT_EQ(out.find("# pass 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("# pass 3"), std::string::npos) << out;
}

}  // namespace
}  // namespace pi
