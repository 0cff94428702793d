#include "server/plans/evaluation.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/plans/access.h"
#include "server/plans/lifecycle.h"
#include "server/plans/semester.h"

namespace pumpurs::plans {
namespace {

constexpr size_t kMaxComment = 2000;
constexpr size_t kMaxSummary = 4000;
constexpr char kVerb[] = "supportPlan.evaluate";

using Entries = google::protobuf::RepeatedPtrField<v1::OutcomeEntry>;

// What can be judged without the plan: enum values and text lengths.
void CheckShape(Violations& v, absl::string_view list, const Entries& entries) {
  for (int i = 0; i < entries.size(); ++i) {
    const std::string at = absl::StrCat("evaluation.", list, "[", i, "]");
    if (!v1::Outcome_IsValid(entries[i].outcome())) {
      v.Add(absl::StrCat(at, ".outcome"), "must be a known outcome");
    }
    CheckOptionalText(v, absl::StrCat(at, ".comment"), entries[i].comment(),
                      kMaxComment);
  }
}

// Entries naming no goal (measure) of the plan.
template <typename Items>
void CheckIds(Violations& v, absl::string_view list, const Entries& entries,
              const Items& items) {
  for (int i = 0; i < entries.size(); ++i) {
    bool known = false;
    for (const auto& item : items) known |= item.id() == entries[i].id();
    if (!known) {
      v.Add(absl::StrCat("evaluation.", list, "[", i, "].id"),
            absl::StrCat("must be the id of one of the plan's ", list));
    }
  }
}

// The ids of `items` without exactly one entry that has an outcome.
template <typename Items>
std::vector<std::string> Unevaluated(const Entries& entries,
                                     const Items& items) {
  std::map<std::string, int> count;
  std::map<std::string, bool> judged;
  for (const v1::OutcomeEntry& e : entries) {
    ++count[e.id()];
    if (e.outcome() != v1::OUTCOME_UNSPECIFIED) judged[e.id()] = true;
  }
  std::vector<std::string> out;
  for (const auto& item : items) {
    if (count[item.id()] != 1 || !judged[item.id()]) out.push_back(item.id());
  }
  return out;
}

absl::Status RequireComplete(const v1::SupportPlan& plan,
                             const v1::PlanEvaluation& evaluation) {
  std::vector<std::string> gaps;
  std::vector<std::string> goals =
      Unevaluated(evaluation.goals(), plan.goals());
  if (!goals.empty()) {
    gaps.push_back(absl::StrCat("goals without exactly one outcome: ",
                                absl::StrJoin(goals, ", ")));
  }
  std::vector<std::string> measures =
      Unevaluated(evaluation.measures(), plan.measures());
  if (!measures.empty()) {
    gaps.push_back(absl::StrCat("measures without exactly one outcome: ",
                                absl::StrJoin(measures, ", ")));
  }
  if (evaluation.decision() == v1::EVALUATION_DECISION_UNSPECIFIED) {
    gaps.push_back("no decision");
  }
  if (gaps.empty()) return absl::OkStatus();
  return Refused("EVALUATION_INCOMPLETE",
                 absl::StrCat("the evaluation is not complete: ",
                              absl::StrJoin(gaps, "; ")));
}

absl::StatusOr<bool> HasPlanFor(Connection& conn, absl::string_view pupil_id,
                                const Semester& semester) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM support_plans WHERE pupil_id = ? AND "
                   "school_year = ? AND term = ? AND state != ?"));
  s.Bind(1, pupil_id)
      .Bind(2, int64_t{semester.school_year})
      .Bind(3, int64_t{semester.term})
      .Bind(4, int64_t{v1::PLAN_STATE_INACTIVE});
  return s.Step();
}

// The next semester's draft: the same pupil, institution, application and
// preparer; the contents with new ids and dates moved into that semester;
// nothing delivered yet.
StoredPlan Continuation(const StoredPlan& old) {
  StoredPlan p;
  p.id = NewId();
  p.pupil_id = old.pupil_id;
  p.institution_id = old.institution_id;
  p.municipality_id = old.municipality_id;
  p.application_id = old.application_id;
  p.preparer_id = old.preparer_id;
  p.semester = Next(old.semester);
  p.vocational = old.vocational;
  p.application_withdrawn = old.application_withdrawn;
  p.guardian_ids = old.guardian_ids;
  const std::string first = FormatDay(FirstDay(p.semester));
  const std::string last = FormatDay(LastDay(p.semester));
  v1::SupportPlan& plan = p.plan;
  plan.set_preparer(old.plan.preparer());
  plan.set_problem_description(old.plan.problem_description());
  *plan.mutable_risks() = old.plan.risks();
  for (v1::PlanGoal goal : old.plan.goals()) {
    goal.set_id(NewId());
    goal.set_due_date(last);
    *plan.add_goals() = std::move(goal);
  }
  for (v1::PlanMeasure measure : old.plan.measures()) {
    measure.set_id(NewId());
    measure.set_start_date(first);
    measure.set_end_date(last);
    measure.clear_delivered_quantity();
    measure.clear_delivery_count();
    *plan.add_measures() = std::move(measure);
  }
  plan.set_continues(old.plan.name());
  plan.set_state(v1::PLAN_STATE_DRAFT);
  return p;
}

}  // namespace

absl::StatusOr<v1::SupportPlan> EvaluatePlan(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, const v1::PlanEvaluation& evaluation,
    absl::Time now) {
  Violations v;
  CheckShape(v, "goals", evaluation.goals());
  CheckShape(v, "measures", evaluation.measures());
  if (!v1::EvaluationDecision_IsValid(evaluation.decision())) {
    v.Add("evaluation.decision", "must be CLOSE or CONTINUE");
  }
  CheckOptionalText(v, "evaluation.summary", evaluation.summary(), kMaxSummary);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  PUMPURS_ASSIGN_OR_RETURN(
      StoredPlan p,
      LoadForChange(conn, call, id, auth::Action::kPlanManage, etag, kVerb));
  PUMPURS_RETURN_IF_ERROR(RequireWorkable(p));
  if (p.state() != v1::PLAN_STATE_IN_IMPLEMENTATION) {
    return Refused("PLAN_NOT_IN_IMPLEMENTATION",
                   "only a plan in implementation can be evaluated");
  }
  CheckIds(v, "goals", evaluation.goals(), p.plan.goals());
  CheckIds(v, "measures", evaluation.measures(), p.plan.measures());
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_RETURN_IF_ERROR(RequireComplete(p.plan, evaluation));

  std::vector<std::string> changed = {"state", "evaluation"};
  if (evaluation.decision() == v1::EVALUATION_DECISION_CONTINUE) {
    PUMPURS_ASSIGN_OR_RETURN(bool taken,
                             HasPlanFor(conn, p.pupil_id, Next(p.semester)));
    if (taken) {
      return Refused("NEXT_PLAN_EXISTS",
                     "the pupil already has a plan for the next semester");
    }
    StoredPlan next = Continuation(p);
    PUMPURS_RETURN_IF_ERROR(InsertPlan(conn, call, next, now));
    PUMPURS_RETURN_IF_ERROR(
        AuditPlanChange(conn, call, next, "supportPlan.create"));
    p.plan.set_continued_by(next.plan.name());
    changed.push_back("continued_by");
  }
  v1::PlanEvaluation* stored = p.plan.mutable_evaluation();
  *stored = evaluation;
  stored->set_evaluator(call.caller_id);
  *stored->mutable_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(now));
  p.plan.set_state(v1::PLAN_STATE_CLOSED);
  return SaveAction(conn, call, p, "evaluate", changed, now);
}

}  // namespace pumpurs::plans
