// SupportPlanService's transitions over a real in-process server and
// channel: who may call each method on a plan of their own or another
// institution (role × method), a stale etag as ABORTED (ETAG_MISMATCH), a
// refused transition as FAILED_PRECONDITION with its ErrorInfo reason, and
// the approval chain end to end. Plans are stored directly through
// server/plans/store.h, so these tests need nothing else of the service.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/support_plan.grpc.pb.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/plans/semester.h"
#include "server/plans/store.h"
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
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;

std::string BirthDate(int years_ago) {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  return absl::StrFormat("%04d-01-01", today.year() - years_ago);
}

// What a call should end in: refused outright, or allowed (and then
// stopped by the plan's state with `reason`, or OK when reason is empty).
struct Expect {
  bool allowed = false;
  std::string reason;
};

class PlanLifecycleServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = server_.AdminToken();
    server_.UseToken(admin_);
    stub_ = v1::SupportPlanService::NewStub(server_.channel());
    absl::StatusOr<std::string> north =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    EXPECT_THAT(north, IsOk());
    north_ = north.value_or("");
    absl::StatusOr<std::string> south =
        CreateMunicipality(server_, "Dienvidu novads", "0100002");
    EXPECT_THAT(south, IsOk());
    south_ = south.value_or("");
    absl::StatusOr<std::string> school_a =
        CreateInstitution(server_, north_, "A skola", "4000000001");
    EXPECT_THAT(school_a, IsOk());
    a_ = school_a.value_or("");
    absl::StatusOr<std::string> school_b =
        CreateInstitution(server_, north_, "B skola", "4000000002");
    EXPECT_THAT(school_b, IsOk());
    b_ = school_b.value_or("");
    absl::StatusOr<std::string> pupil =
        CreatePupil(server_, a_, "Anna", "Bērziņa", 6, BirthDate(12));
    EXPECT_THAT(pupil, IsOk());
    pupil_ = pupil.value_or("");
    absl::StatusOr<std::string> guardian =
        CreateGuardian(server_, {pupil_}, "Inese", "Bērziņa");
    EXPECT_THAT(guardian, IsOk());
    guardian_ = guardian.value_or("");

    const std::string a = IdOf(a_), b = IdOf(b_);
    tokens_["preparer A"] =
        server_.StaffTokenFor({{Role::kPlanPreparer, a}}, a, &preparer_a_);
    tokens_["head A"] =
        server_.StaffTokenFor({{Role::kInstitutionHead, a}}, a, &head_a_);
    tokens_["provider A"] =
        server_.StaffTokenFor({{Role::kMeasureProvider, a}}, a, &provider_a_);
    std::string unused;
    tokens_["other preparer A"] =
        server_.StaffTokenFor({{Role::kPlanPreparer, a}}, a, &unused);
    tokens_["coordinator A"] =
        server_.TokenFor({{Role::kInstitutionCoordinator, a}});
    tokens_["preparer B"] =
        server_.StaffTokenFor({{Role::kPlanPreparer, b}}, b, &unused);
    tokens_["head B"] =
        server_.StaffTokenFor({{Role::kInstitutionHead, b}}, b, &unused);
    tokens_["north coordinator"] =
        server_.TokenFor({{Role::kMunicipalityCoordinator, IdOf(north_)}});
    tokens_["south coordinator"] =
        server_.TokenFor({{Role::kMunicipalityCoordinator, IdOf(south_)}});
    tokens_["national administrator"] = admin_;
    tokens_["guardian"] =
        server_.TokenFor({{Role::kGuardian, IdOf(guardian_)}});
    tokens_["methodologist"] = server_.TokenFor({{Role::kMethodologist, ""}});
  }

  // Stores an application and a complete plan of the pupil of A for this
  // semester, prepared by preparer A with a measure by provider A; returns
  // its id.
  std::string StorePlan(v1::PlanState state) {
    const plans::Semester semester =
        plans::SemesterOf(plans::DayInLatvia(absl::Now()));
    plans::StoredPlan p;
    p.id = NewId();
    p.pupil_id = IdOf(pupil_);
    p.institution_id = IdOf(a_);
    p.municipality_id = IdOf(north_);
    p.application_id = NewId();
    p.preparer_id = preparer_a_;
    p.semester = semester;
    p.guardian_ids = {IdOf(guardian_)};
    p.submitted = state != v1::PLAN_STATE_DRAFT;
    v1::SupportPlan& plan = p.plan;
    plan.set_state(state);
    plan.set_preparer("staff/" + preparer_a_);
    plan.set_problem_description("Zemi vērtējumi.");
    v1::PlanRisk* r = plan.add_risks();
    r->set_risk_factor("riskFactors/low-achievement");
    r->set_group(v1::RISK_GROUP_LEARNING_AND_SCHOOL);
    r->set_severity(v1::SEVERITY_HIGH);
    r->set_justification("Vērtējumi 2-3.");
    v1::PlanRisk* ill = plan.add_risks();
    ill->set_risk_factor("riskFactors/long-term-illness");
    ill->set_group(v1::RISK_GROUP_SOCIAL_AND_HEALTH);
    ill->set_special_category(true);
    ill->set_severity(v1::SEVERITY_MEDIUM);
    ill->set_justification("Ilgstoša slimība.");
    v1::PlanGoal* g = plan.add_goals();
    g->set_id("g1");
    g->set_description("Uzlabot vērtējumus.");
    g->set_success_criteria("Vismaz 5.");
    g->set_due_date(plans::FormatDay(plans::LastDay(semester)));
    v1::PlanMeasure* m = plan.add_measures();
    m->set_id("m1");
    m->set_measure_type("measureTypes/subject-teacher-consultation");
    m->add_addresses("riskFactors/low-achievement");
    m->set_justification("Konsultācijas.");
    m->set_provider("staff/" + provider_a_);
    m->set_unit(v1::MEASURE_UNIT_HOURS);
    m->set_planned_quantity(10);
    m->set_planned_cost_cents(15000);
    m->set_start_date(plans::FormatDay(plans::FirstDay(semester)));
    m->set_end_date(plans::FormatDay(plans::LastDay(semester)));
    m->set_mode(v1::DELIVERY_MODE_ON_SITE);

    v1::Application app;
    app.set_name("applications/" + p.application_id);
    app.set_pupil(pupil_);
    app.mutable_semester()->set_school_year(semester.school_year);
    app.mutable_semester()->set_term(semester.term);
    app.set_state(v1::APPLICATION_STATE_ACTIVE);
    CallContext system;
    system.caller_id = "system:test";
    EXPECT_THAT(
        server_.database().WriteSync(
            system,
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("INSERT INTO plan_applications (id, pupil_id, "
                            "institution_id, municipality_id, school_year, "
                            "term, state, data, version, create_time, "
                            "update_time) VALUES (?, ?, ?, ?, ?, ?, 1, ?, 1, "
                            "0, 0)"));
              s.Bind(1, p.application_id)
                  .Bind(2, p.pupil_id)
                  .Bind(3, p.institution_id)
                  .Bind(4, p.municipality_id)
                  .Bind(5, int64_t{semester.school_year})
                  .Bind(6, int64_t{semester.term})
                  .BindBlob(7, app.SerializeAsString());
              PUMPURS_RETURN_IF_ERROR(s.Run());
              return plans::InsertPlan(c, system, p, absl::Now());
            }),
        IsOk());
    return p.id;
  }

  // A delivery row, so the plan counts as having used funds.
  void AddDeliveryRow(const std::string& plan_id) {
    EXPECT_THAT(
        server_.database().WriteSync(
            CallContext{},
            [&](storage::Connection& c) {
              return c.Exec(absl::StrCat(
                  "INSERT INTO plan_deliveries (id, plan_id, measure_id, "
                  "institution_id, provider_id, date, month, minutes, "
                  "amount_cents, funds_cents, remote, data, create_time) "
                  "VALUES ('",
                  NewId(), "', '", plan_id, "', 'm1', '", IdOf(a_), "', '",
                  provider_a_,
                  "', '2026-09-10', '2026-09', 45, 0, 0, 0, x'', "
                  "0)"));
            }),
        IsOk());
  }

  int64_t StoredVersion(const std::string& plan_id) {
    int64_t version = -1;
    EXPECT_THAT(server_.database().ReadSync(
                    CallContext{},
                    [&](storage::Connection& c) -> absl::Status {
                      PUMPURS_ASSIGN_OR_RETURN(
                          version,
                          c.QueryInt("SELECT version FROM support_plans "
                                     "WHERE id = '" +
                                     plan_id + "'"));
                      return absl::OkStatus();
                    }),
                IsOk());
    return version;
  }

  // One lifecycle method, called on `name` as whoever UseToken set.
  using Method = std::function<grpc::Status(
      const std::string& name, const std::string& etag, v1::SupportPlan* out)>;
  std::map<std::string, Method> Methods() {
    auto* stub = stub_.get();
    return {
        {"Submit",
         [stub](const std::string& name, const std::string& etag,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::SubmitSupportPlanRequest req;
           req.set_name(name);
           req.set_etag(etag);
           return stub->SubmitSupportPlan(&ctx, req, out);
         }},
        {"Approve",
         [stub](const std::string& name, const std::string& etag,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::ApproveSupportPlanRequest req;
           req.set_name(name);
           req.set_etag(etag);
           return stub->ApproveSupportPlan(&ctx, req, out);
         }},
        {"Reject",
         [stub](const std::string& name, const std::string& etag,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::RejectSupportPlanRequest req;
           req.set_name(name);
           req.set_etag(etag);
           req.set_comment("Jāprecizē.");
           return stub->RejectSupportPlan(&ctx, req, out);
         }},
        {"Start",
         [stub](const std::string& name, const std::string& etag,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::StartSupportPlanRequest req;
           req.set_name(name);
           req.set_etag(etag);
           return stub->StartSupportPlan(&ctx, req, out);
         }},
        {"Suspend",
         [stub](const std::string& name, const std::string& etag,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::SuspendSupportPlanRequest req;
           req.set_name(name);
           req.set_etag(etag);
           req.set_reason("Slimība.");
           return stub->SuspendSupportPlan(&ctx, req, out);
         }},
        {"Resume",
         [stub](const std::string& name, const std::string& etag,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::ResumeSupportPlanRequest req;
           req.set_name(name);
           req.set_etag(etag);
           return stub->ResumeSupportPlan(&ctx, req, out);
         }},
        {"Revise",
         [stub](const std::string& name, const std::string& etag,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::ReviseSupportPlanRequest req;
           req.set_name(name);
           req.set_etag(etag);
           return stub->ReviseSupportPlan(&ctx, req, out);
         }},
        {"Delete",
         [stub](const std::string& name, const std::string& etag,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::DeleteSupportPlanRequest req;
           req.set_name(name);
           req.set_etag(etag);
           return stub->DeleteSupportPlan(&ctx, req, out);
         }},
        {"Evaluate",
         [stub](const std::string& name, const std::string& etag,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::EvaluateSupportPlanRequest req;
           req.set_name(name);
           req.set_etag(etag);
           return stub->EvaluateSupportPlan(&ctx, req, out);
         }},
        {"Acknowledge",
         [stub](const std::string& name, const std::string&,
                v1::SupportPlan* out) {
           grpc::ClientContext ctx;
           v1::AcknowledgeSupportPlanRequest req;
           req.set_name(name);
           return stub->AcknowledgeSupportPlan(&ctx, req, out);
         }},
    };
  }

  grpc::Status Call(const std::string& method, const std::string& token,
                    const std::string& plan_id, const std::string& etag = "",
                    v1::SupportPlan* out = nullptr) {
    v1::SupportPlan ignored;
    server_.UseToken(token);
    return Methods()[method]("supportPlans/" + plan_id, etag,
                             out != nullptr ? out : &ignored);
  }

  TestServer server_;
  std::unique_ptr<v1::SupportPlanService::Stub> stub_;
  std::string admin_;
  std::string north_, south_, a_, b_, pupil_, guardian_;
  std::string preparer_a_, head_a_, provider_a_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(PlanLifecycleServiceTest, AuthorizationMatrix) {
  // A closed plan with a delivery: every transition is refused by the
  // plan's state (or FUNDS_USED), so a caller who gets past authorization
  // hears FAILED_PRECONDITION and the plan stays as it is; only the
  // acknowledgement changes it.
  const std::string id = StorePlan(v1::PLAN_STATE_CLOSED);
  AddDeliveryRow(id);
  const Expect denied;
  const std::map<std::string, std::string> manage_reasons = {
      {"Submit", "PLAN_NOT_IN_DRAFT"},
      {"Start", "PLAN_NOT_APPROVED"},
      {"Suspend", "PLAN_NOT_SUSPENDABLE"},
      {"Resume", "PLAN_NOT_SUSPENDED"},
      {"Revise", "PLAN_NOT_REVISABLE"},
      {"Delete", "FUNDS_USED"},
      {"Evaluate", "PLAN_NOT_IN_IMPLEMENTATION"},
  };
  // role → method → expectation; anything not listed is denied.
  std::map<std::string, std::map<std::string, Expect>> allowed;
  for (const char* manager : {"preparer A", "head A"}) {
    for (const auto& [method, reason] : manage_reasons) {
      allowed[manager][method] = {true, reason};
    }
  }
  for (const char* approver :
       {"head A", "north coordinator", "national administrator"}) {
    allowed[approver]["Approve"] = {true, "PLAN_NOT_IN_APPROVAL"};
    allowed[approver]["Reject"] = {true, "PLAN_NOT_IN_APPROVAL"};
  }
  allowed["guardian"]["Acknowledge"] = {true, ""};

  int acknowledgements = 0;
  for (const auto& [role, token] : tokens_) {
    for (const auto& [method, call] : Methods()) {
      (void)call;
      const Expect expect =
          allowed[role].count(method) > 0 ? allowed[role][method] : denied;
      const grpc::Status s = Call(method, token, id);
      const std::string where = role + " × " + method;
      if (!expect.allowed) {
        EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied)) << where;
        EXPECT_THAT(s, HasReason("PERMISSION_DENIED")) << where;
      } else if (expect.reason.empty()) {
        EXPECT_THAT(s, IsOk()) << where;
        ++acknowledgements;
      } else {
        EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition))
            << where;
        EXPECT_THAT(s, HasReason(expect.reason)) << where;
      }
    }
  }
  for (const auto& [method, call] : Methods()) {
    (void)call;
    EXPECT_THAT(Call(method, "", id),
                StatusIs(absl::StatusCode::kUnauthenticated))
        << method;
  }
  EXPECT_EQ(acknowledgements, 1);
  EXPECT_EQ(StoredVersion(id), 1 + acknowledgements);
}

TEST_F(PlanLifecycleServiceTest, AStaleEtagIsAborted) {
  const std::string id = StorePlan(v1::PLAN_STATE_DRAFT);
  const grpc::Status s = Call("Submit", tokens_["preparer A"], id, "\"99\"");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(s, HasReason("ETAG_MISMATCH"));
  EXPECT_EQ(StoredVersion(id), 1);
  v1::SupportPlan out;
  EXPECT_THAT(Call("Submit", tokens_["preparer A"], id, "\"1\"", &out), IsOk());
  EXPECT_EQ(out.etag(), "\"2\"");
}

TEST_F(PlanLifecycleServiceTest, ARefusedTransitionCarriesItsReason) {
  const std::string id = StorePlan(v1::PLAN_STATE_DRAFT);
  grpc::Status s = Call("Start", tokens_["head A"], id);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(s, HasReason("PLAN_NOT_APPROVED"));
  s = Call("Suspend", tokens_["head A"], id);
  EXPECT_THAT(s, HasReason("PLAN_NOT_SUSPENDABLE"));
  EXPECT_EQ(StoredVersion(id), 1);
}

TEST_F(PlanLifecycleServiceTest, BadRequestsNameTheField) {
  const std::string id = StorePlan(v1::PLAN_STATE_IN_APPROVAL);
  server_.UseToken(tokens_["head A"]);
  grpc::ClientContext ctx;
  v1::RejectSupportPlanRequest req;
  req.set_name("supportPlans/" + id);
  v1::SupportPlan out;
  grpc::Status s = stub_->RejectSupportPlan(&ctx, req, &out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s), ElementsAre("comment"));

  grpc::ClientContext ctx2;
  v1::StartSupportPlanRequest start;
  start.set_name("plans/" + id);
  s = stub_->StartSupportPlan(&ctx2, start, &out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s), ElementsAre("name"));
}

TEST_F(PlanLifecycleServiceTest, ThePlanGoesThroughItsChain) {
  const std::string id = StorePlan(v1::PLAN_STATE_DRAFT);
  v1::SupportPlan out;
  ASSERT_THAT(Call("Submit", tokens_["preparer A"], id, "\"1\"", &out), IsOk());
  EXPECT_EQ(out.state(), v1::PLAN_STATE_IN_APPROVAL);
  EXPECT_EQ(out.pending_level(), v1::APPROVAL_LEVEL_INSTITUTION);

  grpc::Status s = Call("Approve", tokens_["national administrator"], id);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(s, HasReason("NOT_YOUR_APPROVAL_LEVEL"));

  ASSERT_THAT(Call("Approve", tokens_["head A"], id, out.etag(), &out), IsOk());
  EXPECT_EQ(out.pending_level(), v1::APPROVAL_LEVEL_MUNICIPALITY);
  ASSERT_THAT(Call("Approve", tokens_["north coordinator"], id, "", &out),
              IsOk());
  // The municipality does not see the special-category risk.
  EXPECT_TRUE(out.risks(1).redacted());
  EXPECT_EQ(out.risks(1).justification(), "");
  ASSERT_THAT(Call("Approve", tokens_["national administrator"], id, "", &out),
              IsOk());
  EXPECT_EQ(out.state(), v1::PLAN_STATE_APPROVED);
  EXPECT_EQ(out.approvals_size(), 3);
  ASSERT_THAT(Call("Start", tokens_["preparer A"], id, "", &out), IsOk());
  EXPECT_EQ(out.state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  ASSERT_THAT(Call("Acknowledge", tokens_["guardian"], id, "", &out), IsOk());
  EXPECT_EQ(out.acknowledgements(0).by(), guardian_);

  server_.UseToken(tokens_["head A"]);
  grpc::ClientContext ctx;
  v1::EvaluateSupportPlanRequest req;
  req.set_name("supportPlans/" + id);
  v1::OutcomeEntry* g = req.mutable_evaluation()->add_goals();
  g->set_id("g1");
  g->set_outcome(v1::OUTCOME_ACHIEVED);
  v1::OutcomeEntry* m = req.mutable_evaluation()->add_measures();
  m->set_id("m1");
  m->set_outcome(v1::OUTCOME_ACHIEVED);
  req.mutable_evaluation()->set_decision(v1::EVALUATION_DECISION_CLOSE);
  ASSERT_THAT(stub_->EvaluateSupportPlan(&ctx, req, &out), IsOk());
  EXPECT_EQ(out.state(), v1::PLAN_STATE_CLOSED);
  EXPECT_EQ(out.evaluation().decision(), v1::EVALUATION_DECISION_CLOSE);
  EXPECT_EQ(StoredVersion(id), 8);
}

}  // namespace
}  // namespace pumpurs
