#ifndef PUMPURS_SERVER_AUTH_AUDIT_QUERY_H_
#define PUMPURS_SERVER_AUTH_AUDIT_QUERY_H_

// Reading the audit trail (auth/audit.h writes it): a scope's events for its
// heads and coordinators, and a pupil's for the pupil's guardians. Newest
// first, paged by the events' sequence number. Nothing here changes an
// event: there is no such function, and the table's triggers refuse UPDATE
// and DELETE.
//
// Scope of ListAuditEvents (decided by auth::Authorize, kAuditRead):
//  - a national administrator lists every event, with or without filters;
//  - anyone else lists only events whose institution (or municipality) is
//    one their role binding covers. With neither an institution nor a
//    municipality filter, the filter defaults to the caller's scope if the
//    caller has exactly one binding that may read the audit trail (an
//    institution head's or coordinator's institution, a municipality
//    coordinator's municipality); a caller with several such bindings must
//    name one (INVALID_ARGUMENT, field "institution"), and a caller with
//    none is refused (PERMISSION_DENIED). An institution filter is checked
//    against the institution and the municipality it belongs to, so a
//    municipality coordinator may narrow to one of their schools.
// Events without an institution (e.g. refused reads of a pupil that does
// not exist) are therefore visible to national administrators only.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/audit_event.h"
#include "server/common/call_context.h"
#include "server/storage/connection.h"

namespace pumpurs::auth {

// One stored event. Ids, not resource names, for the scope fields.
struct StoredAuditEvent {
  int64_t seq = 0;  // order of recording; paging key
  std::string id;
  absl::Time time;
  std::string actor;  // "accounts/{id}" or "anonymous"
  std::string action;
  std::string resource;
  std::string institution_id;
  std::string municipality_id;
  std::string pupil_id;
  AuditOutcome outcome = AuditOutcome::kAllowed;
  std::string request_id;
};

// Filters of ListAuditEvents; empty fields do not filter. Names already
// parsed by the caller: ids for institution and municipality, full names
// for resource ("pupils/{id}") and actor ("accounts/{id}" or "anonymous").
struct AuditFilter {
  std::string institution_id;
  std::string municipality_id;
  std::string resource;
  std::string actor;
};

struct AuditPage {
  std::vector<StoredAuditEvent> events;  // newest first
  std::string next_page_token;           // empty on the last page
};

// The audit events the filter selects, within the caller's scope (see
// above). The page token is bound to the effective filters: a token used
// with others is INVALID_ARGUMENT (field "page_token"). When the resource
// filter names a pupil, the listing is itself audited ("audit.list", on the
// pupil), allowed or refused.
// Errors: INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
absl::StatusOr<AuditPage> ListAuditEvents(storage::Connection& conn,
                                          const CallContext& call,
                                          const AuditFilter& filter,
                                          int page_size,
                                          absl::string_view page_token);

// Who accessed the pupil's data (events whose pupil is `pupil_id`), for the
// pupil's guardians, the adult pupil and national administrators
// (kPupilAccessRead). Audited as "pupil_access.list" on the pupil, allowed
// or refused. A pupil that does not exist is refused like one the caller
// may not see (auth::MissingObject).
// Errors: INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND
// (national administrators only).
absl::StatusOr<AuditPage> ListPupilAccess(storage::Connection& conn,
                                          const CallContext& call,
                                          absl::string_view pupil_id,
                                          int page_size,
                                          absl::string_view page_token);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_AUDIT_QUERY_H_
