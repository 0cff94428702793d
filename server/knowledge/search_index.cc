// The full-text index of published articles (schema migration 3): per
// article one kb_search_docs row (kind, audiences), one kb_search_texts row
// (the original texts) and one kb_search row (the same texts normalized,
// latvian_stemmer.h), all sharing the doc number as rowid.

#include "server/knowledge/search_index.h"

#include <cstdint>
#include <string>

#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/common/status_macros.h"
#include "server/knowledge/latvian_stemmer.h"

namespace pumpurs::knowledge {
namespace {

constexpr char kSelectArticle[] =
    "SELECT state, published_revision FROM kb_articles WHERE id = ?";
constexpr char kSelectDoc[] =
    "SELECT doc FROM kb_search_docs WHERE article_id = ?";
constexpr char kDeleteIndexRow[] = "DELETE FROM kb_search WHERE rowid = ?";
constexpr char kDeleteTexts[] = "DELETE FROM kb_search_texts WHERE doc = ?";
constexpr char kDeleteDoc[] = "DELETE FROM kb_search_docs WHERE doc = ?";
constexpr char kSelectRevision[] =
    "SELECT data FROM kb_article_revisions WHERE article_id = ? AND number = ?";
constexpr char kInsertDoc[] =
    "INSERT INTO kb_search_docs (article_id, kind, audiences) "
    "VALUES (?, ?, ?) RETURNING doc";
constexpr char kInsertTexts[] =
    "INSERT INTO kb_search_texts (doc, title_lv, summary_lv, body_lv, "
    "title_en, summary_en, body_en) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr char kInsertIndexRow[] =
    "INSERT INTO kb_search (rowid, title_lv, summary_lv, body_lv, title_en, "
    "summary_en, body_en) VALUES (?, ?, ?, ?, ?, ?, ?)";

constexpr int kPublished = pumpurs::v1::ARTICLE_STATE_PUBLISHED;

absl::Status RemoveFromIndex(storage::Connection& conn,
                             absl::string_view article_id) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement select, conn.Prepare(kSelectDoc));
  select.Bind(1, article_id);
  PUMPURS_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return absl::OkStatus();
  const int64_t doc = select.ColumnInt64(0);
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement del_index,
                           conn.Prepare(kDeleteIndexRow));
  PUMPURS_RETURN_IF_ERROR(del_index.Bind(1, doc).Run());
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement del_texts,
                           conn.Prepare(kDeleteTexts));
  PUMPURS_RETURN_IF_ERROR(del_texts.Bind(1, doc).Run());
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement del_doc,
                           conn.Prepare(kDeleteDoc));
  return del_doc.Bind(1, doc).Run();
}

}  // namespace

absl::Status ReindexArticle(storage::Connection& conn,
                            absl::string_view article_id) {
  PUMPURS_RETURN_IF_ERROR(RemoveFromIndex(conn, article_id));

  int64_t state = 0;
  int64_t revision = 0;
  {
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement select,
                             conn.Prepare(kSelectArticle));
    select.Bind(1, article_id);
    PUMPURS_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return absl::OkStatus();  // nothing to index
    state = select.ColumnInt64(0);
    revision = select.ColumnInt64(1);
  }
  if (state != kPublished || revision <= 0) return absl::OkStatus();

  pumpurs::v1::Article article;
  {
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement select,
                             conn.Prepare(kSelectRevision));
    select.Bind(1, article_id).Bind(2, revision);
    PUMPURS_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) {
      return absl::InternalError("published revision of an article missing");
    }
    if (!article.ParseFromString(select.ColumnText(0))) {
      return absl::DataLossError("article revision does not parse");
    }
  }

  // Originals [0..5] and normalized [6..11]: title, summary, body × lv, en.
  std::string texts[6];
  for (const pumpurs::v1::ArticleText& t : article.texts()) {
    int base;
    if (t.locale() == "lv") {
      base = 0;
    } else if (t.locale() == "en") {
      base = 3;
    } else {
      continue;
    }
    texts[base] = t.title();
    texts[base + 1] = t.summary();
    texts[base + 2] = t.body();
  }

  int64_t doc = 0;
  {
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement insert,
                             conn.Prepare(kInsertDoc));
    int64_t audiences = 0;
    for (int audience : article.audiences()) {
      if (audience > 0 && audience < 63) audiences |= int64_t{1} << audience;
    }
    insert.Bind(1, article_id)
        .Bind(2, static_cast<int64_t>(article.kind()))
        .Bind(3, audiences);
    PUMPURS_ASSIGN_OR_RETURN(bool row, insert.Step());
    if (!row) return absl::InternalError("no rowid for a search document");
    doc = insert.ColumnInt64(0);
    PUMPURS_ASSIGN_OR_RETURN(bool more, insert.Step());
    (void)more;
  }
  {
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement insert,
                             conn.Prepare(kInsertTexts));
    insert.Bind(1, doc);
    for (int i = 0; i < 6; ++i) insert.Bind(i + 2, texts[i]);
    PUMPURS_RETURN_IF_ERROR(insert.Run());
  }
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement index,
                           conn.Prepare(kInsertIndexRow));
  index.Bind(1, doc);
  for (int i = 0; i < 6; ++i) {
    const Language language = i < 3 ? Language::kLatvian : Language::kEnglish;
    index.Bind(i + 2, NormalizeText(language, texts[i]));
  }
  return index.Run();
}

}  // namespace pumpurs::knowledge
