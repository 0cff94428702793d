#include "server/training/registrations.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "pumpurs/v1/directory.pb.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/storage/request_ids.h"

namespace pumpurs::training {
namespace {

constexpr char kRegisterMethod[] = "RegisterForTraining";

struct StoredRegistration {
  std::string id;
  std::string event_id;
  std::string staff_id;
  std::string institution_id;
  v1::RegistrationState state = v1::REGISTRATION_STATE_UNSPECIFIED;
  double hours = 0;
  absl::Time create_time;
};

v1::Registration Presented(const StoredRegistration& r) {
  v1::Registration out;
  out.set_name(absl::StrCat(kTrainingEvents, "/", r.event_id, "/",
                            kRegistrations, "/", r.id));
  out.set_staff(ResourceName(kStaff, r.staff_id));
  out.set_state(r.state);
  *out.mutable_create_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(r.create_time));
  out.set_hours(r.hours);
  return out;
}

constexpr char kColumns[] =
    "id, event_id, staff_id, institution_id, state, hours, create_time";

StoredRegistration RowOf(const storage::Statement& s) {
  StoredRegistration r;
  r.id = s.ColumnText(0);
  r.event_id = s.ColumnText(1);
  r.staff_id = s.ColumnText(2);
  r.institution_id = s.ColumnText(3);
  r.state = static_cast<v1::RegistrationState>(s.ColumnInt64(4));
  r.hours = s.ColumnDouble(5);
  r.create_time = absl::FromUnixMicros(s.ColumnInt64(6));
  return r;
}

absl::StatusOr<std::optional<StoredRegistration>> LoadRegistration(
    Connection& conn, absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat("SELECT ", kColumns,
                                " FROM training_registrations WHERE id = ?")));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  return RowOf(s);
}

absl::Status SaveState(Connection& conn, StoredRegistration& r,
                       v1::RegistrationState state, double hours,
                       absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE training_registrations SET state = ?, hours = ?, "
                   "update_time = ? WHERE id = ?"));
  s.Bind(1, int64_t{state})
      .Bind(2, hours)
      .Bind(3, absl::ToUnixMicros(now))
      .Bind(4, r.id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  r.state = state;
  r.hours = hours;
  return absl::OkStatus();
}

absl::Status Failed(absl::string_view reason, absl::string_view message) {
  return Error(absl::StatusCode::kFailedPrecondition, reason, message);
}

absl::Status NoStaffRecord() {
  return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
               "the caller's account has no staff record: only staff members "
               "register for training");
}

// The audience a staff member belongs to by position.
v1::TrainingAudience AudienceOf(int position) {
  switch (position) {
    case v1::STAFF_POSITION_TEACHER:
    case v1::STAFF_POSITION_SPECIAL_EDUCATION_TEACHER:
      return v1::TRAINING_AUDIENCE_TEACHERS;
    case v1::STAFF_POSITION_HEAD:
      return v1::TRAINING_AUDIENCE_COORDINATORS;
    default:
      return v1::TRAINING_AUDIENCE_SUPPORT_STAFF;
  }
}

bool Includes(const v1::TrainingEvent& e, v1::TrainingAudience a) {
  return std::find(e.audiences().begin(), e.audiences().end(), a) !=
         e.audiences().end();
}

// The registration `registration_id` of event `event_id` (NOT_FOUND if it
// does not exist or belongs to another event).
absl::StatusOr<StoredRegistration> LoadOf(Connection& conn,
                                          absl::string_view event_id,
                                          absl::string_view registration_id) {
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredRegistration> r,
                           LoadRegistration(conn, registration_id));
  if (!r || r->event_id != event_id) {
    return NotFoundError(absl::StrCat(kTrainingEvents, "/", event_id, "/",
                                      kRegistrations, "/", registration_id));
  }
  return *std::move(r);
}

}  // namespace

absl::StatusOr<v1::Registration> RegisterForTraining(
    Connection& conn, const CallContext& call, absl::string_view event_id,
    absl::string_view staff, absl::string_view request_id, absl::Time now) {
  const Principal& p = call.principal;
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(p));
  Violations v;
  CheckRequestId(v, request_id);
  absl::StatusOr<std::string> staff_id =
      ParseOptionalResourceName(staff, kStaff, "staff");
  if (!staff_id.ok()) v.Add("staff", "must be staff/{id}");
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  if (p.staff_ids.empty()) return NoStaffRecord();
  std::string chosen = *staff_id;
  if (chosen.empty()) {
    if (p.staff_ids.size() > 1) {
      return InvalidFieldError("staff",
                               "is required: the caller has several staff "
                               "records; name the one to register");
    }
    chosen = p.staff_ids.front();
  } else if (!p.IsStaff(chosen)) {
    return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                 "staff members register only themselves");
  }

  if (!request_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        storage::RequestIds::Find(conn, call.caller_id, kRegisterMethod,
                                  request_id));
    if (earlier) {
      const absl::string_view name = *earlier;
      const size_t slash = name.rfind('/');
      PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredRegistration> r,
                               LoadRegistration(conn, name.substr(slash + 1)));
      if (!r) return absl::DataLossError("a remembered registration is gone");
      return Presented(*r);
    }
  }

  PUMPURS_ASSIGN_OR_RETURN(StoredEvent e,
                           LoadVisibleEvent(conn, call, event_id));
  if (e.state() != v1::TRAINING_EVENT_STATE_PUBLISHED) {
    return Failed("EVENT_NOT_OPEN",
                  e.state() == v1::TRAINING_EVENT_STATE_CANCELLED
                      ? "the event is cancelled"
                      : "the event is not yet published");
  }
  if (now >= e.start_time) {
    return Failed("EVENT_STARTED", "the event has already started");
  }

  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement st,
      conn.Prepare("SELECT institution_id, position FROM staff WHERE id = ?"));
  st.Bind(1, chosen);
  PUMPURS_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NoStaffRecord();
  const std::string institution = st.ColumnText(0);
  const int position = static_cast<int>(st.ColumnInt64(1));
  bool fits = Includes(e.event, AudienceOf(position));
  if (!fits && Includes(e.event, v1::TRAINING_AUDIENCE_COORDINATORS)) {
    for (const RoleBinding& b : p.roles) {
      if ((b.role == Role::kInstitutionHead ||
           b.role == Role::kInstitutionCoordinator) &&
          b.scope_id == institution) {
        fits = true;
      }
    }
  }
  if (!fits) {
    return Failed("AUDIENCE_MISMATCH",
                  "the event is not meant for the staff member's group");
  }

  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement dup,
      conn.Prepare("SELECT 1 FROM training_registrations WHERE event_id = ? "
                   "AND staff_id = ? AND state != ?"));
  dup.Bind(1, e.id).Bind(2, chosen).Bind(
      3, int64_t{v1::REGISTRATION_STATE_CANCELLED});
  PUMPURS_ASSIGN_OR_RETURN(bool registered, dup.Step());
  if (registered) {
    return Error(absl::StatusCode::kAlreadyExists, "ALREADY_REGISTERED",
                 "the staff member is already registered for the event");
  }
  // Counted in this write transaction: the single writer serializes every
  // registration, so none can slip in between the count and the insert.
  PUMPURS_ASSIGN_OR_RETURN(int64_t live, LiveRegistrations(conn, e.id));
  if (live >= e.event.capacity()) {
    return Failed("EVENT_FULL", "no places are left");
  }

  StoredRegistration r;
  r.id = NewId();
  r.event_id = e.id;
  r.staff_id = chosen;
  r.institution_id = institution;
  r.state = v1::REGISTRATION_STATE_REGISTERED;
  r.create_time = now;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement ins,
      conn.Prepare("INSERT INTO training_registrations (id, event_id, "
                   "staff_id, institution_id, state, hours, create_time, "
                   "update_time) VALUES (?, ?, ?, ?, ?, 0, ?, ?)"));
  ins.Bind(1, r.id)
      .Bind(2, r.event_id)
      .Bind(3, r.staff_id)
      .Bind(4, r.institution_id)
      .Bind(5, int64_t{r.state})
      .Bind(6, absl::ToUnixMicros(now))
      .Bind(7, absl::ToUnixMicros(now));
  PUMPURS_RETURN_IF_ERROR(ins.Run());
  v1::Registration out = Presented(r);
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(storage::RequestIds::Remember(
        conn, call.caller_id, kRegisterMethod, request_id, out.name(), now));
  }
  return out;
}

absl::StatusOr<v1::Registration> CancelRegistration(
    Connection& conn, const CallContext& call, absl::string_view event_id,
    absl::string_view registration_id, absl::Time now) {
  const Principal& p = call.principal;
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(p));
  if (p.staff_ids.empty()) return NoStaffRecord();
  PUMPURS_ASSIGN_OR_RETURN(StoredRegistration r,
                           LoadOf(conn, event_id, registration_id));
  if (!p.IsStaff(r.staff_id)) {
    return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                 "only the staff member cancels their registration");
  }
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredEvent> e,
                           LoadEvent(conn, event_id));
  if (!e) return absl::DataLossError("a registration's event is missing");
  if (r.state == v1::REGISTRATION_STATE_CANCELLED) {
    return Failed("REGISTRATION_CANCELLED",
                  "the registration is already cancelled");
  }
  if (now >= e->start_time) {
    return Failed("EVENT_STARTED",
                  "the event has started: registrations no longer change");
  }
  PUMPURS_RETURN_IF_ERROR(
      SaveState(conn, r, v1::REGISTRATION_STATE_CANCELLED, 0, now));
  return Presented(r);
}

absl::StatusOr<ListPage<v1::Registration>> ListRegistrations(
    Connection& conn, const CallContext& call, absl::string_view event_id,
    const RegistrationFilter& filter) {
  const Principal& p = call.principal;
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(p));
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(filter.page_size));
  PUMPURS_ASSIGN_OR_RETURN(StoredEvent e,
                           LoadVisibleEvent(conn, call, event_id));
  const bool all = Organises(p, e);
  if (!all && p.staff_ids.empty()) {
    return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                 "only the organiser and registered staff members see "
                 "registrations");
  }
  std::string sql = absl::StrCat(
      "SELECT ", kColumns, " FROM training_registrations WHERE event_id = ?");
  std::vector<std::string> text = {e.id};
  if (!all) {
    std::vector<std::string> marks(p.staff_ids.size(), "?");
    absl::StrAppend(&sql, " AND staff_id IN (", absl::StrJoin(marks, ", "),
                    ")");
    for (const std::string& s : p.staff_ids) text.push_back(s);
  }
  const std::string query = absl::StrCat("ListRegistrations|", e.id);
  int64_t after_time = 0;
  std::string after_id;
  const bool paged = !filter.page_token.empty();
  if (paged) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(filter.page_token, query, 2));
    if (!absl::SimpleAtoi(key[0], &after_time)) {
      return WithReason(
          InvalidFieldError("page_token", "is not a token this query returned"),
          "INVALID_PAGE_TOKEN");
    }
    after_id = key[1];
    sql += " AND (create_time > ? OR (create_time = ? AND id > ?))";
  }
  sql += " ORDER BY create_time, id LIMIT ?";
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
  int index = 1;
  for (const std::string& t : text) s.Bind(index++, t);
  if (paged) {
    s.Bind(index, after_time);
    s.Bind(index + 1, after_time);
    s.Bind(index + 2, after_id);
    index += 3;
  }
  s.Bind(index, int64_t{size} + 1);
  ListPage<v1::Registration> page;
  StoredRegistration last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == size) {
      page.next_page_token = EncodePageToken(
          query, {absl::StrCat(absl::ToUnixMicros(last.create_time)), last.id});
      break;
    }
    last = RowOf(s);
    page.items.push_back(Presented(last));
  }
  return page;
}

absl::StatusOr<v1::Registration> RecordAttendance(
    Connection& conn, const CallContext& call, absl::string_view event_id,
    absl::string_view registration_id, bool attended, absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(StoredEvent e,
                           LoadOrganisedEvent(conn, call, event_id, ""));
  PUMPURS_ASSIGN_OR_RETURN(StoredRegistration r,
                           LoadOf(conn, event_id, registration_id));
  if (e.state() == v1::TRAINING_EVENT_STATE_CANCELLED) {
    return Failed("EVENT_CANCELLED",
                  "the event is cancelled: attendance is not recorded");
  }
  if (now < e.start_time) {
    return Failed("EVENT_NOT_STARTED",
                  "attendance is recorded once the event has started");
  }
  if (r.state == v1::REGISTRATION_STATE_CANCELLED) {
    return Failed("REGISTRATION_CANCELLED", "the registration is cancelled");
  }
  const v1::RegistrationState state = attended ? v1::REGISTRATION_STATE_ATTENDED
                                               : v1::REGISTRATION_STATE_ABSENT;
  const double hours = attended ? e.event.hours() : 0;
  if (r.state != state || r.hours != hours) {
    PUMPURS_RETURN_IF_ERROR(SaveState(conn, r, state, hours, now));
  }
  return Presented(r);
}

}  // namespace pumpurs::training
