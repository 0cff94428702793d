#ifndef PUMPURS_SERVER_STATISTICS_SUPPRESSION_H_
#define PUMPURS_SERVER_STATISTICS_SUPPRESSION_H_

// Small-cell suppression. A row of a report (a count of pupils, plans or
// measures, with the sums that belong to it) is suppressed when 1 to 4
// pupils are behind it. Suppressing one row is not enough when a total or a
// parent's figure is shown: the missing row would be the total minus the
// rest. So wherever exactly one row of a constraint is hidden, the smallest
// other non-zero row is hidden too, until nothing changes:
//  - within one unit: a total against its parts (pupils against risk
//    groups, plans against states, hours against measure types, ...);
//  - across units: the same row of sibling units (the institutions of one
//    municipality, the municipalities of the country), whose parent's
//    figure is shown.
// Rows can also be forced (a figure for several semesters is hidden when it
// was hidden in one of them, so periods cannot be subtracted either).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pumpurs::statistics {

inline constexpr int64_t kMinPupils = 5;

class SuppressionGrid {
 public:
  // `units` sibling units, numbered 0 to units - 1.
  explicit SuppressionGrid(int units) : units_(units) {}

  // How many pupils (at least) are behind `row` for `unit`. Rows never set
  // count as 0.
  void Set(const std::string& row, int unit, int64_t pupils);
  // Hides `row` of `unit` whatever its count.
  void Force(const std::string& row, int unit);
  // `total` is shown next to `parts` (and is at least their sum's
  // information): one hidden part must not be derivable.
  void AddConstraint(const std::string& total, std::vector<std::string> parts);

  // Applies the rules (primary, then secondary to a fixed point).
  void Run();

  bool Suppressed(const std::string& row, int unit) const;

 private:
  struct Cell {
    std::vector<int64_t> pupils;
    std::vector<bool> hidden;
  };
  Cell& CellOf(const std::string& row);
  // Among `candidates` (row, unit), if exactly one non-zero is hidden, hides
  // the smallest other non-zero one. True if it changed something.
  bool Complement(const std::vector<std::pair<Cell*, int>>& candidates);

  int units_;
  std::map<std::string, Cell> cells_;
  std::vector<std::pair<std::string, std::vector<std::string>>> constraints_;
};

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_SUPPRESSION_H_
