#include "server/knowledge/recommend.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/status_macros.h"
#include "server/knowledge/taxonomy.h"

namespace pumpurs::knowledge {
namespace {

namespace v1 = ::pumpurs::v1;

constexpr char kMeasuresForRisk[] =
    "SELECT measure_code, strength FROM kb_measure_risks WHERE risk_code = ? "
    "ORDER BY measure_code";

// Published articles about a measure that the caller may read (?2: bits of
// the readable audiences), staff articles first. CROSS JOIN keeps the
// measure's links as the outer loop (without it, and without ANALYZE
// statistics, SQLite scans every published article).
constexpr char kArticlesForMeasure[] = R"sql(
SELECT a.id FROM kb_article_measures m
CROSS JOIN kb_articles a ON a.id = m.article_id
WHERE m.measure_code = ?1 AND a.state = 2 AND (a.audiences & ?2) != 0
ORDER BY (a.audiences & 2) = 0, a.id
LIMIT ?3
)sql";

constexpr int64_t kPublicAudiences =
    (1 << v1::AUDIENCE_PARENTS) | (1 << v1::AUDIENCE_PUPILS);
constexpr int64_t kAllAudiences = kPublicAudiences | (1 << v1::AUDIENCE_STAFF);

const std::string& Localized(const v1::LocalizedText& text,
                             absl::string_view locale) {
  if (locale == "en" && !text.en().empty()) return text.en();
  return text.lv();
}

struct Scored {
  std::string code;
  v1::Recommendation recommendation;
  bool suitable = true;
};

}  // namespace

absl::StatusOr<v1::RecommendMeasuresResponse> RecommendMeasures(
    storage::Connection& conn, const Principal& principal,
    const v1::RecommendMeasuresRequest& request) {
  Violations v;
  if (request.risks_size() < 1 || request.risks_size() > kMaxAssessedRisks) {
    v.Add("risks", "must have 1 to 20 risks");
  }
  std::vector<std::string> codes;  // parallel to request.risks(); "" if bad
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < request.risks_size() && i < kMaxAssessedRisks; ++i) {
    const v1::AssessedRisk& risk = request.risks(i);
    const std::string field = absl::StrCat("risks[", i, "]");
    std::string code = CodeOf(risk.risk_factor(), kRiskFactors);
    if (code.empty()) {
      v.Add(field + ".risk_factor", "must have the form riskFactors/{code}");
    } else if (!seen.insert(code).second) {
      v.Add(field + ".risk_factor", "repeats an earlier risk");
      code.clear();
    } else {
      PUMPURS_ASSIGN_OR_RETURN(bool exists, RiskFactorExists(conn, code));
      if (!exists) {
        v.Add(field + ".risk_factor", "is not a known risk factor");
        code.clear();
      }
    }
    if (risk.severity() == v1::SEVERITY_UNSPECIFIED ||
        !v1::Severity_IsValid(risk.severity())) {
      v.Add(field + ".severity", "is required");
    }
    codes.push_back(std::move(code));
  }
  if (request.grade() < 0 || request.grade() > 12) {
    v.Add("grade", "must be 0 to 12");
  }
  if (!v1::InstitutionKind_IsValid(request.institution_kind())) {
    v.Add("institution_kind", "must be a known institution kind");
  }
  const std::string locale = request.locale().empty() ? "lv" : request.locale();
  if (locale != "lv" && locale != "en") {
    v.Add("locale", "must be \"lv\", \"en\" or empty");
  }
  int max_results = request.max_results();
  if (max_results < 0) {
    v.Add("max_results", "must not be negative");
  } else if (max_results == 0) {
    max_results = kDefaultRecommendations;
  } else if (max_results > kMaxRecommendations) {
    max_results = kMaxRecommendations;
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  // Measure code → its reasons.
  std::map<std::string, std::vector<v1::RecommendationReason>> reasons;
  for (int i = 0; i < request.risks_size(); ++i) {
    const v1::AssessedRisk& risk = request.risks(i);
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement s,
                             conn.Prepare(kMeasuresForRisk));
    s.Bind(1, codes[i]);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      const int64_t strength = s.ColumnInt64(1);
      if (strength < v1::STRENGTH_WEAK || strength > v1::STRENGTH_STRONG) {
        continue;
      }
      v1::RecommendationReason reason;
      reason.set_risk_factor(absl::StrCat(kRiskFactors, "/", codes[i]));
      reason.set_severity(risk.severity());
      reason.set_strength(static_cast<v1::Strength>(strength));
      reason.set_points(static_cast<int32_t>(strength) * risk.severity());
      reasons[s.ColumnText(0)].push_back(std::move(reason));
    }
  }

  const bool vocational = request.institution_kind() ==
                          v1::INSTITUTION_KIND_STATE_VOCATIONAL_SCHOOL;
  std::vector<Scored> scored;
  for (auto& [code, list] : reasons) {
    PUMPURS_ASSIGN_OR_RETURN(v1::MeasureType measure,
                             GetMeasureType(conn, code));
    Scored item;
    item.code = code;
    v1::Recommendation& r = item.recommendation;
    r.set_measure_type(absl::StrCat(kMeasureTypes, "/", code));
    r.set_title(Localized(measure.title(), locale));
    std::sort(list.begin(), list.end(),
              [](const v1::RecommendationReason& a,
                 const v1::RecommendationReason& b) {
                return std::make_tuple(-a.points(), a.risk_factor()) <
                       std::make_tuple(-b.points(), b.risk_factor());
              });
    int32_t total = 0;
    for (v1::RecommendationReason& reason : list) {
      for (const v1::AddressedRisk& addressed : measure.addresses()) {
        if (addressed.risk_factor() == reason.risk_factor()) {
          reason.set_evidence(Localized(addressed.evidence(), locale));
          break;
        }
      }
      total += reason.points();
      *r.add_reasons() = std::move(reason);
    }
    r.set_total_points(total);
    std::vector<std::string> caveats;
    if (request.grade() > 0 && measure.min_grade() > request.grade()) {
      caveats.push_back(
          locale == "en"
              ? absl::StrCat("for grade ", measure.min_grade(), " and above")
              : absl::StrCat("paredzēts no ", measure.min_grade(), ". klases"));
    }
    if (vocational && !measure.vocational_allowed()) {
      caveats.push_back(locale == "en"
                            ? "not for vocational schools"
                            : "nav paredzēts profesionālās izglītības "
                              "iestādēm");
    }
    item.suitable = caveats.empty();
    r.set_caveat(absl::StrJoin(caveats, "; "));
    scored.push_back(std::move(item));
  }

  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    return std::make_tuple(!a.suitable, -a.recommendation.total_points(),
                           -a.recommendation.reasons_size(), a.code) <
           std::make_tuple(!b.suitable, -b.recommendation.total_points(),
                           -b.recommendation.reasons_size(), b.code);
  });
  if (scored.size() > static_cast<size_t>(max_results)) {
    scored.resize(max_results);
  }

  const int64_t visible =
      auth::Authorize(principal, auth::Action::kStaffArticleRead, {}).ok()
          ? kAllAudiences
          : kPublicAudiences;
  v1::RecommendMeasuresResponse response;
  int rank = 0;
  for (Scored& item : scored) {
    v1::Recommendation& r = item.recommendation;
    r.set_rank(++rank);
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement s,
                             conn.Prepare(kArticlesForMeasure));
    s.Bind(1, item.code)
        .Bind(2, visible)
        .Bind(3, static_cast<int64_t>(kMaxArticlesPerMeasure));
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      r.add_articles(absl::StrCat(kArticles, "/", s.ColumnText(0)));
    }
    *response.add_recommendations() = std::move(r);
  }
  return response;
}

}  // namespace pumpurs::knowledge
