#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/collation.h"
#include "server/common/error.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/directory/directory.h"
#include "server/directory/rows.h"

namespace pumpurs::directory {
namespace {

constexpr char kColumns[] =
    "id, display_name, kind, municipality_id, registration_number, version, "
    "create_time, update_time";
// kColumns, then sort_key in lists.
constexpr int kSortKeyColumn = 8;
constexpr char kCreateMethod[] = "CreateInstitution";

Institution ReadRow(const storage::Statement& s) {
  Institution i;
  i.id = s.ColumnText(0);
  i.display_name = s.ColumnText(1);
  i.kind = static_cast<InstitutionKind>(s.ColumnInt64(2));
  i.municipality_id = s.ColumnText(3);
  i.registration_number = s.ColumnText(4);
  i.version = s.ColumnInt64(5);
  i.create_time = absl::FromUnixMicros(s.ColumnInt64(6));
  i.update_time = absl::FromUnixMicros(s.ColumnInt64(7));
  return i;
}

bool ValidKind(InstitutionKind k) {
  return k == InstitutionKind::kMunicipalGeneralSchool ||
         k == InstitutionKind::kStateVocationalSchool ||
         k == InstitutionKind::kCollege;
}

absl::StatusOr<bool> Exists(Connection& conn, absl::string_view sql,
                            absl::string_view a, absl::string_view b = "") {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
  s.Bind(1, a);
  if (!b.empty()) s.Bind(2, b);
  return s.Step();
}

// Every field rule, plus the references that need the database, added to
// the problems `v` already holds.
absl::Status Validate(Connection& conn, const Institution& inst,
                      Violations v = {}) {
  CheckRequiredText(v, "institution.display_name", inst.display_name, 200);
  if (!ValidKind(inst.kind)) {
    v.Add("institution.kind", "must be a known institution kind");
  }
  CheckDigits(v, "institution.registration_number", inst.registration_number,
              10);
  if (inst.municipality_id.empty()) {
    v.Add("institution.municipality", "is required");
  } else {
    PUMPURS_ASSIGN_OR_RETURN(
        bool found, Exists(conn, "SELECT 1 FROM municipalities WHERE id = ?",
                           inst.municipality_id));
    if (!found) v.Add("institution.municipality", "no such municipality");
  }
  return v.ToStatus();
}

absl::Status CheckNumberFree(Connection& conn, const Institution& inst) {
  PUMPURS_ASSIGN_OR_RETURN(
      bool taken,
      Exists(conn,
             "SELECT 1 FROM institutions WHERE registration_number = ? "
             "AND id != ?",
             inst.registration_number, inst.id.empty() ? "-" : inst.id));
  if (!taken) return absl::OkStatus();
  return WithFieldViolations(
      Error(absl::StatusCode::kAlreadyExists, "REGISTRATION_NUMBER_TAKEN",
            "another institution has this registration number"),
      {{"institution.registration_number", "is used by another institution"}});
}

}  // namespace

absl::StatusOr<Institution> GetInstitution(Connection& conn,
                                           absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<Institution> inst,
      LoadRow(
          conn,
          absl::StrCat("SELECT ", kColumns, " FROM institutions WHERE id = ?"),
          id, ReadRow));
  if (!inst) return NotFoundError(ResourceName("institutions", id));
  return *std::move(inst);
}

absl::StatusOr<Page<Institution>> ListInstitutions(
    Connection& conn, const InstitutionFilter& filter, const ListRequest& req) {
  if (filter.kind && !ValidKind(*filter.kind)) {
    return InvalidFieldError("kind", "must be a known institution kind");
  }
  PUMPURS_ASSIGN_OR_RETURN(
      PageWindow window,
      OpenPage(
          absl::StrCat("ListInstitutions|", filter.municipality_id.value_or(""),
                       "|", filter.kind ? static_cast<int>(*filter.kind) : 0),
          req));
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat(
          "SELECT ", kColumns,
          ", sort_key FROM institutions WHERE (sort_key, id) > (?1, ?2) "
          "AND (?3 IS NULL OR municipality_id = ?3) "
          "AND (?4 IS NULL OR kind = ?4) "
          "ORDER BY sort_key, id LIMIT ?5")));
  s.BindBlob(1, window.after.sort_key)
      .Bind(2, window.after.id)
      .BindOptional(3, filter.municipality_id);
  if (filter.kind) {
    s.Bind(4, static_cast<int64_t>(*filter.kind));
  } else {
    s.BindNull(4);
  }
  s.Bind(5, window.limit());
  return ReadPage(s, window, kSortKeyColumn, ReadRow);
}

absl::StatusOr<Institution> CreateInstitution(Connection& conn,
                                              const CallContext& call,
                                              const Institution& inst,
                                              absl::string_view request_id) {
  Violations v;
  CheckRequestId(v, request_id);
  if (!v.empty()) {
    // Name the body's problems too: the caller hears of all at once.
    return Validate(conn, inst, std::move(v));
  }
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<std::string> earlier,
      EarlierCreation(conn, call, kCreateMethod, request_id, "institutions"));
  if (earlier) return GetInstitution(conn, *earlier);
  Institution out = inst;
  out.id.clear();
  PUMPURS_RETURN_IF_ERROR(Validate(conn, out));
  PUMPURS_RETURN_IF_ERROR(CheckNumberFree(conn, out));
  out.id = NewId();
  out.version = 1;
  out.create_time = out.update_time = absl::Now();
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(
          "INSERT INTO institutions (id, display_name, sort_key, kind, "
          "municipality_id, registration_number, version, "
          "create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, out.id)
      .Bind(2, out.display_name)
      .BindBlob(3, LatvianSortKey(out.display_name))
      .Bind(4, static_cast<int64_t>(out.kind))
      .Bind(5, out.municipality_id)
      .Bind(6, out.registration_number)
      .Bind(7, out.version)
      .Bind(8, absl::ToUnixMicros(out.create_time))
      .Bind(9, absl::ToUnixMicros(out.update_time));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(
      RememberCreation(conn, call, kCreateMethod, request_id,
                       ResourceName("institutions", out.id), out.create_time));
  return out;
}

absl::StatusOr<Institution> UpdateInstitution(Connection& conn,
                                              absl::string_view id,
                                              const InstitutionChanges& changes,
                                              absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(Institution inst, GetInstitution(conn, id));
  if (!EtagMatches(etag, inst.version)) {
    return EtagMismatchError(ResourceName("institutions", id));
  }
  if (changes.display_name) inst.display_name = *changes.display_name;
  if (changes.kind) inst.kind = *changes.kind;
  if (changes.municipality_id) inst.municipality_id = *changes.municipality_id;
  if (changes.registration_number) {
    inst.registration_number = *changes.registration_number;
  }
  PUMPURS_RETURN_IF_ERROR(Validate(conn, inst));
  PUMPURS_RETURN_IF_ERROR(CheckNumberFree(conn, inst));
  inst.version += 1;
  inst.update_time = absl::Now();
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE institutions SET display_name = ?, sort_key = ?, "
                   "kind = ?, municipality_id = ?, registration_number = ?, "
                   "version = ?, update_time = ? WHERE id = ?"));
  s.Bind(1, inst.display_name)
      .BindBlob(2, LatvianSortKey(inst.display_name))
      .Bind(3, static_cast<int64_t>(inst.kind))
      .Bind(4, inst.municipality_id)
      .Bind(5, inst.registration_number)
      .Bind(6, inst.version)
      .Bind(7, absl::ToUnixMicros(inst.update_time))
      .Bind(8, inst.id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  return inst;
}

absl::Status DeleteInstitution(Connection& conn, absl::string_view id,
                               absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(Institution inst, GetInstitution(conn, id));
  if (!EtagMatches(etag, inst.version)) {
    return EtagMismatchError(ResourceName("institutions", id));
  }
  PUMPURS_ASSIGN_OR_RETURN(
      bool has_people,
      Exists(conn,
             "SELECT 1 WHERE EXISTS (SELECT 1 FROM pupils WHERE "
             "institution_id = ?1) OR EXISTS (SELECT 1 FROM staff WHERE "
             "institution_id = ?1)",
             id));
  if (has_people) {
    return Error(absl::StatusCode::kFailedPrecondition, "INSTITUTION_NOT_EMPTY",
                 "the institution still has pupils or staff");
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("DELETE FROM institutions WHERE id = ?"));
  s.Bind(1, id);
  return s.Run();
}

}  // namespace pumpurs::directory
