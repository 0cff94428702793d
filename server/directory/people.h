#ifndef PUMPURS_SERVER_DIRECTORY_PEOPLE_H_
#define PUMPURS_SERVER_DIRECTORY_PEOPLE_H_

// Rules of the directory's people: pupils, their guardians, and staff.
// Each function runs on a storage executor connection (a read or write
// transaction the caller opened through storage::Database) and knows
// nothing of gRPC.
//
// Unlike municipalities and institutions, people are personal data, so
// these functions decide access themselves, at object level, through
// auth::Authorize (the one policy): the object's place (institution,
// municipality, the pupil and their guardians) is only known once it is
// loaded. Permission is checked before anything about the object is
// revealed; an object that does not exist is answered as auth::MissingObject
// says (PERMISSION_DENIED unless the caller could see it anywhere).
//
// Audit: every read of a pupil or guardian record (and every list of them,
// one event per call) and every refusal is queued with auth::DeferAudit;
// allowed changes are recorded with auth::RecordAudit in the change's own
// transaction. Events never hold contents. Staff records are not pupils'
// data and are not audited.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "server/common/call_context.h"
#include "server/common/error.h"
#include "server/directory/model.h"
#include "server/storage/connection.h"

namespace pumpurs::directory {

using storage::Connection;

inline constexpr size_t kMaxPersonNameChars = 100;
inline constexpr size_t kMaxClassLabelChars = 20;
inline constexpr size_t kMaxExternalIdChars = 64;
inline constexpr int kMinPupilAge = 5;
inline constexpr int kMaxPupilAge = 30;

// ---- Field rules, shared by the API and the CSV import ----
//
// One piece of code per rule. Each adds its problems to `v`, naming a field
// by `name(field)` where `field` is the API field name ("given_name",
// "birth_date", ...): the API reports "pupil.given_name", the import the
// column's header. None needs the database; descriptions never echo values.

using FieldNamer = std::function<std::string(absl::string_view field)>;

// "given_name" → "<prefix>.given_name".
FieldNamer Prefixed(absl::string_view prefix);

// Today's date in Latvia (Europe/Riga; UTC if the zone is not installed).
absl::CivilDay Today();

// Given and family name: 1 to 100 characters each.
void CheckPersonNames(Violations& v, const FieldNamer& name,
                      absl::string_view given, absl::string_view family);
// At most 64 printable ASCII characters without spaces; `required` for
// imports, which match on it.
void CheckExternalId(Violations& v, const std::string& field,
                     absl::string_view value, bool required);
// A real "YYYY-MM-DD" date, not in the future, making the pupil 5 to 30
// years old on `today`.
void CheckBirthDate(Violations& v, const std::string& field,
                    absl::string_view value, absl::CivilDay today);
// Names, birth date, exactly one of grade (1..12) and vocational course
// (1..4), class label (up to 20 characters), external id. Not the
// institution, which needs the database.
void CheckPupilFields(Violations& v, const FieldNamer& name, const Pupil& p,
                      absl::CivilDay today, bool external_id_required);
// Names and external id. Not the pupils, which need the database.
void CheckGuardianFields(Violations& v, const FieldNamer& name,
                         const Guardian& g, bool external_id_required);
// Names, a known position, external id.
void CheckStaffFields(Violations& v, const FieldNamer& name,
                      const StaffMember& s, bool external_id_required);
bool KnownPosition(StaffPosition position);

// ---- Pupils ----
//
// `input` (creates and updates): problems the RPC layer already found in
// the request (malformed references); they are reported together with the
// domain's own, and the domain skips its checks of the fields they name.

absl::StatusOr<Pupil> GetPupil(Connection& conn, const CallContext& call,
                               absl::string_view id);
// By family then given name in Latvian order, then id.
absl::StatusOr<Page<Pupil>> ListPupils(Connection& conn,
                                       const CallContext& call,
                                       const PupilFilter& filter,
                                       const ListRequest& req);
// Validates every field (INVALID_ARGUMENT naming each), checks permission
// for the institution, refuses a taken external id (ALREADY_EXISTS, reason
// EXTERNAL_ID_TAKEN). `request_id` may be empty.
absl::StatusOr<Pupil> CreatePupil(Connection& conn, const CallContext& call,
                                  const Pupil& pupil,
                                  absl::string_view request_id,
                                  Violations input = {});
// Moving a pupil to another institution needs permission in both.
absl::StatusOr<Pupil> UpdatePupil(Connection& conn, const CallContext& call,
                                  absl::string_view id,
                                  const PupilChanges& changes,
                                  absl::string_view etag,
                                  Violations input = {});
// Deletes the pupil and their guardian links.
absl::Status DeletePupil(Connection& conn, const CallContext& call,
                         absl::string_view id, absl::string_view etag);

// ---- Guardians ----
//
// A guardian record is readable by whoever may read the guardians of one
// of the guardian's pupils (kGuardianRead on that pupil): the staff of the
// pupil's institution, the municipality's coordinator, the adult pupil,
// and the guardians of that pupil — so a guardian reads their own record
// and the records of their children's other guardians, and no one else's.
// Its `pupil_ids` then list only the pupils the caller may read.
// Changing or deleting a guardian needs kGuardianWrite on every pupil the
// guardian is linked to, before and after the change.

absl::StatusOr<Guardian> GetGuardian(Connection& conn, const CallContext& call,
                                     absl::string_view id);
absl::StatusOr<Page<Guardian>> ListGuardians(Connection& conn,
                                             const CallContext& call,
                                             const GuardianFilter& filter,
                                             const ListRequest& req);
absl::StatusOr<Guardian> CreateGuardian(Connection& conn,
                                        const CallContext& call,
                                        const Guardian& guardian,
                                        absl::string_view request_id,
                                        Violations input = {});
absl::StatusOr<Guardian> UpdateGuardian(Connection& conn,
                                        const CallContext& call,
                                        absl::string_view id,
                                        const GuardianChanges& changes,
                                        absl::string_view etag,
                                        Violations input = {});
absl::Status DeleteGuardian(Connection& conn, const CallContext& call,
                            absl::string_view id, absl::string_view etag);

// ---- Staff ----

absl::StatusOr<StaffMember> GetStaffMember(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id);
absl::StatusOr<Page<StaffMember>> ListStaffMembers(Connection& conn,
                                                   const CallContext& call,
                                                   const StaffFilter& filter,
                                                   const ListRequest& req);
absl::StatusOr<StaffMember> CreateStaffMember(Connection& conn,
                                              const CallContext& call,
                                              const StaffMember& staff,
                                              absl::string_view request_id,
                                              Violations input = {});
absl::StatusOr<StaffMember> UpdateStaffMember(
    Connection& conn, const CallContext& call, absl::string_view id,
    const StaffChanges& changes, absl::string_view etag, Violations input = {});
absl::Status DeleteStaffMember(Connection& conn, const CallContext& call,
                               absl::string_view id, absl::string_view etag);

}  // namespace pumpurs::directory

#endif  // PUMPURS_SERVER_DIRECTORY_PEOPLE_H_
