#ifndef PUMPURS_SERVER_DIRECTORY_PEOPLE_INTERNAL_H_
#define PUMPURS_SERVER_DIRECTORY_PEOPLE_INTERNAL_H_

// Helpers shared by pupils.cc, guardians.cc, staff.cc and import.cc; not an
// API of the directory.

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/audited_access.h"
#include "server/auth/policy.h"
#include "server/common/audit_event.h"
#include "server/common/call_context.h"
#include "server/common/error.h"
#include "server/directory/model.h"
#include "server/storage/connection.h"

namespace pumpurs::directory::internal {

using storage::Connection;

inline constexpr char kPupils[] = "pupils";
inline constexpr char kGuardians[] = "guardians";
inline constexpr char kStaff[] = "staff";
inline constexpr char kInstitutions[] = "institutions";

// ---- Where objects sit, for auth::Target ----

// The municipality of an institution; nullopt if there is no such
// institution.
absl::StatusOr<std::optional<std::string>> MunicipalityOf(
    Connection& conn, absl::string_view institution_id);

// A pupil's place: institution, municipality, guardians.
struct PupilPlace {
  std::string pupil_id;
  std::string institution_id;
  std::string municipality_id;
  std::vector<std::string> guardian_ids;
};
absl::StatusOr<std::optional<PupilPlace>> LoadPupilPlace(
    Connection& conn, absl::string_view pupil_id);
auth::Target TargetOf(const PupilPlace& place);
auth::Target InstitutionTarget(absl::string_view institution_id,
                               absl::string_view municipality_id);

// Pupil places loaded once per call (a page of guardians names the same
// pupils again and again).
class PupilPlaces {
 public:
  explicit PupilPlaces(Connection& conn) : conn_(conn) {}
  // nullptr if there is no such pupil. Valid as long as this object.
  absl::StatusOr<const PupilPlace*> Get(absl::string_view pupil_id);

 private:
  Connection& conn_;
  absl::flat_hash_map<std::string, std::optional<PupilPlace>> cache_;
};

// ---- Access decisions, audited (auth/audited_access.h) ----

using auth::Allow;
using auth::AuditChange;
using auth::AuditRead;
using auth::Event;
using auth::Missing;
using auth::SignedIn;

// Access to the people of an institution as a whole (lists, imports): the
// place of the institution if the caller may `action` there. Missing if
// there is no such institution; refusals are audited as `audit_action`
// unless it is empty (staff are not pupils' data).
absl::StatusOr<auth::Target> AllowAtInstitution(
    Connection& conn, const CallContext& call, auth::Action action,
    absl::string_view institution_id, absl::string_view audit_action);

// ---- Columns and filters ----

// The derived name columns every people table has.
struct NameKeys {
  std::string sort_key;  // LatvianSortKey(family "\x01" given)
  std::string search_given;
  std::string search_family;
};
NameKeys KeysFor(absl::string_view given, absl::string_view family);

// Up to 100 characters of text, if set.
void CheckNamePrefix(Violations& v, absl::string_view prefix);
// The LIKE pattern (ESCAPE '\') of a name prefix, matched against the
// search columns; nullopt for an empty prefix.
std::optional<std::string> LikePattern(absl::string_view prefix);

// The institution a person is created in or moved to, checked as the
// field `field`: "is required" / "no such institution" (institutions are
// public, so saying so reveals nothing), else its municipality. Nothing is
// added if `v` names the field already.
absl::StatusOr<std::string> CheckInstitution(Connection& conn, Violations& v,
                                             absl::string_view field,
                                             absl::string_view institution_id);

// Whether `v` already names `field`.
bool Named(const Violations& v, absl::string_view field);
// `ids` sorted, each once: the order links are stored and compared in.
std::vector<std::string> SortedUnique(std::vector<std::string> ids);
// The ids of a group_concat(..., ',') column, sorted.
std::vector<std::string> SplitIds(absl::string_view concatenated);

// ALREADY_EXISTS (reason EXTERNAL_ID_TAKEN) naming `field`.
absl::Status ExternalIdTaken(absl::string_view field);
// Whether another row of `table` ("pupils", "guardians", "staff") than
// `except_id` has this external id (false for an empty one).
absl::StatusOr<bool> ExternalIdInUse(Connection& conn, absl::string_view table,
                                     absl::string_view external_id,
                                     absl::string_view except_id);

// ---- Row writers, shared with the import ----
// They store what they are given (version and times included); callers
// validate and authorize first.

// The external_id column's value: NULL for none, so that the column's
// uniqueness binds only the ids that are set.
std::optional<std::string> NullIfEmpty(const std::string& s);

absl::Status InsertPupilRow(Connection& conn, const Pupil& p);
absl::Status UpdatePupilRow(Connection& conn, const Pupil& p);
absl::Status InsertGuardianRow(Connection& conn, const Guardian& g);
// Names and external id, not links.
absl::Status UpdateGuardianRow(Connection& conn, const Guardian& g);
absl::Status LinkGuardian(Connection& conn, absl::string_view guardian_id,
                          absl::string_view pupil_id);
absl::Status UnlinkGuardian(Connection& conn, absl::string_view guardian_id,
                            absl::string_view pupil_id);
absl::Status InsertStaffRow(Connection& conn, const StaffMember& s);
absl::Status UpdateStaffRow(Connection& conn, const StaffMember& s);

}  // namespace pumpurs::directory::internal

#endif  // PUMPURS_SERVER_DIRECTORY_PEOPLE_INTERNAL_H_
