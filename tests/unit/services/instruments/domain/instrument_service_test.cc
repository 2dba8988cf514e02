#include "services/instruments/domain/instrument_service.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/error.h"
#include "services/common/secret.h"
#include "services/instruments/domain/ports.h"

namespace pi::instruments::domain {
namespace {

using common::FieldViolation;
using common::Secret;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kPan[] = "4111111111111111";

// A SealContext with owned strings, so it outlives the call that recorded it.
struct RecordedSeal {
  std::string plaintext;
  std::string application_id;
  std::string resource_id;
  std::string field;
};

// "sealed(<field>):" followed by the plaintext reversed: deterministic, never the plaintext.
class FakeSealer : public FieldSealer {
 public:
  absl::StatusOr<std::string> Seal(absl::string_view plaintext,
                                   const SealContext& context) const override {
    calls_.push_back({std::string(plaintext), std::string(context.application_id),
                      std::string(context.resource_id), std::string(context.field)});
    if (!status_.ok()) return status_;
    return Expected(plaintext, context.field);
  }

  static std::string Expected(absl::string_view plaintext, absl::string_view field) {
    return absl::StrCat("sealed(", field, "):", std::string(plaintext.rbegin(), plaintext.rend()));
  }

  void FailWith(absl::Status status) { status_ = std::move(status); }
  const std::vector<RecordedSeal>& calls() const { return calls_; }

 private:
  mutable std::vector<RecordedSeal> calls_;
  absl::Status status_;
};

// prefix + a running number: "PI0001", "PI0002", ...
class FakeIdGenerator : public IdGenerator {
 public:
  std::string NewId(absl::string_view prefix) const override {
    ++count_;
    return absl::StrCat(prefix, count_ < 10 ? "000" : "00", count_);
  }

 private:
  mutable int count_ = 0;
};

// Stores records in a map keyed by id and completes synchronously.
class FakeRepository : public InstrumentRepository {
 public:
  void Insert(InstrumentRecord record, InsertDone done) override {
    ++inserts_;
    if (!insert_status_.ok()) {
      std::move(done)(insert_status_);
      return;
    }
    std::string id = record.instrument.id;
    if (!records_.emplace(id, std::move(record)).second) {
      std::move(done)(absl::AlreadyExistsError(id));
      return;
    }
    std::move(done)(absl::OkStatus());
  }

  void Find(std::string application_id, std::string id, FindDone done) override {
    auto it = records_.find(id);
    if (it == records_.end() || it->second.instrument.application_id != application_id) {
      std::move(done)(absl::NotFoundError("instrument not found"));
      return;
    }
    std::move(done)(it->second.instrument);
  }

  void FailInsertsWith(absl::Status status) { insert_status_ = std::move(status); }
  const std::map<std::string, InstrumentRecord>& records() const { return records_; }
  int inserts() const { return inserts_; }

 private:
  std::map<std::string, InstrumentRecord> records_;
  absl::Status insert_status_;
  int inserts_ = 0;
};

absl::Time FixedNow() {
  return absl::FromCivil(absl::CivilSecond(2025, 6, 15, 12, 30, 0), absl::UTCTimeZone());
}

Caller MerchantOf(std::string application_id) {
  return Caller{std::move(application_id), "USmerchant", Role::kMerchant};
}

NewCard ValidCard() {
  NewCard card;
  card.identity_id = "IDowner1";
  card.number = Secret(std::string(kPan));
  card.security_code = Secret(std::string("123"));
  card.expiration_month = 12;
  card.expiration_year = 2030;
  card.holder_name = "Jane Doe";
  card.address = Address{"1 Main St", "", "Springfield", "CA", "94105", "USA"};
  card.tags = {{"order", "42"}};
  return card;
}

class InstrumentServiceTest : public ::testing::Test {
 protected:
  // Runs CreateCard and returns what `done` received; fails if `done` did not run exactly once.
  absl::StatusOr<Instrument> Create(const Caller& caller, NewCard card) {
    std::optional<absl::StatusOr<Instrument>> result;
    int calls = 0;
    service_.CreateCard(caller, std::move(card), [&](absl::StatusOr<Instrument> r) {
      ++calls;
      result = std::move(r);
    });
    EXPECT_EQ(calls, 1);
    return result.value_or(absl::InternalError("done never ran"));
  }

  absl::StatusOr<Instrument> Get(const Caller& caller, std::string id) {
    std::optional<absl::StatusOr<Instrument>> result;
    int calls = 0;
    service_.Get(caller, std::move(id), [&](absl::StatusOr<Instrument> r) {
      ++calls;
      result = std::move(r);
    });
    EXPECT_EQ(calls, 1);
    return result.value_or(absl::InternalError("done never ran"));
  }

  FakeRepository repository_;
  FakeSealer sealer_;
  FakeIdGenerator ids_;
  BinTable bins_ = *BinTable::Parse(
      "bin,brand,card_type,issuer_name,issuer_country\n411111,,CREDIT,Test Bank,USA\n");
  SandboxVerifier verifier_;
  InstrumentService service_{
      {repository_, sealer_, ids_, bins_, verifier_, [] { return FixedNow(); }}};
};

TEST_F(InstrumentServiceTest, InvalidCardIsRejectedWithEveryViolationAndNothingStored) {
  NewCard card = ValidCard();
  card.identity_id.clear();
  card.number = Secret(std::string("4111111111111112"));
  card.expiration_month = 13;

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), std::move(card));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReasonOf(result.status()), "INVALID_FIELDS");
  std::vector<FieldViolation> violations = common::FieldViolationsOf(result.status());
  ASSERT_THAT(violations, SizeIs(3));
  EXPECT_EQ(violations[0].field, "payment_instrument.identity");
  EXPECT_EQ(violations[1].field, "payment_instrument.card.number");
  EXPECT_EQ(violations[2].field, "payment_instrument.card.expiration_month");
  for (const FieldViolation& v : violations) {
    EXPECT_THAT(v.description, Not(HasSubstr("4111111111111112")));
  }
  EXPECT_THAT(repository_.records(), IsEmpty());
  EXPECT_EQ(repository_.inserts(), 0);
  EXPECT_THAT(sealer_.calls(), IsEmpty());
}

TEST_F(InstrumentServiceTest, ExpiryIsJudgedByTheInjectedClock) {
  NewCard card = ValidCard();
  card.expiration_month = 5;
  card.expiration_year = 2025;  // a month before FixedNow()

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), std::move(card));

  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(common::FieldViolationsOf(result.status()),
              ElementsAre(FieldViolation{"payment_instrument.card.expiration_year",
                                         "the card has expired"}));
  EXPECT_THAT(repository_.records(), IsEmpty());
}

TEST_F(InstrumentServiceTest, ValidCardIsSealedMaskedAndStored) {
  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), ValidCard());

  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(repository_.records(), SizeIs(1));
  const auto& [id, record] = *repository_.records().begin();
  EXPECT_EQ(id, "PI0001");

  // The number is stored only as the sealer's ciphertext.
  EXPECT_EQ(record.secret_ciphertext, FakeSealer::Expected(kPan, "card.number"));
  EXPECT_NE(record.secret_ciphertext, kPan);
  EXPECT_THAT(record.secret_ciphertext, Not(HasSubstr(kPan)));

  // Sealed once, the number only (never the security code), bound to app, new id and field.
  ASSERT_THAT(sealer_.calls(), SizeIs(1));
  EXPECT_EQ(sealer_.calls()[0].plaintext, kPan);
  EXPECT_EQ(sealer_.calls()[0].application_id, "APone");
  EXPECT_EQ(sealer_.calls()[0].resource_id, "PI0001");
  EXPECT_EQ(sealer_.calls()[0].field, "card.number");

  const Instrument& stored = record.instrument;
  EXPECT_EQ(stored.id, "PI0001");
  EXPECT_EQ(stored.application_id, "APone");
  EXPECT_EQ(stored.identity_id, "IDowner1");
  EXPECT_EQ(stored.type, InstrumentType::kPaymentCard);
  EXPECT_TRUE(stored.enabled);
  EXPECT_EQ(stored.holder_name, "Jane Doe");
  EXPECT_EQ(stored.tags, (std::map<std::string, std::string>{{"order", "42"}}));
  EXPECT_EQ(stored.address, (Address{"1 Main St", "", "Springfield", "CA", "94105", "USA"}));
  ASSERT_TRUE(stored.card.has_value());
  MaskedCard expected_card{"411111", "1111", CardBrand::kVisa, 12, 2030};
  expected_card.card_type = CardType::kCredit;  // from the BIN table
  expected_card.issuer_name = "Test Bank";
  expected_card.issuer_country = "USA";
  expected_card.security_code_check = SecurityCodeCheck::kMatched;  // sandbox: "123"
  expected_card.address_check = AddressCheck::kPostalCodeAndStreetMatch;
  EXPECT_EQ(*stored.card, expected_card);
  EXPECT_EQ(stored.currency, "USD");
  EXPECT_EQ(stored.create_time, FixedNow());
  EXPECT_EQ(stored.update_time, FixedNow());

  EXPECT_EQ(*result, stored);
}

TEST_F(InstrumentServiceTest, EachCardGetsANewId) {
  absl::StatusOr<Instrument> first = Create(MerchantOf("APone"), ValidCard());
  absl::StatusOr<Instrument> second = Create(MerchantOf("APone"), ValidCard());

  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->id, "PI0001");
  EXPECT_EQ(second->id, "PI0002");
  EXPECT_THAT(repository_.records(), SizeIs(2));
  ASSERT_THAT(sealer_.calls(), SizeIs(2));
  EXPECT_EQ(sealer_.calls()[1].resource_id, "PI0002");
}

TEST_F(InstrumentServiceTest, RepositoryErrorPropagates) {
  absl::Status unavailable =
      common::MakeError(absl::StatusCode::kUnavailable, "BACKEND_UNAVAILABLE", "database is down");
  repository_.FailInsertsWith(unavailable);

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), ValidCard());

  EXPECT_EQ(result.status(), unavailable);
  EXPECT_EQ(common::ErrorReasonOf(result.status()), "BACKEND_UNAVAILABLE");
  EXPECT_EQ(repository_.inserts(), 1);
  EXPECT_THAT(repository_.records(), IsEmpty());
}

TEST_F(InstrumentServiceTest, SealerErrorPropagatesAndNothingIsStored) {
  sealer_.FailWith(absl::InternalError("crypto library failed"));

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), ValidCard());

  EXPECT_EQ(result.status(), absl::InternalError("crypto library failed"));
  EXPECT_EQ(repository_.inserts(), 0);
  EXPECT_THAT(repository_.records(), IsEmpty());
}

TEST_F(InstrumentServiceTest, GetReturnsTheOwnersInstrument) {
  absl::StatusOr<Instrument> created = Create(MerchantOf("APone"), ValidCard());
  ASSERT_TRUE(created.ok());

  absl::StatusOr<Instrument> found = Get(MerchantOf("APone"), created->id);

  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, *created);
}

TEST_F(InstrumentServiceTest, GetOfAnotherApplicationsInstrumentIsNotFound) {
  absl::StatusOr<Instrument> created = Create(MerchantOf("APone"), ValidCard());
  ASSERT_TRUE(created.ok());

  absl::StatusOr<Instrument> found = Get(MerchantOf("APtwo"), created->id);

  EXPECT_EQ(found.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(InstrumentServiceTest, GetOfUnknownIdIsNotFound) {
  EXPECT_EQ(Get(MerchantOf("APone"), "PI9999").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace pi::instruments::domain
