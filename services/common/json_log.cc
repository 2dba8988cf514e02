#include "services/common/json_log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pi::common {
namespace {

// 0 debug, 1 info, 2 warn, 3 error; -1 unknown.
int LevelRank(absl::string_view level) {
  if (level == "debug") return 0;
  if (level == "info") return 1;
  if (level == "warn") return 2;
  if (level == "error") return 3;
  return -1;
}

std::atomic<int> min_rank{1};

}  // namespace

bool IsLogLevel(absl::string_view level) { return LevelRank(level) >= 0; }

void SetMinLogLevel(absl::string_view level) {
  int rank = LevelRank(level);
  if (rank >= 0) min_rank.store(rank, std::memory_order_relaxed);
}

void LogJson(absl::string_view level, absl::string_view msg, nlohmann::json fields) {
  // An unknown level is never dropped.
  int rank = LevelRank(level);
  if (rank >= 0 && rank < min_rank.load(std::memory_order_relaxed)) return;
  if (!fields.is_object()) fields = nlohmann::json::object();
  fields["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  fields["level"] = std::string(level);
  fields["msg"] = std::string(msg);
  // Replace, not throw, on invalid UTF-8 coming from a caller-supplied value.
  std::string line = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace pi::common
