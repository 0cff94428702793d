#ifndef PUMPURS_SERVER_KNOWLEDGE_RECOMMEND_H_
#define PUMPURS_SERVER_KNOWLEDGE_RECOMMEND_H_

// Measure recommendations for a set of assessed risks (KnowledgeBaseService.
// RecommendMeasures). Deterministic and explainable:
//
//  - Candidates: every measure type that addresses at least one of the given
//    risks (kb_measure_risks).
//  - Each addressed risk is a reason worth strength (weak 1, moderate 2,
//    strong 3) × severity (low 1, medium 2, high 3) points; a measure's
//    total is the sum. Reasons are listed by points (highest first), then
//    risk code.
//  - Order: measures that fully suit the pupil first, then those with a
//    caveat; within each, by total points (highest first), then the number
//    of risks addressed (more first), then code. Ranks are 1, 2, ... in
//    that order; the list is cut at max_results (default 10, at most 50).
//  - Caveats (measures are LISTED, after all suitable ones, never dropped,
//    so the coordinator sees why a seemingly obvious measure is not on top):
//    a grade below the measure's min_grade ("for grade N and above"), and a
//    measure with vocational_allowed = false for a state vocational school
//    ("not for vocational schools"). Grade 0 / an unspecified institution
//    kind never cause a caveat.
//  - Articles: the published articles linked to the measure (the published
//    revision's measure_types) that the caller may read, staff-audience
//    articles first, then by id; at most kMaxArticlesPerMeasure.
//  - Texts (title, evidence, caveat) in the requested locale ("lv" default);
//    an English text that is missing falls back to the Latvian one.

#include "absl/status/statusor.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/common/principal.h"
#include "server/storage/connection.h"

namespace pumpurs::knowledge {

inline constexpr int kMaxAssessedRisks = 20;
inline constexpr int kDefaultRecommendations = 10;
inline constexpr int kMaxRecommendations = 50;
inline constexpr int kMaxArticlesPerMeasure = 10;

// INVALID_ARGUMENT naming every bad field: risks (1 to 20),
// risks[i].risk_factor (malformed, unknown, repeated), risks[i].severity
// (required), grade (0 to 12), institution_kind, locale ("lv", "en" or
// empty), max_results (not negative).
absl::StatusOr<pumpurs::v1::RecommendMeasuresResponse> RecommendMeasures(
    storage::Connection& conn, const Principal& principal,
    const pumpurs::v1::RecommendMeasuresRequest& request);

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_RECOMMEND_H_
