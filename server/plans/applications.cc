#include "server/plans/applications.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "server/auth/audited_access.h"
#include "server/common/error.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/plans/access.h"
#include "server/plans/store.h"
#include "server/storage/request_ids.h"

namespace pumpurs::plans {
namespace {

using auth::Action;

constexpr char kCreateMethod[] = "CreateApplication";
constexpr int kMaxReasonChars = 1000;
constexpr int kMaxApplicantNoteChars = 2000;
constexpr int kAdultAge = 18;

constexpr char kSelect[] =
    "SELECT a.id, a.pupil_id, a.institution_id, a.municipality_id, a.state, "
    "a.data, a.version, (SELECT group_concat(guardian_id, ',') FROM "
    "guardian_pupils g WHERE g.pupil_id = a.pupil_id), a.create_time "
    "FROM plan_applications a ";

struct StoredApplication {
  v1::Application application;
  std::string id;
  std::string pupil_id;
  std::string institution_id;
  std::string municipality_id;
  std::vector<std::string> guardian_ids;
  int64_t version = 0;
  int64_t create_micros = 0;
};

std::vector<std::string> SplitIds(const std::string& concatenated) {
  if (concatenated.empty()) return {};
  std::vector<std::string> ids = absl::StrSplit(concatenated, ',');
  std::sort(ids.begin(), ids.end());
  return ids;
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

absl::StatusOr<StoredApplication> ReadRow(const storage::Statement& s) {
  StoredApplication a;
  a.id = s.ColumnText(0);
  a.pupil_id = s.ColumnText(1);
  a.institution_id = s.ColumnText(2);
  a.municipality_id = s.ColumnText(3);
  if (!a.application.ParseFromString(s.ColumnText(5))) {
    return absl::DataLossError("a stored application cannot be read");
  }
  a.version = s.ColumnInt64(6);
  a.guardian_ids = SplitIds(s.ColumnText(7));
  a.create_micros = s.ColumnInt64(8);
  return a;
}

absl::StatusOr<std::optional<StoredApplication>> LoadApplication(
    Connection& conn, absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat(kSelect, "WHERE a.id = ?")));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<StoredApplication>();
  PUMPURS_ASSIGN_OR_RETURN(StoredApplication a, ReadRow(s));
  return std::optional<StoredApplication>(std::move(a));
}

auth::Target TargetOfApplication(const StoredApplication& a) {
  auth::Target t;
  t.institution_id = a.institution_id;
  t.municipality_id = a.municipality_id;
  t.pupil_id = a.pupil_id;
  t.guardian_ids = a.guardian_ids;
  return t;
}

AuditEvent ApplicationEvent(absl::string_view verb,
                            const StoredApplication& a) {
  return auth::Event(verb, ResourceName(kApplications, a.id),
                     TargetOfApplication(a));
}

// Rewrites the row from `a.application` (whose etag follows the version).
absl::Status UpdateRow(Connection& conn, const StoredApplication& a,
                       absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE plan_applications SET state = ?, data = ?, "
                   "version = ?, update_time = ? WHERE id = ?"));
  s.Bind(1, int64_t{a.application.state()})
      .BindBlob(2, a.application.SerializeAsString())
      .Bind(3, a.version)
      .Bind(4, absl::ToUnixMicros(now))
      .Bind(5, a.id);
  return s.Run();
}

// The id behind "collection/{id}" in `field`, or "" with a violation.
std::string ParseInto(Violations& v, absl::string_view name,
                      absl::string_view collection, absl::string_view field) {
  absl::StatusOr<std::string> id = ParseResourceName(name, collection, field);
  if (id.ok()) return *id;
  for (const FieldViolation& fv : FieldViolationsOf(id.status())) {
    v.Add(fv.field, fv.description);
  }
  return "";
}

// Full years from `birth` to `day`.
int AgeOn(absl::CivilDay birth, absl::CivilDay day) {
  int age = static_cast<int>(day.year() - birth.year());
  if (day.month() < birth.month() ||
      (day.month() == birth.month() && day.day() < birth.day())) {
    --age;
  }
  return age;
}

// The applicant of an online application: the caller's role that allows
// the pupil's application.
std::string OnlineApplicant(const Principal& principal,
                            const PupilPlace& place) {
  for (const RoleBinding& b : principal.roles) {
    if (b.role == Role::kGuardian &&
        std::find(place.guardian_ids.begin(), place.guardian_ids.end(),
                  b.scope_id) != place.guardian_ids.end()) {
      return ResourceName(kGuardians, b.scope_id);
    }
    if (b.role == Role::kAdultPupil && b.scope_id == place.pupil_id) {
      return ResourceName(kPupils, b.scope_id);
    }
  }
  return "";
}

// Adds a violation unless `applicant` may apply for the pupil of `place`:
// one of the pupil's guardians, or the pupil, adult on the signed day.
void CheckPaperApplicant(Violations& v, absl::string_view applicant,
                         const PupilPlace& place, absl::CivilDay signed_day) {
  constexpr char kField[] = "application.applicant";
  absl::string_view rest = applicant;
  if (absl::ConsumePrefix(&rest, "guardians/")) {
    if (std::find(place.guardian_ids.begin(), place.guardian_ids.end(), rest) ==
        place.guardian_ids.end()) {
      v.Add(kField, "must be a guardian of the pupil");
    }
    return;
  }
  if (absl::ConsumePrefix(&rest, "pupils/")) {
    if (rest != place.pupil_id) {
      v.Add(kField, "must be the pupil themself or a guardian of the pupil");
      return;
    }
    std::optional<absl::CivilDay> birth = ParseDay(place.birth_date);
    if (!birth || AgeOn(*birth, signed_day) < kAdultAge) {
      v.Add(kField,
            "a pupil applies for themself only if 18 or older on the day "
            "the form was signed");
    }
  }
}

absl::Status ApplicationExists() {
  return Error(absl::StatusCode::kAlreadyExists, "APPLICATION_EXISTS",
               "the pupil already has an active application");
}

}  // namespace

absl::StatusOr<std::optional<PupilPlace>> LoadPupilPlace(
    Connection& conn, absl::string_view pupil_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT p.institution_id, i.municipality_id, i.kind, "
                   "p.grade, p.birth_date, (SELECT group_concat(guardian_id, "
                   "',') FROM guardian_pupils g WHERE g.pupil_id = p.id) "
                   "FROM pupils p JOIN institutions i ON i.id = "
                   "p.institution_id WHERE p.id = ?"));
  s.Bind(1, pupil_id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<PupilPlace>();
  PupilPlace place;
  place.pupil_id = std::string(pupil_id);
  place.institution_id = s.ColumnText(0);
  place.municipality_id = s.ColumnText(1);
  place.institution_kind = static_cast<int>(s.ColumnInt64(2));
  place.grade = static_cast<int>(s.ColumnInt64(3));
  place.birth_date = s.ColumnText(4);
  place.guardian_ids = SplitIds(s.ColumnText(5));
  return std::optional<PupilPlace>(std::move(place));
}

auth::Target TargetOf(const PupilPlace& place) {
  auth::Target t;
  t.institution_id = place.institution_id;
  t.municipality_id = place.municipality_id;
  t.pupil_id = place.pupil_id;
  t.guardian_ids = place.guardian_ids;
  return t;
}

absl::StatusOr<v1::Application> CreateApplication(
    Connection& conn, const CallContext& call,
    const v1::Application& application, absl::string_view request_id,
    absl::Time now) {
  const bool paper = !application.signed_date().empty();
  const Action action =
      paper ? Action::kApplicationRegister : Action::kApplicationSubmit;
  AuditEvent audit = auth::Event("application.create", kApplications, {});
  audit.request_id = std::string(request_id);
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));

  Violations v;
  CheckRequestId(v, request_id);
  std::string pupil_id;
  if (application.pupil().empty()) {
    v.Add("application.pupil", "is required");
  } else {
    pupil_id = ParseInto(v, application.pupil(), kPupils, "application.pupil");
  }
  const Semester semester{application.semester().school_year(),
                          application.semester().term()};
  CheckSemester(v, "application.semester", semester);
  {
    std::vector<int> seen;
    for (int i = 0; i < application.shared_areas_size(); ++i) {
      const int area = application.shared_areas(i);
      const std::string f = absl::StrCat("application.shared_areas[", i, "]");
      if (area == v1::RISK_GROUP_UNSPECIFIED || !v1::RiskGroup_IsValid(area)) {
        v.Add(f, "is not a known risk group");
      } else if (std::find(seen.begin(), seen.end(), area) != seen.end()) {
        v.Add(f, "is listed twice");
      } else {
        seen.push_back(area);
      }
    }
  }
  CheckOptionalText(v, "application.applicant_note",
                    application.applicant_note(), kMaxApplicantNoteChars);
  const absl::CivilDay today = DayInLatvia(now);
  std::optional<absl::CivilDay> signed_day;
  if (paper) {
    signed_day = ParseDay(application.signed_date());
    if (!signed_day) {
      v.Add("application.signed_date", "must be a real day written YYYY-MM-DD");
    } else if (*signed_day > today) {
      v.Add("application.signed_date", "must not be in the future");
    }
    absl::string_view applicant = application.applicant();
    if (applicant.empty()) {
      v.Add("application.applicant", "is required for a paper form");
    } else if (absl::StartsWith(applicant, "pupils/")) {
      ParseInto(v, applicant, kPupils, "application.applicant");
    } else {
      ParseInto(v, applicant, kGuardians, "application.applicant");
    }
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  if (!request_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        storage::RequestIds::Find(conn, call.caller_id, kCreateMethod,
                                  request_id));
    if (earlier) {
      PUMPURS_ASSIGN_OR_RETURN(
          std::string id,
          ParseResourceName(*earlier, kApplications, "request_id"));
      // The first result, as any read of it: authorized and audited.
      return GetApplication(conn, call, id);
    }
  }

  const std::string pupil_name = ResourceName(kPupils, pupil_id);
  PUMPURS_ASSIGN_OR_RETURN(std::optional<PupilPlace> place,
                           LoadPupilPlace(conn, pupil_id));
  if (!place) return auth::Missing(call, action, pupil_name, &audit);
  audit = auth::Event("application.create", pupil_name, TargetOf(*place));
  audit.request_id = std::string(request_id);
  PUMPURS_RETURN_IF_ERROR(auth::Allow(call, action, TargetOf(*place), &audit));

  v1::Application a;
  if (paper) {
    CheckPaperApplicant(v, application.applicant(), *place, *signed_day);
    PUMPURS_RETURN_IF_ERROR(v.ToStatus());
    a.set_channel(v1::APPLICATION_CHANNEL_PAPER_FORM);
    a.set_applicant(application.applicant());
    a.set_signed_date(FormatDay(*signed_day));
    a.set_registered_by(call.principal.ActorName());
  } else {
    a.set_channel(v1::APPLICATION_CHANNEL_ONLINE);
    a.set_applicant(OnlineApplicant(call.principal, *place));
  }

  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement active,
      conn.Prepare("SELECT 1 FROM plan_applications WHERE pupil_id = ? AND "
                   "state = 1"));
  active.Bind(1, pupil_id);
  PUMPURS_ASSIGN_OR_RETURN(bool exists, active.Step());
  if (exists) return ApplicationExists();

  StoredApplication stored;
  stored.id = NewId();
  stored.pupil_id = pupil_id;
  stored.institution_id = place->institution_id;
  stored.municipality_id = place->municipality_id;
  stored.guardian_ids = place->guardian_ids;
  stored.version = 1;
  const std::string name = ResourceName(kApplications, stored.id);
  a.set_name(name);
  a.set_pupil(pupil_name);
  a.mutable_semester()->set_school_year(semester.school_year);
  a.mutable_semester()->set_term(semester.term);
  a.set_state(v1::APPLICATION_STATE_ACTIVE);
  a.set_institution(ResourceName(kInstitutions, place->institution_id));
  *a.mutable_shared_areas() = application.shared_areas();
  a.set_applicant_note(application.applicant_note());
  a.set_etag(EtagFor(stored.version));
  *a.mutable_create_time() = ToProto(now);
  stored.application = a;

  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement ins,
      conn.Prepare("INSERT INTO plan_applications (id, pupil_id, "
                   "institution_id, municipality_id, school_year, term, "
                   "state, data, version, create_time, update_time) VALUES "
                   "(?, ?, ?, ?, ?, ?, 1, ?, 1, ?, ?)"));
  ins.Bind(1, stored.id)
      .Bind(2, pupil_id)
      .Bind(3, stored.institution_id)
      .Bind(4, stored.municipality_id)
      .Bind(5, int64_t{semester.school_year})
      .Bind(6, int64_t{semester.term})
      .BindBlob(7, a.SerializeAsString())
      .Bind(8, absl::ToUnixMicros(now))
      .Bind(9, absl::ToUnixMicros(now));
  PUMPURS_RETURN_IF_ERROR(ins.Run());
  PUMPURS_RETURN_IF_ERROR(RecordChange(conn, name, "", pupil_id, false, now));
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(storage::RequestIds::Remember(
        conn, call.caller_id, kCreateMethod, request_id, name, now));
  }
  AuditEvent created = ApplicationEvent("application.create", stored);
  created.request_id = std::string(request_id);
  PUMPURS_RETURN_IF_ERROR(auth::AuditChange(conn, call, std::move(created)));
  return a;
}

absl::StatusOr<v1::Application> GetApplication(Connection& conn,
                                               const CallContext& call,
                                               absl::string_view id) {
  const std::string name = ResourceName(kApplications, id);
  AuditEvent audit = auth::Event("application.read", name, {});
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredApplication> a,
                           LoadApplication(conn, id));
  if (!a) return auth::Missing(call, Action::kApplicationRead, name, &audit);
  audit = ApplicationEvent("application.read", *a);
  PUMPURS_RETURN_IF_ERROR(auth::Allow(call, Action::kApplicationRead,
                                      TargetOfApplication(*a), &audit));
  auth::AuditRead(call, std::move(audit));
  return std::move(a->application);
}

absl::StatusOr<ListPage<v1::Application>> ListApplications(
    Connection& conn, const CallContext& call,
    const ApplicationFilter& filter) {
  const std::string place_name =
      filter.institution_id.empty()
          ? ResourceName(kPupils, filter.pupil_id)
          : ResourceName(kInstitutions, filter.institution_id);
  AuditEvent audit = auth::Event("application.list", place_name, {});
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));
  Violations v;
  if (filter.institution_id.empty() && filter.pupil_id.empty()) {
    v.Add("institution", "this or pupil is required");
  }
  if (!v1::ApplicationState_IsValid(filter.state)) {
    v.Add("state", "is not a known application state");
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(filter.page_size));

  // Where the caller must be allowed to read applications.
  auth::Target where;
  if (!filter.institution_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT municipality_id FROM institutions WHERE id = ?"));
    s.Bind(1, filter.institution_id);
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) {
      return auth::Missing(call, Action::kApplicationRead, place_name, &audit);
    }
    where.institution_id = filter.institution_id;
    where.municipality_id = s.ColumnText(0);
  } else {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<PupilPlace> place,
                             LoadPupilPlace(conn, filter.pupil_id));
    if (!place) {
      return auth::Missing(call, Action::kApplicationRead, place_name, &audit);
    }
    where = TargetOf(*place);
  }
  audit = auth::Event("application.list", place_name, where);
  PUMPURS_RETURN_IF_ERROR(
      auth::Allow(call, Action::kApplicationRead, where, &audit));

  const std::string query =
      absl::StrCat("ListApplications|", filter.institution_id, "|",
                   filter.pupil_id, "|", static_cast<int>(filter.state));
  int64_t after_time = std::numeric_limits<int64_t>::max();
  std::string after_id;
  if (!filter.page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(filter.page_token, query, 2));
    if (!absl::SimpleAtoi(key[0], &after_time)) {
      return WithReason(
          InvalidFieldError("page_token", "is not a token this query returned"),
          "INVALID_PAGE_TOKEN");
    }
    after_id = key[1];
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat(
          kSelect,
          "WHERE (?1 = '' OR a.institution_id = ?1) AND (?2 = '' OR "
          "a.pupil_id = ?2) AND (?3 = 0 OR a.state = ?3) AND "
          "(a.create_time < ?4 OR (a.create_time = ?4 AND (?5 = '' OR a.id "
          "< ?5))) ORDER BY a.create_time DESC, a.id DESC LIMIT ?6")));
  s.Bind(1, filter.institution_id)
      .Bind(2, filter.pupil_id)
      .Bind(3, int64_t{filter.state})
      .Bind(4, after_time)
      .Bind(5, after_id)
      .Bind(6, int64_t{size} + 1);
  ListPage<v1::Application> page;
  std::vector<StoredApplication> rows;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(rows.size()) == size) {
      const StoredApplication& last = rows.back();
      page.next_page_token =
          EncodePageToken(query, {absl::StrCat(last.create_micros), last.id});
      break;
    }
    PUMPURS_ASSIGN_OR_RETURN(StoredApplication a, ReadRow(s));
    rows.push_back(std::move(a));
  }
  for (StoredApplication& a : rows) {
    // As GetApplication decides: a pupil's applications made at another
    // institution (before a move) are not the listing institution's.
    if (!auth::Authorize(call.principal, Action::kApplicationRead,
                         TargetOfApplication(a))
             .ok()) {
      continue;
    }
    auth::AuditRead(call, ApplicationEvent("application.list", a));
    page.items.push_back(std::move(a.application));
  }
  return page;
}

absl::StatusOr<v1::Application> WithdrawApplication(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view reason, absl::string_view etag, absl::Time now) {
  const std::string name = ResourceName(kApplications, id);
  AuditEvent audit = auth::Event("application.withdraw", name, {});
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));
  Violations v;
  CheckRequiredText(v, "reason", reason, kMaxReasonChars);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredApplication> a,
                           LoadApplication(conn, id));
  if (!a) return auth::Missing(call, Action::kApplicationRead, name, &audit);
  audit = ApplicationEvent("application.withdraw", *a);
  PUMPURS_RETURN_IF_ERROR(auth::Allow(call, Action::kApplicationWithdraw,
                                      TargetOfApplication(*a), &audit));
  if (!EtagMatches(etag, a->version)) return EtagMismatchError(name);
  if (a->application.state() == v1::APPLICATION_STATE_WITHDRAWN) {
    return Error(absl::StatusCode::kFailedPrecondition, "APPLICATION_WITHDRAWN",
                 "the application is already withdrawn");
  }
  a->version += 1;
  v1::Application& app = a->application;
  app.set_state(v1::APPLICATION_STATE_WITHDRAWN);
  app.set_withdraw_reason(std::string(reason));
  *app.mutable_withdraw_time() = ToProto(now);
  app.set_etag(EtagFor(a->version));
  PUMPURS_RETURN_IF_ERROR(UpdateRow(conn, *a, now));
  PUMPURS_RETURN_IF_ERROR(
      RecordChange(conn, name, "", a->pupil_id, false, now));
  PUMPURS_RETURN_IF_ERROR(auth::AuditChange(conn, call, std::move(audit)));

  // The plans based on it stop: recorded on each, so their history and the
  // change feed show it.
  std::vector<std::string> plan_ids;
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT id FROM support_plans WHERE application_id = ? "
                     "AND state NOT IN (7, 8) ORDER BY id"));
    s.Bind(1, id);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      plan_ids.push_back(s.ColumnText(0));
    }
  }
  for (const std::string& plan_id : plan_ids) {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredPlan> p,
                             LoadPlan(conn, plan_id));
    if (!p) continue;
    p->application_withdrawn = true;
    PUMPURS_RETURN_IF_ERROR(SavePlan(conn, call, *p, "application_withdrawn",
                                     {"application_withdrawn"}, now));
    PUMPURS_RETURN_IF_ERROR(
        AuditPlanChange(conn, call, *p, "supportPlan.application_withdrawn"));
  }
  return std::move(a->application);
}

absl::StatusOr<std::optional<std::string>> FindActiveApplication(
    Connection& conn, absl::string_view pupil_id, const Semester& semester) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT id FROM plan_applications WHERE pupil_id = ? AND "
                   "state = 1 AND (school_year < ? OR (school_year = ? AND "
                   "term <= ?)) ORDER BY create_time DESC, id DESC LIMIT 1"));
  s.Bind(1, pupil_id)
      .Bind(2, int64_t{semester.school_year})
      .Bind(3, int64_t{semester.school_year})
      .Bind(4, int64_t{semester.term});
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

absl::StatusOr<bool> HasWithdrawnApplication(Connection& conn,
                                             absl::string_view pupil_id,
                                             const Semester& semester) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM plan_applications WHERE pupil_id = ? AND "
                   "state = 2 AND (school_year < ? OR (school_year = ? AND "
                   "term <= ?)) LIMIT 1"));
  s.Bind(1, pupil_id)
      .Bind(2, int64_t{semester.school_year})
      .Bind(3, int64_t{semester.school_year})
      .Bind(4, int64_t{semester.term});
  return s.Step();
}

}  // namespace pumpurs::plans
