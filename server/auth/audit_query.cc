#include "server/auth/audit_query.h"

#include <cstdint>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/auth/audit.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"

namespace pumpurs::auth {
namespace {

using storage::Connection;
using storage::Statement;

constexpr char kColumns[] =
    "SELECT seq, id, time, actor, action, resource, institution_id, "
    "municipality_id, pupil_id, outcome, request_id FROM audit_events "
    "WHERE seq < ?";
// Filters, each on an indexed column (audit_by_* indexes end in seq, so
// "col = ? ... ORDER BY seq DESC" walks one index range backwards).
constexpr char kByInstitution[] = " AND institution_id = ?";
constexpr char kByMunicipality[] = " AND municipality_id = ?";
constexpr char kByResource[] = " AND resource = ?";
constexpr char kByActor[] = " AND actor = ?";
constexpr char kByPupil[] = " AND pupil_id = ?";
constexpr char kNewestFirst[] = " ORDER BY seq DESC LIMIT ?";

constexpr char kInstitutionMunicipality[] =
    "SELECT municipality_id FROM institutions WHERE id = ?";
constexpr char kPupilPlace[] =
    "SELECT p.institution_id, i.municipality_id FROM pupils p "
    "JOIN institutions i ON i.id = p.institution_id WHERE p.id = ?";
constexpr char kPupilGuardians[] =
    "SELECT guardian_id FROM guardian_pupils WHERE pupil_id = ? "
    "ORDER BY guardian_id";

constexpr char kPupils[] = "pupils";
constexpr char kPupilPrefix[] = "pupils/";

StoredAuditEvent ReadRow(const Statement& s) {
  StoredAuditEvent e;
  e.seq = s.ColumnInt64(0);
  e.id = s.ColumnText(1);
  e.time = absl::FromUnixMicros(s.ColumnInt64(2));
  e.actor = s.ColumnText(3);
  e.action = s.ColumnText(4);
  e.resource = s.ColumnText(5);
  e.institution_id = s.ColumnText(6);
  e.municipality_id = s.ColumnText(7);
  e.pupil_id = s.ColumnText(8);
  e.outcome = static_cast<AuditOutcome>(s.ColumnInt64(9));
  e.request_id = s.ColumnText(10);
  return e;
}

// The first sequence number a page may not reach: all for an empty token.
absl::StatusOr<int64_t> PageStart(absl::string_view token,
                                  absl::string_view query) {
  if (token.empty()) return std::numeric_limits<int64_t>::max();
  PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                           DecodePageToken(token, query, 1));
  int64_t seq = 0;
  if (!absl::SimpleAtoi(key[0], &seq) || seq <= 0) {
    return WithReason(
        InvalidFieldError("page_token", "is not a token this query returned"),
        "INVALID_PAGE_TOKEN");
  }
  return seq;
}

// Runs the filtered query for one page. `conditions` pairs a constant
// fragment with the value of its placeholder.
absl::StatusOr<AuditPage> QueryPage(
    Connection& conn,
    const std::vector<std::pair<const char*, std::string>>& conditions,
    absl::string_view query, int page_size, absl::string_view page_token) {
  PUMPURS_ASSIGN_OR_RETURN(int64_t before, PageStart(page_token, query));
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(page_size));
  std::string sql = kColumns;
  for (const auto& [fragment, value] : conditions) sql += fragment;
  sql += kNewestFirst;
  PUMPURS_ASSIGN_OR_RETURN(Statement s, conn.Prepare(sql));
  int i = 1;
  s.Bind(i++, before);
  for (const auto& [fragment, value] : conditions) s.Bind(i++, value);
  s.Bind(i, int64_t{size} + 1);
  AuditPage page;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.events.size()) == size) {
      page.next_page_token =
          EncodePageToken(query, {absl::StrCat(page.events.back().seq)});
      break;
    }
    page.events.push_back(ReadRow(s));
  }
  return page;
}

// The distinct institutions and municipalities whose audit trail the
// caller may read by a scoped kAuditRead rule, as filters.
std::vector<AuditFilter> ScopedAuditFilters(const Principal& p) {
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<AuditFilter> out;
  for (const RoleBinding& b : p.roles) {
    for (const Rule& rule : Rules()) {
      if (rule.action != Action::kAuditRead || rule.role != b.role) continue;
      AuditFilter f;
      if (rule.relation == Relation::kSameInstitution) {
        f.institution_id = b.scope_id;
      } else if (rule.relation == Relation::kSameMunicipality) {
        f.municipality_id = b.scope_id;
      } else {
        continue;
      }
      if (seen.insert({f.institution_id, f.municipality_id}).second) {
        out.push_back(std::move(f));
      }
    }
  }
  return out;
}

// The pupil a resource name refers to, if it is "pupils/{id}".
std::string PupilOf(absl::string_view resource) {
  if (resource.substr(0, sizeof(kPupilPrefix) - 1) != kPupilPrefix) return "";
  absl::StatusOr<std::string> id =
      ParseResourceName(resource, kPupils, "resource");
  return id.ok() ? *id : "";
}

absl::StatusOr<std::string> MunicipalityOfInstitution(Connection& conn,
                                                      absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(Statement s, conn.Prepare(kInstitutionMunicipality));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  return found ? s.ColumnText(0) : std::string();
}

}  // namespace

absl::StatusOr<AuditPage> ListAuditEvents(Connection& conn,
                                          const CallContext& call,
                                          const AuditFilter& requested,
                                          int page_size,
                                          absl::string_view page_token) {
  PUMPURS_RETURN_IF_ERROR(RequireAuthenticated(call.principal));
  AuditFilter filter = requested;
  const bool national = Authorize(call.principal, Action::kAuditRead, {}).ok();
  if (!national && filter.institution_id.empty() &&
      filter.municipality_id.empty()) {
    const std::vector<AuditFilter> scopes = ScopedAuditFilters(call.principal);
    if (scopes.size() > 1) {
      return InvalidFieldError(
          "institution",
          "is required: the caller may read the audit trail of several "
          "institutions or municipalities");
    }
    if (scopes.size() == 1) {
      filter.institution_id = scopes[0].institution_id;
      filter.municipality_id = scopes[0].municipality_id;
    }
  }

  // Where the selected events sit: an institution filter is judged by the
  // institution's own municipality (if it still exists).
  Target target;
  target.institution_id = filter.institution_id;
  target.municipality_id = filter.municipality_id;
  if (!filter.institution_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::string municipality,
        MunicipalityOfInstitution(conn, filter.institution_id));
    if (!municipality.empty()) target.municipality_id = municipality;
  }
  const std::string pupil_id = PupilOf(filter.resource);
  target.pupil_id = pupil_id;
  absl::Status allowed = Authorize(call.principal, Action::kAuditRead, target);
  if (!pupil_id.empty()) {
    // Looking up who accessed a pupil is an access to the pupil's trail.
    AuditEvent event;
    event.action = "audit.list";
    event.resource = filter.resource;
    event.institution_id = filter.institution_id;
    event.municipality_id = target.municipality_id;
    event.pupil_id = pupil_id;
    event.outcome =
        allowed.ok() ? AuditOutcome::kAllowed : AuditOutcome::kDenied;
    DeferAudit(call, std::move(event));
  }
  PUMPURS_RETURN_IF_ERROR(allowed);

  std::vector<std::pair<const char*, std::string>> conditions;
  if (!filter.institution_id.empty()) {
    conditions.emplace_back(kByInstitution, filter.institution_id);
  }
  if (!filter.municipality_id.empty()) {
    conditions.emplace_back(kByMunicipality, filter.municipality_id);
  }
  if (!filter.resource.empty()) {
    conditions.emplace_back(kByResource, filter.resource);
  }
  if (!filter.actor.empty()) conditions.emplace_back(kByActor, filter.actor);
  // Lengths keep the fields apart whatever they contain.
  const std::string query = absl::StrCat(
      "ListAuditEvents|", filter.institution_id.size(), ":",
      filter.institution_id, "|", filter.municipality_id.size(), ":",
      filter.municipality_id, "|", filter.resource.size(), ":", filter.resource,
      "|", filter.actor.size(), ":", filter.actor);
  return QueryPage(conn, conditions, query, page_size, page_token);
}

absl::StatusOr<AuditPage> ListPupilAccess(Connection& conn,
                                          const CallContext& call,
                                          absl::string_view pupil_id,
                                          int page_size,
                                          absl::string_view page_token) {
  PUMPURS_RETURN_IF_ERROR(RequireAuthenticated(call.principal));
  const std::string resource = ResourceName(kPupils, pupil_id);
  AuditEvent event;
  event.action = "pupil_access.list";
  event.resource = resource;

  Target target;
  bool exists = false;
  {
    PUMPURS_ASSIGN_OR_RETURN(Statement s, conn.Prepare(kPupilPlace));
    s.Bind(1, pupil_id);
    PUMPURS_ASSIGN_OR_RETURN(exists, s.Step());
    if (exists) {
      target.institution_id = s.ColumnText(0);
      target.municipality_id = s.ColumnText(1);
      target.pupil_id = std::string(pupil_id);
    }
  }
  if (!exists) {
    absl::Status missing =
        MissingObject(call.principal, Action::kPupilAccessRead, resource);
    // NOT_FOUND (for a caller who could see it anywhere) is a failure, not
    // a refusal.
    event.outcome = missing.code() == absl::StatusCode::kNotFound
                        ? AuditOutcome::kFailed
                        : AuditOutcome::kDenied;
    DeferAudit(call, std::move(event));
    return missing;
  }
  {
    PUMPURS_ASSIGN_OR_RETURN(Statement s, conn.Prepare(kPupilGuardians));
    s.Bind(1, pupil_id);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      target.guardian_ids.push_back(s.ColumnText(0));
    }
  }
  event.institution_id = target.institution_id;
  event.municipality_id = target.municipality_id;
  event.pupil_id = target.pupil_id;
  absl::Status allowed =
      Authorize(call.principal, Action::kPupilAccessRead, target);
  event.outcome = allowed.ok() ? AuditOutcome::kAllowed : AuditOutcome::kDenied;
  DeferAudit(call, std::move(event));
  PUMPURS_RETURN_IF_ERROR(allowed);

  const std::string query = absl::StrCat("ListPupilAccess|", target.pupil_id);
  return QueryPage(conn, {{kByPupil, target.pupil_id}}, query, page_size,
                   page_token);
}

}  // namespace pumpurs::auth
