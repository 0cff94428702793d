#include "server/selfcheck/seed.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <sodium.h>

#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "pumpurs/v1/self_check.pb.h"
#include "server/common/call_context.h"
#include "server/common/error.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/knowledge/articles.h"
#include "server/knowledge/seed_support.h"
#include "server/knowledge/taxonomy.h"
#include "server/selfcheck/questionnaires.h"

namespace pumpurs::selfcheck {
namespace {

namespace v1 = ::pumpurs::v1;

constexpr absl::string_view kSeedGuidePrefix = "seed:";

// Replaces "seed:{key}" guides by "articles/{id}" of the knowledge base's
// seed article with that key; a violation for an unknown key.
absl::Status ResolveGuides(Connection& conn, Violations& v,
                           const std::string& where, v1::Questionnaire& q) {
  for (int i = 0; i < q.areas_size(); ++i) {
    v1::AreaRule* rule = q.mutable_areas(i);
    for (int j = 0; j < rule->guides_size(); ++j) {
      absl::string_view guide = rule->guides(j);
      if (!absl::ConsumePrefix(&guide, kSeedGuidePrefix)) continue;
      PUMPURS_ASSIGN_OR_RETURN(
          std::optional<knowledge::SeedArticleState> article,
          knowledge::FindSeedArticle(conn, guide));
      if (!article) {
        v.Add(absl::StrCat(where, ".areas[", i, "].guides[", j, "]"),
              "names no seed article of the knowledge base");
        continue;
      }
      *rule->mutable_guides(j) =
          absl::StrCat(knowledge::kArticles, "/", article->id);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<QuestionnaireSeedCounts> LoadQuestionnaireSeed(
    Connection& conn, absl::string_view name, absl::string_view text,
    absl::Time now) {
  if (sodium_init() < 0) return absl::InternalError("libsodium init failed");
  v1::ListQuestionnairesResponse seed;
  {
    google::protobuf::TextFormat::Parser parser;
    knowledge::FirstSeedError errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(std::string(text), &seed)) {
      Violations v;
      v.Add(std::string(name),
            absl::StrCat("does not parse as a list of questionnaires: ",
                         errors.message()));
      return knowledge::SeedError("self-check seed", v);
    }
  }
  Violations v;
  std::set<std::string> keys;
  std::vector<v1::Questionnaire> resolved;
  for (int i = 0; i < seed.questionnaires_size(); ++i) {
    const v1::Questionnaire& item = seed.questionnaires(i);
    const std::string where = absl::StrCat(name, ": questionnaires[", i, "]");
    if (!knowledge::IsValidCode(item.seed_key())) {
      v.Add(where + ".seed_key", "is required: 1 to 64 of a-z, 0-9 and -");
    } else if (!keys.insert(item.seed_key()).second) {
      v.Add(where + ".seed_key", "is given twice in the seed");
    }
    v1::Questionnaire content = QuestionnaireContent(item);
    PUMPURS_RETURN_IF_ERROR(ResolveGuides(conn, v, where, content));
    PUMPURS_RETURN_IF_ERROR(ValidateQuestionnaire(conn, v, where, content));
    PUMPURS_RETURN_IF_ERROR(CheckComplete(conn, v, where, content));
    resolved.push_back(std::move(content));
  }
  if (!v.empty()) return knowledge::SeedError("self-check seed", v);

  QuestionnaireSeedCounts counts;
  for (int i = 0; i < seed.questionnaires_size(); ++i) {
    const v1::Questionnaire& item = seed.questionnaires(i);
    // The hash of the item as written (guides by seed key), so the same
    // seed gives the same hash in every database.
    v1::Questionnaire written = QuestionnaireContent(item);
    written.set_seed_key(item.seed_key());
    const std::string hash = knowledge::SeedHash(written);
    PUMPURS_ASSIGN_OR_RETURN(std::optional<SeedQuestionnaireState> found,
                             FindSeedQuestionnaire(conn, item.seed_key()));
    std::string id;
    if (!found) {
      ++counts.added;
      PUMPURS_ASSIGN_OR_RETURN(
          id, InsertSeedQuestionnaire(conn, resolved[i], item.seed_key(), hash,
                                      now));
    } else if (found->seed_hash == hash) {
      ++counts.unchanged;
      continue;
    } else if (found->edited) {
      ++counts.kept_edited;
      continue;
    } else {
      ++counts.updated;
      id = found->id;
      PUMPURS_RETURN_IF_ERROR(
          ReplaceSeedQuestionnaire(conn, id, resolved[i], hash, now));
    }
    PUMPURS_RETURN_IF_ERROR(
        PublishWorkingCopy(conn, id, kSeedPublisher, now, false));
  }
  return counts;
}

absl::StatusOr<QuestionnaireSeedCounts> LoadEmbeddedQuestionnaireSeed(
    storage::Database& db) {
  CallContext call;
  call.caller_id = std::string(kSeedPublisher);
  QuestionnaireSeedCounts counts;
  PUMPURS_RETURN_IF_ERROR(
      db.WriteSync(call, [&](storage::Connection& c) -> absl::Status {
        PUMPURS_ASSIGN_OR_RETURN(
            counts,
            LoadQuestionnaireSeed(c, "questionnaires.textproto",
                                  EmbeddedQuestionnaireSeed(), absl::Now()));
        return absl::OkStatus();
      }));
  LogLine("selfcheck_seed_loaded")
      .Int("added", counts.added)
      .Int("updated", counts.updated)
      .Int("unchanged", counts.unchanged)
      .Int("kept_edited", counts.kept_edited);
  return counts;
}

}  // namespace pumpurs::selfcheck
