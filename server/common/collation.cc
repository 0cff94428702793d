#include "server/common/collation.h"

#include <unicode/ucol.h>
#include <unicode/ustring.h>

#include <memory>
#include <vector>

#include "absl/strings/string_view.h"

namespace pumpurs {
namespace {

struct CollatorCloser {
  void operator()(UCollator* c) const { ucol_close(c); }
};

// ICU collators are not safe for concurrent use, so each thread opens its own.
UCollator* ThreadCollator() {
  thread_local std::unique_ptr<UCollator, CollatorCloser> collator = [] {
    UErrorCode status = U_ZERO_ERROR;
    UCollator* c = ucol_open("lv", &status);
    return std::unique_ptr<UCollator, CollatorCloser>(
        U_SUCCESS(status) ? c : nullptr);
  }();
  return collator.get();
}

}  // namespace

std::string LatvianSortKey(absl::string_view utf8) {
  UCollator* collator = ThreadCollator();
  UErrorCode status = U_ZERO_ERROR;
  std::vector<UChar> text(utf8.size() + 1);
  int32_t length = 0;
  u_strFromUTF8(text.data(), static_cast<int32_t>(text.size()), &length,
                utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  if (collator == nullptr || U_FAILURE(status)) return std::string(utf8);
  std::string key(64, '\0');
  int32_t needed = ucol_getSortKey(collator, text.data(), length,
                                   reinterpret_cast<uint8_t*>(key.data()),
                                   static_cast<int32_t>(key.size()));
  if (needed > static_cast<int32_t>(key.size())) {
    key.resize(needed);
    needed = ucol_getSortKey(collator, text.data(), length,
                             reinterpret_cast<uint8_t*>(key.data()), needed);
  }
  // The key ends with a NUL terminator, which carries no order.
  key.resize(needed > 0 ? needed - 1 : 0);
  return key;
}

}  // namespace pumpurs
