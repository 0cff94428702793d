#include "server/directory/rows.h"

#include <utility>

#include "absl/strings/string_view.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/storage/request_ids.h"

namespace pumpurs::directory {

std::string EncodeSortPosition(absl::string_view query, const SortPosition& p) {
  return EncodePageToken(query, {p.sort_key, p.id});
}

absl::StatusOr<SortPosition> DecodeSortPosition(absl::string_view token,
                                                absl::string_view query) {
  if (token.empty()) return SortPosition{};
  PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                           DecodePageToken(token, query, 2));
  return SortPosition{key[0], key[1]};
}

absl::StatusOr<PageWindow> OpenPage(std::string query, const ListRequest& req) {
  PageWindow window;
  PUMPURS_ASSIGN_OR_RETURN(window.after,
                           DecodeSortPosition(req.page_token, query));
  PUMPURS_ASSIGN_OR_RETURN(window.size, NormalizePageSize(req.page_size));
  window.query = std::move(query);
  return window;
}

absl::Status DeleteById(storage::Connection& conn,
                        std::initializer_list<const char*> sqls,
                        absl::string_view id) {
  for (const char* sql : sqls) {
    PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
    s.Bind(1, id);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> EarlierCreation(
    storage::Connection& conn, const CallContext& call,
    absl::string_view method, absl::string_view request_id,
    absl::string_view collection) {
  if (request_id.empty()) return std::optional<std::string>();
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<std::string> earlier,
      storage::RequestIds::Find(conn, call.caller_id, method, request_id));
  if (!earlier) return std::optional<std::string>();
  PUMPURS_ASSIGN_OR_RETURN(
      std::string id, ParseResourceName(*earlier, collection, "request_id"));
  return std::optional<std::string>(std::move(id));
}

absl::Status RememberCreation(storage::Connection& conn,
                              const CallContext& call, absl::string_view method,
                              absl::string_view request_id,
                              absl::string_view name, absl::Time now) {
  if (request_id.empty()) return absl::OkStatus();
  return storage::RequestIds::Remember(conn, call.caller_id, method, request_id,
                                       name, now);
}

}  // namespace pumpurs::directory
