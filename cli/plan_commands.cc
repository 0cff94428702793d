// pumpurs plans create --pupil=.. --semester=YEAR-TERM [--preparer=..]
//                      [--problem=..] [--from_json=FILE]
// pumpurs plans get NAME | history NAME | suggest NAME [--locale=..]
// pumpurs plans list [--institution=..] [--pupil=..] [--preparer=..]
//                    [--state=..] [--semester=..] [--municipality=..]
// pumpurs plans update NAME [--from_json=FILE] [--preparer=..]
//                      [--problem=..] [--etag=..]
// pumpurs plans submit|approve|reject|start|suspend|resume|revise|delete
//                      NAME [--etag=..] [--comment=..] [--reason=..]
// pumpurs plans evaluate NAME --decision=close|continue [--outcome=..]
//                        [--summary=..] [--from_json=FILE]
// pumpurs plans acknowledge NAME [--comment=..]
// pumpurs plans deliveries ... | hours ...: cli/delivery_commands.cc

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, problem, "",
          "plans create, update: the description of the problems and the "
          "support needed");
ABSL_FLAG(std::string, decision, "",
          "plans evaluate: close or continue (into a new draft for the next "
          "semester)");
ABSL_FLAG(std::string, outcome, "",
          "plans evaluate: the outcome (achieved, partly_achieved, "
          "not_achieved) of every goal and measure --from_json does not "
          "evaluate");
ABSL_FLAG(int, max_results, 0, "plans suggest: at most this many (0: 10)");
// Defined in cli/kb_commands.cc ("plans evaluate": the summary).
ABSL_DECLARE_FLAG(std::string, summary);
// Defined in cli/commands.cc.
ABSL_DECLARE_FLAG(std::string, locale);

namespace pumpurs::cli {

// cli/delivery_commands.cc: "plans deliveries ..." and "plans hours".
int PlanDeliveries(const pumpurs::client::Client& client,
                   const std::vector<std::string>& args);
int PlanHours(const pumpurs::client::Client& client,
              const std::vector<std::string>& args);

namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

constexpr char kUsage[] =
    "usage: pumpurs plans create --pupil=.. --semester=YEAR-TERM "
    "[--preparer=..] [--problem=..] [--from_json=FILE]\n"
    "       pumpurs plans get NAME | history NAME | suggest NAME "
    "[--locale=lv|en] [--max_results=N]\n"
    "       pumpurs plans list [--institution=..] [--pupil=..] "
    "[--preparer=..] [--state=..] [--semester=..] [--municipality=..]\n"
    "       pumpurs plans update NAME [--from_json=FILE] [--preparer=..] "
    "[--problem=..] [--etag=..]\n"
    "       pumpurs plans submit|start|resume|delete NAME [--etag=..]\n"
    "       pumpurs plans approve NAME [--comment=..] [--etag=..]\n"
    "       pumpurs plans reject NAME --comment=REASON [--etag=..]\n"
    "       pumpurs plans suspend NAME --reason=.. [--etag=..]\n"
    "       pumpurs plans revise NAME [--reason=..] [--etag=..]\n"
    "       pumpurs plans evaluate NAME --decision=close|continue "
    "[--outcome=achieved|partly_achieved|not_achieved] [--summary=..] "
    "[--from_json=FILE] [--etag=..]\n"
    "       pumpurs plans acknowledge NAME [--comment=..]\n"
    "       pumpurs plans deliveries record|list ... (pumpurs plans "
    "deliveries for usage)\n"
    "       pumpurs plans hours --institution=.. --start_month=YYYY-MM "
    "[--end_month=YYYY-MM] [--provider=..]\n"
    "FILE: protobuf JSON (e.g. from pumpurs --json plans get); update "
    "changes only the fields the file and the flags name.";

int Usage(absl::string_view message) { return PlanUsage(message, kUsage); }

std::string PlanName(absl::string_view name) {
  return FullName("supportPlans", name);
}

// The fields UpdateSupportPlan may change.
const std::set<std::string>& Updatable() {
  static const auto* fields = new std::set<std::string>{
      "preparer", "problem_description", "risks", "goals", "measures"};
  return *fields;
}

int Create(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("plans create takes no NAME");
  v1::CreateSupportPlanRequest request;
  v1::SupportPlan* plan = request.mutable_support_plan();
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, plan); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (FlagGiven("pupil")) {
    plan->set_pupil(FullName("pupils", absl::GetFlag(FLAGS_pupil)));
  }
  if (FlagGiven("semester") &&
      !ParseSemester(absl::GetFlag(FLAGS_semester), plan->mutable_semester())) {
    return Usage("--semester must be YEAR-TERM, e.g. 2026-1");
  }
  if (FlagGiven("preparer")) {
    plan->set_preparer(FullName("staff", absl::GetFlag(FLAGS_preparer)));
  }
  if (FlagGiven("problem")) {
    plan->set_problem_description(absl::GetFlag(FLAGS_problem));
  }
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  absl::StatusOr<v1::SupportPlan> created = client.CreateSupportPlan(request);
  return created.ok() ? PrintPlan(*created) : Fail(created.status());
}

int Update(const Client& client, const Args& args) {
  if (args.size() > 2) return Usage("plans update takes one NAME");
  v1::UpdateSupportPlanRequest request;
  v1::SupportPlan* plan = request.mutable_support_plan();
  std::vector<std::string> present;
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, plan, &present); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (args.size() == 2) plan->set_name(PlanName(args[1]));
  if (plan->name().empty()) return Usage("plans update needs NAME");
  std::set<std::string> mask;
  for (const std::string& field : present) {
    if (Updatable().count(field) > 0) mask.insert(field);
  }
  if (FlagGiven("preparer")) {
    plan->set_preparer(FullName("staff", absl::GetFlag(FLAGS_preparer)));
    mask.insert("preparer");
  }
  if (FlagGiven("problem")) {
    plan->set_problem_description(absl::GetFlag(FLAGS_problem));
    mask.insert("problem_description");
  }
  // --etag wins; else the etag of the file (as `plans get --json` wrote
  // it), so an edited copy does not overwrite a newer version.
  if (FlagGiven("etag")) plan->set_etag(absl::GetFlag(FLAGS_etag));
  if (mask.empty()) {
    return Usage(
        "nothing to update: give --from_json with preparer, "
        "problemDescription, risks, goals or measures, or --preparer or "
        "--problem");
  }
  for (const std::string& field : mask)
    request.mutable_update_mask()->add_paths(field);
  absl::StatusOr<v1::SupportPlan> updated = client.UpdateSupportPlan(request);
  return updated.ok() ? PrintPlan(*updated) : Fail(updated.status());
}

int Get(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("plans get needs NAME");
  v1::GetSupportPlanRequest request;
  request.set_name(PlanName(args[1]));
  absl::StatusOr<v1::SupportPlan> plan = client.GetSupportPlan(request);
  return plan.ok() ? PrintPlan(*plan) : Fail(plan.status());
}

int List(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("plans list takes no NAME");
  v1::ListSupportPlansRequest request;
  request.set_institution(
      FullName("institutions", absl::GetFlag(FLAGS_institution)));
  request.set_pupil(FullName("pupils", absl::GetFlag(FLAGS_pupil)));
  request.set_preparer(FullName("staff", absl::GetFlag(FLAGS_preparer)));
  request.set_municipality(
      FullName("municipalities", absl::GetFlag(FLAGS_municipality)));
  if (const std::string state = absl::GetFlag(FLAGS_state); !state.empty()) {
    v1::PlanState parsed;
    if (!ParseEnumWord(state, &parsed)) {
      return Usage(absl::StrCat("unknown --state ", state));
    }
    request.set_state(parsed);
  }
  if (const std::string s = absl::GetFlag(FLAGS_semester);
      !s.empty() && !ParseSemester(s, request.mutable_semester())) {
    return Usage("--semester must be YEAR-TERM, e.g. 2026-1");
  }
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListSupportPlansResponse all;
  absl::Status status =
      client.ForEachSupportPlan(request, [&](const v1::SupportPlan& p) {
        *all.add_support_plans() = p;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"NAME", "PUPIL", "SEMESTER", "STATE", "PREPARER", "UPDATED"});
  for (const v1::SupportPlan& p : all.support_plans()) {
    table.AddRow({p.name(), p.pupil(), SemesterText(p.semester()),
                  EnumWord(p.state()), p.preparer(),
                  TimeText(p.update_time())});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int History(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("plans history needs NAME");
  v1::GetSupportPlanHistoryRequest request;
  request.set_name(PlanName(args[1]));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::GetSupportPlanHistoryResponse all;
  absl::Status status =
      client.ForEachPlanRevision(request, [&](const v1::PlanRevision& r) {
        *all.add_revisions() = r;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"#", "TIME", "ACTOR", "ACTION", "STATE", "FIELDS"});
  for (const v1::PlanRevision& r : all.revisions()) {
    table.AddRow({absl::StrCat(r.number()), TimeText(r.time()), r.actor(),
                  r.action(), EnumWord(r.state()),
                  absl::StrJoin(r.changed_fields(), ",")});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int Suggest(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("plans suggest needs NAME");
  v1::SuggestMeasuresRequest request;
  request.set_name(PlanName(args[1]));
  request.set_locale(absl::GetFlag(FLAGS_locale));
  request.set_max_results(absl::GetFlag(FLAGS_max_results));
  absl::StatusOr<v1::SuggestMeasuresResponse> response =
      client.SuggestMeasures(request);
  if (!response.ok()) return Fail(response.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*response);
  Table table(
      {"RANK", "MEASURE TYPE", "POINTS", "ADDRESSES", "IN PLAN", "TITLE"});
  for (const v1::MeasureSuggestion& s : response->suggestions()) {
    table.AddRow(
        {absl::StrCat(s.recommendation().rank()), s.measure().measure_type(),
         absl::StrCat(s.recommendation().total_points()),
         absl::StrJoin(s.measure().addresses(), ","),
         s.already_in_plan() ? "yes" : "", s.recommendation().title()});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int Evaluate(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("plans evaluate needs NAME");
  v1::EvaluateSupportPlanRequest request;
  request.set_name(PlanName(args[1]));
  request.set_etag(absl::GetFlag(FLAGS_etag));
  v1::PlanEvaluation* evaluation = request.mutable_evaluation();
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, evaluation); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (const std::string d = absl::GetFlag(FLAGS_decision); !d.empty()) {
    v1::EvaluationDecision decision;
    if (!ParseEnumWord(d, &decision)) {
      return Usage("--decision must be close or continue");
    }
    evaluation->set_decision(decision);
  }
  if (FlagGiven("summary"))
    evaluation->set_summary(absl::GetFlag(FLAGS_summary));
  if (const std::string o = absl::GetFlag(FLAGS_outcome); !o.empty()) {
    v1::Outcome outcome;
    if (!ParseEnumWord(o, &outcome)) {
      return Usage(
          "--outcome must be achieved, partly_achieved or not_achieved");
    }
    v1::GetSupportPlanRequest get;
    get.set_name(request.name());
    absl::StatusOr<v1::SupportPlan> plan = client.GetSupportPlan(get);
    if (!plan.ok()) return Fail(plan.status());
    auto fill = [outcome](auto* entries, const auto& items) {
      std::set<std::string> done;
      for (const v1::OutcomeEntry& e : *entries) done.insert(e.id());
      for (const auto& item : items) {
        if (done.count(item.id()) > 0) continue;
        v1::OutcomeEntry* e = entries->Add();
        e->set_id(item.id());
        e->set_outcome(outcome);
      }
    };
    fill(evaluation->mutable_goals(), plan->goals());
    fill(evaluation->mutable_measures(), plan->measures());
  }
  absl::StatusOr<v1::SupportPlan> plan = client.EvaluateSupportPlan(request);
  return plan.ok() ? PrintPlanState(*plan) : Fail(plan.status());
}

// The actions that take only the name, the etag and a comment or reason.
int Action(const Client& client, const Args& args) {
  const std::string& verb = args[0];
  static const auto* verbs = new std::set<std::string>{
      "submit", "approve", "reject", "start",      "suspend",
      "resume", "revise",  "delete", "acknowledge"};
  if (verbs->count(verb) == 0) {
    return Usage(absl::StrCat("unknown plans command: ", verb));
  }
  if (args.size() != 2)
    return Usage(absl::StrCat("plans ", verb, " needs NAME"));
  const std::string name = PlanName(args[1]);
  const std::string etag = absl::GetFlag(FLAGS_etag);
  const std::string comment = absl::GetFlag(FLAGS_comment);
  const std::string reason = absl::GetFlag(FLAGS_reason);
  absl::StatusOr<v1::SupportPlan> plan;
  if (verb == "submit") {
    v1::SubmitSupportPlanRequest r;
    r.set_name(name);
    r.set_etag(etag);
    plan = client.SubmitSupportPlan(r);
  } else if (verb == "approve") {
    v1::ApproveSupportPlanRequest r;
    r.set_name(name);
    r.set_etag(etag);
    r.set_comment(comment);
    plan = client.ApproveSupportPlan(r);
  } else if (verb == "reject") {
    v1::RejectSupportPlanRequest r;
    r.set_name(name);
    r.set_etag(etag);
    r.set_comment(comment);
    plan = client.RejectSupportPlan(r);
  } else if (verb == "start") {
    v1::StartSupportPlanRequest r;
    r.set_name(name);
    r.set_etag(etag);
    plan = client.StartSupportPlan(r);
  } else if (verb == "suspend") {
    v1::SuspendSupportPlanRequest r;
    r.set_name(name);
    r.set_etag(etag);
    r.set_reason(reason);
    plan = client.SuspendSupportPlan(r);
  } else if (verb == "resume") {
    v1::ResumeSupportPlanRequest r;
    r.set_name(name);
    r.set_etag(etag);
    plan = client.ResumeSupportPlan(r);
  } else if (verb == "revise") {
    v1::ReviseSupportPlanRequest r;
    r.set_name(name);
    r.set_etag(etag);
    r.set_reason(reason);
    plan = client.ReviseSupportPlan(r);
  } else if (verb == "delete") {
    v1::DeleteSupportPlanRequest r;
    r.set_name(name);
    r.set_etag(etag);
    plan = client.DeleteSupportPlan(r);
  } else if (verb == "acknowledge") {
    v1::AcknowledgeSupportPlanRequest r;
    r.set_name(name);
    r.set_comment(comment);
    plan = client.AcknowledgeSupportPlan(r);
  } else {
    return Usage(absl::StrCat("unknown plans command: ", verb));
  }
  return plan.ok() ? PrintPlanState(*plan) : Fail(plan.status());
}

int Plans(const Client& client, const Args& args) {
  if (args.empty()) return Usage("plans: which command?");
  const std::string& verb = args[0];
  if (verb == "create") return Create(client, args);
  if (verb == "update") return Update(client, args);
  if (verb == "get") return Get(client, args);
  if (verb == "list") return List(client, args);
  if (verb == "history") return History(client, args);
  if (verb == "suggest") return Suggest(client, args);
  if (verb == "evaluate") return Evaluate(client, args);
  if (verb == "deliveries") return PlanDeliveries(client, args);
  if (verb == "hours") return PlanHours(client, args);
  return Action(client, args);
}

}  // namespace

Command PlansCommand() { return {"plans", Plans}; }

}  // namespace pumpurs::cli
