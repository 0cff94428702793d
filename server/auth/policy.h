#ifndef PUMPURS_SERVER_AUTH_POLICY_H_
#define PUMPURS_SERVER_AUTH_POLICY_H_

// The one authorization policy. Every RPC that touches protected data asks
// Authorize() with the action and where the object sits; the decision is
// read off the rule table in policy.cc, not scattered through handlers.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/common/principal.h"

namespace pumpurs::auth {

// What a call does, at the granularity the rules need.
enum class Action {
  kMunicipalityRead,
  kMunicipalityWrite,
  kInstitutionRead,
  kInstitutionWrite,
  kPupilRead,     // one pupil's record
  kPupilList,     // the pupils of an institution
  kPupilWrite,    // create, update, delete a pupil
  kGuardianRead,  // a guardian's record, or the guardians of a pupil
  kGuardianList,  // the guardians of an institution's pupils
  kGuardianWrite,
  kStaffRead,  // staff of an institution
  kStaffWrite,
  kPeopleImport,        // CSV import into an institution
  kAuditRead,           // audit events of a scope
  kPupilAccessRead,     // who accessed a pupil's data
  kAccountRead,         // another account
  kAccountWrite,        // create accounts, reset passwords, API keys
  kStaffAccountCreate,  // a user account whose roles are all staff roles
                        // (coordinator, plan preparer, measure provider)
                        // of one institution
  kKnowledgeWrite,      // write knowledge-base articles; read their drafts
  kStaffArticleRead,    // read published staff-audience articles

  // Support plans (server/plans).
  kApplicationSubmit,    // a guardian or adult pupil applies online
  kApplicationRegister,  // staff register a signed paper application
  kApplicationRead,
  kApplicationWithdraw,
  kPlanCreate,           // a draft plan for a pupil of the institution
  kPlanRead,             // a plan with everything but others' special data
  kPlanFamilyRead,       // the pupil's own plan (not drafts: plans/access.cc)
  kPlanApprovalRead,     // a submitted plan, special-category risks redacted
  kSpecialCategoryRead,  // special-category risks of a plan one may read
  kPlanManage,           // edit a plan; submit, suspend, resume, revise,
                         // start, evaluate, delete it
  kPlanApproveInstitution,
  kPlanApproveMunicipality,
  kPlanApproveNational,
  kPlanAcknowledge,     // the guardian or adult pupil acknowledges
  kDeliveryRecord,      // record a consultation or compensation
  kDeliveredHoursRead,  // hours per provider per month of an institution

  // Youth initiatives (server/initiatives).
  kInitiativeCallManage,  // a call's owner: create, change, open, decide a
                          // call; read every project of it with the at-risk
                          // counts and every evaluation; accept reports
  kInitiativeCallRead,    // open and decided calls
  kInitiativeApply,       // create a project (the account owns it)
  kInitiativeRead,        // a project (evaluators: once submitted, by
                          // initiatives/access.cc)
  kInitiativeEdit,        // the owner's actions on their project
  kInitiativeScore,       // an evaluator of the project's call

  // Staff development (server/training). Questionnaires of the parents'
  // self-check are knowledge-base content: kKnowledgeWrite.
  kTrainingOrganise,   // create and run training events
  kTrainingHoursRead,  // a staff member's or an institution's hours

  // Programme statistics (server/statistics): aggregates of a scope (the
  // country: an empty Target; a municipality; an institution with its
  // municipality).
  kStatisticsRead,
};

// How a rule relates the caller's role scope to the object.
enum class Relation {
  kAnywhere,          // national role, or data that is not personal
  kSameInstitution,   // role scope == object's institution
  kSameMunicipality,  // role scope == object's municipality
  kGuardianOf,        // role scope (a guardian) is among the pupil's guardians
  kSelf,              // role scope (a pupil) is the object's pupil
  kOwnAccount,        // the object is the caller's own account
  kPreparerOf,        // the caller's staff record prepares the plan
  kProviderOf,        // the caller's staff record provides one of the
                      // plan's measures (or is the provider asked about)
  kMemberOf,          // role scope (a pupil) is among the project's members
  kEvaluatorOf,       // the caller's account evaluates the project's call
};

// Where the object of a call sits. Fill what is known; empty fields never
// match a scoped rule.
struct Target {
  std::string institution_id;
  std::string municipality_id;
  std::string pupil_id;
  std::vector<std::string> guardian_ids;  // of the pupil
  std::string account_id;
  std::string preparer_id;                    // staff id of a plan's preparer
  std::vector<std::string> provider_ids;      // staff ids of its providers
  std::vector<std::string> member_pupil_ids;  // a project's members
  std::vector<std::string> evaluator_account_ids;  // its call's evaluators
};

// One row of the table: `role` may do `action` on objects in `relation`.
// Role::kUnspecified matches any authenticated caller.
struct Rule {
  Action action;
  Role role;
  Relation relation;
};

const std::vector<Rule>& Rules();

// The API scope a service account's key needs for `action` (e.g.
// "directory.read").
absl::string_view ApiScopeFor(Action action);

// Every API scope a service account may be given.
const std::vector<std::string>& KnownApiScopes();

// OK if some rule allows it. Otherwise UNAUTHENTICATED for an anonymous
// caller, else PERMISSION_DENIED (reason PERMISSION_DENIED) that says
// nothing of the object. Service accounts need the action's API scope as
// well as a rule.
absl::Status Authorize(const Principal& principal, Action action,
                       const Target& target);

// For an object that does not exist: a caller who could see the object
// wherever it were (a national role) learns NOT_FOUND; anyone else gets the
// same PERMISSION_DENIED as for an object they may not see, so probing
// names reveals nothing.
absl::Status MissingObject(const Principal& principal, Action action,
                           absl::string_view resource_name);

// UNAUTHENTICATED unless the caller has signed in.
absl::Status RequireAuthenticated(const Principal& principal);

}  // namespace pumpurs::auth

#endif  // PUMPURS_SERVER_AUTH_POLICY_H_
