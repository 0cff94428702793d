#include "absl/strings/escaping.h"
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
    "id, display_name, code, version, create_time, update_time";
// kColumns, then sort_key in lists.
constexpr int kSortKeyColumn = 6;
constexpr char kCreateMethod[] = "CreateMunicipality";

Municipality ReadRow(const storage::Statement& s) {
  Municipality m;
  m.id = s.ColumnText(0);
  m.display_name = s.ColumnText(1);
  m.code = s.ColumnText(2);
  m.version = s.ColumnInt64(3);
  m.create_time = absl::FromUnixMicros(s.ColumnInt64(4));
  m.update_time = absl::FromUnixMicros(s.ColumnInt64(5));
  return m;
}

void Validate(Violations& v, const std::string& display_name,
              const std::string& code) {
  CheckRequiredText(v, "municipality.display_name", display_name, 200);
  CheckDigits(v, "municipality.code", code, 7);
}

absl::Status CodeTaken() {
  return WithFieldViolations(
      Error(absl::StatusCode::kAlreadyExists, "MUNICIPALITY_CODE_TAKEN",
            "another municipality has this code"),
      {{"municipality.code", "is used by another municipality"}});
}

absl::StatusOr<bool> CodeInUse(Connection& conn, const std::string& code,
                               absl::string_view except_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM municipalities WHERE code = ? AND id != ?"));
  s.Bind(1, code).Bind(2, except_id);
  return s.Step();
}

}  // namespace

absl::StatusOr<Municipality> GetMunicipality(Connection& conn,
                                             absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<Municipality> m,
      LoadRow(conn,
              absl::StrCat("SELECT ", kColumns,
                           " FROM municipalities WHERE id = ?"),
              id, ReadRow));
  if (!m) return NotFoundError(ResourceName("municipalities", id));
  return *std::move(m);
}

absl::StatusOr<Page<Municipality>> ListMunicipalities(Connection& conn,
                                                      const ListRequest& req) {
  PUMPURS_ASSIGN_OR_RETURN(PageWindow window,
                           OpenPage("ListMunicipalities", req));
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat(
          "SELECT ", kColumns,
          ", sort_key FROM municipalities WHERE (sort_key, id) > (?, ?) "
          "ORDER BY sort_key, id LIMIT ?")));
  s.BindBlob(1, window.after.sort_key)
      .Bind(2, window.after.id)
      .Bind(3, window.limit());
  return ReadPage(s, window, kSortKeyColumn, ReadRow);
}

absl::StatusOr<Municipality> CreateMunicipality(Connection& conn,
                                                const CallContext& call,
                                                const Municipality& m,
                                                absl::string_view request_id) {
  Violations v;
  Validate(v, m.display_name, m.code);
  CheckRequestId(v, request_id);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<std::string> earlier,
      EarlierCreation(conn, call, kCreateMethod, request_id, "municipalities"));
  if (earlier) return GetMunicipality(conn, *earlier);
  PUMPURS_ASSIGN_OR_RETURN(bool taken, CodeInUse(conn, m.code, ""));
  if (taken) return CodeTaken();
  Municipality out = m;
  out.id = NewId();
  out.version = 1;
  out.create_time = out.update_time = absl::Now();
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO municipalities (id, display_name, sort_key, "
                   "code, version, create_time, update_time) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, out.id)
      .Bind(2, out.display_name)
      .BindBlob(3, LatvianSortKey(out.display_name))
      .Bind(4, out.code)
      .Bind(5, out.version)
      .Bind(6, absl::ToUnixMicros(out.create_time))
      .Bind(7, absl::ToUnixMicros(out.update_time));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(RememberCreation(
      conn, call, kCreateMethod, request_id,
      ResourceName("municipalities", out.id), out.create_time));
  return out;
}

absl::StatusOr<Municipality> UpdateMunicipality(
    Connection& conn, absl::string_view id, const MunicipalityChanges& changes,
    absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(Municipality m, GetMunicipality(conn, id));
  if (!EtagMatches(etag, m.version)) {
    return EtagMismatchError(ResourceName("municipalities", id));
  }
  if (changes.display_name) m.display_name = *changes.display_name;
  if (changes.code) m.code = *changes.code;
  Violations v;
  Validate(v, m.display_name, m.code);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(bool taken, CodeInUse(conn, m.code, m.id));
  if (taken) return CodeTaken();
  m.version += 1;
  m.update_time = absl::Now();
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE municipalities SET display_name = ?, sort_key = ?, "
                   "code = ?, version = ?, update_time = ? WHERE id = ?"));
  s.Bind(1, m.display_name)
      .BindBlob(2, LatvianSortKey(m.display_name))
      .Bind(3, m.code)
      .Bind(4, m.version)
      .Bind(5, absl::ToUnixMicros(m.update_time))
      .Bind(6, m.id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  return m;
}

}  // namespace pumpurs::directory
