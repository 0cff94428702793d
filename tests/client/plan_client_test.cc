// The client library's typed calls of SupportPlanService and SyncService
// against a real in-process server: every method at least once, with the
// result or the error's code and reason the proto promises.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"
#include "server/plans/semester.h"
#include "tests/testing/names.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs::client {
namespace {

using ::pumpurs::testing::IdOf;

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatesFields;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

// Days and semesters as the server counts them (server/plans/semester.h).
absl::CivilDay Today() { return plans::DayInLatvia(absl::Now()); }

std::string DayText(absl::CivilDay d) { return plans::FormatDay(d); }

v1::Semester ThisSemester() {
  const plans::Semester now = plans::SemesterOf(Today());
  v1::Semester s;
  s.set_school_year(now.school_year);
  s.set_term(now.term);
  return s;
}

std::string FirstDay(const v1::Semester& s) {
  return plans::FormatDay(plans::FirstDay({s.school_year(), s.term()}));
}

std::string LastDay(const v1::Semester& s) {
  return plans::FormatDay(plans::LastDay({s.school_year(), s.term()}));
}

class PlanClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = ClientFor(server_.AdminToken());
    v1::CreateMunicipalityRequest m;
    m.mutable_municipality()->set_display_name("Ziemeļu novads");
    m.mutable_municipality()->set_code("0100001");
    absl::StatusOr<v1::Municipality> municipality =
        admin_->CreateMunicipality(m);
    ASSERT_THAT(municipality.status(), IsOk());
    v1::CreateInstitutionRequest i;
    i.mutable_institution()->set_display_name("A skola");
    i.mutable_institution()->set_kind(
        v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
    i.mutable_institution()->set_municipality(municipality->name());
    i.mutable_institution()->set_registration_number("4000000001");
    absl::StatusOr<v1::Institution> institution = admin_->CreateInstitution(i);
    ASSERT_THAT(institution.status(), IsOk());
    school_ = institution->name();
    const std::string school_id = IdOf(school_);

    v1::CreatePupilRequest p;
    p.mutable_pupil()->set_given_name("Līga");
    p.mutable_pupil()->set_family_name("Bērziņa");
    p.mutable_pupil()->set_birth_date(
        absl::StrFormat("%04d-03-01", Today().year() - 12));
    p.mutable_pupil()->set_grade(6);
    p.mutable_pupil()->set_institution(school_);
    absl::StatusOr<v1::Pupil> pupil = admin_->CreatePupil(p);
    ASSERT_THAT(pupil.status(), IsOk());
    pupil_ = pupil->name();
    v1::CreateGuardianRequest g;
    g.mutable_guardian()->set_given_name("Inese");
    g.mutable_guardian()->set_family_name("Bērziņa");
    g.mutable_guardian()->add_pupils(pupil_);
    absl::StatusOr<v1::Guardian> guardian = admin_->CreateGuardian(g);
    ASSERT_THAT(guardian.status(), IsOk());
    guardian_ = guardian->name();

    std::string staff_id;
    preparer_ = ClientFor(server_.StaffTokenFor(
        {{Role::kPlanPreparer, school_id}}, school_id, &staff_id));
    preparer_staff_ = absl::StrCat("staff/", staff_id);
    head_ = ClientFor(server_.StaffTokenFor(
        {{Role::kInstitutionHead, school_id}}, school_id, &staff_id));
    provider_ = ClientFor(server_.StaffTokenFor(
        {{Role::kMeasureProvider, school_id}}, school_id, &staff_id));
    provider_staff_ = absl::StrCat("staff/", staff_id);
    family_ = ClientFor(server_.TokenFor({{Role::kGuardian, IdOf(guardian_)}}));
    municipality_ = ClientFor(server_.TokenFor(
        {{Role::kMunicipalityCoordinator, IdOf(municipality->name())}}));
    semester_ = ThisSemester();
  }

  std::unique_ptr<Client> ClientFor(const std::string& token) {
    ClientOptions options;
    options.target = server_.target();
    options.access_token = token;
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    EXPECT_THAT(client.status(), IsOk());
    return client.ok() ? *std::move(client) : nullptr;
  }

  // A paper-form application registered by the head.
  v1::Application Apply() {
    v1::CreateApplicationRequest r;
    r.mutable_application()->set_pupil(pupil_);
    *r.mutable_application()->mutable_semester() = semester_;
    r.mutable_application()->set_applicant(guardian_);
    r.mutable_application()->set_signed_date(DayText(Today()));
    absl::StatusOr<v1::Application> a = head_->CreateApplication(r);
    EXPECT_THAT(a.status(), IsOk());
    return a.ok() ? *a : v1::Application();
  }

  v1::SupportPlan NewPlan() {
    v1::CreateSupportPlanRequest r;
    r.mutable_support_plan()->set_pupil(pupil_);
    *r.mutable_support_plan()->mutable_semester() = semester_;
    absl::StatusOr<v1::SupportPlan> plan = preparer_->CreateSupportPlan(r);
    EXPECT_THAT(plan.status(), IsOk());
    return plan.ok() ? *plan : v1::SupportPlan();
  }

  // The contents submission needs: a risk, a goal and a measure for it.
  v1::SupportPlan Content(const v1::SupportPlan& plan) {
    v1::SupportPlan p;
    p.set_name(plan.name());
    p.set_etag(plan.etag());
    p.set_problem_description("Atpaliek matemātikā.");
    v1::PlanRisk* risk = p.add_risks();
    risk->set_risk_factor("riskFactors/learning-difficulties");
    risk->set_severity(v1::SEVERITY_HIGH);
    risk->set_justification("Vērtējumi matemātikā 2–3 balles.");
    v1::PlanGoal* goal = p.add_goals();
    goal->set_description("Apgūt daļskaitļus.");
    goal->set_success_criteria("Ieskaite vismaz 5 balles.");
    goal->set_due_date(LastDay(semester_));
    v1::PlanMeasure* m = p.add_measures();
    m->set_measure_type("measureTypes/subject-teacher-consultation");
    m->add_addresses("riskFactors/learning-difficulties");
    m->set_justification("Individuāls skaidrojums savā tempā.");
    m->set_provider(provider_staff_);
    m->set_unit(v1::MEASURE_UNIT_HOURS);
    m->set_planned_quantity(10);
    m->set_planned_cost_cents(20000);
    m->set_start_date(FirstDay(semester_));
    m->set_end_date(LastDay(semester_));
    m->set_mode(v1::DELIVERY_MODE_ON_SITE);
    return p;
  }

  absl::StatusOr<v1::SupportPlan> Fill(const v1::SupportPlan& plan) {
    v1::UpdateSupportPlanRequest r;
    *r.mutable_support_plan() = Content(plan);
    for (const char* f :
         {"problem_description", "risks", "goals", "measures"}) {
      r.mutable_update_mask()->add_paths(f);
    }
    return preparer_->UpdateSupportPlan(r);
  }

  absl::StatusOr<v1::SupportPlan> Submit(const v1::SupportPlan& p) {
    v1::SubmitSupportPlanRequest r;
    r.set_name(p.name());
    r.set_etag(p.etag());
    return preparer_->SubmitSupportPlan(r);
  }

  absl::StatusOr<v1::SupportPlan> Approve(const Client& by,
                                          const v1::SupportPlan& p) {
    v1::ApproveSupportPlanRequest r;
    r.set_name(p.name());
    r.set_etag(p.etag());
    return by.ApproveSupportPlan(r);
  }

  // Submitted and approved at every level (institution, municipality,
  // national).
  v1::SupportPlan Approved(v1::SupportPlan p) {
    absl::StatusOr<v1::SupportPlan> s = Submit(p);
    EXPECT_THAT(s.status(), IsOk());
    for (const Client* by : {head_.get(), municipality_.get(), admin_.get()}) {
      if (!s.ok()) break;
      s = Approve(*by, *s);
      EXPECT_THAT(s.status(), IsOk());
    }
    if (!s.ok()) return p;
    EXPECT_EQ(s->state(), v1::PLAN_STATE_APPROVED);
    return *s;
  }

  v1::SupportPlan Get(const Client& by, const std::string& name) {
    v1::GetSupportPlanRequest r;
    r.set_name(name);
    absl::StatusOr<v1::SupportPlan> p = by.GetSupportPlan(r);
    EXPECT_THAT(p.status(), IsOk());
    return p.ok() ? *p : v1::SupportPlan();
  }

  TestServer server_;
  std::unique_ptr<Client> admin_, preparer_, head_, provider_, family_,
      municipality_;
  std::string school_, pupil_, guardian_, preparer_staff_, provider_staff_;
  v1::Semester semester_;
};

TEST_F(PlanClientTest, GuardianAppliesOnlineAndWithdraws) {
  v1::CreateApplicationRequest r;
  r.mutable_application()->set_pupil(pupil_);
  *r.mutable_application()->mutable_semester() = semester_;
  r.set_request_id("3c0b6f9e-4d1a-4c55-9a37-0f6f2d1c8e01");
  absl::StatusOr<v1::Application> a = family_->CreateApplication(r);
  ASSERT_THAT(a.status(), IsOk());
  EXPECT_THAT(a->name(), StartsWith("applications/"));
  EXPECT_EQ(a->channel(), v1::APPLICATION_CHANNEL_ONLINE);
  EXPECT_EQ(a->applicant(), guardian_);
  EXPECT_EQ(a->state(), v1::APPLICATION_STATE_ACTIVE);
  EXPECT_EQ(a->institution(), school_);
  EXPECT_FALSE(a->etag().empty());
  // The same request_id: the first result, not a second application.
  absl::StatusOr<v1::Application> again = family_->CreateApplication(r);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->name(), a->name());
  // Another request while it is active.
  r.clear_request_id();
  EXPECT_THAT(family_->CreateApplication(r),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(family_->CreateApplication(r), HasReason("APPLICATION_EXISTS"));
  // No pupil: the field is named.
  v1::CreateApplicationRequest bad;
  *bad.mutable_application()->mutable_semester() = semester_;
  absl::StatusOr<v1::Application> refused = family_->CreateApplication(bad);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(refused.status(),
              ViolatesFields(std::vector<std::string>{"application.pupil"}));

  v1::GetApplicationRequest get;
  get.set_name(a->name());
  absl::StatusOr<v1::Application> got = head_->GetApplication(get);
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_EQ(got->pupil(), pupil_);
  v1::ListApplicationsRequest list;
  list.set_institution(school_);
  absl::StatusOr<v1::ListApplicationsResponse> page =
      head_->ListApplications(list);
  ASSERT_THAT(page.status(), IsOk());
  ASSERT_THAT(page->applications(), SizeIs(1));
  EXPECT_EQ(page->applications(0).name(), a->name());
  std::vector<std::string> names;
  list.clear_institution();
  list.set_pupil(pupil_);
  list.set_page_size(1);
  ASSERT_THAT(family_->ForEachApplication(list,
                                          [&](const v1::Application& x) {
                                            names.push_back(x.name());
                                            return true;
                                          }),
              IsOk());
  EXPECT_EQ(names, std::vector<std::string>{a->name()});

  v1::WithdrawApplicationRequest w;
  w.set_name(a->name());
  w.set_reason("Ģimene pārceļas.");
  w.set_etag("stale");
  EXPECT_THAT(family_->WithdrawApplication(w),
              StatusIs(absl::StatusCode::kAborted));
  w.set_etag(a->etag());
  absl::StatusOr<v1::Application> withdrawn = family_->WithdrawApplication(w);
  ASSERT_THAT(withdrawn.status(), IsOk());
  EXPECT_EQ(withdrawn->state(), v1::APPLICATION_STATE_WITHDRAWN);
  EXPECT_EQ(withdrawn->withdraw_reason(), "Ģimene pārceļas.");
  EXPECT_NE(withdrawn->etag(), a->etag());
  w.clear_etag();
  absl::StatusOr<v1::Application> twice = head_->WithdrawApplication(w);
  EXPECT_THAT(twice, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(twice, HasReason("APPLICATION_WITHDRAWN"));

  // Staff register the next one from a signed paper form.
  v1::Application paper = Apply();
  EXPECT_EQ(paper.channel(), v1::APPLICATION_CHANNEL_PAPER_FORM);
  EXPECT_EQ(paper.applicant(), guardian_);
  EXPECT_THAT(paper.registered_by(), StartsWith("accounts/"));
}

TEST_F(PlanClientTest, PlanNeedsAnApplicationAndOnePerSemester) {
  v1::CreateSupportPlanRequest r;
  r.mutable_support_plan()->set_pupil(pupil_);
  *r.mutable_support_plan()->mutable_semester() = semester_;
  absl::StatusOr<v1::SupportPlan> refused = preparer_->CreateSupportPlan(r);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(refused, HasReason("APPLICATION_REQUIRED"));

  const v1::Application application = Apply();
  r.set_request_id("5b1d7c2a-8e3f-4a61-b2c4-9d0e1f2a3b4c");
  absl::StatusOr<v1::SupportPlan> plan = preparer_->CreateSupportPlan(r);
  ASSERT_THAT(plan.status(), IsOk());
  EXPECT_THAT(plan->name(), StartsWith("supportPlans/"));
  EXPECT_EQ(plan->state(), v1::PLAN_STATE_DRAFT);
  EXPECT_EQ(plan->preparer(), preparer_staff_);
  EXPECT_EQ(plan->application(), application.name());
  EXPECT_EQ(plan->institution(), school_);
  absl::StatusOr<v1::SupportPlan> retried = preparer_->CreateSupportPlan(r);
  ASSERT_THAT(retried.status(), IsOk());
  EXPECT_EQ(retried->name(), plan->name());
  r.clear_request_id();
  absl::StatusOr<v1::SupportPlan> second = preparer_->CreateSupportPlan(r);
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(second, HasReason("PLAN_EXISTS_FOR_SEMESTER"));

  // A draft is the school's, not yet the family's.
  v1::GetSupportPlanRequest get;
  get.set_name(plan->name());
  EXPECT_THAT(family_->GetSupportPlan(get),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::ListSupportPlansRequest list;
  list.set_institution(school_);
  absl::StatusOr<v1::ListSupportPlansResponse> page =
      head_->ListSupportPlans(list);
  ASSERT_THAT(page.status(), IsOk());
  ASSERT_THAT(page->support_plans(), SizeIs(1));
  EXPECT_EQ(page->support_plans(0).name(), plan->name());
  int seen = 0;
  list.clear_institution();
  list.set_preparer(preparer_staff_);
  ASSERT_THAT(preparer_->ForEachSupportPlan(list,
                                            [&](const v1::SupportPlan&) {
                                              ++seen;
                                              return true;
                                            }),
              IsOk());
  EXPECT_EQ(seen, 1);

  // Delete: no funds used, so it stays as an empty inactive plan.
  v1::DeleteSupportPlanRequest del;
  del.set_name(plan->name());
  absl::StatusOr<v1::SupportPlan> deleted = preparer_->DeleteSupportPlan(del);
  ASSERT_THAT(deleted.status(), IsOk());
  EXPECT_EQ(deleted->state(), v1::PLAN_STATE_INACTIVE);
  absl::StatusOr<v1::SupportPlan> again = preparer_->DeleteSupportPlan(del);
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(again, HasReason("PLAN_INACTIVE"));
}

TEST_F(PlanClientTest, EditSuggestSubmitRejectApprove) {
  Apply();
  v1::SupportPlan plan = NewPlan();
  absl::StatusOr<v1::SupportPlan> s = Submit(plan);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(s, HasReason("PLAN_INCOMPLETE"));

  v1::UpdateSupportPlanRequest stale;
  *stale.mutable_support_plan() = Content(plan);
  stale.mutable_support_plan()->set_etag("stale");
  stale.mutable_update_mask()->add_paths("problem_description");
  EXPECT_THAT(preparer_->UpdateSupportPlan(stale),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<v1::SupportPlan> filled = Fill(plan);
  ASSERT_THAT(filled.status(), IsOk());
  ASSERT_THAT(filled->measures(), SizeIs(1));
  EXPECT_FALSE(filled->measures(0).id().empty());
  ASSERT_THAT(filled->goals(), SizeIs(1));
  EXPECT_FALSE(filled->goals(0).id().empty());
  EXPECT_EQ(filled->problem_description(), "Atpaliek matemātikā.");
  EXPECT_NE(filled->etag(), plan.etag());

  v1::SuggestMeasuresRequest suggest;
  suggest.set_name(plan.name());
  suggest.set_locale("en");
  absl::StatusOr<v1::SuggestMeasuresResponse> suggestions =
      preparer_->SuggestMeasures(suggest);
  ASSERT_THAT(suggestions.status(), IsOk());
  ASSERT_THAT(suggestions->suggestions(), Not(IsEmpty()));
  bool in_plan = false;
  for (const v1::MeasureSuggestion& x : suggestions->suggestions()) {
    EXPECT_THAT(x.measure().measure_type(), StartsWith("measureTypes/"));
    if (x.measure().measure_type() ==
        "measureTypes/subject-teacher-consultation") {
      in_plan = x.already_in_plan();
    }
  }
  EXPECT_TRUE(in_plan);

  s = Submit(*filled);
  ASSERT_THAT(s.status(), IsOk());
  EXPECT_EQ(s->state(), v1::PLAN_STATE_IN_APPROVAL);
  EXPECT_EQ(s->pending_level(), v1::APPROVAL_LEVEL_INSTITUTION);
  absl::StatusOr<v1::SupportPlan> edit = Fill(*s);
  EXPECT_THAT(edit, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(edit, HasReason("PLAN_NOT_EDITABLE"));
  absl::StatusOr<v1::SupportPlan> early = Approve(*municipality_, *s);
  EXPECT_THAT(early, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(early, HasReason("NOT_YOUR_APPROVAL_LEVEL"));

  v1::RejectSupportPlanRequest reject;
  reject.set_name(s->name());
  EXPECT_THAT(head_->RejectSupportPlan(reject),
              StatusIs(absl::StatusCode::kInvalidArgument));
  reject.set_comment("Precizēt mērķi.");
  absl::StatusOr<v1::SupportPlan> rejected = head_->RejectSupportPlan(reject);
  ASSERT_THAT(rejected.status(), IsOk());
  EXPECT_EQ(rejected->state(), v1::PLAN_STATE_DRAFT);
  ASSERT_THAT(rejected->approvals(), Not(IsEmpty()));
  EXPECT_EQ(rejected->approvals(rejected->approvals_size() - 1).decision(),
            v1::APPROVAL_DECISION_REJECTED);

  // Again, through every level.
  v1::SupportPlan approved = Approved(*rejected);
  EXPECT_EQ(approved.round(), 2);
  absl::StatusOr<v1::SupportPlan> again = Approve(*admin_, approved);
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(again, HasReason("PLAN_NOT_IN_APPROVAL"));

  v1::GetSupportPlanHistoryRequest history;
  history.set_name(plan.name());
  history.set_page_size(2);
  std::vector<std::string> actions;
  ASSERT_THAT(head_->ForEachPlanRevision(history,
                                         [&](const v1::PlanRevision& r) {
                                           actions.push_back(r.action());
                                           return true;
                                         }),
              IsOk());
  ASSERT_THAT(actions, Not(IsEmpty()));
  EXPECT_EQ(actions.front(), "approve");  // newest first
  EXPECT_EQ(actions.back(), "create");
  EXPECT_THAT(actions, Contains("reject"));
  EXPECT_THAT(actions, Contains("update"));
  absl::StatusOr<v1::GetSupportPlanHistoryResponse> first =
      head_->GetSupportPlanHistory(history);
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_THAT(first->revisions(), SizeIs(2));
  EXPECT_FALSE(first->next_page_token().empty());
}

TEST_F(PlanClientTest, DeliverSuspendResumeReviseAcknowledgeEvaluate) {
  Apply();
  absl::StatusOr<v1::SupportPlan> filled = Fill(NewPlan());
  ASSERT_THAT(filled.status(), IsOk());
  v1::SupportPlan plan = Approved(*filled);
  ASSERT_EQ(plan.state(), v1::PLAN_STATE_APPROVED);
  const std::string measure = plan.measures(0).id();

  v1::StartSupportPlanRequest start;
  start.set_name(plan.name());
  start.set_etag(plan.etag());
  absl::StatusOr<v1::SupportPlan> started = preparer_->StartSupportPlan(start);
  ASSERT_THAT(started.status(), IsOk());
  EXPECT_EQ(started->state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  start.clear_etag();
  absl::StatusOr<v1::SupportPlan> restart = preparer_->StartSupportPlan(start);
  EXPECT_THAT(restart, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(restart, HasReason("PLAN_NOT_APPROVED"));

  v1::RecordDeliveryRequest deliver;
  deliver.set_parent(plan.name());
  deliver.set_request_id("8a2f4e6c-1b3d-4f5a-8c7e-2d4f6a8b0c1e");
  v1::DeliveryRecord* d = deliver.mutable_delivery();
  d->set_measure_id(measure);
  d->set_date(DayText(Today()));
  d->set_duration_minutes(45);
  d->set_mode(v1::DELIVERY_MODE_ON_SITE);
  d->set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
  absl::StatusOr<v1::DeliveryRecord> record =
      provider_->RecordDelivery(deliver);
  ASSERT_THAT(record.status(), IsOk());
  EXPECT_THAT(record->name(), StartsWith(plan.name() + "/deliveries/"));
  EXPECT_EQ(record->provider(), provider_staff_);
  absl::StatusOr<v1::DeliveryRecord> retried =
      provider_->RecordDelivery(deliver);
  ASSERT_THAT(retried.status(), IsOk());
  EXPECT_EQ(retried->name(), record->name());
  deliver.clear_request_id();
  deliver.mutable_delivery()->set_measure_id("nosuch");
  // (The provider is nobody's provider of a measure the plan lacks: that
  // is PERMISSION_DENIED; the preparer learns the rule.)
  EXPECT_THAT(provider_->RecordDelivery(deliver),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::DeliveryRecord> stray = preparer_->RecordDelivery(deliver);
  EXPECT_THAT(stray, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(stray, HasReason("MEASURE_NOT_IN_PLAN"));

  v1::ListDeliveriesRequest deliveries;
  deliveries.set_parent(plan.name());
  absl::StatusOr<v1::ListDeliveriesResponse> listed =
      head_->ListDeliveries(deliveries);
  ASSERT_THAT(listed.status(), IsOk());
  ASSERT_THAT(listed->deliveries(), SizeIs(1));
  EXPECT_EQ(listed->deliveries(0).duration_minutes(), 45);
  int each = 0;
  deliveries.set_measure_id(measure);
  ASSERT_THAT(preparer_->ForEachDelivery(deliveries,
                                         [&](const v1::DeliveryRecord&) {
                                           ++each;
                                           return true;
                                         }),
              IsOk());
  EXPECT_EQ(each, 1);
  v1::ListDeliveredHoursRequest hours;
  hours.set_institution(school_);
  hours.set_start_month(DayText(Today()).substr(0, 7));
  absl::StatusOr<v1::ListDeliveredHoursResponse> rows =
      head_->ListDeliveredHours(hours);
  ASSERT_THAT(rows.status(), IsOk());
  ASSERT_THAT(rows->rows(), SizeIs(1));
  EXPECT_EQ(rows->rows(0).provider(), provider_staff_);
  EXPECT_EQ(rows->rows(0).minutes(), 45);
  EXPECT_EQ(rows->rows(0).consultations(), 1);
  // A provider sees their own hours only.
  EXPECT_THAT(provider_->ListDeliveredHours(hours),
              StatusIs(absl::StatusCode::kPermissionDenied));
  hours.set_provider(provider_staff_);
  int hour_rows = 0;
  ASSERT_THAT(provider_->ForEachDeliveredHours(hours,
                                               [&](const v1::DeliveredHours&) {
                                                 ++hour_rows;
                                                 return true;
                                               }),
              IsOk());
  EXPECT_EQ(hour_rows, 1);

  // Funds were used: the plan cannot be deleted.
  plan = Get(*preparer_, plan.name());
  EXPECT_GT(plan.funds_used_cents(), 0);
  v1::DeleteSupportPlanRequest del;
  del.set_name(plan.name());
  absl::StatusOr<v1::SupportPlan> kept = preparer_->DeleteSupportPlan(del);
  EXPECT_THAT(kept, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(kept, HasReason("FUNDS_USED"));

  // The family sees the plan now and acknowledges it.
  v1::AcknowledgeSupportPlanRequest ack;
  ack.set_name(plan.name());
  ack.set_comment("Izlasīju.");
  absl::StatusOr<v1::SupportPlan> acknowledged =
      family_->AcknowledgeSupportPlan(ack);
  ASSERT_THAT(acknowledged.status(), IsOk());
  ASSERT_THAT(acknowledged->acknowledgements(), SizeIs(1));
  EXPECT_EQ(acknowledged->acknowledgements(0).by(), guardian_);

  v1::SuspendSupportPlanRequest suspend;
  suspend.set_name(plan.name());
  EXPECT_THAT(head_->SuspendSupportPlan(suspend),
              StatusIs(absl::StatusCode::kInvalidArgument));
  suspend.set_reason("Ilgstoša slimība.");
  absl::StatusOr<v1::SupportPlan> suspended =
      head_->SuspendSupportPlan(suspend);
  ASSERT_THAT(suspended.status(), IsOk());
  EXPECT_EQ(suspended->state(), v1::PLAN_STATE_SUSPENDED);
  EXPECT_EQ(suspended->suspend_reason(), "Ilgstoša slimība.");
  v1::ReviseSupportPlanRequest revise;
  revise.set_name(plan.name());
  absl::StatusOr<v1::SupportPlan> refused = head_->ReviseSupportPlan(revise);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(refused, HasReason("PLAN_NOT_REVISABLE"));
  v1::ResumeSupportPlanRequest resume;
  resume.set_name(plan.name());
  absl::StatusOr<v1::SupportPlan> resumed =
      preparer_->ResumeSupportPlan(resume);
  ASSERT_THAT(resumed.status(), IsOk());
  EXPECT_EQ(resumed->state(), v1::PLAN_STATE_UNDER_REVISION);
  absl::StatusOr<v1::SupportPlan> not_suspended =
      preparer_->ResumeSupportPlan(resume);
  EXPECT_THAT(not_suspended, HasReason("PLAN_NOT_SUSPENDED"));

  v1::EvaluateSupportPlanRequest evaluate;
  evaluate.set_name(plan.name());
  evaluate.mutable_evaluation()->set_decision(v1::EVALUATION_DECISION_CLOSE);
  absl::StatusOr<v1::SupportPlan> early =
      preparer_->EvaluateSupportPlan(evaluate);
  EXPECT_THAT(early, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(early, HasReason("PLAN_NOT_IN_IMPLEMENTATION"));

  // Approved again at every level, then the next delivery starts it.
  plan = Approved(*resumed);
  ASSERT_EQ(plan.state(), v1::PLAN_STATE_APPROVED);
  revise.set_reason("Jauns pasākums.");
  absl::StatusOr<v1::SupportPlan> revised = head_->ReviseSupportPlan(revise);
  ASSERT_THAT(revised.status(), IsOk());
  EXPECT_EQ(revised->state(), v1::PLAN_STATE_UNDER_REVISION);
  plan = Approved(*revised);
  deliver.mutable_delivery()->set_measure_id(measure);
  ASSERT_THAT(provider_->RecordDelivery(deliver).status(), IsOk());
  plan = Get(*preparer_, plan.name());
  EXPECT_EQ(plan.state(), v1::PLAN_STATE_IN_IMPLEMENTATION);

  // Every goal and measure needs an outcome.
  evaluate.mutable_evaluation()->add_goals()->set_id(plan.goals(0).id());
  evaluate.mutable_evaluation()->mutable_goals(0)->set_outcome(
      v1::OUTCOME_ACHIEVED);
  absl::StatusOr<v1::SupportPlan> partial =
      preparer_->EvaluateSupportPlan(evaluate);
  EXPECT_THAT(partial, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(partial, HasReason("EVALUATION_INCOMPLETE"));
  v1::OutcomeEntry* m = evaluate.mutable_evaluation()->add_measures();
  m->set_id(measure);
  m->set_outcome(v1::OUTCOME_PARTLY_ACHIEVED);
  absl::StatusOr<v1::SupportPlan> closed =
      preparer_->EvaluateSupportPlan(evaluate);
  ASSERT_THAT(closed.status(), IsOk());
  EXPECT_EQ(closed->state(), v1::PLAN_STATE_CLOSED);
  EXPECT_EQ(closed->evaluation().decision(), v1::EVALUATION_DECISION_CLOSE);
  EXPECT_THAT(closed->evaluation().evaluator(), StartsWith("accounts/"));
}

TEST_F(PlanClientTest, SyncListsAndWatchesChanges) {
  const v1::Application application = Apply();
  const v1::SupportPlan plan = NewPlan();

  v1::ListChangesRequest bad;
  bad.set_sync_token("not a token");
  EXPECT_THAT(preparer_->ListChanges(bad),
              StatusIs(absl::StatusCode::kInvalidArgument));

  v1::ListChangesRequest request;
  std::vector<std::string> resources;
  std::string token;
  for (;;) {
    absl::StatusOr<v1::ListChangesResponse> page =
        preparer_->ListChanges(request);
    ASSERT_THAT(page.status(), IsOk());
    for (const v1::Change& c : page->changes()) {
      resources.push_back(c.resource());
      if (c.resource() == plan.name()) {
        EXPECT_EQ(c.kind(), v1::CHANGE_KIND_UPSERT);
        EXPECT_EQ(c.support_plan().name(), plan.name());
      }
    }
    token = page->next_sync_token();
    if (!page->has_more()) break;
    request.set_sync_token(token);
  }
  EXPECT_THAT(resources, Contains(plan.name()));
  EXPECT_THAT(resources, Contains(application.name()));
  EXPECT_FALSE(token.empty());
  request.set_sync_token(token);
  absl::StatusOr<v1::ListChangesResponse> nothing =
      preparer_->ListChanges(request);
  ASSERT_THAT(nothing.status(), IsOk());
  EXPECT_THAT(nothing->changes(), IsEmpty());
  EXPECT_FALSE(nothing->has_more());

  // A change committed while (or just before) the watch runs arrives.
  std::thread change([&] {
    v1::UpdateSupportPlanRequest r;
    r.mutable_support_plan()->set_name(plan.name());
    r.mutable_support_plan()->set_problem_description("Jauns apraksts.");
    r.mutable_update_mask()->add_paths("problem_description");
    EXPECT_THAT(preparer_->UpdateSupportPlan(r).status(), IsOk());
  });
  v1::WatchChangesRequest watch;
  watch.set_sync_token(token);
  CallOptions options;
  options.deadline = absl::Seconds(8);
  std::string seen;
  std::string resume_from;
  absl::Status watched = preparer_->WatchChanges(
      watch,
      [&](const v1::WatchChangesResponse& batch) {
        EXPECT_FALSE(batch.sync_token().empty());
        for (const v1::Change& c : batch.changes()) {
          if (c.resource() == plan.name()) {
            seen = c.support_plan().problem_description();
            resume_from = batch.sync_token();
          }
        }
        return seen.empty();
      },
      options);
  change.join();
  EXPECT_THAT(watched, IsOk());
  EXPECT_EQ(seen, "Jauns apraksts.");
  EXPECT_NE(resume_from, token);

  // A watch that sees nothing new ends at its deadline.
  watch.set_sync_token(resume_from);
  options.deadline = absl::Milliseconds(500);
  int changes_after = 0;
  EXPECT_THAT(preparer_->WatchChanges(
                  watch,
                  [&](const v1::WatchChangesResponse& batch) {
                    changes_after += batch.changes_size();
                    return true;
                  },
                  options),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(changes_after, 0);
}

}  // namespace
}  // namespace pumpurs::client
