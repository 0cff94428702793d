// The content rules of calls and projects (validation.h): every limit of
// youth_initiative.proto, the normalizations (default lump sum, criterion
// ids), the checks against the directory and the accounts, and what a
// draft may leave out that a submission may not.

#include "server/initiatives/validation.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/initiatives/initiative_fixture.h"

namespace pumpurs::initiatives {
namespace {

using ::pumpurs::testing::IsOk;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> Fields(const Violations& v) {
  std::vector<std::string> out;
  for (const FieldViolation& f : v.items()) out.push_back(f.field);
  return out;
}

class ValidationTest : public InitiativeTest {
 protected:
  v1::Call GoodCall() {
    v1::Call call;
    call.set_title("Jauniešu iniciatīvas");
    call.set_rules("Noteikumi.\n\tAr atkāpi.");
    call.set_application_start("2030-03-01");
    call.set_application_end("2030-03-31");
    call.set_max_projects(5);
    v1::Criterion* k = call.add_criteria();
    k->set_title("Atbilstība");
    k->set_max_points(10);
    call.add_evaluators(ResourceName(kAccounts, evaluator1_));
    return call;
  }
  // The violated fields of `call` (normalized in place).
  std::vector<std::string> CallViolations(v1::Call& call,
                                          int min_evaluators = 0) {
    Violations v;
    absl::Status s = db_->ReadSync(CallContext{}, [&](Connection& c) {
      return CheckCallContent(c, v, call, min_evaluators);
    });
    EXPECT_THAT(s, IsOk());
    return Fields(v);
  }
  std::vector<std::string> FormViolations(const v1::Initiative& in) {
    Violations v;
    absl::Status s = db_->ReadSync(CallContext{}, [&](Connection& c) {
      return CheckProjectForm(c, v, in);
    });
    EXPECT_THAT(s, IsOk());
    return Fields(v);
  }
  std::string ServiceAccount() {
    absl::StatusOr<std::string> id =
        Write<std::string>([&](Connection& c) -> absl::StatusOr<std::string> {
          auth::AccountRecord a;
          a.username = "sistema";
          a.is_service = true;
          PUMPURS_ASSIGN_OR_RETURN(auth::AccountRecord stored,
                                   auth::InsertAccount(c, a, absl::Now()));
          return stored.id;
        });
    EXPECT_THAT(id, IsOk());
    return id.ok() ? *id : "";
  }
  v1::Initiative Project() { return Content(AddCall(Today(), Today() + 5)); }
};

TEST_F(ValidationTest, AGoodCallPassesAndGetsTheDefaultLumpSumAndCriterionIds) {
  v1::Call call = GoodCall();
  call.add_criteria()->set_title("Otrs");
  call.mutable_criteria(1)->set_max_points(100);
  call.mutable_criteria(1)->set_id("k-2_b");
  EXPECT_THAT(CallViolations(call), IsEmpty());
  EXPECT_EQ(call.lump_sum_cents(), 460000);
  EXPECT_EQ(call.criteria(0).id().size(), 16u);
  EXPECT_EQ(call.criteria(1).id(), "k-2_b");
}

TEST_F(ValidationTest, AnExplicitLumpSumStaysWithinItsLimits) {
  v1::Call call = GoodCall();
  call.set_lump_sum_cents(1);
  EXPECT_THAT(CallViolations(call), IsEmpty());
  EXPECT_EQ(call.lump_sum_cents(), 1);
  call.set_lump_sum_cents(10000000);
  EXPECT_THAT(CallViolations(call), IsEmpty());
  call.set_lump_sum_cents(10000001);
  EXPECT_THAT(CallViolations(call), ElementsAre("call.lump_sum_cents"));
  call.set_lump_sum_cents(-1);
  EXPECT_THAT(CallViolations(call), ElementsAre("call.lump_sum_cents"));
}

TEST_F(ValidationTest, CallTextsAndNumbersHaveTheirLimits) {
  v1::Call call = GoodCall();
  call.set_title("");
  call.set_rules(std::string(20001, 'r'));
  call.set_max_projects(0);
  call.set_min_at_risk_percent(101);
  EXPECT_THAT(
      CallViolations(call),
      UnorderedElementsAre("call.title", "call.rules", "call.max_projects",
                           "call.min_at_risk_percent"));
  call = GoodCall();
  call.set_title(std::string(201, 't'));
  call.set_max_projects(1001);
  call.set_min_at_risk_percent(-1);
  EXPECT_THAT(CallViolations(call),
              UnorderedElementsAre("call.title", "call.max_projects",
                                   "call.min_at_risk_percent"));
  call = GoodCall();
  call.set_title(std::string(200, 't'));
  call.set_rules(std::string(20000, 'r'));
  call.set_max_projects(1000);
  call.set_min_at_risk_percent(100);
  EXPECT_THAT(CallViolations(call), IsEmpty());
  call.set_title("Virsraksts\nar rindu");
  EXPECT_THAT(CallViolations(call), ElementsAre("call.title"));
}

TEST_F(ValidationTest, TheApplicationPeriodIsRealDaysInOrder) {
  v1::Call call = GoodCall();
  call.set_application_start("2030-02-30");
  call.set_application_end("31.03.2030");
  EXPECT_THAT(
      CallViolations(call),
      UnorderedElementsAre("call.application_start", "call.application_end"));
  call = GoodCall();
  call.set_application_start("");
  EXPECT_THAT(CallViolations(call), ElementsAre("call.application_start"));
  call = GoodCall();
  call.set_application_end("2030-02-28");
  EXPECT_THAT(CallViolations(call), ElementsAre("call.application_end"));
  call.set_application_end("2030-03-01");  // one day is a period
  EXPECT_THAT(CallViolations(call), IsEmpty());
}

TEST_F(ValidationTest, CriteriaAreOneToTwentyWithTitlesPointsAndUniqueIds) {
  v1::Call call = GoodCall();
  call.clear_criteria();
  EXPECT_THAT(CallViolations(call), ElementsAre("call.criteria"));
  for (int i = 0; i < 21; ++i) {
    v1::Criterion* k = call.add_criteria();
    k->set_title("K");
    k->set_max_points(1);
  }
  EXPECT_THAT(CallViolations(call), ElementsAre("call.criteria"));
  call.mutable_criteria()->RemoveLast();
  EXPECT_THAT(CallViolations(call), IsEmpty());
  std::set<std::string> ids;
  for (const v1::Criterion& k : call.criteria()) ids.insert(k.id());
  EXPECT_EQ(ids.size(), 20u);

  call = GoodCall();
  call.mutable_criteria(0)->set_title("");
  call.mutable_criteria(0)->set_max_points(0);
  v1::Criterion* k = call.add_criteria();
  k->set_title(std::string(201, 'k'));
  k->set_max_points(101);
  k->set_id("ar atstarpi");
  EXPECT_THAT(CallViolations(call),
              UnorderedElementsAre(
                  "call.criteria[0].title", "call.criteria[0].max_points",
                  "call.criteria[1].title", "call.criteria[1].max_points",
                  "call.criteria[1].id"));

  call = GoodCall();
  call.mutable_criteria(0)->set_id("a");
  *call.add_criteria() = call.criteria(0);
  EXPECT_THAT(CallViolations(call), ElementsAre("call.criteria[1].id"));
}

TEST_F(ValidationTest, EvaluatorsAreDistinctExistingUserAccounts) {
  v1::Call call = GoodCall();
  call.add_evaluators(ResourceName(kAccounts, evaluator1_));  // again
  call.add_evaluators(ResourceName(kAccounts, ServiceAccount()));
  call.add_evaluators(ResourceName(kAccounts, NewId()));  // no such account
  call.add_evaluators("pupils/" + pupil1_);
  EXPECT_THAT(CallViolations(call),
              ElementsAre("call.evaluators[1]", "call.evaluators[2]",
                          "call.evaluators[3]", "call.evaluators[4]"));

  call = GoodCall();
  call.clear_evaluators();
  EXPECT_THAT(CallViolations(call, 0), IsEmpty());
  EXPECT_THAT(CallViolations(call, 1), ElementsAre("call.evaluators"));
  for (int i = 0; i < 21; ++i) {
    call.add_evaluators(ResourceName(kAccounts, Account(absl::StrCat("v", i))));
  }
  EXPECT_THAT(CallViolations(call), ElementsAre("call.evaluators"));
  call.mutable_evaluators()->RemoveLast();
  EXPECT_THAT(CallViolations(call), IsEmpty());
}

TEST_F(ValidationTest, AnEmptyDraftIsWellFormedButIncomplete) {
  v1::Initiative empty;
  EXPECT_THAT(FormViolations(empty), IsEmpty());
  Violations v;
  CheckProjectComplete(v, empty);
  EXPECT_THAT(
      Fields(v),
      UnorderedElementsAre(
          "initiative.organisation.name",
          "initiative.organisation.registration_number",
          "initiative.organisation.kind", "initiative.supervisor.given_name",
          "initiative.supervisor.family_name", "initiative.title",
          "initiative.aims", "initiative.activities", "initiative.budget",
          "initiative.planned_participants"));
}

TEST_F(ValidationTest, TheFixtureProjectIsCompleteAndAddsUpToTheLumpSum) {
  const v1::Initiative in = Project();
  EXPECT_THAT(FormViolations(in), IsEmpty());
  Violations v;
  CheckProjectComplete(v, in);
  EXPECT_THAT(Fields(v), IsEmpty());
  EXPECT_EQ(BudgetTotal(in), kDefaultLumpSumCents);
}

TEST_F(ValidationTest, TheOrganisationHasANameElevenDigitsAndAKnownKind) {
  v1::Initiative in = Project();
  in.mutable_organisation()->set_name(std::string(201, 'o'));
  in.mutable_organisation()->set_registration_number("4000812345");
  in.mutable_organisation()->set_kind(static_cast<v1::OrganisationKind>(9));
  EXPECT_THAT(
      FormViolations(in),
      UnorderedElementsAre("initiative.organisation.name",
                           "initiative.organisation.registration_number",
                           "initiative.organisation.kind"));
  in = Project();
  in.mutable_organisation()->set_registration_number("4000812345X");
  EXPECT_THAT(FormViolations(in),
              ElementsAre("initiative.organisation.registration_number"));
  in.mutable_organisation()->set_registration_number("400081234567");
  EXPECT_THAT(FormViolations(in),
              ElementsAre("initiative.organisation.registration_number"));
  in.mutable_organisation()->set_registration_number("40008123456");
  in.mutable_organisation()->set_kind(v1::ORGANISATION_KIND_FOUNDATION);
  EXPECT_THAT(FormViolations(in), IsEmpty());
}

TEST_F(ValidationTest, MembersAreDistinctPupilsOfTheDirectory) {
  v1::Initiative in = Project();
  in.add_members(ResourceName(kPupils, pupil1_));  // again
  in.add_members(ResourceName(kPupils, NewId()));  // no such pupil
  in.add_members("guardians/" + guardian1_);
  in.add_members(ResourceName(kPupils, pupil2_));
  EXPECT_THAT(FormViolations(in),
              ElementsAre("initiative.members[1]", "initiative.members[2]",
                          "initiative.members[3]"));
  in.clear_members();
  for (int i = 0; i < 101; ++i) in.add_members(ResourceName(kPupils, pupil1_));
  EXPECT_THAT(FormViolations(in), Contains("initiative.members"));
}

TEST_F(ValidationTest, TheSupervisorHasNamesAndMayHaveAUserAccount) {
  v1::Initiative in = Project();
  in.mutable_supervisor()->set_given_name(std::string(101, 'g'));
  in.mutable_supervisor()->set_family_name(std::string(101, 'f'));
  in.mutable_supervisor()->set_account(ResourceName(kAccounts, NewId()));
  EXPECT_THAT(FormViolations(in),
              UnorderedElementsAre("initiative.supervisor.given_name",
                                   "initiative.supervisor.family_name",
                                   "initiative.supervisor.account"));
  in = Project();
  in.mutable_supervisor()->set_account(
      ResourceName(kAccounts, ServiceAccount()));
  EXPECT_THAT(FormViolations(in), ElementsAre("initiative.supervisor.account"));
  in.mutable_supervisor()->set_account(ResourceName(kAccounts, evaluator2_));
  EXPECT_THAT(FormViolations(in), IsEmpty());
}

TEST_F(ValidationTest, TitleAimsAndGroupHaveTheirLimits) {
  v1::Initiative in = Project();
  in.set_title(std::string(201, 't'));
  in.set_aims(std::string(4001, 'a'));
  in.set_group_name(std::string(201, 'g'));
  EXPECT_THAT(FormViolations(in),
              UnorderedElementsAre("initiative.title", "initiative.aims",
                                   "initiative.group_name"));
  in.set_title(std::string(200, 't'));
  in.set_aims(std::string(3990, 'a') + "\nrinda\r\n");
  in.set_group_name(std::string(200, 'g'));
  EXPECT_THAT(FormViolations(in), IsEmpty());
  in.set_aims("zvans\a");
  EXPECT_THAT(FormViolations(in), ElementsAre("initiative.aims"));
}

TEST_F(ValidationTest, EveryActivityIsCompleteWithDaysInOrder) {
  v1::Initiative in = Project();
  v1::Activity* a = in.add_activities();
  a->set_description(std::string(2001, 'd'));
  a->set_start_date("2030-04-31");
  v1::Activity* b = in.add_activities();
  b->set_title("Pārgājiens");
  b->set_start_date("2030-05-02");
  b->set_end_date("2030-05-01");
  EXPECT_THAT(FormViolations(in),
              UnorderedElementsAre("initiative.activities[1].title",
                                   "initiative.activities[1].description",
                                   "initiative.activities[1].start_date",
                                   "initiative.activities[1].end_date",
                                   "initiative.activities[2].end_date"));
  b->set_end_date("2030-05-02");
  in.mutable_activities()->DeleteSubrange(1, 1);
  EXPECT_THAT(FormViolations(in), IsEmpty());
  while (in.activities_size() < 51) *in.add_activities() = *b;
  EXPECT_THAT(FormViolations(in), ElementsAre("initiative.activities"));
}

TEST_F(ValidationTest, BudgetLinesHaveAnItemAndAPositiveAmount) {
  v1::Initiative in = Project();
  v1::BudgetLine* bad = in.add_budget();
  bad->set_amount_cents(0);
  v1::BudgetLine* huge = in.add_budget();
  huge->set_item("Viss");
  huge->set_amount_cents(10000001);
  EXPECT_THAT(FormViolations(in),
              UnorderedElementsAre("initiative.budget[2].item",
                                   "initiative.budget[2].amount_cents",
                                   "initiative.budget[3].amount_cents"));
  in = Project();
  in.clear_budget();
  for (int i = 0; i < 51; ++i) {
    v1::BudgetLine* b = in.add_budget();
    b->set_item("Rinda");
    b->set_amount_cents(1);
  }
  EXPECT_THAT(FormViolations(in), ElementsAre("initiative.budget"));
  in.mutable_budget()->RemoveLast();
  EXPECT_THAT(FormViolations(in), IsEmpty());
  EXPECT_EQ(BudgetTotal(in), 50);
}

TEST_F(ValidationTest, PlannedParticipantsAndAtRiskAreCountsInOrder) {
  v1::Initiative in = Project();
  in.set_planned_participants(10001);
  EXPECT_THAT(FormViolations(in),
              ElementsAre("initiative.planned_participants"));
  in.set_planned_participants(10);
  in.set_planned_at_risk(11);
  EXPECT_THAT(FormViolations(in), ElementsAre("initiative.planned_at_risk"));
  in.set_planned_at_risk(-1);
  EXPECT_THAT(FormViolations(in), ElementsAre("initiative.planned_at_risk"));
  in.set_planned_at_risk(10);
  EXPECT_THAT(FormViolations(in), IsEmpty());
  in.set_planned_participants(-1);
  in.set_planned_at_risk(0);
  EXPECT_THAT(FormViolations(in),
              ElementsAre("initiative.planned_participants"));
}

TEST_F(ValidationTest, UpdatePathsMustBeNamedAndUpdatable) {
  const std::vector<std::string> updatable = {"title", "aims"};
  EXPECT_THAT(CheckUpdatePaths({}, updatable),
              ::pumpurs::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckUpdatePaths({"title", "state"}, updatable),
              ::pumpurs::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  absl::StatusOr<std::set<std::string>> ok =
      CheckUpdatePaths({"aims", "title", "aims"}, updatable);
  ASSERT_THAT(ok, IsOk());
  EXPECT_THAT(*ok, UnorderedElementsAre("aims", "title"));
}

TEST_F(ValidationTest, ContentCopiesDropOutputFields) {
  v1::Initiative in = Project();
  in.set_name("initiatives/x");
  in.set_state(v1::INITIATIVE_STATE_APPROVED);
  in.set_owner("accounts/x");
  in.set_withdraw_reason("x");
  in.add_evaluations()->set_total_points(5);
  const v1::Initiative content = ProjectContentOf(in);
  EXPECT_TRUE(content.name().empty());
  EXPECT_TRUE(content.call().empty());
  EXPECT_EQ(content.state(), v1::INITIATIVE_STATE_UNSPECIFIED);
  EXPECT_TRUE(content.owner().empty());
  EXPECT_TRUE(content.withdraw_reason().empty());
  EXPECT_EQ(content.evaluations_size(), 0);
  EXPECT_EQ(content.title(), in.title());
  EXPECT_EQ(content.planned_at_risk(), 9);

  v1::Call call = GoodCall();
  call.set_name("initiativeCalls/x");
  call.set_state(v1::CALL_STATE_DECIDED);
  call.set_owner("municipalities/x");
  call.set_municipality("municipalities/x");
  const v1::Call copy = CallContentOf(call);
  EXPECT_TRUE(copy.name().empty());
  EXPECT_TRUE(copy.owner().empty());
  EXPECT_TRUE(copy.municipality().empty());
  EXPECT_EQ(copy.state(), v1::CALL_STATE_UNSPECIFIED);
  EXPECT_EQ(copy.evaluators_size(), 1);
}

}  // namespace
}  // namespace pumpurs::initiatives
