#include "server/selfcheck/questionnaires.h"

#include <google/protobuf/util/time_util.h>

#include <limits>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/auth/policy.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/knowledge/articles.h"
#include "server/knowledge/taxonomy.h"
#include "server/storage/request_ids.h"

namespace pumpurs::selfcheck {
namespace {

namespace v1 = ::pumpurs::v1;
using google::protobuf::util::TimeUtil;

constexpr char kCreateMethod[] = "CreateQuestionnaire";
constexpr int kMaxQuestions = 40;
constexpr int kMinOptions = 2;
constexpr int kMaxOptions = 6;
constexpr int kMaxPoints = 10;
constexpr int kMaxThreshold = 1000;
constexpr int kMaxGuides = 10;
constexpr size_t kMaxIdChars = 64;
constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxIntroduction = 2000;
constexpr size_t kMaxQuestionText = 500;
constexpr size_t kMaxOptionText = 200;
constexpr size_t kMaxExplanation = 500;
constexpr size_t kMaxAdvice = 2000;

google::protobuf::Timestamp Stamp(int64_t micros) {
  return TimeUtil::MicrosecondsToTimestamp(micros);
}

std::string NameOf(absl::string_view id) {
  return absl::StrCat(kQuestionnaires, "/", id);
}

bool MayWrite(const Principal& p) {
  return auth::Authorize(p, auth::Action::kKnowledgeWrite, {}).ok();
}

absl::Status RequireWriter(const CallContext& call) {
  return auth::Authorize(call.principal, auth::Action::kKnowledgeWrite, {});
}

struct Row {
  std::string id;
  std::string seed_key;
  int age_band = 0;
  int state = 0;
  int64_t published_revision = 0;
  int64_t version = 0;
  int64_t update_time = 0;
  v1::Questionnaire draft;
  std::optional<v1::Questionnaire> published;
};

constexpr char kRowColumns[] =
    "q.id, IFNULL(q.seed_key, ''), q.age_band, q.state, "
    "q.published_revision, q.version, q.update_time, q.draft, r.data";
constexpr char kRowFrom[] =
    " FROM sc_questionnaires q LEFT JOIN sc_questionnaire_revisions r "
    "ON r.questionnaire_id = q.id AND r.number = q.published_revision";

absl::StatusOr<Row> ReadRow(const storage::Statement& s) {
  Row row;
  row.id = s.ColumnText(0);
  row.seed_key = s.ColumnText(1);
  row.age_band = static_cast<int>(s.ColumnInt64(2));
  row.state = static_cast<int>(s.ColumnInt64(3));
  row.published_revision = s.ColumnInt64(4);
  row.version = s.ColumnInt64(5);
  row.update_time = s.ColumnInt64(6);
  if (!row.draft.ParseFromString(s.ColumnText(7))) {
    return absl::DataLossError("a questionnaire's working copy does not parse");
  }
  if (!s.ColumnIsNull(8)) {
    v1::Questionnaire pub;
    if (!pub.ParseFromString(s.ColumnText(8))) {
      return absl::DataLossError("a questionnaire revision does not parse");
    }
    row.published = std::move(pub);
  }
  return row;
}

absl::StatusOr<std::optional<Row>> LoadRow(Connection& conn,
                                           absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(
          absl::StrCat("SELECT ", kRowColumns, kRowFrom, " WHERE q.id = ?")));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<Row>();
  PUMPURS_ASSIGN_OR_RETURN(Row row, ReadRow(s));
  return std::optional<Row>(std::move(row));
}

absl::StatusOr<Row> MustLoad(Connection& conn, absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(std::optional<Row> row, LoadRow(conn, id));
  if (!row) return NotFoundError(NameOf(id));
  return *std::move(row);
}

void FillOutput(const Row& row, v1::Questionnaire* out) {
  out->set_name(NameOf(row.id));
  out->set_state(static_cast<v1::QuestionnaireState>(row.state));
  out->set_revision(static_cast<int32_t>(row.published_revision));
  out->set_etag(EtagFor(row.version));
  *out->mutable_update_time() = Stamp(row.update_time);
  out->set_seed_key(row.seed_key);
}

v1::Questionnaire WriterView(const Row& row) {
  v1::Questionnaire out = QuestionnaireContent(row.draft);
  FillOutput(row, &out);
  return out;
}

v1::Questionnaire ReaderView(const Row& row) {
  v1::Questionnaire out = *row.published;
  FillOutput(row, &out);
  return out;
}

absl::StatusOr<v1::Questionnaire> ViewFor(const Principal& p, const Row& row) {
  if (MayWrite(p)) return WriterView(row);
  if (row.state != v1::QUESTIONNAIRE_STATE_PUBLISHED || !row.published) {
    return NotFoundError(NameOf(row.id));
  }
  return ReaderView(row);
}

bool IsValidItemId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdChars) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsRealGroup(int g) {
  return g != v1::RISK_GROUP_UNSPECIFIED && v1::RiskGroup_IsValid(g);
}

// lv required or optional; en always optional.
void CheckLocalized(Violations& v, const std::string& field,
                    const v1::LocalizedText& t, size_t max_chars,
                    bool lv_required) {
  if (lv_required) {
    CheckRequiredText(v, field + ".lv", t.lv(), max_chars);
  } else {
    CheckOptionalText(v, field + ".lv", t.lv(), max_chars);
  }
  CheckOptionalText(v, field + ".en", t.en(), max_chars);
}

absl::Status IncompleteError(const Violations& v) {
  std::string message = "the questionnaire is not complete: ";
  bool first = true;
  for (const FieldViolation& fv : v.items()) {
    absl::StrAppend(&message, first ? "" : "; ", fv.field, " ", fv.description);
    first = false;
  }
  return WithFieldViolations(Error(absl::StatusCode::kFailedPrecondition,
                                   "QUESTIONNAIRE_INCOMPLETE", message),
                             v.items());
}

absl::StatusOr<PublishedQuestionnaire> FromRow(const Row& row) {
  if (row.state != v1::QUESTIONNAIRE_STATE_PUBLISHED || !row.published) {
    return NotFoundError(NameOf(row.id));
  }
  PublishedQuestionnaire out;
  out.id = row.id;
  out.revision = static_cast<int>(row.published_revision);
  out.content = *row.published;
  return out;
}

}  // namespace

v1::Questionnaire QuestionnaireContent(const v1::Questionnaire& q) {
  v1::Questionnaire out;
  out.set_age_band(q.age_band());
  *out.mutable_title() = q.title();
  *out.mutable_introduction() = q.introduction();
  *out.mutable_questions() = q.questions();
  *out.mutable_areas() = q.areas();
  return out;
}

absl::Status ValidateQuestionnaire(Connection& conn, Violations& v,
                                   const std::string& prefix,
                                   const v1::Questionnaire& q) {
  const std::string p = prefix.empty() ? "" : prefix + ".";
  if (q.age_band() == v1::AGE_BAND_UNSPECIFIED ||
      !v1::AgeBand_IsValid(q.age_band())) {
    v.Add(p + "age_band", "is required and must be a known age band");
  }
  CheckLocalized(v, p + "title", q.title(), kMaxTitle, false);
  CheckLocalized(v, p + "introduction", q.introduction(), kMaxIntroduction,
                 false);
  if (q.questions_size() > kMaxQuestions) {
    v.Add(p + "questions",
          absl::StrCat("must be at most ", kMaxQuestions, " questions"));
  }
  std::set<std::string> question_ids;
  for (int i = 0; i < q.questions_size(); ++i) {
    const v1::Question& question = q.questions(i);
    const std::string f = absl::StrCat(p, "questions[", i, "]");
    if (!IsValidItemId(question.id())) {
      v.Add(f + ".id", "is required: 1 to 64 of A-Z, a-z, 0-9, _ and -");
    } else if (!question_ids.insert(question.id()).second) {
      v.Add(f + ".id", "is used by another question");
    }
    if (!IsRealGroup(question.area())) {
      v.Add(f + ".area", "is required and must be a known risk group");
    }
    CheckLocalized(v, f + ".text", question.text(), kMaxQuestionText, true);
    if (question.options_size() < kMinOptions ||
        question.options_size() > kMaxOptions) {
      v.Add(f + ".options", absl::StrCat("must be ", kMinOptions, " to ",
                                         kMaxOptions, " options"));
    }
    std::set<std::string> option_ids;
    for (int j = 0; j < question.options_size(); ++j) {
      const v1::AnswerOption& o = question.options(j);
      const std::string of = absl::StrCat(f, ".options[", j, "]");
      if (!IsValidItemId(o.id())) {
        v.Add(of + ".id", "is required: 1 to 64 of A-Z, a-z, 0-9, _ and -");
      } else if (!option_ids.insert(o.id()).second) {
        v.Add(of + ".id", "is used by another option of the question");
      }
      CheckLocalized(v, of + ".text", o.text(), kMaxOptionText, true);
      if (o.points() < 0 || o.points() > kMaxPoints) {
        v.Add(of + ".points", absl::StrCat("must be 0 to ", kMaxPoints));
      }
      CheckLocalized(v, of + ".explanation", o.explanation(), kMaxExplanation,
                     false);
    }
  }
  std::set<int> rule_areas;
  for (int i = 0; i < q.areas_size(); ++i) {
    const v1::AreaRule& rule = q.areas(i);
    const std::string f = absl::StrCat(p, "areas[", i, "]");
    if (!IsRealGroup(rule.area())) {
      v.Add(f + ".area", "is required and must be a known risk group");
    } else if (!rule_areas.insert(rule.area()).second) {
      v.Add(f + ".area", "has another rule");
    }
    if (rule.threshold() < 0 || rule.threshold() > kMaxThreshold) {
      v.Add(f + ".threshold", absl::StrCat("must be 1 to ", kMaxThreshold,
                                           " (0 while not yet set)"));
    }
    if (rule.guides_size() > kMaxGuides) {
      v.Add(f + ".guides",
            absl::StrCat("must be at most ", kMaxGuides, " guides"));
    }
    std::set<std::string> guides;
    for (int j = 0; j < rule.guides_size(); ++j) {
      const std::string gf = absl::StrCat(f, ".guides[", j, "]");
      absl::StatusOr<std::string> id =
          ParseResourceName(rule.guides(j), knowledge::kArticles, gf);
      if (!id.ok()) {
        v.Add(gf, "must have the form articles/{id}");
        continue;
      }
      if (!guides.insert(*id).second) {
        v.Add(gf, "is listed twice");
        continue;
      }
      PUMPURS_ASSIGN_OR_RETURN(
          storage::Statement s,
          conn.Prepare("SELECT 1 FROM kb_articles WHERE id = ?"));
      s.Bind(1, *id);
      PUMPURS_ASSIGN_OR_RETURN(bool exists, s.Step());
      if (!exists) v.Add(gf, "is not a known article");
    }
    CheckLocalized(v, f + ".advice", rule.advice(), kMaxAdvice, false);
  }
  return absl::OkStatus();
}

absl::Status CheckComplete(Connection& conn, Violations& v,
                           const std::string& prefix,
                           const v1::Questionnaire& q) {
  const std::string p = prefix.empty() ? "" : prefix + ".";
  if (q.title().lv().empty()) v.Add(p + "title.lv", "is required to publish");
  if (q.questions_size() == 0) {
    v.Add(p + "questions", "needs at least one question to publish");
  }
  std::set<int> with_questions;
  for (const v1::Question& question : q.questions()) {
    with_questions.insert(question.area());
  }
  std::set<int> with_rules;
  for (int i = 0; i < q.areas_size(); ++i) {
    const v1::AreaRule& rule = q.areas(i);
    const std::string f = absl::StrCat(p, "areas[", i, "]");
    with_rules.insert(rule.area());
    if (!with_questions.count(rule.area())) {
      v.Add(f + ".area", "has no questions; remove the rule to publish");
    }
    if (rule.threshold() < 1) {
      v.Add(f + ".threshold", "must be 1 or more to publish");
    }
    if (rule.advice().lv().empty()) {
      v.Add(f + ".advice.lv", "is required to publish");
    }
    const Principal anonymous;
    for (int j = 0; j < rule.guides_size(); ++j) {
      absl::StatusOr<std::string> id =
          ParseResourceName(rule.guides(j), knowledge::kArticles, "guide");
      if (!id.ok()) continue;  // a format violation already
      absl::StatusOr<v1::Article> article =
          knowledge::GetArticle(conn, anonymous, *id);
      if (!article.ok() &&
          article.status().code() != absl::StatusCode::kNotFound &&
          article.status().code() != absl::StatusCode::kUnauthenticated) {
        return article.status();
      }
      if (!article.ok()) {
        v.Add(absl::StrCat(f, ".guides[", j, "]"),
              "must be a published article for parents to publish");
      }
    }
  }
  for (int area : with_questions) {
    if (IsRealGroup(area) && !with_rules.count(area)) {
      v.Add(p + "areas",
            absl::StrCat("needs a rule for ", v1::RiskGroup_Name(area),
                         " (it has questions) to publish"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Questionnaire> GetQuestionnaire(Connection& conn,
                                                   const Principal& p,
                                                   absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  return ViewFor(p, row);
}

absl::StatusOr<ListPage<v1::Questionnaire>> ListQuestionnaires(
    Connection& conn, const Principal& p, const QuestionnaireQuery& q) {
  if (q.age_band < 0 || q.age_band > v1::AgeBand_MAX) {
    return InvalidFieldError("age_band", "is not a known age band");
  }
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(q.page_size));
  const bool writer = MayWrite(p);
  const std::string query =
      absl::StrCat("ListQuestionnaires/", q.age_band, "/", writer ? "w" : "p");
  int64_t after_band = 0;
  std::string after_id;
  if (!q.page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(q.page_token, query, 2));
    if (!absl::SimpleAtoi(key[0], &after_band)) {
      return WithReason(
          InvalidFieldError("page_token", "is not a valid page token"),
          "INVALID_PAGE_TOKEN");
    }
    after_id = key[1];
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat(
          "SELECT ", kRowColumns, kRowFrom,
          " WHERE (?1 = 0 OR q.age_band = ?1) AND (?2 = 1 OR q.state = 2) "
          "AND (q.age_band, q.id) > (?3, ?4) "
          "ORDER BY q.age_band, q.id LIMIT ?5")));
  s.Bind(1, int64_t{q.age_band})
      .Bind(2, int64_t{writer ? 1 : 0})
      .Bind(3, after_band)
      .Bind(4, after_id)
      .Bind(5, int64_t{size} + 1);
  ListPage<v1::Questionnaire> page;
  std::vector<std::string> last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool more, s.Step());
    if (!more) break;
    if (static_cast<int>(page.items.size()) == size) {
      page.next_page_token = EncodePageToken(query, last);
      break;
    }
    PUMPURS_ASSIGN_OR_RETURN(Row row, ReadRow(s));
    if (writer) {
      page.items.push_back(WriterView(row));
    } else if (row.published) {
      page.items.push_back(ReaderView(row));
    }
    last = {absl::StrCat(row.age_band), row.id};
  }
  return page;
}

absl::StatusOr<v1::Questionnaire> CreateQuestionnaire(
    Connection& conn, const CallContext& call, const v1::Questionnaire& in,
    absl::string_view request_id, absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(RequireWriter(call));
  const v1::Questionnaire content = QuestionnaireContent(in);
  Violations v;
  PUMPURS_RETURN_IF_ERROR(
      ValidateQuestionnaire(conn, v, "questionnaire", content));
  CheckRequestId(v, request_id);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  if (!request_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        storage::RequestIds::Find(conn, call.caller_id, kCreateMethod,
                                  request_id));
    if (earlier) {
      PUMPURS_ASSIGN_OR_RETURN(
          std::string id,
          ParseResourceName(*earlier, kQuestionnaires, "request_id"));
      PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
      return WriterView(row);
    }
  }
  const std::string id = NewId();
  const int64_t micros = absl::ToUnixMicros(now);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO sc_questionnaires (id, seed_key, age_band, "
                   "state, draft, version, create_time, update_time) VALUES "
                   "(?, NULL, ?, 1, ?, 1, ?, ?)"));
  s.Bind(1, id)
      .Bind(2, int64_t{content.age_band()})
      .BindBlob(3, content.SerializeAsString())
      .Bind(4, micros)
      .Bind(5, micros);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(storage::RequestIds::Remember(
        conn, call.caller_id, kCreateMethod, request_id, NameOf(id), now));
  }
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  return WriterView(row);
}

absl::StatusOr<v1::Questionnaire> UpdateQuestionnaire(
    Connection& conn, const CallContext& call, absl::string_view id,
    const v1::Questionnaire& values, const std::set<std::string>& paths,
    absl::string_view etag, absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(RequireWriter(call));
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  if (!EtagMatches(etag, row.version)) return EtagMismatchError(NameOf(id));
  v1::Questionnaire draft = QuestionnaireContent(row.draft);
  if (paths.count("age_band")) draft.set_age_band(values.age_band());
  if (paths.count("texts")) {
    *draft.mutable_title() = values.title();
    *draft.mutable_introduction() = values.introduction();
  }
  if (paths.count("questions")) *draft.mutable_questions() = values.questions();
  if (paths.count("areas")) *draft.mutable_areas() = values.areas();
  Violations v;
  PUMPURS_RETURN_IF_ERROR(
      ValidateQuestionnaire(conn, v, "questionnaire", draft));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  // The band column follows the working copy until the first publication,
  // then the published revision (what parents get).
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE sc_questionnaires SET draft = ?, version = version "
                   "+ 1, update_time = ?, edited = 1, age_band = CASE WHEN "
                   "published_revision = 0 THEN ? ELSE age_band END "
                   "WHERE id = ?"));
  s.BindBlob(1, draft.SerializeAsString())
      .Bind(2, absl::ToUnixMicros(now))
      .Bind(3, int64_t{draft.age_band()})
      .Bind(4, id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_ASSIGN_OR_RETURN(Row updated, MustLoad(conn, id));
  return WriterView(updated);
}

absl::Status PublishWorkingCopy(Connection& conn, absl::string_view id,
                                absl::string_view publisher, absl::Time now,
                                bool mark_edited) {
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  const int64_t number = row.published_revision + 1;
  const int64_t micros = absl::ToUnixMicros(now);
  v1::Questionnaire published = QuestionnaireContent(row.draft);
  published.set_name(NameOf(row.id));
  published.set_state(v1::QUESTIONNAIRE_STATE_PUBLISHED);
  published.set_revision(static_cast<int32_t>(number));
  *published.mutable_update_time() = Stamp(micros);
  published.set_seed_key(row.seed_key);
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT INTO sc_questionnaire_revisions "
                     "(questionnaire_id, number, data, publish_time, "
                     "publisher) VALUES (?, ?, ?, ?, ?)"));
    s.Bind(1, id)
        .Bind(2, number)
        .BindBlob(3, published.SerializeAsString())
        .Bind(4, micros)
        .Bind(5, publisher);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE sc_questionnaires SET state = 2, "
                   "published_revision = ?, age_band = ?, version = version + "
                   "1, update_time = ?, edited = MAX(edited, ?) WHERE id = ?"));
  s.Bind(1, number)
      .Bind(2, int64_t{published.age_band()})
      .Bind(3, micros)
      .Bind(4, int64_t{mark_edited ? 1 : 0})
      .Bind(5, id);
  return s.Run();
}

absl::StatusOr<v1::Questionnaire> PublishQuestionnaire(Connection& conn,
                                                       const CallContext& call,
                                                       absl::string_view id,
                                                       absl::string_view etag,
                                                       absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(RequireWriter(call));
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  if (!EtagMatches(etag, row.version)) return EtagMismatchError(NameOf(id));
  const v1::Questionnaire draft = QuestionnaireContent(row.draft);
  // The knowledge base could have changed since the draft was written.
  Violations v;
  PUMPURS_RETURN_IF_ERROR(
      ValidateQuestionnaire(conn, v, "questionnaire", draft));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_RETURN_IF_ERROR(CheckComplete(conn, v, "questionnaire", draft));
  if (!v.empty()) return IncompleteError(v);
  PUMPURS_RETURN_IF_ERROR(
      PublishWorkingCopy(conn, id, call.principal.ActorName(), now, true));
  PUMPURS_ASSIGN_OR_RETURN(Row updated, MustLoad(conn, id));
  return WriterView(updated);
}

absl::StatusOr<PublishedQuestionnaire> LoadPublished(Connection& conn,
                                                     absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  return FromRow(row);
}

absl::StatusOr<PublishedQuestionnaire> LoadPublishedForBand(Connection& conn,
                                                            int age_band) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(
          absl::StrCat("SELECT ", kRowColumns, kRowFrom,
                       " WHERE q.state = 2 AND q.age_band = ? "
                       "ORDER BY r.publish_time DESC, q.id DESC LIMIT 1")));
  s.Bind(1, int64_t{age_band});
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) {
    return Error(absl::StatusCode::kNotFound, "NOT_FOUND",
                 absl::StrCat("no questionnaire is published for ",
                              v1::AgeBand_Name(age_band)));
  }
  PUMPURS_ASSIGN_OR_RETURN(Row row, ReadRow(s));
  return FromRow(row);
}

absl::StatusOr<std::optional<SeedQuestionnaireState>> FindSeedQuestionnaire(
    Connection& conn, absl::string_view seed_key) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT id, seed_hash, edited FROM sc_questionnaires "
                   "WHERE seed_key = ?"));
  s.Bind(1, seed_key);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<SeedQuestionnaireState>();
  SeedQuestionnaireState st;
  st.id = s.ColumnText(0);
  st.seed_hash = s.ColumnText(1);
  st.edited = s.ColumnInt64(2) != 0;
  return std::optional<SeedQuestionnaireState>(std::move(st));
}

absl::StatusOr<std::string> InsertSeedQuestionnaire(Connection& conn,
                                                    const v1::Questionnaire& q,
                                                    absl::string_view seed_key,
                                                    absl::string_view seed_hash,
                                                    absl::Time now) {
  const v1::Questionnaire content = QuestionnaireContent(q);
  const std::string id = NewId();
  const int64_t micros = absl::ToUnixMicros(now);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO sc_questionnaires (id, seed_key, age_band, "
                   "state, draft, version, create_time, update_time, "
                   "seed_hash) VALUES (?, ?, ?, 1, ?, 1, ?, ?, ?)"));
  s.Bind(1, id)
      .Bind(2, seed_key)
      .Bind(3, int64_t{content.age_band()})
      .BindBlob(4, content.SerializeAsString())
      .Bind(5, micros)
      .Bind(6, micros)
      .Bind(7, seed_hash);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  return id;
}

absl::Status ReplaceSeedQuestionnaire(Connection& conn, absl::string_view id,
                                      const v1::Questionnaire& q,
                                      absl::string_view seed_hash,
                                      absl::Time now) {
  const v1::Questionnaire content = QuestionnaireContent(q);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE sc_questionnaires SET draft = ?, seed_hash = ?, "
                   "version = version + 1, update_time = ? WHERE id = ?"));
  s.BindBlob(1, content.SerializeAsString())
      .Bind(2, seed_hash)
      .Bind(3, absl::ToUnixMicros(now))
      .Bind(4, id);
  return s.Run();
}

}  // namespace pumpurs::selfcheck
