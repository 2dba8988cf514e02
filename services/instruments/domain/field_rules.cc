#include "services/instruments/domain/field_rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pi::instruments::domain {
namespace {

// ISO 3166-1 alpha-3, all 249 officially assigned codes, sorted for binary search.
constexpr absl::string_view kAlpha3Countries[] = {
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF",
    "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS",
    "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF",
    "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV",
    "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
    "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM",
    "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD",
    "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN",
    "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ",
    "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE",
    "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX",
    "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL",
    "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
    "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP",
    "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
    "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL",
    "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY",
    "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF",
    "ZMB", "ZWE",
};

bool IsIdentifier(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool IsUpperAlpha(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isupper(static_cast<unsigned char>(c)); });
}

}  // namespace

ViolationCollector::ViolationCollector(std::vector<common::FieldViolation>& out,
                                       absl::string_view prefix)
    : out_(out), prefix_(prefix) {}

void ViolationCollector::Add(absl::string_view field, std::string description) {
  out_.push_back({prefix_.empty() ? std::string(field) : absl::StrCat(prefix_, ".", field),
                  std::move(description)});
}

ViolationCollector ViolationCollector::Nested(absl::string_view field) const {
  return ViolationCollector(out_, prefix_.empty() ? std::string(field)
                                                  : absl::StrCat(prefix_, ".", field));
}

bool AllDigits(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

size_t Utf8Length(absl::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool IsIsoAlpha3Country(absl::string_view code) {
  return std::binary_search(std::begin(kAlpha3Countries), std::end(kAlpha3Countries), code);
}

void CheckIdentityId(absl::string_view id, absl::string_view field, ViolationCollector& v) {
  if (id.empty()) {
    v.Add(field, "is required");
  } else if (id.size() > kMaxIdLength || !IsIdentifier(id)) {
    v.Add(field, absl::StrCat("must be an id of at most ", kMaxIdLength,
                              " letters, digits, '_' or '-'"));
  }
}

bool HasControlCharacter(absl::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

void CheckHolderName(absl::string_view name, absl::string_view field, ViolationCollector& v) {
  if (Utf8Length(name) > kMaxHolderNameLength) {
    v.Add(field, absl::StrCat("must be at most ", kMaxHolderNameLength, " characters"));
  } else if (HasControlCharacter(name)) {
    v.Add(field, "must not contain control characters");
  }
}

void CheckTags(const std::map<std::string, std::string>& tags, absl::string_view field,
               ViolationCollector& v) {
  if (tags.size() > kMaxTags) {
    v.Add(field, absl::StrCat("must have at most ", kMaxTags, " entries"));
    return;
  }
  for (const auto& [key, value] : tags) {
    if (key.empty() || Utf8Length(key) > kMaxTagKeyLength) {
      v.Add(field, absl::StrCat("keys must be 1 to ", kMaxTagKeyLength, " characters"));
      return;
    }
    if (Utf8Length(value) > kMaxTagValueLength) {
      v.Add(absl::StrCat(field, ".", key),
            absl::StrCat("must be at most ", kMaxTagValueLength, " characters"));
    }
  }
}

void CheckAddress(const Address& address, ViolationCollector& v) {
  if (Utf8Length(address.line1) > 35) v.Add("line1", "must be at most 35 characters");
  if (Utf8Length(address.line2) > 35) v.Add("line2", "must be at most 35 characters");
  if (Utf8Length(address.city) > 20) v.Add("city", "must be at most 20 characters");
  // US states and Canadian provinces are two-letter codes (as Finix and Ahrvo send them); other
  // countries' regions are names ("Berlin", "Île-de-France"), as SumUp and Rebilly send them.
  bool named_region = IsIsoAlpha3Country(address.country) && address.country != "USA" &&
                      address.country != "CAN";
  if (named_region) {
    if (Utf8Length(address.region) > 35) v.Add("region", "must be at most 35 characters");
  } else if (!address.region.empty() &&
             (address.region.size() != 2 || !IsUpperAlpha(address.region))) {
    v.Add("region", "must be a two-letter state or province code");
  }
  if (Utf8Length(address.postal_code) > 7) {
    v.Add("postal_code", "must be at most 7 characters");
  }
  if (!address.country.empty() && !IsIsoAlpha3Country(address.country)) {
    v.Add("country", "must be an ISO 3166 alpha-3 country code");
  }
}

void CheckOwnerFields(absl::string_view identity_id, absl::string_view holder_name,
                      const std::map<std::string, std::string>& tags,
                      const std::optional<Address>& address, ViolationCollector& v) {
  CheckIdentityId(identity_id, "identity", v);
  CheckHolderName(holder_name, "holder_name", v);
  CheckTags(tags, "tags", v);
  if (address) {
    ViolationCollector nested = v.Nested("address");
    CheckAddress(*address, nested);
  }
}

}  // namespace pi::instruments::domain
