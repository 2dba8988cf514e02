#include "services/common/json_log.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace pi::common {
namespace {

// Sends stderr to a temporary file for the test's lifetime; Lines() reads what was written.
class JsonLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/json_log_test.log";
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    ASSERT_GE(fd, 0);
    saved_stderr_ = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  void TearDown() override {
    ::dup2(saved_stderr_, STDERR_FILENO);
    ::close(saved_stderr_);
    SetMinLogLevel("info");
    std::remove(path_.c_str());
  }

  std::vector<std::string> Lines() {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
  }

  std::string path_;
  int saved_stderr_ = -1;
};

TEST_F(JsonLogTest, OneObjectPerLineWithTimestampLevelMessageAndFields) {
  LogJson("info", "rpc", {{"code", "OK"}, {"latency_ms", 1.5}});
  std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("{\"ts\":\"", 0), 0u) << "ts comes first: " << lines[0];
  nlohmann::json line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["msg"], "rpc");
  EXPECT_EQ(line["code"], "OK");
  EXPECT_EQ(line["latency_ms"], 1.5);
  std::string ts = line["ts"];
  ASSERT_EQ(ts.size(), 24u) << ts;  // 2026-11-21T16:36:59.267Z
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');
}

TEST_F(JsonLogTest, WithoutFieldsTheObjectIsStillComplete) {
  LogJson("warn", "database unreachable");
  std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  nlohmann::json line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line.size(), 3u);
  EXPECT_EQ(line["msg"], "database unreachable");
}

TEST_F(JsonLogTest, ACallersFieldCannotOverrideTheReservedOnes) {
  LogJson("info", "real", {{"msg", "forged"}, {"level", "error"}, {"ts", "then"}, {"k", 1}});
  nlohmann::json line = nlohmann::json::parse(Lines().at(0));
  EXPECT_EQ(line["msg"], "real");
  EXPECT_EQ(line["level"], "info");
  EXPECT_NE(line["ts"], "then");
  EXPECT_EQ(line["k"], 1);
}

TEST_F(JsonLogTest, InvalidUtf8IsReplacedNotThrown) {
  LogJson("info", "odd", {{"value", std::string("a\xff" "b")}});
  nlohmann::json line = nlohmann::json::parse(Lines().at(0));
  EXPECT_EQ(line["value"], "a\xEF\xBF\xBD" "b");
}

TEST_F(JsonLogTest, LinesBelowTheMinimumLevelAreDropped) {
  SetMinLogLevel("warn");
  LogJson("info", "dropped");
  LogJson("debug", "dropped");
  LogJson("warn", "kept");
  LogJson("error", "kept");
  EXPECT_EQ(Lines().size(), 2u);
}

TEST_F(JsonLogTest, ConcurrentLinesNeverInterleave) {
  constexpr int kThreads = 4;
  constexpr int kLines = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        LogJson("info", "line", {{"thread", t}, {"i", i}, {"pad", std::string(200, 'x')}});
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  for (const std::string& line : lines) {
    ASSERT_TRUE(nlohmann::json::accept(line)) << line;
  }
}

// On a pipe (a container's stderr), only writes of at most PIPE_BUF bytes are whole: longer
// lines must still come out unbroken next to short ones.
TEST(JsonLogPipeTest, LongAndShortLinesOnAPipeNeverInterleave) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  int saved_stderr = ::dup(STDERR_FILENO);
  ::dup2(fds[1], STDERR_FILENO);
  ::close(fds[1]);
  std::string received;
  std::thread reader([&] {
    char buffer[65536];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof(buffer))) > 0;) received.append(buffer, n);
  });
  constexpr int kThreads = 4;
  constexpr int kLines = 300;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        size_t size = i % 3 == 0 ? 3 * PIPE_BUF : 100;  // every third line is long
        LogJson("info", "line", {{"thread", t}, {"pad", std::string(size, 'a' + t)}});
      }
    });
  }
  for (std::thread& w : writers) w.join();
  ::dup2(saved_stderr, STDERR_FILENO);  // closes the pipe's last write end: the reader ends
  ::close(saved_stderr);
  reader.join();
  ::close(fds[0]);
  std::vector<std::string> lines = absl::StrSplit(received, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  for (const std::string& line : lines) ASSERT_TRUE(nlohmann::json::accept(line)) << line.size();
}

}  // namespace
}  // namespace pi::common
