// Who sees which plan and how much of it (access.h): ViewOf for every
// caller and state (drafts hidden from the family and the approval levels,
// state vocational schools' plans hidden from the municipality), the
// redaction of special-category risks, and the equivalence of the SQL
// condition lists use with ViewOf.

#include "server/plans/access.h"

#include <set>

#include "tests/plans/plan_calls.h"

namespace pumpurs::plans {
namespace {

using ::pumpurs::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(PlanTest, FixtureStoresAPlanThatLoadsBack) {
  StoredPlan p = AddPlanA(Current());
  absl::StatusOr<std::optional<StoredPlan>> loaded =
      Read<std::optional<StoredPlan>>(
          [&](storage::Connection& c) { return LoadPlan(c, p.id); });
  ASSERT_THAT(loaded, ::pumpurs::testing::IsOk());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->plan.measures_size(), 2);
  EXPECT_EQ((*loaded)->provider_ids.size(), 2u);
  EXPECT_EQ((*loaded)->guardian_ids, std::vector<std::string>{guardian_});
}

class AccessTest : public PlanCallsTest {
 protected:
  struct Caller {
    std::string label;
    CallContext call;
  };
  // Every kind of caller, with the view they get of a plan of A (index 0)
  // and of the state vocational school V (index 1), once submitted.
  struct Expected {
    Caller caller;
    View of_a;
    View of_v;
  };
  std::vector<Expected> Everyone() {
    return {
        {{"preparer A", PreparerA()}, View::kStaff, View::kNone},
        {{"provider A", ProviderA()}, View::kStaff, View::kNone},
        {{"head A", HeadA()}, View::kStaff, View::kNone},
        {{"coordinator A", Coordinator(a_)}, View::kStaff, View::kNone},
        // A preparer's role at A is not enough: only their own plans.
        {{"other teacher A", Teacher(a_)}, View::kNone, View::kNone},
        {{"teacher B", Teacher(b_)}, View::kNone, View::kNone},
        {{"head B", Head(b_)}, View::kNone, View::kNone},
        {{"preparer V", PreparerV()}, View::kNone, View::kStaff},
        {{"head V", HeadV()}, View::kNone, View::kStaff},
        {{"guardian A", GuardianA()}, View::kFamily, View::kNone},
        {{"adult pupil V", AdultPupilV()}, View::kNone, View::kFamily},
        {{"north", North()}, View::kApproval, View::kNone},
        {{"south", South()}, View::kNone, View::kNone},
        {{"admin", Admin()}, View::kApproval, View::kApproval},
        {{"anonymous", Anonymous()}, View::kNone, View::kNone},
    };
  }
  StoredPlan PlanV(const Semester& semester,
                   v1::PlanState state = v1::PLAN_STATE_DRAFT) {
    return AddPlanFor(adult_pupil_, v_.id, south_.id, preparer_v_, provider_v_,
                      semester, state);
  }
  static std::string Name(View v) {
    switch (v) {
      case View::kNone:
        return "none";
      case View::kStaff:
        return "staff";
      case View::kFamily:
        return "family";
      case View::kApproval:
        return "approval";
    }
    return "?";
  }
};

constexpr v1::PlanState kPastDraft[] = {
    v1::PLAN_STATE_IN_APPROVAL,
    v1::PLAN_STATE_APPROVED,
    v1::PLAN_STATE_IN_IMPLEMENTATION,
    v1::PLAN_STATE_SUSPENDED,
    v1::PLAN_STATE_UNDER_REVISION,
    v1::PLAN_STATE_INACTIVE,
    v1::PLAN_STATE_CLOSED,
};

TEST_F(AccessTest, ViewOfEveryCallerInEveryState) {
  StoredPlan a = Load(AddPlanA(Current()).id);
  StoredPlan v = Load(PlanV(Current()).id);
  ASSERT_TRUE(v.vocational);
  for (const Expected& e : Everyone()) {
    const Principal& who = e.caller.call.principal;
    // A draft never submitted: staff only.
    const View draft_a = e.of_a == View::kStaff ? View::kStaff : View::kNone;
    const View draft_v = e.of_v == View::kStaff ? View::kStaff : View::kNone;
    EXPECT_EQ(Name(ViewOf(who, a)), Name(draft_a)) << e.caller.label;
    EXPECT_EQ(Name(ViewOf(who, v)), Name(draft_v)) << e.caller.label;
    for (v1::PlanState state : kPastDraft) {
      StoredPlan sa = a, sv = v;
      sa.plan.set_state(state);
      sv.plan.set_state(state);
      sa.submitted = sv.submitted = true;
      EXPECT_EQ(Name(ViewOf(who, sa)), Name(e.of_a))
          << e.caller.label << " state " << state;
      EXPECT_EQ(Name(ViewOf(who, sv)), Name(e.of_v))
          << e.caller.label << " state " << state;
    }
    // Rejected back to draft: the approval levels keep seeing it, the
    // family does not.
    StoredPlan rejected = a;
    rejected.submitted = true;
    const View after_reject = e.of_a == View::kFamily ? View::kNone : e.of_a;
    EXPECT_EQ(Name(ViewOf(who, rejected)), Name(after_reject))
        << e.caller.label;
    // Deleted while still a draft: it was never anyone's but the staff's.
    StoredPlan deleted_draft = a;
    deleted_draft.plan.set_state(v1::PLAN_STATE_INACTIVE);
    EXPECT_EQ(Name(ViewOf(who, deleted_draft)), Name(draft_a))
        << e.caller.label;
  }
}

TEST_F(AccessTest, ApprovalLevelsAndUnrelatedProvidersSeeNoSpecialCategory) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_IN_APPROVAL);
  // A psychologist of A provides the measure that addresses the illness.
  const std::string psy = AddStaff(a_.id, "psy-a", 5);
  p.plan.mutable_measures(1)->set_provider(ResourceName(kStaff, psy));
  CallContext system;
  system.caller_id = "system:test";
  ASSERT_THAT(db_->WriteSync(system,
                             [&](storage::Connection& c) {
                               return SavePlan(c, system, p, "update",
                                               {"measures"}, absl::Now());
                             }),
              IsOk());
  p = Load(p.id);
  const CallContext psychologist =
      Staff(psy, {{Role::kMeasureProvider, a_.id}});

  for (const CallContext& redacted : {North(), Admin(), ProviderA()}) {
    const v1::SupportPlan out = Presented(redacted.principal, p);
    ASSERT_EQ(out.risks_size(), 2);
    EXPECT_FALSE(out.risks(0).redacted()) << redacted.caller_id;
    EXPECT_EQ(out.risks(0).risk_factor(), "riskFactors/low-achievement");
    EXPECT_TRUE(out.risks(1).redacted()) << redacted.caller_id;
    EXPECT_TRUE(out.risks(1).risk_factor().empty());
    EXPECT_TRUE(out.risks(1).justification().empty());
    // The group and the severity stay: the approval needs them.
    EXPECT_EQ(out.risks(1).group(), v1::RISK_GROUP_SOCIAL_AND_HEALTH);
    EXPECT_THAT(out.measures(1).addresses(), IsEmpty());
    EXPECT_TRUE(out.measures(1).justification().empty());
    EXPECT_THAT(out.measures(0).addresses(),
                ElementsAre("riskFactors/low-achievement"));
    EXPECT_FALSE(out.measures(0).justification().empty());
    EXPECT_EQ(out.SerializeAsString().find("Ilgstoša"), std::string::npos);
  }
  for (const CallContext& full :
       {psychologist, PreparerA(), HeadA(), Coordinator(a_), GuardianA()}) {
    const v1::SupportPlan out = Presented(full.principal, p);
    EXPECT_FALSE(out.risks(1).redacted()) << full.caller_id;
    EXPECT_EQ(out.risks(1).risk_factor(), "riskFactors/long-term-illness");
    EXPECT_EQ(out.risks(1).justification(), "Ilgstoša slimība.");
    EXPECT_THAT(out.measures(1).addresses(),
                ElementsAre("riskFactors/long-term-illness"));
  }
  // Through the API too.
  absl::StatusOr<v1::SupportPlan> north = GetPlan(North(), p.id);
  ASSERT_THAT(north, IsOk());
  EXPECT_TRUE(north->risks(1).redacted());
  absl::StatusOr<v1::SupportPlan> own = GetPlan(psychologist, p.id);
  ASSERT_THAT(own, IsOk());
  EXPECT_FALSE(own->risks(1).redacted());
}

// A measure addressing a special-category risk next to an ordinary one
// loses its own words (justification, custom description) for those who
// may not see the special risk; a custom measure for the hidden risk alone
// loses its title too.
TEST_F(AccessTest, MeasureTextsAboutAHiddenRiskAreRedactedToo) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_IN_APPROVAL);
  v1::PlanMeasure* mixed = p.plan.mutable_measures(0);
  mixed->add_addresses("riskFactors/long-term-illness");
  mixed->set_justification("Konsultācijas pēc slimības.");
  mixed->set_custom_description("Pēc slimnīcas.");
  v1::PlanMeasure* custom = p.plan.add_measures();
  *custom = p.plan.measures(1);
  custom->set_id("m3");
  custom->clear_measure_type();
  custom->set_custom_title("Slimnīcas skolotājs");
  custom->set_custom_description("Mācības slimnīcā.");
  CallContext system;
  system.caller_id = "system:test";
  ASSERT_THAT(db_->WriteSync(system,
                             [&](storage::Connection& c) {
                               return SavePlan(c, system, p, "update",
                                               {"measures"}, absl::Now());
                             }),
              IsOk());
  p = Load(p.id);
  const v1::SupportPlan out = Presented(North().principal, p);
  ASSERT_EQ(out.measures_size(), 3);
  EXPECT_THAT(out.measures(0).addresses(),
              ElementsAre("riskFactors/low-achievement"));
  EXPECT_TRUE(out.measures(0).justification().empty());
  EXPECT_TRUE(out.measures(0).custom_description().empty());
  EXPECT_TRUE(out.measures(2).custom_title().empty());
  EXPECT_TRUE(out.measures(2).custom_description().empty());
  for (const char* word : {"slimības", "slimnīc", "Slimnīc"}) {
    EXPECT_EQ(out.SerializeAsString().find(word), std::string::npos) << word;
  }
  // The preparer sees every word.
  const v1::SupportPlan full = Presented(PreparerA().principal, p);
  EXPECT_EQ(full.measures(0).justification(), "Konsultācijas pēc slimības.");
  EXPECT_EQ(full.measures(2).custom_title(), "Slimnīcas skolotājs");
}

TEST_F(AccessTest, ListsShowExactlyThePlansTheCallerMayView) {
  // Plans in every state at A (the pupil of A, one per semester) and at V,
  // plus a rejected draft that was submitted once.
  std::vector<std::string> ids;
  Semester s{2020, 1};
  ids.push_back(AddPlanA(s).id);
  for (v1::PlanState state : kPastDraft) {
    s = Next(s);
    ids.push_back(AddPlanA(s, state).id);
    ids.push_back(PlanV(s, state).id);
  }
  s = Next(s);
  ids.push_back(PlanV(s).id);
  s = Next(s);
  const std::string rejected = AddPlanA(s).id;
  ASSERT_THAT(Exec("UPDATE support_plans SET submitted = 1 WHERE id = '" +
                   rejected + "'"),
              IsOk());
  ids.push_back(rejected);
  // A plan of B whose measure the provider of A gives (staff of both).
  const std::string pupil_b = MustCreateP(b_.id, "Bērns", "Bē").id;
  const std::string preparer_b = AddStaff(b_.id, "teacher-b", 1);
  StoredPlan shared =
      AddPlanFor(pupil_b, b_.id, north_.id, preparer_b, provider_a_, Current());
  ids.push_back(shared.id);

  std::vector<Caller> callers;
  for (const Expected& e : Everyone()) callers.push_back(e.caller);
  callers.push_back({"provider V", Staff(provider_v_, {})});
  callers.push_back({"preparer B", Staff(preparer_b, {})});
  for (const Caller& c : callers) {
    std::set<std::string> expected;
    for (const std::string& id : ids) {
      if (ViewOf(c.call.principal, Load(id)) != View::kNone) {
        expected.insert(ResourceName(kSupportPlans, id));
      }
    }
    std::set<std::string> listed;
    PlanFilter f;
    f.page_size = 3;
    for (int guard = 0; guard < 50; ++guard) {
      absl::StatusOr<ListPage<v1::SupportPlan>> page = ListPlans(c.call, f);
      if (!c.call.principal.authenticated()) {
        EXPECT_FALSE(page.ok());
        break;
      }
      ASSERT_THAT(page, IsOk()) << c.label;
      for (const v1::SupportPlan& p : page->items) {
        EXPECT_TRUE(listed.insert(p.name()).second) << c.label << " twice";
      }
      if (page->next_page_token.empty()) break;
      f.page_token = page->next_page_token;
    }
    EXPECT_EQ(listed, expected) << c.label;
  }
}

}  // namespace
}  // namespace pumpurs::plans
