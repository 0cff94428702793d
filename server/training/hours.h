#ifndef PUMPURS_SERVER_TRAINING_HOURS_H_
#define PUMPURS_SERVER_TRAINING_HOURS_H_

// Professional-development hours by period: the hours of the events a
// staff member attended (registrations marked ATTENDED), by the Latvian
// day the event started. Cancelled events never count.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pumpurs/v1/training.pb.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::training {

struct HoursQuery {
  std::string staff;        // "staff/{id}", or ""
  std::string institution;  // "institutions/{id}", or ""
  std::string from_day;     // "YYYY-MM-DD", required
  std::string to_day;       // "YYYY-MM-DD", required; from..from + 5 years
  int page_size = 0;
  std::string page_token;
};

// Exactly one of staff and institution (INVALID_ARGUMENT otherwise).
//  - staff: that staff member's hours (one row, also when there are none);
//    kTrainingHoursRead: the staff member themself, the head of their
//    institution, a national administrator;
//  - institution: one row per staff member with hours earned there (by the
//    institution the registration was made from), by staff id;
//    kTrainingHoursRead: its head, a national administrator.
// total_hours is the whole period's total, over every page. Permission is
// asked before existence: a missing staff member or institution is
// NOT_FOUND only for those who could see it wherever it were.
absl::StatusOr<v1::ListTrainingHoursResponse> ListTrainingHours(
    storage::Connection& conn, const CallContext& call, const HoursQuery& q);

}  // namespace pumpurs::training

#endif  // PUMPURS_SERVER_TRAINING_HOURS_H_
