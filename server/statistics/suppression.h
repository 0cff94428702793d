#ifndef PUMPURS_SERVER_STATISTICS_SUPPRESSION_H_
#define PUMPURS_SERVER_STATISTICS_SUPPRESSION_H_

// Small-cell suppression. A cell — a row of a report (a count of pupils,
// plans or measures, with the sums that belong to it) for one unit (the
// country, a municipality, an institution) — is hidden when 1 to 4 pupils
// are behind it. Hiding one cell is not enough where a total is shown next
// to its parts: the hidden part would be the total minus the rest, and a
// hidden total the sum of its parts. So wherever exactly one non-zero member
// of a constraint is hidden, the smallest other non-zero member (a part or
// the total) is hidden too, until nothing changes. Constraints:
//  - within a unit: a total row against its part rows (pupils against risk
//    groups, plans against states, hours against measure types, ...);
//  - across units: a parent unit's cell against its children's cells of
//    the same row (the country against its municipalities, a municipality
//    against its institutions).
// Cells can also be forced (a figure for several semesters is hidden when
// it was hidden in one of them, so periods cannot be subtracted either).
// Solving the whole tree of units at once makes every scope's answer agree.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pumpurs::statistics {

inline constexpr int64_t kMinPupils = 5;

class SuppressionGrid {
 public:
  // `units` units, numbered 0 to units - 1.
  explicit SuppressionGrid(int units) : units_(units) {}

  // How many pupils (at least) are behind `row` for `unit`. Cells never set
  // count as 0.
  void Set(const std::string& row, int unit, int64_t pupils);
  // Hides `row` of `unit` whatever its count.
  void Force(const std::string& row, int unit);
  // In every unit, `total` is shown next to `parts`.
  void AddConstraint(const std::string& total,
                     const std::vector<std::string>& parts);
  // In every row, unit `parent`'s cell is shown next to its `children`'s.
  void AddUnitConstraint(int parent, std::vector<int> children);

  // Applies the rules (primary, then the complements to a fixed point).
  void Run();

  bool Suppressed(const std::string& row, int unit) const;

  // The same by row id, for callers that fill large grids: RowOf adds the
  // row if new.
  int RowOf(const std::string& row);
  void SetAt(int row, int unit, int64_t pupils) {
    pupils_[Index(row, unit)] = pupils;
  }
  void ForceAt(int row, int unit) { hidden_[Index(row, unit)] = 1; }
  bool SuppressedAt(int row, int unit) const {
    return hidden_[Index(row, unit)] != 0;
  }
  int units() const { return units_; }
  int rows() const { return static_cast<int>(rows_.size()); }

 private:
  size_t Index(int row, int unit) const {
    return static_cast<size_t>(row) * units_ + unit;
  }
  // Among the cells `members` (indexes), if exactly one non-zero is
  // hidden, hides the smallest other non-zero one. True if it changed
  // something.
  bool Complement(const std::vector<size_t>& members);

  int units_;
  std::map<std::string, int> rows_;
  std::vector<int64_t> pupils_;  // row-major: row * units_ + unit
  std::vector<char> hidden_;
  std::vector<std::pair<int, std::vector<int>>> table_constraints_;
  std::vector<std::pair<int, std::vector<int>>> unit_constraints_;
};

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_SUPPRESSION_H_
