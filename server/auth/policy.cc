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

      // Applications for a support plan: the guardian or adult pupil online;
      // the institution's staff from a signed paper form.
      {A::kApplicationSubmit, R::kGuardian, L::kGuardianOf},
      {A::kApplicationSubmit, R::kAdultPupil, L::kSelf},
      {A::kApplicationRegister, R::kInstitutionHead, L::kSameInstitution},
      {A::kApplicationRegister, R::kInstitutionCoordinator,
       L::kSameInstitution},
      {A::kApplicationRegister, R::kPlanPreparer, L::kSameInstitution},
      {A::kApplicationRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kApplicationRead, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kApplicationRead, R::kPlanPreparer, L::kSameInstitution},
      {A::kApplicationRead, R::kNationalAdministrator, L::kAnywhere},
      {A::kApplicationRead, R::kGuardian, L::kGuardianOf},
      {A::kApplicationRead, R::kAdultPupil, L::kSelf},
      {A::kApplicationWithdraw, R::kGuardian, L::kGuardianOf},
      {A::kApplicationWithdraw, R::kAdultPupil, L::kSelf},
      {A::kApplicationWithdraw, R::kInstitutionHead, L::kSameInstitution},
      {A::kApplicationWithdraw, R::kInstitutionCoordinator,
       L::kSameInstitution},

      // Support plans. Need to know: the preparer, the providers of its
      // measures, the head and coordinator of the institution; the approval
      // levels once it is submitted (special-category risks redacted); the
      // family once it is out of draft.
      {A::kPlanCreate, R::kInstitutionHead, L::kSameInstitution},
      {A::kPlanCreate, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kPlanCreate, R::kPlanPreparer, L::kSameInstitution},
      {A::kPlanRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kPlanRead, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kPlanRead, R::kUnspecified, L::kPreparerOf},
      {A::kPlanRead, R::kUnspecified, L::kProviderOf},
      {A::kPlanFamilyRead, R::kGuardian, L::kGuardianOf},
      {A::kPlanFamilyRead, R::kAdultPupil, L::kSelf},
      {A::kPlanApprovalRead, R::kMunicipalityCoordinator, L::kSameMunicipality},
      {A::kPlanApprovalRead, R::kNationalAdministrator, L::kAnywhere},
      {A::kSpecialCategoryRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kSpecialCategoryRead, R::kInstitutionCoordinator,
       L::kSameInstitution},
      {A::kSpecialCategoryRead, R::kUnspecified, L::kPreparerOf},
      {A::kSpecialCategoryRead, R::kGuardian, L::kGuardianOf},
      {A::kSpecialCategoryRead, R::kAdultPupil, L::kSelf},
      // Only the preparer and the head take a plan's actions.
      {A::kPlanManage, R::kInstitutionHead, L::kSameInstitution},
      {A::kPlanManage, R::kUnspecified, L::kPreparerOf},
      {A::kPlanApproveInstitution, R::kInstitutionHead, L::kSameInstitution},
      {A::kPlanApproveMunicipality, R::kMunicipalityCoordinator,
       L::kSameMunicipality},
      {A::kPlanApproveNational, R::kNationalAdministrator, L::kAnywhere},
      {A::kPlanAcknowledge, R::kGuardian, L::kGuardianOf},
      {A::kPlanAcknowledge, R::kAdultPupil, L::kSelf},
      {A::kDeliveryRecord, R::kUnspecified, L::kProviderOf},
      {A::kDeliveryRecord, R::kUnspecified, L::kPreparerOf},
      {A::kDeliveryRecord, R::kInstitutionHead, L::kSameInstitution},
      {A::kDeliveredHoursRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kDeliveredHoursRead, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kDeliveredHoursRead, R::kUnspecified, L::kProviderOf},
      {A::kDeliveredHoursRead, R::kNationalAdministrator, L::kAnywhere},

      // Youth initiatives. A call belongs to a municipality (its
      // coordinators) or to a state vocational school (its head and
      // coordinator); calls are public once open; anyone signed in may
      // apply and owns what they create; members' families see the project.
      {A::kInitiativeCallManage, R::kMunicipalityCoordinator,
       L::kSameMunicipality},
      {A::kInitiativeCallManage, R::kInstitutionHead, L::kSameInstitution},
      {A::kInitiativeCallManage, R::kInstitutionCoordinator,
       L::kSameInstitution},
      {A::kInitiativeCallManage, R::kNationalAdministrator, L::kAnywhere},
      {A::kInitiativeCallRead, R::kUnspecified, L::kAnywhere},
      {A::kInitiativeApply, R::kUnspecified, L::kAnywhere},
      {A::kInitiativeRead, R::kUnspecified, L::kOwnAccount},
      {A::kInitiativeRead, R::kUnspecified, L::kEvaluatorOf},
      {A::kInitiativeRead, R::kGuardian, L::kGuardianOf},
      {A::kInitiativeRead, R::kAdultPupil, L::kMemberOf},
      {A::kInitiativeRead, R::kMunicipalityCoordinator, L::kSameMunicipality},
      {A::kInitiativeRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kInitiativeRead, R::kInstitutionCoordinator, L::kSameInstitution},
      {A::kInitiativeRead, R::kNationalAdministrator, L::kAnywhere},
      {A::kInitiativeEdit, R::kUnspecified, L::kOwnAccount},
      {A::kInitiativeScore, R::kUnspecified, L::kEvaluatorOf},

      // Staff development: IKVD, municipalities and heads organise; a head
      // sees the institution's hours, a staff member their own (relation
      // kProviderOf with Target.provider_ids = {the staff member asked
      // about}: "the caller's own staff record").
      {A::kTrainingOrganise, R::kMethodologist, L::kAnywhere},
      {A::kTrainingOrganise, R::kNationalAdministrator, L::kAnywhere},
      {A::kTrainingOrganise, R::kMunicipalityCoordinator, L::kAnywhere},
      {A::kTrainingOrganise, R::kInstitutionHead, L::kAnywhere},
      {A::kTrainingHoursRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kTrainingHoursRead, R::kNationalAdministrator, L::kAnywhere},
      {A::kTrainingHoursRead, R::kUnspecified, L::kProviderOf},

      // Programme statistics (aggregates only, small cells suppressed):
      // IKVD for the country and any part of it, a municipality for itself
      // and its institutions, an institution's leadership for itself.
      {A::kStatisticsRead, R::kNationalAdministrator, L::kAnywhere},
      {A::kStatisticsRead, R::kMethodologist, L::kAnywhere},
      {A::kStatisticsRead, R::kMunicipalityCoordinator, L::kSameMunicipality},
      {A::kStatisticsRead, R::kInstitutionHead, L::kSameInstitution},
      {A::kStatisticsRead, R::kInstitutionCoordinator, L::kSameInstitution},
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
    case L::kPreparerOf:
      return !t.preparer_id.empty() && p.IsStaff(t.preparer_id);
    case L::kMemberOf:
      return !scope.empty() &&
             std::find(t.member_pupil_ids.begin(), t.member_pupil_ids.end(),
                       scope) != t.member_pupil_ids.end();
    case L::kEvaluatorOf:
      return std::find(t.evaluator_account_ids.begin(),
                       t.evaluator_account_ids.end(),
                       p.account_id) != t.evaluator_account_ids.end();
    case L::kProviderOf:
      return std::any_of(t.provider_ids.begin(), t.provider_ids.end(),
                         [&p](const std::string& id) { return p.IsStaff(id); });
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
    case A::kTrainingHoursRead:
      return "training.read";
    case A::kStatisticsRead:
      return "statistics.read";
    case A::kTrainingOrganise:
      return "training.write";
    case A::kInitiativeCallRead:
    case A::kInitiativeRead:
      return "initiatives.read";
    case A::kInitiativeCallManage:
    case A::kInitiativeApply:
    case A::kInitiativeEdit:
    case A::kInitiativeScore:
      return "initiatives.write";
    case A::kApplicationRead:
    case A::kPlanRead:
    case A::kPlanFamilyRead:
    case A::kPlanApprovalRead:
    case A::kSpecialCategoryRead:
    case A::kDeliveredHoursRead:
      return "plans.read";
    case A::kApplicationSubmit:
    case A::kApplicationRegister:
    case A::kApplicationWithdraw:
    case A::kPlanCreate:
    case A::kPlanManage:
    case A::kPlanApproveInstitution:
    case A::kPlanApproveMunicipality:
    case A::kPlanApproveNational:
    case A::kPlanAcknowledge:
    case A::kDeliveryRecord:
      return "plans.write";
  }
  return "";
}

const std::vector<std::string>& KnownApiScopes() {
  static const auto* scopes = new std::vector<std::string>{
      "accounts.admin",    "audit.read",      "directory.import",
      "directory.read",    "directory.write", "initiatives.read",
      "initiatives.write", "knowledge.read",  "knowledge.write",
      "plans.read",        "plans.write",     "statistics.read",
      "training.read",     "training.write"};
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
