#ifndef PUMPURS_TESTS_PLANS_PLAN_CALLS_H_
#define PUMPURS_TESTS_PLANS_PLAN_CALLS_H_

// The application and plan-content calls (applications.h, plans.h) run as
// a given caller in real executor transactions, on top of PlanTest.

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "server/plans/applications.h"
#include "server/plans/plans.h"
#include "tests/plans/plan_fixture.h"
#include "tests/testing/names.h"

namespace pumpurs::plans {

using ::pumpurs::testing::IdOf;

class PlanCallsTest : public PlanTest {
 protected:
  // "YYYY-MM-DD" of the day `days` from today in Latvia.
  static std::string DayFromToday(int days) {
    return FormatDay(DayInLatvia(absl::Now()) + days);
  }
  static v1::Semester ToProto(const Semester& s) {
    v1::Semester out;
    out.set_school_year(s.school_year);
    out.set_term(s.term);
    return out;
  }

  // An online application for `pupil_id` from `semester` on.
  static v1::Application Online(const std::string& pupil_id,
                                const Semester& semester) {
    v1::Application a;
    a.set_pupil(ResourceName(kPupils, pupil_id));
    *a.mutable_semester() = ToProto(semester);
    return a;
  }
  // A paper form signed yesterday by `applicant`.
  static v1::Application Paper(const std::string& pupil_id,
                               const Semester& semester,
                               const std::string& applicant) {
    v1::Application a = Online(pupil_id, semester);
    a.set_applicant(applicant);
    a.set_signed_date(DayFromToday(-1));
    return a;
  }

  absl::StatusOr<v1::Application> CreateApp(const CallContext& call,
                                            const v1::Application& a,
                                            const std::string& request_id = "",
                                            absl::Time now = absl::Now()) {
    return WriteAs<v1::Application>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return CreateApplication(c, cc, a, request_id, now);
        });
  }
  absl::StatusOr<v1::Application> GetApp(const CallContext& call,
                                         const std::string& id) {
    return ReadAs<v1::Application>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return GetApplication(c, cc, id);
        });
  }
  absl::StatusOr<ListPage<v1::Application>> ListApps(
      const CallContext& call, const ApplicationFilter& filter) {
    return ReadAs<ListPage<v1::Application>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListApplications(c, cc, filter);
        });
  }
  absl::StatusOr<v1::Application> Withdraw(const CallContext& call,
                                           const std::string& id,
                                           const std::string& reason,
                                           const std::string& etag = "") {
    return WriteAs<v1::Application>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return WithdrawApplication(c, cc, id, reason, etag, absl::Now());
        });
  }

  // A plan of the pupil of A for `semester` with the complete content.
  v1::SupportPlan NewPlanA(const Semester& semester) {
    v1::SupportPlan p = CompleteContent(semester, preparer_a_, provider_a_);
    p.set_pupil(ResourceName(kPupils, pupil_));
    *p.mutable_semester() = ToProto(semester);
    return p;
  }
  absl::StatusOr<v1::SupportPlan> CreatePlan(
      const CallContext& call, const v1::SupportPlan& p,
      const std::string& request_id = "") {
    return WriteAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return CreateSupportPlan(c, cc, p, request_id, absl::Now());
        });
  }
  absl::StatusOr<v1::SupportPlan> GetPlan(const CallContext& call,
                                          const std::string& id) {
    return ReadAs<v1::SupportPlan>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return GetSupportPlan(c, cc, id);
        });
  }
  absl::StatusOr<ListPage<v1::SupportPlan>> ListPlans(
      const CallContext& call, const PlanFilter& filter = {}) {
    return ReadAs<ListPage<v1::SupportPlan>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListSupportPlans(c, cc, filter);
        });
  }
  absl::StatusOr<v1::SupportPlan> UpdatePlan(
      const CallContext& call, const std::string& id,
      const v1::SupportPlan& changes, const std::vector<std::string>& paths,
      const std::string& etag = "") {
    return WriteAs<v1::SupportPlan>(call, [&](storage::Connection& c,
                                              const CallContext& cc) {
      return UpdateSupportPlan(c, cc, id, changes, paths, etag, absl::Now());
    });
  }
  absl::StatusOr<v1::SuggestMeasuresResponse> Suggest(
      const CallContext& call, const std::string& id,
      const std::string& locale = "", int max_results = 0) {
    return ReadAs<v1::SuggestMeasuresResponse>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return SuggestMeasures(c, cc, id, locale, max_results);
        });
  }
  absl::StatusOr<ListPage<v1::PlanRevision>> History(
      const CallContext& call, const std::string& id, int page_size = 0,
      const std::string& token = "") {
    return ReadAs<ListPage<v1::PlanRevision>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return GetSupportPlanHistory(c, cc, id, page_size, token);
        });
  }

  // Stores a complete plan for any pupil (with an application of its own),
  // created at `now`; submitted when past draft unless told otherwise.
  StoredPlan AddPlanFor(const std::string& pupil_id,
                        const std::string& institution_id,
                        const std::string& municipality_id,
                        const std::string& preparer,
                        const std::string& provider, const Semester& semester,
                        v1::PlanState state = v1::PLAN_STATE_DRAFT,
                        absl::Time now = absl::Now()) {
    StoredPlan p;
    p.id = NewId();
    p.pupil_id = pupil_id;
    p.institution_id = institution_id;
    p.municipality_id = municipality_id;
    p.application_id =
        AddApplication(pupil_id, institution_id, municipality_id, semester);
    p.preparer_id = preparer;
    p.semester = semester;
    p.plan = CompleteContent(semester, preparer, provider);
    p.plan.set_state(state);
    p.submitted = state != v1::PLAN_STATE_DRAFT;
    CallContext system;
    system.caller_id = "system:test";
    EXPECT_THAT(db_->WriteSync(system,
                               [&](storage::Connection& c) {
                                 return InsertPlan(c, system, p, now);
                               }),
                ::pumpurs::testing::IsOk());
    return p;
  }

  StoredPlan Load(const std::string& id) {
    absl::StatusOr<std::optional<StoredPlan>> p =
        Read<std::optional<StoredPlan>>(
            [&](storage::Connection& c) { return LoadPlan(c, id); });
    EXPECT_THAT(p, ::pumpurs::testing::IsOk());
    return p.ok() && p->has_value() ? **p : StoredPlan{};
  }
  // Sets a stored plan's state directly (as a transition would).
  void SetState(const std::string& id, v1::PlanState state,
                bool submitted = true) {
    CallContext system;
    system.caller_id = "system:test";
    StoredPlan p = Load(id);
    p.plan.set_state(state);
    p.submitted = p.submitted || submitted;
    EXPECT_THAT(db_->WriteSync(system,
                               [&](storage::Connection& c) {
                                 return SavePlan(c, system, p, "test",
                                                 {"state"}, absl::Now());
                               }),
                ::pumpurs::testing::IsOk());
  }
  int64_t Count(const std::string& sql) { return QueryInt(sql); }

  // The id of "collection/{id}".
};

}  // namespace pumpurs::plans

#endif  // PUMPURS_TESTS_PLANS_PLAN_CALLS_H_
