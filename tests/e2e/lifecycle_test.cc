// The instrument lifecycle end to end over real gRPC and REST: tokens made with a publishable
// key and associated by the merchant (exactly once, also when 100 try at once), token expiry
// with a short configured TTL and the sweeper, and idempotency keys (one instrument for 100
// concurrent creates with one key; a reused key refused).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <future>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;
using Stub = v1::PaymentInstrumentService::Stub;
using grpc::StatusCode;

constexpr char kPan[] = "5200828282828210";

// One running system per test: some tests configure the token TTL and sweeper.
class LifecycleTest : public ::testing::Test {
 protected:
  void Start(std::map<std::string, std::string> server_env = {}) {
    auto started = testing::SystemUnderTest::Start(
        "e2e-lifecycle", {.database_url = testing::TestDatabaseUrl(), .server_env = server_env});
    ASSERT_TRUE(started.ok()) << started.status();
    sys_ = *std::move(started);
    absl::StatusOr<std::string> publishable = sys_->CreateCredential({"--kind=publishable"});
    ASSERT_TRUE(publishable.ok()) << publishable.status();
    publishable_ = nlohmann::json::parse(*publishable)["authorization"];
    stub_ = v1::PaymentInstrumentService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", sys_->grpc_port()), grpc::InsecureChannelCredentials()));
  }

  template <typename Request, typename Response, typename Method>
  grpc::Status Call(const std::string& authorization, Method method, const Request& request,
                    Response* response, const std::string& idempotency_key = "") {
    grpc::ClientContext context;
    context.AddMetadata("authorization", authorization);
    if (!idempotency_key.empty()) context.AddMetadata("idempotency-key", idempotency_key);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return (stub_.get()->*method)(&context, request, response);
  }

  // A card token made the way hosted fields do: with the publishable key.
  v1::Token CreateCardToken(const std::string& security_code = "123") {
    v1::CreateTokenRequest request;
    v1::Token* token = request.mutable_token();
    token->set_type(v1::PAYMENT_CARD);
    token->mutable_card()->set_number(kPan);
    token->mutable_card()->set_expiration_month(12);
    token->mutable_card()->set_expiration_year(2040);
    token->mutable_card()->set_security_code(security_code);
    token->set_holder_name("Amy White");
    v1::Token created;
    grpc::Status status = Call(publishable_, &Stub::CreateToken, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  v1::CreatePaymentInstrumentRequest Association(const std::string& token_id) {
    v1::CreatePaymentInstrumentRequest request;
    request.mutable_payment_instrument()->set_type(v1::PAYMENT_CARD);
    request.mutable_payment_instrument()->set_identity(sys_->identity_id());
    request.set_token(token_id);
    return request;
  }

  v1::CreatePaymentInstrumentRequest CardRequest() {
    v1::CreatePaymentInstrumentRequest request;
    v1::PaymentInstrument* pi = request.mutable_payment_instrument();
    pi->set_type(v1::PAYMENT_CARD);
    pi->set_identity(sys_->identity_id());
    pi->mutable_card()->set_number(kPan);
    pi->mutable_card()->set_expiration_month(12);
    pi->mutable_card()->set_expiration_year(2040);
    return request;
  }

  // Sends `count` creates at once (callback API); returns each status and reply.
  std::vector<std::pair<grpc::Status, v1::PaymentInstrument>> CreateConcurrently(
      const v1::CreatePaymentInstrumentRequest& request, int count,
      const std::string& idempotency_key = "") {
    struct Pending {
      grpc::ClientContext context;
      v1::CreatePaymentInstrumentRequest request;
      v1::PaymentInstrument response;
      std::promise<grpc::Status> done;
    };
    std::vector<std::unique_ptr<Pending>> calls;
    for (int i = 0; i < count; ++i) {
      auto call = std::make_unique<Pending>();
      call->context.AddMetadata("authorization", sys_->basic_auth());
      if (!idempotency_key.empty()) call->context.AddMetadata("idempotency-key", idempotency_key);
      call->request = request;
      Pending* p = call.get();
      stub_->async()->CreatePaymentInstrument(&p->context, &p->request, &p->response,
                                              [p](grpc::Status s) { p->done.set_value(s); });
      calls.push_back(std::move(call));
    }
    std::vector<std::pair<grpc::Status, v1::PaymentInstrument>> out;
    for (auto& call : calls) out.emplace_back(call->done.get_future().get(), call->response);
    return out;
  }

  int InstrumentsOfTheIdentity() {
    v1::ListPaymentInstrumentsRequest list;
    list.set_identity(sys_->identity_id());
    list.set_page_size(100);
    v1::ListPaymentInstrumentsResponse page;
    EXPECT_TRUE(Call(sys_->basic_auth(), &Stub::ListPaymentInstruments, list, &page).ok());
    return page.payment_instruments_size();
  }

  std::unique_ptr<testing::SystemUnderTest> sys_;
  std::string publishable_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(LifecycleTest, TokenMadeWithThePublishableKeyIsAssociatedOnce) {
  Start();
  absl::Time before = absl::Now();
  v1::Token token = CreateCardToken();
  EXPECT_THAT(token.id(), ::testing::StartsWith("TK"));
  EXPECT_EQ(token.card().last_four(), "8210");
  EXPECT_EQ(token.card().number(), "");
  absl::Time expires = absl::FromUnixSeconds(token.expire_time().seconds());
  EXPECT_GE(expires, before + absl::Minutes(30) - absl::Seconds(2));
  EXPECT_LE(expires, absl::Now() + absl::Minutes(30) + absl::Seconds(2));

  // The merchant's server associates it with an identity.
  v1::PaymentInstrument instrument;
  grpc::Status status =
      Call(sys_->basic_auth(), &Stub::CreatePaymentInstrument, Association(token.id()), &instrument);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(instrument.created_via(), v1::TOKENIZATION);
  EXPECT_EQ(instrument.card().last_four(), "8210");
  EXPECT_EQ(instrument.holder_name(), "Amy White");
  EXPECT_EQ(instrument.fingerprint(), token.fingerprint());
  // The token's security code produced the verification, then was dropped.
  EXPECT_EQ(instrument.card().security_code_verification(), v1::SECURITY_CODE_MATCHED);

  v1::PaymentInstrument again;
  status = Call(sys_->basic_auth(), &Stub::CreatePaymentInstrument, Association(token.id()), &again);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("already used"));

  // Nothing of the token's payload is left in the database.
  pqxx::connection c(testing::TestDatabaseUrl());
  pqxx::read_transaction txn(c);
  EXPECT_TRUE(txn.exec_params("SELECT payload_ciphertext FROM tokens WHERE id = $1", token.id())[0][0]
                  .is_null());
}

TEST_F(LifecycleTest, HundredParallelAssociationsOfOneTokenMakeOneInstrument) {
  Start();
  v1::Token token = CreateCardToken();
  int created = 0, already_used = 0;
  for (const auto& [status, instrument] : CreateConcurrently(Association(token.id()), 100)) {
    if (status.ok()) {
      ++created;
    } else if (status.error_code() == StatusCode::FAILED_PRECONDITION) {
      ++already_used;
    } else {
      ADD_FAILURE() << status.error_code() << " " << status.error_message();
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(already_used, 99);
  EXPECT_EQ(InstrumentsOfTheIdentity(), 1);
}

TEST_F(LifecycleTest, HundredParallelCreatesWithOneIdempotencyKeyMakeOneInstrument) {
  Start();
  std::set<std::string> ids;
  int aborted = 0;
  for (const auto& [status, instrument] : CreateConcurrently(CardRequest(), 100, "order-42")) {
    if (status.ok()) {
      ids.insert(instrument.id());
    } else {
      EXPECT_EQ(status.error_code(), StatusCode::ABORTED) << status.error_message();
      ++aborted;
    }
  }
  ASSERT_EQ(ids.size(), 1u) << "every answer names the one instrument";
  RecordProperty("aborted_answers", aborted);
  EXPECT_EQ(InstrumentsOfTheIdentity(), 1);
  // A later retry gets the same instrument; a different request under the key is refused.
  v1::PaymentInstrument retried;
  ASSERT_TRUE(Call(sys_->basic_auth(), &Stub::CreatePaymentInstrument, CardRequest(), &retried,
                   "order-42")
                  .ok());
  EXPECT_EQ(retried.id(), *ids.begin());
  v1::CreatePaymentInstrumentRequest different = CardRequest();
  different.mutable_payment_instrument()->set_holder_name("Someone Else");
  v1::PaymentInstrument refused;
  grpc::Status status = Call(sys_->basic_auth(), &Stub::CreatePaymentInstrument, different,
                             &refused, "order-42");
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("different request"));
  EXPECT_EQ(InstrumentsOfTheIdentity(), 1);
  // The proto's request_id works as the key when the metadata is absent.
  v1::CreatePaymentInstrumentRequest by_request_id = CardRequest();
  by_request_id.set_request_id("order-43");
  v1::PaymentInstrument first, second;
  ASSERT_TRUE(Call(sys_->basic_auth(), &Stub::CreatePaymentInstrument, by_request_id, &first).ok());
  ASSERT_TRUE(Call(sys_->basic_auth(), &Stub::CreatePaymentInstrument, by_request_id, &second).ok());
  EXPECT_EQ(first.id(), second.id());
  EXPECT_EQ(InstrumentsOfTheIdentity(), 2);
}

TEST_F(LifecycleTest, ShortTtlTokenExpiresAndTheSweeperDeletesItsPayload) {
  Start({{"PI_TOKEN_TTL", "1s"}, {"PI_SWEEP_INTERVAL", "1s"}});
  v1::Token token = CreateCardToken();
  absl::SleepFor(absl::Milliseconds(1300));
  v1::PaymentInstrument instrument;
  grpc::Status status =
      Call(sys_->basic_auth(), &Stub::CreatePaymentInstrument, Association(token.id()), &instrument);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("expired"));
  bool swept = false;
  for (absl::Time deadline = absl::Now() + absl::Seconds(5); !swept && absl::Now() < deadline;) {
    pqxx::connection c(testing::TestDatabaseUrl());
    pqxx::read_transaction txn(c);
    swept = txn.exec_params("SELECT payload_ciphertext IS NULL FROM tokens WHERE id = $1",
                            token.id())[0][0]
                .as<bool>();
    if (!swept) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(swept);
  // Still expired (not "not found") after the sweep.
  status =
      Call(sys_->basic_auth(), &Stub::CreatePaymentInstrument, Association(token.id()), &instrument);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
}

TEST_F(LifecycleTest, FinixAssociatesATokenAndHonoursIdempotencyKeys) {
  Start();
  v1::Token token = CreateCardToken();
  std::map<std::string, std::string> headers = {{"Authorization", sys_->basic_auth()},
                                                {"Content-Type", "application/json"},
                                                {"Idempotency-Key", "finix-assoc-1"}};
  nlohmann::json body = {{"type", "TOKEN"}, {"token", token.id()},
                         {"identity", sys_->identity_id()}};
  absl::StatusOr<testing::HttpReply> created = testing::HttpCall(
      sys_->http_port(), "POST", "/payment_instruments", body.dump(), headers);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 201) << created->body;
  nlohmann::json instrument = nlohmann::json::parse(created->body);
  EXPECT_EQ(instrument["created_via"], "TOKEN");
  EXPECT_EQ(instrument["instrument_type"], "PAYMENT_CARD");
  EXPECT_EQ(instrument["last_four"], "8210");
  // The same request with the same key is answered with the same instrument (the token is
  // already used, but the key replays the stored result first).
  absl::StatusOr<testing::HttpReply> retried = testing::HttpCall(
      sys_->http_port(), "POST", "/payment_instruments", body.dump(), headers);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->status, 201) << retried->body;
  EXPECT_EQ(nlohmann::json::parse(retried->body)["id"], instrument["id"]);
  // Without the key, the used token is refused.
  headers.erase("Idempotency-Key");
  absl::StatusOr<testing::HttpReply> reused = testing::HttpCall(
      sys_->http_port(), "POST", "/payment_instruments", body.dump(), headers);
  ASSERT_TRUE(reused.ok());
  EXPECT_GE(reused->status, 400) << reused->body;
  EXPECT_LT(reused->status, 500) << reused->body;
}

TEST_F(LifecycleTest, AnotherApplicationCannotUseTheToken) {
  Start();
  v1::Token token = CreateCardToken();
  absl::StatusOr<std::string> other = sys_->AdminCommand(
      {"create-application", "--name=other", "--kind=api_key"});
  ASSERT_TRUE(other.ok());
  std::string other_merchant = nlohmann::json::parse(*other)["authorization"];
  v1::Identity owner;
  ASSERT_TRUE(
      Call(other_merchant, &Stub::CreateIdentity, v1::CreateIdentityRequest(), &owner).ok());
  v1::CreatePaymentInstrumentRequest request = Association(token.id());
  request.mutable_payment_instrument()->set_identity(owner.id());
  v1::PaymentInstrument instrument;
  EXPECT_EQ(Call(other_merchant, &Stub::CreatePaymentInstrument, request, &instrument).error_code(),
            StatusCode::NOT_FOUND);
  // The rightful owner still can.
  EXPECT_TRUE(Call(sys_->basic_auth(), &Stub::CreatePaymentInstrument, Association(token.id()),
                   &instrument)
                  .ok());
}

}  // namespace
}  // namespace pi
