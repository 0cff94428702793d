// The semester-end evaluation (server/plans/evaluation.h): what makes an
// evaluation incomplete or malformed, closing, and continuing into a new
// draft for the next semester with copied contents and new ids.

#include "server/plans/evaluation.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/plans/lifecycle_fixture.h"

namespace pumpurs::plans {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::Contains;
using ::testing::ElementsAre;

constexpr auto kFailedPrecondition = absl::StatusCode::kFailedPrecondition;
constexpr auto kInvalidArgument = absl::StatusCode::kInvalidArgument;

class EvaluationTest : public LifecycleTest {
 protected:
  // A plan of A in implementation this semester.
  StoredPlan Running() {
    return AddPlanA(Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  }

  // A complete evaluation of the fixture's content (goal g1, measures m1
  // and m2).
  static v1::PlanEvaluation Complete(v1::EvaluationDecision decision) {
    v1::PlanEvaluation e;
    v1::OutcomeEntry* g = e.add_goals();
    g->set_id("g1");
    g->set_outcome(v1::OUTCOME_PARTLY_ACHIEVED);
    g->set_comment("Vērtējums 4.");
    v1::OutcomeEntry* m1 = e.add_measures();
    m1->set_id("m1");
    m1->set_outcome(v1::OUTCOME_ACHIEVED);
    v1::OutcomeEntry* m2 = e.add_measures();
    m2->set_id("m2");
    m2->set_outcome(v1::OUTCOME_NOT_ACHIEVED);
    e.set_decision(decision);
    e.set_summary("Jāturpina.");
    return e;
  }

  void ExpectIncomplete(const StoredPlan& p, const v1::PlanEvaluation& e,
                        const std::string& what) {
    Result r = Evaluate(PreparerA(), p.id, e);
    EXPECT_THAT(r, StatusIs(kFailedPrecondition)) << what;
    EXPECT_THAT(r, HasReason("EVALUATION_INCOMPLETE")) << what;
    EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr(what));
  }
};

TEST_F(EvaluationTest, AnEvaluationNeedsAnOutcomeForEveryGoalAndMeasure) {
  StoredPlan p = Running();
  v1::PlanEvaluation e = Complete(v1::EVALUATION_DECISION_CLOSE);

  v1::PlanEvaluation no_goal = e;
  no_goal.clear_goals();
  ExpectIncomplete(p, no_goal, "goals without exactly one outcome: g1");

  v1::PlanEvaluation no_outcome = e;
  no_outcome.mutable_measures(1)->clear_outcome();
  ExpectIncomplete(p, no_outcome, "measures without exactly one outcome: m2");

  v1::PlanEvaluation missing_measure = e;
  missing_measure.mutable_measures()->RemoveLast();
  ExpectIncomplete(p, missing_measure, "m2");

  v1::PlanEvaluation twice = e;
  *twice.add_goals() = e.goals(0);
  ExpectIncomplete(p, twice, "goals without exactly one outcome: g1");

  v1::PlanEvaluation no_decision = e;
  no_decision.clear_decision();
  ExpectIncomplete(p, no_decision, "no decision");

  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  EXPECT_EQ(Load(p.id).version, 1);
}

TEST_F(EvaluationTest, MalformedEntriesAreInvalidArguments) {
  StoredPlan p = Running();
  v1::PlanEvaluation e = Complete(v1::EVALUATION_DECISION_CLOSE);
  v1::OutcomeEntry unknown;
  unknown.set_id("g9");
  unknown.set_outcome(v1::OUTCOME_ACHIEVED);
  *e.add_goals() = unknown;
  e.mutable_measures(0)->set_comment(std::string(2001, 'x'));
  e.set_summary(std::string(4001, 'x'));
  e.mutable_measures(1)->set_outcome(static_cast<v1::Outcome>(42));
  // Text and enum problems are found before the plan is read.
  Result r = Evaluate(PreparerA(), p.id, e);
  EXPECT_THAT(r, StatusIs(kInvalidArgument));
  EXPECT_THAT(r, ViolatesFields(std::vector<std::string>{
                     "evaluation.measures[0].comment", "evaluation.summary",
                     "evaluation.measures[1].outcome"}));
  // Unknown ids once the text is right.
  e = Complete(v1::EVALUATION_DECISION_CLOSE);
  *e.add_goals() = unknown;
  e.mutable_measures(0)->set_id("");
  r = Evaluate(PreparerA(), p.id, e);
  EXPECT_THAT(r, StatusIs(kInvalidArgument));
  EXPECT_THAT(r, ViolatesFields(std::vector<std::string>{
                     "evaluation.goals[1].id", "evaluation.measures[0].id"}));
  EXPECT_EQ(Load(p.id).version, 1);
}

TEST_F(EvaluationTest, OnlyAPlanInImplementationIsEvaluated) {
  for (v1::PlanState state :
       {v1::PLAN_STATE_DRAFT, v1::PLAN_STATE_APPROVED, v1::PLAN_STATE_SUSPENDED,
        v1::PLAN_STATE_CLOSED}) {
    StoredPlan p = AddPlanA(Current(), state);
    Result r =
        Evaluate(PreparerA(), p.id, Complete(v1::EVALUATION_DECISION_CLOSE));
    EXPECT_THAT(r, StatusIs(kFailedPrecondition)) << state;
    EXPECT_THAT(r, HasReason("PLAN_NOT_IN_IMPLEMENTATION")) << state;
    Edit(p.id,
         [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_INACTIVE); });
  }
}

TEST_F(EvaluationTest, OnlyThePreparerAndTheHeadEvaluate) {
  StoredPlan p = Running();
  for (const CallContext& call :
       {ProviderA(), Coordinator(a_), Head(b_), North(), GuardianA()}) {
    EXPECT_THAT(Evaluate(call, p.id, Complete(v1::EVALUATION_DECISION_CLOSE)),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << call.caller_id;
  }
  EXPECT_THAT(Evaluate(HeadA(), p.id, Complete(v1::EVALUATION_DECISION_CLOSE)),
              IsOk());
}

TEST_F(EvaluationTest, AWithdrawnApplicationStopsTheEvaluation) {
  StoredPlan p = Running();
  WithdrawApplicationOf(p);
  EXPECT_THAT(
      Evaluate(PreparerA(), p.id, Complete(v1::EVALUATION_DECISION_CLOSE)),
      HasReason("APPLICATION_WITHDRAWN"));
}

TEST_F(EvaluationTest, AStaleEtagAborts) {
  StoredPlan p = Running();
  Result r = Evaluate(PreparerA(), p.id,
                      Complete(v1::EVALUATION_DECISION_CLOSE), "\"7\"");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(r, HasReason("ETAG_MISMATCH"));
  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
}

TEST_F(EvaluationTest, CloseRecordsTheEvaluation) {
  StoredPlan p = Running();
  v1::PlanEvaluation e = Complete(v1::EVALUATION_DECISION_CLOSE);
  e.set_evaluator("accounts/someone-else");
  e.mutable_time()->set_seconds(1);
  Result r = Evaluate(PreparerA(), p.id, e, p.plan.etag());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_CLOSED);
  EXPECT_EQ(r->continued_by(), "");
  const v1::PlanEvaluation stored = Load(p.id).plan.evaluation();
  EXPECT_EQ(stored.evaluator(), PreparerA().caller_id);
  EXPECT_EQ(stored.time().seconds(), absl::ToUnixSeconds(now_));
  EXPECT_EQ(stored.decision(), v1::EVALUATION_DECISION_CLOSE);
  EXPECT_EQ(stored.summary(), "Jāturpina.");
  ASSERT_EQ(stored.measures_size(), 2);
  EXPECT_EQ(stored.measures(1).outcome(), v1::OUTCOME_NOT_ACHIEVED);
  EXPECT_EQ(stored.goals(0).comment(), "Vērtējums 4.");
  EXPECT_THAT(Actions(p.id), ElementsAre("create", "evaluate"));
  EXPECT_EQ(Revisions(p.id).back().changed_fields, "state,evaluation");
  // Only this plan exists for the pupil.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM support_plans WHERE pupil_id = '" +
                     pupil_ + "'"),
            1);
  EXPECT_THAT(StoredAudit(),
              Contains("supportPlan.evaluate supportPlans/" + p.id + " 1"));
}

TEST_F(EvaluationTest, ContinueCopiesThePlanIntoADraftForTheNextSemester) {
  StoredPlan p = Running();
  Edit(p.id, [](StoredPlan& s) {
    s.plan.mutable_measures(0)->set_delivered_quantity(3);
    s.plan.mutable_measures(0)->set_delivery_count(2);
  });
  p = Load(p.id);
  Result r =
      Evaluate(PreparerA(), p.id, Complete(v1::EVALUATION_DECISION_CONTINUE));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_CLOSED);
  ASSERT_NE(r->continued_by(), "");
  const std::string next_id =
      r->continued_by().substr(std::string("supportPlans/").size());

  const StoredPlan old = Load(p.id);
  EXPECT_EQ(old.plan.continued_by(), r->continued_by());
  EXPECT_EQ(Revisions(p.id).back().changed_fields,
            "state,evaluation,continued_by");

  const StoredPlan next = Load(next_id);
  const Semester semester = Next(Current());
  EXPECT_EQ(next.semester, semester);
  EXPECT_EQ(next.state(), v1::PLAN_STATE_DRAFT);
  EXPECT_FALSE(next.submitted);
  EXPECT_EQ(next.pupil_id, pupil_);
  EXPECT_EQ(next.institution_id, a_.id);
  EXPECT_EQ(next.application_id, p.application_id);
  EXPECT_EQ(next.preparer_id, preparer_a_);
  EXPECT_EQ(next.plan.continues(), "supportPlans/" + p.id);
  EXPECT_EQ(next.plan.round(), 0);
  EXPECT_EQ(next.plan.approvals_size(), 0);
  EXPECT_FALSE(next.plan.has_evaluation());
  EXPECT_EQ(next.plan.problem_description(), p.plan.problem_description());
  ASSERT_EQ(next.plan.risks_size(), 2);
  EXPECT_EQ(next.plan.risks(1).risk_factor(), "riskFactors/long-term-illness");
  EXPECT_EQ(next.plan.risks(1).justification(), "Ilgstoša slimība.");

  const std::string first = FormatDay(FirstDay(semester));
  const std::string last = FormatDay(LastDay(semester));
  ASSERT_EQ(next.plan.goals_size(), 1);
  EXPECT_NE(next.plan.goals(0).id(), "g1");
  EXPECT_FALSE(next.plan.goals(0).id().empty());
  EXPECT_EQ(next.plan.goals(0).description(), p.plan.goals(0).description());
  EXPECT_EQ(next.plan.goals(0).due_date(), last);
  ASSERT_EQ(next.plan.measures_size(), 2);
  std::set<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    const v1::PlanMeasure& m = next.plan.measures(i);
    ids.insert(m.id());
    EXPECT_NE(m.id(), p.plan.measures(i).id());
    EXPECT_EQ(m.measure_type(), p.plan.measures(i).measure_type());
    EXPECT_EQ(m.provider(), p.plan.measures(i).provider());
    EXPECT_THAT(m.addresses(), ElementsAre(p.plan.measures(i).addresses(0)));
    EXPECT_EQ(m.planned_quantity(), p.plan.measures(i).planned_quantity());
    EXPECT_EQ(m.start_date(), first);
    EXPECT_EQ(m.end_date(), last);
    EXPECT_EQ(m.delivered_quantity(), 0);
    EXPECT_EQ(m.delivery_count(), 0);
  }
  EXPECT_EQ(ids.size(), 2u);
  // The providers see the new plan too.
  EXPECT_EQ(next.provider_ids, p.provider_ids);

  EXPECT_THAT(Actions(next_id), ElementsAre("create"));
  const std::vector<std::string> audit = StoredAudit();
  EXPECT_THAT(audit,
              Contains("supportPlan.evaluate supportPlans/" + p.id + " 1"));
  EXPECT_THAT(audit,
              Contains("supportPlan.create supportPlans/" + next_id + " 1"));
}

TEST_F(EvaluationTest, ContinueIsRefusedWhenTheNextSemesterHasAPlan) {
  StoredPlan p = Running();
  StoredPlan next = AddPlanA(Next(Current()));
  Result r =
      Evaluate(PreparerA(), p.id, Complete(v1::EVALUATION_DECISION_CONTINUE));
  EXPECT_THAT(r, StatusIs(kFailedPrecondition));
  EXPECT_THAT(r, HasReason("NEXT_PLAN_EXISTS"));
  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  // A deleted plan of the next semester does not count.
  ASSERT_THAT(Delete(PreparerA(), next.id), IsOk());
  r = Evaluate(PreparerA(), p.id, Complete(v1::EVALUATION_DECISION_CONTINUE));
  ASSERT_THAT(r, IsOk());
  EXPECT_NE(r->continued_by(), "supportPlans/" + next.id);
}

}  // namespace
}  // namespace pumpurs::plans
