#ifndef PUMPURS_SERVER_DIRECTORY_ROWS_H_
#define PUMPURS_SERVER_DIRECTORY_ROWS_H_

// Row mechanics every directory table shares, so that each table's file
// holds only its own columns and rules: keyset paging over (sort_key, id),
// loading one row by id, and request_id replay for creates.

#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/call_context.h"
#include "server/common/status_macros.h"
#include "server/directory/model.h"
#include "server/storage/connection.h"

namespace pumpurs::directory {

// ---- Keyset paging ----

// The last row a page returned; the next page starts after it. The default
// (empty key, empty id) sorts before every row.
struct SortPosition {
  std::string sort_key;
  std::string id;
};

std::string EncodeSortPosition(absl::string_view query, const SortPosition& p);
// Empty token → the start position.
absl::StatusOr<SortPosition> DecodeSortPosition(absl::string_view token,
                                                absl::string_view query);

// One list call's page: the query its tokens belong to, where it starts and
// how many rows it holds.
struct PageWindow {
  std::string query;
  SortPosition after;
  int size = 0;
  // The LIMIT to select: the row past the page only tells that another page
  // follows.
  int64_t limit() const { return int64_t{size} + 1; }
};

// The window `req` asks for; `query` describes the method and its filters
// canonically (EncodePageToken). INVALID_ARGUMENT for a bad token (checked
// first) or page size.
absl::StatusOr<PageWindow> OpenPage(std::string query, const ListRequest& req);

// What `read` makes of a row.
template <typename Read>
using RowOf =
    std::decay_t<std::invoke_result_t<Read, const storage::Statement&>>;

// The page `s` selects: rows ordered by (sort_key, id), after
// `window.after`, at most `window.limit()` of them. `read` makes an item (with
// an `id`) of a row whose `sort_key_column` holds the sort key.
template <typename Read>
absl::StatusOr<Page<RowOf<Read>>> ReadPage(storage::Statement& s,
                                           const PageWindow& window,
                                           int sort_key_column, Read read) {
  Page<RowOf<Read>> page;
  SortPosition last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == window.size) {
      page.next_page_token = EncodeSortPosition(window.query, last);
      break;
    }
    page.items.push_back(read(s));
    last = {s.ColumnText(sort_key_column), page.items.back().id};
  }
  return page;
}

// ---- One row ----

// The row `sql` selects for `id` (its one parameter), made by `read`;
// nullopt if there is none.
template <typename Read>
absl::StatusOr<std::optional<RowOf<Read>>> LoadRow(storage::Connection& conn,
                                                   absl::string_view sql,
                                                   absl::string_view id,
                                                   Read read) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<RowOf<Read>>();
  return std::optional<RowOf<Read>>(read(s));
}

// Runs each of `sqls` in order with `id` as its one parameter: a delete of
// a row and of what hangs on it.
absl::Status DeleteById(storage::Connection& conn,
                        std::initializer_list<const char*> sqls,
                        absl::string_view id);

// ---- request_id replay (storage::RequestIds) ----
// A retried create answers with what the first call created, as a read of
// it would, and creates nothing.

// The id, in `collection`, of what the caller's earlier `method` call with
// this request_id created; nullopt for an empty or a new request_id.
absl::StatusOr<std::optional<std::string>> EarlierCreation(
    storage::Connection& conn, const CallContext& call,
    absl::string_view method, absl::string_view request_id,
    absl::string_view collection);

// Remembers the resource `name` a create made, in the create's transaction,
// for a retry to find; nothing for an empty request_id.
absl::Status RememberCreation(storage::Connection& conn,
                              const CallContext& call, absl::string_view method,
                              absl::string_view request_id,
                              absl::string_view name, absl::Time now);

}  // namespace pumpurs::directory

#endif  // PUMPURS_SERVER_DIRECTORY_ROWS_H_
