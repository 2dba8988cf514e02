#include "tests/reliability/durability_audit.h"

#include <atomic>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/reliability/card_requests.h"

namespace pi::reliability {
namespace {

constexpr int kThreads = 4;
constexpr size_t kMaxExamples = 10;

void Note(AuditResult& result, std::string problem) {
  if (result.examples.size() < kMaxExamples) result.examples.push_back(std::move(problem));
}

// Per acknowledged record: readable with its id and card, and a replay answers the same id.
struct ApiCheck {
  bool readable = false;
  bool replay_same = false;
  std::string detail;         // why not readable
  std::string replay_detail;  // why the replay differs
};

ApiCheck CheckThroughApi(v1::PaymentInstrumentService::Stub& stub, const KeyRecord& r,
                         const std::string& authorization) {
  ApiCheck check;
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", authorization);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetPaymentInstrumentRequest request;
    request.set_name(absl::StrCat("paymentInstruments/", r.acknowledged_id));
    v1::PaymentInstrument got;
    grpc::Status status = stub.GetPaymentInstrument(&context, request, &got);
    check.readable = status.ok() && got.id() == r.acknowledged_id &&
                     got.card().last_four() == NumberedCardNumber(r.n).substr(12);
    if (!check.readable) {
      check.detail = absl::StrCat(r.key, ": get ", r.acknowledged_id, " answered ",
                                  CodeName(status.error_code()), " ", status.error_message());
    }
  }
  grpc::ClientContext context;
  context.AddMetadata("authorization", authorization);
  context.AddMetadata("idempotency-key", r.key);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::PaymentInstrument replayed;
  grpc::Status status =
      stub.CreatePaymentInstrument(&context, NumberedCardCreate(r.identity, r.n), &replayed);
  check.replay_same = status.ok() && replayed.id() == r.acknowledged_id;
  if (!check.replay_same) {
    check.replay_detail =
        absl::StrCat(r.key, ": sent again, answered ", CodeName(status.error_code()), " ",
                     replayed.id(), " instead of ", r.acknowledged_id);
  }
  return check;
}

}  // namespace

AuditResult AuditCreates(const std::vector<KeyRecord>& records, const AuditTarget& target) {
  AuditResult result;
  std::vector<const KeyRecord*> acknowledged;
  for (const KeyRecord& r : records) {
    if (!r.acknowledged_id.empty()) acknowledged.push_back(&r);
  }
  result.acknowledged = static_cast<int64_t>(acknowledged.size());

  // Through the API, a few calls at a time.
  std::vector<ApiCheck> api(acknowledged.size());
  auto stub = v1::PaymentInstrumentService::NewStub(
      grpc::CreateChannel(target.grpc_target, grpc::InsecureChannelCredentials()));
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < acknowledged.size(); i = next++) {
        api[i] = CheckThroughApi(*stub, *acknowledged[i], target.authorization);
      }
    });
  }
  for (std::thread& t : threads) t.join();

  // In the database.
  std::map<std::string, std::string> key_to_resource;
  std::map<std::string, std::string> row_fingerprint;  // instrument id -> fingerprint
  std::map<std::string, int> rows_per_fingerprint;
  try {
    pqxx::connection connection(target.database_url);
    pqxx::read_transaction txn(connection);
    for (const auto& row :
         txn.exec_params("SELECT key, resource_id FROM idempotency_keys WHERE application_id = $1",
                         target.application_id)) {
      key_to_resource[row[0].as<std::string>()] = row[1].as<std::string>();
    }
    for (const auto& row : txn.exec_params(
             "SELECT id, fingerprint FROM payment_instruments WHERE application_id = $1",
             target.application_id)) {
      row_fingerprint[row[0].as<std::string>()] = row[1].as<std::string>();
      ++rows_per_fingerprint[row[1].as<std::string>()];
    }
  } catch (const std::exception& e) {
    Note(result, absl::StrCat("database check failed: ", e.what()));
    result.lost = result.acknowledged;  // nothing could be confirmed
    return result;
  }
  result.keys = static_cast<int64_t>(key_to_resource.size());
  result.rows = static_cast<int64_t>(row_fingerprint.size());

  for (size_t i = 0; i < acknowledged.size(); ++i) {
    const KeyRecord& r = *acknowledged[i];
    auto key = key_to_resource.find(r.key);
    bool in_database = row_fingerprint.count(r.acknowledged_id) > 0 &&
                       key != key_to_resource.end() && key->second == r.acknowledged_id;
    if (api[i].readable && in_database) {
      ++result.found;
    } else {
      ++result.lost;
      Note(result, api[i].readable ? absl::StrCat(r.key, ": ", r.acknowledged_id,
                                                  " missing from the database or its key")
                                   : api[i].detail);
    }
    if (!api[i].replay_same || !r.conflicting_id.empty()) {
      ++result.duplicated;
      Note(result, !r.conflicting_id.empty()
                       ? absl::StrCat(r.key, ": acknowledged as ", r.acknowledged_id, " and ",
                                      r.conflicting_id)
                       : api[i].replay_detail);
    }
  }
  for (const auto& [fingerprint, count] : rows_per_fingerprint) {
    if (count > 1) {
      result.duplicated += count - 1;
      Note(result, absl::StrCat(count, " rows share fingerprint ", fingerprint));
    }
  }
  std::set<std::string> keyed;
  for (const auto& [key, resource] : key_to_resource) keyed.insert(resource);
  for (const auto& [id, fingerprint] : row_fingerprint) {
    if (keyed.count(id) == 0) {
      ++result.unkeyed;
      Note(result, absl::StrCat(id, " is named by no idempotency key"));
    }
  }
  return result;
}

}  // namespace pi::reliability
