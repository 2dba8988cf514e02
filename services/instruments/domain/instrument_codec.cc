#include "services/instruments/domain/instrument_codec.h"

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace pi::instruments::domain {
namespace {

// A field added to these structs must be added to Encode and Decode below; these sizes (x86-64,
// libstdc++) make the build fail until the codec and its round-trip test have been looked at.
static_assert(sizeof(Instrument) == 1008, "Instrument changed: update instrument_codec.cc");
static_assert(sizeof(MaskedCard) == 160, "MaskedCard changed: update instrument_codec.cc");
static_assert(sizeof(MaskedBankAccount) == 208,
              "MaskedBankAccount changed: update instrument_codec.cc");
static_assert(sizeof(Address) == 192, "Address changed: update instrument_codec.cc");
static_assert(sizeof(WalletDetails) == 64, "WalletDetails changed: update instrument_codec.cc");

// Lengths, counts, enums and small numbers as 32 bits, times as 64.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void Int(int32_t v) { Raw(&v, sizeof(v)); }
  void Bool(bool v) { out_.push_back(v ? 1 : 0); }
  void String(const std::string& s) {
    Int(static_cast<int32_t>(s.size()));
    out_.append(s);
  }
  template <typename Enum>
  void EnumValue(Enum e) {
    Int(static_cast<int32_t>(e));
  }
  void Time(absl::Time t) {
    int64_t nanos = absl::ToUnixNanos(t);
    Raw(&nanos, sizeof(nanos));
  }

 private:
  void Raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string& out_;
};

// Reads what Writer wrote; any read past the end makes ok() false (and yields zeros).
class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  int32_t Int() {
    int32_t v = 0;
    Raw(&v, sizeof(v));
    return v;
  }
  bool Bool() {
    if (in_.empty()) return Fail();
    bool v = in_[0] != 0;
    in_.remove_prefix(1);
    return v;
  }
  std::string String() {
    int32_t n = Int();
    if (n < 0 || static_cast<size_t>(n) > in_.size()) {
      Fail();
      return {};
    }
    std::string s(in_.substr(0, static_cast<size_t>(n)));
    in_.remove_prefix(static_cast<size_t>(n));
    return s;
  }
  template <typename Enum>
  Enum EnumValue() {
    return static_cast<Enum>(Int());
  }
  absl::Time Time() {
    int64_t nanos = 0;
    Raw(&nanos, sizeof(nanos));
    return absl::FromUnixNanos(nanos);
  }

 private:
  void Raw(void* p, size_t n) {
    if (in_.size() < n) {
      Fail();
      return;
    }
    std::memcpy(p, in_.data(), n);
    in_.remove_prefix(n);
  }
  bool Fail() {
    ok_ = false;
    in_ = {};
    return false;
  }
  absl::string_view in_;
  bool ok_ = true;
};

}  // namespace

std::string EncodeInstrument(const Instrument& i) {
  std::string out;
  out.reserve(320);
  Writer w(out);
  w.String(i.id);
  w.String(i.application_id);
  w.String(i.identity_id);
  w.EnumValue(i.type);
  w.Bool(i.enabled);
  w.String(i.disabled_code);
  w.String(i.disabled_message);
  w.String(i.holder_name);
  w.Int(static_cast<int32_t>(i.tags.size()));
  for (const auto& [key, value] : i.tags) {
    w.String(key);
    w.String(value);
  }
  w.Bool(i.address.has_value());
  if (const std::optional<Address>& a = i.address) {
    for (const std::string* s :
         {&a->line1, &a->line2, &a->city, &a->region, &a->postal_code, &a->country}) {
      w.String(*s);
    }
  }
  w.Bool(i.card.has_value());
  if (const std::optional<MaskedCard>& c = i.card) {
    w.String(c->bin);
    w.String(c->last_four);
    w.EnumValue(c->brand);
    w.Int(c->expiration_month);
    w.Int(c->expiration_year);
    w.EnumValue(c->card_type);
    w.String(c->issuer_country);
    w.String(c->issuer_name);
    w.EnumValue(c->security_code_check);
    w.EnumValue(c->address_check);
    w.Bool(c->account_updater_enabled);
    w.Bool(c->network_token_enabled);
  }
  w.Bool(i.bank_account.has_value());
  if (const std::optional<MaskedBankAccount>& b = i.bank_account) {
    w.String(b->masked_account_number);
    w.String(b->last_four);
    w.String(b->routing_number);
    w.String(b->institution_number);
    w.String(b->transit_number);
    w.EnumValue(b->account_type);
    w.String(b->country);
    w.EnumValue(b->validation_check);
  }
  w.Bool(i.wallet.has_value());
  if (const std::optional<WalletDetails>& wallet = i.wallet) {
    w.String(wallet->third_party);
    w.String(wallet->merchant_identity);
  }
  w.String(i.currency);
  w.String(i.fingerprint);
  w.Bool(i.created_from_token);
  w.Time(i.create_time);
  w.Time(i.update_time);
  return out;
}

std::optional<Instrument> DecodeInstrument(absl::string_view encoded) {
  Reader r(encoded);
  Instrument i;
  i.id = r.String();
  i.application_id = r.String();
  i.identity_id = r.String();
  i.type = r.EnumValue<InstrumentType>();
  i.enabled = r.Bool();
  i.disabled_code = r.String();
  i.disabled_message = r.String();
  i.holder_name = r.String();
  for (int32_t n = r.Int(); r.ok() && n > 0; --n) {
    std::string key = r.String();
    i.tags[std::move(key)] = r.String();
  }
  if (r.Bool()) {
    Address& a = i.address.emplace();
    for (std::string* s :
         {&a.line1, &a.line2, &a.city, &a.region, &a.postal_code, &a.country}) {
      *s = r.String();
    }
  }
  if (r.Bool()) {
    MaskedCard& c = i.card.emplace();
    c.bin = r.String();
    c.last_four = r.String();
    c.brand = r.EnumValue<CardBrand>();
    c.expiration_month = r.Int();
    c.expiration_year = r.Int();
    c.card_type = r.EnumValue<CardType>();
    c.issuer_country = r.String();
    c.issuer_name = r.String();
    c.security_code_check = r.EnumValue<SecurityCodeCheck>();
    c.address_check = r.EnumValue<AddressCheck>();
    c.account_updater_enabled = r.Bool();
    c.network_token_enabled = r.Bool();
  }
  if (r.Bool()) {
    MaskedBankAccount& b = i.bank_account.emplace();
    b.masked_account_number = r.String();
    b.last_four = r.String();
    b.routing_number = r.String();
    b.institution_number = r.String();
    b.transit_number = r.String();
    b.account_type = r.EnumValue<BankAccountType>();
    b.country = r.String();
    b.validation_check = r.EnumValue<BankValidationCheck>();
  }
  if (r.Bool()) {
    WalletDetails& wallet = i.wallet.emplace();
    wallet.third_party = r.String();
    wallet.merchant_identity = r.String();
  }
  i.currency = r.String();
  i.fingerprint = r.String();
  i.created_from_token = r.Bool();
  i.create_time = r.Time();
  i.update_time = r.Time();
  if (!r.ok() || !r.done()) return std::nullopt;
  return i;
}

}  // namespace pi::instruments::domain
