#ifndef PUMPURS_SERVER_STATISTICS_COUNTERS_H_
#define PUMPURS_SERVER_STATISTICS_COUNTERS_H_

// The statistics counters (migration 7): kept current by the plan writer in
// the plan's own transaction, and rebuilt from the plans when a database
// gets them for the first time or after a bulk load.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/statistics/contribution.h"
#include "server/storage/connection.h"
#include "server/storage/database.h"

namespace pumpurs::statistics {

// Where a plan counts; fixed for the plan's life.
struct PlanPlace {
  int school_year = 0;
  int term = 0;
  std::string institution_id;
  std::string municipality_id;
  std::string pupil_id;
};

// The three scopes a plan counts in: "n", "m:<id>", "i:<id>".
std::string NationalScope();
std::string MunicipalityScope(absl::string_view municipality_id);
std::string InstitutionScope(absl::string_view institution_id);

// Applies (after - before) to the counters of `place`. Only what differs is
// written, so most plan saves (a delivery, a comment) touch a row or two.
absl::Status ApplyChange(storage::Connection& conn, const PlanPlace& place,
                         const Contribution& before, const Contribution& after);

// Recounts everything from the stored plans in one transaction of `conn`
// (the caller's); `progress` gets a line now and then.
absl::Status Rebuild(storage::Connection& conn,
                     const std::function<void(absl::string_view)>& progress);

// A token that changes with every rebuild (0 while stale).
absl::StatusOr<int64_t> BuildToken(storage::Connection& conn);
// How many changes the counters of a semester have had (reports computed
// at another version are stale).
absl::StatusOr<int64_t> SemesterVersion(storage::Connection& conn,
                                        int school_year, int term);

// Whether the counters are current (stats_built).
absl::StatusOr<bool> IsBuilt(storage::Connection& conn);
// Marks them stale, e.g. after rows were written around the plan writer.
absl::Status MarkStale(storage::Connection& conn);

// Rebuilds the counters if they are stale. Call once at start, before
// serving; progress goes to the log.
absl::Status EnsureBuilt(storage::Database& db);

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_COUNTERS_H_
