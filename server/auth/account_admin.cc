#include "server/auth/account_admin.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/auth/policy.h"
#include "server/auth/secrets.h"
#include "server/auth/sessions.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/paging.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/storage/request_ids.h"

namespace pumpurs::auth {
namespace {

constexpr char kAccounts[] = "accounts";
constexpr char kCreateMethod[] = "CreateAccount";
constexpr char kListQuery[] = "ListAccounts";

bool ValidUsername(absl::string_view name) {
  if (name.size() < kMinUsernameChars || name.size() > kMaxUsernameChars) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool ValidNewPassword(absl::string_view password) {
  const int64_t chars = Utf8Length(password);
  return chars >= kMinPasswordChars && chars <= kMaxPasswordChars;
}

bool IsStaffRole(Role role) {
  return role == Role::kInstitutionCoordinator || role == Role::kPlanPreparer ||
         role == Role::kMeasureProvider;
}

// The table holding each scope collection's objects (constants only).
const char* ExistsSql(absl::string_view collection) {
  if (collection == "institutions") {
    return "SELECT 1 FROM institutions WHERE id = ?";
  }
  if (collection == "municipalities") {
    return "SELECT 1 FROM municipalities WHERE id = ?";
  }
  if (collection == "guardians") return "SELECT 1 FROM guardians WHERE id = ?";
  return "SELECT 1 FROM pupils WHERE id = ?";
}

// "institutions" → "institution", for messages.
std::string Singular(absl::string_view collection) {
  if (collection == "municipalities") return "municipality";
  std::string out(collection);
  if (!out.empty() && out.back() == 's') out.pop_back();
  return out;
}

// The bindings of a request, each with its scope parsed; nullopt where the
// role or scope is malformed (validation names it).
std::vector<std::optional<RoleBinding>> ParseBindings(
    const std::vector<RequestedBinding>& requested) {
  std::vector<std::optional<RoleBinding>> out;
  for (const RequestedBinding& b : requested) {
    const Role role = static_cast<Role>(b.role);
    if (b.role < 1 || b.role > 9) {
      out.push_back(std::nullopt);
      continue;
    }
    const absl::string_view collection = ScopeCollection(role);
    if (collection.empty()) {
      out.push_back(b.scope.empty()
                        ? std::optional<RoleBinding>(RoleBinding{role, ""})
                        : std::nullopt);
      continue;
    }
    absl::StatusOr<std::string> id =
        ParseResourceName(b.scope, collection, "scope");
    out.push_back(id.ok() ? std::optional<RoleBinding>(RoleBinding{role, *id})
                          : std::nullopt);
  }
  return out;
}

// Who may create it: an account whose roles are all staff roles of one
// institution is a staff account of that institution (its head may create
// it); anything else needs a national administrator.
absl::Status AuthorizeCreate(
    const Principal& principal, const NewAccount& a,
    const std::vector<std::optional<RoleBinding>>& parsed) {
  std::string institution;
  bool staff = a.kind == kUserKind && !parsed.empty();
  for (const std::optional<RoleBinding>& b : parsed) {
    if (!staff) break;
    staff = b.has_value() && IsStaffRole(b->role) &&
            (institution.empty() || institution == b->scope_id);
    if (staff) institution = b->scope_id;
  }
  if (staff) {
    Target target;
    target.institution_id = institution;
    return Authorize(principal, Action::kStaffAccountCreate, target);
  }
  return Authorize(principal, Action::kAccountWrite, {});
}

absl::StatusOr<bool> Exists(storage::Connection& conn, const char* sql,
                            absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
  s.Bind(1, id);
  return s.Step();
}

absl::Status Validate(storage::Connection& conn, const NewAccount& a,
                      const std::vector<std::optional<RoleBinding>>& parsed,
                      absl::string_view password,
                      absl::string_view request_id) {
  Violations v;
  if (!ValidUsername(a.username)) {
    v.Add("account.username",
          "must be 3 to 64 characters of a-z, 0-9, '.', '_' and '-'");
  }
  const bool user = a.kind == kUserKind;
  const bool service = a.kind == kServiceKind;
  if (!user && !service) {
    v.Add("account.kind",
          "is required: ACCOUNT_KIND_USER or "
          "ACCOUNT_KIND_SERVICE");
  }
  if (user && !ValidNewPassword(password)) {
    v.Add("password", "must be 10 to 256 characters");
  }
  if (service && !password.empty()) {
    v.Add("password", "must be empty: service accounts use API keys");
  }
  std::vector<RoleBinding> seen;
  for (size_t i = 0; i < a.role_bindings.size(); ++i) {
    const std::string field = absl::StrCat("account.role_bindings[", i, "]");
    const RequestedBinding& requested = a.role_bindings[i];
    if (requested.role < 1 || requested.role > 9) {
      v.Add(field + ".role", "must be a known role");
      continue;
    }
    const absl::string_view collection =
        ScopeCollection(static_cast<Role>(requested.role));
    if (!parsed[i].has_value()) {
      v.Add(field + ".scope",
            collection.empty()
                ? std::string("must be empty for a national role")
                : absl::StrCat("must have the form ", collection,
                               "/{id} for this role"));
      continue;
    }
    if (!collection.empty()) {
      PUMPURS_ASSIGN_OR_RETURN(
          bool found, Exists(conn, ExistsSql(collection), parsed[i]->scope_id));
      if (!found) {
        v.Add(field + ".scope", absl::StrCat("no such ", Singular(collection)));
        continue;
      }
    }
    if (std::find(seen.begin(), seen.end(), *parsed[i]) != seen.end()) {
      v.Add(field, "repeats an earlier role binding");
      continue;
    }
    seen.push_back(*parsed[i]);
  }
  const std::vector<std::string>& known = KnownApiScopes();
  std::set<std::string> scopes;
  for (size_t i = 0; i < a.api_scopes.size(); ++i) {
    const std::string field = absl::StrCat("account.api_scopes[", i, "]");
    if (!service) {
      v.Add(field, "only service accounts have API scopes");
    } else if (std::find(known.begin(), known.end(), a.api_scopes[i]) ==
               known.end()) {
      v.Add(field, absl::StrCat("must be one of ", absl::StrJoin(known, ", ")));
    } else if (!scopes.insert(a.api_scopes[i]).second) {
      v.Add(field, "repeats an earlier scope");
    }
  }
  CheckRequestId(v, request_id);
  return v.ToStatus();
}

absl::Status CheckUsernameFree(storage::Connection& conn,
                               absl::string_view username) {
  PUMPURS_ASSIGN_OR_RETURN(
      bool taken,
      Exists(conn, "SELECT 1 FROM accounts WHERE username = ?", username));
  if (!taken) return absl::OkStatus();
  return WithFieldViolations(
      Error(absl::StatusCode::kAlreadyExists, "USERNAME_TAKEN",
            "another account has this username"),
      {{"account.username", "is used by another account"}});
}

// The account an earlier create with this request_id made, if any.
absl::StatusOr<std::optional<std::string>> EarlierCreate(
    storage::Connection& conn, const CallContext& call,
    absl::string_view request_id) {
  if (request_id.empty()) return std::optional<std::string>();
  Violations v;
  CheckRequestId(v, request_id);
  if (!v.empty()) return std::optional<std::string>();  // Validate reports it
  PUMPURS_ASSIGN_OR_RETURN(
      std::optional<std::string> earlier,
      storage::RequestIds::Find(conn, call.caller_id, kCreateMethod,
                                request_id));
  if (!earlier) return earlier;
  PUMPURS_ASSIGN_OR_RETURN(
      std::string id, ParseResourceName(*earlier, kAccounts, "request_id"));
  return std::optional<std::string>(id);
}

}  // namespace

absl::StatusOr<std::string> HashNewPassword(absl::string_view password) {
  if (!ValidNewPassword(password)) return std::string();
  return HashPassword(password);
}

absl::Status CheckNewAccount(storage::Connection& conn, const CallContext& call,
                             const NewAccount& account,
                             absl::string_view password,
                             absl::string_view request_id) {
  const std::vector<std::optional<RoleBinding>> parsed =
      ParseBindings(account.role_bindings);
  PUMPURS_RETURN_IF_ERROR(AuthorizeCreate(call.principal, account, parsed));
  PUMPURS_ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                           EarlierCreate(conn, call, request_id));
  if (earlier) return absl::OkStatus();
  PUMPURS_RETURN_IF_ERROR(
      Validate(conn, account, parsed, password, request_id));
  return CheckUsernameFree(conn, account.username);
}

absl::StatusOr<AccountRecord> CreateAccount(storage::Connection& conn,
                                            const CallContext& call,
                                            const NewAccount& account,
                                            absl::string_view password,
                                            absl::string_view password_hash,
                                            absl::string_view request_id,
                                            absl::Time now) {
  const std::vector<std::optional<RoleBinding>> parsed =
      ParseBindings(account.role_bindings);
  PUMPURS_RETURN_IF_ERROR(AuthorizeCreate(call.principal, account, parsed));
  PUMPURS_ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                           EarlierCreate(conn, call, request_id));
  if (earlier) return GetAccountRecord(conn, *earlier);
  PUMPURS_RETURN_IF_ERROR(
      Validate(conn, account, parsed, password, request_id));
  PUMPURS_RETURN_IF_ERROR(CheckUsernameFree(conn, account.username));
  AccountRecord record;
  record.username = account.username;
  record.is_service = account.kind == kServiceKind;
  if (!record.is_service) {
    if (password_hash.empty()) {
      PUMPURS_ASSIGN_OR_RETURN(record.password_hash, HashPassword(password));
    } else {
      record.password_hash = std::string(password_hash);
    }
  }
  for (const std::optional<RoleBinding>& b : parsed) record.roles.push_back(*b);
  record.api_scopes = account.api_scopes;
  PUMPURS_ASSIGN_OR_RETURN(record, InsertAccount(conn, std::move(record), now));
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(storage::RequestIds::Remember(
        conn, call.caller_id, kCreateMethod, request_id,
        ResourceName(kAccounts, record.id), now));
  }
  return GetAccountRecord(conn, record.id);
}

absl::StatusOr<AccountRecord> GetAccount(storage::Connection& conn,
                                         const CallContext& call,
                                         absl::string_view id) {
  Target target;
  target.account_id = std::string(id);
  PUMPURS_RETURN_IF_ERROR(
      Authorize(call.principal, Action::kAccountRead, target));
  return GetAccountRecord(conn, id);
}

absl::StatusOr<AccountRecord> GetOwnAccount(storage::Connection& conn,
                                            const CallContext& call) {
  PUMPURS_RETURN_IF_ERROR(RequireAuthenticated(call.principal));
  return GetAccountRecord(conn, call.principal.account_id);
}

absl::StatusOr<AccountPage> ListAccounts(storage::Connection& conn,
                                         const CallContext& call, int page_size,
                                         absl::string_view page_token) {
  PUMPURS_RETURN_IF_ERROR(Authorize(call.principal, Action::kAccountRead, {}));
  PUMPURS_ASSIGN_OR_RETURN(int size, NormalizePageSize(page_size));
  std::string after;
  if (!page_token.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<std::string> key,
                             DecodePageToken(page_token, kListQuery, 1));
    after = key[0];
  }
  std::vector<std::string> ids;
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT id FROM accounts WHERE username > ? "
                     "ORDER BY username LIMIT ?"));
    s.Bind(1, after).Bind(2, int64_t{size} + 1);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      ids.push_back(s.ColumnText(0));
    }
  }
  AccountPage page;
  for (const std::string& id : ids) {
    if (static_cast<int>(page.accounts.size()) == size) {
      page.next_page_token =
          EncodePageToken(kListQuery, {page.accounts.back().username});
      break;
    }
    PUMPURS_ASSIGN_OR_RETURN(AccountRecord a, GetAccountRecord(conn, id));
    page.accounts.push_back(std::move(a));
  }
  return page;
}

absl::Status CheckResetPassword(storage::Connection& conn,
                                const CallContext& call, absl::string_view id,
                                absl::string_view new_password) {
  Target target;
  target.account_id = std::string(id);
  PUMPURS_RETURN_IF_ERROR(
      Authorize(call.principal, Action::kAccountWrite, target));
  if (!ValidNewPassword(new_password)) {
    return InvalidFieldError("new_password", "must be 10 to 256 characters");
  }
  PUMPURS_ASSIGN_OR_RETURN(AccountRecord account, GetAccountRecord(conn, id));
  if (account.is_service) {
    return Error(absl::StatusCode::kFailedPrecondition, "SERVICE_ACCOUNT",
                 "service accounts have no password; they use API keys");
  }
  return absl::OkStatus();
}

absl::StatusOr<AccountRecord> ResetPassword(storage::Connection& conn,
                                            const CallContext& call,
                                            absl::string_view id,
                                            absl::string_view new_password,
                                            absl::string_view password_hash,
                                            absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(CheckResetPassword(conn, call, id, new_password));
  std::string hash(password_hash);
  if (hash.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(hash, HashPassword(new_password));
  }
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("UPDATE accounts SET password_hash = ?, "
                     "failed_logins = 0, last_failed_time = 0, "
                     "locked_until = 0, version = version + 1, "
                     "update_time = ? WHERE id = ?"));
    s.Bind(1, hash).Bind(2, absl::ToUnixMicros(now)).Bind(3, id);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  PUMPURS_RETURN_IF_ERROR(RevokeAccountSessions(conn, id));
  return GetAccountRecord(conn, id);
}

}  // namespace pumpurs::auth
