// The plan's transitions (server/plans/lifecycle.h): every action and every
// refusal with its reason, the approval chains of a general and a state
// vocational school, revision with approval again at every level, the
// semester limit of resume, deletion only without funds used, a withdrawn
// application, who may act, stale etags, and the history and audit rows
// each action leaves.

#include "server/plans/lifecycle.h"

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
using ::testing::IsEmpty;
using ::testing::Not;

constexpr auto kFailedPrecondition = absl::StatusCode::kFailedPrecondition;
constexpr auto kPermissionDenied = absl::StatusCode::kPermissionDenied;
constexpr auto kInvalidArgument = absl::StatusCode::kInvalidArgument;

std::vector<std::string> Fields(const char* f) { return {f}; }

// --- Submit ---------------------------------------------------------------

TEST_F(LifecycleTest, SubmitSendsADraftToTheInstitutionLevel) {
  StoredPlan p = AddPlanA(Current());
  Result r = Submit(PreparerA(), p.id, p.plan.etag());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_IN_APPROVAL);
  EXPECT_EQ(r->pending_level(), v1::APPROVAL_LEVEL_INSTITUTION);
  EXPECT_EQ(r->round(), 1);
  EXPECT_NE(r->etag(), p.plan.etag());
  StoredPlan stored = Load(p.id);
  EXPECT_TRUE(stored.submitted);
  EXPECT_EQ(stored.state(), v1::PLAN_STATE_IN_APPROVAL);
  EXPECT_EQ(stored.plan.round(), 1);
}

TEST_F(LifecycleTest, TheHeadMaySubmitToo) {
  StoredPlan p = AddPlanA(Current());
  EXPECT_THAT(Submit(HeadA(), p.id), IsOk());
}

TEST_F(LifecycleTest, SubmitRefusesAPlanNotInDraft) {
  for (v1::PlanState state :
       {v1::PLAN_STATE_IN_APPROVAL, v1::PLAN_STATE_APPROVED,
        v1::PLAN_STATE_IN_IMPLEMENTATION, v1::PLAN_STATE_SUSPENDED,
        v1::PLAN_STATE_CLOSED}) {
    StoredPlan p = AddPlanA(Current(), state);
    Result r = Submit(PreparerA(), p.id);
    EXPECT_THAT(r, StatusIs(kFailedPrecondition)) << state;
    EXPECT_THAT(r, HasReason("PLAN_NOT_IN_DRAFT")) << state;
    EXPECT_EQ(Load(p.id).version, 1) << state;
    // One plan per semester: make room for the next.
    Edit(p.id,
         [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_INACTIVE); });
  }
}

TEST_F(LifecycleTest, SubmitRefusesAnIncompletePlanSayingWhatIsMissing) {
  struct Case {
    const char* missing;
    std::function<void(v1::SupportPlan&)> edit;
  };
  const std::vector<Case> cases = {
      {"no risk", [](v1::SupportPlan& p) { p.clear_risks(); }},
      {"no goal", [](v1::SupportPlan& p) { p.clear_goals(); }},
      {"no measure", [](v1::SupportPlan& p) { p.clear_measures(); }},
      {"measures addressing no risk of the plan: m1",
       [](v1::SupportPlan& p) {
         p.mutable_measures(0)->clear_addresses();
         p.mutable_measures(0)->add_addresses("riskFactors/bullying");
       }},
  };
  for (const Case& c : cases) {
    StoredPlan p = AddPlanA(Current());
    Edit(p.id, [&](StoredPlan& s) { c.edit(s.plan); });
    Result r = Submit(PreparerA(), p.id);
    EXPECT_THAT(r, StatusIs(kFailedPrecondition)) << c.missing;
    EXPECT_THAT(r, HasReason("PLAN_INCOMPLETE")) << c.missing;
    EXPECT_THAT(std::string(r.status().message()),
                ::testing::HasSubstr(c.missing));
    EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_DRAFT);
    Edit(p.id,
         [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_INACTIVE); });
  }
}

// --- Approval chains ---------------------------------------------------------

TEST_F(LifecycleTest, AGeneralSchoolPlanIsApprovedAtThreeLevels) {
  StoredPlan p = AddPlanA(Current());
  EXPECT_THAT(p.plan.approval_levels(),
              ElementsAre(v1::APPROVAL_LEVEL_INSTITUTION,
                          v1::APPROVAL_LEVEL_MUNICIPALITY,
                          v1::APPROVAL_LEVEL_NATIONAL));
  ASSERT_THAT(Submit(PreparerA(), p.id), IsOk());

  Result r = Approve(HeadA(), p.id, "Saskaņots.");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_IN_APPROVAL);
  EXPECT_EQ(r->pending_level(), v1::APPROVAL_LEVEL_MUNICIPALITY);

  r = Approve(North(), p.id);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->pending_level(), v1::APPROVAL_LEVEL_NATIONAL);
  // The municipality sees the plan with the special-category risk redacted.
  EXPECT_TRUE(r->risks(1).redacted());
  EXPECT_EQ(r->risks(1).risk_factor(), "");

  r = Approve(Admin(), p.id);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_APPROVED);
  EXPECT_EQ(r->pending_level(), v1::APPROVAL_LEVEL_UNSPECIFIED);

  const v1::SupportPlan stored = Load(p.id).plan;
  EXPECT_EQ(stored.state(), v1::PLAN_STATE_APPROVED);
  ASSERT_EQ(stored.approvals_size(), 3);
  EXPECT_EQ(stored.approvals(0).level(), v1::APPROVAL_LEVEL_INSTITUTION);
  EXPECT_EQ(stored.approvals(0).approver(), HeadA().caller_id);
  EXPECT_EQ(stored.approvals(0).comment(), "Saskaņots.");
  EXPECT_EQ(stored.approvals(1).level(), v1::APPROVAL_LEVEL_MUNICIPALITY);
  EXPECT_EQ(stored.approvals(1).approver(), North().caller_id);
  EXPECT_EQ(stored.approvals(2).level(), v1::APPROVAL_LEVEL_NATIONAL);
  EXPECT_EQ(stored.approvals(2).approver(), Admin().caller_id);
  for (const v1::ApprovalStep& s : stored.approvals()) {
    EXPECT_EQ(s.decision(), v1::APPROVAL_DECISION_APPROVED);
    EXPECT_EQ(s.round(), 1);
    EXPECT_EQ(s.time().seconds(), absl::ToUnixSeconds(now_));
  }
}

TEST_F(LifecycleTest, AStateVocationalSchoolPlanSkipsTheMunicipality) {
  StoredPlan p = AddPlanV(Current());
  EXPECT_THAT(
      p.plan.approval_levels(),
      ElementsAre(v1::APPROVAL_LEVEL_INSTITUTION, v1::APPROVAL_LEVEL_NATIONAL));
  ASSERT_THAT(Submit(PreparerV(), p.id), IsOk());
  Result r = Approve(HeadV(), p.id);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->pending_level(), v1::APPROVAL_LEVEL_NATIONAL);

  // The south coordinator has no step in this chain: a plain refusal.
  CallContext south = South();
  r = Approve(south, p.id);
  EXPECT_THAT(r, StatusIs(kPermissionDenied));
  EXPECT_THAT(r, HasReason("PERMISSION_DENIED"));
  EXPECT_THAT(Deferred(south),
              Contains("supportPlan.approve supportPlans/" + p.id + " 2"));

  r = Approve(Admin(), p.id);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_APPROVED);
  const v1::SupportPlan stored = Load(p.id).plan;
  ASSERT_EQ(stored.approvals_size(), 2);
  EXPECT_EQ(stored.approvals(0).level(), v1::APPROVAL_LEVEL_INSTITUTION);
  EXPECT_EQ(stored.approvals(1).level(), v1::APPROVAL_LEVEL_NATIONAL);
}

TEST_F(LifecycleTest, ApproversOfOtherLevelsHearItIsNotTheirLevel) {
  StoredPlan p = AddPlanA(Current());
  ASSERT_THAT(Submit(PreparerA(), p.id), IsOk());
  // Pending: the institution.
  for (const CallContext& call : {North(), Admin()}) {
    Result r = Approve(call, p.id);
    EXPECT_THAT(r, StatusIs(kPermissionDenied)) << call.caller_id;
    EXPECT_THAT(r, HasReason("NOT_YOUR_APPROVAL_LEVEL")) << call.caller_id;
    EXPECT_THAT(Reject(call, p.id, "Nē."),
                HasReason("NOT_YOUR_APPROVAL_LEVEL"));
  }
  ASSERT_THAT(Approve(HeadA(), p.id), IsOk());
  // Pending: the municipality.
  EXPECT_THAT(Approve(HeadA(), p.id), HasReason("NOT_YOUR_APPROVAL_LEVEL"));
  EXPECT_THAT(Approve(Admin(), p.id), HasReason("NOT_YOUR_APPROVAL_LEVEL"));
  // Nobody else learns anything.
  for (const CallContext& call :
       {PreparerA(), ProviderA(), Coordinator(a_), Head(b_), South(),
        GuardianA(), Teacher(a_)}) {
    Result r = Approve(call, p.id);
    EXPECT_THAT(r, StatusIs(kPermissionDenied)) << call.caller_id;
    EXPECT_THAT(r, HasReason("PERMISSION_DENIED")) << call.caller_id;
  }
  EXPECT_EQ(Load(p.id).plan.approvals_size(), 1);
}

TEST_F(LifecycleTest, ApproveRefusesAPlanNotInApproval) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_APPROVED);
  Result r = Approve(HeadA(), p.id);
  EXPECT_THAT(r, StatusIs(kFailedPrecondition));
  EXPECT_THAT(r, HasReason("PLAN_NOT_IN_APPROVAL"));
  EXPECT_THAT(Approve(Admin(), p.id), HasReason("PLAN_NOT_IN_APPROVAL"));
  EXPECT_THAT(Reject(North(), p.id, "Nē."), HasReason("PLAN_NOT_IN_APPROVAL"));
  EXPECT_EQ(Load(p.id).version, 1);
}

TEST_F(LifecycleTest, ApprovalLevelsCannotTouchANeverSubmittedDraft) {
  StoredPlan p = AddPlanA(Current());
  for (const CallContext& call : {North(), Admin()}) {
    Result r = Approve(call, p.id);
    EXPECT_THAT(r, StatusIs(kPermissionDenied)) << call.caller_id;
    EXPECT_THAT(r, HasReason("PERMISSION_DENIED")) << call.caller_id;
  }
  // The head sees drafts and so hears why.
  EXPECT_THAT(Approve(HeadA(), p.id), HasReason("PLAN_NOT_IN_APPROVAL"));
}

TEST_F(LifecycleTest, ApproveChecksTheCommentLength) {
  StoredPlan p = AddPlanA(Current());
  ASSERT_THAT(Submit(PreparerA(), p.id), IsOk());
  Result r = Approve(HeadA(), p.id, std::string(2001, 'x'));
  EXPECT_THAT(r, StatusIs(kInvalidArgument));
  EXPECT_THAT(r, ViolatesFields(Fields("comment")));
  EXPECT_EQ(Load(p.id).plan.approvals_size(), 0);
}

// --- Reject ------------------------------------------------------------------

TEST_F(LifecycleTest, RejectionSendsThePlanBackToDraftWithTheReason) {
  StoredPlan p = AddPlanA(Current());
  ASSERT_THAT(Submit(PreparerA(), p.id), IsOk());
  ASSERT_THAT(Approve(HeadA(), p.id), IsOk());
  Result r = Reject(North(), p.id, "Trūkst pamatojuma.");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_DRAFT);
  EXPECT_EQ(r->pending_level(), v1::APPROVAL_LEVEL_UNSPECIFIED);
  const v1::SupportPlan stored = Load(p.id).plan;
  ASSERT_EQ(stored.approvals_size(), 2);
  EXPECT_EQ(stored.approvals(1).decision(), v1::APPROVAL_DECISION_REJECTED);
  EXPECT_EQ(stored.approvals(1).level(), v1::APPROVAL_LEVEL_MUNICIPALITY);
  EXPECT_EQ(stored.approvals(1).comment(), "Trūkst pamatojuma.");
  EXPECT_EQ(stored.approvals(1).round(), 1);

  // Submitted again: round 2, from the institution.
  r = Submit(PreparerA(), p.id);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->round(), 2);
  EXPECT_EQ(r->pending_level(), v1::APPROVAL_LEVEL_INSTITUTION);
}

TEST_F(LifecycleTest, RejectionNeedsAComment) {
  StoredPlan p = AddPlanA(Current());
  ASSERT_THAT(Submit(PreparerA(), p.id), IsOk());
  for (const std::string& comment :
       {std::string(), std::string("   "), std::string(2001, 'x')}) {
    Result r = Reject(HeadA(), p.id, comment);
    EXPECT_THAT(r, StatusIs(kInvalidArgument));
    EXPECT_THAT(r, ViolatesFields(Fields("comment")));
  }
  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_IN_APPROVAL);
}

// --- Start -------------------------------------------------------------------

TEST_F(LifecycleTest, StartPutsAnApprovedPlanIntoImplementation) {
  StoredPlan p = ApprovedPlanA();
  Result r = Start(PreparerA(), p.id, p.plan.etag());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
}

TEST_F(LifecycleTest, StartRefusesAPlanNotApproved) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_IN_APPROVAL);
  Result r = Start(HeadA(), p.id);
  EXPECT_THAT(r, StatusIs(kFailedPrecondition));
  EXPECT_THAT(r, HasReason("PLAN_NOT_APPROVED"));
  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_IN_APPROVAL);
}

// --- Suspend / resume --------------------------------------------------------

TEST_F(LifecycleTest, SuspendFromApprovalApprovedOrImplementation) {
  for (v1::PlanState state :
       {v1::PLAN_STATE_IN_APPROVAL, v1::PLAN_STATE_APPROVED,
        v1::PLAN_STATE_IN_IMPLEMENTATION}) {
    StoredPlan p = AddPlanA(Current(), state);
    Edit(p.id, [](StoredPlan& s) {
      s.plan.set_pending_level(v1::APPROVAL_LEVEL_MUNICIPALITY);
    });
    Result r = Suspend(PreparerA(), p.id, "Ilgstoša slimība.");
    ASSERT_THAT(r, IsOk()) << state;
    EXPECT_EQ(r->state(), v1::PLAN_STATE_SUSPENDED);
    EXPECT_EQ(r->suspend_reason(), "Ilgstoša slimība.");
    EXPECT_EQ(r->pending_level(), v1::APPROVAL_LEVEL_UNSPECIFIED);
    EXPECT_EQ(Load(p.id).plan.suspend_reason(), "Ilgstoša slimība.");
    Edit(p.id,
         [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_INACTIVE); });
  }
}

TEST_F(LifecycleTest, SuspendRefusesOtherStates) {
  for (v1::PlanState state :
       {v1::PLAN_STATE_DRAFT, v1::PLAN_STATE_UNDER_REVISION,
        v1::PLAN_STATE_SUSPENDED, v1::PLAN_STATE_CLOSED}) {
    StoredPlan p = AddPlanA(Current(), state);
    Result r = Suspend(PreparerA(), p.id, "Iemesls.");
    EXPECT_THAT(r, StatusIs(kFailedPrecondition)) << state;
    EXPECT_THAT(r, HasReason("PLAN_NOT_SUSPENDABLE")) << state;
    Edit(p.id,
         [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_INACTIVE); });
  }
}

TEST_F(LifecycleTest, SuspendNeedsAReason) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_APPROVED);
  for (const std::string& reason :
       {std::string(), std::string(" \t"), std::string(1001, 'x')}) {
    Result r = Suspend(PreparerA(), p.id, reason);
    EXPECT_THAT(r, StatusIs(kInvalidArgument));
    EXPECT_THAT(r, ViolatesFields(Fields("reason")));
  }
  EXPECT_THAT(Suspend(PreparerA(), p.id, std::string(1000, 'x')), IsOk());
}

TEST_F(LifecycleTest, ResumeWithinTheSemesterGoesUnderRevision) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  ASSERT_THAT(Suspend(HeadA(), p.id, "Slimība."), IsOk());
  Result r = Resume(HeadA(), p.id, now_);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_UNDER_REVISION);
  // The reason stays on record.
  EXPECT_EQ(r->suspend_reason(), "Slimība.");
  // Then it can be submitted again.
  EXPECT_THAT(Submit(PreparerA(), p.id), IsOk());
}

TEST_F(LifecycleTest, ResumeAfterTheSemesterIsOver) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_SUSPENDED);
  Result r = Resume(PreparerA(), p.id, DuringFirstDayOf(Next(Current())));
  EXPECT_THAT(r, StatusIs(kFailedPrecondition));
  EXPECT_THAT(r, HasReason("SEMESTER_OVER"));
  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_SUSPENDED);
  // The last day of the semester still counts.
  const absl::CivilDay last = LastDay(Current());
  EXPECT_THAT(
      Resume(PreparerA(), p.id,
             absl::FromCivil(absl::CivilSecond(last.year(), last.month(),
                                               last.day(), 12, 0, 0),
                             absl::UTCTimeZone())),
      IsOk());
}

TEST_F(LifecycleTest, ResumeRefusesAPlanNotSuspended) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_APPROVED);
  Result r = Resume(PreparerA(), p.id, now_);
  EXPECT_THAT(r, StatusIs(kFailedPrecondition));
  EXPECT_THAT(r, HasReason("PLAN_NOT_SUSPENDED"));
}

// --- Revise ------------------------------------------------------------------

TEST_F(LifecycleTest, ReviseFromApprovedOrImplementation) {
  for (v1::PlanState state :
       {v1::PLAN_STATE_APPROVED, v1::PLAN_STATE_IN_IMPLEMENTATION}) {
    StoredPlan p = AddPlanA(Current(), state);
    Result r = Revise(HeadA(), p.id, "Jauni apstākļi.");
    ASSERT_THAT(r, IsOk()) << state;
    EXPECT_EQ(r->state(), v1::PLAN_STATE_UNDER_REVISION);
    Edit(p.id,
         [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_INACTIVE); });
  }
}

TEST_F(LifecycleTest, ReviseRefusesOtherStates) {
  for (v1::PlanState state :
       {v1::PLAN_STATE_DRAFT, v1::PLAN_STATE_IN_APPROVAL,
        v1::PLAN_STATE_SUSPENDED, v1::PLAN_STATE_UNDER_REVISION,
        v1::PLAN_STATE_CLOSED}) {
    StoredPlan p = AddPlanA(Current(), state);
    Result r = Revise(PreparerA(), p.id);
    EXPECT_THAT(r, StatusIs(kFailedPrecondition)) << state;
    EXPECT_THAT(r, HasReason("PLAN_NOT_REVISABLE")) << state;
    Edit(p.id,
         [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_INACTIVE); });
  }
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_APPROVED);
  EXPECT_THAT(Revise(PreparerA(), p.id, std::string(1001, 'x')),
              ViolatesFields(Fields("reason")));
}

TEST_F(LifecycleTest, ARevisedPlanIsApprovedAgainAtEveryLevel) {
  StoredPlan p = ApprovedPlanA();
  ASSERT_THAT(Start(PreparerA(), p.id), IsOk());
  ASSERT_THAT(Revise(PreparerA(), p.id), IsOk());
  Result r = Submit(PreparerA(), p.id);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->round(), 2);
  EXPECT_EQ(r->pending_level(), v1::APPROVAL_LEVEL_INSTITUTION);
  // Earlier approvals do not carry over: the municipality must wait.
  EXPECT_THAT(Approve(North(), p.id), HasReason("NOT_YOUR_APPROVAL_LEVEL"));
  ASSERT_THAT(Approve(HeadA(), p.id), IsOk());
  ASSERT_THAT(Approve(North(), p.id), IsOk());
  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_IN_APPROVAL);
  r = Approve(Admin(), p.id);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_APPROVED);
  const v1::SupportPlan stored = Load(p.id).plan;
  ASSERT_EQ(stored.approvals_size(), 6);
  std::vector<int> rounds;
  std::vector<int> levels;
  for (const v1::ApprovalStep& s : stored.approvals()) {
    rounds.push_back(s.round());
    levels.push_back(s.level());
  }
  EXPECT_THAT(rounds, ElementsAre(1, 1, 1, 2, 2, 2));
  EXPECT_THAT(levels, ElementsAre(1, 2, 3, 1, 2, 3));
}

// --- Delete ------------------------------------------------------------------

TEST_F(LifecycleTest, DeleteWithoutFundsUsedRemovesTheContents) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_IN_APPROVAL);
  Result r = Delete(PreparerA(), p.id, p.plan.etag());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_INACTIVE);
  const StoredPlan stored = Load(p.id);
  EXPECT_EQ(stored.state(), v1::PLAN_STATE_INACTIVE);
  EXPECT_EQ(stored.plan.problem_description(), "");
  EXPECT_EQ(stored.plan.risks_size(), 0);
  EXPECT_EQ(stored.plan.goals_size(), 0);
  EXPECT_EQ(stored.plan.measures_size(), 0);
  EXPECT_EQ(stored.plan.pending_level(), v1::APPROVAL_LEVEL_UNSPECIFIED);
  EXPECT_THAT(stored.provider_ids, IsEmpty());
  // Providers lose access with their measures; the feed gets a tombstone.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM support_plan_providers WHERE "
                     "current = 1 AND "
                     "plan_id = '" +
                     p.id + "'"),
            0);
  EXPECT_EQ(QueryInt("SELECT deleted FROM changes WHERE plan_id = '" + p.id +
                     "' ORDER BY seq DESC LIMIT 1"),
            1);
  // The semester is free for a new plan.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM support_plans WHERE pupil_id = '" +
                     pupil_ + "' AND state != 7"),
            0);
  // Deleting again is refused.
  Result again = Delete(PreparerA(), p.id);
  EXPECT_THAT(again, StatusIs(kFailedPrecondition));
  EXPECT_THAT(again, HasReason("PLAN_INACTIVE"));
}

TEST_F(LifecycleTest, DeleteIsRefusedOnceADeliveryWasRecorded) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  AddDeliveryRow(p);
  Result r = Delete(HeadA(), p.id);
  EXPECT_THAT(r, StatusIs(kFailedPrecondition));
  EXPECT_THAT(r, HasReason("FUNDS_USED"));
  const StoredPlan stored = Load(p.id);
  EXPECT_EQ(stored.state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  EXPECT_EQ(stored.plan.measures_size(), 2);
}

TEST_F(LifecycleTest, DeleteIsRefusedWhenFundsWereUsed) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  Edit(p.id, [](StoredPlan& s) { s.plan.set_funds_used_cents(1500); });
  EXPECT_THAT(Delete(HeadA(), p.id), HasReason("FUNDS_USED"));
  EXPECT_EQ(Load(p.id).plan.risks_size(), 2);
}

// --- Withdrawn application ---------------------------------------------------

TEST_F(LifecycleTest, AWithdrawnApplicationStopsTheActions) {
  StoredPlan draft = AddPlanA(Current());
  WithdrawApplicationOf(draft);
  EXPECT_THAT(Submit(PreparerA(), draft.id),
              HasReason("APPLICATION_WITHDRAWN"));
  Edit(draft.id,
       [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_IN_APPROVAL); });
  EXPECT_THAT(Approve(HeadA(), draft.id), HasReason("APPLICATION_WITHDRAWN"));
  EXPECT_THAT(Reject(HeadA(), draft.id, "Nē."),
              HasReason("APPLICATION_WITHDRAWN"));
  EXPECT_THAT(Suspend(HeadA(), draft.id, "Iemesls."),
              HasReason("APPLICATION_WITHDRAWN"));
  Edit(draft.id,
       [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_APPROVED); });
  EXPECT_THAT(Start(HeadA(), draft.id), HasReason("APPLICATION_WITHDRAWN"));
  EXPECT_THAT(Revise(HeadA(), draft.id), HasReason("APPLICATION_WITHDRAWN"));
  Edit(draft.id,
       [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_SUSPENDED); });
  EXPECT_THAT(Resume(HeadA(), draft.id, now_),
              HasReason("APPLICATION_WITHDRAWN"));
  const int64_t version = Load(draft.id).version;
  // The family may still acknowledge, and an unused plan may be deleted.
  EXPECT_THAT(Acknowledge(GuardianA(), draft.id), IsOk());
  Result deleted = Delete(PreparerA(), draft.id);
  ASSERT_THAT(deleted, IsOk());
  EXPECT_EQ(deleted->state(), v1::PLAN_STATE_INACTIVE);
  EXPECT_TRUE(deleted->application_withdrawn());
  EXPECT_EQ(Load(draft.id).version, version + 2);
}

// --- Who may act -------------------------------------------------------------

TEST_F(LifecycleTest, OnlyThePreparerAndTheHeadMayAct) {
  StoredPlan p = AddPlanA(Current());
  for (CallContext call : {ProviderA(), Coordinator(a_), Teacher(a_), Head(b_),
                           Head(c_), North(), Admin(), GuardianA(), HeadV()}) {
    Result r = Submit(call, p.id);
    EXPECT_THAT(r, StatusIs(kPermissionDenied)) << call.caller_id;
    EXPECT_THAT(Deferred(call),
                ElementsAre("supportPlan.submit supportPlans/" + p.id + " 2"))
        << call.caller_id;
    EXPECT_THAT(Delete(call, p.id), StatusIs(kPermissionDenied))
        << call.caller_id;
  }
  EXPECT_THAT(Submit(Anonymous(), p.id),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(Load(p.id).version, 1);
  EXPECT_THAT(Submit(PreparerA(), p.id), IsOk());
  EXPECT_THAT(Suspend(HeadA(), p.id, "Iemesls."), IsOk());
  for (CallContext call : {ProviderA(), Coordinator(a_), Head(b_)}) {
    EXPECT_THAT(Resume(call, p.id, now_), StatusIs(kPermissionDenied));
  }
}

TEST_F(LifecycleTest, AMissingPlanIsNotFoundOnlyForNationalRoles) {
  EXPECT_THAT(Submit(PreparerA(), "aaaaaaaaaaaaaaaa"),
              StatusIs(kPermissionDenied));
  EXPECT_THAT(Approve(HeadA(), "aaaaaaaaaaaaaaaa"),
              StatusIs(kPermissionDenied));
  EXPECT_THAT(Approve(Admin(), "aaaaaaaaaaaaaaaa"),
              StatusIs(absl::StatusCode::kNotFound));
}

// --- Etags -------------------------------------------------------------------

TEST_F(LifecycleTest, AStaleEtagAbortsAndChangesNothing) {
  StoredPlan p = AddPlanA(Current());
  const std::string stale = p.plan.etag();
  Edit(p.id, [](StoredPlan& s) { s.plan.set_problem_description("Cits."); });
  const size_t revisions = Revisions(p.id).size();
  Result r = Submit(PreparerA(), p.id, stale);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(r, HasReason("ETAG_MISMATCH"));
  EXPECT_THAT(Delete(PreparerA(), p.id, stale), HasReason("ETAG_MISMATCH"));
  const StoredPlan after = Load(p.id);
  EXPECT_EQ(after.state(), v1::PLAN_STATE_DRAFT);
  EXPECT_EQ(after.version, 2);
  EXPECT_EQ(Revisions(p.id).size(), revisions);
  EXPECT_THAT(Submit(PreparerA(), p.id, after.plan.etag()), IsOk());
  // Approvals are conditional too.
  EXPECT_THAT(Approve(HeadA(), p.id, "", after.plan.etag()),
              HasReason("ETAG_MISMATCH"));
}

// --- History and audit -------------------------------------------------------

TEST_F(LifecycleTest, EveryActionLeavesARevisionAndAChange) {
  StoredPlan p = ApprovedPlanA();
  ASSERT_THAT(Start(PreparerA(), p.id), IsOk());
  ASSERT_THAT(Suspend(HeadA(), p.id, "Slimība."), IsOk());
  ASSERT_THAT(Resume(HeadA(), p.id, now_), IsOk());
  ASSERT_THAT(Submit(PreparerA(), p.id), IsOk());
  ASSERT_THAT(Reject(HeadA(), p.id, "Precizēt."), IsOk());
  ASSERT_THAT(Acknowledge(GuardianA(), p.id), StatusIs(kPermissionDenied));
  ASSERT_THAT(Delete(PreparerA(), p.id), IsOk());

  EXPECT_THAT(
      Actions(p.id),
      ElementsAre("create", "submit", "approve", "approve", "approve", "start",
                  "suspend", "resume", "submit", "reject", "delete"));
  const std::vector<Revision> revs = Revisions(p.id);
  EXPECT_EQ(revs[1].actor, PreparerA().caller_id);
  EXPECT_EQ(revs[1].changed_fields, "state,round,pending_level");
  EXPECT_EQ(revs[1].state, v1::PLAN_STATE_IN_APPROVAL);
  EXPECT_EQ(revs[3].actor, North().caller_id);
  EXPECT_EQ(revs[4].changed_fields, "approvals,pending_level,state");
  EXPECT_EQ(revs[4].state, v1::PLAN_STATE_APPROVED);
  EXPECT_EQ(revs[6].changed_fields, "state,suspend_reason,pending_level");
  EXPECT_EQ(revs[9].actor, HeadA().caller_id);
  EXPECT_EQ(revs[9].state, v1::PLAN_STATE_DRAFT);
  EXPECT_EQ(revs[10].state, v1::PLAN_STATE_INACTIVE);
  // One change-feed row per revision, the last a tombstone.
  EXPECT_EQ(
      QueryInt("SELECT count(*) FROM changes WHERE plan_id = '" + p.id + "'"),
      static_cast<int64_t>(revs.size()));
  EXPECT_EQ(QueryInt("SELECT sum(deleted) FROM changes WHERE plan_id = '" +
                     p.id + "'"),
            1);

  const std::vector<std::string> audit = StoredAudit();
  const std::string name = "supportPlans/" + p.id;
  for (const char* verb : {"submit", "approve", "start", "suspend", "resume",
                           "reject", "delete"}) {
    EXPECT_THAT(audit,
                Contains(absl::StrCat("supportPlan.", verb, " ", name, " 1")))
        << verb;
  }
}

// --- Acknowledge -------------------------------------------------------------

TEST_F(LifecycleTest, TheGuardianAcknowledges) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_APPROVED);
  Result r = Acknowledge(GuardianA(), p.id, "Iepazinos.");
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->acknowledgements_size(), 1);
  EXPECT_EQ(r->acknowledgements(0).by(), "guardians/" + guardian_);
  EXPECT_EQ(r->acknowledgements(0).comment(), "Iepazinos.");
  EXPECT_EQ(r->acknowledgements(0).time().seconds(), absl::ToUnixSeconds(now_));
  // The family sees the special-category risk of its own child.
  EXPECT_FALSE(r->risks(1).redacted());
  EXPECT_EQ(r->state(), v1::PLAN_STATE_APPROVED);
  EXPECT_THAT(Acknowledge(GuardianA(), p.id), IsOk());
  EXPECT_EQ(Load(p.id).plan.acknowledgements_size(), 2);
  EXPECT_THAT(Actions(p.id),
              ElementsAre("create", "acknowledge", "acknowledge"));
}

TEST_F(LifecycleTest, TheAdultPupilAcknowledgesAsThePupil) {
  StoredPlan p = AddPlanV(Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  Result r = Acknowledge(AdultPupilV(), p.id);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->acknowledgements_size(), 1);
  EXPECT_EQ(r->acknowledgements(0).by(), "pupils/" + adult_pupil_);
}

TEST_F(LifecycleTest, AcknowledgeRefusals) {
  StoredPlan p = AddPlanA(Current());
  // The family does not see drafts.
  CallContext guardian = GuardianA();
  Result r = Acknowledge(guardian, p.id);
  EXPECT_THAT(r, StatusIs(kPermissionDenied));
  EXPECT_THAT(r, HasReason("PERMISSION_DENIED"));
  EXPECT_THAT(
      Deferred(guardian),
      ElementsAre("supportPlan.acknowledge supportPlans/" + p.id + " 2"));
  // Staff do not acknowledge for the family; nor does another family.
  Edit(p.id, [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_APPROVED); });
  for (const CallContext& call :
       {PreparerA(), HeadA(), AdultPupilV(), GuardianOf("aaaaaaaaaaaaaaaa")}) {
    EXPECT_THAT(Acknowledge(call, p.id), StatusIs(kPermissionDenied))
        << call.caller_id;
  }
  r = Acknowledge(GuardianA(), p.id, std::string(2001, 'x'));
  EXPECT_THAT(r, StatusIs(kInvalidArgument));
  EXPECT_THAT(r, ViolatesFields(Fields("comment")));
  Edit(p.id, [](StoredPlan& s) { s.plan.set_state(v1::PLAN_STATE_INACTIVE); });
  r = Acknowledge(GuardianA(), p.id);
  EXPECT_THAT(r, StatusIs(kFailedPrecondition));
  EXPECT_THAT(r, HasReason("PLAN_INACTIVE"));
  EXPECT_EQ(Load(p.id).plan.acknowledgements_size(), 0);
}

TEST_F(LifecycleTest, ADeletedPlanTakesNoActions) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_APPROVED);
  ASSERT_THAT(Delete(PreparerA(), p.id), IsOk());
  EXPECT_THAT(Start(PreparerA(), p.id), HasReason("PLAN_INACTIVE"));
  EXPECT_THAT(Revise(PreparerA(), p.id), HasReason("PLAN_INACTIVE"));
  EXPECT_THAT(Submit(PreparerA(), p.id), HasReason("PLAN_INACTIVE"));
}

}  // namespace
}  // namespace pumpurs::plans
