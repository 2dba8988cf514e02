#include "services/common/metrics.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::common {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsRegistryTest, RendersCountersWithHelpTypeAndSortedLabels) {
  MetricsRegistry registry;
  CounterFamily& requests =
      registry.AddCounter("pi_requests_total", "Requests by method and code.", {"method", "code"});
  requests.WithLabels({"Get", "OK"}).Increment();
  requests.WithLabels({"Create", "OK"}).Increment(2);
  requests.WithLabels({"Get", "OK"}).Increment();
  EXPECT_EQ(registry.Render(),
            "# HELP pi_requests_total Requests by method and code.\n"
            "# TYPE pi_requests_total counter\n"
            "pi_requests_total{method=\"Create\",code=\"OK\"} 2\n"
            "pi_requests_total{method=\"Get\",code=\"OK\"} 2\n");
}

TEST(MetricsRegistryTest, UnlabelledFamiliesAppearAtOnceLabelledOnesOnFirstUse) {
  MetricsRegistry registry;
  registry.AddCounter("pi_runs_total", "Runs.");
  GaugeFamily& states = registry.AddGauge("pi_keys", "Keys by state.", {"state"});
  EXPECT_EQ(registry.Render(),
            "# HELP pi_runs_total Runs.\n# TYPE pi_runs_total counter\npi_runs_total 0\n");
  states.WithLabels({"active"}).Set(3);
  EXPECT_THAT(registry.Render(), HasSubstr("# TYPE pi_keys gauge\npi_keys{state=\"active\"} 3\n"));
}

TEST(MetricsRegistryTest, SameLabelsGiveTheSameChild) {
  MetricsRegistry registry;
  CounterFamily& family = registry.AddCounter("pi_x_total", "x", {"a"});
  Counter& first = family.WithLabels({"v"});
  std::string value = "v";
  EXPECT_EQ(&first, &family.WithLabels({value}));
  EXPECT_NE(&first, &family.WithLabels({"w"}));
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(EscapeLabelValue("plain é"), "plain é");
  EXPECT_EQ(EscapeHelp("line\\one\nline \"two\""), "line\\\\one\\nline \"two\"");

  MetricsRegistry registry;
  registry.AddGauge("pi_g", "Help with a \\ and a\nnewline.", {"v"})
      .WithLabels({"say \"hi\"\\\n"})
      .Set(1);
  EXPECT_EQ(registry.Render(),
            "# HELP pi_g Help with a \\\\ and a\\nnewline.\n"
            "# TYPE pi_g gauge\n"
            "pi_g{v=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST(MetricsRegistryTest, FormatsSampleValues) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(1), "1");
  EXPECT_EQ(FormatSampleValue(0.1), "0.1");
  EXPECT_EQ(FormatSampleValue(0.0025), "0.0025");
  EXPECT_EQ(FormatSampleValue(-2.5), "-2.5");
  // The shortest form that reads back exactly, like Go's client ('g', -1).
  EXPECT_EQ(FormatSampleValue(1700000000), "1.7e+09");
  EXPECT_EQ(FormatSampleValue(1763724845.25), "1763724845.25");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  HistogramFamily& latency =
      registry.AddHistogram("pi_latency_seconds", "Latency.", {"method"}, {0.01, 0.1, 1});
  Histogram& get = latency.WithLabels({"Get"});
  get.Observe(0.01);  // on a bound: counted in that bucket (le is inclusive)
  get.Observe(0.05);
  get.Observe(0.5);
  get.Observe(0.5);
  get.Observe(7);  // above every bound: +Inf only
  EXPECT_EQ(registry.Render(),
            "# HELP pi_latency_seconds Latency.\n"
            "# TYPE pi_latency_seconds histogram\n"
            "pi_latency_seconds_bucket{method=\"Get\",le=\"0.01\"} 1\n"
            "pi_latency_seconds_bucket{method=\"Get\",le=\"0.1\"} 2\n"
            "pi_latency_seconds_bucket{method=\"Get\",le=\"1\"} 4\n"
            "pi_latency_seconds_bucket{method=\"Get\",le=\"+Inf\"} 5\n"
            "pi_latency_seconds_sum{method=\"Get\"} 8.06\n"
            "pi_latency_seconds_count{method=\"Get\"} 5\n");
}

TEST(MetricsRegistryTest, UnlabelledHistogramHasOnlyLe) {
  MetricsRegistry registry;
  registry.AddHistogram("pi_h_seconds", "h", {}, {1}).Get().Observe(0.5);
  EXPECT_EQ(registry.Render(),
            "# HELP pi_h_seconds h\n# TYPE pi_h_seconds histogram\n"
            "pi_h_seconds_bucket{le=\"1\"} 1\npi_h_seconds_bucket{le=\"+Inf\"} 1\n"
            "pi_h_seconds_sum 0.5\npi_h_seconds_count 1\n");
}

TEST(MetricsRegistryTest, DefaultLatencyBucketsSpanMillisecondsToSeconds) {
  MetricsRegistry registry;
  registry.AddHistogram("pi_d_seconds", "d", {}).Get().Observe(0.003);
  std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("pi_d_seconds_bucket{le=\"0.001\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("pi_d_seconds_bucket{le=\"0.005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("pi_d_seconds_bucket{le=\"10\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("pi_d_seconds_bucket{le=\"+Inf\"} 1\n"));
}

TEST(MetricsRegistryTest, GaugeCallbackIsReadAtEachScrape) {
  MetricsRegistry registry;
  int queued = 3;
  registry.AddGaugeCallback("pi_queued", "Jobs waiting.", [&queued] { return queued; });
  EXPECT_THAT(registry.Render(), HasSubstr("pi_queued 3\n"));
  queued = 5;
  EXPECT_THAT(registry.Render(), HasSubstr("pi_queued 5\n"));
  EXPECT_THAT(registry.Render(), Not(HasSubstr("pi_queued 3\n")));
}

TEST(MetricsRegistryTest, CounterCallbackIsTypedCounter) {
  MetricsRegistry registry;
  registry.AddCounterCallback("pi_failures_total", "Failures.", [] { return 7; });
  EXPECT_EQ(registry.Render(),
            "# HELP pi_failures_total Failures.\n# TYPE pi_failures_total counter\n"
            "pi_failures_total 7\n");
}

TEST(MetricsRegistryTest, GaugesGoUpAndDown) {
  MetricsRegistry registry;
  Gauge& in_flight = registry.AddGauge("pi_in_flight", "In flight.").Get();
  in_flight.Add(1);
  in_flight.Add(1);
  in_flight.Add(-1);
  EXPECT_EQ(in_flight.value(), 1);
  in_flight.Set(1.5);
  EXPECT_THAT(registry.Render(), HasSubstr("pi_in_flight 1.5\n"));
}

TEST(MetricsRegistryTest, ConcurrentUpdatesOfOneChildLoseNothing) {
  MetricsRegistry registry;
  Counter& counter = registry.AddCounter("pi_hot_total", "hot").Get();
  Gauge& gauge = registry.AddGauge("pi_hot", "hot").Get();
  Histogram& histogram = registry.AddHistogram("pi_hot_seconds", "hot", {}, {1}).Get();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        counter.Increment();
        gauge.Add(1);
        histogram.Observe(2);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter.value(), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(gauge.value(), double{kThreads} * kPerThread);
  Histogram::Snapshot snapshot = histogram.Read();
  EXPECT_EQ(snapshot.cumulative.back(), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(snapshot.sum, 2.0 * kThreads * kPerThread);
}

TEST(MetricsRegistryTest, ConcurrentIncrementsAndNewLabelsLoseNothing) {
  MetricsRegistry registry;
  CounterFamily& family = registry.AddCounter("pi_c_total", "c", {"k"});
  HistogramFamily& histograms = registry.AddHistogram("pi_h_seconds", "h", {"k"}, {1});
  constexpr int kThreads = 4;
  constexpr int kKeys = 100;
  constexpr int kRounds = 200;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back(absl::StrCat("k", i));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      // Start together, then race through the same keys in the same order: every key is
      // created by whichever thread gets there first, the others must find that child.
      ++ready;
      while (ready.load() < kThreads) {
      }
      for (int round = 0; round < kRounds; ++round) {
        for (const std::string& key : keys) {
          family.WithLabels({key}).Increment();
          histograms.WithLabels({key}).Observe(0.5);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto children = family.Children();
  ASSERT_EQ(children.size(), size_t{kKeys});
  for (const auto& [values, counter] : children) {
    ASSERT_EQ(counter->value(), uint64_t{kThreads} * kRounds) << values[0];
  }
  auto observed = histograms.Children();
  ASSERT_EQ(observed.size(), size_t{kKeys});
  for (const auto& [values, histogram] : observed) {
    ASSERT_EQ(histogram->Read().cumulative.back(), uint64_t{kThreads} * kRounds) << values[0];
  }
}

TEST(MetricsRegistryDeathTest, ProgrammingErrorsAbort) {
  EXPECT_DEATH(
      {
        MetricsRegistry registry;
        registry.AddCounter("pi_a_total", "a", {"x"}).WithLabels({"1", "2"});
      },
      "wrong number of label values");
  EXPECT_DEATH(
      {
        MetricsRegistry registry;
        registry.AddCounter("pi_a_total", "a");
        registry.AddGauge("pi_a_total", "again");
      },
      "registered twice");
  EXPECT_DEATH({ MetricsRegistry().AddCounter("pi-a", "bad name"); }, "invalid metric name");
  EXPECT_DEATH({ MetricsRegistry().AddHistogram("pi_h", "h", {"le"}); }, "invalid label name");
  EXPECT_DEATH({ MetricsRegistry().AddGauge("pi_g", "g", {"__x"}); }, "invalid label name");
}

}  // namespace
}  // namespace pi::common
