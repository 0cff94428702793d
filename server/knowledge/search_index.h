#ifndef PUMPURS_SERVER_KNOWLEDGE_SEARCH_INDEX_H_
#define PUMPURS_SERVER_KNOWLEDGE_SEARCH_INDEX_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/storage/connection.h"

namespace pumpurs::knowledge {

// Brings the full-text index of one article up to date, in the caller's
// transaction: removes its rows; if the article is published, indexes each
// locale's title, summary and body of its latest revision. Called after
// publish, archive and seed loading of each article.
absl::Status ReindexArticle(storage::Connection& conn,
                            absl::string_view article_id);

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_SEARCH_INDEX_H_
