#ifndef PUMPURS_SERVER_COMMON_PAGING_H_
#define PUMPURS_SERVER_COMMON_PAGING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pumpurs {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// 0 → default, above the cap → the cap, negative → INVALID_ARGUMENT naming
// "page_size".
absl::StatusOr<int> NormalizePageSize(int requested);

// A page token is opaque to clients: it holds the sort key of the last item
// returned (keyset paging, stable under inserts) and a fingerprint of the
// query it belongs to, so a token cannot be replayed with other filters.
// `query` is any canonical description of method + filters.
std::string EncodePageToken(absl::string_view query,
                            const std::vector<std::string>& last_key);

// The key stored in `token`. INVALID_ARGUMENT (field "page_token", reason
// INVALID_PAGE_TOKEN) if it is malformed, has a different number of key
// parts, or was issued for another query.
absl::StatusOr<std::vector<std::string>> DecodePageToken(
    absl::string_view token, absl::string_view query, size_t key_parts);

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_PAGING_H_
