// Sort positions: the (sort_key, id) keyset a page token carries.

#include "server/directory/rows.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/collation.h"
#include "server/common/paging.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::directory {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;

TEST(SortPositionTest, EmptyTokenIsTheStart) {
  absl::StatusOr<SortPosition> p = DecodeSortPosition("", "ListMunicipalities");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->sort_key, "");
  EXPECT_EQ(p->id, "");
}

TEST(SortPositionTest, RoundTripsCollationKeys) {
  SortPosition in{LatvianSortKey("Ģirts Ķēniņš"), "abcdefghijklmnop"};
  std::string token = EncodeSortPosition("ListInstitutions|m|1", in);
  EXPECT_FALSE(token.empty());
  absl::StatusOr<SortPosition> out =
      DecodeSortPosition(token, "ListInstitutions|m|1");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->sort_key, in.sort_key);
  EXPECT_EQ(out->id, in.id);
}

TEST(SortPositionTest, RoundTripsEmptyParts) {
  absl::StatusOr<SortPosition> out =
      DecodeSortPosition(EncodeSortPosition("q", SortPosition{}), "q");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->sort_key, "");
  EXPECT_EQ(out->id, "");
}

TEST(SortPositionTest, RefusesOtherQueries) {
  std::string token = EncodeSortPosition("ListMunicipalities", {"k", "id"});
  absl::StatusOr<SortPosition> p =
      DecodeSortPosition(token, "ListInstitutions||0");
  EXPECT_THAT(p, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(p, HasReason("INVALID_PAGE_TOKEN"));
}

TEST(SortPositionTest, RefusesTokensWithOtherPartCounts) {
  for (const std::vector<std::string>& key :
       {std::vector<std::string>{}, std::vector<std::string>{"k"},
        std::vector<std::string>{"k", "id", "extra"}}) {
    EXPECT_THAT(DecodeSortPosition(EncodePageToken("q", key), "q"),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST(SortPositionTest, RefusesGarbage) {
  EXPECT_THAT(DecodeSortPosition("not a token", "q"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace pumpurs::directory
