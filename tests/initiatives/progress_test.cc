// A project's run (progress.h): its owner starts an approved project and
// submits the final report (every rule of the report's form, the
// supervisor's confirmation), the call's owner accepts it and the project
// closes; who may do each, the states each needs, etags, audit and the
// at-risk count shown only to the call's owner.

#include "server/initiatives/progress.h"

#include "tests/initiatives/evaluation_fixture.h"

namespace pumpurs::initiatives {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::SizeIs;

class ProgressTest : public EvaluationTest {
 protected:
  // A complete report: 24 participants, 9 at risk, aged 14 to 16.
  v1::Report GoodReport() {
    v1::Report r;
    v1::Activity* a = r.add_activities_held();
    a->set_title("Basketbola vakari");
    a->set_description("Katru piektdienu.\nSporta zālē.");
    a->set_start_date(plans::FormatDay(Today() - 90));
    a->set_end_date(plans::FormatDay(Today() - 1));
    r.set_participants(24);
    r.set_participants_at_risk(9);
    for (const auto& [age, count] :
         std::vector<std::pair<int, int>>{{14, 10}, {15, 8}, {16, 6}}) {
      v1::AgeCount* c = r.add_ages();
      c->set_age(age);
      c->set_count(count);
    }
    r.set_results("Jaunieši regulāri piedalījās.\nDivi atgriezās skolā.");
    r.set_supervisor_confirmed(true);
    return r;
  }

  void ExpectInvalid(const StoredInitiative& i, const v1::Report& r,
                     const std::vector<std::string>& fields) {
    absl::StatusOr<v1::Initiative> out = Report(Applicant(), i.id, r);
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(out, ViolatesFields(fields));
  }
};

// ---- Start ----

TEST_F(ProgressTest, OwnerStartsAnApprovedProject) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_APPROVED);
  absl::StatusOr<v1::Initiative> out = Start(Applicant(), i.id, "\"1\"");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->state(), v1::INITIATIVE_STATE_IN_PROGRESS);
  EXPECT_EQ(out->etag(), "\"2\"");
  EXPECT_EQ(out->planned_at_risk(), 0);  // hidden from the applicant
  EXPECT_EQ(Load(i.id).state(), v1::INITIATIVE_STATE_IN_PROGRESS);
  EXPECT_EQ(Audited("initiative.start"), 1);
}

TEST_F(ProgressTest, OnlyApprovedProjectsStart) {
  StoredCall c = Closed();
  for (v1::InitiativeState state :
       {v1::INITIATIVE_STATE_DRAFT, v1::INITIATIVE_STATE_SUBMITTED,
        v1::INITIATIVE_STATE_EVALUATED, v1::INITIATIVE_STATE_REJECTED,
        v1::INITIATIVE_STATE_IN_PROGRESS, v1::INITIATIVE_STATE_WITHDRAWN}) {
    SCOPED_TRACE(state);
    StoredInitiative i = AddInitiative(c, state);
    absl::StatusOr<v1::Initiative> out = Start(Applicant(), i.id);
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(out, HasReason("INITIATIVE_NOT_APPROVED"));
    EXPECT_EQ(Version(i.id), 1);
  }
}

TEST_F(ProgressTest, OnlyTheOwnerStarts) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_APPROVED);
  for (const CallContext& other : {OtherApplicant(), Evaluator1(), North(),
                                   Admin(), Guardian1(), South()}) {
    SCOPED_TRACE(other.caller_id);
    EXPECT_THAT(Start(other, i.id),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_THAT(Start(Anonymous(), i.id),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(Start(Applicant(), i.id, "\"5\""),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(Version(i.id), 1);
}

// ---- Report ----

TEST_F(ProgressTest, OwnerReportsAProjectInProgress) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_IN_PROGRESS);
  v1::Report r = GoodReport();
  // Output-only parts are ignored.
  r.set_accepted_by("accounts/someone");
  absl::StatusOr<v1::Initiative> out = Report(Applicant(), i.id, r, "\"1\"");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->state(), v1::INITIATIVE_STATE_REPORTED);
  EXPECT_TRUE(out->report().has_submit_time());
  EXPECT_EQ(out->report().accepted_by(), "");
  EXPECT_EQ(out->report().participants(), 24);
  // The applicant does not see the at-risk count they reported...
  EXPECT_EQ(out->report().participants_at_risk(), 0);
  // ...but it is stored for the call's owner.
  const StoredInitiative stored = Load(i.id);
  EXPECT_EQ(stored.state(), v1::INITIATIVE_STATE_REPORTED);
  EXPECT_EQ(stored.initiative.report().participants_at_risk(), 9);
  ASSERT_THAT(stored.initiative.report().ages(), SizeIs(3));
  EXPECT_EQ(Audited("initiative.report"), 1);
}

TEST_F(ProgressTest, TheReportMustBeWellFormed) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_IN_PROGRESS);
  v1::Report r = GoodReport();
  r.clear_activities_held();
  ExpectInvalid(i, r, {"report.activities_held"});
  r = GoodReport();
  r.mutable_activities_held(0)->clear_title();
  r.mutable_activities_held(0)->set_start_date("2026-02-30");
  ExpectInvalid(i, r,
                {"report.activities_held[0].title",
                 "report.activities_held[0].start_date"});
  r = GoodReport();
  r.mutable_activities_held(0)->set_end_date(plans::FormatDay(Today() - 91));
  ExpectInvalid(i, r, {"report.activities_held[0].end_date"});
  r = GoodReport();
  r.set_participants(0);
  ExpectInvalid(i, r, {"report.participants", "report.participants_at_risk"});
  r = GoodReport();
  r.set_participants_at_risk(25);
  ExpectInvalid(i, r, {"report.participants_at_risk"});
  r = GoodReport();
  r.set_participants_at_risk(-1);
  ExpectInvalid(i, r, {"report.participants_at_risk"});
  r = GoodReport();
  r.mutable_ages(0)->set_age(6);
  r.mutable_ages(2)->set_age(31);
  ExpectInvalid(i, r, {"report.ages[0].age", "report.ages[2].age"});
  r = GoodReport();
  r.mutable_ages(1)->set_age(14);
  ExpectInvalid(i, r, {"report.ages[1].age"});
  r = GoodReport();
  r.mutable_ages(1)->set_count(0);
  ExpectInvalid(i, r, {"report.ages[1].count"});
  r = GoodReport();
  r.mutable_ages(1)->set_count(9);
  ExpectInvalid(i, r, {"report.ages"});
  r = GoodReport();
  r.clear_ages();
  ExpectInvalid(i, r, {"report.ages"});
  r = GoodReport();
  r.clear_results();
  ExpectInvalid(i, r, {"report.results"});
  r.set_results(std::string(4001, 'x'));
  ExpectInvalid(i, r, {"report.results"});
  ExpectInvalid(i, v1::Report(),
                {"report.activities_held", "report.participants", "report.ages",
                 "report.results"});
  EXPECT_EQ(Version(i.id), 1);
  // The limits themselves are fine.
  r = GoodReport();
  r.set_results(std::string(4000, 'x'));
  r.set_participants_at_risk(24);
  r.mutable_ages(0)->set_age(7);
  r.mutable_ages(2)->set_age(30);
  EXPECT_THAT(Report(Applicant(), i.id, r), IsOk());
}

TEST_F(ProgressTest, TheSupervisorMustConfirmTheReport) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_IN_PROGRESS);
  v1::Report r = GoodReport();
  r.set_supervisor_confirmed(false);
  absl::StatusOr<v1::Initiative> out = Report(Applicant(), i.id, r);
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(out, HasReason("REPORT_INCOMPLETE"));
  EXPECT_EQ(Version(i.id), 1);
}

TEST_F(ProgressTest, OnlyProjectsInProgressReport) {
  StoredCall c = Closed();
  for (v1::InitiativeState state :
       {v1::INITIATIVE_STATE_APPROVED, v1::INITIATIVE_STATE_REPORTED,
        v1::INITIATIVE_STATE_CLOSED, v1::INITIATIVE_STATE_SUBMITTED}) {
    SCOPED_TRACE(state);
    StoredInitiative i = AddInitiative(c, state);
    absl::StatusOr<v1::Initiative> out =
        Report(Applicant(), i.id, GoodReport());
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(out, HasReason("INITIATIVE_NOT_IN_PROGRESS"));
  }
}

TEST_F(ProgressTest, OnlyTheOwnerReports) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_IN_PROGRESS);
  for (const CallContext& other :
       {OtherApplicant(), Evaluator1(), North(), Admin(), Guardian1()}) {
    SCOPED_TRACE(other.caller_id);
    EXPECT_THAT(Report(other, i.id, GoodReport()),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_THAT(Report(Applicant(), i.id, GoodReport(), "\"2\""),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(Version(i.id), 1);
}

// ---- Accept ----

TEST_F(ProgressTest, TheCallsOwnerAcceptsTheReportAndTheProjectCloses) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_IN_PROGRESS);
  ASSERT_THAT(Report(Applicant(), i.id, GoodReport()), IsOk());
  absl::StatusOr<v1::Initiative> out = Accept(North(), i.id, "\"2\"");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->state(), v1::INITIATIVE_STATE_CLOSED);
  EXPECT_EQ(out->report().accepted_by(), "accounts/muni-" + north_.id);
  EXPECT_TRUE(out->report().has_accept_time());
  // The owner of the call sees the at-risk counts.
  EXPECT_EQ(out->report().participants_at_risk(), 9);
  EXPECT_EQ(out->planned_at_risk(), 9);
  EXPECT_EQ(Load(i.id).state(), v1::INITIATIVE_STATE_CLOSED);
  EXPECT_EQ(Audited("initiative.accept"), 1);
  EXPECT_THAT(Accept(North(), i.id), HasReason("INITIATIVE_NOT_REPORTED"));
}

TEST_F(ProgressTest, OnlyReportedProjectsAreAccepted) {
  StoredCall c = Closed();
  for (v1::InitiativeState state :
       {v1::INITIATIVE_STATE_IN_PROGRESS, v1::INITIATIVE_STATE_APPROVED,
        v1::INITIATIVE_STATE_CLOSED}) {
    SCOPED_TRACE(state);
    StoredInitiative i = AddInitiative(c, state);
    absl::StatusOr<v1::Initiative> out = Accept(Admin(), i.id);
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(out, HasReason("INITIATIVE_NOT_REPORTED"));
  }
}

TEST_F(ProgressTest, OnlyTheCallsOwnerAccepts) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_REPORTED);
  for (const CallContext& other : {Applicant(), OtherApplicant(), Evaluator1(),
                                   South(), HeadV(), Head(a_), Guardian1()}) {
    SCOPED_TRACE(other.caller_id);
    absl::StatusOr<v1::Initiative> out = Accept(other, i.id);
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kPermissionDenied));
    ASSERT_THAT(*other.deferred_audit, SizeIs(1));
    EXPECT_EQ(other.deferred_audit->front().outcome, AuditOutcome::kDenied);
  }
  EXPECT_THAT(Accept(North(), i.id, "\"9\""),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(Version(i.id), 1);
  EXPECT_THAT(Accept(Admin(), i.id), IsOk());
}

TEST_F(ProgressTest, FromApprovalToClosure) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  ASSERT_THAT(Score(Evaluator1(), i.id, Points(8, 16)), IsOk());
  ASSERT_THAT(Score(Evaluator2(), i.id, Points(6, 14)), IsOk());
  absl::StatusOr<DecidedCall> d = Decide(North(), c.id);
  ASSERT_THAT(d, IsOk());
  ASSERT_THAT(d->initiatives, SizeIs(1));
  EXPECT_DOUBLE_EQ(d->initiatives[0].decision().average_points(), 22);
  ASSERT_THAT(Start(Applicant(), i.id), IsOk());
  ASSERT_THAT(Report(Applicant(), i.id, GoodReport()), IsOk());
  absl::StatusOr<v1::Initiative> closed = Accept(North(), i.id);
  ASSERT_THAT(closed, IsOk());
  EXPECT_EQ(closed->state(), v1::INITIATIVE_STATE_CLOSED);
  EXPECT_THAT(closed->evaluations(), SizeIs(2));
  EXPECT_TRUE(closed->decision().approved());
}

}  // namespace
}  // namespace pumpurs::initiatives
