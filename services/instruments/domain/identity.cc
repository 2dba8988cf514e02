#include "services/instruments/domain/identity.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/error.h"
#include "services/instruments/domain/field_rules.h"

namespace pi::instruments::domain {
namespace {

bool IsExternalIdCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
         c == '.' || c == ':' || c == '@';
}

void CheckPersonName(absl::string_view name, absl::string_view field, ViolationCollector& v) {
  if (Utf8Length(name) > kMaxPersonNameLength || HasControlCharacter(name)) {
    v.Add(field, absl::StrCat("must be at most ", kMaxPersonNameLength,
                              " characters without control characters"));
  }
}

// A deliberately loose check: one '@' with text on both sides, no spaces or controls.
void CheckEmail(absl::string_view email, ViolationCollector& v) {
  if (email.empty()) return;
  size_t at = email.find('@');
  bool ok = email.size() <= kMaxEmailLength && at != absl::string_view::npos && at > 0 &&
            at + 1 < email.size() && email.find('@', at + 1) == absl::string_view::npos &&
            email.find(' ') == absl::string_view::npos && !HasControlCharacter(email);
  if (!ok) v.Add("email", "must be an email address like name@example.com");
}

// Digits with an optional leading '+' and the usual separators.
void CheckPhone(absl::string_view phone, ViolationCollector& v) {
  if (phone.empty()) return;
  int digits = 0;
  bool ok = phone.size() <= kMaxPhoneLength;
  for (size_t i = 0; ok && i < phone.size(); ++i) {
    char c = phone[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (!(c == ' ' || c == '-' || c == '(' || c == ')' || (c == '+' && i == 0))) {
      ok = false;
    }
  }
  if (!ok || digits < 4) {
    v.Add("phone", absl::StrCat("must be a phone number of at most ", kMaxPhoneLength,
                                " characters: digits, spaces, '-', '(', ')' and a leading '+'"));
  }
}

}  // namespace

absl::Status ValidateNewIdentity(const Identity& identity) {
  std::vector<common::FieldViolation> violations;
  ViolationCollector v(violations, "identity");
  if (!identity.external_id.empty()) {
    bool ok = identity.external_id.size() <= kMaxIdLength;
    for (char c : identity.external_id) ok = ok && IsExternalIdCharacter(c);
    if (!ok) {
      v.Add("external_id", absl::StrCat("must be at most ", kMaxIdLength,
                                        " letters, digits, '_', '-', '.', ':' or '@'"));
    }
  }
  CheckPersonName(identity.first_name, "first_name", v);
  CheckPersonName(identity.last_name, "last_name", v);
  CheckEmail(identity.email, v);
  CheckPhone(identity.phone, v);
  CheckTags(identity.tags, "tags", v);
  if (identity.address) {
    ViolationCollector nested = v.Nested("address");
    CheckAddress(*identity.address, nested);
  }
  if (violations.empty()) return absl::OkStatus();
  return common::InvalidFields(std::move(violations));
}

}  // namespace pi::instruments::domain
