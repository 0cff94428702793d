// Staff of the institutions. Access goes through the policy like every
// other object, but staff records are not pupils' data: nothing here is
// audited (people.h).

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
using internal::CheckInstitution;
using internal::ExternalIdInUse;
using internal::ExternalIdTaken;
using internal::InstitutionTarget;
using internal::kStaff;
using internal::LikePattern;
using internal::Missing;
using internal::SignedIn;

constexpr char kSelect[] =
    "SELECT s.id, s.institution_id, s.given_name, s.family_name, s.position, "
    "s.external_id, s.version, s.create_time, s.update_time, "
    "i.municipality_id, s.sort_key, s.account_id FROM staff s JOIN "
    "institutions i ON "
    "i.id = s.institution_id ";
constexpr int kMunicipalityColumn = 9;
constexpr int kSortKeyColumn = 10;
constexpr int kAccountColumn = 11;
constexpr char kCreateMethod[] = "CreateStaffMember";
constexpr char kInstitutionField[] = "staff_member.institution";

struct Row {
  StaffMember staff;
  std::string municipality_id;
};

Row ReadRow(const storage::Statement& s) {
  Row r;
  StaffMember& m = r.staff;
  m.id = s.ColumnText(0);
  m.institution_id = s.ColumnText(1);
  m.given_name = s.ColumnText(2);
  m.family_name = s.ColumnText(3);
  m.position = static_cast<StaffPosition>(s.ColumnInt64(4));
  m.external_id = s.ColumnText(5);
  m.version = s.ColumnInt64(6);
  m.create_time = absl::FromUnixMicros(s.ColumnInt64(7));
  m.update_time = absl::FromUnixMicros(s.ColumnInt64(8));
  r.municipality_id = s.ColumnText(kMunicipalityColumn);
  if (!s.ColumnIsNull(kAccountColumn))
    m.account_id = s.ColumnText(kAccountColumn);
  return r;
}

// The account linked to a staff record must belong to a person working
// there (a staff role in the institution), since the link lets the account
// act as the plan preparer or measure provider the record is; and a person
// has one record per institution.
absl::Status CheckAccount(Connection& conn, Violations& v,
                          const StaffMember& m) {
  if (m.account_id.empty()) return absl::OkStatus();
  constexpr char kField[] = "staff_member.account";
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement role,
      conn.Prepare("SELECT 1 FROM role_bindings WHERE account_id = ? AND "
                   "scope_id = ? AND role BETWEEN 1 AND 4"));
  role.Bind(1, m.account_id).Bind(2, m.institution_id);
  PUMPURS_ASSIGN_OR_RETURN(bool staff_role, role.Step());
  if (!staff_role) {
    v.Add(kField, "must be an account with a staff role in the institution");
    return absl::OkStatus();
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement other,
      conn.Prepare("SELECT 1 FROM staff WHERE account_id = ? AND "
                   "institution_id = ? AND id != ?"));
  other.Bind(1, m.account_id).Bind(2, m.institution_id).Bind(3, m.id);
  PUMPURS_ASSIGN_OR_RETURN(bool linked, other.Step());
  if (linked) {
    v.Add(kField, "is linked to another staff record of the institution");
  }
  return absl::OkStatus();
}

absl::Status StoreAccount(Connection& conn, const StaffMember& m) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE staff SET account_id = ? WHERE id = ?"));
  s.BindOptional(1, internal::NullIfEmpty(m.account_id)).Bind(2, m.id);
  return s.Run();
}

// A stored staff member the caller may `action`.
absl::StatusOr<Row> LoadAllowed(Connection& conn, const CallContext& call,
                                absl::string_view id, Action action) {
  PUMPURS_RETURN_IF_ERROR(SignedIn(call, nullptr));
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<Row> row,
      LoadRow(conn, absl::StrCat(kSelect, "WHERE s.id = ?"), id, ReadRow));
  if (!row) return Missing(call, action, ResourceName(kStaff, id), nullptr);
  PUMPURS_RETURN_IF_ERROR(internal::Allow(
      call, action,
      InstitutionTarget(row->staff.institution_id, row->municipality_id),
      nullptr));
  return *std::move(row);
}

}  // namespace

namespace internal {

absl::Status InsertStaffRow(Connection& conn, const StaffMember& m) {
  const NameKeys keys = KeysFor(m.given_name, m.family_name);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO staff (id, institution_id, given_name, "
                   "family_name, sort_key, search_given, search_family, "
                   "position, external_id, version, create_time, "
                   "update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, m.id)
      .Bind(2, m.institution_id)
      .Bind(3, m.given_name)
      .Bind(4, m.family_name)
      .BindBlob(5, keys.sort_key)
      .Bind(6, keys.search_given)
      .Bind(7, keys.search_family)
      .Bind(8, static_cast<int64_t>(m.position))
      .BindOptional(9, NullIfEmpty(m.external_id))
      .Bind(10, m.version)
      .Bind(11, absl::ToUnixMicros(m.create_time))
      .Bind(12, absl::ToUnixMicros(m.update_time));
  return s.Run();
}

absl::Status UpdateStaffRow(Connection& conn, const StaffMember& m) {
  const NameKeys keys = KeysFor(m.given_name, m.family_name);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE staff SET institution_id = ?, given_name = ?, "
                   "family_name = ?, sort_key = ?, search_given = ?, "
                   "search_family = ?, position = ?, external_id = ?, "
                   "version = ?, update_time = ? WHERE id = ?"));
  s.Bind(1, m.institution_id)
      .Bind(2, m.given_name)
      .Bind(3, m.family_name)
      .BindBlob(4, keys.sort_key)
      .Bind(5, keys.search_given)
      .Bind(6, keys.search_family)
      .Bind(7, static_cast<int64_t>(m.position))
      .BindOptional(8, NullIfEmpty(m.external_id))
      .Bind(9, m.version)
      .Bind(10, absl::ToUnixMicros(m.update_time))
      .Bind(11, m.id);
  return s.Run();
}

}  // namespace internal

absl::StatusOr<StaffMember> GetStaffMember(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(Row row,
                           LoadAllowed(conn, call, id, Action::kStaffRead));
  return std::move(row.staff);
}

absl::StatusOr<Page<StaffMember>> ListStaffMembers(Connection& conn,
                                                   const CallContext& call,
                                                   const StaffFilter& filter,
                                                   const ListRequest& req) {
  PUMPURS_RETURN_IF_ERROR(SignedIn(call, nullptr));
  Violations v;
  if (filter.institution_id.empty()) v.Add("institution", "is required");
  if (filter.position && !KnownPosition(*filter.position)) {
    v.Add("position", "must be a known staff position");
  }
  internal::CheckNamePrefix(v, filter.name_prefix);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  const absl::StatusOr<auth::Target> allowed = internal::AllowAtInstitution(
      conn, call, Action::kStaffRead, filter.institution_id,
      /*audit_action=*/"");
  PUMPURS_RETURN_IF_ERROR(allowed.status());

  const std::optional<std::string> pattern = LikePattern(filter.name_prefix);
  const int position = filter.position ? static_cast<int>(*filter.position) : 0;
  PUMPURS_ASSIGN_OR_RETURN(
      PageWindow window,
      OpenPage(absl::StrCat("ListStaffMembers|", filter.institution_id, "|",
                            position, "|", pattern.value_or("")),
               req));
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat(
          kSelect,
          "WHERE s.institution_id = ?1 AND (s.sort_key, s.id) > (?2, ?3) "
          "AND (?4 IS NULL OR s.position = ?4) "
          "AND (?5 IS NULL OR s.search_given LIKE ?5 ESCAPE '\\' "
          "OR s.search_family LIKE ?5 ESCAPE '\\') "
          "ORDER BY s.sort_key, s.id LIMIT ?6")));
  s.Bind(1, filter.institution_id)
      .BindBlob(2, window.after.sort_key)
      .Bind(3, window.after.id)
      .BindOptional(5, pattern)
      .Bind(6, window.limit());
  if (filter.position) {
    s.Bind(4, int64_t{position});
  } else {
    s.BindNull(4);
  }
  return ReadPage(s, window, kSortKeyColumn, [](const storage::Statement& row) {
    return ReadRow(row).staff;
  });
}

absl::StatusOr<StaffMember> CreateStaffMember(Connection& conn,
                                              const CallContext& call,
                                              const StaffMember& staff,
                                              absl::string_view request_id,
                                              Violations input) {
  PUMPURS_RETURN_IF_ERROR(SignedIn(call, nullptr));
  Violations v = std::move(input);
  CheckRequestId(v, request_id);
  if (v.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        EarlierCreation(conn, call, kCreateMethod, request_id, kStaff));
    if (earlier) return GetStaffMember(conn, call, *earlier);
  }
  StaffMember m = staff;
  m.id.clear();
  CheckStaffFields(v, Prefixed("staff_member"), m,
                   /*external_id_required=*/false);
  PUMPURS_ASSIGN_OR_RETURN(
      std::string municipality,
      CheckInstitution(conn, v, kInstitutionField, m.institution_id));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_RETURN_IF_ERROR(internal::Allow(
      call, Action::kStaffWrite,
      InstitutionTarget(m.institution_id, municipality), nullptr));
  PUMPURS_RETURN_IF_ERROR(CheckAccount(conn, v, m));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(bool taken,
                           ExternalIdInUse(conn, kStaff, m.external_id, ""));
  if (taken) return ExternalIdTaken("staff_member.external_id");
  m.id = NewId();
  m.version = 1;
  m.create_time = m.update_time = absl::Now();
  PUMPURS_RETURN_IF_ERROR(internal::InsertStaffRow(conn, m));
  PUMPURS_RETURN_IF_ERROR(StoreAccount(conn, m));
  PUMPURS_RETURN_IF_ERROR(
      RememberCreation(conn, call, kCreateMethod, request_id,
                       ResourceName(kStaff, m.id), m.create_time));
  return m;
}

absl::StatusOr<StaffMember> UpdateStaffMember(
    Connection& conn, const CallContext& call, absl::string_view id,
    const StaffChanges& changes, absl::string_view etag, Violations input) {
  PUMPURS_ASSIGN_OR_RETURN(const Row row,
                           LoadAllowed(conn, call, id, Action::kStaffWrite));
  if (!EtagMatches(etag, row.staff.version)) {
    return EtagMismatchError(ResourceName(kStaff, id));
  }
  StaffMember m = row.staff;
  if (changes.given_name) m.given_name = *changes.given_name;
  if (changes.family_name) m.family_name = *changes.family_name;
  if (changes.position) m.position = *changes.position;
  if (changes.institution_id) m.institution_id = *changes.institution_id;
  if (changes.external_id) m.external_id = *changes.external_id;
  if (changes.account_id) m.account_id = *changes.account_id;
  Violations v = std::move(input);
  CheckStaffFields(v, Prefixed("staff_member"), m,
                   /*external_id_required=*/false);
  const bool moved = m.institution_id != row.staff.institution_id;
  std::string municipality = row.municipality_id;
  if (moved) {
    PUMPURS_ASSIGN_OR_RETURN(
        municipality,
        CheckInstitution(conn, v, kInstitutionField, m.institution_id));
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  if (moved) {
    PUMPURS_RETURN_IF_ERROR(internal::Allow(
        call, Action::kStaffWrite,
        InstitutionTarget(m.institution_id, municipality), nullptr));
  }
  if (m.account_id != row.staff.account_id || moved) {
    PUMPURS_RETURN_IF_ERROR(CheckAccount(conn, v, m));
    PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  }
  PUMPURS_ASSIGN_OR_RETURN(bool taken,
                           ExternalIdInUse(conn, kStaff, m.external_id, m.id));
  if (taken) return ExternalIdTaken("staff_member.external_id");
  m.version += 1;
  m.update_time = absl::Now();
  PUMPURS_RETURN_IF_ERROR(internal::UpdateStaffRow(conn, m));
  PUMPURS_RETURN_IF_ERROR(StoreAccount(conn, m));
  return m;
}

absl::Status DeleteStaffMember(Connection& conn, const CallContext& call,
                               absl::string_view id, absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(const Row row,
                           LoadAllowed(conn, call, id, Action::kStaffWrite));
  if (!EtagMatches(etag, row.staff.version)) {
    return EtagMismatchError(ResourceName(kStaff, id));
  }
  return DeleteById(conn, {"DELETE FROM staff WHERE id = ?"}, id);
}

}  // namespace pumpurs::directory
