#include "server/sync/changes.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "server/auth/audited_access.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/status_macros.h"
#include "server/initiatives/access.h"
#include "server/initiatives/store.h"
#include "server/plans/access.h"
#include "server/plans/store.h"

namespace pumpurs::sync {
namespace {

using plans::StoredPlan;
using plans::View;

constexpr absl::string_view kTokenPrefix = "v1:";

absl::Status BadToken(absl::string_view description) {
  return WithReason(InvalidFieldError("sync_token", std::string(description)),
                    "INVALID_SYNC_TOKEN");
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

// One row of the feed.
struct Row {
  int64_t seq = 0;
  std::string resource;
  std::string plan_id;
  std::string pupil_id;
  bool deleted = false;
  absl::Time time;
};

// Resolves rows into changes for one caller, loading each plan once per
// page (a plan and its deliveries share the decision).
class Resolver {
 public:
  Resolver(Connection& conn, const CallContext& call)
      : conn_(conn), call_(call) {}

  // The change to send for `row`, or nullopt if the caller gets nothing.
  absl::StatusOr<std::optional<v1::Change>> Resolve(const Row& row) {
    v1::Change change;
    change.set_sequence(row.seq);
    change.set_resource(row.resource);
    *change.mutable_change_time() = ToProto(row.time);
    std::vector<absl::string_view> parts = absl::StrSplit(row.resource, '/');
    if (parts.size() == 2 && parts[0] == plans::kSupportPlans) {
      return PlanChange(row, std::move(change));
    }
    if (parts.size() == 4 && parts[0] == plans::kSupportPlans &&
        parts[2] == "deliveries") {
      return DeliveryChange(row, parts[3], std::move(change));
    }
    if (parts.size() == 2 && parts[0] == plans::kApplications) {
      return ApplicationChange(row, parts[1], std::move(change));
    }
    if (parts.size() == 2 && parts[0] == initiatives::kCalls) {
      return InitiativeCallChange(parts[1], std::move(change));
    }
    if (parts.size() == 2 && parts[0] == initiatives::kInitiatives) {
      return InitiativeChange(parts[1], std::move(change));
    }
    // A kind of resource this server does not sync (a newer writer's):
    // nothing to send.
    return std::nullopt;
  }

 private:
  // What the caller may have of a plan now.
  enum class Access { kNone, kTombstone, kContents };

  struct PlanState {
    std::optional<StoredPlan> plan;
    Access access = Access::kNone;
  };

  absl::StatusOr<const PlanState*> Plan(const std::string& id) {
    auto it = plans_.find(id);
    if (it != plans_.end()) return &it->second;
    PlanState state;
    PUMPURS_ASSIGN_OR_RETURN(state.plan, plans::LoadPlan(conn_, id));
    if (state.plan) {
      PUMPURS_ASSIGN_OR_RETURN(state.access, AccessTo(*state.plan));
    }
    return &plans_.emplace(id, std::move(state)).first->second;
  }

  absl::StatusOr<Access> AccessTo(const StoredPlan& p) {
    const Principal& who = call_.principal;
    if (p.state() != v1::PLAN_STATE_INACTIVE &&
        plans::ViewOf(who, p) != View::kNone) {
      return Access::kContents;
    }
    // Deleted, or no longer visible: a tombstone for callers who may hold
    // the plan from an earlier sync, i.e. who would see it in draft, or in
    // approval if it ever left draft.
    StoredPlan was = p;
    was.provider_ids.insert(was.provider_ids.end(),
                            p.former_provider_ids.begin(),
                            p.former_provider_ids.end());
    was.plan.set_state(v1::PLAN_STATE_DRAFT);
    if (plans::ViewOf(who, was) != View::kNone) return Access::kTombstone;
    was.plan.set_state(v1::PLAN_STATE_IN_APPROVAL);
    if (plans::ViewOf(who, was) == View::kNone) return Access::kNone;
    PUMPURS_ASSIGN_OR_RETURN(bool left_draft, EverLeftDraft(p.id));
    return left_draft ? Access::kTombstone : Access::kNone;
  }

  absl::StatusOr<bool> EverLeftDraft(const std::string& plan_id) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn_.Prepare("SELECT 1 FROM support_plan_revisions WHERE plan_id = ? "
                      "AND state NOT IN (1, 7) LIMIT 1"));
    s.Bind(1, plan_id);
    return s.Step();
  }

  absl::StatusOr<std::optional<v1::Change>> PlanChange(const Row& row,
                                                       v1::Change change) {
    PUMPURS_ASSIGN_OR_RETURN(const PlanState* state, Plan(row.plan_id));
    if (!state->plan || state->access == Access::kNone) return std::nullopt;
    if (row.deleted || state->access == Access::kTombstone) {
      change.set_kind(v1::CHANGE_KIND_DELETE);
      return change;
    }
    change.set_kind(v1::CHANGE_KIND_UPSERT);
    *change.mutable_support_plan() =
        plans::Presented(call_.principal, *state->plan);
    auth::AuditRead(call_, plans::PlanEvent("supportPlan.sync", *state->plan));
    return change;
  }

  absl::StatusOr<std::optional<v1::Change>> DeliveryChange(
      const Row& row, absl::string_view delivery_id, v1::Change change) {
    PUMPURS_ASSIGN_OR_RETURN(const PlanState* state, Plan(row.plan_id));
    if (!state->plan || state->access == Access::kNone) return std::nullopt;
    if (row.deleted || state->access == Access::kTombstone) {
      change.set_kind(v1::CHANGE_KIND_DELETE);
      return change;
    }
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn_.Prepare(
            "SELECT data FROM plan_deliveries WHERE id = ? AND plan_id = ?"));
    s.Bind(1, delivery_id).Bind(2, row.plan_id);
    PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) {
      change.set_kind(v1::CHANGE_KIND_DELETE);
      return change;
    }
    if (!change.mutable_delivery()->ParseFromString(s.ColumnText(0))) {
      return absl::DataLossError("a stored delivery record cannot be read");
    }
    change.set_kind(v1::CHANGE_KIND_UPSERT);
    auth::AuditRead(
        call_, plans::PlanEvent("delivery.sync", *state->plan, row.resource));
    return change;
  }

  absl::StatusOr<std::optional<v1::Change>> ApplicationChange(
      const Row& row, absl::string_view id, v1::Change change) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn_.Prepare(
            "SELECT pupil_id, institution_id, municipality_id, data, "
            "(SELECT group_concat(guardian_id, ',') FROM guardian_pupils g "
            "WHERE g.pupil_id = a.pupil_id) FROM plan_applications a WHERE "
            "id = ?"));
    s.Bind(1, id);
    PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
    // Applications are withdrawn, never removed: a missing row is one this
    // server cannot decide about.
    if (!found) return std::nullopt;
    auth::Target target;
    target.pupil_id = s.ColumnText(0);
    target.institution_id = s.ColumnText(1);
    target.municipality_id = s.ColumnText(2);
    const std::string guardians = s.ColumnText(4);
    if (!guardians.empty()) {
      target.guardian_ids = absl::StrSplit(guardians, ',');
    }
    if (!auth::Authorize(call_.principal, auth::Action::kApplicationRead,
                         target)
             .ok()) {
      return std::nullopt;
    }
    if (row.deleted) {
      change.set_kind(v1::CHANGE_KIND_DELETE);
      return change;
    }
    if (!change.mutable_application()->ParseFromString(s.ColumnText(3))) {
      return absl::DataLossError("a stored application cannot be read");
    }
    change.set_kind(v1::CHANGE_KIND_UPSERT);
    auth::AuditRead(call_,
                    auth::Event("application.sync", row.resource, target));
    return change;
  }

  // A youth-initiative call, loaded once per page (its projects share it).
  absl::StatusOr<const std::optional<initiatives::StoredCall>*> Call(
      absl::string_view id) {
    auto it = calls_.find(id);
    if (it != calls_.end()) return &it->second;
    PUMPURS_ASSIGN_OR_RETURN(std::optional<initiatives::StoredCall> c,
                             initiatives::LoadCall(conn_, id));
    return &calls_.emplace(std::string(id), std::move(c)).first->second;
  }

  // Calls hold no pupils' data: not audited. Calls and projects are never
  // removed (withdrawn is a state), so there are no tombstones; a resource
  // the caller cannot see (now) is skipped.
  absl::StatusOr<std::optional<v1::Change>> InitiativeCallChange(
      absl::string_view id, v1::Change change) {
    PUMPURS_ASSIGN_OR_RETURN(const std::optional<initiatives::StoredCall>* c,
                             Call(id));
    if (!*c || !initiatives::SeesCall(call_.principal, **c)) {
      return std::nullopt;
    }
    change.set_kind(v1::CHANGE_KIND_UPSERT);
    *change.mutable_initiative_call() =
        initiatives::PresentedCall(call_.principal, **c);
    return change;
  }

  absl::StatusOr<std::optional<v1::Change>> InitiativeChange(
      absl::string_view id, v1::Change change) {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<initiatives::StoredInitiative> i,
                             initiatives::LoadInitiative(conn_, id));
    if (!i) return std::nullopt;
    PUMPURS_ASSIGN_OR_RETURN(const std::optional<initiatives::StoredCall>* c,
                             Call(i->call_id));
    if (!*c) return std::nullopt;
    const initiatives::View view =
        initiatives::ViewOf(call_.principal, *i, **c);
    if (view == initiatives::View::kNone) return std::nullopt;
    change.set_kind(v1::CHANGE_KIND_UPSERT);
    *change.mutable_initiative() =
        initiatives::Presented(call_.principal, view, *i);
    initiatives::AuditRead(call_, *i, "initiative.sync");
    return change;
  }

  Connection& conn_;
  const CallContext& call_;
  std::map<std::string, PlanState> plans_;
  std::map<std::string, std::optional<initiatives::StoredCall>, std::less<>>
      calls_;
};

}  // namespace

std::string EncodeSyncToken(int64_t seq) {
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenPrefix, seq));
}

absl::StatusOr<int64_t> DecodeSyncToken(absl::string_view token) {
  if (token.empty()) return 0;
  std::string raw;
  int64_t seq = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return BadToken("is not a token this server returned");
  }
  absl::string_view rest = raw;
  // Only the exact form EncodeSyncToken writes, so a token has one spelling.
  if (!absl::ConsumePrefix(&rest, kTokenPrefix) ||
      !absl::SimpleAtoi(rest, &seq) || seq < 0 ||
      EncodeSyncToken(seq) != token) {
    return BadToken("is not a token this server returned");
  }
  return seq;
}

absl::StatusOr<ChangesRequest> ParseChangesRequest(absl::string_view sync_token,
                                                   int page_size) {
  Violations violations;
  ChangesRequest request;
  absl::StatusOr<int64_t> after = DecodeSyncToken(sync_token);
  if (after.ok()) {
    request.after = *after;
  } else {
    violations.Add("sync_token", "is not a token this server returned");
  }
  if (page_size < 0) {
    violations.Add("page_size", "must not be negative");
  } else if (page_size > 0) {
    request.page_size = std::min(page_size, kMaxChangesPageSize);
  }
  if (violations.empty()) return request;
  absl::Status bad = violations.ToStatus();
  return after.ok() ? bad : WithReason(bad, "INVALID_SYNC_TOKEN");
}

absl::StatusOr<int64_t> LatestSequence(Connection& conn) {
  return conn.QueryInt("SELECT coalesce(max(seq), 0) FROM changes");
}

absl::StatusOr<ChangesPage> ListChanges(Connection& conn,
                                        const CallContext& call,
                                        const ChangesRequest& request) {
  PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
  PUMPURS_ASSIGN_OR_RETURN(int64_t latest, LatestSequence(conn));
  // Sequence numbers only grow (AUTOINCREMENT), so a token ahead of the
  // feed came from another database (or a restored backup): continuing
  // from it would silently skip changes.
  if (request.after > latest) {
    return BadToken(
        "is ahead of this server's change feed; sync again from the "
        "beginning");
  }
  const int page_size =
      request.page_size > 0 ? request.page_size : kDefaultChangesPageSize;
  const int scan_limit = std::max(10 * page_size, kMinChangesScan);
  // superseded: a later row of the same resource exists, so this one is
  // skipped (the later one carries the resource's current state).
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(
          "SELECT c.seq, c.resource, c.plan_id, c.pupil_id, c.deleted, "
          "c.time, EXISTS (SELECT 1 FROM changes l WHERE l.resource = "
          "c.resource AND l.seq > c.seq) FROM changes c WHERE c.seq > ? "
          "ORDER BY c.seq LIMIT ?"));
  s.Bind(1, request.after).Bind(2, int64_t{scan_limit} + 1);
  ChangesPage page;
  page.last_seq = request.after;
  Resolver resolver(conn, call);
  int scanned = 0;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool more, s.Step());
    if (!more) break;
    if (scanned == scan_limit ||
        static_cast<int>(page.changes.size()) == page_size) {
      page.has_more = true;
      break;
    }
    ++scanned;
    Row row;
    row.seq = s.ColumnInt64(0);
    page.last_seq = row.seq;
    if (s.ColumnInt64(6) != 0) continue;
    row.resource = s.ColumnText(1);
    row.plan_id = s.ColumnText(2);
    row.pupil_id = s.ColumnText(3);
    row.deleted = s.ColumnInt64(4) != 0;
    row.time = absl::FromUnixMicros(s.ColumnInt64(5));
    PUMPURS_ASSIGN_OR_RETURN(std::optional<v1::Change> change,
                             resolver.Resolve(row));
    if (change) page.changes.push_back(*std::move(change));
  }
  return page;
}

}  // namespace pumpurs::sync
