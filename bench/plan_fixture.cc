#include "bench/plan_fixture.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pumpurs/v1/auth.grpc.pb.h"
#include "pumpurs/v1/directory.grpc.pb.h"
#include "pumpurs/v1/support_plan.grpc.pb.h"

namespace pumpurs::bench {
namespace {

namespace v1 = ::pumpurs::v1;

constexpr char kRisk[] = "riskFactors/low-achievement";
constexpr char kMeasureType[] = "measureTypes/subject-teacher-consultation";
// Big enough that no run delivers it all: deliveries are never refused for
// want of planned hours, and every run measures the same work.
constexpr double kPlannedHours = 100000;
constexpr int64_t kCentsPerHour = 2000;

// A context for one preparation call, signed as `authorization`.
class Signed {
 public:
  explicit Signed(const std::string& authorization) {
    ctx_.set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(10));
    ctx_.AddMetadata("authorization", authorization);
  }
  grpc::ClientContext* get() { return &ctx_; }

 private:
  grpc::ClientContext ctx_;
};

absl::Status Failed(const grpc::Status& s, absl::string_view what) {
  const auto code = static_cast<absl::StatusCode>(s.error_code());
  return absl::Status(code, absl::StrCat("prepare: ", what, ": ",
                                         absl::StatusCodeToString(code), ": ",
                                         s.error_message()));
}

// The same day the server calls today (server/plans/semester.cc): Latvia's
// calendar, or its winter offset where the machine has no tzdata.
absl::CivilDay TodayInLatvia() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Europe/Riga", &zone)) {
    zone = absl::FixedTimeZone(2 * 60 * 60);
  }
  return absl::ToCivilDay(absl::Now(), zone);
}

std::string Day(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// Term 1: 1 September to 31 December; term 2: 1 January to 31 August of
// the school year's second calendar year.
struct Term {
  v1::Semester semester;
  absl::CivilDay first;
  absl::CivilDay last;
};

Term TermOf(absl::CivilDay day) {
  Term t;
  if (day.month() >= 9) {
    t.semester.set_school_year(static_cast<int>(day.year()));
    t.semester.set_term(1);
    t.first = absl::CivilDay(day.year(), 9, 1);
    t.last = absl::CivilDay(day.year(), 12, 31);
  } else {
    t.semester.set_school_year(static_cast<int>(day.year()) - 1);
    t.semester.set_term(2);
    t.first = absl::CivilDay(day.year(), 1, 1);
    t.last = absl::CivilDay(day.year(), 8, 31);
  }
  return t;
}

// The institution the signed-in head heads, and the head's own staff record
// there (the measures' provider).
absl::Status FindHead(const std::shared_ptr<grpc::Channel>& channel,
                      const std::string& authorization, PlanFixture& f) {
  v1::Account me;
  {
    Signed ctx(authorization);
    grpc::Status s = v1::AuthService::NewStub(channel)->WhoAmI(
        ctx.get(), v1::WhoAmIRequest(), &me);
    if (!s.ok()) return Failed(s, "WhoAmI");
  }
  for (const v1::RoleBinding& b : me.role_bindings()) {
    if (b.role() == v1::ROLE_INSTITUTION_HEAD) {
      f.institution = b.scope();
      break;
    }
  }
  if (f.institution.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the support-plan RPCs need a head of institution (e.g. the demo "
        "account direktors1, with --username); ",
        me.username(), " heads no institution"));
  }
  auto directory = v1::DirectoryService::NewStub(channel);
  v1::ListStaffMembersRequest req;
  req.set_institution(f.institution);
  req.set_page_size(500);
  do {
    v1::ListStaffMembersResponse page;
    Signed ctx(authorization);
    grpc::Status s = directory->ListStaffMembers(ctx.get(), req, &page);
    if (!s.ok()) return Failed(s, "ListStaffMembers");
    for (const v1::StaffMember& m : page.staff_members()) {
      if (m.account() == me.name()) {
        f.provider = m.name();
        return absl::OkStatus();
      }
    }
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return absl::FailedPreconditionError(
      absl::StrCat("prepare: no staff record of ", f.institution,
                   " is linked to ", me.name(), " (", me.username(),
                   "); link one with UpdateStaffMember(account)"));
}

v1::SupportPlan DraftPlan(const std::string& pupil, const Term& term,
                          const std::string& provider) {
  v1::SupportPlan plan;
  plan.set_pupil(pupil);
  *plan.mutable_semester() = term.semester;
  plan.set_problem_description(
      "Zemi mācību sasniegumi matemātikā; vajadzīgas konsultācijas.");
  v1::PlanRisk* risk = plan.add_risks();
  risk->set_risk_factor(kRisk);
  risk->set_severity(v1::SEVERITY_MEDIUM);
  risk->set_justification("Semestra vērtējumi matemātikā zem 4 ballēm.");
  v1::PlanGoal* goal = plan.add_goals();
  goal->set_description("Uzlabot sasniegumus matemātikā.");
  goal->set_success_criteria("Semestra vērtējums vismaz 5 balles.");
  goal->set_due_date(Day(term.last));
  v1::PlanMeasure* m = plan.add_measures();
  m->set_measure_type(kMeasureType);
  m->add_addresses(kRisk);
  m->set_justification(
      "Individuālas konsultācijas pie mācību priekšmeta "
      "skolotāja.");
  m->set_provider(provider);
  m->set_planned_quantity(kPlannedHours);
  m->set_planned_cost_cents(static_cast<int64_t>(kPlannedHours) *
                            kCentsPerHour);
  m->set_start_date(Day(term.first));
  m->set_end_date(Day(term.last));
  m->set_mode(v1::DELIVERY_MODE_ON_SITE);
  return plan;
}

// Submits the plan and approves it at each level as it becomes due.
absl::Status Approve(v1::SupportPlanService::Stub& plans,
                     const PlanFixtureOptions& o, const std::string& name) {
  v1::SupportPlan plan;
  {
    v1::SubmitSupportPlanRequest req;
    req.set_name(name);
    Signed ctx(o.head_authorization);
    grpc::Status s = plans.SubmitSupportPlan(ctx.get(), req, &plan);
    if (!s.ok()) return Failed(s, "SubmitSupportPlan");
  }
  // At most the three levels; a plan still in approval after them is a
  // server that does not advance.
  for (int step = 0; step < 3 && plan.state() == v1::PLAN_STATE_IN_APPROVAL;
       ++step) {
    const v1::ApprovalLevel level = plan.pending_level();
    const std::string* authorization =
        level == v1::APPROVAL_LEVEL_INSTITUTION ? &o.head_authorization
        : level == v1::APPROVAL_LEVEL_MUNICIPALITY
            ? &o.municipality_authorization
        : level == v1::APPROVAL_LEVEL_NATIONAL ? &o.national_authorization
                                               : nullptr;
    if (authorization == nullptr) {
      return absl::InternalError(absl::StrCat(
          "prepare: ", name, " is in approval with no pending level"));
    }
    v1::ApproveSupportPlanRequest req;
    req.set_name(name);
    Signed ctx(*authorization);
    grpc::Status s = plans.ApproveSupportPlan(ctx.get(), req, &plan);
    if (!s.ok()) {
      return Failed(s, absl::StrCat("ApproveSupportPlan at level ",
                                    v1::ApprovalLevel_Name(level)));
    }
  }
  if (plan.state() != v1::PLAN_STATE_APPROVED) {
    return absl::InternalError(
        absl::StrCat("prepare: ", name, " ended in state ",
                     v1::PlanState_Name(plan.state()), ", not APPROVED"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PlanFixture> PreparePlans(
    const std::shared_ptr<grpc::Channel>& channel,
    const PlanFixtureOptions& o) {
  PlanFixture f;
  if (absl::Status s = FindHead(channel, o.head_authorization, f); !s.ok()) {
    return s;
  }
  const absl::CivilDay today = TodayInLatvia();
  f.today = Day(today);
  const Term term = TermOf(today);
  auto directory = v1::DirectoryService::NewStub(channel);
  auto plans = v1::SupportPlanService::NewStub(channel);
  for (int i = 0; i < o.count; ++i) {
    // Request ids make a retry of the whole run's preparation harmless.
    const std::string id = absl::StrCat("load-", o.run_tag, "-plan-", i);
    const std::string family = absl::StrCat("Slodze ", o.run_tag, " ", i + 1);
    v1::Pupil pupil;
    {
      v1::CreatePupilRequest req;
      req.set_request_id(absl::StrCat(id, "-pupil"));
      v1::Pupil* p = req.mutable_pupil();
      p->set_given_name("Skolēns");
      p->set_family_name(family);
      p->set_birth_date("2013-03-15");
      p->set_grade(7);
      p->set_class_label("7.s");
      p->set_institution(f.institution);
      Signed ctx(o.head_authorization);
      grpc::Status s = directory->CreatePupil(ctx.get(), req, &pupil);
      if (!s.ok()) return Failed(s, "CreatePupil");
    }
    v1::Guardian guardian;
    {
      v1::CreateGuardianRequest req;
      req.set_request_id(absl::StrCat(id, "-guardian"));
      v1::Guardian* g = req.mutable_guardian();
      g->set_given_name("Vecāks");
      g->set_family_name(family);
      g->add_pupils(pupil.name());
      Signed ctx(o.head_authorization);
      grpc::Status s = directory->CreateGuardian(ctx.get(), req, &guardian);
      if (!s.ok()) return Failed(s, "CreateGuardian");
    }
    {
      v1::CreateApplicationRequest req;
      req.set_request_id(absl::StrCat(id, "-application"));
      v1::Application* a = req.mutable_application();
      a->set_pupil(pupil.name());
      *a->mutable_semester() = term.semester;
      a->set_applicant(guardian.name());
      a->set_signed_date(f.today);
      v1::Application out;
      Signed ctx(o.head_authorization);
      grpc::Status s = plans->CreateApplication(ctx.get(), req, &out);
      if (!s.ok()) return Failed(s, "CreateApplication");
    }
    v1::SupportPlan plan;
    {
      v1::CreateSupportPlanRequest req;
      req.set_request_id(absl::StrCat(id, "-plan"));
      *req.mutable_support_plan() = DraftPlan(pupil.name(), term, f.provider);
      Signed ctx(o.head_authorization);
      grpc::Status s = plans->CreateSupportPlan(ctx.get(), req, &plan);
      if (!s.ok()) return Failed(s, "CreateSupportPlan");
    }
    if (plan.measures_size() != 1 || plan.measures(0).id().empty()) {
      return absl::InternalError(
          "prepare: CreateSupportPlan returned no measure id");
    }
    if (o.approve) {
      if (absl::Status s = Approve(*plans, o, plan.name()); !s.ok()) return s;
    }
    f.plans.push_back(plan.name());
    f.measure_ids.push_back(plan.measures(0).id());
  }
  return f;
}

}  // namespace pumpurs::bench
