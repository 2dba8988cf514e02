// Prometheus metrics for both processes: counters, gauges and histograms in labelled families,
// and their text exposition (format 0.0.4) for GET /metrics (metrics_http_server.h).
//
// Hot path: Counter::Increment, Gauge::Add/Set and Histogram::Observe are relaxed atomics.
// Family::WithLabels finds an existing child without taking a lock (a fixed table of
// append-only lists); only the first use of a label combination takes the family's mutex.
// Callers may also keep the returned reference: children live as long as the registry.
//
// Label values must come from small fixed sets (method names, status codes, dialects): never
// ids, paths with ids, or anything a client chooses. A malformed name, a duplicate family or a
// wrong number of label values is a programming error and aborts.
// Thread-safe.
#ifndef PI_SERVICES_COMMON_METRICS_H_
#define PI_SERVICES_COMMON_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace pi::common {

// Only goes up (requests, failures, rows deleted).
class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Goes up and down, or is set (in flight, a version, a timestamp).
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets by upper bound (inclusive, as Prometheus' `le`), plus their
// sum and count.
class Histogram {
 public:
  // `bounds` are strictly increasing and finite; the +Inf bucket is implied.
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf, which is the count
    double sum = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket, not cumulative; last: +Inf
  std::atomic<double> sum_{0};
};

// Request latency buckets in seconds, 1 ms to 10 s.
const std::vector<double>& DefaultLatencyBuckets();

// The children of one metric name, one per combination of label values.
template <typename Metric>
class Family {
 public:
  using Factory = std::function<std::unique_ptr<Metric>()>;
  Family(std::string name, std::vector<std::string> label_names, Factory factory);
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;
  ~Family();

  // The child for `values` (one per label name, in order), created on first use.
  Metric& WithLabels(absl::Span<const absl::string_view> values);
  // The child of an unlabelled family.
  Metric& Get() { return WithLabels({}); }

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // Every child with its label values, sorted by them.
  std::vector<std::pair<std::vector<std::string>, const Metric*>> Children() const;

 private:
  struct Node {
    std::vector<std::string> values;
    std::unique_ptr<Metric> metric;
    Node* next = nullptr;
  };
  static constexpr size_t kBuckets = 64;

  static Node* Find(Node* head, absl::Span<const absl::string_view> values);

  const std::string name_;
  const std::vector<std::string> label_names_;
  const Factory factory_;
  std::array<std::atomic<Node*>, kBuckets> heads_{};
  std::mutex insert_mu_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;
  ~MetricsRegistry();

  // Families are registered at start; the references stay valid as long as the registry.
  // Counter names end in "_total" by convention; histograms may not use the label "le".
  CounterFamily& AddCounter(std::string name, std::string help,
                            std::vector<std::string> label_names = {});
  GaugeFamily& AddGauge(std::string name, std::string help,
                        std::vector<std::string> label_names = {});
  HistogramFamily& AddHistogram(std::string name, std::string help,
                                std::vector<std::string> label_names,
                                const std::vector<double>& bounds = DefaultLatencyBuckets());
  // An unlabelled gauge computed by `read` at each scrape; `read` must be cheap and must not
  // block (pool sizes, queue lengths).
  void AddGaugeCallback(std::string name, std::string help, std::function<double()> read);
  // The same for a counter kept elsewhere (a component's own atomic).
  void AddCounterCallback(std::string name, std::string help, std::function<double()> read);

  // The text exposition format 0.0.4: every family with at least one child, in registration
  // order, children sorted by label values.
  std::string Render() const;

 private:
  struct Entry;
  Entry& Register(std::string name, std::string help, const std::vector<std::string>& labels,
                  bool histogram);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// Exposition details, public for tests: a label value with \, " and newline escaped; a HELP
// text with \ and newline escaped; a sample value (shortest round-trip decimal, +Inf, -Inf, NaN).
std::string EscapeLabelValue(absl::string_view value);
std::string EscapeHelp(absl::string_view help);
std::string FormatSampleValue(double value);

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_METRICS_H_
