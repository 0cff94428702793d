#ifndef PUMPURS_SERVER_PLANS_DELIVERIES_H_
#define PUMPURS_SERVER_PLANS_DELIVERIES_H_

// Delivery records: the consultations and compensations actually given
// under a plan's measures, the measures' delivered quantities, the plan's
// funds used, and the hours each provider delivered per month (for pay).
//
// Funds: a compensation (unit EUR) costs its amount. A consultation costs
// its share of the measure's planned cost: for HOURS planned_cost_cents ×
// (minutes / 60) / planned_quantity, for SESSIONS planned_cost_cents /
// planned_quantity per record; the planned quantity is taken to the
// hundredth and the result rounded to the nearest cent, halves away from
// zero. A measure's delivered_quantity and delivery_count are recomputed
// from its stored records on every delivery (hours = minutes / 60, one per
// session record, euros = cents / 100), so they never drift.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/common/call_context.h"
#include "server/common/page.h"
#include "server/storage/connection.h"

namespace pumpurs::plans {

using storage::Connection;
namespace v1 = ::pumpurs::v1;

inline constexpr char kDeliveries[] = "deliveries";

// What one record costs, in cents (see above). `minutes` for HOURS,
// `amount_cents` for EUR; a SESSIONS record costs one session.
int64_t FundsFor(const v1::PlanMeasure& measure, int64_t minutes,
                 int64_t amount_cents);

// Records `in` under a measure of plan `plan_id` (approved or in
// implementation; an approved plan moves to implementation) as of `now`,
// updates the measure's delivered quantity and the plan's funds used
// (SavePlan "deliver") and audits "delivery.create". By the measure's
// provider, the plan's preparer or the head. A repeated `request_id`
// returns the first record.
absl::StatusOr<v1::DeliveryRecord> RecordDelivery(
    Connection& conn, const CallContext& call, absl::string_view plan_id,
    const v1::DeliveryRecord& in, absl::string_view request_id, absl::Time now);

// The plan's records (of one measure if `measure_id` is set), oldest
// first. For anyone who may see the plan; audited "delivery.list".
absl::StatusOr<ListPage<v1::DeliveryRecord>> ListDeliveries(
    Connection& conn, const CallContext& call, absl::string_view plan_id,
    absl::string_view measure_id, int page_size, absl::string_view page_token);

struct DeliveredHoursQuery {
  std::string institution_id;
  std::string start_month;  // "YYYY-MM", required
  std::string end_month;    // "YYYY-MM", default start_month, ≤ start + 12
  std::string provider_id;  // staff id, or "" for every provider
  int page_size = 0;
  std::string page_token;
};

// Consultations per (month, provider) of an institution, by month then
// provider: count, minutes, remote minutes, distinct plans. Compensations
// have no hours and are left out. For the head, the coordinator and the
// national administrator, or a provider asking about themself. Aggregates
// hold no pupil's data: not audited.
absl::StatusOr<ListPage<v1::DeliveredHours>> ListDeliveredHours(
    Connection& conn, const CallContext& call, const DeliveredHoursQuery& q);

}  // namespace pumpurs::plans

#endif  // PUMPURS_SERVER_PLANS_DELIVERIES_H_
