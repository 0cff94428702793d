#include "server/initiatives/store.h"

#include "tests/initiatives/initiative_fixture.h"

namespace pumpurs::initiatives {
namespace {

TEST_F(InitiativeTest, FixtureStoresACallAndAProjectThatLoadBack) {
  StoredCall c = AddCall(Today() - 10, Today() + 10);
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_DRAFT);
  absl::StatusOr<std::optional<StoredInitiative>> loaded =
      Read<std::optional<StoredInitiative>>([&](storage::Connection& conn) {
        return LoadInitiative(conn, i.id);
      });
  ASSERT_THAT(loaded, ::pumpurs::testing::IsOk());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->member_ids, std::vector<std::string>{pupil1_});
  EXPECT_EQ((*loaded)->guardian_ids, std::vector<std::string>{guardian1_});
  absl::StatusOr<std::optional<StoredCall>> call =
      Read<std::optional<StoredCall>>(
          [&](storage::Connection& conn) { return LoadCall(conn, c.id); });
  ASSERT_THAT(call, ::pumpurs::testing::IsOk());
  ASSERT_TRUE(call->has_value());
  EXPECT_EQ((*call)->evaluator_ids.size(), 2u);
}

}  // namespace
}  // namespace pumpurs::initiatives
