#include "services/instruments/domain/authenticator.h"

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"

namespace pi::instruments::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Hash(s) = "hash(" s ")": one-way enough for a test, and visible in assertions.
class FakeSecretHasher : public SecretHasher {
 public:
  std::string Hash(absl::string_view secret) const override {
    return absl::StrCat("hash(", secret, ")");
  }
  bool Equals(absl::string_view a, absl::string_view b) const override { return a == b; }
};

// Credentials in a map; NOT_FOUND for an unknown id; completes synchronously.
class FakeCredentialStore : public CredentialStore {
 public:
  void FindCredential(std::string id, FindDone done) override {
    lookups_.push_back(id);
    if (!status_.ok()) {
      std::move(done)(status_);
      return;
    }
    auto it = credentials_.find(id);
    if (it == credentials_.end()) {
      std::move(done)(absl::NotFoundError("no such credential"));
      return;
    }
    std::move(done)(it->second);
  }

  void Add(StoredCredential credential) {
    std::string id = credential.id;
    credentials_[id] = std::move(credential);
  }
  void FailWith(absl::Status status) { status_ = std::move(status); }
  const std::vector<std::string>& lookups() const { return lookups_; }

 private:
  std::map<std::string, StoredCredential> credentials_;
  std::vector<std::string> lookups_;
  absl::Status status_;
};

// Records appended audit events.
class RecordingAuditLog : public AuditLog {
 public:
  void Append(AuditEvent event) override { events.push_back(std::move(event)); }
  std::vector<AuditEvent> events;
};

// A customer-token verifier for tokens of the form "kid.sub.sig" (three parts, like a JWT):
// valid when sig == "good-<credential id>", and then the subject is `sub`.
class FakeTokenVerifier : public CustomerTokenVerifier {
 public:
  absl::StatusOr<std::string> KeyIdOf(absl::string_view token) const override {
    size_t dot = token.find('.');
    if (dot == 0) return absl::InvalidArgumentError("no kid");
    return std::string(token.substr(0, dot));
  }
  absl::StatusOr<std::string> VerifiedSubject(absl::string_view token,
                                              const StoredCredential& credential,
                                              absl::Time) const override {
    size_t first = token.find('.');
    size_t last = token.rfind('.');
    if (token.substr(last + 1) != absl::StrCat("good-", credential.id)) {
      return absl::InvalidArgumentError("bad signature");
    }
    return std::string(token.substr(first + 1, last - first - 1));
  }
};

std::string Basic(absl::string_view user_pass) {
  return absl::StrCat("Basic ", absl::Base64Escape(user_pass));
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.Add({"CRproc", "APone", CredentialKind::kBasic, Role::kProcessor, hasher_.Hash("s3cret"), false});
    store_.Add({"CRold", "APone", CredentialKind::kBasic, Role::kMerchant, hasher_.Hash("oldsecret"), true});
  }

  // Runs Authenticate; fails the test unless `done` ran exactly once.
  absl::StatusOr<Caller> Authenticate(absl::string_view authorization) {
    std::optional<absl::StatusOr<Caller>> result;
    int calls = 0;
    authenticator_.Authenticate(authorization, "RQtest", [&](absl::StatusOr<Caller> r) {
      ++calls;
      result = std::move(r);
    });
    EXPECT_EQ(calls, 1);
    return result.value_or(absl::InternalError("done never ran"));
  }

  static void ExpectUnauthenticated(const absl::StatusOr<Caller>& result) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(common::ErrorReasonOf(result.status()), "UNAUTHENTICATED_CALLER");
  }

  FakeSecretHasher hasher_;
  FakeCredentialStore store_;
  FakeTokenVerifier tokens_;
  RecordingAuditLog audit_;
  Authenticator authenticator_{store_, hasher_, tokens_, audit_, [] { return absl::Now(); }};
};

TEST_F(AuthenticatorTest, ValidBasicCredentialYieldsCaller) {
  absl::StatusOr<Caller> caller = Authenticate(Basic("CRproc:s3cret"));

  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->application_id, "APone");
  EXPECT_EQ(caller->credential_id, "CRproc");
  EXPECT_EQ(caller->role, Role::kProcessor);
  EXPECT_THAT(store_.lookups(), ElementsAre("CRproc"));
}

TEST_F(AuthenticatorTest, SchemeIsCaseInsensitiveAndWhitespaceIsTrimmed) {
  for (const std::string& header :
       {absl::StrCat("basic ", absl::Base64Escape("CRproc:s3cret")),
        absl::StrCat("BASIC ", absl::Base64Escape("CRproc:s3cret")),
        absl::StrCat("  Basic   ", absl::Base64Escape("CRproc:s3cret"), "  ")}) {
    absl::StatusOr<Caller> caller = Authenticate(header);
    ASSERT_TRUE(caller.ok()) << header << ": " << caller.status();
    EXPECT_EQ(caller->application_id, "APone");
  }
}

TEST_F(AuthenticatorTest, SecretMayContainAColon) {
  store_.Add({"CRcolon", "APtwo", CredentialKind::kBasic, Role::kAdmin, hasher_.Hash("a:b"), false});

  absl::StatusOr<Caller> caller = Authenticate(Basic("CRcolon:a:b"));

  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->application_id, "APtwo");
  EXPECT_EQ(caller->role, Role::kAdmin);
}

TEST_F(AuthenticatorTest, WrongSecretIsUnauthenticated) {
  ExpectUnauthenticated(Authenticate(Basic("CRproc:wrong")));
}

TEST_F(AuthenticatorTest, UnknownIdIsUnauthenticatedWithTheSameMessageAsAWrongSecret) {
  absl::StatusOr<Caller> unknown = Authenticate(Basic("CRnobody:s3cret"));
  absl::StatusOr<Caller> wrong = Authenticate(Basic("CRproc:wrong"));

  ExpectUnauthenticated(unknown);
  ExpectUnauthenticated(wrong);
  EXPECT_EQ(unknown.status().message(), wrong.status().message());
  EXPECT_EQ(unknown.status(), wrong.status());
}

TEST_F(AuthenticatorTest, RevokedCredentialIsUnauthenticated) {
  ExpectUnauthenticated(Authenticate(Basic("CRold:oldsecret")));
}

struct MalformedCase {
  const char* name;
  std::string authorization;
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }

class AuthenticatorMalformedTest : public AuthenticatorTest,
                                   public ::testing::WithParamInterface<MalformedCase> {};

TEST_P(AuthenticatorMalformedTest, IsUnauthenticatedWithoutAStoreLookup) {
  ExpectUnauthenticated(Authenticate(GetParam().authorization));
  EXPECT_THAT(store_.lookups(), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Headers, AuthenticatorMalformedTest,
    ::testing::Values(MalformedCase{"Missing", ""}, MalformedCase{"Blank", "   "},
                      MalformedCase{"Bearer", "Bearer x"},
                      MalformedCase{"BearerOfValidBasicPayload",
                                    absl::StrCat("Bearer ", absl::Base64Escape("CRproc:s3cret"))},
                      MalformedCase{"SchemeOnly", "Basic"},
                      MalformedCase{"SchemeWithoutSpace",
                                    absl::StrCat("Basic", absl::Base64Escape("CRproc:s3cret"))},
                      MalformedCase{"BadBase64", "Basic !!!not*base64!!!"},
                      MalformedCase{"NoColon", Basic("CRprocs3cret")},
                      MalformedCase{"EmptyId", Basic(":s3cret")},
                      MalformedCase{"EmptySecret", Basic("CRproc:")},
                      MalformedCase{"TooLong",
                                    Basic(absl::StrCat("CRproc:", std::string(2100, 'x')))}),
    [](const ::testing::TestParamInfo<MalformedCase>& param_info) {
      return param_info.param.name;
    });

TEST_F(AuthenticatorTest, StoreUnavailableIsUnavailable) {
  store_.FailWith(absl::UnavailableError("database unreachable"));

  absl::StatusOr<Caller> caller = Authenticate(Basic("CRproc:s3cret"));

  ASSERT_FALSE(caller.ok());
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(common::ErrorReasonOf(caller.status()), "UNAUTHENTICATED_CALLER");
}

TEST(RoleNameTest, RoundTrips) {
  for (Role role : {Role::kMerchant, Role::kPublishable, Role::kProcessor, Role::kAdmin}) {
    std::optional<Role> back = RoleFromName(RoleName(role));
    ASSERT_TRUE(back.has_value()) << RoleName(role);
    EXPECT_EQ(*back, role);
  }
  EXPECT_EQ(RoleName(Role::kMerchant), "merchant");
  EXPECT_EQ(RoleName(Role::kPublishable), "publishable");
  EXPECT_EQ(RoleName(Role::kProcessor), "processor");
  EXPECT_EQ(RoleName(Role::kAdmin), "admin");
}

TEST(RoleNameTest, UnknownNameIsNullopt) {
  EXPECT_FALSE(RoleFromName("").has_value());
  EXPECT_FALSE(RoleFromName("Admin").has_value());
  EXPECT_FALSE(RoleFromName("root").has_value());
}

}  // namespace
}  // namespace pi::instruments::domain
