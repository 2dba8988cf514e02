#include "tests/support/metrics_scrape.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/support/http_client.h"

namespace pi::testing {
namespace {

bool ParseValue(const std::string& text, double* value) {
  if (text == "+Inf" || text == "-Inf" || text == "NaN") {
    *value = text == "NaN" ? 0 : (text == "+Inf" ? 1e308 : -1e308);
    return true;
  }
  return absl::SimpleAtod(text, value);
}

}  // namespace

double MetricsScrape::Value(const std::string& series) const {
  auto it = samples.find(series);
  return it == samples.end() ? 0 : it->second;
}

absl::StatusOr<MetricsScrape> ScrapeMetrics(int port) {
  absl::StatusOr<HttpReply> reply = HttpCall(port, "GET", "/metrics");
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) {
    return absl::InternalError(absl::StrCat("GET /metrics answered ", reply->status));
  }
  MetricsScrape scrape;
  scrape.text = reply->body;
  scrape.content_type = reply->headers["content-type"];
  for (absl::string_view line : absl::StrSplit(reply->body, '\n', absl::SkipEmpty())) {
    std::string l(line);
    if (l.rfind("# HELP ", 0) == 0) continue;
    if (l.rfind("# TYPE ", 0) == 0) {
      std::vector<std::string> parts = absl::StrSplit(l.substr(7), ' ');
      if (parts.size() != 2) return absl::InternalError("malformed TYPE line: " + l);
      scrape.types[parts[0]] = parts[1];
      continue;
    }
    size_t space = l.rfind(' ');
    double value = 0;
    if (l[0] == '#' || space == std::string::npos || !ParseValue(l.substr(space + 1), &value)) {
      return absl::InternalError("malformed sample line: " + l);
    }
    scrape.samples[l.substr(0, space)] = value;
  }
  return scrape;
}

}  // namespace pi::testing
