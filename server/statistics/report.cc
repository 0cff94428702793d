#include "server/statistics/report.h"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/statistics/contribution.h"

namespace pumpurs::statistics {
namespace {

namespace v1 = ::pumpurs::v1;

// Enough for the trend and a few periods of several databases (tests);
// about 2 MB each at national scale.
constexpr size_t kCachedReports = 48;

struct Entry {
  std::vector<int64_t> versions;
  std::shared_ptr<const Report> report;
};

struct CacheState {
  absl::Mutex mu;
  std::map<std::string, Entry> entries ABSL_GUARDED_BY(mu);
  std::deque<std::string> order ABSL_GUARDED_BY(mu);  // oldest first
};

CacheState& State() {
  static auto* state = new CacheState();
  return *state;
}

}  // namespace

std::string StateRow(int state) { return absl::StrCat("s:", state); }
std::string MeasureRow(const std::string& key) { return "t:" + key; }

SuppressionGrid GridOf(const Layout& layout, const Tree& tree,
                       const Sheet& sheet) {
  SuppressionGrid grid(tree.units());
  const int pupils = grid.RowOf("pupils");
  std::vector<std::string> groups, states, hours, eur;
  std::vector<int> group_rows, factor_rows, state_rows, measure_rows;
  for (int g = 1; g <= 4; ++g) {
    groups.push_back(GroupKey(g));
    group_rows.push_back(grid.RowOf(groups.back()));
  }
  std::map<int, std::vector<std::string>> factors_of;
  for (const Factor& f : layout.factors) {
    factors_of[f.group].push_back(FactorKey(f.code));
    factor_rows.push_back(grid.RowOf(FactorKey(f.code)));
  }
  const int plans = grid.RowOf("plans");
  for (int s = 1; s <= 8; ++s) {
    states.push_back(StateRow(s));
    state_rows.push_back(grid.RowOf(states.back()));
  }
  for (const MeasureKind& m : layout.measures) {
    measure_rows.push_back(grid.RowOf(MeasureRow(m.key)));
    if (m.unit == v1::MEASURE_UNIT_HOURS) hours.push_back(MeasureRow(m.key));
    if (m.unit == v1::MEASURE_UNIT_EUR) eur.push_back(MeasureRow(m.key));
  }
  const int hours_row = grid.RowOf("hours");
  const int eur_row = grid.RowOf("eur");
  const int youth_rows[] = {grid.RowOf("y:part"), grid.RowOf("y:risk"),
                            grid.RowOf("y:planned")};
  const Layout::YouthField youth_fields[] = {
      Layout::kParticipants, Layout::kAtRisk, Layout::kPlannedPeople};
  for (int u = 0; u < tree.units(); ++u) {
    const std::vector<int64_t>& v = sheet.values[u];
    grid.SetAt(pupils, u, v[layout.AllPupils()]);
    for (int g = 1; g <= 4; ++g)
      grid.SetAt(group_rows[g - 1], u, v[layout.Group(g)]);
    for (size_t f = 0; f < layout.factors.size(); ++f) {
      grid.SetAt(factor_rows[f], u, v[layout.FactorColumn(f)]);
    }
    int64_t all_plans = 0;
    for (int s = 1; s <= 8; ++s) {
      grid.SetAt(state_rows[s - 1], u, v[layout.Plans(s)]);
      all_plans += v[layout.Plans(s)];
    }
    grid.SetAt(plans, u, all_plans);
    // Pupils behind a total of hours (or euros): at least those of the
    // type with the most.
    int64_t hour_pupils = 0, eur_pupils = 0;
    for (size_t m = 0; m < layout.measures.size(); ++m) {
      const int64_t n = v[layout.Measure(m, Layout::kWithType)];
      grid.SetAt(measure_rows[m], u, n);
      if (layout.measures[m].unit == v1::MEASURE_UNIT_HOURS) {
        hour_pupils = std::max(hour_pupils, n);
      }
      if (layout.measures[m].unit == v1::MEASURE_UNIT_EUR) {
        eur_pupils = std::max(eur_pupils, n);
      }
    }
    grid.SetAt(hours_row, u, hour_pupils);
    grid.SetAt(eur_row, u, eur_pupils);
    for (int y = 0; y < 3; ++y) {
      grid.SetAt(youth_rows[y], u, v[layout.Youth(youth_fields[y])]);
    }
  }
  grid.AddConstraint("pupils", groups);
  for (const auto& [g, codes] : factors_of) {
    grid.AddConstraint(GroupKey(g), codes);
  }
  grid.AddConstraint("plans", states);
  grid.AddConstraint("hours", hours);
  grid.AddConstraint("eur", eur);
  std::vector<std::vector<int>> children(tree.units());
  for (int u = 1; u < tree.units(); ++u) children[tree.parent[u]].push_back(u);
  for (int u = 0; u < tree.units(); ++u) {
    if (!children[u].empty()) grid.AddUnitConstraint(u, children[u]);
  }
  return grid;
}

void ForceFrom(SuppressionGrid& period, const SuppressionGrid& semester) {
  for (int r = 0; r < semester.rows(); ++r) {
    for (int u = 0; u < semester.units(); ++u) {
      if (semester.SuppressedAt(r, u)) period.ForceAt(r, u);
    }
  }
}

std::shared_ptr<const Report> ReportCache::Find(
    const std::string& key, const std::vector<int64_t>& versions) {
  CacheState& s = State();
  absl::MutexLock lock(&s.mu);
  auto it = s.entries.find(key);
  if (it == s.entries.end() || it->second.versions != versions) return nullptr;
  return it->second.report;
}

void ReportCache::Put(const std::string& key, std::vector<int64_t> versions,
                      std::shared_ptr<const Report> report) {
  CacheState& s = State();
  absl::MutexLock lock(&s.mu);
  auto [it, added] = s.entries.insert_or_assign(
      key, Entry{std::move(versions), std::move(report)});
  if (added) s.order.push_back(key);
  while (s.order.size() > kCachedReports) {
    s.entries.erase(s.order.front());
    s.order.pop_front();
  }
}

ReportCache& SharedReportCache() {
  static auto* cache = new ReportCache();
  return *cache;
}

}  // namespace pumpurs::statistics
