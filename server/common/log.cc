#include "server/common/log.h"

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pumpurs {
namespace {
std::atomic<bool> g_enabled{true};
}  // namespace

void SetLoggingEnabled(bool enabled) { g_enabled.store(enabled); }

void AppendJsonEscaped(std::string* out, absl::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
}

LogLine::LogLine(absl::string_view event) {
  line_ = absl::StrCat("{\"ts\":\"",
                       absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(),
                                        absl::UTCTimeZone()),
                       "\",\"event\":\"");
  AppendJsonEscaped(&line_, event);
  line_.push_back('"');
}

LogLine& LogLine::Str(absl::string_view key, absl::string_view value) {
  line_.append(",\"");
  AppendJsonEscaped(&line_, key);
  line_.append("\":\"");
  AppendJsonEscaped(&line_, value);
  line_.push_back('"');
  return *this;
}

LogLine& LogLine::Int(absl::string_view key, int64_t value) {
  line_.append(",\"");
  AppendJsonEscaped(&line_, key);
  absl::StrAppend(&line_, "\":", value);
  return *this;
}

LogLine::~LogLine() {
  if (!g_enabled.load()) return;
  line_.append("}\n");
  // One fwrite per line keeps lines whole when threads log at once.
  std::fwrite(line_.data(), 1, line_.size(), stderr);
}

}  // namespace pumpurs
