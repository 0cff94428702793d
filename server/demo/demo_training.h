#ifndef PUMPURS_SERVER_DEMO_DEMO_TRAINING_H_
#define PUMPURS_SERVER_DEMO_DEMO_TRAINING_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/demo/demo_plans.h"
#include "server/storage/connection.h"

namespace pumpurs::demo {

// Staff-development events organised by the methodologist, made through
// the training functions at the times they would have happened:
//  - a workshop a month ago on the ABC early-warning signs (teaches the
//    METHOD article "guide-staff-early-warning-signs"): the teachers of
//    schools 1 and 2 attended (6 hours each), the psychologist of school 1
//    was absent — so ListTrainingHours has something to show;
//  - a course in three weeks on choosing support measures (online, open
//    for registration, teaches "guide-staff-choosing-measures"), the
//    teacher of school 3 registered;
//  - a supervision session for support staff in ten days, the
//    psychologists of schools 1 and 2 registered.
// Articles missing from the knowledge base are left unlinked.
absl::Status SeedTraining(storage::Connection& conn,
                          const std::string& methodologist_account,
                          const std::vector<DemoSchool>& schools,
                          absl::Time now);

}  // namespace pumpurs::demo

#endif  // PUMPURS_SERVER_DEMO_DEMO_TRAINING_H_
