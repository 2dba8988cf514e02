#include "services/instruments/domain/identity_service.h"

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"
#include "services/instruments/domain/authenticator.h"  // RoleName
#include "services/instruments/domain/ports.h"

namespace pi::instruments::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

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

RecordedEvent Recorded(const AuditEvent& e) {
  return {e.application_id, e.credential_id, e.action, e.resource_id, e.outcome, e.request_id};
}

std::vector<RecordedEvent> Recorded(const std::vector<AuditEvent>& events) {
  std::vector<RecordedEvent> out;
  for (const AuditEvent& e : events) out.push_back(Recorded(e));
  return out;
}

// Identities keyed by (application, id), with the storage contract of ports.h: ALREADY_EXISTS for
// an external id the application already has, NOT_FOUND (RESOURCE_NOT_FOUND) for ids of other
// applications. Keeps the audit event that would commit with each row. Completes synchronously.
class FakeIdentityRepository : public IdentityRepository {
 public:
  void Insert(Identity identity, AuditEvent audit, InsertDone done) override {
    ++inserts_;
    if (!insert_status_.ok()) return std::move(done)(insert_status_);
    if (!identity.external_id.empty() && FindBy(identity.application_id, [&](const Identity& i) {
          return i.external_id == identity.external_id;
        })) {
      return std::move(done)(common::MakeError(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
                                               "an identity with this external id already exists"));
    }
    committed_audits_.push_back(std::move(audit));
    std::string application_id = identity.application_id;
    std::string id = identity.id;
    rows_[{std::move(application_id), std::move(id)}] = std::move(identity);
    std::move(done)(absl::OkStatus());
  }

  void Find(std::string application_id, std::string id, FindDone done) override {
    Answer(FindBy(application_id, [&](const Identity& i) { return i.id == id; }), std::move(done));
  }

  void FindByExternalId(std::string application_id, std::string external_id,
                        FindDone done) override {
    Answer(FindBy(application_id, [&](const Identity& i) { return i.external_id == external_id; }),
           std::move(done));
  }

  void FailWith(absl::Status status) {
    insert_status_ = status;
    find_status_ = std::move(status);
  }
  int inserts() const { return inserts_; }
  const std::map<std::pair<std::string, std::string>, Identity>& rows() const { return rows_; }
  // The audit events that committed with inserted rows.
  const std::vector<AuditEvent>& committed_audits() const { return committed_audits_; }

 private:
  template <typename Pred>
  const Identity* FindBy(const std::string& application_id, Pred pred) const {
    for (const auto& [key, identity] : rows_) {
      if (key.first == application_id && pred(identity)) return &identity;
    }
    return nullptr;
  }

  void Answer(const Identity* found, FindDone done) const {
    if (!find_status_.ok()) return std::move(done)(find_status_);
    if (found == nullptr) {
      return std::move(done)(common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                                               "identity not found"));
    }
    std::move(done)(*found);
  }

  std::map<std::pair<std::string, std::string>, Identity> rows_;
  std::vector<AuditEvent> committed_audits_;
  absl::Status insert_status_;
  absl::Status find_status_;
  int inserts_ = 0;
};

class RecordingAuditLog : public AuditLog {
 public:
  void Append(AuditEvent event) override { events.push_back(std::move(event)); }
  std::vector<AuditEvent> events;
};

// prefix + a running number, remembering the prefixes it was asked for.
class FakeIdGenerator : public IdGenerator {
 public:
  std::string NewId(absl::string_view prefix) const override {
    prefixes.push_back(std::string(prefix));
    return absl::StrCat(prefix, "000", prefixes.size());
  }
  mutable std::vector<std::string> prefixes;
};

absl::Time FixedNow() {
  return absl::FromCivil(absl::CivilSecond(2025, 6, 15, 12, 30, 0), absl::UTCTimeZone());
}

Caller MerchantOf(std::string application_id) {
  return Caller{std::move(application_id), "USmerchant", Role::kMerchant, "", "RQ1"};
}

Caller CustomerOf(std::string application_id, std::string identity_id) {
  return Caller{std::move(application_id), "JKcustomer", Role::kCustomer, std::move(identity_id),
                "RQ2"};
}

Identity NewIdentity(std::string external_id) {
  Identity identity;
  identity.external_id = std::move(external_id);
  identity.first_name = "Jane";
  identity.last_name = "Doe";
  identity.email = "jane@example.com";
  return identity;
}

class IdentityServiceTest : public ::testing::Test {
 protected:
  // Starts a use case with a `done` that records its result; fails unless it ran exactly once.
  template <typename Start>
  absl::StatusOr<Identity> Await(Start start) {
    std::optional<absl::StatusOr<Identity>> result;
    int calls = 0;
    start([&](absl::StatusOr<Identity> r) {
      ++calls;
      result = std::move(r);
    });
    EXPECT_EQ(calls, 1);
    return result.value_or(absl::InternalError("done never ran"));
  }

  absl::StatusOr<Identity> Create(const Caller& caller, Identity identity) {
    return Await([&](IdentityService::Done done) {
      service_.Create(caller, std::move(identity), std::move(done));
    });
  }
  absl::StatusOr<Identity> Get(const Caller& caller, std::string id) {
    return Await(
        [&](IdentityService::Done done) { service_.Get(caller, std::move(id), std::move(done)); });
  }
  absl::StatusOr<Identity> GetByExternalId(const Caller& caller, std::string external_id) {
    return Await([&](IdentityService::Done done) {
      service_.GetByExternalId(caller, std::move(external_id), std::move(done));
    });
  }

  // Creates an identity as a merchant of `application_id` and returns its id.
  std::string Seed(const std::string& application_id, std::string external_id) {
    absl::StatusOr<Identity> created =
        Create(MerchantOf(application_id), NewIdentity(std::move(external_id)));
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id : "";
  }

  static void ExpectNotFound(const absl::StatusOr<Identity>& result) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(common::ErrorReasonOf(result.status()), "RESOURCE_NOT_FOUND");
  }

  FakeIdentityRepository repository_;
  RecordingAuditLog audit_;
  FakeIdGenerator ids_;
  IdentityService service_{repository_, audit_, ids_, [] { return FixedNow(); }};
};

TEST_F(IdentityServiceTest, CreateAssignsIdApplicationAndTimesAndStoresTheIdentity) {
  Identity submitted = NewIdentity("cust-1");
  // Whatever the caller puts here is overwritten: the service owns these fields.
  submitted.id = "IDforged";
  submitted.application_id = "APother";
  submitted.create_time = absl::UnixEpoch();

  absl::StatusOr<Identity> created = Create(MerchantOf("APone"), std::move(submitted));

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->id, "ID0001");
  EXPECT_THAT(ids_.prefixes, ElementsAre("ID"));
  EXPECT_EQ(created->application_id, "APone");
  EXPECT_EQ(created->create_time, FixedNow());
  EXPECT_EQ(created->update_time, FixedNow());
  EXPECT_EQ(created->external_id, "cust-1");
  EXPECT_EQ(created->first_name, "Jane");
  EXPECT_EQ(created->email, "jane@example.com");
  ASSERT_THAT(repository_.rows(), SizeIs(1));
  const Identity& stored = repository_.rows().begin()->second;
  EXPECT_EQ(stored.id, "ID0001");
  EXPECT_EQ(stored.application_id, "APone");
  EXPECT_EQ(stored.create_time, FixedNow());
}

TEST_F(IdentityServiceTest, CreateCommitsItsAuditEventWithTheRowAndAppendsNothingElse) {
  absl::StatusOr<Identity> created = Create(MerchantOf("APone"), NewIdentity("cust-1"));

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_THAT(
      Recorded(repository_.committed_audits()),
      ElementsAre(RecordedEvent{"APone", "USmerchant", "identity.create", "ID0001", "OK", "RQ1"}));
  EXPECT_THAT(audit_.events, IsEmpty());
}

TEST_F(IdentityServiceTest, InvalidIdentityIsRejectedAuditedAndNeverStored) {
  Identity identity = NewIdentity("cust-1");
  identity.email = "not-an-email";

  absl::StatusOr<Identity> result = Create(MerchantOf("APone"), std::move(identity));

  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReasonOf(result.status()), "INVALID_FIELDS");
  EXPECT_EQ(repository_.inserts(), 0);
  EXPECT_THAT(ids_.prefixes, IsEmpty());  // no id is spent on a refused identity
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USmerchant", "identity.create", "",
                                        "INVALID_FIELDS", "RQ1"}));
}

TEST_F(IdentityServiceTest, DuplicateExternalIdIsAlreadyExistsAndAudited) {
  Seed("APone", "cust-1");

  absl::StatusOr<Identity> result = Create(MerchantOf("APone"), NewIdentity("cust-1"));

  EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(common::ErrorReasonOf(result.status()), "ALREADY_EXISTS");
  EXPECT_THAT(repository_.rows(), SizeIs(1));
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USmerchant", "identity.create", "",
                                        "ALREADY_EXISTS", "RQ1"}));
}

TEST_F(IdentityServiceTest, RepositoryFailureIsPassedThroughAndAuditedByCode) {
  repository_.FailWith(absl::UnavailableError("database is down"));

  absl::StatusOr<Identity> result = Create(MerchantOf("APone"), NewIdentity("cust-1"));

  EXPECT_EQ(result.status(), absl::UnavailableError("database is down"));
  // No ErrorInfo reason on the status: the outcome falls back to the code's name.
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USmerchant", "identity.create", "", "UNAVAILABLE",
                                        "RQ1"}));
}

TEST_F(IdentityServiceTest, SameExternalIdInAnotherApplicationIsAllowed) {
  Seed("APone", "cust-1");
  absl::StatusOr<Identity> other = Create(MerchantOf("APtwo"), NewIdentity("cust-1"));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->application_id, "APtwo");
}

TEST_F(IdentityServiceTest, MerchantGetsAnyIdentityOfItsApplication) {
  std::string first = Seed("APone", "cust-1");
  std::string second = Seed("APone", "cust-2");

  absl::StatusOr<Identity> found = Get(MerchantOf("APone"), second);

  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, second);
  EXPECT_EQ(found->external_id, "cust-2");
  EXPECT_TRUE(Get(MerchantOf("APone"), first).ok());
}

TEST_F(IdentityServiceTest, GetOfAnotherApplicationsIdentityIsNotFound) {
  std::string id = Seed("APone", "cust-1");
  ExpectNotFound(Get(MerchantOf("APtwo"), id));
}

TEST_F(IdentityServiceTest, GetByExternalIdFindsTheApplicationsIdentityOnly) {
  std::string id = Seed("APone", "cust-1");

  absl::StatusOr<Identity> found = GetByExternalId(MerchantOf("APone"), "cust-1");

  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, id);
  ExpectNotFound(GetByExternalId(MerchantOf("APtwo"), "cust-1"));
  ExpectNotFound(GetByExternalId(MerchantOf("APone"), "cust-9"));
}

TEST_F(IdentityServiceTest, CustomerGetsItsOwnIdentity) {
  std::string own = Seed("APone", "cust-1");

  absl::StatusOr<Identity> by_id = Get(CustomerOf("APone", own), own);
  absl::StatusOr<Identity> by_external_id = GetByExternalId(CustomerOf("APone", own), "cust-1");

  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_EQ(by_id->id, own);
  ASSERT_TRUE(by_external_id.ok()) << by_external_id.status();
  EXPECT_EQ(by_external_id->id, own);
}

TEST_F(IdentityServiceTest, CustomerGetsNotFoundForAnotherIdentityOfItsApplication) {
  std::string own = Seed("APone", "cust-1");
  std::string other = Seed("APone", "cust-2");

  ExpectNotFound(Get(CustomerOf("APone", own), other));
  ExpectNotFound(GetByExternalId(CustomerOf("APone", own), "cust-2"));
}

TEST_F(IdentityServiceTest, CustomerCannotTellAnotherIdentityFromAMissingOne) {
  std::string own = Seed("APone", "cust-1");
  std::string other = Seed("APone", "cust-2");

  absl::StatusOr<Identity> hidden = Get(CustomerOf("APone", own), other);
  absl::StatusOr<Identity> missing = Get(CustomerOf("APone", own), "IDmissing");

  EXPECT_EQ(hidden.status(), missing.status());
}

TEST_F(IdentityServiceTest, CustomerScopingPassesRepositoryErrorsThrough) {
  std::string own = Seed("APone", "cust-1");
  repository_.FailWith(absl::UnavailableError("database is down"));

  EXPECT_EQ(Get(CustomerOf("APone", own), own).status(),
            absl::UnavailableError("database is down"));
}

TEST_F(IdentityServiceTest, OnlyTheCustomerRoleIsScopedToOneIdentity) {
  std::string first = Seed("APone", "cust-1");
  std::string second = Seed("APone", "cust-2");

  for (Role role : {Role::kMerchant, Role::kProcessor, Role::kAdmin}) {
    // A stray identity on a non-customer caller must not narrow what it sees.
    Caller caller{"APone", "CRother", role, first, "RQ3"};
    EXPECT_TRUE(Get(caller, second).ok()) << RoleName(role);
  }
}

}  // namespace
}  // namespace pi::instruments::domain
