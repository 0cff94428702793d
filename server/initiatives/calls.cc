#include "server/initiatives/calls.h"

#include <optional>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/initiatives/access.h"
#include "server/initiatives/listing.h"
#include "server/initiatives/validation.h"
#include "server/storage/request_ids.h"

namespace pumpurs::initiatives {
namespace {

using auth::Action;

constexpr char kCreateMethod[] = "CreateCall";
constexpr int64_t kStateVocationalSchool = 2;  // directory::InstitutionKind

// Where a call's owner sits: exactly one of the ids is set once parsed.
struct Owner {
  std::string municipality_id;
  std::string institution_id;
  bool empty() const {
    return municipality_id.empty() && institution_id.empty();
  }
  std::string name() const {
    return municipality_id.empty()
               ? ResourceName(kInstitutions, institution_id)
               : ResourceName(kMunicipalities, municipality_id);
  }
};

// "municipalities/{id}" or "institutions/{id}" in `field`; an empty Owner
// and a violation otherwise.
Owner ParseOwner(Violations& v, absl::string_view name,
                 absl::string_view field) {
  Owner out;
  const bool municipality =
      absl::StartsWith(name, absl::StrCat(kMunicipalities, "/"));
  if (!municipality &&
      !absl::StartsWith(name, absl::StrCat(kInstitutions, "/"))) {
    v.Add(std::string(field),
          name.empty() ? "is required"
                       : "must be municipalities/{id} or institutions/{id}");
    return out;
  }
  absl::StatusOr<std::string> id = ParseResourceName(
      name, municipality ? kMunicipalities : kInstitutions, field);
  if (!id.ok()) {
    for (const FieldViolation& fv : FieldViolationsOf(id.status())) {
      v.Add(fv.field, fv.description);
    }
    return out;
  }
  (municipality ? out.municipality_id : out.institution_id) = *id;
  return out;
}

// Checks that the owner exists (and a school is a state vocational one);
// the municipality the call belongs to, or "" with a violation.
absl::StatusOr<std::string> OwnerMunicipality(Connection& conn, Violations& v,
                                              const Owner& owner) {
  if (!owner.municipality_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT 1 FROM municipalities WHERE id = ?"));
    s.Bind(1, owner.municipality_id);
    PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) {
      v.Add("call.owner", "must name an existing municipality");
      return std::string();
    }
    return owner.municipality_id;
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT kind, municipality_id FROM institutions WHERE id "
                   "= ?"));
  s.Bind(1, owner.institution_id);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) {
    v.Add("call.owner", "must name an existing institution");
    return std::string();
  }
  if (s.ColumnInt64(0) != kStateVocationalSchool) {
    v.Add("call.owner",
          "must be a municipality or a state vocational school: other "
          "institutions do not run calls");
    return std::string();
  }
  return s.ColumnText(1);
}

void Apply(const std::set<std::string>& fields, const v1::Call& from,
           v1::Call& to) {
  auto has = [&](const char* f) { return fields.count(f) > 0; };
  if (has("title")) to.set_title(from.title());
  if (has("rules")) to.set_rules(from.rules());
  if (has("application_start")) {
    to.set_application_start(from.application_start());
  }
  if (has("application_end")) to.set_application_end(from.application_end());
  if (has("lump_sum_cents")) to.set_lump_sum_cents(from.lump_sum_cents());
  if (has("max_projects")) to.set_max_projects(from.max_projects());
  if (has("criteria")) *to.mutable_criteria() = from.criteria();
  if (has("min_at_risk_percent")) {
    to.set_min_at_risk_percent(from.min_at_risk_percent());
  }
  if (has("evaluators")) *to.mutable_evaluators() = from.evaluators();
}

absl::Status NotDraft(absl::string_view message) {
  return Error(absl::StatusCode::kFailedPrecondition, "CALL_NOT_DRAFT",
               message);
}

}  // namespace

const std::vector<std::string>& UpdatableCallFields() {
  static const auto* fields =
      new std::vector<std::string>{"title",
                                   "rules",
                                   "application_start",
                                   "application_end",
                                   "lump_sum_cents",
                                   "max_projects",
                                   "criteria",
                                   "min_at_risk_percent",
                                   "evaluators"};
  return *fields;
}

absl::StatusOr<v1::Call> CreateCall(Connection& conn, const CallContext& call,
                                    const v1::Call& in,
                                    absl::string_view request_id,
                                    absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  Violations v;
  CheckRequestId(v, request_id);
  const Owner owner = ParseOwner(v, in.owner(), "call.owner");
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  if (!request_id.empty()) {
    PUMPURS_ASSIGN_OR_RETURN(
        std::optional<std::string> earlier,
        storage::RequestIds::Find(conn, call.caller_id, kCreateMethod,
                                  request_id));
    if (earlier) {
      PUMPURS_ASSIGN_OR_RETURN(
          std::string id, ParseResourceName(*earlier, kCalls, "request_id"));
      return GetCall(conn, call, id);
    }
  }

  StoredCall c;
  c.municipality_id = owner.municipality_id;
  c.institution_id = owner.institution_id;
  // The policy needs only where the owner sits, so a caller who may not
  // manage calls there learns nothing of whether it exists.
  PUMPURS_RETURN_IF_ERROR(auth::Authorize(
      call.principal, Action::kInitiativeCallManage, CallTarget(c)));

  PUMPURS_ASSIGN_OR_RETURN(std::string municipality,
                           OwnerMunicipality(conn, v, owner));
  c.call = CallContentOf(in);
  PUMPURS_RETURN_IF_ERROR(CheckCallContent(conn, v, c.call, 0));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  c.id = NewId();
  c.call.set_owner(owner.name());
  c.call.set_municipality(ResourceName(kMunicipalities, municipality));
  c.call.set_state(v1::CALL_STATE_DRAFT);
  PUMPURS_RETURN_IF_ERROR(InsertCall(conn, c, now));
  if (!request_id.empty()) {
    PUMPURS_RETURN_IF_ERROR(storage::RequestIds::Remember(
        conn, call.caller_id, kCreateMethod, request_id, c.call.name(), now));
  }
  return PresentedCall(call.principal, c);
}

absl::StatusOr<v1::Call> GetCall(Connection& conn, const CallContext& call,
                                 absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(StoredCall c, LoadVisibleCall(conn, call, id));
  return PresentedCall(call.principal, c);
}

absl::StatusOr<ListPage<v1::Call>> ListCalls(Connection& conn,
                                             const CallContext& call,
                                             const CallFilter& filter) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  Violations v;
  Owner owner;
  if (!filter.owner.empty()) owner = ParseOwner(v, filter.owner, "owner");
  if (!v1::CallState_IsValid(filter.state)) {
    v.Add("state", "is not a known call state");
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  const SqlCondition visible = VisibleCalls(call.principal);
  IdQuery q;
  q.alias = "c";
  q.sql = absl::StrCat(
      "SELECT c.id, c.create_time FROM initiative_calls c WHERE ", visible.sql);
  q.binds.assign(visible.binds.begin(), visible.binds.end());
  if (!owner.empty()) {
    absl::StrAppend(&q.sql, " AND c.owner = ?");
    q.binds.emplace_back(owner.name());
  }
  if (filter.state != v1::CALL_STATE_UNSPECIFIED) {
    absl::StrAppend(&q.sql, " AND c.state = ?");
    q.binds.emplace_back(int64_t{filter.state});
  }
  q.query = absl::StrCat("ListCalls|", owner.empty() ? "" : owner.name(), "|",
                         static_cast<int>(filter.state));
  q.page_size = filter.page_size;
  q.page_token = filter.page_token;
  PUMPURS_ASSIGN_OR_RETURN(IdPage ids, PageOfIds(conn, std::move(q)));

  ListPage<v1::Call> page;
  page.next_page_token = ids.next_page_token;
  for (const std::string& id : ids.ids) {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredCall> c, LoadCall(conn, id));
    if (c) page.items.push_back(PresentedCall(call.principal, *c));
  }
  return page;
}

absl::StatusOr<v1::Call> UpdateCall(Connection& conn, const CallContext& call,
                                    absl::string_view id,
                                    const v1::Call& changes,
                                    const std::vector<std::string>& paths,
                                    absl::string_view etag, absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  PUMPURS_ASSIGN_OR_RETURN(std::set<std::string> fields,
                           CheckUpdatePaths(paths, UpdatableCallFields()));
  PUMPURS_ASSIGN_OR_RETURN(StoredCall c, LoadManagedCall(conn, call, id, etag));
  const bool evaluators_only =
      fields.size() == 1 && fields.count("evaluators") > 0;
  if (c.state() == v1::CALL_STATE_OPEN && !evaluators_only) {
    return NotDraft("an open call changes only its evaluators");
  }
  if (c.state() != v1::CALL_STATE_DRAFT && c.state() != v1::CALL_STATE_OPEN) {
    return NotDraft("a decided call does not change");
  }

  v1::Call next = c.call;
  Apply(fields, changes, next);
  Violations v;
  // Applications may already be scored by an open call's evaluators, so
  // it keeps at least one; a draft may have none yet.
  const int min_evaluators = c.state() == v1::CALL_STATE_OPEN ? 1 : 0;
  PUMPURS_RETURN_IF_ERROR(CheckCallContent(conn, v, next, min_evaluators));
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  if (google::protobuf::util::MessageDifferencer::Equals(next, c.call)) {
    return PresentedCall(call.principal, c);
  }
  c.call = std::move(next);
  PUMPURS_RETURN_IF_ERROR(SaveCall(conn, c, now));
  return PresentedCall(call.principal, c);
}

absl::StatusOr<v1::Call> OpenCall(Connection& conn, const CallContext& call,
                                  absl::string_view id, absl::string_view etag,
                                  absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(StoredCall c, LoadManagedCall(conn, call, id, etag));
  if (c.state() != v1::CALL_STATE_DRAFT) {
    return NotDraft("only a draft call can be opened");
  }
  if (c.call.evaluators_size() == 0) {
    return InvalidFieldError("call.evaluators",
                             "needs at least one evaluator before the call "
                             "opens");
  }
  c.call.set_state(v1::CALL_STATE_OPEN);
  PUMPURS_RETURN_IF_ERROR(SaveCall(conn, c, now));
  return PresentedCall(call.principal, c);
}

}  // namespace pumpurs::initiatives
