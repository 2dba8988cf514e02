// Bad input, table-driven: every case of tests/e2e/bad_input_cases.json is sent to the real
// pi-gateway (Finix, Ahrvo, SumUp and Rebilly dialects, over HTTP, some as raw bytes) or to the
// real pi-server (gRPC, wire-valid messages written in protobuf text format), and must get exactly
// the status it states: a 4xx in its dialect's error shape (a checker per dialect), or for gRPC
// the stated code with a google.rpc.Status carrying an ErrorInfo. Never a 5xx, never a hang.
// Afterwards one valid create per dialect still succeeds and both processes still run.
//
// The table's strings may hold placeholders, expanded before sending:
//   {{IDENTITY}} {{INSTRUMENT}} {{CUSTOMER}} {{REBILLY_INSTRUMENT}}  ids made at start
//   {{nest N}}          N '[' then N ']'
//   {{nestobj N}}       N objects, each the only member "a" of the one around it
//   {{repeat N TEXT}}   TEXT N times
//   {{bytes HEX}}       raw bytes, e.g. {{bytes c3 28}} (invalid UTF-8) or {{bytes 01}}
// Bodies are given as "json" (a JSON value, serialized) or "body" (text, for what JSON cannot
// hold: duplicate keys, truncation, non-JSON); "raw" is a whole HTTP request written as bytes.
//
// A request gRPC itself cannot parse (bytes that are not a protobuf message) is answered by the
// gRPC library before any service code runs; UnparseableRequestsAreRefusedByGrpcItself records
// what it answers (see its comment).
#include <sys/types.h>

#include <fstream>
#include <future>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "services/common/secret.h"
#include "services/instruments/crypto/customer_jwt.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;
using Stub = v1::PaymentInstrumentService::Stub;
using testing::HttpReply;

constexpr char kService[] = "/payments.instruments.v1.PaymentInstrumentService/";

std::string ReadTable() {
  std::ifstream in(PI_BAD_INPUT_CASES);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// True while `pid` runs (a zombie has exited).
bool Running(pid_t pid) {
  std::string stat = testing::ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

// The values placeholders and "auth" names stand for.
struct Context {
  std::map<std::string, std::string> ids;             // IDENTITY, INSTRUMENT, ...
  std::map<std::string, std::string> authorizations;  // basic, api_key, ...
};

std::string Expand(const std::string& text, const Context& context) {
  static const std::regex kPlaceholder("\\{\\{([^}]*)\\}\\}");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kPlaceholder);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out.append(text, last, it->position() - last);
    last = it->position() + it->length();
    std::string inner = (*it)[1];
    std::vector<std::string> words = absl::StrSplit(inner, absl::MaxSplits(' ', 2));
    size_t n = 0;
    if (words[0] == "nest" && words.size() == 2 && absl::SimpleAtoi(words[1], &n)) {
      out += std::string(n, '[') + std::string(n, ']');
    } else if (words[0] == "nestobj" && words.size() == 2 && absl::SimpleAtoi(words[1], &n)) {
      for (size_t i = 0; i < n; ++i) out += "{\"a\": ";
      out += "0" + std::string(n, '}');
    } else if (words[0] == "repeat" && words.size() == 3 && absl::SimpleAtoi(words[1], &n)) {
      for (size_t i = 0; i < n; ++i) out += words[2];
    } else if (words[0] == "bytes" && words.size() >= 2) {
      std::string hex = inner.substr(6);
      hex.erase(std::remove(hex.begin(), hex.end(), ' '), hex.end());
      out += absl::HexStringToBytes(hex);
    } else if (context.ids.count(inner) > 0) {
      out += context.ids.at(inner);
    } else {
      ADD_FAILURE() << "unknown placeholder {{" << inner << "}}";
    }
  }
  out.append(text, last, std::string::npos);
  return out;
}

std::string Authorization(const nlohmann::json& c, const Context& context) {
  std::string auth = c.value("auth", "none");
  if (auth == "none") return "";
  if (auth.rfind("literal:", 0) == 0) return Expand(auth.substr(8), context);
  auto it = context.authorizations.find(auth);
  if (it == context.authorizations.end()) {
    ADD_FAILURE() << "unknown auth " << auth;
    return "";
  }
  return it->second;
}

// A raw HTTP/1.1 response: status, lower-case headers and the body.
HttpReply ParseRawResponse(const std::string& raw) {
  HttpReply reply;
  size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) return reply;
  std::vector<std::string> lines = absl::StrSplit(raw.substr(0, head_end), "\r\n");
  if (lines[0].size() < 12 || !absl::SimpleAtoi(lines[0].substr(9, 3), &reply.status)) {
    return reply;
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    reply.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  reply.body = raw.substr(head_end + 4);
  return reply;
}

// Each dialect's error shape; "" when `reply` has it, else what is wrong.
std::string FinixShape(const HttpReply& reply) {
  if (reply.headers.count("content-type") == 0 ||
      reply.headers.at("content-type") != "application/hal+json") {
    return "content type is not application/hal+json";
  }
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  if (!body.is_object() || !body.contains("_embedded") || !body["_embedded"].is_object()) {
    return "no _embedded";
  }
  const nlohmann::json& errors = body["_embedded"].value("errors", nlohmann::json());
  if (!errors.is_array() || errors.empty() || body.value("total", -1) != int(errors.size())) {
    return "no errors, or total does not count them";
  }
  for (const nlohmann::json& e : errors) {
    if (!e.value("code", nlohmann::json()).is_string() ||
        !e.value("logref", nlohmann::json()).is_string() ||
        !e.value("message", nlohmann::json()).is_string() || !e.contains("_links") ||
        !e["_links"].contains("self") || !e["_links"]["self"].value("href", nlohmann::json()).is_string()) {
      return "an error lacks code, logref, message or _links.self.href";
    }
  }
  return "";
}

std::string SumUpShape(const HttpReply& reply) {
  if (reply.headers.count("content-type") == 0 ||
      reply.headers.at("content-type") != "application/json") {
    return "content type is not application/json";
  }
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  auto has_string = [](const nlohmann::json& o, const char* key) {
    return o.is_object() && o.contains(key) && o[key].is_string();
  };
  if (body.is_array()) {
    if (body.empty()) return "an empty error array";
    for (const nlohmann::json& e : body) {
      if (!has_string(e, "error_code") || !has_string(e, "message") || !has_string(e, "param")) {
        return "an array entry lacks error_code, message or param";
      }
    }
    return "";
  }
  if (!has_string(body, "error_code")) return "no error_code";
  if (!has_string(body, "message") && !has_string(body, "error_message")) return "no message";
  return "";
}

std::string RebillyShape(const HttpReply& reply) {
  if (reply.headers.count("content-type") == 0 ||
      reply.headers.at("content-type") != "application/problem+json") {
    return "content type is not application/problem+json";
  }
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  if (!body.is_object()) return "not a JSON object";
  for (const char* key : {"type", "title", "detail"}) {
    if (!body.value(key, nlohmann::json()).is_string()) return absl::StrCat("no ", key);
  }
  if (body.value("status", -1) != reply.status) return "status differs from the HTTP status";
  if (body.contains("invalidFields")) {
    for (const nlohmann::json& f : body["invalidFields"]) {
      if (!f.value("field", nlohmann::json()).is_string() ||
          !f.value("message", nlohmann::json()).is_string()) {
        return "an invalidFields entry lacks field or message";
      }
    }
  }
  return "";
}

std::string ShapeProblem(const std::string& dialect, const HttpReply& reply) {
  if (dialect == "finix" || dialect == "ahrvo") return FinixShape(reply);
  if (dialect == "sumup") return SumUpShape(reply);
  if (dialect == "rebilly") return RebillyShape(reply);
  return "unknown dialect " + dialect;
}

// One RPC of the service by name, its request parsed from text format. `parsed` is false when
// the text does not parse (a defect of the table).
grpc::Status CallRpc(Stub& stub, const std::string& rpc, const std::string& text,
                     const std::string& authorization, bool* parsed) {
  grpc::ClientContext context;
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto run = [&](auto method, auto request, auto response) {
    *parsed = google::protobuf::TextFormat::ParseFromString(text, &request);
    if (!*parsed) return grpc::Status(grpc::StatusCode::UNKNOWN, "unparsed");
    return (stub.*method)(&context, request, &response);
  };
  if (rpc == "CreatePaymentInstrument") {
    return run(&Stub::CreatePaymentInstrument, v1::CreatePaymentInstrumentRequest(),
               v1::PaymentInstrument());
  }
  if (rpc == "GetPaymentInstrument") {
    return run(&Stub::GetPaymentInstrument, v1::GetPaymentInstrumentRequest(),
               v1::PaymentInstrument());
  }
  if (rpc == "ListPaymentInstruments") {
    return run(&Stub::ListPaymentInstruments, v1::ListPaymentInstrumentsRequest(),
               v1::ListPaymentInstrumentsResponse());
  }
  if (rpc == "UpdatePaymentInstrument") {
    return run(&Stub::UpdatePaymentInstrument, v1::UpdatePaymentInstrumentRequest(),
               v1::PaymentInstrument());
  }
  if (rpc == "CreateToken") {
    return run(&Stub::CreateToken, v1::CreateTokenRequest(), v1::Token());
  }
  if (rpc == "CreateIdentity") {
    return run(&Stub::CreateIdentity, v1::CreateIdentityRequest(), v1::Identity());
  }
  if (rpc == "GetIdentity") {
    return run(&Stub::GetIdentity, v1::GetIdentityRequest(), v1::Identity());
  }
  if (rpc == "RevealPaymentInstrument") {
    return run(&Stub::RevealPaymentInstrument, v1::RevealPaymentInstrumentRequest(),
               v1::RevealPaymentInstrumentResponse());
  }
  if (rpc == "CreateCustomerPaymentInstrument") {
    return run(&Stub::CreateCustomerPaymentInstrument,
               v1::CreateCustomerPaymentInstrumentRequest(), v1::CustomerPaymentInstrument());
  }
  *parsed = false;
  return grpc::Status(grpc::StatusCode::UNKNOWN, "no such rpc in the test");
}

// The code's name as in the table ("INVALID_ARGUMENT").
std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// "" when the status carries the service's error model: a google.rpc.Status whose code matches
// and whose details hold an ErrorInfo.
std::string GrpcShapeProblem(const grpc::Status& status) {
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return "no google.rpc.Status details";
  }
  if (details.code() != static_cast<int>(status.error_code())) return "details code differs";
  for (const google::protobuf::Any& any : details.details()) {
    if (any.Is<google::rpc::ErrorInfo>()) return "";
  }
  return "no ErrorInfo in the details";
}

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = testing::SystemUnderTest::Start(
        "e2e-bad-input", {.database_url = testing::TestDatabaseUrl(),
                          // A truncated body is answered after 1 s, not the default 10 s.
                          .gateway_env = {{"PI_BODY_TIMEOUT", "1s"}}});
    ASSERT_TRUE(started.ok()) << started.status();
    sys_ = started->release();
    Context& c = context_;
    c.ids["IDENTITY"] = sys_->identity_id();
    c.authorizations["basic"] = sys_->basic_auth();
    absl::StatusOr<std::string> api_key = sys_->CreateCredential({"--kind=api_key"});
    ASSERT_TRUE(api_key.ok()) << api_key.status();
    c.authorizations["api_key"] = nlohmann::json::parse(*api_key)["authorization"];
    absl::StatusOr<std::string> publishable = sys_->CreateCredential({"--kind=publishable"});
    ASSERT_TRUE(publishable.ok()) << publishable.status();
    c.authorizations["publishable"] = nlohmann::json::parse(*publishable)["authorization"];
    absl::StatusOr<std::string> jwt = sys_->CreateCredential({"--kind=jwt_hs256"});
    ASSERT_TRUE(jwt.ok()) << jwt.status();
    nlohmann::json j = nlohmann::json::parse(*jwt);
    std::string key;
    ASSERT_TRUE(absl::WebSafeBase64Unescape(j["signing_key"].get<std::string>(), &key));
    c.authorizations["jwt"] = absl::StrCat(
        "Bearer ", instruments::crypto::SignCustomerJwt(
                       common::Secret(std::move(key)), j["credential_id"].get<std::string>(),
                       sys_->application_id(), sys_->identity_id(),
                       absl::Now() + absl::Minutes(30)));
    // Resources the cases name.
    auto created = ValidFinixCreate("/payment_instruments");
    ASSERT_EQ(created.status, 201) << created.body;
    c.ids["INSTRUMENT"] = nlohmann::json::parse(created.body)["id"];
    c.ids["CUSTOMER"] = "bad-input-customer";
    auto customer = Http("POST", "/v0.1/customers", R"({"customer_id": "bad-input-customer"})",
                         c.authorizations["api_key"]);
    ASSERT_EQ(customer.status, 201) << customer.body;
    auto rebilly = ValidRebillyCreate();
    ASSERT_EQ(rebilly.status, 201) << rebilly.body;
    c.ids["REBILLY_INSTRUMENT"] = nlohmann::json::parse(rebilly.body)["id"];
    stub_ = v1::PaymentInstrumentService::NewStub(grpc::CreateChannel(
                     absl::StrCat("127.0.0.1:", sys_->grpc_port()),
                     grpc::InsecureChannelCredentials()))
                .release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    stub_ = nullptr;
    delete sys_;
    sys_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(sys_, nullptr) << "the system did not start"; }

  static HttpReply Http(const std::string& method, const std::string& target,
                        const std::string& body, const std::string& authorization,
                        std::map<std::string, std::string> headers = {
                            {"Content-Type", "application/json"}}) {
    if (!authorization.empty()) headers["Authorization"] = authorization;
    absl::StatusOr<HttpReply> reply =
        testing::HttpCall(sys_->http_port(), method, target, body, headers);
    return reply.ok() ? *reply : HttpReply{};
  }

  static HttpReply ValidFinixCreate(const std::string& collection) {
    return Http("POST", collection,
                nlohmann::json({{"type", "PAYMENT_CARD"},
                                {"identity", sys_->identity_id()},
                                {"number", "4111111111111111"},
                                {"security_code", "123"},
                                {"expiration_month", 12},
                                {"expiration_year", 2040}})
                    .dump(),
                sys_->basic_auth());
  }

  static HttpReply ValidSumUpCreate() {
    return Http("POST", "/v0.1/customers/bad-input-customer/payment-instruments",
                R"({"type": "card", "card": {"name": "Jo Doe", "number": "4111111111111111",
                    "expiry_year": "2040", "expiry_month": "12", "cvv": "123"}})",
                context_.authorizations.at("api_key"));
  }

  static HttpReply ValidRebillyCreate() {
    std::string publishable = context_.authorizations.at("publishable").substr(7);
    HttpReply token = Http(
        "POST", "/organizations/org-1/tokens",
        R"({"method": "payment-card", "paymentInstrument": {"pan": "4111111111111111",
            "expMonth": 12, "expYear": 2040, "cvv": "123"},
            "billingAddress": {"firstName": "Jo", "lastName": "Doe"}})",
        publishable);
    if (token.status != 201) return token;
    return Http("POST", "/storefront/organizations/org-1/payment-instruments",
                nlohmann::json({{"token", nlohmann::json::parse(token.body)["id"]}}).dump(),
                context_.authorizations.at("jwt"));
  }

  // Runs one HTTP case; returns its status (0 when no answer).
  int RunHttpCase(const nlohmann::json& c) {
    const std::string dialect = c.at("dialect");
    HttpReply reply;
    if (c.contains("raw")) {
      absl::StatusOr<std::string> raw =
          testing::RawExchange(sys_->http_port(), Expand(c["raw"], context_));
      EXPECT_TRUE(raw.ok()) << raw.status();
      if (raw.ok()) reply = ParseRawResponse(*raw);
    } else {
      std::vector<std::string> request = absl::StrSplit(c.at("request").get<std::string>(),
                                                        absl::MaxSplits(' ', 1));
      std::string body;
      if (c.contains("json")) body = Expand(c["json"].dump(), context_);
      if (c.contains("body")) body = Expand(c["body"], context_);
      std::map<std::string, std::string> headers;
      std::string content_type = c.value("content_type", "application/json");
      if (!content_type.empty()) headers["Content-Type"] = content_type;
      const nlohmann::json extra = c.value("headers", nlohmann::json::object());
      for (const auto& [name, value] : extra.items()) {
        headers[name] = Expand(value.get<std::string>(), context_);
      }
      std::string authorization = Authorization(c, context_);
      if (!authorization.empty()) headers["Authorization"] = authorization;
      absl::StatusOr<HttpReply> answered = testing::HttpCall(
          sys_->http_port(), request[0], Expand(request[1], context_), body, headers);
      EXPECT_TRUE(answered.ok()) << answered.status();
      if (answered.ok()) reply = *answered;
    }
    EXPECT_LT(reply.status, 500) << "A SERVER ERROR: " << reply.body;
    EXPECT_EQ(reply.status, c.at("status").get<int>()) << reply.body;
    if (reply.status >= 400) {
      std::string problem = ShapeProblem(dialect, reply);
      EXPECT_EQ(problem, "") << "not " << dialect << "'s error shape: " << reply.body;
    }
    return reply.status;
  }

  // Runs one gRPC case on a connection of its own (gRPC closes the connection over a request
  // whose metadata is too large, failing whatever else shares it); returns the code's name.
  std::string RunGrpcCase(const nlohmann::json& c) {
    grpc::ChannelArguments own_connection;
    own_connection.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto stub = v1::PaymentInstrumentService::NewStub(
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", sys_->grpc_port()),
                                  grpc::InsecureChannelCredentials(), own_connection));
    bool parsed = false;
    grpc::Status status = CallRpc(*stub, c.at("rpc"), Expand(c.value("message", ""), context_),
                                  Authorization(c, context_), &parsed);
    EXPECT_TRUE(parsed) << "the case's message does not parse";
    if (!parsed) return "";
    std::string code = CodeName(status.error_code());
    EXPECT_EQ(code, c.at("code").get<std::string>()) << status.error_message();
    for (grpc::StatusCode server_side :
         {grpc::StatusCode::INTERNAL, grpc::StatusCode::UNKNOWN, grpc::StatusCode::DATA_LOSS,
          grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::DEADLINE_EXCEEDED}) {
      EXPECT_NE(status.error_code(), server_side) << "A SERVER ERROR: " << status.error_message();
    }
    // "by": "grpc" marks answers of the gRPC library itself (limits enforced before the
    // service runs), which carry no service error details.
    if (!status.ok() && c.value("by", "") != "grpc") {
      EXPECT_EQ(GrpcShapeProblem(status), "") << status.error_message();
    }
    return code;
  }

  static testing::SystemUnderTest* sys_;
  static Stub* stub_;
  static Context context_;
};

testing::SystemUnderTest* BadInputTest::sys_ = nullptr;
Stub* BadInputTest::stub_ = nullptr;
Context BadInputTest::context_;

TEST_F(BadInputTest, EveryCaseGetsItsDialectsError) {
  nlohmann::json table = nlohmann::json::parse(ReadTable(), nullptr, false);
  ASSERT_TRUE(table.is_object() && table.contains("cases")) << PI_BAD_INPUT_CASES;
  std::map<std::string, int> per_dialect;
  std::map<std::string, int> per_status;
  for (const nlohmann::json& c : table["cases"]) {
    const std::string dialect = c.at("dialect");
    SCOPED_TRACE(absl::StrCat(dialect, ": ", c.at("name").get<std::string>()));
    ++per_dialect[dialect];
    if (dialect == "grpc") {
      ++per_status[RunGrpcCase(c)];
    } else {
      ++per_status[std::to_string(RunHttpCase(c))];
    }
  }
  EXPECT_GE(table["cases"].size(), 100u);

  // The service keeps serving: one valid create per dialect, and both processes still run.
  EXPECT_EQ(ValidFinixCreate("/payment_instruments").status, 201);
  EXPECT_EQ(ValidFinixCreate("/payments/na/payment_instruments").status, 201);
  EXPECT_EQ(ValidSumUpCreate().status, 201);
  EXPECT_EQ(ValidRebillyCreate().status, 201);
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", sys_->basic_auth());
    v1::CreatePaymentInstrumentRequest request;
    v1::PaymentInstrument* pi = request.mutable_payment_instrument();
    pi->set_type(v1::PAYMENT_CARD);
    pi->set_identity(sys_->identity_id());
    pi->mutable_card()->set_number("4111111111111111");
    pi->mutable_card()->set_expiration_month(12);
    pi->mutable_card()->set_expiration_year(2040);
    v1::PaymentInstrument created;
    grpc::Status status = stub_->CreatePaymentInstrument(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_TRUE(Running(sys_->server().pid())) << "pi-server exited";
  EXPECT_TRUE(Running(sys_->gateway().pid())) << "pi-gateway exited";

  std::string summary = absl::StrCat("bad input: ", table["cases"].size(), " cases (");
  for (const auto& [dialect, n] : per_dialect) absl::StrAppend(&summary, dialect, " ", n, ", ");
  summary.resize(summary.size() - 2);
  absl::StrAppend(&summary, "); answers:");
  for (const auto& [status, n] : per_status) absl::StrAppend(&summary, " ", status, "×", n);
  std::cout << summary << "\n";
}

// Requests gRPC itself cannot parse, sent as raw bytes with a generic stub: bytes that are not a
// protobuf message, and a well-formed message whose string field is not UTF-8 (proto3 strings
// must be). gRPC 1.51's callback API parses the request before any service code runs and, when
// that fails, answers UNIMPLEMENTED with an empty message (grpcpp/impl/codegen/
// server_callback_handlers.h, CallbackUnaryHandler::RunHandler: "if deserialization or reactor
// creator failed" -> UnimplementedUnaryReactor); the synchronous API would say INTERNAL. pi-server
// never sees these calls, so it cannot answer INVALID_ARGUMENT short of taking every method's
// request as raw bytes (the generated WithRawCallbackMethod_* services) and parsing it itself.
// The test pins gRPC's answer, and that the server keeps serving, rather than claim a better one.
class RawGrpcCall {
 public:
  explicit RawGrpcCall(int port)
      : stub_(grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                  grpc::InsecureChannelCredentials())) {}

  grpc::Status Call(const std::string& method, const std::string& bytes,
                    const std::string& authorization) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::ClientContext context;
    context.AddMetadata("authorization", authorization);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    std::promise<grpc::Status> done;
    stub_.UnaryCall(&context, absl::StrCat(kService, method), grpc::StubOptions(), &request,
                    &response, [&done](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

 private:
  grpc::GenericStub stub_;
};

TEST_F(BadInputTest, UnparseableRequestsAreRefusedByGrpcItself) {
  RawGrpcCall raw(sys_->grpc_port());
  // Field 1 as a length-delimited field claiming 2^31 bytes, then garbage.
  const std::string garbage("\x0a\xff\xff\xff\xff\x07\x01\x02", 8);
  v1::CreatePaymentInstrumentRequest not_utf8;
  not_utf8.mutable_payment_instrument()->set_holder_name("Jo\xc3\x28");  // serializes anyway
  std::string not_utf8_bytes;
  ASSERT_TRUE(not_utf8.SerializeToString(&not_utf8_bytes));
  for (const auto& [what, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"not a protobuf message", garbage}, {"a string that is not UTF-8", not_utf8_bytes}}) {
    grpc::Status status = raw.Call("CreatePaymentInstrument", bytes, sys_->basic_auth());
    std::cout << "unparseable request (" << what << "): " << CodeName(status.error_code())
              << " \"" << status.error_message() << "\"\n";
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << what;
  }
  EXPECT_TRUE(Running(sys_->server().pid()));
  EXPECT_EQ(ValidFinixCreate("/payment_instruments").status, 201);
}

}  // namespace
}  // namespace pi
