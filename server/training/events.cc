#include "server/training/events.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/auth/policy.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/storage/request_ids.h"

namespace pumpurs::training {
namespace {

using auth::Action;
using SqlValue = std::variant<std::string, int64_t>;

constexpr char kCreateMethod[] = "CreateTrainingEvent";
// Timestamps of years 1 to 9999 (google.protobuf.Timestamp's range).
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= kMinSeconds && t.seconds() <= kMaxSeconds &&
         t.nanos() >= 0 && t.nanos() <= 999999999;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

int64_t AudienceMask(const v1::TrainingEvent& e) {
  int64_t mask = 0;
  for (int a : e.audiences()) {
    if (a > 0 && a < 63) mask |= int64_t{1} << a;
  }
  return mask;
}

// Valid UTF-8 of at most `max_chars`; line breaks and tabs allowed.
void CheckLongText(Violations& v, const std::string& field,
                   const std::string& value, size_t max_chars) {
  const int64_t n = Utf8Length(value);
  if (n < 0) {
    v.Add(field, "must be valid UTF-8");
    return;
  }
  if (static_cast<size_t>(n) > max_chars) {
    v.Add(field, absl::StrCat("must be at most ", max_chars, " characters"));
    return;
  }
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      v.Add(field,
            "must not contain control characters other than line breaks "
            "and tabs");
      return;
    }
  }
}

// The content fields a client may set; output-only fields dropped.
v1::TrainingEvent ContentOf(const v1::TrainingEvent& in) {
  v1::TrainingEvent out;
  out.set_kind(in.kind());
  out.set_title(in.title());
  out.set_description(in.description());
  *out.mutable_audiences() = in.audiences();
  if (in.has_start_time()) *out.mutable_start_time() = in.start_time();
  if (in.has_end_time()) *out.mutable_end_time() = in.end_time();
  out.set_place(in.place());
  out.set_online(in.online());
  out.set_capacity(in.capacity());
  out.set_hours(in.hours());
  *out.mutable_method_articles() = in.method_articles();
  return out;
}

// Checks the content of `e` (prefix "training_event."); the ids of its
// method articles, sorted, in *article_ids. Errors only for storage.
// Articles in `linked` (already linked to the event) are not looked up
// again: an event keeps a link to an article withdrawn since.
absl::Status CheckContent(Connection& conn, Violations& v,
                          const v1::TrainingEvent& e,
                          std::vector<std::string>* article_ids,
                          const std::vector<std::string>& linked = {}) {
  const std::string p = "training_event.";
  if (e.kind() == v1::TRAINING_KIND_UNSPECIFIED ||
      !v1::TrainingKind_IsValid(e.kind())) {
    v.Add(p + "kind", "is required and must be a known kind of training");
  }
  CheckRequiredText(v, p + "title", e.title(), kMaxTitleChars);
  CheckLongText(v, p + "description", e.description(), kMaxDescriptionChars);
  if (e.audiences_size() == 0) {
    v.Add(p + "audiences", "needs at least one audience");
  }
  std::set<int> seen;
  for (int i = 0; i < e.audiences_size(); ++i) {
    const int a = e.audiences(i);
    const std::string field = absl::StrCat(p, "audiences[", i, "]");
    if (a == v1::TRAINING_AUDIENCE_UNSPECIFIED ||
        !v1::TrainingAudience_IsValid(a)) {
      v.Add(field, "must be a known audience");
    } else if (!seen.insert(a).second) {
      v.Add(field, "is given twice");
    }
  }
  bool times_ok = true;
  if (!e.has_start_time() || !ValidTimestamp(e.start_time())) {
    v.Add(p + "start_time", "is required and must be a valid time");
    times_ok = false;
  }
  if (!e.has_end_time() || !ValidTimestamp(e.end_time())) {
    v.Add(p + "end_time", "is required and must be a valid time");
    times_ok = false;
  }
  if (times_ok && FromProto(e.end_time()) <= FromProto(e.start_time())) {
    v.Add(p + "end_time", "must be after start_time");
  }
  if (e.online()) {
    CheckOptionalText(v, p + "place", e.place(), kMaxPlaceChars);
  } else {
    CheckRequiredText(v, p + "place", e.place(), kMaxPlaceChars);
  }
  if (e.capacity() < 1 || e.capacity() > kMaxCapacity) {
    v.Add(p + "capacity", absl::StrCat("must be 1 to ", kMaxCapacity));
  }
  if (!(e.hours() > 0 && e.hours() <= kMaxHours)) {
    v.Add(p + "hours",
          absl::StrCat("must be more than 0 and at most ", kMaxHours));
  }
  article_ids->clear();
  std::set<std::string> articles;
  for (int i = 0; i < e.method_articles_size(); ++i) {
    const std::string field = absl::StrCat(p, "method_articles[", i, "]");
    absl::StatusOr<std::string> id =
        ParseResourceName(e.method_articles(i), kArticles, field);
    if (!id.ok()) {
      v.Add(field, "must be articles/{id}");
      continue;
    }
    if (!articles.insert(*id).second) {
      v.Add(field, "is given twice");
      continue;
    }
    if (std::binary_search(linked.begin(), linked.end(), *id)) {
      article_ids->push_back(*id);
      continue;
    }
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT 1 FROM kb_articles WHERE id = ? AND state = ? "
                     "AND kind = ? AND published_revision > 0"));
    s.Bind(1, *id)
        .Bind(2, int64_t{v1::ARTICLE_STATE_PUBLISHED})
        .Bind(3, int64_t{v1::ARTICLE_KIND_METHOD});
    PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) {
      v.Add(field,
            "must name a published knowledge-base article of kind METHOD");
      continue;
    }
    article_ids->push_back(*id);
  }
  std::sort(article_ids->begin(), article_ids->end());
  return absl::OkStatus();
}

void Fill(StoredEvent& e, int64_t registered) {
  v1::TrainingEvent& ev = e.event;
  ev.set_name(ResourceName(kTrainingEvents, e.id));
  ev.set_organiser(ResourceName(kAccounts, e.organiser_account_id));
  ev.set_etag(EtagFor(e.version));
  ev.set_registered(static_cast<int32_t>(registered));
  *ev.mutable_create_time() = ToProto(e.create_time);
}

absl::Status WriteArticles(Connection& conn, const StoredEvent& e) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement del,
      conn.Prepare("DELETE FROM training_event_articles WHERE event_id = ?"));
  del.Bind(1, e.id);
  PUMPURS_RETURN_IF_ERROR(del.Run());
  for (const std::string& article : e.article_ids) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement ins,
        conn.Prepare("INSERT INTO training_event_articles (event_id, "
                     "article_id) VALUES (?, ?)"));
    ins.Bind(1, e.id).Bind(2, article);
    PUMPURS_RETURN_IF_ERROR(ins.Run());
  }
  return absl::OkStatus();
}

// The event as stored (without the output fields, which load fills).
std::string Serialized(const StoredEvent& e) {
  v1::TrainingEvent content = ContentOf(e.event);
  content.set_state(e.event.state());
  return content.SerializeAsString();
}

absl::Status InsertEvent(Connection& conn, StoredEvent& e, absl::Time now) {
  e.version = 1;
  e.create_time = now;
  e.start_time = FromProto(e.event.start_time());
  e.end_time = FromProto(e.event.end_time());
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO training_events (id, organiser_account_id, "
                   "kind, state, audiences, start_time, end_time, capacity, "
                   "hours, data, version, create_time, update_time) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"));
  s.Bind(1, e.id)
      .Bind(2, e.organiser_account_id)
      .Bind(3, int64_t{e.event.kind()})
      .Bind(4, int64_t{e.event.state()})
      .Bind(5, AudienceMask(e.event))
      .Bind(6, absl::ToUnixMicros(e.start_time))
      .Bind(7, absl::ToUnixMicros(e.end_time))
      .Bind(8, int64_t{e.event.capacity()})
      .Bind(9, e.event.hours())
      .BindBlob(10, Serialized(e))
      .Bind(11, absl::ToUnixMicros(now))
      .Bind(12, absl::ToUnixMicros(now));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(WriteArticles(conn, e));
  Fill(e, 0);
  return absl::OkStatus();
}

absl::Status SaveEvent(Connection& conn, StoredEvent& e, absl::Time now) {
  e.version += 1;
  e.start_time = FromProto(e.event.start_time());
  e.end_time = FromProto(e.event.end_time());
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE training_events SET kind = ?, state = ?, "
                   "audiences = ?, start_time = ?, end_time = ?, capacity = "
                   "?, hours = ?, data = ?, version = ?, update_time = ? "
                   "WHERE id = ?"));
  s.Bind(1, int64_t{e.event.kind()})
      .Bind(2, int64_t{e.event.state()})
      .Bind(3, AudienceMask(e.event))
      .Bind(4, absl::ToUnixMicros(e.start_time))
      .Bind(5, absl::ToUnixMicros(e.end_time))
      .Bind(6, int64_t{e.event.capacity()})
      .Bind(7, e.event.hours())
      .BindBlob(8, Serialized(e))
      .Bind(9, e.version)
      .Bind(10, absl::ToUnixMicros(now))
      .Bind(11, e.id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(WriteArticles(conn, e));
  PUMPURS_ASSIGN_OR_RETURN(int64_t live, LiveRegistrations(conn, e.id));
  Fill(e, live);
  return absl::OkStatus();
}

absl::Status Failed(absl::string_view reason, absl::string_view message) {
  return Error(absl::StatusCode::kFailedPrecondition, reason, message);
}

void Apply(const std::set<std::string>& fields, const v1::TrainingEvent& from,
           v1::TrainingEvent& to) {
  auto has = [&](const char* f) { return fields.count(f) > 0; };
  if (has("kind")) to.set_kind(from.kind());
  if (has("title")) to.set_title(from.title());
  if (has("description")) to.set_description(from.description());
  if (has("audiences")) *to.mutable_audiences() = from.audiences();
  if (has("start_time")) {
    if (from.has_start_time()) {
      *to.mutable_start_time() = from.start_time();
    } else {
      to.clear_start_time();
    }
  }
  if (has("end_time")) {
    if (from.has_end_time()) {
      *to.mutable_end_time() = from.end_time();
    } else {
      to.clear_end_time();
    }
  }
  if (has("place")) to.set_place(from.place());
  if (has("online")) to.set_online(from.online());
  if (has("capacity")) to.set_capacity(from.capacity());
  if (has("hours")) to.set_hours(from.hours());
  if (has("method_articles")) {
    *to.mutable_method_articles() = from.method_articles();
  }
}

}  // namespace

std::optional<absl::CivilDay> ParseDay(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int y = 0, m = 0, d = 0;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  if (!absl::SimpleAtoi(text.substr(0, 4), &y) ||
      !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return std::nullopt;
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return std::nullopt;
  }
  return day;
}

absl::Time StartOfDayInLatvia(absl::CivilDay day) {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    // Without tzdata, Latvia's winter offset is the closer guess.
    if (!absl::LoadTimeZone("Europe/Riga", z)) {
      *z = absl::FixedTimeZone(2 * 60 * 60);
    }
    return z;
  }();
  return absl::FromCivil(day, *zone);
}

std::optional<absl::CivilDay> CheckDay(Violations& v, absl::string_view field,
                                       absl::string_view value, bool required) {
  if (value.empty()) {
    if (required) v.Add(std::string(field), "is required (YYYY-MM-DD)");
    return std::nullopt;
  }
  std::optional<absl::CivilDay> day = ParseDay(value);
  if (!day) v.Add(std::string(field), "must be a real day, YYYY-MM-DD");
  return day;
}

absl::StatusOr<int64_t> LiveRegistrations(Connection& conn,
                                          absl::string_view event_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT count(*) FROM training_registrations WHERE "
                   "event_id = ? AND state != ?"));
  s.Bind(1, event_id).Bind(2, int64_t{v1::REGISTRATION_STATE_CANCELLED});
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt64(0) : 0;
}

absl::StatusOr<std::optional<StoredEvent>> LoadEvent(Connection& conn,
                                                     absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT id, organiser_account_id, state, data, version, "
                   "start_time, end_time, create_time FROM training_events "
                   "WHERE id = ?"));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  StoredEvent e;
  e.id = s.ColumnText(0);
  e.organiser_account_id = s.ColumnText(1);
  if (!e.event.ParseFromString(s.ColumnText(3))) {
    return absl::DataLossError("a stored training event cannot be read");
  }
  e.event.set_state(static_cast<v1::TrainingEventState>(s.ColumnInt64(2)));
  e.version = s.ColumnInt64(4);
  e.start_time = absl::FromUnixMicros(s.ColumnInt64(5));
  e.end_time = absl::FromUnixMicros(s.ColumnInt64(6));
  e.create_time = absl::FromUnixMicros(s.ColumnInt64(7));
  for (const std::string& name : e.event.method_articles()) {
    absl::StatusOr<std::string> article =
        ParseResourceName(name, kArticles, "method_articles");
    if (article.ok()) e.article_ids.push_back(*article);
  }
  std::sort(e.article_ids.begin(), e.article_ids.end());
  PUMPURS_ASSIGN_OR_RETURN(int64_t live, LiveRegistrations(conn, e.id));
  Fill(e, live);
  return e;
}

bool Organises(const Principal& principal, const StoredEvent& e) {
  if (!auth::Authorize(principal, Action::kTrainingOrganise, auth::Target{})
           .ok()) {
    return false;
  }
  return principal.account_id == e.organiser_account_id ||
         principal.Has(Role::kNationalAdministrator);
}

absl::StatusOr<bool> SeesEvent(Connection& conn, const Principal& principal,
                               const StoredEvent& e) {
  if (!principal.authenticated()) return false;
  if (e.state() == v1::TRAINING_EVENT_STATE_PUBLISHED) return true;
  if (principal.account_id == e.organiser_account_id ||
      principal.Has(Role::kNationalAdministrator)) {
    return true;
  }
  if (e.state() != v1::TRAINING_EVENT_STATE_CANCELLED) return false;
  for (const std::string& staff : principal.staff_ids) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT 1 FROM training_registrations WHERE event_id = "
                     "? AND staff_id = ?"));
    s.Bind(1, e.id).Bind(2, staff);
    PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
    if (found) return true;
  }
  return false;
}

absl::StatusOr<StoredEvent> LoadVisibleEvent(Connection& conn,
                                             const CallContext& call,
                                             absl::string_view id) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  const std::string name = ResourceName(kTrainingEvents, id);
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredEvent> e, LoadEvent(conn, id));
  if (!e) return NotFoundError(name);
  PUMPURS_ASSIGN_OR_RETURN(bool sees, SeesEvent(conn, call.principal, *e));
  if (!sees) return NotFoundError(name);
  return *std::move(e);
}

absl::StatusOr<StoredEvent> LoadOrganisedEvent(Connection& conn,
                                               const CallContext& call,
                                               absl::string_view id,
                                               absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(StoredEvent e, LoadVisibleEvent(conn, call, id));
  if (!Organises(call.principal, e)) {
    return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                 "only the event's organiser (or a national administrator) "
                 "may do this");
  }
  if (!EtagMatches(etag, e.version)) return EtagMismatchError(e.event.name());
  return e;
}

absl::StatusOr<v1::TrainingEvent> CreateTrainingEvent(
    Connection& conn, const CallContext& call, const v1::TrainingEvent& in,
    absl::string_view request_id, absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  PUMPURS_RETURN_IF_ERROR(auth::Authorize(
      call.principal, Action::kTrainingOrganise, auth::Target{}));
  Violations v;
  CheckRequestId(v, request_id);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  if (!request_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        storage::RequestIds::Find(conn, call.caller_id, kCreateMethod,
                                  request_id));
    if (earlier) {
      PUMPURS_ASSIGN_OR_RETURN(
          std::string id,
          ParseResourceName(*earlier, kTrainingEvents, "request_id"));
      return GetTrainingEvent(conn, call, id);
    }
  }
  StoredEvent e;
  e.event = ContentOf(in);
  PUMPURS_RETURN_IF_ERROR(CheckContent(conn, v, e.event, &e.article_ids));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  e.id = NewId();
  e.organiser_account_id = call.principal.account_id;
  e.event.set_state(v1::TRAINING_EVENT_STATE_DRAFT);
  PUMPURS_RETURN_IF_ERROR(InsertEvent(conn, e, now));
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(storage::RequestIds::Remember(
        conn, call.caller_id, kCreateMethod, request_id, e.event.name(), now));
  }
  return e.event;
}

absl::StatusOr<v1::TrainingEvent> GetTrainingEvent(Connection& conn,
                                                   const CallContext& call,
                                                   absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(StoredEvent e, LoadVisibleEvent(conn, call, id));
  return e.event;
}

absl::StatusOr<ListPage<v1::TrainingEvent>> ListTrainingEvents(
    Connection& conn, const CallContext& call, const EventFilter& filter) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  Violations v;
  if (!v1::TrainingAudience_IsValid(filter.audience)) {
    v.Add("audience", "is not a known audience");
  }
  if (!v1::TrainingKind_IsValid(filter.kind)) {
    v.Add("kind", "is not a known kind of training");
  }
  const std::optional<absl::CivilDay> from =
      CheckDay(v, "from_day", filter.from_day, false);
  const std::optional<absl::CivilDay> to =
      CheckDay(v, "to_day", filter.to_day, false);
  if (from && to && *to < *from) v.Add("to_day", "must not be before from_day");
  absl::StatusOr<std::string> article = ParseOptionalResourceName(
      filter.method_article, kArticles, "method_article");
  if (!article.ok()) v.Add("method_article", "must be articles/{id}");
  absl::StatusOr<int> size = NormalizePageSize(filter.page_size);
  if (!size.ok()) v.Add("page_size", "must not be negative");
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  std::string sql = "SELECT e.id, e.start_time FROM training_events e WHERE ";
  std::vector<SqlValue> binds;
  const Principal& p = call.principal;
  if (p.Has(Role::kNationalAdministrator)) {
    sql += "1";
  } else {
    sql += "(e.state = ? OR e.organiser_account_id = ?";
    binds.emplace_back(int64_t{v1::TRAINING_EVENT_STATE_PUBLISHED});
    binds.emplace_back(p.account_id);
    if (!p.staff_ids.empty()) {
      std::vector<std::string> marks(p.staff_ids.size(), "?");
      absl::StrAppend(
          &sql,
          " OR (e.state = ? AND EXISTS (SELECT 1 FROM training_registrations "
          "r WHERE r.event_id = e.id AND r.staff_id IN (",
          absl::StrJoin(marks, ", "), ")))");
      binds.emplace_back(int64_t{v1::TRAINING_EVENT_STATE_CANCELLED});
      for (const std::string& s : p.staff_ids) binds.emplace_back(s);
    }
    sql += ")";
  }
  if (filter.audience != v1::TRAINING_AUDIENCE_UNSPECIFIED) {
    sql += " AND (e.audiences & ?) != 0";
    binds.emplace_back(int64_t{1} << filter.audience);
  }
  if (filter.kind != v1::TRAINING_KIND_UNSPECIFIED) {
    sql += " AND e.kind = ?";
    binds.emplace_back(int64_t{filter.kind});
  }
  if (from) {
    sql += " AND e.start_time >= ?";
    binds.emplace_back(absl::ToUnixMicros(StartOfDayInLatvia(*from)));
  }
  if (to) {
    sql += " AND e.start_time < ?";
    binds.emplace_back(absl::ToUnixMicros(StartOfDayInLatvia(*to + 1)));
  }
  if (!article->empty()) {
    sql +=
        " AND e.id IN (SELECT event_id FROM training_event_articles WHERE "
        "article_id = ?)";
    binds.emplace_back(*article);
  }
  const std::string query =
      absl::StrCat("ListTrainingEvents|", static_cast<int>(filter.audience),
                   "|", static_cast<int>(filter.kind), "|", filter.from_day,
                   "|", filter.to_day, "|", *article);
  if (!filter.page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(filter.page_token, query, 2));
    int64_t start = 0;
    if (!absl::SimpleAtoi(key[0], &start)) {
      return WithReason(
          InvalidFieldError("page_token", "is not a token this query returned"),
          "INVALID_PAGE_TOKEN");
    }
    sql += " AND (e.start_time > ? OR (e.start_time = ? AND e.id > ?))";
    binds.emplace_back(start);
    binds.emplace_back(start);
    binds.emplace_back(key[1]);
  }
  sql += " ORDER BY e.start_time, e.id LIMIT ?";
  binds.emplace_back(int64_t{*size} + 1);

  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
  for (size_t i = 0; i < binds.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (const auto* text = std::get_if<std::string>(&binds[i])) {
      s.Bind(index, *text);
    } else {
      s.Bind(index, std::get<int64_t>(binds[i]));
    }
  }
  std::vector<std::string> ids;
  std::string next;
  std::pair<int64_t, std::string> last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(ids.size()) == *size) {
      next = EncodePageToken(query, {absl::StrCat(last.first), last.second});
      break;
    }
    last = {s.ColumnInt64(1), s.ColumnText(0)};
    ids.push_back(last.second);
  }
  ListPage<v1::TrainingEvent> page;
  page.next_page_token = next;
  for (const std::string& id : ids) {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredEvent> e, LoadEvent(conn, id));
    if (e) page.items.push_back(e->event);
  }
  return page;
}

const std::vector<std::string>& UpdatableEventFields() {
  static const auto* fields = new std::vector<std::string>{
      "kind",       "title",    "description",    "audiences",
      "start_time", "end_time", "place",          "online",
      "capacity",   "hours",    "method_articles"};
  return *fields;
}

absl::StatusOr<v1::TrainingEvent> UpdateTrainingEvent(
    Connection& conn, const CallContext& call, absl::string_view id,
    const v1::TrainingEvent& changes, const std::vector<std::string>& paths,
    absl::string_view etag, absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  Violations v;
  if (paths.empty()) {
    v.Add("update_mask",
          absl::StrCat("is required: name the fields to change (",
                       absl::StrJoin(UpdatableEventFields(), ", "), ")"));
  }
  std::set<std::string> fields;
  for (const std::string& path : paths) {
    const auto& ok = UpdatableEventFields();
    if (std::find(ok.begin(), ok.end(), path) == ok.end()) {
      v.Add("update_mask",
            absl::StrCat("may name only ", absl::StrJoin(ok, ", ")));
      break;
    }
    fields.insert(path);
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(StoredEvent e,
                           LoadOrganisedEvent(conn, call, id, etag));
  if (e.state() == v1::TRAINING_EVENT_STATE_CANCELLED) {
    return Failed("EVENT_CANCELLED", "a cancelled event does not change");
  }
  v1::TrainingEvent next = ContentOf(e.event);
  Apply(fields, changes, next);
  std::vector<std::string> article_ids;
  PUMPURS_RETURN_IF_ERROR(
      CheckContent(conn, v, next, &article_ids, e.article_ids));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  if (next.capacity() < e.event.registered()) {
    return Failed("CAPACITY_BELOW_REGISTRATIONS",
                  absl::StrCat("the capacity cannot go below the ",
                               e.event.registered(), " places already taken"));
  }
  if (google::protobuf::util::MessageDifferencer::Equals(next,
                                                         ContentOf(e.event))) {
    return e.event;
  }
  const bool hours_changed = next.hours() != e.event.hours();
  next.set_state(e.state());
  e.event = std::move(next);
  e.article_ids = std::move(article_ids);
  PUMPURS_RETURN_IF_ERROR(SaveEvent(conn, e, now));
  if (hours_changed) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("UPDATE training_registrations SET hours = ?, "
                     "update_time = ? WHERE event_id = ? AND state = ?"));
    s.Bind(1, e.event.hours())
        .Bind(2, absl::ToUnixMicros(now))
        .Bind(3, e.id)
        .Bind(4, int64_t{v1::REGISTRATION_STATE_ATTENDED});
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  return e.event;
}

absl::StatusOr<v1::TrainingEvent> PublishTrainingEvent(Connection& conn,
                                                       const CallContext& call,
                                                       absl::string_view id,
                                                       absl::string_view etag,
                                                       absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(StoredEvent e,
                           LoadOrganisedEvent(conn, call, id, etag));
  if (e.state() != v1::TRAINING_EVENT_STATE_DRAFT) {
    return Failed("EVENT_NOT_DRAFT", "only a draft event can be published");
  }
  // The articles may have been withdrawn since the draft was written.
  Violations v;
  std::vector<std::string> article_ids;
  PUMPURS_RETURN_IF_ERROR(
      CheckContent(conn, v, ContentOf(e.event), &article_ids));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  e.event.set_state(v1::TRAINING_EVENT_STATE_PUBLISHED);
  PUMPURS_RETURN_IF_ERROR(SaveEvent(conn, e, now));
  return e.event;
}

absl::StatusOr<v1::TrainingEvent> CancelTrainingEvent(Connection& conn,
                                                      const CallContext& call,
                                                      absl::string_view id,
                                                      absl::string_view etag,
                                                      absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(StoredEvent e,
                           LoadOrganisedEvent(conn, call, id, etag));
  if (e.state() == v1::TRAINING_EVENT_STATE_CANCELLED) {
    return Failed("EVENT_CANCELLED", "the event is already cancelled");
  }
  e.event.set_state(v1::TRAINING_EVENT_STATE_CANCELLED);
  PUMPURS_RETURN_IF_ERROR(SaveEvent(conn, e, now));
  return e.event;
}

}  // namespace pumpurs::training
