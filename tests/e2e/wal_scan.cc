#include "tests/e2e/wal_scan.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/support/child_process.h"

namespace pi::testing {
namespace {

constexpr char kPgWalDump[] = "/usr/lib/postgresql/15/bin/pg_waldump";

struct SegmentPosition {
  uint32_t timeline = 0;
  uint64_t segment = 0;  // absolute segment number
  uint64_t offset = 0;   // within the segment
};

// `name` is pg_walfile_name()'s 24 hex digits: timeline, log id, segment within the log id.
SegmentPosition Parse(const std::string& name, uint64_t offset, uint64_t segments_per_log) {
  SegmentPosition p;
  p.timeline = static_cast<uint32_t>(std::stoul(name.substr(0, 8), nullptr, 16));
  p.segment = std::stoull(name.substr(8, 8), nullptr, 16) * segments_per_log +
              std::stoull(name.substr(16, 8), nullptr, 16);
  p.offset = offset;
  return p;
}

std::string SegmentName(uint32_t timeline, uint64_t segment, uint64_t segments_per_log) {
  return absl::StrFormat("%08X%08X%08X", timeline, segment / segments_per_log,
                         segment % segments_per_log);
}

}  // namespace

absl::StatusOr<std::string> WalFlushLsn(const std::string& url) {
  try {
    pqxx::connection c(url);
    pqxx::nontransaction txn(c);
    return txn.exec1("SELECT pg_current_wal_flush_lsn()::text")[0].as<std::string>();
  } catch (const std::exception& e) {
    return absl::UnavailableError(e.what());
  }
}

absl::StatusOr<WalContents> ReadWal(const std::string& url, const std::string& start_lsn,
                                    const std::string& end_lsn) {
  std::string wal_dir;
  uint64_t segment_size = 0;
  SegmentPosition start, end;
  try {
    pqxx::connection c(url);
    pqxx::nontransaction txn(c);
    wal_dir = txn.exec1("SHOW data_directory")[0].as<std::string>() + "/pg_wal";
    segment_size = txn.exec1("SELECT setting::bigint FROM pg_settings "
                             "WHERE name = 'wal_segment_size'")[0]
                       .as<uint64_t>();
    uint64_t segments_per_log = 0x100000000ULL / segment_size;
    auto locate = [&](const std::string& lsn) {
      pqxx::row r = txn.exec_params1(
          "SELECT file_name, file_offset FROM pg_walfile_name_offset($1::pg_lsn)", lsn);
      return Parse(r[0].as<std::string>(), r[1].as<uint64_t>(), segments_per_log);
    };
    start = locate(start_lsn);
    end = locate(end_lsn);
  } catch (const std::exception& e) {
    return absl::UnavailableError(e.what());
  }
  // An LSN on a segment boundary is named by the preceding segment with offset 0: all of it.
  if (end.offset == 0) end.offset = segment_size;

  uint64_t segments_per_log = 0x100000000ULL / segment_size;
  WalContents out;
  for (uint64_t s = start.segment; s <= end.segment; ++s) {
    std::string path =
        absl::StrCat(wal_dir, "/", SegmentName(start.timeline, s, segments_per_log));
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
    std::stringstream bytes;
    bytes << in.rdbuf();
    std::string segment = bytes.str();
    if (segment.size() != segment_size) {
      return absl::FailedPreconditionError(absl::StrCat(path, " is not a whole segment"));
    }
    uint64_t from = s == start.segment ? start.offset : 0;
    uint64_t to = s == end.segment ? end.offset : segment_size;
    out.range.append(segment, from, to - from);
    out.segments += segment;
    ++out.segment_count;
  }

  absl::StatusOr<int> dumped = RunToCompletion(
      kPgWalDump, {"--path=" + wal_dir, "--start=" + start_lsn, "--end=" + end_lsn}, {},
      &out.waldump);
  if (!dumped.ok()) return dumped.status();
  if (*dumped != 0) {
    return absl::FailedPreconditionError(absl::StrCat("pg_waldump exited ", *dumped));
  }
  return out;
}

}  // namespace pi::testing
