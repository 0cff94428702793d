#ifndef PUMPURS_SERVER_STATISTICS_CONTRIBUTION_H_
#define PUMPURS_SERVER_STATISTICS_CONTRIBUTION_H_

// What one support plan adds to the programme's counters. A plan counts in
// its semester, its institution and municipality and the country; a change
// of the plan changes the counters by (what it adds now) - (what it added
// before), so the writer never recounts.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "pumpurs/v1/support_plan.pb.h"

namespace pumpurs::statistics {

// Counter names (stats_counts.metric). Keys: a PlanState number for kPlans;
// kAllPupils, GroupKey() or FactorKey() for kPupils; MeasureKey() for the
// measure metrics.
inline constexpr char kPlans[] = "plans";
inline constexpr char kPupils[] = "pupils";
inline constexpr char kMeasures[] = "measures";
inline constexpr char kMeasurePlans[] = "measure_plans";  // plans with one
inline constexpr char kPlannedCenti[] = "planned_centi";  // quantity x 100
inline constexpr char kDeliveredCenti[] = "delivered_centi";
inline constexpr char kPlannedCostCents[] = "planned_cost_cents";
// Bumped (national scope, key "") with every change of a semester's counters.
inline constexpr char kVersion[] = "version";

inline constexpr char kAllPupils[] = "*";
std::string GroupKey(int group);                 // "g:<RiskGroup number>"
std::string FactorKey(const std::string& code);  // "f:<code>"
// "<measure type code>/<MeasureUnit number>"; the code is empty for a
// custom measure.
std::string MeasureKey(const std::string& type_code, int unit);

// Plans in these states are support given: approved, being implemented,
// suspended, under revision, closed.
bool IsSupported(pumpurs::v1::PlanState state);

struct Contribution {
  // (metric, key) -> amount.
  std::map<std::pair<std::string, std::string>, int64_t> counters;
  // Distinct-pupil cells of the school year the pupil is in through this
  // plan (kAllPupils, GroupKey, FactorKey); empty unless supported.
  std::set<std::string> member_keys;
};

// What `plan` in `state` adds to its semester's counters.
Contribution ContributionOf(const pumpurs::v1::SupportPlan& plan,
                            pumpurs::v1::PlanState state);

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_CONTRIBUTION_H_
