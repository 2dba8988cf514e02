#include "services/instruments/domain/instrument_service.h"

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
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
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

constexpr char kPan[] = "4111111111111111";
constexpr char kAccountNumber[] = "123456789";
constexpr char kWalletToken[] = R"({"version":"EC_v1","data":"c2FuZGJveA=="})";

// A SealContext with owned strings, so it outlives the call that recorded it.
struct RecordedSeal {
  std::string plaintext;
  std::string application_id;
  std::string resource_id;
  std::string field;
};

// "sealed(<field>):" followed by the plaintext reversed: deterministic, never the plaintext.
// Completes synchronously with key version `key_version()`.
class FakeSealer : public FieldSealer {
 public:
  void Seal(common::Secret plaintext, SealContext context, SealDone done) override {
    calls_.push_back({std::string(plaintext.Reveal()), context.application_id, context.resource_id,
                      context.field});
    if (!status_.ok()) return std::move(done)(status_);
    std::move(done)(SealedSecret{Expected(plaintext.Reveal(), context.field), key_version_});
  }

  void ForgetActiveKey(absl::string_view application_id) override {
    forgotten_.push_back(std::string(application_id));
    ++key_version_;  // the next seal sees the rotated key
  }

  static std::string Expected(absl::string_view plaintext, absl::string_view field) {
    return absl::StrCat("sealed(", field, "):", std::string(plaintext.rbegin(), plaintext.rend()));
  }

  uint32_t key_version() const { return key_version_; }
  const std::vector<std::string>& forgotten() const { return forgotten_; }
  void FailWith(absl::Status status) { status_ = std::move(status); }
  const std::vector<RecordedSeal>& calls() const { return calls_; }

 private:
  std::vector<RecordedSeal> calls_;
  std::vector<std::string> forgotten_;
  absl::Status status_;
  uint32_t key_version_ = 1;
};

// "FPR" + application + a hash of the material: deterministic and opaque.
class FakeFingerprinter : public Fingerprinter {
 public:
  std::string Fingerprint(absl::string_view application_id,
                          absl::string_view material) const override {
    return absl::StrCat("FPR", application_id, "-",
                        std::hash<std::string>{}(std::string(material)));
  }
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

// Opens what FakeSealer sealed (under the same field), synchronously.
class FakeOpener : public FieldOpener {
 public:
  void Open(std::string ciphertext, SealContext context, OpenDone done) override {
    ++opens_;
    if (!status_.ok()) return std::move(done)(status_);
    std::string prefix = absl::StrCat("sealed(", context.field, "):");
    if (ciphertext.rfind(prefix, 0) != 0) {
      return std::move(done)(common::MakeError(absl::StatusCode::kDataLoss, "DECRYPTION_FAILED",
                                               "wrong context"));
    }
    std::string reversed = ciphertext.substr(prefix.size());
    std::move(done)(common::Secret(std::string(reversed.rbegin(), reversed.rend())));
  }

  void FailWith(absl::Status status) { status_ = std::move(status); }
  int opens() const { return opens_; }

 private:
  absl::Status status_;
  int opens_ = 0;
};

// Records appended audit events.
class RecordingAuditLog : public AuditLog {
 public:
  void Append(AuditEvent event) override { events.push_back(std::move(event)); }
  std::vector<AuditEvent> events;
};

// An audit event as a comparable, printable value, so a mismatch shows every field.
struct RecordedEvent {
  std::string application_id;
  std::string credential_id;
  std::string action;
  std::string resource_id;
  std::string outcome;
  std::string request_id;

  friend bool operator==(const RecordedEvent&, const RecordedEvent&) = default;
  friend void PrintTo(const RecordedEvent& e, std::ostream* os) {
    *os << "{app=" << e.application_id << " credential=" << e.credential_id
        << " action=" << e.action << " resource=" << e.resource_id << " outcome=" << e.outcome
        << " request=" << e.request_id << "}";
  }
};

RecordedEvent Recorded(const AuditEvent& e) {
  return {e.application_id, e.credential_id, e.action, e.resource_id, e.outcome, e.request_id};
}

std::vector<RecordedEvent> Recorded(const std::vector<AuditEvent>& events) {
  std::vector<RecordedEvent> out;
  for (const AuditEvent& e : events) out.push_back(Recorded(e));
  return out;
}

// Stores records in a map keyed by id and completes synchronously.
class FakeRepository : public InstrumentRepository {
 public:
  void Insert(InstrumentRecord record, InsertDone done) override {
    ++inserts_;
    // Like PostgreSQL: only the active key version may write.
    if (record.secret_key_version < active_key_version_) {
      std::move(done)(common::MakeError(absl::StatusCode::kAborted, "DATA_KEY_ROTATED",
                                        "the data key rotated"));
      return;
    }
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

  // Pages through the stored records in id order; filters by identity only.
  void List(std::string application_id, InstrumentQuery query, ListDone done) override {
    InstrumentPage page;
    for (const auto& [id, record] : records_) {
      const Instrument& i = record.instrument;
      if (i.application_id != application_id) continue;
      if (!query.identity_id.empty() && i.identity_id != query.identity_id) continue;
      if (query.after && id <= query.after->id) continue;
      if (static_cast<int>(page.instruments.size()) == query.page_size) {
        page.next = PageCursor{page.instruments.back().create_time, page.instruments.back().id};
        break;
      }
      page.instruments.push_back(i);
    }
    std::move(done)(std::move(page));
  }

  void Update(std::string application_id, std::string id, Mutation mutate, AuditEvent audit,
              FindDone done) override {
    auto it = records_.find(id);
    if (it == records_.end() || it->second.instrument.application_id != application_id) {
      return std::move(done)(absl::NotFoundError("instrument not found"));
    }
    Instrument copy = it->second.instrument;
    if (absl::Status s = mutate(copy); !s.ok()) return std::move(done)(s);
    it->second.instrument = copy;
    update_audits_.push_back(std::move(audit));
    std::move(done)(copy);
  }

  void FindSealed(std::string application_id, std::string id, FindSealedDone done) override {
    ++find_sealed_calls_;
    auto it = records_.find(id);
    if (it == records_.end() || it->second.instrument.application_id != application_id) {
      return std::move(done)(absl::NotFoundError("instrument not found"));
    }
    std::move(done)(it->second);
  }

  // The audit events that committed with updates.
  const std::vector<AuditEvent>& update_audits() const { return update_audits_; }

  void FailInsertsWith(absl::Status status) { insert_status_ = std::move(status); }
  void SetActiveKeyVersion(uint32_t version) { active_key_version_ = version; }
  const std::map<std::string, InstrumentRecord>& records() const { return records_; }
  int inserts() const { return inserts_; }
  int find_sealed_calls() const { return find_sealed_calls_; }

 private:
  std::map<std::string, InstrumentRecord> records_;
  std::vector<AuditEvent> update_audits_;
  uint32_t active_key_version_ = 1;
  absl::Status insert_status_;
  int inserts_ = 0;
  int find_sealed_calls_ = 0;
};

absl::Time FixedNow() {
  return absl::FromCivil(absl::CivilSecond(2025, 6, 15, 12, 30, 0), absl::UTCTimeZone());
}

// Each role's caller carries its own request id, so audit assertions can tell whose event it is.
Caller MerchantOf(std::string application_id) {
  return Caller{std::move(application_id), "USmerchant", Role::kMerchant, "", "RQmerchant"};
}

Caller CustomerOf(std::string application_id, std::string identity_id) {
  return Caller{std::move(application_id), "JKcustomer", Role::kCustomer, std::move(identity_id),
                "RQcustomer"};
}

Caller ProcessorOf(std::string application_id) {
  return Caller{std::move(application_id), "USprocessor", Role::kProcessor, "", "RQprocessor"};
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

NewBankAccount ValidUsAccount() {
  NewBankAccount account;
  account.identity_id = "IDowner1";
  account.account_number = Secret(std::string(kAccountNumber));
  account.routing_number = "021000021";
  account.account_type = BankAccountType::kChecking;
  account.holder_name = "Jane Doe";
  account.tags = {{"order", "42"}};
  return account;
}

NewBankAccount ValidCanadianAccount() {
  NewBankAccount account;
  account.identity_id = "IDowner2";
  account.account_number = Secret(std::string("000123456789"));
  account.institution_number = "001";
  account.transit_number = "12345";
  account.account_type = BankAccountType::kSavings;
  account.country = "CAN";
  account.holder_name = "Jean Tremblay";
  return account;
}

NewWallet ValidWallet(InstrumentType type) {
  NewWallet wallet;
  wallet.type = type;
  wallet.identity_id = "IDowner1";
  wallet.third_party_token = Secret(std::string(kWalletToken));
  wallet.merchant_identity = "IDmerchant1";
  wallet.holder_name = "Jane Doe";
  wallet.address = Address{"1 Main St", "", "Springfield", "CA", "94105", "USA"};
  return wallet;
}

// Every string a stored record holds, masked views and ciphertext included.
std::vector<std::string> StoredStrings(const InstrumentRecord& record) {
  const Instrument& i = record.instrument;
  std::vector<std::string> out = {
      record.secret_ciphertext, i.id, i.application_id, i.identity_id, i.holder_name, i.currency};
  for (const auto& [key, value] : i.tags) {
    out.push_back(key);
    out.push_back(value);
  }
  if (i.address) {
    for (const std::string* s :
         {&i.address->line1, &i.address->line2, &i.address->city, &i.address->region,
          &i.address->postal_code, &i.address->country}) {
      out.push_back(*s);
    }
  }
  if (i.card) {
    for (const std::string* s :
         {&i.card->bin, &i.card->last_four, &i.card->issuer_country, &i.card->issuer_name}) {
      out.push_back(*s);
    }
  }
  if (i.bank_account) {
    for (const std::string* s :
         {&i.bank_account->masked_account_number, &i.bank_account->last_four,
          &i.bank_account->routing_number, &i.bank_account->institution_number,
          &i.bank_account->transit_number, &i.bank_account->country}) {
      out.push_back(*s);
    }
  }
  if (i.wallet) {
    out.push_back(i.wallet->third_party);
    out.push_back(i.wallet->merchant_identity);
  }
  return out;
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

  absl::StatusOr<Instrument> CreateBank(const Caller& caller, NewBankAccount account) {
    return Await([&](InstrumentService::Done done) {
      service_.CreateBankAccount(caller, std::move(account), std::move(done));
    });
  }

  absl::StatusOr<Instrument> CreateWalletOf(const Caller& caller, NewWallet wallet) {
    return Await([&](InstrumentService::Done done) {
      service_.CreateWallet(caller, std::move(wallet), std::move(done));
    });
  }

  // Starts a use case with a `done` that records its result; fails unless it ran exactly once.
  template <typename Start>
  absl::StatusOr<Instrument> Await(Start start) {
    std::optional<absl::StatusOr<Instrument>> result;
    int calls = 0;
    start([&](absl::StatusOr<Instrument> r) {
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

  absl::StatusOr<Instrument> Update(const Caller& caller, std::string id, InstrumentUpdate update) {
    return Await([&](InstrumentService::Done done) {
      service_.Update(caller, std::move(id), std::move(update), std::move(done));
    });
  }

  absl::StatusOr<InstrumentPage> List(const Caller& caller, const ListRequest& request) {
    std::optional<absl::StatusOr<InstrumentPage>> result;
    int calls = 0;
    service_.List(caller, request, [&](absl::StatusOr<InstrumentPage> r) {
      ++calls;
      result = std::move(r);
    });
    EXPECT_EQ(calls, 1);
    return result.value_or(absl::InternalError("done never ran"));
  }

  // Runs Reveal on a cleared audit log, so audit_.events holds only what the reveal appended.
  absl::StatusOr<RevealedInstrument> Reveal(const Caller& caller, std::string id,
                                            std::string reason) {
    audit_.events.clear();
    std::optional<absl::StatusOr<RevealedInstrument>> result;
    int calls = 0;
    service_.Reveal(caller, std::move(id), std::move(reason),
                    [&](absl::StatusOr<RevealedInstrument> r) {
                      ++calls;
                      result = std::move(r);
                    });
    EXPECT_EQ(calls, 1);
    if (!result.has_value()) return absl::InternalError("done never ran");
    return *std::move(result);
  }

  // A card owned by `identity_id`, created by the merchant of APone; its id.
  std::string CardOwnedBy(std::string identity_id) {
    NewCard card = ValidCard();
    card.identity_id = std::move(identity_id);
    absl::StatusOr<Instrument> created = Create(MerchantOf("APone"), std::move(card));
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id : "";
  }

  // The identities owning the instruments of `page`, in page order.
  static std::vector<std::string> Owners(const InstrumentPage& page) {
    std::vector<std::string> owners;
    for (const Instrument& i : page.instruments) owners.push_back(i.identity_id);
    return owners;
  }

  FakeRepository repository_;
  FakeOpener opener_;
  RecordingAuditLog audit_;
  FakeSealer sealer_;
  FakeFingerprinter fingerprinter_;
  FakeIdGenerator ids_;
  BinTable bins_ = *BinTable::Parse(
      "bin,brand,card_type,issuer_name,issuer_country\n411111,,CREDIT,Test Bank,USA\n"
      "482000,VPAY,DEBIT,\"V PAY Bank, AG\",DEU\n424242,,CREDIT,Six Digit Bank,USA\n"
      "42424299,,HSA_FSA,Health Bank,USA\n");
  SandboxVerifier verifier_;
  InstrumentService service_{
      {repository_, sealer_, opener_, audit_, fingerprinter_, ids_, bins_, verifier_,
       [] { return FixedNow(); }}};
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

TEST_F(InstrumentServiceTest, CardFingerprintIgnoresExpiryAndName) {
  NewCard other = ValidCard();
  other.expiration_year = 2031;
  other.holder_name = "Someone Else";
  absl::StatusOr<Instrument> first = Create(MerchantOf("APone"), ValidCard());
  absl::StatusOr<Instrument> second = Create(MerchantOf("APone"), std::move(other));
  absl::StatusOr<Instrument> elsewhere = Create(MerchantOf("APtwo"), ValidCard());
  ASSERT_TRUE(first.ok() && second.ok() && elsewhere.ok());
  EXPECT_FALSE(first->fingerprint.empty());
  EXPECT_EQ(first->fingerprint, second->fingerprint);
  EXPECT_NE(first->fingerprint, elsewhere->fingerprint);
  EXPECT_EQ(repository_.records().at(first->id).instrument.fingerprint, first->fingerprint);
}

TEST_F(InstrumentServiceTest, RotatedKeyIsForgottenAndTheSecretSealedAgain) {
  repository_.SetActiveKeyVersion(2);  // a rotation the sealer has not seen yet

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), ValidCard());

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(sealer_.forgotten(), std::vector<std::string>{"APone"});
  ASSERT_THAT(sealer_.calls(), SizeIs(2));
  EXPECT_EQ(sealer_.calls()[1].plaintext, kPan);
  EXPECT_EQ(repository_.records().at(result->id).secret_key_version, 2u);
  EXPECT_EQ(repository_.inserts(), 2);
}

TEST_F(InstrumentServiceTest, SecondRotationInARowFails) {
  repository_.SetActiveKeyVersion(5);  // still ahead after one re-seal

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), ValidCard());

  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(repository_.records(), IsEmpty());
}

TEST_F(InstrumentServiceTest, ListPagesThroughTheCallersInstrumentsOnly) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Create(MerchantOf("APone"), ValidCard()).ok());
  ASSERT_TRUE(Create(MerchantOf("APtwo"), ValidCard()).ok());
  auto list = [&](const ListRequest& request) {
    std::optional<absl::StatusOr<InstrumentPage>> result;
    service_.List(MerchantOf("APone"), request,
                  [&](absl::StatusOr<InstrumentPage> r) { result = std::move(r); });
    return *std::move(result);
  };
  ListRequest first;
  first.page_size = 2;
  absl::StatusOr<InstrumentPage> page = list(first);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->instruments.size(), 2u);
  ASSERT_TRUE(page->next.has_value());
  ListRequest second;
  second.page_size = 2;
  second.page_token = EncodePageToken(*page->next);
  absl::StatusOr<InstrumentPage> rest = list(second);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->instruments.size(), 1u);
  EXPECT_FALSE(rest->next.has_value());
  EXPECT_EQ(rest->instruments[0].application_id, "APone");
}

TEST_F(InstrumentServiceTest, ListRejectsEveryBadFilterAtOnce) {
  ListRequest bad;
  bad.page_size = 101;
  bad.page_token = "not-a-token";
  bad.last_four = "12a4";
  bad.bin = "4111";
  std::optional<absl::StatusOr<InstrumentPage>> result;
  service_.List(MerchantOf("APone"), bad,
                [&](absl::StatusOr<InstrumentPage> r) { result = std::move(r); });
  ASSERT_EQ(result->status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : common::FieldViolationsOf(result->status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("page_size", "page_token", "last_four", "bin"));
}

TEST_F(InstrumentServiceTest, UpdateDisablesOnlyTheCallersInstrument) {
  absl::StatusOr<Instrument> created = Create(MerchantOf("APone"), ValidCard());
  ASSERT_TRUE(created.ok());
  std::optional<absl::StatusOr<Instrument>> result;
  service_.Update(MerchantOf("APtwo"), created->id, {.enabled = false},
                  [&](absl::StatusOr<Instrument> r) { result = std::move(r); });
  EXPECT_EQ(result->status().code(), absl::StatusCode::kNotFound);
  service_.Update(MerchantOf("APone"), created->id, {.enabled = false},
                  [&](absl::StatusOr<Instrument> r) { result = std::move(r); });
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_FALSE((*result)->enabled);
  EXPECT_FALSE(repository_.records().at(created->id).instrument.enabled);
}

TEST(PageTokenTest, RoundTripsAndRejectsForgeries) {
  PageCursor cursor{absl::FromUnixMicros(1750000000123456), "PIabc"};
  EXPECT_EQ(DecodePageToken(EncodePageToken(cursor)), cursor);
  EXPECT_FALSE(DecodePageToken("").has_value());
  EXPECT_FALSE(DecodePageToken("!!!").has_value());
  EXPECT_FALSE(DecodePageToken(absl::WebSafeBase64Escape("v2:1:PIabc")).has_value());
  EXPECT_FALSE(DecodePageToken(absl::WebSafeBase64Escape("v1:x:PIabc")).has_value());
  EXPECT_FALSE(DecodePageToken(absl::WebSafeBase64Escape("v1:1:")).has_value());
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

TEST_F(InstrumentServiceTest, CardIsEnrichedFromTheBinTableWithTheBrandOverride) {
  NewCard card = ValidCard();
  card.number = Secret(std::string("4820000000000000"));  // Visa by prefix, V PAY by BIN data

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), std::move(card));

  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->card.has_value());
  EXPECT_EQ(result->card->bin, "482000");
  EXPECT_EQ(result->card->last_four, "0000");
  EXPECT_EQ(result->card->brand, CardBrand::kVpay);
  EXPECT_EQ(result->card->card_type, CardType::kDebit);
  EXPECT_EQ(result->card->issuer_name, "V PAY Bank, AG");
  EXPECT_EQ(result->card->issuer_country, "DEU");
  ASSERT_THAT(repository_.records(), SizeIs(1));
  EXPECT_EQ(repository_.records().begin()->second.instrument, *result);
}

TEST_F(InstrumentServiceTest, EightDigitBinEntryWinsOverTheSixDigitOne) {
  struct Case {
    const char* pan;
    CardType card_type;
    const char* issuer_name;
  };
  for (const Case& c : {Case{"4242429900000002", CardType::kHsaFsa, "Health Bank"},
                        Case{"4242424242424242", CardType::kCredit, "Six Digit Bank"}}) {
    NewCard card = ValidCard();
    card.number = Secret(std::string(c.pan));
    absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), std::move(card));
    ASSERT_TRUE(result.ok()) << c.pan << ": " << result.status();
    EXPECT_EQ(result->card->brand, CardBrand::kVisa) << c.pan;  // no override in the table
    EXPECT_EQ(result->card->card_type, c.card_type) << c.pan;
    EXPECT_EQ(result->card->issuer_name, c.issuer_name) << c.pan;
  }
}

TEST_F(InstrumentServiceTest, CardWithoutBinEntryKeepsTheDetectedBrandAndUnknownIssuer) {
  NewCard card = ValidCard();
  card.number = Secret(std::string("5555555555554444"));

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), std::move(card));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->card->brand, CardBrand::kMastercard);
  EXPECT_EQ(result->card->card_type, CardType::kUnknown);
  EXPECT_EQ(result->card->issuer_name, "");
  EXPECT_EQ(result->card->issuer_country, "");
}

TEST_F(InstrumentServiceTest, CardCarriesTheVerifierResults) {
  struct Case {
    const char* code;
    std::optional<Address> address;
    SecurityCodeCheck security_code;
    AddressCheck address_check;
  };
  const Case cases[] = {
      {"200", Address{"1 Main St", "", "Berlin", "", "10115", "DEU"}, SecurityCodeCheck::kUnmatched,
       AddressCheck::kNotSupported},
      {"", std::nullopt, SecurityCodeCheck::kUnknown, AddressCheck::kNoAddress},
      {"300", Address{"1 Main St", "", "Springfield", "CA", "99999", "USA"},
       SecurityCodeCheck::kUnknown, AddressCheck::kNoMatch},
      {"456", Address{"", "", "Springfield", "CA", "94105", "USA"}, SecurityCodeCheck::kMatched,
       AddressCheck::kPostalCodeMatch},
  };
  for (const Case& c : cases) {
    NewCard card = ValidCard();
    card.security_code = Secret(std::string(c.code));
    card.address = c.address;
    absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), std::move(card));
    ASSERT_TRUE(result.ok()) << c.code << ": " << result.status();
    EXPECT_EQ(result->card->security_code_check, c.security_code) << c.code;
    EXPECT_EQ(result->card->address_check, c.address_check) << c.code;
  }
}

TEST_F(InstrumentServiceTest, SecurityCodeIsNeverStoredOrSealed) {
  constexpr char kCode[] = "739";
  NewCard card = ValidCard();
  card.security_code = Secret(std::string(kCode));

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), std::move(card));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->card->security_code_check, SecurityCodeCheck::kMatched);  // it was verified
  ASSERT_THAT(repository_.records(), SizeIs(1));
  for (const std::string& s : StoredStrings(repository_.records().begin()->second)) {
    EXPECT_THAT(s, Not(HasSubstr(kCode)));
  }
  ASSERT_THAT(sealer_.calls(), SizeIs(1));
  EXPECT_THAT(sealer_.calls()[0].plaintext, Not(HasSubstr(kCode)));
  EXPECT_EQ(sealer_.calls()[0].field, "card.number");
}

TEST_F(InstrumentServiceTest, InvalidBankAccountIsRejectedAndNothingStored) {
  NewBankAccount account = ValidUsAccount();
  account.account_number = Secret(std::string("1234"));
  account.routing_number = "123456789";
  account.account_type.reset();

  absl::StatusOr<Instrument> result = CreateBank(MerchantOf("APone"), std::move(account));

  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReasonOf(result.status()), "INVALID_FIELDS");
  EXPECT_THAT(common::FieldViolationsOf(result.status()),
              UnorderedElementsAre(
                  FieldViolation{"payment_instrument.bank_account.account_type", "is required"},
                  FieldViolation{"payment_instrument.bank_account.account_number",
                                 "must be 5 to 17 digits"},
                  FieldViolation{"payment_instrument.bank_account.routing_number",
                                 "is not a valid ABA routing number"}));
  EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr("1234")));
  EXPECT_THAT(repository_.records(), IsEmpty());
  EXPECT_EQ(repository_.inserts(), 0);
  EXPECT_THAT(sealer_.calls(), IsEmpty());
}

TEST_F(InstrumentServiceTest, ValidUsBankAccountIsSealedMaskedAndStored) {
  absl::StatusOr<Instrument> result = CreateBank(MerchantOf("APone"), ValidUsAccount());

  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(repository_.records(), SizeIs(1));
  const auto& [id, record] = *repository_.records().begin();
  EXPECT_EQ(id, "PI0001");
  EXPECT_EQ(record.secret_ciphertext,
            FakeSealer::Expected(kAccountNumber, "bank_account.account_number"));
  ASSERT_THAT(sealer_.calls(), SizeIs(1));
  EXPECT_EQ(sealer_.calls()[0].plaintext, kAccountNumber);
  EXPECT_EQ(sealer_.calls()[0].application_id, "APone");
  EXPECT_EQ(sealer_.calls()[0].resource_id, "PI0001");
  EXPECT_EQ(sealer_.calls()[0].field, "bank_account.account_number");

  const Instrument& stored = record.instrument;
  EXPECT_EQ(stored.id, "PI0001");
  EXPECT_EQ(stored.application_id, "APone");
  EXPECT_EQ(stored.identity_id, "IDowner1");
  EXPECT_EQ(stored.type, InstrumentType::kBankAccount);
  EXPECT_TRUE(stored.enabled);
  EXPECT_EQ(stored.holder_name, "Jane Doe");
  EXPECT_EQ(stored.tags, (std::map<std::string, std::string>{{"order", "42"}}));
  EXPECT_EQ(stored.address, std::nullopt);
  EXPECT_EQ(stored.card, std::nullopt);
  EXPECT_EQ(stored.wallet, std::nullopt);
  ASSERT_TRUE(stored.bank_account.has_value());
  MaskedBankAccount expected{"XXXXX6789", "6789", "021000021", "", "", BankAccountType::kChecking,
                             "USA"};
  expected.validation_check = BankValidationCheck::kValid;  // sandbox: any other number
  EXPECT_EQ(*stored.bank_account, expected);
  EXPECT_EQ(stored.currency, "USD");
  EXPECT_EQ(stored.create_time, FixedNow());
  EXPECT_EQ(stored.update_time, FixedNow());
  for (const std::string& s : StoredStrings(record)) {
    EXPECT_THAT(s, Not(HasSubstr(kAccountNumber)));
  }
  EXPECT_EQ(*result, stored);
}

TEST_F(InstrumentServiceTest, BankAccountCarriesTheVerifierResult) {
  struct Case {
    const char* number;
    BankValidationCheck want;
  };
  for (const Case& c : {Case{"1234560000", BankValidationCheck::kInvalid},
                        Case{"1234569999", BankValidationCheck::kInconclusive},
                        Case{"1234561234", BankValidationCheck::kValid}}) {
    NewBankAccount account = ValidUsAccount();
    account.account_number = Secret(std::string(c.number));
    absl::StatusOr<Instrument> result = CreateBank(MerchantOf("APone"), std::move(account));
    ASSERT_TRUE(result.ok()) << c.number << ": " << result.status();  // stored, not refused
    EXPECT_EQ(result->bank_account->validation_check, c.want) << c.number;
  }
}

TEST_F(InstrumentServiceTest, CanadianBankAccountIsStoredInCad) {
  absl::StatusOr<Instrument> result = CreateBank(MerchantOf("APone"), ValidCanadianAccount());

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->type, InstrumentType::kBankAccount);
  EXPECT_EQ(result->currency, "CAD");
  ASSERT_TRUE(result->bank_account.has_value());
  MaskedBankAccount expected{"XXXXXXXX6789", "6789", "", "001", "12345", BankAccountType::kSavings,
                             "CAN"};
  expected.validation_check = BankValidationCheck::kNotAttempted;
  EXPECT_EQ(*result->bank_account, expected);
  ASSERT_THAT(sealer_.calls(), SizeIs(1));
  EXPECT_EQ(sealer_.calls()[0].plaintext, "000123456789");
  EXPECT_EQ(sealer_.calls()[0].field, "bank_account.account_number");
  ASSERT_THAT(repository_.records(), SizeIs(1));
  EXPECT_EQ(repository_.records().begin()->second.instrument, *result);
}

TEST_F(InstrumentServiceTest, ValidApplePayWalletIsSealedAndStored) {
  absl::StatusOr<Instrument> result =
      CreateWalletOf(MerchantOf("APone"), ValidWallet(InstrumentType::kApplePay));

  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(repository_.records(), SizeIs(1));
  const auto& [id, record] = *repository_.records().begin();
  EXPECT_EQ(id, "PI0001");
  EXPECT_EQ(record.secret_ciphertext,
            FakeSealer::Expected(kWalletToken, "wallet.third_party_token"));
  ASSERT_THAT(sealer_.calls(), SizeIs(1));
  EXPECT_EQ(sealer_.calls()[0].plaintext, kWalletToken);
  EXPECT_EQ(sealer_.calls()[0].application_id, "APone");
  EXPECT_EQ(sealer_.calls()[0].resource_id, "PI0001");
  EXPECT_EQ(sealer_.calls()[0].field, "wallet.third_party_token");

  const Instrument& stored = record.instrument;
  EXPECT_EQ(stored.type, InstrumentType::kApplePay);
  EXPECT_EQ(stored.application_id, "APone");
  EXPECT_EQ(stored.identity_id, "IDowner1");
  EXPECT_EQ(stored.holder_name, "Jane Doe");
  EXPECT_EQ(stored.address, (Address{"1 Main St", "", "Springfield", "CA", "94105", "USA"}));
  EXPECT_EQ(stored.wallet, (WalletDetails{"", "IDmerchant1"}));
  EXPECT_EQ(stored.card, std::nullopt);
  EXPECT_EQ(stored.bank_account, std::nullopt);
  EXPECT_EQ(stored.create_time, FixedNow());
  for (const std::string& s : StoredStrings(record)) {
    EXPECT_THAT(s, Not(HasSubstr("c2FuZGJveA==")));
  }
  EXPECT_EQ(*result, stored);
}

TEST_F(InstrumentServiceTest, GooglePayAndThirdPartyTokenWallets) {
  NewWallet google = ValidWallet(InstrumentType::kGooglePay);
  absl::StatusOr<Instrument> first = CreateWalletOf(MerchantOf("APone"), std::move(google));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->type, InstrumentType::kGooglePay);
  EXPECT_EQ(first->wallet, (WalletDetails{"", "IDmerchant1"}));

  NewWallet token = ValidWallet(InstrumentType::kToken);
  token.third_party = "PLAID";
  absl::StatusOr<Instrument> second = CreateWalletOf(MerchantOf("APone"), std::move(token));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->type, InstrumentType::kToken);
  EXPECT_EQ(second->wallet, (WalletDetails{"PLAID", "IDmerchant1"}));
  EXPECT_THAT(repository_.records(), SizeIs(2));
}

TEST_F(InstrumentServiceTest, InvalidWalletIsRejectedAndNothingStored) {
  NewWallet wallet = ValidWallet(InstrumentType::kApplePay);
  wallet.merchant_identity.clear();
  wallet.third_party = "PL-AID";

  absl::StatusOr<Instrument> result = CreateWalletOf(MerchantOf("APone"), std::move(wallet));

  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReasonOf(result.status()), "INVALID_FIELDS");
  std::vector<FieldViolation> violations = common::FieldViolationsOf(result.status());
  ASSERT_THAT(violations, SizeIs(2));
  std::vector<std::string> fields = {violations[0].field, violations[1].field};
  EXPECT_THAT(fields, UnorderedElementsAre("payment_instrument.wallet.merchant_identity",
                                           "payment_instrument.wallet.third_party"));
  EXPECT_THAT(repository_.records(), IsEmpty());
  EXPECT_EQ(repository_.inserts(), 0);
  EXPECT_THAT(sealer_.calls(), IsEmpty());
}

TEST_F(InstrumentServiceTest, WalletWithACardTypeIsRejected) {
  absl::StatusOr<Instrument> result =
      CreateWalletOf(MerchantOf("APone"), ValidWallet(InstrumentType::kPaymentCard));

  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(common::FieldViolationsOf(result.status()),
              ElementsAre(FieldViolation{"payment_instrument.type",
                                         "must be APPLE_PAY, GOOGLE_PAY or TOKEN"}));
  EXPECT_THAT(repository_.records(), IsEmpty());
}

// --- Customer callers see only their own identity's instruments. ---

TEST_F(InstrumentServiceTest, CustomerGetsItsOwnIdentitysInstrument) {
  std::string id = CardOwnedBy("IDowner1");

  absl::StatusOr<Instrument> found = Get(CustomerOf("APone", "IDowner1"), id);

  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, id);
}

TEST_F(InstrumentServiceTest, CustomerGetOfAnotherIdentitysInstrumentIsNotFound) {
  std::string id = CardOwnedBy("IDowner1");

  absl::StatusOr<Instrument> found = Get(CustomerOf("APone", "IDowner2"), id);

  ASSERT_EQ(found.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(common::ErrorReasonOf(found.status()), "RESOURCE_NOT_FOUND");
  EXPECT_TRUE(Get(MerchantOf("APone"), id).ok());  // it exists; it is only hidden
}

TEST_F(InstrumentServiceTest, CustomerListShowsOnlyItsOwnIdentitysInstruments) {
  CardOwnedBy("IDowner1");
  CardOwnedBy("IDowner2");
  CardOwnedBy("IDowner1");

  absl::StatusOr<InstrumentPage> mine = List(CustomerOf("APone", "IDowner1"), ListRequest{});
  absl::StatusOr<InstrumentPage> everyone = List(MerchantOf("APone"), ListRequest{});

  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_THAT(Owners(*mine), ElementsAre("IDowner1", "IDowner1"));
  ASSERT_TRUE(everyone.ok()) << everyone.status();
  EXPECT_THAT(Owners(*everyone), SizeIs(3));
}

TEST_F(InstrumentServiceTest, CustomerListFilteredByItsOwnIdentityShowsItsInstruments) {
  CardOwnedBy("IDowner1");
  CardOwnedBy("IDowner2");
  ListRequest request;
  request.identity_id = "IDowner2";

  absl::StatusOr<InstrumentPage> page = List(CustomerOf("APone", "IDowner2"), request);

  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Owners(*page), ElementsAre("IDowner2"));
}

TEST_F(InstrumentServiceTest, CustomerListFilteredByAnotherIdentityIsAnEmptyPage) {
  CardOwnedBy("IDowner1");
  CardOwnedBy("IDowner2");
  ListRequest request;
  request.identity_id = "IDowner1";

  absl::StatusOr<InstrumentPage> page = List(CustomerOf("APone", "IDowner2"), request);

  // An empty page, not an error: the answer must not reveal whether IDowner1 has instruments.
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->instruments, IsEmpty());
  EXPECT_FALSE(page->next.has_value());
}

TEST_F(InstrumentServiceTest, CustomerUpdateOfAnotherIdentitysInstrumentIsNotFoundChangingNothing) {
  std::string id = CardOwnedBy("IDowner1");
  const Instrument before = repository_.records().at(id).instrument;

  absl::StatusOr<Instrument> result =
      Update(CustomerOf("APone", "IDowner2"), id, {.holder_name = "Mallory"});

  ASSERT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(common::ErrorReasonOf(result.status()), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(repository_.records().at(id).instrument, before);
  EXPECT_THAT(repository_.update_audits(), IsEmpty());  // nothing committed
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "JKcustomer", "instrument.update", "",
                                        "RESOURCE_NOT_FOUND", "RQcustomer"}));
}

TEST_F(InstrumentServiceTest, CustomerUpdatesItsOwnIdentitysInstrument) {
  std::string id = CardOwnedBy("IDowner1");

  absl::StatusOr<Instrument> result =
      Update(CustomerOf("APone", "IDowner1"), id, {.holder_name = "Jane Q. Doe"});

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->holder_name, "Jane Q. Doe");
  EXPECT_EQ(repository_.records().at(id).instrument.holder_name, "Jane Q. Doe");
}

// --- Creates: the success event travels with the row, failures go to the audit log. ---

TEST_F(InstrumentServiceTest, EachCreateCarriesItsOkAuditEventIntoTheRepository) {
  absl::StatusOr<Instrument> card = Create(MerchantOf("APone"), ValidCard());
  absl::StatusOr<Instrument> bank = CreateBank(MerchantOf("APone"), ValidUsAccount());
  absl::StatusOr<Instrument> wallet =
      CreateWalletOf(MerchantOf("APone"), ValidWallet(InstrumentType::kApplePay));

  for (const absl::StatusOr<Instrument>* created : {&card, &bank, &wallet}) {
    ASSERT_TRUE(created->ok()) << created->status();
    const std::string& id = (*created)->id;
    EXPECT_EQ(Recorded(repository_.records().at(id).audit),
              (RecordedEvent{"APone", "USmerchant", "instrument.create", id, "OK", "RQmerchant"}));
  }
  EXPECT_THAT(audit_.events, IsEmpty());  // a success is recorded once, with its row
}

TEST_F(InstrumentServiceTest, InvalidCreatesAreAppendedToTheAuditLogWithTheirReason) {
  NewCard card = ValidCard();
  card.expiration_month = 13;
  NewBankAccount account = ValidUsAccount();
  account.routing_number = "123456789";
  NewWallet wallet = ValidWallet(InstrumentType::kApplePay);
  wallet.merchant_identity.clear();

  EXPECT_FALSE(Create(MerchantOf("APone"), std::move(card)).ok());
  EXPECT_FALSE(CreateBank(MerchantOf("APone"), std::move(account)).ok());
  EXPECT_FALSE(CreateWalletOf(MerchantOf("APone"), std::move(wallet)).ok());

  // One event per refused create, without a resource: no id was assigned.
  ASSERT_THAT(audit_.events, SizeIs(3));
  EXPECT_THAT(Recorded(audit_.events),
              Each(RecordedEvent{"APone", "USmerchant", "instrument.create", "", "INVALID_FIELDS",
                                 "RQmerchant"}));
}

TEST_F(InstrumentServiceTest, CreateRefusedByTheRepositoryIsAppendedWithItsReason) {
  repository_.FailInsertsWith(common::MakeError(absl::StatusCode::kFailedPrecondition,
                                                "MAX_INSTRUMENT_COUNT", "owner is at its limit"));

  absl::StatusOr<Instrument> result = Create(MerchantOf("APone"), ValidCard());

  EXPECT_EQ(common::ErrorReasonOf(result.status()), "MAX_INSTRUMENT_COUNT");
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USmerchant", "instrument.create", "",
                                        "MAX_INSTRUMENT_COUNT", "RQmerchant"}));
}

TEST_F(InstrumentServiceTest, CreateFailureWithoutAReasonIsAppendedWithItsCode) {
  sealer_.FailWith(absl::InternalError("crypto library failed"));

  EXPECT_FALSE(Create(MerchantOf("APone"), ValidCard()).ok());

  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USmerchant", "instrument.create", "", "INTERNAL",
                                        "RQmerchant"}));
}

// --- Updates: the action names what changed; failures go to the audit log. ---

TEST_F(InstrumentServiceTest, UpdateCommitsAnInstrumentUpdateEventWithTheRow) {
  std::string id = CardOwnedBy("IDowner1");

  ASSERT_TRUE(Update(MerchantOf("APone"), id, {.holder_name = "Jane Q. Doe"}).ok());

  EXPECT_THAT(Recorded(repository_.update_audits()),
              ElementsAre(RecordedEvent{"APone", "USmerchant", "instrument.update", id, "OK",
                                        "RQmerchant"}));
  EXPECT_THAT(audit_.events, IsEmpty());
}

TEST_F(InstrumentServiceTest, DisablingCommitsAnInstrumentDisableEventEvenWithOtherChanges) {
  std::string id = CardOwnedBy("IDowner1");

  ASSERT_TRUE(Update(MerchantOf("APone"), id, {.enabled = false}).ok());
  ASSERT_TRUE(
      Update(MerchantOf("APone"), id, {.enabled = false, .holder_name = "Jane Q. Doe"}).ok());

  const RecordedEvent disabled{"APone", "USmerchant", "instrument.disable", id, "OK", "RQmerchant"};
  EXPECT_THAT(Recorded(repository_.update_audits()), ElementsAre(disabled, disabled));
}

TEST_F(InstrumentServiceTest, ReenablingIsAnUpdateNotADisable) {
  std::string id = CardOwnedBy("IDowner1");
  ASSERT_TRUE(Update(MerchantOf("APone"), id, {.enabled = false}).ok());

  ASSERT_TRUE(Update(MerchantOf("APone"), id, {.enabled = true}).ok());

  ASSERT_THAT(repository_.update_audits(), SizeIs(2));
  EXPECT_EQ(repository_.update_audits()[1].action, "instrument.update");
}

TEST_F(InstrumentServiceTest, InvalidUpdateIsAppendedWithItsReasonAndNothingCommits) {
  std::string id = CardOwnedBy("IDowner1");

  absl::StatusOr<Instrument> result =
      Update(MerchantOf("APone"), id, {.holder_name = std::string(kMaxHolderNameLength + 1, 'x')});

  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(repository_.update_audits(), IsEmpty());
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USmerchant", "instrument.update", "",
                                        "INVALID_FIELDS", "RQmerchant"}));
}

TEST_F(InstrumentServiceTest, FailedDisableIsAppendedAsADisable) {
  absl::StatusOr<Instrument> result = Update(MerchantOf("APone"), "PI9999", {.enabled = false});

  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  ASSERT_THAT(audit_.events, SizeIs(1));
  EXPECT_EQ(audit_.events[0].action, "instrument.disable");
}

TEST_F(InstrumentServiceTest, EmptyUpdateIsRefusedAndAudited) {
  std::string id = CardOwnedBy("IDowner1");

  absl::StatusOr<Instrument> result = Update(MerchantOf("APone"), id, {});

  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(common::FieldViolationsOf(result.status()),
              ElementsAre(FieldViolation{"update_mask", "names no field to change"}));
  EXPECT_THAT(repository_.update_audits(), IsEmpty());
  // Like every other failed update (instrument_service.h: failures are appended on their own).
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USmerchant", "instrument.update", "",
                                        "INVALID_FIELDS", "RQmerchant"}));
}

// --- Reveal: processors only (authorization.h), a reason, every outcome audited once. ---

constexpr char kRevealReason[] = "chargeback review, case 2024-118";

TEST_F(InstrumentServiceTest, RevealOfACardReturnsTheInstrumentAndItsNumber) {
  absl::StatusOr<Instrument> created = Create(MerchantOf("APone"), ValidCard());
  ASSERT_TRUE(created.ok()) << created.status();

  absl::StatusOr<RevealedInstrument> revealed =
      Reveal(ProcessorOf("APone"), created->id, kRevealReason);

  ASSERT_TRUE(revealed.ok()) << revealed.status();
  EXPECT_EQ(revealed->instrument, *created);
  EXPECT_EQ(revealed->secret.Reveal(), kPan);
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USprocessor", "instrument.reveal", created->id,
                                        "OK", "RQprocessor"}));
}

TEST_F(InstrumentServiceTest, RevealOfABankAccountReturnsItsAccountNumber) {
  absl::StatusOr<Instrument> us = CreateBank(MerchantOf("APone"), ValidUsAccount());
  absl::StatusOr<Instrument> canadian = CreateBank(MerchantOf("APone"), ValidCanadianAccount());
  ASSERT_TRUE(us.ok() && canadian.ok());

  absl::StatusOr<RevealedInstrument> first = Reveal(ProcessorOf("APone"), us->id, kRevealReason);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->instrument, *us);
  EXPECT_EQ(first->secret.Reveal(), kAccountNumber);
  EXPECT_THAT(audit_.events, SizeIs(1));

  absl::StatusOr<RevealedInstrument> second =
      Reveal(ProcessorOf("APone"), canadian->id, kRevealReason);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->secret.Reveal(), "000123456789");
  EXPECT_THAT(audit_.events, SizeIs(1));
}

TEST_F(InstrumentServiceTest, RevealOfAWalletIsRefusedWithoutOpeningItsToken) {
  absl::StatusOr<Instrument> wallet =
      CreateWalletOf(MerchantOf("APone"), ValidWallet(InstrumentType::kGooglePay));
  ASSERT_TRUE(wallet.ok()) << wallet.status();

  absl::StatusOr<RevealedInstrument> revealed =
      Reveal(ProcessorOf("APone"), wallet->id, kRevealReason);

  ASSERT_EQ(revealed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(revealed.status()), "NOT_REVEALABLE");
  EXPECT_EQ(opener_.opens(), 0);
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USprocessor", "instrument.reveal", wallet->id,
                                        "NOT_REVEALABLE", "RQprocessor"}));
}

TEST_F(InstrumentServiceTest, RevealOfAnUnknownIdIsNotFoundAndAudited) {
  absl::StatusOr<RevealedInstrument> revealed =
      Reveal(ProcessorOf("APone"), "PI9999", kRevealReason);

  EXPECT_EQ(revealed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USprocessor", "instrument.reveal", "PI9999",
                                        "NOT_FOUND", "RQprocessor"}));
}

TEST_F(InstrumentServiceTest, RevealOfAnotherApplicationsInstrumentIsNotFound) {
  std::string id = CardOwnedBy("IDowner1");

  absl::StatusOr<RevealedInstrument> revealed = Reveal(ProcessorOf("APtwo"), id, kRevealReason);

  EXPECT_EQ(revealed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(opener_.opens(), 0);
  ASSERT_THAT(audit_.events, SizeIs(1));
  EXPECT_EQ(audit_.events[0].application_id, "APtwo");
}

TEST_F(InstrumentServiceTest, RevealThatCannotOpenTheSecretFailsAndIsAudited) {
  std::string id = CardOwnedBy("IDowner1");
  opener_.FailWith(common::MakeError(absl::StatusCode::kDataLoss, "DECRYPTION_FAILED",
                                     "authentication tag mismatch"));

  absl::StatusOr<RevealedInstrument> revealed = Reveal(ProcessorOf("APone"), id, kRevealReason);

  EXPECT_EQ(revealed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USprocessor", "instrument.reveal", id,
                                        "DECRYPTION_FAILED", "RQprocessor"}));
}

TEST_F(InstrumentServiceTest, RevealAuditEventNeverContainsTheRevealedNumber) {
  std::string card = CardOwnedBy("IDowner1");
  absl::StatusOr<Instrument> bank = CreateBank(MerchantOf("APone"), ValidUsAccount());
  ASSERT_TRUE(bank.ok());

  for (const auto& [id, number] :
       {std::pair<std::string, std::string>{card, kPan}, {bank->id, kAccountNumber}}) {
    ASSERT_TRUE(Reveal(ProcessorOf("APone"), id, kRevealReason).ok());
    ASSERT_THAT(audit_.events, SizeIs(1));
    const AuditEvent& e = audit_.events[0];
    for (const std::string* field : {&e.application_id, &e.credential_id, &e.action, &e.resource_id,
                                     &e.outcome, &e.request_id}) {
      EXPECT_THAT(*field, Not(HasSubstr(number)));
      EXPECT_THAT(*field, Not(HasSubstr(number.substr(number.size() - 4))));  // not even the tail
    }
  }
}

TEST_F(InstrumentServiceTest, RevealAcceptsReasonsWithinTheRules) {
  std::string id = CardOwnedBy("IDowner1");
  std::string accented;  // 200 two-byte characters: the limit counts characters, not bytes
  for (size_t i = 0; i < kMaxRevealReasonLength; ++i) accented += "\xc3\xa9";

  for (const std::string& reason :
       {std::string("x"), std::string(kMaxRevealReasonLength, 'r'), accented,
        std::string("ticket 1234"), std::string("case 24-11-05, ref 98")}) {
    absl::StatusOr<RevealedInstrument> revealed = Reveal(ProcessorOf("APone"), id, reason);
    EXPECT_TRUE(revealed.ok()) << reason << ": " << revealed.status();
  }
}

struct BadReasonCase {
  const char* name;
  std::string reason;
};

void PrintTo(const BadReasonCase& c, std::ostream* os) { *os << c.name; }

class RevealReasonTest : public InstrumentServiceTest,
                         public ::testing::WithParamInterface<BadReasonCase> {};

TEST_P(RevealReasonTest, BadReasonIsInvalidAuditedOnceAndNothingIsRead) {
  std::string id = CardOwnedBy("IDowner1");

  absl::StatusOr<RevealedInstrument> revealed = Reveal(ProcessorOf("APone"), id, GetParam().reason);

  ASSERT_EQ(revealed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReasonOf(revealed.status()), "INVALID_FIELDS");
  std::vector<FieldViolation> violations = common::FieldViolationsOf(revealed.status());
  ASSERT_THAT(violations, SizeIs(1));
  EXPECT_EQ(violations[0].field, "reason");
  EXPECT_EQ(repository_.find_sealed_calls(), 0);
  EXPECT_EQ(opener_.opens(), 0);
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USprocessor", "instrument.reveal", id,
                                        "INVALID_FIELDS", "RQprocessor"}));
}

std::string TooManyAccentedCharacters() {
  std::string s;
  for (size_t i = 0; i <= kMaxRevealReasonLength; ++i) s += "\xc3\xa9";
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Reasons, RevealReasonTest,
    ::testing::Values(BadReasonCase{"Empty", ""},
                      BadReasonCase{"TooLong", std::string(kMaxRevealReasonLength + 1, 'r')},
                      BadReasonCase{"TooManyCharacters", TooManyAccentedCharacters()},
                      BadReasonCase{"FiveDigitRun", "ticket 12345"},
                      BadReasonCase{"CardNumber", "customer said 4111111111111111"},
                      BadReasonCase{"SpacedCardNumber", "card 4111 1111 1111 1111"},
                      BadReasonCase{"NineDigitsInAll", "refs 12-34-56-78-9"},
                      BadReasonCase{"Newline", "first line\nsecond line"},
                      BadReasonCase{"Tab", "a\treason"},
                      BadReasonCase{"Nul", std::string("a\0reason", 8)},
                      BadReasonCase{"Delete", "a\x7freason"}),
    [](const ::testing::TestParamInfo<BadReasonCase>& param_info) {
      return param_info.param.name;
    });

}  // namespace
}  // namespace pi::instruments::domain
