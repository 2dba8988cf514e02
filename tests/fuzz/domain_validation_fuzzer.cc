// pi-server's domain rules (services/instruments/domain/): the validation every create and
// update runs (cards, bank accounts, wallets, identities, updates), the card-number rules
// (Luhn, brand, lengths), web origins and the BIN table's CSV.
//
// Input: text lines. The first names what to build, the rest are its fields in order (missing
// lines are empty), so a corpus entry reads like the request it came from:
//   card      identity, number, security_code, month, year, holder, tags[, address x6]
//   bank      identity, account_number, routing, institution, transit, account_type (0-3, else
//             none), country, currency, holder, tags[, address x6]
//   wallet    type (apple, google, else token), identity, token, third_party,
//             merchant_identity, holder, tags[, address x6]
//   identity  external_id, first_name, last_name, email, phone, tags[, address x6]
//   update    instrument (card, bank, else wallet), enabled (0, 1, else unchanged), holder,
//             tags, month, year, address ("null" removes it; six more lines set it); "-" means
//             unchanged for each
//   number    one string for the card-number and bank-number rules
//   origin    one origin, then a comma-separated list
//   bins      the rest of the input is a BIN table CSV
// Tags are "key=value;key=value". An address is present when its six lines are.
//
// Beyond not crashing: violations never quote a card or account number, a card that passes
// is masked to its own BIN and last four, Luhn agrees with a reference implementation, a
// refused update leaves the instrument unchanged, and canonical origins are fixed points that
// contain no header-breaking characters.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/error.h"
#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/bin_table.h"
#include "services/instruments/domain/card_number.h"
#include "services/instruments/domain/card_validation.h"
#include "services/instruments/domain/field_rules.h"
#include "services/instruments/domain/identity.h"
#include "services/instruments/domain/instrument_update.h"
#include "services/instruments/domain/wallet_validation.h"
#include "services/instruments/domain/web_origin.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace domain = pi::instruments::domain;
using pi::common::FieldViolation;
using pi::common::Secret;

// A fixed "now", so an input means the same thing on every run.
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 1, 15, 12, 0, 0), absl::UTCTimeZone());
constexpr char kPrefix[] = "payment_instrument";

// "key=value;key=value".
std::map<std::string, std::string> ParseTags(absl::string_view line) {
  std::map<std::string, std::string> tags;
  for (absl::string_view pair : absl::StrSplit(line, ';', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    tags.insert(std::move(kv));
  }
  return tags;
}

class Fields {
 public:
  explicit Fields(std::vector<absl::string_view> lines) : lines_(std::move(lines)) {}
  absl::string_view Next() { return next_ < lines_.size() ? lines_[next_++] : absl::string_view(); }
  std::string NextString() { return std::string(Next()); }
  int NextInt() {
    int v = 0;
    return absl::SimpleAtoi(Next(), &v) ? v : 0;
  }
  std::map<std::string, std::string> NextTags() { return ParseTags(Next()); }
  // Six lines when there are six left, else none.
  std::optional<domain::Address> NextAddress() {
    if (next_ + 6 > lines_.size()) return std::nullopt;
    domain::Address a;
    a.line1 = NextString();
    a.line2 = NextString();
    a.city = NextString();
    a.region = NextString();
    a.postal_code = NextString();
    a.country = NextString();
    return a;
  }
  absl::string_view Rest() const {
    return next_ < lines_.size()
               ? absl::string_view(lines_[next_].data(), lines_.back().end() - lines_[next_].data())
               : absl::string_view();
  }

 private:
  std::vector<absl::string_view> lines_;
  size_t next_ = 1;  // line 0 is the kind
};

bool IsLongDigitRun(absl::string_view s) { return s.size() >= 8 && domain::AllDigits(s); }

// The violations never quote `secret` (checked only for long digit runs: short strings such
// as "12" legitimately appear in messages like "must be between 1 and 12").
void CheckNotQuoted(const std::vector<FieldViolation>& violations, absl::string_view secret) {
  for (const FieldViolation& v : violations) {
    FUZZ_CHECK(absl::StartsWith(v.field, kPrefix), "a violation outside the request's prefix");
    if (IsLongDigitRun(secret)) {
      FUZZ_CHECK(!absl::StrContains(v.description, secret), "a violation quotes the number");
    }
  }
}

bool ReferenceLuhn(absl::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool doubled = false;
  for (size_t i = digits.size(); i-- > 0;) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(digits[i]))) return false;
    int d = digits[i] - '0';
    if (doubled) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

void FuzzCard(Fields& f) {
  domain::NewCard card;
  card.identity_id = f.NextString();
  std::string number = f.NextString();
  card.number = Secret(number.data(), number.size());
  std::string code = f.NextString();
  card.security_code = Secret(code.data(), code.size());
  card.expiration_month = f.NextInt();
  card.expiration_year = f.NextInt();
  card.holder_name = f.NextString();
  card.tags = f.NextTags();
  card.address = f.NextAddress();
  std::vector<FieldViolation> violations = domain::ValidateNewCard(card, kNow, kPrefix);
  CheckNotQuoted(violations, number);
  if (violations.empty()) {
    domain::MaskedCard masked = domain::MaskCard(card);
    FUZZ_CHECK(number.size() >= 12 && domain::AllDigits(number), "a malformed number passed");
    FUZZ_CHECK(masked.bin == number.substr(0, 6), "the BIN is not the number's first six");
    FUZZ_CHECK(masked.last_four == number.substr(number.size() - 4), "wrong last four");
    FUZZ_CHECK(card.expiration_month >= 1 && card.expiration_month <= 12, "a bad month passed");
  }
}

void FuzzBank(Fields& f) {
  domain::NewBankAccount account;
  account.identity_id = f.NextString();
  std::string number = f.NextString();
  account.account_number = Secret(number.data(), number.size());
  account.routing_number = f.NextString();
  account.institution_number = f.NextString();
  account.transit_number = f.NextString();
  switch (f.NextInt()) {
    case 0:
      account.account_type = domain::BankAccountType::kChecking;
      break;
    case 1:
      account.account_type = domain::BankAccountType::kSavings;
      break;
    case 2:
      account.account_type = domain::BankAccountType::kBusinessChecking;
      break;
    case 3:
      account.account_type = domain::BankAccountType::kPersonalChecking;
      break;
    default:
      break;
  }
  account.country = f.NextString();
  account.currency = f.NextString();
  account.holder_name = f.NextString();
  account.tags = f.NextTags();
  account.address = f.NextAddress();
  std::vector<FieldViolation> violations = domain::ValidateNewBankAccount(account, kPrefix);
  CheckNotQuoted(violations, number);
  if (violations.empty()) {
    domain::MaskedBankAccount masked = domain::MaskBankAccount(account);
    if (number.size() > 8) {  // longer than "XXXX" + the last four, which may repeat a prefix
      FUZZ_CHECK(
          !absl::StrContains(masked.masked_account_number, number.substr(0, number.size() - 4)),
          "the masked account number shows more than the last four");
    }
    FUZZ_CHECK(masked.last_four == number.substr(number.size() - 4), "wrong last four");
  }
}

void FuzzWallet(Fields& f) {
  domain::NewWallet wallet;
  absl::string_view type = f.Next();
  wallet.type = type == "apple"    ? domain::InstrumentType::kApplePay
                : type == "google" ? domain::InstrumentType::kGooglePay
                                   : domain::InstrumentType::kToken;
  wallet.identity_id = f.NextString();
  std::string token = f.NextString();
  wallet.third_party_token = Secret(token.data(), token.size());
  wallet.third_party = f.NextString();
  wallet.merchant_identity = f.NextString();
  wallet.holder_name = f.NextString();
  wallet.tags = f.NextTags();
  wallet.address = f.NextAddress();
  CheckNotQuoted(domain::ValidateNewWallet(wallet, kPrefix), token);
}

void FuzzIdentity(Fields& f) {
  domain::Identity identity;
  identity.external_id = f.NextString();
  identity.first_name = f.NextString();
  identity.last_name = f.NextString();
  identity.email = f.NextString();
  identity.phone = f.NextString();
  identity.tags = f.NextTags();
  identity.address = f.NextAddress();
  (void)domain::ValidateNewIdentity(identity);
}

// A valid stored instrument of the kind named.
domain::Instrument StoredInstrument(absl::string_view kind) {
  domain::Instrument instrument;
  instrument.id = "PIfuzz";
  instrument.application_id = "APfuzz";
  instrument.identity_id = "IDfuzz";
  instrument.holder_name = "Amy White";
  instrument.create_time = instrument.update_time = kNow - absl::Hours(24);
  if (kind == "card") {
    instrument.type = domain::InstrumentType::kPaymentCard;
    instrument.card = domain::MaskedCard{.bin = "411111",
                                         .last_four = "1111",
                                         .brand = domain::CardBrand::kVisa,
                                         .expiration_month = 12,
                                         .expiration_year = 2030};
  } else if (kind == "bank") {
    instrument.type = domain::InstrumentType::kBankAccount;
    instrument.bank_account = domain::MaskedBankAccount{.masked_account_number = "XXXXX6789",
                                                        .last_four = "6789",
                                                        .routing_number = "021000021",
                                                        .country = "USA"};
  } else {
    instrument.type = domain::InstrumentType::kApplePay;
    instrument.wallet = domain::WalletDetails{.merchant_identity = "IDfuzz"};
  }
  return instrument;
}

void FuzzUpdate(Fields& f) {
  domain::Instrument instrument = StoredInstrument(f.Next());
  domain::InstrumentUpdate update;
  absl::string_view enabled = f.Next();
  if (enabled == "0" || enabled == "1") update.enabled = enabled == "1";
  if (absl::string_view holder = f.Next(); holder != "-") update.holder_name = std::string(holder);
  if (absl::string_view tags = f.Next(); tags != "-") update.tags = ParseTags(tags);
  if (absl::string_view month = f.Next(); month != "-") {
    int v = 0;
    update.expiration_month = absl::SimpleAtoi(month, &v) ? v : 0;
  }
  if (absl::string_view year = f.Next(); year != "-") {
    int v = 0;
    update.expiration_year = absl::SimpleAtoi(year, &v) ? v : 0;
  }
  if (absl::string_view address = f.Next(); address == "null") {
    update.address = std::optional<domain::Address>();
  } else if (address != "-") {
    update.address = f.NextAddress();
  }
  const domain::Instrument before = instrument;
  absl::Status applied = domain::ApplyUpdate(update, kNow, instrument);
  if (!applied.ok()) FUZZ_CHECK(instrument == before, "a refused update changed the instrument");
}

void FuzzNumber(Fields& f) {
  absl::string_view s = f.Next();
  FUZZ_CHECK(domain::PassesLuhn(s) == ReferenceLuhn(s), "Luhn disagrees with the reference");
  domain::CardBrand brand = domain::DetectBrand(s);
  FUZZ_CHECK(domain::CardBrandFromName(domain::CardBrandName(brand)) == brand,
             "a brand name does not map back to its brand");
  (void)domain::IsValidLengthForBrand(brand, s.size());
  (void)domain::SecurityCodeLength(brand);
  bool aba = domain::IsValidAbaRoutingNumber(s);
  if (aba) FUZZ_CHECK(s.size() == 9 && domain::AllDigits(s), "a malformed routing number passed");
  std::string masked = domain::MaskAccountNumber(s);
  FUZZ_CHECK(masked.size() == s.size(), "masking changed the length");
  if (s.size() > 4 && domain::AllDigits(s)) {
    FUZZ_CHECK(absl::StartsWith(masked, std::string(s.size() - 4, 'X')), "digits left unmasked");
  }
  FUZZ_CHECK(domain::Utf8Length(s) <= s.size(), "more characters than bytes");
  (void)domain::IsIsoAlpha3Country(s);
}

void CheckCanonical(const std::string& origin) {
  for (char c : origin) {
    FUZZ_CHECK(c != ';' && c != ',' && c != '"' && c != '\'' &&
                   !absl::ascii_isspace(static_cast<unsigned char>(c)) &&
                   static_cast<unsigned char>(c) >= 0x20 && c != 0x7f,
               "a canonical origin holds a character unsafe in a header");
  }
  absl::StatusOr<std::string> again = domain::CanonicalOrigin(origin);
  FUZZ_CHECK(again.ok() && *again == origin, "a canonical origin is not a fixed point");
}

void FuzzOrigin(Fields& f) {
  absl::StatusOr<std::string> canonical = domain::CanonicalOrigin(f.Next());
  if (canonical.ok()) CheckCanonical(*canonical);
  absl::StatusOr<std::vector<std::string>> list = domain::ParseOriginList(f.Rest());
  if (list.ok()) {
    for (const std::string& origin : *list) CheckCanonical(origin);
  }
}

void FuzzBins(Fields& f) {
  absl::StatusOr<domain::BinTable> table = domain::BinTable::Parse(f.Rest());
  if (!table.ok()) return;
  for (absl::string_view pan : {"4111111111111111", "41111111", "411111", "4", ""}) {
    (void)table->Lookup(pan);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<absl::string_view> lines = absl::StrSplit(input, '\n');
  Fields fields(lines);
  absl::string_view kind = lines[0];
  if (kind == "card") {
    FuzzCard(fields);
  } else if (kind == "bank") {
    FuzzBank(fields);
  } else if (kind == "wallet") {
    FuzzWallet(fields);
  } else if (kind == "identity") {
    FuzzIdentity(fields);
  } else if (kind == "update") {
    FuzzUpdate(fields);
  } else if (kind == "number") {
    FuzzNumber(fields);
  } else if (kind == "origin") {
    FuzzOrigin(fields);
  } else if (kind == "bins") {
    FuzzBins(fields);
  }
  return 0;
}
