#include "services/common/json_log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
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

namespace {

// "2026-11-21T16:36:59.267Z" for `now`. Formatting a time through the time zone library costs
// about a microsecond, once per line; each thread keeps the text of the second it last formatted.
void AppendTimestamp(std::string& out, absl::Time now) {
  struct Second {
    int64_t unix_seconds = -1;
    std::string text;  // "2026-11-21T16:36:59"
  };
  thread_local Second second;
  int64_t micros = absl::ToUnixMicros(now);
  int64_t seconds = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
  if (seconds != second.unix_seconds) {
    second.unix_seconds = seconds;
    second.text = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(seconds),
                                   absl::UTCTimeZone());
  }
  int millis = static_cast<int>((micros - seconds * 1000000) / 1000);
  out.append(second.text);
  char fraction[6] = {'.', static_cast<char>('0' + millis / 100),
                      static_cast<char>('0' + millis / 10 % 10),
                      static_cast<char>('0' + millis % 10), 'Z', '"'};
  out.append(fraction, sizeof(fraction));
}

// Writes all of `line` to stderr, resuming after an interrupted or partial write.
void WriteAll(const std::string& line) {
  size_t written = 0;
  while (written < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to log to; nothing better to do
    written += static_cast<size_t>(n);
  }
}

// One write(2) per line. A write of at most PIPE_BUF bytes goes into a pipe whole, and any write
// into a regular file does, so short lines from concurrent threads never interleave without an
// exclusive lock held across the system call (which made threads queue behind each other). A
// longer line, rare, excludes every other writer while it is written.
std::shared_mutex write_mu;

void WriteLine(const std::string& line) {
  if (line.size() > PIPE_BUF) {
    std::unique_lock<std::shared_mutex> lock(write_mu);
    return WriteAll(line);
  }
  std::shared_lock<std::shared_mutex> lock(write_mu);
  WriteAll(line);
}

}  // namespace

void LogJson(absl::string_view level, absl::string_view msg, nlohmann::json fields) {
  // An unknown level is never dropped.
  int rank = LevelRank(level);
  if (rank >= 0 && rank < min_rank.load(std::memory_order_relaxed)) return;
  if (!fields.is_object()) fields = nlohmann::json::object();
  // ts, level and msg come first; a caller's field of the same name is dropped.
  fields.erase("ts");
  fields.erase("level");
  fields.erase("msg");
  std::string line;
  line.reserve(256);
  line.append("{\"ts\":\"");
  AppendTimestamp(line, absl::Now());
  line.append(",\"level\":");
  line.append(nlohmann::json(std::string(level)).dump(-1, ' ', false,
                                                       nlohmann::json::error_handler_t::replace));
  line.append(",\"msg\":");
  line.append(nlohmann::json(std::string(msg)).dump(-1, ' ', false,
                                                     nlohmann::json::error_handler_t::replace));
  // Replace, not throw, on invalid UTF-8 coming from a caller-supplied value.
  std::string rest = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (rest.size() > 2) {  // not "{}"
    line.push_back(',');
    line.append(rest, 1, std::string::npos);
  } else {
    line.push_back('}');
  }
  line.push_back('\n');
  WriteLine(line);
}

}  // namespace pi::common

