// pumpurs applications create --pupil=.. --semester=YEAR-TERM
//                             [--applicant=.. --signed_date=YYYY-MM-DD]
// pumpurs applications get NAME
// pumpurs applications list (--institution=.. | --pupil=..) [--state=..]
// pumpurs applications withdraw NAME --reason=.. [--etag=..]

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, applicant, "",
          "applications create (paper form): who signed it (guardians/ID, "
          "or pupils/ID for an adult pupil; ID means guardians/ID)");
ABSL_FLAG(std::string, signed_date, "",
          "applications create: the date the paper form was signed "
          "(YYYY-MM-DD); without it the application is made online by the "
          "caller (a guardian or the adult pupil)");

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

constexpr char kUsage[] =
    "usage: pumpurs applications create --pupil=.. --semester=YEAR-TERM "
    "[--applicant=.. --signed_date=YYYY-MM-DD]\n"
    "       pumpurs applications get NAME\n"
    "       pumpurs applications list (--institution=.. | --pupil=..) "
    "[--state=active|withdrawn]\n"
    "       pumpurs applications withdraw NAME --reason=.. [--etag=..]";

int Usage(absl::string_view message) { return PlanUsage(message, kUsage); }

int Create(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("applications create takes no NAME");
  v1::CreateApplicationRequest request;
  v1::Application* a = request.mutable_application();
  a->set_pupil(FullName("pupils", absl::GetFlag(FLAGS_pupil)));
  if (!ParseSemester(absl::GetFlag(FLAGS_semester), a->mutable_semester())) {
    return Usage("--semester must be YEAR-TERM, e.g. 2026-1");
  }
  a->set_applicant(FullName("guardians", absl::GetFlag(FLAGS_applicant)));
  a->set_signed_date(absl::GetFlag(FLAGS_signed_date));
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  absl::StatusOr<v1::Application> created = client.CreateApplication(request);
  return created.ok() ? PrintApplication(*created) : Fail(created.status());
}

int Get(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("applications get needs NAME");
  v1::GetApplicationRequest request;
  request.set_name(FullName("applications", args[1]));
  absl::StatusOr<v1::Application> a = client.GetApplication(request);
  return a.ok() ? PrintApplication(*a) : Fail(a.status());
}

int List(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("applications list takes no NAME");
  v1::ListApplicationsRequest request;
  request.set_institution(
      FullName("institutions", absl::GetFlag(FLAGS_institution)));
  request.set_pupil(FullName("pupils", absl::GetFlag(FLAGS_pupil)));
  if (const std::string state = absl::GetFlag(FLAGS_state); !state.empty()) {
    v1::ApplicationState parsed;
    if (!ParseEnumWord(state, &parsed)) {
      return Usage("--state must be active or withdrawn");
    }
    request.set_state(parsed);
  }
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListApplicationsResponse all;
  absl::Status status =
      client.ForEachApplication(request, [&](const v1::Application& a) {
        *all.add_applications() = a;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"NAME", "PUPIL", "SEMESTER", "CHANNEL", "STATE", "CREATED"});
  for (const v1::Application& a : all.applications()) {
    table.AddRow({a.name(), a.pupil(), SemesterText(a.semester()),
                  EnumWord(a.channel()), EnumWord(a.state()),
                  TimeText(a.create_time())});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int Withdraw(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("applications withdraw needs NAME");
  v1::WithdrawApplicationRequest request;
  request.set_name(FullName("applications", args[1]));
  request.set_reason(absl::GetFlag(FLAGS_reason));
  request.set_etag(absl::GetFlag(FLAGS_etag));
  absl::StatusOr<v1::Application> a = client.WithdrawApplication(request);
  return a.ok() ? PrintApplication(*a) : Fail(a.status());
}

int Applications(const Client& client, const Args& args) {
  if (args.empty())
    return Usage("applications: create, get, list or withdraw?");
  if (args[0] == "create") return Create(client, args);
  if (args[0] == "get") return Get(client, args);
  if (args[0] == "list") return List(client, args);
  if (args[0] == "withdraw") return Withdraw(client, args);
  return Usage(absl::StrCat("unknown applications command: ", args[0]));
}

}  // namespace

Command ApplicationsCommand() { return {"applications", Applications}; }

}  // namespace pumpurs::cli
