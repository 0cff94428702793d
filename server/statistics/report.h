#ifndef PUMPURS_SERVER_STATISTICS_REPORT_H_
#define PUMPURS_SERVER_STATISTICS_REPORT_H_

// A sheet of figures for every unit with its suppression solved over the
// whole tree of units at once, and a process-wide cache of them: the
// figures of a semester only change when its counters do (a version the
// plan writer bumps), so past semesters are computed once.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/statistics/figures.h"
#include "server/statistics/suppression.h"

namespace pumpurs::statistics {

struct Report {
  Sheet sheet;
  SuppressionGrid grid{0};
};

// Row names of the grid, also for tests: "pupils", GroupKey(), FactorKey(),
// "plans", StateRow(), MeasureRow(), "hours", "eur", "y:part", "y:risk",
// "y:planned".
std::string StateRow(int state);
std::string MeasureRow(const std::string& key);

// The suppression grid of `sheet` (not yet run): rows for every unit, the
// constraints within each unit and between each parent and its children.
SuppressionGrid GridOf(const Layout& layout, const Tree& tree,
                       const Sheet& sheet);

// Hides in `period` every cell `semester` hid (grids of one layout and
// tree have the same rows in the same order).
void ForceFrom(SuppressionGrid& period, const SuppressionGrid& semester);

// Computed reports by key (database, directory, taxonomy, youth, period)
// and the versions of the period's semesters. Thread-safe; keeps the most
// recent few.
class ReportCache {
 public:
  std::shared_ptr<const Report> Find(const std::string& key,
                                     const std::vector<int64_t>& versions);
  void Put(const std::string& key, std::vector<int64_t> versions,
           std::shared_ptr<const Report> report);
};
ReportCache& SharedReportCache();

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_REPORT_H_
