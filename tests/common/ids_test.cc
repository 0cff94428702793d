// Resource ids: format, uniqueness, and the parser every RPC uses on names.

#include "server/common/ids.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

TEST(NewIdTest, HasSixteenBase32Characters) {
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId();
    ASSERT_EQ(id.size(), 16u) << id;
    for (char c : id) {
      ASSERT_NE(kAlphabet.find(c), absl::string_view::npos) << id;
    }
  }
}

TEST(NewIdTest, UniqueOverManyIds) {
  constexpr int kCount = 200000;
  absl::flat_hash_set<std::string> seen;
  seen.reserve(kCount);
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(seen.insert(NewId()).second) << "duplicate after " << i;
  }
}

TEST(NewIdTest, UsesTheWholeAlphabetAtEveryPosition) {
  // A biased generator (e.g. an off-by-one range) would leave letters out.
  std::vector<std::set<char>> per_position(16);
  for (int i = 0; i < 20000; ++i) {
    std::string id = NewId();
    for (size_t p = 0; p < id.size(); ++p) per_position[p].insert(id[p]);
  }
  for (size_t p = 0; p < per_position.size(); ++p) {
    EXPECT_EQ(per_position[p].size(), kAlphabet.size()) << "position " << p;
  }
}

TEST(NewIdTest, UniqueAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  absl::Mutex mu;
  absl::flat_hash_set<std::string> seen;
  int duplicates = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < kPerThread; ++i) mine.push_back(NewId());
      absl::MutexLock lock(&mu);
      for (auto& id : mine) {
        if (!seen.insert(id).second) ++duplicates;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(ResourceNameTest, JoinsCollectionAndId) {
  EXPECT_EQ(ResourceName("institutions", "abc"), "institutions/abc");
}

TEST(ParseResourceNameTest, AcceptsWellFormedNames) {
  std::string id = NewId();
  absl::StatusOr<std::string> got = ParseResourceName(
      ResourceName("institutions", id), "institutions", "name");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, id);

  for (const std::string& ok :
       {std::string("a"), std::string("0"), std::string("abc-def_123"),
        std::string(64, 'z')}) {
    absl::StatusOr<std::string> parsed =
        ParseResourceName("municipalities/" + ok, "municipalities", "name");
    ASSERT_THAT(parsed, IsOk()) << ok;
    EXPECT_EQ(*parsed, ok);
  }
}

TEST(ParseResourceNameTest, RejectsMalformedNames) {
  const std::vector<std::string> bad = {
      "",
      "institutions",
      "institutions/",
      "institution/abc",
      "institutionsx/abc",
      "Institutions/abc",
      "municipalities/abc",
      "/abc",
      "abc",
      "institutions/ABC",
      "institutions/a/b",
      "institutions/a b",
      "institutions/a.b",
      "institutions/ā",
      "institutions/abc\n",
      std::string("institutions/a\0b", 16),
      "institutions/" + std::string(65, 'a'),
      " institutions/abc",
  };
  for (const std::string& name : bad) {
    SCOPED_TRACE(name);
    absl::StatusOr<std::string> got =
        ParseResourceName(name, "institutions", "institution.name");
    EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument));
    std::vector<FieldViolation> v = FieldViolationsOf(got.status());
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].field, "institution.name");
    EXPECT_THAT(v[0].description, HasSubstr("institutions/{id}"));
  }
}

TEST(ParseOptionalResourceNameTest, EmptyIsUnsetAndOtherwiseAsParse) {
  absl::StatusOr<std::string> unset =
      ParseOptionalResourceName("", "pupils", "pupil");
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(*unset, "");
  absl::StatusOr<std::string> id =
      ParseOptionalResourceName("pupils/abc", "pupils", "pupil");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "abc");
  EXPECT_EQ(ParseOptionalResourceName("guardians/abc", "pupils", "pupil")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pumpurs
