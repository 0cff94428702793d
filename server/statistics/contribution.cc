#include "server/statistics/contribution.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pumpurs::statistics {
namespace {

namespace v1 = ::pumpurs::v1;

int64_t Centi(double quantity) { return std::llround(quantity * 100.0); }

}  // namespace

std::string GroupKey(int group) { return absl::StrCat("g:", group); }

std::string FactorKey(const std::string& code) {
  return absl::StrCat("f:", code);
}

std::string MeasureKey(const std::string& type_code, int unit) {
  return absl::StrCat(type_code, "/", unit);
}

bool IsSupported(v1::PlanState state) {
  switch (state) {
    case v1::PLAN_STATE_APPROVED:
    case v1::PLAN_STATE_IN_IMPLEMENTATION:
    case v1::PLAN_STATE_SUSPENDED:
    case v1::PLAN_STATE_UNDER_REVISION:
    case v1::PLAN_STATE_CLOSED:
      return true;
    default:
      return false;
  }
}

Contribution ContributionOf(const v1::SupportPlan& plan, v1::PlanState state) {
  Contribution c;
  c.counters[{kPlans, absl::StrCat(static_cast<int>(state))}] = 1;
  if (!IsSupported(state)) return c;
  // One supported plan per pupil per semester (the live-plan index), so a
  // semester's pupil counts are plan counts.
  c.member_keys.insert(kAllPupils);
  for (const v1::PlanRisk& risk : plan.risks()) {
    c.member_keys.insert(GroupKey(risk.group()));
    c.member_keys.insert(FactorKey(
        std::string(absl::StripPrefix(risk.risk_factor(), "riskFactors/"))));
  }
  for (const std::string& key : c.member_keys) {
    c.counters[{kPupils, key}] = 1;
  }
  for (const v1::PlanMeasure& m : plan.measures()) {
    const std::string key = MeasureKey(
        std::string(absl::StripPrefix(m.measure_type(), "measureTypes/")),
        m.unit());
    c.counters[{kMeasures, key}] += 1;
    c.counters[{kMeasurePlans, key}] = 1;
    c.counters[{kPlannedCenti, key}] += Centi(m.planned_quantity());
    c.counters[{kDeliveredCenti, key}] += Centi(m.delivered_quantity());
    c.counters[{kPlannedCostCents, key}] += m.planned_cost_cents();
  }
  return c;
}

}  // namespace pumpurs::statistics
