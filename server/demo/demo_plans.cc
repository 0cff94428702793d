#include "server/demo/demo_plans.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/common/call_context.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/plans/applications.h"
#include "server/plans/deliveries.h"
#include "server/plans/evaluation.h"
#include "server/plans/lifecycle.h"
#include "server/plans/plans.h"
#include "server/plans/semester.h"

namespace pumpurs::demo {
namespace {

namespace v1 = ::pumpurs::v1;
using plans::Semester;
using storage::Connection;

CallContext As(const std::string& account, std::vector<RoleBinding> roles,
               std::vector<std::string> staff = {}) {
  CallContext call;
  call.caller_id = "accounts/" + account;
  call.principal.account_id = account;
  call.principal.roles = std::move(roles);
  call.principal.staff_ids = std::move(staff);
  return call;
}

struct Callers {
  CallContext head, coordinator, teacher, municipality, national;
};

Callers CallersOf(const DemoSchool& s, const std::string& national) {
  Callers c;
  c.head = As(s.head_account, {{Role::kInstitutionHead, s.institution_id}},
              {s.head_staff});
  c.coordinator = As(s.coordinator_account,
                     {{Role::kInstitutionCoordinator, s.institution_id}},
                     {s.coordinator_staff});
  c.teacher = As(s.teacher_account, {{Role::kPlanPreparer, s.institution_id}},
                 {s.teacher_staff});
  c.municipality = As(s.municipality_coordinator,
                      {{Role::kMunicipalityCoordinator, s.municipality_id}});
  c.national = As(national, {{Role::kNationalAdministrator, ""}});
  return c;
}

std::string Day(absl::CivilDay d) { return plans::FormatDay(d); }

// The content of a demo plan: a risk (and a measure for it) per entry.
struct Need {
  const char* risk;
  v1::Severity severity;
  const char* justification;
  const char* measure;  // measure type code
  bool by_psychologist;
  double quantity;
  int64_t cost_cents;
};

v1::SupportPlan Content(const DemoSchool& s, const std::string& pupil,
                        Semester sem, const std::vector<Need>& needs) {
  v1::SupportPlan p;
  p.set_pupil(ResourceName("pupils", pupil));
  p.mutable_semester()->set_school_year(sem.school_year);
  p.mutable_semester()->set_term(sem.term);
  p.set_problem_description(
      "Izdomāts demonstrācijas plāns: skolēnam vajadzīgs atbalsts mācībās.");
  for (const Need& n : needs) {
    v1::PlanRisk* r = p.add_risks();
    r->set_risk_factor(absl::StrCat("riskFactors/", n.risk));
    r->set_severity(n.severity);
    r->set_justification(n.justification);
    v1::PlanMeasure* m = p.add_measures();
    m->set_measure_type(absl::StrCat("measureTypes/", n.measure));
    m->add_addresses(r->risk_factor());
    m->set_justification("Ieteikts zināšanu bāzē šim riskam.");
    m->set_provider(ResourceName(
        "staff", n.by_psychologist ? s.psychologist_staff : s.teacher_staff));
    m->set_planned_quantity(n.quantity);
    m->set_planned_cost_cents(n.cost_cents);
    m->set_start_date(Day(plans::FirstDay(sem)));
    m->set_end_date(Day(plans::LastDay(sem)));
    m->set_mode(v1::DELIVERY_MODE_ON_SITE);
  }
  v1::PlanGoal* g = p.add_goals();
  g->set_description("Skolēns regulāri apmeklē nodarbības un uzlabo sekmes.");
  g->set_success_criteria("Semestra vērtējumi vismaz 5, kavējumi zem 10%.");
  g->set_due_date(Day(plans::LastDay(sem)));
  return p;
}

const std::vector<Need> kLearning = {
    {"low-achievement", v1::SEVERITY_HIGH, "Vērtējumi 2–3 matemātikā.",
     "subject-teacher-consultation", false, 10, 15000},
    {"unjustified-absences", v1::SEVERITY_MEDIUM,
     "Semestrī kavēti 14% mācību stundu.", "psychologist-consultation", true, 4,
     8000},
};
const std::vector<Need> kTransport = {
    {"transport-costs", v1::SEVERITY_HIGH,
     "Ģimene nevar segt braucienus uz skolu.", "transport-compensation", false,
     120, 12000},
};
const std::vector<Need> kIllness = {
    {"long-term-illness", v1::SEVERITY_MEDIUM,
     "Ilgstoša slimība, daudz kavēts.", "psychologist-consultation", true, 6,
     12000},
    {"low-achievement", v1::SEVERITY_MEDIUM, "Atpalicis pēc slimības.",
     "subject-teacher-consultation", false, 8, 12000},
};

class Seeder {
 public:
  Seeder(Connection& conn, absl::Time now) : conn_(conn), now_(now) {}

  // An application registered from a signed paper form by the coordinator
  // (or, online, by the family member `online`).
  absl::Status Apply(const DemoSchool& s, const Callers& c, size_t k,
                     Semester sem, const CallContext* online = nullptr) {
    v1::Application a;
    a.set_pupil(ResourceName("pupils", s.pupils[k]));
    a.mutable_semester()->set_school_year(sem.school_year);
    a.mutable_semester()->set_term(sem.term);
    if (online == nullptr) {
      a.set_applicant(ResourceName("guardians", s.guardians[k]));
      a.set_signed_date(
          Day(std::min(plans::DayInLatvia(now_), plans::FirstDay(sem) + 3)));
    }
    return plans::CreateApplication(conn_, online ? *online : c.coordinator, a,
                                    "", now_)
        .status();
  }

  absl::StatusOr<v1::SupportPlan> Draft(const DemoSchool& s, const Callers& c,
                                        size_t k, Semester sem,
                                        const std::vector<Need>& needs) {
    return plans::CreateSupportPlan(
        conn_, c.teacher, Content(s, s.pupils[k], sem, needs), "", now_);
  }

  absl::StatusOr<v1::SupportPlan> Approved(const DemoSchool& s,
                                           const Callers& c, v1::SupportPlan p,
                                           int levels) {
    const std::string id = IdOf(p);
    PUMPURS_ASSIGN_OR_RETURN(p,
                             plans::SubmitPlan(conn_, c.teacher, id, "", now_));
    const CallContext* chain[] = {&c.head, &c.municipality, &c.national};
    int done = 0;
    for (const CallContext* approver : chain) {
      if (done == levels) break;
      if (approver == &c.municipality && s.vocational) continue;
      PUMPURS_ASSIGN_OR_RETURN(
          p, plans::ApprovePlan(conn_, *approver, id, "", "Saskaņots.", now_));
      ++done;
    }
    return p;
  }

  // Records `count` on-site consultations of the first measure on `day`.
  absl::Status Deliver(const Callers& c, const v1::SupportPlan& p, int count,
                       absl::CivilDay day, int64_t amount_cents = 0) {
    for (int i = 0; i < count; ++i) {
      v1::DeliveryRecord d;
      d.set_measure_id(p.measures(0).id());
      d.set_date(Day(day));
      if (amount_cents > 0) {
        d.set_amount_cents(amount_cents);
        d.set_evidence(v1::EVIDENCE_TYPE_PAYMENT_DOCUMENT);
      } else {
        d.set_duration_minutes(40);
        d.set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
      }
      d.set_mode(v1::DELIVERY_MODE_ON_SITE);
      PUMPURS_RETURN_IF_ERROR(
          plans::RecordDelivery(conn_, c.teacher, IdOf(p), d, "", now_)
              .status());
    }
    return absl::OkStatus();
  }

  static std::string IdOf(const v1::SupportPlan& p) {
    return p.name().substr(sizeof("supportPlans/") - 1);
  }

  absl::Time now() const { return now_; }

 private:
  Connection& conn_;
  absl::Time now_;
};

}  // namespace

absl::Status SeedPlans(Connection& conn, const std::string& national_account,
                       const std::vector<DemoSchool>& schools, absl::Time now) {
  if (schools.size() < 4) return absl::OkStatus();
  Seeder seed(conn, now);
  const absl::CivilDay today = plans::DayInLatvia(now);
  const Semester current = plans::SemesterOf(today);
  const Semester previous = plans::SemesterOf(plans::FirstDay(current) - 1);

  {  // School 1: in implementation, awaiting the municipality, a draft.
    const DemoSchool& s = schools[0];
    const Callers c = CallersOf(s, national_account);
    for (size_t k = 1; k < 4; ++k) {
      PUMPURS_RETURN_IF_ERROR(seed.Apply(s, c, k, current));
    }
    PUMPURS_ASSIGN_OR_RETURN(v1::SupportPlan p,
                             seed.Draft(s, c, 1, current, kLearning));
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Approved(s, c, p, 3));
    PUMPURS_RETURN_IF_ERROR(seed.Deliver(c, p, 2, today));
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Draft(s, c, 2, current, kIllness));
    PUMPURS_RETURN_IF_ERROR(seed.Approved(s, c, p, 1).status());
    PUMPURS_RETURN_IF_ERROR(seed.Draft(s, c, 3, current, kLearning).status());
  }
  {  // School 2: approved, suspended, under revision, deleted.
    const DemoSchool& s = schools[1];
    const Callers c = CallersOf(s, national_account);
    const CallContext parent =
        As(s.guardian_accounts[0], {{Role::kGuardian, s.guardians[0]}});
    PUMPURS_RETURN_IF_ERROR(seed.Apply(s, c, 0, current, &parent));
    for (size_t k = 1; k < 4; ++k) {
      PUMPURS_RETURN_IF_ERROR(seed.Apply(s, c, k, current));
    }
    PUMPURS_ASSIGN_OR_RETURN(v1::SupportPlan p,
                             seed.Draft(s, c, 0, current, kLearning));
    PUMPURS_RETURN_IF_ERROR(seed.Approved(s, c, p, 3).status());
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Draft(s, c, 1, current, kTransport));
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Approved(s, c, p, 3));
    PUMPURS_RETURN_IF_ERROR(
        plans::SuspendPlan(conn, c.teacher, Seeder::IdOf(p), "",
                           "Ilgstoša prombūtne ārpus skolas.", now)
            .status());
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Draft(s, c, 2, current, kLearning));
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Approved(s, c, p, 3));
    PUMPURS_RETURN_IF_ERROR(plans::RevisePlan(conn, c.head, Seeder::IdOf(p), "",
                                              "Jāpievieno mentors.", now)
                                .status());
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Draft(s, c, 3, current, kTransport));
    PUMPURS_RETURN_IF_ERROR(
        plans::DeletePlan(conn, c.teacher, Seeder::IdOf(p), "", now).status());
  }
  {  // School 3 (vocational): closed and continued; a compensation.
    const DemoSchool& s = schools[2];
    const Callers c = CallersOf(s, national_account);
    const CallContext adult =
        As(s.adult_pupil_account, {{Role::kAdultPupil, s.pupils[0]}});
    PUMPURS_RETURN_IF_ERROR(seed.Apply(s, c, 0, previous, &adult));
    PUMPURS_RETURN_IF_ERROR(seed.Apply(s, c, 1, current));
    PUMPURS_ASSIGN_OR_RETURN(v1::SupportPlan p,
                             seed.Draft(s, c, 0, previous, kLearning));
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Approved(s, c, p, 2));
    PUMPURS_RETURN_IF_ERROR(
        seed.Deliver(c, p, 3, plans::LastDay(previous) - 60));
    PUMPURS_ASSIGN_OR_RETURN(
        p, plans::GetSupportPlan(conn, c.teacher, Seeder::IdOf(p)));
    v1::PlanEvaluation e;
    for (const v1::PlanGoal& g : p.goals()) {
      v1::OutcomeEntry* o = e.add_goals();
      o->set_id(g.id());
      o->set_outcome(v1::OUTCOME_PARTLY_ACHIEVED);
    }
    for (const v1::PlanMeasure& m : p.measures()) {
      v1::OutcomeEntry* o = e.add_measures();
      o->set_id(m.id());
      o->set_outcome(v1::OUTCOME_ACHIEVED);
    }
    e.set_decision(v1::EVALUATION_DECISION_CONTINUE);
    e.set_summary("Progress ir, atbalsts jāturpina.");
    PUMPURS_RETURN_IF_ERROR(
        plans::EvaluatePlan(conn, c.teacher, Seeder::IdOf(p), "", e, now)
            .status());
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Draft(s, c, 1, current, kTransport));
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Approved(s, c, p, 2));
    PUMPURS_RETURN_IF_ERROR(seed.Deliver(c, p, 1, today, 2400));
  }
  {  // School 4: in implementation; awaiting the national level.
    const DemoSchool& s = schools[3];
    const Callers c = CallersOf(s, national_account);
    for (size_t k = 0; k < 2; ++k) {
      PUMPURS_RETURN_IF_ERROR(seed.Apply(s, c, k, current));
    }
    PUMPURS_ASSIGN_OR_RETURN(v1::SupportPlan p,
                             seed.Draft(s, c, 0, current, kIllness));
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Approved(s, c, p, 3));
    PUMPURS_RETURN_IF_ERROR(
        plans::StartPlan(conn, c.teacher, Seeder::IdOf(p), "", now).status());
    PUMPURS_ASSIGN_OR_RETURN(p, seed.Draft(s, c, 1, current, kLearning));
    PUMPURS_RETURN_IF_ERROR(seed.Approved(s, c, p, 2).status());
  }
  return absl::OkStatus();
}

absl::Status SeedPastSemesters(Connection& conn,
                               const std::string& national_account,
                               const std::vector<DemoSchool>& schools,
                               absl::Time now) {
  const Semester current = plans::SemesterOf(plans::DayInLatvia(now));
  const Semester previous = plans::SemesterOf(plans::FirstDay(current) - 1);
  const Semester before = plans::SemesterOf(plans::FirstDay(previous) - 1);
  const std::vector<Need>* kNeeds[] = {&kLearning, &kIllness, &kLearning,
                                       &kTransport, &kLearning};
  for (const Semester& sem : {before, previous}) {
    // Everything happens near the semester's end, as it would have.
    const absl::CivilDay last = plans::LastDay(sem);
    const absl::Time then = absl::FromCivil(
        absl::CivilSecond(last.year(), last.month(), last.day(), 12) -
            10 * 86400,
        absl::UTCTimeZone());
    Seeder seed(conn, then);
    for (const DemoSchool& s : schools) {
      const Callers c = CallersOf(s, national_account);
      DemoSchool history = s;  // the Seeder works on pupils/guardians
      history.pupils = s.history_pupils;
      history.guardians = s.history_guardians;
      for (size_t k = 0; k < history.pupils.size(); ++k) {
        const bool in_before = k % 4 != 3;
        const bool in_previous = k % 3 != 0;
        if (!(sem == before ? in_before : in_previous)) continue;
        // One application holds from its semester on.
        if (sem == before || !in_before) {
          PUMPURS_RETURN_IF_ERROR(seed.Apply(history, c, k, sem));
        }
        const std::vector<Need>& needs = *kNeeds[k % std::size(kNeeds)];
        PUMPURS_ASSIGN_OR_RETURN(v1::SupportPlan p,
                                 seed.Draft(history, c, k, sem, needs));
        PUMPURS_ASSIGN_OR_RETURN(p, seed.Approved(history, c, p, 3));
        const bool money = needs[0].measure == kTransport[0].measure;
        PUMPURS_RETURN_IF_ERROR(seed.Deliver(c, p, 2 + k % 4,
                                             plans::FirstDay(sem) + 20 + k,
                                             money ? 2000 + 100 * k : 0));
        PUMPURS_ASSIGN_OR_RETURN(
            p, plans::GetSupportPlan(conn, c.teacher, Seeder::IdOf(p)));
        v1::PlanEvaluation e;
        for (const v1::PlanGoal& g : p.goals()) {
          v1::OutcomeEntry* o = e.add_goals();
          o->set_id(g.id());
          o->set_outcome(k % 2 ? v1::OUTCOME_ACHIEVED
                               : v1::OUTCOME_PARTLY_ACHIEVED);
        }
        for (const v1::PlanMeasure& m : p.measures()) {
          v1::OutcomeEntry* o = e.add_measures();
          o->set_id(m.id());
          o->set_outcome(v1::OUTCOME_ACHIEVED);
        }
        e.set_decision(v1::EVALUATION_DECISION_CLOSE);
        e.set_summary("Semestra mērķi sasniegti.");
        PUMPURS_RETURN_IF_ERROR(
            plans::EvaluatePlan(conn, c.teacher, Seeder::IdOf(p), "", e, then)
                .status());
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace pumpurs::demo
