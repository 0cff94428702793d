#ifndef PUMPURS_SERVER_DEMO_DEMO_PLANS_H_
#define PUMPURS_SERVER_DEMO_DEMO_PLANS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/storage/connection.h"

namespace pumpurs::demo {

// What the demo directory made for one institution, for the demo plans.
struct DemoSchool {
  std::string institution_id;
  bool vocational = false;
  std::string municipality_id;
  std::string municipality_coordinator;  // account id
  // Account and staff ids of the head (direktors), coordinator
  // (koordinators, a social pedagogue), teacher (pedagogs, plan preparer)
  // and psychologist (konsultants, measure provider).
  std::string head_account, coordinator_account, teacher_account,
      psychologist_account;
  std::string head_staff, coordinator_staff, teacher_staff, psychologist_staff;
  std::vector<std::string> pupils;             // DEMO-<n>-1 ... DEMO-<n>-4
  std::vector<std::string> guardians;          // one per pupil, same order
  std::vector<std::string> guardian_accounts;  // "" unless one signs in
  std::string adult_pupil_account;             // "" unless one signs in
  // More pupils (DEMO-<n>-5 ...), with a guardian each, who had plans in
  // past semesters only (demo_statistics.h).
  std::vector<std::string> history_pupils;
  std::vector<std::string> history_guardians;
};

// How many history pupils each demo institution has.
inline constexpr int kHistoryPupils = 16;

// Plans in every state, made through the plan functions themselves (so they
// carry real approvals, deliveries, revisions and change-feed entries):
// school 1: DEMO-1-2 in implementation, DEMO-1-3 awaiting the municipality,
// DEMO-1-4 a draft (DEMO-1-1, vecaks1's child, has none: try it yourself);
// school 2: DEMO-2-1 approved, -2 suspended, -3 under revision, -4 deleted;
// school 3 (vocational): DEMO-3-1 (the adult pupil) closed last semester and
// continued as this semester's draft, DEMO-3-2 in implementation with a
// transport compensation; school 4: DEMO-4-1 in implementation, DEMO-4-2
// awaiting the national level.
absl::Status SeedPlans(storage::Connection& conn,
                       const std::string& national_account,
                       const std::vector<DemoSchool>& schools, absl::Time now);

// The history the programme statistics need: each institution's history
// pupils get plans in the two semesters before the current one (most of
// them in both), approved at every level, delivered and closed at the
// semester's end, all through the plan functions at a time inside that
// semester. Enough plans that some figures show instead of being
// suppressed as small counts.
absl::Status SeedPastSemesters(storage::Connection& conn,
                               const std::string& national_account,
                               const std::vector<DemoSchool>& schools,
                               absl::Time now);

}  // namespace pumpurs::demo

#endif  // PUMPURS_SERVER_DEMO_DEMO_PLANS_H_
