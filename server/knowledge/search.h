#ifndef PUMPURS_SERVER_KNOWLEDGE_SEARCH_H_
#define PUMPURS_SERVER_KNOWLEDGE_SEARCH_H_

// Full-text search over published articles (KnowledgeBaseService.
// SearchArticles).
//
// Matching: every word of the query is normalized like the indexed texts
// (folded and stemmed, latvian_stemmer.h) and must occur as a word PREFIX in
// the title, summary or body of one language of the article (all words in
// the same language; implicit AND). The Latvian texts are matched with the
// query words stemmed as Latvian, the English texts with them stemmed as
// English; `locale` restricts to one of them. So "kavejumi", "Kavējumu" and
// "kavēj" all find "kavējumiem".
//
// Ranking: BM25 (search_rank.h: FTS5's bm25 with an idf that stays positive
// for words most articles contain) with column weights title 10, summary 4,
// body 1; lower scores are better, ties by article id. One hit per article.
//
// Visibility: only published articles (the index holds nothing else);
// anonymous callers see articles with a parent or pupil audience, callers
// allowed auth kStaffArticleRead (any signed-in account) every audience. A
// filter never widens that.
//
// Paging: ranked results are paged by offset. The page token holds the
// offset and is bound to the normalized query, filters and the caller's
// visibility; an article published or archived between two pages may shift
// the rest by one (acceptable for search results).
//
// Snippets: up to kSnippetWords words of the original text around the first
// match (from the summary if it matches, else the body, else the start of
// the summary), matched words between "[" and "]", Markdown markup removed,
// "…" where the text was cut.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/common/principal.h"
#include "server/knowledge/latvian_stemmer.h"
#include "server/storage/connection.h"

namespace pumpurs::knowledge {

inline constexpr int kSearchDefaultPageSize = 20;
inline constexpr int kSearchMaxPageSize = 100;
inline constexpr int kSearchMaxQueryLength = 200;  // characters
inline constexpr int kSnippetWords = 30;

// INVALID_ARGUMENT naming every bad field: query (1 to 200 characters with
// at least one letter or digit), locale, kinds, audience, risk_factor,
// page_size, page_token.
absl::StatusOr<pumpurs::v1::SearchArticlesResponse> SearchArticles(
    storage::Connection& conn, const Principal& principal,
    const pumpurs::v1::SearchArticlesRequest& request);

// The snippet of `text` for the normalized query `terms` (prefixes, as
// NormalizeWord(language, ...) makes them); `*matched` tells whether any
// word matched. Exposed for tests.
std::string MakeSnippet(absl::string_view text, Language language,
                        const std::vector<std::string>& terms, bool* matched);

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_SEARCH_H_
