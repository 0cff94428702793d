// Guardians: parents and legal representatives, linked to their pupils.
// A guardian record sits wherever its pupils sit: access is decided per
// linked pupil (people.h).

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
using internal::AuditChange;
using internal::AuditRead;
using internal::Event;
using internal::ExternalIdInUse;
using internal::ExternalIdTaken;
using internal::kGuardians;
using internal::kInstitutions;
using internal::kPupils;
using internal::LikePattern;
using internal::Missing;
using internal::Named;
using internal::PupilPlace;
using internal::PupilPlaces;
using internal::SignedIn;
using internal::SortedUnique;
using internal::SplitIds;
using internal::TargetOf;

constexpr char kSelect[] =
    "SELECT g.id, g.given_name, g.family_name, g.external_id, g.version, "
    "g.create_time, g.update_time, (SELECT group_concat(pupil_id) FROM "
    "guardian_pupils WHERE guardian_id = g.id), g.sort_key FROM guardians g ";
constexpr int kSortKeyColumn = 8;
constexpr char kCreateMethod[] = "CreateGuardian";
constexpr char kPupilsField[] = "guardian.pupils";

Guardian ReadRow(const storage::Statement& s) {
  Guardian g;
  g.id = s.ColumnText(0);
  g.given_name = s.ColumnText(1);
  g.family_name = s.ColumnText(2);
  g.external_id = s.ColumnText(3);
  g.version = s.ColumnInt64(4);
  g.create_time = absl::FromUnixMicros(s.ColumnInt64(5));
  g.update_time = absl::FromUnixMicros(s.ColumnInt64(6));
  g.pupil_ids = SplitIds(s.ColumnText(7));
  return g;
}

// The stored guardian a call about `id` acts on. The caller must be signed
// in and the record exist (Missing for `action` otherwise); refusals are
// audited as `verb`. Access to the record itself is the caller's to check:
// it depends on the guardian's pupils.
absl::StatusOr<Guardian> LoadSignedIn(Connection& conn, const CallContext& call,
                                      absl::string_view id, Action action,
                                      absl::string_view verb) {
  const std::string name = ResourceName(kGuardians, id);
  const AuditEvent audit = Event(verb, name, {});
  PUMPURS_RETURN_IF_ERROR(SignedIn(call, &audit));
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<Guardian> g,
      LoadRow(conn, absl::StrCat(kSelect, "WHERE g.id = ?"), id, ReadRow));
  if (!g) return Missing(call, action, name, &audit);
  return *std::move(g);
}

// Where a guardian's event is filed: the place of their first pupil.
absl::StatusOr<auth::Target> FirstPlace(PupilPlaces& places,
                                        const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    PUMPURS_ASSIGN_OR_RETURN(const PupilPlace* place, places.Get(id));
    if (place != nullptr) return TargetOf(*place);
  }
  return auth::Target{};
}

// Read access to a guardian record: kGuardianRead on one of its pupils
// (their own guardians among them, so a guardian reads their own record and
// their children's other guardians'). A record without pupils is only for
// callers who may read guardians anywhere. Returns the place that allowed
// it; a refusal is audited.
absl::StatusOr<auth::Target> ReadAccess(const CallContext& call,
                                        PupilPlaces& places, const Guardian& g,
                                        const std::string& name) {
  for (const std::string& id : g.pupil_ids) {
    PUMPURS_ASSIGN_OR_RETURN(const PupilPlace* place, places.Get(id));
    if (place == nullptr) continue;
    const auth::Target t = TargetOf(*place);
    if (auth::Authorize(call.principal, Action::kGuardianRead, t).ok()) {
      return t;
    }
  }
  PUMPURS_ASSIGN_OR_RETURN(auth::Target first, FirstPlace(places, g.pupil_ids));
  const AuditEvent audit = Event("guardian.read", name, first);
  // Empty target: only an "anywhere" rule allows it; the refusal otherwise.
  PUMPURS_RETURN_IF_ERROR(
      internal::Allow(call, Action::kGuardianRead, auth::Target{}, &audit));
  return first;
}

// The pupils of `ids` the caller may read: a guardian's links show no more
// than the caller could see of the children.
absl::StatusOr<std::vector<std::string>> ReadablePupils(
    const CallContext& call, PupilPlaces& places,
    const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    PUMPURS_ASSIGN_OR_RETURN(const PupilPlace* place, places.Get(id));
    if (place != nullptr &&
        auth::Authorize(call.principal, Action::kPupilRead, TargetOf(*place))
            .ok()) {
      out.push_back(id);
    }
  }
  return out;
}

// kGuardianWrite on every pupil the guardian is linked to now (a guardian
// without pupils: only where an "anywhere" rule allows).
absl::Status WriteAccess(const CallContext& call, PupilPlaces& places,
                         const Guardian& g, absl::string_view action,
                         const std::string& name) {
  if (g.pupil_ids.empty()) {
    const AuditEvent audit = Event(action, name, {});
    return internal::Allow(call, Action::kGuardianWrite, {}, &audit);
  }
  for (const std::string& id : g.pupil_ids) {
    PUMPURS_ASSIGN_OR_RETURN(const PupilPlace* place, places.Get(id));
    if (place == nullptr) continue;  // the foreign key makes this impossible
    const auth::Target t = TargetOf(*place);
    const AuditEvent audit = Event(action, name, t);
    PUMPURS_RETURN_IF_ERROR(
        internal::Allow(call, Action::kGuardianWrite, t, &audit));
  }
  return absl::OkStatus();
}

// The pupils a create or update links the guardian to: at least one; each
// must exist (a violation, told only to callers who could see it anywhere)
// and be the caller's to write (a refusal otherwise, audited). Entries the
// RPC layer already found malformed are skipped.
absl::Status CheckNewLinks(const CallContext& call, PupilPlaces& places,
                           const std::vector<std::string>& ids, Violations& v,
                           absl::string_view action, const std::string& name) {
  if (ids.empty()) {
    if (!Named(v, kPupilsField)) {
      v.Add(kPupilsField, "must name at least one pupil");
    }
    return absl::OkStatus();
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string field = absl::StrCat(kPupilsField, "[", i, "]");
    if (Named(v, field)) continue;
    if (ids[i].empty()) {
      v.Add(field, "must have the form pupils/{id}");
      continue;
    }
    PUMPURS_ASSIGN_OR_RETURN(const PupilPlace* place, places.Get(ids[i]));
    if (place == nullptr) {
      const AuditEvent audit = Event(action, name, {});
      absl::Status s = Missing(call, Action::kGuardianWrite,
                               ResourceName(kPupils, ids[i]), &audit);
      if (s.code() != absl::StatusCode::kNotFound) return s;
      v.Add(field, "no such pupil");
      continue;
    }
    const auth::Target t = TargetOf(*place);
    const AuditEvent audit = Event(action, name, t);
    PUMPURS_RETURN_IF_ERROR(
        internal::Allow(call, Action::kGuardianWrite, t, &audit));
  }
  return absl::OkStatus();
}

absl::Status ReplaceLinks(Connection& conn, const Guardian& g) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("DELETE FROM guardian_pupils WHERE guardian_id = ?"));
  s.Bind(1, g.id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  for (const std::string& pupil_id : g.pupil_ids) {
    PUMPURS_RETURN_IF_ERROR(internal::LinkGuardian(conn, g.id, pupil_id));
  }
  return absl::OkStatus();
}

}  // namespace

namespace internal {

absl::Status InsertGuardianRow(Connection& conn, const Guardian& g) {
  const NameKeys keys = KeysFor(g.given_name, g.family_name);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO guardians (id, given_name, family_name, "
                   "sort_key, search_given, search_family, external_id, "
                   "version, create_time, update_time) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, g.id)
      .Bind(2, g.given_name)
      .Bind(3, g.family_name)
      .BindBlob(4, keys.sort_key)
      .Bind(5, keys.search_given)
      .Bind(6, keys.search_family)
      .BindOptional(7, NullIfEmpty(g.external_id))
      .Bind(8, g.version)
      .Bind(9, absl::ToUnixMicros(g.create_time))
      .Bind(10, absl::ToUnixMicros(g.update_time));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  for (const std::string& pupil_id : g.pupil_ids) {
    PUMPURS_RETURN_IF_ERROR(LinkGuardian(conn, g.id, pupil_id));
  }
  return absl::OkStatus();
}

absl::Status UpdateGuardianRow(Connection& conn, const Guardian& g) {
  const NameKeys keys = KeysFor(g.given_name, g.family_name);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE guardians SET given_name = ?, family_name = ?, "
                   "sort_key = ?, search_given = ?, search_family = ?, "
                   "external_id = ?, version = ?, update_time = ? "
                   "WHERE id = ?"));
  s.Bind(1, g.given_name)
      .Bind(2, g.family_name)
      .BindBlob(3, keys.sort_key)
      .Bind(4, keys.search_given)
      .Bind(5, keys.search_family)
      .BindOptional(6, NullIfEmpty(g.external_id))
      .Bind(7, g.version)
      .Bind(8, absl::ToUnixMicros(g.update_time))
      .Bind(9, g.id);
  return s.Run();
}

absl::Status LinkGuardian(Connection& conn, absl::string_view guardian_id,
                          absl::string_view pupil_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT OR IGNORE INTO guardian_pupils (guardian_id, "
                   "pupil_id) VALUES (?, ?)"));
  s.Bind(1, guardian_id).Bind(2, pupil_id);
  return s.Run();
}

absl::Status UnlinkGuardian(Connection& conn, absl::string_view guardian_id,
                            absl::string_view pupil_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("DELETE FROM guardian_pupils WHERE guardian_id = ? AND "
                   "pupil_id = ?"));
  s.Bind(1, guardian_id).Bind(2, pupil_id);
  return s.Run();
}

}  // namespace internal

absl::StatusOr<Guardian> GetGuardian(Connection& conn, const CallContext& call,
                                     absl::string_view id) {
  const std::string name = ResourceName(kGuardians, id);
  PUMPURS_ASSIGN_OR_RETURN(
      Guardian g,
      LoadSignedIn(conn, call, id, Action::kGuardianRead, "guardian.read"));
  PupilPlaces places(conn);
  PUMPURS_ASSIGN_OR_RETURN(auth::Target where,
                           ReadAccess(call, places, g, name));
  PUMPURS_ASSIGN_OR_RETURN(g.pupil_ids,
                           ReadablePupils(call, places, g.pupil_ids));
  AuditRead(call, Event("guardian.read", name, where));
  return g;
}

absl::StatusOr<Page<Guardian>> ListGuardians(Connection& conn,
                                             const CallContext& call,
                                             const GuardianFilter& filter,
                                             const ListRequest& req) {
  const bool by_pupil = !filter.pupil_id.empty();
  const std::string place =
      by_pupil ? ResourceName(kPupils, filter.pupil_id)
               : ResourceName(kInstitutions, filter.institution_id);
  AuditEvent audit = Event("guardian.list", place, {});
  PUMPURS_RETURN_IF_ERROR(SignedIn(call, &audit));
  Violations v;
  if (filter.pupil_id.empty() == filter.institution_id.empty()) {
    constexpr char kWhy[] = "set exactly one of institution and pupil";
    v.Add("institution", kWhy);
    v.Add("pupil", kWhy);
  }
  internal::CheckNamePrefix(v, filter.name_prefix);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  auth::Target where;
  if (by_pupil) {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<PupilPlace> pupil,
                             internal::LoadPupilPlace(conn, filter.pupil_id));
    if (!pupil) return Missing(call, Action::kGuardianRead, place, &audit);
    where = TargetOf(*pupil);
    audit = Event("guardian.list", place, where);
    PUMPURS_RETURN_IF_ERROR(
        internal::Allow(call, Action::kGuardianRead, where, &audit));
  } else {
    PUMPURS_ASSIGN_OR_RETURN(
        where,
        internal::AllowAtInstitution(conn, call, Action::kGuardianList,
                                     filter.institution_id, "guardian.list"));
  }

  const std::optional<std::string> pattern = LikePattern(filter.name_prefix);
  PUMPURS_ASSIGN_OR_RETURN(
      PageWindow window,
      OpenPage(absl::StrCat("ListGuardians|", filter.institution_id, "|",
                            filter.pupil_id, "|", pattern.value_or("")),
               req));
  const char* members =
      by_pupil ? "SELECT guardian_id FROM guardian_pupils WHERE pupil_id = ?1"
               : "SELECT gp.guardian_id FROM guardian_pupils gp JOIN pupils p "
                 "ON p.id = gp.pupil_id WHERE p.institution_id = ?1";
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(
          absl::StrCat(kSelect, "WHERE g.id IN (", members,
                       ") AND (g.sort_key, g.id) > (?2, ?3) "
                       "AND (?4 IS NULL OR g.search_given LIKE ?4 ESCAPE '\\' "
                       "OR g.search_family LIKE ?4 ESCAPE '\\') "
                       "ORDER BY g.sort_key, g.id LIMIT ?5")));
  s.Bind(1, by_pupil ? filter.pupil_id : filter.institution_id)
      .BindBlob(2, window.after.sort_key)
      .Bind(3, window.after.id)
      .BindOptional(4, pattern)
      .Bind(5, window.limit());
  PUMPURS_ASSIGN_OR_RETURN(Page<Guardian> page,
                           ReadPage(s, window, kSortKeyColumn, ReadRow));
  PupilPlaces places(conn);
  for (Guardian& g : page.items) {
    PUMPURS_ASSIGN_OR_RETURN(g.pupil_ids,
                             ReadablePupils(call, places, g.pupil_ids));
  }
  AuditRead(call, Event("guardian.list", place, where));
  return page;
}

absl::StatusOr<Guardian> CreateGuardian(Connection& conn,
                                        const CallContext& call,
                                        const Guardian& guardian,
                                        absl::string_view request_id,
                                        Violations input) {
  const AuditEvent signed_in = Event("guardian.create", kGuardians, {});
  PUMPURS_RETURN_IF_ERROR(SignedIn(call, &signed_in));
  Violations v = std::move(input);
  CheckRequestId(v, request_id);
  if (v.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        EarlierCreation(conn, call, kCreateMethod, request_id, kGuardians));
    if (earlier) return GetGuardian(conn, call, *earlier);
  }
  Guardian g = guardian;
  g.id.clear();
  CheckGuardianFields(v, Prefixed("guardian"), g,
                      /*external_id_required=*/false);
  PupilPlaces places(conn);
  PUMPURS_RETURN_IF_ERROR(CheckNewLinks(call, places, g.pupil_ids, v,
                                        "guardian.create", kGuardians));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(
      bool taken, ExternalIdInUse(conn, kGuardians, g.external_id, ""));
  if (taken) return ExternalIdTaken("guardian.external_id");

  g.id = NewId();
  g.pupil_ids = SortedUnique(std::move(g.pupil_ids));
  g.version = 1;
  g.create_time = g.update_time = absl::Now();
  PUMPURS_RETURN_IF_ERROR(internal::InsertGuardianRow(conn, g));
  const std::string name = ResourceName(kGuardians, g.id);
  PUMPURS_RETURN_IF_ERROR(RememberCreation(conn, call, kCreateMethod,
                                           request_id, name, g.create_time));
  PUMPURS_ASSIGN_OR_RETURN(auth::Target where, FirstPlace(places, g.pupil_ids));
  AuditEvent created = Event("guardian.create", name, where);
  created.request_id = std::string(request_id);
  PUMPURS_RETURN_IF_ERROR(AuditChange(conn, call, std::move(created)));
  return g;
}

absl::StatusOr<Guardian> UpdateGuardian(
    Connection& conn, const CallContext& call, absl::string_view id,
    const GuardianChanges& changes, absl::string_view etag, Violations input) {
  const std::string name = ResourceName(kGuardians, id);
  PUMPURS_ASSIGN_OR_RETURN(
      Guardian g,
      LoadSignedIn(conn, call, id, Action::kGuardianWrite, "guardian.update"));
  PupilPlaces places(conn);
  PUMPURS_RETURN_IF_ERROR(
      WriteAccess(call, places, g, "guardian.update", name));
  if (!EtagMatches(etag, g.version)) return EtagMismatchError(name);

  if (changes.given_name) g.given_name = *changes.given_name;
  if (changes.family_name) g.family_name = *changes.family_name;
  if (changes.external_id) g.external_id = *changes.external_id;
  Violations v = std::move(input);
  CheckGuardianFields(v, Prefixed("guardian"), g,
                      /*external_id_required=*/false);
  if (changes.pupil_ids) {
    PUMPURS_RETURN_IF_ERROR(CheckNewLinks(call, places, *changes.pupil_ids, v,
                                          "guardian.update", name));
    g.pupil_ids = SortedUnique(*changes.pupil_ids);
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(
      bool taken, ExternalIdInUse(conn, kGuardians, g.external_id, g.id));
  if (taken) return ExternalIdTaken("guardian.external_id");
  g.version += 1;
  g.update_time = absl::Now();
  PUMPURS_RETURN_IF_ERROR(internal::UpdateGuardianRow(conn, g));
  if (changes.pupil_ids) PUMPURS_RETURN_IF_ERROR(ReplaceLinks(conn, g));
  PUMPURS_ASSIGN_OR_RETURN(auth::Target where, FirstPlace(places, g.pupil_ids));
  PUMPURS_RETURN_IF_ERROR(
      AuditChange(conn, call, Event("guardian.update", name, where)));
  return g;
}

absl::Status DeleteGuardian(Connection& conn, const CallContext& call,
                            absl::string_view id, absl::string_view etag) {
  const std::string name = ResourceName(kGuardians, id);
  PUMPURS_ASSIGN_OR_RETURN(
      const Guardian g,
      LoadSignedIn(conn, call, id, Action::kGuardianWrite, "guardian.delete"));
  PupilPlaces places(conn);
  PUMPURS_RETURN_IF_ERROR(
      WriteAccess(call, places, g, "guardian.delete", name));
  if (!EtagMatches(etag, g.version)) return EtagMismatchError(name);
  PUMPURS_ASSIGN_OR_RETURN(auth::Target where, FirstPlace(places, g.pupil_ids));
  PUMPURS_RETURN_IF_ERROR(
      DeleteById(conn,
                 {"DELETE FROM guardian_pupils WHERE guardian_id = ?",
                  "DELETE FROM guardians WHERE id = ?"},
                 id));
  return AuditChange(conn, call, Event("guardian.delete", name, where));
}

}  // namespace pumpurs::directory
