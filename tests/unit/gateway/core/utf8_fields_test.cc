#include "gateway/core/utf8_fields.h"

#include "gtest/gtest.h"
#include "payments/instruments/v1/payment_instrument_service.pb.h"

namespace pi::gateway::core {
namespace {

namespace v1 = ::payments::instruments::v1;

constexpr char kInvalid[] = "id\xff";        // a byte no UTF-8 sequence starts with
constexpr char kTruncated[] = "caf\xc3";     // a two-byte sequence cut short

TEST(StringFieldsAreUtf8Test, AcceptsAsciiAndMultibyteText) {
  v1::CreatePaymentInstrumentRequest request;
  request.mutable_payment_instrument()->set_holder_name("Zoë Ångström 山田");
  (*request.mutable_payment_instrument()->mutable_tags())["ключ"] = "значение";
  EXPECT_TRUE(StringFieldsAreUtf8(request));
  EXPECT_TRUE(StringFieldsAreUtf8(v1::GetPaymentInstrumentRequest()));
}

TEST(StringFieldsAreUtf8Test, RefusesATopLevelString) {
  v1::GetPaymentInstrumentRequest request;
  request.set_name(kInvalid);
  EXPECT_FALSE(StringFieldsAreUtf8(request));
}

TEST(StringFieldsAreUtf8Test, RefusesNestedStringsMapKeysAndMapValues) {
  v1::CreatePaymentInstrumentRequest nested;
  nested.mutable_payment_instrument()->mutable_address()->set_city(kTruncated);
  EXPECT_FALSE(StringFieldsAreUtf8(nested));

  v1::CreatePaymentInstrumentRequest key;
  (*key.mutable_payment_instrument()->mutable_tags())[kInvalid] = "v";
  EXPECT_FALSE(StringFieldsAreUtf8(key));

  v1::CreatePaymentInstrumentRequest value;
  (*value.mutable_payment_instrument()->mutable_tags())["k"] = kTruncated;
  EXPECT_FALSE(StringFieldsAreUtf8(value));
}

}  // namespace
}  // namespace pi::gateway::core
