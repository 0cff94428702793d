#ifndef PUMPURS_SERVER_COMMON_PRINCIPAL_H_
#define PUMPURS_SERVER_COMMON_PRINCIPAL_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pumpurs {

// Roles of the programme; numbering matches pumpurs.v1.Role.
enum class Role {
  kUnspecified = 0,
  kInstitutionHead = 1,
  kInstitutionCoordinator = 2,
  kPlanPreparer = 3,
  kMeasureProvider = 4,
  kMunicipalityCoordinator = 5,
  kNationalAdministrator = 6,
  kMethodologist = 7,
  kGuardian = 8,
  kAdultPupil = 9,
};

// A role within a scope. `scope_id` is the id (not the name) of the
// institution, municipality, guardian or pupil the role applies to; empty
// for the national roles.
struct RoleBinding {
  Role role = Role::kUnspecified;
  std::string scope_id;
  bool operator==(const RoleBinding& o) const {
    return role == o.role && scope_id == o.scope_id;
  }
};

// Who is calling, as established by authentication. Value type; copies are
// independent.
struct Principal {
  std::string account_id;  // empty: not authenticated
  bool is_service = false;
  std::vector<RoleBinding> roles;
  // For service accounts: the API scopes their key may use.
  std::vector<std::string> api_scopes;
  // The staff records ("staff/{id}" ids) linked to the account: how plans
  // recognise their preparer and the providers of their measures.
  std::vector<std::string> staff_ids;
  // The session (access token) or API key the call came with; Logout revokes
  // the session.
  std::string session_id;
  std::string api_key_id;

  bool authenticated() const { return !account_id.empty(); }
  bool IsStaff(absl::string_view staff_id) const {
    for (const std::string& id : staff_ids) {
      if (id == staff_id) return true;
    }
    return false;
  }
  bool Has(Role role) const {
    for (const RoleBinding& b : roles) {
      if (b.role == role) return true;
    }
    return false;
  }
  // "accounts/{id}" or "anonymous": the id used in logs and audit events.
  std::string ActorName() const {
    return authenticated() ? "accounts/" + account_id : "anonymous";
  }
};

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_PRINCIPAL_H_
