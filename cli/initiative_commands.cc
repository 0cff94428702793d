// pumpurs initiatives calls ...: cli/initiative_call_commands.cc
// pumpurs initiatives create --call=.. [--from_json=FILE] [content flags]
// pumpurs initiatives get NAME
// pumpurs initiatives list [--call=..] [--state=..] [--municipality=..]
// pumpurs initiatives update NAME [--from_json=FILE] [content flags]
//                            [--etag=..]
// pumpurs initiatives submit|start|accept NAME [--etag=..]
// pumpurs initiatives withdraw NAME --reason=.. [--etag=..]
// pumpurs initiatives score NAME [--scores=ID:POINTS,..] [--from_json=FILE]
// pumpurs initiatives report NAME [--from_json=FILE] [--results=..]
//          [--participants=N] [--participants_at_risk=N]
//          [--supervisor_confirmed] [--etag=..]
//
// Content flags: --title, --aims, --group_name, --organisation,
// --organisation_kind, --registration_number, --members,
// --planned_participants, --planned_at_risk; the supervisor, activities and
// budget come from the JSON file.

#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/initiative_format.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, call, "",
          "initiatives create: the call (initiativeCalls/ID or ID); "
          "initiatives list: only its projects");
ABSL_FLAG(std::string, aims, "", "initiatives create, update: the aims");
ABSL_FLAG(std::string, group_name, "",
          "initiatives create, update: the youth initiative group's name");
ABSL_FLAG(std::string, organisation, "",
          "initiatives create, update: the applicant organisation's name");
ABSL_FLAG(std::string, organisation_kind, "",
          "initiatives create, update: youth_organisation, association or "
          "foundation");
ABSL_FLAG(std::vector<std::string>, members, {},
          "initiatives create, update: the pupils in the group, pupils/ID,... "
          "(replaces them all)");
ABSL_FLAG(int, planned_participants, 0,
          "initiatives create, update: participants planned");
ABSL_FLAG(int, planned_at_risk, 0,
          "initiatives create, update: of whom pupils at risk");
ABSL_FLAG(std::string, scores, "",
          "initiatives score: CRITERION_ID:POINTS,... (comments: --from_json "
          "of a pumpurs.v1.ScoreInitiativeRequest)");
ABSL_FLAG(std::string, results, "", "initiatives report: the results");
ABSL_FLAG(int, participants, 0, "initiatives report: participants in total");
ABSL_FLAG(int, participants_at_risk, 0,
          "initiatives report: of whom at risk of leaving school early");
ABSL_FLAG(bool, supervisor_confirmed, false,
          "initiatives report: the supervisor confirms the report is true");
// Defined in cli/kb_commands.cc and cli/main.cc.
ABSL_DECLARE_FLAG(std::string, title);
ABSL_DECLARE_FLAG(std::string, registration_number);

namespace pumpurs::cli {

// cli/initiative_call_commands.cc: "initiatives calls ...".
int InitiativeCalls(const pumpurs::client::Client& client,
                    const std::vector<std::string>& args);

namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

constexpr char kUsage[] =
    "usage: pumpurs initiatives calls create|get|list|update|open|decide ... "
    "(pumpurs initiatives calls for usage)\n"
    "       pumpurs initiatives create --call=.. [--from_json=FILE] "
    "[--title=..] [--aims=..] [--group_name=..] [--organisation=..] "
    "[--organisation_kind=youth_organisation|association|foundation] "
    "[--registration_number=..] [--members=pupils/ID,..] "
    "[--planned_participants=N] [--planned_at_risk=N]\n"
    "       pumpurs initiatives get NAME\n"
    "       pumpurs initiatives list [--call=..] [--state=..] "
    "[--municipality=..]\n"
    "       pumpurs initiatives update NAME [--from_json=FILE] [the create "
    "flags] [--etag=..]\n"
    "       pumpurs initiatives submit|start|accept NAME [--etag=..]\n"
    "       pumpurs initiatives withdraw NAME --reason=.. [--etag=..]\n"
    "       pumpurs initiatives score NAME [--scores=CRITERION_ID:POINTS,..] "
    "[--from_json=FILE]\n"
    "       pumpurs initiatives report NAME [--from_json=FILE] [--results=..] "
    "[--participants=N] [--participants_at_risk=N] [--supervisor_confirmed] "
    "[--etag=..]\n"
    "FILE: protobuf JSON of a pumpurs.v1.Initiative (create, update), "
    "ScoreInitiativeRequest (score) or Report (report); update changes only "
    "the fields the file and the flags name.";

int Usage(absl::string_view message) { return PlanUsage(message, kUsage); }

std::string InitiativeName(absl::string_view name) {
  return FullName("initiatives", name);
}

// The fields UpdateInitiative may change.
const std::set<std::string>& Updatable() {
  static const auto* fields = new std::set<std::string>{
      "organisation",   "group_name", "members",
      "supervisor",     "title",      "aims",
      "activities",     "budget",     "planned_participants",
      "planned_at_risk"};
  return *fields;
}

bool OrganisationFlagGiven() {
  return FlagGiven("organisation") || FlagGiven("organisation_kind") ||
         FlagGiven("registration_number");
}

// Puts the content flags that were given into `i`; adds their fields to
// `mask`. "" or a usage error.
std::string ApplyFlags(v1::Initiative* i, std::set<std::string>* mask) {
  if (FlagGiven("title")) {
    i->set_title(absl::GetFlag(FLAGS_title));
    mask->insert("title");
  }
  if (FlagGiven("aims")) {
    i->set_aims(absl::GetFlag(FLAGS_aims));
    mask->insert("aims");
  }
  if (FlagGiven("group_name")) {
    i->set_group_name(absl::GetFlag(FLAGS_group_name));
    mask->insert("group_name");
  }
  if (FlagGiven("organisation")) {
    i->mutable_organisation()->set_name(absl::GetFlag(FLAGS_organisation));
  }
  if (FlagGiven("registration_number")) {
    i->mutable_organisation()->set_registration_number(
        absl::GetFlag(FLAGS_registration_number));
  }
  if (const std::string kind = absl::GetFlag(FLAGS_organisation_kind);
      !kind.empty()) {
    v1::OrganisationKind parsed;
    if (!ParseEnumWord(kind, &parsed)) {
      return "--organisation_kind must be youth_organisation, association or "
             "foundation";
    }
    i->mutable_organisation()->set_kind(parsed);
  }
  if (OrganisationFlagGiven()) mask->insert("organisation");
  if (FlagGiven("members")) {
    i->clear_members();
    for (const std::string& m : absl::GetFlag(FLAGS_members)) {
      i->add_members(FullName("pupils", m));
    }
    mask->insert("members");
  }
  if (FlagGiven("planned_participants")) {
    i->set_planned_participants(absl::GetFlag(FLAGS_planned_participants));
    mask->insert("planned_participants");
  }
  if (FlagGiven("planned_at_risk")) {
    i->set_planned_at_risk(absl::GetFlag(FLAGS_planned_at_risk));
    mask->insert("planned_at_risk");
  }
  return "";
}

int Create(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("initiatives create takes no NAME");
  v1::CreateInitiativeRequest request;
  v1::Initiative* i = request.mutable_initiative();
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, i); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (FlagGiven("call")) {
    i->set_call(FullName("initiativeCalls", absl::GetFlag(FLAGS_call)));
  }
  std::set<std::string> mask;
  if (std::string error = ApplyFlags(i, &mask); !error.empty()) {
    return Usage(error);
  }
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  absl::StatusOr<v1::Initiative> created = client.CreateInitiative(request);
  return created.ok() ? PrintInitiative(*created) : Fail(created.status());
}

int Update(const Client& client, const Args& args) {
  if (args.size() > 2) return Usage("initiatives update takes one NAME");
  v1::UpdateInitiativeRequest request;
  v1::Initiative* i = request.mutable_initiative();
  std::vector<std::string> present;
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, i, &present); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (args.size() == 2) i->set_name(InitiativeName(args[1]));
  if (i->name().empty()) return Usage("initiatives update needs NAME");
  std::set<std::string> mask;
  for (const std::string& field : present) {
    if (Updatable().count(field) > 0) mask.insert(field);
  }
  // The organisation is replaced whole: a flag that changes one of its
  // fields keeps the others as they are (unless the file gives them).
  if (OrganisationFlagGiven() && mask.count("organisation") == 0) {
    v1::GetInitiativeRequest get;
    get.set_name(i->name());
    absl::StatusOr<v1::Initiative> current = client.GetInitiative(get);
    if (!current.ok()) return Fail(current.status());
    *i->mutable_organisation() = current->organisation();
  }
  if (std::string error = ApplyFlags(i, &mask); !error.empty()) {
    return Usage(error);
  }
  if (FlagGiven("etag")) i->set_etag(absl::GetFlag(FLAGS_etag));
  if (mask.empty()) {
    return Usage(
        "nothing to update: give --from_json with project fields, or flags "
        "such as --title or --members");
  }
  for (const std::string& field : mask) {
    request.mutable_update_mask()->add_paths(field);
  }
  absl::StatusOr<v1::Initiative> updated = client.UpdateInitiative(request);
  return updated.ok() ? PrintInitiative(*updated) : Fail(updated.status());
}

int Get(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("initiatives get needs NAME");
  v1::GetInitiativeRequest request;
  request.set_name(InitiativeName(args[1]));
  absl::StatusOr<v1::Initiative> i = client.GetInitiative(request);
  return i.ok() ? PrintInitiative(*i) : Fail(i.status());
}

int List(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("initiatives list takes no NAME");
  v1::ListInitiativesRequest request;
  request.set_call(FullName("initiativeCalls", absl::GetFlag(FLAGS_call)));
  request.set_municipality(
      FullName("municipalities", absl::GetFlag(FLAGS_municipality)));
  if (const std::string state = absl::GetFlag(FLAGS_state); !state.empty()) {
    v1::InitiativeState parsed;
    if (!ParseEnumWord(state, &parsed)) {
      return Usage(absl::StrCat(
          "unknown --state ", state,
          " (draft, submitted, evaluated, approved, rejected, in_progress, "
          "reported, closed, withdrawn)"));
    }
    request.set_state(parsed);
  }
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListInitiativesResponse all;
  absl::Status status =
      client.ForEachInitiative(request, [&](const v1::Initiative& i) {
        *all.add_initiatives() = i;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  PrintInitiativeTable(all.initiatives());
  return 0;
}

int Score(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("initiatives score needs NAME");
  v1::ScoreInitiativeRequest request;
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, &request); !s.ok()) {
      return Usage(s.message());
    }
  }
  request.set_name(InitiativeName(args[1]));
  std::string error;
  if (!ParseScores(absl::GetFlag(FLAGS_scores), request.mutable_scores(),
                   &error)) {
    return Usage(error);
  }
  if (request.scores().empty()) {
    return Usage("initiatives score needs --scores or --from_json");
  }
  absl::StatusOr<v1::Initiative> i = client.ScoreInitiative(request);
  return i.ok() ? PrintInitiative(*i) : Fail(i.status());
}

int Report(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("initiatives report needs NAME");
  v1::SubmitReportRequest request;
  request.set_name(InitiativeName(args[1]));
  request.set_etag(absl::GetFlag(FLAGS_etag));
  v1::Report* report = request.mutable_report();
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, report); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (FlagGiven("results")) report->set_results(absl::GetFlag(FLAGS_results));
  if (FlagGiven("participants")) {
    report->set_participants(absl::GetFlag(FLAGS_participants));
  }
  if (FlagGiven("participants_at_risk")) {
    report->set_participants_at_risk(absl::GetFlag(FLAGS_participants_at_risk));
  }
  if (FlagGiven("supervisor_confirmed")) {
    report->set_supervisor_confirmed(absl::GetFlag(FLAGS_supervisor_confirmed));
  }
  absl::StatusOr<v1::Initiative> i = client.SubmitReport(request);
  return i.ok() ? PrintInitiative(*i) : Fail(i.status());
}

// The actions that take only the name, the etag and perhaps a reason.
int Action(const Client& client, const Args& args) {
  const std::string& verb = args[0];
  static const auto* verbs =
      new std::set<std::string>{"submit", "withdraw", "start", "accept"};
  if (verbs->count(verb) == 0) {
    return Usage(absl::StrCat("unknown initiatives command: ", verb));
  }
  if (args.size() != 2) {
    return Usage(absl::StrCat("initiatives ", verb, " needs NAME"));
  }
  const std::string name = InitiativeName(args[1]);
  const std::string etag = absl::GetFlag(FLAGS_etag);
  absl::StatusOr<v1::Initiative> i;
  if (verb == "submit") {
    v1::SubmitInitiativeRequest r;
    r.set_name(name);
    r.set_etag(etag);
    i = client.SubmitInitiative(r);
  } else if (verb == "withdraw") {
    v1::WithdrawInitiativeRequest r;
    r.set_name(name);
    r.set_etag(etag);
    r.set_reason(absl::GetFlag(FLAGS_reason));
    i = client.WithdrawInitiative(r);
  } else if (verb == "start") {
    v1::StartInitiativeRequest r;
    r.set_name(name);
    r.set_etag(etag);
    i = client.StartInitiative(r);
  } else {
    v1::AcceptReportRequest r;
    r.set_name(name);
    r.set_etag(etag);
    i = client.AcceptReport(r);
  }
  return i.ok() ? PrintInitiativeState(*i) : Fail(i.status());
}

int Initiatives(const Client& client, const Args& args) {
  if (args.empty()) return Usage("initiatives: which command?");
  const std::string& verb = args[0];
  if (verb == "calls") return InitiativeCalls(client, args);
  if (verb == "create") return Create(client, args);
  if (verb == "update") return Update(client, args);
  if (verb == "get") return Get(client, args);
  if (verb == "list") return List(client, args);
  if (verb == "score") return Score(client, args);
  if (verb == "report") return Report(client, args);
  return Action(client, args);
}

}  // namespace

Command InitiativesCommand() { return {"initiatives", Initiatives}; }

}  // namespace pumpurs::cli
