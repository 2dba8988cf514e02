#include "services/instruments/domain/origin_policy.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"

namespace pi::instruments::domain {
namespace {

class FakeOriginStore : public AllowedOriginStore {
 public:
  void FindAllowedOrigins(std::string application_id, FindDone done) override {
    ++lookups;
    if (!status.ok()) return std::move(done)(status);
    std::move(done)(origins[application_id]);
  }
  std::map<std::string, std::vector<std::string>> origins;
  absl::Status status;
  int lookups = 0;
};

class RecordingAuditLog : public AuditLog {
 public:
  void Append(AuditEvent event) override { events.push_back(std::move(event)); }
  std::vector<AuditEvent> events;
};

class OriginPolicyTest : public ::testing::Test {
 protected:
  OriginPolicyTest() {
    store_.origins["APshop"] = {"https://shop.example", "http://127.0.0.1:8081"};
    store_.origins["APother"] = {"https://other.example"};
  }

  absl::StatusOr<std::string> Check(const std::string& origin,
                                    const std::string& application = "APshop") {
    Caller caller{application, "PKone", Role::kPublishable, "", "RQ7"};
    std::optional<absl::StatusOr<std::string>> result;
    policy_.Check(caller, "token.create", origin,
                  [&](absl::StatusOr<std::string> r) { result = std::move(r); });
    EXPECT_TRUE(result.has_value()) << "done did not run";
    return result.value_or(absl::InternalError("no answer"));
  }

  FakeOriginStore store_;
  RecordingAuditLog audit_;
  OriginPolicy policy_{store_, audit_};
};

TEST_F(OriginPolicyTest, AnAllowedOriginAnswersItsCanonicalForm) {
  EXPECT_EQ(*Check("https://shop.example"), "https://shop.example");
  EXPECT_EQ(*Check("HTTPS://SHOP.example:443"), "https://shop.example");
  EXPECT_EQ(*Check("http://127.0.0.1:8081"), "http://127.0.0.1:8081");
  EXPECT_TRUE(audit_.events.empty()) << "accepted checks are not audited";
}

TEST_F(OriginPolicyTest, AnotherOriginIsRefusedAndAudited) {
  absl::StatusOr<std::string> refused = Check("http://localhost:8081");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(common::ErrorReasonOf(refused.status()), "ORIGIN_NOT_ALLOWED");
  ASSERT_EQ(audit_.events.size(), 1u);
  EXPECT_EQ(audit_.events[0].application_id, "APshop");
  EXPECT_EQ(audit_.events[0].credential_id, "PKone");
  EXPECT_EQ(audit_.events[0].action, "token.create");
  EXPECT_EQ(audit_.events[0].outcome, "ORIGIN_NOT_ALLOWED");
  EXPECT_EQ(audit_.events[0].request_id, "RQ7");
}

TEST_F(OriginPolicyTest, AnotherApplicationsOriginIsRefused) {
  EXPECT_EQ(common::ErrorReasonOf(Check("https://other.example").status()), "ORIGIN_NOT_ALLOWED");
  EXPECT_TRUE(Check("https://other.example", "APother").ok());
}

TEST_F(OriginPolicyTest, AnApplicationWithoutOriginsAllowsNone) {
  EXPECT_EQ(common::ErrorReasonOf(Check("https://shop.example", "APnone").status()),
            "ORIGIN_NOT_ALLOWED");
}

TEST_F(OriginPolicyTest, MalformedOriginsAreRefusedWithoutALookup) {
  for (const char* origin : {"null", "https://shop.example/", "file://", "https://*.example"}) {
    absl::StatusOr<std::string> refused = Check(origin);
    ASSERT_FALSE(refused.ok()) << origin;
    EXPECT_EQ(common::ErrorReasonOf(refused.status()), "ORIGIN_NOT_ALLOWED") << origin;
  }
  EXPECT_EQ(store_.lookups, 0);
  EXPECT_EQ(audit_.events.size(), 4u);
}

TEST_F(OriginPolicyTest, AStoreOutageIsUnavailableNotARefusal) {
  store_.status = absl::UnavailableError("database down");
  absl::StatusOr<std::string> result = Check("https://shop.example");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(audit_.events.empty());
}

}  // namespace
}  // namespace pi::instruments::domain
