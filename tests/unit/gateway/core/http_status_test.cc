#include "gateway/core/http_status.h"

#include <ostream>
#include <string>

#include "gtest/gtest.h"

namespace pi::gateway::core {
namespace {

using boost::beast::http::status;

struct Case {
  grpc::StatusCode code;
  unsigned http;
};

// The table of http_status.cc, one row per gRPC code (all 17 of them).
constexpr Case kCases[] = {
    {grpc::StatusCode::OK, 200},
    {grpc::StatusCode::CANCELLED, 499},
    {grpc::StatusCode::UNKNOWN, 500},
    {grpc::StatusCode::INVALID_ARGUMENT, 400},
    {grpc::StatusCode::DEADLINE_EXCEEDED, 504},
    {grpc::StatusCode::NOT_FOUND, 404},
    {grpc::StatusCode::ALREADY_EXISTS, 409},
    {grpc::StatusCode::PERMISSION_DENIED, 403},
    {grpc::StatusCode::RESOURCE_EXHAUSTED, 429},
    {grpc::StatusCode::FAILED_PRECONDITION, 400},
    {grpc::StatusCode::ABORTED, 409},
    {grpc::StatusCode::OUT_OF_RANGE, 400},
    {grpc::StatusCode::UNIMPLEMENTED, 501},
    {grpc::StatusCode::INTERNAL, 500},
    {grpc::StatusCode::UNAVAILABLE, 503},
    {grpc::StatusCode::DATA_LOSS, 500},
    {grpc::StatusCode::UNAUTHENTICATED, 401},
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << "grpc " << static_cast<int>(c.code) << " -> HTTP " << c.http;
}

class HttpStatusForTest : public ::testing::TestWithParam<Case> {};

TEST_P(HttpStatusForTest, MapsAsTheTableSays) {
  const Case& c = GetParam();
  EXPECT_EQ(static_cast<unsigned>(HttpStatusFor(c.code)), c.http)
      << "grpc code " << static_cast<int>(c.code);
}

std::string CaseName(const ::testing::TestParamInfo<Case>& param_info) {
  return "Code" + std::to_string(static_cast<int>(param_info.param.code));
}

INSTANTIATE_TEST_SUITE_P(AllCodes, HttpStatusForTest, ::testing::ValuesIn(kCases), CaseName);

TEST(HttpStatusForTableTest, CoversEveryGrpcCode) {
  // grpc::StatusCode runs from OK (0) to UNAUTHENTICATED (16); each appears exactly once above.
  bool seen[17] = {};
  for (const Case& c : kCases) {
    int code = static_cast<int>(c.code);
    ASSERT_GE(code, 0);
    ASSERT_LT(code, 17);
    EXPECT_FALSE(seen[code]) << "duplicate row for " << code;
    seen[code] = true;
  }
  for (int code = 0; code < 17; ++code) EXPECT_TRUE(seen[code]) << "no row for " << code;
}

TEST(HttpStatusForNamedTest, NamedStatusesMatchBeast) {
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INVALID_ARGUMENT), status::bad_request);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNAUTHENTICATED), status::unauthorized);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::RESOURCE_EXHAUSTED), status::too_many_requests);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::DEADLINE_EXCEEDED), status::gateway_timeout);
}

TEST(HttpStatusForNamedTest, UnknownCodeValuesAreInternalServerError) {
  EXPECT_EQ(HttpStatusFor(static_cast<grpc::StatusCode>(42)), status::internal_server_error);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::DO_NOT_USE), status::internal_server_error);
}

}  // namespace
}  // namespace pi::gateway::core
