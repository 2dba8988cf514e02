#include "services/instruments/crypto/public_random.h"

#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace pi::instruments::crypto {
namespace {

std::string Draw(size_t size) {
  std::string out(size, '\0');
  FillPublicRandom(reinterpret_cast<unsigned char*>(out.data()), size);
  return out;
}

TEST(PublicRandomTest, DrawsNeverRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(Draw(12)).second);
}

TEST(PublicRandomTest, DrawsLargerThanTheBufferAreFilledEntirely) {
  std::string big = Draw(5000);
  // 5000 random bytes with a run of 64 zero bytes would mean a chunk was never filled.
  EXPECT_EQ(big.find(std::string(64, '\0')), std::string::npos);
}

TEST(PublicRandomTest, ThreadsGetDifferentBytes) {
  std::vector<std::string> per_thread(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { per_thread[t] = Draw(32); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(per_thread.begin(), per_thread.end()).size(), 4u);
}

// After fork(), parent and child would otherwise hand out the same buffered bytes: a nonce
// reused under one key breaks GCM.
TEST(PublicRandomTest, ParentAndChildNeverShareBufferedBytesAfterFork) {
  Draw(1);  // fill this thread's buffer before forking
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string drawn = Draw(16);
    ssize_t written = write(fds[1], drawn.data(), drawn.size());
    _exit(written == 16 ? 0 : 1);
  }
  std::string parent = Draw(16);
  std::string from_child(16, '\0');
  ASSERT_EQ(read(fds[0], from_child.data(), 16), 16);
  int status = 0;
  waitpid(child, &status, 0);
  close(fds[0]);
  close(fds[1]);
  EXPECT_NE(parent, from_child);
}

}  // namespace
}  // namespace pi::instruments::crypto
