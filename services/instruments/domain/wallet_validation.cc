#include "services/instruments/domain/wallet_validation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/instruments/domain/field_rules.h"

namespace pi::instruments::domain {

std::vector<common::FieldViolation> ValidateNewWallet(const NewWallet& wallet,
                                                      absl::string_view prefix) {
  std::vector<common::FieldViolation> out;
  ViolationCollector v(out, prefix);
  CheckOwnerFields(wallet.identity_id, wallet.holder_name, wallet.tags, wallet.address, v);
  if (wallet.type == InstrumentType::kPaymentCard || wallet.type == InstrumentType::kBankAccount) {
    v.Add("type", "must be APPLE_PAY, GOOGLE_PAY or TOKEN");
  }
  ViolationCollector details = v.Nested("wallet");
  if (wallet.third_party_token.empty()) {
    details.Add("third_party_token", "is required");
  } else if (wallet.third_party_token.size() > kMaxWalletTokenBytes) {
    details.Add("third_party_token",
                absl::StrCat("must be at most ", kMaxWalletTokenBytes, " bytes"));
  }
  CheckIdentityId(wallet.merchant_identity, "merchant_identity", details);
  const std::string& party = wallet.third_party;
  bool party_ok = party.size() <= kMaxThirdPartyLength &&
                  std::all_of(party.begin(), party.end(), [](char c) {
                    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
                  });
  if (!party_ok) {
    details.Add("third_party", absl::StrCat("must be at most ", kMaxThirdPartyLength,
                                            " letters, digits or '_'"));
  }
  return out;
}

}  // namespace pi::instruments::domain
