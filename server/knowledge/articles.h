#ifndef PUMPURS_SERVER_KNOWLEDGE_ARTICLES_H_
#define PUMPURS_SERVER_KNOWLEDGE_ARTICLES_H_

// Knowledge-base articles: a working copy (draft) per article, published as
// immutable numbered revisions.
//
// Who reads what (the audience rules):
//  - methodologists and national administrators (auth kKnowledgeWrite) read
//    every article in every state, as its working copy;
//  - anyone else reads only published articles, as their latest revision:
//    parent- and pupil-audience articles without an account, staff-only
//    articles with any signed-in account (auth kStaffArticleRead; anonymous
//    callers get UNAUTHENTICATED for those);
//  - an article the caller may not read is NOT_FOUND.
// Revisions stay readable after the article is archived, by the audience of
// the revision itself.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/common/call_context.h"
#include "server/common/error.h"
#include "server/common/principal.h"
#include "server/knowledge/taxonomy.h"
#include "server/storage/connection.h"

namespace pumpurs::knowledge {

// The publisher of seed content.
inline constexpr absl::string_view kSeedPublisher = "system:seed";

struct ArticleQuery {
  int kind = 0;           // ArticleKind; 0: all
  int audience = 0;       // Audience; 0: all
  std::string risk_code;  // about this risk factor (published links); "": all
  int state = 0;          // ArticleState; 0: all the caller may read
  int page_size = 0;
  std::string page_token;
};

absl::StatusOr<pumpurs::v1::Article> GetArticle(Connection& conn,
                                                const Principal& principal,
                                                absl::string_view id);
// Newest change first.
absl::StatusOr<Page<pumpurs::v1::Article>> ListArticles(
    Connection& conn, const Principal& principal, const ArticleQuery& q);

// The writes below expect the caller to be authorized (kKnowledgeWrite).
// The content fields of `article` are used; output fields are ignored.
absl::StatusOr<pumpurs::v1::Article> CreateArticle(
    Connection& conn, const CallContext& call,
    const pumpurs::v1::Article& article, absl::string_view request_id);
// `paths`: which of kind, audiences, tags, risk_factors, measure_types, texts
// to take from `values`.
absl::StatusOr<pumpurs::v1::Article> UpdateArticle(
    Connection& conn, const CallContext& call, absl::string_view id,
    const pumpurs::v1::Article& values, const std::set<std::string>& paths,
    absl::string_view etag);
// FAILED_PRECONDITION: ARTICLE_ARCHIVED, ARTICLE_NEEDS_LATVIAN.
absl::StatusOr<pumpurs::v1::Article> PublishArticle(Connection& conn,
                                                    const CallContext& call,
                                                    absl::string_view id,
                                                    absl::string_view etag);
// Archiving an archived article changes nothing.
absl::StatusOr<pumpurs::v1::Article> ArchiveArticle(Connection& conn,
                                                    const CallContext& call,
                                                    absl::string_view id,
                                                    absl::string_view etag);

absl::StatusOr<pumpurs::v1::ArticleRevision> GetArticleRevision(
    Connection& conn, const Principal& principal, absl::string_view id,
    int64_t number);
// Newest first; only the revisions the caller may read (NOT_FOUND if none).
absl::StatusOr<Page<pumpurs::v1::ArticleRevision>> ListArticleRevisions(
    Connection& conn, const Principal& principal, absl::string_view id,
    int page_size, absl::string_view page_token);

// Adds a violation (field paths under `prefix`, e.g. "article") for every
// problem of the article's content; referenced risk factors and measure
// types must exist.
absl::Status ValidateArticle(Connection& conn, Violations& v,
                             const std::string& prefix,
                             const pumpurs::v1::Article& article);

// The content fields of `article` (what the working copy stores).
pumpurs::v1::Article ArticleContent(const pumpurs::v1::Article& article);

// For the seed loader (no validation, no authorization).
struct SeedArticleState {
  std::string id;
  std::string seed_hash;
  bool edited = false;
};
absl::StatusOr<std::optional<SeedArticleState>> FindSeedArticle(
    Connection& conn, absl::string_view seed_key);
// Inserts a draft with this seed key; returns its id.
absl::StatusOr<std::string> InsertSeedArticle(
    Connection& conn, const pumpurs::v1::Article& content,
    absl::string_view seed_key, absl::string_view seed_hash, absl::Time now);
// Replaces the working copy and seed hash of an unedited seed article.
absl::Status ReplaceSeedArticle(Connection& conn, absl::string_view id,
                                const pumpurs::v1::Article& content,
                                absl::string_view seed_hash, absl::Time now);
// Publishes the working copy as the next revision (and reindexes it).
// `mark_edited`: the change came through the API.
absl::Status PublishWorkingCopy(Connection& conn, absl::string_view id,
                                absl::string_view publisher, absl::Time now,
                                bool mark_edited);

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_ARTICLES_H_
