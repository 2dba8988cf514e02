// The rotation drill, against the real PostgreSQL: 1,000 instruments created through the real
// use case and key manager; the KEK rotated and every DEK rewrapped; the application's DEK
// rotated and its rows re-encrypted while creates keep arriving; the minimum KEK raised. Then every
// instrument still decrypts, all rows sit under the new DEK, and a row under the retired key
// fails with a clear error.
#include "services/instruments/admin/key_rotation.h"

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/time/clock.h"
#include "services/common/error.h"
#include "services/instruments/crypto/fingerprinter.h"
#include "services/instruments/crypto/key_manager.h"
#include "services/instruments/crypto/key_provider.h"
#include "services/instruments/crypto/random_id_generator.h"
#include "services/instruments/domain/instrument_service.h"
#include "services/instruments/storage/pg_admin_store.h"
#include "services/instruments/storage/pg_audit_log.h"
#include "services/instruments/storage/pg_data_key_repository.h"
#include "services/instruments/storage/pg_instrument_repository.h"
#include "tests/support/test_database.h"

namespace pi::instruments::admin {
namespace {

using domain::Instrument;

constexpr int kInstruments = 1000;
const char* const kPans[] = {"4111111111111111", "5555555555554444", "378282246310005",
                             "6011111111111117", "3530111333300000", "5200828282828210"};

std::string KeyFileText() {
  auto line = [](const std::string& name, char fill) {
    return absl::StrCat(name, " ", absl::Base64Escape(std::string(32, fill)), "\n");
  };
  return line("1", 'a') + line("2", 'b') + line("fingerprint", 'f');
}

std::vector<storage::PreparedStatement> Statements() {
  std::vector<storage::PreparedStatement> s = storage::PgInstrumentRepository::Statements();
  for (auto& d : storage::PgDataKeyRepository::Statements()) s.push_back(d);
  for (auto& d : storage::PgAuditLog::Statements()) s.push_back(d);
  return s;
}

class KeyRotationDrill : public ::testing::Test {
 protected:
  KeyRotationDrill()
      : url_(pi::testing::CreateScratchDatabase("drill")),
        ring_(*crypto::KeyRing::Parse(KeyFileText())),
        provider_(ring_),
        pool_({url_, 4, 8192, Statements()}),
        instruments_(pool_),
        data_keys_(pool_),
        key_manager_(provider_, data_keys_, {}),
        fingerprinter_(ring_.fingerprint_master_key()),
        audit_(pool_),
        service_({instruments_, key_manager_, key_manager_, audit_, fingerprinter_, ids_, bins_,
                  verifier_, [] { return absl::Now(); }}) {}

  void SetUp() override {
    application_id_ = crypto::RandomIdGenerator().NewId("AP");
    pi::testing::CreateTenant(url_, application_id_, {"IDdrill"});
    auto admin = storage::PgKeyAdmin::Connect(url_);
    ASSERT_TRUE(admin.ok());
    admin_ = *std::move(admin);
  }

  void TearDown() override { pool_.Stop(); }

  // Creates a card with `pan` and records id -> pan; returns the status.
  absl::Status CreateCard(const std::string& pan) {
    domain::NewCard card;
    card.identity_id = "IDdrill";
    card.number = common::Secret(std::string(pan));
    card.expiration_month = 12;
    card.expiration_year = 2040;
    std::promise<absl::StatusOr<Instrument>> done;
    service_.CreateCard({application_id_, "USdrill", domain::Role::kMerchant}, std::move(card),
                        [&](absl::StatusOr<Instrument> r) { done.set_value(std::move(r)); });
    absl::StatusOr<Instrument> created = done.get_future().get();
    if (!created.ok()) return created.status();
    std::lock_guard<std::mutex> lock(mu_);
    pans_[created->id] = pan;
    return absl::OkStatus();
  }

  struct Row {
    std::string id;
    std::string ciphertext;
    uint32_t version;
  };
  std::vector<Row> Rows() {
    pqxx::connection c(url_);
    pqxx::read_transaction txn(c);
    std::vector<Row> rows;
    for (const pqxx::row& r : txn.exec_params(
             "SELECT id, secret_ciphertext, secret_key_version FROM payment_instruments "
             "WHERE application_id = $1",
             application_id_)) {
      rows.push_back({r[0].as<std::string>(), pqxx::binarystring(r[1]).str(),
                      r[2].as<uint32_t>()});
    }
    return rows;
  }

  absl::StatusOr<common::Secret> Open(crypto::KeyManager& manager, const Row& row) {
    std::promise<absl::StatusOr<common::Secret>> done;
    manager.Open(row.ciphertext, {application_id_, row.id, "card.number"},
                 [&](absl::StatusOr<common::Secret> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  // Its own database: the drill changes the KEK state, which is global.
  std::string url_;
  crypto::KeyRing ring_;
  crypto::FileKeyProvider provider_;
  storage::PgWorkerPool pool_;
  storage::PgInstrumentRepository instruments_;
  storage::PgDataKeyRepository data_keys_;
  crypto::KeyManager key_manager_;
  crypto::Fingerprinter fingerprinter_;
  crypto::RandomIdGenerator ids_;
  domain::BinTable bins_;
  domain::SandboxVerifier verifier_;
  storage::PgAuditLog audit_;
  domain::InstrumentService service_;
  std::unique_ptr<storage::PgKeyAdmin> admin_;
  std::string application_id_;
  std::mutex mu_;
  std::map<std::string, std::string> pans_;
};

TEST_F(KeyRotationDrill, EverythingStillDecryptsAfterRotatingKekAndDekUnderLoad) {
  // 1,000 instruments under DEK 1 (wrapped under KEK 1), created from 4 threads.
  std::vector<std::thread> creators;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    creators.emplace_back([&, t] {
      for (int i = t; i < kInstruments; i += 4) {
        if (!CreateCard(kPans[i % 6]).ok()) ++failures;
      }
    });
  }
  for (auto& t : creators) t.join();
  ASSERT_EQ(failures.load(), 0);
  std::vector<Row> before = Rows();
  ASSERT_EQ(before.size(), static_cast<size_t>(kInstruments));
  for (const Row& row : before) ASSERT_EQ(row.version, 1u);
  const Row old_row = before.front();

  // KEK rotation: activate KEK 2, rewrap every DEK under it.
  ASSERT_TRUE(admin_->SetActiveKek(2).ok());
  absl::StatusOr<int> rewrapped = RewrapDataKeys(*admin_, provider_, nullptr);
  ASSERT_TRUE(rewrapped.ok()) << rewrapped.status();
  EXPECT_GE(*rewrapped, 1);

  // DEK rotation and re-encryption while creates keep arriving.
  std::atomic<bool> stop{false};
  std::atomic<int> created_during{0};
  std::thread load([&] {
    int i = 0;
    while (!stop.load()) {
      if (CreateCard(kPans[i++ % 6]).ok()) {
        ++created_during;
      } else {
        ++failures;
      }
    }
  });
  absl::SleepFor(absl::Milliseconds(50));
  absl::StatusOr<uint32_t> new_version = RotateDataKey(*admin_, provider_, application_id_);
  ASSERT_TRUE(new_version.ok()) << new_version.status();
  EXPECT_EQ(*new_version, 2u);
  int64_t last_done = -1;
  absl::StatusOr<ReencryptResult> result = ReencryptApplication(
      *admin_, provider_, application_id_, 100,
      [&](int64_t done, int64_t total) { last_done = done; });
  absl::SleepFor(absl::Milliseconds(50));
  stop = true;
  load.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(created_during.load(), 0);
  EXPECT_GE(result->rows, kInstruments);
  EXPECT_EQ(last_done, result->rows);
  EXPECT_EQ(result->retired_versions, std::vector<uint32_t>{1});

  // Retire KEK 1: allowed now that every DEK is wrapped under KEK 2.
  ASSERT_TRUE(admin_->SetMinKek(2).ok());

  // Every instrument decrypts through a fresh key manager (nothing cached), to its PAN.
  crypto::KeyManager fresh(provider_, data_keys_, {});
  std::vector<Row> after = Rows();
  EXPECT_EQ(after.size(), pans_.size());
  for (const Row& row : after) {
    EXPECT_EQ(row.version, 2u) << row.id;
    absl::StatusOr<common::Secret> pan = Open(fresh, row);
    ASSERT_TRUE(pan.ok()) << row.id << ": " << pan.status();
    EXPECT_EQ(pan->Reveal(), pans_[row.id]);
  }

  // A row put back under the retired DEK fails clearly.
  {
    pqxx::connection c(url_);
    pqxx::work txn(c);
    txn.exec_params(
        "UPDATE payment_instruments SET secret_ciphertext = $3, secret_key_version = 1 "
        "WHERE application_id = $1 AND id = $2",
        application_id_, old_row.id, pqxx::binarystring(old_row.ciphertext));
    txn.commit();
  }
  absl::StatusOr<common::Secret> retired = Open(fresh, old_row);
  ASSERT_FALSE(retired.ok());
  EXPECT_EQ(retired.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(common::ErrorReasonOf(retired.status()), "KEY_RETIRED");
  EXPECT_NE(retired.status().message().find("retired"), absl::string_view::npos);
}

TEST_F(KeyRotationDrill, MinimumKekCannotPassUnrewrappedKeys) {
  ASSERT_TRUE(CreateCard(kPans[0]).ok());
  ASSERT_TRUE(admin_->SetActiveKek(2).ok());
  absl::Status refused = admin_->SetMinKek(2);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(admin_->GetKekState()->min_version, 1u);
}

}  // namespace
}  // namespace pi::instruments::admin
