#ifndef PUMPURS_SERVER_DEMO_DEMO_INITIATIVES_H_
#define PUMPURS_SERVER_DEMO_DEMO_INITIATIVES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/demo/demo_plans.h"
#include "server/storage/connection.h"

namespace pumpurs::demo {

// Accounts of the youth-initiative demo (no roles: anyone may apply, and
// evaluators are named per call).
struct InitiativeAccounts {
  std::string applicant;        // "jauniesi": a youth club
  std::string other_applicant;  // "biedriba": an association
  std::string evaluator1;       // "vertetajs1"
  std::string evaluator2;       // "vertetajs2"
};

// Calls and projects in every state, made through the initiative functions
// at the times they would have happened:
//  - municipality 1, open, applications until 40 days from now: a draft, a
//    submitted and a withdrawn project;
//  - municipality 1, open, applications closed 30 days ago: three submitted
//    projects awaiting scores and one evaluated — ready to score and decide
//    (the first names DEMO-1-1, vecaks1's child);
//  - municipality 2, decided half a year ago: approved, in progress,
//    reported, closed (DEMO-4-1, vecaks4's child) and rejected projects;
//  - municipality 2, a draft call.
absl::Status SeedInitiatives(storage::Connection& conn,
                             const InitiativeAccounts& accounts,
                             const std::vector<std::string>& municipality_ids,
                             const std::vector<std::string>& coordinators,
                             const std::vector<DemoSchool>& schools,
                             absl::Time now);

}  // namespace pumpurs::demo

#endif  // PUMPURS_SERVER_DEMO_DEMO_INITIATIVES_H_
