#include "server/auth/policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/common/error.h"

namespace pumpurs::auth {
namespace {

using A = Action;
using R = Role;
using L = Relation;

// The rule table. Read a row as "a <role> may <action> on objects
// <relation>". Anything not listed is refused.
const std::vector<Rule>& Table() {
  static const auto* rules = new std::vector<Rule>{
      // The directory of municipalities and institutions is public
      // information: any signed-in account reads it.
      {A::kMunicipalityRead, R::kUnspecified, L::kAnywhere},
      {A::kInstitutionRead, R::kUnspecified, L::kAnywhere},
      {A::kMunicipalityWrite, R::kNationalAdministrator, L::kAnywhere},
      {A::kInstitutionWrite, R::kNationalAdministrator, L::kAnywhere},

      // One pupil's record: the staff of their institution, the
      // municipality's coordinator, the national administrator, their
      // guardians, and the pupil themselves when adult.
      {A::kPupilRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kPupilRead, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kPupilRead, R::kPlanPreparer, L::kSameInstitution},
      {A::kPupilRead, R::kMeasureProvider, L::kSameInstitution},
      {A::kPupilRead, R::kMunicipalityCoordinator, L::kSameMunicipality},
      {A::kPupilRead, R::kNationalAdministrator, L::kAnywhere},
      {A::kPupilRead, R::kGuardian, L::kGuardianOf},
      {A::kPupilRead, R::kAdultPupil, L::kSelf},

      // Lists of an institution's pupils: its staff, the municipality's
      // coordinator, the national administrator.
      {A::kPupilList, R::kInstitutionHead, L::kSameInstitution},
      {A::kPupilList, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kPupilList, R::kPlanPreparer, L::kSameInstitution},
      {A::kPupilList, R::kMeasureProvider, L::kSameInstitution},
      {A::kPupilList, R::kMunicipalityCoordinator, L::kSameMunicipality},
      {A::kPupilList, R::kNationalAdministrator, L::kAnywhere},

      // Changing pupils: the head and coordinator of their institution.
      {A::kPupilWrite, R::kInstitutionHead, L::kSameInstitution},
      {A::kPupilWrite, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kPupilWrite, R::kNationalAdministrator, L::kAnywhere},

      // Guardians: as the pupil's record, for the guardian's own pupils.
      {A::kGuardianRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kGuardianRead, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kGuardianRead, R::kPlanPreparer, L::kSameInstitution},
      {A::kGuardianRead, R::kMunicipalityCoordinator, L::kSameMunicipality},
      {A::kGuardianRead, R::kNationalAdministrator, L::kAnywhere},
      {A::kGuardianRead, R::kGuardian, L::kGuardianOf},
      {A::kGuardianRead, R::kAdultPupil, L::kSelf},
      {A::kGuardianList, R::kInstitutionHead, L::kSameInstitution},
      {A::kGuardianList, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kGuardianList, R::kNationalAdministrator, L::kAnywhere},
      {A::kGuardianWrite, R::kInstitutionHead, L::kSameInstitution},
      {A::kGuardianWrite, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kGuardianWrite, R::kNationalAdministrator, L::kAnywhere},

      // Staff lists are not pupils' data, but still need-to-know.
      {A::kStaffRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kStaffRead, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kStaffRead, R::kPlanPreparer, L::kSameInstitution},
      {A::kStaffRead, R::kMeasureProvider, L::kSameInstitution},
      {A::kStaffRead, R::kMunicipalityCoordinator, L::kSameMunicipality},
      {A::kStaffRead, R::kNationalAdministrator, L::kAnywhere},
      {A::kStaffWrite, R::kInstitutionHead, L::kSameInstitution},
      {A::kStaffWrite, R::kNationalAdministrator, L::kAnywhere},

      // Importing people: the institution's head and coordinator.
      {A::kPeopleImport, R::kInstitutionHead, L::kSameInstitution},
      {A::kPeopleImport, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kPeopleImport, R::kNationalAdministrator, L::kAnywhere},

      // The audit trail of a scope: its head and coordinator.
      {A::kAuditRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kAuditRead, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kAuditRead, R::kMunicipalityCoordinator, L::kSameMunicipality},
      {A::kAuditRead, R::kNationalAdministrator, L::kAnywhere},

      // Who looked at a child: the child's guardians and the adult pupil.
      {A::kPupilAccessRead, R::kGuardian, L::kGuardianOf},
      {A::kPupilAccessRead, R::kAdultPupil, L::kSelf},
      {A::kPupilAccessRead, R::kNationalAdministrator, L::kAnywhere},

      // Accounts.
      {A::kAccountRead, R::kUnspecified, L::kOwnAccount},
      {A::kAccountRead, R::kNationalAdministrator, L::kAnywhere},
      {A::kAccountWrite, R::kNationalAdministrator, L::kAnywhere},
      // An institution head creates the accounts of their own staff.
      {A::kStaffAccountCreate, R::kInstitutionHead, L::kSameInstitution},
      {A::kStaffAccountCreate, R::kNationalAdministrator, L::kAnywhere},

      // The knowledge base (taxonomy and parent/pupil articles are public
      // and need no rule): methodologists and the national administrator
      // write; any signed-in account reads staff articles.
      {A::kKnowledgeWrite, R::kMethodologist, L::kAnywhere},
      {A::kKnowledgeWrite, R::kNationalAdministrator, L::kAnywhere},
      {A::kStaffArticleRead, R::kUnspecified, L::kAnywhere},
  };
  return *rules;
}

bool Matches(const Rule& rule, const Principal& p, const RoleBinding* binding,
             const Target& t) {
  const std::string& scope = binding != nullptr ? binding->scope_id : "";
  switch (rule.relation) {
    case L::kAnywhere:
      return true;
    case L::kSameInstitution:
      return !t.institution_id.empty() && scope == t.institution_id;
    case L::kSameMunicipality:
      return !t.municipality_id.empty() && scope == t.municipality_id;
    case L::kGuardianOf:
      return !scope.empty() &&
             std::find(t.guardian_ids.begin(), t.guardian_ids.end(), scope) !=
                 t.guardian_ids.end();
    case L::kSelf:
      return !t.pupil_id.empty() && scope == t.pupil_id;
    case L::kOwnAccount:
      return !t.account_id.empty() && t.account_id == p.account_id;
  }
  return false;
}

bool Allowed(const Principal& p, Action action, const Target& t) {
  for (const Rule& rule : Table()) {
    if (rule.action != action) continue;
    if (rule.role == R::kUnspecified) {
      if (Matches(rule, p, nullptr, t)) return true;
      continue;
    }
    for (const RoleBinding& b : p.roles) {
      if (b.role == rule.role && Matches(rule, p, &b, t)) return true;
    }
  }
  return false;
}

absl::Status Denied() {
  return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
               "the caller may not do this here");
}

}  // namespace

const std::vector<Rule>& Rules() { return Table(); }

absl::string_view ApiScopeFor(Action action) {
  switch (action) {
    case A::kMunicipalityRead:
    case A::kInstitutionRead:
    case A::kPupilRead:
    case A::kPupilList:
    case A::kGuardianRead:
    case A::kGuardianList:
    case A::kStaffRead:
      return "directory.read";
    case A::kMunicipalityWrite:
    case A::kInstitutionWrite:
    case A::kPupilWrite:
    case A::kGuardianWrite:
    case A::kStaffWrite:
      return "directory.write";
    case A::kPeopleImport:
      return "directory.import";
    case A::kAuditRead:
    case A::kPupilAccessRead:
      return "audit.read";
    case A::kAccountRead:
    case A::kAccountWrite:
    case A::kStaffAccountCreate:
      return "accounts.admin";
    case A::kKnowledgeWrite:
      return "knowledge.write";
    case A::kStaffArticleRead:
      return "knowledge.read";
  }
  return "";
}

const std::vector<std::string>& KnownApiScopes() {
  static const auto* scopes = new std::vector<std::string>{
      "accounts.admin",  "audit.read",     "directory.import", "directory.read",
      "directory.write", "knowledge.read", "knowledge.write"};
  return *scopes;
}

absl::Status RequireAuthenticated(const Principal& principal) {
  if (principal.authenticated()) return absl::OkStatus();
  return Error(absl::StatusCode::kUnauthenticated, "UNAUTHENTICATED",
               "sign in first: send authorization: Bearer <token>");
}

absl::Status Authorize(const Principal& principal, Action action,
                       const Target& target) {
  if (absl::Status s = RequireAuthenticated(principal); !s.ok()) return s;
  if (principal.is_service) {
    const absl::string_view needed = ApiScopeFor(action);
    if (std::find(principal.api_scopes.begin(), principal.api_scopes.end(),
                  needed) == principal.api_scopes.end()) {
      return Denied();
    }
  }
  return Allowed(principal, action, target) ? absl::OkStatus() : Denied();
}

absl::Status MissingObject(const Principal& principal, Action action,
                           absl::string_view resource_name) {
  if (absl::Status s = RequireAuthenticated(principal); !s.ok()) return s;
  // "Could see it wherever it were": a rule that allows the action
  // anywhere.
  for (const Rule& rule : Table()) {
    if (rule.action != action || rule.relation != L::kAnywhere) continue;
    if (rule.role == R::kUnspecified || principal.Has(rule.role)) {
      if (!principal.is_service ||
          std::find(principal.api_scopes.begin(), principal.api_scopes.end(),
                    ApiScopeFor(action)) != principal.api_scopes.end()) {
        return ::pumpurs::NotFoundError(resource_name);
      }
    }
  }
  return Denied();
}

}  // namespace pumpurs::auth
