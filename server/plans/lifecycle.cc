#include "server/plans/lifecycle.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "server/auth/audit.h"
#include "server/auth/audited_access.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/plans/access.h"
#include "server/plans/semester.h"

namespace pumpurs::plans {
namespace {

using auth::Action;

constexpr size_t kMaxComment = 2000;
constexpr size_t kMaxReason = 1000;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

// A plan the caller may manage, still open to work.
absl::StatusOr<StoredPlan> LoadWorkable(Connection& conn,
                                        const CallContext& call,
                                        absl::string_view id,
                                        absl::string_view etag,
                                        absl::string_view verb) {
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p,
      LoadForChange(conn, call, id, Action::kPlanManage, etag, verb));
  PUMPURS_RETURN_IF_ERROR(RequireWorkable(p));
  return p;
}

Action ApproveAction(v1::ApprovalLevel level) {
  switch (level) {
    case v1::APPROVAL_LEVEL_MUNICIPALITY:
      return Action::kPlanApproveMunicipality;
    case v1::APPROVAL_LEVEL_NATIONAL:
      return Action::kPlanApproveNational;
    default:
      return Action::kPlanApproveInstitution;
  }
}

// The levels of the plan's chain at which the caller may decide.
std::vector<v1::ApprovalLevel> LevelsOf(const Principal& principal,
                                        const StoredPlan& p) {
  std::vector<v1::ApprovalLevel> out;
  for (int level : p.plan.approval_levels()) {
    const auto l = static_cast<v1::ApprovalLevel>(level);
    if (auth::Authorize(principal, ApproveAction(l), TargetOf(p)).ok()) {
      out.push_back(l);
    }
  }
  return out;
}

// The plain refusal, audited, for a caller the policy allowed an action on a
// plan they may not see in its present state (a draft, for the family or an
// approval level).
absl::Status DenyUnseen(const CallContext& call, const StoredPlan& p,
                        absl::string_view verb) {
  AuditEvent e = PlanEvent(verb, p);
  e.outcome = AuditOutcome::kDenied;
  auth::DeferAudit(call, std::move(e));
  return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
               "the caller may not do this here");
}

// The plan loaded for the decision of the level now due. The action
// checked is that level's; for a plan awaiting no decision, a level of the
// caller's (so an approver learns the state, anyone else nothing).
absl::StatusOr<StoredPlan> LoadForDecision(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag,
                                           absl::string_view verb) {
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredPlan> found, LoadPlan(conn, id));
  std::vector<v1::ApprovalLevel> mine;
  v1::ApprovalLevel due = v1::APPROVAL_LEVEL_UNSPECIFIED;
  if (found) {
    mine = LevelsOf(call.principal, *found);
    if (found->state() == v1::PLAN_STATE_IN_APPROVAL) {
      due = found->plan.pending_level();
    }
  }
  const v1::ApprovalLevel checked = due != v1::APPROVAL_LEVEL_UNSPECIFIED ? due
                                    : mine.empty()
                                        ? v1::APPROVAL_LEVEL_INSTITUTION
                                        : mine.front();
  absl::StatusOr<StoredPlan> p =
      LoadForChange(conn, call, id, ApproveAction(checked), etag, verb);
  if (!p.ok()) {
    // A plan in approval is visible to every level of its chain, so telling
    // an approver of another level why leaks nothing.
    if (p.status().code() == absl::StatusCode::kPermissionDenied &&
        due != v1::APPROVAL_LEVEL_UNSPECIFIED && !mine.empty()) {
      return Error(absl::StatusCode::kPermissionDenied,
                   "NOT_YOUR_APPROVAL_LEVEL",
                   "the plan awaits the decision of another approval level");
    }
    return p.status();
  }
  if (ViewOf(call.principal, *p) == View::kNone) {
    return DenyUnseen(call, *p, verb);
  }
  PUMPURS_RETURN_IF_ERROR(RequireWorkable(*p));
  if (p->state() != v1::PLAN_STATE_IN_APPROVAL) {
    return Refused("PLAN_NOT_IN_APPROVAL", "the plan is not in approval");
  }
  return p;
}

void AddStep(StoredPlan& p, const CallContext& call,
             v1::ApprovalDecision decision, absl::string_view comment,
             absl::Time now) {
  v1::ApprovalStep* step = p.plan.add_approvals();
  step->set_level(p.plan.pending_level());
  step->set_decision(decision);
  step->set_approver(call.caller_id);
  *step->mutable_time() = ToProto(now);
  step->set_comment(std::string(comment));
  step->set_round(p.plan.round());
}

// What keeps a plan from being submitted, or "" if nothing.
std::string Missing(const v1::SupportPlan& plan) {
  std::vector<std::string> missing;
  if (plan.risks_size() == 0) missing.push_back("no risk");
  if (plan.goals_size() == 0) missing.push_back("no goal");
  if (plan.measures_size() == 0) missing.push_back("no measure");
  std::set<std::string> risks;
  for (const v1::PlanRisk& r : plan.risks()) risks.insert(r.risk_factor());
  std::vector<std::string> unlinked;
  for (const v1::PlanMeasure& m : plan.measures()) {
    bool linked = false;
    for (const std::string& a : m.addresses()) linked |= risks.count(a) > 0;
    if (!linked) unlinked.push_back(m.id());
  }
  if (!unlinked.empty()) {
    missing.push_back(absl::StrCat("measures addressing no risk of the plan: ",
                                   absl::StrJoin(unlinked, ", ")));
  }
  return absl::StrJoin(missing, "; ");
}

absl::StatusOr<bool> HasDeliveries(Connection& conn, absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM plan_deliveries WHERE plan_id = ? LIMIT 1"));
  s.Bind(1, id);
  return s.Step();
}

// "guardians/{id}" or "pupils/{id}": who of the family the caller is for
// this plan.
std::string FamilyMember(const Principal& principal, const StoredPlan& p) {
  for (const RoleBinding& b : principal.roles) {
    if (b.role == Role::kGuardian &&
        std::find(p.guardian_ids.begin(), p.guardian_ids.end(), b.scope_id) !=
            p.guardian_ids.end()) {
      return ResourceName(kGuardians, b.scope_id);
    }
  }
  for (const RoleBinding& b : principal.roles) {
    if (b.role == Role::kAdultPupil && b.scope_id == p.pupil_id) {
      return ResourceName(kPupils, b.scope_id);
    }
  }
  return "";
}

}  // namespace

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return Error(absl::StatusCode::kFailedPrecondition, reason, message);
}

absl::StatusOr<v1::SupportPlan> SaveAction(
    Connection& conn, const CallContext& call, StoredPlan& p,
    absl::string_view action, const std::vector<std::string>& changed_fields,
    absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(SavePlan(conn, call, p, action, changed_fields, now));
  PUMPURS_RETURN_IF_ERROR(
      AuditPlanChange(conn, call, p, absl::StrCat("supportPlan.", action)));
  return Presented(call.principal, p);
}

absl::StatusOr<v1::SupportPlan> SubmitPlan(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag,
                                           absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p, LoadWorkable(conn, call, id, etag, "supportPlan.submit"));
  if (p.state() != v1::PLAN_STATE_DRAFT &&
      p.state() != v1::PLAN_STATE_UNDER_REVISION) {
    return Refused("PLAN_NOT_IN_DRAFT",
                   "only a draft or a plan under revision can be submitted");
  }
  if (std::string missing = Missing(p.plan); !missing.empty()) {
    return Refused("PLAN_INCOMPLETE",
                   absl::StrCat("the plan is not complete: ", missing));
  }
  p.plan.set_state(v1::PLAN_STATE_IN_APPROVAL);
  p.plan.set_round(p.plan.round() + 1);
  p.plan.set_pending_level(v1::APPROVAL_LEVEL_INSTITUTION);
  p.submitted = true;
  return SaveAction(conn, call, p, "submit",
                    {"state", "round", "pending_level"}, now);
}

absl::StatusOr<v1::SupportPlan> ApprovePlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, absl::string_view comment, absl::Time now) {
  Violations v;
  CheckOptionalText(v, "comment", comment, kMaxComment);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p,
      LoadForDecision(conn, call, id, etag, "supportPlan.approve"));
  AddStep(p, call, v1::APPROVAL_DECISION_APPROVED, comment, now);
  const auto& levels = p.plan.approval_levels();
  auto at = std::find(levels.begin(), levels.end(), p.plan.pending_level());
  std::vector<std::string> changed = {"approvals", "pending_level"};
  if (at == levels.end() || std::next(at) == levels.end()) {
    p.plan.set_state(v1::PLAN_STATE_APPROVED);
    p.plan.clear_pending_level();
    changed.push_back("state");
  } else {
    p.plan.set_pending_level(static_cast<v1::ApprovalLevel>(*std::next(at)));
  }
  return SaveAction(conn, call, p, "approve", changed, now);
}

absl::StatusOr<v1::SupportPlan> RejectPlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, absl::string_view comment, absl::Time now) {
  Violations v;
  CheckRequiredText(v, "comment", comment, kMaxComment);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(StoredPlan p, LoadForDecision(conn, call, id, etag,
                                                         "supportPlan.reject"));
  AddStep(p, call, v1::APPROVAL_DECISION_REJECTED, comment, now);
  p.plan.set_state(v1::PLAN_STATE_DRAFT);
  p.plan.clear_pending_level();
  return SaveAction(conn, call, p, "reject",
                    {"state", "approvals", "pending_level"}, now);
}

absl::StatusOr<v1::SupportPlan> StartPlan(Connection& conn,
                                          const CallContext& call,
                                          absl::string_view id,
                                          absl::string_view etag,
                                          absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p, LoadWorkable(conn, call, id, etag, "supportPlan.start"));
  if (p.state() != v1::PLAN_STATE_APPROVED) {
    return Refused("PLAN_NOT_APPROVED", "only an approved plan can start");
  }
  p.plan.set_state(v1::PLAN_STATE_IN_IMPLEMENTATION);
  return SaveAction(conn, call, p, "start", {"state"}, now);
}

absl::StatusOr<v1::SupportPlan> SuspendPlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, absl::string_view reason, absl::Time now) {
  Violations v;
  CheckRequiredText(v, "reason", reason, kMaxReason);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p, LoadWorkable(conn, call, id, etag, "supportPlan.suspend"));
  if (p.state() != v1::PLAN_STATE_IN_APPROVAL &&
      p.state() != v1::PLAN_STATE_APPROVED &&
      p.state() != v1::PLAN_STATE_IN_IMPLEMENTATION) {
    return Refused("PLAN_NOT_SUSPENDABLE",
                   "only a plan in approval, approved or in implementation "
                   "can be suspended");
  }
  p.plan.set_state(v1::PLAN_STATE_SUSPENDED);
  p.plan.set_suspend_reason(std::string(reason));
  p.plan.clear_pending_level();
  return SaveAction(conn, call, p, "suspend",
                    {"state", "suspend_reason", "pending_level"}, now);
}

absl::StatusOr<v1::SupportPlan> ResumePlan(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag,
                                           absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p, LoadWorkable(conn, call, id, etag, "supportPlan.resume"));
  if (p.state() != v1::PLAN_STATE_SUSPENDED) {
    return Refused("PLAN_NOT_SUSPENDED", "the plan is not suspended");
  }
  // Before the semester begins the plan can still run in it; only its end
  // closes the door.
  if (DayInLatvia(now) > LastDay(p.semester)) {
    return Refused("SEMESTER_OVER",
                   "the plan's semester is over: prepare a new plan");
  }
  p.plan.set_state(v1::PLAN_STATE_UNDER_REVISION);
  return SaveAction(conn, call, p, "resume", {"state"}, now);
}

absl::StatusOr<v1::SupportPlan> RevisePlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, absl::string_view reason, absl::Time now) {
  Violations v;
  CheckOptionalText(v, "reason", reason, kMaxReason);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p, LoadWorkable(conn, call, id, etag, "supportPlan.revise"));
  if (p.state() != v1::PLAN_STATE_APPROVED &&
      p.state() != v1::PLAN_STATE_IN_IMPLEMENTATION) {
    return Refused("PLAN_NOT_REVISABLE",
                   "only an approved plan or one in implementation can be "
                   "revised");
  }
  p.plan.set_state(v1::PLAN_STATE_UNDER_REVISION);
  return SaveAction(conn, call, p, "revise", {"state"}, now);
}

absl::StatusOr<v1::SupportPlan> DeletePlan(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag,
                                           absl::Time now) {
  // A withdrawn application stops work, not the clean-up of an unused plan.
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p, LoadForChange(conn, call, id, Action::kPlanManage, etag,
                                  "supportPlan.delete"));
  if (p.state() == v1::PLAN_STATE_INACTIVE) {
    return Refused("PLAN_INACTIVE", "the plan was already deleted");
  }
  PUMPURS_ASSIGN_OR_RETURN(bool delivered, HasDeliveries(conn, p.id));
  if (delivered || p.plan.funds_used_cents() != 0) {
    return Refused("FUNDS_USED",
                   "funds were used on the plan: it cannot be deleted");
  }
  p.plan.clear_problem_description();
  p.plan.clear_risks();
  p.plan.clear_goals();
  p.plan.clear_measures();
  p.plan.clear_pending_level();
  p.plan.set_state(v1::PLAN_STATE_INACTIVE);
  return SaveAction(conn, call, p, "delete",
                    {"state", "problem_description", "risks", "goals",
                     "measures", "pending_level"},
                    now);
}

absl::StatusOr<v1::SupportPlan> AcknowledgePlan(Connection& conn,
                                                const CallContext& call,
                                                absl::string_view id,
                                                absl::string_view comment,
                                                absl::Time now) {
  Violations v;
  CheckOptionalText(v, "comment", comment, kMaxComment);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  constexpr char kVerb[] = "supportPlan.acknowledge";
  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p,
      LoadForChange(conn, call, id, Action::kPlanAcknowledge, "", kVerb));
  // The family does not see drafts (access.h), so it hears what it would
  // for a plan it may not see.
  if (p.state() == v1::PLAN_STATE_DRAFT) return DenyUnseen(call, p, kVerb);
  if (p.state() == v1::PLAN_STATE_INACTIVE) {
    return Refused("PLAN_INACTIVE", "the plan was deleted");
  }
  const std::string by = FamilyMember(call.principal, p);
  if (by.empty()) return DenyUnseen(call, p, kVerb);
  v1::Acknowledgement* a = p.plan.add_acknowledgements();
  a->set_by(by);
  *a->mutable_time() = ToProto(now);
  a->set_comment(std::string(comment));
  return SaveAction(conn, call, p, "acknowledge", {"acknowledgements"}, now);
}

}  // namespace pumpurs::plans
