#include "services/common/settings.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pi::common {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A process environment: NAME=VALUE strings behind a nullptr-terminated char* array.
class FakeEnv {
 public:
  explicit FakeEnv(std::vector<std::string> entries) : entries_(std::move(entries)) {
    for (std::string& e : entries_) pointers_.push_back(e.data());
    pointers_.push_back(nullptr);
  }
  char** get() { return pointers_.data(); }

 private:
  std::vector<std::string> entries_;
  std::vector<char*> pointers_;
};

const std::vector<std::string> kAllowed = {"grpc_target", "io_threads", "rpc_deadline",
                                           "port_file"};

Settings MustParse(std::vector<std::string> env, std::vector<std::string> args = {}) {
  FakeEnv fake(std::move(env));
  absl::StatusOr<Settings> settings = Settings::Parse(kAllowed, args, fake.get());
  EXPECT_TRUE(settings.ok()) << settings.status();
  return settings.ok() ? *std::move(settings) : Settings();
}

std::vector<std::string> Lines(const absl::Status& status) {
  return absl::StrSplit(status.message(), '\n');
}

// ---- Parse -----------------------------------------------------------------------------------

TEST(SettingsParseTest, ReadsPiEnvironmentVariables) {
  Settings settings = MustParse({"PI_GRPC_TARGET=127.0.0.1:50051", "PI_IO_THREADS=4"});

  EXPECT_EQ(settings.Get("grpc_target"), "127.0.0.1:50051");
  EXPECT_EQ(settings.Get("io_threads"), "4");
  EXPECT_EQ(settings.Get("rpc_deadline"), "");
}

TEST(SettingsParseTest, ValueKeepsEverythingAfterTheFirstEquals) {
  Settings settings = MustParse({"PI_GRPC_TARGET=dns:///a=b"}, {"--port_file=/tmp/x=y"});

  EXPECT_EQ(settings.Get("grpc_target"), "dns:///a=b");
  EXPECT_EQ(settings.Get("port_file"), "/tmp/x=y");
}

TEST(SettingsParseTest, IgnoresEnvironmentVariablesOutsideTheAllowedNames) {
  Settings settings =
      MustParse({"PI_UNKNOWN=1", "PI_PASSWORD=hunter2", "GRPC_TARGET=no", "HOME=/root",
                 "PI_GRPC_TARGETX=no", "XPI_GRPC_TARGET=no", "PI_GRPC_TARGET", "PI_=x"});

  EXPECT_EQ(settings.Get("grpc_target"), "");
  EXPECT_EQ(settings.Get("unknown"), "");
  EXPECT_EQ(settings.Get("password"), "");
}

TEST(SettingsParseTest, NullEnvironmentIsEmpty) {
  absl::StatusOr<Settings> settings = Settings::Parse(kAllowed, {"--io_threads=3"}, nullptr);

  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->Get("io_threads"), "3");
  EXPECT_EQ(settings->Get("grpc_target"), "");
}

TEST(SettingsParseTest, FlagOverridesEnvironment) {
  Settings settings =
      MustParse({"PI_GRPC_TARGET=env:1", "PI_IO_THREADS=4"}, {"--grpc_target=flag:2"});

  EXPECT_EQ(settings.Get("grpc_target"), "flag:2");
  EXPECT_EQ(settings.Get("io_threads"), "4");
}

TEST(SettingsParseTest, LaterFlagWins) {
  Settings settings = MustParse({}, {"--io_threads=1", "--io_threads=2"});

  EXPECT_EQ(settings.Get("io_threads"), "2");
}

TEST(SettingsParseTest, UnknownAndMalformedFlagsAreListedTogether) {
  FakeEnv env({"PI_GRPC_TARGET=t:1"});

  absl::StatusOr<Settings> settings = Settings::Parse(
      kAllowed,
      {"--grpc_adress=x", "io_threads=2", "--io_threads", "-io_threads=2", "--io_threads=3"},
      env.get());

  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      Lines(settings.status()),
      ElementsAre("--grpc_adress: unknown setting (known: grpc_target, io_threads, "
                  "rpc_deadline, port_file)",
                  "io_threads=2: expected --name=value", "--io_threads: expected --name=value",
                  "-io_threads=2: expected --name=value"));
}

TEST(SettingsParseTest, FlagNamesAreCaseSensitive) {
  FakeEnv env({});

  absl::StatusOr<Settings> settings = Settings::Parse(kAllowed, {"--GRPC_TARGET=x"}, env.get());

  ASSERT_FALSE(settings.ok());
  EXPECT_THAT(Lines(settings.status()),
              ElementsAre("--GRPC_TARGET: unknown setting (known: grpc_target, io_threads, "
                          "rpc_deadline, port_file)"));
}

// ---- Get -------------------------------------------------------------------------------------

TEST(SettingsGetTest, FallbackWhenUnsetOrEmpty) {
  Settings settings = MustParse({"PI_PORT_FILE=", "PI_GRPC_TARGET=t:1"}, {"--io_threads="});

  EXPECT_EQ(settings.Get("port_file", "/run/default"), "/run/default");
  EXPECT_EQ(settings.Get("io_threads", "2"), "2");
  EXPECT_EQ(settings.Get("rpc_deadline", "5s"), "5s");
  EXPECT_EQ(settings.Get("grpc_target", "fallback"), "t:1");
  EXPECT_EQ(settings.Get("port_file"), "");
}

TEST(SettingsGetTest, EmptyFlagClearsAnEnvironmentValue) {
  Settings settings = MustParse({"PI_PORT_FILE=/env/file"}, {"--port_file="});

  EXPECT_EQ(settings.Get("port_file", "fallback"), "fallback");
}

// ---- GetInt ----------------------------------------------------------------------------------

TEST(SettingsGetIntTest, ReadsValuesInRange) {
  const std::pair<const char*, int> kCases[] = {{"1", 1}, {"64", 64}, {"17", 17}, {" 8", 8}};
  for (const auto& [raw, value] : kCases) {
    Settings settings = MustParse({std::string("PI_IO_THREADS=") + raw});
    std::vector<std::string> problems;
    int out = -1;

    settings.GetInt("io_threads", 1, 64, out, problems);

    EXPECT_EQ(out, value) << raw;
    EXPECT_THAT(problems, IsEmpty()) << raw;
  }
}

TEST(SettingsGetIntTest, UnsetLeavesOutUnchanged) {
  Settings settings = MustParse({});
  std::vector<std::string> problems;
  int out = 7;

  settings.GetInt("io_threads", 1, 64, out, problems);

  EXPECT_EQ(out, 7);
  EXPECT_THAT(problems, IsEmpty());
}

TEST(SettingsGetIntTest, OutOfRangeOrMalformedIsAProblem) {
  const char* kBad[] = {"0", "65", "-1", "four", "4.5", "4x", "99999999999", "0x10"};
  for (const char* raw : kBad) {
    Settings settings = MustParse({std::string("PI_IO_THREADS=") + raw});
    std::vector<std::string> problems = {"earlier problem"};
    int out = 7;

    settings.GetInt("io_threads", 1, 64, out, problems);

    EXPECT_EQ(out, 7) << raw;
    EXPECT_THAT(problems,
                ElementsAre("earlier problem", "io_threads: must be an integer from 1 to 64"))
        << raw;
  }
}

// ---- GetDuration -----------------------------------------------------------------------------

TEST(SettingsGetDurationTest, ReadsDurations) {
  const std::pair<const char*, absl::Duration> kCases[] = {
      {"500ms", absl::Milliseconds(500)}, {"10s", absl::Seconds(10)},   {"1m", absl::Minutes(1)},
      {"1.5s", absl::Milliseconds(1500)}, {"1h30m", absl::Minutes(90)}, {"0", absl::ZeroDuration()},
  };
  for (const auto& [raw, value] : kCases) {
    Settings settings = MustParse({std::string("PI_RPC_DEADLINE=") + raw});
    std::vector<std::string> problems;
    absl::Duration out = absl::Seconds(5);

    settings.GetDuration("rpc_deadline", out, problems);

    EXPECT_EQ(out, value) << raw;
    EXPECT_THAT(problems, IsEmpty()) << raw;
  }
}

TEST(SettingsGetDurationTest, MalformedOrNegativeIsAProblem) {
  const char* kBad[] = {"ten", "10", "10 s", "-1s", "s", "-inf"};
  for (const char* raw : kBad) {
    Settings settings = MustParse({std::string("PI_RPC_DEADLINE=") + raw});
    std::vector<std::string> problems;
    absl::Duration out = absl::Seconds(5);

    settings.GetDuration("rpc_deadline", out, problems);

    EXPECT_EQ(out, absl::Seconds(5)) << raw;
    EXPECT_THAT(problems, ElementsAre("rpc_deadline: must be a duration such as 500ms, 10s or 1m"))
        << raw;
  }
}

TEST(SettingsGetDurationTest, UnsetLeavesOutUnchanged) {
  Settings settings = MustParse({"PI_RPC_DEADLINE="});
  std::vector<std::string> problems;
  absl::Duration out = absl::Seconds(5);

  settings.GetDuration("rpc_deadline", out, problems);

  EXPECT_EQ(out, absl::Seconds(5));
  EXPECT_THAT(problems, IsEmpty());
}

TEST(SettingsTest, ProblemsFromSeveralReadsAccumulate) {
  Settings settings = MustParse({"PI_IO_THREADS=0"}, {"--rpc_deadline=ten"});
  std::vector<std::string> problems;
  int threads = 2;
  absl::Duration deadline = absl::Seconds(5);

  settings.GetInt("io_threads", 1, 64, threads, problems);
  settings.GetDuration("rpc_deadline", deadline, problems);

  EXPECT_THAT(problems, ElementsAre("io_threads: must be an integer from 1 to 64",
                                    "rpc_deadline: must be a duration such as 500ms, 10s or 1m"));
}

TEST(SettingsTest, GetOrEmptyKeepsAnExplicitlyEmptyValue) {
  const std::vector<std::string> allowed = {"metrics_address"};
  FakeEnv empty({"PI_METRICS_ADDRESS="});
  absl::StatusOr<Settings> set = Settings::Parse(allowed, {}, empty.get());
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->GetOrEmpty("metrics_address", "0.0.0.0:9090"), "");
  EXPECT_EQ(set->Get("metrics_address", "0.0.0.0:9090"), "0.0.0.0:9090");
  FakeEnv unset({});
  absl::StatusOr<Settings> defaults = Settings::Parse(allowed, {}, unset.get());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->GetOrEmpty("metrics_address", "0.0.0.0:9090"), "0.0.0.0:9090");
}

TEST(SplitHostPortTest, SplitsHostAndPort) {
  EXPECT_EQ(*SplitHostPort("0.0.0.0:9090"), std::make_pair(std::string("0.0.0.0"), 9090));
  EXPECT_EQ(*SplitHostPort("127.0.0.1:0"), std::make_pair(std::string("127.0.0.1"), 0));
  EXPECT_EQ(*SplitHostPort("[::1]:65535"), std::make_pair(std::string("::1"), 65535));
  for (const char* bad : {"", "9090", ":9090", "host:", "host:65536", "host:-1", "host:x"}) {
    EXPECT_EQ(SplitHostPort(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace pi::common
