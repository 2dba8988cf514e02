// Reads a process's Prometheus /metrics for end-to-end tests, checking the text format on the
// way: every line is a HELP or TYPE comment or a `series value` sample with a parseable value.
#ifndef PI_TESTS_SUPPORT_METRICS_SCRAPE_H_
#define PI_TESTS_SUPPORT_METRICS_SCRAPE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace pi::testing {

struct MetricsScrape {
  std::string text;
  std::string content_type;
  std::map<std::string, std::string> types;  // family -> counter, gauge, histogram
  std::map<std::string, double> samples;     // series as printed, e.g. a{b="c"} -> value

  // The value of `series`, or 0 when it is absent (a counter not incremented yet).
  double Value(const std::string& series) const;
  bool Has(const std::string& series) const { return samples.count(series) > 0; }
};

// GET /metrics on 127.0.0.1:`port`. INTERNAL when the answer is not 200 or a line is malformed.
absl::StatusOr<MetricsScrape> ScrapeMetrics(int port);

}  // namespace pi::testing

#endif  // PI_TESTS_SUPPORT_METRICS_SCRAPE_H_
