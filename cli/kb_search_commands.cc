// pumpurs kb search QUERY [--locale=lv|en] [--audience=staff|parents|pupils]
//                         [--kind=risk_factor,guide,...] [--risk_factor=CODE]
// pumpurs kb recommend --risk=CODE:high,CODE:medium [--grade=N]
//                      [--institution_kind=..] [--locale=lv|en]
//
// RunKbSearch() is called by the "kb" command group (cli/kb_commands.cc).

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, institution_kind, "",
          "kb recommend: municipal_general_school, state_vocational_school or "
          "college");
// Defined in cli/main.cc (kind), people_commands.cc (grade: "kb recommend":
// the pupil's grade), kb_commands.cc (risk_factor).
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(int, grade);
ABSL_DECLARE_FLAG(std::string, risk_factor);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(int, page_size);

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;

constexpr char kUsage[] =
    "usage: pumpurs kb search QUERY [--locale=lv|en] "
    "[--audience=staff|parents|pupils] [--kind=KIND,...] "
    "[--risk_factor=CODE]\n"
    "       pumpurs kb recommend --risk=CODE:SEVERITY,... [--grade=N] "
    "[--institution_kind=KIND] [--locale=lv|en]";

int Usage(absl::string_view message) {
  std::fprintf(stderr, "pumpurs: %s\n%s\n", std::string(message).c_str(),
               kUsage);
  return 2;
}

std::string RiskName(absl::string_view code) {
  if (absl::StrContains(code, '/')) return std::string(code);
  return absl::StrCat("riskFactors/", code);
}

int Search(const Client& client, const std::vector<std::string>& args) {
  if (args.size() < 2) return Usage("kb search needs a QUERY");
  v1::SearchArticlesRequest request;
  std::vector<std::string> words(args.begin() + 1, args.end());
  request.set_query(absl::StrJoin(words, " "));
  request.set_locale(absl::GetFlag(FLAGS_locale));
  if (const std::string audience = absl::GetFlag(FLAGS_audience);
      !audience.empty()) {
    v1::Audience value;
    if (!ParseEnumWord(audience, &value))
      return Usage("--audience: staff, parents or pupils");
    request.set_audience(value);
  }
  for (absl::string_view kind :
       absl::StrSplit(absl::GetFlag(FLAGS_kind), ',', absl::SkipEmpty())) {
    v1::ArticleKind value;
    if (!ParseEnumWord(kind, &value)) {
      return Usage(
          "--kind: risk_factor, warning_sign, measure, method or guide");
    }
    request.add_kinds(value);
  }
  if (const std::string risk = absl::GetFlag(FLAGS_risk_factor);
      !risk.empty()) {
    request.set_risk_factor(RiskName(risk));
  }
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  absl::StatusOr<v1::SearchArticlesResponse> response =
      client.SearchArticles(request);
  if (!response.ok()) return Fail(response.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*response);
  if (response->results().empty()) {
    std::printf("no articles found\n");
    return 0;
  }
  int n = 0;
  for (const v1::SearchResult& r : response->results()) {
    std::printf("%d. %s\n   %s (%s, %s, score %.3f)\n   %s\n", ++n,
                r.title().c_str(), r.article().c_str(), r.locale().c_str(),
                EnumWord(static_cast<v1::ArticleKind>(r.kind())).c_str(),
                r.score(), r.snippet().c_str());
  }
  if (!response->next_page_token().empty()) {
    std::printf("(more results: raise --page_size)\n");
  }
  return 0;
}

int Recommend(const Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1) return Usage("kb recommend takes no words");
  v1::RecommendMeasuresRequest request;
  for (absl::string_view item :
       absl::StrSplit(absl::GetFlag(FLAGS_risk), ',', absl::SkipEmpty())) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ':');
    if (parts.size() != 2) return Usage("--risk: CODE:SEVERITY,...");
    v1::Severity severity;
    if (!ParseEnumWord(parts[1], &severity))
      return Usage("--risk: severity low, medium or high");
    v1::AssessedRisk* risk = request.add_risks();
    risk->set_risk_factor(RiskName(parts[0]));
    risk->set_severity(severity);
  }
  if (request.risks().empty()) return Usage("kb recommend needs --risk");
  request.set_grade(absl::GetFlag(FLAGS_grade));
  if (const std::string kind = absl::GetFlag(FLAGS_institution_kind);
      !kind.empty()) {
    v1::InstitutionKind value;
    if (!ParseEnumWord(kind, &value)) {
      return Usage(
          "--institution_kind: municipal_general_school, "
          "state_vocational_school or college");
    }
    request.set_institution_kind(value);
  }
  request.set_locale(absl::GetFlag(FLAGS_locale));
  request.set_max_results(absl::GetFlag(FLAGS_page_size));
  absl::StatusOr<v1::RecommendMeasuresResponse> response =
      client.RecommendMeasures(request);
  if (!response.ok()) return Fail(response.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*response);
  if (response->recommendations().empty()) {
    std::printf("no measure addresses these risks\n");
    return 0;
  }
  for (const v1::Recommendation& r : response->recommendations()) {
    std::printf("%d. %s (%s): %d points\n", r.rank(), r.title().c_str(),
                r.measure_type().c_str(), r.total_points());
    if (!r.caveat().empty()) std::printf("   caveat: %s\n", r.caveat().c_str());
    for (const v1::RecommendationReason& reason : r.reasons()) {
      std::printf(
          "   - %s: %s severity × %s = %d\n", reason.risk_factor().c_str(),
          EnumWord(static_cast<v1::Severity>(reason.severity())).c_str(),
          EnumWord(static_cast<v1::Strength>(reason.strength())).c_str(),
          reason.points());
      if (!reason.evidence().empty()) {
        std::printf("     %s\n", reason.evidence().c_str());
      }
    }
    if (!r.articles().empty()) {
      std::printf("   read: %s\n", absl::StrJoin(r.articles(), ", ").c_str());
    }
  }
  return 0;
}

}  // namespace

// Runs "kb search" / "kb recommend"; -1 if args[0] is neither.
int RunKbSearch(const Client& client, const std::vector<std::string>& args) {
  if (args.empty()) return -1;
  if (args[0] == "search") return Search(client, args);
  if (args[0] == "recommend") return Recommend(client, args);
  return -1;
}

}  // namespace pumpurs::cli
