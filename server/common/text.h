#ifndef PUMPURS_SERVER_COMMON_TEXT_H_
#define PUMPURS_SERVER_COMMON_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "server/common/error.h"

namespace pumpurs {

// Validation helpers for user-supplied text. Each adds at most one violation
// to `v` and describes the rule, never the value.

// Required text of 1..max_chars Unicode characters, valid UTF-8, no control
// characters, not only whitespace.
void CheckRequiredText(Violations& v, absl::string_view field,
                       absl::string_view value, size_t max_chars);

// Like CheckRequiredText but empty is allowed.
void CheckOptionalText(Violations& v, absl::string_view field,
                       absl::string_view value, size_t max_chars);

// Exactly `digits` ASCII digits.
void CheckDigits(Violations& v, absl::string_view field,
                 absl::string_view value, size_t digits);

// An optional request_id: at most 64 printable ASCII characters.
void CheckRequestId(Violations& v, absl::string_view value);

// Number of code points if `s` is valid UTF-8, or -1.
int64_t Utf8Length(absl::string_view s);

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_TEXT_H_
