// Scoring (evaluation.h ScoreInitiative): who may score (evaluators only,
// NOT_AN_EVALUATOR for those who see the project otherwise), each kind of
// conflict of interest, the evaluation period, the project's state, the
// form of the scores, replacing earlier scores, and the project becoming
// evaluated once every evaluator not in conflict has scored. The decision
// (DecideCall): the ranking, its ties, the funding limit, the reasons
// recorded, and every refusal.

#include "server/initiatives/evaluation.h"

#include "tests/initiatives/evaluation_fixture.h"

namespace pumpurs::initiatives {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::string AccountName(const std::string& id) {
  return ResourceName(kAccounts, id);
}

// ---- Scoring ----

TEST_F(EvaluationTest, EvaluatorScoresEveryCriterionAfterThePeriod) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  absl::StatusOr<v1::Initiative> out = Score(Evaluator1(), i.id, Points(7, 15));
  ASSERT_THAT(out, IsOk());
  // Evaluator 2 has not scored yet.
  EXPECT_EQ(out->state(), v1::INITIATIVE_STATE_SUBMITTED);
  ASSERT_THAT(out->evaluations(), SizeIs(1));
  const v1::Evaluation& e = out->evaluations(0);
  EXPECT_EQ(e.evaluator(), AccountName(evaluator1_));
  EXPECT_EQ(e.total_points(), 22);
  ASSERT_THAT(e.scores(), SizeIs(2));
  EXPECT_EQ(e.scores(0).criterion(), "k1");
  EXPECT_EQ(e.scores(0).comment(), "Labi pamatots.");
  EXPECT_TRUE(e.has_time());
  // The evaluator is not the call's owner: the at-risk count stays hidden.
  EXPECT_EQ(out->planned_at_risk(), 0);
  EXPECT_EQ(out->etag(), "\"2\"");
  EXPECT_EQ(Load(i.id).initiative.evaluations_size(), 1);
  EXPECT_EQ(Audited("initiative.score"), 1);  // one member pupil
  EXPECT_EQ(QueryInt("SELECT count(*) FROM changes WHERE resource = '" +
                     i.initiative.name() + "'"),
            2);
}

TEST_F(EvaluationTest, EvaluatedOnceEveryEvaluatorHasScored) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  ASSERT_THAT(Score(Evaluator1(), i.id, Points(7, 15)), IsOk());
  absl::StatusOr<v1::Initiative> out = Score(Evaluator2(), i.id, Points(9, 19));
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->state(), v1::INITIATIVE_STATE_EVALUATED);
  // Each evaluator sees only their own evaluation.
  ASSERT_THAT(out->evaluations(), SizeIs(1));
  EXPECT_EQ(out->evaluations(0).evaluator(), AccountName(evaluator2_));
  EXPECT_EQ(Load(i.id).initiative.evaluations_size(), 2);
  EXPECT_EQ(Load(i.id).state(), v1::INITIATIVE_STATE_EVALUATED);
  // Evaluated projects may still be rescored before the decision.
  absl::StatusOr<v1::Initiative> again =
      Score(Evaluator1(), i.id, Points(1, 2));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->state(), v1::INITIATIVE_STATE_EVALUATED);
}

TEST_F(EvaluationTest, ScoringAgainReplacesTheEvaluatorsScores) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  ASSERT_THAT(Score(Evaluator1(), i.id, Points(7, 15)), IsOk());
  ASSERT_THAT(Score(Evaluator1(), i.id, Points(2, 3)), IsOk());
  const v1::Initiative stored = Load(i.id).initiative;
  ASSERT_THAT(stored.evaluations(), SizeIs(1));
  EXPECT_EQ(stored.evaluations(0).total_points(), 5);
  EXPECT_EQ(stored.evaluations(0).scores(1).points(), 3);
  EXPECT_EQ(stored.state(), v1::INITIATIVE_STATE_SUBMITTED);
}

TEST_F(EvaluationTest, AnEvaluatorInConflictIsNotAwaited) {
  // Evaluator 2 is the guardian of the member pupil: once evaluator 1 has
  // scored, the project is evaluated.
  const std::string guardian_evaluator =
      Account("vertetajs-vecaks", {{Role::kGuardian, guardian1_}});
  StoredCall c = Closed();
  SetEvaluators(c, {evaluator1_, guardian_evaluator});
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  absl::StatusOr<v1::Initiative> out = Score(Evaluator1(), i.id, Points(5, 5));
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->state(), v1::INITIATIVE_STATE_EVALUATED);
}

// Each kind of conflict: the caller is an evaluator of the call but part
// of the project. Refused, audited as denied, nothing stored.
TEST_F(EvaluationTest, NobodyScoresAProjectTheyArePartOf) {
  const std::string supervisor = Account("vaditaja");
  const std::string guardian =
      Account("vertetajs-vecaks", {{Role::kGuardian, guardian1_}});
  const std::string adult =
      Account("vertetajs-audzeknis", {{Role::kAdultPupil, adult_pupil_}});
  StoredCall c = Closed();
  SetEvaluators(c, {applicant_, supervisor, guardian, adult, evaluator1_});
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  Change(i, [&](v1::Initiative& in) {
    in.mutable_supervisor()->set_account(AccountName(supervisor));
    in.add_members(ResourceName(kPupils, adult_pupil_));
  });
  const int64_t version = Version(i.id);
  const std::vector<std::pair<std::string, CallContext>> conflicted = {
      {"owner", Applicant()},
      {"supervisor", As(supervisor, {})},
      {"guardian of a member", As(guardian, {{Role::kGuardian, guardian1_}})},
      {"adult member", As(adult, {{Role::kAdultPupil, adult_pupil_}})},
  };
  for (const auto& [who, caller] : conflicted) {
    SCOPED_TRACE(who);
    absl::StatusOr<v1::Initiative> out = Score(caller, i.id, Points(5, 5));
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_THAT(out, HasReason("CONFLICT_OF_INTEREST"));
    // One denied event per member pupil (now two).
    ASSERT_THAT(*caller.deferred_audit, SizeIs(2));
    EXPECT_EQ((*caller.deferred_audit)[0].action, "initiative.score");
    EXPECT_EQ((*caller.deferred_audit)[0].outcome, AuditOutcome::kDenied);
  }
  EXPECT_EQ(Version(i.id), version);
  // The one evaluator without a conflict completes the evaluation.
  absl::StatusOr<v1::Initiative> out = Score(Evaluator1(), i.id, Points(5, 5));
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->state(), v1::INITIATIVE_STATE_EVALUATED);
}

TEST_F(EvaluationTest, OnlyTheCallsEvaluatorsScore) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  // Those who see the project learn why.
  for (const CallContext& sees : {Applicant(), North(), Admin(), Guardian1()}) {
    SCOPED_TRACE(sees.caller_id);
    absl::StatusOr<v1::Initiative> out = Score(sees, i.id, Points(5, 5));
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_THAT(out, HasReason("NOT_AN_EVALUATOR"));
  }
  // Anyone else hears the plain refusal (audited).
  for (const CallContext& blind :
       {OtherApplicant(), South(), HeadV(), GuardianOf(guardian2_)}) {
    SCOPED_TRACE(blind.caller_id);
    absl::StatusOr<v1::Initiative> out = Score(blind, i.id, Points(5, 5));
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_THAT(out, HasReason("PERMISSION_DENIED"));
    ASSERT_THAT(*blind.deferred_audit, SizeIs(1));
    EXPECT_EQ(blind.deferred_audit->front().outcome, AuditOutcome::kDenied);
  }
  EXPECT_THAT(Score(Anonymous(), i.id, Points(5, 5)),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(Version(i.id), 1);
}

TEST_F(EvaluationTest, EvaluatorsDoNotSeeDrafts) {
  StoredCall c = Closed();
  StoredInitiative draft = AddInitiative(c, v1::INITIATIVE_STATE_DRAFT);
  absl::StatusOr<v1::Initiative> out =
      Score(Evaluator1(), draft.id, Points(5, 5));
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(Version(draft.id), 1);
}

TEST_F(EvaluationTest, ScoringWaitsForTheEndOfTheApplicationPeriod) {
  // The period's last day is today: applications may still come.
  StoredCall running = AddCall(Today() - 10, Today());
  StoredInitiative i = AddInitiative(running, v1::INITIATIVE_STATE_SUBMITTED);
  EXPECT_THAT(Score(Evaluator1(), i.id, Points(5, 5)),
              HasReason("EVALUATION_NOT_OPEN"));
  // After the decision nobody scores.
  StoredCall decided =
      AddCall(Today() - 30, Today() - 1, v1::CALL_STATE_DECIDED);
  StoredInitiative j = AddInitiative(decided, v1::INITIATIVE_STATE_EVALUATED);
  absl::StatusOr<v1::Initiative> out = Score(Evaluator1(), j.id, Points(5, 5));
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(out, HasReason("EVALUATION_NOT_OPEN"));
  EXPECT_EQ(Version(i.id), 1);
  EXPECT_EQ(Version(j.id), 1);
}

TEST_F(EvaluationTest, OnlySubmittedProjectsAreScored) {
  StoredCall c = Closed();
  for (v1::InitiativeState state :
       {v1::INITIATIVE_STATE_WITHDRAWN, v1::INITIATIVE_STATE_APPROVED,
        v1::INITIATIVE_STATE_REJECTED, v1::INITIATIVE_STATE_IN_PROGRESS,
        v1::INITIATIVE_STATE_CLOSED}) {
    SCOPED_TRACE(state);
    StoredInitiative i = AddInitiative(c, state);
    absl::StatusOr<v1::Initiative> out =
        Score(Evaluator1(), i.id, Points(5, 5));
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(out, HasReason("INITIATIVE_NOT_SUBMITTED"));
  }
}

TEST_F(EvaluationTest, ScoresMustFitTheCallsCriteria) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  auto expect_invalid = [&](const Scores& s,
                            const std::vector<std::string>& fields) {
    absl::StatusOr<v1::Initiative> out = Score(Evaluator1(), i.id, s);
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(out, ViolatesFields(fields));
  };
  Scores too_high = Points(11, 20);
  expect_invalid(too_high, {"scores[0].points"});
  expect_invalid(Points(10, -1), {"scores[1].points"});
  Scores missing = Points(5, 5);
  missing.RemoveLast();
  expect_invalid(missing, {"scores"});
  Scores unknown = Points(5, 5);
  unknown.Mutable(1)->set_criterion("k9");
  expect_invalid(unknown, {"scores[1].criterion", "scores"});
  Scores twice = Points(5, 5);
  twice.Mutable(1)->set_criterion("k1");
  expect_invalid(twice, {"scores[1].criterion", "scores"});
  Scores empty = Points(5, 5);
  empty.Mutable(0)->clear_criterion();
  expect_invalid(empty, {"scores[0].criterion"});
  Scores long_comment = Points(5, 5);
  long_comment.Mutable(1)->set_comment(std::string(2001, 'x'));
  expect_invalid(long_comment, {"scores[1].comment"});
  expect_invalid(Scores(), {"scores"});
  // The limits themselves are fine.
  Scores edges = Points(0, 20);
  edges.Mutable(1)->set_comment(std::string(2000, 'x'));
  EXPECT_THAT(Score(Evaluator1(), i.id, edges), IsOk());
  EXPECT_EQ(Version(i.id), 2);
}

// ---- Decision ----

TEST_F(EvaluationTest, DecisionApprovesTheBestWithinTheFundingLimit) {
  StoredCall c = Closed(/*max_projects=*/2);
  std::vector<StoredInitiative> p;
  const std::vector<std::pair<int, int>> totals = {
      {20, 22}, {25, 25}, {10, 12}, {28, 26}, {15, 15}};
  for (const auto& [t1, t2] : totals) {
    p.push_back(AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED));
    Evaluated(p.back(), {{evaluator1_, t1}, {evaluator2_, t2}});
  }
  absl::StatusOr<DecidedCall> out =
      Decide(North(), c.id, c.call.etag(), "Paldies visiem.");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->call.state(), v1::CALL_STATE_DECIDED);
  EXPECT_THAT(out->call.evaluators(), SizeIs(2));  // the owner sees them
  EXPECT_EQ(LoadC(c.id).state(), v1::CALL_STATE_DECIDED);
  // 27, 25, 21, 15, 11.
  ASSERT_THAT(out->initiatives, SizeIs(5));
  const std::vector<int> order = {3, 1, 0, 4, 2};
  const std::vector<double> averages = {27, 25, 21, 15, 11};
  int approved = 0;
  for (int k = 0; k < 5; ++k) {
    SCOPED_TRACE(k);
    const v1::Initiative& in = out->initiatives[k];
    EXPECT_EQ(in.name(), p[order[k]].initiative.name());
    const v1::Decision& d = in.decision();
    EXPECT_EQ(d.rank(), k + 1);
    EXPECT_DOUBLE_EQ(d.average_points(), averages[k]);
    EXPECT_EQ(d.approved(), k < 2);
    EXPECT_EQ(d.comment(), "Paldies visiem.");
    EXPECT_EQ(d.decided_by(), "accounts/muni-" + north_.id);
    EXPECT_TRUE(d.has_time());
    EXPECT_EQ(in.state(), k < 2 ? v1::INITIATIVE_STATE_APPROVED
                                : v1::INITIATIVE_STATE_REJECTED);
    // The owner's view: the at-risk count and every evaluation.
    EXPECT_EQ(in.planned_at_risk(), 9);
    EXPECT_THAT(in.evaluations(), SizeIs(2));
    const StoredInitiative stored = Load(IdOf(in.name()));
    EXPECT_EQ(stored.state(), in.state());
    EXPECT_EQ(stored.initiative.decision().rank(), k + 1);
    approved += stored.state() == v1::INITIATIVE_STATE_APPROVED;
  }
  EXPECT_EQ(approved, 2);
  EXPECT_EQ(out->initiatives[1].decision().reason(),
            "rank 2 of 5, within the 2 projects the call funds");
  EXPECT_EQ(out->initiatives[3].decision().reason(),
            "rank 4 of 5, beyond the 2 projects the call funds");
  EXPECT_EQ(Audited("initiative.decide"), 5);
}

TEST_F(EvaluationTest, TiesGoToTheEarlierSubmittedThenById) {
  StoredCall c = Closed(/*max_projects=*/1);
  const std::string guardian_evaluator =
      Account("vertetajs-vecaks", {{Role::kGuardian, guardian1_}});
  SetEvaluators(c, {evaluator1_, evaluator2_, guardian_evaluator});
  // Average 20 each: one from a single evaluation (the third evaluator is
  // a member's guardian for every project here, the second is in conflict
  // as owner of `late`), the others from two.
  StoredInitiative late = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED,
                                        /*owner_account=*/evaluator2_);
  Evaluated(late, {{evaluator1_, 20}}, /*submitted_minutes_ago=*/10);
  StoredInitiative early = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  Evaluated(early, {{evaluator1_, 19}, {evaluator2_, 21}}, 50);
  StoredInitiative same1 = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  StoredInitiative same2 = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  Evaluated(same1, {{evaluator1_, 20}, {evaluator2_, 20}}, 30);
  Evaluated(same2, {{evaluator1_, 20}, {evaluator2_, 20}}, 30);
  // Equal submit times: same1 and same2 now differ only by id.
  Change(same2, [&](v1::Initiative& in) {
    *in.mutable_submit_time() = same1.initiative.submit_time();
  });
  std::vector<std::string> by_id = {same1.initiative.name(),
                                    same2.initiative.name()};
  std::sort(by_id.begin(), by_id.end());
  absl::StatusOr<DecidedCall> out = Decide(North(), c.id);
  ASSERT_THAT(out, IsOk());
  std::vector<std::string> names;
  for (const v1::Initiative& in : out->initiatives) names.push_back(in.name());
  EXPECT_THAT(names, ElementsAre(early.initiative.name(), by_id[0], by_id[1],
                                 late.initiative.name()));
  EXPECT_TRUE(out->initiatives[0].decision().approved());
  EXPECT_FALSE(out->initiatives[1].decision().approved());
  EXPECT_EQ(out->initiatives[0].decision().reason(),
            "rank 1 of 4, within the 1 project the call funds");
  EXPECT_DOUBLE_EQ(out->initiatives[3].decision().average_points(), 20);
}

TEST_F(EvaluationTest, FewerProjectsThanFundedAreAllApproved) {
  StoredCall c = Closed(/*max_projects=*/3);
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  Evaluated(i, {{evaluator1_, 3}, {evaluator2_, 4}});
  absl::StatusOr<DecidedCall> out = Decide(Admin(), c.id);
  ASSERT_THAT(out, IsOk());
  ASSERT_THAT(out->initiatives, SizeIs(1));
  EXPECT_EQ(out->initiatives[0].state(), v1::INITIATIVE_STATE_APPROVED);
  EXPECT_DOUBLE_EQ(out->initiatives[0].decision().average_points(), 3.5);
  EXPECT_EQ(out->initiatives[0].decision().reason(),
            "rank 1 of 1, within the 3 projects the call funds");
  EXPECT_EQ(out->initiatives[0].decision().decided_by(), "accounts/admin");
}

TEST_F(EvaluationTest, WithdrawnAndDraftProjectsAreUntouched) {
  StoredCall c = Closed();
  StoredInitiative draft = AddInitiative(c, v1::INITIATIVE_STATE_DRAFT);
  StoredInitiative withdrawn = AddInitiative(c, v1::INITIATIVE_STATE_WITHDRAWN);
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  Evaluated(i, {{evaluator1_, 3}, {evaluator2_, 4}});
  absl::StatusOr<DecidedCall> out = Decide(North(), c.id);
  ASSERT_THAT(out, IsOk());
  ASSERT_THAT(out->initiatives, SizeIs(1));
  EXPECT_EQ(Version(draft.id), 1);
  EXPECT_EQ(Version(withdrawn.id), 1);
  EXPECT_EQ(Load(draft.id).state(), v1::INITIATIVE_STATE_DRAFT);
  EXPECT_EQ(Load(withdrawn.id).state(), v1::INITIATIVE_STATE_WITHDRAWN);
  EXPECT_FALSE(Load(draft.id).initiative.has_decision());
}

TEST_F(EvaluationTest, ACallWithoutApplicationsIsDecidedEmpty) {
  StoredCall c = Closed();
  absl::StatusOr<DecidedCall> out = Decide(North(), c.id);
  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(out->initiatives, IsEmpty());
  EXPECT_EQ(out->call.state(), v1::CALL_STATE_DECIDED);
}

TEST_F(EvaluationTest, EveryScoreMustBeInBeforeTheDecision) {
  StoredCall c = Closed();
  StoredInitiative done = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  Evaluated(done, {{evaluator1_, 3}, {evaluator2_, 4}});
  StoredInitiative half = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  ASSERT_THAT(Score(Evaluator1(), half.id, Points(5, 5)), IsOk());
  StoredInitiative none = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  absl::StatusOr<DecidedCall> out = Decide(North(), c.id);
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(out, HasReason("SCORES_INCOMPLETE"));
  EXPECT_THAT(out.status().message(), HasSubstr("2 of 3"));
  // Nothing stored.
  EXPECT_EQ(LoadC(c.id).state(), v1::CALL_STATE_OPEN);
  EXPECT_EQ(Load(done.id).state(), v1::INITIATIVE_STATE_EVALUATED);
  EXPECT_EQ(Audited("initiative.decide"), 0);
  // Once the scores are in, the decision goes through.
  ASSERT_THAT(Score(Evaluator2(), half.id, Points(5, 5)), IsOk());
  ASSERT_THAT(Score(Evaluator1(), none.id, Points(1, 1)), IsOk());
  ASSERT_THAT(Score(Evaluator2(), none.id, Points(1, 1)), IsOk());
  EXPECT_THAT(Decide(North(), c.id), IsOk());
}

TEST_F(EvaluationTest, DecisionRefusals) {
  StoredCall decided =
      AddCall(Today() - 30, Today() - 1, v1::CALL_STATE_DECIDED);
  EXPECT_THAT(Decide(North(), decided.id), HasReason("CALL_ALREADY_DECIDED"));
  StoredCall draft = AddCall(Today() - 30, Today() - 1, v1::CALL_STATE_DRAFT);
  EXPECT_THAT(Decide(North(), draft.id), HasReason("CALL_NOT_OPEN"));
  StoredCall running = AddCall(Today() - 30, Today());
  absl::StatusOr<DecidedCall> early = Decide(North(), running.id);
  EXPECT_THAT(early, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(early, HasReason("EVALUATION_NOT_OPEN"));
  StoredCall c = Closed();
  EXPECT_THAT(Decide(North(), c.id, "\"7\""),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(Decide(North(), c.id, "", std::string(2001, 'x')),
              ViolatesFields(std::vector<std::string>{"comment"}));
  EXPECT_EQ(CallVersion(c.id), 1);
}

TEST_F(EvaluationTest, OnlyTheCallsOwnerDecides) {
  StoredCall c = Closed();
  StoredInitiative i = AddInitiative(c, v1::INITIATIVE_STATE_SUBMITTED);
  Evaluated(i, {{evaluator1_, 3}, {evaluator2_, 4}});
  for (const CallContext& other :
       {Evaluator1(), Applicant(), South(), HeadV(), Head(a_), Guardian1()}) {
    SCOPED_TRACE(other.caller_id);
    EXPECT_THAT(Decide(other, c.id),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_THAT(Decide(Anonymous(), c.id),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(CallVersion(c.id), 1);
  EXPECT_EQ(Version(i.id), 2);
  EXPECT_THAT(Decide(North(), c.id), IsOk());
}

TEST_F(EvaluationTest, AVocationalSchoolDecidesItsOwnCall) {
  // Stored with the school's owner columns: institution set, no
  // municipality.
  StoredCall school;
  school.id = NewId();
  school.institution_id = v_.id;
  school.call = Closed().call;
  school.call.set_owner(ResourceName(kInstitutions, v_.id));
  school.call.set_municipality(ResourceName(kMunicipalities, south_.id));
  ASSERT_THAT(db_->WriteSync(CallContext{},
                             [&](storage::Connection& conn) {
                               return InsertCall(conn, school, absl::Now());
                             }),
              IsOk());
  EXPECT_THAT(Decide(South(), school.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Decide(North(), school.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Decide(HeadV(), school.id), IsOk());
}

}  // namespace
}  // namespace pumpurs::initiatives
