// SupportPlanService's applications, plan contents and history over a real
// server and channel: a guardian applies online, staff register a paper
// form, a preparer creates a plan (a retried request_id returns it again),
// a bad update's field violations arrive as google.rpc.BadRequest, the
// municipality coordinator gets a redacted plan, and the reads leave their
// audit events.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/support_plan.grpc.pb.h"
#include "server/common/status_macros.h"
#include "server/plans/semester.h"
#include "tests/testing/directory_setup.h"
#include "tests/testing/names.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::IdOf;

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::CreateGuardian;
using ::pumpurs::testing::CreateInstitution;
using ::pumpurs::testing::CreateMunicipality;
using ::pumpurs::testing::CreatePupil;
using ::pumpurs::testing::DecodeWireError;
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string BirthDate(int years_ago) {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  return absl::StrFormat("%04d-01-01", today.year() - years_ago);
}

class PlanServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plans_ = v1::SupportPlanService::NewStub(server_.channel());
    server_.UseToken(server_.AdminToken());
    absl::StatusOr<std::string> municipality =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    ASSERT_THAT(municipality, IsOk());
    municipality_ = *municipality;
    absl::StatusOr<std::string> institution =
        CreateInstitution(server_, municipality_, "A skola", "4000000001");
    ASSERT_THAT(institution, IsOk());
    institution_ = *institution;
    absl::StatusOr<std::string> pupil =
        CreatePupil(server_, institution_, "Anna", "Bērziņa", 6, BirthDate(12));
    ASSERT_THAT(pupil, IsOk());
    pupil_ = *pupil;
    absl::StatusOr<std::string> guardian =
        CreateGuardian(server_, {pupil_}, "Inese", "Bērziņa");
    ASSERT_THAT(guardian, IsOk());
    guardian_ = *guardian;
    const std::string a = IdOf(institution_);
    guardian_token_ = server_.TokenFor({{Role::kGuardian, IdOf(guardian_)}});
    preparer_token_ =
        server_.StaffTokenFor({{Role::kPlanPreparer, a}}, a, &preparer_);
    provider_token_ =
        server_.StaffTokenFor({{Role::kMeasureProvider, a}}, a, &provider_);
    coordinator_token_ = server_.TokenFor(
        {{Role::kMunicipalityCoordinator, IdOf(municipality_)}});
    semester_ = plans::SemesterOf(plans::DayInLatvia(absl::Now()));
  }

  v1::Semester Sem() const {
    v1::Semester s;
    s.set_school_year(semester_.school_year);
    s.set_term(semester_.term);
    return s;
  }

  grpc::Status Apply(const v1::Application& a, v1::Application* out,
                     const std::string& request_id = "") {
    grpc::ClientContext ctx;
    v1::CreateApplicationRequest req;
    *req.mutable_application() = a;
    req.set_request_id(request_id);
    return plans_->CreateApplication(&ctx, req, out);
  }
  v1::Application ApplyAsGuardian() {
    server_.UseToken(guardian_token_);
    v1::Application a;
    a.set_pupil(pupil_);
    *a.mutable_semester() = Sem();
    v1::Application out;
    EXPECT_THAT(Apply(a, &out), IsOk());
    return out;
  }

  // A complete plan: a subject consultation by the provider for low
  // achievement, a psychologist by the preparer for a long illness.
  v1::SupportPlan Content() {
    v1::SupportPlan p;
    p.set_pupil(pupil_);
    *p.mutable_semester() = Sem();
    p.set_problem_description("Zemi vērtējumi.");
    const std::string first = plans::FormatDay(plans::FirstDay(semester_));
    const std::string last = plans::FormatDay(plans::LastDay(semester_));
    v1::PlanRisk* r = p.add_risks();
    r->set_risk_factor("riskFactors/low-achievement");
    r->set_severity(v1::SEVERITY_HIGH);
    r->set_justification("Vērtējumi 2-3.");
    v1::PlanRisk* ill = p.add_risks();
    ill->set_risk_factor("riskFactors/long-term-illness");
    ill->set_severity(v1::SEVERITY_MEDIUM);
    ill->set_justification("Ilgstoša slimība.");
    v1::PlanGoal* g = p.add_goals();
    g->set_description("Uzlabot vērtējumus.");
    g->set_success_criteria("Vismaz 5.");
    g->set_due_date(last);
    v1::PlanMeasure* m = p.add_measures();
    m->set_measure_type("measureTypes/subject-teacher-consultation");
    m->add_addresses("riskFactors/low-achievement");
    m->set_justification("Konsultācijas.");
    m->set_provider("staff/" + provider_);
    m->set_planned_quantity(10);
    m->set_planned_cost_cents(15000);
    m->set_start_date(first);
    m->set_end_date(last);
    m->set_mode(v1::DELIVERY_MODE_ON_SITE);
    v1::PlanMeasure* psy = p.add_measures();
    *psy = *m;
    psy->set_measure_type("measureTypes/psychologist-consultation");
    psy->set_addresses(0, "riskFactors/long-term-illness");
    psy->set_justification("Atbalsts slimības laikā.");
    psy->set_provider("staff/" + preparer_);
    return p;
  }
  grpc::Status Create(const v1::SupportPlan& p, v1::SupportPlan* out,
                      const std::string& request_id = "") {
    grpc::ClientContext ctx;
    v1::CreateSupportPlanRequest req;
    *req.mutable_support_plan() = p;
    req.set_request_id(request_id);
    return plans_->CreateSupportPlan(&ctx, req, out);
  }
  v1::SupportPlan CreatePlan() {
    ApplyAsGuardian();
    server_.UseToken(preparer_token_);
    v1::SupportPlan out;
    EXPECT_THAT(Create(Content(), &out), IsOk());
    return out;
  }
  grpc::Status Get(const std::string& name, v1::SupportPlan* out) {
    grpc::ClientContext ctx;
    v1::GetSupportPlanRequest req;
    req.set_name(name);
    return plans_->GetSupportPlan(&ctx, req, out);
  }

  // "action resource outcome" of the stored audit events about the pupil.
  std::vector<std::string> PupilAudit() {
    std::vector<std::string> out;
    EXPECT_THAT(
        server_.database().ReadSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement st,
                  c.Prepare("SELECT action, resource, outcome FROM "
                            "audit_events WHERE pupil_id = ? ORDER BY seq"));
              st.Bind(1, IdOf(pupil_));
              while (true) {
                PUMPURS_ASSIGN_OR_RETURN(bool row, st.Step());
                if (!row) break;
                out.push_back(absl::StrCat(st.ColumnText(0), " ",
                                           st.ColumnText(1), " ",
                                           st.ColumnInt64(2)));
              }
              return absl::OkStatus();
            }),
        IsOk());
    return out;
  }

  TestServer server_;
  std::unique_ptr<v1::SupportPlanService::Stub> plans_;
  std::string municipality_, institution_, pupil_, guardian_;
  std::string preparer_, provider_;
  std::string guardian_token_, preparer_token_, provider_token_,
      coordinator_token_;
  plans::Semester semester_;
};

TEST_F(PlanServiceTest, GuardianAppliesOnline) {
  const v1::Application a = ApplyAsGuardian();
  EXPECT_EQ(a.channel(), v1::APPLICATION_CHANNEL_ONLINE);
  EXPECT_EQ(a.applicant(), guardian_);
  EXPECT_EQ(a.state(), v1::APPLICATION_STATE_ACTIVE);
  EXPECT_EQ(a.institution(), institution_);
  grpc::ClientContext ctx;
  v1::GetApplicationRequest req;
  req.set_name(a.name());
  v1::Application got;
  ASSERT_THAT(plans_->GetApplication(&ctx, req, &got), IsOk());
  EXPECT_EQ(got.SerializeAsString(), a.SerializeAsString());
  EXPECT_THAT(PupilAudit(), Contains("application.read " + a.name() + " 1"));
  // A second one while it is active.
  v1::Application again;
  v1::Application in;
  in.set_pupil(pupil_);
  *in.mutable_semester() = Sem();
  grpc::Status s = Apply(in, &again);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(s, HasReason("APPLICATION_EXISTS"));
}

TEST_F(PlanServiceTest, StaffRegisterAPaperFormAndListIt) {
  server_.UseToken(preparer_token_);
  v1::Application in;
  in.set_pupil(pupil_);
  *in.mutable_semester() = Sem();
  in.set_applicant(guardian_);
  in.set_signed_date(plans::FormatDay(plans::DayInLatvia(absl::Now()) - 2));
  v1::Application a;
  ASSERT_THAT(Apply(in, &a), IsOk());
  EXPECT_EQ(a.channel(), v1::APPLICATION_CHANNEL_PAPER_FORM);
  EXPECT_EQ(a.registered_by().rfind("accounts/", 0), 0u);
  EXPECT_EQ(a.signed_date(), in.signed_date());

  grpc::ClientContext ctx;
  v1::ListApplicationsRequest req;
  req.set_institution(institution_);
  v1::ListApplicationsResponse out;
  ASSERT_THAT(plans_->ListApplications(&ctx, req, &out), IsOk());
  ASSERT_EQ(out.applications_size(), 1);
  EXPECT_EQ(out.applications(0).name(), a.name());
  EXPECT_THAT(PupilAudit(), Contains("application.list " + a.name() + " 1"));

  grpc::ClientContext bad_ctx;
  v1::ListApplicationsRequest bad;
  bad.set_institution("schools/x");
  EXPECT_THAT(ViolatedFields(plans_->ListApplications(&bad_ctx, bad, &out)),
              UnorderedElementsAre("institution"));
  grpc::ClientContext none_ctx;
  EXPECT_THAT(ViolatedFields(plans_->ListApplications(
                  &none_ctx, v1::ListApplicationsRequest(), &out)),
              UnorderedElementsAre("institution"));
}

TEST_F(PlanServiceTest, PreparerCreatesAPlanAndARetryReturnsIt) {
  ApplyAsGuardian();
  server_.UseToken(preparer_token_);
  v1::SupportPlan first;
  ASSERT_THAT(Create(Content(), &first, "retry-me"), IsOk());
  EXPECT_EQ(first.preparer(), "staff/" + preparer_);
  EXPECT_EQ(first.state(), v1::PLAN_STATE_DRAFT);
  EXPECT_FALSE(first.risks(1).redacted());
  EXPECT_FALSE(first.measures(0).id().empty());
  EXPECT_EQ(first.measures(0).unit(), v1::MEASURE_UNIT_HOURS);
  v1::SupportPlan retry;
  ASSERT_THAT(Create(Content(), &retry, "retry-me"), IsOk());
  EXPECT_EQ(retry.name(), first.name());
  v1::SupportPlan other;
  grpc::Status s = Create(Content(), &other, "another");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(s, HasReason("PLAN_EXISTS_FOR_SEMESTER"));
}

TEST_F(PlanServiceTest, NoApplicationNoPlan) {
  server_.UseToken(preparer_token_);
  v1::SupportPlan out;
  grpc::Status s = Create(Content(), &out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(s, HasReason("APPLICATION_REQUIRED"));
}

TEST_F(PlanServiceTest, BadUpdateArrivesAsBadRequest) {
  const v1::SupportPlan plan = CreatePlan();
  v1::UpdateSupportPlanRequest req;
  *req.mutable_support_plan() = plan;
  req.mutable_support_plan()->mutable_risks(0)->set_justification("");
  req.mutable_support_plan()->mutable_measures(1)->set_start_date("2001-01-01");
  req.mutable_support_plan()->mutable_measures(0)->clear_provider();
  req.mutable_update_mask()->add_paths("risks");
  req.mutable_update_mask()->add_paths("measures");
  v1::SupportPlan out;
  grpc::ClientContext ctx;
  grpc::Status s = plans_->UpdateSupportPlan(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DecodeWireError(s).reason, "INVALID_ARGUMENT");
  EXPECT_THAT(ViolatedFields(s),
              UnorderedElementsAre("support_plan.risks[0].justification",
                                   "support_plan.measures[1].start_date",
                                   "support_plan.measures[0].provider"));

  grpc::ClientContext no_mask_ctx;
  req.clear_update_mask();
  EXPECT_THAT(
      ViolatedFields(plans_->UpdateSupportPlan(&no_mask_ctx, req, &out)),
      UnorderedElementsAre("update_mask"));
  grpc::ClientContext no_name_ctx;
  req.mutable_support_plan()->set_name("plans/x");
  req.mutable_update_mask()->add_paths("risks");
  EXPECT_THAT(
      ViolatedFields(plans_->UpdateSupportPlan(&no_name_ctx, req, &out)),
      UnorderedElementsAre("support_plan.name"));

  // A good update with a stale etag.
  v1::UpdateSupportPlanRequest good;
  *good.mutable_support_plan() = plan;
  good.mutable_support_plan()->set_problem_description("Labāk.");
  good.mutable_update_mask()->add_paths("problem_description");
  grpc::ClientContext good_ctx;
  ASSERT_THAT(plans_->UpdateSupportPlan(&good_ctx, good, &out), IsOk());
  EXPECT_EQ(out.problem_description(), "Labāk.");
  grpc::ClientContext stale_ctx;
  EXPECT_THAT(plans_->UpdateSupportPlan(&stale_ctx, good, &out),
              StatusIs(absl::StatusCode::kAborted));

  grpc::ClientContext history_ctx;
  v1::GetSupportPlanHistoryRequest hreq;
  hreq.set_name(plan.name());
  v1::GetSupportPlanHistoryResponse history;
  ASSERT_THAT(plans_->GetSupportPlanHistory(&history_ctx, hreq, &history),
              IsOk());
  ASSERT_EQ(history.revisions_size(), 2);
  EXPECT_EQ(history.revisions(0).action(), "update");
  EXPECT_EQ(history.revisions(1).action(), "create");
}

TEST_F(PlanServiceTest, MunicipalityCoordinatorGetsARedactedPlan) {
  const v1::SupportPlan plan = CreatePlan();
  // Not yet submitted: not the municipality's to see.
  server_.UseToken(coordinator_token_);
  v1::SupportPlan got;
  EXPECT_THAT(Get(plan.name(), &got),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // As the lifecycle's submit would leave it.
  ASSERT_THAT(
      server_.database().WriteSync(
          CallContext{},
          [&](storage::Connection& c) {
            return c.Exec("UPDATE support_plans SET state = 2, submitted = 1");
          }),
      IsOk());
  ASSERT_THAT(Get(plan.name(), &got), IsOk());
  ASSERT_EQ(got.risks_size(), 2);
  EXPECT_TRUE(got.risks(1).redacted());
  EXPECT_TRUE(got.risks(1).risk_factor().empty());
  EXPECT_TRUE(got.risks(1).justification().empty());
  EXPECT_THAT(got.measures(1).addresses(), IsEmpty());
  EXPECT_EQ(got.risks(0).risk_factor(), "riskFactors/low-achievement");

  v1::ListSupportPlansRequest lreq;
  lreq.set_municipality(municipality_);
  v1::ListSupportPlansResponse list;
  grpc::ClientContext list_ctx;
  ASSERT_THAT(plans_->ListSupportPlans(&list_ctx, lreq, &list), IsOk());
  ASSERT_EQ(list.support_plans_size(), 1);
  EXPECT_TRUE(list.support_plans(0).risks(1).redacted());

  // The guardian reads it in full, and sees in the audit who looked.
  server_.UseToken(guardian_token_);
  ASSERT_THAT(Get(plan.name(), &got), IsOk());
  EXPECT_FALSE(got.risks(1).redacted());
  const std::vector<std::string> audit = PupilAudit();
  EXPECT_THAT(audit, Contains("supportPlan.create " + plan.name() + " 1"));
  EXPECT_THAT(audit, Contains("supportPlan.read " + plan.name() + " 2"));
  EXPECT_THAT(audit, Contains("supportPlan.read " + plan.name() + " 1"));
  EXPECT_THAT(audit, Contains("supportPlan.list " + plan.name() + " 1"));
}

TEST_F(PlanServiceTest, SuggestionsOverTheWire) {
  const v1::SupportPlan plan = CreatePlan();
  grpc::ClientContext ctx;
  v1::SuggestMeasuresRequest req;
  req.set_name(plan.name());
  req.set_locale("en");
  req.set_max_results(3);
  v1::SuggestMeasuresResponse out;
  ASSERT_THAT(plans_->SuggestMeasures(&ctx, req, &out), IsOk());
  ASSERT_EQ(out.suggestions_size(), 3);
  EXPECT_FALSE(out.suggestions(0).recommendation().reasons().empty());
  EXPECT_FALSE(out.suggestions(0).measure().justification().empty());
  EXPECT_THAT(PupilAudit(),
              Contains("supportPlan.suggest " + plan.name() + " 1"));
  grpc::ClientContext bad_ctx;
  req.set_name("supportPlans/");
  EXPECT_THAT(ViolatedFields(plans_->SuggestMeasures(&bad_ctx, req, &out)),
              UnorderedElementsAre("name"));
}

TEST_F(PlanServiceTest, WithdrawOverTheWire) {
  const v1::Application a = ApplyAsGuardian();
  grpc::ClientContext ctx;
  v1::WithdrawApplicationRequest req;
  req.set_name(a.name());
  req.set_reason("Pārcēlāmies.");
  req.set_etag(a.etag());
  v1::Application out;
  ASSERT_THAT(plans_->WithdrawApplication(&ctx, req, &out), IsOk());
  EXPECT_EQ(out.state(), v1::APPLICATION_STATE_WITHDRAWN);
  grpc::ClientContext again_ctx;
  grpc::Status s = plans_->WithdrawApplication(&again_ctx, req, &out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAborted));  // etag moved on
  grpc::ClientContext no_etag_ctx;
  req.clear_etag();
  s = plans_->WithdrawApplication(&no_etag_ctx, req, &out);
  EXPECT_THAT(s, HasReason("APPLICATION_WITHDRAWN"));
}

}  // namespace
}  // namespace pumpurs
