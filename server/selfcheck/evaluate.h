#ifndef PUMPURS_SERVER_SELFCHECK_EVALUATE_H_
#define PUMPURS_SERVER_SELFCHECK_EVALUATE_H_

// The parents' self-check: a deterministic function of a published
// questionnaire revision and the answers. Nothing is stored, logged or
// audited; EvaluateStored only reads (the questionnaire and its guides'
// titles), in the caller's read snapshot.
//
// Per area with questions: points = the sum of the chosen options' points;
// shows_signs = points ≥ threshold; triggered = the chosen options with
// points > 0, most points first, then in question order; texts in the
// locale ("en" falls back to "lv" where a text has no English); guides the
// rule's guides still published for parents, with their titles; the advice.
// Areas showing signs first, then in RiskGroup order. Unanswered questions
// count as no sign.
// INVALID_ARGUMENT: locale not "", "lv" or "en"; more than 200 answers; an
// answer naming an unknown question or option, or a question answered
// twice (field answers[i].question / answers[i].option; the descriptions
// never repeat what was answered).

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "pumpurs/v1/self_check.pb.h"
#include "server/storage/connection.h"

namespace pumpurs::selfcheck {

// "articles/{id}" → the article's title per locale (guides that are not
// published for parents are absent).
using GuideTitles = std::map<std::string, pumpurs::v1::LocalizedText>;

// The fixed text of SelfCheckResult.how_to_ask_for_support.
std::string HowToAskForSupport(absl::string_view locale);

// The pure evaluation. `questionnaire` is a published revision (name and
// revision set).
absl::StatusOr<pumpurs::v1::SelfCheckResult> Evaluate(
    const pumpurs::v1::Questionnaire& questionnaire,
    const pumpurs::v1::EvaluateSelfCheckRequest& request,
    const GuideTitles& guides);

// Loads the questionnaire the request names (or the band's) and the titles
// of its guides, then Evaluate. Reads only. NOT_FOUND if the questionnaire
// is not published (or none is for the band).
absl::StatusOr<pumpurs::v1::SelfCheckResult> EvaluateStored(
    storage::Connection& conn,
    const pumpurs::v1::EvaluateSelfCheckRequest& request);

}  // namespace pumpurs::selfcheck

#endif  // PUMPURS_SERVER_SELFCHECK_EVALUATE_H_
