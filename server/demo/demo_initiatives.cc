#include "server/demo/demo_initiatives.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "pumpurs/v1/youth_initiative.pb.h"
#include "server/common/call_context.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/initiatives/calls.h"
#include "server/initiatives/evaluation.h"
#include "server/initiatives/progress.h"
#include "server/initiatives/projects.h"
#include "server/plans/semester.h"

namespace pumpurs::demo {
namespace {

namespace v1 = ::pumpurs::v1;
using storage::Connection;

CallContext Caller(const std::string& account, std::vector<RoleBinding> roles) {
  CallContext call;
  call.caller_id = "accounts/" + account;
  call.principal.account_id = account;
  call.principal.roles = std::move(roles);
  return call;
}

std::string IdOf(const std::string& name) {
  return name.substr(name.find('/') + 1);
}

class Seeder {
 public:
  Seeder(Connection& conn, const InitiativeAccounts& a, absl::Time now)
      : conn_(conn),
        now_(now),
        today_(plans::DayInLatvia(now)),
        applicant_(Caller(a.applicant, {})),
        other_(Caller(a.other_applicant, {})),
        evaluator1_(Caller(a.evaluator1, {})),
        evaluator2_(Caller(a.evaluator2, {})),
        evaluators_{ResourceName("accounts", a.evaluator1),
                    ResourceName("accounts", a.evaluator2)} {}

  // The time `days` from now (negative: ago).
  absl::Time At(int days) const { return now_ + absl::Hours(24) * days; }
  absl::CivilDay Day(int days) const { return today_ + days; }

  // An open call of `coordinator`'s municipality, applications from
  // `start` to `end` days from today, created a week before it starts.
  absl::StatusOr<v1::Call> OpenCall(const CallContext& coordinator,
                                    const std::string& municipality,
                                    const std::string& title, int start,
                                    int end, int max_projects, bool open) {
    v1::Call c;
    c.set_owner(ResourceName("municipalities", municipality));
    c.set_title(title);
    c.set_rules(
        "Projektus iesniedz jaunatnes organizācijas vai biedrības ar jauniešu "
        "iniciatīvu grupu. Finansējums: vienreizējs maksājums. Vismaz "
        "trešdaļai "
        "dalībnieku jābūt jauniešiem ar priekšlaicīgas mācību pārtraukšanas "
        "risku.");
    c.set_application_start(plans::FormatDay(Day(start)));
    c.set_application_end(plans::FormatDay(Day(end)));
    c.set_max_projects(max_projects);
    c.set_min_at_risk_percent(30);
    for (auto [title_text, points] :
         {std::pair<const char*, int>{"Atbilstība konkursa mērķiem", 10},
          {"Riska jauniešu iesaiste", 20},
          {"Plāna un budžeta pamatotība", 10}}) {
      v1::Criterion* k = c.add_criteria();
      k->set_title(title_text);
      k->set_max_points(points);
    }
    for (const std::string& e : evaluators_) c.add_evaluators(e);
    const absl::Time created = At(start - 7);
    PUMPURS_ASSIGN_OR_RETURN(
        v1::Call made,
        initiatives::CreateCall(conn_, coordinator, c, "", created));
    if (!open) return made;
    return initiatives::OpenCall(conn_, coordinator, IdOf(made.name()), "",
                                 created);
  }

  // A complete project under `call` by `owner`, with `member` (a pupil id,
  // or "") in its group; submitted the day after the call opened if
  // `submit`.
  absl::StatusOr<v1::Initiative> Project(const v1::Call& call,
                                         const CallContext& owner,
                                         const std::string& title,
                                         const std::string& member, int opened,
                                         bool submit) {
    v1::Initiative in;
    in.set_call(call.name());
    in.mutable_organisation()->set_name(&owner == &applicant_
                                            ? "Jauniešu klubs \"Ābele\""
                                            : "Biedrība \"Ceriņu jaunieši\"");
    in.mutable_organisation()->set_registration_number(
        &owner == &applicant_ ? "40008123456" : "40008654321");
    in.mutable_organisation()->set_kind(
        &owner == &applicant_ ? v1::ORGANISATION_KIND_YOUTH_ORGANISATION
                              : v1::ORGANISATION_KIND_ASSOCIATION);
    in.set_group_name("Iniciatīvas grupa");
    if (!member.empty()) in.add_members(ResourceName("pupils", member));
    in.mutable_supervisor()->set_given_name("Laura");
    in.mutable_supervisor()->set_family_name("Kļaviņa");
    in.set_title(title);
    in.set_aims(
        "Iesaistīt jauniešus kopīgās aktivitātēs ar vienaudžu "
        "mentoriem, lai stiprinātu piederību skolai.");
    v1::Activity* a = in.add_activities();
    a->set_title("Nodarbības reizi nedēļā");
    a->set_start_date(plans::FormatDay(Day(opened + 30)));
    a->set_end_date(plans::FormatDay(Day(opened + 300)));
    v1::BudgetLine* b1 = in.add_budget();
    b1->set_item("Materiāli un inventārs");
    b1->set_amount_cents(260000);
    v1::BudgetLine* b2 = in.add_budget();
    b2->set_item("Telpu īre un transports");
    b2->set_amount_cents(200000);
    in.set_planned_participants(24);
    in.set_planned_at_risk(10);
    PUMPURS_ASSIGN_OR_RETURN(
        v1::Initiative made,
        initiatives::CreateInitiative(conn_, owner, in, "", At(opened)));
    if (!submit) return made;
    return initiatives::SubmitInitiative(conn_, owner, IdOf(made.name()), "",
                                         At(opened + 1));
  }

  // Both evaluators score `project` with `points` per criterion (capped at
  // each criterion's maximum) `days` from today.
  absl::Status Score(const v1::Call& call, const v1::Initiative& project,
                     int points, int days) {
    for (const CallContext* e : {&evaluator1_, &evaluator2_}) {
      google::protobuf::RepeatedPtrField<v1::CriterionScore> scores;
      for (const v1::Criterion& k : call.criteria()) {
        v1::CriterionScore* s = scores.Add();
        s->set_criterion(k.id());
        s->set_points(std::min(points, k.max_points()));
        s->set_comment("Pamatots pieteikums.");
      }
      PUMPURS_RETURN_IF_ERROR(initiatives::ScoreInitiative(conn_, *e,
                                                           IdOf(project.name()),
                                                           scores, At(days))
                                  .status());
    }
    return absl::OkStatus();
  }

  v1::Report ReportOf() const {
    v1::Report r;
    v1::Activity* a = r.add_activities_held();
    a->set_title("Nodarbības reizi nedēļā");
    a->set_start_date(plans::FormatDay(Day(-160)));
    a->set_end_date(plans::FormatDay(Day(-20)));
    r.set_participants(22);
    r.set_participants_at_risk(9);
    for (auto [age, count] :
         {std::pair<int, int>{13, 6}, {14, 8}, {15, 5}, {16, 3}}) {
      v1::AgeCount* c = r.add_ages();
      c->set_age(age);
      c->set_count(count);
    }
    r.set_results("Notikušas 20 nodarbības; 18 dalībnieki turpina mācības.");
    r.set_supervisor_confirmed(true);
    return r;
  }

  Connection& conn_;
  absl::Time now_;
  absl::CivilDay today_;
  CallContext applicant_, other_, evaluator1_, evaluator2_;
  std::vector<std::string> evaluators_;
};

}  // namespace

absl::Status SeedInitiatives(Connection& conn,
                             const InitiativeAccounts& accounts,
                             const std::vector<std::string>& municipality_ids,
                             const std::vector<std::string>& coordinators,
                             const std::vector<DemoSchool>& schools,
                             absl::Time now) {
  if (municipality_ids.size() < 2 || schools.size() < 4) {
    return absl::OkStatus();
  }
  Seeder s(conn, accounts, now);
  const CallContext north = Caller(
      coordinators[0], {{Role::kMunicipalityCoordinator, municipality_ids[0]}});
  const CallContext south = Caller(
      coordinators[1], {{Role::kMunicipalityCoordinator, municipality_ids[1]}});

  {  // Open for applications.
    PUMPURS_ASSIGN_OR_RETURN(
        v1::Call c, s.OpenCall(north, municipality_ids[0],
                               "Ābeļu novada jauniešu iniciatīvas 2026/2027",
                               -20, 40, 3, true));
    PUMPURS_RETURN_IF_ERROR(s.Project(c, s.applicant_, "Skolas radio",
                                      schools[0].pupils[1], -10, false)
                                .status());
    PUMPURS_RETURN_IF_ERROR(s.Project(c, s.other_, "Jauniešu kafejnīca",
                                      schools[1].pupils[0], -12, true)
                                .status());
    PUMPURS_ASSIGN_OR_RETURN(
        v1::Initiative gone,
        s.Project(c, s.applicant_, "Pārgājienu klubs", "", -15, true));
    PUMPURS_RETURN_IF_ERROR(
        initiatives::WithdrawInitiative(conn, s.applicant_, IdOf(gone.name()),
                                        "Grupa apvienojas ar citu projektu.",
                                        "", s.At(-5))
            .status());
  }
  {  // Applications closed: waiting for scores and the decision.
    PUMPURS_ASSIGN_OR_RETURN(
        v1::Call c, s.OpenCall(north, municipality_ids[0],
                               "Vasaras iniciatīvas 2026", -90, -30, 2, true));
    const std::pair<const char*, std::string> kProjects[] = {
        {"Robotikas pulciņš", schools[0].pupils[0]},
        {"Sporta vakari", ""},
        {"Teātra studija", schools[1].pupils[1]},
    };
    int day = -80;
    for (const auto& [title, member] : kProjects) {
      PUMPURS_RETURN_IF_ERROR(s.Project(c,
                                        day % 2 == 0 ? s.applicant_ : s.other_,
                                        title, member, day, true)
                                  .status());
      day += 3;
    }
    PUMPURS_ASSIGN_OR_RETURN(
        v1::Initiative scored,
        s.Project(c, s.other_, "Mūzikas darbnīca", "", -60, true));
    PUMPURS_RETURN_IF_ERROR(s.Score(c, scored, 6, -20));
  }
  {  // Decided half a year ago: every later state.
    PUMPURS_ASSIGN_OR_RETURN(
        v1::Call c, s.OpenCall(south, municipality_ids[1],
                               "Ceriņu novada iniciatīvas 2026 pavasaris", -200,
                               -170, 4, true));
    const std::pair<const char*, int> kProjects[] = {{"Vienaudžu mentori", 9},
                                                     {"Dārza projekts", 8},
                                                     {"Foto pulciņš", 7},
                                                     {"Velo darbnīca", 6},
                                                     {"Galda spēļu klubs", 3}};
    std::vector<v1::Initiative> made;
    int day = -198;
    for (const auto& [title, points] : kProjects) {
      PUMPURS_ASSIGN_OR_RETURN(
          v1::Initiative p,
          s.Project(c, s.other_, title,
                    made.empty() ? schools[3].pupils[0] : "", day, true));
      made.push_back(p);
      day += 2;
    }
    for (size_t k = 0; k < made.size(); ++k) {
      PUMPURS_RETURN_IF_ERROR(s.Score(c, made[k], kProjects[k].second, -165));
    }
    PUMPURS_RETURN_IF_ERROR(
        initiatives::DecideCall(conn, south, IdOf(c.name()), "",
                                "Finansējums četriem labākajiem.", s.At(-160))
            .status());
    // Best first: made[0] closed, [1] reported, [2] in progress,
    // [3] approved, [4] rejected.
    for (size_t k = 0; k < 3; ++k) {
      PUMPURS_RETURN_IF_ERROR(initiatives::StartInitiative(conn, s.other_,
                                                           IdOf(made[k].name()),
                                                           "", s.At(-150))
                                  .status());
    }
    for (size_t k = 0; k < 2; ++k) {
      PUMPURS_RETURN_IF_ERROR(
          initiatives::SubmitReport(conn, s.other_, IdOf(made[k].name()), "",
                                    s.ReportOf(), s.At(-10))
              .status());
    }
    PUMPURS_RETURN_IF_ERROR(initiatives::AcceptReport(
                                conn, south, IdOf(made[0].name()), "", s.At(-5))
                                .status());
  }
  {  // Being prepared.
    PUMPURS_RETURN_IF_ERROR(s.OpenCall(south, municipality_ids[1],
                                       "Ceriņu novada rudens iniciatīvas", 30,
                                       60, 3, false)
                                .status());
  }
  return absl::OkStatus();
}

}  // namespace pumpurs::demo
