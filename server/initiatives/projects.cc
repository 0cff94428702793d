#include "server/initiatives/projects.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/initiatives/access.h"
#include "server/initiatives/listing.h"
#include "server/initiatives/validation.h"
#include "server/plans/semester.h"
#include "server/storage/request_ids.h"

namespace pumpurs::initiatives {
namespace {

using auth::Action;

constexpr char kCreateMethod[] = "CreateInitiative";

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return Error(absl::StatusCode::kFailedPrecondition, reason, message);
}

v1::Initiative Shown(const Principal& principal, const StoredInitiative& i,
                     const StoredCall& c) {
  return Presented(principal, ViewOf(principal, i, c), i);
}

void Apply(const std::set<std::string>& fields, const v1::Initiative& from,
           v1::Initiative& to) {
  auto has = [&](const char* f) { return fields.count(f) > 0; };
  if (has("organisation")) *to.mutable_organisation() = from.organisation();
  if (has("group_name")) to.set_group_name(from.group_name());
  if (has("members")) *to.mutable_members() = from.members();
  if (has("supervisor")) *to.mutable_supervisor() = from.supervisor();
  if (has("title")) to.set_title(from.title());
  if (has("aims")) to.set_aims(from.aims());
  if (has("activities")) *to.mutable_activities() = from.activities();
  if (has("budget")) *to.mutable_budget() = from.budget();
  if (has("planned_participants")) {
    to.set_planned_participants(from.planned_participants());
  }
  if (has("planned_at_risk")) to.set_planned_at_risk(from.planned_at_risk());
}

// Stores a change of the project and audits it as `verb`, once per pupil
// it names now or named before (a pupil taken off the group is told too).
absl::StatusOr<v1::Initiative> Store(Connection& conn, const CallContext& call,
                                     Loaded& l, absl::string_view verb,
                                     absl::Time now) {
  const std::vector<std::string> before = l.initiative.member_ids;
  PUMPURS_RETURN_IF_ERROR(SaveInitiative(conn, l.initiative, now));
  StoredInitiative audited = l.initiative;
  std::vector<std::string> both;
  std::set_union(before.begin(), before.end(), audited.member_ids.begin(),
                 audited.member_ids.end(), std::back_inserter(both));
  audited.member_ids = std::move(both);
  PUMPURS_RETURN_IF_ERROR(AuditChange(conn, call, audited, verb));
  return Shown(call.principal, l.initiative, l.call);
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

}  // namespace

const std::vector<std::string>& UpdatableInitiativeFields() {
  static const auto* fields = new std::vector<std::string>{
      "organisation",   "group_name", "members",
      "supervisor",     "title",      "aims",
      "activities",     "budget",     "planned_participants",
      "planned_at_risk"};
  return *fields;
}

absl::StatusOr<v1::Initiative> CreateInitiative(Connection& conn,
                                                const CallContext& call,
                                                const v1::Initiative& in,
                                                absl::string_view request_id,
                                                absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  if (call.principal.is_service) {
    // The account that applies owns the project and answers for it: a
    // person's account.
    return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                 "only a user account may apply");
  }
  Violations v;
  CheckRequestId(v, request_id);
  std::string call_id;
  if (in.call().empty()) {
    v.Add("initiative.call", "is required");
  } else {
    absl::StatusOr<std::string> id =
        ParseResourceName(in.call(), kCalls, "initiative.call");
    if (id.ok()) {
      call_id = *id;
    } else {
      for (const FieldViolation& fv : FieldViolationsOf(id.status())) {
        v.Add(fv.field, fv.description);
      }
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
          ParseResourceName(*earlier, kInitiatives, "request_id"));
      // The first result, as any read of it: authorized and audited.
      return GetInitiative(conn, call, id);
    }
  }

  PUMPURS_ASSIGN_OR_RETURN(StoredCall c, LoadVisibleCall(conn, call, call_id));
  PUMPURS_RETURN_IF_ERROR(
      auth::Authorize(call.principal, Action::kInitiativeApply, CallTarget(c)));
  if (c.state() != v1::CALL_STATE_OPEN) {
    return Refused("CALL_NOT_OPEN", "the call does not take applications");
  }
  v1::Initiative content = ProjectContentOf(in);
  PUMPURS_RETURN_IF_ERROR(CheckProjectForm(conn, v, content));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  StoredInitiative i;
  i.id = NewId();
  i.call_id = c.id;
  i.municipality_id = c.municipality_id;
  i.institution_id = c.institution_id;
  i.owner_account_id = call.principal.account_id;
  i.initiative = std::move(content);
  i.initiative.set_municipality(c.call.municipality());
  i.initiative.set_state(v1::INITIATIVE_STATE_DRAFT);
  PUMPURS_RETURN_IF_ERROR(InsertInitiative(conn, i, now));
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(
        storage::RequestIds::Remember(conn, call.caller_id, kCreateMethod,
                                      request_id, i.initiative.name(), now));
  }
  PUMPURS_RETURN_IF_ERROR(AuditChange(conn, call, i, "initiative.create"));
  return Shown(call.principal, i, c);
}

absl::StatusOr<v1::Initiative> GetInitiative(Connection& conn,
                                             const CallContext& call,
                                             absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(Loaded l,
                           LoadVisible(conn, call, id, "initiative.read"));
  AuditRead(call, l.initiative, "initiative.read");
  return Presented(call.principal, l.view, l.initiative);
}

absl::StatusOr<ListPage<v1::Initiative>> ListInitiatives(
    Connection& conn, const CallContext& call, const InitiativeFilter& filter) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  if (!v1::InitiativeState_IsValid(filter.state)) {
    return InvalidFieldError("state", "is not a known project state");
  }
  const SqlCondition visible = VisibleInitiatives(call.principal);
  IdQuery q;
  q.alias = "i";
  q.sql = absl::StrCat("SELECT i.id, i.create_time FROM initiatives i WHERE ",
                       visible.sql);
  q.binds.assign(visible.binds.begin(), visible.binds.end());
  if (!filter.call_id.empty()) {
    absl::StrAppend(&q.sql, " AND i.call_id = ?");
    q.binds.emplace_back(filter.call_id);
  }
  if (filter.state != v1::INITIATIVE_STATE_UNSPECIFIED) {
    absl::StrAppend(&q.sql, " AND i.state = ?");
    q.binds.emplace_back(int64_t{filter.state});
  }
  if (!filter.municipality_id.empty()) {
    // Call.municipality: the municipality's own calls and those of the
    // state vocational schools in it.
    absl::StrAppend(&q.sql,
                    " AND (i.municipality_id = ? OR i.institution_id IN "
                    "(SELECT id FROM institutions WHERE municipality_id = ?))");
    q.binds.emplace_back(filter.municipality_id);
    q.binds.emplace_back(filter.municipality_id);
  }
  q.query =
      absl::StrCat("ListInitiatives|", filter.call_id, "|",
                   static_cast<int>(filter.state), "|", filter.municipality_id);
  q.page_size = filter.page_size;
  q.page_token = filter.page_token;
  PUMPURS_ASSIGN_OR_RETURN(IdPage ids, PageOfIds(conn, std::move(q)));

  ListPage<v1::Initiative> page;
  page.next_page_token = ids.next_page_token;
  std::map<std::string, StoredCall> calls;
  for (const std::string& id : ids.ids) {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredInitiative> i,
                             LoadInitiative(conn, id));
    if (!i) continue;
    auto at = calls.find(i->call_id);
    if (at == calls.end()) {
      PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredCall> c,
                               LoadCall(conn, i->call_id));
      if (!c) return absl::DataLossError("a project's call is missing");
      at = calls.emplace(i->call_id, *std::move(c)).first;
    }
    const View view = ViewOf(call.principal, *i, at->second);
    // The SQL condition and ViewOf agree (tested); this keeps a
    // disagreement from ever showing a project.
    if (view == View::kNone) continue;
    AuditRead(call, *i, "initiative.list");
    page.items.push_back(Presented(call.principal, view, *i));
  }
  return page;
}

absl::StatusOr<v1::Initiative> UpdateInitiative(
    Connection& conn, const CallContext& call, absl::string_view id,
    const v1::Initiative& changes, const std::vector<std::string>& paths,
    absl::string_view etag, absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  PUMPURS_ASSIGN_OR_RETURN(
      std::set<std::string> fields,
      CheckUpdatePaths(paths, UpdatableInitiativeFields()));
  PUMPURS_ASSIGN_OR_RETURN(
      Loaded l, LoadForChange(conn, call, id, Action::kInitiativeEdit, etag,
                              "initiative.update"));
  if (l.initiative.state() != v1::INITIATIVE_STATE_DRAFT) {
    return Refused("INITIATIVE_NOT_DRAFT", "only a draft project changes");
  }
  v1::Initiative next = l.initiative.initiative;
  Apply(fields, changes, next);
  Violations v;
  PUMPURS_RETURN_IF_ERROR(CheckProjectForm(conn, v, next));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  if (google::protobuf::util::MessageDifferencer::Equals(
          next, l.initiative.initiative)) {
    // Nothing to store; the caller still read the project.
    AuditRead(call, l.initiative, "initiative.update");
    return Shown(call.principal, l.initiative, l.call);
  }
  l.initiative.initiative = std::move(next);
  return Store(conn, call, l, "initiative.update", now);
}

absl::StatusOr<v1::Initiative> SubmitInitiative(Connection& conn,
                                                const CallContext& call,
                                                absl::string_view id,
                                                absl::string_view etag,
                                                absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      Loaded l, LoadForChange(conn, call, id, Action::kInitiativeEdit, etag,
                              "initiative.submit"));
  if (l.initiative.state() != v1::INITIATIVE_STATE_DRAFT) {
    return Refused("INITIATIVE_NOT_DRAFT", "only a draft project is submitted");
  }
  const v1::Call& c = l.call.call;
  if (l.call.state() != v1::CALL_STATE_OPEN) {
    return Refused("CALL_NOT_OPEN", "the call does not take applications");
  }
  const absl::CivilDay today = plans::DayInLatvia(now);
  const std::optional<absl::CivilDay> start =
      plans::ParseDay(c.application_start());
  const std::optional<absl::CivilDay> end =
      plans::ParseDay(c.application_end());
  if (!start || !end || today < *start || today > *end) {
    return Refused(
        "OUTSIDE_APPLICATION_PERIOD",
        absl::StrCat("applications are submitted from ", c.application_start(),
                     " to ", c.application_end(), " (days in Latvia)"));
  }
  Violations v;
  PUMPURS_RETURN_IF_ERROR(CheckProjectForm(conn, v, l.initiative.initiative));
  CheckProjectComplete(v, l.initiative.initiative);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  const int64_t total = BudgetTotal(l.initiative.initiative);
  if (total != c.lump_sum_cents()) {
    return Refused("BUDGET_NOT_LUMP_SUM",
                   absl::StrCat("the budget adds up to ", total,
                                " cents; the call funds every project with "
                                "exactly ",
                                c.lump_sum_cents(), " cents"));
  }
  l.initiative.initiative.set_state(v1::INITIATIVE_STATE_SUBMITTED);
  *l.initiative.initiative.mutable_submit_time() = ToProto(now);
  return Store(conn, call, l, "initiative.submit", now);
}

absl::StatusOr<v1::Initiative> WithdrawInitiative(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view reason, absl::string_view etag, absl::Time now) {
  Violations v;
  CheckRequiredText(v, "reason", reason, kMaxWithdrawReasonChars);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(
      Loaded l, LoadForChange(conn, call, id, Action::kInitiativeEdit, etag,
                              "initiative.withdraw"));
  const v1::InitiativeState state = l.initiative.state();
  if (state != v1::INITIATIVE_STATE_DRAFT &&
      state != v1::INITIATIVE_STATE_SUBMITTED &&
      state != v1::INITIATIVE_STATE_EVALUATED) {
    return Refused("INITIATIVE_NOT_WITHDRAWABLE",
                   "a project is withdrawn only before the decision");
  }
  l.initiative.initiative.set_state(v1::INITIATIVE_STATE_WITHDRAWN);
  l.initiative.initiative.set_withdraw_reason(std::string(reason));
  return Store(conn, call, l, "initiative.withdraw", now);
}

}  // namespace pumpurs::initiatives
