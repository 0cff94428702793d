// The client library's typed calls of YouthInitiativeService against a real
// in-process server: every method at least once, with the result or the
// error's code and reason the proto promises, and the change feed's copy of
// a project (the at-risk count hidden from a member's guardian).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"
#include "server/initiatives/store.h"
#include "tests/testing/names.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs::client {
namespace {

using ::pumpurs::testing::IdOf;

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

// Today in UTC; periods below leave a day's margin either side, so the
// server's day in Latvia falls inside them too.
absl::CivilDay Today() {
  return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
}

std::string DayText(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

class InitiativeClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = ClientFor(server_.AdminToken());
    v1::CreateMunicipalityRequest m;
    m.mutable_municipality()->set_display_name("Ziemeļu novads");
    m.mutable_municipality()->set_code("0100001");
    absl::StatusOr<v1::Municipality> municipality =
        admin_->CreateMunicipality(m);
    ASSERT_THAT(municipality.status(), IsOk());
    municipality_ = municipality->name();
    v1::CreateInstitutionRequest i;
    i.mutable_institution()->set_display_name("A skola");
    i.mutable_institution()->set_kind(
        v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
    i.mutable_institution()->set_municipality(municipality_);
    i.mutable_institution()->set_registration_number("4000000001");
    absl::StatusOr<v1::Institution> institution = admin_->CreateInstitution(i);
    ASSERT_THAT(institution.status(), IsOk());

    v1::CreatePupilRequest p;
    p.mutable_pupil()->set_given_name("Līga");
    p.mutable_pupil()->set_family_name("Bērziņa");
    p.mutable_pupil()->set_birth_date(
        absl::StrFormat("%04d-03-01", Today().year() - 15));
    p.mutable_pupil()->set_grade(9);
    p.mutable_pupil()->set_institution(institution->name());
    absl::StatusOr<v1::Pupil> pupil = admin_->CreatePupil(p);
    ASSERT_THAT(pupil.status(), IsOk());
    pupil_ = pupil->name();
    v1::CreateGuardianRequest g;
    g.mutable_guardian()->set_given_name("Inese");
    g.mutable_guardian()->set_family_name("Bērziņa");
    g.mutable_guardian()->add_pupils(pupil_);
    absl::StatusOr<v1::Guardian> guardian = admin_->CreateGuardian(g);
    ASSERT_THAT(guardian.status(), IsOk());

    coordinator_ = ClientFor(server_.TokenFor(
        {{Role::kMunicipalityCoordinator, IdOf(municipality_)}}));
    family_ = ClientFor(
        server_.TokenFor({{Role::kGuardian, IdOf(guardian->name())}}));
    // Accounts without roles: any signed-in account may apply; evaluators
    // are named by the call.
    applicant_ = ClientFor(server_.TokenFor({}, "biedriba-abele"));
    other_applicant_ = ClientFor(server_.TokenFor({}, "biedriba-ozols"));
    evaluator1_ = ClientFor(server_.TokenFor({}, "vertetajs1"));
    evaluator2_ = ClientFor(server_.TokenFor({}, "vertetajs2"));
    applicant_account_ = AccountOf(*applicant_);
    evaluator1_account_ = AccountOf(*evaluator1_);
    evaluator2_account_ = AccountOf(*evaluator2_);
  }

  std::unique_ptr<Client> ClientFor(const std::string& token) {
    ClientOptions options;
    options.target = server_.target();
    options.access_token = token;
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    EXPECT_THAT(client.status(), IsOk());
    return client.ok() ? *std::move(client) : nullptr;
  }

  static std::string AccountOf(const Client& client) {
    absl::StatusOr<v1::Account> me = client.WhoAmI();
    EXPECT_THAT(me.status(), IsOk());
    return me.ok() ? me->name() : "";
  }

  // A complete call of the municipality: applications from yesterday for a
  // month, EUR 4,600 (the default), `max_projects`, two criteria, both
  // evaluators.
  v1::Call CallContent(int max_projects = 1) {
    v1::Call c;
    c.set_owner(municipality_);
    c.set_title("Jauniešu iniciatīvas 2026");
    c.set_rules("Projekti jauniešiem, kas var pamest skolu.");
    c.set_application_start(DayText(Today() - 1));
    c.set_application_end(DayText(Today() + 30));
    c.set_max_projects(max_projects);
    v1::Criterion* k1 = c.add_criteria();
    k1->set_title("Atbilstība mērķiem");
    k1->set_max_points(10);
    v1::Criterion* k2 = c.add_criteria();
    k2->set_title("Riska jauniešu iesaiste");
    k2->set_max_points(20);
    c.set_min_at_risk_percent(30);
    c.add_evaluators(evaluator1_account_);
    c.add_evaluators(evaluator2_account_);
    return c;
  }

  v1::Call CreateOpenCall(int max_projects = 1) {
    v1::CreateCallRequest create;
    *create.mutable_call() = CallContent(max_projects);
    absl::StatusOr<v1::Call> c = coordinator_->CreateCall(create);
    EXPECT_THAT(c.status(), IsOk());
    if (!c.ok()) return v1::Call();
    v1::OpenCallRequest open;
    open.set_name(c->name());
    absl::StatusOr<v1::Call> opened = coordinator_->OpenCall(open);
    EXPECT_THAT(opened.status(), IsOk());
    return opened.ok() ? *opened : *c;
  }

  // A complete project under `call` with the pupil as a member and a budget
  // of exactly EUR 4,600.
  v1::Initiative ProjectContent(const v1::Call& call) {
    v1::Initiative in;
    in.set_call(call.name());
    in.mutable_organisation()->set_name("Jauniešu klubs \"Ābele\"");
    in.mutable_organisation()->set_registration_number("40008123456");
    in.mutable_organisation()->set_kind(
        v1::ORGANISATION_KIND_YOUTH_ORGANISATION);
    in.set_group_name("Ābeļu jaunieši");
    in.add_members(pupil_);
    in.mutable_supervisor()->set_given_name("Laura");
    in.mutable_supervisor()->set_family_name("Kļaviņa");
    in.set_title("Sporta vakari");
    in.set_aims("Iesaistīt jauniešus kopīgās aktivitātēs.");
    v1::Activity* a = in.add_activities();
    a->set_title("Basketbola vakari");
    a->set_start_date(DayText(Today() + 40));
    a->set_end_date(DayText(Today() + 130));
    v1::BudgetLine* b1 = in.add_budget();
    b1->set_item("Inventārs");
    b1->set_amount_cents(300000);
    v1::BudgetLine* b2 = in.add_budget();
    b2->set_item("Telpu īre");
    b2->set_amount_cents(160000);
    in.set_planned_participants(24);
    in.set_planned_at_risk(9);
    return in;
  }

  absl::StatusOr<v1::Initiative> Create(const Client& by,
                                        const v1::Initiative& content) {
    v1::CreateInitiativeRequest r;
    *r.mutable_initiative() = content;
    return by.CreateInitiative(r);
  }

  absl::StatusOr<v1::Initiative> Submit(const Client& by,
                                        const v1::Initiative& i) {
    v1::SubmitInitiativeRequest r;
    r.set_name(i.name());
    r.set_etag(i.etag());
    return by.SubmitInitiative(r);
  }

  // A submitted project of `by` under `call`.
  v1::Initiative Submitted(const Client& by, const v1::Initiative& content) {
    absl::StatusOr<v1::Initiative> i = Create(by, content);
    EXPECT_THAT(i.status(), IsOk());
    if (!i.ok()) return v1::Initiative();
    absl::StatusOr<v1::Initiative> s = Submit(by, *i);
    EXPECT_THAT(s.status(), IsOk());
    return s.ok() ? *s : *i;
  }

  absl::StatusOr<v1::Initiative> Get(const Client& by,
                                     const std::string& name) {
    v1::GetInitiativeRequest r;
    r.set_name(name);
    return by.GetInitiative(r);
  }

  absl::StatusOr<v1::Initiative> Score(const Client& by,
                                       const std::string& name,
                                       const v1::Call& call, int k1, int k2) {
    v1::ScoreInitiativeRequest r;
    r.set_name(name);
    v1::CriterionScore* s1 = r.add_scores();
    s1->set_criterion(call.criteria(0).id());
    s1->set_points(k1);
    s1->set_comment("Labi pamatots.");
    v1::CriterionScore* s2 = r.add_scores();
    s2->set_criterion(call.criteria(1).id());
    s2->set_points(k2);
    return by.ScoreInitiative(r);
  }

  // The application period ended two days ago (as if time had passed): the
  // server's own methods cannot move a period back once the call is open.
  void EndApplicationPeriod(const v1::Call& call) {
    ASSERT_THAT(server_.database().WriteSync(
                    CallContext(),
                    [&](storage::Connection& conn) -> absl::Status {
                      absl::StatusOr<std::optional<initiatives::StoredCall>> c =
                          initiatives::LoadCall(conn, IdOf(call.name()));
                      if (!c.ok()) return c.status();
                      if (!c->has_value())
                        return absl::NotFoundError(call.name());
                      initiatives::StoredCall& stored = **c;
                      stored.call.set_application_start(DayText(Today() - 30));
                      stored.call.set_application_end(DayText(Today() - 2));
                      return initiatives::SaveCall(conn, stored, absl::Now());
                    }),
                IsOk());
  }

  TestServer server_;
  std::unique_ptr<Client> admin_, coordinator_, family_, applicant_,
      other_applicant_, evaluator1_, evaluator2_;
  std::string municipality_, pupil_, applicant_account_, evaluator1_account_,
      evaluator2_account_;
};

TEST_F(InitiativeClientTest, CallsCreateGetListUpdateOpen) {
  // Invalid: every bad field named.
  v1::CreateCallRequest bad;
  *bad.mutable_call() = CallContent();
  bad.mutable_call()->set_title("");
  bad.mutable_call()->set_max_projects(0);
  EXPECT_THAT(coordinator_->CreateCall(bad).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(coordinator_->CreateCall(bad).status(),
              ViolatesFields(
                  std::vector<std::string>{"call.title", "call.max_projects"}));
  // Only the owner's coordinators create its calls.
  v1::CreateCallRequest create;
  *create.mutable_call() = CallContent();
  EXPECT_THAT(applicant_->CreateCall(create).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));

  create.set_request_id("7d1c2b4e-0a55-4e0f-9c1d-2f6b8e9a0c11");
  absl::StatusOr<v1::Call> draft = coordinator_->CreateCall(create);
  ASSERT_THAT(draft.status(), IsOk());
  EXPECT_THAT(draft->name(), StartsWith("initiativeCalls/"));
  EXPECT_EQ(draft->state(), v1::CALL_STATE_DRAFT);
  EXPECT_EQ(draft->owner(), municipality_);
  EXPECT_EQ(draft->municipality(), municipality_);
  EXPECT_EQ(draft->lump_sum_cents(), 460000);  // the programme's default
  ASSERT_THAT(draft->criteria(), SizeIs(2));
  EXPECT_FALSE(draft->criteria(0).id().empty());
  EXPECT_THAT(draft->evaluators(),
              ElementsAre(evaluator1_account_, evaluator2_account_));
  EXPECT_FALSE(draft->etag().empty());
  // The same request_id: the first result, not a second call.
  absl::StatusOr<v1::Call> again = coordinator_->CreateCall(create);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->name(), draft->name());

  // A draft is the owner's alone.
  v1::GetCallRequest get;
  get.set_name(draft->name());
  EXPECT_THAT(coordinator_->GetCall(get), IsOk());
  EXPECT_THAT(applicant_->GetCall(get).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::ListCallsRequest list;
  absl::StatusOr<v1::ListCallsResponse> seen = applicant_->ListCalls(list);
  ASSERT_THAT(seen.status(), IsOk());
  EXPECT_THAT(seen->calls(), IsEmpty());

  // Update: a stale etag is refused; the current one changes the title.
  v1::UpdateCallRequest update;
  update.mutable_call()->set_name(draft->name());
  update.mutable_call()->set_etag("stale");
  update.mutable_call()->set_title("Jauniešu iniciatīvas 2026, 1. kārta");
  update.mutable_update_mask()->add_paths("title");
  EXPECT_THAT(coordinator_->UpdateCall(update).status(),
              HasReason("ETAG_MISMATCH"));
  update.mutable_call()->set_etag(draft->etag());
  absl::StatusOr<v1::Call> updated = coordinator_->UpdateCall(update);
  ASSERT_THAT(updated.status(), IsOk());
  EXPECT_EQ(updated->title(), "Jauniešu iniciatīvas 2026, 1. kārta");
  EXPECT_NE(updated->etag(), draft->etag());

  // Open: then any signed-in account reads it, without the evaluators.
  v1::OpenCallRequest open;
  open.set_name(draft->name());
  open.set_etag(updated->etag());
  absl::StatusOr<v1::Call> opened = coordinator_->OpenCall(open);
  ASSERT_THAT(opened.status(), IsOk());
  EXPECT_EQ(opened->state(), v1::CALL_STATE_OPEN);
  open.clear_etag();
  EXPECT_THAT(coordinator_->OpenCall(open).status(),
              HasReason("CALL_NOT_DRAFT"));
  absl::StatusOr<v1::Call> read = applicant_->GetCall(get);
  ASSERT_THAT(read.status(), IsOk());
  EXPECT_EQ(read->state(), v1::CALL_STATE_OPEN);
  EXPECT_THAT(read->evaluators(), IsEmpty());

  // An open call's title is fixed; its evaluators may change.
  update.mutable_call()->set_etag(opened->etag());
  EXPECT_THAT(coordinator_->UpdateCall(update).status(),
              HasReason("CALL_NOT_DRAFT"));
  v1::UpdateCallRequest evaluators;
  evaluators.mutable_call()->set_name(draft->name());
  evaluators.mutable_call()->add_evaluators(evaluator1_account_);
  evaluators.mutable_update_mask()->add_paths("evaluators");
  absl::StatusOr<v1::Call> fewer = coordinator_->UpdateCall(evaluators);
  ASSERT_THAT(fewer.status(), IsOk());
  EXPECT_THAT(fewer->evaluators(), ElementsAre(evaluator1_account_));

  // Lists, page after page, newest first; filtered by state.
  v1::CreateCallRequest second;
  *second.mutable_call() = CallContent();
  second.mutable_call()->set_title("Otrā kārta");
  absl::StatusOr<v1::Call> newer = coordinator_->CreateCall(second);
  ASSERT_THAT(newer.status(), IsOk());
  std::vector<std::string> names;
  list.set_page_size(1);
  ASSERT_THAT(coordinator_->ForEachCall(list,
                                        [&](const v1::Call& c) {
                                          names.push_back(c.name());
                                          return true;
                                        }),
              IsOk());
  EXPECT_THAT(names, ElementsAre(newer->name(), draft->name()));
  list.set_state(v1::CALL_STATE_OPEN);
  names.clear();
  ASSERT_THAT(applicant_->ForEachCall(list,
                                      [&](const v1::Call& c) {
                                        names.push_back(c.name());
                                        return true;
                                      }),
              IsOk());
  EXPECT_THAT(names, ElementsAre(draft->name()));
}

TEST_F(InitiativeClientTest, ProjectsCreateUpdateSubmitWithdrawAndRead) {
  // Not under a draft call: the applicant may not even see it; its owner
  // (who may apply as any account) is told the call is not open.
  v1::CreateCallRequest create;
  *create.mutable_call() = CallContent();
  absl::StatusOr<v1::Call> draft = coordinator_->CreateCall(create);
  ASSERT_THAT(draft.status(), IsOk());
  EXPECT_THAT(Create(*applicant_, ProjectContent(*draft)).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Create(*coordinator_, ProjectContent(*draft)).status(),
              HasReason("CALL_NOT_OPEN"));

  const v1::Call call = CreateOpenCall();
  v1::Initiative content = ProjectContent(call);
  v1::CreateInitiativeRequest request;
  *request.mutable_initiative() = content;
  // A draft may leave fields empty, but what it gives must be well-formed.
  request.mutable_initiative()->mutable_organisation()->set_registration_number(
      "123");
  request.mutable_initiative()->add_members("pupils/nav-tada");
  absl::Status invalid = applicant_->CreateInitiative(request).status();
  EXPECT_THAT(invalid, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(invalid, ViolatesFields(std::vector<std::string>{
                           "initiative.organisation.registration_number",
                           "initiative.members[1]"}));

  // A draft whose budget does not yet add up to the lump sum.
  content.mutable_budget(1)->set_amount_cents(100000);
  *request.mutable_initiative() = content;
  request.set_request_id("0f5a9c3e-8b21-4f7d-a6e4-3d2c1b0a9e88");
  absl::StatusOr<v1::Initiative> mine = applicant_->CreateInitiative(request);
  ASSERT_THAT(mine.status(), IsOk());
  EXPECT_THAT(mine->name(), StartsWith("initiatives/"));
  EXPECT_EQ(mine->state(), v1::INITIATIVE_STATE_DRAFT);
  EXPECT_EQ(mine->owner(), applicant_account_);
  EXPECT_EQ(mine->call(), call.name());
  EXPECT_EQ(mine->municipality(), municipality_);
  EXPECT_EQ(mine->planned_participants(), 24);
  // The at-risk count is the call owner's to see.
  EXPECT_EQ(mine->planned_at_risk(), 0);
  absl::StatusOr<v1::Initiative> again = applicant_->CreateInitiative(request);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->name(), mine->name());

  absl::StatusOr<v1::Initiative> as_owner = Get(*coordinator_, mine->name());
  ASSERT_THAT(as_owner.status(), IsOk());
  EXPECT_EQ(as_owner->planned_at_risk(), 9);
  // The member's guardian reads it, without the count; another applicant
  // may not.
  absl::StatusOr<v1::Initiative> as_family = Get(*family_, mine->name());
  ASSERT_THAT(as_family.status(), IsOk());
  EXPECT_EQ(as_family->title(), "Sporta vakari");
  EXPECT_EQ(as_family->planned_at_risk(), 0);
  EXPECT_THAT(Get(*other_applicant_, mine->name()).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Evaluators see projects only once submitted.
  EXPECT_THAT(Get(*evaluator1_, mine->name()).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::ListInitiativesRequest by_call;
  by_call.set_call(call.name());
  absl::StatusOr<v1::ListInitiativesResponse> evaluated =
      evaluator1_->ListInitiatives(by_call);
  ASSERT_THAT(evaluated.status(), IsOk());
  EXPECT_THAT(evaluated->initiatives(), IsEmpty());

  // Submit refuses a budget that is not the lump sum, and nothing changes.
  EXPECT_THAT(Submit(*applicant_, *mine).status(),
              HasReason("BUDGET_NOT_LUMP_SUM"));
  v1::UpdateInitiativeRequest update;
  update.mutable_initiative()->set_name(mine->name());
  update.mutable_initiative()->set_etag(mine->etag());
  *update.mutable_initiative()->mutable_budget() =
      ProjectContent(call).budget();
  update.mutable_update_mask()->add_paths("budget");
  EXPECT_THAT(other_applicant_->UpdateInitiative(update).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::Initiative> fixed = applicant_->UpdateInitiative(update);
  ASSERT_THAT(fixed.status(), IsOk());
  EXPECT_EQ(fixed->budget(1).amount_cents(), 160000);
  EXPECT_THAT(applicant_->UpdateInitiative(update).status(),
              HasReason("ETAG_MISMATCH"));
  absl::StatusOr<v1::Initiative> submitted = Submit(*applicant_, *fixed);
  ASSERT_THAT(submitted.status(), IsOk());
  EXPECT_EQ(submitted->state(), v1::INITIATIVE_STATE_SUBMITTED);
  EXPECT_TRUE(submitted->has_submit_time());
  absl::StatusOr<v1::Initiative> as_evaluator = Get(*evaluator1_, mine->name());
  ASSERT_THAT(as_evaluator.status(), IsOk());
  EXPECT_EQ(as_evaluator->planned_at_risk(), 0);
  update.mutable_initiative()->set_etag(submitted->etag());
  EXPECT_THAT(applicant_->UpdateInitiative(update).status(),
              HasReason("INITIATIVE_NOT_DRAFT"));
  // Scoring waits for the end of the application period.
  EXPECT_THAT(Score(*evaluator1_, mine->name(), call, 8, 15).status(),
              HasReason("EVALUATION_NOT_OPEN"));

  // Another applicant's project, withdrawn before the decision.
  v1::Initiative without_members = ProjectContent(call);
  without_members.clear_members();
  v1::Initiative theirs = Submitted(*other_applicant_, without_members);
  v1::WithdrawInitiativeRequest withdraw;
  withdraw.set_name(theirs.name());
  withdraw.set_reason("Grupa izjuka.");
  EXPECT_THAT(applicant_->WithdrawInitiative(withdraw).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::Initiative> withdrawn =
      other_applicant_->WithdrawInitiative(withdraw);
  ASSERT_THAT(withdrawn.status(), IsOk());
  EXPECT_EQ(withdrawn->state(), v1::INITIATIVE_STATE_WITHDRAWN);
  EXPECT_EQ(withdrawn->withdraw_reason(), "Grupa izjuka.");
  EXPECT_THAT(other_applicant_->WithdrawInitiative(withdraw).status(),
              HasReason("INITIATIVE_NOT_WITHDRAWABLE"));

  // Lists: the owner sees both, newest first, page after page; a filter by
  // state; each applicant only their own.
  v1::ListInitiativesRequest list;
  list.set_call(call.name());
  list.set_page_size(1);
  std::vector<std::string> names;
  ASSERT_THAT(coordinator_->ForEachInitiative(list,
                                              [&](const v1::Initiative& i) {
                                                names.push_back(i.name());
                                                return true;
                                              }),
              IsOk());
  EXPECT_THAT(names, ElementsAre(theirs.name(), mine->name()));
  list.set_state(v1::INITIATIVE_STATE_SUBMITTED);
  list.set_page_size(0);
  absl::StatusOr<v1::ListInitiativesResponse> page =
      coordinator_->ListInitiatives(list);
  ASSERT_THAT(page.status(), IsOk());
  ASSERT_THAT(page->initiatives(), SizeIs(1));
  EXPECT_EQ(page->initiatives(0).name(), mine->name());
  EXPECT_EQ(page->initiatives(0).planned_at_risk(), 9);
  list.clear_state();
  page = applicant_->ListInitiatives(list);
  ASSERT_THAT(page.status(), IsOk());
  ASSERT_THAT(page->initiatives(), SizeIs(1));
  EXPECT_EQ(page->initiatives(0).planned_at_risk(), 0);
  list.set_municipality(municipality_);
  page = family_->ListInitiatives(list);
  ASSERT_THAT(page.status(), IsOk());
  ASSERT_THAT(page->initiatives(), SizeIs(1));
  EXPECT_EQ(page->initiatives(0).name(), mine->name());
}

TEST_F(InitiativeClientTest, ScoreDecideStartReportAccept) {
  const v1::Call call = CreateOpenCall(/*max_projects=*/1);
  v1::Initiative best = Submitted(*applicant_, ProjectContent(call));
  // The second project's supervisor is evaluator 2: they may not score it.
  v1::Initiative content = ProjectContent(call);
  content.set_title("Teātra darbnīca");
  content.mutable_supervisor()->set_account(evaluator2_account_);
  content.clear_members();
  v1::Initiative second = Submitted(*other_applicant_, content);
  v1::DecideCallRequest decide;
  decide.set_name(call.name());
  decide.set_comment("Lēmums pēc vērtējuma.");
  EXPECT_THAT(coordinator_->DecideCall(decide).status(),
              HasReason("EVALUATION_NOT_OPEN"));

  EndApplicationPeriod(call);
  EXPECT_THAT(Score(*applicant_, best.name(), call, 5, 5).status(),
              HasReason("NOT_AN_EVALUATOR"));
  EXPECT_THAT(Score(*evaluator2_, second.name(), call, 5, 5).status(),
              HasReason("CONFLICT_OF_INTEREST"));
  absl::StatusOr<v1::Initiative> scored =
      Score(*evaluator1_, best.name(), call, 9, 18);
  ASSERT_THAT(scored.status(), IsOk());
  EXPECT_EQ(scored->state(), v1::INITIATIVE_STATE_SUBMITTED);
  ASSERT_THAT(scored->evaluations(), SizeIs(1));
  EXPECT_EQ(scored->evaluations(0).evaluator(), evaluator1_account_);
  EXPECT_EQ(scored->evaluations(0).total_points(), 27);
  // Not every evaluator has scored yet.
  EXPECT_THAT(coordinator_->DecideCall(decide).status(),
              HasReason("SCORES_INCOMPLETE"));
  scored = Score(*evaluator2_, best.name(), call, 8, 16);
  ASSERT_THAT(scored.status(), IsOk());
  EXPECT_EQ(scored->state(), v1::INITIATIVE_STATE_EVALUATED);
  // Evaluator 2 is in conflict on the second: evaluator 1 alone completes
  // it.
  scored = Score(*evaluator1_, second.name(), call, 4, 6);
  ASSERT_THAT(scored.status(), IsOk());
  EXPECT_EQ(scored->state(), v1::INITIATIVE_STATE_EVALUATED);

  // The call funds one project: the best is approved, the other rejected.
  absl::StatusOr<v1::DecideCallResponse> decided =
      coordinator_->DecideCall(decide);
  ASSERT_THAT(decided.status(), IsOk());
  EXPECT_EQ(decided->call().state(), v1::CALL_STATE_DECIDED);
  ASSERT_THAT(decided->initiatives(), SizeIs(2));
  EXPECT_EQ(decided->initiatives(0).name(), best.name());
  EXPECT_EQ(decided->initiatives(0).state(), v1::INITIATIVE_STATE_APPROVED);
  EXPECT_TRUE(decided->initiatives(0).decision().approved());
  EXPECT_EQ(decided->initiatives(0).decision().rank(), 1);
  EXPECT_DOUBLE_EQ(decided->initiatives(0).decision().average_points(), 25.5);
  EXPECT_FALSE(decided->initiatives(0).decision().reason().empty());
  EXPECT_EQ(decided->initiatives(1).state(), v1::INITIATIVE_STATE_REJECTED);
  EXPECT_FALSE(decided->initiatives(1).decision().approved());
  EXPECT_EQ(decided->initiatives(1).decision().rank(), 2);
  EXPECT_THAT(coordinator_->DecideCall(decide).status(),
              HasReason("CALL_ALREADY_DECIDED"));

  // The approved project runs, reports and is closed by the call's owner.
  v1::SubmitReportRequest report;
  report.set_name(best.name());
  v1::Report* r = report.mutable_report();
  v1::Activity* held = r->add_activities_held();
  held->set_title("Basketbola vakari");
  held->set_start_date(DayText(Today() - 1));
  held->set_end_date(DayText(Today() - 1));
  r->set_participants(20);
  r->set_participants_at_risk(7);
  v1::AgeCount* ages = r->add_ages();
  ages->set_age(15);
  ages->set_count(20);
  r->set_results("Notika 12 vakari; 7 riska jaunieši piedalījās regulāri.");
  EXPECT_THAT(applicant_->SubmitReport(report).status(),
              HasReason("INITIATIVE_NOT_IN_PROGRESS"));
  v1::StartInitiativeRequest start;
  start.set_name(second.name());
  EXPECT_THAT(other_applicant_->StartInitiative(start).status(),
              HasReason("INITIATIVE_NOT_APPROVED"));
  start.set_name(best.name());
  absl::StatusOr<v1::Initiative> started = applicant_->StartInitiative(start);
  ASSERT_THAT(started.status(), IsOk());
  EXPECT_EQ(started->state(), v1::INITIATIVE_STATE_IN_PROGRESS);
  // Without the supervisor's confirmation the report is incomplete.
  EXPECT_THAT(applicant_->SubmitReport(report).status(),
              HasReason("REPORT_INCOMPLETE"));
  r->set_supervisor_confirmed(true);
  report.set_etag(started->etag());
  absl::StatusOr<v1::Initiative> reported = applicant_->SubmitReport(report);
  ASSERT_THAT(reported.status(), IsOk());
  EXPECT_EQ(reported->state(), v1::INITIATIVE_STATE_REPORTED);
  EXPECT_EQ(reported->report().participants(), 20);
  EXPECT_EQ(reported->report().participants_at_risk(), 0);  // owner's view
  EXPECT_TRUE(reported->report().has_submit_time());

  v1::AcceptReportRequest accept;
  accept.set_name(best.name());
  EXPECT_THAT(applicant_->AcceptReport(accept).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::Initiative> closed = coordinator_->AcceptReport(accept);
  ASSERT_THAT(closed.status(), IsOk());
  EXPECT_EQ(closed->state(), v1::INITIATIVE_STATE_CLOSED);
  EXPECT_EQ(closed->report().participants_at_risk(), 7);
  EXPECT_FALSE(closed->report().accepted_by().empty());
  EXPECT_THAT(coordinator_->AcceptReport(accept).status(),
              HasReason("INITIATIVE_NOT_REPORTED"));

  // The change feed: the member's guardian gets the call and the closed
  // project, without the at-risk counts.
  absl::StatusOr<v1::ListChangesResponse> feed =
      family_->ListChanges(v1::ListChangesRequest());
  ASSERT_THAT(feed.status(), IsOk());
  std::vector<std::string> resources;
  const v1::Initiative* synced = nullptr;
  for (const v1::Change& c : feed->changes()) {
    resources.push_back(c.resource());
    if (c.resource() == best.name()) synced = &c.initiative();
  }
  EXPECT_THAT(resources, ElementsAre(call.name(), best.name()));
  ASSERT_NE(synced, nullptr);
  EXPECT_EQ(synced->state(), v1::INITIATIVE_STATE_CLOSED);
  EXPECT_EQ(synced->planned_at_risk(), 0);
  EXPECT_EQ(synced->report().participants_at_risk(), 0);
}

}  // namespace
}  // namespace pumpurs::client
