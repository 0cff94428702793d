#include "cli/plan_format.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "cli/enum_words.h"
#include "cli/output.h"

ABSL_FLAG(std::string, semester, "",
          "applications, plans, stats: the semester, YEAR-TERM (2026-1 is "
          "September to December 2026, 2026-2 January to August 2027)");
ABSL_FLAG(std::string, state, "",
          "applications list: active or withdrawn; plans list: draft, "
          "in_approval, approved, in_implementation, suspended, "
          "under_revision, inactive or closed");
ABSL_FLAG(std::string, etag, "",
          "plans and applications: act only while it still has this etag");
ABSL_FLAG(std::string, reason, "",
          "applications withdraw, plans suspend, revise: why");
ABSL_FLAG(std::string, comment, "",
          "plans approve, reject (the reason), acknowledge: the comment");
ABSL_FLAG(std::string, from_json, "",
          "plans create, update: a JSON file of a pumpurs.v1.SupportPlan; "
          "plans evaluate: of a pumpurs.v1.PlanEvaluation");
ABSL_FLAG(std::string, preparer, "",
          "plans create, update: the preparer; plans list: only theirs "
          "(staff/ID or ID)");
ABSL_FLAG(std::string, provider, "",
          "plans deliveries record: who gave it; plans hours: only this "
          "provider (staff/ID or ID)");

namespace pumpurs::cli {

int PlanUsage(absl::string_view message, absl::string_view usage) {
  std::fprintf(stderr, "pumpurs: %s\n%s\n", std::string(message).c_str(),
               std::string(usage).c_str());
  return 2;
}

bool FlagGiven(absl::string_view name) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  // absl keeps "was it on the command line" private; a value other than the
  // default is what matters here anyway.
  return flag != nullptr && flag->CurrentValue() != flag->DefaultValue();
}

bool ParseSemester(absl::string_view text, v1::Semester* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int year = 0;
  int term = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &year) ||
      !absl::SimpleAtoi(parts[1], &term)) {
    return false;
  }
  // Range checks are the server's: it names the field.
  out->set_school_year(year);
  out->set_term(term);
  return true;
}

std::string SemesterText(const v1::Semester& semester) {
  if (semester.school_year() == 0 && semester.term() == 0) return "";
  return absl::StrCat(semester.school_year(), "-", semester.term());
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(t);
}

absl::Status ReadJsonFile(absl::string_view path,
                          google::protobuf::Message* message,
                          std::vector<std::string>* present) {
  std::ifstream in{std::string(path)};
  std::stringstream text;
  text << in.rdbuf();
  if (!in)
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto parsed =
      google::protobuf::util::JsonStringToMessage(text.str(), message, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is not a JSON ", message->GetDescriptor()->full_name(), ": ",
        parsed.ToString()));
  }
  if (present == nullptr) return absl::OkStatus();
  // Which fields the file names: the parsed message cannot tell an empty
  // list from a missing one, the JSON object can.
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(text.str(), &object).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a JSON object"));
  }
  const google::protobuf::Descriptor* d = message->GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (object.fields().count(f->name()) > 0 ||
        object.fields().count(f->json_name()) > 0) {
      present->push_back(f->name());
    }
  }
  return absl::OkStatus();
}

int PrintJsonLine(const google::protobuf::Message& message) {
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out).ok()) {
    std::fprintf(stderr, "pumpurs: cannot print the result as JSON\n");
    return 1;
  }
  std::printf("%s\n", out.c_str());
  std::fflush(stdout);
  return 0;
}

void PrintFields(const std::vector<std::pair<std::string, std::string>>& kv) {
  size_t width = 0;
  for (const auto& [k, v] : kv) {
    if (!v.empty()) width = std::max(width, k.size());
  }
  for (const auto& [k, v] : kv) {
    if (v.empty()) continue;
    std::printf("%-*s  %s\n", static_cast<int>(width + 1),
                absl::StrCat(k, ":").c_str(), v.c_str());
  }
}

int PrintApplication(const v1::Application& a) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(a);
  PrintFields({{"name", a.name()},
               {"pupil", a.pupil()},
               {"semester", SemesterText(a.semester())},
               {"channel", EnumWord(a.channel())},
               {"applicant", a.applicant()},
               {"signed_date", a.signed_date()},
               {"registered_by", a.registered_by()},
               {"state", EnumWord(a.state())},
               {"withdraw_reason", a.withdraw_reason()},
               {"withdraw_time", TimeText(a.withdraw_time())},
               {"institution", a.institution()},
               {"etag", a.etag()},
               {"create_time", TimeText(a.create_time())}});
  return 0;
}

namespace {

std::string Euro(int64_t cents) {
  return absl::StrFormat("%s%d.%02d EUR", cents < 0 ? "-" : "",
                         std::abs(cents) / 100, std::abs(cents) % 100);
}

std::string Quantity(double q) { return absl::StrFormat("%g", q); }

std::string PendingLevel(const v1::SupportPlan& p) {
  return p.pending_level() == v1::APPROVAL_LEVEL_UNSPECIFIED
             ? ""
             : EnumWord(p.pending_level());
}

}  // namespace

int PrintPlan(const v1::SupportPlan& p) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(p);
  std::vector<std::string> levels;
  for (int level : p.approval_levels()) {
    levels.push_back(EnumWord(static_cast<v1::ApprovalLevel>(level)));
  }
  PrintFields(
      {{"name", p.name()},
       {"pupil", p.pupil()},
       {"semester", SemesterText(p.semester())},
       {"institution", p.institution()},
       {"application", p.application()},
       {"preparer", p.preparer()},
       {"state", EnumWord(p.state())},
       {"pending_level", PendingLevel(p)},
       {"approval_levels", absl::StrJoin(levels, ", ")},
       {"round", p.round() ? absl::StrCat(p.round()) : ""},
       {"suspend_reason", p.suspend_reason()},
       {"application_withdrawn", p.application_withdrawn() ? "yes" : ""},
       {"funds_used", p.funds_used_cents() ? Euro(p.funds_used_cents()) : ""},
       {"continues", p.continues()},
       {"continued_by", p.continued_by()},
       {"evaluation",
        p.has_evaluation() ? EnumWord(p.evaluation().decision()) : ""},
       {"acknowledgements", p.acknowledgements_size()
                                ? absl::StrCat(p.acknowledgements_size())
                                : ""},
       {"etag", p.etag()},
       {"update_time", TimeText(p.update_time())},
       {"problem",
        absl::StrReplaceAll(p.problem_description(), {{"\n", " "}})}});
  for (const v1::PlanRisk& r : p.risks()) {
    std::printf("risk     %s  %s%s\n",
                r.redacted() ? "(redacted)" : r.risk_factor().c_str(),
                EnumWord(r.severity()).c_str(),
                r.special_category() ? "  special category" : "");
  }
  for (const v1::PlanGoal& g : p.goals()) {
    std::printf("goal     %s  due %s  %s\n", g.id().c_str(),
                g.due_date().c_str(),
                absl::StrReplaceAll(g.description(), {{"\n", " "}}).c_str());
  }
  for (const v1::PlanMeasure& m : p.measures()) {
    const std::string what =
        m.measure_type().empty() ? m.custom_title() : m.measure_type();
    std::printf(
        "measure  %s  %s  %s %s (%s delivered)  %s..%s  %s\n", m.id().c_str(),
        what.c_str(), Quantity(m.planned_quantity()).c_str(),
        EnumWord(m.unit()).c_str(), Quantity(m.delivered_quantity()).c_str(),
        m.start_date().c_str(), m.end_date().c_str(), m.provider().c_str());
  }
  return 0;
}

int PrintPlanState(const v1::SupportPlan& p) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(p);
  PrintFields({{"name", p.name()},
               {"state", EnumWord(p.state())},
               {"pending_level", PendingLevel(p)},
               {"continued_by", p.continued_by()},
               {"etag", p.etag()}});
  return 0;
}

}  // namespace pumpurs::cli
