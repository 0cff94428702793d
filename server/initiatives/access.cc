#include "server/initiatives/access.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "server/auth/audit.h"
#include "server/auth/audited_access.h"
#include "server/common/error.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"

namespace pumpurs::initiatives {
namespace {

using auth::Action;

bool Allowed(const Principal& p, Action action, const auth::Target& t) {
  return auth::Authorize(p, action, t).ok();
}

bool HasScope(const Principal& p, Action action) {
  return !p.is_service ||
         std::find(p.api_scopes.begin(), p.api_scopes.end(),
                   auth::ApiScopeFor(action)) != p.api_scopes.end();
}

std::vector<AuditEvent> Events(absl::string_view verb,
                               const StoredInitiative& i,
                               AuditOutcome outcome) {
  std::vector<AuditEvent> out;
  for (const std::string& pupil : i.member_ids) {
    AuditEvent e;
    e.action = std::string(verb);
    e.resource = i.initiative.name();
    e.institution_id = i.institution_id;
    e.municipality_id = i.municipality_id;
    e.pupil_id = pupil;
    e.outcome = outcome;
    out.push_back(std::move(e));
  }
  return out;
}

absl::Status Refuse(const CallContext& call, const StoredInitiative& i,
                    absl::string_view verb, absl::Status refusal) {
  for (AuditEvent& e : Events(verb, i, AuditOutcome::kDenied)) {
    auth::DeferAudit(call, std::move(e));
  }
  return refusal;
}

// Where the rest of kInitiativeRead decides: its evaluator rule is ViewOf's
// kEvaluator, which holds only once a project is submitted, so a draft is
// never shown (nor a refusal explained) by it.
auth::Target FamilyTarget(auth::Target t) {
  t.evaluator_account_ids.clear();
  return t;
}

absl::StatusOr<StoredCall> CallOf(Connection& conn, const StoredInitiative& i) {
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredCall> c,
                           LoadCall(conn, i.call_id));
  if (!c) return absl::DataLossError("a project's call is missing");
  return *std::move(c);
}

}  // namespace

auth::Target CallTarget(const StoredCall& c) {
  auth::Target t;
  t.municipality_id = c.municipality_id;
  t.institution_id = c.institution_id;
  return t;
}

auth::Target InitiativeTarget(const StoredInitiative& i, const StoredCall& c) {
  auth::Target t = CallTarget(c);
  t.account_id = i.owner_account_id;
  t.member_pupil_ids = i.member_ids;
  t.guardian_ids = i.guardian_ids;
  t.evaluator_account_ids = c.evaluator_ids;
  return t;
}

bool ManagesCall(const Principal& principal, const StoredCall& c) {
  return Allowed(principal, Action::kInitiativeCallManage, CallTarget(c));
}

bool SeesCall(const Principal& principal, const StoredCall& c) {
  // Seeing is reading: a service key needs the read scope (as VisibleCalls).
  if (!HasScope(principal, Action::kInitiativeCallRead)) return false;
  if (ManagesCall(principal, c)) return true;
  return c.state() != v1::CALL_STATE_DRAFT &&
         Allowed(principal, Action::kInitiativeCallRead, CallTarget(c));
}

v1::Call PresentedCall(const Principal& principal, const StoredCall& c) {
  v1::Call out = c.call;
  if (!ManagesCall(principal, c)) out.clear_evaluators();
  return out;
}

View ViewOf(const Principal& principal, const StoredInitiative& i,
            const StoredCall& c) {
  // Every view is a read: a service key needs the read scope for any (as
  // VisibleInitiatives).
  if (!HasScope(principal, Action::kInitiativeRead)) return View::kNone;
  if (ManagesCall(principal, c)) return View::kCoordinator;
  const auth::Target t = InitiativeTarget(i, c);
  if (Allowed(principal, Action::kInitiativeEdit, t)) return View::kOwner;
  if (i.state() != v1::INITIATIVE_STATE_DRAFT &&
      Allowed(principal, Action::kInitiativeScore, t)) {
    return View::kEvaluator;
  }
  if (Allowed(principal, Action::kInitiativeRead, FamilyTarget(t))) {
    return View::kFamily;
  }
  return View::kNone;
}

v1::Initiative Presented(const Principal& principal, View view,
                         const StoredInitiative& i) {
  v1::Initiative out = i.initiative;
  if (view == View::kCoordinator) return out;
  out.set_planned_at_risk(0);
  if (out.has_report()) out.mutable_report()->set_participants_at_risk(0);
  auto* evaluations = out.mutable_evaluations();
  const std::string me = ResourceName(kAccounts, principal.account_id);
  evaluations->erase(std::remove_if(evaluations->begin(), evaluations->end(),
                                    [&](const v1::Evaluation& e) {
                                      return view != View::kEvaluator ||
                                             e.evaluator() != me;
                                    }),
                     evaluations->end());
  return out;
}

absl::StatusOr<StoredCall> LoadVisibleCall(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  const std::string name = ResourceName(kCalls, id);
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredCall> c, LoadCall(conn, id));
  if (!c || !SeesCall(call.principal, *c)) {
    return auth::MissingObject(call.principal, Action::kInitiativeCallManage,
                               name);
  }
  return *std::move(c);
}

absl::StatusOr<StoredCall> LoadManagedCall(Connection& conn,
                                           const CallContext& call,
                                           absl::string_view id,
                                           absl::string_view etag) {
  PUMPURS_ASSIGN_OR_RETURN(StoredCall c, LoadVisibleCall(conn, call, id));
  PUMPURS_RETURN_IF_ERROR(auth::Authorize(
      call.principal, Action::kInitiativeCallManage, CallTarget(c)));
  if (!EtagMatches(etag, c.version)) return EtagMismatchError(c.call.name());
  return c;
}

absl::StatusOr<Loaded> LoadVisible(Connection& conn, const CallContext& call,
                                   absl::string_view id,
                                   absl::string_view verb) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  const std::string name = ResourceName(kInitiatives, id);
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredInitiative> i,
                           LoadInitiative(conn, id));
  if (!i) {
    return auth::MissingObject(call.principal, Action::kInitiativeRead, name);
  }
  Loaded out;
  PUMPURS_ASSIGN_OR_RETURN(out.call, CallOf(conn, *i));
  out.view = ViewOf(call.principal, *i, out.call);
  if (out.view == View::kNone) {
    return Refuse(
        call, *i, verb,
        auth::Authorize(call.principal, Action::kInitiativeRead,
                        FamilyTarget(InitiativeTarget(*i, out.call))));
  }
  out.initiative = *std::move(i);
  return out;
}

absl::StatusOr<Loaded> LoadForChange(Connection& conn, const CallContext& call,
                                     absl::string_view id, Action action,
                                     absl::string_view etag,
                                     absl::string_view verb) {
  PUMPURS_ASSIGN_OR_RETURN(Loaded out, LoadVisible(conn, call, id, verb));
  const auth::Target t = action == Action::kInitiativeCallManage
                             ? CallTarget(out.call)
                             : InitiativeTarget(out.initiative, out.call);
  absl::Status allowed = auth::Authorize(call.principal, action, t);
  if (!allowed.ok()) return Refuse(call, out.initiative, verb, allowed);
  if (!EtagMatches(etag, out.initiative.version)) {
    return EtagMismatchError(out.initiative.initiative.name());
  }
  return out;
}

void AuditRead(const CallContext& call, const StoredInitiative& i,
               absl::string_view verb) {
  for (AuditEvent& e : Events(verb, i, AuditOutcome::kAllowed)) {
    auth::DeferAudit(call, std::move(e));
  }
}

absl::Status AuditChange(Connection& conn, const CallContext& call,
                         const StoredInitiative& i, absl::string_view verb) {
  for (const AuditEvent& e : Events(verb, i, AuditOutcome::kAllowed)) {
    PUMPURS_RETURN_IF_ERROR(auth::RecordAudit(conn, call, e, absl::Now()));
  }
  return absl::OkStatus();
}

SqlCondition VisibleCalls(const Principal& principal) {
  SqlCondition c;
  if (!principal.authenticated() ||
      !HasScope(principal, Action::kInitiativeCallRead)) {
    c.sql = "0";
    return c;
  }
  std::vector<std::string> parts = {"c.state != 1"};
  // Drafts are for those who manage the call (SeesCall): a service key
  // needs the write scope for them too.
  const bool manages = HasScope(principal, Action::kInitiativeCallManage);
  for (const RoleBinding& b : principal.roles) {
    if (!manages) break;
    if (b.role == Role::kNationalAdministrator) {
      parts.push_back("1");
    } else if (b.role == Role::kMunicipalityCoordinator) {
      parts.push_back("c.municipality_id = ?");
      c.binds.push_back(b.scope_id);
    } else if (b.role == Role::kInstitutionHead ||
               b.role == Role::kInstitutionCoordinator) {
      parts.push_back("c.institution_id = ?");
      c.binds.push_back(b.scope_id);
    }
  }
  c.sql = "(" + absl::StrJoin(parts, " OR ") + ")";
  return c;
}

SqlCondition VisibleInitiatives(const Principal& principal) {
  SqlCondition c;
  if (!principal.authenticated() ||
      !HasScope(principal, Action::kInitiativeRead)) {
    c.sql = "0";
    return c;
  }
  std::vector<std::string> parts = {"i.owner_account_id = ?"};
  c.binds.push_back(principal.account_id);
  parts.push_back(
      "(i.state != 1 AND i.call_id IN (SELECT call_id FROM "
      "initiative_call_evaluators WHERE account_id = ?))");
  c.binds.push_back(principal.account_id);
  for (const RoleBinding& b : principal.roles) {
    switch (b.role) {
      case Role::kNationalAdministrator:
        parts.push_back("1");
        break;
      case Role::kMunicipalityCoordinator:
        parts.push_back("i.municipality_id = ?");
        c.binds.push_back(b.scope_id);
        break;
      case Role::kInstitutionHead:
      case Role::kInstitutionCoordinator:
        parts.push_back("i.institution_id = ?");
        c.binds.push_back(b.scope_id);
        break;
      case Role::kGuardian:
        parts.push_back(
            "i.id IN (SELECT m.initiative_id FROM initiative_members m JOIN "
            "guardian_pupils g ON g.pupil_id = m.pupil_id WHERE "
            "g.guardian_id = ?)");
        c.binds.push_back(b.scope_id);
        break;
      case Role::kAdultPupil:
        parts.push_back(
            "i.id IN (SELECT initiative_id FROM initiative_members WHERE "
            "pupil_id = ?)");
        c.binds.push_back(b.scope_id);
        break;
      default:
        break;
    }
  }
  c.sql = "(" + absl::StrJoin(parts, " OR ") + ")";
  return c;
}

}  // namespace pumpurs::initiatives
