#include "services/common/error.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace pi::common {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The ErrorInfo payload of `status`, parsed; fails the test when absent or unparsable.
google::rpc::ErrorInfo ErrorInfoOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  auto payload = status.GetPayload(kErrorInfoTypeUrl);
  EXPECT_TRUE(payload.has_value());
  if (payload) {
    EXPECT_TRUE(info.ParseFromString(std::string(*payload)));
  }
  return info;
}

TEST(MakeErrorTest, CarriesCodeMessageReasonAndDomain) {
  absl::Status status =
      MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND", "no such instrument");

  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "no such instrument");
  EXPECT_EQ(ErrorReasonOf(status), "RESOURCE_NOT_FOUND");
  google::rpc::ErrorInfo info = ErrorInfoOf(status);
  EXPECT_EQ(info.reason(), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(info.domain(), "instruments.payments.v1");
  EXPECT_EQ(info.domain(), kErrorDomain);
  EXPECT_THAT(FieldViolationsOf(status), IsEmpty());
}

TEST(InvalidFieldsTest, CarriesEveryViolationInOrder) {
  std::vector<FieldViolation> violations = {
      {"payment_instrument.card.number", "is required"},
      {"payment_instrument.card.expiration_month", "must be between 1 and 12"},
      {"payment_instrument.address.city", "must be at most 20 characters"},
  };

  absl::Status status = InvalidFields(violations);

  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReasonOf(status), "INVALID_FIELDS");
  EXPECT_EQ(ErrorInfoOf(status).domain(), kErrorDomain);
  EXPECT_EQ(FieldViolationsOf(status), violations);
  EXPECT_EQ(status.message(), "3 fields are invalid");
}

TEST(InvalidFieldsTest, SingleViolationNamesTheFieldInTheMessage) {
  absl::Status status = InvalidFields({{"payment_instrument.identity", "is required"}});

  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "payment_instrument.identity: is required");
  EXPECT_THAT(FieldViolationsOf(status),
              ElementsAre(FieldViolation{"payment_instrument.identity", "is required"}));
}

TEST(InvalidFieldsTest, BadRequestPayloadIsAGoogleRpcBadRequest) {
  absl::Status status = InvalidFields({{"a.b", "bad"}, {"c", "worse"}});

  auto payload = status.GetPayload(kBadRequestTypeUrl);
  ASSERT_TRUE(payload.has_value());
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(bad_request.ParseFromString(std::string(*payload)));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(), "a.b");
  EXPECT_EQ(bad_request.field_violations(0).description(), "bad");
  EXPECT_EQ(bad_request.field_violations(1).field(), "c");
  EXPECT_EQ(bad_request.field_violations(1).description(), "worse");
}

TEST(ErrorAccessorsTest, PlainStatusHasNoReasonOrViolations) {
  absl::Status status = absl::InvalidArgumentError("plain");

  EXPECT_EQ(ErrorReasonOf(status), "");
  EXPECT_THAT(FieldViolationsOf(status), IsEmpty());
  EXPECT_EQ(ErrorReasonOf(absl::OkStatus()), "");
  EXPECT_THAT(FieldViolationsOf(absl::OkStatus()), IsEmpty());
}

TEST(ErrorAccessorsTest, UnparsablePayloadsReadAsEmpty) {
  absl::Status status = absl::InternalError("garbled");
  // A truncated length-delimited field is not a valid message.
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord("\x0a\x7f"));
  status.SetPayload(kBadRequestTypeUrl, absl::Cord("\x0a\x7f"));

  EXPECT_EQ(ErrorReasonOf(status), "");
  EXPECT_THAT(FieldViolationsOf(status), IsEmpty());
}

}  // namespace
}  // namespace pi::common
