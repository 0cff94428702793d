#include "server/knowledge/taxonomy.h"

#include "tests/knowledge/kb_fixture.h"

namespace pumpurs::knowledge {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Names(const Page<v1::RiskFactor>& page) {
  std::vector<std::string> out;
  for (const auto& rf : page.items) out.push_back(rf.name());
  return out;
}
std::vector<std::string> Names(const Page<v1::MeasureType>& page) {
  std::vector<std::string> out;
  for (const auto& mt : page.items) out.push_back(mt.name());
  return out;
}

class TaxonomyTest : public KbTest {};

TEST_F(TaxonomyTest, GetsRiskFactorAsSeeded) {
  absl::StatusOr<v1::RiskFactor> rf =
      GetRiskFactor(*conn_, "unjustified-absences");
  ASSERT_THAT(rf, IsOk());
  EXPECT_EQ(rf->title().lv(), "Neattaisnoti kavējumi");
  EXPECT_EQ(rf->group(), v1::RISK_GROUP_LEARNING_AND_SCHOOL);
  ASSERT_EQ(rf->warning_signs_size(), 1);
  EXPECT_THAT(GetRiskFactor(*conn_, "no-such"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TaxonomyTest, ListsRiskFactorsByGroupOrderCode) {
  absl::StatusOr<Page<v1::RiskFactor>> page = ListRiskFactors(*conn_, {});
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Names(*page), ElementsAre("riskFactors/learning-difficulties",
                                        "riskFactors/unjustified-absences",
                                        "riskFactors/low-income"));
  EXPECT_THAT(page->next_page_token, IsEmpty());
}

TEST_F(TaxonomyTest, PagesRiskFactors) {
  RiskFactorQuery q;
  q.page_size = 2;
  absl::StatusOr<Page<v1::RiskFactor>> first = ListRiskFactors(*conn_, q);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->items.size(), 2u);
  ASSERT_FALSE(first->next_page_token.empty());
  q.page_token = first->next_page_token;
  absl::StatusOr<Page<v1::RiskFactor>> second = ListRiskFactors(*conn_, q);
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(Names(*second), ElementsAre("riskFactors/low-income"));
  EXPECT_THAT(second->next_page_token, IsEmpty());
  // A token is bound to its filters.
  q.group = v1::RISK_GROUP_ECONOMIC;
  EXPECT_THAT(ListRiskFactors(*conn_, q), HasReason("INVALID_PAGE_TOKEN"));
}

TEST_F(TaxonomyTest, FiltersRiskFactorsByGroup) {
  RiskFactorQuery q;
  q.group = v1::RISK_GROUP_ECONOMIC;
  absl::StatusOr<Page<v1::RiskFactor>> page = ListRiskFactors(*conn_, q);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Names(*page), ElementsAre("riskFactors/low-income"));
  q.group = 99;
  EXPECT_THAT(ListRiskFactors(*conn_, q),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(TaxonomyTest, ListsAndFiltersMeasureTypes) {
  absl::StatusOr<Page<v1::MeasureType>> all = ListMeasureTypes(*conn_, {});
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(Names(*all),
              ElementsAre("measureTypes/meal-compensation",
                          "measureTypes/psychologist-consultation"));
  MeasureTypeQuery by_category;
  by_category.category = v1::MEASURE_CATEGORY_CONSULTATION;
  absl::StatusOr<Page<v1::MeasureType>> c =
      ListMeasureTypes(*conn_, by_category);
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(Names(*c), ElementsAre("measureTypes/psychologist-consultation"));
  MeasureTypeQuery by_risk;
  by_risk.risk_code = "low-income";
  absl::StatusOr<Page<v1::MeasureType>> r = ListMeasureTypes(*conn_, by_risk);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Names(*r), ElementsAre("measureTypes/meal-compensation"));
  by_risk.risk_code = "learning-difficulties";
  r = ListMeasureTypes(*conn_, by_risk);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->items, IsEmpty());
}

TEST_F(TaxonomyTest, PagesMeasureTypes) {
  MeasureTypeQuery q;
  q.page_size = 1;
  absl::StatusOr<Page<v1::MeasureType>> first = ListMeasureTypes(*conn_, q);
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(Names(*first), ElementsAre("measureTypes/meal-compensation"));
  q.page_token = first->next_page_token;
  absl::StatusOr<Page<v1::MeasureType>> second = ListMeasureTypes(*conn_, q);
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(Names(*second),
              ElementsAre("measureTypes/psychologist-consultation"));
  EXPECT_THAT(second->next_page_token, IsEmpty());
}

TEST_F(TaxonomyTest, ParsesCodeNames) {
  EXPECT_THAT(ParseCodeName("riskFactors/low-income", kRiskFactors, "name"),
              IsOk());
  EXPECT_THAT(ParseCodeName("riskFactors/Low_Income", kRiskFactors, "name"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCodeName("measureTypes/x", kRiskFactors, "name"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(IsValidCode(std::string(65, 'a')));
  EXPECT_TRUE(IsValidCode(std::string(64, 'a')));
}

TEST_F(TaxonomyTest, ValidationNamesEveryBadField) {
  v1::MeasureType mt;
  mt.set_name("measureTypes/BAD");
  mt.add_addresses()->set_risk_factor("riskFactors/unknown");
  Violations v;
  ASSERT_THAT(ValidateMeasureType(*conn_, v, "m", mt), IsOk());
  EXPECT_THAT(v.ToStatus(),
              ::pumpurs::testing::ViolatesFields(std::vector<std::string>{
                  "m.name", "m.category", "m.unit", "m.title.lv",
                  "m.addresses[0].risk_factor", "m.addresses[0].strength"}));
}

}  // namespace
}  // namespace pumpurs::knowledge
