// The leak scan: instruments and tokens created through all four REST dialects and gRPC with
// card numbers, security codes, US and Canadian account numbers and wallet tokens unique to this
// test; then none of them may appear in clear in
//   - both processes' logs, written at the most verbose level: PI_LOG_LEVEL=debug (pi-server and
//     pi-gateway write no debug-level line of their own today, so it adds none) and gRPC's own
//     GRPC_VERBOSITY=DEBUG, whose debug lines must be there so the scan is not vacuous;
//   - the pg_dump of the test's database;
//   - the cluster's write-ahead log: the raw bytes of the pg_wal/ segments written during the test
//     and pg_waldump's description of those records (the WAL keeps rows later deleted, such as a
//     used token's payload);
//   - every response body, errors included: Finix, Ahrvo, SumUp, Rebilly and gRPC.
// Each place is shown to be searchable: the WAL holds a tag written in clear by the service and a
// canary row the test stores in clear (a Luhn-valid number and a security code that the same
// searches must find), and pg_waldump shows the canary in a logical message's prefix.
//
// Long secrets (numbers, tokens) are searched as substrings everywhere. Security codes are 3-4
// digits, so they are searched as numbers of their own: in logs after gRPC's "file:line]" prefixes
// are dropped; in the dump outside bytea hex; in binary (WAL bytes, gRPC error details) inside runs
// of printable text, where a leaked code would sit (a 3-digit run occurs by chance in megabytes of
// ciphertext). pg_waldump prints no row data, only record headers whose numbers (transaction ids,
// blocks) would match by chance, so it is searched for long secrets only.
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "payments/instruments/v1/payment_instrument_service.grpc.pb.h"
#include "services/common/secret.h"
#include "services/instruments/crypto/customer_jwt.h"
#include "tests/e2e/wal_scan.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/system_under_test.h"
#include "tests/support/test_database.h"

namespace pi {
namespace {

namespace v1 = ::payments::instruments::v1;
using ::testing::HasSubstr;
using ::testing::Not;

// `body` plus its Luhn check digit.
std::string WithCheckDigit(const std::string& body) {
  int sum = 0;
  bool doubled = true;  // the digit left of the check digit is doubled
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    int d = *it - '0';
    if (doubled) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    doubled = !doubled;
  }
  return body + static_cast<char>('0' + (10 - sum % 10) % 10);
}

// Numbers used by no other test (the cluster, and so its WAL, is shared by the suite).
const std::string kVisa = WithCheckDigit("462391857304172");
const std::string kMastercard = WithCheckDigit("548731902645381");
const std::string kAmex = WithCheckDigit("37829105647352");
const std::string kTokenVisa = WithCheckDigit("491760382915736");      // Finix POST /tokens
const std::string kAhrvoCard = WithCheckDigit("529318406271953");
const std::string kSumUpCard = WithCheckDigit("453920176845021");
const std::string kRebillyCard = WithCheckDigit("476102938457160");    // FramePay token
const std::string kGrpcCard = WithCheckDigit("535082749160273");
const std::string kGrpcTokenCard = WithCheckDigit("454718290365817");
// Fails the check digit: refused, and must not leak through the error path either.
const std::string kRejectedPan = [] {
  std::string pan = WithCheckDigit("402871639504817");
  pan.back() = pan.back() == '9' ? '0' : static_cast<char>(pan.back() + 1);
  return pan;
}();
const std::string kUsAccount = "000731946285";
const std::string kCaAccount = "7318264059";
const std::string kGooglePayToken = "gpay-leak-scan-7f3e9a1c5d";
const std::string kApplePayToken = "apay-leak-scan-2b8d4e6f0a";
// Security codes, one per card above (kRejectedCode goes with kRejectedPan).
constexpr char kVisaCode[] = "748";
constexpr char kMastercardCode[] = "851";
constexpr char kAmexCode[] = "6294";
constexpr char kTokenCode[] = "472";
constexpr char kAhrvoCode[] = "318";
constexpr char kSumUpCode[] = "526";
constexpr char kRebillyCode[] = "964";
constexpr char kGrpcCode[] = "183";
constexpr char kGrpcTokenCode[] = "607";
constexpr char kRejectedCode[] = "97531";
// Written in clear on purpose: by the service (a tag value) and by the test (the canary).
constexpr char kTagMarker[] = "leak-scan-tag-marker-5e1f";
const std::string kCanaryPan = WithCheckDigit("499273615840362");
constexpr char kCanaryCode[] = "4817";

const std::vector<std::string>& LongSecrets() {
  static const std::vector<std::string> kAll = {
      kVisa,      kMastercard, kAmex,      kTokenVisa, kAhrvoCard,     kSumUpCard,
      kRebillyCard, kGrpcCard, kGrpcTokenCard, kRejectedPan, kUsAccount, kCaAccount,
      kGooglePayToken, kApplePayToken};
  return kAll;
}

const std::vector<std::string>& SecurityCodes() {
  static const std::vector<std::string> kAll = {kVisaCode,  kMastercardCode, kAmexCode,
                                                kTokenCode, kAhrvoCode,      kSumUpCode,
                                                kRebillyCode, kGrpcCode,     kGrpcTokenCode,
                                                kRejectedCode};
  return kAll;
}

// True when `code` occurs in `text` as a number of its own (not inside an id, a longer number or
// a decimal).
bool ContainsAsNumber(const std::string& text, const std::string& code) {
  return std::regex_search(text, std::regex("(^|[^0-9A-Za-z.])" + code + "($|[^0-9A-Za-z.])"));
}

// The runs of at least 8 printable ASCII characters of binary `bytes`, one per line (what
// strings(1) shows): where text stored in a row or a record sits.
std::string PrintableRuns(const std::string& bytes) {
  std::string out, run;
  for (char c : bytes) {
    if (c >= 0x20 && c < 0x7f) {
      run.push_back(c);
      continue;
    }
    if (run.size() >= 8) out += run + "\n";
    run.clear();
  }
  if (run.size() >= 8) out += run + "\n";
  return out;
}

// gRPC's own log lines start "D1121 13:50:03.123456789  4242 file.cc:739] ": the thread id and
// source line would match a security code by chance, so the prefix is dropped.
const std::regex& GrpcLogPrefix() {
  static const std::regex kPrefix("(^|\n)[DIWE][0-9]{4} [0-9:.]+ +[0-9]+ [^\\]\n]*\\]");
  return kPrefix;
}

bool HasGrpcDebugLine(const std::string& log) {
  return std::regex_search(log, std::regex("(^|\n)D[0-9]{4} [0-9:.]+ +[0-9]+ [^\\]\n]*\\]"));
}

// Runs one transaction in the test's database that stores the canary in clear, in a table and in
// a logical WAL message's prefix, and commits synchronously so the WAL is written out.
void WriteCanary(const std::string& url) {
  pqxx::connection c(url);
  pqxx::work txn(c);
  txn.exec("SET LOCAL synchronous_commit = on");
  txn.exec("CREATE TABLE leak_scan_canary (note text NOT NULL)");
  txn.exec_params("INSERT INTO leak_scan_canary (note) VALUES ($1), ($2)",
                  "canary card " + kCanaryPan,
                  absl::StrCat(R"({"security_code": ")", kCanaryCode, R"("})"));
  txn.exec_params("SELECT pg_logical_emit_message(true, $1, 'canary')",
                  "leak-scan-canary-" + kCanaryPan);
  txn.commit();
}

class Recorder {
 public:
  explicit Recorder(testing::SystemUnderTest& sys) : sys_(sys) {}

  // One HTTP call; its body is kept for the scan. Returns the parsed body (null when not JSON).
  nlohmann::json Http(const std::string& method, const std::string& target,
                      const nlohmann::json& body, const std::string& authorization, int expected) {
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    if (!authorization.empty()) headers["Authorization"] = authorization;
    auto reply = testing::HttpCall(sys_.http_port(), method, target,
                                   body.is_null() ? "" : body.dump(), headers);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return nullptr;
    EXPECT_EQ(reply->status, expected) << method << " " << target << ": " << reply->body;
    text += reply->body + "\n";
    ++responses;
    return nlohmann::json::parse(reply->body, nullptr, false);
  }

  // Keeps what a gRPC call answered: the message, or the status with its binary details.
  void Grpc(const grpc::Status& status, const google::protobuf::Message& response) {
    if (status.ok()) {
      text += response.DebugString() + "\n";
      binary += response.SerializeAsString();
    } else {
      text += status.error_message() + "\n";
      binary += status.error_details();
    }
    ++responses;
  }

  std::string text;    // response bodies, rendered as text
  std::string binary;  // gRPC responses as serialized on the wire
  int responses = 0;

 private:
  testing::SystemUnderTest& sys_;
};

TEST(LeakScanTest, NoSecretInLogsDumpWalOrResponses) {
  std::string url = testing::CreateScratchDatabase("leak");
  absl::StatusOr<std::string> start_lsn = testing::WalFlushLsn(url);
  ASSERT_TRUE(start_lsn.ok()) << start_lsn.status();
  std::map<std::string, std::string> verbose = {{"PI_LOG_LEVEL", "debug"},
                                                {"GRPC_VERBOSITY", "DEBUG"}};
  auto started = testing::SystemUnderTest::Start(
      "e2e-leak", {.database_url = url, .server_env = verbose, .gateway_env = verbose});
  ASSERT_TRUE(started.ok()) << started.status();
  testing::SystemUnderTest& sys = **started;
  const std::string& basic = sys.basic_auth();
  const std::string identity = sys.identity_id();
  Recorder r(sys);

  // Finix: cards, a refused card, US and Canadian bank accounts, both wallets, a hosted-fields
  // token and its association, a read, an update and a list.
  auto card = [&](const std::string& number, const std::string& code, int month) {
    return nlohmann::json{{"type", "PAYMENT_CARD"}, {"identity", identity},
                          {"number", number},       {"security_code", code},
                          {"expiration_month", month}, {"expiration_year", 2039},
                          {"name", "Leak Scan"}};
  };
  nlohmann::json visa = card(kVisa, kVisaCode, 7);
  visa["tags"] = {{"marker", kTagMarker}};
  nlohmann::json created = r.Http("POST", "/payment_instruments", visa, basic, 201);
  ASSERT_TRUE(created.contains("id"));
  const std::string visa_id = created["id"];
  EXPECT_EQ(created["last_four"], kVisa.substr(12));  // the responses hold masked data
  r.Http("POST", "/payment_instruments", card(kMastercard, kMastercardCode, 8), basic, 201);
  r.Http("POST", "/payment_instruments", card(kAmex, kAmexCode, 9), basic, 201);
  r.Http("POST", "/payment_instruments", card(kRejectedPan, kRejectedCode, 13), basic, 422);
  r.Http("POST", "/payment_instruments",
         {{"type", "BANK_ACCOUNT"}, {"identity", identity}, {"account_number", kUsAccount},
          {"bank_code", "021000021"}, {"account_type", "CHECKING"}, {"name", "Leak Scan"}},
         basic, 201);
  r.Http("POST", "/payment_instruments",
         {{"type", "BANK_ACCOUNT"}, {"identity", identity}, {"account_number", kCaAccount},
          {"institution_number", "001"}, {"transit_number", "12345"}, {"country", "CAN"},
          {"account_type", "SAVINGS"}, {"name", "Leak Scan"}},
         basic, 201);
  r.Http("POST", "/payment_instruments",
         {{"type", "GOOGLE_PAY"}, {"identity", identity}, {"third_party_token", kGooglePayToken},
          {"merchant_identity", "IDmerchant"}},
         basic, 201);
  r.Http("POST", "/payment_instruments",
         {{"type", "APPLE_PAY"}, {"identity", identity}, {"third_party_token", kApplePayToken},
          {"merchant_identity", "IDmerchant"}},
         basic, 201);
  nlohmann::json token = r.Http(
      "POST", "/tokens",
      {{"type", "PAYMENT_CARD"}, {"number", kTokenVisa}, {"security_code", kTokenCode},
       {"expiration_month", 10}, {"expiration_year", 2039}},
      basic, 201);
  ASSERT_TRUE(token.contains("id"));
  r.Http("POST", "/payment_instruments",
         {{"type", "TOKEN"}, {"token", token["id"]}, {"identity", identity}}, basic, 201);
  r.Http("GET", "/payment_instruments/" + visa_id, nullptr, basic, 200);
  r.Http("PUT", "/payment_instruments/" + visa_id, {{"tags", {{"marker", kTagMarker}}}}, basic,
         200);
  r.Http("GET", "/payment_instruments?limit=20", nullptr, basic, 200);

  // Ahrvo: a card, its read, and a refused one.
  nlohmann::json ahrvo = r.Http("POST", "/payments/na/payment_instruments",
                                card(kAhrvoCard, kAhrvoCode, 11), basic, 201);
  ASSERT_TRUE(ahrvo.contains("id"));
  r.Http("GET", "/payments/na/payment_instruments/" + ahrvo["id"].get<std::string>(), nullptr,
         basic, 200);
  r.Http("POST", "/payments/na/payment_instruments", card(kRejectedPan, kRejectedCode, 0), basic,
         422);

  // SumUp: a customer, a card, the list, and a refused card.
  absl::StatusOr<std::string> api_key = sys.CreateCredential({"--kind=api_key"});
  ASSERT_TRUE(api_key.ok()) << api_key.status();
  std::string bearer = nlohmann::json::parse(*api_key)["authorization"];
  r.Http("POST", "/v0.1/customers", {{"customer_id", "leak-scan-customer"}}, bearer, 201);
  auto sumup_card = [](const std::string& number, const std::string& code,
                       const std::string& month) {
    return nlohmann::json{{"type", "card"},
                          {"card",
                           {{"name", "Leak Scan"}, {"number", number}, {"expiry_year", "2039"},
                            {"expiry_month", month}, {"cvv", code}, {"zip_code", "94404"}}}};
  };
  const std::string sumup_instruments = "/v0.1/customers/leak-scan-customer/payment-instruments";
  r.Http("POST", sumup_instruments, sumup_card(kSumUpCard, kSumUpCode, "05"), bearer, 201);
  r.Http("GET", sumup_instruments, nullptr, bearer, 200);
  r.Http("POST", sumup_instruments, sumup_card(kRejectedPan, kRejectedCode, "13"), bearer, 400);

  // Rebilly: a FramePay token with the publishable key, the storefront instrument with a
  // customer JWT, its read, and a refused token.
  absl::StatusOr<std::string> publishable = sys.CreateCredential({"--kind=publishable"});
  ASSERT_TRUE(publishable.ok()) << publishable.status();
  std::string publishable_key =
      nlohmann::json::parse(*publishable)["authorization"].get<std::string>().substr(7);
  absl::StatusOr<std::string> jwt_credential = sys.CreateCredential({"--kind=jwt_hs256"});
  ASSERT_TRUE(jwt_credential.ok()) << jwt_credential.status();
  nlohmann::json jwt_json = nlohmann::json::parse(*jwt_credential);
  std::string signing_key;
  ASSERT_TRUE(
      absl::WebSafeBase64Unescape(jwt_json["signing_key"].get<std::string>(), &signing_key));
  std::string customer_jwt = absl::StrCat(
      "Bearer ", instruments::crypto::SignCustomerJwt(
                     common::Secret(std::move(signing_key)),
                     jwt_json["credential_id"].get<std::string>(), sys.application_id(), identity,
                     absl::Now() + absl::Minutes(10)));
  auto frame_pay = [](const std::string& pan, const std::string& code, int month) {
    return nlohmann::json{
        {"method", "payment-card"},
        {"paymentInstrument",
         {{"pan", pan}, {"expMonth", month}, {"expYear", 2039}, {"cvv", code}}},
        {"billingAddress", {{"firstName", "Leak"}, {"lastName", "Scan"}, {"country", "US"}}}};
  };
  nlohmann::json rebilly_token = r.Http("POST", "/organizations/org-1/tokens",
                                        frame_pay(kRebillyCard, kRebillyCode, 6),
                                        publishable_key, 201);
  ASSERT_TRUE(rebilly_token.contains("id"));
  nlohmann::json rebilly = r.Http("POST", "/storefront/organizations/org-1/payment-instruments",
                                  {{"token", rebilly_token["id"]}}, customer_jwt, 201);
  ASSERT_TRUE(rebilly.contains("id"));
  r.Http("GET",
         "/storefront/organizations/org-1/payment-instruments/" +
             rebilly["id"].get<std::string>(),
         nullptr, customer_jwt, 200);
  r.Http("POST", "/organizations/org-1/tokens", frame_pay(kRejectedPan, kRejectedCode, 13),
         publishable_key, 422);

  // gRPC: a card, a token, and a refused card.
  auto stub = v1::PaymentInstrumentService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", sys.grpc_port()), grpc::InsecureChannelCredentials()));
  auto grpc_create = [&](const std::string& number, const std::string& code, int month,
                         bool ok) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", basic);
    v1::CreatePaymentInstrumentRequest request;
    v1::PaymentInstrument* pi = request.mutable_payment_instrument();
    pi->set_type(v1::PAYMENT_CARD);
    pi->set_identity(identity);
    pi->mutable_card()->set_number(number);
    pi->mutable_card()->set_security_code(code);
    pi->mutable_card()->set_expiration_month(month);
    pi->mutable_card()->set_expiration_year(2039);
    v1::PaymentInstrument response;
    grpc::Status status = stub->CreatePaymentInstrument(&context, request, &response);
    EXPECT_EQ(status.ok(), ok) << status.error_message();
    r.Grpc(status, response);
  };
  grpc_create(kGrpcCard, kGrpcCode, 4, true);
  grpc_create(kRejectedPan, kRejectedCode, 13, false);
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", basic);
    v1::CreateTokenRequest request;
    request.mutable_token()->set_type(v1::PAYMENT_CARD);
    request.mutable_token()->mutable_card()->set_number(kGrpcTokenCard);
    request.mutable_token()->mutable_card()->set_security_code(kGrpcTokenCode);
    request.mutable_token()->mutable_card()->set_expiration_month(3);
    request.mutable_token()->mutable_card()->set_expiration_year(2039);
    v1::Token response;
    grpc::Status status = stub->CreateToken(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    r.Grpc(status, response);
  }
  ASSERT_FALSE(::testing::Test::HasFailure()) << "the run itself failed; nothing to scan";

  WriteCanary(url);
  absl::StatusOr<std::string> end_lsn = testing::WalFlushLsn(url);
  ASSERT_TRUE(end_lsn.ok()) << end_lsn.status();
  absl::StatusOr<testing::WalContents> wal = testing::ReadWal(url, *start_lsn, *end_lsn);
  ASSERT_TRUE(wal.ok()) << wal.status();
  std::string dump;
  absl::StatusOr<int> dumped = testing::RunToCompletion(
      "/usr/lib/postgresql/15/bin/pg_dump", {"--dbname=" + url, "--no-owner"}, {}, &dump);
  ASSERT_TRUE(dumped.ok());
  ASSERT_EQ(*dumped, 0);
  std::string server_log = sys.server_log();
  std::string gateway_log = sys.gateway_log();

  // Every place is searchable, so that finding nothing means something.
  EXPECT_TRUE(HasGrpcDebugLine(server_log)) << "pi-server wrote no debug line:\n" << server_log;
  EXPECT_TRUE(HasGrpcDebugLine(gateway_log)) << "pi-gateway wrote no debug line:\n"
                                             << gateway_log;
  EXPECT_THAT(server_log, HasSubstr("\"msg\":\"rpc\""));
  EXPECT_THAT(gateway_log, HasSubstr("\"msg\":\"http\""));
  EXPECT_THAT(dump, HasSubstr("payment_instruments"));
  EXPECT_THAT(dump, HasSubstr(kCanaryPan));
  EXPECT_THAT(wal->range, HasSubstr(kTagMarker)) << "the service's rows are not in the WAL range";
  EXPECT_THAT(wal->range, HasSubstr(kCanaryPan));
  EXPECT_TRUE(ContainsAsNumber(PrintableRuns(wal->range), kCanaryCode));
  EXPECT_THAT(wal->waldump, HasSubstr("leak-scan-canary-" + kCanaryPan));
  EXPECT_THAT(wal->waldump, HasSubstr("rmgr: Heap"));
  EXPECT_EQ(r.responses, 27);

  std::string dump_without_hex = std::regex_replace(dump, std::regex("\\\\x[0-9a-f]+"), "");
  struct Place {
    std::string name;
    const std::string* text;
    std::string codes_searched_in;  // "" when security codes are not searched there
  };
  std::vector<Place> places = {
      {"pi-server log", &server_log, std::regex_replace(server_log, GrpcLogPrefix(), "$1")},
      {"pi-gateway log", &gateway_log, std::regex_replace(gateway_log, GrpcLogPrefix(), "$1")},
      {"pg_dump", &dump, dump_without_hex},
      {"WAL segment bytes", &wal->segments, PrintableRuns(wal->range)},
      {"pg_waldump output", &wal->waldump, ""},
      {"response bodies", &r.text, r.text},
      {"gRPC responses on the wire", &r.binary, PrintableRuns(r.binary)},
  };
  for (const Place& place : places) {
    for (const std::string& secret : LongSecrets()) {
      EXPECT_THAT(*place.text, Not(HasSubstr(secret))) << place.name;
    }
    if (place.codes_searched_in.empty()) continue;
    for (const std::string& code : SecurityCodes()) {
      EXPECT_FALSE(ContainsAsNumber(place.codes_searched_in, code))
          << place.name << " holds security code " << code;
    }
  }
  std::cout << "leak scan: " << r.responses << " responses, server log " << server_log.size()
            << " B, gateway log " << gateway_log.size() << " B, pg_dump " << dump.size()
            << " B, WAL " << wal->range.size() << " B in " << wal->segment_count
            << " segment(s), pg_waldump " << wal->waldump.size() << " B; "
            << LongSecrets().size() << " numbers/tokens and " << SecurityCodes().size()
            << " security codes searched\n";
}

}  // namespace
}  // namespace pi
