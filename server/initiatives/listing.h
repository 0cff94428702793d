#ifndef PUMPURS_SERVER_INITIATIVES_LISTING_H_
#define PUMPURS_SERVER_INITIATIVES_LISTING_H_

// Keyset paging over calls and projects, newest first: the ids of one page
// of `SELECT <alias>.id, <alias>.create_time FROM ... WHERE ...` and the
// token of the next. Every value is bound, so the statement cache holds one
// entry per shape of query, not per page.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/common/error.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/storage/connection.h"

namespace pumpurs::initiatives {

using SqlValue = std::variant<std::string, int64_t>;

struct IdQuery {
  // "SELECT x.id, x.create_time FROM t x WHERE <conditions>".
  std::string sql;
  std::vector<SqlValue> binds;
  std::string alias;  // "c" or "i"
  // Canonical method + filters: the page token is bound to it.
  std::string query;
  int page_size = 0;
  std::string page_token;
};

struct IdPage {
  std::vector<std::string> ids;
  std::string next_page_token;
};

inline absl::StatusOr<IdPage> PageOfIds(storage::Connection& conn, IdQuery q) {
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(q.page_size));
  if (!q.page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(q.page_token, q.query, 2));
    int64_t time = 0;
    if (!absl::SimpleAtoi(key[0], &time)) {
      return WithReason(
          InvalidFieldError("page_token", "is not a token this query returned"),
          "INVALID_PAGE_TOKEN");
    }
    const std::string& a = q.alias;
    absl::StrAppend(&q.sql, " AND (", a, ".create_time < ? OR (", a,
                    ".create_time = ? AND ", a, ".id < ?))");
    q.binds.emplace_back(time);
    q.binds.emplace_back(time);
    q.binds.emplace_back(key[1]);
  }
  absl::StrAppend(&q.sql, " ORDER BY ", q.alias, ".create_time DESC, ", q.alias,
                  ".id DESC LIMIT ?");
  q.binds.emplace_back(int64_t{size} + 1);
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(q.sql));
  for (size_t i = 0; i < q.binds.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (const auto* text = std::get_if<std::string>(&q.binds[i])) {
      s.Bind(index, *text);
    } else {
      s.Bind(index, std::get<int64_t>(q.binds[i]));
    }
  }
  IdPage page;
  std::pair<int64_t, std::string> last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.ids.size()) == size) {
      page.next_page_token =
          EncodePageToken(q.query, {absl::StrCat(last.first), last.second});
      break;
    }
    last = {s.ColumnInt64(1), s.ColumnText(0)};
    page.ids.push_back(last.second);
  }
  return page;
}

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_SERVER_INITIATIVES_LISTING_H_
