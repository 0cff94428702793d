#include "server/initiatives/evaluation.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "server/auth/accounts.h"
#include "server/auth/audit.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/initiatives/access.h"
#include "server/plans/semester.h"

namespace pumpurs::initiatives {
namespace {

using auth::Action;
using google::protobuf::util::TimeUtil;

constexpr char kScoreVerb[] = "initiative.score";
constexpr char kDecideVerb[] = "initiative.decide";
constexpr size_t kMaxComment = 2000;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return Error(absl::StatusCode::kFailedPrecondition, reason, message);
}

bool Has(const std::vector<std::string>& ids, absl::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Scoring opens when the application period is over and closes with the
// decision, so every evaluator judges the same, final set of applications.
bool EvaluationOpen(const StoredCall& c, absl::Time now) {
  if (c.state() != v1::CALL_STATE_OPEN) return false;
  const std::optional<absl::CivilDay> end =
      plans::ParseDay(c.call.application_end());
  return end && plans::DayInLatvia(now) > *end;
}

// The roles of another evaluator's account (none if it is gone: then it
// is in conflict with nothing, and simply never scores).
absl::StatusOr<std::vector<RoleBinding>> RolesOf(Connection& conn,
                                                 absl::string_view account) {
  absl::StatusOr<auth::AccountRecord> a = auth::GetAccountRecord(conn, account);
  if (absl::IsNotFound(a.status())) return std::vector<RoleBinding>();
  if (!a.ok()) return a.status();
  return a->roles;
}

// What the ranking uses of a project: the evaluations of the call's
// present evaluators who are not in conflict. Complete when each of them
// has scored (and at least one has: a project every evaluator is in
// conflict with waits for the owner to name another).
struct Tally {
  int64_t sum = 0;
  int64_t count = 0;
  bool complete = true;
  double average() const {
    return count == 0 ? 0 : static_cast<double>(sum) / count;
  }
};

absl::StatusOr<Tally> TallyOf(Connection& conn, const StoredCall& c,
                              const StoredInitiative& i) {
  Tally t;
  for (const std::string& evaluator : c.evaluator_ids) {
    PUMPURS_ASSIGN_OR_RETURN(std::vector<RoleBinding> roles,
                             RolesOf(conn, evaluator));
    if (!ConflictOf(evaluator, roles, i).empty()) continue;
    const std::string name = ResourceName(kAccounts, evaluator);
    const auto& all = i.initiative.evaluations();
    auto e = std::find_if(all.begin(), all.end(), [&](const v1::Evaluation& e) {
      return e.evaluator() == name;
    });
    if (e == all.end()) {
      t.complete = false;
      continue;
    }
    t.sum += e->total_points();
    ++t.count;
  }
  t.complete = t.complete && t.count > 0;
  return t;
}

// Checks that need no stored data.
void CheckScoreShape(
    Violations& v,
    const google::protobuf::RepeatedPtrField<v1::CriterionScore>& scores) {
  for (int k = 0; k < scores.size(); ++k) {
    const v1::CriterionScore& s = scores[k];
    const std::string field = absl::StrCat("scores[", k, "]");
    if (s.criterion().empty()) v.Add(field + ".criterion", "is required");
    if (s.points() < 0) {
      v.Add(field + ".points", "must be 0 to the criterion's max_points");
    }
    CheckOptionalText(v, field + ".comment", s.comment(), kMaxComment);
  }
}

// One score per criterion of the call, within its maximum.
void CheckScoresFit(
    Violations& v,
    const google::protobuf::RepeatedPtrField<v1::CriterionScore>& scores,
    const v1::Call& call) {
  std::map<std::string, int32_t> max_points;
  for (const v1::Criterion& c : call.criteria()) {
    max_points[c.id()] = c.max_points();
  }
  std::set<std::string> seen;
  for (int k = 0; k < scores.size(); ++k) {
    const v1::CriterionScore& s = scores[k];
    if (s.criterion().empty()) continue;
    const std::string field = absl::StrCat("scores[", k, "]");
    auto max = max_points.find(s.criterion());
    if (max == max_points.end()) {
      v.Add(field + ".criterion", "is not a criterion of the call");
      continue;
    }
    if (!seen.insert(s.criterion()).second) {
      v.Add(field + ".criterion", "scores a criterion already scored");
    }
    if (s.points() > max->second) {
      v.Add(field + ".points", "must be 0 to the criterion's max_points");
    }
  }
  std::vector<std::string> missing;
  for (const auto& [id, max] : max_points) {
    if (!seen.count(id)) missing.push_back(id);
  }
  if (!missing.empty()) {
    v.Add("scores", absl::StrCat("must score every criterion of the call; "
                                 "missing: ",
                                 absl::StrJoin(missing, ", ")));
  }
}

absl::StatusOr<bool> SeesProject(Connection& conn, const Principal& principal,
                                 absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredInitiative> i,
                           LoadInitiative(conn, id));
  if (!i) return false;
  PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredCall> c,
                           LoadCall(conn, i->call_id));
  return c && ViewOf(principal, *i, *c) != View::kNone;
}

// The refusal of a caller in conflict, audited like every refusal of a
// project that names pupils.
absl::Status DenyConflict(const CallContext& call, const StoredInitiative& i,
                          absl::string_view conflict) {
  for (const std::string& pupil : i.member_ids) {
    AuditEvent e;
    e.action = kScoreVerb;
    e.resource = i.initiative.name();
    e.institution_id = i.institution_id;
    e.municipality_id = i.municipality_id;
    e.pupil_id = pupil;
    e.outcome = AuditOutcome::kDenied;
    auth::DeferAudit(call, std::move(e));
  }
  return Error(
      absl::StatusCode::kPermissionDenied, "CONFLICT_OF_INTEREST",
      absl::StrCat("the evaluator is ", conflict, " and may not score it"));
}

// Replaces the evaluator's earlier evaluation, or adds theirs.
void PutEvaluation(v1::Initiative& in, v1::Evaluation e) {
  for (v1::Evaluation& old : *in.mutable_evaluations()) {
    if (old.evaluator() == e.evaluator()) {
      old = std::move(e);
      return;
    }
  }
  *in.add_evaluations() = std::move(e);
}

struct Ranked {
  StoredInitiative initiative;
  Tally tally;
};

// Higher average first (compared exactly), then earlier submitted, then id.
bool Better(const Ranked& a, const Ranked& b) {
  const int64_t left = a.tally.sum * b.tally.count;
  const int64_t right = b.tally.sum * a.tally.count;
  if (left != right) return left > right;
  const int64_t ta =
      TimeUtil::TimestampToMicroseconds(a.initiative.initiative.submit_time());
  const int64_t tb =
      TimeUtil::TimestampToMicroseconds(b.initiative.initiative.submit_time());
  if (ta != tb) return ta < tb;
  return a.initiative.id < b.initiative.id;
}

// The projects of the call awaiting the decision.
absl::StatusOr<std::vector<StoredInitiative>> Awaiting(Connection& conn,
                                                       const StoredCall& c) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT id FROM initiatives WHERE call_id = ? AND state IN "
                   "(?, ?) ORDER BY id"));
  s.Bind(1, c.id)
      .Bind(2, int64_t{v1::INITIATIVE_STATE_SUBMITTED})
      .Bind(3, int64_t{v1::INITIATIVE_STATE_EVALUATED});
  std::vector<std::string> ids;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ids.push_back(s.ColumnText(0));
  }
  std::vector<StoredInitiative> out;
  for (const std::string& id : ids) {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredInitiative> i,
                             LoadInitiative(conn, id));
    if (i) out.push_back(*std::move(i));
  }
  return out;
}

std::string ReasonFor(int rank, int of, int funded) {
  return absl::StrCat("rank ", rank, " of ", of,
                      rank <= funded ? ", within the " : ", beyond the ",
                      funded, funded == 1 ? " project" : " projects",
                      " the call funds");
}

}  // namespace

std::string ConflictOf(absl::string_view account_id,
                       const std::vector<RoleBinding>& roles,
                       const StoredInitiative& i) {
  if (account_id == i.owner_account_id) return "the project's owner";
  if (!i.supervisor_account_id.empty() &&
      account_id == i.supervisor_account_id) {
    return "the project's supervisor";
  }
  for (const RoleBinding& b : roles) {
    if (b.role == Role::kAdultPupil && Has(i.member_ids, b.scope_id)) {
      return "a member of the project";
    }
    if (b.role == Role::kGuardian && Has(i.guardian_ids, b.scope_id)) {
      return "a guardian of a member of the project";
    }
  }
  return "";
}

absl::StatusOr<v1::Initiative> ScoreInitiative(
    Connection& conn, const CallContext& call, absl::string_view id,
    const google::protobuf::RepeatedPtrField<v1::CriterionScore>& scores,
    absl::Time now) {
  Violations v;
  CheckScoreShape(v, scores);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  absl::StatusOr<Loaded> loaded = LoadForChange(
      conn, call, id, Action::kInitiativeScore, /*etag=*/"", kScoreVerb);
  if (absl::IsPermissionDenied(loaded.status())) {
    // Who sees the project anyway learns why; anyone else nothing.
    PUMPURS_ASSIGN_OR_RETURN(bool sees, SeesProject(conn, call.principal, id));
    if (sees) {
      return Error(absl::StatusCode::kPermissionDenied, "NOT_AN_EVALUATOR",
                   "the caller is not an evaluator of this call");
    }
  }
  if (!loaded.ok()) return loaded.status();
  StoredInitiative& i = loaded->initiative;
  const std::string conflict =
      ConflictOf(call.principal.account_id, call.principal.roles, i);
  if (!conflict.empty()) return DenyConflict(call, i, conflict);
  if (!EvaluationOpen(loaded->call, now)) {
    return Refused("EVALUATION_NOT_OPEN",
                   "scoring opens when the application period is over and "
                   "closes with the decision");
  }
  if (i.state() != v1::INITIATIVE_STATE_SUBMITTED &&
      i.state() != v1::INITIATIVE_STATE_EVALUATED) {
    return Refused("INITIATIVE_NOT_SUBMITTED",
                   "only a submitted project can be scored");
  }
  CheckScoresFit(v, scores, loaded->call.call);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  v1::Evaluation e;
  e.set_evaluator(ResourceName(kAccounts, call.principal.account_id));
  int32_t total = 0;
  for (const v1::CriterionScore& s : scores) {
    v1::CriterionScore* kept = e.add_scores();
    kept->set_criterion(s.criterion());
    kept->set_points(s.points());
    kept->set_comment(s.comment());
    total += s.points();
  }
  e.set_total_points(total);
  *e.mutable_time() = ToProto(now);
  PutEvaluation(i.initiative, std::move(e));
  PUMPURS_ASSIGN_OR_RETURN(Tally tally, TallyOf(conn, loaded->call, i));
  if (tally.complete) i.initiative.set_state(v1::INITIATIVE_STATE_EVALUATED);

  PUMPURS_RETURN_IF_ERROR(SaveInitiative(conn, i, now));
  PUMPURS_RETURN_IF_ERROR(AuditChange(conn, call, i, kScoreVerb));
  return Presented(call.principal, loaded->view, i);
}

absl::StatusOr<DecidedCall> DecideCall(
    Connection& conn, const CallContext& call, absl::string_view call_id,
    absl::string_view etag, absl::string_view comment, absl::Time now) {
  Violations v;
  CheckOptionalText(v, "comment", comment, kMaxComment);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  PUMPURS_ASSIGN_OR_RETURN(StoredCall c,
                           LoadManagedCall(conn, call, call_id, etag));
  if (c.state() == v1::CALL_STATE_DECIDED) {
    return Refused("CALL_ALREADY_DECIDED", "the call is already decided");
  }
  if (c.state() != v1::CALL_STATE_OPEN) {
    return Refused("CALL_NOT_OPEN", "only an open call can be decided");
  }
  if (!EvaluationOpen(c, now)) {
    return Refused("EVALUATION_NOT_OPEN",
                   "the call is decided after its application period");
  }

  PUMPURS_ASSIGN_OR_RETURN(std::vector<StoredInitiative> awaiting,
                           Awaiting(conn, c));
  std::vector<Ranked> ranked;
  std::vector<std::string> missing;
  for (StoredInitiative& i : awaiting) {
    PUMPURS_ASSIGN_OR_RETURN(Tally t, TallyOf(conn, c, i));
    if (!t.complete) missing.push_back(i.initiative.name());
    ranked.push_back({std::move(i), t});
  }
  if (!missing.empty()) {
    return Refused(
        "SCORES_INCOMPLETE",
        absl::StrCat(missing.size(), " of ", ranked.size(),
                     " submitted projects still lack evaluators' scores: ",
                     absl::StrJoin(missing, ", ")));
  }
  std::sort(ranked.begin(), ranked.end(), Better);

  DecidedCall out;
  const int funded = c.call.max_projects();
  const int of = static_cast<int>(ranked.size());
  for (int k = 0; k < of; ++k) {
    StoredInitiative& i = ranked[k].initiative;
    const bool approved = k < funded;
    v1::Decision* d = i.initiative.mutable_decision();
    d->set_approved(approved);
    d->set_rank(k + 1);
    d->set_average_points(ranked[k].tally.average());
    d->set_reason(ReasonFor(k + 1, of, funded));
    d->set_comment(std::string(comment));
    d->set_decided_by(ResourceName(kAccounts, call.principal.account_id));
    *d->mutable_time() = ToProto(now);
    i.initiative.set_state(approved ? v1::INITIATIVE_STATE_APPROVED
                                    : v1::INITIATIVE_STATE_REJECTED);
    PUMPURS_RETURN_IF_ERROR(SaveInitiative(conn, i, now));
    PUMPURS_RETURN_IF_ERROR(AuditChange(conn, call, i, kDecideVerb));
    out.initiatives.push_back(Presented(call.principal, View::kCoordinator, i));
  }
  c.call.set_state(v1::CALL_STATE_DECIDED);
  PUMPURS_RETURN_IF_ERROR(SaveCall(conn, c, now));
  out.call = PresentedCall(call.principal, c);
  return out;
}

}  // namespace pumpurs::initiatives
