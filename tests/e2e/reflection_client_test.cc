// The README's grpcurl calls, made through reflection as grpcurl makes them: tests/e2e/
// reflection_client.py (grpcurl's arguments, on Debian's python3-grpcio; grpcurl itself is not
// packaged for Debian) against the real pi-server and the throwaway PostgreSQL. list, describe,
// health, create, get, and errors whose google.rpc.Status details decode through reflection.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/support/child_process.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

using nlohmann::json;

constexpr char kService[] = "payments.instruments.v1.PaymentInstrumentService";

struct Outcome {
  int exit_code = -1;
  std::string out;
};

class ReflectionClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::SystemUnderTest::Start(
        "e2e-reflection-client",
        {.database_url = testing::TestDatabaseUrl(), .create_identity = false});
    ASSERT_TRUE(started.ok()) << started.status();
    sys_ = started->release();
  }

  static void TearDownTestSuite() {
    delete sys_;
    sys_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(sys_, nullptr) << "the system did not start"; }

  // `reflection_client.py -plaintext <flags...> 127.0.0.1:<grpc port> <verb...>`, like
  // `grpcurl -plaintext <flags...> localhost:50051 <verb...>`.
  static Outcome Grpcurl(const std::vector<std::string>& flags,
                         const std::vector<std::string>& verb) {
    std::vector<std::string> args = {PI_REFLECTION_CLIENT, "-plaintext"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(absl::StrCat("127.0.0.1:", sys_->grpc_port()));
    args.insert(args.end(), verb.begin(), verb.end());
    Outcome outcome;
    absl::StatusOr<int> code = testing::RunToCompletion("/usr/bin/python3", args, {}, &outcome.out);
    EXPECT_TRUE(code.ok()) << code.status();
    outcome.exit_code = code.value_or(-1);
    return outcome;
  }

  static Outcome Call(const std::string& method, const json& request, bool authorized = true) {
    std::vector<std::string> flags = {"-format-error", "-d", request.dump()};
    if (authorized) flags.insert(flags.begin(), {"-H", "authorization: " + sys_->basic_auth()});
    return Grpcurl(flags, {absl::StrCat(kService, "/", method)});
  }

  // A successful call's JSON response.
  static json Succeeds(const Outcome& outcome) {
    EXPECT_EQ(outcome.exit_code, 0) << outcome.out;
    return json::parse(outcome.out, nullptr, false);
  }

  static json CardRequest(const std::string& identity, const std::string& number) {
    return {{"payment_instrument",
             {{"type", "PAYMENT_CARD"},
              {"identity", identity},
              {"holder_name", "Amy White"},
              {"card",
               {{"number", number},
                {"security_code", "123"},
                {"expiration_month", 12},
                {"expiration_year", 2030}}}}}};
  }

  // The details of a failed call printed with -format-error, by their @type.
  static std::map<std::string, json> Details(const Outcome& outcome, int code) {
    EXPECT_EQ(outcome.exit_code, 64 + code) << outcome.out;
    json status = json::parse(outcome.out, nullptr, false);
    EXPECT_EQ(status.value("code", -1), code) << outcome.out;
    std::map<std::string, json> details;
    for (const json& detail : status.value("details", json::array())) {
      details[detail["@type"]] = detail;
    }
    return details;
  }

  static testing::SystemUnderTest* sys_;
};

testing::SystemUnderTest* ReflectionClientTest::sys_ = nullptr;

TEST_F(ReflectionClientTest, ListNamesTheServicesAndTheirMethods) {
  Outcome services = Grpcurl({}, {"list"});
  ASSERT_EQ(services.exit_code, 0) << services.out;
  std::vector<std::string> lines = absl::StrSplit(services.out, '\n', absl::SkipEmpty());
  EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()),
            (std::set<std::string>{kService, "grpc.health.v1.Health",
                                   "grpc.reflection.v1alpha.ServerReflection"}));

  Outcome methods = Grpcurl({}, {"list", kService});
  ASSERT_EQ(methods.exit_code, 0) << methods.out;
  EXPECT_NE(methods.out.find(absl::StrCat(kService, ".CreatePaymentInstrument\n")),
            std::string::npos)
      << methods.out;
  EXPECT_NE(methods.out.find(absl::StrCat(kService, ".RevealPaymentInstrument\n")),
            std::string::npos)
      << methods.out;
}

TEST_F(ReflectionClientTest, DescribeShowsServicesAndMessages) {
  Outcome service = Grpcurl({}, {"describe", kService});
  ASSERT_EQ(service.exit_code, 0) << service.out;
  EXPECT_NE(service.out.find(absl::StrCat(kService, " is a service:")), std::string::npos);
  EXPECT_NE(service.out.find("rpc GetPaymentInstrument ( "
                             ".payments.instruments.v1.GetPaymentInstrumentRequest ) returns ( "
                             ".payments.instruments.v1.PaymentInstrument );"),
            std::string::npos)
      << service.out;

  Outcome message = Grpcurl({}, {"describe", "payments.instruments.v1.Card"});
  ASSERT_EQ(message.exit_code, 0) << message.out;
  EXPECT_NE(message.out.find("payments.instruments.v1.Card is a message:"), std::string::npos);
  EXPECT_NE(message.out.find("int32 expiration_month = 3;"), std::string::npos) << message.out;
}

TEST_F(ReflectionClientTest, HealthAnswersReadinessAndLiveness) {
  json readiness = Succeeds(Grpcurl({}, {"grpc.health.v1.Health/Check"}));
  EXPECT_EQ(readiness["status"], "SERVING");
  json liveness =
      Succeeds(Grpcurl({"-d", R"({"service": "liveness"})"}, {"grpc.health.v1.Health/Check"}));
  EXPECT_EQ(liveness["status"], "SERVING");
}

TEST_F(ReflectionClientTest, CreateThenGetAnInstrumentShowsMaskedDataOnly) {
  json identity = Succeeds(Call("CreateIdentity", {{"identity", {{"first_name", "Amy"}}}}));
  std::string identity_id = identity.value("id", "");
  ASSERT_EQ(identity_id.rfind("ID", 0), 0u) << identity;

  Outcome created = Call("CreatePaymentInstrument", CardRequest(identity_id, "4111111111111111"));
  json instrument = Succeeds(created);
  std::string id = instrument.value("id", "");
  ASSERT_EQ(id.rfind("PI", 0), 0u) << created.out;
  EXPECT_EQ(instrument["card"]["bin"], "411111");
  EXPECT_EQ(instrument["card"]["lastFour"], "1111");  // grpcurl prints lowerCamelCase names
  EXPECT_EQ(instrument["card"]["brand"], "VISA");
  EXPECT_EQ(created.out.find("4111111111111111"), std::string::npos) << "the PAN came back";
  EXPECT_EQ(created.out.find("\"securityCode\""), std::string::npos) << "the CVV came back";

  Outcome got = Call("GetPaymentInstrument", {{"name", "paymentInstruments/" + id}});
  json fetched = Succeeds(got);
  EXPECT_EQ(fetched["id"], id);
  EXPECT_EQ(fetched["card"]["lastFour"], "1111");
  EXPECT_EQ(got.out.find("4111111111111111"), std::string::npos);
}

TEST_F(ReflectionClientTest, InvalidFieldsComeWithErrorInfoAndEveryViolation) {
  json identity = Succeeds(Call("CreateIdentity", {{"identity", {{"first_name", "Amy"}}}}));
  json request = CardRequest(identity.value("id", ""), "4111111111111112");  // Luhn fails
  request["payment_instrument"]["card"]["expiration_month"] = 13;
  Outcome refused = Call("CreatePaymentInstrument", request);
  std::map<std::string, json> details = Details(refused, 3);  // INVALID_ARGUMENT
  ASSERT_TRUE(details.count("type.googleapis.com/google.rpc.ErrorInfo")) << refused.out;
  ASSERT_TRUE(details.count("type.googleapis.com/google.rpc.BadRequest")) << refused.out;
  const json& info = details["type.googleapis.com/google.rpc.ErrorInfo"];
  EXPECT_EQ(info["reason"], "INVALID_FIELDS");
  EXPECT_EQ(info["domain"], "instruments.payments.v1");
  std::set<std::string> fields;
  for (const json& v : details["type.googleapis.com/google.rpc.BadRequest"]["fieldViolations"]) {
    fields.insert(v.value("field", ""));
  }
  EXPECT_EQ(fields, (std::set<std::string>{"payment_instrument.card.number",
                                           "payment_instrument.card.expiration_month"}))
      << refused.out;
  EXPECT_EQ(refused.out.find("4111111111111112"), std::string::npos) << "the number came back";
}

TEST_F(ReflectionClientTest, AMissingCredentialIsUnauthenticatedWithItsReason) {
  Outcome refused = Call("GetPaymentInstrument", {{"name", "PInotthere"}}, /*authorized=*/false);
  std::map<std::string, json> details = Details(refused, 16);  // UNAUTHENTICATED
  ASSERT_TRUE(details.count("type.googleapis.com/google.rpc.ErrorInfo")) << refused.out;
  EXPECT_EQ(details["type.googleapis.com/google.rpc.ErrorInfo"]["reason"],
            "UNAUTHENTICATED_CALLER");
}

TEST_F(ReflectionClientTest, WithoutFormatErrorTheStatusPrintsLikeGrpcurl) {
  Outcome refused = Grpcurl({"-d", R"({"name": "PInotthere"})"},
                            {absl::StrCat(kService, "/GetPaymentInstrument")});
  EXPECT_EQ(refused.exit_code, 64 + 16) << refused.out;
  EXPECT_EQ(refused.out.rfind("ERROR:\n  Code: Unauthenticated\n  Message: ", 0), 0u)
      << refused.out;
  EXPECT_NE(refused.out.find("\"reason\": \"UNAUTHENTICATED_CALLER\""), std::string::npos)
      << refused.out;
}

}  // namespace
}  // namespace pi
