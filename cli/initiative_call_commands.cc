// pumpurs initiatives calls create --owner=.. [--title=..] [--rules=..]
//          [--application_start=..] [--application_end=..]
//          [--lump_sum_cents=..] [--max_projects=..] [--criteria=..]
//          [--min_at_risk_percent=..] [--evaluators=..] [--from_json=FILE]
// pumpurs initiatives calls get NAME
// pumpurs initiatives calls list [--owner=..] [--state=..]
// pumpurs initiatives calls update NAME [the create flags] [--etag=..]
// pumpurs initiatives calls open NAME [--etag=..]
// pumpurs initiatives calls decide NAME [--comment=..] [--etag=..]
//
// Called by the "initiatives" command group (cli/initiative_commands.cc).

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/initiative_format.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, owner, "",
          "initiatives calls create: the owner (municipalities/ID, or "
          "institutions/ID of a state vocational school); calls list: only "
          "this owner's calls");
ABSL_FLAG(std::string, rules, "", "initiatives calls: the call's rules");
ABSL_FLAG(std::string, application_start, "",
          "initiatives calls: the first day of applications (YYYY-MM-DD)");
ABSL_FLAG(std::string, application_end, "",
          "initiatives calls: the last day of applications (YYYY-MM-DD)");
ABSL_FLAG(int64_t, lump_sum_cents, 0,
          "initiatives calls: the lump sum per project in euro cents (default "
          "EUR 4,600)");
ABSL_FLAG(int, max_projects, 0,
          "initiatives calls: how many projects the call can fund");
ABSL_FLAG(int, min_at_risk_percent, 0,
          "initiatives calls: the recommended minimum share of participants "
          "at risk, in percent");
ABSL_FLAG(std::string, criteria, "",
          "initiatives calls: the evaluation criteria, "
          "TITLE:MAX_POINTS;TITLE:MAX_POINTS (replaces them all)");
ABSL_FLAG(std::vector<std::string>, evaluators, {},
          "initiatives calls: the evaluators, accounts/ID,... (replaces them "
          "all)");
// Defined in cli/kb_commands.cc.
ABSL_DECLARE_FLAG(std::string, title);

namespace pumpurs::cli {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

namespace {

constexpr char kUsage[] =
    "usage: pumpurs initiatives calls create --owner=municipalities/ID "
    "[--title=..] [--rules=..] [--application_start=YYYY-MM-DD] "
    "[--application_end=YYYY-MM-DD] [--lump_sum_cents=N] [--max_projects=N] "
    "[--criteria=TITLE:MAX;..] [--min_at_risk_percent=N] "
    "[--evaluators=accounts/ID,..] [--from_json=FILE]\n"
    "       pumpurs initiatives calls get NAME\n"
    "       pumpurs initiatives calls list [--owner=..] "
    "[--state=draft|open|decided]\n"
    "       pumpurs initiatives calls update NAME [--from_json=FILE] "
    "[the create flags] [--etag=..]\n"
    "       pumpurs initiatives calls open NAME [--etag=..]\n"
    "       pumpurs initiatives calls decide NAME [--comment=..] [--etag=..]\n"
    "FILE: protobuf JSON of a pumpurs.v1.Call (e.g. from pumpurs --json "
    "initiatives calls get); update changes only the fields the file and "
    "the flags name.";

int Usage(absl::string_view message) { return PlanUsage(message, kUsage); }

std::string CallName(absl::string_view name) {
  return FullName("initiativeCalls", name);
}

// The fields UpdateCall may change.
const std::set<std::string>& Updatable() {
  static const auto* fields = new std::set<std::string>{"title",
                                                        "rules",
                                                        "application_start",
                                                        "application_end",
                                                        "lump_sum_cents",
                                                        "max_projects",
                                                        "criteria",
                                                        "min_at_risk_percent",
                                                        "evaluators"};
  return *fields;
}

// Puts the flags that were given into `call`; adds their fields to `mask`.
// "" or a usage error.
std::string ApplyFlags(v1::Call* call, std::set<std::string>* mask) {
  if (FlagGiven("title")) {
    call->set_title(absl::GetFlag(FLAGS_title));
    mask->insert("title");
  }
  if (FlagGiven("rules")) {
    call->set_rules(absl::GetFlag(FLAGS_rules));
    mask->insert("rules");
  }
  if (FlagGiven("application_start")) {
    call->set_application_start(absl::GetFlag(FLAGS_application_start));
    mask->insert("application_start");
  }
  if (FlagGiven("application_end")) {
    call->set_application_end(absl::GetFlag(FLAGS_application_end));
    mask->insert("application_end");
  }
  if (FlagGiven("lump_sum_cents")) {
    call->set_lump_sum_cents(absl::GetFlag(FLAGS_lump_sum_cents));
    mask->insert("lump_sum_cents");
  }
  if (FlagGiven("max_projects")) {
    call->set_max_projects(absl::GetFlag(FLAGS_max_projects));
    mask->insert("max_projects");
  }
  if (FlagGiven("min_at_risk_percent")) {
    call->set_min_at_risk_percent(absl::GetFlag(FLAGS_min_at_risk_percent));
    mask->insert("min_at_risk_percent");
  }
  if (FlagGiven("criteria")) {
    std::string error;
    if (!ParseCriteria(absl::GetFlag(FLAGS_criteria), call->mutable_criteria(),
                       &error)) {
      return error;
    }
    mask->insert("criteria");
  }
  if (FlagGiven("evaluators")) {
    call->clear_evaluators();
    for (const std::string& e : absl::GetFlag(FLAGS_evaluators)) {
      call->add_evaluators(FullName("accounts", e));
    }
    mask->insert("evaluators");
  }
  return "";
}

int Create(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("initiatives calls create takes no NAME");
  v1::CreateCallRequest request;
  v1::Call* call = request.mutable_call();
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, call); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (FlagGiven("owner")) call->set_owner(absl::GetFlag(FLAGS_owner));
  std::set<std::string> mask;
  if (std::string error = ApplyFlags(call, &mask); !error.empty()) {
    return Usage(error);
  }
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  absl::StatusOr<v1::Call> created = client.CreateCall(request);
  return created.ok() ? PrintCall(*created) : Fail(created.status());
}

int Update(const Client& client, const Args& args) {
  if (args.size() > 3) return Usage("initiatives calls update takes one NAME");
  v1::UpdateCallRequest request;
  v1::Call* call = request.mutable_call();
  std::vector<std::string> present;
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, call, &present); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (args.size() == 3) call->set_name(CallName(args[2]));
  if (call->name().empty()) return Usage("initiatives calls update needs NAME");
  std::set<std::string> mask;
  for (const std::string& field : present) {
    if (Updatable().count(field) > 0) mask.insert(field);
  }
  if (std::string error = ApplyFlags(call, &mask); !error.empty()) {
    return Usage(error);
  }
  // --etag wins; else the etag of the file, so an edited copy does not
  // overwrite a newer version.
  if (FlagGiven("etag")) call->set_etag(absl::GetFlag(FLAGS_etag));
  if (mask.empty()) {
    return Usage(
        "nothing to update: give --from_json with call fields, or flags "
        "such as --title or --evaluators");
  }
  for (const std::string& field : mask) {
    request.mutable_update_mask()->add_paths(field);
  }
  absl::StatusOr<v1::Call> updated = client.UpdateCall(request);
  return updated.ok() ? PrintCall(*updated) : Fail(updated.status());
}

int Get(const Client& client, const Args& args) {
  if (args.size() != 3) return Usage("initiatives calls get needs NAME");
  v1::GetCallRequest request;
  request.set_name(CallName(args[2]));
  absl::StatusOr<v1::Call> call = client.GetCall(request);
  return call.ok() ? PrintCall(*call) : Fail(call.status());
}

int List(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("initiatives calls list takes no NAME");
  v1::ListCallsRequest request;
  request.set_owner(absl::GetFlag(FLAGS_owner));
  if (const std::string state = absl::GetFlag(FLAGS_state); !state.empty()) {
    v1::CallState parsed;
    if (!ParseEnumWord(state, &parsed)) {
      return Usage("--state must be draft, open or decided");
    }
    request.set_state(parsed);
  }
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListCallsResponse all;
  absl::Status status = client.ForEachCall(request, [&](const v1::Call& c) {
    *all.add_calls() = c;
    return true;
  });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  PrintCallTable(all.calls());
  return 0;
}

int Open(const Client& client, const Args& args) {
  if (args.size() != 3) return Usage("initiatives calls open needs NAME");
  v1::OpenCallRequest request;
  request.set_name(CallName(args[2]));
  request.set_etag(absl::GetFlag(FLAGS_etag));
  absl::StatusOr<v1::Call> call = client.OpenCall(request);
  return call.ok() ? PrintCall(*call) : Fail(call.status());
}

int Decide(const Client& client, const Args& args) {
  if (args.size() != 3) return Usage("initiatives calls decide needs NAME");
  v1::DecideCallRequest request;
  request.set_name(CallName(args[2]));
  request.set_etag(absl::GetFlag(FLAGS_etag));
  request.set_comment(absl::GetFlag(FLAGS_comment));
  absl::StatusOr<v1::DecideCallResponse> response = client.DecideCall(request);
  if (!response.ok()) return Fail(response.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*response);
  std::printf("%s  %s\n", response->call().name().c_str(),
              EnumWord(response->call().state()).c_str());
  Table table({"RANK", "NAME", "POINTS", "DECISION", "REASON"});
  for (const v1::Initiative& i : response->initiatives()) {
    const v1::Decision& d = i.decision();
    table.AddRow({absl::StrCat(d.rank()), i.name(),
                  absl::StrFormat("%.2f", d.average_points()),
                  EnumWord(i.state()), d.reason()});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

}  // namespace

// args: "calls", VERB, ...
int InitiativeCalls(const Client& client, const Args& args) {
  if (args.size() < 2) {
    return Usage(
        "initiatives calls: create, get, list, update, open or "
        "decide?");
  }
  const std::string& verb = args[1];
  if (verb == "create") return Create(client, args);
  if (verb == "get") return Get(client, args);
  if (verb == "list") return List(client, args);
  if (verb == "update") return Update(client, args);
  if (verb == "open") return Open(client, args);
  if (verb == "decide") return Decide(client, args);
  return Usage(absl::StrCat("unknown initiatives calls command: ", verb));
}

}  // namespace pumpurs::cli
