#include "services/instruments/domain/bin_table.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/instruments/domain/field_rules.h"

namespace pi::instruments::domain {
namespace {

constexpr absl::string_view kHeader = "bin,brand,card_type,issuer_name,issuer_country";

// Splits one CSV record (RFC 4180: fields may be double-quoted, "" is a quote inside quotes).
// nullopt on an unterminated quote.
std::optional<std::vector<std::string>> SplitCsvLine(absl::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted) return std::nullopt;
  return fields;
}

uint32_t PrefixValue(absl::string_view digits) {
  uint32_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint32_t>(c - '0');
  return value;
}

}  // namespace

absl::StatusOr<BinTable> BinTable::Parse(absl::string_view csv) {
  BinTable table;
  int line_number = 0;
  bool header_seen = false;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("BIN table line ", line_number, ": ", what));
    };
    if (!header_seen) {
      if (absl::StripAsciiWhitespace(line) != kHeader) {
        return error(absl::StrCat("the header must be '", kHeader, "'"));
      }
      header_seen = true;
      continue;
    }
    std::optional<std::vector<std::string>> fields = SplitCsvLine(line);
    if (!fields || fields->size() != 5) return error("expected 5 comma-separated fields");
    const std::string& bin = (*fields)[0];
    if ((bin.size() != 6 && bin.size() != 8) || !AllDigits(bin)) {
      return error("bin must be 6 or 8 digits");
    }
    BinInfo info;
    if (!(*fields)[1].empty()) {
      info.brand = CardBrandFromName((*fields)[1]);
      if (info.brand == CardBrand::kUnknown && (*fields)[1] != "UNKNOWN") {
        return error(absl::StrCat("unknown brand '", (*fields)[1], "'"));
      }
    }
    std::optional<CardType> type = CardTypeFromName((*fields)[2]);
    if (!type) return error(absl::StrCat("unknown card_type '", (*fields)[2], "'"));
    info.card_type = *type;
    info.issuer_name = (*fields)[3];
    info.issuer_country = (*fields)[4];
    if (!info.issuer_country.empty() && !IsIsoAlpha3Country(info.issuer_country)) {
      return error("issuer_country must be ISO 3166 alpha-3 or empty");
    }
    auto& index = bin.size() == 8 ? table.by_eight_ : table.by_six_;
    if (!index.emplace(PrefixValue(bin), std::move(info)).second) {
      return error(absl::StrCat("bin ", bin, " is listed twice"));
    }
  }
  if (!header_seen) return absl::InvalidArgumentError("BIN table is empty (no header)");
  return table;
}

const BinInfo* BinTable::Lookup(absl::string_view pan) const {
  if (pan.size() >= 8 && !by_eight_.empty()) {
    auto it = by_eight_.find(PrefixValue(pan.substr(0, 8)));
    if (it != by_eight_.end()) return &it->second;
  }
  if (pan.size() >= 6) {
    auto it = by_six_.find(PrefixValue(pan.substr(0, 6)));
    if (it != by_six_.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace pi::instruments::domain
