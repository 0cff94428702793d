#ifndef PUMPURS_SERVER_KNOWLEDGE_SEARCH_RANK_H_
#define PUMPURS_SERVER_KNOWLEDGE_SEARCH_RANK_H_

// pumpurs_rank(kb_search, w1, w2, ...): the FTS5 auxiliary function that
// ranks search hits: BM25F (k1 = 1.2, b = 0.75), negated so that lower is
// better like FTS5's bm25(). Each column's term frequency is normalized by
// that column's length against its average, multiplied by the column's
// weight, and summed over the columns before saturation. Two differences
// from FTS5's built-in bm25():
//  - length normalization per column: an article's English text does not
//    make its Latvian body look longer, and a long body does not dilute a
//    title match;
//  - the inverse document frequency is ln(1 + (N - n + 0.5) / (n + 0.5))
//    (as in Lucene), which stays positive. FTS5's ln((N - n + 0.5) /
//    (n + 0.5)) becomes a tiny constant for every word in more than half of
//    the articles, and in a knowledge base about leaving school early
//    "kavējumi" is such a word: every hit would score about 0.

#include "absl/status/status.h"
#include "server/storage/connection.h"

namespace pumpurs::knowledge {

inline constexpr char kRankFunction[] = "pumpurs_rank";

// Registers pumpurs_rank on this connection (once per connection; a second
// registration would add a duplicate).
absl::Status RegisterRankFunction(storage::Connection& conn);

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_SEARCH_RANK_H_
