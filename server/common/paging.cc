#include "server/common/paging.h"

#include <cstdint>

#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/error.h"

namespace pumpurs {
namespace {

constexpr char kVersion = '1';

std::string Fingerprint(absl::string_view query) {
  // FNV-1a, not absl::Hash: absl::Hash is salted per process and tokens must
  // survive a server restart.
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : query) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return absl::StrCat(absl::Hex(h, absl::kZeroPad16));
}

absl::Status BadToken() {
  return WithReason(
      InvalidFieldError("page_token", "is not a token this query returned"),
      "INVALID_PAGE_TOKEN");
}

}  // namespace

absl::StatusOr<int> NormalizePageSize(int requested) {
  if (requested < 0) {
    return InvalidFieldError("page_size", "must not be negative");
  }
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

std::string EncodePageToken(absl::string_view query,
                            const std::vector<std::string>& last_key) {
  // Layout: version, fingerprint, then each key part as "<length>:<bytes>".
  std::string raw = absl::StrCat(std::string(1, kVersion), Fingerprint(query));
  for (const std::string& part : last_key) {
    absl::StrAppend(&raw, part.size(), ":", part);
  }
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(
    absl::string_view token, absl::string_view query, size_t key_parts) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 17 ||
      raw[0] != kVersion || raw.substr(1, 16) != Fingerprint(query)) {
    return BadToken();
  }
  absl::string_view rest = absl::string_view(raw).substr(17);
  std::vector<std::string> key;
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    size_t len = 0;
    if (colon == absl::string_view::npos ||
        !absl::SimpleAtoi(rest.substr(0, colon), &len) ||
        len > rest.size() - colon - 1) {
      return BadToken();
    }
    key.emplace_back(rest.substr(colon + 1, len));
    rest.remove_prefix(colon + 1 + len);
  }
  if (key.size() != key_parts) return BadToken();
  return key;
}

}  // namespace pumpurs
