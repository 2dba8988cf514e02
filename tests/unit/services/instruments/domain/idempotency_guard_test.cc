#include "services/instruments/domain/idempotency_guard.h"

#include <functional>
#include <map>
#include <memory>
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
#include "services/instruments/domain/instrument_service.h"
#include "services/instruments/domain/ports.h"
#include "services/instruments/domain/verifier.h"

namespace pi::instruments::domain {
namespace {

using common::FieldViolation;
using common::Secret;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kHash[] = "sha256-of-the-request";
constexpr char kOtherHash[] = "sha256-of-another-request";

absl::Status KeyInUseFromTheRepository() {
  return common::MakeError(absl::StatusCode::kAborted, "IDEMPOTENCY_KEY_IN_USE",
                           "another request with this idempotency key committed first");
}

// ---------------------------------------------------------------------------------------------
// ValidateIdempotencyKey

void ExpectRefused(absl::string_view key, absl::string_view what) {
  absl::Status status = ValidateIdempotencyKey(key);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << what;
  EXPECT_EQ(common::ErrorReasonOf(status), "INVALID_FIELDS") << what;
  std::vector<FieldViolation> violations = common::FieldViolationsOf(status);
  ASSERT_THAT(violations, SizeIs(1)) << what;
  EXPECT_EQ(violations[0].field, "idempotency_key") << what;
}

TEST(ValidateIdempotencyKeyTest, EmptyKeyIsAccepted) {
  EXPECT_TRUE(ValidateIdempotencyKey("").ok());
}

TEST(ValidateIdempotencyKeyTest, UpTo255PrintableCharactersAreAccepted) {
  EXPECT_TRUE(ValidateIdempotencyKey("k").ok());
  EXPECT_TRUE(ValidateIdempotencyKey("3f2b8c1e-6d4a-4e0b-9b1a-7c5d2e8f0a11").ok());
  EXPECT_TRUE(ValidateIdempotencyKey(std::string(kMaxIdempotencyKeyLength, 'k')).ok());
  EXPECT_EQ(kMaxIdempotencyKeyLength, 255u);
}

TEST(ValidateIdempotencyKeyTest, EveryPrintableAsciiCharacterIsAccepted) {
  std::string printable;
  for (char c = '!'; c <= '~'; ++c) printable.push_back(c);
  ASSERT_EQ(printable.size(), 94u);
  EXPECT_TRUE(ValidateIdempotencyKey(printable).ok());
}

TEST(ValidateIdempotencyKeyTest, LongerThan255IsRefused) {
  ExpectRefused(std::string(kMaxIdempotencyKeyLength + 1, 'k'), "256 characters");
  ExpectRefused(std::string(10000, 'k'), "10000 characters");
}

TEST(ValidateIdempotencyKeyTest, SpacesAreRefusedAnywhere) {
  ExpectRefused(" ", "a space");
  ExpectRefused(" key", "leading space");
  ExpectRefused("key ", "trailing space");
  ExpectRefused("my key", "inner space");
}

TEST(ValidateIdempotencyKeyTest, EveryByteOutsidePrintableAsciiIsRefused) {
  for (int b = 0; b < 256; ++b) {
    if (b > ' ' && b < 0x7f) continue;
    std::string key = absl::StrCat("key", std::string(1, static_cast<char>(b)), "end");
    ExpectRefused(key, absl::StrCat("byte ", b));
  }
}

TEST(ValidateIdempotencyKeyTest, NonAsciiCharactersAreRefused) {
  ExpectRefused("cl\xc3\xa9", "UTF-8 e-acute");
  ExpectRefused("100\xe2\x82\xac", "UTF-8 euro sign");
  ExpectRefused(std::string("a\0b", 3), "NUL");
}

TEST(ValidateIdempotencyKeyTest, RefusalDoesNotEchoTheKey) {
  absl::Status status = ValidateIdempotencyKey("secret key");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("secret key")));
  for (const FieldViolation& v : common::FieldViolationsOf(status)) {
    EXPECT_THAT(v.description, Not(HasSubstr("secret key")));
  }
}

// ---------------------------------------------------------------------------------------------
// IdempotencyGuard with fakes

// Keys per (application, key), completing synchronously.
class FakeKeyStore : public IdempotencyKeyStore {
 public:
  void Find(std::string application_id, std::string key, FindDone done) override {
    ++finds_;
    if (!status_.ok()) return std::move(done)(status_);
    auto it = keys_.find({application_id, key});
    if (it == keys_.end()) return std::move(done)(absl::NotFoundError("no such idempotency key"));
    std::move(done)(it->second);
  }

  void Put(std::string application_id, std::string key, StoredIdempotencyKey stored) {
    keys_[{std::move(application_id), std::move(key)}] = std::move(stored);
  }
  void FailWith(absl::Status status) { status_ = std::move(status); }
  int finds() const { return finds_; }

 private:
  std::map<std::pair<std::string, std::string>, StoredIdempotencyKey> keys_;
  absl::Status status_;
  int finds_ = 0;
};

// Instruments by id for Find; the guard needs nothing else.
class FakeInstruments : public InstrumentRepository {
 public:
  void Insert(InstrumentRecord, InsertDone done) override {
    std::move(done)(absl::UnimplementedError("Insert"));
  }
  void Find(std::string application_id, std::string id, FindDone done) override {
    ++finds_;
    auto it = instruments_.find(id);
    if (it == instruments_.end() || it->second.application_id != application_id) {
      return std::move(done)(absl::NotFoundError("instrument not found"));
    }
    std::move(done)(it->second);
  }
  void List(std::string, InstrumentQuery, ListDone done) override {
    std::move(done)(absl::UnimplementedError("List"));
  }
  void Update(std::string, std::string, Mutation, AuditEvent, FindDone done) override {
    std::move(done)(absl::UnimplementedError("Update"));
  }
  void FindSealed(std::string, std::string, FindSealedDone done) override {
    std::move(done)(absl::UnimplementedError("FindSealed"));
  }

  void Put(Instrument instrument) {
    std::string id = instrument.id;
    instruments_[id] = std::move(instrument);
  }
  int finds() const { return finds_; }

 private:
  std::map<std::string, Instrument> instruments_;
  int finds_ = 0;
};

Instrument InstrumentOf(std::string id, std::string application_id, std::string identity_id) {
  Instrument instrument;
  instrument.id = std::move(id);
  instrument.application_id = std::move(application_id);
  instrument.identity_id = std::move(identity_id);
  instrument.holder_name = "Jane Doe";
  return instrument;
}

Caller WithKey(Caller caller, std::string key, std::string hash = kHash) {
  caller.idempotency_key = std::move(key);
  caller.request_hash = std::move(hash);
  return caller;
}

Caller MerchantOf(std::string application_id) {
  return Caller{std::move(application_id), "USmerchant", Role::kMerchant, "", "RQmerchant"};
}

Caller CustomerOf(std::string application_id, std::string identity_id) {
  return Caller{std::move(application_id), "JKcustomer", Role::kCustomer, std::move(identity_id),
                "RQcustomer"};
}

class IdempotencyGuardTest : public ::testing::Test {
 protected:
  // A create that counts its runs, runs `side_effect` (a concurrent commit, say) and answers
  // `result`.
  IdempotencyGuard::Create CreateAnswering(absl::StatusOr<Instrument> result,
                                           std::function<void()> side_effect = nullptr) {
    return [this, result = std::move(result),
            side_effect = std::move(side_effect)](IdempotencyGuard::Done done) mutable {
      ++creates_;
      if (side_effect) side_effect();
      std::move(done)(std::move(result));
    };
  }

  // Runs the guard; fails unless `done` ran exactly once.
  absl::StatusOr<Instrument> Run(const Caller& caller, IdempotencyGuard::Create create) {
    std::optional<absl::StatusOr<Instrument>> result;
    int calls = 0;
    guard_.Run(caller, std::move(create), [&](absl::StatusOr<Instrument> r) {
      ++calls;
      result = std::move(r);
    });
    EXPECT_EQ(calls, 1);
    return result.value_or(absl::InternalError("done never ran"));
  }

  // APone's key "key-1" created PIstored (owned by IDowner1) with `hash`.
  void StoreKey(std::string operation = "instrument.create", std::string hash = kHash) {
    keys_.Put("APone", "key-1", {std::move(operation), std::move(hash), "PIstored"});
    instruments_.Put(InstrumentOf("PIstored", "APone", "IDowner1"));
  }

  static void ExpectReused(const absl::StatusOr<Instrument>& result) {
    ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
    EXPECT_EQ(common::ErrorReasonOf(result.status()), "IDEMPOTENCY_KEY_REUSED");
  }

  FakeKeyStore keys_;
  FakeInstruments instruments_;
  IdempotencyGuard guard_{keys_, instruments_};
  int creates_ = 0;
  const Instrument fresh_ = InstrumentOf("PInew", "APone", "IDowner1");
};

TEST_F(IdempotencyGuardTest, WithoutAKeyTheCreateRunsAndNothingIsLookedUp) {
  StoreKey();  // a key exists, but this call carries none

  absl::StatusOr<Instrument> result = Run(MerchantOf("APone"), CreateAnswering(fresh_));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, fresh_);
  EXPECT_EQ(creates_, 1);
  EXPECT_EQ(keys_.finds(), 0);
  EXPECT_EQ(instruments_.finds(), 0);
}

TEST_F(IdempotencyGuardTest, WithoutAKeyTheCreatesErrorPassesThroughEvenKeyInUse) {
  absl::StatusOr<Instrument> failed =
      Run(MerchantOf("APone"), CreateAnswering(absl::UnavailableError("down")));
  EXPECT_EQ(failed.status(), absl::UnavailableError("down"));

  absl::StatusOr<Instrument> in_use =
      Run(MerchantOf("APone"), CreateAnswering(KeyInUseFromTheRepository()));
  EXPECT_EQ(in_use.status(), KeyInUseFromTheRepository());
  EXPECT_EQ(keys_.finds(), 0);
}

TEST_F(IdempotencyGuardTest, UnknownKeyRunsTheCreateOnce) {
  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"), CreateAnswering(fresh_));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, fresh_);
  EXPECT_EQ(creates_, 1);
  EXPECT_EQ(keys_.finds(), 1);
  EXPECT_EQ(instruments_.finds(), 0);
}

TEST_F(IdempotencyGuardTest, UnknownKeyCreateFailurePassesThroughWithoutAnotherLookup) {
  absl::Status invalid = common::InvalidFields({{"payment_instrument.identity", "is required"}});

  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"), CreateAnswering(invalid));

  EXPECT_EQ(result.status(), invalid);
  EXPECT_EQ(keys_.finds(), 1);
}

// ABORTED for another reason (a key rotation the create gave up on) is not a key race.
TEST_F(IdempotencyGuardTest, AbortedForAnotherReasonIsNotTreatedAsAKeyRace) {
  absl::Status rotated = common::MakeError(absl::StatusCode::kAborted, "DATA_KEY_ROTATED", "x");

  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"), CreateAnswering(rotated));

  EXPECT_EQ(result.status(), rotated);
  EXPECT_EQ(keys_.finds(), 1);
}

TEST_F(IdempotencyGuardTest, SameOperationAndHashReplaysTheStoredInstrumentAsItIsNow) {
  StoreKey();
  Instrument now = InstrumentOf("PIstored", "APone", "IDowner1");
  now.enabled = false;  // disabled since it was created
  now.disabled_code = "DISABLED_BY_REQUEST";
  instruments_.Put(now);

  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"), CreateAnswering(fresh_));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, now);
  EXPECT_EQ(creates_, 0);
  EXPECT_EQ(keys_.finds(), 1);
  EXPECT_EQ(instruments_.finds(), 1);
}

TEST_F(IdempotencyGuardTest, DifferentRequestHashIsKeyReused) {
  StoreKey();

  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1", kOtherHash), CreateAnswering(fresh_));

  ExpectReused(result);
  EXPECT_EQ(creates_, 0);
  EXPECT_EQ(instruments_.finds(), 0);
}

TEST_F(IdempotencyGuardTest, DifferentOperationIsKeyReused) {
  StoreKey("identity.create");

  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"), CreateAnswering(fresh_));

  ExpectReused(result);
  EXPECT_EQ(creates_, 0);
  EXPECT_EQ(instruments_.finds(), 0);
}

TEST_F(IdempotencyGuardTest, KeysArePerApplication) {
  StoreKey();
  Instrument theirs = InstrumentOf("PItheirs", "APtwo", "IDowner1");

  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APtwo"), "key-1"), CreateAnswering(theirs));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, theirs);
  EXPECT_EQ(creates_, 1);
}

TEST_F(IdempotencyGuardTest, KeyStoreFailurePassesThroughAndNothingIsCreated) {
  keys_.FailWith(absl::UnavailableError("database is down"));

  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"), CreateAnswering(fresh_));

  EXPECT_EQ(result.status(), absl::UnavailableError("database is down"));
  EXPECT_EQ(creates_, 0);
}

TEST_F(IdempotencyGuardTest, ReplayOfAnInstrumentThatCannotBeFoundIsNotFound) {
  keys_.Put("APone", "key-1", {"instrument.create", kHash, "PIgone"});

  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"), CreateAnswering(fresh_));

  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(creates_, 0);
}

TEST_F(IdempotencyGuardTest, KeyCommittedConcurrentlyIsAnsweredWithThatRequestsInstrument) {
  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"),
          CreateAnswering(KeyInUseFromTheRepository(), [this] { StoreKey(); }));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->id, "PIstored");
  EXPECT_EQ(creates_, 1);
  EXPECT_EQ(keys_.finds(), 2);
  EXPECT_EQ(instruments_.finds(), 1);
}

TEST_F(IdempotencyGuardTest, KeyCommittedConcurrentlyForAnotherRequestIsKeyReused) {
  absl::StatusOr<Instrument> result = Run(WithKey(MerchantOf("APone"), "key-1"),
                                          CreateAnswering(KeyInUseFromTheRepository(), [this] {
                                            StoreKey("instrument.create", kOtherHash);
                                          }));

  ExpectReused(result);
  EXPECT_EQ(creates_, 1);
}

TEST_F(IdempotencyGuardTest, KeyInUseButStillUnreadableIsAbortedKeyInUse) {
  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"), CreateAnswering(KeyInUseFromTheRepository()));

  ASSERT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(common::ErrorReasonOf(result.status()), "IDEMPOTENCY_KEY_IN_USE");
  EXPECT_EQ(creates_, 1);  // never a second create
  EXPECT_EQ(keys_.finds(), 2);
  EXPECT_EQ(instruments_.finds(), 0);
}

TEST_F(IdempotencyGuardTest, KeyInUseAndTheSecondLookupFailsPassesThatFailureThrough) {
  absl::StatusOr<Instrument> result = Run(WithKey(MerchantOf("APone"), "key-1"),
                                          CreateAnswering(KeyInUseFromTheRepository(), [this] {
                                            keys_.FailWith(absl::UnavailableError("down"));
                                          }));

  EXPECT_EQ(result.status(), absl::UnavailableError("down"));
  EXPECT_EQ(creates_, 1);
}

TEST_F(IdempotencyGuardTest, CustomerReplaysItsOwnIdentitysCreate) {
  StoreKey();

  absl::StatusOr<Instrument> result =
      Run(WithKey(CustomerOf("APone", "IDowner1"), "key-1"), CreateAnswering(fresh_));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->id, "PIstored");
  EXPECT_EQ(creates_, 0);
}

TEST_F(IdempotencyGuardTest, CustomerCannotReplayAnotherIdentitysCreate) {
  StoreKey();

  absl::StatusOr<Instrument> result =
      Run(WithKey(CustomerOf("APone", "IDintruder"), "key-1"), CreateAnswering(fresh_));

  ExpectReused(result);
  EXPECT_EQ(creates_, 0);
}

TEST_F(IdempotencyGuardTest, CustomerCannotReplayAnotherIdentitysCreateAfterAKeyRace) {
  absl::StatusOr<Instrument> result =
      Run(WithKey(CustomerOf("APone", "IDintruder"), "key-1"),
          CreateAnswering(KeyInUseFromTheRepository(), [this] { StoreKey(); }));

  ExpectReused(result);
  EXPECT_EQ(creates_, 1);
}

TEST_F(IdempotencyGuardTest, MerchantReplaysWhicheverIdentityOwnsTheInstrument) {
  StoreKey();

  absl::StatusOr<Instrument> result =
      Run(WithKey(MerchantOf("APone"), "key-1"), CreateAnswering(fresh_));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->identity_id, "IDowner1");
}

// ---------------------------------------------------------------------------------------------
// The guard in front of a real InstrumentService: the key the create records is the key the
// guard finds, under the same operation name.

absl::Time FixedNow() {
  return absl::FromCivil(absl::CivilSecond(2025, 6, 15, 12, 30, 0), absl::UTCTimeZone());
}

class FakeSealer : public FieldSealer {
 public:
  void Seal(common::Secret plaintext, SealContext context, SealDone done) override {
    std::string p(plaintext.Reveal());
    std::move(done)(SealedSecret{
        absl::StrCat("sealed(", context.field, "):", std::string(p.rbegin(), p.rend())), 1});
  }
  void ForgetActiveKey(absl::string_view) override {}
};

class UnusedOpener : public FieldOpener {
 public:
  void Open(std::string, SealContext, OpenDone done) override {
    std::move(done)(absl::UnimplementedError("Open"));
  }
};

class NullAuditLog : public AuditLog {
 public:
  void Append(AuditEvent) override {}
};

class FakeFingerprinter : public Fingerprinter {
 public:
  std::string Fingerprint(absl::string_view application_id,
                          absl::string_view material) const override {
    return absl::StrCat("FPR", application_id, "-",
                        std::hash<std::string>{}(std::string(material)));
  }
};

class FakeIdGenerator : public IdGenerator {
 public:
  std::string NewId(absl::string_view prefix) const override {
    return absl::StrCat(prefix, "000", ++count_);
  }

 private:
  mutable int count_ = 0;
};

// Instruments and the idempotency keys their inserts record, like the PostgreSQL repository:
// a key already recorded makes the insert fail with ABORTED / IDEMPOTENCY_KEY_IN_USE.
// `hide_keys` makes Find miss them, as a lookup racing an uncommitted insert would.
class KeyRecordingRepository : public InstrumentRepository, public IdempotencyKeyStore {
 public:
  void Insert(InstrumentRecord record, InstrumentRepository::InsertDone done) override {
    ++inserts_;
    const Instrument& i = record.instrument;
    if (record.idempotency && !record.idempotency->key.empty()) {
      auto key = std::make_pair(i.application_id, record.idempotency->key);
      if (keys_.contains(key)) return std::move(done)(KeyInUseFromTheRepository());
      keys_[key] = {record.idempotency->operation, record.idempotency->request_hash, i.id};
    }
    records_[i.id] = std::move(record);
    std::move(done)(absl::OkStatus());
  }
  void Find(std::string application_id, std::string id,
            InstrumentRepository::FindDone done) override {
    auto it = records_.find(id);
    if (it == records_.end() || it->second.instrument.application_id != application_id) {
      return std::move(done)(absl::NotFoundError("instrument not found"));
    }
    std::move(done)(it->second.instrument);
  }
  void List(std::string, InstrumentQuery, ListDone done) override {
    std::move(done)(absl::UnimplementedError("List"));
  }
  void Update(std::string, std::string, Mutation, AuditEvent,
              InstrumentRepository::FindDone done) override {
    std::move(done)(absl::UnimplementedError("Update"));
  }
  void FindSealed(std::string, std::string, FindSealedDone done) override {
    std::move(done)(absl::UnimplementedError("FindSealed"));
  }
  void Find(std::string application_id, std::string key,
            IdempotencyKeyStore::FindDone done) override {
    auto it = keys_.find({application_id, key});
    if (hide_keys > 0) {
      --hide_keys;
      it = keys_.end();
    }
    if (it == keys_.end()) return std::move(done)(absl::NotFoundError("no such key"));
    std::move(done)(it->second);
  }

  const std::map<std::string, InstrumentRecord>& records() const { return records_; }
  int inserts() const { return inserts_; }
  int hide_keys = 0;

 private:
  std::map<std::string, InstrumentRecord> records_;
  std::map<std::pair<std::string, std::string>, StoredIdempotencyKey> keys_;
  int inserts_ = 0;
};

class GuardedInstrumentServiceTest : public ::testing::Test {
 protected:
  static NewCard Card(std::string identity_id = "IDowner1") {
    NewCard card;
    card.identity_id = std::move(identity_id);
    card.number = Secret(std::string("4111111111111111"));
    card.expiration_month = 12;
    card.expiration_year = 2030;
    card.holder_name = "Jane Doe";
    return card;
  }

  absl::StatusOr<Instrument> CreateCard(const Caller& caller, NewCard card) {
    std::optional<absl::StatusOr<Instrument>> result;
    auto shared = std::make_shared<NewCard>(std::move(card));
    guard_.Run(
        caller,
        [this, caller, shared](IdempotencyGuard::Done done) {
          service_.CreateCard(caller, std::move(*shared), std::move(done));
        },
        [&](absl::StatusOr<Instrument> r) { result = std::move(r); });
    return result.value_or(absl::InternalError("done never ran"));
  }

  KeyRecordingRepository repository_;
  FakeSealer sealer_;
  UnusedOpener opener_;
  NullAuditLog audit_;
  FakeFingerprinter fingerprinter_;
  FakeIdGenerator ids_;
  BinTable bins_;
  SandboxVerifier verifier_;
  InstrumentService service_{{repository_, sealer_, opener_, audit_, fingerprinter_, ids_, bins_,
                              verifier_, [] { return FixedNow(); }}};
  IdempotencyGuard guard_{repository_, repository_};
};

TEST_F(GuardedInstrumentServiceTest, CreateRecordsTheKeyForTwentyFourHours) {
  absl::StatusOr<Instrument> created = CreateCard(WithKey(MerchantOf("APone"), "key-1"), Card());

  ASSERT_TRUE(created.ok()) << created.status();
  const InstrumentRecord& record = repository_.records().at(created->id);
  ASSERT_TRUE(record.idempotency.has_value());
  EXPECT_EQ(record.idempotency->key, "key-1");
  EXPECT_EQ(record.idempotency->operation, "instrument.create");
  EXPECT_EQ(record.idempotency->request_hash, kHash);
  EXPECT_EQ(record.idempotency->expire_time, FixedNow() + kIdempotencyKeyRetention);
  EXPECT_EQ(kIdempotencyKeyRetention, absl::Hours(24));
}

TEST_F(GuardedInstrumentServiceTest, CreateWithoutAKeyRecordsNone) {
  absl::StatusOr<Instrument> created = CreateCard(MerchantOf("APone"), Card());

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(repository_.records().at(created->id).idempotency.has_value());
}

TEST_F(GuardedInstrumentServiceTest, RetryReplaysAndAChangedRequestIsRefused) {
  absl::StatusOr<Instrument> first = CreateCard(WithKey(MerchantOf("APone"), "key-1"), Card());
  ASSERT_TRUE(first.ok()) << first.status();

  absl::StatusOr<Instrument> retry = CreateCard(WithKey(MerchantOf("APone"), "key-1"), Card());
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(*retry, *first);
  EXPECT_EQ(repository_.inserts(), 1);

  absl::StatusOr<Instrument> changed =
      CreateCard(WithKey(MerchantOf("APone"), "key-1", kOtherHash), Card("IDother"));
  ASSERT_EQ(changed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(changed.status()), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(repository_.inserts(), 1);

  absl::StatusOr<Instrument> unkeyed = CreateCard(MerchantOf("APone"), Card());
  ASSERT_TRUE(unkeyed.ok()) << unkeyed.status();
  EXPECT_NE(unkeyed->id, first->id);
  EXPECT_EQ(repository_.inserts(), 2);
}

// Two requests with one key: the second's lookup misses the first's uncommitted key, its insert
// then loses on the key, and it answers with the first's instrument.
TEST_F(GuardedInstrumentServiceTest, LosingTheKeyRaceAtInsertReplaysTheWinner) {
  absl::StatusOr<Instrument> first = CreateCard(WithKey(MerchantOf("APone"), "key-1"), Card());
  ASSERT_TRUE(first.ok()) << first.status();
  repository_.hide_keys = 1;

  absl::StatusOr<Instrument> second = CreateCard(WithKey(MerchantOf("APone"), "key-1"), Card());

  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(repository_.inserts(), 2);
  EXPECT_THAT(repository_.records(), SizeIs(1));
}

TEST_F(GuardedInstrumentServiceTest, LosingTheKeyRaceWhileTheWinnerIsUnreadableIsAborted) {
  ASSERT_TRUE(CreateCard(WithKey(MerchantOf("APone"), "key-1"), Card()).ok());
  repository_.hide_keys = 2;

  absl::StatusOr<Instrument> second = CreateCard(WithKey(MerchantOf("APone"), "key-1"), Card());

  ASSERT_EQ(second.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(common::ErrorReasonOf(second.status()), "IDEMPOTENCY_KEY_IN_USE");
  EXPECT_THAT(repository_.records(), SizeIs(1));
}

}  // namespace
}  // namespace pi::instruments::domain
