#ifndef PUMPURS_TESTS_PLANS_LIFECYCLE_FIXTURE_H_
#define PUMPURS_TESTS_PLANS_LIFECYCLE_FIXTURE_H_

// Lifecycle and evaluation tests: the plan fixture plus the actions of
// server/plans/lifecycle.h and evaluation.h run as a caller in real write
// transactions, a plan of the adult pupil of the state vocational school,
// and direct reads of what was stored (the plan, its revisions, the change
// feed), so the tests see the rows, not only the answers.

#include <functional>
#include <string>
#include <vector>

#include "server/plans/evaluation.h"
#include "server/plans/lifecycle.h"
#include "tests/plans/plan_fixture.h"

namespace pumpurs::plans {

class LifecycleTest : public PlanTest {
 protected:
  using Result = absl::StatusOr<v1::SupportPlan>;

  Result Submit(const CallContext& call, const std::string& id,
                const std::string& etag = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return SubmitPlan(c, cc, id, etag, now_);
        });
  }
  Result Approve(const CallContext& call, const std::string& id,
                 const std::string& comment = "",
                 const std::string& etag = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ApprovePlan(c, cc, id, etag, comment, now_);
        });
  }
  Result Reject(const CallContext& call, const std::string& id,
                const std::string& comment, const std::string& etag = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return RejectPlan(c, cc, id, etag, comment, now_);
        });
  }
  Result Start(const CallContext& call, const std::string& id,
               const std::string& etag = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return StartPlan(c, cc, id, etag, now_);
        });
  }
  Result Suspend(const CallContext& call, const std::string& id,
                 const std::string& reason, const std::string& etag = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return SuspendPlan(c, cc, id, etag, reason, now_);
        });
  }
  Result Resume(const CallContext& call, const std::string& id,
                absl::Time now) {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ResumePlan(c, cc, id, "", now);
        });
  }
  Result Revise(const CallContext& call, const std::string& id,
                const std::string& reason = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return RevisePlan(c, cc, id, "", reason, now_);
        });
  }
  Result Delete(const CallContext& call, const std::string& id,
                const std::string& etag = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return DeletePlan(c, cc, id, etag, now_);
        });
  }
  Result Acknowledge(const CallContext& call, const std::string& id,
                     const std::string& comment = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return AcknowledgePlan(c, cc, id, comment, now_);
        });
  }
  Result Evaluate(const CallContext& call, const std::string& id,
                  const v1::PlanEvaluation& evaluation,
                  const std::string& etag = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return EvaluatePlan(c, cc, id, etag, evaluation, now_);
        });
  }

  // The plan as stored now.
  StoredPlan Load(const std::string& id) {
    absl::StatusOr<std::optional<StoredPlan>> p =
        Read<std::optional<StoredPlan>>(
            [&](storage::Connection& c) { return LoadPlan(c, id); });
    EXPECT_THAT(p, ::pumpurs::testing::IsOk());
    EXPECT_TRUE(p.ok() && p->has_value()) << id;
    return p.ok() && p->has_value() ? **p : StoredPlan{};
  }

  // Changes the stored plan directly (as the system, through SavePlan).
  void Edit(const std::string& id, const std::function<void(StoredPlan&)>& f) {
    CallContext system;
    system.caller_id = "system:test";
    EXPECT_THAT(
        db_->WriteSync(system,
                       [&](storage::Connection& c) -> absl::Status {
                         PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredPlan> p,
                                                  LoadPlan(c, id));
                         if (!p) return absl::NotFoundError(id);
                         f(*p);
                         return SavePlan(c, system, *p, "update", {}, now_);
                       }),
        ::pumpurs::testing::IsOk());
  }

  void WithdrawApplicationOf(const StoredPlan& p) {
    ASSERT_THAT(Exec("UPDATE plan_applications SET state = 2 WHERE id = '" +
                     p.application_id + "'"),
                ::pumpurs::testing::IsOk());
  }

  // A delivery row of the plan's first measure, as RecordDelivery would
  // leave it (the columns only: lifecycle reads nothing else).
  void AddDeliveryRow(const StoredPlan& p) {
    ASSERT_THAT(
        Exec(absl::StrCat(
            "INSERT INTO plan_deliveries (id, plan_id, measure_id, "
            "institution_id, provider_id, date, month, minutes, amount_cents, "
            "funds_cents, remote, data, create_time) VALUES ('",
            NewId(), "', '", p.id, "', 'm1', '", p.institution_id, "', '",
            provider_a_, "', '2026-09-10', '2026-09', 45, 0, 0, 0, x'', 0)")),
        ::pumpurs::testing::IsOk());
  }

  // A complete plan of the adult pupil of the state vocational school V.
  StoredPlan AddPlanV(Semester semester,
                      v1::PlanState state = v1::PLAN_STATE_DRAFT) {
    StoredPlan p;
    p.id = NewId();
    p.pupil_id = adult_pupil_;
    p.institution_id = v_.id;
    p.municipality_id = south_.id;
    p.application_id = AddApplication(adult_pupil_, v_.id, south_.id, semester);
    p.preparer_id = preparer_v_;
    p.semester = semester;
    p.vocational = true;
    p.plan = CompleteContent(semester, preparer_v_, provider_v_);
    p.plan.set_state(state);
    p.submitted = state != v1::PLAN_STATE_DRAFT;
    CallContext system;
    system.caller_id = "system:test";
    EXPECT_THAT(db_->WriteSync(system,
                               [&](storage::Connection& c) {
                                 return InsertPlan(c, system, p, now_);
                               }),
                ::pumpurs::testing::IsOk());
    return p;
  }

  // A plan of A taken through the whole chain: submitted by the preparer,
  // approved by the head, the north coordinator and the national level.
  StoredPlan ApprovedPlanA() {
    StoredPlan p = AddPlanA(Current());
    EXPECT_THAT(Submit(PreparerA(), p.id), ::pumpurs::testing::IsOk());
    EXPECT_THAT(Approve(HeadA(), p.id), ::pumpurs::testing::IsOk());
    EXPECT_THAT(Approve(North(), p.id), ::pumpurs::testing::IsOk());
    EXPECT_THAT(Approve(Admin(), p.id), ::pumpurs::testing::IsOk());
    return Load(p.id);
  }

  // One row of support_plan_revisions.
  struct Revision {
    int64_t number = 0;
    std::string actor;
    std::string action;
    std::string changed_fields;
    int64_t state = 0;
  };
  std::vector<Revision> Revisions(const std::string& id) {
    std::vector<Revision> out;
    EXPECT_THAT(
        db_->ReadSync(CallContext{},
                      [&](storage::Connection& c) -> absl::Status {
                        PUMPURS_ASSIGN_OR_RETURN(
                            storage::Statement s,
                            c.Prepare("SELECT number, actor, action, "
                                      "changed_fields, state FROM "
                                      "support_plan_revisions WHERE plan_id "
                                      "= ? ORDER BY number"));
                        s.Bind(1, id);
                        while (true) {
                          PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                          if (!row) break;
                          out.push_back({s.ColumnInt64(0), s.ColumnText(1),
                                         s.ColumnText(2), s.ColumnText(3),
                                         s.ColumnInt64(4)});
                        }
                        return absl::OkStatus();
                      }),
        ::pumpurs::testing::IsOk());
    return out;
  }
  std::vector<std::string> Actions(const std::string& id) {
    std::vector<std::string> out;
    for (const Revision& r : Revisions(id)) out.push_back(r.action);
    return out;
  }

  // A moment in the middle of the first day of `s`.
  static absl::Time DuringFirstDayOf(const Semester& s) {
    const absl::CivilDay day = FirstDay(s);
    return absl::FromCivil(
        absl::CivilSecond(day.year(), day.month(), day.day(), 12, 0, 0),
        absl::UTCTimeZone());
  }

  absl::Time now_ = absl::Now();
};

}  // namespace pumpurs::plans

#endif  // PUMPURS_TESTS_PLANS_LIFECYCLE_FIXTURE_H_
