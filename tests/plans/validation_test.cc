// The content rules of a plan (validation.h): every problem named by its
// full path, and the normalization of what is stored (knowledge-base
// groups, units, ids, delivered quantities).

#include "server/plans/validation.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "tests/plans/plan_calls.h"

namespace pumpurs::plans {
namespace {

using ::pumpurs::testing::IsOk;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

class ValidationTest : public PlanCallsTest {
 protected:
  // The fields violated by `plan` (normalized in place) for A in the
  // current semester.
  std::vector<std::string> Check(v1::SupportPlan& plan,
                                 const v1::SupportPlan* stored = nullptr) {
    Violations v;
    absl::Status s = db_->ReadSync(CallContext{}, [&](storage::Connection& c) {
      return CheckPlanContent(c, v, Current(), a_.id, stored, plan);
    });
    EXPECT_THAT(s, IsOk());
    std::vector<std::string> fields;
    for (const FieldViolation& f : v.items()) fields.push_back(f.field);
    return fields;
  }
  v1::SupportPlan Good() {
    return CompleteContent(Current(), preparer_a_, provider_a_);
  }
  std::string InSemester(int days_from_start) {
    return FormatDay(FirstDay(Current()) + days_from_start);
  }
};

TEST_F(ValidationTest, CompleteContentPasses) {
  v1::SupportPlan p = Good();
  EXPECT_THAT(Check(p), IsEmpty());
}

TEST_F(ValidationTest, GroupsAndSpecialCategoryComeFromTheKnowledgeBase) {
  v1::SupportPlan p = Good();
  // A client claims the illness is an economic, ordinary risk.
  p.mutable_risks(1)->set_group(v1::RISK_GROUP_ECONOMIC);
  p.mutable_risks(1)->set_special_category(false);
  p.mutable_risks(0)->set_group(v1::RISK_GROUP_UNSPECIFIED);
  p.mutable_risks(0)->set_redacted(true);
  ASSERT_THAT(Check(p), IsEmpty());
  EXPECT_EQ(p.risks(0).group(), v1::RISK_GROUP_LEARNING_AND_SCHOOL);
  EXPECT_FALSE(p.risks(0).special_category());
  EXPECT_FALSE(p.risks(0).redacted());
  EXPECT_EQ(p.risks(1).group(), v1::RISK_GROUP_SOCIAL_AND_HEALTH);
  EXPECT_TRUE(p.risks(1).special_category());
}

TEST_F(ValidationTest, TypedMeasuresTakeTheirTypesUnit) {
  v1::SupportPlan p = Good();
  p.mutable_measures(0)->set_unit(v1::MEASURE_UNIT_EUR);
  v1::PlanMeasure* meal = p.add_measures();
  *meal = p.measures(0);
  meal->set_id("m3");
  meal->set_measure_type("measureTypes/meal-compensation");
  meal->set_unit(v1::MEASURE_UNIT_UNSPECIFIED);
  ASSERT_THAT(Check(p), IsEmpty());
  EXPECT_EQ(p.measures(0).unit(), v1::MEASURE_UNIT_HOURS);
  EXPECT_EQ(p.measures(2).unit(), v1::MEASURE_UNIT_EUR);
}

TEST_F(ValidationTest, EmptyIdsAreAssignedAndUnique) {
  v1::SupportPlan p = Good();
  *p.add_goals() = p.goals(0);
  *p.add_goals() = p.goals(0);
  p.mutable_goals(0)->clear_id();
  p.mutable_goals(1)->clear_id();
  p.mutable_goals(2)->set_id("g1");
  p.mutable_measures(0)->clear_id();
  p.mutable_measures(1)->clear_id();
  ASSERT_THAT(Check(p), IsEmpty());
  std::set<std::string> goals;
  for (const auto& g : p.goals()) goals.insert(g.id());
  EXPECT_EQ(goals.size(), 3u);
  EXPECT_EQ(p.goals(2).id(), "g1");
  EXPECT_FALSE(p.measures(0).id().empty());
  EXPECT_NE(p.measures(0).id(), p.measures(1).id());
}

TEST_F(ValidationTest, RepeatedOrMalformedIdsAreNamed) {
  v1::SupportPlan p = Good();
  *p.add_goals() = p.goals(0);
  p.mutable_measures(1)->set_id("m1");
  p.mutable_measures(0)->set_id("bad id/");
  EXPECT_THAT(Check(p),
              UnorderedElementsAreArray(
                  {"support_plan.goals[1].id", "support_plan.measures[0].id"}));
}

TEST_F(ValidationTest, RiskRules) {
  v1::SupportPlan p = Good();
  p.mutable_risks(0)->set_risk_factor("riskFactors/no-such-factor");
  p.mutable_risks(0)->set_severity(v1::SEVERITY_UNSPECIFIED);
  v1::PlanRisk* repeat = p.add_risks();
  *repeat = p.risks(1);
  repeat->set_justification(std::string(2001, 'x'));
  v1::PlanRisk* malformed = p.add_risks();
  *malformed = p.risks(1);
  malformed->set_risk_factor("measureTypes/mentoring");
  v1::PlanRisk* missing = p.add_risks();
  *missing = p.risks(1);
  missing->clear_risk_factor();
  p.mutable_risks(1)->set_justification("");
  p.mutable_measures(0)->set_addresses(0, "riskFactors/no-such-factor");
  EXPECT_THAT(Check(p), UnorderedElementsAreArray({
                            "support_plan.risks[0].risk_factor",
                            "support_plan.risks[0].severity",
                            "support_plan.risks[1].justification",
                            "support_plan.risks[2].risk_factor",
                            "support_plan.risks[2].justification",
                            "support_plan.risks[3].risk_factor",
                            "support_plan.risks[4].risk_factor",
                        }));
}

TEST_F(ValidationTest, GoalRules) {
  v1::SupportPlan p = Good();
  v1::PlanGoal* g = p.mutable_goals(0);
  g->set_description("");
  g->set_success_criteria(std::string(1001, 'x'));
  g->set_due_date(FormatDay(LastDay(Current()) + 1));
  v1::PlanGoal* g2 = p.add_goals();
  *g2 = *g;
  g2->set_id("g2");
  g2->set_description("Mērķis.");
  g2->set_success_criteria("Kritērijs.");
  g2->set_due_date("2026-13-01");
  v1::PlanGoal* g3 = p.add_goals();
  *g3 = *g2;
  g3->set_id("g3");
  g3->clear_due_date();
  EXPECT_THAT(Check(p), UnorderedElementsAreArray({
                            "support_plan.goals[0].description",
                            "support_plan.goals[0].success_criteria",
                            "support_plan.goals[0].due_date",
                            "support_plan.goals[1].due_date",
                            "support_plan.goals[2].due_date",
                        }));
}

TEST_F(ValidationTest, MeasureRules) {
  v1::SupportPlan p = Good();
  v1::PlanMeasure* m = p.mutable_measures(0);
  m->set_measure_type("measureTypes/no-such-type");
  m->clear_addresses();
  m->set_justification("");
  m->set_provider(ResourceName(kStaff, preparer_v_));  // another school
  m->set_planned_quantity(0);
  m->set_planned_cost_cents(-1);
  m->set_start_date(InSemester(30));
  m->set_end_date(InSemester(10));
  m->set_mode(v1::DELIVERY_MODE_UNSPECIFIED);
  v1::PlanMeasure* m2 = p.mutable_measures(1);
  m2->add_addresses("riskFactors/addiction");  // not a risk of the plan
  m2->set_provider("teachers/x");
  m2->set_start_date(FormatDay(FirstDay(Current()) - 1));
  m2->set_end_date("someday");
  m2->set_planned_quantity(std::nan(""));
  EXPECT_THAT(Check(p), UnorderedElementsAreArray({
                            "support_plan.measures[0].measure_type",
                            "support_plan.measures[0].addresses",
                            "support_plan.measures[0].justification",
                            "support_plan.measures[0].provider",
                            "support_plan.measures[0].planned_quantity",
                            "support_plan.measures[0].planned_cost_cents",
                            "support_plan.measures[0].end_date",
                            "support_plan.measures[0].mode",
                            "support_plan.measures[1].addresses",
                            "support_plan.measures[1].provider",
                            "support_plan.measures[1].start_date",
                            "support_plan.measures[1].end_date",
                            "support_plan.measures[1].planned_quantity",
                        }));
}

TEST_F(ValidationTest, AddressesNameEachRiskOnce) {
  v1::SupportPlan p = Good();
  p.mutable_measures(0)->add_addresses("riskFactors/low-achievement");
  EXPECT_THAT(Check(p), UnorderedElementsAreArray(
                            {"support_plan.measures[0].addresses"}));
}

TEST_F(ValidationTest, CustomMeasures) {
  v1::SupportPlan p = Good();
  v1::PlanMeasure* custom = p.mutable_measures(0);
  custom->clear_measure_type();
  custom->set_custom_title("Pulciņš pēc stundām");
  custom->set_custom_description("Robotikas pulciņš.");
  custom->set_unit(v1::MEASURE_UNIT_SESSIONS);
  ASSERT_THAT(Check(p), IsEmpty());
  EXPECT_EQ(p.measures(0).unit(), v1::MEASURE_UNIT_SESSIONS);

  custom = p.mutable_measures(0);
  custom->clear_custom_title();
  custom->clear_unit();
  custom->set_custom_description(std::string(2001, 'x'));
  // A typed measure does not take a custom title.
  p.mutable_measures(1)->set_custom_title("Psihologs");
  EXPECT_THAT(Check(p), UnorderedElementsAreArray({
                            "support_plan.measures[0].custom_title",
                            "support_plan.measures[0].unit",
                            "support_plan.measures[0].custom_description",
                            "support_plan.measures[1].custom_title",
                        }));
  custom->set_custom_title(std::string(201, 'x'));
  custom->set_unit(v1::MEASURE_UNIT_HOURS);
  custom->clear_custom_description();
  p.mutable_measures(1)->clear_custom_title();
  EXPECT_THAT(Check(p), UnorderedElementsAreArray(
                            {"support_plan.measures[0].custom_title"}));
}

TEST_F(ValidationTest, Limits) {
  v1::SupportPlan p = Good();
  p.set_problem_description(std::string(4001, 'x'));
  const v1::PlanGoal goal = p.goals(0);
  const v1::PlanMeasure measure = p.measures(0);
  p.clear_goals();
  p.clear_measures();
  for (int i = 0; i < 21; ++i) *p.add_goals() = goal;
  for (int i = 0; i < 31; ++i) *p.add_measures() = measure;
  for (auto& g : *p.mutable_goals()) g.clear_id();
  for (auto& m : *p.mutable_measures()) m.clear_id();
  EXPECT_THAT(Check(p), UnorderedElementsAreArray({
                            "support_plan.problem_description",
                            "support_plan.goals",
                            "support_plan.measures",
                        }));
  p = Good();
  const v1::PlanRisk risk = p.risks(0);
  for (int i = 0; i < 20; ++i) *p.add_risks() = risk;  // 22: too many
  std::vector<std::string> fields = Check(p);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "support_plan.risks"),
            fields.end());
}

TEST_F(ValidationTest, DeliveredQuantitiesComeFromTheStoredPlan) {
  v1::SupportPlan stored = Good();
  stored.mutable_measures(0)->set_delivered_quantity(3.5);
  stored.mutable_measures(0)->set_delivery_count(4);
  v1::SupportPlan p = Good();
  p.mutable_measures(0)->set_delivered_quantity(99);
  p.mutable_measures(1)->set_delivered_quantity(7);
  p.mutable_measures(1)->set_delivery_count(7);
  ASSERT_THAT(Check(p, &stored), IsEmpty());
  EXPECT_EQ(p.measures(0).delivered_quantity(), 3.5);
  EXPECT_EQ(p.measures(0).delivery_count(), 4);
  EXPECT_EQ(p.measures(1).delivered_quantity(), 0);
  EXPECT_EQ(p.measures(1).delivery_count(), 0);

  // On a new plan nothing has been delivered.
  p = Good();
  p.mutable_measures(0)->set_delivery_count(2);
  ASSERT_THAT(Check(p), IsEmpty());
  EXPECT_EQ(p.measures(0).delivery_count(), 0);
}

TEST_F(ValidationTest, AMeasureWithDeliveriesStays) {
  v1::SupportPlan stored = Good();
  stored.mutable_measures(0)->set_delivery_count(1);
  v1::SupportPlan p = Good();
  p.mutable_measures()->DeleteSubrange(0, 1);
  EXPECT_THAT(Check(p, &stored),
              UnorderedElementsAreArray({"support_plan.measures"}));
  // Without deliveries it may go.
  stored.mutable_measures(0)->set_delivery_count(0);
  p = Good();
  p.mutable_measures()->DeleteSubrange(0, 1);
  EXPECT_THAT(Check(p, &stored), IsEmpty());
}

}  // namespace
}  // namespace pumpurs::plans
