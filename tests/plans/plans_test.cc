// Plan contents (plans.h): create rules (permission, preparer,
// application, one plan per semester, request_id), updates (mask, state,
// etag, what changed), nothing stored on a failed call, lists with paging
// and every filter, measure suggestions with their explanations, and the
// change history.

#include "server/plans/plans.h"

#include <set>

#include "tests/plans/plan_calls.h"

namespace pumpurs::plans {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class PlansTest : public PlanCallsTest {
 protected:
  std::string StaffName(const std::string& id) {
    return ResourceName(kStaff, id);
  }
  // Rows of every table a plan change writes.
  int64_t Stored() {
    return Count(
        "SELECT (SELECT count(*) FROM support_plans) + (SELECT count(*) FROM "
        "support_plan_revisions) + (SELECT count(*) FROM changes) + (SELECT "
        "coalesce(sum(version), 0) FROM support_plans) + (SELECT count(*) "
        "FROM audit_events WHERE action LIKE 'supportPlan.%')");
  }
  std::string Application() {
    return AddApplication(pupil_, a_.id, north_.id, Current());
  }
};

// ---- Create ----

TEST_F(PlansTest, PreparerCreatesADraftAndIsItsPreparer) {
  const std::string application = Application();
  v1::SupportPlan in = NewPlanA(Current());
  in.clear_preparer();
  absl::StatusOr<v1::SupportPlan> p = CreatePlan(PreparerA(), in);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->state(), v1::PLAN_STATE_DRAFT);
  EXPECT_EQ(p->preparer(), StaffName(preparer_a_));
  EXPECT_EQ(p->application(), ResourceName(kApplications, application));
  EXPECT_EQ(p->institution(), ResourceName(kInstitutions, a_.id));
  EXPECT_EQ(p->semester().school_year(), Current().school_year);
  EXPECT_EQ(p->etag(), "\"1\"");
  EXPECT_THAT(p->approval_levels(), ElementsAre(v1::APPROVAL_LEVEL_INSTITUTION,
                                                v1::APPROVAL_LEVEL_MUNICIPALITY,
                                                v1::APPROVAL_LEVEL_NATIONAL));
  ASSERT_THAT(p->risks(), SizeIs(2));
  EXPECT_FALSE(p->risks(1).redacted());
  EXPECT_TRUE(p->risks(1).special_category());
  const std::string id = IdOf(p->name());
  const StoredPlan stored = Load(id);
  EXPECT_EQ(stored.preparer_id, preparer_a_);
  EXPECT_EQ(stored.plan.measures_size(), 2);
  EXPECT_THAT(StoredAudit(),
              Contains("supportPlan.create supportPlans/" + id + " 1"));
  absl::StatusOr<ListPage<v1::PlanRevision>> h = History(PreparerA(), id);
  ASSERT_THAT(h, IsOk());
  ASSERT_THAT(h->items, SizeIs(1));
  EXPECT_EQ(h->items[0].action(), "create");
  EXPECT_EQ(h->items[0].actor(), "accounts/teacher-a");
}

TEST_F(PlansTest, OutputOnlyFieldsAreIgnoredOnCreate) {
  Application();
  v1::SupportPlan in = NewPlanA(Current());
  in.set_name("supportPlans/chosen");
  in.set_state(v1::PLAN_STATE_APPROVED);
  in.set_funds_used_cents(500);
  in.set_institution(ResourceName(kInstitutions, b_.id));
  in.set_application("applications/other");
  in.set_round(3);
  in.set_continues("supportPlans/older");
  in.add_acknowledgements()->set_by("guardians/x");
  absl::StatusOr<v1::SupportPlan> p = CreatePlan(HeadA(), in);
  ASSERT_THAT(p, IsOk());
  EXPECT_NE(p->name(), "supportPlans/chosen");
  EXPECT_EQ(p->state(), v1::PLAN_STATE_DRAFT);
  EXPECT_EQ(p->funds_used_cents(), 0);
  EXPECT_EQ(p->institution(), ResourceName(kInstitutions, a_.id));
  EXPECT_EQ(p->round(), 0);
  EXPECT_TRUE(p->continues().empty());
  EXPECT_THAT(p->acknowledgements(), IsEmpty());
}

TEST_F(PlansTest, PreparerDefaultsToTheCallersStaffRecordThere) {
  Application();
  v1::SupportPlan in = NewPlanA(Current());
  in.clear_preparer();
  // The head has a staff record at A.
  absl::StatusOr<v1::SupportPlan> p = CreatePlan(HeadA(), in);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->preparer(), StaffName(head_a_));
}

TEST_F(PlansTest, ACallerWithoutAStaffRecordNamesThePreparer) {
  Application();
  v1::SupportPlan in = NewPlanA(Current());
  in.clear_preparer();
  EXPECT_THAT(
      CreatePlan(Coordinator(a_), in),
      ViolatesFields(std::vector<std::string>{"support_plan.preparer"}));
  // A staff record elsewhere does not count.
  CallContext elsewhere = Staff(preparer_v_, {{Role::kPlanPreparer, a_.id}});
  EXPECT_THAT(
      CreatePlan(elsewhere, in),
      ViolatesFields(std::vector<std::string>{"support_plan.preparer"}));
  in.set_preparer(StaffName(preparer_v_));
  EXPECT_THAT(
      CreatePlan(Coordinator(a_), in),
      ViolatesFields(std::vector<std::string>{"support_plan.preparer"}));
  EXPECT_EQ(Count("SELECT count(*) FROM support_plans"), 0);
  in.set_preparer(StaffName(provider_a_));
  absl::StatusOr<v1::SupportPlan> p = CreatePlan(Coordinator(a_), in);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->preparer(), StaffName(provider_a_));
}

TEST_F(PlansTest, WhoCreates) {
  Application();
  const v1::SupportPlan in = NewPlanA(Current());
  for (const CallContext& denied :
       {Teacher(b_), ProviderA(), GuardianA(), North(), Admin(), HeadV()}) {
    EXPECT_THAT(CreatePlan(denied, in),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << denied.caller_id;
  }
  EXPECT_THAT(CreatePlan(Anonymous(), in),
              StatusIs(absl::StatusCode::kUnauthenticated));
  v1::SupportPlan nobody = in;
  nobody.set_pupil("pupils/nosuchpupil");
  EXPECT_THAT(CreatePlan(HeadA(), nobody),
              StatusIs(absl::StatusCode::kPermissionDenied));
  CallContext refused = Teacher(b_);
  EXPECT_THAT(CreatePlan(refused, in),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Deferred(refused),
              ElementsAre("supportPlan.create pupils/" + pupil_ + " 2"));
  EXPECT_EQ(Count("SELECT count(*) FROM support_plans"), 0);
}

TEST_F(PlansTest, PupilAndSemesterAreRequired) {
  v1::SupportPlan in = NewPlanA(Current());
  in.clear_pupil();
  in.mutable_semester()->set_term(0);
  EXPECT_THAT(CreatePlan(PreparerA(), in),
              ViolatesFields(std::vector<std::string>{
                  "support_plan.pupil", "support_plan.semester.term"}));
  in = NewPlanA(Current());
  in.set_pupil("staff/x");
  EXPECT_THAT(CreatePlan(PreparerA(), in),
              ViolatesFields(std::vector<std::string>{"support_plan.pupil"}));
}

TEST_F(PlansTest, ContentIsValidatedAndNothingStoredOnFailure) {
  Application();
  v1::SupportPlan in = NewPlanA(Current());
  in.mutable_measures(0)->clear_addresses();
  in.mutable_risks(0)->set_justification("");
  const int64_t before = Stored();
  EXPECT_THAT(CreatePlan(PreparerA(), in),
              ViolatesFields(std::vector<std::string>{
                  "support_plan.measures[0].addresses",
                  "support_plan.risks[0].justification"}));
  EXPECT_EQ(Stored(), before);
}

TEST_F(PlansTest, AnEmptyDraftIsAllowed) {
  Application();
  v1::SupportPlan in;
  in.set_pupil(ResourceName(kPupils, pupil_));
  *in.mutable_semester() = ToProto(Current());
  absl::StatusOr<v1::SupportPlan> p = CreatePlan(PreparerA(), in);
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(p->risks(), IsEmpty());
}

TEST_F(PlansTest, ApplicationRequired) {
  const int64_t before = Stored();
  absl::StatusOr<v1::SupportPlan> p =
      CreatePlan(PreparerA(), NewPlanA(Current()));
  EXPECT_THAT(p, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(p, HasReason("APPLICATION_REQUIRED"));
  // An application from a later semester on does not hold now.
  AddApplication(pupil_, a_.id, north_.id, Next(Current()));
  EXPECT_THAT(CreatePlan(PreparerA(), NewPlanA(Current())),
              HasReason("APPLICATION_REQUIRED"));
  EXPECT_EQ(Stored(), before);
  // It does for that semester.
  EXPECT_THAT(CreatePlan(PreparerA(), NewPlanA(Next(Current()))), IsOk());
}

TEST_F(PlansTest, WithdrawnApplication) {
  const std::string application = Application();
  ASSERT_THAT(Withdraw(GuardianA(), application, "Atsaucam."), IsOk());
  absl::StatusOr<v1::SupportPlan> p =
      CreatePlan(PreparerA(), NewPlanA(Current()));
  EXPECT_THAT(p, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(p, HasReason("APPLICATION_WITHDRAWN"));
  EXPECT_EQ(Count("SELECT count(*) FROM support_plans"), 0);
  // A new application makes way for a plan again.
  ASSERT_THAT(CreateApp(GuardianA(), Online(pupil_, Current())), IsOk());
  EXPECT_THAT(CreatePlan(PreparerA(), NewPlanA(Current())), IsOk());
}

TEST_F(PlansTest, OnePlanPerPupilAndSemesterUntilItIsInactive) {
  Application();
  absl::StatusOr<v1::SupportPlan> first =
      CreatePlan(PreparerA(), NewPlanA(Current()));
  ASSERT_THAT(first, IsOk());
  const int64_t before = Stored();
  absl::StatusOr<v1::SupportPlan> second =
      CreatePlan(HeadA(), NewPlanA(Current()));
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(second, HasReason("PLAN_EXISTS_FOR_SEMESTER"));
  EXPECT_EQ(Stored(), before);
  SetState(IdOf(first->name()), v1::PLAN_STATE_INACTIVE);
  absl::StatusOr<v1::SupportPlan> third =
      CreatePlan(HeadA(), NewPlanA(Current()));
  ASSERT_THAT(third, IsOk());
  EXPECT_NE(third->name(), first->name());
}

TEST_F(PlansTest, RetriedRequestIdReturnsTheSamePlan) {
  Application();
  absl::StatusOr<v1::SupportPlan> first =
      CreatePlan(PreparerA(), NewPlanA(Current()), "plan-1");
  ASSERT_THAT(first, IsOk());
  CallContext retry_call = PreparerA();
  absl::StatusOr<v1::SupportPlan> retry =
      CreatePlan(retry_call, NewPlanA(Current()), "plan-1");
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->name(), first->name());
  EXPECT_EQ(retry->etag(), first->etag());
  EXPECT_EQ(Count("SELECT count(*) FROM support_plans"), 1);
  // The retry is a read of the first result, audited as one.
  EXPECT_THAT(Deferred(retry_call),
              ElementsAre("supportPlan.read " + first->name() + " 1"));
}

// ---- Read ----

TEST_F(PlansTest, GetIsAuditedAndPresentedForTheCaller) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_IN_APPROVAL);
  CallContext north = North();
  absl::StatusOr<v1::SupportPlan> got = GetPlan(north, p.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_TRUE(got->risks(1).redacted());
  EXPECT_TRUE(got->risks(1).risk_factor().empty());
  EXPECT_THAT(Deferred(north),
              ElementsAre("supportPlan.read supportPlans/" + p.id + " 1"));
  CallContext stranger = Teacher(b_);
  EXPECT_THAT(GetPlan(stranger, p.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Deferred(stranger),
              ElementsAre("supportPlan.read supportPlans/" + p.id + " 2"));
  EXPECT_THAT(GetPlan(Admin(), "nosuchplan"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(GetPlan(HeadA(), "nosuchplan"),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

// ---- Update ----

TEST_F(PlansTest, UpdateReplacesTheNamedFieldsAndRecordsWhatChanged) {
  StoredPlan p = AddPlanA(Current());
  v1::SupportPlan changes;
  changes.set_problem_description("Jauns apraksts.");
  *changes.mutable_goals() = p.plan.goals();  // unchanged
  changes.mutable_goals(0)->set_description(p.plan.goals(0).description());
  changes.set_preparer(StaffName(provider_a_));  // not in the mask: ignored
  CallContext preparer = PreparerA();
  absl::StatusOr<v1::SupportPlan> out = UpdatePlan(
      preparer, p.id, changes, {"problem_description", "goals"}, p.plan.etag());
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->problem_description(), "Jauns apraksts.");
  EXPECT_EQ(out->preparer(), StaffName(preparer_a_));
  EXPECT_EQ(out->etag(), "\"2\"");
  EXPECT_EQ(out->measures_size(), 2);
  absl::StatusOr<ListPage<v1::PlanRevision>> h = History(HeadA(), p.id);
  ASSERT_THAT(h, IsOk());
  EXPECT_EQ(h->items[0].action(), "update");
  EXPECT_THAT(h->items[0].changed_fields(), ElementsAre("problem_description"));
  EXPECT_THAT(StoredAudit(),
              Contains("supportPlan.update supportPlans/" + p.id + " 1"));
  EXPECT_EQ(Load(p.id).plan.problem_description(), "Jauns apraksts.");
}

TEST_F(PlansTest, AnUpdateThatChangesNothingStoresNothing) {
  StoredPlan p = AddPlanA(Current());
  const int64_t before = Count("SELECT count(*) FROM support_plan_revisions");
  absl::StatusOr<v1::SupportPlan> out =
      UpdatePlan(HeadA(), p.id, p.plan, {"risks", "measures", "preparer"});
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->etag(), p.plan.etag());
  EXPECT_EQ(Count("SELECT count(*) FROM support_plan_revisions"), before);
}

TEST_F(PlansTest, ChangingThePreparerMovesTheRightToEdit) {
  StoredPlan p = AddPlanA(Current());
  v1::SupportPlan changes;
  changes.set_preparer(StaffName(provider_a_));
  absl::StatusOr<v1::SupportPlan> out =
      UpdatePlan(PreparerA(), p.id, changes, {"preparer"});
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(Load(p.id).preparer_id, provider_a_);
  changes.set_problem_description("x");
  EXPECT_THAT(UpdatePlan(PreparerA(), p.id, changes, {"problem_description"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(UpdatePlan(ProviderA(), p.id, changes, {"problem_description"}),
              IsOk());
  changes.set_preparer(StaffName(preparer_v_));
  EXPECT_THAT(
      UpdatePlan(HeadA(), p.id, changes, {"preparer"}),
      ViolatesFields(std::vector<std::string>{"support_plan.preparer"}));
}

TEST_F(PlansTest, UpdateMaskIsRequiredAndLimited) {
  StoredPlan p = AddPlanA(Current());
  EXPECT_THAT(UpdatePlan(PreparerA(), p.id, p.plan, {}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
  EXPECT_THAT(UpdatePlan(PreparerA(), p.id, p.plan, {"risks", "state"}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
  EXPECT_THAT(UpdatePlan(PreparerA(), p.id, p.plan, {"semester"}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
}

TEST_F(PlansTest, WhoUpdates) {
  StoredPlan p = AddPlanA(Current());
  v1::SupportPlan changes;
  changes.set_problem_description("Cits.");
  for (const CallContext& denied : {ProviderA(), Coordinator(a_), Teacher(a_),
                                    GuardianA(), North(), Admin()}) {
    EXPECT_THAT(UpdatePlan(denied, p.id, changes, {"problem_description"}),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << denied.caller_id;
  }
  EXPECT_THAT(UpdatePlan(HeadA(), p.id, changes, {"problem_description"}),
              IsOk());
}

TEST_F(PlansTest, StaleEtagIsAbortedAndNothingStored) {
  StoredPlan p = AddPlanA(Current());
  v1::SupportPlan changes;
  changes.set_problem_description("Pirmais.");
  ASSERT_THAT(UpdatePlan(PreparerA(), p.id, changes, {"problem_description"},
                         p.plan.etag()),
              IsOk());
  const int64_t before = Stored();
  changes.set_problem_description("Otrais.");
  absl::StatusOr<v1::SupportPlan> stale = UpdatePlan(
      HeadA(), p.id, changes, {"problem_description"}, p.plan.etag());
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(Stored(), before);
  EXPECT_EQ(Load(p.id).plan.problem_description(), "Pirmais.");
}

TEST_F(PlansTest, OnlyDraftsAndPlansUnderRevisionAreEdited) {
  v1::SupportPlan changes;
  changes.set_problem_description("Cits.");
  for (v1::PlanState state :
       {v1::PLAN_STATE_IN_APPROVAL, v1::PLAN_STATE_APPROVED,
        v1::PLAN_STATE_IN_IMPLEMENTATION, v1::PLAN_STATE_SUSPENDED,
        v1::PLAN_STATE_CLOSED}) {
    StoredPlan p = AddPlanA(Current(), state);
    const int64_t before = Stored();
    absl::StatusOr<v1::SupportPlan> out =
        UpdatePlan(PreparerA(), p.id, changes, {"problem_description"});
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(out, HasReason("PLAN_NOT_EDITABLE")) << state;
    EXPECT_EQ(Stored(), before);
    SetState(p.id, v1::PLAN_STATE_INACTIVE);
  }
  StoredPlan revising = AddPlanA(Current(), v1::PLAN_STATE_UNDER_REVISION);
  EXPECT_THAT(
      UpdatePlan(PreparerA(), revising.id, changes, {"problem_description"}),
      IsOk());
  SetState(revising.id, v1::PLAN_STATE_INACTIVE);
  EXPECT_THAT(
      UpdatePlan(PreparerA(), revising.id, changes, {"problem_description"}),
      HasReason("PLAN_INACTIVE"));
}

TEST_F(PlansTest, AWithdrawnApplicationStopsEdits) {
  StoredPlan p = AddPlanA(Current());
  ASSERT_THAT(Withdraw(GuardianA(), p.application_id, "Atsaucam."), IsOk());
  v1::SupportPlan changes;
  changes.set_problem_description("Cits.");
  absl::StatusOr<v1::SupportPlan> out =
      UpdatePlan(PreparerA(), p.id, changes, {"problem_description"});
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(out, HasReason("APPLICATION_WITHDRAWN"));
}

TEST_F(PlansTest, BadUpdateNamesEveryFieldAndStoresNothing) {
  StoredPlan p = AddPlanA(Current());
  v1::SupportPlan changes = p.plan;
  changes.mutable_risks()->DeleteSubrange(0, 1);  // m1 addressed it
  changes.mutable_goals(0)->set_due_date("2001-01-01");
  const int64_t before = Stored();
  EXPECT_THAT(UpdatePlan(PreparerA(), p.id, changes, {"risks", "goals"}),
              ViolatesFields(
                  std::vector<std::string>{"support_plan.measures[0].addresses",
                                           "support_plan.goals[0].due_date"}));
  EXPECT_EQ(Stored(), before);
}

TEST_F(PlansTest, DeliveredQuantitiesSurviveAnEdit) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_UNDER_REVISION);
  p = Load(p.id);
  p.plan.mutable_measures(0)->set_delivered_quantity(2);
  p.plan.mutable_measures(0)->set_delivery_count(2);
  CallContext system;
  system.caller_id = "system:test";
  ASSERT_THAT(db_->WriteSync(system,
                             [&](storage::Connection& c) {
                               return SavePlan(c, system, p, "deliver",
                                               {"measures"}, absl::Now());
                             }),
              IsOk());
  v1::SupportPlan changes = p.plan;
  changes.mutable_measures(0)->set_delivered_quantity(0);
  changes.mutable_measures(0)->set_delivery_count(0);
  changes.mutable_measures(0)->set_planned_quantity(12);
  absl::StatusOr<v1::SupportPlan> out =
      UpdatePlan(PreparerA(), p.id, changes, {"measures"});
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->measures(0).planned_quantity(), 12);
  EXPECT_EQ(out->measures(0).delivered_quantity(), 2);
  EXPECT_EQ(out->measures(0).delivery_count(), 2);
}

// ---- List ----

class PlanListTest : public PlansTest {
 protected:
  void SetUp() override {
    PlansTest::SetUp();
    pupil_b_ = MustCreateP(b_.id, "Bērns", "Bē").id;
    preparer_b_ = AddStaff(b_.id, "teacher-b", 1);
    pupil_c_ = MustCreateP(c_.id, "Bērns", "Cē").id;
    preparer_c_ = AddStaff(c_.id, "teacher-c", 1);
    const absl::Time t0 = absl::Now() - absl::Hours(1);
    const Semester now = Current();
    const Semester last{now.school_year - 1, now.term};
    // Oldest first; newest first in every list.
    plans_ = {
        AddPlanFor(pupil_, a_.id, north_.id, preparer_a_, provider_a_, last,
                   v1::PLAN_STATE_CLOSED, t0),
        AddPlanFor(pupil_, a_.id, north_.id, preparer_a_, provider_a_, now,
                   v1::PLAN_STATE_IN_APPROVAL, t0 + absl::Seconds(1)),
        AddPlanFor(pupil_b_, b_.id, north_.id, preparer_b_, preparer_b_, now,
                   v1::PLAN_STATE_DRAFT, t0 + absl::Seconds(2)),
        AddPlanFor(pupil_c_, c_.id, south_.id, preparer_c_, preparer_c_, now,
                   v1::PLAN_STATE_IN_APPROVAL, t0 + absl::Seconds(3)),
        AddPlanFor(adult_pupil_, v_.id, south_.id, preparer_v_, provider_v_,
                   now, v1::PLAN_STATE_IN_IMPLEMENTATION,
                   t0 + absl::Seconds(4)),
    };
  }
  // The plans' indexes in plans_ listed for `call` with `filter`, over
  // every page of `page_size`.
  std::vector<int> Listed(const CallContext& call, PlanFilter filter,
                          int page_size = 2) {
    std::vector<int> out;
    filter.page_size = page_size;
    for (int guard = 0; guard < 20; ++guard) {
      absl::StatusOr<ListPage<v1::SupportPlan>> page = ListPlans(call, filter);
      EXPECT_THAT(page, IsOk());
      if (!page.ok()) break;
      EXPECT_LE(static_cast<int>(page->items.size()), page_size);
      for (const v1::SupportPlan& p : page->items) out.push_back(IndexOf(p));
      if (page->next_page_token.empty()) break;
      filter.page_token = page->next_page_token;
    }
    return out;
  }
  int IndexOf(const v1::SupportPlan& p) {
    for (size_t i = 0; i < plans_.size(); ++i) {
      if (p.name() == ResourceName(kSupportPlans, plans_[i].id)) return i;
    }
    return -1;
  }

  std::string pupil_b_, preparer_b_, pupil_c_, preparer_c_;
  std::vector<StoredPlan> plans_;
};

TEST_F(PlanListTest, NewestFirstOverPages) {
  EXPECT_THAT(Listed(Admin(), {}), ElementsAre(4, 3, 1, 0));  // 2 is a draft
  EXPECT_THAT(Listed(Admin(), {}, 1), ElementsAre(4, 3, 1, 0));
  EXPECT_THAT(Listed(Admin(), {}, 10), ElementsAre(4, 3, 1, 0));
  EXPECT_THAT(Listed(HeadA(), {}), ElementsAre(1, 0));
  EXPECT_THAT(Listed(North(), {}), ElementsAre(1, 0));
  // South sees C's plan, never the vocational school's.
  EXPECT_THAT(Listed(South(), {}), ElementsAre(3));
  EXPECT_THAT(Listed(Teacher(b_), {}), IsEmpty());
  EXPECT_THAT(Listed(Staff(preparer_b_, {{Role::kPlanPreparer, b_.id}}), {}),
              ElementsAre(2));
  EXPECT_THAT(Listed(GuardianA(), {}), ElementsAre(1, 0));
  EXPECT_THAT(Listed(AdultPupilV(), {}), ElementsAre(4));
  EXPECT_THAT(ListPlans(Anonymous()),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(PlanListTest, EveryFilter) {
  PlanFilter f;
  f.institution_id = a_.id;
  EXPECT_THAT(Listed(Admin(), f), ElementsAre(1, 0));
  f = {};
  f.pupil_id = pupil_c_;
  EXPECT_THAT(Listed(Admin(), f), ElementsAre(3));
  f = {};
  f.preparer_id = preparer_v_;
  EXPECT_THAT(Listed(Admin(), f), ElementsAre(4));
  f = {};
  f.state = v1::PLAN_STATE_IN_APPROVAL;
  EXPECT_THAT(Listed(Admin(), f), ElementsAre(3, 1));
  f = {};
  f.semester = {Current().school_year - 1, Current().term};
  EXPECT_THAT(Listed(Admin(), f), ElementsAre(0));
  f = {};
  f.municipality_id = south_.id;
  EXPECT_THAT(Listed(Admin(), f), ElementsAre(4, 3));
  f.state = v1::PLAN_STATE_IN_IMPLEMENTATION;
  EXPECT_THAT(Listed(Admin(), f), ElementsAre(4));
  // Filters narrow what the caller sees, never widen it.
  f = {};
  f.institution_id = b_.id;
  EXPECT_THAT(Listed(HeadA(), f), IsEmpty());
}

TEST_F(PlanListTest, BadFiltersAndTokens) {
  PlanFilter f;
  f.semester = {Current().school_year, 3};
  EXPECT_THAT(ListPlans(Admin(), f),
              ViolatesFields(std::vector<std::string>{"semester.term"}));
  f = {};
  f.state = static_cast<v1::PlanState>(42);
  EXPECT_THAT(ListPlans(Admin(), f),
              ViolatesFields(std::vector<std::string>{"state"}));
  f = {};
  f.page_size = 1;
  absl::StatusOr<ListPage<v1::SupportPlan>> page = ListPlans(Admin(), f);
  ASSERT_THAT(page, IsOk());
  f.page_token = page->next_page_token;
  f.institution_id = a_.id;
  EXPECT_THAT(ListPlans(Admin(), f), HasReason("INVALID_PAGE_TOKEN"));
  f = {};
  f.page_size = -1;
  EXPECT_THAT(ListPlans(Admin(), f),
              ViolatesFields(std::vector<std::string>{"page_size"}));
}

TEST_F(PlanListTest, EachPlanListedIsAuditedForItsPupil) {
  CallContext admin = Admin();
  absl::StatusOr<ListPage<v1::SupportPlan>> page = ListPlans(admin);
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(*admin.deferred_audit, SizeIs(4));
  for (size_t i = 0; i < page->items.size(); ++i) {
    const AuditEvent& e = (*admin.deferred_audit)[i];
    EXPECT_EQ(e.action, "supportPlan.list");
    EXPECT_EQ(e.resource, page->items[i].name());
    EXPECT_EQ(ResourceName(kPupils, e.pupil_id), page->items[i].pupil());
  }
  // Redacted for the national level.
  EXPECT_TRUE(page->items[0].risks(1).redacted());
}

// ---- Suggestions ----

TEST_F(PlansTest, SuggestionsAreExplainedAndPrefilled) {
  StoredPlan p = AddPlanA(Current());
  CallContext preparer = PreparerA();
  absl::StatusOr<v1::SuggestMeasuresResponse> r = Suggest(preparer, p.id);
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(r->suggestions().empty());
  EXPECT_LE(r->suggestions_size(), 10);
  std::set<std::string> types;
  bool illness = false;
  for (const v1::MeasureSuggestion& s : r->suggestions()) {
    const v1::PlanMeasure& m = s.measure();
    EXPECT_EQ(m.measure_type(), s.recommendation().measure_type());
    EXPECT_NE(m.unit(), v1::MEASURE_UNIT_UNSPECIFIED) << m.measure_type();
    ASSERT_EQ(m.addresses_size(), s.recommendation().reasons_size());
    for (int i = 0; i < m.addresses_size(); ++i) {
      EXPECT_EQ(m.addresses(i), s.recommendation().reasons(i).risk_factor());
      illness = illness || m.addresses(i) == "riskFactors/long-term-illness";
    }
    EXPECT_FALSE(m.justification().empty());
    EXPECT_TRUE(m.provider().empty());
    EXPECT_GT(s.recommendation().total_points(), 0);
    EXPECT_EQ(s.already_in_plan(),
              m.measure_type() == "measureTypes/subject-teacher-consultation" ||
                  m.measure_type() == "measureTypes/psychologist-consultation");
    types.insert(m.measure_type());
  }
  EXPECT_TRUE(illness);
  EXPECT_EQ(types.size(), static_cast<size_t>(r->suggestions_size()));
  EXPECT_THAT(Deferred(preparer),
              ElementsAre("supportPlan.suggest supportPlans/" + p.id + " 1"));
  // Nothing stored.
  EXPECT_EQ(Load(p.id).version, 1);

  absl::StatusOr<v1::SuggestMeasuresResponse> two =
      Suggest(PreparerA(), p.id, "en", 2);
  ASSERT_THAT(two, IsOk());
  EXPECT_EQ(two->suggestions_size(), 2);
  EXPECT_EQ(two->suggestions(0).recommendation().measure_type(),
            r->suggestions(0).recommendation().measure_type());
}

TEST_F(PlansTest, SuggestionsKeepHiddenRisksHidden) {
  StoredPlan p = AddPlanA(Current());
  // The provider of the subject consultation does not see the illness.
  absl::StatusOr<v1::SuggestMeasuresResponse> r = Suggest(ProviderA(), p.id);
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(r->suggestions().empty());
  for (const v1::MeasureSuggestion& s : r->suggestions()) {
    EXPECT_THAT(s.measure().addresses(),
                ::testing::Not(Contains("riskFactors/long-term-illness")));
  }
}

TEST_F(PlansTest, SuggestionsAreForStaffOnly) {
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_IN_APPROVAL);
  for (const CallContext& denied :
       {GuardianA(), North(), Admin(), Teacher(b_)}) {
    CallContext call = denied;
    EXPECT_THAT(Suggest(call, p.id),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << call.caller_id;
    EXPECT_THAT(Deferred(call),
                ElementsAre("supportPlan.suggest supportPlans/" + p.id + " 2"));
  }
  EXPECT_THAT(Suggest(HeadA(), p.id, "de"),
              ViolatesFields(std::vector<std::string>{"locale"}));
  EXPECT_THAT(Suggest(HeadA(), p.id, "", -1),
              ViolatesFields(std::vector<std::string>{"max_results"}));
}

TEST_F(PlansTest, APlanWithoutRisksHasNoSuggestions) {
  Application();
  v1::SupportPlan in;
  in.set_pupil(ResourceName(kPupils, pupil_));
  *in.mutable_semester() = ToProto(Current());
  absl::StatusOr<v1::SupportPlan> p = CreatePlan(PreparerA(), in);
  ASSERT_THAT(p, IsOk());
  absl::StatusOr<v1::SuggestMeasuresResponse> r =
      Suggest(PreparerA(), IdOf(p->name()));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->suggestions(), IsEmpty());
}

// ---- History ----

TEST_F(PlansTest, HistoryNewestFirstWithPaging) {
  StoredPlan p = AddPlanA(Current());
  v1::SupportPlan changes;
  for (const char* text : {"Viens.", "Divi."}) {
    changes.set_problem_description(text);
    ASSERT_THAT(UpdatePlan(PreparerA(), p.id, changes, {"problem_description"}),
                IsOk());
  }
  CallContext head = HeadA();
  absl::StatusOr<ListPage<v1::PlanRevision>> h = History(head, p.id, 2);
  ASSERT_THAT(h, IsOk());
  ASSERT_THAT(h->items, SizeIs(2));
  EXPECT_EQ(h->items[0].number(), 3);
  EXPECT_EQ(h->items[1].number(), 2);
  EXPECT_EQ(h->items[0].actor(), "accounts/teacher-a");
  EXPECT_EQ(h->items[0].state(), v1::PLAN_STATE_DRAFT);
  EXPECT_TRUE(h->items[0].has_time());
  EXPECT_THAT(Deferred(head),
              ElementsAre("supportPlan.history supportPlans/" + p.id + " 1"));
  h = History(HeadA(), p.id, 2, h->next_page_token);
  ASSERT_THAT(h, IsOk());
  ASSERT_THAT(h->items, SizeIs(1));
  EXPECT_EQ(h->items[0].number(), 1);
  EXPECT_EQ(h->items[0].action(), "create");
  EXPECT_THAT(h->items[0].changed_fields(), IsEmpty());
  EXPECT_TRUE(h->next_page_token.empty());
  // Drafts are not the family's to see, nor their history.
  EXPECT_THAT(History(GuardianA(), p.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace pumpurs::plans
