#include "server/plans/deliveries.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "server/auth/audited_access.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/plans/access.h"
#include "server/plans/semester.h"
#include "server/plans/store.h"
#include "server/storage/request_ids.h"

namespace pumpurs::plans {
namespace {

using auth::Action;

constexpr char kRecordMethod[] = "RecordDelivery";
constexpr char kCreateVerb[] = "delivery.create";
constexpr char kListVerb[] = "delivery.list";
constexpr int kMaxMinutes = 480;
constexpr size_t kMaxReferenceChars = 200;
constexpr int kMaxMonthsSpan = 12;

std::string DeliveryName(absl::string_view plan_id,
                         absl::string_view delivery_id) {
  return absl::StrCat(kSupportPlans, "/", plan_id, "/", kDeliveries, "/",
                      delivery_id);
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

std::string StaffIdOf(absl::string_view name) {
  return absl::ConsumePrefix(&name, "staff/") ? std::string(name) : "";
}

const v1::PlanMeasure* FindMeasure(const v1::SupportPlan& plan,
                                   absl::string_view id) {
  if (id.empty()) return nullptr;
  for (const v1::PlanMeasure& m : plan.measures()) {
    if (m.id() == id) return &m;
  }
  return nullptr;
}

bool IsConsultation(const v1::PlanMeasure& m) {
  return m.unit() != v1::MEASURE_UNIT_EUR;
}

// The rule lets the provider of any of the plan's measures record; a record
// belongs to one measure, so a caller who is only a provider must provide
// that one (the preparer and the head pass on their own relations).
absl::Status AllowForMeasure(const CallContext& call, const StoredPlan& p,
                             const v1::PlanMeasure* m) {
  auth::Target where = TargetOf(p);
  where.provider_ids.clear();
  if (m != nullptr && !StaffIdOf(m->provider()).empty()) {
    where.provider_ids.push_back(StaffIdOf(m->provider()));
  }
  const AuditEvent audit = PlanEvent(kCreateVerb, p);
  return auth::Allow(call, Action::kDeliveryRecord, where, &audit);
}

absl::StatusOr<bool> IsStaffOf(Connection& conn, absl::string_view staff_id,
                               absl::string_view institution_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM staff WHERE id = ? AND institution_id = ?"));
  s.Bind(1, staff_id).Bind(2, institution_id);
  return s.Step();
}

// What the request says, checked and resolved.
struct Checked {
  absl::CivilDay date;
  std::optional<absl::CivilDay> confirmation;
  std::string provider_id;
};

// Every INVALID_ARGUMENT of the record. The rules that depend on the unit
// are checked only when the measure is known (else MEASURE_NOT_IN_PLAN
// follows).
absl::StatusOr<Checked> CheckRecord(Connection& conn, const StoredPlan& p,
                                    const v1::DeliveryRecord& in,
                                    const v1::PlanMeasure* m,
                                    absl::CivilDay today) {
  Violations v;
  Checked out;
  if (in.measure_id().empty()) v.Add("delivery.measure_id", "is required");

  std::optional<absl::CivilDay> date = ParseDay(in.date());
  if (in.date().empty()) {
    v.Add("delivery.date", "is required");
  } else if (!date) {
    v.Add("delivery.date", "must be a real day, YYYY-MM-DD");
  } else if (*date > today) {
    v.Add("delivery.date", "must not be in the future");
  }
  if (date) out.date = *date;

  if (in.mode() != v1::DELIVERY_MODE_ON_SITE &&
      in.mode() != v1::DELIVERY_MODE_REMOTE) {
    v.Add("delivery.mode", "must be ON_SITE or REMOTE");
  }
  const bool remote = in.mode() == v1::DELIVERY_MODE_REMOTE;
  const bool consultation = m != nullptr && IsConsultation(*m);
  const bool remote_consultation = remote && consultation;

  if (!v1::EvidenceType_IsValid(in.evidence()) ||
      in.evidence() == v1::EVIDENCE_TYPE_UNSPECIFIED) {
    v.Add("delivery.evidence", "is required");
  } else if (remote_consultation && in.evidence() != v1::EVIDENCE_TYPE_EMAIL &&
             in.evidence() != v1::EVIDENCE_TYPE_E_KLASE_MESSAGE) {
    v.Add("delivery.evidence",
          "a remote consultation needs the pupil's confirmation by EMAIL or "
          "E_KLASE_MESSAGE");
  }

  if (in.confirmation_date().empty()) {
    if (remote_consultation) {
      v.Add("delivery.confirmation_date",
            "is required for a remote consultation");
    }
  } else {
    out.confirmation = ParseDay(in.confirmation_date());
    if (!out.confirmation) {
      v.Add("delivery.confirmation_date", "must be a real day, YYYY-MM-DD");
    } else if (*out.confirmation > today) {
      v.Add("delivery.confirmation_date", "must not be in the future");
    } else if (date && *out.confirmation < *date) {
      v.Add("delivery.confirmation_date", "must not be before date");
    }
  }
  CheckOptionalText(v, "delivery.evidence_reference", in.evidence_reference(),
                    kMaxReferenceChars);

  if (m == nullptr) {
    if (in.duration_minutes() < 0 || in.duration_minutes() > kMaxMinutes) {
      v.Add("delivery.duration_minutes", "must be 0 to 480");
    }
    if (in.amount_cents() < 0) {
      v.Add("delivery.amount_cents", "must not be negative");
    }
  } else if (consultation) {
    if (in.duration_minutes() < 1 || in.duration_minutes() > kMaxMinutes) {
      v.Add("delivery.duration_minutes", "must be 1 to 480 for a consultation");
    }
    if (in.amount_cents() != 0) {
      v.Add("delivery.amount_cents",
            "must be 0 for a consultation (its cost is the measure's)");
    }
  } else {
    if (in.amount_cents() <= 0) {
      v.Add("delivery.amount_cents", "must be more than 0 for a compensation");
    }
    if (in.duration_minutes() != 0) {
      v.Add("delivery.duration_minutes", "must be 0 for a compensation");
    }
  }

  if (!in.provider().empty()) {
    absl::StatusOr<std::string> id =
        ParseResourceName(in.provider(), kStaff, "delivery.provider");
    if (!id.ok()) {
      v.Add("delivery.provider", "must have the form staff/{id}");
    } else {
      PUMPURS_ASSIGN_OR_RETURN(bool known,
                               IsStaffOf(conn, *id, p.institution_id));
      if (!known) {
        v.Add("delivery.provider",
              "must be a staff member of the pupil's institution");
      }
      out.provider_id = *id;
    }
  } else if (m != nullptr) {
    out.provider_id = StaffIdOf(m->provider());
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  return out;
}

// The measure's period; a measure without dates runs the whole semester.
absl::Status CheckPeriod(const StoredPlan& p, const v1::PlanMeasure& m,
                         absl::CivilDay date) {
  const absl::CivilDay start =
      ParseDay(m.start_date()).value_or(FirstDay(p.semester));
  const absl::CivilDay end =
      ParseDay(m.end_date()).value_or(LastDay(p.semester));
  if (date < start || date > end) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 "DATE_OUTSIDE_MEASURE_PERIOD",
                 "the date is outside the measure's period");
  }
  return absl::OkStatus();
}

// Nearest integer of num / den (both ≥ 0, den > 0), halves up.
int64_t RoundedQuotient(absl::uint128 num, absl::uint128 den) {
  const absl::uint128 q = (2 * num + den) / (2 * den);
  return q > absl::uint128(std::numeric_limits<int64_t>::max())
             ? std::numeric_limits<int64_t>::max()
             : static_cast<int64_t>(absl::Uint128Low64(q));
}

absl::StatusOr<v1::DeliveryRecord> LoadRecord(Connection& conn,
                                              absl::string_view plan_id,
                                              absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(
          "SELECT data FROM plan_deliveries WHERE id = ? AND plan_id = ?"));
  s.Bind(1, id).Bind(2, plan_id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError(DeliveryName(plan_id, id));
  v1::DeliveryRecord r;
  if (!r.ParseFromString(s.ColumnText(0))) {
    return absl::DataLossError("a stored delivery record cannot be read");
  }
  return r;
}

// The delivery of an earlier call with the same request id, if any. The id
// names one record; reusing it for another plan is a client error.
absl::StatusOr<std::optional<v1::DeliveryRecord>> EarlierRecord(
    Connection& conn, const CallContext& call, const StoredPlan& p,
    absl::string_view request_id) {
  if (request_id.empty()) return std::nullopt;
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<std::string> earlier,
      storage::RequestIds::Find(conn, call.caller_id, kRecordMethod,
                                request_id));
  if (!earlier) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(*earlier, '/');
  if (parts.size() != 4 || parts[1] != p.id) {
    return InvalidFieldError("request_id",
                             "was already used for a delivery of another plan");
  }
  PUMPURS_ASSIGN_OR_RETURN(v1::DeliveryRecord r,
                           LoadRecord(conn, p.id, parts[3]));
  return r;
}

absl::Status InsertRecord(Connection& conn, const StoredPlan& p,
                          absl::string_view id, const v1::DeliveryRecord& r,
                          const Checked& c, int64_t funds_cents,
                          absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO plan_deliveries (id, plan_id, measure_id, "
                   "institution_id, provider_id, date, month, minutes, "
                   "amount_cents, funds_cents, remote, data, create_time) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, id)
      .Bind(2, p.id)
      .Bind(3, r.measure_id())
      .Bind(4, p.institution_id)
      .Bind(5, c.provider_id)
      .Bind(6, FormatDay(c.date))
      .Bind(7, FormatMonth(absl::CivilMonth(c.date)))
      .Bind(8, int64_t{r.duration_minutes()})
      .Bind(9, r.amount_cents())
      .Bind(10, funds_cents)
      .Bind(11, int64_t{r.mode() == v1::DELIVERY_MODE_REMOTE})
      .BindBlob(12, r.SerializeAsString())
      .Bind(13, absl::ToUnixMicros(now));
  return s.Run();
}

// Adds one record to the measure's delivered quantity and count. Kept
// incrementally (not recounted from plan_deliveries): a recount grows with
// the plan's history and made every delivery slower (BENCHMARKS.md); records
// are only ever added, so the running totals cannot drift from the rows.
void AddToMeasure(v1::PlanMeasure& m, int64_t minutes, int64_t cents) {
  m.set_delivery_count(m.delivery_count() + 1);
  switch (m.unit()) {
    case v1::MEASURE_UNIT_SESSIONS:
      m.set_delivered_quantity(m.delivered_quantity() + 1.0);
      break;
    case v1::MEASURE_UNIT_EUR:
      m.set_delivered_quantity(m.delivered_quantity() +
                               static_cast<double>(cents) / 100.0);
      break;
    default:
      m.set_delivered_quantity(m.delivered_quantity() +
                               static_cast<double>(minutes) / 60.0);
      break;
  }
}

absl::StatusOr<std::optional<std::string>> MunicipalityOf(
    Connection& conn, absl::string_view institution_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT municipality_id FROM institutions WHERE id = ?"));
  s.Bind(1, institution_id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  return std::optional<std::string>(s.ColumnText(0));
}

}  // namespace

int64_t FundsFor(const v1::PlanMeasure& measure, int64_t minutes,
                 int64_t amount_cents) {
  if (measure.unit() == v1::MEASURE_UNIT_EUR) return amount_cents;
  const double hundredths = std::round(measure.planned_quantity() * 100.0);
  if (measure.planned_cost_cents() <= 0 || !(hundredths >= 1.0) ||
      hundredths > 1e15) {
    return 0;
  }
  const absl::uint128 cost =
      static_cast<uint64_t>(measure.planned_cost_cents());
  const absl::uint128 quantity = static_cast<uint64_t>(hundredths);
  if (measure.unit() == v1::MEASURE_UNIT_SESSIONS) {
    return RoundedQuotient(cost * 100, quantity);
  }
  if (minutes <= 0) return 0;
  return RoundedQuotient(cost * static_cast<uint64_t>(minutes) * 100,
                         quantity * 60);
}

absl::StatusOr<v1::DeliveryRecord> RecordDelivery(Connection& conn,
                                                  const CallContext& call,
                                                  absl::string_view plan_id,
                                                  const v1::DeliveryRecord& in,
                                                  absl::string_view request_id,
                                                  absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p, LoadForChange(conn, call, plan_id, Action::kDeliveryRecord,
                                  "", kCreateVerb));
  const v1::PlanMeasure* measure = FindMeasure(p.plan, in.measure_id());
  PUMPURS_RETURN_IF_ERROR(AllowForMeasure(call, p, measure));
  {
    Violations v;
    CheckRequestId(v, request_id);
    PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  }
  PUMPURS_ASSIGN_OR_RETURN(std::optional<v1::DeliveryRecord> earlier,
                           EarlierRecord(conn, call, p, request_id));
  if (earlier) {
    // The first result again: a read of it, audited as one.
    auth::AuditRead(call, PlanEvent(kListVerb, p, earlier->name()));
    return *std::move(earlier);
  }

  PUMPURS_RETURN_IF_ERROR(RequireWorkable(p));
  const v1::PlanState was = p.state();
  if (was != v1::PLAN_STATE_APPROVED &&
      was != v1::PLAN_STATE_IN_IMPLEMENTATION) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 "PLAN_NOT_IN_IMPLEMENTATION",
                 "deliveries are recorded only for an approved plan or a plan "
                 "in implementation");
  }
  PUMPURS_ASSIGN_OR_RETURN(Checked c,
                           CheckRecord(conn, p, in, measure, DayInLatvia(now)));
  if (measure == nullptr) {
    return Error(absl::StatusCode::kFailedPrecondition, "MEASURE_NOT_IN_PLAN",
                 "the plan has no measure with this id");
  }
  PUMPURS_RETURN_IF_ERROR(CheckPeriod(p, *measure, c.date));
  if (in.mode() == v1::DELIVERY_MODE_REMOTE && IsConsultation(*measure) &&
      *c.confirmation > c.date + 1) {
    return Error(absl::StatusCode::kFailedPrecondition, "CONFIRMATION_TOO_LATE",
                 "a remote consultation must be confirmed by the pupil on its "
                 "day or the day after");
  }

  const std::string id = NewId();
  v1::DeliveryRecord r;
  r.set_name(DeliveryName(p.id, id));
  r.set_measure_id(in.measure_id());
  r.set_date(FormatDay(c.date));
  r.set_duration_minutes(in.duration_minutes());
  r.set_amount_cents(in.amount_cents());
  r.set_provider(ResourceName(kStaff, c.provider_id));
  r.set_mode(in.mode());
  r.set_evidence(in.evidence());
  if (c.confirmation) r.set_confirmation_date(FormatDay(*c.confirmation));
  r.set_evidence_reference(in.evidence_reference());
  r.set_recorded_by(call.caller_id);
  *r.mutable_create_time() = ToProto(now);
  const int64_t funds =
      FundsFor(*measure, in.duration_minutes(), in.amount_cents());
  PUMPURS_RETURN_IF_ERROR(InsertRecord(conn, p, id, r, c, funds, now));
  PUMPURS_RETURN_IF_ERROR(
      RecordChange(conn, r.name(), p.id, p.pupil_id, false, now));

  // `measure` points into p.plan; find it again as mutable.
  for (v1::PlanMeasure& m : *p.plan.mutable_measures()) {
    if (m.id() == in.measure_id()) {
      AddToMeasure(m, r.duration_minutes(), r.amount_cents());
      break;
    }
  }
  p.plan.set_funds_used_cents(p.plan.funds_used_cents() + funds);
  std::vector<std::string> changed = {"measures", "funds_used_cents"};
  if (was == v1::PLAN_STATE_APPROVED) {
    p.plan.set_state(v1::PLAN_STATE_IN_IMPLEMENTATION);
    changed.push_back("state");
  }
  PUMPURS_RETURN_IF_ERROR(SavePlan(conn, call, p, "deliver", changed, now));
  PUMPURS_RETURN_IF_ERROR(
      AuditPlanChange(conn, call, p, kCreateVerb, r.name()));
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(storage::RequestIds::Remember(
        conn, call.caller_id, kRecordMethod, request_id, r.name(), now));
  }
  return r;
}

absl::StatusOr<ListPage<v1::DeliveryRecord>> ListDeliveries(
    Connection& conn, const CallContext& call, absl::string_view plan_id,
    absl::string_view measure_id, int page_size, absl::string_view page_token) {
  PUMPURS_ASSIGN_OR_RETURN(StoredPlan p,
                           LoadVisible(conn, call, plan_id, kListVerb));
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(page_size));
  const std::string query =
      absl::StrCat("ListDeliveries|", plan_id, "|", measure_id);
  int64_t after_time = std::numeric_limits<int64_t>::min();
  std::string after_id;
  if (!page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(page_token, query, 2));
    if (!absl::SimpleAtoi(key[0], &after_time)) {
      return InvalidFieldError("page_token", "is not a valid page token");
    }
    after_id = key[1];
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT data, create_time, id FROM plan_deliveries "
                   "WHERE plan_id = ?1 AND (?2 = '' OR measure_id = ?2) AND "
                   "(create_time > ?3 OR (create_time = ?3 AND id > ?4)) "
                   "ORDER BY create_time, id LIMIT ?5"));
  s.Bind(1, plan_id)
      .Bind(2, measure_id)
      .Bind(3, after_time)
      .Bind(4, after_id)
      .Bind(5, int64_t{size} + 1);
  ListPage<v1::DeliveryRecord> page;
  std::vector<std::string> last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == size) {
      page.next_page_token = EncodePageToken(query, last);
      break;
    }
    v1::DeliveryRecord r;
    if (!r.ParseFromString(s.ColumnText(0))) {
      return absl::DataLossError("a stored delivery record cannot be read");
    }
    page.items.push_back(std::move(r));
    last = {absl::StrCat(s.ColumnInt64(1)), s.ColumnText(2)};
  }
  auth::AuditRead(call, PlanEvent(kListVerb, p));
  return page;
}

absl::StatusOr<ListPage<v1::DeliveredHours>> ListDeliveredHours(
    Connection& conn, const CallContext& call, const DeliveredHoursQuery& q) {
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, nullptr));
  Violations v;
  if (q.institution_id.empty()) v.Add("institution", "is required");
  const std::optional<absl::CivilMonth> start = ParseMonth(q.start_month);
  if (q.start_month.empty()) {
    v.Add("start_month", "is required");
  } else if (!start) {
    v.Add("start_month", "must be a month, YYYY-MM");
  }
  std::optional<absl::CivilMonth> end = start;
  if (!q.end_month.empty()) {
    end = ParseMonth(q.end_month);
    if (!end) {
      v.Add("end_month", "must be a month, YYYY-MM");
    } else if (start && *end < *start) {
      v.Add("end_month", "must not be before start_month");
    } else if (start && *end - *start > kMaxMonthsSpan) {
      v.Add("end_month", "must be at most 12 months after start_month");
    }
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(q.page_size));

  const std::string place = ResourceName(kInstitutions, q.institution_id);
  PUMPURS_ASSIGN_OR_RETURN(std::optional<std::string> municipality,
                           MunicipalityOf(conn, q.institution_id));
  if (!municipality) {
    return auth::Missing(call, Action::kDeliveredHoursRead, place, nullptr);
  }
  auth::Target where;
  where.institution_id = q.institution_id;
  where.municipality_id = *municipality;
  // A provider may ask about themself: the filter names whom they provide.
  if (!q.provider_id.empty()) where.provider_ids = {q.provider_id};
  PUMPURS_RETURN_IF_ERROR(
      auth::Allow(call, Action::kDeliveredHoursRead, where, nullptr));

  const std::string first = FormatMonth(*start);
  const std::string last_month = FormatMonth(*end);
  const std::string query =
      absl::StrCat("ListDeliveredHours|", q.institution_id, "|", first, "|",
                   last_month, "|", q.provider_id);
  std::vector<std::string> after = {"", ""};
  if (!q.page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(after, DecodePageToken(q.page_token, query, 2));
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(
          "SELECT month, provider_id, count(*), sum(minutes), "
          "sum(CASE WHEN remote != 0 THEN minutes ELSE 0 END), "
          "count(DISTINCT plan_id) FROM plan_deliveries "
          "WHERE institution_id = ?1 AND month >= ?2 AND month <= ?3 AND "
          "minutes > 0 AND (?4 = '' OR provider_id = ?4) AND "
          "(month > ?5 OR (month = ?5 AND provider_id > ?6)) "
          "GROUP BY month, provider_id ORDER BY month, provider_id LIMIT ?7"));
  s.Bind(1, q.institution_id)
      .Bind(2, first)
      .Bind(3, last_month)
      .Bind(4, q.provider_id)
      .Bind(5, after[0])
      .Bind(6, after[1])
      .Bind(7, int64_t{size} + 1);
  ListPage<v1::DeliveredHours> page;
  std::vector<std::string> last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == size) {
      page.next_page_token = EncodePageToken(query, last);
      break;
    }
    v1::DeliveredHours h;
    h.set_month(s.ColumnText(0));
    h.set_provider(ResourceName(kStaff, s.ColumnText(1)));
    h.set_consultations(static_cast<int32_t>(s.ColumnInt64(2)));
    h.set_minutes(s.ColumnInt64(3));
    h.set_remote_minutes(s.ColumnInt64(4));
    h.set_plans(static_cast<int32_t>(s.ColumnInt64(5)));
    last = {h.month(), s.ColumnText(1)};
    page.items.push_back(std::move(h));
  }
  return page;
}

}  // namespace pumpurs::plans
