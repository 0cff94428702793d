#include "server/common/collation.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/ucol.h>
#include <unicode/unistr.h>
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

std::string FoldForSearch(absl::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return std::string(utf8);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  text.toLower(icu::Locale("lv"));
  icu::UnicodeString decomposed = nfd->normalize(text, status);
  if (U_FAILURE(status)) return std::string(utf8);
  icu::UnicodeString folded;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    if (u_charType(c) != U_NON_SPACING_MARK) folded.append(c);
    i += U16_LENGTH(c);
  }
  std::string out;
  folded.toUTF8String(out);
  return out;
}

}  // namespace pumpurs
