// Etags are quoted change counters; an empty etag means "unconditional".

#include "server/common/etag.h"

#include "gtest/gtest.h"

namespace pumpurs {
namespace {

TEST(EtagTest, IsQuotedVersion) {
  EXPECT_EQ(EtagFor(1), "\"1\"");
  EXPECT_EQ(EtagFor(42), "\"42\"");
  EXPECT_EQ(EtagFor(9007199254740993), "\"9007199254740993\"");
}

TEST(EtagTest, EmptyMatchesAnyVersion) {
  EXPECT_TRUE(EtagMatches("", 1));
  EXPECT_TRUE(EtagMatches("", 99));
}

TEST(EtagTest, OnlyTheCurrentEtagMatches) {
  EXPECT_TRUE(EtagMatches(EtagFor(3), 3));
  EXPECT_FALSE(EtagMatches(EtagFor(2), 3));
  EXPECT_FALSE(EtagMatches(EtagFor(4), 3));
  EXPECT_FALSE(EtagMatches("3", 3));  // unquoted
  EXPECT_FALSE(EtagMatches("W/\"3\"", 3));
  EXPECT_FALSE(EtagMatches("\"3\" ", 3));
  EXPECT_FALSE(EtagMatches("\"03\"", 3));
}

}  // namespace
}  // namespace pumpurs
