// Validation + brand detection + BIN lookup of one card, the per-create domain work of the
// validation issue (target: <= 1 us on the 2-core reference machine). Uses the shipped sandbox
// BIN table and a card that passes every rule, so no path is skipped.
//   build/bench/bench_card_validation [--benchmark_repetitions=5]
#include <fstream>
#include <sstream>

#include <benchmark/benchmark.h>

#include "absl/time/civil_time.h"
#include "services/instruments/domain/bank_account_validation.h"
#include "services/instruments/domain/bin_table.h"
#include "services/instruments/domain/card_validation.h"
#include "services/instruments/domain/verifier.h"

namespace pi::instruments::domain {
namespace {

const BinTable& SandboxBins() {
  static const BinTable table = [] {
    std::ifstream in(PI_SOURCE_DIR "/services/instruments/data/sandbox_bins.csv");
    std::stringstream csv;
    csv << in.rdbuf();
    return *BinTable::Parse(csv.str());
  }();
  return table;
}

NewCard SeedCard() {
  NewCard card;
  card.identity_id = "IDgWxBhfGYLLdkhxx2ddYf9K";
  card.number = common::Secret(std::string("5200828282828210"));
  card.security_code = common::Secret(std::string("123"));
  card.expiration_month = 12;
  card.expiration_year = 2029;
  card.holder_name = "Amy White";
  card.address = Address{"900 Metro Center Blv", "", "San Francisco", "CA", "94404", "USA"};
  card.tags = {{"card_name", "Business Card"}};
  return card;
}

const absl::Time kNow = absl::FromCivil(absl::CivilDay(2026, 11, 21), absl::UTCTimeZone());

void BM_ValidateBrandAndBinLookup(benchmark::State& state) {
  NewCard card = SeedCard();
  const BinTable& bins = SandboxBins();
  for (auto _ : state) {
    std::vector<common::FieldViolation> violations =
        ValidateNewCard(card, kNow, "payment_instrument");
    MaskedCard masked = MaskCard(card);
    const BinInfo* info = bins.Lookup(card.number.Reveal());
    benchmark::DoNotOptimize(violations);
    benchmark::DoNotOptimize(masked);
    benchmark::DoNotOptimize(info);
  }
}
BENCHMARK(BM_ValidateBrandAndBinLookup);

// The same plus the sandbox verifier: everything CreateCard does before sealing.
void BM_ValidateEnrichAndVerify(benchmark::State& state) {
  NewCard card = SeedCard();
  const BinTable& bins = SandboxBins();
  SandboxVerifier verifier;
  for (auto _ : state) {
    std::vector<common::FieldViolation> violations =
        ValidateNewCard(card, kNow, "payment_instrument");
    MaskedCard masked = MaskCard(card);
    const BinInfo* info = bins.Lookup(card.number.Reveal());
    CardVerification verification = verifier.VerifyCard(card);
    benchmark::DoNotOptimize(violations);
    benchmark::DoNotOptimize(masked);
    benchmark::DoNotOptimize(info);
    benchmark::DoNotOptimize(verification);
  }
}
BENCHMARK(BM_ValidateEnrichAndVerify);

void BM_BinLookupOnly(benchmark::State& state) {
  const BinTable& bins = SandboxBins();
  for (auto _ : state) benchmark::DoNotOptimize(bins.Lookup("5200828282828210"));
}
BENCHMARK(BM_BinLookupOnly);

void BM_BankAccountValidation(benchmark::State& state) {
  NewBankAccount account;
  account.identity_id = "IDentityExample123";
  account.account_number = common::Secret(std::string("123456789"));
  account.routing_number = "021000021";
  account.account_type = BankAccountType::kChecking;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ValidateNewBankAccount(account, "payment_instrument"));
  }
}
BENCHMARK(BM_BankAccountValidation);

}  // namespace
}  // namespace pi::instruments::domain

BENCHMARK_MAIN();
