// pumpurs training events [--audience=..] [--kind=..] [--from=YYYY-MM-DD]
//                         [--to=YYYY-MM-DD] [--article=..]
// pumpurs training show NAME
// pumpurs training create [--from_json=FILE] --title=.. --kind=..
//                         --audiences=teachers,... --start=RFC3339
//                         --end=RFC3339 (--place=.. | --online)
//                         --capacity=N --hours=H [--articles=..]
//                         [--description=..]
// pumpurs training update NAME [--from_json=FILE] [the flags of create]
//                         [--etag=..]
// pumpurs training publish|cancel NAME [--etag=..]
// pumpurs training register NAME [--staff=..]
// pumpurs training unregister REGISTRATION
// pumpurs training registrations NAME
// pumpurs training attendance REGISTRATION --attended|--absent
// pumpurs training hours (--staff=.. | --institution=..) --from=.. --to=..

#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, from, "",
          "training events, hours: the first day, YYYY-MM-DD");
ABSL_FLAG(std::string, to, "",
          "training events, hours: the last day, YYYY-MM-DD");
ABSL_FLAG(std::string, article, "",
          "training events: only events that teach this knowledge-base "
          "article (articles/ID or ID)");
ABSL_FLAG(std::string, staff, "",
          "training register: which of your staff records; training hours: "
          "the staff member (staff/ID or ID)");
ABSL_FLAG(std::string, description, "",
          "training create, update: the description");
ABSL_FLAG(std::string, audiences, "",
          "training create, update: whom it is for, teachers, support_staff, "
          "coordinators (comma-separated)");
ABSL_FLAG(std::string, start, "",
          "training create, update: when it starts (RFC 3339, e.g. "
          "2026-10-05T09:00:00Z)");
ABSL_FLAG(std::string, end, "",
          "training create, update: when it ends (RFC 3339)");
ABSL_FLAG(std::string, place, "",
          "training create, update: the address (required unless --online)");
ABSL_FLAG(bool, online, false, "training create, update: held online");
ABSL_FLAG(int, capacity, 0, "training create, update: places (1 to 10000)");
ABSL_FLAG(double, hours, 0,
          "training create, update: professional-development hours attending "
          "earns (more than 0, at most 200)");
ABSL_FLAG(std::string, articles, "",
          "training create, update: the METHOD articles it teaches "
          "(articles/ID or ID, comma-separated)");
ABSL_FLAG(bool, attended, false, "training attendance: the person attended");
ABSL_FLAG(bool, absent, false, "training attendance: the person was absent");
// Defined in cli/main.cc and cli/kb_commands.cc.
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(std::string, title);

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

constexpr char kUsage[] =
    "usage: pumpurs training events [--audience=teachers|support_staff|"
    "coordinators] [--kind=supervision|workshop|course|programme] "
    "[--from=YYYY-MM-DD] [--to=YYYY-MM-DD] [--article=..]\n"
    "       pumpurs training show NAME\n"
    "       pumpurs training create [--from_json=FILE] --title=.. --kind=.. "
    "--audiences=teachers,.. --start=RFC3339 --end=RFC3339 "
    "(--place=.. | --online) --capacity=N --hours=H [--articles=..] "
    "[--description=..]\n"
    "       pumpurs training update NAME [--from_json=FILE] [the flags of "
    "create] [--etag=..]\n"
    "       pumpurs training publish|cancel NAME [--etag=..]\n"
    "       pumpurs training register NAME [--staff=..]\n"
    "       pumpurs training unregister REGISTRATION\n"
    "       pumpurs training registrations NAME\n"
    "       pumpurs training attendance REGISTRATION --attended|--absent\n"
    "       pumpurs training hours (--staff=.. | --institution=..) "
    "--from=YYYY-MM-DD --to=YYYY-MM-DD\n"
    "NAME: trainingEvents/ID or ID; REGISTRATION: "
    "trainingEvents/ID/registrations/ID. FILE: protobuf JSON of a "
    "pumpurs.v1.TrainingEvent; update changes only the fields the file and "
    "the flags name.";

int Usage(absl::string_view message) { return PlanUsage(message, kUsage); }

std::string EventName(absl::string_view name) {
  return FullName("trainingEvents", name);
}

std::string Hours(double h) { return absl::StrFormat("%g", h); }

int PrintEvent(const v1::TrainingEvent& e) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(e);
  std::vector<std::string> audiences;
  for (int a : e.audiences()) {
    audiences.push_back(EnumWord(static_cast<v1::TrainingAudience>(a)));
  }
  PrintFields({{"name", e.name()},
               {"title", e.title()},
               {"kind", EnumWord(e.kind())},
               {"state", EnumWord(e.state())},
               {"audiences", absl::StrJoin(audiences, ",")},
               {"start_time", TimeText(e.start_time())},
               {"end_time", TimeText(e.end_time())},
               {"place", e.place()},
               {"online", e.online() ? "yes" : ""},
               {"capacity", absl::StrCat(e.capacity())},
               {"registered", absl::StrCat(e.registered())},
               {"hours", Hours(e.hours())},
               {"method_articles", absl::StrJoin(e.method_articles(), ",")},
               {"organiser", e.organiser()},
               {"etag", e.etag()},
               {"create_time", TimeText(e.create_time())}});
  if (!e.description().empty()) std::printf("\n%s\n", e.description().c_str());
  return 0;
}

int PrintRegistration(const v1::Registration& r) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(r);
  PrintFields({{"name", r.name()},
               {"staff", r.staff()},
               {"state", EnumWord(r.state())},
               {"hours", r.hours() > 0 ? Hours(r.hours()) : ""},
               {"create_time", TimeText(r.create_time())}});
  return 0;
}

bool ParseTime(absl::string_view text, google::protobuf::Timestamp* out) {
  return google::protobuf::util::TimeUtil::FromString(std::string(text), out);
}

// Sets the fields the flags give on `e`; adds their paths to `mask`.
// Returns "" or a usage error.
std::string ApplyFlags(v1::TrainingEvent* e, std::set<std::string>* mask) {
  if (FlagGiven("title")) {
    e->set_title(absl::GetFlag(FLAGS_title));
    mask->insert("title");
  }
  if (FlagGiven("description")) {
    e->set_description(absl::GetFlag(FLAGS_description));
    mask->insert("description");
  }
  if (const std::string k = absl::GetFlag(FLAGS_kind); !k.empty()) {
    v1::TrainingKind kind;
    if (!ParseEnumWord(k, &kind)) {
      return "--kind must be supervision, workshop, course or programme";
    }
    e->set_kind(kind);
    mask->insert("kind");
  }
  if (FlagGiven("audiences")) {
    e->clear_audiences();
    for (absl::string_view word : absl::StrSplit(absl::GetFlag(FLAGS_audiences),
                                                 ',', absl::SkipWhitespace())) {
      v1::TrainingAudience a;
      if (!ParseEnumWord(absl::StripAsciiWhitespace(word), &a)) {
        return "--audiences: teachers, support_staff or coordinators";
      }
      e->add_audiences(a);
    }
    mask->insert("audiences");
  }
  if (FlagGiven("start")) {
    if (!ParseTime(absl::GetFlag(FLAGS_start), e->mutable_start_time())) {
      return "--start must be RFC 3339, e.g. 2026-10-05T09:00:00Z";
    }
    mask->insert("start_time");
  }
  if (FlagGiven("end")) {
    if (!ParseTime(absl::GetFlag(FLAGS_end), e->mutable_end_time())) {
      return "--end must be RFC 3339, e.g. 2026-10-05T15:00:00Z";
    }
    mask->insert("end_time");
  }
  if (FlagGiven("place")) {
    e->set_place(absl::GetFlag(FLAGS_place));
    mask->insert("place");
  }
  if (FlagGiven("online")) {
    e->set_online(true);
    mask->insert("online");
  }
  if (FlagGiven("capacity")) {
    e->set_capacity(absl::GetFlag(FLAGS_capacity));
    mask->insert("capacity");
  }
  if (FlagGiven("hours")) {
    e->set_hours(absl::GetFlag(FLAGS_hours));
    mask->insert("hours");
  }
  if (FlagGiven("articles")) {
    e->clear_method_articles();
    for (absl::string_view a : absl::StrSplit(absl::GetFlag(FLAGS_articles),
                                              ',', absl::SkipWhitespace())) {
      e->add_method_articles(
          FullName("articles", absl::StripAsciiWhitespace(a)));
    }
    mask->insert("method_articles");
  }
  return "";
}

const std::set<std::string>& Updatable() {
  static const auto* fields = new std::set<std::string>{
      "kind",       "title",    "description",    "audiences",
      "start_time", "end_time", "place",          "online",
      "capacity",   "hours",    "method_articles"};
  return *fields;
}

int Events(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("training events takes no NAME");
  v1::ListTrainingEventsRequest request;
  if (const std::string a = absl::GetFlag(FLAGS_audience); !a.empty()) {
    v1::TrainingAudience audience;
    if (!ParseEnumWord(a, &audience)) {
      return Usage("--audience: teachers, support_staff or coordinators");
    }
    request.set_audience(audience);
  }
  if (const std::string k = absl::GetFlag(FLAGS_kind); !k.empty()) {
    v1::TrainingKind kind;
    if (!ParseEnumWord(k, &kind)) {
      return Usage("--kind must be supervision, workshop, course or programme");
    }
    request.set_kind(kind);
  }
  request.set_from_day(absl::GetFlag(FLAGS_from));
  request.set_to_day(absl::GetFlag(FLAGS_to));
  request.set_method_article(
      FullName("articles", absl::GetFlag(FLAGS_article)));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListTrainingEventsResponse all;
  absl::Status status =
      client.ForEachTrainingEvent(request, [&](const v1::TrainingEvent& e) {
        *all.add_training_events() = e;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table(
      {"NAME", "START", "KIND", "STATE", "PLACES", "HOURS", "WHERE", "TITLE"});
  for (const v1::TrainingEvent& e : all.training_events()) {
    table.AddRow(
        {e.name(), TimeText(e.start_time()), EnumWord(e.kind()),
         EnumWord(e.state()), absl::StrCat(e.registered(), "/", e.capacity()),
         Hours(e.hours()), e.online() ? "online" : e.place(), e.title()});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int Show(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("training show needs NAME");
  v1::GetTrainingEventRequest request;
  request.set_name(EventName(args[1]));
  absl::StatusOr<v1::TrainingEvent> e = client.GetTrainingEvent(request);
  return e.ok() ? PrintEvent(*e) : Fail(e.status());
}

int Create(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("training create takes no NAME");
  v1::CreateTrainingEventRequest request;
  v1::TrainingEvent* e = request.mutable_training_event();
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, e); !s.ok()) {
      return Usage(s.message());
    }
  }
  std::set<std::string> mask;
  if (std::string error = ApplyFlags(e, &mask); !error.empty()) {
    return Usage(error);
  }
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  absl::StatusOr<v1::TrainingEvent> created =
      client.CreateTrainingEvent(request);
  return created.ok() ? PrintEvent(*created) : Fail(created.status());
}

int Update(const Client& client, const Args& args) {
  if (args.size() > 2) return Usage("training update takes one NAME");
  v1::UpdateTrainingEventRequest request;
  v1::TrainingEvent* e = request.mutable_training_event();
  std::vector<std::string> present;
  if (const std::string file = absl::GetFlag(FLAGS_from_json); !file.empty()) {
    if (absl::Status s = ReadJsonFile(file, e, &present); !s.ok()) {
      return Usage(s.message());
    }
  }
  if (args.size() == 2) e->set_name(EventName(args[1]));
  if (e->name().empty()) return Usage("training update needs NAME");
  std::set<std::string> mask;
  for (const std::string& field : present) {
    if (Updatable().count(field) > 0) mask.insert(field);
  }
  if (std::string error = ApplyFlags(e, &mask); !error.empty()) {
    return Usage(error);
  }
  // --etag wins; else the file's (as `training show --json` wrote it).
  if (FlagGiven("etag")) e->set_etag(absl::GetFlag(FLAGS_etag));
  if (mask.empty()) {
    return Usage("nothing to update: give --from_json or the flags of create");
  }
  for (const std::string& path : mask) {
    request.mutable_update_mask()->add_paths(path);
  }
  absl::StatusOr<v1::TrainingEvent> updated =
      client.UpdateTrainingEvent(request);
  return updated.ok() ? PrintEvent(*updated) : Fail(updated.status());
}

int PublishOrCancel(const Client& client, const Args& args) {
  const std::string& verb = args[0];
  if (args.size() != 2)
    return Usage(absl::StrCat("training ", verb, " needs NAME"));
  absl::StatusOr<v1::TrainingEvent> e;
  if (verb == "publish") {
    v1::PublishTrainingEventRequest r;
    r.set_name(EventName(args[1]));
    r.set_etag(absl::GetFlag(FLAGS_etag));
    e = client.PublishTrainingEvent(r);
  } else {
    v1::CancelTrainingEventRequest r;
    r.set_name(EventName(args[1]));
    r.set_etag(absl::GetFlag(FLAGS_etag));
    e = client.CancelTrainingEvent(r);
  }
  return e.ok() ? PrintEvent(*e) : Fail(e.status());
}

int Register(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("training register needs NAME");
  v1::RegisterForTrainingRequest request;
  request.set_parent(EventName(args[1]));
  request.set_staff(FullName("staff", absl::GetFlag(FLAGS_staff)));
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  absl::StatusOr<v1::Registration> r = client.RegisterForTraining(request);
  return r.ok() ? PrintRegistration(*r) : Fail(r.status());
}

int Unregister(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("training unregister needs REGISTRATION");
  v1::CancelRegistrationRequest request;
  request.set_name(args[1]);
  absl::StatusOr<v1::Registration> r = client.CancelRegistration(request);
  return r.ok() ? PrintRegistration(*r) : Fail(r.status());
}

int Registrations(const Client& client, const Args& args) {
  if (args.size() != 2) return Usage("training registrations needs NAME");
  v1::ListRegistrationsRequest request;
  request.set_parent(EventName(args[1]));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListRegistrationsResponse all;
  absl::Status status =
      client.ForEachRegistration(request, [&](const v1::Registration& r) {
        *all.add_registrations() = r;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"NAME", "STAFF", "STATE", "HOURS", "REGISTERED"});
  for (const v1::Registration& r : all.registrations()) {
    table.AddRow({r.name(), r.staff(), EnumWord(r.state()),
                  r.hours() > 0 ? Hours(r.hours()) : "",
                  TimeText(r.create_time())});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

int Attendance(const Client& client, const Args& args) {
  if (args.size() != 2) {
    return Usage("training attendance needs REGISTRATION");
  }
  const bool attended = absl::GetFlag(FLAGS_attended);
  const bool absent = absl::GetFlag(FLAGS_absent);
  if (attended == absent) {
    return Usage("training attendance needs one of --attended and --absent");
  }
  v1::RecordAttendanceRequest request;
  request.set_name(args[1]);
  request.set_attended(attended);
  absl::StatusOr<v1::Registration> r = client.RecordAttendance(request);
  return r.ok() ? PrintRegistration(*r) : Fail(r.status());
}

int TrainingHoursCommand(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("training hours takes no NAME");
  const std::string staff = absl::GetFlag(FLAGS_staff);
  const std::string institution = absl::GetFlag(FLAGS_institution);
  if (staff.empty() == institution.empty()) {
    return Usage("training hours needs one of --staff and --institution");
  }
  v1::ListTrainingHoursRequest request;
  request.set_staff(FullName("staff", staff));
  request.set_institution(FullName("institutions", institution));
  request.set_from_day(absl::GetFlag(FLAGS_from));
  request.set_to_day(absl::GetFlag(FLAGS_to));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  // Every page, keeping the total the server sends with each.
  v1::ListTrainingHoursResponse all;
  for (;;) {
    absl::StatusOr<v1::ListTrainingHoursResponse> page =
        client.ListTrainingHours(request);
    if (!page.ok()) return Fail(page.status());
    for (const v1::TrainingHours& row : page->rows()) *all.add_rows() = row;
    all.set_total_hours(page->total_hours());
    if (page->next_page_token().empty() ||
        page->next_page_token() == request.page_token()) {
      break;
    }
    request.set_page_token(page->next_page_token());
  }
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table({"STAFF", "EVENTS", "HOURS"});
  for (const v1::TrainingHours& row : all.rows()) {
    table.AddRow({row.staff(), absl::StrCat(row.events()), Hours(row.hours())});
  }
  std::fputs(table.Render().c_str(), stdout);
  std::printf("total hours: %s\n", Hours(all.total_hours()).c_str());
  return 0;
}

int Training(const Client& client, const Args& args) {
  if (args.empty()) return Usage("training: which command?");
  const std::string& verb = args[0];
  if (verb == "events" || verb == "list") return Events(client, args);
  if (verb == "show" || verb == "get") return Show(client, args);
  if (verb == "create") return Create(client, args);
  if (verb == "update") return Update(client, args);
  if (verb == "publish" || verb == "cancel") {
    return PublishOrCancel(client, args);
  }
  if (verb == "register") return Register(client, args);
  if (verb == "unregister") return Unregister(client, args);
  if (verb == "registrations") return Registrations(client, args);
  if (verb == "attendance") return Attendance(client, args);
  if (verb == "hours") return TrainingHoursCommand(client, args);
  return Usage(absl::StrCat("unknown training command: ", verb));
}

}  // namespace

Command TrainingCommand() { return {"training", Training}; }

}  // namespace pumpurs::cli
