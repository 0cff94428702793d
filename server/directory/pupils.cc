// Pupils: the most sensitive records of the directory. Every access is
// authorized against the pupil's place and audited (people.h).

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/directory/people.h"
#include "server/directory/people_internal.h"
#include "server/directory/rows.h"

namespace pumpurs::directory {
namespace {

using auth::Action;
using internal::AllowAtInstitution;
using internal::AuditChange;
using internal::AuditRead;
using internal::CheckInstitution;
using internal::CheckNamePrefix;
using internal::Event;
using internal::ExternalIdInUse;
using internal::ExternalIdTaken;
using internal::InsertPupilRow;
using internal::InstitutionTarget;
using internal::kInstitutions;
using internal::kPupils;
using internal::LikePattern;
using internal::Missing;
using internal::PupilPlace;
using internal::SignedIn;
using internal::SplitIds;
using internal::TargetOf;
using internal::UpdatePupilRow;

// The record, its guardians and its municipality (for authorization).
constexpr char kSelect[] =
    "SELECT p.id, p.institution_id, p.given_name, p.family_name, "
    "p.birth_date, p.grade, p.vocational_course, p.class_label, "
    "p.external_id, p.version, p.create_time, p.update_time, "
    "(SELECT group_concat(guardian_id) FROM guardian_pupils "
    "WHERE pupil_id = p.id), i.municipality_id, p.sort_key "
    "FROM pupils p JOIN institutions i ON i.id = p.institution_id ";
constexpr int kMunicipalityColumn = 13;
constexpr int kSortKeyColumn = 14;
constexpr char kCreateMethod[] = "CreatePupil";
constexpr char kInstitutionField[] = "pupil.institution";

struct Row {
  Pupil pupil;
  std::string municipality_id;
};

Row ReadRow(const storage::Statement& s) {
  Row r;
  Pupil& p = r.pupil;
  p.id = s.ColumnText(0);
  p.institution_id = s.ColumnText(1);
  p.given_name = s.ColumnText(2);
  p.family_name = s.ColumnText(3);
  p.birth_date = s.ColumnText(4);
  p.grade = static_cast<int>(s.ColumnInt64(5));
  p.vocational_course = static_cast<int>(s.ColumnInt64(6));
  p.class_label = s.ColumnText(7);
  p.external_id = s.ColumnText(8);
  p.version = s.ColumnInt64(9);
  p.create_time = absl::FromUnixMicros(s.ColumnInt64(10));
  p.update_time = absl::FromUnixMicros(s.ColumnInt64(11));
  p.guardian_ids = SplitIds(s.ColumnText(12));
  r.municipality_id = s.ColumnText(kMunicipalityColumn);
  return r;
}

auth::Target TargetOfPupil(const Pupil& p, const std::string& municipality_id) {
  PupilPlace place;
  place.pupil_id = p.id;
  place.institution_id = p.institution_id;
  place.municipality_id = municipality_id;
  place.guardian_ids = p.guardian_ids;
  return TargetOf(place);
}

// A stored pupil the caller may `action`, and the event of the call at the
// pupil's place. A missing pupil or a refusal is audited as `verb`.
struct Allowed {
  Row row;
  AuditEvent audit;
};
absl::StatusOr<Allowed> LoadAllowed(Connection& conn, const CallContext& call,
                                    absl::string_view id, Action action,
                                    absl::string_view verb) {
  const std::string name = ResourceName(kPupils, id);
  AuditEvent audit = Event(verb, name, {});
  PUMPURS_RETURN_IF_ERROR(SignedIn(call, &audit));
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<Row> row,
      LoadRow(conn, absl::StrCat(kSelect, "WHERE p.id = ?"), id, ReadRow));
  if (!row) return Missing(call, action, name, &audit);
  const auth::Target where = TargetOfPupil(row->pupil, row->municipality_id);
  audit = Event(verb, name, where);
  PUMPURS_RETURN_IF_ERROR(internal::Allow(call, action, where, &audit));
  return Allowed{*std::move(row), std::move(audit)};
}

}  // namespace

namespace internal {

absl::Status InsertPupilRow(Connection& conn, const Pupil& p) {
  const NameKeys keys = KeysFor(p.given_name, p.family_name);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO pupils (id, institution_id, given_name, "
                   "family_name, sort_key, search_given, search_family, "
                   "birth_date, grade, vocational_course, class_label, "
                   "external_id, version, create_time, update_time) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, p.id)
      .Bind(2, p.institution_id)
      .Bind(3, p.given_name)
      .Bind(4, p.family_name)
      .BindBlob(5, keys.sort_key)
      .Bind(6, keys.search_given)
      .Bind(7, keys.search_family)
      .Bind(8, p.birth_date)
      .Bind(9, int64_t{p.grade})
      .Bind(10, int64_t{p.vocational_course})
      .Bind(11, p.class_label)
      .BindOptional(12, NullIfEmpty(p.external_id))
      .Bind(13, p.version)
      .Bind(14, absl::ToUnixMicros(p.create_time))
      .Bind(15, absl::ToUnixMicros(p.update_time));
  return s.Run();
}

absl::Status UpdatePupilRow(Connection& conn, const Pupil& p) {
  const NameKeys keys = KeysFor(p.given_name, p.family_name);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE pupils SET institution_id = ?, given_name = ?, "
                   "family_name = ?, sort_key = ?, search_given = ?, "
                   "search_family = ?, birth_date = ?, grade = ?, "
                   "vocational_course = ?, class_label = ?, external_id = ?, "
                   "version = ?, update_time = ? WHERE id = ?"));
  s.Bind(1, p.institution_id)
      .Bind(2, p.given_name)
      .Bind(3, p.family_name)
      .BindBlob(4, keys.sort_key)
      .Bind(5, keys.search_given)
      .Bind(6, keys.search_family)
      .Bind(7, p.birth_date)
      .Bind(8, int64_t{p.grade})
      .Bind(9, int64_t{p.vocational_course})
      .Bind(10, p.class_label)
      .BindOptional(11, NullIfEmpty(p.external_id))
      .Bind(12, p.version)
      .Bind(13, absl::ToUnixMicros(p.update_time))
      .Bind(14, p.id);
  return s.Run();
}

}  // namespace internal

absl::StatusOr<Pupil> GetPupil(Connection& conn, const CallContext& call,
                               absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      Allowed pupil,
      LoadAllowed(conn, call, id, Action::kPupilRead, "pupil.read"));
  AuditRead(call, std::move(pupil.audit));
  return std::move(pupil.row.pupil);
}

absl::StatusOr<Page<Pupil>> ListPupils(Connection& conn,
                                       const CallContext& call,
                                       const PupilFilter& filter,
                                       const ListRequest& req) {
  const std::string place = ResourceName(kInstitutions, filter.institution_id);
  const AuditEvent audit = Event("pupil.list", place, {});
  PUMPURS_RETURN_IF_ERROR(SignedIn(call, &audit));
  Violations v;
  if (filter.institution_id.empty()) v.Add("institution", "is required");
  if (filter.grade && (*filter.grade < 1 || *filter.grade > 12)) {
    v.Add("grade", "must be 1 to 12");
  }
  CheckNamePrefix(v, filter.name_prefix);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(
      const auth::Target where,
      AllowAtInstitution(conn, call, Action::kPupilList, filter.institution_id,
                         "pupil.list"));

  const std::optional<std::string> pattern = LikePattern(filter.name_prefix);
  PUMPURS_ASSIGN_OR_RETURN(
      PageWindow window,
      OpenPage(
          absl::StrCat("ListPupils|", filter.institution_id, "|",
                       filter.grade.value_or(0), "|", pattern.value_or("")),
          req));
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat(
          kSelect,
          "WHERE p.institution_id = ?1 AND (p.sort_key, p.id) > (?2, ?3) "
          "AND (?4 IS NULL OR p.grade = ?4) "
          "AND (?5 IS NULL OR p.search_given LIKE ?5 ESCAPE '\\' "
          "OR p.search_family LIKE ?5 ESCAPE '\\') "
          "ORDER BY p.sort_key, p.id LIMIT ?6")));
  s.Bind(1, filter.institution_id)
      .BindBlob(2, window.after.sort_key)
      .Bind(3, window.after.id)
      .BindOptional(5, pattern)
      .Bind(6, window.limit());
  if (filter.grade) {
    s.Bind(4, int64_t{*filter.grade});
  } else {
    s.BindNull(4);
  }
  PUMPURS_ASSIGN_OR_RETURN(
      Page<Pupil> page,
      ReadPage(s, window, kSortKeyColumn, [](const storage::Statement& row) {
        return ReadRow(row).pupil;
      }));
  AuditRead(call, Event("pupil.list", place, where));
  return page;
}

absl::StatusOr<Pupil> CreatePupil(Connection& conn, const CallContext& call,
                                  const Pupil& pupil,
                                  absl::string_view request_id,
                                  Violations input) {
  const std::string place = ResourceName(kInstitutions, pupil.institution_id);
  AuditEvent audit = Event("pupil.create", place, {});
  PUMPURS_RETURN_IF_ERROR(SignedIn(call, &audit));
  Violations v = std::move(input);
  CheckRequestId(v, request_id);
  if (v.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        EarlierCreation(conn, call, kCreateMethod, request_id, kPupils));
    // The first result, as any read of it: authorized and audited.
    if (earlier) return GetPupil(conn, call, *earlier);
  }
  Pupil p = pupil;
  p.id.clear();
  p.guardian_ids.clear();
  CheckPupilFields(v, Prefixed("pupil"), p, Today(),
                   /*external_id_required=*/false);
  PUMPURS_ASSIGN_OR_RETURN(
      std::string municipality,
      CheckInstitution(conn, v, kInstitutionField, p.institution_id));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  auth::Target where = InstitutionTarget(p.institution_id, municipality);
  audit = Event("pupil.create", place, where);
  audit.request_id = std::string(request_id);
  PUMPURS_RETURN_IF_ERROR(
      internal::Allow(call, Action::kPupilWrite, where, &audit));
  PUMPURS_ASSIGN_OR_RETURN(bool taken,
                           ExternalIdInUse(conn, kPupils, p.external_id, ""));
  if (taken) return ExternalIdTaken("pupil.external_id");

  p.id = NewId();
  p.version = 1;
  p.create_time = p.update_time = absl::Now();
  PUMPURS_RETURN_IF_ERROR(InsertPupilRow(conn, p));
  const std::string name = ResourceName(kPupils, p.id);
  PUMPURS_RETURN_IF_ERROR(RememberCreation(conn, call, kCreateMethod,
                                           request_id, name, p.create_time));
  where.pupil_id = p.id;
  AuditEvent created = Event("pupil.create", name, where);
  created.request_id = std::string(request_id);
  PUMPURS_RETURN_IF_ERROR(AuditChange(conn, call, std::move(created)));
  return p;
}

absl::StatusOr<Pupil> UpdatePupil(Connection& conn, const CallContext& call,
                                  absl::string_view id,
                                  const PupilChanges& changes,
                                  absl::string_view etag, Violations input) {
  const std::string name = ResourceName(kPupils, id);
  PUMPURS_ASSIGN_OR_RETURN(
      const Allowed stored,
      LoadAllowed(conn, call, id, Action::kPupilWrite, "pupil.update"));
  const Row& row = stored.row;
  if (!EtagMatches(etag, row.pupil.version)) return EtagMismatchError(name);

  Pupil p = row.pupil;
  if (changes.given_name) p.given_name = *changes.given_name;
  if (changes.family_name) p.family_name = *changes.family_name;
  if (changes.birth_date) p.birth_date = *changes.birth_date;
  if (changes.grade) p.grade = *changes.grade;
  if (changes.vocational_course)
    p.vocational_course = *changes.vocational_course;
  if (changes.class_label) p.class_label = *changes.class_label;
  if (changes.institution_id) p.institution_id = *changes.institution_id;
  if (changes.external_id) p.external_id = *changes.external_id;
  Violations v = std::move(input);
  CheckPupilFields(v, Prefixed("pupil"), p, Today(),
                   /*external_id_required=*/false);
  std::string municipality = row.municipality_id;
  const bool moved = p.institution_id != row.pupil.institution_id;
  if (moved) {
    PUMPURS_ASSIGN_OR_RETURN(
        municipality,
        CheckInstitution(conn, v, kInstitutionField, p.institution_id));
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  const auth::Target after = TargetOfPupil(p, municipality);
  if (moved) {
    // Moving a pupil takes permission where they go as well.
    const AuditEvent audit = Event("pupil.update", name, after);
    PUMPURS_RETURN_IF_ERROR(
        internal::Allow(call, Action::kPupilWrite, after, &audit));
  }
  PUMPURS_ASSIGN_OR_RETURN(bool taken,
                           ExternalIdInUse(conn, kPupils, p.external_id, p.id));
  if (taken) return ExternalIdTaken("pupil.external_id");
  p.version += 1;
  p.update_time = absl::Now();
  PUMPURS_RETURN_IF_ERROR(UpdatePupilRow(conn, p));
  PUMPURS_RETURN_IF_ERROR(
      AuditChange(conn, call, Event("pupil.update", name, after)));
  return p;
}

absl::Status DeletePupil(Connection& conn, const CallContext& call,
                         absl::string_view id, absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(
      Allowed pupil,
      LoadAllowed(conn, call, id, Action::kPupilWrite, "pupil.delete"));
  if (!EtagMatches(etag, pupil.row.pupil.version)) {
    return EtagMismatchError(ResourceName(kPupils, id));
  }
  PUMPURS_RETURN_IF_ERROR(
      DeleteById(conn,
                 {"DELETE FROM guardian_pupils WHERE pupil_id = ?",
                  "DELETE FROM pupils WHERE id = ?"},
                 id));
  return AuditChange(conn, call, std::move(pupil.audit));
}

}  // namespace pumpurs::directory
