#include "server/statistics/suppression.h"

#include <utility>

namespace pumpurs::statistics {

SuppressionGrid::Cell& SuppressionGrid::CellOf(const std::string& row) {
  Cell& c = cells_[row];
  if (c.pupils.empty()) {
    c.pupils.assign(units_, 0);
    c.hidden.assign(units_, false);
  }
  return c;
}

void SuppressionGrid::Set(const std::string& row, int unit, int64_t pupils) {
  CellOf(row).pupils[unit] = pupils;
}

void SuppressionGrid::Force(const std::string& row, int unit) {
  CellOf(row).hidden[unit] = true;
}

void SuppressionGrid::AddConstraint(const std::string& total,
                                    std::vector<std::string> parts) {
  CellOf(total);
  for (const std::string& p : parts) CellOf(p);
  constraints_.emplace_back(total, std::move(parts));
}

bool SuppressionGrid::Complement(
    const std::vector<std::pair<Cell*, int>>& candidates) {
  int hidden = 0;
  for (const auto& [cell, unit] : candidates) {
    if (cell->pupils[unit] != 0 && cell->hidden[unit]) ++hidden;
  }
  if (hidden != 1) return false;
  std::pair<Cell*, int> smallest{nullptr, 0};
  for (const auto& [cell, unit] : candidates) {
    const int64_t n = cell->pupils[unit];
    if (n == 0 || cell->hidden[unit]) continue;
    if (smallest.first == nullptr || n < smallest.first->pupils[smallest.second]) {
      smallest = {cell, unit};
    }
  }
  if (smallest.first == nullptr) return false;
  smallest.first->hidden[smallest.second] = true;
  return true;
}

void SuppressionGrid::Run() {
  for (auto& [row, cell] : cells_) {
    for (int u = 0; u < units_; ++u) {
      if (cell.pupils[u] > 0 && cell.pupils[u] < kMinPupils) {
        cell.hidden[u] = true;
      }
    }
  }
  bool changed = true;
  while (changed) {
    changed = false;
    for (const auto& [total, parts] : constraints_) {
      for (int u = 0; u < units_; ++u) {
        // Parts first, so a second part is hidden rather than the total;
        // the total is the last resort.
        std::vector<std::pair<Cell*, int>> members;
        for (const std::string& p : parts) members.push_back({&cells_[p], u});
        members.push_back({&cells_[total], u});
        changed |= Complement(members);
      }
    }
    if (units_ > 1) {
      for (auto& [row, cell] : cells_) {
        std::vector<std::pair<Cell*, int>> siblings;
        for (int u = 0; u < units_; ++u) siblings.push_back({&cell, u});
        changed |= Complement(siblings);
      }
    }
  }
}

bool SuppressionGrid::Suppressed(const std::string& row, int unit) const {
  auto it = cells_.find(row);
  return it != cells_.end() && it->second.hidden[unit];
}

}  // namespace pumpurs::statistics
