// Tenancy end to end: every credential scheme over real gRPC, the full authorization matrix
// (each role against each RPC), forged and foreign credentials, cross-tenant isolation, reveal,
// the per-owner limit across two pi-server replicas, and the audit trail left behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <future>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "services/common/secret.h"
#include "services/instruments/crypto/customer_jwt.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;
using grpc::StatusCode;

constexpr char kPan[] = "4111111111111111";

testing::SystemUnderTest* sys = nullptr;

// One credential as create-credential printed it.
struct Credential {
  std::string id;
  std::string authorization;
  std::string signing_key;  // jwt_hs256 only, raw bytes
};

Credential ParseCredential(const std::string& json_text) {
  nlohmann::json j = nlohmann::json::parse(json_text);
  Credential c{j["credential_id"], j.value("authorization", ""), ""};
  if (j.contains("signing_key")) {
    absl::WebSafeBase64Unescape(j["signing_key"].get<std::string>(), &c.signing_key);
  }
  return c;
}

std::string Jwt(const Credential& key, const std::string& audience, const std::string& subject,
                absl::Duration lifetime = absl::Minutes(10)) {
  return absl::StrCat("Bearer ",
                      instruments::crypto::SignCustomerJwt(common::Secret(std::string(key.signing_key)), key.id, audience,
                                              subject, absl::Now() + lifetime));
}

// Audit events appended outside a write's transaction (reveals, refusals, authentication
// failures) commit shortly after the reply: polls until `sql` returns `at_least` rows, or 5 s.
template <typename... Args>
pqxx::result AwaitRows(size_t at_least, const std::string& sql, const Args&... args) {
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  for (;;) {
    pqxx::connection c(testing::TestDatabaseUrl());
    pqxx::read_transaction txn(c);
    pqxx::result rows = txn.exec_params(sql, args...);
    if (rows.size() >= at_least || absl::Now() > deadline) return rows;
    absl::SleepFor(absl::Milliseconds(20));
  }
}

class TenancyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::SystemUnderTest::Start("e2e-tenancy",
                                                   {.database_url = testing::TestDatabaseUrl()});
    ASSERT_TRUE(started.ok()) << started.status();
    sys = started->release();
    auto credential = [](std::vector<std::string> flags) {
      absl::StatusOr<std::string> out = sys->CreateCredential(flags);
      EXPECT_TRUE(out.ok()) << out.status();
      return out.ok() ? ParseCredential(*out) : Credential{};
    };
    api_key_ = credential({"--kind=api_key"});
    publishable_ = credential({"--kind=publishable"});
    jwt_key_ = credential({"--kind=jwt_hs256"});
    processor_ = credential({"--kind=basic", "--role=processor"});
    admin_ = credential({"--kind=api_key", "--role=admin"});
  }

  static void TearDownTestSuite() {
    delete sys;
    sys = nullptr;
  }

  void SetUp() override {
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", sys->grpc_port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::PaymentInstrumentService::NewStub(channel_);
  }

  static v1::CreatePaymentInstrumentRequest CardRequest(const std::string& identity) {
    v1::CreatePaymentInstrumentRequest request;
    v1::PaymentInstrument* pi = request.mutable_payment_instrument();
    pi->set_type(v1::PAYMENT_CARD);
    pi->set_identity(identity);
    pi->mutable_card()->set_number(kPan);
    pi->mutable_card()->set_expiration_month(12);
    pi->mutable_card()->set_expiration_year(2040);
    pi->mutable_card()->set_security_code("123");
    return request;
  }

  // Creates a card for `identity` as the merchant; returns its id.
  std::string CreateCard(const std::string& identity, const std::string& authorization) {
    v1::PaymentInstrument created;
    grpc::Status status = Call(authorization, &v1::PaymentInstrumentService::Stub::CreatePaymentInstrument,
                               CardRequest(identity), &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created.id();
  }

  template <typename Request, typename Response, typename Method>
  grpc::Status Call(const std::string& authorization, Method method, const Request& request,
                    Response* response, v1::PaymentInstrumentService::Stub* stub = nullptr) {
    grpc::ClientContext context;
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    context.AddMetadata("x-request-id", "RQtenancy");
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ((stub ? stub : stub_.get())->*method)(&context, request, response);
  }

  // The code of each RPC for `authorization`, keyed by RPC name. Uses `instrument` and
  // `identity` as the targets of reads and writes.
  std::map<std::string, StatusCode> EveryRpc(const std::string& authorization,
                                             const std::string& instrument,
                                             const std::string& identity) {
    using Stub = v1::PaymentInstrumentService::Stub;
    std::map<std::string, StatusCode> codes;
    {
      v1::PaymentInstrument out;
      codes["CreateFromData"] =
          Call(authorization, &Stub::CreatePaymentInstrument, CardRequest(identity), &out)
              .error_code();
      v1::CreatePaymentInstrumentRequest from_token;
      from_token.mutable_payment_instrument()->set_type(v1::PAYMENT_CARD);
      from_token.mutable_payment_instrument()->set_identity(identity);
      from_token.set_token("TKdoesnotexist");
      codes["CreateFromToken"] =
          Call(authorization, &Stub::CreatePaymentInstrument, from_token, &out).error_code();
      v1::GetPaymentInstrumentRequest get;
      get.set_name("paymentInstruments/" + instrument);
      codes["Get"] = Call(authorization, &Stub::GetPaymentInstrument, get, &out).error_code();
      v1::UpdatePaymentInstrumentRequest update;
      update.mutable_payment_instrument()->set_name("paymentInstruments/" + instrument);
      (*update.mutable_payment_instrument()->mutable_tags())["seen_by"] = "matrix";
      update.mutable_update_mask()->add_paths("tags");
      codes["Update"] =
          Call(authorization, &Stub::UpdatePaymentInstrument, update, &out).error_code();
    }
    {
      v1::ListPaymentInstrumentsResponse out;
      codes["List"] = Call(authorization, &Stub::ListPaymentInstruments,
                           v1::ListPaymentInstrumentsRequest(), &out)
                          .error_code();
    }
    {
      v1::Token out;
      v1::CreateTokenRequest token;
      token.mutable_token()->set_type(v1::PAYMENT_CARD);
      token.mutable_token()->mutable_card()->set_number(kPan);
      token.mutable_token()->mutable_card()->set_expiration_month(12);
      token.mutable_token()->mutable_card()->set_expiration_year(2040);
      codes["CreateToken"] = Call(authorization, &Stub::CreateToken, token, &out).error_code();
    }
    {
      v1::Identity out;
      v1::CreateIdentityRequest create;
      create.mutable_identity()->set_first_name("Matrix");
      codes["CreateIdentity"] =
          Call(authorization, &Stub::CreateIdentity, create, &out).error_code();
      v1::GetIdentityRequest get;
      get.set_name("identities/" + identity);
      codes["GetIdentity"] = Call(authorization, &Stub::GetIdentity, get, &out).error_code();
    }
    {
      v1::RevealPaymentInstrumentResponse out;
      v1::RevealPaymentInstrumentRequest reveal;
      reveal.set_name("paymentInstruments/" + instrument);
      reveal.set_reason("chargeback review");
      codes["Reveal"] =
          Call(authorization, &Stub::RevealPaymentInstrument, reveal, &out).error_code();
    }
    return codes;
  }

  static Credential api_key_, publishable_, jwt_key_, processor_, admin_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::PaymentInstrumentService::Stub> stub_;
};

Credential TenancyTest::api_key_, TenancyTest::publishable_, TenancyTest::jwt_key_,
    TenancyTest::processor_, TenancyTest::admin_;

constexpr StatusCode kOk = StatusCode::OK;
constexpr StatusCode kDenied = StatusCode::PERMISSION_DENIED;
// The matrix associates a token that does not exist: an allowed role gets that far.
constexpr StatusCode kNoSuchToken = StatusCode::NOT_FOUND;

TEST_F(TenancyTest, EachRoleAgainstEachRpc) {
  std::string identity = sys->identity_id();
  std::string instrument = CreateCard(identity, sys->basic_auth());
  ASSERT_FALSE(instrument.empty());
  std::string customer = Jwt(jwt_key_, sys->application_id(), identity);

  struct Row {
    std::string role;
    std::string authorization;
    std::map<std::string, StatusCode> expected;
  };
  std::vector<Row> rows = {
      {"merchant (Basic)", sys->basic_auth(),
       {{"CreateFromData", kOk}, {"CreateFromToken", kNoSuchToken}, {"Get", kOk}, {"List", kOk},
        {"Update", kOk}, {"CreateToken", kOk}, {"CreateIdentity", kOk},
        {"GetIdentity", kOk}, {"Reveal", kDenied}}},
      {"merchant (API key)", api_key_.authorization,
       {{"CreateFromData", kOk}, {"CreateFromToken", kNoSuchToken}, {"Get", kOk}, {"List", kOk},
        {"Update", kOk}, {"CreateToken", kOk}, {"CreateIdentity", kOk},
        {"GetIdentity", kOk}, {"Reveal", kDenied}}},
      {"publishable", publishable_.authorization,
       {{"CreateFromData", kDenied}, {"CreateFromToken", kNoSuchToken}, {"Get", kDenied},
        {"List", kDenied}, {"Update", kDenied}, {"CreateToken", kOk},
        {"CreateIdentity", kDenied}, {"GetIdentity", kDenied}, {"Reveal", kDenied}}},
      {"customer (JWT)", customer,
       {{"CreateFromData", kDenied}, {"CreateFromToken", kNoSuchToken}, {"Get", kOk}, {"List", kOk},
        {"Update", kOk}, {"CreateToken", kOk}, {"CreateIdentity", kDenied},
        {"GetIdentity", kOk}, {"Reveal", kDenied}}},
      {"processor", processor_.authorization,
       {{"CreateFromData", kDenied}, {"CreateFromToken", kDenied}, {"Get", kOk},
        {"List", kDenied}, {"Update", kDenied}, {"CreateToken", kDenied},
        {"CreateIdentity", kDenied}, {"GetIdentity", kDenied}, {"Reveal", kOk}}},
      {"admin", admin_.authorization,
       {{"CreateFromData", kOk}, {"CreateFromToken", kNoSuchToken}, {"Get", kOk}, {"List", kOk},
        {"Update", kOk}, {"CreateToken", kOk}, {"CreateIdentity", kOk},
        {"GetIdentity", kOk}, {"Reveal", kDenied}}},
  };
  for (const Row& row : rows) {
    std::map<std::string, StatusCode> actual = EveryRpc(row.authorization, instrument, identity);
    for (const auto& [rpc, code] : row.expected) {
      EXPECT_EQ(actual[rpc], code) << row.role << " calling " << rpc;
    }
  }
  // Without credentials every RPC is UNAUTHENTICATED, never PERMISSION_DENIED.
  for (const auto& [rpc, code] : EveryRpc("", instrument, identity)) {
    EXPECT_EQ(code, StatusCode::UNAUTHENTICATED) << rpc;
  }
}

TEST_F(TenancyTest, BadCredentialsAreUnauthenticated) {
  std::string identity = sys->identity_id();
  Credential other_jwt = ParseCredential(*sys->CreateCredential({"--kind=jwt_hs256"}));
  Credential forged = jwt_key_;
  forged.signing_key = std::string(32, 'k');
  std::string valid = Jwt(jwt_key_, sys->application_id(), identity);
  std::string header_none = absl::WebSafeBase64Escape(
      absl::StrCat(R"({"alg":"none","typ":"JWT","kid":")", jwt_key_.id, R"("})"));
  std::string payload = valid.substr(valid.find('.') + 1);
  payload = payload.substr(0, payload.find('.'));

  std::map<std::string, std::string> cases = {
      {"wrong password", absl::StrCat("Basic ", absl::Base64Escape(
                                                    absl::StrCat(processor_.id, ":wrong")))},
      {"unknown key", "Bearer SKunknown_abcdefghijklmnopqrstuv"},
      {"api key with a wrong secret", absl::StrCat("Bearer ", api_key_.id, "_wrong")},
      {"malformed", "Bearer"},
      {"unknown scheme", "Token abc"},
      {"basic credential as bearer", absl::StrCat("Bearer ", processor_.id, "_x")},
      {"forged JWT", Jwt(forged, sys->application_id(), identity)},
      {"expired JWT", Jwt(jwt_key_, sys->application_id(), identity, -absl::Minutes(1))},
      {"alg none JWT", absl::StrCat("Bearer ", header_none, ".", payload, ".")},
      {"JWT for another audience", Jwt(jwt_key_, "APsomeoneelse", identity)},
      {"JWT signed with another credential's key",
       Jwt({jwt_key_.id, "", other_jwt.signing_key}, sys->application_id(), identity)},
  };
  for (const auto& [name, authorization] : cases) {
    v1::ListPaymentInstrumentsResponse out;
    grpc::Status status = Call(authorization, &v1::PaymentInstrumentService::Stub::ListPaymentInstruments,
                               v1::ListPaymentInstrumentsRequest(), &out);
    EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED) << name;
    EXPECT_EQ(status.error_message(), "missing or invalid credentials") << name;
  }
}

TEST_F(TenancyTest, RevokedCredentialStopsAuthenticatingOnceTheNotificationArrives) {
  Credential key = ParseCredential(*sys->CreateCredential({"--kind=api_key"}));
  using Stub = v1::PaymentInstrumentService::Stub;
  v1::ListPaymentInstrumentsResponse page;
  ASSERT_TRUE(Call(key.authorization, &Stub::ListPaymentInstruments,
                   v1::ListPaymentInstrumentsRequest(), &page)
                  .ok());
  ASSERT_TRUE(sys->AdminCommand({"revoke-credential", "--application=" + sys->application_id(),
                                 "--credential=" + key.id})
                  .ok());
  // pi-server's credential cache forgets the key when PostgreSQL's notification of the commit
  // arrives (milliseconds; the bound below only covers a loaded machine).
  StatusCode code = StatusCode::OK;
  for (absl::Time until = absl::Now() + absl::Seconds(10); absl::Now() < until;) {
    code = Call(key.authorization, &Stub::ListPaymentInstruments,
                v1::ListPaymentInstrumentsRequest(), &page)
               .error_code();
    if (code != StatusCode::OK) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(code, StatusCode::UNAUTHENTICATED);
  // Revoking twice, or another application's credential, is refused.
  EXPECT_FALSE(sys->AdminCommand({"revoke-credential", "--application=" + sys->application_id(),
                                  "--credential=" + key.id})
                   .ok());
  EXPECT_FALSE(sys->AdminCommand({"revoke-credential", "--application=APother",
                                  "--credential=" + api_key_.id})
                   .ok());
}

TEST_F(TenancyTest, AnotherApplicationSeesNothingOfThisOne) {
  std::string identity = sys->identity_id();
  std::string instrument = CreateCard(identity, sys->basic_auth());
  absl::StatusOr<std::string> other_app_json =
      sys->AdminCommand({"create-application", "--name=other", "--kind=api_key"});
  ASSERT_TRUE(other_app_json.ok()) << other_app_json.status();
  nlohmann::json other_app = nlohmann::json::parse(*other_app_json);
  std::string other = other_app["authorization"];
  Credential other_jwt_key = ParseCredential(*sys->AdminCommand(
      {"create-credential", "--application=" + other_app["application_id"].get<std::string>(),
       "--kind=jwt_hs256"}));
  Credential other_processor = ParseCredential(*sys->AdminCommand(
      {"create-credential", "--application=" + other_app["application_id"].get<std::string>(),
       "--kind=basic", "--role=processor"}));
  using Stub = v1::PaymentInstrumentService::Stub;

  v1::PaymentInstrument out;
  v1::GetPaymentInstrumentRequest get;
  get.set_name("paymentInstruments/" + instrument);
  EXPECT_EQ(Call(other, &Stub::GetPaymentInstrument, get, &out).error_code(),
            StatusCode::NOT_FOUND);
  v1::UpdatePaymentInstrumentRequest update;
  update.mutable_payment_instrument()->set_name("paymentInstruments/" + instrument);
  update.mutable_payment_instrument()->set_enabled(false);
  update.mutable_update_mask()->add_paths("enabled");
  EXPECT_EQ(Call(other, &Stub::UpdatePaymentInstrument, update, &out).error_code(),
            StatusCode::NOT_FOUND);
  v1::ListPaymentInstrumentsResponse page;
  v1::ListPaymentInstrumentsRequest list;
  list.set_identity(identity);
  ASSERT_TRUE(Call(other, &Stub::ListPaymentInstruments, list, &page).ok());
  EXPECT_EQ(page.payment_instruments_size(), 0);
  // Creating for this application's identity: the owner does not exist over there.
  EXPECT_EQ(Call(other, &Stub::CreatePaymentInstrument, CardRequest(identity), &out).error_code(),
            StatusCode::INVALID_ARGUMENT);
  v1::Identity found_identity;
  v1::GetIdentityRequest get_identity;
  get_identity.set_name("identities/" + identity);
  EXPECT_EQ(Call(other, &Stub::GetIdentity, get_identity, &found_identity).error_code(),
            StatusCode::NOT_FOUND);
  v1::RevealPaymentInstrumentResponse revealed;
  v1::RevealPaymentInstrumentRequest reveal;
  reveal.set_name("paymentInstruments/" + instrument);
  reveal.set_reason("cross-tenant probe");
  EXPECT_EQ(Call(other_processor.authorization, &Stub::RevealPaymentInstrument, reveal, &revealed)
                .error_code(),
            StatusCode::NOT_FOUND);
  // The other application's customer JWT naming this application's identity finds nothing.
  std::string foreign_customer =
      Jwt(other_jwt_key, other_app["application_id"].get<std::string>(), identity);
  EXPECT_EQ(Call(foreign_customer, &Stub::GetPaymentInstrument, get, &out).error_code(),
            StatusCode::NOT_FOUND);
  // And this instrument is untouched.
  ASSERT_TRUE(Call(sys->basic_auth(), &Stub::GetPaymentInstrument, get, &out).ok());
  EXPECT_TRUE(out.enabled());
}

TEST_F(TenancyTest, CustomerSeesOnlyItsOwnIdentity) {
  std::string mine = sys->identity_id();
  std::string theirs = sys->CreateIdentity();
  ASSERT_FALSE(theirs.empty());
  std::string their_card = CreateCard(theirs, sys->basic_auth());
  std::string my_card = CreateCard(mine, sys->basic_auth());
  std::string me = Jwt(jwt_key_, sys->application_id(), mine);
  using Stub = v1::PaymentInstrumentService::Stub;

  v1::PaymentInstrument out;
  v1::GetPaymentInstrumentRequest get;
  get.set_name("paymentInstruments/" + their_card);
  EXPECT_EQ(Call(me, &Stub::GetPaymentInstrument, get, &out).error_code(), StatusCode::NOT_FOUND);
  get.set_name("paymentInstruments/" + my_card);
  EXPECT_TRUE(Call(me, &Stub::GetPaymentInstrument, get, &out).ok());
  v1::ListPaymentInstrumentsResponse page;
  ASSERT_TRUE(
      Call(me, &Stub::ListPaymentInstruments, v1::ListPaymentInstrumentsRequest(), &page).ok());
  ASSERT_GT(page.payment_instruments_size(), 0);
  for (const v1::PaymentInstrument& i : page.payment_instruments()) EXPECT_EQ(i.identity(), mine);
  v1::Identity identity;
  v1::GetIdentityRequest get_identity;
  get_identity.set_name("identities/" + theirs);
  EXPECT_EQ(Call(me, &Stub::GetIdentity, get_identity, &identity).error_code(),
            StatusCode::NOT_FOUND);
}

TEST_F(TenancyTest, RevealReturnsTheNumberAndIsAudited) {
  std::string instrument = CreateCard(sys->identity_id(), sys->basic_auth());
  v1::RevealPaymentInstrumentResponse revealed;
  v1::RevealPaymentInstrumentRequest reveal;
  reveal.set_name("paymentInstruments/" + instrument);
  reveal.set_reason("network token provisioning");
  grpc::Status status = Call(processor_.authorization,
                             &v1::PaymentInstrumentService::Stub::RevealPaymentInstrument, reveal,
                             &revealed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(revealed.number(), kPan);
  EXPECT_EQ(revealed.expiration_month(), 12);
  EXPECT_EQ(revealed.expiration_year(), 2040);
  reveal.set_reason("");
  EXPECT_EQ(Call(processor_.authorization,
                 &v1::PaymentInstrumentService::Stub::RevealPaymentInstrument, reveal, &revealed)
                .error_code(),
            StatusCode::INVALID_ARGUMENT);

  pqxx::result rows = AwaitRows(
      2,
      "SELECT outcome, credential_id, request_id, detail FROM audit_events "
      "WHERE application_id = $1 AND action = 'instrument.reveal' AND resource_id = $2 "
      // Audit events are appended asynchronously, so two calls' rows may land in either order.
      "ORDER BY outcome = 'OK' DESC",
      sys->application_id(), instrument);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].as<std::string>(), "OK");
  EXPECT_EQ(rows[0][1].as<std::string>(), processor_.id);
  EXPECT_EQ(rows[0][2].as<std::string>(), "RQtenancy");
  EXPECT_EQ(rows[0][3].as<std::string>(), "network token provisioning");
  EXPECT_EQ(rows[1][0].as<std::string>(), "INVALID_FIELDS");
  EXPECT_EQ(rows[1][3].as<std::string>(), "");
}

TEST_F(TenancyTest, AuditTrailRecordsEachActionWithoutSensitiveData) {
  std::string instrument = CreateCard(sys->identity_id(), sys->basic_auth());
  v1::PaymentInstrument out;
  v1::UpdatePaymentInstrumentRequest disable;
  disable.mutable_payment_instrument()->set_name("paymentInstruments/" + instrument);
  disable.mutable_payment_instrument()->set_enabled(false);
  disable.mutable_update_mask()->add_paths("enabled");
  ASSERT_TRUE(Call(sys->basic_auth(), &v1::PaymentInstrumentService::Stub::UpdatePaymentInstrument,
                   disable, &out)
                  .ok());
  v1::ListPaymentInstrumentsResponse page;
  Call(absl::StrCat("Bearer ", api_key_.id, "_wrongsecret"),
       &v1::PaymentInstrumentService::Stub::ListPaymentInstruments,
       v1::ListPaymentInstrumentsRequest(), &page);
  EXPECT_GE(AwaitRows(1,
                      "SELECT 1 FROM audit_events WHERE application_id = $1 "
                      "AND action = 'auth.failure' AND credential_id = $2",
                      sys->application_id(), api_key_.id)
                .size(),
            1u);

  pqxx::connection c(testing::TestDatabaseUrl());
  pqxx::read_transaction txn(c);
  auto count = [&](const std::string& action, const std::string& resource) {
    return txn
        .exec_params("SELECT count(*) FROM audit_events WHERE application_id = $1 AND action = $2 "
                     "AND ($3 = '' OR resource_id = $3)",
                     sys->application_id(), action, resource)[0][0]
        .as<int>();
  };
  EXPECT_EQ(count("instrument.create", instrument), 1);
  EXPECT_EQ(count("instrument.disable", instrument), 1);
  EXPECT_GE(count("identity.create", sys->identity_id()), 1);
  EXPECT_GE(count("credential.create", api_key_.id), 1);
  EXPECT_GE(count("application.create", sys->application_id()), 1);
  // Nothing in the whole trail looks like a number, a secret or a key.
  pqxx::result all = txn.exec("SELECT row_to_json(a)::text FROM audit_events a");
  std::string api_secret = api_key_.authorization.substr(api_key_.authorization.find('_') + 1);
  for (const pqxx::row& row : all) {
    std::string text = row[0].as<std::string>();
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(kPan)));
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("wrongsecret")));
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(api_secret)));
  }
}

TEST_F(TenancyTest, OwnerLimitHoldsAcrossTwoServerReplicas) {
  absl::StatusOr<std::string> app_json = sys->AdminCommand(
      {"create-application", "--name=limited", "--kind=api_key",
       "--max_instruments_per_identity=10"});
  ASSERT_TRUE(app_json.ok()) << app_json.status();
  std::string merchant = nlohmann::json::parse(*app_json)["authorization"];
  v1::Identity owner;
  ASSERT_TRUE(Call(merchant, &v1::PaymentInstrumentService::Stub::CreateIdentity,
                   v1::CreateIdentityRequest(), &owner)
                  .ok());
  absl::StatusOr<int> replica_port = sys->StartReplica();
  ASSERT_TRUE(replica_port.ok()) << replica_port.status();
  auto replica = v1::PaymentInstrumentService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", *replica_port), grpc::InsecureChannelCredentials()));

  struct Pending {
    grpc::ClientContext context;
    v1::CreatePaymentInstrumentRequest request;
    v1::PaymentInstrument response;
    std::promise<grpc::Status> done;
  };
  std::vector<std::unique_ptr<Pending>> calls;
  for (int i = 0; i < 50; ++i) {
    auto call = std::make_unique<Pending>();
    call->context.AddMetadata("authorization", merchant);
    call->request = CardRequest(owner.id());
    v1::PaymentInstrumentService::Stub* stub = i % 2 == 0 ? stub_.get() : replica.get();
    Pending* p = call.get();
    stub->async()->CreatePaymentInstrument(&p->context, &p->request, &p->response,
                                           [p](grpc::Status s) { p->done.set_value(s); });
    calls.push_back(std::move(call));
  }
  int created = 0, refused = 0;
  for (auto& call : calls) {
    grpc::Status status = call->done.get_future().get();
    if (status.ok()) {
      ++created;
    } else {
      EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION) << status.error_message();
      ++refused;
    }
  }
  EXPECT_EQ(created, 10);
  EXPECT_EQ(refused, 40);
}

}  // namespace
}  // namespace pi
