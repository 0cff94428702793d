#include "server/knowledge/search.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/knowledge/search_rank.h"
#include "server/knowledge/taxonomy.h"

namespace pumpurs::knowledge {
namespace {

namespace v1 = ::pumpurs::v1;

// One row per matching article, best first (the index holds published
// articles only, with their kind and audiences). ?1 the FTS5 expression, ?2 a
// bitmask (1 << kind) of wanted kinds or 0, ?3 the wanted audience's bit or
// 0, ?4 the bits of the audiences the caller may read, ?5 a risk code or ''.
// Rank weights (search_rank.h): title 10, summary 4, body 1, per language.
constexpr char kSearch[] = R"sql(
SELECT d.doc, d.article_id, d.kind,
       pumpurs_rank(kb_search, 10.0, 4.0, 1.0, 10.0, 4.0, 1.0) AS score
FROM kb_search
JOIN kb_search_docs d ON d.doc = kb_search.rowid
WHERE kb_search MATCH ?1
  AND (?2 = 0 OR ((?2 >> d.kind) & 1) = 1)
  AND (?3 = 0 OR (d.audiences & ?3) != 0)
  AND (d.audiences & ?4) != 0
  AND (?5 = '' OR EXISTS (SELECT 1 FROM kb_article_risks r
                          WHERE r.article_id = d.article_id
                            AND r.risk_code = ?5))
ORDER BY score, d.article_id
LIMIT ?6 OFFSET ?7
)sql";

constexpr char kSelectDoc[] =
    "SELECT title_lv, summary_lv, body_lv, title_en, summary_en, body_en "
    "FROM kb_search_texts WHERE doc = ?";

constexpr int64_t kPublicAudiences =
    (1 << v1::AUDIENCE_PARENTS) | (1 << v1::AUDIENCE_PUPILS);
constexpr int64_t kAllAudiences = kPublicAudiences | (1 << v1::AUDIENCE_STAFF);

constexpr absl::string_view kLatvianColumns = "{title_lv summary_lv body_lv}";
constexpr absl::string_view kEnglishColumns = "{title_en summary_en body_en}";

// The distinct normalized query words, in query order.
std::vector<std::string> QueryTerms(absl::string_view query,
                                    Language language) {
  std::vector<std::string> terms;
  for (const WordSpan& w : SplitWords(query)) {
    std::string term =
        NormalizeWord(language, query.substr(w.begin, w.end - w.begin));
    if (std::find(terms.begin(), terms.end(), term) == terms.end()) {
      terms.push_back(std::move(term));
    }
  }
  return terms;
}

// `{columns} : ("t1"* AND "t2"*)`. Terms are letters and digits only, so the
// quotes cannot be broken out of; a '"' would be doubled anyway.
std::string ColumnExpression(absl::string_view columns,
                             const std::vector<std::string>& terms) {
  std::vector<std::string> phrases;
  for (const std::string& t : terms) {
    std::string quoted;
    for (char c : t) {
      if (c == '"') quoted.push_back('"');
      quoted.push_back(c);
    }
    phrases.push_back(absl::StrCat("\"", quoted, "\"*"));
  }
  return absl::StrCat(columns, " : (", absl::StrJoin(phrases, " AND "), ")");
}

bool MatchesAnyTerm(absl::string_view normalized,
                    const std::vector<std::string>& terms) {
  for (const std::string& t : terms) {
    if (absl::StartsWith(normalized, t)) return true;
  }
  return false;
}

// The text between two words in a snippet: Markdown markup and brackets
// dropped, whitespace collapsed.
void AppendSeparator(std::string& out, absl::string_view sep) {
  std::string cleaned;
  bool space = false;
  for (char c : sep) {
    if (absl::StrContains("#*_`>|[]", c)) continue;
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !cleaned.empty()) cleaned.push_back(' ');
    space = false;
    cleaned.push_back(c);
  }
  if (space || (cleaned.empty() && !sep.empty())) cleaned.push_back(' ');
  out += cleaned;
}

struct Candidate {
  int64_t doc = 0;
  std::string article_id;
  int kind = 0;
  double score = 0;
};

// Fills title, locale and snippet of a hit from the original texts.
absl::Status Describe(storage::Connection& conn, const Candidate& c,
                      absl::string_view locale,
                      const std::vector<std::string>& lv_terms,
                      const std::vector<std::string>& en_terms,
                      v1::SearchResult* result) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(kSelectDoc));
  s.Bind(1, c.doc);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return absl::InternalError("search document vanished");
  std::string texts[6];
  for (int i = 0; i < 6; ++i) texts[i] = s.ColumnText(i);

  struct Side {
    int base;
    Language language;
    const std::vector<std::string>* terms;
    const char* locale;
  };
  const Side sides[2] = {{0, Language::kLatvian, &lv_terms, "lv"},
                         {3, Language::kEnglish, &en_terms, "en"}};
  // Per language: the snippet source field and whether it matched.
  int best = -1;
  int best_hits = -1;
  std::string snippets[2];
  for (int side = 0; side < 2; ++side) {
    const Side& sd = sides[side];
    if (!locale.empty() && locale != sd.locale) continue;
    if (texts[sd.base].empty()) continue;  // no text in this language
    int hits = 0;
    bool matched = false;
    std::string snippet =
        MakeSnippet(texts[sd.base + 1], sd.language, *sd.terms, &matched);
    if (matched) ++hits;
    if (!matched) {
      bool body_matched = false;
      std::string from_body = MakeSnippet(texts[sd.base + 2], sd.language,
                                          *sd.terms, &body_matched);
      if (body_matched || snippet.empty()) snippet = std::move(from_body);
      if (body_matched) ++hits;
    }
    bool title_matched = false;
    MakeSnippet(texts[sd.base], sd.language, *sd.terms, &title_matched);
    if (title_matched) ++hits;
    snippets[side] = std::move(snippet);
    if (hits > best_hits) {
      best = side;
      best_hits = hits;
    }
  }
  if (best < 0) best = 0;
  result->set_article(absl::StrCat(kArticles, "/", c.article_id));
  result->set_locale(sides[best].locale);
  result->set_title(texts[sides[best].base]);
  result->set_snippet(snippets[best]);
  result->set_score(c.score);
  result->set_kind(static_cast<v1::ArticleKind>(c.kind));
  return absl::OkStatus();
}

size_t CodePointCount(absl::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

std::string MakeSnippet(absl::string_view text, Language language,
                        const std::vector<std::string>& terms, bool* matched) {
  *matched = false;
  const std::vector<WordSpan> words = SplitWords(text);
  if (words.empty()) return "";
  auto word = [&](size_t i) {
    return text.substr(words[i].begin, words[i].end - words[i].begin);
  };
  size_t first = words.size();
  for (size_t i = 0; i < words.size(); ++i) {
    if (MatchesAnyTerm(NormalizeWord(language, word(i)), terms)) {
      first = i;
      break;
    }
  }
  size_t start = 0;
  if (first < words.size()) {
    *matched = true;
    start = first > kSnippetWords / 4 ? first - kSnippetWords / 4 : 0;
  }
  const size_t end =
      std::min(words.size(), start + static_cast<size_t>(kSnippetWords));
  std::string out;
  if (start > 0) out += "…";
  for (size_t i = start; i < end; ++i) {
    if (i > start) {
      AppendSeparator(out, text.substr(words[i - 1].end,
                                       words[i].begin - words[i - 1].end));
    }
    if (i >= first && MatchesAnyTerm(NormalizeWord(language, word(i)), terms)) {
      absl::StrAppend(&out, "[", word(i), "]");
    } else {
      absl::StrAppend(&out, word(i));
    }
  }
  if (end < words.size()) {
    out += " …";
  } else {
    // Keep closing punctuation such as a full stop.
    std::string tail;
    AppendSeparator(tail, text.substr(words.back().end));
    while (!tail.empty() && tail.back() == ' ') tail.pop_back();
    out += tail;
  }
  return out;
}

absl::StatusOr<v1::SearchArticlesResponse> SearchArticles(
    storage::Connection& conn, const Principal& principal,
    const v1::SearchArticlesRequest& request) {
  Violations v;
  const size_t length = CodePointCount(request.query());
  std::vector<std::string> lv_terms;
  std::vector<std::string> en_terms;
  if (length < 1 || length > kSearchMaxQueryLength) {
    v.Add("query", "must have 1 to 200 characters");
  } else {
    lv_terms = QueryTerms(request.query(), Language::kLatvian);
    en_terms = QueryTerms(request.query(), Language::kEnglish);
    if (lv_terms.empty()) v.Add("query", "must contain a letter or a digit");
  }
  const std::string& locale = request.locale();
  if (!locale.empty() && locale != "lv" && locale != "en") {
    v.Add("locale", "must be \"lv\", \"en\" or empty");
  }
  int64_t kinds = 0;
  for (int i = 0; i < request.kinds_size(); ++i) {
    const int kind = request.kinds(i);
    if (kind == v1::ARTICLE_KIND_UNSPECIFIED ||
        !v1::ArticleKind_IsValid(kind)) {
      v.Add(absl::StrCat("kinds[", i, "]"), "must be a known article kind");
    } else {
      kinds |= int64_t{1} << kind;
    }
  }
  const int audience = request.audience();
  if (!v1::Audience_IsValid(audience)) {
    v.Add("audience", "must be a known audience");
  }
  std::string risk_code;
  if (!request.risk_factor().empty()) {
    risk_code = CodeOf(request.risk_factor(), kRiskFactors);
    if (risk_code.empty()) {
      v.Add("risk_factor", "must have the form riskFactors/{code}");
    }
  }
  int page_size = request.page_size();
  if (page_size < 0) {
    v.Add("page_size", "must not be negative");
  } else if (page_size == 0) {
    page_size = kSearchDefaultPageSize;
  } else if (page_size > kSearchMaxPageSize) {
    page_size = kSearchMaxPageSize;
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  std::string expression;
  if (locale == "lv") {
    expression = ColumnExpression(kLatvianColumns, lv_terms);
  } else if (locale == "en") {
    expression = ColumnExpression(kEnglishColumns, en_terms);
  } else {
    expression =
        absl::StrCat("(", ColumnExpression(kLatvianColumns, lv_terms), ") OR (",
                     ColumnExpression(kEnglishColumns, en_terms), ")");
  }
  const int64_t visible =
      auth::Authorize(principal, auth::Action::kStaffArticleRead, {}).ok()
          ? kAllAudiences
          : kPublicAudiences;
  const int64_t audience_bit = audience == 0 ? 0 : int64_t{1} << audience;
  const std::string canonical =
      absl::StrCat("kb.search\x1f", expression, "\x1f", kinds, "\x1f",
                   audience_bit, "\x1f", visible, "\x1f", risk_code);

  int64_t offset = 0;
  if (!request.page_token().empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::vector<std::string> key,
        DecodePageToken(request.page_token(), canonical, 1));
    if (!absl::SimpleAtoi(key[0], &offset) || offset < 0) {
      return InvalidFieldError("page_token", "is not valid for this query");
    }
  }

  std::vector<Candidate> candidates;
  {
    if (!conn.Prepare(kSearch).ok()) {
      // The first search on this connection: pumpurs_rank is not registered
      // yet ("no such function"). If that was not the reason, the second
      // Prepare below fails again and reports it.
      PUMPURS_RETURN_IF_ERROR(RegisterRankFunction(conn));
    }
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(kSearch));
    s.Bind(1, expression)
        .Bind(2, kinds)
        .Bind(3, audience_bit)
        .Bind(4, visible)
        .Bind(5, risk_code)
        .Bind(6, static_cast<int64_t>(page_size) + 1)
        .Bind(7, offset);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      Candidate c;
      c.doc = s.ColumnInt64(0);
      c.article_id = s.ColumnText(1);
      c.kind = static_cast<int>(s.ColumnInt64(2));
      c.score = s.ColumnDouble(3);
      candidates.push_back(std::move(c));
    }
  }

  v1::SearchArticlesResponse response;
  const bool more = candidates.size() > static_cast<size_t>(page_size);
  if (more) candidates.resize(page_size);
  for (const Candidate& c : candidates) {
    PUMPURS_RETURN_IF_ERROR(
        Describe(conn, c, locale, lv_terms, en_terms, response.add_results()));
  }
  if (more) {
    response.set_next_page_token(
        EncodePageToken(canonical, {absl::StrCat(offset + page_size)}));
  }
  return response;
}

}  // namespace pumpurs::knowledge
