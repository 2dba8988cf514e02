#include "services/instruments/domain/token_service.h"

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
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
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

constexpr char kPan[] = "4111111111111111";
constexpr char kAccountNumber[] = "123456789";

// What a seal or open was bound to, with owned strings.
struct RecordedSeal {
  std::string plaintext;
  std::string application_id;
  std::string resource_id;
  std::string field;
};

// "sealed(<field>):" followed by the plaintext reversed: deterministic, never the plaintext.
// Completes synchronously with key version `key_version()`; ForgetActiveKey moves to the next.
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
    ++key_version_;
  }

  static std::string Expected(absl::string_view plaintext, absl::string_view field) {
    return absl::StrCat("sealed(", field, "):", std::string(plaintext.rbegin(), plaintext.rend()));
  }

  const std::vector<std::string>& forgotten() const { return forgotten_; }
  void FailWith(absl::Status status) { status_ = std::move(status); }
  const std::vector<RecordedSeal>& calls() const { return calls_; }

 private:
  std::vector<RecordedSeal> calls_;
  std::vector<std::string> forgotten_;
  absl::Status status_;
  uint32_t key_version_ = 1;
};

// Opens what FakeSealer sealed under the same field, synchronously; records each context.
class FakeOpener : public FieldOpener {
 public:
  void Open(std::string ciphertext, SealContext context, OpenDone done) override {
    calls_.push_back({ciphertext, context.application_id, context.resource_id, context.field});
    if (!status_.ok()) return std::move(done)(status_);
    std::string prefix = absl::StrCat("sealed(", context.field, "):");
    if (!absl::StartsWith(ciphertext, prefix)) {
      return std::move(done)(
          common::MakeError(absl::StatusCode::kDataLoss, "DECRYPTION_FAILED", "wrong context"));
    }
    std::string reversed = ciphertext.substr(prefix.size());
    std::move(done)(common::Secret(std::string(reversed.rbegin(), reversed.rend())));
  }

  void FailWith(absl::Status status) { status_ = std::move(status); }
  const std::vector<RecordedSeal>& calls() const { return calls_; }

 private:
  std::vector<RecordedSeal> calls_;
  absl::Status status_;
};

class FakeFingerprinter : public Fingerprinter {
 public:
  std::string Fingerprint(absl::string_view application_id,
                          absl::string_view material) const override {
    return absl::StrCat("FPR", application_id, "-",
                        std::hash<std::string>{}(std::string(material)));
  }
};

// prefix + a running number shared by every prefix: "TK0001", "PI0002", ...
class FakeIdGenerator : public IdGenerator {
 public:
  std::string NewId(absl::string_view prefix) const override {
    ++count_;
    return absl::StrCat(prefix, count_ < 10 ? "000" : "00", count_);
  }

 private:
  mutable int count_ = 0;
};

class RecordingAuditLog : public AuditLog {
 public:
  void Append(AuditEvent event) override { events.push_back(std::move(event)); }
  std::vector<AuditEvent> events;
};

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

// The sandbox's answers, remembering the security code each card arrived with.
class RecordingVerifier : public Verifier {
 public:
  CardVerification VerifyCard(const NewCard& card) const override {
    codes_seen.push_back(std::string(card.security_code.Reveal()));
    return sandbox_.VerifyCard(card);
  }
  BankValidationCheck VerifyBankAccount(const NewBankAccount& account) const override {
    return sandbox_.VerifyBankAccount(account);
  }
  mutable std::vector<std::string> codes_seen;

 private:
  SandboxVerifier sandbox_;
};

// Tokens by id, completing synchronously. Like PostgreSQL, only the active key version may
// write. Consume() is what InstrumentRepository::Insert does to a token in its transaction.
class FakeTokenRepository : public TokenRepository {
 public:
  void Insert(TokenRecord record, InsertDone done) override {
    ++inserts_;
    if (record.payload_key_version < active_key_version_) {
      return std::move(done)(common::MakeError(absl::StatusCode::kAborted, "DATA_KEY_ROTATED",
                                               "the data key rotated"));
    }
    if (!insert_status_.ok()) return std::move(done)(insert_status_);
    std::string id = record.token.id;
    if (!records_.emplace(id, std::move(record)).second) {
      return std::move(done)(absl::AlreadyExistsError(id));
    }
    std::move(done)(absl::OkStatus());
  }

  void Find(std::string application_id, std::string id, FindDone done) override {
    ++finds_;
    auto it = records_.find(id);
    if (it == records_.end() || it->second.token.application_id != application_id) {
      return std::move(done)(
          common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND", "token not found"));
    }
    std::move(done)(it->second);
  }

  absl::Status Consume(const std::string& application_id, const std::string& id) {
    auto it = records_.find(id);
    if (it == records_.end() || it->second.token.application_id != application_id) {
      return common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                               "token not found");
    }
    if (it->second.used) {
      return common::MakeError(absl::StatusCode::kFailedPrecondition, "TOKEN_ALREADY_USED",
                               "the token was already used");
    }
    it->second.used = true;
    it->second.payload_ciphertext.clear();
    return absl::OkStatus();
  }

  void FailInsertsWith(absl::Status status) { insert_status_ = std::move(status); }
  void SetActiveKeyVersion(uint32_t version) { active_key_version_ = version; }
  std::map<std::string, TokenRecord>& records() { return records_; }
  int inserts() const { return inserts_; }
  int finds() const { return finds_; }

 private:
  std::map<std::string, TokenRecord> records_;
  absl::Status insert_status_;
  uint32_t active_key_version_ = 1;
  int inserts_ = 0;
  int finds_ = 0;
};

// Instruments by id, completing synchronously; Insert consumes the record's token first.
class FakeRepository : public InstrumentRepository {
 public:
  explicit FakeRepository(FakeTokenRepository& tokens) : tokens_(tokens) {}

  void Insert(InstrumentRecord record, InsertDone done) override {
    ++inserts_;
    if (!insert_status_.ok()) return std::move(done)(insert_status_);
    if (!record.consume_token_id.empty()) {
      absl::Status consumed =
          tokens_.Consume(record.instrument.application_id, record.consume_token_id);
      if (!consumed.ok()) return std::move(done)(consumed);
    }
    std::string id = record.instrument.id;
    if (!records_.emplace(id, std::move(record)).second) {
      return std::move(done)(absl::AlreadyExistsError(id));
    }
    std::move(done)(absl::OkStatus());
  }

  void Find(std::string application_id, std::string id, FindDone done) override {
    auto it = records_.find(id);
    if (it == records_.end() || it->second.instrument.application_id != application_id) {
      return std::move(done)(absl::NotFoundError("instrument not found"));
    }
    std::move(done)(it->second.instrument);
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

  void FailInsertsWith(absl::Status status) { insert_status_ = std::move(status); }
  const std::map<std::string, InstrumentRecord>& records() const { return records_; }
  int inserts() const { return inserts_; }

 private:
  FakeTokenRepository& tokens_;
  std::map<std::string, InstrumentRecord> records_;
  absl::Status insert_status_;
  int inserts_ = 0;
};

absl::Time FixedNow() {
  return absl::FromCivil(absl::CivilSecond(2025, 6, 15, 12, 30, 0), absl::UTCTimeZone());
}

Caller MerchantOf(std::string application_id) {
  return Caller{std::move(application_id), "USmerchant", Role::kMerchant, "", "RQmerchant"};
}

Caller PublishableOf(std::string application_id) {
  return Caller{std::move(application_id), "PKbrowser", Role::kPublishable, "", "RQbrowser"};
}

Caller CustomerOf(std::string application_id, std::string identity_id) {
  return Caller{std::move(application_id), "JKcustomer", Role::kCustomer, std::move(identity_id),
                "RQcustomer"};
}

const Address kTokenAddress{"1 Main St", "", "Springfield", "CA", "94105", "USA"};

// A card as a payment page sends it: no identity, no tags.
NewCard TokenCard() {
  NewCard card;
  card.number = Secret(std::string(kPan));
  card.security_code = Secret(std::string("123"));
  card.expiration_month = 12;
  card.expiration_year = 2030;
  card.holder_name = "Jane Doe";
  card.address = kTokenAddress;
  return card;
}

NewBankAccount TokenUsAccount() {
  NewBankAccount account;
  account.account_number = Secret(std::string(kAccountNumber));
  account.routing_number = "021000021";
  account.account_type = BankAccountType::kChecking;
  account.holder_name = "Jane Doe";
  return account;
}

NewBankAccount TokenCanadianAccount() {
  NewBankAccount account;
  account.account_number = Secret(std::string("000123456789"));
  account.institution_number = "001";
  account.transit_number = "12345";
  account.account_type = BankAccountType::kSavings;
  account.country = "CAN";
  account.holder_name = "Jean Tremblay";
  return account;
}

TokenPayload CardPayload(NewCard card) {
  TokenPayload payload;
  payload.card = std::move(card);
  return payload;
}

TokenPayload BankPayload(NewBankAccount account) {
  TokenPayload payload;
  payload.bank_account = std::move(account);
  return payload;
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : common::FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

// Every string a stored instrument record holds outside its ciphertext.
std::vector<std::string> ClearStrings(const InstrumentRecord& record) {
  const Instrument& i = record.instrument;
  // The fingerprint is left out: an opaque keyed hash whose digits may contain anything.
  std::vector<std::string> out = {i.id,
                                  i.application_id,
                                  i.identity_id,
                                  i.holder_name,
                                  i.currency,
                                  i.disabled_code,
                                  i.disabled_message,
                                  record.consume_token_id,
                                  record.audit.resource_id,
                                  record.audit.outcome,
                                  record.audit.detail};
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
  if (record.idempotency) {
    out.push_back(record.idempotency->key);
    out.push_back(record.idempotency->request_hash);
  }
  return out;
}

class TokenServiceTest : public ::testing::Test {
 protected:
  // Runs CreateToken; fails unless `done` ran exactly once.
  absl::StatusOr<Token> CreateToken(const Caller& caller, TokenPayload payload,
                                    TokenService* service = nullptr) {
    std::optional<absl::StatusOr<Token>> result;
    int calls = 0;
    (service ? *service : tokens_)
        .CreateToken(caller, std::move(payload), [&](absl::StatusOr<Token> r) {
          ++calls;
          result = std::move(r);
        });
    EXPECT_EQ(calls, 1);
    return result.value_or(absl::InternalError("done never ran"));
  }

  absl::StatusOr<Instrument> Associate(const Caller& caller, TokenAssociation association) {
    std::optional<absl::StatusOr<Instrument>> result;
    int calls = 0;
    tokens_.Associate(caller, std::move(association), [&](absl::StatusOr<Instrument> r) {
      ++calls;
      result = std::move(r);
    });
    EXPECT_EQ(calls, 1);
    return result.value_or(absl::InternalError("done never ran"));
  }

  // A card token made by APone's payment page; its id.
  std::string CardToken(NewCard card = TokenCard()) {
    absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(std::move(card)));
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? token->id : "";
  }

  static TokenAssociation ForOwner(std::string token_id, std::string identity_id = "IDowner1") {
    TokenAssociation association;
    association.token_id = std::move(token_id);
    association.identity_id = std::move(identity_id);
    return association;
  }

  // What CreateCard stores for the same card with no token involved.
  std::string InstrumentFingerprintOf(NewCard card, const std::string& application_id) {
    card.identity_id = "IDowner1";
    std::optional<absl::StatusOr<Instrument>> created;
    instruments_.CreateCard(MerchantOf(application_id), std::move(card),
                            [&](absl::StatusOr<Instrument> r) { created = std::move(r); });
    EXPECT_TRUE(created.has_value() && created->ok());
    return created.has_value() && created->ok() ? (*created)->fingerprint : "";
  }

  std::string InstrumentFingerprintOf(NewBankAccount account) {
    account.identity_id = "IDowner1";
    std::optional<absl::StatusOr<Instrument>> created;
    instruments_.CreateBankAccount(MerchantOf("APone"), std::move(account),
                                   [&](absl::StatusOr<Instrument> r) { created = std::move(r); });
    EXPECT_TRUE(created.has_value() && created->ok());
    return created.has_value() && created->ok() ? (*created)->fingerprint : "";
  }

  // The seals InstrumentService made (field other than the token payload's).
  std::vector<RecordedSeal> InstrumentSeals() const {
    std::vector<RecordedSeal> out;
    for (const RecordedSeal& s : sealer_.calls()) {
      if (s.field != "token.payload") out.push_back(s);
    }
    return out;
  }

  absl::Time now_ = FixedNow();
  FakeTokenRepository token_repository_;
  FakeRepository repository_{token_repository_};
  FakeSealer sealer_;
  FakeOpener opener_;
  RecordingAuditLog audit_;
  FakeFingerprinter fingerprinter_;
  FakeIdGenerator ids_;
  BinTable bins_ = *BinTable::Parse(
      "bin,brand,card_type,issuer_name,issuer_country\n411111,,CREDIT,Test Bank,USA\n");
  RecordingVerifier verifier_;
  InstrumentService instruments_{{repository_, sealer_, opener_, audit_, fingerprinter_, ids_,
                                  bins_, verifier_, [this] { return now_; }}};
  TokenService tokens_{{token_repository_, sealer_, opener_, audit_, fingerprinter_, ids_, bins_,
                        instruments_, [this] { return now_; }}};
};

// ---------------------------------------------------------------------------------------------
// CreateToken

TEST_F(TokenServiceTest, CardTokenIsMaskedEnrichedAndExpiresAfterTheTtl) {
  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(TokenCard()));

  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->id, "TK0001");
  EXPECT_EQ(token->application_id, "APone");
  EXPECT_EQ(token->type, InstrumentType::kPaymentCard);
  ASSERT_TRUE(token->card.has_value());
  MaskedCard expected{"411111", "1111", CardBrand::kVisa, 12, 2030};
  expected.card_type = CardType::kCredit;  // from the BIN table
  expected.issuer_name = "Test Bank";
  expected.issuer_country = "USA";
  // Not verified yet: verification happens when the token becomes an instrument.
  expected.security_code_check = SecurityCodeCheck::kUnknown;
  expected.address_check = AddressCheck::kUnknown;
  EXPECT_EQ(*token->card, expected);
  EXPECT_FALSE(token->bank_account.has_value());
  EXPECT_EQ(token->create_time, FixedNow());
  EXPECT_EQ(token->expire_time, FixedNow() + absl::Minutes(30));
  EXPECT_THAT(audit_.events, IsEmpty());
}

TEST_F(TokenServiceTest, CardFlagsAreMasked) {
  NewCard card = TokenCard();
  card.account_updater_enabled = true;
  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(std::move(card)));

  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_TRUE(token->card->account_updater_enabled);
  EXPECT_FALSE(token->card->network_token_enabled);
}

TEST_F(TokenServiceTest, ExpiryFollowsTheInjectedClockAndTtl) {
  TokenService short_lived{{token_repository_, sealer_, opener_, audit_, fingerprinter_, ids_,
                            bins_, instruments_, [this] { return now_; }, absl::Seconds(90)}};
  now_ = FixedNow() + absl::Hours(5) + absl::Milliseconds(7);

  absl::StatusOr<Token> token =
      CreateToken(PublishableOf("APone"), CardPayload(TokenCard()), &short_lived);

  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->create_time, now_);
  EXPECT_EQ(token->expire_time, now_ + absl::Seconds(90));
  EXPECT_EQ(token_repository_.records().at(token->id).token.expire_time, now_ + absl::Seconds(90));
}

TEST_F(TokenServiceTest, CardTokenFingerprintIsTheInstrumentsFingerprint) {
  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(TokenCard()));
  ASSERT_TRUE(token.ok()) << token.status();

  // The same PAN with another expiry, name and code: still one card.
  NewCard same = TokenCard();
  same.expiration_year = 2031;
  same.holder_name = "J. Doe";
  same.security_code = Secret(std::string("999"));
  same.address.reset();
  EXPECT_FALSE(token->fingerprint.empty());
  EXPECT_EQ(token->fingerprint, InstrumentFingerprintOf(std::move(same), "APone"));
  EXPECT_NE(token->fingerprint, InstrumentFingerprintOf(TokenCard(), "APtwo"));
  NewCard other = TokenCard();
  other.number = Secret(std::string("4242424242424242"));
  EXPECT_NE(token->fingerprint, InstrumentFingerprintOf(std::move(other), "APone"));
}

TEST_F(TokenServiceTest, WholePayloadIsSealedBoundToTheTokenAndStoredWithItsAuditEvent) {
  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(TokenCard()));
  ASSERT_TRUE(token.ok()) << token.status();

  ASSERT_THAT(sealer_.calls(), SizeIs(1));
  const RecordedSeal& seal = sealer_.calls()[0];
  EXPECT_EQ(seal.application_id, "APone");
  EXPECT_EQ(seal.resource_id, "TK0001");
  EXPECT_EQ(seal.field, "token.payload");
  EXPECT_EQ(seal.plaintext, EncodeTokenPayload(CardPayload(TokenCard())).Reveal());
  // Security code included: the association verifies with it.
  absl::StatusOr<TokenPayload> sealed = DecodeTokenPayload(seal.plaintext);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  ASSERT_TRUE(sealed->card.has_value());
  EXPECT_EQ(sealed->card->number.Reveal(), kPan);
  EXPECT_EQ(sealed->card->security_code.Reveal(), "123");
  EXPECT_EQ(sealed->card->address, kTokenAddress);

  ASSERT_THAT(token_repository_.records(), SizeIs(1));
  const TokenRecord& record = token_repository_.records().at("TK0001");
  EXPECT_EQ(record.token, *token);
  EXPECT_EQ(record.payload_ciphertext, FakeSealer::Expected(seal.plaintext, "token.payload"));
  EXPECT_EQ(record.payload_key_version, 1u);
  EXPECT_FALSE(record.used);
  EXPECT_EQ(Recorded(record.audit),
            (RecordedEvent{"APone", "PKbrowser", "token.create", "TK0001", "OK", "RQbrowser"}));
  // Only the masked view travels in clear.
  for (const std::string& s : {token->card->bin, token->card->last_four, token->fingerprint,
                               token->id, token->application_id}) {
    EXPECT_THAT(s, Not(HasSubstr(kPan)));
  }
}

TEST_F(TokenServiceTest, TokenNeedsNoIdentity) {
  NewCard card = TokenCard();
  card.identity_id = "not an id!";  // not part of a token, so not judged either

  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(std::move(card)));

  ASSERT_TRUE(token.ok()) << token.status();
}

TEST_F(TokenServiceTest, InvalidCardReportsEveryViolationUnderTokenAndIsAudited) {
  NewCard card = TokenCard();
  card.number = Secret(std::string("4111111111111112"));  // check digit
  card.expiration_month = 13;
  card.security_code = Secret(std::string("12"));
  card.holder_name = std::string(kMaxHolderNameLength + 1, 'n');
  card.address->region = "California";
  card.address->country = "US";

  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(std::move(card)));

  ASSERT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReasonOf(token.status()), "INVALID_FIELDS");
  EXPECT_THAT(
      Fields(token.status()),
      ElementsAre("token.card.number", "token.card.expiration_month", "token.card.security_code",
                  "token.holder_name", "token.address.region", "token.address.country"));
  for (const FieldViolation& v : common::FieldViolationsOf(token.status())) {
    EXPECT_THAT(v.description, Not(HasSubstr("4111111111111112")));
  }
  EXPECT_THAT(sealer_.calls(), IsEmpty());
  EXPECT_EQ(token_repository_.inserts(), 0);
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "PKbrowser", "token.create", "", "INVALID_FIELDS",
                                        "RQbrowser"}));
}

TEST_F(TokenServiceTest, CardExpiryIsJudgedByTheInjectedClock) {
  auto june_2025 = [] {
    NewCard card = TokenCard();
    card.expiration_month = 6;
    card.expiration_year = 2025;
    return card;
  };
  ASSERT_TRUE(CreateToken(PublishableOf("APone"), CardPayload(june_2025())).ok());
  now_ = absl::FromCivil(absl::CivilSecond(2025, 7, 1, 0, 0, 0), absl::UTCTimeZone());

  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(june_2025()));

  ASSERT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(token.status()), ElementsAre("token.card.expiration_year"));
}

TEST_F(TokenServiceTest, UsBankTokenIsMaskedFingerprintedAndSealed) {
  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), BankPayload(TokenUsAccount()));

  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->id, "TK0001");
  EXPECT_EQ(token->type, InstrumentType::kBankAccount);
  EXPECT_FALSE(token->card.has_value());
  ASSERT_TRUE(token->bank_account.has_value());
  MaskedBankAccount expected;
  expected.masked_account_number = "XXXXX6789";
  expected.last_four = "6789";
  expected.routing_number = "021000021";
  expected.account_type = BankAccountType::kChecking;
  expected.country = "USA";
  expected.validation_check = BankValidationCheck::kNotAttempted;
  EXPECT_EQ(*token->bank_account, expected);
  EXPECT_EQ(token->fingerprint, InstrumentFingerprintOf(TokenUsAccount()));
  EXPECT_EQ(token->expire_time, FixedNow() + kDefaultTokenTtl);

  ASSERT_THAT(sealer_.calls(), Not(IsEmpty()));
  EXPECT_EQ(sealer_.calls()[0].field, "token.payload");
  EXPECT_EQ(sealer_.calls()[0].plaintext,
            EncodeTokenPayload(BankPayload(TokenUsAccount())).Reveal());
  EXPECT_EQ(Recorded(token_repository_.records().at("TK0001").audit).action, "token.create");
}

TEST_F(TokenServiceTest, CanadianBankTokenFingerprintIsTheInstrumentsFingerprint) {
  absl::StatusOr<Token> token =
      CreateToken(PublishableOf("APone"), BankPayload(TokenCanadianAccount()));

  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->bank_account->institution_number, "001");
  EXPECT_EQ(token->bank_account->transit_number, "12345");
  EXPECT_EQ(token->fingerprint, InstrumentFingerprintOf(TokenCanadianAccount()));
  EXPECT_NE(token->fingerprint, InstrumentFingerprintOf(TokenUsAccount()));
}

TEST_F(TokenServiceTest, InvalidBankAccountReportsEveryViolationUnderToken) {
  NewBankAccount account = TokenUsAccount();
  account.account_number = Secret(std::string("12ab"));
  account.routing_number = "123456789";
  account.account_type.reset();

  absl::StatusOr<Token> token =
      CreateToken(PublishableOf("APone"), BankPayload(std::move(account)));

  ASSERT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(token.status()), UnorderedElementsAre("token.bank_account.account_type",
                                                           "token.bank_account.account_number",
                                                           "token.bank_account.routing_number"));
  EXPECT_THAT(sealer_.calls(), IsEmpty());
  EXPECT_EQ(token_repository_.inserts(), 0);
  ASSERT_THAT(audit_.events, SizeIs(1));
  EXPECT_EQ(audit_.events[0].outcome, "INVALID_FIELDS");
}

TEST_F(TokenServiceTest, NeitherCardNorBankAccountIsInvalid) {
  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), TokenPayload{});

  ASSERT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ErrorReasonOf(token.status()), "INVALID_FIELDS");
  EXPECT_THAT(Fields(token.status()), ElementsAre("token.type"));
  EXPECT_THAT(sealer_.calls(), IsEmpty());
  EXPECT_EQ(token_repository_.inserts(), 0);
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "PKbrowser", "token.create", "", "INVALID_FIELDS",
                                        "RQbrowser"}));
}

TEST_F(TokenServiceTest, SealFailurePropagatesStoresNothingAndIsAudited) {
  sealer_.FailWith(
      common::MakeError(absl::StatusCode::kUnavailable, "KEY_UNAVAILABLE", "no data key"));

  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(TokenCard()));

  EXPECT_EQ(token.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(common::ErrorReasonOf(token.status()), "KEY_UNAVAILABLE");
  EXPECT_EQ(token_repository_.inserts(), 0);
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "PKbrowser", "token.create", "", "KEY_UNAVAILABLE",
                                        "RQbrowser"}));
}

TEST_F(TokenServiceTest, StorageFailurePropagatesAndIsAuditedWithItsCode) {
  token_repository_.FailInsertsWith(absl::UnavailableError("database is down"));

  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(TokenCard()));

  EXPECT_EQ(token.status(), absl::UnavailableError("database is down"));
  EXPECT_EQ(token_repository_.inserts(), 1);
  EXPECT_THAT(token_repository_.records(), IsEmpty());
  EXPECT_THAT(sealer_.forgotten(), IsEmpty());
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "PKbrowser", "token.create", "", "UNAVAILABLE",
                                        "RQbrowser"}));
}

TEST_F(TokenServiceTest, RotatedKeyIsForgottenAndThePayloadSealedOnceMore) {
  token_repository_.SetActiveKeyVersion(2);

  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(TokenCard()));

  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(sealer_.forgotten(), std::vector<std::string>{"APone"});
  ASSERT_THAT(sealer_.calls(), SizeIs(2));
  std::string plaintext(EncodeTokenPayload(CardPayload(TokenCard())).Reveal());
  for (const RecordedSeal& seal : sealer_.calls()) {
    EXPECT_EQ(seal.plaintext, plaintext);
    EXPECT_EQ(seal.resource_id, token->id);
    EXPECT_EQ(seal.field, "token.payload");
  }
  EXPECT_EQ(token_repository_.inserts(), 2);
  const TokenRecord& record = token_repository_.records().at(token->id);
  EXPECT_EQ(record.payload_key_version, 2u);
  EXPECT_EQ(record.payload_ciphertext, FakeSealer::Expected(plaintext, "token.payload"));
  EXPECT_EQ(record.token, *token);
  EXPECT_THAT(audit_.events, IsEmpty());
}

TEST_F(TokenServiceTest, SecondRotationInARowFailsAndIsAudited) {
  token_repository_.SetActiveKeyVersion(5);

  absl::StatusOr<Token> token = CreateToken(PublishableOf("APone"), CardPayload(TokenCard()));

  EXPECT_EQ(token.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(common::ErrorReasonOf(token.status()), "DATA_KEY_ROTATED");
  EXPECT_THAT(sealer_.calls(), SizeIs(2));
  EXPECT_EQ(token_repository_.inserts(), 2);
  EXPECT_THAT(token_repository_.records(), IsEmpty());
  ASSERT_THAT(audit_.events, SizeIs(1));
  EXPECT_EQ(audit_.events[0].outcome, "DATA_KEY_ROTATED");
}

// ---------------------------------------------------------------------------------------------
// Associate

TEST_F(TokenServiceTest, AssociationCreatesAnInstrumentThatConsumesTheToken) {
  std::string token_id = CardToken();
  Token token_view = token_repository_.records().at(token_id).token;
  TokenAssociation association = ForOwner(token_id);
  association.tags = {{"order", "42"}};

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), std::move(association));

  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_THAT(repository_.records(), SizeIs(1));
  const InstrumentRecord& record = repository_.records().at(created->id);
  EXPECT_EQ(record.instrument, *created);
  EXPECT_EQ(record.consume_token_id, token_id);
  EXPECT_FALSE(record.idempotency.has_value());
  EXPECT_TRUE(created->created_from_token);
  EXPECT_EQ(created->application_id, "APone");
  EXPECT_EQ(created->identity_id, "IDowner1");
  EXPECT_EQ(created->type, InstrumentType::kPaymentCard);
  EXPECT_EQ(created->holder_name, "Jane Doe");
  EXPECT_EQ(created->address, kTokenAddress);
  EXPECT_EQ(created->tags, (std::map<std::string, std::string>{{"order", "42"}}));
  EXPECT_EQ(created->fingerprint, token_view.fingerprint);
  EXPECT_EQ(created->create_time, FixedNow());
  ASSERT_TRUE(created->card.has_value());
  MaskedCard expected = *token_view.card;
  expected.security_code_check = SecurityCodeCheck::kMatched;  // sandbox: "123"
  expected.address_check = AddressCheck::kPostalCodeAndStreetMatch;
  EXPECT_EQ(*created->card, expected);
  EXPECT_EQ(Recorded(record.audit), (RecordedEvent{"APone", "USmerchant", "instrument.create",
                                                   created->id, "OK", "RQmerchant"}));

  // The payload was opened bound to the token.
  ASSERT_THAT(opener_.calls(), SizeIs(1));
  EXPECT_EQ(opener_.calls()[0].application_id, "APone");
  EXPECT_EQ(opener_.calls()[0].resource_id, token_id);
  EXPECT_EQ(opener_.calls()[0].field, "token.payload");
  // The verifier saw the token's security code.
  EXPECT_EQ(verifier_.codes_seen, std::vector<std::string>{"123"});
  // The token is consumed with the instrument.
  EXPECT_TRUE(token_repository_.records().at(token_id).used);
  EXPECT_THAT(audit_.events, IsEmpty());
}

TEST_F(TokenServiceTest, AssociatedCardKeepsThePanSealedAndTheSecurityCodeNowhere) {
  NewCard card = TokenCard();
  card.security_code = Secret(std::string("987"));
  std::string token_id = CardToken(std::move(card));

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id));

  ASSERT_TRUE(created.ok()) << created.status();
  const InstrumentRecord& record = repository_.records().at(created->id);
  EXPECT_EQ(record.secret_ciphertext, FakeSealer::Expected(kPan, "card.number"));
  ASSERT_THAT(InstrumentSeals(), SizeIs(1));
  EXPECT_EQ(InstrumentSeals()[0].plaintext, kPan);  // the PAN alone: never the code
  EXPECT_EQ(InstrumentSeals()[0].resource_id, created->id);
  EXPECT_EQ(InstrumentSeals()[0].field, "card.number");
  for (const std::string& s : ClearStrings(record)) {
    EXPECT_THAT(s, Not(HasSubstr(kPan)));
    EXPECT_THAT(s, Not(HasSubstr("987")));
  }
  EXPECT_THAT(created->fingerprint, Not(HasSubstr(kPan)));
  EXPECT_THAT(record.secret_ciphertext, Not(HasSubstr("789")));
  EXPECT_EQ(verifier_.codes_seen, std::vector<std::string>{"987"});
}

TEST_F(TokenServiceTest, SecurityCodeCheckComesFromTheTokensCode) {
  struct Case {
    std::string code;
    SecurityCodeCheck check;
  };
  for (const Case& c :
       {Case{"200", SecurityCodeCheck::kUnmatched}, Case{"300", SecurityCodeCheck::kUnknown},
        Case{"456", SecurityCodeCheck::kMatched}, Case{"", SecurityCodeCheck::kUnknown}}) {
    NewCard card = TokenCard();
    card.security_code = Secret(std::string(c.code));
    std::string token_id = CardToken(std::move(card));

    absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id));

    ASSERT_TRUE(created.ok()) << c.code << ": " << created.status();
    EXPECT_EQ(created->card->security_code_check, c.check) << "code '" << c.code << "'";
    EXPECT_EQ(repository_.records().at(created->id).instrument.card->security_code_check, c.check);
  }
}

TEST_F(TokenServiceTest, AssociationRecordsTheCallersIdempotencyKey) {
  std::string token_id = CardToken();
  Caller caller = MerchantOf("APone");
  caller.idempotency_key = "order-42-attempt-1";
  caller.request_hash = std::string(32, '\x5a');
  now_ += absl::Minutes(10);

  absl::StatusOr<Instrument> created = Associate(caller, ForOwner(token_id));

  ASSERT_TRUE(created.ok()) << created.status();
  const InstrumentRecord& record = repository_.records().at(created->id);
  ASSERT_TRUE(record.idempotency.has_value());
  EXPECT_EQ(record.idempotency->key, "order-42-attempt-1");
  EXPECT_EQ(record.idempotency->operation, "instrument.create");
  EXPECT_EQ(record.idempotency->request_hash, std::string(32, '\x5a'));
  EXPECT_EQ(record.idempotency->expire_time, now_ + absl::Hours(24));
  EXPECT_EQ(created->create_time, now_);
}

TEST_F(TokenServiceTest, BankTokenAssociationCreatesABankAccountInstrument) {
  absl::StatusOr<Token> token =
      CreateToken(PublishableOf("APone"), BankPayload(TokenCanadianAccount()));
  ASSERT_TRUE(token.ok()) << token.status();
  TokenAssociation association = ForOwner(token->id, "IDowner2");
  association.tags = {{"k", "v"}};

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), std::move(association));

  ASSERT_TRUE(created.ok()) << created.status();
  const InstrumentRecord& record = repository_.records().at(created->id);
  EXPECT_EQ(record.consume_token_id, token->id);
  EXPECT_TRUE(created->created_from_token);
  EXPECT_EQ(created->type, InstrumentType::kBankAccount);
  EXPECT_EQ(created->identity_id, "IDowner2");
  EXPECT_EQ(created->holder_name, "Jean Tremblay");
  EXPECT_EQ(created->tags, (std::map<std::string, std::string>{{"k", "v"}}));
  EXPECT_EQ(created->currency, "CAD");
  EXPECT_EQ(created->fingerprint, token->fingerprint);
  ASSERT_TRUE(created->bank_account.has_value());
  MaskedBankAccount expected = *token->bank_account;
  expected.validation_check = BankValidationCheck::kNotAttempted;  // sandbox: CAN
  EXPECT_EQ(*created->bank_account, expected);
  EXPECT_EQ(record.secret_ciphertext,
            FakeSealer::Expected("000123456789", "bank_account.account_number"));
  for (const std::string& s : ClearStrings(record)) {
    EXPECT_THAT(s, Not(HasSubstr("000123456789")));
  }
  EXPECT_TRUE(token_repository_.records().at(token->id).used);
}

TEST_F(TokenServiceTest, TokenPastItsExpiryIsExpired) {
  std::string token_id = CardToken();
  now_ = FixedNow() + kDefaultTokenTtl + absl::Seconds(1);

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id));

  ASSERT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(created.status()), "TOKEN_EXPIRED");
  EXPECT_THAT(opener_.calls(), IsEmpty());
  EXPECT_EQ(repository_.inserts(), 0);
  EXPECT_FALSE(token_repository_.records().at(token_id).used);
  // The refusal is audited once, as a failed use of this token.
  ASSERT_THAT(audit_.events, SizeIs(1));
  EXPECT_EQ(audit_.events[0].action, "token.use");
  EXPECT_EQ(audit_.events[0].resource_id, token_id);
  EXPECT_EQ(audit_.events[0].outcome, "TOKEN_EXPIRED");
}

TEST_F(TokenServiceTest, TokenExactlyAtItsExpiryIsExpiredAndJustBeforeIsNot) {
  std::string token_id = CardToken();
  now_ = FixedNow() + kDefaultTokenTtl;

  absl::StatusOr<Instrument> at_expiry = Associate(MerchantOf("APone"), ForOwner(token_id));

  EXPECT_EQ(common::ErrorReasonOf(at_expiry.status()), "TOKEN_EXPIRED");
  now_ = FixedNow() + kDefaultTokenTtl - absl::Nanoseconds(1);
  absl::StatusOr<Instrument> just_before = Associate(MerchantOf("APone"), ForOwner(token_id));
  EXPECT_TRUE(just_before.ok()) << just_before.status();
}

TEST_F(TokenServiceTest, UsedTokenCannotBeAssociatedAgain) {
  std::string token_id = CardToken();
  ASSERT_TRUE(Associate(MerchantOf("APone"), ForOwner(token_id)).ok());

  absl::StatusOr<Instrument> again = Associate(MerchantOf("APone"), ForOwner(token_id, "IDother"));

  ASSERT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(again.status()), "TOKEN_ALREADY_USED");
  EXPECT_THAT(repository_.records(), SizeIs(1));
  EXPECT_THAT(opener_.calls(), SizeIs(1));
  ASSERT_FALSE(audit_.events.empty());
  EXPECT_EQ(audit_.events.back().action, "token.use");
  EXPECT_EQ(audit_.events.back().outcome, "TOKEN_ALREADY_USED");
}

// Used is reported as used even while the payload is still there and the token unexpired.
TEST_F(TokenServiceTest, TokenMarkedUsedIsAlreadyUsedWhateverItsPayload) {
  std::string token_id = CardToken();
  token_repository_.records().at(token_id).used = true;

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id));

  EXPECT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(created.status()), "TOKEN_ALREADY_USED");
  EXPECT_THAT(opener_.calls(), IsEmpty());
  EXPECT_EQ(repository_.inserts(), 0);
}

// The sweeper deleted the payload of an unused token: it expired, whatever the clock says.
TEST_F(TokenServiceTest, SweptTokenIsExpired) {
  std::string token_id = CardToken();
  token_repository_.records().at(token_id).payload_ciphertext.clear();

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id));

  ASSERT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(created.status()), "TOKEN_EXPIRED");
  EXPECT_THAT(opener_.calls(), IsEmpty());
  EXPECT_EQ(repository_.inserts(), 0);
}

TEST_F(TokenServiceTest, UnknownTokenIsNotFoundAsTheRepositorySaysIt) {
  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner("TKmissing"));

  EXPECT_EQ(created.status(), common::MakeError(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                                                "token not found"));
  EXPECT_THAT(opener_.calls(), IsEmpty());
  EXPECT_EQ(repository_.inserts(), 0);
}

TEST_F(TokenServiceTest, AnotherApplicationsTokenIsNotFound) {
  std::string token_id = CardToken();

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APtwo"), ForOwner(token_id));

  EXPECT_EQ(created.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(token_repository_.records().at(token_id).used);
  EXPECT_EQ(repository_.inserts(), 0);
}

TEST_F(TokenServiceTest, CustomerWithoutAnIdentityAssociatesWithItsOwn) {
  std::string token_id = CardToken();

  absl::StatusOr<Instrument> created =
      Associate(CustomerOf("APone", "IDcustomer"), ForOwner(token_id, ""));

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->identity_id, "IDcustomer");
  EXPECT_EQ(repository_.records().at(created->id).instrument.identity_id, "IDcustomer");
}

TEST_F(TokenServiceTest, CustomerNamingItsOwnIdentityAssociates) {
  std::string token_id = CardToken();

  absl::StatusOr<Instrument> created =
      Associate(CustomerOf("APone", "IDcustomer"), ForOwner(token_id, "IDcustomer"));

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->identity_id, "IDcustomer");
}

TEST_F(TokenServiceTest, CustomerCannotAssociateWithAnotherIdentity) {
  std::string token_id = CardToken();

  absl::StatusOr<Instrument> created =
      Associate(CustomerOf("APone", "IDcustomer"), ForOwner(token_id, "IDsomeoneelse"));

  ASSERT_EQ(created.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(common::ErrorReasonOf(created.status()), "PERMISSION_DENIED_FOR_ROLE");
  // Refused before the token is even looked up.
  EXPECT_EQ(token_repository_.finds(), 0);
  EXPECT_THAT(opener_.calls(), IsEmpty());
  EXPECT_FALSE(token_repository_.records().at(token_id).used);
}

TEST_F(TokenServiceTest, MerchantAssociatesWithTheIdentityItNames) {
  std::string token_id = CardToken();

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id, "IDx"));

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->identity_id, "IDx");
}

// A merchant must name an owner: nothing fills it in, and the token is left unused.
TEST_F(TokenServiceTest, MerchantWithoutAnIdentityIsInvalidAndTheTokenStaysUnused) {
  std::string token_id = CardToken();

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id, ""));

  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(created.status()), ElementsAre("payment_instrument.identity"));
  EXPECT_FALSE(token_repository_.records().at(token_id).used);
  EXPECT_EQ(repository_.inserts(), 0);
  EXPECT_THAT(Recorded(audit_.events),
              ElementsAre(RecordedEvent{"APone", "USmerchant", "instrument.create", "",
                                        "INVALID_FIELDS", "RQmerchant"}));
}

TEST_F(TokenServiceTest, TokensHolderAndAddressAreKeptWhenTheAssociationGivesNone) {
  std::string token_id = CardToken();

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id));

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->holder_name, "Jane Doe");
  EXPECT_EQ(created->address, kTokenAddress);
}

TEST_F(TokenServiceTest, AssociationsHolderAndAddressOverrideTheTokens) {
  std::string token_id = CardToken();
  TokenAssociation association = ForOwner(token_id);
  association.holder_name = "Janet Doe";
  association.address = Address{"9 Elm St", "", "Shelbyville", "OR", "99999", "USA"};

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), std::move(association));

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->holder_name, "Janet Doe");
  EXPECT_EQ(created->address, (Address{"9 Elm St", "", "Shelbyville", "OR", "99999", "USA"}));
  // Verification judged the address the instrument carries (sandbox: 99999 -> NO_MATCH).
  EXPECT_EQ(created->card->address_check, AddressCheck::kNoMatch);
  EXPECT_EQ(repository_.records().at(created->id).instrument.holder_name, "Janet Doe");
}

TEST_F(TokenServiceTest, HolderAndAddressOverrideEachOnTheirOwn) {
  TokenAssociation holder_only = ForOwner(CardToken());
  holder_only.holder_name = "Janet Doe";
  absl::StatusOr<Instrument> renamed = Associate(MerchantOf("APone"), std::move(holder_only));
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->holder_name, "Janet Doe");
  EXPECT_EQ(renamed->address, kTokenAddress);

  TokenAssociation address_only = ForOwner(CardToken());
  address_only.address = Address{"", "", "", "", "11111", "USA"};
  absl::StatusOr<Instrument> moved = Associate(MerchantOf("APone"), std::move(address_only));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->holder_name, "Jane Doe");
  EXPECT_EQ(moved->address, (Address{"", "", "", "", "11111", "USA"}));
}

TEST_F(TokenServiceTest, TokenWithoutAnAddressGetsTheAssociationsOrNone) {
  NewCard card = TokenCard();
  card.address.reset();
  std::string bare = CardToken(std::move(card));
  absl::StatusOr<Instrument> without = Associate(MerchantOf("APone"), ForOwner(bare));
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_FALSE(without->address.has_value());
  EXPECT_EQ(without->card->address_check, AddressCheck::kNoAddress);

  NewCard card2 = TokenCard();
  card2.address.reset();
  TokenAssociation association = ForOwner(CardToken(std::move(card2)));
  association.address = kTokenAddress;
  absl::StatusOr<Instrument> with = Associate(MerchantOf("APone"), std::move(association));
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ(with->address, kTokenAddress);
}

// Tags belong to the instrument, not the token: what the payment page sent is not carried.
TEST_F(TokenServiceTest, TagsComeFromTheAssociationOnly) {
  NewCard card = TokenCard();
  card.tags = {{"from", "page"}};
  std::string tagged = CardToken(std::move(card));
  TokenAssociation association = ForOwner(tagged);
  association.tags = {{"order", "42"}, {"channel", "web"}};

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), std::move(association));

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->tags,
            (std::map<std::string, std::string>{{"order", "42"}, {"channel", "web"}}));

  NewCard card2 = TokenCard();
  card2.tags = {{"from", "page"}};
  absl::StatusOr<Instrument> untagged =
      Associate(MerchantOf("APone"), ForOwner(CardToken(std::move(card2))));
  ASSERT_TRUE(untagged.ok()) << untagged.status();
  EXPECT_THAT(untagged->tags, IsEmpty());
}

TEST_F(TokenServiceTest, PayloadThatCannotBeOpenedFailsAndLeavesTheTokenUnused) {
  std::string token_id = CardToken();
  opener_.FailWith(common::MakeError(absl::StatusCode::kDataLoss, "DECRYPTION_FAILED", "bad tag"));

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id));

  EXPECT_EQ(created.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(common::ErrorReasonOf(created.status()), "DECRYPTION_FAILED");
  EXPECT_EQ(repository_.inserts(), 0);
  EXPECT_FALSE(token_repository_.records().at(token_id).used);
}

TEST_F(TokenServiceTest, PayloadThatDoesNotDecodeIsDataLoss) {
  std::string token_id = CardToken();
  token_repository_.records().at(token_id).payload_ciphertext =
      FakeSealer::Expected("not a payload", "token.payload");

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id));

  EXPECT_EQ(created.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(repository_.inserts(), 0);
}

// The repository consumes the token in the instrument's transaction; when a concurrent
// association won there, its answer is the caller's.
TEST_F(TokenServiceTest, TokenConsumedConcurrentlyIsReportedFromTheInsert) {
  std::string token_id = CardToken();
  absl::Status lost = common::MakeError(absl::StatusCode::kFailedPrecondition, "TOKEN_ALREADY_USED",
                                        "the token was already used");
  repository_.FailInsertsWith(lost);

  absl::StatusOr<Instrument> created = Associate(MerchantOf("APone"), ForOwner(token_id));

  EXPECT_EQ(created.status(), lost);
  EXPECT_EQ(repository_.inserts(), 1);
  ASSERT_THAT(audit_.events, SizeIs(1));
  EXPECT_EQ(audit_.events[0].outcome, "TOKEN_ALREADY_USED");
}

}  // namespace
}  // namespace pi::instruments::domain
