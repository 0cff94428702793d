#ifndef PUMPURS_SERVER_COMMON_LOG_H_
#define PUMPURS_SERVER_COMMON_LOG_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace pumpurs {

// One structured (JSON) log line, written to stderr when the object dies.
// Only put identifiers, codes and numbers in it: never names, free text or
// anything from a pupil's record.
//
//   LogLine("rpc").Str("method", m).Int("latency_us", us);
class LogLine {
 public:
  explicit LogLine(absl::string_view event);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  LogLine& Str(absl::string_view key, absl::string_view value);
  LogLine& Int(absl::string_view key, int64_t value);

 private:
  std::string line_;
};

// Silences LogLine (tests that want quiet output); thread-safe.
void SetLoggingEnabled(bool enabled);

// Appends `s` to `out` as a JSON string body (without quotes).
void AppendJsonEscaped(std::string* out, absl::string_view s);

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_LOG_H_
