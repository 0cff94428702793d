// The change feed for youth initiatives (server/sync/changes.h): calls
// reach whoever may see them (open ones any signed-in account, drafts only
// the owner), projects whoever initiatives::ViewOf lets see them, redacted
// as initiatives::Presented (the at-risk counts only for the call's owner),
// each project read audited once per member pupil.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status_macros.h"
#include "server/sync/changes.h"
#include "tests/initiatives/initiative_fixture.h"

namespace pumpurs::sync {
namespace {

using initiatives::StoredCall;
using initiatives::StoredInitiative;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class InitiativeChangesTest : public initiatives::InitiativeTest {
 protected:
  absl::StatusOr<ChangesPage> Sync(const CallContext& call,
                                   const std::string& token = "") {
    PUMPURS_ASSIGN_OR_RETURN(ChangesRequest request,
                             ParseChangesRequest(token, 0));
    return ReadAs<ChangesPage>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListChanges(c, cc, request);
        });
  }
  // The changes `call` gets from `token` on (one page holds them all here).
  std::vector<v1::Change> Changes(const CallContext& call,
                                  const std::string& token = "") {
    absl::StatusOr<ChangesPage> page = Sync(call, token);
    EXPECT_THAT(page, IsOk());
    if (!page.ok()) return {};
    EXPECT_FALSE(page->has_more);
    return page->changes;
  }
  // The resources of `changes`, in order; all must be upserts.
  static std::vector<std::string> Resources(
      const std::vector<v1::Change>& changes) {
    std::vector<std::string> out;
    for (const v1::Change& c : changes) {
      EXPECT_EQ(c.kind(), v1::CHANGE_KIND_UPSERT) << c.resource();
      out.push_back(c.resource());
    }
    return out;
  }
  static const v1::Change* Find(const std::vector<v1::Change>& changes,
                                const std::string& resource) {
    for (const v1::Change& c : changes) {
      if (c.resource() == resource) return &c;
    }
    return nullptr;
  }
  // "action resource pupil" of each deferred audit event.
  static std::vector<std::string> Audited(const CallContext& call) {
    std::vector<std::string> out;
    for (const AuditEvent& e : *call.deferred_audit) {
      out.push_back(absl::StrCat(e.action, " ", e.resource, " ", e.pupil_id));
    }
    return out;
  }

  void Save(StoredCall& c) {
    ASSERT_THAT(db_->WriteSync(CallContext{},
                               [&](storage::Connection& conn) {
                                 return initiatives::SaveCall(conn, c,
                                                              absl::Now());
                               }),
                IsOk());
  }
  void Save(StoredInitiative& i) {
    ASSERT_THAT(db_->WriteSync(CallContext{},
                               [&](storage::Connection& conn) {
                                 return initiatives::SaveInitiative(
                                     conn, i, absl::Now());
                               }),
                IsOk());
  }
  static v1::Evaluation EvaluationBy(const std::string& account, int points) {
    v1::Evaluation e;
    e.set_evaluator(ResourceName(initiatives::kAccounts, account));
    v1::CriterionScore* s = e.add_scores();
    s->set_criterion("k1");
    s->set_points(points);
    e.set_total_points(points);
    return e;
  }

  // An open call of the north with one reported project (pupil1_ a member,
  // 9 planned and 5 reported participants at risk) scored by both
  // evaluators.
  void SetUpReported() {
    call_ = AddCall(Today() - 60, Today() - 30);
    project_ = AddInitiative(call_, v1::INITIATIVE_STATE_REPORTED);
    *project_.initiative.add_evaluations() = EvaluationBy(evaluator1_, 8);
    *project_.initiative.add_evaluations() = EvaluationBy(evaluator2_, 6);
    v1::Report* r = project_.initiative.mutable_report();
    r->set_participants(20);
    r->set_participants_at_risk(5);
    r->set_results("Notika 12 vakari.");
    r->set_supervisor_confirmed(true);
    Save(project_);
  }

  StoredCall call_;
  StoredInitiative project_;
};

TEST_F(InitiativeChangesTest, GuardianOfMemberGetsProjectWithCountsHidden) {
  SetUpReported();
  CallContext guardian = Guardian1();
  std::vector<v1::Change> changes = Changes(guardian);
  EXPECT_THAT(Resources(changes),
              ElementsAre(call_.call.name(), project_.initiative.name()));
  const v1::Change* p = Find(changes, project_.initiative.name());
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->has_initiative());
  const v1::Initiative& seen = p->initiative();
  EXPECT_EQ(seen.title(), "Sporta vakari");
  EXPECT_EQ(seen.state(), v1::INITIATIVE_STATE_REPORTED);
  EXPECT_EQ(seen.planned_participants(), 24);
  EXPECT_EQ(seen.planned_at_risk(), 0);
  EXPECT_EQ(seen.report().participants(), 20);
  EXPECT_EQ(seen.report().participants_at_risk(), 0);
  EXPECT_THAT(seen.evaluations(), IsEmpty());
  EXPECT_EQ(seen.etag(), project_.initiative.etag());
  // The call without its evaluators (they are the owner's to see).
  const v1::Change* c = Find(changes, call_.call.name());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->has_initiative_call());
  EXPECT_EQ(c->initiative_call().title(), call_.call.title());
  EXPECT_THAT(c->initiative_call().evaluators(), IsEmpty());
  // The project names pupil1_: its read is audited for them; the call is
  // not audited.
  EXPECT_THAT(
      Audited(guardian),
      ElementsAre(absl::StrCat("initiative.sync ", project_.initiative.name(),
                               " ", pupil1_)));
}

TEST_F(InitiativeChangesTest, CallOwnerGetsCountsAndEveryEvaluation) {
  SetUpReported();
  CallContext north = North();
  std::vector<v1::Change> changes = Changes(north);
  const v1::Change* p = Find(changes, project_.initiative.name());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->initiative().planned_at_risk(), 9);
  EXPECT_EQ(p->initiative().report().participants_at_risk(), 5);
  EXPECT_EQ(p->initiative().evaluations_size(), 2);
  const v1::Change* c = Find(changes, call_.call.name());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->initiative_call().evaluators_size(), 2);
  EXPECT_THAT(Audited(north), ElementsAre(absl::StrCat(
                                  "initiative.sync ",
                                  project_.initiative.name(), " ", pupil1_)));
  // The national administrator too.
  const std::vector<v1::Change> admin = Changes(Admin());
  p = Find(admin, project_.initiative.name());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->initiative().planned_at_risk(), 9);
}

TEST_F(InitiativeChangesTest, OtherGuardianGetsTheOpenCallButNoProject) {
  SetUpReported();
  CallContext other = GuardianOf(guardian2_);
  EXPECT_THAT(Resources(Changes(other)), ElementsAre(call_.call.name()));
  EXPECT_THAT(Audited(other), IsEmpty());
  // Nor does another municipality's coordinator, nor another applicant.
  EXPECT_THAT(Resources(Changes(South())), ElementsAre(call_.call.name()));
  EXPECT_THAT(Resources(Changes(OtherApplicant())),
              ElementsAre(call_.call.name()));
}

TEST_F(InitiativeChangesTest, EvaluatorGetsSubmittedProjectsWithOwnScores) {
  SetUpReported();
  StoredInitiative draft =
      AddInitiative(call_, v1::INITIATIVE_STATE_DRAFT, other_applicant_);
  CallContext evaluator = Evaluator1();
  std::vector<v1::Change> changes = Changes(evaluator);
  EXPECT_THAT(Resources(changes),
              ElementsAre(call_.call.name(), project_.initiative.name()));
  const v1::Change* p = Find(changes, project_.initiative.name());
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->initiative().evaluations_size(), 1);
  EXPECT_EQ(p->initiative().evaluations(0).evaluator(),
            ResourceName(initiatives::kAccounts, evaluator1_));
  EXPECT_EQ(p->initiative().planned_at_risk(), 0);
  // The draft's owner gets it, without the count they entered.
  std::vector<v1::Change> own = Changes(OtherApplicant());
  EXPECT_THAT(Resources(own),
              ElementsAre(call_.call.name(), draft.initiative.name()));
  EXPECT_EQ(Find(own, draft.initiative.name())->initiative().planned_at_risk(),
            0);
}

TEST_F(InitiativeChangesTest, OpenCallReachesAnySignedInDraftOnlyItsOwner) {
  StoredCall open = AddCall(Today(), Today() + 30);
  StoredCall draft = AddCall(Today(), Today() + 30, v1::CALL_STATE_DRAFT);
  // An account without any role.
  EXPECT_THAT(Resources(Changes(Applicant())), ElementsAre(open.call.name()));
  EXPECT_THAT(Resources(Changes(South())), ElementsAre(open.call.name()));
  EXPECT_THAT(Resources(Changes(Head(a_))), ElementsAre(open.call.name()));
  // The owner (and the national administrator) get the draft, with its
  // evaluators.
  std::vector<v1::Change> owner = Changes(North());
  EXPECT_THAT(Resources(owner),
              ElementsAre(open.call.name(), draft.call.name()));
  EXPECT_EQ(Find(owner, draft.call.name())->initiative_call().evaluators_size(),
            2);
  EXPECT_THAT(Resources(Changes(Admin())),
              ElementsAre(open.call.name(), draft.call.name()));
  EXPECT_THAT(Sync(Anonymous()), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(InitiativeChangesTest, ACallOnceWithItsLatestStateAfterTheToken) {
  StoredCall c = AddCall(Today(), Today() + 30, v1::CALL_STATE_DRAFT);
  absl::StatusOr<ChangesPage> before = Sync(Applicant());
  ASSERT_THAT(before, IsOk());
  EXPECT_THAT(before->changes, IsEmpty());
  const std::string token = before->next_sync_token();
  // Opened, then changed again: the applicant gets it once, as it is now.
  c.call.set_state(v1::CALL_STATE_OPEN);
  Save(c);
  c.call.set_title("Jauniešu iniciatīvas 2026 (precizēts)");
  Save(c);
  std::vector<v1::Change> changes = Changes(Applicant(), token);
  ASSERT_THAT(Resources(changes), ElementsAre(c.call.name()));
  EXPECT_EQ(changes[0].initiative_call().state(), v1::CALL_STATE_OPEN);
  EXPECT_EQ(changes[0].initiative_call().title(),
            "Jauniešu iniciatīvas 2026 (precizēts)");
  EXPECT_EQ(changes[0].initiative_call().etag(), c.call.etag());
}

TEST_F(InitiativeChangesTest, AProjectWithoutMembersIsNotAudited) {
  StoredCall c = AddCall(Today() - 10, Today() + 10);
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  i.initiative.clear_members();
  Save(i);
  CallContext north = North();
  EXPECT_THAT(Resources(Changes(north)),
              UnorderedElementsAre(c.call.name(), i.initiative.name()));
  EXPECT_THAT(Audited(north), IsEmpty());
  // The former member's guardian no longer gets it.
  EXPECT_THAT(Resources(Changes(Guardian1())), ElementsAre(c.call.name()));
}

TEST_F(InitiativeChangesTest, AdultMemberGetsTheProject) {
  StoredCall c = AddCall(Today() - 10, Today() + 10);
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  i.initiative.add_members(ResourceName(initiatives::kPupils, adult_pupil_));
  Save(i);
  CallContext adult = AdultPupil(adult_pupil_);
  std::vector<v1::Change> changes = Changes(adult);
  EXPECT_THAT(Resources(changes),
              ElementsAre(c.call.name(), i.initiative.name()));
  EXPECT_EQ(Find(changes, i.initiative.name())->initiative().planned_at_risk(),
            0);
  // One event per member pupil.
  EXPECT_THAT(
      Audited(adult),
      UnorderedElementsAre(
          absl::StrCat("initiative.sync ", i.initiative.name(), " ", pupil1_),
          absl::StrCat("initiative.sync ", i.initiative.name(), " ",
                       adult_pupil_)));
}

}  // namespace
}  // namespace pumpurs::sync
