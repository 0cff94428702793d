#include "cli/initiative_format.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "cli/table.h"

namespace pumpurs::cli {
namespace {

std::string OneLine(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\n", " "}});
}

std::string Count(int n) { return n > 0 ? absl::StrCat(n) : ""; }

std::string OrganisationText(const v1::Organisation& o) {
  if (o.name().empty()) return "";
  std::vector<std::string> about;
  if (o.kind() != v1::ORGANISATION_KIND_UNSPECIFIED) {
    about.push_back(EnumWord(o.kind()));
  }
  if (!o.registration_number().empty()) {
    about.push_back(o.registration_number());
  }
  if (about.empty()) return o.name();
  return absl::StrCat(o.name(), " (", absl::StrJoin(about, ", "), ")");
}

std::string SupervisorText(const v1::Supervisor& s) {
  std::string text = absl::StrCat(
      s.given_name(), s.given_name().empty() ? "" : " ", s.family_name());
  if (!s.account().empty()) absl::StrAppend(&text, " (", s.account(), ")");
  return text;
}

std::string DecisionText(const v1::Initiative& i) {
  if (!i.has_decision()) return "";
  const v1::Decision& d = i.decision();
  return absl::StrFormat("%s, rank %d, %.2f points: %s",
                         d.approved() ? "approved" : "not approved", d.rank(),
                         d.average_points(), OneLine(d.reason()));
}

}  // namespace

std::string EuroText(int64_t cents) {
  return absl::StrFormat("%s%d.%02d EUR", cents < 0 ? "-" : "",
                         std::abs(cents) / 100, std::abs(cents) % 100);
}

bool ParseCriteria(absl::string_view text,
                   google::protobuf::RepeatedPtrField<v1::Criterion>* out,
                   std::string* error) {
  out->Clear();
  for (absl::string_view part : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    const size_t colon = part.rfind(':');
    int points = 0;
    if (colon == absl::string_view::npos ||
        !absl::SimpleAtoi(part.substr(colon + 1), &points)) {
      *error =
          absl::StrCat("--criteria: \"", part, "\" is not TITLE:MAX_POINTS");
      return false;
    }
    v1::Criterion* c = out->Add();
    c->set_title(
        std::string(absl::StripAsciiWhitespace(part.substr(0, colon))));
    c->set_max_points(points);
  }
  return true;
}

bool ParseScores(absl::string_view text,
                 google::protobuf::RepeatedPtrField<v1::CriterionScore>* out,
                 std::string* error) {
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::vector<absl::string_view> kv = absl::StrSplit(part, ':');
    int points = 0;
    if (kv.size() != 2 || kv[0].empty() || !absl::SimpleAtoi(kv[1], &points)) {
      *error =
          absl::StrCat("--scores: \"", part, "\" is not CRITERION_ID:POINTS");
      return false;
    }
    // A flag replaces the file's score of the same criterion, keeping its
    // comment.
    v1::CriterionScore* score = nullptr;
    for (v1::CriterionScore& s : *out) {
      if (s.criterion() == kv[0]) score = &s;
    }
    if (score == nullptr) {
      score = out->Add();
      score->set_criterion(std::string(kv[0]));
    }
    score->set_points(points);
  }
  return true;
}

int PrintCall(const v1::Call& c) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(c);
  PrintFields(
      {{"name", c.name()},
       {"owner", c.owner()},
       {"municipality", c.municipality()},
       {"title", OneLine(c.title())},
       {"state", EnumWord(c.state())},
       {"application_period",
        c.application_start().empty() && c.application_end().empty()
            ? ""
            : absl::StrCat(c.application_start(), "..", c.application_end())},
       {"lump_sum", c.lump_sum_cents() ? EuroText(c.lump_sum_cents()) : ""},
       {"max_projects", Count(c.max_projects())},
       {"min_at_risk", c.min_at_risk_percent()
                           ? absl::StrCat(c.min_at_risk_percent(), "%")
                           : ""},
       {"evaluators", absl::StrJoin(c.evaluators(), ", ")},
       {"etag", c.etag()},
       {"create_time", TimeText(c.create_time())},
       {"update_time", TimeText(c.update_time())},
       {"rules", OneLine(c.rules())}});
  for (const v1::Criterion& k : c.criteria()) {
    std::printf("criterion  %s  max %d  %s\n", k.id().c_str(), k.max_points(),
                OneLine(k.title()).c_str());
  }
  return 0;
}

int PrintInitiative(const v1::Initiative& i) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(i);
  const v1::Report& r = i.report();
  PrintFields(
      {{"name", i.name()},
       {"call", i.call()},
       {"title", OneLine(i.title())},
       {"state", EnumWord(i.state())},
       {"owner", i.owner()},
       {"municipality", i.municipality()},
       {"organisation", OrganisationText(i.organisation())},
       {"group_name", i.group_name()},
       {"supervisor", SupervisorText(i.supervisor())},
       {"members", absl::StrJoin(i.members(), ", ")},
       {"planned_participants", Count(i.planned_participants())},
       {"planned_at_risk", Count(i.planned_at_risk())},
       {"submit_time", TimeText(i.submit_time())},
       {"decision", DecisionText(i)},
       {"report_participants", i.has_report() ? Count(r.participants()) : ""},
       {"report_at_risk",
        i.has_report() ? Count(r.participants_at_risk()) : ""},
       {"report_confirmed",
        i.has_report() && r.supervisor_confirmed() ? "yes" : ""},
       {"report_accepted_by", r.accepted_by()},
       {"withdraw_reason", OneLine(i.withdraw_reason())},
       {"etag", i.etag()},
       {"update_time", TimeText(i.update_time())},
       {"aims", OneLine(i.aims())}});
  for (const v1::Activity& a : i.activities()) {
    std::printf("activity    %s..%s  %s\n", a.start_date().c_str(),
                a.end_date().c_str(), OneLine(a.title()).c_str());
  }
  for (const v1::BudgetLine& b : i.budget()) {
    std::printf("budget      %s  %s\n", EuroText(b.amount_cents()).c_str(),
                OneLine(b.item()).c_str());
  }
  for (const v1::Evaluation& e : i.evaluations()) {
    std::printf("evaluation  %s  %d points\n", e.evaluator().c_str(),
                e.total_points());
  }
  return 0;
}

int PrintInitiativeState(const v1::Initiative& i) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(i);
  PrintFields({{"name", i.name()},
               {"state", EnumWord(i.state())},
               {"decision", DecisionText(i)},
               {"withdraw_reason", OneLine(i.withdraw_reason())},
               {"etag", i.etag()}});
  return 0;
}

void PrintCallTable(const google::protobuf::RepeatedPtrField<v1::Call>& calls) {
  Table table({"NAME", "OWNER", "STATE", "PERIOD", "PROJECTS", "TITLE"});
  for (const v1::Call& c : calls) {
    table.AddRow(
        {c.name(), c.owner(), EnumWord(c.state()),
         absl::StrCat(c.application_start(), "..", c.application_end()),
         absl::StrCat(c.max_projects()), OneLine(c.title())});
  }
  std::fputs(table.Render().c_str(), stdout);
}

void PrintInitiativeTable(
    const google::protobuf::RepeatedPtrField<v1::Initiative>& list) {
  Table table({"NAME", "CALL", "STATE", "OWNER", "UPDATED", "TITLE"});
  for (const v1::Initiative& i : list) {
    table.AddRow({i.name(), i.call(), EnumWord(i.state()), i.owner(),
                  TimeText(i.update_time()), OneLine(i.title())});
  }
  std::fputs(table.Render().c_str(), stdout);
}

}  // namespace pumpurs::cli
