#include "server/statistics/suppression.h"

#include <utility>

namespace pumpurs::statistics {

int SuppressionGrid::RowOf(const std::string& row) {
  auto [it, added] = rows_.emplace(row, static_cast<int>(rows_.size()));
  if (added) {
    pupils_.resize(pupils_.size() + units_, 0);
    hidden_.resize(hidden_.size() + units_, 0);
  }
  return it->second;
}

void SuppressionGrid::Set(const std::string& row, int unit, int64_t pupils) {
  pupils_[Index(RowOf(row), unit)] = pupils;
}

void SuppressionGrid::Force(const std::string& row, int unit) {
  hidden_[Index(RowOf(row), unit)] = 1;
}

void SuppressionGrid::AddConstraint(const std::string& total,
                                    const std::vector<std::string>& parts) {
  std::vector<int> ids;
  for (const std::string& p : parts) ids.push_back(RowOf(p));
  table_constraints_.emplace_back(RowOf(total), std::move(ids));
}

void SuppressionGrid::AddUnitConstraint(int parent, std::vector<int> children) {
  unit_constraints_.emplace_back(parent, std::move(children));
}

bool SuppressionGrid::Complement(const std::vector<size_t>& members) {
  int hidden = 0;
  for (size_t m : members) {
    if (pupils_[m] != 0 && hidden_[m]) ++hidden;
  }
  if (hidden != 1) return false;
  // A total is never smaller than its parts, so a part goes first and the
  // total only when no other part is left.
  size_t smallest = 0;
  bool found = false;
  for (size_t m : members) {
    if (pupils_[m] == 0 || hidden_[m]) continue;
    if (!found || pupils_[m] < pupils_[smallest]) {
      smallest = m;
      found = true;
    }
  }
  if (!found) return false;
  hidden_[smallest] = 1;
  return true;
}

void SuppressionGrid::Run() {
  for (size_t i = 0; i < pupils_.size(); ++i) {
    if (pupils_[i] > 0 && pupils_[i] < kMinPupils) hidden_[i] = 1;
  }
  const int rows = static_cast<int>(rows_.size());
  std::vector<size_t> members;
  bool changed = true;
  while (changed) {
    changed = false;
    for (const auto& [total, parts] : table_constraints_) {
      for (int u = 0; u < units_; ++u) {
        members.clear();
        for (int p : parts) members.push_back(Index(p, u));
        members.push_back(Index(total, u));
        changed |= Complement(members);
      }
    }
    for (const auto& [parent, children] : unit_constraints_) {
      for (int r = 0; r < rows; ++r) {
        members.clear();
        for (int c : children) members.push_back(Index(r, c));
        members.push_back(Index(r, parent));
        changed |= Complement(members);
      }
    }
  }
}

bool SuppressionGrid::Suppressed(const std::string& row, int unit) const {
  auto it = rows_.find(row);
  return it != rows_.end() && hidden_[Index(it->second, unit)];
}

}  // namespace pumpurs::statistics
