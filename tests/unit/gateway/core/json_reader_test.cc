#include "gateway/core/json_reader.h"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::gateway::core {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::Pair;

auto ShapeErrorIs(const std::string& field, const std::string& message) {
  return AllOf(Field(&ShapeError::field, field), Field(&ShapeError::message, message));
}

nlohmann::json Json(const char* text) { return nlohmann::json::parse(text); }

// ---- ParseJsonObject -------------------------------------------------------------------------

TEST(IsJsonContentTypeTest, AbsentOrJsonMediaTypes) {
  for (const char* type : {"", "application/json", "Application/JSON; charset=utf-8",
                           "application/hal+json", " application/problem+json "}) {
    EXPECT_TRUE(IsJsonContentType(type)) << type;
  }
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "text/json", "application/jsonp",
                           "application/xml; note=json"}) {
    EXPECT_FALSE(IsJsonContentType(type)) << type;
  }
}

TEST(ParseJsonObjectTest, AcceptsAnObject) {
  absl::StatusOr<nlohmann::json> parsed =
      ParseJsonObject(R"({"type": "PAYMENT_CARD", "expiration_month": 12})");

  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->is_object());
  EXPECT_EQ(parsed->at("type"), "PAYMENT_CARD");
  EXPECT_EQ(parsed->at("expiration_month"), 12);
}

TEST(ParseJsonObjectTest, AcceptsAnEmptyObject) {
  absl::StatusOr<nlohmann::json> parsed = ParseJsonObject(" {} ");

  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->is_object());
  EXPECT_TRUE(parsed->empty());
}

TEST(ParseJsonObjectTest, RejectsInvalidJson) {
  const char* kBodies[] = {"", "   ", "{", R"({"a": })", "{'a': 1}", R"({"a": 1} trailing)", "nul"};
  for (const char* body : kBodies) {
    absl::StatusOr<nlohmann::json> parsed = ParseJsonObject(body);
    ASSERT_FALSE(parsed.ok()) << "'" << body << "'";
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_EQ(parsed.status().message(), "the body is not valid JSON") << body;
  }
}

TEST(ParseJsonObjectTest, RejectsValidJsonThatIsNotAnObject) {
  const char* kBodies[] = {"[]", R"([{"a": 1}])", "42", R"("text")", "true", "null"};
  for (const char* body : kBodies) {
    absl::StatusOr<nlohmann::json> parsed = ParseJsonObject(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_EQ(parsed.status().message(), "the body must be a JSON object") << body;
  }
}

TEST(ParseJsonObjectTest, RejectsARepeatedKeyAtAnyDepth) {
  const std::pair<const char*, const char*> kCases[] = {
      {R"({"number": "4111111111111111", "number": "4242424242424242"})",
       R"(the body repeats the key "number")"},
      {R"({"address": {"line1": "a", "city": "b", "line1": "c"}})",
       R"(the body repeats the key "line1")"},
      {R"({"tags": [{"k": 1}, {"k": 2, "k": 3}]})", R"(the body repeats the key "k")"},
      // Not echoed: it could be data.
      {R"({"4111111111111111": 1, "4111111111111111": 2})",
       "the body repeats a key within one object"},
  };
  for (const auto& [body, message] : kCases) {
    absl::StatusOr<nlohmann::json> parsed = ParseJsonObject(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_EQ(parsed.status().message(), message) << body;
  }
}

TEST(ParseJsonObjectTest, TheSameKeyInDifferentObjectsIsNotARepeat) {
  absl::StatusOr<nlohmann::json> parsed = ParseJsonObject(
      R"({"name": "a", "address": {"name": "b"}, "list": [{"name": 1}, {"name": 2}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->at("address").at("name"), "b");
}

TEST(ParseJsonObjectTest, ReadsOnlyTheGivenView) {
  const std::string buffer = R"({"a": 1}garbage)";
  absl::string_view body(buffer.data(), 8);

  absl::StatusOr<nlohmann::json> parsed = ParseJsonObject(body);

  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->at("a"), 1);
}

// ---- JsonReader: String ----------------------------------------------------------------------

TEST(JsonReaderStringTest, ReadsPresentValue) {
  nlohmann::json body = Json(R"({"name": "Amy White", "empty": ""})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_THAT(reader.String("name"), Optional(std::string("Amy White")));
  EXPECT_THAT(reader.String("empty", /*required=*/true), Optional(std::string("")));
  EXPECT_THAT(errors, IsEmpty());
}

TEST(JsonReaderStringTest, AbsentOrNullOptionalIsNulloptWithoutError) {
  nlohmann::json body = Json(R"({"name": null})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_EQ(reader.String("name"), std::nullopt);
  EXPECT_EQ(reader.String("missing"), std::nullopt);
  EXPECT_THAT(errors, IsEmpty());
}

TEST(JsonReaderStringTest, AbsentOrNullRequiredIsAnError) {
  nlohmann::json body = Json(R"({"identity": null})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_EQ(reader.String("identity", /*required=*/true), std::nullopt);
  EXPECT_EQ(reader.String("type", /*required=*/true), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("identity", "is required"),
                                  ShapeErrorIs("type", "is required")));
}

TEST(JsonReaderStringTest, WrongTypeIsAnErrorEvenWhenOptional) {
  nlohmann::json body = Json(R"({"a": 4111111111111111, "b": true, "c": {}, "d": [], "e": 1.5})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  for (const char* name : {"a", "b", "c", "d", "e"}) {
    EXPECT_EQ(reader.String(name), std::nullopt) << name;
  }
  EXPECT_THAT(
      errors,
      ElementsAre(ShapeErrorIs("a", "must be a string"), ShapeErrorIs("b", "must be a string"),
                  ShapeErrorIs("c", "must be a string"), ShapeErrorIs("d", "must be a string"),
                  ShapeErrorIs("e", "must be a string")));
}

// ---- JsonReader: Integer ---------------------------------------------------------------------

TEST(JsonReaderIntegerTest, ReadsIntegersAcrossTheInt64Range) {
  nlohmann::json body = Json(R"({"month": 12, "negative": -5, "zero": 0,
                                 "max": 9223372036854775807, "min": -9223372036854775808})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_THAT(reader.Integer("month"), Optional(int64_t{12}));
  EXPECT_THAT(reader.Integer("negative"), Optional(int64_t{-5}));
  EXPECT_THAT(reader.Integer("zero", /*required=*/true), Optional(int64_t{0}));
  EXPECT_THAT(reader.Integer("max"), Optional(std::numeric_limits<int64_t>::max()));
  EXPECT_THAT(reader.Integer("min"), Optional(std::numeric_limits<int64_t>::min()));
  EXPECT_THAT(errors, IsEmpty());
}

TEST(JsonReaderIntegerTest, AbsentNullAndRequired) {
  nlohmann::json body = Json(R"({"year": null})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_EQ(reader.Integer("year"), std::nullopt);
  EXPECT_EQ(reader.Integer("month"), std::nullopt);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(reader.Integer("year", /*required=*/true), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("year", "is required")));
}

TEST(JsonReaderIntegerTest, NonIntegersAreErrors) {
  nlohmann::json body =
      Json(R"({"string": "12", "float": 12.5, "whole_float": 12.0, "bool": true, "obj": {}})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  for (const char* name : {"string", "float", "whole_float", "bool", "obj"}) {
    EXPECT_EQ(reader.Integer(name), std::nullopt) << name;
  }
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("string", "must be an integer"),
                                  ShapeErrorIs("float", "must be an integer"),
                                  ShapeErrorIs("whole_float", "must be an integer"),
                                  ShapeErrorIs("bool", "must be an integer"),
                                  ShapeErrorIs("obj", "must be an integer")));
}

TEST(JsonReaderIntegerTest, OutOfInt64RangeIsAnError) {
  nlohmann::json body = Json(R"({"just_over": 9223372036854775808,
                                 "uint64_max": 18446744073709551615})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_EQ(reader.Integer("just_over"), std::nullopt);
  EXPECT_EQ(reader.Integer("uint64_max"), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("just_over", "is out of range"),
                                  ShapeErrorIs("uint64_max", "is out of range")));
}

TEST(JsonReaderIntegerTest, BeyondUint64IsNotAnInteger) {
  // nlohmann parses integers past uint64 as floating point.
  nlohmann::json body = Json(R"({"huge": 18446744073709551616})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_EQ(reader.Integer("huge"), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("huge", "must be an integer")));
}

// ---- JsonReader: Boolean ---------------------------------------------------------------------

TEST(JsonReaderBooleanTest, ReadsBooleans) {
  nlohmann::json body = Json(R"({"yes": true, "no": false})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_THAT(reader.Boolean("yes"), Optional(true));
  EXPECT_THAT(reader.Boolean("no", /*required=*/true), Optional(false));
  EXPECT_EQ(reader.Boolean("absent"), std::nullopt);
  EXPECT_THAT(errors, IsEmpty());
}

TEST(JsonReaderBooleanTest, NullRequiredAndWrongTypes) {
  nlohmann::json body = Json(R"({"null": null, "string": "true", "number": 1})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_EQ(reader.Boolean("null", /*required=*/true), std::nullopt);
  EXPECT_EQ(reader.Boolean("string"), std::nullopt);
  EXPECT_EQ(reader.Boolean("number"), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("null", "is required"),
                                  ShapeErrorIs("string", "must be true or false"),
                                  ShapeErrorIs("number", "must be true or false")));
}

// ---- JsonReader: Object ----------------------------------------------------------------------

TEST(JsonReaderObjectTest, NestedReaderNamesFieldsWithThePrefix) {
  nlohmann::json body = Json(R"({"address": {"line1": "900 Metro Center Blv", "city": 94404,
                                             "region": null}})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  std::optional<JsonReader> address = reader.Object("address");
  ASSERT_TRUE(address.has_value());
  EXPECT_THAT(address->String("line1"), Optional(std::string("900 Metro Center Blv")));
  EXPECT_EQ(address->String("city"), std::nullopt);
  EXPECT_EQ(address->String("region", /*required=*/true), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("address.city", "must be a string"),
                                  ShapeErrorIs("address.region", "is required")));
}

TEST(JsonReaderObjectTest, PrefixesChainThroughSeveralLevels) {
  nlohmann::json body = Json(R"({"a": {"b": {"c": 1, "d": "x"}}})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  std::optional<JsonReader> a = reader.Object("a");
  ASSERT_TRUE(a.has_value());
  std::optional<JsonReader> b = a->Object("b", /*required=*/true);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->String("c"), std::nullopt);
  EXPECT_EQ(b->Integer("d"), std::nullopt);
  EXPECT_EQ(b->Boolean("e", /*required=*/true), std::nullopt);
  EXPECT_EQ(b->Object("f", /*required=*/true), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("a.b.c", "must be a string"),
                                  ShapeErrorIs("a.b.d", "must be an integer"),
                                  ShapeErrorIs("a.b.e", "is required"),
                                  ShapeErrorIs("a.b.f", "is required")));
}

TEST(JsonReaderObjectTest, ExplicitPrefixNamesTopLevelFields) {
  nlohmann::json body = Json(R"({"city": 1})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "billing", errors);

  EXPECT_EQ(reader.String("city"), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("billing.city", "must be a string")));
}

TEST(JsonReaderObjectTest, AbsentNullRequiredAndWrongType) {
  nlohmann::json body = Json(R"({"null": null, "string": "x", "array": [1]})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_EQ(reader.Object("absent"), std::nullopt);
  EXPECT_EQ(reader.Object("null"), std::nullopt);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(reader.Object("absent", /*required=*/true), std::nullopt);
  EXPECT_EQ(reader.Object("string"), std::nullopt);
  EXPECT_EQ(reader.Object("array"), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("absent", "is required"),
                                  ShapeErrorIs("string", "must be an object"),
                                  ShapeErrorIs("array", "must be an object")));
}

// ---- JsonReader: StringMap -------------------------------------------------------------------

TEST(JsonReaderStringMapTest, ReadsAnObjectOfStrings) {
  nlohmann::json body = Json(R"({"tags": {"card_name": "Business Card", "order": "42"},
                                 "empty": {}})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  std::optional<std::map<std::string, std::string>> tags = reader.StringMap("tags");
  ASSERT_TRUE(tags.has_value());
  EXPECT_THAT(*tags, ElementsAre(Pair("card_name", "Business Card"), Pair("order", "42")));
  std::optional<std::map<std::string, std::string>> empty = reader.StringMap("empty");
  ASSERT_TRUE(empty.has_value());
  EXPECT_THAT(*empty, IsEmpty());
  EXPECT_EQ(reader.StringMap("absent"), std::nullopt);
  EXPECT_THAT(errors, IsEmpty());
}

TEST(JsonReaderStringMapTest, NullIsAbsent) {
  nlohmann::json body = Json(R"({"tags": null})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_EQ(reader.StringMap("tags"), std::nullopt);
  EXPECT_THAT(errors, IsEmpty());
}

TEST(JsonReaderStringMapTest, NotAnObjectIsAnError) {
  nlohmann::json body = Json(R"({"tags": ["a"], "more": "x"})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);

  EXPECT_EQ(reader.StringMap("tags"), std::nullopt);
  EXPECT_EQ(reader.StringMap("more"), std::nullopt);
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("tags", "must be an object of string values"),
                                  ShapeErrorIs("more", "must be an object of string values")));
}

TEST(JsonReaderStringMapTest, EveryNonStringValueIsAnErrorAndStringsAreKept) {
  nlohmann::json body = Json(R"({"meta": {"tags": {"a": "1", "b": 2, "c": null, "d": "4"}}})");
  std::vector<ShapeError> errors;
  JsonReader reader(body, "", errors);
  std::optional<JsonReader> meta = reader.Object("meta");
  ASSERT_TRUE(meta.has_value());

  std::optional<std::map<std::string, std::string>> tags = meta->StringMap("tags");

  ASSERT_TRUE(tags.has_value());
  EXPECT_THAT(*tags, ElementsAre(Pair("a", "1"), Pair("d", "4")));
  EXPECT_THAT(errors, ElementsAre(ShapeErrorIs("meta.tags", "value of 'b' must be a string"),
                                  ShapeErrorIs("meta.tags", "value of 'c' must be a string")));
}

// ---- Accumulation ----------------------------------------------------------------------------

TEST(JsonReaderTest, ErrorsAccumulateAcrossFieldsAndReaders) {
  nlohmann::json body = Json(R"({
      "type": 1, "number": 4111111111111111, "expiration_month": "12",
      "enabled": "yes", "address": {"city": 7, "line1": false}, "tags": {"k": 1}})");
  std::vector<ShapeError> errors = {{"earlier", "kept"}};
  JsonReader reader(body, "", errors);

  reader.String("type", /*required=*/true);
  reader.String("number");
  reader.Integer("expiration_month");
  reader.Integer("expiration_year", /*required=*/true);
  reader.Boolean("enabled");
  if (std::optional<JsonReader> address = reader.Object("address")) {
    address->String("city");
    address->String("line1");
  }
  reader.StringMap("tags");

  EXPECT_THAT(errors,
              ElementsAre(ShapeErrorIs("earlier", "kept"), ShapeErrorIs("type", "must be a string"),
                          ShapeErrorIs("number", "must be a string"),
                          ShapeErrorIs("expiration_month", "must be an integer"),
                          ShapeErrorIs("expiration_year", "is required"),
                          ShapeErrorIs("enabled", "must be true or false"),
                          ShapeErrorIs("address.city", "must be a string"),
                          ShapeErrorIs("address.line1", "must be a string"),
                          ShapeErrorIs("tags", "value of 'k' must be a string")));
}

}  // namespace
}  // namespace pi::gateway::core
