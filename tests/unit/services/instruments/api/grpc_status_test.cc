#include "services/instruments/api/grpc_status.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "services/common/error.h"

namespace pi::instruments::api {
namespace {

// The google.rpc.Status in `status`'s binary details; fails the test if it does not parse.
google::rpc::Status DetailsOf(const grpc::Status& status) {
  google::rpc::Status rpc_status;
  EXPECT_TRUE(rpc_status.ParseFromString(status.error_details()));
  return rpc_status;
}

// The ErrorInfo among `rpc_status`'s details; fails the test unless there is exactly one.
google::rpc::ErrorInfo ErrorInfoIn(const google::rpc::Status& rpc_status) {
  google::rpc::ErrorInfo info;
  int found = 0;
  for (const google::protobuf::Any& any : rpc_status.details()) {
    if (any.Is<google::rpc::ErrorInfo>()) {
      ++found;
      EXPECT_TRUE(any.UnpackTo(&info));
    }
  }
  EXPECT_EQ(found, 1);
  return info;
}

TEST(ToGrpcStatusTest, OkIsOk) {
  grpc::Status status = ToGrpcStatus(absl::OkStatus());

  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::OK);
  EXPECT_EQ(status.error_message(), "");
  EXPECT_EQ(status.error_details(), "");
}

TEST(ToGrpcStatusTest, InvalidFieldsCarryErrorInfoAndBadRequest) {
  std::vector<common::FieldViolation> violations = {
      {"payment_instrument.card.number", "is required"},
      {"payment_instrument.card.expiration_month", "must be between 1 and 12"},
      {"payment_instrument.address.country", "must be an ISO 3166 alpha-3 country code"},
  };
  absl::Status invalid = common::InvalidFields(violations);

  grpc::Status status = ToGrpcStatus(invalid);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), invalid.message());
  google::rpc::Status rpc_status = DetailsOf(status);
  EXPECT_EQ(rpc_status.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(rpc_status.message(), invalid.message());
  ASSERT_EQ(rpc_status.details_size(), 2);
  EXPECT_EQ(rpc_status.details(0).type_url(), "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(rpc_status.details(1).type_url(), "type.googleapis.com/google.rpc.BadRequest");

  google::rpc::ErrorInfo info = ErrorInfoIn(rpc_status);
  EXPECT_EQ(info.reason(), "INVALID_FIELDS");
  EXPECT_EQ(info.domain(), "instruments.payments.v1");

  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(rpc_status.details(1).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(bad_request.field_violations(i).field(), violations[i].field);
    EXPECT_EQ(bad_request.field_violations(i).description(), violations[i].description);
  }
}

TEST(ToGrpcStatusTest, PlainUnavailableGetsBackendUnavailable) {
  grpc::Status status = ToGrpcStatus(absl::UnavailableError("database unreachable"));

  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "database unreachable");
  google::rpc::Status rpc_status = DetailsOf(status);
  EXPECT_EQ(rpc_status.code(), static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  ASSERT_EQ(rpc_status.details_size(), 1);  // no BadRequest without field violations
  google::rpc::ErrorInfo info = ErrorInfoIn(rpc_status);
  EXPECT_EQ(info.reason(), "BACKEND_UNAVAILABLE");
  EXPECT_EQ(info.domain(), "instruments.payments.v1");
}

TEST(ToGrpcStatusTest, ExplicitReasonIsKept) {
  absl::Status unauthenticated =
      common::MakeError(absl::StatusCode::kUnauthenticated, "UNAUTHENTICATED_CALLER",
                        "missing or invalid credentials");
  absl::Status custom =
      common::MakeError(absl::StatusCode::kFailedPrecondition, "KEY_NOT_LOADED", "rotate");

  grpc::Status status = ToGrpcStatus(unauthenticated);
  grpc::Status custom_status = ToGrpcStatus(custom);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ErrorInfoIn(DetailsOf(status)).reason(), "UNAUTHENTICATED_CALLER");
  EXPECT_EQ(custom_status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorInfoIn(DetailsOf(custom_status)).reason(), "KEY_NOT_LOADED");
  EXPECT_EQ(ErrorInfoIn(DetailsOf(custom_status)).domain(), "instruments.payments.v1");
}

struct DefaultCase {
  absl::StatusCode code;
  grpc::StatusCode grpc_code;
  const char* reason;
};

void PrintTo(const DefaultCase& c, std::ostream* os) { *os << absl::StatusCodeToString(c.code); }

class ToGrpcStatusDefaultReasonTest : public ::testing::TestWithParam<DefaultCase> {};

TEST_P(ToGrpcStatusDefaultReasonTest, MapsCodeAndNamesAReason) {
  grpc::Status status = ToGrpcStatus(absl::Status(GetParam().code, "boom"));

  EXPECT_EQ(status.error_code(), GetParam().grpc_code);
  EXPECT_EQ(status.error_message(), "boom");
  google::rpc::Status rpc_status = DetailsOf(status);
  EXPECT_EQ(rpc_status.code(), static_cast<int>(GetParam().grpc_code));
  EXPECT_EQ(rpc_status.message(), "boom");
  google::rpc::ErrorInfo info = ErrorInfoIn(rpc_status);
  EXPECT_EQ(info.reason(), GetParam().reason);
  EXPECT_EQ(info.domain(), "instruments.payments.v1");
}

INSTANTIATE_TEST_SUITE_P(
    Codes, ToGrpcStatusDefaultReasonTest,
    ::testing::Values(
        DefaultCase{absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED, "INTERNAL_ERROR"},
        DefaultCase{absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN, "INTERNAL_ERROR"},
        DefaultCase{absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT,
                    "MALFORMED_REQUEST"},
        DefaultCase{absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED,
                    "BACKEND_UNAVAILABLE"},
        DefaultCase{absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND"},
        DefaultCase{absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS,
                    "ALREADY_EXISTS"},
        DefaultCase{absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED,
                    "PERMISSION_DENIED_FOR_ROLE"},
        DefaultCase{absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED,
                    "BACKEND_UNAVAILABLE"},
        DefaultCase{absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION,
                    "INTERNAL_ERROR"},
        DefaultCase{absl::StatusCode::kAborted, grpc::StatusCode::ABORTED, "INTERNAL_ERROR"},
        DefaultCase{absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE,
                    "MALFORMED_REQUEST"},
        DefaultCase{absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED,
                    "NOT_IMPLEMENTED"},
        DefaultCase{absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL, "INTERNAL_ERROR"},
        DefaultCase{absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE,
                    "BACKEND_UNAVAILABLE"},
        DefaultCase{absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS, "DECRYPTION_FAILED"},
        DefaultCase{absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED,
                    "UNAUTHENTICATED_CALLER"}));

}  // namespace
}  // namespace pi::instruments::api
