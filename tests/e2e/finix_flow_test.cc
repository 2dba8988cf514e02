// End to end: the real pi-server and pi-gateway binaries on loopback, the real throwaway
// PostgreSQL, through the Finix dialect. A card is created over HTTP, read over HTTP and gRPC; bank
// accounts and wallets are created and read back; the
// stored row holds ciphertext only; bad input gets Finix's envelope with a 4xx; no log line holds
// the PAN; SIGTERM stops both processes with exit code 0.
#include <signal.h>

#include <filesystem>
#include <memory>
#include <set>
#include <optional>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/system_under_test.h"
#include "tests/support/http_client.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::HttpCall;
using testing::HttpReply;

constexpr char kPan[] = "5200828282828210";
constexpr char kSecurityCode[] = "987";

testing::SystemUnderTest* sys = nullptr;

class FinixFlowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::SystemUnderTest::Start(
        "e2e-finix", {.database_url = testing::TestDatabaseUrl(),
                      .gateway_env = {{"PI_PUBLIC_BASE_URL", "https://vault.example.com"},
                                      {"PI_MAX_BODY_BYTES", "8192"}}});
    ASSERT_TRUE(started.ok()) << started.status();
    sys = started->release();
  }

  static void TearDownTestSuite() {
    delete sys;  // kills anything still running
    sys = nullptr;
  }

  void SetUp() override { ASSERT_NE(sys, nullptr) << "the system did not start"; }

  static HttpReply Post(const std::string& target, const std::string& body,
                        std::map<std::string, std::string> headers = {}) {
    headers.emplace("Authorization", sys->basic_auth());
    headers.emplace("Content-Type", "application/json");
    auto reply = HttpCall(sys->http_port(), "POST", target, body, headers);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpReply{};
  }

  static HttpReply Get(const std::string& target) {
    auto reply = HttpCall(sys->http_port(), "GET", target, "", {{"Authorization", sys->basic_auth()}});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpReply{};
  }

  static nlohmann::json CardBody() {
    return {{"type", "PAYMENT_CARD"},
            {"identity", sys->identity_id()},
            {"number", kPan},
            {"expiration_month", 12},
            {"expiration_year", 2040},
            {"security_code", kSecurityCode},
            {"name", "Amy White"},
            {"address", {{"line1", "900 Metro Center Blv"}, {"city", "San Francisco"},
                         {"region", "CA"}, {"postal_code", "94404"}, {"country", "USA"}}},
            {"tags", {{"card_name", "Business Card"}}}};
  }

  // Asserts `reply` is Finix's error envelope with `status` and returns its errors.
  static nlohmann::json ExpectFinixError(const HttpReply& reply, int status) {
    EXPECT_EQ(reply.status, status) << reply.body;
    nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
    EXPECT_TRUE(body.is_object()) << reply.body;
    if (!body.is_object()) return nlohmann::json::array();
    nlohmann::json errors = body["_embedded"]["errors"];
    EXPECT_EQ(body["total"], errors.size());
    for (const auto& e : errors) {
      EXPECT_TRUE(e.contains("code") && e.contains("message") && e.contains("logref")) << e;
      EXPECT_EQ(e["logref"], reply.headers.at("x-request-id"));
      EXPECT_TRUE(e["_links"]["self"]["href"].is_string());
    }
    return errors;
  }
};

TEST_F(FinixFlowTest, CreatesCardOverHttpAndReadsItOverHttpAndGrpc) {
  HttpReply created = Post("/payment_instruments", CardBody().dump());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["content-type"], "application/hal+json");
  nlohmann::json card = nlohmann::json::parse(created.body);
  std::string id = card["id"];
  EXPECT_THAT(id, ::testing::StartsWith("PI"));
  EXPECT_EQ(card["instrument_type"], "PAYMENT_CARD");
  EXPECT_EQ(card["type"], "PAYMENT_CARD");
  EXPECT_EQ(card["bin"], "520082");
  EXPECT_EQ(card["last_four"], "8210");
  EXPECT_EQ(card["brand"], "MASTERCARD");
  EXPECT_EQ(card["card_type"], "DEBIT");           // sandbox BIN table
  EXPECT_EQ(card["issuer_country"], "NON_USA");    // GBR, rendered Finix's way
  EXPECT_EQ(card["security_code_verification"], "MATCHED");
  EXPECT_EQ(card["address_verification"], "POSTAL_CODE_AND_STREET_MATCH");
  EXPECT_EQ(card["expiration_month"], 12);
  EXPECT_EQ(card["expiration_year"], 2040);
  EXPECT_EQ(card["name"], "Amy White");
  EXPECT_EQ(card["application"], sys->application_id());
  EXPECT_EQ(card["identity"], sys->identity_id());
  EXPECT_EQ(card["enabled"], true);
  EXPECT_EQ(card["address"]["line2"], nullptr);
  EXPECT_EQ(card["tags"]["card_name"], "Business Card");
  EXPECT_THAT(card["fingerprint"].get<std::string>(), ::testing::StartsWith("FPR"));
  EXPECT_EQ(card["_links"]["self"]["href"],
            "https://vault.example.com/payment_instruments/" + id);
  EXPECT_THAT(created.body, Not(HasSubstr(kPan)));

  HttpReply fetched = Get("/payment_instruments/" + id);
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(nlohmann::json::parse(fetched.body), card);

  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", sys->grpc_port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::PaymentInstrumentService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", sys->basic_auth());
  v1::GetPaymentInstrumentRequest request;
  request.set_name("paymentInstruments/" + id);
  v1::PaymentInstrument instrument;
  grpc::Status status = stub->GetPaymentInstrument(&context, request, &instrument);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(instrument.name(), "paymentInstruments/" + id);
  EXPECT_EQ(instrument.card().last_four(), "8210");
  EXPECT_EQ(instrument.card().brand(), v1::MASTERCARD);
  EXPECT_TRUE(instrument.card().number().empty());
  EXPECT_TRUE(instrument.card().security_code().empty());

  // The stored row: ciphertext only; the PAN appears nowhere in it, not even hex-encoded.
  pqxx::connection c(testing::TestDatabaseUrl());
  pqxx::work txn(c);
  pqxx::result rows = txn.exec_params(
      "SELECT secret_ciphertext, t::text FROM payment_instruments t WHERE id = $1", id);
  ASSERT_EQ(rows.size(), 1u);
  std::string ciphertext = pqxx::binarystring(rows[0][0]).str();
  EXPECT_GT(ciphertext.size(), 16u + 12u);
  EXPECT_THAT(ciphertext, Not(HasSubstr(kPan)));
  EXPECT_THAT(rows[0][1].as<std::string>(), Not(HasSubstr(kPan)));
  EXPECT_THAT(rows[0][1].as<std::string>(), Not(HasSubstr(absl::BytesToHexString(kPan))));
  pqxx::result cvv_columns = txn.exec(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND "
      "(column_name ILIKE '%cvv%' OR column_name ILIKE '%cvc%' OR "
      " (column_name ILIKE '%security_code%' AND column_name NOT ILIKE '%\\_check'))");
  EXPECT_TRUE(cvv_columns.empty());
}

// Seed 002's bank account example, field for field where the seed shows a value.
TEST_F(FinixFlowTest, CreatesAndReadsAUsBankAccount) {
  nlohmann::json body = {{"type", "BANK_ACCOUNT"},  {"identity", sys->identity_id()},
                         {"account_number", "123456789"}, {"bank_code", "021000021"},
                         {"account_type", "CHECKING"}, {"name", "John Doe"},
                         {"country", "USA"},           {"currency", "USD"}};
  HttpReply created = Post("/payment_instruments", body.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json account = nlohmann::json::parse(created.body);
  EXPECT_EQ(account["type"], "BANK_ACCOUNT");
  EXPECT_EQ(account["currency"], "USD");
  EXPECT_EQ(account["name"], "John Doe");
  EXPECT_EQ(account["account_type"], "CHECKING");
  EXPECT_EQ(account["bank_code"], "021000021");
  EXPECT_EQ(account["masked_account_number"], "XXXXX6789");
  EXPECT_EQ(account["bank_account_validation_check"], "VALID");
  EXPECT_FALSE(account.contains("account_number"));
  EXPECT_THAT(created.body, Not(HasSubstr("123456789")));
  HttpReply fetched = Get("/payment_instruments/" + account["id"].get<std::string>());
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(nlohmann::json::parse(fetched.body), account);
}

TEST_F(FinixFlowTest, CanadianBankAccountNeedsInstitutionAndTransit) {
  nlohmann::json body = {{"type", "BANK_ACCOUNT"},     {"identity", sys->identity_id()},
                         {"account_number", "1234567"}, {"account_type", "SAVINGS"},
                         {"country", "CAN"},           {"currency", "CAD"},
                         {"institution_number", "01"}};
  auto errors = ExpectFinixError(Post("/payment_instruments", body.dump()), 422);
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(e["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"institution_number", "transit_number"}));

  body["institution_number"] = "001";
  body["transit_number"] = "12345";
  HttpReply created = Post("/payment_instruments", body.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json account = nlohmann::json::parse(created.body);
  EXPECT_EQ(account["currency"], "CAD");
  EXPECT_EQ(account["country"], "CAN");
  EXPECT_EQ(account["institution_number"], "001");
  EXPECT_EQ(account["transit_number"], "12345");
  EXPECT_EQ(account["bank_account_validation_check"], "NOT_ATTEMPTED");
}

TEST_F(FinixFlowTest, InvalidRoutingNumberIs422OnBankCode) {
  nlohmann::json body = {{"type", "BANK_ACCOUNT"},     {"identity", sys->identity_id()},
                         {"account_number", "123456789"}, {"bank_code", "123456789"},
                         {"account_type", "CHECKING"}};
  auto errors = ExpectFinixError(Post("/payment_instruments", body.dump()), 422);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["field"], "bank_code");
}

TEST_F(FinixFlowTest, CreatesAThirdPartyTokenInstrument) {
  const std::string token = "processor-token-sandbox-6c1a-4e1b-9f7e";
  nlohmann::json body = {{"type", "TOKEN"},
                         {"identity", sys->identity_id()},
                         {"third_party_token", token},
                         {"third_party", "PLAID"},
                         {"merchant_identity", "IDmerchant456"}};
  HttpReply created = Post("/payment_instruments", body.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json wallet = nlohmann::json::parse(created.body);
  EXPECT_EQ(wallet["type"], "TOKEN");
  EXPECT_EQ(wallet["third_party"], "PLAID");
  EXPECT_EQ(wallet["merchant_identity"], "IDmerchant456");
  EXPECT_THAT(created.body, Not(HasSubstr(token)));
  pqxx::connection c(testing::TestDatabaseUrl());
  pqxx::work txn(c);
  pqxx::result rows = txn.exec_params(
      "SELECT t::text FROM payment_instruments t WHERE id = $1", wallet["id"].get<std::string>());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0][0].as<std::string>(), Not(HasSubstr(token)));
}

TEST_F(FinixFlowTest, CardIsEnrichedFromBinDataAndTheSandboxVerifier) {
  nlohmann::json body = CardBody();
  body["number"] = "4111111111111111";  // sandbox BIN table: CREDIT, USA
  body["security_code"] = "200";        // sandbox: UNMATCHED
  body["address"]["postal_code"] = "99999";  // sandbox: NO_MATCH
  body["account_updater_enabled"] = true;
  HttpReply created = Post("/payment_instruments", body.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json card = nlohmann::json::parse(created.body);
  EXPECT_EQ(card["brand"], "VISA");
  EXPECT_EQ(card["card_type"], "CREDIT");
  EXPECT_EQ(card["issuer_country"], "USA");
  EXPECT_EQ(card["security_code_verification"], "UNMATCHED");
  EXPECT_EQ(card["address_verification"], "NO_MATCH");
  EXPECT_EQ(card["account_updater_enabled"], true);
  EXPECT_EQ(card["network_token_enabled"], false);
}

// Fingerprints detect duplicates: the same card, whatever its expiry or name, has one.
TEST_F(FinixFlowTest, SameCardHasOneFingerprintWhateverItsExpiryAndName) {
  nlohmann::json first = CardBody();
  nlohmann::json second = CardBody();
  second["expiration_year"] = 2041;
  second["name"] = "Someone Else";
  nlohmann::json other = CardBody();
  other["number"] = "4111111111111111";
  HttpReply a = Post("/payment_instruments", first.dump());
  HttpReply b = Post("/payment_instruments", second.dump());
  HttpReply c = Post("/payment_instruments", other.dump());
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201);
  ASSERT_EQ(c.status, 201);
  std::string fa = nlohmann::json::parse(a.body)["fingerprint"];
  std::string fb = nlohmann::json::parse(b.body)["fingerprint"];
  std::string fc = nlohmann::json::parse(c.body)["fingerprint"];
  EXPECT_EQ(fa, fb);
  EXPECT_NE(fa, fc);
  EXPECT_THAT(fa, Not(HasSubstr("8210")));
}

// Duplicate detection, the way callers do it: list by fingerprint. And cursor paging.
TEST_F(FinixFlowTest, ListFindsDuplicatesByFingerprintAndPagesWithCursors) {
  std::string owner = sys->CreateIdentity();
  ASSERT_FALSE(owner.empty());
  nlohmann::json body = CardBody();
  body["identity"] = owner;
  body["number"] = "6011111111111117";
  std::set<std::string> created;
  std::string fingerprint;
  for (int i = 0; i < 3; ++i) {
    HttpReply reply = Post("/payment_instruments", body.dump());
    ASSERT_EQ(reply.status, 201) << reply.body;
    nlohmann::json card = nlohmann::json::parse(reply.body);
    created.insert(card["id"].get<std::string>());
    fingerprint = card["fingerprint"];
  }
  HttpReply by_fingerprint = Get("/payment_instruments?fingerprint=" + fingerprint);
  ASSERT_EQ(by_fingerprint.status, 200) << by_fingerprint.body;
  nlohmann::json list = nlohmann::json::parse(by_fingerprint.body);
  std::set<std::string> found;
  for (const auto& i : list["_embedded"]["payment_instruments"]) {
    found.insert(i["id"].get<std::string>());
    EXPECT_EQ(i["fingerprint"], fingerprint);
  }
  EXPECT_EQ(found, created);
  EXPECT_TRUE(list["page"].contains("limit"));
  EXPECT_FALSE(list["page"].contains("next_cursor"));

  std::set<std::string> paged;
  std::string target = "/payment_instruments?limit=2&owner_identity_id=" + owner;
  int pages = 0;
  for (;;) {
    HttpReply reply = Get(target);
    ASSERT_EQ(reply.status, 200) << reply.body;
    nlohmann::json page = nlohmann::json::parse(reply.body);
    EXPECT_EQ(page["page"]["limit"], 2);
    for (const auto& i : page["_embedded"]["payment_instruments"]) {
      EXPECT_TRUE(paged.insert(i["id"].get<std::string>()).second) << "repeated " << i["id"];
    }
    ++pages;
    if (!page["page"].contains("next_cursor")) break;
    target = "/payment_instruments?limit=2&owner_identity_id=" + owner +
             "&after_cursor=" + page["page"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(paged, created);
  EXPECT_EQ(pages, 2);
}

TEST_F(FinixFlowTest, ListRejectsBadFiltersWithFinixFieldNames) {
  auto errors = ExpectFinixError(Get("/payment_instruments?limit=500&last_four=12&after_cursor=x"),
                                 422);
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(e["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"limit", "last_four", "after_cursor"}));
}

TEST_F(FinixFlowTest, PutDisablesAndReenablesAndStaysReadable) {
  HttpReply created = Post("/payment_instruments", CardBody().dump());
  ASSERT_EQ(created.status, 201);
  std::string path = "/payment_instruments/" + nlohmann::json::parse(created.body)["id"].get<std::string>();
  std::map<std::string, std::string> headers = {{"Authorization", sys->basic_auth()},
                                                {"Content-Type", "application/json"}};
  auto put = [&](const std::string& body) {
    auto reply = HttpCall(sys->http_port(), "PUT", path, body, headers);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : HttpReply{};
  };
  HttpReply disabled = put(R"({"enabled": false, "name": "Renamed", "tags": {"k": "v"}})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  nlohmann::json body = nlohmann::json::parse(disabled.body);
  EXPECT_EQ(body["enabled"], false);
  EXPECT_EQ(body["disabled_code"], "DISABLED_BY_REQUEST");
  EXPECT_EQ(body["name"], "Renamed");
  EXPECT_EQ(body["tags"], nlohmann::json({{"k", "v"}}));
  HttpReply fetched = Get(path);
  ASSERT_EQ(fetched.status, 200) << "a disabled instrument stays readable";
  EXPECT_EQ(nlohmann::json::parse(fetched.body)["enabled"], false);

  HttpReply enabled = put(R"({"enabled": true})");
  ASSERT_EQ(enabled.status, 200);
  nlohmann::json after = nlohmann::json::parse(enabled.body);
  EXPECT_EQ(after["enabled"], true);
  EXPECT_FALSE(after.contains("disabled_code"));
  EXPECT_EQ(after["name"], "Renamed");

  auto errors = ExpectFinixError(put(R"({"address": {"region": "Cal", "country": "US"}})"), 422);
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(e["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"address.region", "address.country"}));
  EXPECT_EQ(ExpectFinixError(put("{}"), 422)[0]["field"], "body");
  EXPECT_EQ(ExpectFinixError(put(R"({"enabled": "no"})"), 422)[0]["field"], "enabled");
  auto missing = HttpCall(sys->http_port(), "PUT", "/payment_instruments/PInotthere",
                          R"({"enabled": false})", headers);
  ASSERT_TRUE(missing.ok());
  ExpectFinixError(*missing, 404);
}

TEST_F(FinixFlowTest, GrpcHealthSaysServing) {
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", sys->grpc_port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// What `grpcurl -plaintext host:port list` and `describe` do: the reflection stream names both
// services and serves the API's file descriptor.
TEST_F(FinixFlowTest, ReflectionListsTheServicesLikeGrpcurl) {
  namespace reflection = grpc::reflection::v1alpha;
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", sys->grpc_port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = reflection::ServerReflection::NewStub(channel);
  grpc::ClientContext context;
  auto stream = stub->ServerReflectionInfo(&context);
  reflection::ServerReflectionRequest list;
  list.set_list_services("");
  ASSERT_TRUE(stream->Write(list));
  reflection::ServerReflectionResponse listed;
  ASSERT_TRUE(stream->Read(&listed));
  std::set<std::string> services;
  for (const auto& s : listed.list_services_response().service()) services.insert(s.name());
  EXPECT_TRUE(services.count("payments.instruments.v1.PaymentInstrumentService"));
  EXPECT_TRUE(services.count("grpc.health.v1.Health"));

  reflection::ServerReflectionRequest describe;
  describe.set_file_containing_symbol("payments.instruments.v1.PaymentInstrumentService");
  ASSERT_TRUE(stream->Write(describe));
  reflection::ServerReflectionResponse described;
  ASSERT_TRUE(stream->Read(&described));
  EXPECT_GT(described.file_descriptor_response().file_descriptor_proto_size(), 0);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(FinixFlowTest, MalformedJsonIs400) {
  auto errors = ExpectFinixError(Post("/payment_instruments", "{\"type\": "), 400);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["code"], "BAD_REQUEST");
}

TEST_F(FinixFlowTest, InvalidFieldsAreAllReportedAs422) {
  nlohmann::json body = CardBody();
  body["number"] = "4111111111111112";  // Luhn fails
  body["expiration_month"] = 13;
  body.erase("identity");
  auto errors = ExpectFinixError(Post("/payment_instruments", body.dump()), 422);
  std::set<std::string> fields;
  for (const auto& e : errors) {
    EXPECT_EQ(e["code"], "INVALID_FIELD");
    fields.insert(e["field"].get<std::string>());
  }
  EXPECT_EQ(fields, (std::set<std::string>{"number", "expiration_month", "identity"}));
}

TEST_F(FinixFlowTest, WrongJsonTypesAre422) {
  nlohmann::json body = CardBody();
  body["expiration_year"] = "2040";
  auto errors = ExpectFinixError(Post("/payment_instruments", body.dump()), 422);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["field"], "expiration_year");
}

TEST_F(FinixFlowTest, BodyOverTheLimitIs413) {
  auto errors =
      ExpectFinixError(Post("/payment_instruments", std::string(9000, ' ') + "{}"), 413);
  ASSERT_EQ(errors.size(), 1u);
}

TEST_F(FinixFlowTest, GarbageRequestLineGets400AndTheGatewayKeepsServing) {
  auto raw = testing::RawExchange(sys->http_port(), "GARBAGE\r\n\r\n");
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_THAT(*raw, ::testing::StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(*raw, HasSubstr("\"code\":\"BAD_REQUEST\""));
  auto health = HttpCall(sys->http_port(), "GET", "/healthz");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
}

TEST_F(FinixFlowTest, MissingOrWrongCredentialsAre401) {
  auto no_auth = HttpCall(sys->http_port(), "GET", "/payment_instruments/PIx");
  ASSERT_TRUE(no_auth.ok());
  EXPECT_EQ(ExpectFinixError(*no_auth, 401)[0]["code"], "UNKNOWN");
  auto wrong = HttpCall(sys->http_port(), "GET", "/payment_instruments/PIx", "",
                        {{"Authorization", "Basic " + absl::Base64Escape("USnobody:guess")}});
  ASSERT_TRUE(wrong.ok());
  ExpectFinixError(*wrong, 401);
}

TEST_F(FinixFlowTest, UnknownInstrumentRouteAndMethodAreEnveloped) {
  EXPECT_EQ(ExpectFinixError(Get("/payment_instruments/PIdoesnotexist"), 404)[0]["code"],
            "NOT_FOUND");
  EXPECT_EQ(ExpectFinixError(Get("/no/such/route"), 404)[0]["code"], "NOT_FOUND");
  auto deleted = HttpCall(sys->http_port(), "DELETE", "/payment_instruments/PIx", "",
                          {{"Authorization", sys->basic_auth()}});
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(ExpectFinixError(*deleted, 405)[0]["code"], "METHOD_NOT_ALLOWED");
}

TEST_F(FinixFlowTest, FinixVersionIsCheckedAndEchoed) {
  HttpReply absent = Post("/payment_instruments", CardBody().dump());
  ASSERT_EQ(absent.status, 201) << absent.body;
  EXPECT_EQ(absent.headers["finix-version"], "2022-02-01");
  HttpReply older = Post("/payment_instruments", CardBody().dump(), {{"Finix-Version", "2018-01-01"}});
  ASSERT_EQ(older.status, 201) << older.body;
  EXPECT_EQ(older.headers["finix-version"], "2018-01-01");
  HttpReply unknown =
      Post("/payment_instruments", CardBody().dump(), {{"Finix-Version", "1999-12-31"}});
  EXPECT_THAT(ExpectFinixError(unknown, 400)[0]["message"].get<std::string>(),
              HasSubstr("Finix-Version"));
}

TEST_F(FinixFlowTest, SdkMediaTypesAreJsonAndOthersAre415) {
  // What the Finix SDK sends.
  HttpReply hal = Post("/payment_instruments", CardBody().dump(),
                       {{"Content-Type", "application/hal+json"},
                        {"Accept", "application/hal+json"},
                        {"Finix-Version", "2022-02-01"}});
  EXPECT_EQ(hal.status, 201) << hal.body;
  HttpReply form = Post("/payment_instruments", CardBody().dump(),
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(ExpectFinixError(form, 415)[0]["code"], "UNSUPPORTED_MEDIA_TYPE");
}

TEST_F(FinixFlowTest, HostedFieldsTokenIsAssociatedOnceWithFinixErrors) {
  nlohmann::json card = {{"type", "PAYMENT_CARD"},     {"number", kPan},
                         {"expiration_month", 12},     {"expiration_year", 2040},
                         {"security_code", kSecurityCode}, {"name", "Amy White"}};
  HttpReply tokenized = Post("/tokens", card.dump());
  ASSERT_EQ(tokenized.status, 201) << tokenized.body;
  nlohmann::json token = nlohmann::json::parse(tokenized.body);
  EXPECT_THAT(token["id"].get<std::string>(), ::testing::StartsWith("TK"));
  EXPECT_EQ(token["instrument_type"], "PAYMENT_CARD");
  EXPECT_TRUE(token["expires_at"].is_string());
  EXPECT_THAT(tokenized.body, Not(HasSubstr(kPan)));

  nlohmann::json association = {{"type", "TOKEN"}, {"token", token["id"]},
                                {"identity", sys->identity_id()}};
  HttpReply created = Post("/payment_instruments", association.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json instrument = nlohmann::json::parse(created.body);
  EXPECT_EQ(instrument["created_via"], "TOKEN");
  EXPECT_EQ(instrument["fingerprint"], token["fingerprint"]);
  EXPECT_EQ(instrument["security_code_verification"], "MATCHED");
  nlohmann::json errors = ExpectFinixError(Post("/payment_instruments", association.dump()), 422);
  EXPECT_EQ(errors[0]["code"], "INVALID_FIELD");
  EXPECT_EQ(errors[0]["field"], "token");
  nlohmann::json bad_card = card;
  bad_card["expiration_month"] = 13;
  bad_card["type"] = "APPLE_PAY";
  HttpReply refused = Post("/tokens", bad_card.dump());
  EXPECT_EQ(refused.status, 422) << refused.body;
}

// Last in the file: it stops the system. ctest runs every test in its own process, so this test
// sends its own secrets through before scanning the logs.
TEST_F(FinixFlowTest, SigtermStopsCleanlyAndLogsHoldNoSecrets) {
  ASSERT_EQ(Post("/payment_instruments", CardBody().dump()).status, 201);
  nlohmann::json rejected = CardBody();
  rejected["number"] = "4111111111111112";
  ASSERT_EQ(Post("/payment_instruments", rejected.dump()).status, 422);
  auto gateway_exit = sys->gateway().Stop(SIGTERM, absl::Seconds(30));
  auto server_exit = sys->server().Stop(SIGTERM, absl::Seconds(30));
  ASSERT_TRUE(gateway_exit.ok()) << gateway_exit.status();
  ASSERT_TRUE(server_exit.ok()) << server_exit.status();
  EXPECT_EQ(*gateway_exit, 0);
  EXPECT_EQ(*server_exit, 0);
  for (const auto& [log, text] : {std::pair<std::string, std::string>{"pi-server", sys->server_log()},
                                  {"pi-gateway", sys->gateway_log()}}) {
    EXPECT_THAT(text, HasSubstr("\"request_id\":\"")) << log << " has no request log line";
    EXPECT_THAT(text, Not(HasSubstr(kPan))) << log;
    EXPECT_THAT(text, Not(HasSubstr("4111111111111112"))) << log;
    EXPECT_THAT(text, Not(HasSubstr(sys->basic_auth().substr(6)))) << log;
  }
}

}  // namespace
}  // namespace pi
