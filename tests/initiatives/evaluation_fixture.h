#ifndef PUMPURS_TESTS_INITIATIVES_EVALUATION_FIXTURE_H_
#define PUMPURS_TESTS_INITIATIVES_EVALUATION_FIXTURE_H_

// Evaluation, decision and progress tests: InitiativeTest plus calls of the
// domain functions (evaluation.h, progress.h) as a given caller, and
// helpers that change stored calls and projects directly (evaluators,
// supervisor, members, scores), so each test starts from the state it
// needs.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/util/time_util.h"
#include "server/initiatives/evaluation.h"
#include "server/initiatives/progress.h"
#include "tests/initiatives/initiative_fixture.h"
#include "tests/testing/names.h"

namespace pumpurs::initiatives {

using ::pumpurs::testing::IdOf;

using Scores = google::protobuf::RepeatedPtrField<v1::CriterionScore>;

class EvaluationTest : public InitiativeTest {
 protected:
  // A north call whose application period ended yesterday.
  StoredCall Closed(int max_projects = 2) {
    return AddCall(Today() - 30, Today() - 1, v1::CALL_STATE_OPEN,
                   max_projects);
  }

  // Scores for the fixture's criteria k1 (max 10) and k2 (max 20).
  static Scores Points(int k1, int k2) {
    Scores out;
    v1::CriterionScore* a = out.Add();
    a->set_criterion("k1");
    a->set_points(k1);
    a->set_comment("Labi pamatots.");
    v1::CriterionScore* b = out.Add();
    b->set_criterion("k2");
    b->set_points(k2);
    return out;
  }

  absl::StatusOr<v1::Initiative> Score(const CallContext& who,
                                       const std::string& id,
                                       const Scores& scores) {
    return WriteAs<v1::Initiative>(
        who, [&](storage::Connection& c, const CallContext& call) {
          return ScoreInitiative(c, call, id, scores, absl::Now());
        });
  }
  absl::StatusOr<DecidedCall> Decide(const CallContext& who,
                                     const std::string& call_id,
                                     const std::string& etag = "",
                                     const std::string& comment = "") {
    return WriteAs<DecidedCall>(
        who, [&](storage::Connection& c, const CallContext& call) {
          return DecideCall(c, call, call_id, etag, comment, absl::Now());
        });
  }
  absl::StatusOr<v1::Initiative> Start(const CallContext& who,
                                       const std::string& id,
                                       const std::string& etag = "") {
    return WriteAs<v1::Initiative>(
        who, [&](storage::Connection& c, const CallContext& call) {
          return StartInitiative(c, call, id, etag, absl::Now());
        });
  }
  absl::StatusOr<v1::Initiative> Report(const CallContext& who,
                                        const std::string& id,
                                        const v1::Report& report,
                                        const std::string& etag = "") {
    return WriteAs<v1::Initiative>(
        who, [&](storage::Connection& c, const CallContext& call) {
          return SubmitReport(c, call, id, etag, report, absl::Now());
        });
  }
  absl::StatusOr<v1::Initiative> Accept(const CallContext& who,
                                        const std::string& id,
                                        const std::string& etag = "") {
    return WriteAs<v1::Initiative>(
        who, [&](storage::Connection& c, const CallContext& call) {
          return AcceptReport(c, call, id, etag, absl::Now());
        });
  }

  StoredInitiative Load(const std::string& id) {
    absl::StatusOr<std::optional<StoredInitiative>> i =
        Read<std::optional<StoredInitiative>>(
            [&](storage::Connection& c) { return LoadInitiative(c, id); });
    EXPECT_THAT(i, ::pumpurs::testing::IsOk());
    return i.ok() && i->has_value() ? **i : StoredInitiative{};
  }
  StoredCall LoadC(const std::string& id) {
    absl::StatusOr<std::optional<StoredCall>> c =
        Read<std::optional<StoredCall>>(
            [&](storage::Connection& conn) { return LoadCall(conn, id); });
    EXPECT_THAT(c, ::pumpurs::testing::IsOk());
    return c.ok() && c->has_value() ? **c : StoredCall{};
  }

  // Stores a change made by `f` to the call or project.
  void ChangeCall(StoredCall& c, const std::function<void(v1::Call&)>& f) {
    f(c.call);
    EXPECT_THAT(db_->WriteSync(CallContext{},
                               [&](storage::Connection& conn) {
                                 return SaveCall(conn, c, absl::Now());
                               }),
                ::pumpurs::testing::IsOk());
  }
  void Change(StoredInitiative& i,
              const std::function<void(v1::Initiative&)>& f) {
    f(i.initiative);
    EXPECT_THAT(db_->WriteSync(CallContext{},
                               [&](storage::Connection& conn) {
                                 return SaveInitiative(conn, i, absl::Now());
                               }),
                ::pumpurs::testing::IsOk());
  }
  void SetEvaluators(StoredCall& c, const std::vector<std::string>& accounts) {
    ChangeCall(c, [&](v1::Call& call) {
      call.clear_evaluators();
      for (const std::string& a : accounts) {
        call.add_evaluators(ResourceName(kAccounts, a));
      }
    });
  }

  // Evaluations stored directly: (evaluator account, total points) each;
  // the project submitted `submitted_minutes_ago` and evaluated.
  void Evaluated(StoredInitiative& i,
                 const std::vector<std::pair<std::string, int>>& totals,
                 int submitted_minutes_ago = 60) {
    Change(i, [&](v1::Initiative& in) {
      in.set_state(v1::INITIATIVE_STATE_EVALUATED);
      *in.mutable_submit_time() =
          google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
              absl::ToUnixMicros(absl::Now() -
                                 absl::Minutes(submitted_minutes_ago)));
      in.clear_evaluations();
      for (const auto& [evaluator, total] : totals) {
        v1::Evaluation* e = in.add_evaluations();
        e->set_evaluator(ResourceName(kAccounts, evaluator));
        e->set_total_points(total);
      }
    });
  }

  int64_t Version(const std::string& initiative_id) {
    return QueryInt("SELECT version FROM initiatives WHERE id = '" +
                    initiative_id + "'");
  }
  int64_t CallVersion(const std::string& call_id) {
    return QueryInt("SELECT version FROM initiative_calls WHERE id = '" +
                    call_id + "'");
  }
  // Audit events stored for `action` with `outcome` (1 allowed, 2 denied).
  int64_t Audited(const std::string& action, int outcome = 1) {
    return QueryInt("SELECT count(*) FROM audit_events WHERE action = '" +
                    action + "' AND outcome = " + std::to_string(outcome));
  }
};

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_TESTS_INITIATIVES_EVALUATION_FIXTURE_H_
