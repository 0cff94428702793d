#ifndef PUMPURS_SERVER_STATISTICS_FIGURES_H_
#define PUMPURS_SERVER_STATISTICS_FIGURES_H_

// The raw (unsuppressed) figures of reporting units for a semester or a
// period, read from the counters (counters.h), the directory and the
// youth-initiative tables. Nothing here leaves the server as is:
// indicators.cc suppresses before answering.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/plans/semester.h"
#include "server/storage/connection.h"

namespace pumpurs::statistics {

enum class Level { kNation, kMunicipality, kInstitution };

// A unit and its siblings under the same parent: the country alone; every
// municipality; the institutions of one municipality.
struct Units {
  Level level = Level::kNation;
  std::vector<std::string> ids;  // "" for the country
  int self = 0;                  // the unit asked about
};

std::string ScopeOf(Level level, const std::string& id);

struct YouthFigures {
  int64_t projects = 0;
  int64_t participants = 0;
  int64_t at_risk = 0;
  int64_t planned = 0;
};

// One unit, one semester or period.
struct RawFigures {
  // (metric, key) -> value, summed over the semesters.
  std::map<std::pair<std::string, std::string>, int64_t> counts;
  // Distinct pupils over the period: kAllPupils, GroupKey(), FactorKey().
  std::map<std::string, int64_t> pupils;
  // Measure key -> pupils with such a measure, at least (exact for one
  // semester; the largest semester for longer periods).
  std::map<std::string, int64_t> measure_pupils;
  std::set<std::string> institutions;  // ids of involved institutions
  YouthFigures youth;

  int64_t Count(const std::string& metric, const std::string& key) const;
};

// The directory as reporting needs it.
struct Directory {
  std::map<std::string, std::string> municipality_of;  // institution -> its
  std::vector<std::string> municipalities;              // ids, sorted
};
absl::StatusOr<Directory> LoadDirectory(storage::Connection& conn);

// Figures of every unit of `units` for one semester (index = unit).
absl::StatusOr<std::vector<RawFigures>> LoadSemester(
    storage::Connection& conn, const Directory& dir, const Units& units,
    const plans::Semester& semester);

// Figures of every unit for a period, from its semesters' figures
// (`by_semester`, same order as `semesters`) and the distinct-pupil counts
// of the whole period.
absl::StatusOr<std::vector<RawFigures>> CombinePeriod(
    storage::Connection& conn, const Units& units,
    const std::vector<plans::Semester>& semesters,
    const std::vector<std::vector<RawFigures>>& by_semester);

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_FIGURES_H_
