#include "server/common/text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace pumpurs {

int64_t Utf8Length(absl::string_view s) {
  int64_t count = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c >> 5) == 0x6) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      len = 4;
      cp = c & 0x07;
    } else {
      return -1;
    }
    if (i + len > s.size()) return -1;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = s[i + k];
      if ((cc >> 6) != 0x2) return -1;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Reject overlong forms, surrogates and out-of-range code points.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return -1;
    }
    i += len;
    ++count;
  }
  return count;
}

namespace {

void CheckText(Violations& v, absl::string_view field, absl::string_view value,
               size_t max_chars, bool required) {
  if (value.empty()) {
    if (required) v.Add(std::string(field), "is required");
    return;
  }
  int64_t n = Utf8Length(value);
  if (n < 0) {
    v.Add(std::string(field), "must be valid UTF-8");
    return;
  }
  if (static_cast<size_t>(n) > max_chars) {
    v.Add(std::string(field),
          absl::StrCat("must be at most ", max_chars, " characters"));
    return;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = value[i];
    // C0 controls and DEL, and the C1 controls U+0080..U+009F (encoded as
    // C2 80..C2 9F; U+0085 NEL is a line break to many readers).
    bool c1 = c == 0xc2 && i + 1 < value.size() &&
              static_cast<unsigned char>(value[i + 1]) <= 0x9f;
    if (c < 0x20 || c == 0x7f || c1) {
      v.Add(std::string(field), "must not contain control characters");
      return;
    }
  }
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    v.Add(std::string(field), "must not be blank");
  }
}

}  // namespace

void CheckRequiredText(Violations& v, absl::string_view field,
                       absl::string_view value, size_t max_chars) {
  CheckText(v, field, value, max_chars, /*required=*/true);
}

void CheckOptionalText(Violations& v, absl::string_view field,
                       absl::string_view value, size_t max_chars) {
  CheckText(v, field, value, max_chars, /*required=*/false);
}

void CheckDigits(Violations& v, absl::string_view field,
                 absl::string_view value, size_t digits) {
  bool ok = value.size() == digits;
  for (char c : value) ok = ok && absl::ascii_isdigit(c);
  if (!ok)
    v.Add(std::string(field), absl::StrCat("must be ", digits, " digits"));
}

void CheckRequestId(Violations& v, absl::string_view value) {
  if (value.size() > 64) {
    v.Add("request_id", "must be at most 64 characters");
    return;
  }
  for (unsigned char c : value) {
    if (c < 0x21 || c > 0x7e) {
      v.Add("request_id", "must be printable ASCII without spaces");
      return;
    }
  }
}

}  // namespace pumpurs
