#include "services/instruments/domain/customer_signup.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/error.h"

namespace pi::instruments::domain {
namespace {

class FakeJwtCredentials : public CustomerJwtCredentials {
 public:
  void FindSigningCredential(std::string application_id, FindDone done) override {
    asked_for.push_back(application_id);
    std::move(done)(answer);
  }
  absl::StatusOr<std::string> answer = std::string("CRjwt");
  std::vector<std::string> asked_for;
};

class FakeIdentities : public IdentityRepository {
 public:
  void Insert(Identity identity, AuditEvent audit, InsertDone done) override {
    if (!status.ok()) return std::move(done)(status);
    inserted.push_back(std::move(identity));
    audits.push_back(std::move(audit));
    std::move(done)(absl::OkStatus());
  }
  void Find(std::string, std::string, FindDone done) override {
    std::move(done)(absl::NotFoundError("unused"));
  }
  void FindByExternalId(std::string, std::string, FindDone done) override {
    std::move(done)(absl::NotFoundError("unused"));
  }
  absl::Status status;
  std::vector<Identity> inserted;
  std::vector<AuditEvent> audits;
};

// "jwt(application/credential/identity@expiry)": what was signed, readable in assertions.
class FakeIssuer : public CustomerTokenIssuer {
 public:
  std::string Issue(absl::string_view application_id, absl::string_view credential_id,
                    absl::string_view identity_id, absl::Time expires) const override {
    return absl::StrCat("jwt(", application_id, "/", credential_id, "/", identity_id, "@",
                        absl::ToUnixSeconds(expires), ")");
  }
};

class RecordingAudit : public AuditLog {
 public:
  void Append(AuditEvent event) override { events.push_back(std::move(event)); }
  std::vector<AuditEvent> events;
};

class SequentialIds : public IdGenerator {
 public:
  std::string NewId(absl::string_view prefix) const override {
    return absl::StrCat(prefix, "new", ++count_);
  }
  mutable int count_ = 0;
};

class CustomerSignupTest : public ::testing::Test {
 protected:
  CustomerSignupTest()
      : signup_({credentials_, identities_, issuer_, audit_, ids_,
                 [this](const Caller& caller, TokenAssociation association,
                        InstrumentService::Done done) {
                   associations_.push_back({caller, association});
                   if (!associate_status_.ok()) return std::move(done)(associate_status_);
                   Instrument made;
                   made.id = "PIone";
                   made.identity_id = association.identity_id;
                   std::move(done)(made);
                 },
                 [] { return absl::FromUnixSeconds(1000); }, absl::Seconds(60)}) {
    caller_.application_id = "APone";
    caller_.credential_id = "CRpublishable";
    caller_.role = Role::kPublishable;
  }

  absl::StatusOr<SignedUpCustomer> SignUp() {
    absl::StatusOr<SignedUpCustomer> out = absl::UnknownError("done never ran");
    TokenAssociation association;
    association.token_id = "TKone";
    association.identity_id = "IDsomeoneelse";  // ignored: the new identity owns it
    signup_.SignUp(caller_, association,
                   [&](absl::StatusOr<SignedUpCustomer> r) { out = std::move(r); });
    return out;
  }

  FakeJwtCredentials credentials_;
  FakeIdentities identities_;
  FakeIssuer issuer_;
  RecordingAudit audit_;
  SequentialIds ids_;
  absl::Status associate_status_;
  std::vector<std::pair<Caller, TokenAssociation>> associations_;
  CustomerSignup signup_;
  Caller caller_;
};

TEST_F(CustomerSignupTest, MakesAnIdentityAssociatesTheTokenAndSignsAJwtNamingIt) {
  absl::StatusOr<SignedUpCustomer> out = SignUp();
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(identities_.inserted.size(), 1u);
  const Identity& identity = identities_.inserted[0];
  EXPECT_EQ(identity.id, "IDnew1");
  EXPECT_EQ(identity.application_id, "APone");
  ASSERT_EQ(associations_.size(), 1u);
  EXPECT_EQ(associations_[0].second.identity_id, "IDnew1");
  EXPECT_EQ(associations_[0].second.token_id, "TKone");
  EXPECT_EQ(out->instrument.identity_id, "IDnew1");
  EXPECT_EQ(out->customer_token, "jwt(APone/CRjwt/IDnew1@1060)");
  EXPECT_EQ(out->customer_token_expire_time, absl::FromUnixSeconds(1060));
  EXPECT_EQ(credentials_.asked_for, std::vector<std::string>{"APone"});
  EXPECT_EQ(identities_.audits[0].action, "identity.create");
  ASSERT_EQ(audit_.events.size(), 1u);
  EXPECT_EQ(audit_.events[0].action, "customer.signup");
  EXPECT_EQ(audit_.events[0].resource_id, "IDnew1");
  EXPECT_EQ(audit_.events[0].outcome, "OK");
}

TEST_F(CustomerSignupTest, WithoutASigningCredentialNothingIsCreated) {
  credentials_.answer = absl::NotFoundError("none");
  absl::StatusOr<SignedUpCustomer> out = SignUp();
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(out.status()), "CUSTOMER_JWT_NOT_CONFIGURED");
  EXPECT_TRUE(identities_.inserted.empty());
  EXPECT_TRUE(associations_.empty());
  ASSERT_EQ(audit_.events.size(), 1u);
  EXPECT_EQ(audit_.events[0].outcome, "CUSTOMER_JWT_NOT_CONFIGURED");
}

TEST_F(CustomerSignupTest, AFailedAssociationIssuesNoToken) {
  associate_status_ = common::MakeError(absl::StatusCode::kFailedPrecondition,
                                        "TOKEN_ALREADY_USED", "used");
  absl::StatusOr<SignedUpCustomer> out = SignUp();
  EXPECT_EQ(common::ErrorReasonOf(out.status()), "TOKEN_ALREADY_USED");
  ASSERT_EQ(audit_.events.size(), 1u);
  EXPECT_EQ(audit_.events[0].outcome, "TOKEN_ALREADY_USED");
}

TEST_F(CustomerSignupTest, StorageErrorsPassThrough) {
  credentials_.answer = absl::UnavailableError("down");
  EXPECT_EQ(SignUp().status().code(), absl::StatusCode::kUnavailable);
  credentials_.answer = std::string("CRjwt");
  identities_.status = absl::UnavailableError("down");
  EXPECT_EQ(SignUp().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(associations_.empty());
}

}  // namespace
}  // namespace pi::instruments::domain
