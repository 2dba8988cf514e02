#include "services/common/secret.h"

#include <sstream>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace pi::common {
namespace {

constexpr char kPan[] = "4111111111111111";

TEST(SecretTest, StreamsAsStars) {
  Secret secret{std::string(kPan)};
  std::ostringstream out;

  out << "pan=" << secret;

  EXPECT_EQ(out.str(), "pan=***");
  EXPECT_EQ(out.str().find("4111"), std::string::npos);
}

TEST(SecretTest, DefaultIsEmpty) {
  Secret secret;

  EXPECT_TRUE(secret.empty());
  EXPECT_EQ(secret.size(), 0u);
  EXPECT_EQ(secret.Reveal(), "");
}

TEST(SecretTest, RevealReturnsTheValue) {
  Secret secret{std::string(kPan)};

  EXPECT_EQ(secret.Reveal(), kPan);
  EXPECT_EQ(secret.size(), 16u);
  EXPECT_FALSE(secret.empty());
}

TEST(SecretTest, PointerAndSizeConstructorKeepsEmbeddedNul) {
  const char bytes[] = {'a', '\0', 'b'};
  Secret secret(bytes, sizeof(bytes));

  EXPECT_EQ(secret.size(), 3u);
  EXPECT_EQ(secret.Reveal(), absl::string_view(bytes, sizeof(bytes)));
}

TEST(SecretTest, MoveConstructionLeavesSourceEmpty) {
  Secret source{std::string(kPan)};

  Secret target(std::move(source));

  EXPECT_EQ(target.Reveal(), kPan);
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(source.Reveal(), "");
}

TEST(SecretTest, MoveAssignmentReplacesValueAndLeavesSourceEmpty) {
  Secret source{std::string(kPan)};
  Secret target{std::string("an older, longer value that is replaced")};

  target = std::move(source);

  EXPECT_EQ(target.Reveal(), kPan);
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): the contract under test
}

TEST(SecretTest, SelfMoveAssignmentKeepsTheValue) {
  Secret secret{std::string(kPan)};
  Secret& alias = secret;

  secret = std::move(alias);

  EXPECT_EQ(secret.Reveal(), kPan);
}

TEST(SecretTest, ClearEmpties) {
  Secret secret{std::string(kPan)};

  secret.Clear();

  EXPECT_TRUE(secret.empty());
  EXPECT_EQ(secret.Reveal(), "");
}

TEST(SecretTest, CloneCopiesIndependently) {
  Secret original{std::string(kPan)};

  Secret copy = original.Clone();
  original.Clear();

  EXPECT_EQ(copy.Reveal(), kPan);
  EXPECT_TRUE(original.empty());
}

}  // namespace
}  // namespace pi::common

namespace pi::common {
namespace {

// A short string lives in the caller's inline buffer; moving it in must still wipe that buffer.
TEST(SecretTest, ConstructionWipesTheCallersWholeBuffer) {
  for (std::string value : {std::string("1234"), std::string(40, '7')}) {
    size_t capacity = value.capacity();
    const char* buffer = value.data();
    Secret secret(std::move(value));
    EXPECT_EQ(secret.size(), std::string(secret.Reveal()).size());
    EXPECT_EQ(value.data(), buffer) << "the argument's buffer is still the caller's";
    for (size_t i = 0; i < capacity; ++i) {
      EXPECT_EQ(static_cast<unsigned char>(buffer[i]), 0u) << "byte " << i;
    }
  }
}

}  // namespace
}  // namespace pi::common
