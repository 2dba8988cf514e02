#include "services/instruments/domain/token.h"

#include <cstdint>
#include <vector>

namespace pi::instruments::domain {
namespace {

constexpr char kVersion = 1;
constexpr char kCardTag = 'C';
constexpr char kBankTag = 'B';

// Appends fields as <4-byte big-endian length><bytes>. Sizes are computed first so `out` is
// allocated once and never reallocates (a reallocation would free a clear copy unwiped).
class Writer {
 public:
  explicit Writer(const std::vector<absl::string_view>& fields, char tag) {
    size_t size = 2;
    for (absl::string_view f : fields) size += 4 + f.size();
    out_.reserve(size);
    out_.push_back(kVersion);
    out_.push_back(tag);
    for (absl::string_view f : fields) {
      uint32_t n = static_cast<uint32_t>(f.size());
      for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<char>(n >> shift));
      out_.append(f.data(), f.size());
    }
  }
  common::Secret Finish() { return common::Secret(std::move(out_)); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}
  // The next field, or nullopt when the input is malformed.
  std::optional<absl::string_view> Next() {
    if (in_.size() < 4) return std::nullopt;
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(in_[i]);
    in_.remove_prefix(4);
    if (in_.size() < n) return std::nullopt;
    absl::string_view field = in_.substr(0, n);
    in_.remove_prefix(n);
    return field;
  }
  bool done() const { return in_.empty(); }

 private:
  absl::string_view in_;
};

std::string Flag(bool b) { return b ? "1" : "0"; }

// The inverse of Flag: anything else is not a flag this encoder wrote.
std::optional<bool> ParseFlag(absl::string_view s) {
  if (s == "1") return true;
  if (s == "0") return false;
  return std::nullopt;
}

// The owner fields every payload carries: holder name and the optional address.
void AddOwner(std::vector<absl::string_view>& fields, const std::string& holder_name,
              const std::optional<Address>& address, const std::string& has_address) {
  fields.push_back(holder_name);
  fields.push_back(has_address);
  if (address) {
    for (const std::string* f : {&address->line1, &address->line2, &address->city,
                                 &address->region, &address->postal_code, &address->country}) {
      fields.push_back(*f);
    }
  }
}

bool ReadOwner(Reader& r, std::string& holder_name, std::optional<Address>& address) {
  auto name = r.Next();
  auto has_address = r.Next();
  std::optional<bool> with_address = has_address ? ParseFlag(*has_address) : std::nullopt;
  if (!name || !with_address) return false;
  holder_name = std::string(*name);
  if (*with_address) {
    Address a;
    for (std::string* f : {&a.line1, &a.line2, &a.city, &a.region, &a.postal_code, &a.country}) {
      auto v = r.Next();
      if (!v) return false;
      *f = std::string(*v);
    }
    address = std::move(a);
  }
  return true;
}

bool ToInt(absl::string_view s, int& out) {
  if (s.empty() || s.size() > 6) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

absl::Status Corrupt() { return absl::DataLossError("token payload is not readable"); }

}  // namespace

common::Secret EncodeTokenPayload(const TokenPayload& payload) {
  std::vector<absl::string_view> fields;
  if (payload.card) {
    const NewCard& c = *payload.card;
    std::string month = std::to_string(c.expiration_month);
    std::string year = std::to_string(c.expiration_year);
    std::string updater = Flag(c.account_updater_enabled), network = Flag(c.network_token_enabled);
    std::string has_address = Flag(c.address.has_value());
    fields = {c.number.Reveal(), c.security_code.Reveal(), month, year, updater, network};
    AddOwner(fields, c.holder_name, c.address, has_address);
    return Writer(fields, kCardTag).Finish();
  }
  const NewBankAccount& b = *payload.bank_account;
  std::string type = b.account_type ? std::string(BankAccountTypeName(*b.account_type)) : "";
  std::string has_address = Flag(b.address.has_value());
  fields = {b.account_number.Reveal(), b.routing_number, b.institution_number, b.transit_number,
            type, b.country, b.currency};
  AddOwner(fields, b.holder_name, b.address, has_address);
  return Writer(fields, kBankTag).Finish();
}

absl::StatusOr<TokenPayload> DecodeTokenPayload(absl::string_view encoded) {
  if (encoded.size() < 2 || encoded[0] != kVersion) return Corrupt();
  char tag = encoded[1];
  Reader r(encoded.substr(2));
  TokenPayload payload;
  if (tag == kCardTag) {
    NewCard c;
    auto number = r.Next(), code = r.Next(), month = r.Next(), year = r.Next(),
         updater = r.Next(), network = r.Next();
    std::optional<bool> updater_enabled = updater ? ParseFlag(*updater) : std::nullopt;
    std::optional<bool> network_enabled = network ? ParseFlag(*network) : std::nullopt;
    if (!number || !code || !month || !year || !updater_enabled || !network_enabled ||
        !ToInt(*month, c.expiration_month) || !ToInt(*year, c.expiration_year)) {
      return Corrupt();
    }
    c.number = common::Secret(number->data(), number->size());
    c.security_code = common::Secret(code->data(), code->size());
    c.account_updater_enabled = *updater_enabled;
    c.network_token_enabled = *network_enabled;
    if (!ReadOwner(r, c.holder_name, c.address) || !r.done()) return Corrupt();
    payload.card = std::move(c);
    return payload;
  }
  if (tag == kBankTag) {
    NewBankAccount b;
    auto number = r.Next(), routing = r.Next(), institution = r.Next(), transit = r.Next(),
         type = r.Next(), country = r.Next(), currency = r.Next();
    if (!number || !routing || !institution || !transit || !type || !country || !currency) {
      return Corrupt();
    }
    b.account_number = common::Secret(number->data(), number->size());
    b.routing_number = std::string(*routing);
    b.institution_number = std::string(*institution);
    b.transit_number = std::string(*transit);
    if (!type->empty()) {
      b.account_type = BankAccountTypeFromName(*type);
      if (!b.account_type) return Corrupt();
    }
    b.country = std::string(*country);
    b.currency = std::string(*currency);
    if (!ReadOwner(r, b.holder_name, b.address) || !r.done()) return Corrupt();
    payload.bank_account = std::move(b);
    return payload;
  }
  return Corrupt();
}

}  // namespace pi::instruments::domain
