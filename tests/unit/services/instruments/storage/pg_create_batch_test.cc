#include "services/instruments/storage/pg_create_batch.h"

#include <gtest/gtest.h>

#include "services/common/error.h"

namespace pi::instruments::storage {
namespace {

domain::InstrumentRecord Card() {
  domain::InstrumentRecord record;
  domain::Instrument& i = record.instrument;
  i.id = "PIone";
  i.application_id = "APone";
  i.identity_id = "IDone";
  i.currency = "USD";
  i.tags = {{"k", "v"}};
  i.card = domain::MaskedCard{.bin = "411111", .last_four = "1111",
                              .brand = domain::CardBrand::kVisa,
                              .expiration_month = 3, .expiration_year = 2031};
  i.create_time = absl::FromUnixMicros(1700000000123456);
  i.update_time = absl::FromUnixMicros(1700000000654321);
  i.fingerprint = "FPRx";
  record.secret_ciphertext = std::string("\x01\x00\xff", 3);
  record.secret_key_version = 7;
  record.audit = {"APone", "", "instrument.create", "PIone", "OK", "req", ""};
  return record;
}

TEST(CreateBatchElementTest, CarriesTheRowTimesAndCiphertextExactly) {
  nlohmann::json e = CreateBatchElement(Card());
  EXPECT_EQ(e["row"]["id"], "PIone");
  EXPECT_EQ(e["row"]["card_bin"], "411111");
  EXPECT_EQ(e["row"]["card_brand"], "VISA");
  EXPECT_EQ(e["row"]["secret_key_version"], 7);
  EXPECT_EQ(e["row"]["tags"], nlohmann::json({{"k", "v"}}));
  EXPECT_TRUE(e["row"]["address"].is_null());
  EXPECT_EQ(e["row"]["created_via"], "API");
  EXPECT_FALSE(e["row"].contains("bank_last_four"));
  EXPECT_EQ(e["created_us"], 1700000000123456);
  EXPECT_EQ(e["updated_us"], 1700000000654321);
  EXPECT_EQ(e["ciphertext_hex"], "0100ff");
  EXPECT_TRUE(e["audit"]["credential_id"].is_null()) << "empty ids are SQL NULL";
  EXPECT_EQ(e["audit"]["detail"], "") << "NOT NULL columns always get a value";
  EXPECT_FALSE(e.contains("idempotency"));
  EXPECT_FALSE(e.contains("token_id"));
}

TEST(CreateBatchElementTest, NamesTheTokenAndIdempotencyKeyWhenPresent) {
  domain::InstrumentRecord record = Card();
  record.consume_token_id = "TKone";
  record.instrument.created_from_token = true;
  record.idempotency = domain::IdempotencyRecord{"key", "CreatePaymentInstrument",
                                                 std::string(32, '\x0a'),
                                                 absl::FromUnixMicros(5)};
  nlohmann::json e = CreateBatchElement(record);
  EXPECT_EQ(e["token_id"], "TKone");
  EXPECT_EQ(e["row"]["created_via"], "TOKENIZATION");
  EXPECT_EQ(e["idempotency"]["key"], "key");
  std::string expected_hex;
  for (int i = 0; i < 32; ++i) expected_hex += "0a";
  EXPECT_EQ(e["idempotency"]["request_sha256_hex"], expected_hex);
  EXPECT_EQ(e["idempotency"]["expires_us"], 5);
}

TEST(CreateBatchElementTest, AnEmptyIdempotencyKeyIsNotRecorded) {
  domain::InstrumentRecord record = Card();
  record.idempotency = domain::IdempotencyRecord{};
  EXPECT_FALSE(CreateBatchElement(record).contains("idempotency"));
}

TEST(StatusFromCreateOutcomeTest, MapsEachOutcomeToTheRepositoryContract) {
  struct Case {
    const char* outcome;
    absl::StatusCode code;
    const char* reason;
  };
  for (const Case& c : std::vector<Case>{
           {"DATA_KEY_ROTATED", absl::StatusCode::kAborted, "DATA_KEY_ROTATED"},
           {"IDEMPOTENCY_KEY_IN_USE", absl::StatusCode::kAborted, "IDEMPOTENCY_KEY_IN_USE"},
           {"TOKEN_NOT_FOUND", absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND"},
           {"TOKEN_ALREADY_USED", absl::StatusCode::kFailedPrecondition, "TOKEN_ALREADY_USED"},
           {"TOKEN_EXPIRED", absl::StatusCode::kFailedPrecondition, "TOKEN_EXPIRED"},
           {"MAX_INSTRUMENT_COUNT", absl::StatusCode::kFailedPrecondition,
            "MAX_INSTRUMENT_COUNT"},
       }) {
    absl::Status s = StatusFromCreateOutcome(c.outcome);
    EXPECT_EQ(s.code(), c.code) << c.outcome;
    EXPECT_EQ(common::ErrorReasonOf(s), c.reason) << c.outcome;
  }
  EXPECT_TRUE(StatusFromCreateOutcome("OK").ok());
  EXPECT_EQ(StatusFromCreateOutcome("IDENTITY_NOT_FOUND").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusFromCreateOutcome("SQLSTATE:23505").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(StatusFromCreateOutcome("SQLSTATE:40P01").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(StatusFromCreateOutcome("SQLSTATE:22P02").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(StatusFromCreateOutcome("").code(), absl::StatusCode::kInternal);
}

TEST(IsRetryableCreateOutcomeTest, OnlyConcurrencyConflictsAreRetried) {
  EXPECT_TRUE(IsRetryableCreateOutcome("SQLSTATE:40P01"));
  EXPECT_TRUE(IsRetryableCreateOutcome("SQLSTATE:40001"));
  EXPECT_FALSE(IsRetryableCreateOutcome("SQLSTATE:23505"));
  EXPECT_FALSE(IsRetryableCreateOutcome("MAX_INSTRUMENT_COUNT"));
  EXPECT_FALSE(IsRetryableCreateOutcome("OK"));
}

}  // namespace
}  // namespace pi::instruments::storage
