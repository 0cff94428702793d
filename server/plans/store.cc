#include "server/plans/store.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/error.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/statistics/contribution.h"
#include "server/statistics/counters.h"

namespace pumpurs::plans {
namespace {

constexpr int kStateVocationalSchool = 2;  // directory::InstitutionKind
constexpr int kApplicationWithdrawn = 2;   // v1::APPLICATION_STATE_WITHDRAWN

constexpr char kSelect[] =
    "SELECT p.id, p.pupil_id, p.institution_id, p.municipality_id, "
    "p.application_id, p.preparer_id, p.school_year, p.term, p.state, "
    "p.submitted, p.funds_used_cents, p.data, p.version, p.create_time, "
    "p.update_time, i.kind, a.state, (SELECT group_concat(guardian_id, ',') "
    "FROM guardian_pupils g WHERE g.pupil_id = p.pupil_id) "
    "FROM support_plans p JOIN institutions i ON i.id = p.institution_id "
    "JOIN plan_applications a ON a.id = p.application_id WHERE p.id = ?";

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

// The output fields that come from the columns, not the stored message.
void FillOutputs(StoredPlan& p, int64_t funds_used_cents) {
  v1::SupportPlan& plan = p.plan;
  plan.set_name(ResourceName(kSupportPlans, p.id));
  plan.set_pupil(ResourceName(kPupils, p.pupil_id));
  plan.mutable_semester()->set_school_year(p.semester.school_year);
  plan.mutable_semester()->set_term(p.semester.term);
  plan.set_institution(ResourceName(kInstitutions, p.institution_id));
  plan.set_application(ResourceName(kApplications, p.application_id));
  plan.set_preparer(ResourceName(kStaff, p.preparer_id));
  plan.set_funds_used_cents(funds_used_cents);
  plan.set_application_withdrawn(p.application_withdrawn);
  plan.set_etag(EtagFor(p.version));
  *plan.mutable_create_time() = ToProto(p.create_time);
  *plan.mutable_update_time() = ToProto(p.update_time);
  plan.clear_approval_levels();
  plan.add_approval_levels(v1::APPROVAL_LEVEL_INSTITUTION);
  if (!p.vocational) plan.add_approval_levels(v1::APPROVAL_LEVEL_MUNICIPALITY);
  plan.add_approval_levels(v1::APPROVAL_LEVEL_NATIONAL);
  p.provider_ids = ProvidersOf(plan);
}

// What the data column holds: the plan without what the columns hold.
std::string Serialized(const StoredPlan& p) {
  v1::SupportPlan copy = p.plan;
  copy.clear_name();
  copy.clear_etag();
  copy.clear_create_time();
  copy.clear_update_time();
  copy.clear_application_withdrawn();
  copy.clear_approval_levels();
  return copy.SerializeAsString();
}

absl::Status WriteProviders(Connection& conn, const StoredPlan& p) {
  // Former providers stay as rows with current = 0: they may hold the plan
  // from an earlier sync and are owed a tombstone.
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement retire,
      conn.Prepare(
          "UPDATE support_plan_providers SET current = 0 WHERE plan_id = ?"));
  retire.Bind(1, p.id);
  PUMPURS_RETURN_IF_ERROR(retire.Run());
  for (const std::string& staff : p.provider_ids) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement ins,
        conn.Prepare("INSERT INTO support_plan_providers (plan_id, staff_id, "
                     "current) VALUES (?, ?, 1) ON CONFLICT (plan_id, "
                     "staff_id) DO UPDATE SET current = 1"));
    ins.Bind(1, p.id).Bind(2, staff);
    PUMPURS_RETURN_IF_ERROR(ins.Run());
  }
  return absl::OkStatus();
}

// A preparer replaced by another may hold the plan from an earlier sync,
// like a former provider: kept as a row with current = 0 (unless they
// provide a measure now, which keeps their row current).
absl::Status RememberFormer(Connection& conn, const std::string& plan_id,
                            const std::string& staff_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO support_plan_providers (plan_id, staff_id, "
                   "current) VALUES (?, ?, 0) ON CONFLICT (plan_id, staff_id) "
                   "DO NOTHING"));
  s.Bind(1, plan_id).Bind(2, staff_id);
  return s.Run();
}

absl::Status WriteRevision(Connection& conn, const CallContext& call,
                           const StoredPlan& p, absl::string_view action,
                           const std::vector<std::string>& changed_fields,
                           absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(
          "INSERT INTO support_plan_revisions (plan_id, number, "
          "time, actor, action, changed_fields, state) VALUES (?, "
          "(SELECT coalesce(max(number), 0) + 1 FROM "
          "support_plan_revisions WHERE plan_id = ?), ?, ?, ?, ?, ?)"));
  s.Bind(1, p.id)
      .Bind(2, p.id)
      .Bind(3, absl::ToUnixMicros(now))
      .Bind(4, call.caller_id)
      .Bind(5, action)
      .Bind(6, absl::StrJoin(changed_fields, ","))
      .Bind(7, int64_t{p.plan.state()});
  return s.Run();
}

statistics::PlanPlace PlaceOf(const StoredPlan& p) {
  return {p.semester.school_year, p.semester.term, p.institution_id,
          p.municipality_id, p.pupil_id};
}

// What the plan adds to the programme counters as stored now (before a
// change is written over it).
absl::StatusOr<statistics::Contribution> StoredContribution(
    Connection& conn, const std::string& id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT state, data FROM support_plans WHERE id = ?"));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return absl::NotFoundError("no such support plan");
  v1::SupportPlan stored;
  if (!stored.ParseFromString(s.ColumnText(1))) {
    return absl::DataLossError("a stored support plan cannot be read");
  }
  return statistics::ContributionOf(
      stored, static_cast<v1::PlanState>(s.ColumnInt64(0)));
}

}  // namespace

bool IsSpecialCategory(v1::RiskGroup group) {
  return group == v1::RISK_GROUP_SOCIAL_AND_HEALTH;
}

std::vector<std::string> ProvidersOf(const v1::SupportPlan& plan) {
  std::vector<std::string> ids;
  for (const v1::PlanMeasure& m : plan.measures()) {
    absl::string_view provider = m.provider();
    if (absl::ConsumePrefix(&provider, "staff/") && !provider.empty()) {
      ids.emplace_back(provider);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

absl::StatusOr<std::optional<StoredPlan>> LoadPlan(Connection& conn,
                                                   absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(kSelect));
  s.Bind(1, id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  StoredPlan p;
  p.id = s.ColumnText(0);
  p.pupil_id = s.ColumnText(1);
  p.institution_id = s.ColumnText(2);
  p.municipality_id = s.ColumnText(3);
  p.application_id = s.ColumnText(4);
  p.preparer_id = s.ColumnText(5);
  p.semester = {static_cast<int>(s.ColumnInt64(6)),
                static_cast<int>(s.ColumnInt64(7))};
  if (!p.plan.ParseFromString(s.ColumnText(11))) {
    return absl::DataLossError("a stored support plan cannot be read");
  }
  p.plan.set_state(static_cast<v1::PlanState>(s.ColumnInt64(8)));
  p.submitted = s.ColumnInt64(9) != 0;
  const int64_t funds = s.ColumnInt64(10);
  p.version = s.ColumnInt64(12);
  p.create_time = absl::FromUnixMicros(s.ColumnInt64(13));
  p.update_time = absl::FromUnixMicros(s.ColumnInt64(14));
  p.vocational = s.ColumnInt64(15) == kStateVocationalSchool;
  p.application_withdrawn = s.ColumnInt64(16) == kApplicationWithdrawn;
  const std::string guardians = s.ColumnText(17);
  if (!guardians.empty()) {
    p.guardian_ids = absl::StrSplit(guardians, ',');
    std::sort(p.guardian_ids.begin(), p.guardian_ids.end());
  }
  FillOutputs(p, funds);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement former,
      conn.Prepare("SELECT staff_id FROM support_plan_providers WHERE plan_id "
                   "= ? AND current = 0 ORDER BY staff_id"));
  former.Bind(1, p.id);
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool more, former.Step());
    if (!more) break;
    p.former_provider_ids.push_back(former.ColumnText(0));
  }
  return p;
}

absl::Status InsertPlan(Connection& conn, const CallContext& call,
                        StoredPlan& p, absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement taken,
      conn.Prepare("SELECT 1 FROM support_plans WHERE pupil_id = ? AND "
                   "school_year = ? AND term = ? AND state != 7"));
  taken.Bind(1, p.pupil_id)
      .Bind(2, int64_t{p.semester.school_year})
      .Bind(3, int64_t{p.semester.term});
  PUMPURS_ASSIGN_OR_RETURN(bool exists, taken.Step());
  if (exists) {
    return Error(absl::StatusCode::kAlreadyExists, "PLAN_EXISTS_FOR_SEMESTER",
                 "the pupil already has a plan for this semester");
  }
  p.version = 1;
  p.create_time = now;
  p.update_time = now;
  if (p.plan.state() == v1::PLAN_STATE_UNSPECIFIED) {
    p.plan.set_state(v1::PLAN_STATE_DRAFT);
  }
  FillOutputs(p, 0);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO support_plans (id, pupil_id, institution_id, "
                   "municipality_id, application_id, preparer_id, "
                   "school_year, term, state, submitted, funds_used_cents, "
                   "data, version, create_time, update_time) VALUES (?, ?, "
                   "?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 1, ?, ?)"));
  s.Bind(1, p.id)
      .Bind(2, p.pupil_id)
      .Bind(3, p.institution_id)
      .Bind(4, p.municipality_id)
      .Bind(5, p.application_id)
      .Bind(6, p.preparer_id)
      .Bind(7, int64_t{p.semester.school_year})
      .Bind(8, int64_t{p.semester.term})
      .Bind(9, int64_t{p.plan.state()})
      .Bind(10, int64_t{p.submitted})
      .BindBlob(11, Serialized(p))
      .Bind(12, absl::ToUnixMicros(now))
      .Bind(13, absl::ToUnixMicros(now));
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(statistics::ApplyChange(
      conn, PlaceOf(p), {}, statistics::ContributionOf(p.plan, p.state())));
  PUMPURS_RETURN_IF_ERROR(WriteProviders(conn, p));
  PUMPURS_RETURN_IF_ERROR(WriteRevision(conn, call, p, "create", {}, now));
  return RecordChange(conn, p.plan.name(), p.id, p.pupil_id, false, now);
}

absl::Status SavePlan(Connection& conn, const CallContext& call, StoredPlan& p,
                      absl::string_view action,
                      const std::vector<std::string>& changed_fields,
                      absl::Time now) {
  p.version += 1;
  p.update_time = now;
  const std::string former_preparer = p.preparer_id;
  p.preparer_id = std::string(absl::StripPrefix(p.plan.preparer(), "staff/"));
  FillOutputs(p, p.plan.funds_used_cents());
  PUMPURS_ASSIGN_OR_RETURN(statistics::Contribution before,
                           StoredContribution(conn, p.id));
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE support_plans SET preparer_id = ?, state = ?, "
                   "submitted = ?, funds_used_cents = ?, data = ?, version = "
                   "?, update_time = ? WHERE id = ?"));
  s.Bind(1, p.preparer_id)
      .Bind(2, int64_t{p.plan.state()})
      .Bind(3, int64_t{p.submitted})
      .Bind(4, p.plan.funds_used_cents())
      .BindBlob(5, Serialized(p))
      .Bind(6, p.version)
      .Bind(7, absl::ToUnixMicros(now))
      .Bind(8, p.id);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  PUMPURS_RETURN_IF_ERROR(statistics::ApplyChange(
      conn, PlaceOf(p), before, statistics::ContributionOf(p.plan, p.state())));
  PUMPURS_RETURN_IF_ERROR(WriteProviders(conn, p));
  if (!former_preparer.empty() && former_preparer != p.preparer_id) {
    PUMPURS_RETURN_IF_ERROR(RememberFormer(conn, p.id, former_preparer));
  }
  PUMPURS_RETURN_IF_ERROR(
      WriteRevision(conn, call, p, action, changed_fields, now));
  return RecordChange(conn, p.plan.name(), p.id, p.pupil_id,
                      p.plan.state() == v1::PLAN_STATE_INACTIVE, now);
}

absl::Status RecordChange(Connection& conn, absl::string_view resource,
                          absl::string_view plan_id, absl::string_view pupil_id,
                          bool deleted, absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO changes (resource, plan_id, pupil_id, "
                   "deleted, time) VALUES (?, ?, ?, ?, ?)"));
  s.Bind(1, resource)
      .Bind(2, plan_id)
      .Bind(3, pupil_id)
      .Bind(4, int64_t{deleted})
      .Bind(5, absl::ToUnixMicros(now));
  return s.Run();
}

}  // namespace pumpurs::plans
