#ifndef PUMPURS_SERVER_STATISTICS_CSV_H_
#define PUMPURS_SERVER_STATISTICS_CSV_H_

// The indicators as CSV files (one per report), for spreadsheets and open
// data: UTF-8, RFC 4180 quoting, CRLF, a header row in English or Latvian.
// Suppressed cells say so in words, never as a number.

#include <string>

#include "absl/status/statusor.h"
#include "pumpurs/v1/statistics.pb.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::statistics {

// `language`: "en" (or empty) or "lv".
pumpurs::v1::ExportProgrammeIndicatorsResponse CsvFilesOf(
    const pumpurs::v1::ProgrammeIndicators& indicators,
    const std::string& language);

// GetProgrammeIndicators (same checks, same audit) as CSV files.
// INVALID_ARGUMENT for a language other than "", "en", "lv".
absl::StatusOr<pumpurs::v1::ExportProgrammeIndicatorsResponse>
ExportProgrammeIndicators(
    storage::Connection& conn, const CallContext& call,
    const pumpurs::v1::ExportProgrammeIndicatorsRequest& request);

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_CSV_H_
