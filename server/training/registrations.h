#ifndef PUMPURS_SERVER_TRAINING_REGISTRATIONS_H_
#define PUMPURS_SERVER_TRAINING_REGISTRATIONS_H_

// Staff members' places at training events: register, cancel, list, and
// the organiser's record of attendance. A registration belongs to a staff
// record (Principal::staff_ids), and carries the institution the staff
// member worked at when registering (training_registrations.institution_id),
// so a head's totals are those earned at the institution.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/training.pb.h"
#include "server/common/call_context.h"
#include "server/common/page.h"
#include "server/training/events.h"

namespace pumpurs::training {

// Registers one of the caller's staff records (`staff`, "staff/{id}",
// needed only if the caller has several; PERMISSION_DENIED if the caller
// has none or names another's) for event `event_id`. The event must be
// published (EVENT_NOT_OPEN) and not yet started (EVENT_STARTED); its
// audiences must include the staff member's group (AUDIENCE_MISMATCH):
// teachers are positions TEACHER and SPECIAL_EDUCATION_TEACHER;
// coordinators the position HEAD, and any staff member whose account is a
// head or coordinator of the staff member's institution; support staff
// every other position. One live registration per staff member and event
// (ALREADY_EXISTS, ALREADY_REGISTERED); while places are left (EVENT_FULL),
// counted in the same write transaction as the insert, so the single
// writer keeps concurrent registrations within the capacity. A retried
// request_id returns the first result.
absl::StatusOr<v1::Registration> RegisterForTraining(
    Connection& conn, const CallContext& call, absl::string_view event_id,
    absl::string_view staff, absl::string_view request_id, absl::Time now);

// Cancels the caller's own registration (PERMISSION_DENIED for anyone
// else's) before the event starts (EVENT_STARTED); REGISTRATION_CANCELLED
// if it already is.
absl::StatusOr<v1::Registration> CancelRegistration(
    Connection& conn, const CallContext& call, absl::string_view event_id,
    absl::string_view registration_id, absl::Time now);

struct RegistrationFilter {
  int page_size = 0;
  std::string page_token;
};
// An event's registrations, oldest first: all of them for the organiser,
// their own for a staff member, PERMISSION_DENIED for anyone else.
absl::StatusOr<ListPage<v1::Registration>> ListRegistrations(
    Connection& conn, const CallContext& call, absl::string_view event_id,
    const RegistrationFilter& filter);

// The organiser marks a registration attended (ATTENDED, the event's
// hours) or absent (ABSENT, 0 hours), and may correct it either way; once
// the event has started (EVENT_NOT_STARTED), not for a cancelled event
// (EVENT_CANCELLED) or registration (REGISTRATION_CANCELLED).
absl::StatusOr<v1::Registration> RecordAttendance(
    Connection& conn, const CallContext& call, absl::string_view event_id,
    absl::string_view registration_id, bool attended, absl::Time now);

}  // namespace pumpurs::training

#endif  // PUMPURS_SERVER_TRAINING_REGISTRATIONS_H_
