#include "server/knowledge/articles.h"

#include <google/protobuf/util/time_util.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

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
#include "server/knowledge/search_index.h"
#include "server/storage/request_ids.h"

namespace pumpurs::knowledge {
namespace {

namespace v1 = ::pumpurs::v1;
using google::protobuf::util::TimeUtil;

constexpr char kCreateMethod[] = "CreateArticle";
constexpr int64_t kPublicAudiences =
    (1 << v1::AUDIENCE_PARENTS) | (1 << v1::AUDIENCE_PUPILS);

google::protobuf::Timestamp Stamp(int64_t micros) {
  return TimeUtil::MicrosecondsToTimestamp(micros);
}

std::string RevisionName(absl::string_view id, int64_t number) {
  return absl::StrCat(kArticles, "/", id, "/revisions/", number);
}

int64_t AudienceMask(const v1::Article& a) {
  int64_t mask = 0;
  for (int aud : a.audiences()) {
    if (aud > 0 && aud < 63) mask |= int64_t{1} << aud;
  }
  return mask;
}

bool MayWrite(const Principal& p) {
  return auth::Authorize(p, auth::Action::kKnowledgeWrite, {}).ok();
}

// OK if a reader (not a writer) may read a published text for these
// audiences; UNAUTHENTICATED for an anonymous caller and a staff-only text;
// PERMISSION_DENIED otherwise (callers turn that into NOT_FOUND).
absl::Status ReaderMay(const Principal& p, int64_t audiences) {
  if ((audiences & kPublicAudiences) != 0) return absl::OkStatus();
  return auth::Authorize(p, auth::Action::kStaffArticleRead, {});
}

absl::Status ArchivedError() {
  return Error(absl::StatusCode::kFailedPrecondition, "ARTICLE_ARCHIVED",
               "the article is archived");
}

// One kb_articles row.
struct Row {
  std::string id;
  std::string seed_key;
  int state = 0;
  int64_t published_revision = 0;
  int64_t version = 0;
  int64_t create_time = 0;
  int64_t update_time = 0;
  v1::Article draft;
  std::optional<v1::Article> published;  // only when asked for
};

constexpr char kRowColumns[] =
    "a.id, IFNULL(a.seed_key, ''), a.state, a.published_revision, a.version, "
    "a.create_time, a.update_time, a.draft, r.data";
constexpr char kRowFrom[] =
    " FROM kb_articles a LEFT JOIN kb_article_revisions r "
    "ON r.article_id = a.id AND r.number = a.published_revision";

absl::StatusOr<Row> ReadRow(const storage::Statement& s) {
  Row row;
  row.id = s.ColumnText(0);
  row.seed_key = s.ColumnText(1);
  row.state = static_cast<int>(s.ColumnInt64(2));
  row.published_revision = s.ColumnInt64(3);
  row.version = s.ColumnInt64(4);
  row.create_time = s.ColumnInt64(5);
  row.update_time = s.ColumnInt64(6);
  if (!row.draft.ParseFromString(s.ColumnText(7))) {
    return absl::DataLossError("an article's working copy does not parse");
  }
  if (!s.ColumnIsNull(8)) {
    v1::Article pub;
    if (!pub.ParseFromString(s.ColumnText(8))) {
      return absl::DataLossError("an article revision does not parse");
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
          absl::StrCat("SELECT ", kRowColumns, kRowFrom, " WHERE a.id = ?")));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<Row>();
  PUMPURS_ASSIGN_OR_RETURN(Row row, ReadRow(s));
  return std::optional<Row>(std::move(row));
}

absl::StatusOr<Row> MustLoad(Connection& conn, absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(std::optional<Row> row, LoadRow(conn, id));
  if (!row) return NotFoundError(absl::StrCat(kArticles, "/", id));
  return *std::move(row);
}

void FillOutput(const Row& row, v1::Article* out) {
  out->set_name(absl::StrCat(kArticles, "/", row.id));
  out->set_state(static_cast<v1::ArticleState>(row.state));
  out->set_published_revision(row.published_revision > 0
                                  ? RevisionName(row.id, row.published_revision)
                                  : std::string());
  out->set_etag(EtagFor(row.version));
  *out->mutable_create_time() = Stamp(row.create_time);
  *out->mutable_update_time() = Stamp(row.update_time);
  out->set_seed_key(row.seed_key);
}

// The working copy, for writers.
v1::Article WriterView(const Row& row) {
  v1::Article out = row.draft;
  FillOutput(row, &out);
  return out;
}

// The latest revision, for readers.
v1::Article ReaderView(const Row& row) {
  v1::Article out = ArticleContent(*row.published);
  FillOutput(row, &out);
  return out;
}

// The article as `principal` may see it, or the error they get.
absl::StatusOr<v1::Article> ViewFor(const Principal& p, const Row& row) {
  if (MayWrite(p)) return WriterView(row);
  const absl::Status not_found =
      NotFoundError(absl::StrCat(kArticles, "/", row.id));
  if (row.state != v1::ARTICLE_STATE_PUBLISHED || !row.published) {
    return not_found;
  }
  absl::Status may = ReaderMay(p, AudienceMask(*row.published));
  if (may.code() == absl::StatusCode::kUnauthenticated) return may;
  if (!may.ok()) return not_found;
  return ReaderView(row);
}

bool HasLatvian(const v1::Article& a) {
  for (const v1::ArticleText& t : a.texts()) {
    if (t.locale() == "lv") return true;
  }
  return false;
}

// Valid UTF-8 of at most `max_chars`; line breaks and tabs allowed.
void CheckLongText(Violations& v, const std::string& field,
                   const std::string& value, size_t max_chars) {
  int64_t n = Utf8Length(value);
  if (n < 0) {
    v.Add(field, "must be valid UTF-8");
    return;
  }
  if (static_cast<size_t>(n) > max_chars) {
    v.Add(field, absl::StrCat("must be at most ", max_chars, " characters"));
    return;
  }
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      v.Add(field,
            "must not contain control characters other than line "
            "breaks and tabs");
      return;
    }
  }
}

bool IsLowercase(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  icu::UnicodeString lower = u;
  lower.toLower(icu::Locale("lv"));
  return u == lower;
}

// Row-value key helpers for the newest-first paging.
absl::StatusOr<std::pair<int64_t, std::string>> DecodeNewestFirst(
    absl::string_view token, absl::string_view query) {
  if (token.empty())
    return std::make_pair(std::numeric_limits<int64_t>::max(), std::string());
  PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                           DecodePageToken(token, query, 2));
  int64_t t = 0;
  if (!absl::SimpleAtoi(key[0], &t)) {
    return InvalidFieldError("page_token", "is not a valid page token");
  }
  return std::make_pair(t, key[1]);
}

absl::Status ReplaceLinks(Connection& conn, absl::string_view id,
                          const v1::Article& published) {
  for (const char* sql : {"DELETE FROM kb_article_risks WHERE article_id = ?",
                          "DELETE FROM kb_article_measures WHERE article_id = "
                          "?"}) {
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
    s.Bind(1, id);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  for (const std::string& name : published.risk_factors()) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT OR IGNORE INTO kb_article_risks (article_id, "
                     "risk_code) VALUES (?, ?)"));
    s.Bind(1, id).Bind(2, CodeOf(name, kRiskFactors));
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  for (const std::string& name : published.measure_types()) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT OR IGNORE INTO kb_article_measures (article_id, "
                     "measure_code) VALUES (?, ?)"));
    s.Bind(1, id).Bind(2, CodeOf(name, kMeasureTypes));
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ArticleRevision> ReadRevision(const storage::Statement& s,
                                                 absl::string_view id) {
  v1::ArticleRevision rev;
  const int64_t number = s.ColumnInt64(0);
  if (!rev.mutable_article()->ParseFromString(s.ColumnText(1))) {
    return absl::DataLossError("an article revision does not parse");
  }
  rev.set_name(RevisionName(id, number));
  *rev.mutable_publish_time() = Stamp(s.ColumnInt64(2));
  rev.set_publisher(s.ColumnText(3));
  return rev;
}

// Whether a non-writer may read this revision; UNAUTHENTICATED passes
// through.
absl::StatusOr<bool> ReaderMayRevision(const Principal& p,
                                       const v1::ArticleRevision& rev) {
  absl::Status may = ReaderMay(p, AudienceMask(rev.article()));
  if (may.ok()) return true;
  if (may.code() == absl::StatusCode::kUnauthenticated) return may;
  return false;
}

}  // namespace

v1::Article ArticleContent(const v1::Article& a) {
  v1::Article out;
  out.set_kind(a.kind());
  *out.mutable_audiences() = a.audiences();
  *out.mutable_tags() = a.tags();
  *out.mutable_risk_factors() = a.risk_factors();
  *out.mutable_measure_types() = a.measure_types();
  *out.mutable_texts() = a.texts();
  return out;
}

absl::Status ValidateArticle(Connection& conn, Violations& v,
                             const std::string& prefix, const v1::Article& a) {
  const std::string p = prefix.empty() ? "" : prefix + ".";
  if (a.kind() == v1::ARTICLE_KIND_UNSPECIFIED ||
      !v1::ArticleKind_IsValid(a.kind())) {
    v.Add(p + "kind", "is required and must be a known article kind");
  }
  if (a.audiences_size() == 0) {
    v.Add(p + "audiences", "needs at least one audience");
  }
  {
    std::set<int> seen;
    for (int i = 0; i < a.audiences_size(); ++i) {
      const std::string f = absl::StrCat(p, "audiences[", i, "]");
      const int aud = a.audiences(i);
      if (aud == v1::AUDIENCE_UNSPECIFIED || !v1::Audience_IsValid(aud)) {
        v.Add(f, "is not a known audience");
      } else if (!seen.insert(aud).second) {
        v.Add(f, "is listed twice");
      }
    }
  }
  if (a.tags_size() > 20) v.Add(p + "tags", "must be at most 20 tags");
  {
    std::set<std::string> seen;
    for (int i = 0; i < a.tags_size(); ++i) {
      const std::string f = absl::StrCat(p, "tags[", i, "]");
      Violations tv;
      CheckRequiredText(tv, f, a.tags(i), 40);
      if (!tv.empty()) {
        for (const FieldViolation& fv : tv.items())
          v.Add(fv.field, fv.description);
      } else if (!IsLowercase(a.tags(i))) {
        v.Add(f, "must be lowercase");
      } else if (!seen.insert(a.tags(i)).second) {
        v.Add(f, "is listed twice");
      }
    }
  }
  struct RefList {
    const char* field;
    const google::protobuf::RepeatedPtrField<std::string>* names;
    absl::string_view collection;
    bool risk;
  };
  for (const RefList& list :
       {RefList{"risk_factors", &a.risk_factors(), kRiskFactors, true},
        RefList{"measure_types", &a.measure_types(), kMeasureTypes, false}}) {
    std::set<std::string> seen;
    for (int i = 0; i < list.names->size(); ++i) {
      const std::string f = absl::StrCat(p, list.field, "[", i, "]");
      const std::string code = CodeOf((*list.names)[i], list.collection);
      if (code.empty()) {
        v.Add(f,
              absl::StrCat("must have the form ", list.collection, "/{code}"));
        continue;
      }
      if (!seen.insert(code).second) {
        v.Add(f, "is listed twice");
        continue;
      }
      PUMPURS_ASSIGN_OR_RETURN(bool exists,
                               list.risk ? RiskFactorExists(conn, code)
                                         : MeasureTypeExists(conn, code));
      if (!exists) {
        v.Add(f, list.risk ? "is not a known risk factor"
                           : "is not a known measure type");
      }
    }
  }
  {
    std::set<std::string> seen;
    for (int i = 0; i < a.texts_size(); ++i) {
      const v1::ArticleText& t = a.texts(i);
      const std::string f = absl::StrCat(p, "texts[", i, "]");
      if (t.locale() != "lv" && t.locale() != "en") {
        v.Add(f + ".locale", "must be lv or en");
      } else if (!seen.insert(t.locale()).second) {
        v.Add(f + ".locale", "is given twice");
      }
      CheckRequiredText(v, f + ".title", t.title(), 200);
      CheckLongText(v, f + ".summary", t.summary(), 1000);
      CheckLongText(v, f + ".body", t.body(), 100000);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Article> GetArticle(Connection& conn, const Principal& p,
                                       absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  return ViewFor(p, row);
}

absl::StatusOr<Page<v1::Article>> ListArticles(Connection& conn,
                                               const Principal& p,
                                               const ArticleQuery& q) {
  Violations v;
  if (q.kind < 0 || q.kind > v1::ArticleKind_MAX) {
    v.Add("kind", "is not a known article kind");
  }
  if (q.audience < 0 || q.audience > v1::Audience_MAX) {
    v.Add("audience", "is not a known audience");
  }
  if (q.state < 0 || q.state > v1::ArticleState_MAX) {
    v.Add("state", "is not a known article state");
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(q.page_size));
  const bool writer = MayWrite(p);
  const bool staff_reader =
      writer || auth::Authorize(p, auth::Action::kStaffArticleRead, {}).ok();
  const std::string query =
      absl::StrCat("ListArticles/", q.kind, "/", q.audience, "/", q.risk_code,
                   "/", q.state, "/",
                   writer         ? "w"
                   : staff_reader ? "s"
                                  : "p");
  PUMPURS_ASSIGN_OR_RETURN(auto after, DecodeNewestFirst(q.page_token, query));
  Page<v1::Article> page;
  int state = q.state;
  if (!writer) {
    if (state != 0 && state != v1::ARTICLE_STATE_PUBLISHED) return page;
    state = v1::ARTICLE_STATE_PUBLISHED;
  }
  const int64_t visible_mask =
      staff_reader ? std::numeric_limits<int32_t>::max() : kPublicAudiences;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat(
          "SELECT ", kRowColumns, kRowFrom,
          " WHERE (? = 0 OR a.state = ?) AND (? = 0 OR a.kind = ?) "
          "AND (? = 0 OR (a.audiences & ?) != 0) AND (a.audiences & ?) != 0 "
          "AND (? = '' OR EXISTS (SELECT 1 FROM kb_article_risks k "
          "WHERE k.article_id = a.id AND k.risk_code = ?)) "
          "AND (a.update_time, a.id) < (?, ?) "
          "ORDER BY a.update_time DESC, a.id DESC LIMIT ?")));
  const int64_t audience_bit = q.audience == 0 ? 0 : (int64_t{1} << q.audience);
  s.Bind(1, int64_t{state})
      .Bind(2, int64_t{state})
      .Bind(3, int64_t{q.kind})
      .Bind(4, int64_t{q.kind})
      .Bind(5, audience_bit)
      .Bind(6, audience_bit)
      .Bind(7, visible_mask)
      .Bind(8, q.risk_code)
      .Bind(9, q.risk_code)
      .Bind(10, after.first)
      .Bind(11, after.second)
      .Bind(12, int64_t{size} + 1);
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
    last = {absl::StrCat(row.update_time), row.id};
  }
  return page;
}

absl::StatusOr<v1::Article> CreateArticle(Connection& conn,
                                          const CallContext& call,
                                          const v1::Article& article,
                                          absl::string_view request_id) {
  const v1::Article content = ArticleContent(article);
  Violations v;
  PUMPURS_RETURN_IF_ERROR(ValidateArticle(conn, v, "article", content));
  CheckRequestId(v, request_id);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  if (!request_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        storage::RequestIds::Find(conn, call.caller_id, kCreateMethod,
                                  request_id));
    if (earlier) {
      PUMPURS_ASSIGN_OR_RETURN(
          std::string id, ParseResourceName(*earlier, kArticles, "request_id"));
      PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
      return WriterView(row);
    }
  }
  const absl::Time now = absl::Now();
  const std::string id = NewId();
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO kb_articles (id, seed_key, kind, state, "
                   "audiences, draft, version, create_time, update_time) "
                   "VALUES (?, NULL, ?, ?, ?, ?, 1, ?, ?)"));
  s.Bind(1, id)
      .Bind(2, int64_t{content.kind()})
      .Bind(3, int64_t{v1::ARTICLE_STATE_DRAFT})
      .Bind(4, AudienceMask(content))
      .BindBlob(5, content.SerializeAsString())
      .Bind(6, absl::ToUnixMicros(now))
      .Bind(7, absl::ToUnixMicros(now));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(storage::RequestIds::Remember(
        conn, call.caller_id, kCreateMethod, request_id,
        absl::StrCat(kArticles, "/", id), now));
  }
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  return WriterView(row);
}

absl::StatusOr<v1::Article> UpdateArticle(Connection& conn,
                                          const CallContext& call,
                                          absl::string_view id,
                                          const v1::Article& values,
                                          const std::set<std::string>& paths,
                                          absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  if (!EtagMatches(etag, row.version)) {
    return EtagMismatchError(absl::StrCat(kArticles, "/", id));
  }
  if (row.state == v1::ARTICLE_STATE_ARCHIVED) return ArchivedError();
  v1::Article draft = row.draft;
  if (paths.count("kind")) draft.set_kind(values.kind());
  if (paths.count("audiences")) *draft.mutable_audiences() = values.audiences();
  if (paths.count("tags")) *draft.mutable_tags() = values.tags();
  if (paths.count("risk_factors")) {
    *draft.mutable_risk_factors() = values.risk_factors();
  }
  if (paths.count("measure_types")) {
    *draft.mutable_measure_types() = values.measure_types();
  }
  if (paths.count("texts")) *draft.mutable_texts() = values.texts();
  Violations v;
  PUMPURS_RETURN_IF_ERROR(ValidateArticle(conn, v, "article", draft));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE kb_articles SET draft = ?, version = version + 1, "
                   "update_time = ?, edited = 1, "
                   "kind = CASE WHEN published_revision = 0 THEN ? ELSE kind "
                   "END, audiences = CASE WHEN published_revision = 0 THEN ? "
                   "ELSE audiences END WHERE id = ?"));
  s.BindBlob(1, draft.SerializeAsString())
      .Bind(2, absl::ToUnixMicros(absl::Now()))
      .Bind(3, int64_t{draft.kind()})
      .Bind(4, AudienceMask(draft))
      .Bind(5, id);
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
  v1::Article published = ArticleContent(row.draft);
  published.set_name(absl::StrCat(kArticles, "/", row.id));
  published.set_state(v1::ARTICLE_STATE_PUBLISHED);
  published.set_published_revision(RevisionName(row.id, number));
  *published.mutable_create_time() = Stamp(row.create_time);
  *published.mutable_update_time() = Stamp(micros);
  published.set_seed_key(row.seed_key);
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT INTO kb_article_revisions (article_id, number, "
                     "data, publish_time, publisher) VALUES (?, ?, ?, ?, ?)"));
    s.Bind(1, id)
        .Bind(2, number)
        .BindBlob(3, published.SerializeAsString())
        .Bind(4, micros)
        .Bind(5, publisher);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("UPDATE kb_articles SET state = ?, published_revision = "
                     "?, kind = ?, audiences = ?, version = version + 1, "
                     "update_time = ?, edited = MAX(edited, ?) WHERE id = ?"));
    s.Bind(1, int64_t{v1::ARTICLE_STATE_PUBLISHED})
        .Bind(2, number)
        .Bind(3, int64_t{published.kind()})
        .Bind(4, AudienceMask(published))
        .Bind(5, micros)
        .Bind(6, int64_t{mark_edited ? 1 : 0})
        .Bind(7, id);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  PUMPURS_RETURN_IF_ERROR(ReplaceLinks(conn, id, published));
  return ReindexArticle(conn, id);
}

absl::StatusOr<v1::Article> PublishArticle(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  if (!EtagMatches(etag, row.version)) {
    return EtagMismatchError(absl::StrCat(kArticles, "/", id));
  }
  if (row.state == v1::ARTICLE_STATE_ARCHIVED) return ArchivedError();
  if (!HasLatvian(row.draft)) {
    return Error(absl::StatusCode::kFailedPrecondition, "ARTICLE_NEEDS_LATVIAN",
                 "an article needs a Latvian text (locale lv) to be published");
  }
  // The taxonomy could have changed since the draft was written.
  Violations v;
  PUMPURS_RETURN_IF_ERROR(ValidateArticle(conn, v, "article", row.draft));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_RETURN_IF_ERROR(PublishWorkingCopy(
      conn, id, call.principal.ActorName(), absl::Now(), true));
  PUMPURS_ASSIGN_OR_RETURN(Row updated, MustLoad(conn, id));
  return WriterView(updated);
}

absl::StatusOr<v1::Article> ArchiveArticle(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(Row row, MustLoad(conn, id));
  if (!EtagMatches(etag, row.version)) {
    return EtagMismatchError(absl::StrCat(kArticles, "/", id));
  }
  if (row.state == v1::ARTICLE_STATE_ARCHIVED) return WriterView(row);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE kb_articles SET state = ?, version = version + 1, "
                   "update_time = ?, edited = 1 WHERE id = ?"));
  s.Bind(1, int64_t{v1::ARTICLE_STATE_ARCHIVED})
      .Bind(2, absl::ToUnixMicros(absl::Now()))
      .Bind(3, id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(ReindexArticle(conn, id));
  PUMPURS_ASSIGN_OR_RETURN(Row updated, MustLoad(conn, id));
  return WriterView(updated);
}

absl::StatusOr<v1::ArticleRevision> GetArticleRevision(Connection& conn,
                                                       const Principal& p,
                                                       absl::string_view id,
                                                       int64_t number) {
  const std::string name = RevisionName(id, number);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT number, data, publish_time, publisher FROM "
                   "kb_article_revisions WHERE article_id = ? AND number = ?"));
  s.Bind(1, id).Bind(2, number);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return NotFoundError(name);
  PUMPURS_ASSIGN_OR_RETURN(v1::ArticleRevision rev, ReadRevision(s, id));
  if (MayWrite(p)) return rev;
  PUMPURS_ASSIGN_OR_RETURN(bool may, ReaderMayRevision(p, rev));
  if (!may) return NotFoundError(name);
  return rev;
}

absl::StatusOr<Page<v1::ArticleRevision>> ListArticleRevisions(
    Connection& conn, const Principal& p, absl::string_view id, int page_size,
    absl::string_view page_token) {
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(page_size));
  const std::string query = absl::StrCat("ListArticleRevisions/", id);
  int64_t before = std::numeric_limits<int64_t>::max();
  if (!page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(page_token, query, 1));
    if (!absl::SimpleAtoi(key[0], &before)) {
      return InvalidFieldError("page_token", "is not a valid page token");
    }
  }
  const absl::Status not_found =
      NotFoundError(absl::StrCat(kArticles, "/", id));
  PUMPURS_ASSIGN_OR_RETURN(std::optional<Row> row, LoadRow(conn, id));
  if (!row) return not_found;
  const bool writer = MayWrite(p);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT number, data, publish_time, publisher FROM "
                   "kb_article_revisions WHERE article_id = ? AND number < ? "
                   "ORDER BY number DESC"));
  s.Bind(1, id).Bind(2, before);
  Page<v1::ArticleRevision> page;
  int64_t last = 0;
  bool any_readable = writer;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool more, s.Step());
    if (!more) break;
    PUMPURS_ASSIGN_OR_RETURN(v1::ArticleRevision rev, ReadRevision(s, id));
    if (!writer) {
      absl::StatusOr<bool> may = ReaderMayRevision(p, rev);
      if (!may.ok()) {
        if (any_readable || !page_token.empty()) continue;
        return may.status();
      }
      if (!*may) continue;
      any_readable = true;
    }
    if (static_cast<int>(page.items.size()) == size) {
      page.next_page_token = EncodePageToken(query, {absl::StrCat(last)});
      break;
    }
    last = s.ColumnInt64(0);
    page.items.push_back(std::move(rev));
  }
  if (!writer && page.items.empty() && page_token.empty()) return not_found;
  return page;
}

absl::StatusOr<std::optional<SeedArticleState>> FindSeedArticle(
    Connection& conn, absl::string_view seed_key) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT id, seed_hash, edited FROM kb_articles WHERE "
                   "seed_key = ?"));
  s.Bind(1, seed_key);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<SeedArticleState>();
  SeedArticleState st;
  st.id = s.ColumnText(0);
  st.seed_hash = s.ColumnText(1);
  st.edited = s.ColumnInt64(2) != 0;
  return std::optional<SeedArticleState>(std::move(st));
}

absl::StatusOr<std::string> InsertSeedArticle(Connection& conn,
                                              const v1::Article& article,
                                              absl::string_view seed_key,
                                              absl::string_view seed_hash,
                                              absl::Time now) {
  const v1::Article content = ArticleContent(article);
  const std::string id = NewId();
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO kb_articles (id, seed_key, kind, state, "
                   "audiences, draft, version, create_time, update_time, "
                   "seed_hash) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"));
  s.Bind(1, id)
      .Bind(2, seed_key)
      .Bind(3, int64_t{content.kind()})
      .Bind(4, int64_t{v1::ARTICLE_STATE_DRAFT})
      .Bind(5, AudienceMask(content))
      .BindBlob(6, content.SerializeAsString())
      .Bind(7, absl::ToUnixMicros(now))
      .Bind(8, absl::ToUnixMicros(now))
      .Bind(9, seed_hash);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  return id;
}

absl::Status ReplaceSeedArticle(Connection& conn, absl::string_view id,
                                const v1::Article& article,
                                absl::string_view seed_hash, absl::Time now) {
  const v1::Article content = ArticleContent(article);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE kb_articles SET draft = ?, seed_hash = ?, "
                   "version = version + 1, update_time = ? WHERE id = ?"));
  s.BindBlob(1, content.SerializeAsString())
      .Bind(2, seed_hash)
      .Bind(3, absl::ToUnixMicros(now))
      .Bind(4, id);
  return s.Run();
}

}  // namespace pumpurs::knowledge
