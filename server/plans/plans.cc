#include "server/plans/plans.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <utility>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/auth/audited_access.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/knowledge/recommend.h"
#include "server/knowledge/taxonomy.h"
#include "server/plans/access.h"
#include "server/plans/applications.h"
#include "server/plans/store.h"
#include "server/plans/validation.h"
#include "server/storage/request_ids.h"

namespace pumpurs::plans {
namespace {

using auth::Action;

constexpr char kCreateMethod[] = "CreateSupportPlan";
constexpr int kStateVocationalSchool = 2;  // directory::InstitutionKind

absl::Status BadPageToken() {
  return WithReason(
      InvalidFieldError("page_token", "is not a token this query returned"),
      "INVALID_PAGE_TOKEN");
}

absl::StatusOr<int64_t> ToInt(const std::string& s) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(s, &n)) return BadPageToken();
  return n;
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

absl::StatusOr<bool> IsStaffOf(Connection& conn, absl::string_view staff_id,
                               absl::string_view institution_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM staff WHERE id = ? AND institution_id = ?"));
  s.Bind(1, staff_id).Bind(2, institution_id);
  return s.Step();
}

// The caller's own staff record at the institution, or "".
absl::StatusOr<std::string> OwnStaffRecord(Connection& conn,
                                           const Principal& principal,
                                           absl::string_view institution_id) {
  for (const std::string& staff : principal.staff_ids) {
    PUMPURS_ASSIGN_OR_RETURN(bool here, IsStaffOf(conn, staff, institution_id));
    if (here) return staff;
  }
  return std::string();
}

// Checks a preparer ("staff/{id}" of the institution), adding violations to
// `v`; the staff id, or "".
absl::StatusOr<std::string> CheckPreparer(Connection& conn, Violations& v,
                                          absl::string_view preparer,
                                          absl::string_view institution_id) {
  constexpr char kField[] = "support_plan.preparer";
  const std::string id = ParseInto(v, preparer, kStaff, kField);
  if (id.empty()) return id;
  PUMPURS_ASSIGN_OR_RETURN(bool here, IsStaffOf(conn, id, institution_id));
  if (!here) {
    v.Add(kField, "must be staff of the pupil's institution");
    return std::string();
  }
  return id;
}

// The content fields a client may set.
v1::SupportPlan ContentOf(const v1::SupportPlan& plan) {
  v1::SupportPlan content;
  content.set_problem_description(plan.problem_description());
  *content.mutable_risks() = plan.risks();
  *content.mutable_goals() = plan.goals();
  *content.mutable_measures() = plan.measures();
  return content;
}

// Whether field `path` (UpdatablePlanFields) differs between the plans.
bool Differs(const v1::SupportPlan& a, const v1::SupportPlan& b,
             absl::string_view path) {
  auto same_list = [](const auto& x, const auto& y) {
    if (x.size() != y.size()) return false;
    for (int i = 0; i < x.size(); ++i) {
      if (x.Get(i).SerializeAsString() != y.Get(i).SerializeAsString()) {
        return false;
      }
    }
    return true;
  };
  if (path == "preparer") return a.preparer() != b.preparer();
  if (path == "problem_description") {
    return a.problem_description() != b.problem_description();
  }
  if (path == "risks") return !same_list(a.risks(), b.risks());
  if (path == "goals") return !same_list(a.goals(), b.goals());
  if (path == "measures") return !same_list(a.measures(), b.measures());
  return false;
}

// The first `max_chars` code points of valid UTF-8 `s`.
std::string TruncateUtf8(const std::string& s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) {
      if (chars == max_chars) return s.substr(0, i);
      ++chars;
    }
  }
  return s;
}

absl::StatusOr<v1::MeasureUnit> UnitOf(Connection& conn,
                                       absl::string_view measure_type) {
  const std::string code =
      knowledge::CodeOf(measure_type, knowledge::kMeasureTypes);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT data FROM kb_measure_types WHERE code = ?"));
  s.Bind(1, code);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return v1::MEASURE_UNIT_UNSPECIFIED;
  v1::MeasureType mt;
  if (!mt.ParseFromString(s.ColumnText(0))) {
    return absl::DataLossError("a stored measure type cannot be read");
  }
  return mt.unit();
}

absl::StatusOr<int> InstitutionKindOf(Connection& conn,
                                      absl::string_view institution_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT kind FROM institutions WHERE id = ?"));
  s.Bind(1, institution_id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? static_cast<int>(s.ColumnInt64(0)) : 0;
}

google::protobuf::Timestamp ToProto(int64_t micros) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(micros);
}

}  // namespace

absl::StatusOr<v1::SupportPlan> CreateSupportPlan(Connection& conn,
                                                  const CallContext& call,
                                                  const v1::SupportPlan& plan,
                                                  absl::string_view request_id,
                                                  absl::Time now) {
  AuditEvent audit = auth::Event("supportPlan.create", kSupportPlans, {});
  audit.request_id = std::string(request_id);
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));

  Violations v;
  CheckRequestId(v, request_id);
  std::string pupil_id;
  if (plan.pupil().empty()) {
    v.Add("support_plan.pupil", "is required");
  } else {
    pupil_id = ParseInto(v, plan.pupil(), kPupils, "support_plan.pupil");
  }
  const Semester semester{plan.semester().school_year(),
                          plan.semester().term()};
  CheckSemester(v, "support_plan.semester", semester);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  if (!request_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        storage::RequestIds::Find(conn, call.caller_id, kCreateMethod,
                                  request_id));
    if (earlier) {
      PUMPURS_ASSIGN_OR_RETURN(
          std::string id,
          ParseResourceName(*earlier, kSupportPlans, "request_id"));
      // The first result, as any read of it: authorized and audited.
      return GetSupportPlan(conn, call, id);
    }
  }

  const std::string pupil_name = ResourceName(kPupils, pupil_id);
  PUMPURS_ASSIGN_OR_RETURN(std::optional<PupilPlace> place,
                           LoadPupilPlace(conn, pupil_id));
  if (!place) {
    return auth::Missing(call, Action::kPlanCreate, pupil_name, &audit);
  }
  audit = auth::Event("supportPlan.create", pupil_name, TargetOf(*place));
  audit.request_id = std::string(request_id);
  PUMPURS_RETURN_IF_ERROR(
      auth::Allow(call, Action::kPlanCreate, TargetOf(*place), &audit));

  std::string preparer_id;
  if (plan.preparer().empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        preparer_id,
        OwnStaffRecord(conn, call.principal, place->institution_id));
    if (preparer_id.empty()) {
      v.Add("support_plan.preparer",
            "is required: the caller has no staff record at the pupil's "
            "institution");
    }
  } else {
    PUMPURS_ASSIGN_OR_RETURN(
        preparer_id,
        CheckPreparer(conn, v, plan.preparer(), place->institution_id));
  }
  v1::SupportPlan content = ContentOf(plan);
  PUMPURS_RETURN_IF_ERROR(CheckPlanContent(
      conn, v, semester, place->institution_id, nullptr, content));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  PUMPURS_ASSIGN_OR_RETURN(std::optional<std::string> application_id,
                           FindActiveApplication(conn, pupil_id, semester));
  if (!application_id) {
    PUMPURS_ASSIGN_OR_RETURN(bool withdrawn,
                             HasWithdrawnApplication(conn, pupil_id, semester));
    if (withdrawn) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   "APPLICATION_WITHDRAWN",
                   "the application for the pupil was withdrawn: a plan "
                   "needs a new application");
    }
    return Error(absl::StatusCode::kFailedPrecondition, "APPLICATION_REQUIRED",
                 "a plan needs an active application for the pupil that "
                 "holds for the semester");
  }

  StoredPlan p;
  p.id = NewId();
  p.pupil_id = pupil_id;
  p.institution_id = place->institution_id;
  p.municipality_id = place->municipality_id;
  p.application_id = *application_id;
  p.preparer_id = preparer_id;
  p.semester = semester;
  p.vocational = place->institution_kind == kStateVocationalSchool;
  p.guardian_ids = place->guardian_ids;
  p.plan = std::move(content);
  p.plan.set_state(v1::PLAN_STATE_DRAFT);
  PUMPURS_RETURN_IF_ERROR(InsertPlan(conn, call, p, now));
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(storage::RequestIds::Remember(
        conn, call.caller_id, kCreateMethod, request_id, p.plan.name(), now));
  }
  AuditEvent created = PlanEvent("supportPlan.create", p);
  created.request_id = std::string(request_id);
  PUMPURS_RETURN_IF_ERROR(auth::AuditChange(conn, call, std::move(created)));
  return Presented(call.principal, p);
}

absl::StatusOr<v1::SupportPlan> GetSupportPlan(Connection& conn,
                                               const CallContext& call,
                                               absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(StoredPlan p,
                           LoadVisible(conn, call, id, "supportPlan.read"));
  auth::AuditRead(call, PlanEvent("supportPlan.read", p));
  return Presented(call.principal, p);
}

absl::StatusOr<ListPage<v1::SupportPlan>> ListSupportPlans(
    Connection& conn, const CallContext& call, const PlanFilter& filter) {
  const AuditEvent audit = auth::Event("supportPlan.list", kSupportPlans, {});
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));
  Violations v;
  if (!v1::PlanState_IsValid(filter.state)) {
    v.Add("state", "is not a known plan state");
  }
  const bool by_semester =
      filter.semester.school_year != 0 || filter.semester.term != 0;
  if (by_semester) CheckSemester(v, "semester", filter.semester);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(filter.page_size));

  const std::string query = absl::StrCat(
      "ListSupportPlans|", filter.institution_id, "|", filter.pupil_id, "|",
      filter.preparer_id, "|", static_cast<int>(filter.state), "|",
      filter.semester.school_year, "|", filter.semester.term, "|",
      filter.municipality_id);
  std::optional<std::pair<int64_t, std::string>> after;
  if (!filter.page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(filter.page_token, query, 2));
    PUMPURS_ASSIGN_OR_RETURN(int64_t time, ToInt(key[0]));
    after = std::make_pair(time, key[1]);
  }

  // Only the filters that are set, so each shape of query has its own
  // plan; the visibility condition makes the paging exact. Every value is
  // bound, so the statement cache holds one entry per shape, not per page.
  const SqlCondition visible = VisibleCondition(call.principal);
  std::string sql = absl::StrCat(
      "SELECT p.id, p.create_time FROM support_plans p WHERE ", visible.sql);
  std::vector<std::variant<std::string, int64_t>> binds(visible.binds.begin(),
                                                        visible.binds.end());
  auto where = [&](const char* condition, const std::string& value) {
    if (value.empty()) return;
    absl::StrAppend(&sql, " AND ", condition);
    binds.emplace_back(value);
  };
  where("p.institution_id = ?", filter.institution_id);
  where("p.pupil_id = ?", filter.pupil_id);
  where("p.preparer_id = ?", filter.preparer_id);
  where("p.municipality_id = ?", filter.municipality_id);
  if (filter.state != v1::PLAN_STATE_UNSPECIFIED) {
    absl::StrAppend(&sql, " AND p.state = ?");
    binds.emplace_back(int64_t{filter.state});
  }
  if (by_semester) {
    absl::StrAppend(&sql, " AND p.school_year = ? AND p.term = ?");
    binds.emplace_back(int64_t{filter.semester.school_year});
    binds.emplace_back(int64_t{filter.semester.term});
  }
  if (after) {
    absl::StrAppend(&sql,
                    " AND (p.create_time < ? OR (p.create_time = ? AND p.id "
                    "< ?))");
    binds.emplace_back(after->first);
    binds.emplace_back(after->first);
    binds.emplace_back(after->second);
  }
  absl::StrAppend(&sql, " ORDER BY p.create_time DESC, p.id DESC LIMIT ?");
  binds.emplace_back(int64_t{size} + 1);

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
  ListPage<v1::SupportPlan> page;
  std::pair<int64_t, std::string> last;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(ids.size()) == size) {
      page.next_page_token =
          EncodePageToken(query, {absl::StrCat(last.first), last.second});
      break;
    }
    last = {s.ColumnInt64(1), s.ColumnText(0)};
    ids.push_back(last.second);
  }
  for (const std::string& id : ids) {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredPlan> p, LoadPlan(conn, id));
    if (!p) continue;
    auth::AuditRead(call, PlanEvent("supportPlan.list", *p));
    page.items.push_back(Presented(call.principal, *p));
  }
  return page;
}

absl::StatusOr<v1::SupportPlan> UpdateSupportPlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    const v1::SupportPlan& changes, const std::vector<std::string>& paths,
    absl::string_view etag, absl::Time now) {
  const AuditEvent audit =
      auth::Event("supportPlan.update", ResourceName(kSupportPlans, id), {});
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));
  Violations v;
  const std::vector<std::string>& updatable = UpdatablePlanFields();
  if (paths.empty()) {
    v.Add("update_mask",
          absl::StrCat("is required: name the fields to change (",
                       absl::StrJoin(updatable, ", "), ")"));
  }
  std::set<std::string> fields;
  for (const std::string& path : paths) {
    if (std::find(updatable.begin(), updatable.end(), path) ==
        updatable.end()) {
      v.Add("update_mask",
            absl::StrCat("may name only ", absl::StrJoin(updatable, ", ")));
      break;
    }
    fields.insert(path);
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p, LoadForChange(conn, call, id, Action::kPlanManage, etag,
                                  "supportPlan.update"));
  PUMPURS_RETURN_IF_ERROR(RequireWorkable(p));
  if (p.state() != v1::PLAN_STATE_DRAFT &&
      p.state() != v1::PLAN_STATE_UNDER_REVISION) {
    return Error(absl::StatusCode::kFailedPrecondition, "PLAN_NOT_EDITABLE",
                 "only a draft or a plan under revision can be changed");
  }

  const v1::SupportPlan before = p.plan;
  if (fields.count("preparer") > 0) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::string preparer,
        CheckPreparer(conn, v, changes.preparer(), p.institution_id));
    if (!preparer.empty()) p.plan.set_preparer(ResourceName(kStaff, preparer));
  }
  if (fields.count("problem_description") > 0) {
    p.plan.set_problem_description(changes.problem_description());
  }
  if (fields.count("risks") > 0) *p.plan.mutable_risks() = changes.risks();
  if (fields.count("goals") > 0) *p.plan.mutable_goals() = changes.goals();
  if (fields.count("measures") > 0) {
    *p.plan.mutable_measures() = changes.measures();
  }
  PUMPURS_RETURN_IF_ERROR(
      CheckPlanContent(conn, v, p.semester, p.institution_id, &before, p.plan));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  std::vector<std::string> changed;
  for (const std::string& field : updatable) {
    if (fields.count(field) > 0 && Differs(before, p.plan, field)) {
      changed.push_back(field);
    }
  }
  if (changed.empty()) {
    // Nothing to store; the caller still read the plan.
    auth::AuditRead(call, PlanEvent("supportPlan.update", p));
    return Presented(call.principal, p);
  }
  PUMPURS_RETURN_IF_ERROR(SavePlan(conn, call, p, "update", changed, now));
  PUMPURS_RETURN_IF_ERROR(AuditPlanChange(conn, call, p, "supportPlan.update"));
  return Presented(call.principal, p);
}

absl::StatusOr<v1::SuggestMeasuresResponse> SuggestMeasures(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view locale, int max_results) {
  constexpr char kVerb[] = "supportPlan.suggest";
  Violations v;
  if (!locale.empty() && locale != "lv" && locale != "en") {
    v.Add("locale", "must be \"lv\" or \"en\"");
  }
  if (max_results < 0) v.Add("max_results", "must not be negative");
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(StoredPlan p, LoadVisible(conn, call, id, kVerb));
  if (ViewOf(call.principal, p) != View::kStaff) {
    // Suggestions are for those who work on the plan.
    const AuditEvent refused = PlanEvent(kVerb, p);
    PUMPURS_RETURN_IF_ERROR(
        auth::Allow(call, Action::kPlanRead, TargetOf(p), &refused));
  }
  const v1::SupportPlan shown = Presented(call.principal, p);

  v1::RecommendMeasuresRequest request;
  for (const v1::PlanRisk& r : shown.risks()) {
    if (r.redacted() || r.risk_factor().empty()) continue;
    v1::AssessedRisk* risk = request.add_risks();
    risk->set_risk_factor(r.risk_factor());
    risk->set_severity(r.severity());
  }
  v1::SuggestMeasuresResponse response;
  auth::AuditRead(call, PlanEvent(kVerb, p));
  if (request.risks_size() == 0) return response;

  PUMPURS_ASSIGN_OR_RETURN(std::optional<PupilPlace> place,
                           LoadPupilPlace(conn, p.pupil_id));
  const int grade = place ? place->grade : 0;
  request.set_grade(grade >= 0 && grade <= 12 ? grade : 0);
  PUMPURS_ASSIGN_OR_RETURN(int kind, InstitutionKindOf(conn, p.institution_id));
  request.set_institution_kind(static_cast<v1::InstitutionKind>(kind));
  request.set_locale(std::string(locale));
  request.set_max_results(max_results);
  PUMPURS_ASSIGN_OR_RETURN(
      v1::RecommendMeasuresResponse recommended,
      knowledge::RecommendMeasures(conn, call.principal, request));

  std::set<std::string> in_plan;
  for (const v1::PlanMeasure& m : p.plan.measures()) {
    if (!m.measure_type().empty()) in_plan.insert(m.measure_type());
  }
  for (const v1::Recommendation& rec : recommended.recommendations()) {
    v1::MeasureSuggestion* s = response.add_suggestions();
    v1::PlanMeasure* m = s->mutable_measure();
    m->set_measure_type(rec.measure_type());
    PUMPURS_ASSIGN_OR_RETURN(v1::MeasureUnit unit,
                             UnitOf(conn, rec.measure_type()));
    m->set_unit(unit);
    std::vector<std::string> evidence;
    for (const v1::RecommendationReason& reason : rec.reasons()) {
      m->add_addresses(reason.risk_factor());
      if (!reason.evidence().empty()) evidence.push_back(reason.evidence());
    }
    m->set_justification(
        TruncateUtf8(absl::StrJoin(evidence, " "), kMaxJustificationChars));
    *s->mutable_recommendation() = rec;
    s->set_already_in_plan(in_plan.count(rec.measure_type()) > 0);
  }
  return response;
}

absl::StatusOr<ListPage<v1::PlanRevision>> GetSupportPlanHistory(
    Connection& conn, const CallContext& call, absl::string_view id,
    int page_size, absl::string_view page_token) {
  PUMPURS_ASSIGN_OR_RETURN(StoredPlan p,
                           LoadVisible(conn, call, id, "supportPlan.history"));
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(page_size));
  const std::string query = absl::StrCat("GetSupportPlanHistory|", p.id);
  int64_t before = std::numeric_limits<int64_t>::max();
  if (!page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(page_token, query, 1));
    PUMPURS_ASSIGN_OR_RETURN(before, ToInt(key[0]));
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT number, time, actor, action, changed_fields, "
                   "state FROM support_plan_revisions WHERE plan_id = ? AND "
                   "number < ? ORDER BY number DESC LIMIT ?"));
  s.Bind(1, p.id).Bind(2, before).Bind(3, int64_t{size} + 1);
  ListPage<v1::PlanRevision> page;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == size) {
      page.next_page_token =
          EncodePageToken(query, {absl::StrCat(page.items.back().number())});
      break;
    }
    v1::PlanRevision r;
    r.set_number(static_cast<int32_t>(s.ColumnInt64(0)));
    *r.mutable_time() = ToProto(s.ColumnInt64(1));
    r.set_actor(s.ColumnText(2));
    r.set_action(s.ColumnText(3));
    const std::string fields = s.ColumnText(4);
    if (!fields.empty()) {
      for (absl::string_view f : absl::StrSplit(fields, ',')) {
        r.add_changed_fields(std::string(f));
      }
    }
    r.set_state(static_cast<v1::PlanState>(s.ColumnInt64(5)));
    page.items.push_back(std::move(r));
  }
  auth::AuditRead(call, PlanEvent("supportPlan.history", p));
  return page;
}

}  // namespace pumpurs::plans
