#include "gateway/core/rate_limiter.h"

#include <string>

#include "gtest/gtest.h"

namespace pi::gateway::core {
namespace {

// The limiter reads this clock; tests move it by hand, so nothing depends on real time.
class FakeClock {
 public:
  absl::Time now = absl::FromUnixSeconds(1700000000);
  RateLimiter::Clock AsClock() {
    return [this] { return now; };
  }
};

TEST(RateLimiterTest, AllowsTheBurstThenRefusesWithTheWaitForOneToken) {
  FakeClock clock;
  RateLimiter limiter({.per_minute = 6, .burst = 3}, clock.AsClock());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("PKa|10.0.0.1").allowed) << i;
  RateLimiter::Decision refused = limiter.Take("PKa|10.0.0.1");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, absl::Seconds(10));  // 6 a minute: one every 10 s
}

TEST(RateLimiterTest, RefillsAtTheRate) {
  FakeClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 1}, clock.AsClock());
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_FALSE(limiter.Take("k").allowed);
  clock.now += absl::Milliseconds(500);
  RateLimiter::Decision half = limiter.Take("k");
  EXPECT_FALSE(half.allowed);
  EXPECT_EQ(half.retry_after, absl::Milliseconds(500));
  clock.now += absl::Milliseconds(500);
  EXPECT_TRUE(limiter.Take("k").allowed);
  // A long pause refills no more than the burst.
  clock.now += absl::Hours(1);
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_FALSE(limiter.Take("k").allowed);
}

TEST(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  FakeClock clock;
  RateLimiter limiter({.per_minute = 1, .burst = 1}, clock.AsClock());
  EXPECT_TRUE(limiter.Take("PKa|10.0.0.1").allowed);
  EXPECT_FALSE(limiter.Take("PKa|10.0.0.1").allowed);
  EXPECT_TRUE(limiter.Take("PKa|10.0.0.2").allowed);
  EXPECT_TRUE(limiter.Take("PKb|10.0.0.1").allowed);
}

TEST(RateLimiterTest, AClockSteppingBackDrainsNothing) {
  FakeClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 2}, clock.AsClock());
  EXPECT_TRUE(limiter.Take("k").allowed);
  clock.now -= absl::Hours(1);
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_FALSE(limiter.Take("k").allowed);
}

TEST(RateLimiterTest, KeepsAtMostMaxKeysEvictingTheLeastRecentlyUsed) {
  FakeClock clock;
  RateLimiter limiter({.per_minute = 1, .burst = 1, .max_keys = 3}, clock.AsClock());
  for (int i = 0; i < 1000; ++i) limiter.Take("attacker-" + std::to_string(i));
  EXPECT_EQ(limiter.tracked_keys(), 3u);

  RateLimiter lru({.per_minute = 1, .burst = 1, .max_keys = 2}, clock.AsClock());
  EXPECT_TRUE(lru.Take("a").allowed);
  EXPECT_TRUE(lru.Take("b").allowed);
  EXPECT_FALSE(lru.Take("a").allowed);  // "a" is now the most recently used
  EXPECT_TRUE(lru.Take("c").allowed);   // evicts "b"
  EXPECT_FALSE(lru.Take("a").allowed) << "a was evicted instead of the least recently used b";
  EXPECT_TRUE(lru.Take("b").allowed) << "b starts over with a full bucket";
}

}  // namespace
}  // namespace pi::gateway::core
