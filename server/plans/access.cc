#include "server/plans/access.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "server/common/error.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"

namespace pumpurs::plans {
namespace {

using auth::Action;

// The approval levels' view of a plan: a state vocational school's plans
// never go to the municipality, so the municipality is left out.
auth::Target ApprovalTarget(const StoredPlan& p) {
  auth::Target t = TargetOf(p);
  if (p.vocational) t.municipality_id.clear();
  return t;
}

auth::Target TargetFor(Action action, const StoredPlan& p) {
  return action == Action::kPlanApprovalRead ||
                 action == Action::kPlanApproveMunicipality
             ? ApprovalTarget(p)
             : TargetOf(p);
}

bool Allowed(const Principal& principal, Action action, const StoredPlan& p) {
  return auth::Authorize(principal, action, TargetFor(action, p)).ok();
}

}  // namespace

auth::Target TargetOf(const StoredPlan& p) {
  auth::Target t;
  t.institution_id = p.institution_id;
  t.municipality_id = p.municipality_id;
  t.pupil_id = p.pupil_id;
  t.guardian_ids = p.guardian_ids;
  t.preparer_id = p.preparer_id;
  t.provider_ids = p.provider_ids;
  return t;
}

View ViewOf(const Principal& principal, const StoredPlan& p) {
  if (Allowed(principal, Action::kPlanRead, p)) return View::kStaff;
  // The family never sees a draft, nor what is left of one deleted before
  // it was ever submitted.
  const bool shown_to_family =
      p.state() != v1::PLAN_STATE_DRAFT &&
      (p.state() != v1::PLAN_STATE_INACTIVE || p.submitted);
  if (shown_to_family && Allowed(principal, Action::kPlanFamilyRead, p)) {
    return View::kFamily;
  }
  if (p.submitted && Allowed(principal, Action::kPlanApprovalRead, p)) {
    return View::kApproval;
  }
  return View::kNone;
}

v1::SupportPlan Presented(const Principal& principal, const StoredPlan& p) {
  v1::SupportPlan out = p.plan;
  if (Allowed(principal, Action::kSpecialCategoryRead, p)) return out;
  // A provider sees the special-category risks their own measures address.
  std::set<std::string> own;
  for (const v1::PlanMeasure& m : out.measures()) {
    absl::string_view provider = m.provider();
    if (absl::ConsumePrefix(&provider, "staff/") &&
        principal.IsStaff(provider)) {
      own.insert(m.addresses().begin(), m.addresses().end());
    }
  }
  std::set<std::string> hidden;
  for (v1::PlanRisk& r : *out.mutable_risks()) {
    if (!r.special_category() || own.count(r.risk_factor()) > 0) continue;
    hidden.insert(r.risk_factor());
    r.clear_risk_factor();
    r.clear_justification();
    r.set_redacted(true);
  }
  if (hidden.empty()) return out;
  for (v1::PlanMeasure& m : *out.mutable_measures()) {
    const int before = m.addresses_size();
    auto* addresses = m.mutable_addresses();
    addresses->erase(std::remove_if(addresses->begin(), addresses->end(),
                                    [&hidden](const std::string& code) {
                                      return hidden.count(code) > 0;
                                    }),
                     addresses->end());
    // A measure's own words may describe the hidden risk: they go whenever
    // it addresses one, even alongside risks the caller may see.
    if (m.addresses_size() < before) {
      m.clear_justification();
      m.clear_custom_description();
      if (m.addresses_size() == 0) m.clear_custom_title();
    }
  }
  return out;
}

AuditEvent PlanEvent(absl::string_view verb, const StoredPlan& p,
                     absl::string_view resource) {
  return auth::Event(verb,
                     resource.empty() ? p.plan.name() : std::string(resource),
                     TargetOf(p));
}

absl::StatusOr<StoredPlan> LoadVisible(Connection& conn,
                                       const CallContext& call,
                                       absl::string_view id,
                                       absl::string_view verb) {
  const std::string name = ResourceName(kSupportPlans, id);
  AuditEvent audit = auth::Event(verb, name, {});
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredPlan> p, LoadPlan(conn, id));
  if (!p) return auth::Missing(call, Action::kPlanApprovalRead, name, &audit);
  if (ViewOf(call.principal, *p) == View::kNone) {
    audit = PlanEvent(verb, *p);
    PUMPURS_RETURN_IF_ERROR(
        auth::Allow(call, Action::kPlanRead, TargetOf(*p), &audit));
  }
  return *std::move(p);
}

absl::StatusOr<StoredPlan> LoadForChange(Connection& conn,
                                         const CallContext& call,
                                         absl::string_view id, Action action,
                                         absl::string_view etag,
                                         absl::string_view verb) {
  const std::string name = ResourceName(kSupportPlans, id);
  AuditEvent audit = auth::Event(verb, name, {});
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredPlan> p, LoadPlan(conn, id));
  if (!p) return auth::Missing(call, Action::kPlanApprovalRead, name, &audit);
  audit = PlanEvent(verb, *p);
  PUMPURS_RETURN_IF_ERROR(
      auth::Allow(call, action, TargetFor(action, *p), &audit));
  if (!EtagMatches(etag, p->version)) return EtagMismatchError(name);
  return *std::move(p);
}

absl::Status RequireWorkable(const StoredPlan& p) {
  if (p.state() == v1::PLAN_STATE_INACTIVE) {
    return Error(absl::StatusCode::kFailedPrecondition, "PLAN_INACTIVE",
                 "the plan was deleted");
  }
  if (p.application_withdrawn) {
    return Error(absl::StatusCode::kFailedPrecondition, "APPLICATION_WITHDRAWN",
                 "the application for this plan was withdrawn: no further "
                 "work on the plan");
  }
  return absl::OkStatus();
}

absl::Status AuditPlanChange(Connection& conn, const CallContext& call,
                             const StoredPlan& p, absl::string_view verb,
                             absl::string_view resource) {
  return auth::AuditChange(conn, call, PlanEvent(verb, p, resource));
}

SqlCondition VisibleCondition(const Principal& principal) {
  SqlCondition c;
  if (!principal.authenticated()) {
    c.sql = "0";
    return c;
  }
  if (principal.is_service &&
      std::find(principal.api_scopes.begin(), principal.api_scopes.end(),
                auth::ApiScopeFor(Action::kPlanRead)) ==
          principal.api_scopes.end()) {
    c.sql = "0";
    return c;
  }
  std::vector<std::string> parts;
  auto add = [&](const char* sql, const std::string& bind) {
    parts.emplace_back(sql);
    if (sql[0] != '\0' && std::string(sql).find('?') != std::string::npos) {
      c.binds.push_back(bind);
    }
  };
  for (const RoleBinding& b : principal.roles) {
    switch (b.role) {
      case Role::kInstitutionHead:
      case Role::kInstitutionCoordinator:
        add("p.institution_id = ?", b.scope_id);
        break;
      case Role::kGuardian:
        add("(p.state != 1 AND (p.state != 7 OR p.submitted = 1) AND "
            "p.pupil_id IN (SELECT pupil_id FROM "
            "guardian_pupils WHERE guardian_id = ?))",
            b.scope_id);
        break;
      case Role::kAdultPupil:
        add("(p.state != 1 AND (p.state != 7 OR p.submitted = 1) AND "
            "p.pupil_id = ?)",
            b.scope_id);
        break;
      case Role::kMunicipalityCoordinator:
        add("(p.submitted = 1 AND p.municipality_id = ? AND "
            "p.institution_id IN (SELECT id FROM institutions WHERE kind != "
            "2))",
            b.scope_id);
        break;
      case Role::kNationalAdministrator:
        add("p.submitted = 1", "");
        break;
      default:
        break;
    }
  }
  for (const std::string& staff : principal.staff_ids) {
    add("p.preparer_id = ?", staff);
    add("p.id IN (SELECT plan_id FROM support_plan_providers WHERE staff_id "
        "= ? AND current = 1)",
        staff);
  }
  c.sql = parts.empty() ? "0" : "(" + absl::StrJoin(parts, " OR ") + ")";
  return c;
}

}  // namespace pumpurs::plans
