// pumpurs audit list [--institution=..] [--municipality=..] [--resource=..]
//                    [--actor=..]
// pumpurs audit pupil-access PUPIL

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, resource, "",
          "audit list: only events about this resource (e.g. pupils/ID)");
ABSL_FLAG(std::string, actor, "",
          "audit list: only events by this account (accounts/ID or ID, or "
          "anonymous)");
// Defined in cli/main.cc.
ABSL_DECLARE_FLAG(std::string, municipality);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(int, page_size);

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;

constexpr char kUsage[] =
    "usage: pumpurs audit list [--institution=..] [--municipality=..] "
    "[--resource=..] [--actor=..]\n"
    "       pumpurs audit pupil-access PUPIL";

int Usage(absl::string_view message) {
  std::fprintf(stderr, "pumpurs: %s\n%s\n", std::string(message).c_str(),
               kUsage);
  return 2;
}

std::string OutcomeName(v1::AuditOutcome outcome) {
  switch (outcome) {
    case v1::AUDIT_OUTCOME_ALLOWED:
      return "allowed";
    case v1::AUDIT_OUTCOME_DENIED:
      return "denied";
    case v1::AUDIT_OUTCOME_FAILED:
      return "failed";
    default:
      return absl::StrCat(static_cast<int>(outcome));
  }
}

// Events as a table (or JSON of a list response holding them all).
template <typename Response>
int PrintEvents(const Response& all) {
  if (absl::GetFlag(FLAGS_json)) {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    std::string out;
    if (!google::protobuf::util::MessageToJsonString(all, &out, options).ok()) {
      std::fprintf(stderr, "pumpurs: cannot print the result as JSON\n");
      return 1;
    }
    std::fputs(out.c_str(), stdout);
    return 0;
  }
  Table table(
      {"TIME", "ACTOR", "ACTION", "RESOURCE", "OUTCOME", "INSTITUTION"});
  for (const v1::AuditEvent& e : all.audit_events()) {
    table.AddRow({google::protobuf::util::TimeUtil::ToString(e.time()),
                  e.actor(), e.action(), e.resource(), OutcomeName(e.outcome()),
                  e.institution()});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int Audit(const Client& client, const std::vector<std::string>& args) {
  if (args.empty()) return Usage("audit: list or pupil-access?");
  const std::string& verb = args[0];
  if (verb == "list") {
    if (args.size() != 1) return Usage("audit list takes no arguments");
    v1::ListAuditEventsRequest request;
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_institution(
        FullName("institutions", absl::GetFlag(FLAGS_institution)));
    request.set_municipality(
        FullName("municipalities", absl::GetFlag(FLAGS_municipality)));
    request.set_resource(absl::GetFlag(FLAGS_resource));
    const std::string actor = absl::GetFlag(FLAGS_actor);
    request.set_actor(actor == "anonymous" ? actor
                                           : FullName("accounts", actor));
    v1::ListAuditEventsResponse all;
    absl::Status status =
        client.ForEachAuditEvent(request, [&](const v1::AuditEvent& e) {
          *all.add_audit_events() = e;
          return true;
        });
    if (!status.ok()) return Fail(status);
    return PrintEvents(all);
  }
  if (verb == "pupil-access") {
    if (args.size() != 2) return Usage("audit pupil-access needs one PUPIL");
    v1::ListPupilAccessRequest request;
    request.set_pupil(FullName("pupils", args[1]));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    v1::ListPupilAccessResponse all;
    absl::Status status =
        client.ForEachPupilAccess(request, [&](const v1::AuditEvent& e) {
          *all.add_audit_events() = e;
          return true;
        });
    if (!status.ok()) return Fail(status);
    return PrintEvents(all);
  }
  return Usage(absl::StrCat("unknown audit command: ", verb));
}

}  // namespace

Command AuditCommand() { return {"audit", Audit}; }

}  // namespace pumpurs::cli
