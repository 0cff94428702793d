#ifndef PUMPURS_SERVER_STATISTICS_INDICATORS_H_
#define PUMPURS_SERVER_STATISTICS_INDICATORS_H_

// GetProgrammeIndicators: validates the request, authorizes the scope by
// the one policy, reads the figures of the unit and its siblings for every
// semester needed, suppresses small cells (suppression.h) and fills the
// answer. Audited as a statistics read (no pupil in it).

#include "absl/status/statusor.h"
#include "pumpurs/v1/statistics.pb.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::statistics {

absl::StatusOr<pumpurs::v1::ProgrammeIndicators> GetProgrammeIndicators(
    storage::Connection& conn, const CallContext& call,
    const pumpurs::v1::GetProgrammeIndicatorsRequest& request);

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_INDICATORS_H_
