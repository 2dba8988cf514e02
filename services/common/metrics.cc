#include "services/common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pi::common {
namespace {

[[noreturn]] void Die(absl::string_view what, absl::string_view name) {
  std::fprintf(stderr, "metrics: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(name.size()), name.data());
  std::abort();
}

bool IsMetricName(absl::string_view name) {
  if (name.empty() || absl::ascii_isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  });
}

bool IsLabelName(absl::string_view name) {
  if (name.empty() || absl::ascii_isdigit(static_cast<unsigned char>(name[0]))) return false;
  if (name.size() >= 2 && name[0] == '_' && name[1] == '_') return false;  // reserved
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// FNV-1a over the values, each followed by a separator byte no value can make ambiguous.
size_t HashValues(absl::Span<const absl::string_view> values) {
  uint64_t hash = 1469598103934665603ull;
  for (absl::string_view v : values) {
    for (char c : v) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    hash = (hash ^ 0xffu) * 1099511628211ull;
  }
  return static_cast<size_t>(hash);
}

// {a="x",b="y"} with `extra` (already rendered, e.g. le="1") appended; "" when empty.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     absl::string_view extra = "") {
  if (names.empty() && extra.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ",";
    absl::StrAppend(&out, names[i], "=\"", EscapeLabelValue(values[i]), "\"");
  }
  if (!extra.empty()) absl::StrAppend(&out, names.empty() ? "" : ",", extra);
  out += "}";
  return out;
}

}  // namespace

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(absl::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end);
}

const std::vector<double>& DefaultLatencyBuckets() {
  static const std::vector<double> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                               0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

Histogram::Histogram(std::shared_ptr<const std::vector<double>> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_->size() + 1)) {}

void Histogram::Observe(double value) {
  // The first bound >= value; NaN goes to +Inf (and makes the sum NaN, as it should).
  size_t index =
      std::isnan(value)
          ? bounds_->size()
          : static_cast<size_t>(std::lower_bound(bounds_->begin(), bounds_->end(), value) -
                                bounds_->begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.cumulative.reserve(bounds_->size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

template <typename Metric>
Family<Metric>::Family(std::string name, std::vector<std::string> label_names, Factory factory)
    : name_(std::move(name)), label_names_(std::move(label_names)), factory_(std::move(factory)) {}

template <typename Metric>
Family<Metric>::~Family() {
  for (std::atomic<Node*>& head : heads_) {
    for (Node* node = head.load(); node != nullptr;) {
      Node* next = node->next;
      delete node;
      node = next;
    }
  }
}

template <typename Metric>
typename Family<Metric>::Node* Family<Metric>::Find(Node* head,
                                                    absl::Span<const absl::string_view> values) {
  for (Node* node = head; node != nullptr; node = node->next) {
    if (std::equal(node->values.begin(), node->values.end(), values.begin(), values.end(),
                   [](const std::string& a, absl::string_view b) { return a == b; })) {
      return node;
    }
  }
  return nullptr;
}

template <typename Metric>
Metric& Family<Metric>::WithLabels(absl::Span<const absl::string_view> values) {
  if (values.size() != label_names_.size()) Die("wrong number of label values for", name_);
  std::atomic<Node*>& head = heads_[HashValues(values) % kBuckets];
  // Nodes are published whole (release) and never change or go away: readers need no lock.
  if (Node* found = Find(head.load(std::memory_order_acquire), values)) return *found->metric;
  std::lock_guard<std::mutex> lock(insert_mu_);
  Node* first = head.load(std::memory_order_acquire);
  if (Node* found = Find(first, values)) return *found->metric;
  auto node = std::make_unique<Node>();
  node->values.reserve(values.size());
  for (absl::string_view v : values) node->values.emplace_back(v);
  node->metric = factory_();
  node->next = first;
  Metric& metric = *node->metric;
  head.store(node.release(), std::memory_order_release);
  return metric;
}

template <typename Metric>
std::vector<std::pair<std::vector<std::string>, const Metric*>> Family<Metric>::Children() const {
  std::vector<std::pair<std::vector<std::string>, const Metric*>> children;
  for (const std::atomic<Node*>& head : heads_) {
    for (Node* node = head.load(std::memory_order_acquire); node != nullptr; node = node->next) {
      children.emplace_back(node->values, node->metric.get());
    }
  }
  std::sort(children.begin(), children.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return children;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct MetricsRegistry::Entry {
  std::string name;
  std::string help;
  std::unique_ptr<CounterFamily> counters;
  std::unique_ptr<GaugeFamily> gauges;
  std::unique_ptr<HistogramFamily> histograms;
  std::function<double()> callback;
  const char* callback_type = "gauge";
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Entry& MetricsRegistry::Register(std::string name, std::string help,
                                                  const std::vector<std::string>& labels,
                                                  bool histogram) {
  if (!IsMetricName(name)) Die("invalid metric name", name);
  for (const std::string& label : labels) {
    if (!IsLabelName(label) || (histogram && label == "le")) Die("invalid label name", label);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& entry : entries_) {
    if (entry->name == name) Die("metric registered twice", name);
  }
  auto entry = std::make_unique<Entry>();
  entry->name = std::move(name);
  entry->help = std::move(help);
  entries_.push_back(std::move(entry));
  return *entries_.back();
}

CounterFamily& MetricsRegistry::AddCounter(std::string name, std::string help,
                                           std::vector<std::string> label_names) {
  Entry& entry = Register(name, std::move(help), label_names, false);
  entry.counters = std::make_unique<CounterFamily>(std::move(name), std::move(label_names),
                                                   [] { return std::make_unique<Counter>(); });
  if (entry.counters->label_names().empty()) entry.counters->Get();
  return *entry.counters;
}

GaugeFamily& MetricsRegistry::AddGauge(std::string name, std::string help,
                                       std::vector<std::string> label_names) {
  Entry& entry = Register(name, std::move(help), label_names, false);
  entry.gauges = std::make_unique<GaugeFamily>(std::move(name), std::move(label_names),
                                               [] { return std::make_unique<Gauge>(); });
  if (entry.gauges->label_names().empty()) entry.gauges->Get();
  return *entry.gauges;
}

HistogramFamily& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                               std::vector<std::string> label_names,
                                               const std::vector<double>& bounds) {
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      Die("histogram bounds must be finite and increasing", name);
    }
  }
  Entry& entry = Register(name, std::move(help), label_names, true);
  auto shared_bounds = std::make_shared<const std::vector<double>>(bounds);
  entry.histograms = std::make_unique<HistogramFamily>(
      std::move(name), std::move(label_names),
      [shared_bounds] { return std::make_unique<Histogram>(shared_bounds); });
  if (entry.histograms->label_names().empty()) entry.histograms->Get();
  return *entry.histograms;
}

void MetricsRegistry::AddGaugeCallback(std::string name, std::string help,
                                       std::function<double()> read) {
  Entry& entry = Register(std::move(name), std::move(help), {}, false);
  entry.callback = std::move(read);
}

void MetricsRegistry::AddCounterCallback(std::string name, std::string help,
                                         std::function<double()> read) {
  Entry& entry = Register(std::move(name), std::move(help), {}, false);
  entry.callback = std::move(read);
  entry.callback_type = "counter";
}

std::string MetricsRegistry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  auto header = [&out](const Entry& entry, absl::string_view type) {
    absl::StrAppend(&out, "# HELP ", entry.name, " ", EscapeHelp(entry.help), "\n", "# TYPE ",
                    entry.name, " ", type, "\n");
  };
  for (const auto& entry : entries_) {
    if (entry->callback) {
      header(*entry, entry->callback_type);
      absl::StrAppend(&out, entry->name, " ", FormatSampleValue(entry->callback()), "\n");
    } else if (entry->counters) {
      auto children = entry->counters->Children();
      if (children.empty()) continue;
      header(*entry, "counter");
      for (const auto& [values, counter] : children) {
        absl::StrAppend(&out, entry->name, LabelSet(entry->counters->label_names(), values), " ",
                        counter->value(), "\n");
      }
    } else if (entry->gauges) {
      auto children = entry->gauges->Children();
      if (children.empty()) continue;
      header(*entry, "gauge");
      for (const auto& [values, gauge] : children) {
        absl::StrAppend(&out, entry->name, LabelSet(entry->gauges->label_names(), values), " ",
                        FormatSampleValue(gauge->value()), "\n");
      }
    } else if (entry->histograms) {
      auto children = entry->histograms->Children();
      if (children.empty()) continue;
      header(*entry, "histogram");
      const std::vector<std::string>& names = entry->histograms->label_names();
      for (const auto& [values, histogram] : children) {
        Histogram::Snapshot snapshot = histogram->Read();
        const std::vector<double>& bounds = histogram->bounds();
        for (size_t i = 0; i <= bounds.size(); ++i) {
          std::string le = i < bounds.size() ? FormatSampleValue(bounds[i]) : "+Inf";
          absl::StrAppend(&out, entry->name, "_bucket",
                          LabelSet(names, values, absl::StrCat("le=\"", le, "\"")), " ",
                          snapshot.cumulative[i], "\n");
        }
        std::string labels = LabelSet(names, values);
        absl::StrAppend(&out, entry->name, "_sum", labels, " ", FormatSampleValue(snapshot.sum),
                        "\n", entry->name, "_count", labels, " ", snapshot.cumulative.back(), "\n");
      }
    }
  }
  return out;
}

}  // namespace pi::common
