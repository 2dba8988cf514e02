// What a PostgreSQL cluster wrote to its write-ahead log between two points, for leak scans: the
// raw bytes of that LSN range read from the pg_wal/ segment files, the whole segment files that
// hold it, and pg_waldump's description of its records. The cluster must be local (its data
// directory readable by this process, as the test cluster's is). Not thread-safe.
#ifndef PI_TESTS_E2E_WAL_SCAN_H_
#define PI_TESTS_E2E_WAL_SCAN_H_

#include <string>

#include "absl/status/statusor.h"

namespace pi::testing {

// The cluster's current WAL flush position ("0/1922420"): everything before it is in the
// segment files. An error when the database cannot be reached.
absl::StatusOr<std::string> WalFlushLsn(const std::string& url);

struct WalContents {
  std::string range;     // the bytes of [start, end), in order, across segment files
  std::string segments;  // every segment file the range touches, whole
  std::string waldump;   // pg_waldump's output for [start, end)
  int segment_count = 0;
};

// Reads [start_lsn, end_lsn) of the cluster behind `url` (end_lsn must be flushed, e.g. taken
// from WalFlushLsn after a synchronous commit). FAILED_PRECONDITION when a segment is missing
// (recycled) or pg_waldump fails.
absl::StatusOr<WalContents> ReadWal(const std::string& url, const std::string& start_lsn,
                                    const std::string& end_lsn);

}  // namespace pi::testing

#endif  // PI_TESTS_E2E_WAL_SCAN_H_
