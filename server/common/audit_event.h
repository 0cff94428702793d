#ifndef PUMPURS_SERVER_COMMON_AUDIT_EVENT_H_
#define PUMPURS_SERVER_COMMON_AUDIT_EVENT_H_

#include <string>

namespace pumpurs {

// Outcomes; numbering matches pumpurs.v1.AuditOutcome.
enum class AuditOutcome { kAllowed = 1, kDenied = 2, kFailed = 3 };

// One access to a pupil's personal data, before it is stored. Never holds
// contents: only who, what verb, which resource, where, and how it ended.
struct AuditEvent {
  std::string action;           // e.g. "pupil.read"
  std::string resource;         // e.g. "pupils/abc"
  std::string institution_id;   // where the resource lives, if known
  std::string municipality_id;  // ditto
  std::string pupil_id;         // the pupil concerned, if one
  std::string request_id;       // the create's request_id, if it had one
  AuditOutcome outcome = AuditOutcome::kAllowed;
};

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_AUDIT_EVENT_H_
