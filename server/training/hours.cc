#include "server/training/hours.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/training/events.h"

namespace pumpurs::training {
namespace {

using auth::Action;

// Attended registrations of events (not cancelled) that started in the
// period; the staff or institution condition follows.
constexpr char kAttendedIn[] =
    " FROM training_registrations r JOIN training_events e ON e.id = "
    "r.event_id WHERE r.state = ? AND e.state != ? AND e.start_time >= ? AND "
    "e.start_time < ?";

absl::StatusOr<bool> Exists(storage::Connection& conn, const char* sql,
                            const std::string& id) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
  s.Bind(1, id);
  return s.Step();
}

}  // namespace

absl::StatusOr<v1::ListTrainingHoursResponse> ListTrainingHours(
    storage::Connection& conn, const CallContext& call, const HoursQuery& q) {
  const Principal& p = call.principal;
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(p));
  Violations v;
  absl::StatusOr<std::string> staff =
      ParseOptionalResourceName(q.staff, kStaff, "staff");
  if (!staff.ok()) v.Add("staff", "must be staff/{id}");
  absl::StatusOr<std::string> institution =
      ParseOptionalResourceName(q.institution, kInstitutions, "institution");
  if (!institution.ok()) v.Add("institution", "must be institutions/{id}");
  if (staff.ok() && institution.ok()) {
    if (staff->empty() && institution->empty()) {
      v.Add("staff", "is required unless institution is set");
    } else if (!staff->empty() && !institution->empty()) {
      v.Add("institution", "must be empty when staff is set: ask for one");
    }
  }
  const std::optional<absl::CivilDay> from =
      CheckDay(v, "from_day", q.from_day, true);
  const std::optional<absl::CivilDay> to =
      CheckDay(v, "to_day", q.to_day, true);
  if (from && to) {
    const absl::CivilDay limit(from->year() + 5, from->month(), from->day());
    if (*to < *from) {
      v.Add("to_day", "must not be before from_day");
    } else if (*to > limit) {
      v.Add("to_day", "must be at most 5 years after from_day");
    }
  }
  absl::StatusOr<int> size = NormalizePageSize(q.page_size);
  if (!size.ok()) v.Add("page_size", "must not be negative");
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  // Permission before existence.
  if (!staff->empty()) {
    auth::Target self;
    self.provider_ids = {*staff};
    if (!auth::Authorize(p, Action::kTrainingHoursRead, self).ok()) {
      PUMPURS_ASSIGN_OR_RETURN(
          storage::Statement s,
          conn.Prepare("SELECT institution_id FROM staff WHERE id = ?"));
      s.Bind(1, *staff);
      PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
      if (!found) {
        return auth::MissingObject(p, Action::kTrainingHoursRead, q.staff);
      }
      auth::Target t;
      t.institution_id = s.ColumnText(0);
      PUMPURS_RETURN_IF_ERROR(
          auth::Authorize(p, Action::kTrainingHoursRead, t));
    } else {
      PUMPURS_ASSIGN_OR_RETURN(
          bool found, Exists(conn, "SELECT 1 FROM staff WHERE id = ?", *staff));
      if (!found) return NotFoundError(q.staff);
    }
  } else {
    auth::Target t;
    t.institution_id = *institution;
    PUMPURS_RETURN_IF_ERROR(auth::Authorize(p, Action::kTrainingHoursRead, t));
    PUMPURS_ASSIGN_OR_RETURN(
        bool found,
        Exists(conn, "SELECT 1 FROM institutions WHERE id = ?", *institution));
    if (!found) return NotFoundError(q.institution);
  }

  const int64_t start = absl::ToUnixMicros(StartOfDayInLatvia(*from));
  const int64_t end = absl::ToUnixMicros(StartOfDayInLatvia(*to + 1));
  const bool one = !staff->empty();
  const std::string scope =
      one ? " AND r.staff_id = ?" : " AND r.institution_id = ?";
  const std::string& scope_id = one ? *staff : *institution;
  auto bind_common = [&](storage::Statement& s) {
    s.Bind(1, int64_t{v1::REGISTRATION_STATE_ATTENDED})
        .Bind(2, int64_t{v1::TRAINING_EVENT_STATE_CANCELLED})
        .Bind(3, start)
        .Bind(4, end)
        .Bind(5, scope_id);
  };

  v1::ListTrainingHoursResponse out;
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare(absl::StrCat("SELECT count(*), total(r.hours)",
                                  kAttendedIn, scope)));
    bind_common(s);
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    const int64_t events = row ? s.ColumnInt64(0) : 0;
    out.set_total_hours(row ? s.ColumnDouble(1) : 0);
    if (one) {
      v1::TrainingHours* r = out.add_rows();
      r->set_staff(q.staff);
      r->set_events(static_cast<int32_t>(events));
      r->set_hours(out.total_hours());
      return out;
    }
  }

  const std::string query = absl::StrCat("ListTrainingHours|", scope_id, "|",
                                         q.from_day, "|", q.to_day);
  std::string after;
  if (!q.page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(q.page_token, query, 1));
    after = key[0];
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat(
          "SELECT r.staff_id, count(*), total(r.hours)", kAttendedIn, scope,
          " AND r.staff_id > ? GROUP BY r.staff_id ORDER BY r.staff_id "
          "LIMIT ?")));
  bind_common(s);
  s.Bind(6, after).Bind(7, int64_t{*size} + 1);
  std::string last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (out.rows_size() == *size) {
      out.set_next_page_token(EncodePageToken(query, {last}));
      break;
    }
    last = s.ColumnText(0);
    v1::TrainingHours* r = out.add_rows();
    r->set_staff(ResourceName(kStaff, last));
    r->set_events(static_cast<int32_t>(s.ColumnInt64(1)));
    r->set_hours(s.ColumnDouble(2));
  }
  return out;
}

}  // namespace pumpurs::training
