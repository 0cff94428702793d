#include "server/plans/access.h"

#include "tests/plans/plan_fixture.h"

namespace pumpurs::plans {
namespace {

TEST_F(PlanTest, FixtureStoresAPlanThatLoadsBack) {
  StoredPlan p = AddPlanA(Current());
  absl::StatusOr<std::optional<StoredPlan>> loaded = Read<std::optional<StoredPlan>>(
      [&](storage::Connection& c) { return LoadPlan(c, p.id); });
  ASSERT_THAT(loaded, ::pumpurs::testing::IsOk());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->plan.measures_size(), 2);
  EXPECT_EQ((*loaded)->provider_ids.size(), 2u);
  EXPECT_EQ((*loaded)->guardian_ids, std::vector<std::string>{guardian_});
}

}  // namespace
}  // namespace pumpurs::plans
