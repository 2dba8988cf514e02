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
using ::testing::SizeIs;

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

// An audit event as a comparable, printable value, so a mismatch shows every field.
struct RecordedEvent {
  std::string application_id;
  std::string credential_id;
  std::string action;
  std::string resource_id;
  std::string outcome;
  std::string request_id;

  friend bool operator==(const RecordedEvent&, const RecordedEvent&) = default;
  friend void PrintTo(const RecordedEvent& e, std::ostream* os) {
    *os << "{app=" << e.application_id << " credential=" << e.credential_id
        << " action=" << e.action << " resource=" << e.resource_id << " outcome=" << e.outcome
        << " request=" << e.request_id << "}";
  }
};

std::vector<RecordedEvent> Recorded(const std::vector<AuditEvent>& events) {
  std::vector<RecordedEvent> out;
  for (const AuditEvent& e : events) {
    out.push_back(
        {e.application_id, e.credential_id, e.action, e.resource_id, e.outcome, e.request_id});
  }
  return out;
}

// A customer-token verifier for tokens of the form "kid.sub.sig" (three parts, like a JWT):
// valid when sig == "good-<credential id>", and then the subject is `sub`. Remembers the time
// it was asked to verify at.
class FakeTokenVerifier : public CustomerTokenVerifier {
 public:
  absl::StatusOr<std::string> KeyIdOf(absl::string_view token) const override {
    size_t dot = token.find('.');
    if (dot == 0) return absl::InvalidArgumentError("no kid");
    return std::string(token.substr(0, dot));
  }
  absl::StatusOr<std::string> VerifiedSubject(absl::string_view token,
                                              const StoredCredential& credential,
                                              absl::Time now) const override {
    verified_at = now;
    size_t first = token.find('.');
    size_t last = token.rfind('.');
    if (token.substr(last + 1) != absl::StrCat("good-", credential.id)) {
      return absl::InvalidArgumentError("bad signature");
    }
    return std::string(token.substr(first + 1, last - first - 1));
  }

  mutable std::optional<absl::Time> verified_at;
};

std::string Basic(absl::string_view user_pass) {
  return absl::StrCat("Basic ", absl::Base64Escape(user_pass));
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.Add({"CRproc", "APone", CredentialKind::kBasic, Role::kProcessor, hasher_.Hash("s3cret"), false});
    store_.Add({"CRold", "APone", CredentialKind::kBasic, Role::kMerchant, hasher_.Hash("oldsecret"), true});
    store_.Add(
        {"SKkey", "APtwo", CredentialKind::kApiKey, Role::kMerchant, hasher_.Hash("k3y"), false});
    store_.Add(
        {"SKold", "APtwo", CredentialKind::kApiKey, Role::kMerchant, hasher_.Hash("k3y"), true});
    store_.Add({"PKpub", "APtwo", CredentialKind::kPublishable, Role::kPublishable,
                hasher_.Hash("pub"), false});
    // The stored role of a JWT credential is deliberately not kCustomer: the caller must get
    // the customer role from the scheme, not from the row.
    store_.Add({"JKjwt", "APthree", CredentialKind::kJwtHs256, Role::kMerchant, "", false});
    store_.Add({"JKold", "APthree", CredentialKind::kJwtHs256, Role::kCustomer, "", true});
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

  // Fails the test unless the audit trail holds exactly one auth.failure event for this
  // request, naming `credential_id` and `application_id` (empty when they were not known).
  void ExpectOneAuthFailure(absl::string_view credential_id, absl::string_view application_id) {
    EXPECT_THAT(Recorded(audit_.events),
                ElementsAre(RecordedEvent{std::string(application_id), std::string(credential_id),
                                          "auth.failure", "", "UNAUTHENTICATED_CALLER", "RQtest"}));
  }

  static constexpr absl::Time kNow = absl::FromUnixSeconds(1750000000);

  FakeSecretHasher hasher_;
  FakeCredentialStore store_;
  FakeTokenVerifier tokens_;
  RecordingAuditLog audit_;
  Authenticator authenticator_{store_, hasher_, tokens_, audit_, [] { return kNow; }};
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

TEST_P(AuthenticatorMalformedTest, AppendsOneAuthFailureNamingNoCredential) {
  ExpectUnauthenticated(Authenticate(GetParam().authorization));
  ExpectOneAuthFailure("", "");
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
                                    Basic(absl::StrCat("CRproc:", std::string(2100, 'x')))},
                      MalformedCase{"BearerAlone", "Bearer"},
                      MalformedCase{"BearerBlank", "Bearer    "},
                      MalformedCase{"BearerKeyWithoutUnderscore", "Bearer SKkeyk3y"},
                      MalformedCase{"BearerKeyWithEmptyId", "Bearer _k3y"},
                      MalformedCase{"BearerKeyWithEmptySecret", "Bearer SKkey_"},
                      MalformedCase{"BearerJwtWithoutKid", "Bearer .IDcust.good-JKjwt"},
                      MalformedCase{"UnknownScheme", "Token SKkey_k3y"},
                      MalformedCase{"NoScheme", "SKkey_k3y"}),
    [](const ::testing::TestParamInfo<MalformedCase>& param_info) {
      return param_info.param.name;
    });

TEST_F(AuthenticatorTest, ValidBasicCredentialAppendsNoAuditEvent) {
  ASSERT_TRUE(Authenticate(Basic("CRproc:s3cret")).ok());
  EXPECT_THAT(audit_.events, IsEmpty());
}

TEST_F(AuthenticatorTest, RequestIdLandsInTheCaller) {
  absl::StatusOr<Caller> caller = Authenticate(Basic("CRproc:s3cret"));

  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->request_id, "RQtest");
  EXPECT_EQ(caller->customer_identity_id, "");  // only customer JWTs act for an identity
}

TEST_F(AuthenticatorTest, WrongSecretAuditsTheClaimedCredentialAndItsApplication) {
  ExpectUnauthenticated(Authenticate(Basic("CRproc:wrong")));
  ExpectOneAuthFailure("CRproc", "APone");
}

TEST_F(AuthenticatorTest, UnknownIdAuditsTheClaimedIdWithoutAnApplication) {
  ExpectUnauthenticated(Authenticate(Basic("CRnobody:s3cret")));
  ExpectOneAuthFailure("CRnobody", "");
}

TEST_F(AuthenticatorTest, RevokedCredentialIsAuditedAsAFailure) {
  ExpectUnauthenticated(Authenticate(Basic("CRold:oldsecret")));
  ExpectOneAuthFailure("CRold", "APone");
}

TEST_F(AuthenticatorTest, BearerApiKeyYieldsItsApplicationAndRole) {
  absl::StatusOr<Caller> caller = Authenticate("Bearer SKkey_k3y");

  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->application_id, "APtwo");
  EXPECT_EQ(caller->credential_id, "SKkey");
  EXPECT_EQ(caller->role, Role::kMerchant);
  EXPECT_EQ(caller->customer_identity_id, "");
  EXPECT_EQ(caller->request_id, "RQtest");
  EXPECT_THAT(store_.lookups(), ElementsAre("SKkey"));
  EXPECT_THAT(audit_.events, IsEmpty());
}

TEST_F(AuthenticatorTest, BearerPublishableKeyYieldsThePublishableRole) {
  absl::StatusOr<Caller> caller = Authenticate("Bearer PKpub_pub");

  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->application_id, "APtwo");
  EXPECT_EQ(caller->credential_id, "PKpub");
  EXPECT_EQ(caller->role, Role::kPublishable);
  EXPECT_THAT(audit_.events, IsEmpty());
}

TEST_F(AuthenticatorTest, BearerSchemeIsCaseInsensitiveAndWhitespaceIsTrimmed) {
  for (const char* header : {"bearer SKkey_k3y", "BEARER SKkey_k3y", "  Bearer   SKkey_k3y  "}) {
    absl::StatusOr<Caller> caller = Authenticate(header);
    ASSERT_TRUE(caller.ok()) << header << ": " << caller.status();
    EXPECT_EQ(caller->credential_id, "SKkey");
  }
}

TEST_F(AuthenticatorTest, FirstUnderscoreEndsTheKeyIdSoSecretsMayContainUnderscores) {
  store_.Add(
      {"SKunder", "APtwo", CredentialKind::kApiKey, Role::kAdmin, hasher_.Hash("a_b_c"), false});

  absl::StatusOr<Caller> caller = Authenticate("Bearer SKunder_a_b_c");

  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->credential_id, "SKunder");
  EXPECT_EQ(caller->role, Role::kAdmin);
}

TEST_F(AuthenticatorTest, WrongBearerSecretIsUnauthenticatedAndAudited) {
  ExpectUnauthenticated(Authenticate("Bearer SKkey_wrong"));
  ExpectOneAuthFailure("SKkey", "APtwo");
}

TEST_F(AuthenticatorTest, RevokedApiKeyIsUnauthenticatedAndAudited) {
  ExpectUnauthenticated(Authenticate("Bearer SKold_k3y"));
  ExpectOneAuthFailure("SKold", "APtwo");
}

// The secret is right in each case; only the scheme it arrives in is wrong for its kind.
TEST_F(AuthenticatorTest, BasicCredentialPresentedAsBearerIsUnauthenticated) {
  ExpectUnauthenticated(Authenticate("Bearer CRproc_s3cret"));
  ExpectOneAuthFailure("CRproc", "APone");
}

TEST_F(AuthenticatorTest, ApiKeyPresentedAsBasicIsUnauthenticated) {
  ExpectUnauthenticated(Authenticate(Basic("SKkey:k3y")));
  ExpectOneAuthFailure("SKkey", "APtwo");
}

TEST_F(AuthenticatorTest, PublishableKeyPresentedAsBasicIsUnauthenticated) {
  ExpectUnauthenticated(Authenticate(Basic("PKpub:pub")));
  ExpectOneAuthFailure("PKpub", "APtwo");
}

TEST_F(AuthenticatorTest, JwtCredentialNeverAuthenticatesWithASecret) {
  // Even a JWT-kind row that (wrongly) carries a matching secret hash must not open the secret
  // schemes: the kind check alone has to refuse it.
  store_.Add({"JKhashed", "APthree", CredentialKind::kJwtHs256, Role::kMerchant,
              hasher_.Hash("s3cret"), false});

  ExpectUnauthenticated(Authenticate(Basic("JKhashed:s3cret")));
  ExpectUnauthenticated(Authenticate("Bearer JKhashed_s3cret"));
  ExpectUnauthenticated(Authenticate(Basic("JKjwt:anything")));
  EXPECT_THAT(audit_.events, SizeIs(3));
}

TEST_F(AuthenticatorTest, ValidCustomerJwtYieldsTheCustomerRoleAndSubject) {
  absl::StatusOr<Caller> caller = Authenticate("Bearer JKjwt.IDcust1.good-JKjwt");

  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->application_id, "APthree");
  EXPECT_EQ(caller->credential_id, "JKjwt");
  EXPECT_EQ(caller->role, Role::kCustomer);  // whatever role the row holds
  EXPECT_EQ(caller->customer_identity_id, "IDcust1");
  EXPECT_EQ(caller->request_id, "RQtest");
  EXPECT_THAT(store_.lookups(), ElementsAre("JKjwt"));
  EXPECT_THAT(audit_.events, IsEmpty());
}

TEST_F(AuthenticatorTest, CustomerJwtIsVerifiedAtTheInjectedClock) {
  ASSERT_TRUE(Authenticate("Bearer JKjwt.IDcust1.good-JKjwt").ok());
  EXPECT_EQ(tokens_.verified_at, kNow);
}

TEST_F(AuthenticatorTest, JwtWithUnknownKidIsUnauthenticatedAndAudited) {
  ExpectUnauthenticated(Authenticate("Bearer JKnobody.IDcust1.good-JKnobody"));
  ExpectOneAuthFailure("JKnobody", "");
}

TEST_F(AuthenticatorTest, JwtWithBadSignatureIsUnauthenticatedAndAudited) {
  ExpectUnauthenticated(Authenticate("Bearer JKjwt.IDcust1.forged"));
  ExpectOneAuthFailure("JKjwt", "APthree");
}

TEST_F(AuthenticatorTest, JwtWhoseKidNamesANonJwtCredentialIsUnauthenticated) {
  // The fake verifier would accept this signature, so only the kind check can refuse it.
  ExpectUnauthenticated(Authenticate("Bearer CRproc.IDcust1.good-CRproc"));
  EXPECT_FALSE(tokens_.verified_at.has_value());
  ExpectOneAuthFailure("CRproc", "APone");
}

TEST_F(AuthenticatorTest, JwtOfRevokedCredentialIsUnauthenticated) {
  ExpectUnauthenticated(Authenticate("Bearer JKold.IDcust1.good-JKold"));
  ExpectOneAuthFailure("JKold", "APthree");
}

TEST_F(AuthenticatorTest, StoreUnavailableIsUnavailable) {
  store_.FailWith(absl::UnavailableError("database unreachable"));

  absl::StatusOr<Caller> caller = Authenticate(Basic("CRproc:s3cret"));

  ASSERT_FALSE(caller.ok());
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(common::ErrorReasonOf(caller.status()), "UNAUTHENTICATED_CALLER");
}

// An outage says nothing about the caller: it is passed through for a retry and kept out of the
// trail of authentication failures, on every scheme.
TEST_F(AuthenticatorTest, StoreUnavailableIsPassedThroughAndNotAuditedAsAnAuthFailure) {
  absl::Status unavailable = absl::UnavailableError("database unreachable");
  store_.FailWith(unavailable);

  for (const std::string& header : {Basic("CRproc:s3cret"), std::string("Bearer SKkey_k3y"),
                                    std::string("Bearer JKjwt.IDcust1.good-JKjwt")}) {
    absl::StatusOr<Caller> caller = Authenticate(header);
    EXPECT_EQ(caller.status(), unavailable) << header;
  }
  EXPECT_THAT(audit_.events, IsEmpty());
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

TEST(RoleNameTest, CustomerRoundTrips) {
  EXPECT_EQ(RoleName(Role::kCustomer), "customer");
  EXPECT_EQ(RoleFromName("customer"), Role::kCustomer);
}

TEST(CredentialKindNameTest, RoundTripsTheStoredNames) {
  // These names are the credentials.kind values of the database's check constraint.
  EXPECT_EQ(CredentialKindName(CredentialKind::kBasic), "basic");
  EXPECT_EQ(CredentialKindName(CredentialKind::kApiKey), "api_key");
  EXPECT_EQ(CredentialKindName(CredentialKind::kPublishable), "publishable");
  EXPECT_EQ(CredentialKindName(CredentialKind::kJwtHs256), "jwt_hs256");
  for (CredentialKind kind : {CredentialKind::kBasic, CredentialKind::kApiKey,
                              CredentialKind::kPublishable, CredentialKind::kJwtHs256}) {
    EXPECT_EQ(CredentialKindFromName(CredentialKindName(kind)), kind);
  }
  EXPECT_FALSE(CredentialKindFromName("jwt").has_value());
  EXPECT_FALSE(CredentialKindFromName("").has_value());
}

TEST(RoleNameTest, UnknownNameIsNullopt) {
  EXPECT_FALSE(RoleFromName("").has_value());
  EXPECT_FALSE(RoleFromName("Admin").has_value());
  EXPECT_FALSE(RoleFromName("root").has_value());
}

}  // namespace
}  // namespace pi::instruments::domain
