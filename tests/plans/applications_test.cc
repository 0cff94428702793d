// Applications: who may apply online or register a paper form, the
// applicant and channel rules, one active application per pupil,
// request_id retries, reads and lists with their audit, withdrawal and
// its effect on the plans based on the application.

#include "server/plans/applications.h"

#include "tests/plans/plan_calls.h"

namespace pumpurs::plans {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class ApplicationsTest : public PlanCallsTest {
 protected:
  // The application as stored in plan_applications.data.
  v1::Application Stored(const std::string& id) {
    absl::StatusOr<v1::Application> a = Read<v1::Application>(
        [&](storage::Connection& c) -> absl::StatusOr<v1::Application> {
          PUMPURS_ASSIGN_OR_RETURN(
              storage::Statement s,
              c.Prepare("SELECT data FROM plan_applications WHERE id = ?"));
          s.Bind(1, id);
          PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
          if (!row) return absl::NotFoundError(id);
          v1::Application out;
          out.ParseFromString(s.ColumnText(0));
          return out;
        });
    EXPECT_THAT(a, IsOk());
    return a.ok() ? *a : v1::Application{};
  }
  std::string Guardian() { return ResourceName(kGuardians, guardian_); }
  // A guardian of another pupil of A.
  std::string OtherGuardian() {
    const std::string pupil = MustCreateP(a_.id, "Cits", "Bērns").id;
    return MustCreateG("Cits", "Vecāks", {pupil}).id;
  }
};

TEST_F(ApplicationsTest, GuardianAppliesOnlineAndTheStoredCopyIsTheAnswer) {
  absl::StatusOr<v1::Application> a =
      CreateApp(GuardianA(), Online(pupil_, Current()));
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->channel(), v1::APPLICATION_CHANNEL_ONLINE);
  EXPECT_EQ(a->applicant(), Guardian());
  EXPECT_EQ(a->state(), v1::APPLICATION_STATE_ACTIVE);
  EXPECT_EQ(a->institution(), ResourceName(kInstitutions, a_.id));
  EXPECT_EQ(a->pupil(), ResourceName(kPupils, pupil_));
  EXPECT_EQ(a->etag(), "\"1\"");
  EXPECT_TRUE(a->has_create_time());
  EXPECT_TRUE(a->registered_by().empty());
  EXPECT_TRUE(a->signed_date().empty());
  const std::string id = IdOf(a->name());
  EXPECT_EQ(Stored(id).SerializeAsString(), a->SerializeAsString());
  EXPECT_EQ(Count("SELECT count(*) FROM changes WHERE resource = "
                  "'applications/" +
                  id + "' AND plan_id = '' AND pupil_id = '" + pupil_ + "'"),
            1);
  EXPECT_THAT(StoredAudit(), ::testing::Contains("application.create "
                                                 "applications/" +
                                                 id + " 1"));
}

TEST_F(ApplicationsTest, AdultPupilAppliesForThemself) {
  absl::StatusOr<v1::Application> a =
      CreateApp(AdultPupilV(), Online(adult_pupil_, Current()));
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->applicant(), ResourceName(kPupils, adult_pupil_));
  EXPECT_EQ(a->institution(), ResourceName(kInstitutions, v_.id));
}

TEST_F(ApplicationsTest, OnlyTheFamilyAppliesOnline) {
  const v1::Application a = Online(pupil_, Current());
  const std::string other = OtherGuardian();
  EXPECT_THAT(CreateApp(GuardianOf(other), a),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateApp(HeadA(), a),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateApp(AdultPupilV(), a),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateApp(Anonymous(), a),
              StatusIs(absl::StatusCode::kUnauthenticated));
  // A pupil that does not exist looks like one the caller may not touch.
  EXPECT_THAT(CreateApp(GuardianA(), Online("nosuchpupil", Current())),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(Count("SELECT count(*) FROM plan_applications"), 0);
}

TEST_F(ApplicationsTest, RefusalsAreAuditedAsDenied) {
  CallContext head = HeadA();
  EXPECT_THAT(CreateApp(head, Online(pupil_, Current())),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Deferred(head),
              ElementsAre("application.create pupils/" + pupil_ + " 2"));
}

TEST_F(ApplicationsTest, StaffRegisterAPaperForm) {
  absl::StatusOr<v1::Application> a =
      CreateApp(PreparerA(), Paper(pupil_, Current(), Guardian()));
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->channel(), v1::APPLICATION_CHANNEL_PAPER_FORM);
  EXPECT_EQ(a->applicant(), Guardian());
  EXPECT_EQ(a->signed_date(), DayFromToday(-1));
  EXPECT_EQ(a->registered_by(), "accounts/teacher-a");
}

TEST_F(ApplicationsTest, PaperFormOfAnAdultPupilByThemself) {
  absl::StatusOr<v1::Application> a = CreateApp(
      PreparerV(),
      Paper(adult_pupil_, Current(), ResourceName(kPupils, adult_pupil_)));
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->applicant(), ResourceName(kPupils, adult_pupil_));
}

TEST_F(ApplicationsTest, PaperFormNeedsStaffOfThePupilsInstitution) {
  const v1::Application a = Paper(pupil_, Current(), Guardian());
  EXPECT_THAT(CreateApp(Teacher(b_), a),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateApp(GuardianA(), a),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateApp(North(), a),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateApp(Coordinator(a_), a), IsOk());
}

TEST_F(ApplicationsTest, PaperFormFieldsAreChecked) {
  v1::Application a = Paper(pupil_, Current(), "");
  a.set_signed_date(DayFromToday(1));
  a.mutable_semester()->set_term(3);
  EXPECT_THAT(CreateApp(HeadA(), a),
              ViolatesFields(std::vector<std::string>{
                  "application.applicant", "application.signed_date",
                  "application.semester.term"}));
  a = Paper(pupil_, Current(), Guardian());
  a.set_signed_date("2025-02-30");
  a.clear_pupil();
  EXPECT_THAT(CreateApp(HeadA(), a),
              ViolatesFields(std::vector<std::string>{"application.signed_date",
                                                      "application.pupil"}));
  a = Paper(pupil_, Current(), "teachers/x");
  EXPECT_THAT(
      CreateApp(HeadA(), a),
      ViolatesFields(std::vector<std::string>{"application.applicant"}));
  EXPECT_EQ(Count("SELECT count(*) FROM plan_applications"), 0);
}

TEST_F(ApplicationsTest, PaperApplicantMustBeTheFamily) {
  const std::string other = OtherGuardian();
  EXPECT_THAT(
      CreateApp(HeadA(),
                Paper(pupil_, Current(), ResourceName(kGuardians, other))),
      ViolatesFields(std::vector<std::string>{"application.applicant"}));
  // The pupil of A is 11: a minor does not apply for themself.
  EXPECT_THAT(
      CreateApp(HeadA(),
                Paper(pupil_, Current(), ResourceName(kPupils, pupil_))),
      ViolatesFields(std::vector<std::string>{"application.applicant"}));
  EXPECT_THAT(
      CreateApp(PreparerV(),
                Paper(adult_pupil_, Current(), ResourceName(kPupils, pupil_))),
      ViolatesFields(std::vector<std::string>{"application.applicant"}));
  EXPECT_EQ(Count("SELECT count(*) FROM plan_applications"), 0);
}

TEST_F(ApplicationsTest, OneActiveApplicationPerPupil) {
  absl::StatusOr<v1::Application> first =
      CreateApp(GuardianA(), Online(pupil_, Current()));
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::Application> again =
      CreateApp(HeadA(), Paper(pupil_, Next(Current()), Guardian()));
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(again, HasReason("APPLICATION_EXISTS"));
  ASSERT_THAT(Withdraw(GuardianA(), IdOf(first->name()), "Pārdomājām."),
              IsOk());
  EXPECT_THAT(CreateApp(GuardianA(), Online(pupil_, Current())), IsOk());
  EXPECT_EQ(Count("SELECT count(*) FROM plan_applications"), 2);
}

TEST_F(ApplicationsTest, RetriedRequestIdReturnsTheFirstApplication) {
  absl::StatusOr<v1::Application> first =
      CreateApp(GuardianA(), Online(pupil_, Current()), "req-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::Application> retry =
      CreateApp(GuardianA(), Online(pupil_, Current()), "req-1");
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->name(), first->name());
  EXPECT_EQ(Count("SELECT count(*) FROM plan_applications"), 1);
  // Another caller's id space is its own: the second create conflicts.
  EXPECT_THAT(CreateApp(HeadA(), Paper(pupil_, Current(), Guardian()), "req-1"),
              HasReason("APPLICATION_EXISTS"));
  EXPECT_THAT(CreateApp(GuardianA(), Online(pupil_, Current()), "bad id"),
              ViolatesFields(std::vector<std::string>{"request_id"}));
}

TEST_F(ApplicationsTest, WhoReadsAnApplication) {
  absl::StatusOr<v1::Application> a =
      CreateApp(GuardianA(), Online(pupil_, Current()));
  ASSERT_THAT(a, IsOk());
  const std::string id = IdOf(a->name());
  for (const CallContext& ok :
       {GuardianA(), HeadA(), Coordinator(a_), PreparerA(), Admin()}) {
    CallContext call = ok;
    absl::StatusOr<v1::Application> got = GetApp(call, id);
    ASSERT_THAT(got, IsOk()) << call.caller_id;
    EXPECT_EQ(got->SerializeAsString(), a->SerializeAsString());
    EXPECT_THAT(Deferred(call),
                ElementsAre("application.read applications/" + id + " 1"));
  }
  for (const CallContext& denied :
       {Teacher(b_), North(), ProviderA(), AdultPupilV()}) {
    EXPECT_THAT(GetApp(denied, id),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << denied.caller_id;
  }
  EXPECT_THAT(GetApp(Admin(), "nosuchapplication"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(GetApp(HeadA(), "nosuchapplication"),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(ApplicationsTest, ListsNewestFirstWithPagingAndFilters) {
  // Three pupils of A, each with a guardian's paper form, a second apart.
  std::vector<std::string> names;  // newest first
  std::vector<std::pair<std::string, std::string>> families = {
      {pupil_, guardian_}};
  for (const char* given : {"Otrais", "Trešais"}) {
    const std::string p = MustCreateP(a_.id, given, "Skolēns").id;
    families.emplace_back(p, MustCreateG("V", given, {p}).id);
  }
  const absl::Time t0 = absl::Now();
  for (size_t i = 0; i < families.size(); ++i) {
    absl::StatusOr<v1::Application> a =
        CreateApp(HeadA(),
                  Paper(families[i].first, Current(),
                        ResourceName(kGuardians, families[i].second)),
                  "", t0 + absl::Seconds(i));
    ASSERT_THAT(a, IsOk());
    names.insert(names.begin(), a->name());
  }
  ASSERT_THAT(Withdraw(HeadA(), IdOf(names[1]), "Pārcēlās."), IsOk());

  ApplicationFilter f;
  f.institution_id = a_.id;
  f.page_size = 2;
  CallContext head = HeadA();
  absl::StatusOr<ListPage<v1::Application>> page = ListApps(head, f);
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(page->items, SizeIs(2));
  EXPECT_EQ(page->items[0].name(), names[0]);
  EXPECT_EQ(page->items[1].name(), names[1]);
  EXPECT_THAT(Deferred(head),
              ElementsAre("application.list " + names[0] + " 1",
                          "application.list " + names[1] + " 1"));
  ASSERT_FALSE(page->next_page_token.empty());
  f.page_token = page->next_page_token;
  page = ListApps(HeadA(), f);
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(page->items, SizeIs(1));
  EXPECT_EQ(page->items[0].name(), names[2]);
  EXPECT_TRUE(page->next_page_token.empty());

  // A token is bound to its filters.
  f.state = v1::APPLICATION_STATE_ACTIVE;
  EXPECT_THAT(ListApps(HeadA(), f),
              StatusIs(absl::StatusCode::kInvalidArgument));
  f.page_token.clear();
  f.page_size = 0;
  page = ListApps(HeadA(), f);
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(page->items, SizeIs(2));
  EXPECT_EQ(page->items[0].name(), names[0]);
  EXPECT_EQ(page->items[1].name(), names[2]);

  ApplicationFilter by_pupil;
  by_pupil.pupil_id = pupil_;
  CallContext guardian = GuardianA();
  page = ListApps(guardian, by_pupil);
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(page->items, SizeIs(1));
  EXPECT_EQ(page->items[0].pupil(), ResourceName(kPupils, pupil_));
  EXPECT_THAT(Deferred(guardian), SizeIs(1));
}

TEST_F(ApplicationsTest, ListNeedsAPlaceTheCallerMayRead) {
  EXPECT_THAT(ListApps(HeadA(), {}),
              ViolatesFields(std::vector<std::string>{"institution"}));
  ApplicationFilter f;
  f.institution_id = a_.id;
  EXPECT_THAT(ListApps(GuardianA(), f),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ListApps(Teacher(b_), f),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ListApps(Anonymous(), f),
              StatusIs(absl::StatusCode::kUnauthenticated));
  ApplicationFilter p;
  p.pupil_id = pupil_;
  EXPECT_THAT(ListApps(AdultPupilV(), p),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ListApps(HeadA(), p), IsOk());
  p.pupil_id = adult_pupil_;
  EXPECT_THAT(ListApps(AdultPupilV(), p), IsOk());
}

TEST_F(ApplicationsTest, ListByPupilShowsOnlyWhatGetWouldShow) {
  // An application made at A; then the pupil moves to B.
  absl::StatusOr<v1::Application> a =
      CreateApp(GuardianA(), Online(pupil_, Current()));
  ASSERT_THAT(a, IsOk());
  const std::string id = IdOf(a->name());
  ASSERT_THAT(Exec("UPDATE pupils SET institution_id = '" + b_.id +
                   "' WHERE id = '" + pupil_ + "'"),
              IsOk());
  // B's head may list the pupil's applications, but not read A's one.
  EXPECT_THAT(GetApp(Head(b_), id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ApplicationFilter f;
  f.pupil_id = pupil_;
  CallContext head_b = Head(b_);
  absl::StatusOr<ListPage<v1::Application>> page = ListApps(head_b, f);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(page->items, IsEmpty());
  EXPECT_THAT(Deferred(head_b), IsEmpty());
  // The family still sees it, in the list as by Get.
  CallContext guardian = GuardianA();
  page = ListApps(guardian, f);
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(page->items, SizeIs(1));
  EXPECT_EQ(page->items[0].name(), a->name());
  EXPECT_THAT(Deferred(guardian),
              ElementsAre("application.list applications/" + id + " 1"));
}

TEST_F(ApplicationsTest, WithdrawRules) {
  absl::StatusOr<v1::Application> a =
      CreateApp(GuardianA(), Online(pupil_, Current()));
  ASSERT_THAT(a, IsOk());
  const std::string id = IdOf(a->name());
  EXPECT_THAT(Withdraw(GuardianA(), id, ""),
              ViolatesFields(std::vector<std::string>{"reason"}));
  EXPECT_THAT(Withdraw(GuardianA(), id, std::string(1001, 'x')),
              ViolatesFields(std::vector<std::string>{"reason"}));
  // A preparer registers forms but does not withdraw them.
  EXPECT_THAT(Withdraw(PreparerA(), id, "Iemesls."),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Withdraw(GuardianA(), id, "Iemesls.", "\"7\""),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<v1::Application> w =
      Withdraw(HeadA(), id, "Ģimene pārcēlās.", a->etag());
  ASSERT_THAT(w, IsOk());
  EXPECT_EQ(w->state(), v1::APPLICATION_STATE_WITHDRAWN);
  EXPECT_EQ(w->withdraw_reason(), "Ģimene pārcēlās.");
  EXPECT_TRUE(w->has_withdraw_time());
  EXPECT_NE(w->etag(), a->etag());
  EXPECT_EQ(Stored(id).SerializeAsString(), w->SerializeAsString());
  EXPECT_EQ(Count("SELECT count(*) FROM changes WHERE resource = "
                  "'applications/" +
                  id + "'"),
            2);
  absl::StatusOr<v1::Application> again = Withdraw(GuardianA(), id, "Vēlreiz.");
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(again, HasReason("APPLICATION_WITHDRAWN"));
}

TEST_F(ApplicationsTest, WithdrawingStopsThePlansBasedOnIt) {
  StoredPlan draft = AddPlanA(Current());
  StoredPlan running = AddPlanA(Next(Current()));
  StoredPlan deleted = AddPlanA(Next(Next(Current())));
  SetState(running.id, v1::PLAN_STATE_IN_IMPLEMENTATION);
  SetState(deleted.id, v1::PLAN_STATE_INACTIVE);
  // All three on one application.
  ASSERT_THAT(Exec("UPDATE support_plans SET application_id = '" +
                   draft.application_id + "'"),
              IsOk());
  const int64_t versions_before =
      Count("SELECT sum(version) FROM support_plans");
  ASSERT_THAT(Withdraw(GuardianA(), draft.application_id, "Atsaucam."), IsOk());
  for (const std::string& id : {draft.id, running.id}) {
    StoredPlan p = Load(id);
    EXPECT_TRUE(p.plan.application_withdrawn());
    absl::StatusOr<ListPage<v1::PlanRevision>> h = History(HeadA(), id);
    ASSERT_THAT(h, IsOk());
    EXPECT_EQ(h->items[0].action(), "application_withdrawn");
    EXPECT_THAT(h->items[0].changed_fields(),
                ElementsAre("application_withdrawn"));
    EXPECT_EQ(Count("SELECT count(*) FROM changes WHERE resource = "
                    "'supportPlans/" +
                    id + "'"),
              id == draft.id ? 2 : 3);
  }
  EXPECT_EQ(Count("SELECT sum(version) FROM support_plans"),
            versions_before + 2);
  // A change of each plan, audited with the plan's pupil like any other.
  const std::vector<std::string> audit = StoredAudit();
  for (const std::string& id : {draft.id, running.id}) {
    EXPECT_THAT(audit, ::testing::Contains("supportPlan.application_withdrawn "
                                           "supportPlans/" +
                                           id + " 1"));
  }
  EXPECT_EQ(Count("SELECT count(*) FROM audit_events WHERE resource = "
                  "'supportPlans/" +
                  draft.id + "' AND pupil_id = '" + pupil_ + "'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM support_plan_revisions WHERE "
                  "plan_id = '" +
                  deleted.id + "' AND action = 'application_withdrawn'"),
            0);
}

TEST_F(ApplicationsTest, FindActiveApplicationHoldsFromItsSemesterOn) {
  const Semester now = Current();
  AddApplication(pupil_, a_.id, north_.id, now);
  auto find = [&](const Semester& s) {
    absl::StatusOr<std::optional<std::string>> id =
        Read<std::optional<std::string>>([&](storage::Connection& c) {
          return FindActiveApplication(c, pupil_, s);
        });
    EXPECT_THAT(id, IsOk());
    return id.ok() && id->has_value();
  };
  EXPECT_TRUE(find(now));
  EXPECT_TRUE(find(Next(now)));
  EXPECT_TRUE(find(Next(Next(now))));
  EXPECT_FALSE(find(Semester{now.school_year - 1, now.term}));
  ASSERT_THAT(Exec("UPDATE plan_applications SET state = 2"), IsOk());
  EXPECT_FALSE(find(now));
}

}  // namespace
}  // namespace pumpurs::plans
