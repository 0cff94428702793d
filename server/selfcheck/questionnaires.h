#ifndef PUMPURS_SERVER_SELFCHECK_QUESTIONNAIRES_H_
#define PUMPURS_SERVER_SELFCHECK_QUESTIONNAIRES_H_

// Parents' self-check questionnaires, kept like knowledge-base articles: a
// working copy (draft) per questionnaire, published as immutable numbered
// revisions (sc_questionnaire_revisions).
//
// Who reads what:
//  - methodologists and national administrators (auth kKnowledgeWrite) read
//    every questionnaire, as its working copy;
//  - anyone else (anonymous callers included) reads published
//    questionnaires, as their latest revision; a draft is NOT_FOUND.
// The band's questionnaire for parents is the one whose latest revision was
// published most recently.
//
// Validation (INVALID_ARGUMENT naming each field, on create and update):
// age_band a known band; title lv/en at most 200 characters, introduction
// at most 2000; at most 40 questions, ids 1..64 of [A-Za-z0-9_-] unique in
// the questionnaire, area a real RiskGroup, text lv required (1..500), 2 to
// 6 options with ids of the same form unique in the question, option text
// lv required (1..200), points 0..10, explanation at most 500; at most one
// AreaRule per area, threshold 0 (not yet set) to 1000, at most 10 guides
// "articles/{id}" of existing articles, each once, advice at most 2000.
// Publishing needs it complete (FAILED_PRECONDITION QUESTIONNAIRE_INCOMPLETE,
// with the field violations): a Latvian title, at least one question, a rule
// for every area with questions (and none for an area without), every
// threshold 1 or more, a Latvian advice, every guide a published article for
// parents.

#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/self_check.pb.h"
#include "server/common/call_context.h"
#include "server/common/error.h"
#include "server/common/page.h"
#include "server/common/principal.h"
#include "server/storage/connection.h"

namespace pumpurs::selfcheck {

using storage::Connection;

inline constexpr absl::string_view kQuestionnaires = "questionnaires";
// The publisher of seed content.
inline constexpr absl::string_view kSeedPublisher = "system:seed";

struct QuestionnaireQuery {
  int age_band = 0;  // AgeBand; 0: all
  int page_size = 0;
  std::string page_token;
};

absl::StatusOr<pumpurs::v1::Questionnaire> GetQuestionnaire(
    Connection& conn, const Principal& principal, absl::string_view id);
// By age band, then id.
absl::StatusOr<ListPage<pumpurs::v1::Questionnaire>> ListQuestionnaires(
    Connection& conn, const Principal& principal, const QuestionnaireQuery& q);

// The writes below check kKnowledgeWrite themselves (UNAUTHENTICATED for an
// anonymous caller, PERMISSION_DENIED otherwise) before anything else.
absl::StatusOr<pumpurs::v1::Questionnaire> CreateQuestionnaire(
    Connection& conn, const CallContext& call,
    const pumpurs::v1::Questionnaire& questionnaire,
    absl::string_view request_id, absl::Time now);
// `paths`: which of age_band, texts (title and introduction), questions,
// areas to take from `values`.
absl::StatusOr<pumpurs::v1::Questionnaire> UpdateQuestionnaire(
    Connection& conn, const CallContext& call, absl::string_view id,
    const pumpurs::v1::Questionnaire& values,
    const std::set<std::string>& paths, absl::string_view etag, absl::Time now);
absl::StatusOr<pumpurs::v1::Questionnaire> PublishQuestionnaire(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, absl::Time now);

// A published revision, for evaluation.
struct PublishedQuestionnaire {
  std::string id;
  int revision = 0;
  pumpurs::v1::Questionnaire content;  // as published (output fields set)
};
// The latest revision of a published questionnaire; NOT_FOUND for a draft.
absl::StatusOr<PublishedQuestionnaire> LoadPublished(Connection& conn,
                                                     absl::string_view id);
// The band's questionnaire for parents; NOT_FOUND if none is published.
absl::StatusOr<PublishedQuestionnaire> LoadPublishedForBand(Connection& conn,
                                                            int age_band);

// The content fields of `q` (what the working copy stores).
pumpurs::v1::Questionnaire QuestionnaireContent(
    const pumpurs::v1::Questionnaire& q);

// Adds a violation (field paths under `prefix`) for every format problem.
absl::Status ValidateQuestionnaire(Connection& conn, Violations& v,
                                   const std::string& prefix,
                                   const pumpurs::v1::Questionnaire& q);
// Adds a violation for everything publishing still needs.
absl::Status CheckComplete(Connection& conn, Violations& v,
                           const std::string& prefix,
                           const pumpurs::v1::Questionnaire& q);

// For the seed loader (no validation, no authorization).
struct SeedQuestionnaireState {
  std::string id;
  std::string seed_hash;
  bool edited = false;
};
absl::StatusOr<std::optional<SeedQuestionnaireState>> FindSeedQuestionnaire(
    Connection& conn, absl::string_view seed_key);
absl::StatusOr<std::string> InsertSeedQuestionnaire(
    Connection& conn, const pumpurs::v1::Questionnaire& content,
    absl::string_view seed_key, absl::string_view seed_hash, absl::Time now);
absl::Status ReplaceSeedQuestionnaire(Connection& conn, absl::string_view id,
                                      const pumpurs::v1::Questionnaire& content,
                                      absl::string_view seed_hash,
                                      absl::Time now);
// Publishes the working copy as the next revision. `mark_edited`: the
// change came through the API.
absl::Status PublishWorkingCopy(Connection& conn, absl::string_view id,
                                absl::string_view publisher, absl::Time now,
                                bool mark_edited);

}  // namespace pumpurs::selfcheck

#endif  // PUMPURS_SERVER_SELFCHECK_QUESTIONNAIRES_H_
