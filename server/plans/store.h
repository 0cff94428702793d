#ifndef PUMPURS_SERVER_PLANS_STORE_H_
#define PUMPURS_SERVER_PLANS_STORE_H_

// Support plans as stored: one row per plan with the plan itself (a
// serialized pumpurs.v1.SupportPlan, unredacted) and the columns that
// filters and access decisions need. Every change goes through SavePlan,
// which bumps the version (the etag), rewrites the providers, appends a
// revision (who, when, what, which fields: never contents) and a change-feed
// entry, so no change can skip history or sync. Callers authorize and
// validate first; nothing here checks access.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/common/call_context.h"
#include "server/plans/semester.h"
#include "server/storage/connection.h"

namespace pumpurs::plans {

using storage::Connection;
namespace v1 = ::pumpurs::v1;

inline constexpr char kSupportPlans[] = "supportPlans";
inline constexpr char kApplications[] = "applications";
inline constexpr char kPupils[] = "pupils";
inline constexpr char kStaff[] = "staff";
inline constexpr char kGuardians[] = "guardians";
inline constexpr char kInstitutions[] = "institutions";
inline constexpr char kMunicipalities[] = "municipalities";
inline constexpr char kAccounts[] = "accounts";

struct StoredPlan {
  // The plan as the API shows it to someone who may see everything: name,
  // institution, application, state, etag and times are filled on load from
  // the columns.
  v1::SupportPlan plan;
  std::string id;
  std::string pupil_id;
  std::string institution_id;
  std::string municipality_id;
  std::string application_id;
  std::string preparer_id;  // staff id
  Semester semester;
  bool vocational = false;  // a state vocational school: no municipality step
  bool submitted = false;   // entered approval at least once
  bool application_withdrawn = false;
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
  std::vector<std::string> guardian_ids;  // of the pupil, for access
  std::vector<std::string> provider_ids;  // staff ids of the measures
  // Staff who provided a measure of the plan, or prepared it, once but no
  // longer do: they may hold it from an earlier sync (a tombstone is owed).
  std::vector<std::string> former_provider_ids;

  v1::PlanState state() const { return plan.state(); }
};

// nullopt if there is no such plan.
absl::StatusOr<std::optional<StoredPlan>> LoadPlan(Connection& conn,
                                                   absl::string_view id);

// Stores a new plan (`p.id` set by the caller, version 1, times `now`),
// revision 1 ("create") and its change-feed entry. ALREADY_EXISTS (reason
// PLAN_EXISTS_FOR_SEMESTER) if the pupil has a plan for the semester.
absl::Status InsertPlan(Connection& conn, const CallContext& call,
                        StoredPlan& p, absl::Time now);

// Stores a change of `p`: version + 1, update time `now`, the row,
// providers (from the measures), the revision (`action`, `changed_fields`)
// and the change-feed entry (a tombstone for an inactive plan). `p` is
// updated to what was stored.
absl::Status SavePlan(Connection& conn, const CallContext& call, StoredPlan& p,
                      absl::string_view action,
                      const std::vector<std::string>& changed_fields,
                      absl::Time now);

// Appends a change-feed entry: `resource` changed (or was deleted) now.
// `plan_id` is the plan the resource belongs to ("" for an application).
absl::Status RecordChange(Connection& conn, absl::string_view resource,
                          absl::string_view plan_id, absl::string_view pupil_id,
                          bool deleted, absl::Time now);

// The staff ids that provide the plan's measures, sorted, each once.
std::vector<std::string> ProvidersOf(const v1::SupportPlan& plan);

// Whether a risk factor is special-category data (GDPR Art. 9): the factors
// of the social environment and health group.
bool IsSpecialCategory(v1::RiskGroup group);

}  // namespace pumpurs::plans

#endif  // PUMPURS_SERVER_PLANS_STORE_H_
