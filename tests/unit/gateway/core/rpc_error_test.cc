#include "gateway/core/rpc_error.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace pi::gateway::core {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

auto Violation(const std::string& field, const std::string& description) {
  return AllOf(Field(&FieldViolation::field, field),
               Field(&FieldViolation::description, description));
}

google::rpc::ErrorInfo Info(const std::string& reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("instruments.payments.v1");
  return info;
}

google::rpc::BadRequest BadRequest(
    const std::vector<std::pair<std::string, std::string>>& violations) {
  google::rpc::BadRequest bad_request;
  for (const auto& [field, description] : violations) {
    auto* v = bad_request.add_field_violations();
    v->set_field(field);
    v->set_description(description);
  }
  return bad_request;
}

// A grpc::Status as pi-server sends it: google.rpc.Status with packed details.
grpc::Status WithDetails(grpc::StatusCode code, const std::string& message,
                         const std::vector<const google::protobuf::Message*>& details) {
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(code));
  rpc_status.set_message(message);
  for (const google::protobuf::Message* d : details) rpc_status.add_details()->PackFrom(*d);
  return grpc::Status(code, message, rpc_status.SerializeAsString());
}

TEST(DecodeRpcErrorTest, DecodesCodeMessageReasonAndViolationsInOrder) {
  google::rpc::ErrorInfo info = Info("INVALID_FIELDS");
  google::rpc::BadRequest bad_request =
      BadRequest({{"payment_instrument.card.number", "fails the Luhn check"},
                  {"payment_instrument.address.city", "must be at most 20 characters"}});
  grpc::Status status = WithDetails(grpc::StatusCode::INVALID_ARGUMENT, "2 fields are invalid",
                                    {&info, &bad_request});

  RpcError error = DecodeRpcError(status);

  EXPECT_EQ(error.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(error.message, "2 fields are invalid");
  EXPECT_EQ(error.reason, "INVALID_FIELDS");
  EXPECT_THAT(
      error.violations,
      ElementsAre(Violation("payment_instrument.card.number", "fails the Luhn check"),
                  Violation("payment_instrument.address.city", "must be at most 20 characters")));
}

TEST(DecodeRpcErrorTest, DetailOrderDoesNotMatter) {
  google::rpc::ErrorInfo info = Info("INVALID_FIELDS");
  google::rpc::BadRequest bad_request = BadRequest({{"a", "x"}, {"b", "y"}});
  grpc::Status status =
      WithDetails(grpc::StatusCode::INVALID_ARGUMENT, "bad", {&bad_request, &info});

  RpcError error = DecodeRpcError(status);

  EXPECT_EQ(error.reason, "INVALID_FIELDS");
  EXPECT_THAT(error.violations, ElementsAre(Violation("a", "x"), Violation("b", "y")));
}

TEST(DecodeRpcErrorTest, ViolationsOfSeveralBadRequestsAreConcatenated) {
  google::rpc::BadRequest first = BadRequest({{"a", "x"}});
  google::rpc::BadRequest second = BadRequest({{"b", "y"}});
  grpc::Status status = WithDetails(grpc::StatusCode::INVALID_ARGUMENT, "bad", {&first, &second});

  RpcError error = DecodeRpcError(status);

  EXPECT_EQ(error.reason, "");
  EXPECT_THAT(error.violations, ElementsAre(Violation("a", "x"), Violation("b", "y")));
}

TEST(DecodeRpcErrorTest, ReasonWithoutViolations) {
  google::rpc::ErrorInfo info = Info("RESOURCE_NOT_FOUND");
  grpc::Status status = WithDetails(grpc::StatusCode::NOT_FOUND, "no such instrument", {&info});

  RpcError error = DecodeRpcError(status);

  EXPECT_EQ(error.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(error.message, "no such instrument");
  EXPECT_EQ(error.reason, "RESOURCE_NOT_FOUND");
  EXPECT_THAT(error.violations, IsEmpty());
}

TEST(DecodeRpcErrorTest, UnrelatedDetailTypesAreIgnored) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(3);
  google::rpc::ErrorInfo info = Info("RATE_LIMITED");
  grpc::Status status =
      WithDetails(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow down", {&retry, &info});

  RpcError error = DecodeRpcError(status);

  EXPECT_EQ(error.code, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(error.reason, "RATE_LIMITED");
  EXPECT_THAT(error.violations, IsEmpty());
}

TEST(DecodeRpcErrorTest, NoDetailsLeaveReasonAndViolationsEmpty) {
  RpcError error = DecodeRpcError(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connect failed"));

  EXPECT_EQ(error.code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(error.message, "connect failed");
  EXPECT_EQ(error.reason, "");
  EXPECT_THAT(error.violations, IsEmpty());
}

TEST(DecodeRpcErrorTest, GarbageDetailsLeaveReasonAndViolationsEmpty) {
  const std::string kGarbage[] = {
      "\xff\xff\xff\xff",              // a varint that never ends
      std::string("\x0a\x7f\x01", 3),  // a length-delimited field longer than the data
      "not a protobuf at all",
      std::string("\x1a\x05\x0a\x03xyz", 7),  // details: an Any whose type_url names nothing
  };
  for (const std::string& garbage : kGarbage) {
    RpcError error = DecodeRpcError(grpc::Status(grpc::StatusCode::INTERNAL, "boom", garbage));

    EXPECT_EQ(error.code, grpc::StatusCode::INTERNAL);
    EXPECT_EQ(error.message, "boom");
    EXPECT_EQ(error.reason, "");
    EXPECT_THAT(error.violations, IsEmpty());
  }
}

TEST(DecodeRpcErrorTest, AnyClaimingErrorInfoWithGarbagePayloadIsSkipped) {
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(grpc::StatusCode::INTERNAL));
  google::protobuf::Any* any = rpc_status.add_details();
  any->set_type_url("type.googleapis.com/google.rpc.ErrorInfo");
  any->set_value("\xff\xff\xff");
  google::rpc::BadRequest bad_request = BadRequest({{"a", "x"}});
  rpc_status.add_details()->PackFrom(bad_request);

  RpcError error = DecodeRpcError(
      grpc::Status(grpc::StatusCode::INTERNAL, "boom", rpc_status.SerializeAsString()));

  EXPECT_EQ(error.reason, "");
  EXPECT_THAT(error.violations, ElementsAre(Violation("a", "x")));
}

TEST(DecodeRpcErrorTest, OkStatus) {
  RpcError error = DecodeRpcError(grpc::Status::OK);

  EXPECT_EQ(error.code, grpc::StatusCode::OK);
  EXPECT_EQ(error.message, "");
  EXPECT_EQ(error.reason, "");
  EXPECT_THAT(error.violations, IsEmpty());
}

}  // namespace
}  // namespace pi::gateway::core
