#include "services/instruments/domain/instrument.h"

#include <utility>

namespace pi::instruments::domain {
namespace {

constexpr std::pair<InstrumentType, absl::string_view> kTypeNames[] = {
    {InstrumentType::kPaymentCard, "PAYMENT_CARD"}, {InstrumentType::kBankAccount, "BANK_ACCOUNT"},
    {InstrumentType::kApplePay, "APPLE_PAY"},       {InstrumentType::kGooglePay, "GOOGLE_PAY"},
    {InstrumentType::kToken, "TOKEN"},
};

}  // namespace

absl::string_view InstrumentTypeName(InstrumentType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "PAYMENT_CARD";
}

std::optional<InstrumentType> InstrumentTypeFromName(absl::string_view name) {
  for (const auto& [t, n] : kTypeNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

}  // namespace pi::instruments::domain
