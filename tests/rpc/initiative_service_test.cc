// YouthInitiativeService's calls and applications over a real server and
// channel: a municipality coordinator creates and opens a call, a user
// applies (a retried request_id returns the same project) and submits;
// field violations arrive as google.rpc.BadRequest, refusals with their
// ErrorInfo reason, a stale etag as ABORTED; the member's guardian sees
// the project (without the at-risk count, which the coordinator sees) and
// another guardian does not; the reads leave their audit events.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/youth_initiative.grpc.pb.h"
#include "server/common/status_macros.h"
#include "server/plans/semester.h"
#include "tests/testing/directory_setup.h"
#include "tests/testing/names.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::IdOf;

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::CreateGuardian;
using ::pumpurs::testing::CreateInstitution;
using ::pumpurs::testing::CreateMunicipality;
using ::pumpurs::testing::CreatePupil;
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Day(int days_from_today) {
  return plans::FormatDay(plans::DayInLatvia(absl::Now()) + days_from_today);
}

class InitiativeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stub_ = v1::YouthInitiativeService::NewStub(server_.channel());
    server_.UseToken(server_.AdminToken());
    absl::StatusOr<std::string> municipality =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    ASSERT_THAT(municipality, IsOk());
    municipality_ = *municipality;
    absl::StatusOr<std::string> institution =
        CreateInstitution(server_, municipality_, "A skola", "4000000001");
    ASSERT_THAT(institution, IsOk());
    institution_ = *institution;
    pupil_ = Pupil("Anna");
    const std::string other_pupil = Pupil("Pēteris");
    guardian_token_ =
        server_.TokenFor({{Role::kGuardian, IdOf(Guardian("Inese", pupil_))}});
    other_guardian_token_ = server_.TokenFor(
        {{Role::kGuardian, IdOf(Guardian("Ilze", other_pupil))}});
    coordinator_token_ = server_.TokenFor(
        {{Role::kMunicipalityCoordinator, IdOf(municipality_)}});
    applicant_token_ = server_.TokenFor({}, "pieteicejs");
    evaluator_token_ = server_.TokenFor({}, "vertetajs");
    evaluator_ = "accounts/" + AccountId("vertetajs");
  }

  std::string Pupil(const std::string& given) {
    absl::StatusOr<std::string> pupil = CreatePupil(
        server_, institution_, given, "Bērziņš", 8,
        absl::StrFormat("%04d-01-01",
                        plans::DayInLatvia(absl::Now()).year() - 14));
    EXPECT_THAT(pupil, IsOk());
    return pupil.value_or("");
  }
  std::string Guardian(const std::string& given, const std::string& pupil) {
    absl::StatusOr<std::string> guardian =
        CreateGuardian(server_, {pupil}, given, "Bērziņa");
    EXPECT_THAT(guardian, IsOk());
    return guardian.value_or("");
  }
  std::string AccountId(const std::string& username) {
    std::string id;
    EXPECT_THAT(server_.database().ReadSync(
                    CallContext{},
                    [&](storage::Connection& c) -> absl::Status {
                      PUMPURS_ASSIGN_OR_RETURN(
                          storage::Statement s,
                          c.Prepare("SELECT id FROM accounts WHERE username "
                                    "= ?"));
                      s.Bind(1, username);
                      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                      if (row) id = s.ColumnText(0);
                      return absl::OkStatus();
                    }),
                IsOk());
    return id;
  }
  int64_t Audited(const std::string& action, const std::string& resource,
                  int outcome) {
    int64_t n = -1;
    EXPECT_THAT(
        server_.database().ReadSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("SELECT count(*) FROM audit_events WHERE "
                            "action = ? AND resource = ? AND "
                            "outcome = ?"));
              s.Bind(1, action).Bind(2, resource).Bind(3, int64_t{outcome});
              PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
              if (row) n = s.ColumnInt64(0);
              return absl::OkStatus();
            }),
        IsOk());
    return n;
  }

  v1::Call NewCall() {
    v1::Call c;
    c.set_owner(municipality_);
    c.set_title("Jauniešu iniciatīvas 2026");
    c.set_rules("Projekti jauniešiem.");
    c.set_application_start(Day(-1));
    c.set_application_end(Day(10));
    c.set_max_projects(2);
    v1::Criterion* k = c.add_criteria();
    k->set_title("Atbilstība");
    k->set_max_points(10);
    c.add_evaluators(evaluator_);
    return c;
  }
  grpc::Status CreateCall(const v1::Call& in, v1::Call* out) {
    grpc::ClientContext ctx;
    v1::CreateCallRequest req;
    *req.mutable_call() = in;
    return stub_->CreateCall(&ctx, req, out);
  }
  grpc::Status OpenCall(const std::string& name, const std::string& etag,
                        v1::Call* out) {
    grpc::ClientContext ctx;
    v1::OpenCallRequest req;
    req.set_name(name);
    req.set_etag(etag);
    return stub_->OpenCall(&ctx, req, out);
  }
  // An open call of the municipality, made by its coordinator.
  v1::Call OpenedCall() {
    server_.UseToken(coordinator_token_);
    v1::Call draft;
    EXPECT_THAT(CreateCall(NewCall(), &draft), IsOk());
    v1::Call open;
    EXPECT_THAT(OpenCall(draft.name(), draft.etag(), &open), IsOk());
    return open;
  }

  v1::Initiative Project(const std::string& call) {
    v1::Initiative in;
    in.set_call(call);
    in.mutable_organisation()->set_name("Biedrība \"Ābele\"");
    in.mutable_organisation()->set_registration_number("40008123456");
    in.mutable_organisation()->set_kind(v1::ORGANISATION_KIND_ASSOCIATION);
    in.add_members(pupil_);
    in.mutable_supervisor()->set_given_name("Laura");
    in.mutable_supervisor()->set_family_name("Kļaviņa");
    in.set_title("Sporta vakari");
    in.set_aims("Kopīgas aktivitātes.");
    v1::Activity* a = in.add_activities();
    a->set_title("Basketbols");
    a->set_start_date(Day(20));
    a->set_end_date(Day(100));
    v1::BudgetLine* b = in.add_budget();
    b->set_item("Inventārs");
    b->set_amount_cents(460000);
    in.set_planned_participants(24);
    in.set_planned_at_risk(9);
    return in;
  }
  grpc::Status Apply(const v1::Initiative& in, v1::Initiative* out,
                     const std::string& request_id = "") {
    grpc::ClientContext ctx;
    v1::CreateInitiativeRequest req;
    *req.mutable_initiative() = in;
    req.set_request_id(request_id);
    return stub_->CreateInitiative(&ctx, req, out);
  }
  grpc::Status Submit(const std::string& name, v1::Initiative* out) {
    grpc::ClientContext ctx;
    v1::SubmitInitiativeRequest req;
    req.set_name(name);
    return stub_->SubmitInitiative(&ctx, req, out);
  }
  grpc::Status Get(const std::string& name, v1::Initiative* out) {
    grpc::ClientContext ctx;
    v1::GetInitiativeRequest req;
    req.set_name(name);
    return stub_->GetInitiative(&ctx, req, out);
  }

  TestServer server_;
  std::unique_ptr<v1::YouthInitiativeService::Stub> stub_;
  std::string municipality_, institution_, pupil_, evaluator_;
  std::string guardian_token_, other_guardian_token_, coordinator_token_,
      applicant_token_, evaluator_token_;
};

TEST_F(InitiativeServiceTest, ACallOpensAndAProjectIsAppliedForAndSubmitted) {
  const v1::Call call = OpenedCall();
  EXPECT_EQ(call.state(), v1::CALL_STATE_OPEN);
  EXPECT_EQ(call.lump_sum_cents(), 460000);
  EXPECT_EQ(call.municipality(), municipality_);

  server_.UseToken(applicant_token_);
  {
    grpc::ClientContext ctx;
    v1::ListCallsRequest req;
    req.set_state(v1::CALL_STATE_OPEN);
    v1::ListCallsResponse resp;
    ASSERT_THAT(stub_->ListCalls(&ctx, req, &resp), IsOk());
    ASSERT_EQ(resp.calls_size(), 1);
    EXPECT_EQ(resp.calls(0).name(), call.name());
    EXPECT_THAT(resp.calls(0).evaluators(), IsEmpty());
  }
  v1::Initiative draft;
  ASSERT_THAT(Apply(Project(call.name()), &draft, "pieteikums-1"), IsOk());
  EXPECT_EQ(draft.state(), v1::INITIATIVE_STATE_DRAFT);
  EXPECT_EQ(draft.owner(), "accounts/" + AccountId("pieteicejs"));
  EXPECT_EQ(draft.planned_at_risk(), 0);
  v1::Initiative again;
  ASSERT_THAT(Apply(Project(call.name()), &again, "pieteikums-1"), IsOk());
  EXPECT_EQ(again.name(), draft.name());

  v1::Initiative sent;
  ASSERT_THAT(Submit(draft.name(), &sent), IsOk());
  EXPECT_EQ(sent.state(), v1::INITIATIVE_STATE_SUBMITTED);
  EXPECT_TRUE(sent.has_submit_time());

  server_.UseToken(coordinator_token_);
  v1::Initiative seen;
  ASSERT_THAT(Get(draft.name(), &seen), IsOk());
  EXPECT_EQ(seen.planned_at_risk(), 9);
  {
    grpc::ClientContext ctx;
    v1::ListInitiativesRequest req;
    req.set_municipality(municipality_);
    req.set_state(v1::INITIATIVE_STATE_SUBMITTED);
    v1::ListInitiativesResponse resp;
    ASSERT_THAT(stub_->ListInitiatives(&ctx, req, &resp), IsOk());
    ASSERT_EQ(resp.initiatives_size(), 1);
    EXPECT_EQ(resp.initiatives(0).planned_at_risk(), 9);
  }
  server_.UseToken(evaluator_token_);
  ASSERT_THAT(Get(draft.name(), &seen), IsOk());
  EXPECT_EQ(seen.planned_at_risk(), 0);
}

TEST_F(InitiativeServiceTest,
       TheFamilySeesTheProjectAndAnotherGuardianDoesNot) {
  const v1::Call call = OpenedCall();
  server_.UseToken(applicant_token_);
  v1::Initiative draft;
  ASSERT_THAT(Apply(Project(call.name()), &draft), IsOk());

  server_.UseToken(guardian_token_);
  v1::Initiative seen;
  ASSERT_THAT(Get(draft.name(), &seen), IsOk());
  EXPECT_EQ(seen.title(), "Sporta vakari");
  EXPECT_EQ(seen.planned_at_risk(), 0);
  EXPECT_EQ(Audited("initiative.read", draft.name(), 1), 1);
  {
    grpc::ClientContext ctx;
    v1::ListInitiativesRequest req;
    v1::ListInitiativesResponse resp;
    ASSERT_THAT(stub_->ListInitiatives(&ctx, req, &resp), IsOk());
    ASSERT_EQ(resp.initiatives_size(), 1);
    EXPECT_EQ(resp.initiatives(0).name(), draft.name());
  }

  server_.UseToken(other_guardian_token_);
  EXPECT_THAT(Get(draft.name(), &seen),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(Audited("initiative.read", draft.name(), 2), 1);
  {
    grpc::ClientContext ctx;
    v1::ListInitiativesRequest req;
    v1::ListInitiativesResponse resp;
    ASSERT_THAT(stub_->ListInitiatives(&ctx, req, &resp), IsOk());
    EXPECT_EQ(resp.initiatives_size(), 0);
  }
  // Nor does anyone signed out.
  server_.UseToken("");
  EXPECT_THAT(Get(draft.name(), &seen),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(InitiativeServiceTest, FieldViolationsArriveAsBadRequest) {
  server_.UseToken(coordinator_token_);
  v1::Call in = NewCall();
  in.set_title("");
  in.set_max_projects(0);
  in.set_application_end(Day(-2));
  v1::Call out;
  grpc::Status s = CreateCall(in, &out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s),
              ::testing::UnorderedElementsAre("call.title", "call.max_projects",
                                              "call.application_end"));

  grpc::ClientContext ctx;
  v1::GetCallRequest bad;
  bad.set_name("calls/x");
  s = stub_->GetCall(&ctx, bad, &out);
  EXPECT_THAT(ViolatedFields(s), ElementsAre("name"));

  const v1::Call call = OpenedCall();
  server_.UseToken(applicant_token_);
  v1::Initiative project = Project(call.name());
  project.mutable_organisation()->set_registration_number("12");
  project.add_members("pupils/nav");
  v1::Initiative made;
  s = Apply(project, &made);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s),
              Contains("initiative.organisation.registration_number"));
  EXPECT_THAT(ViolatedFields(s), Contains("initiative.members[1]"));
}

TEST_F(InitiativeServiceTest, RefusalsCarryTheirReasonAndStaleEtagsAbort) {
  server_.UseToken(coordinator_token_);
  v1::Call draft;
  ASSERT_THAT(CreateCall(NewCall(), &draft), IsOk());
  {
    grpc::ClientContext ctx;
    v1::UpdateCallRequest req;
    *req.mutable_call() = draft;
    req.mutable_call()->set_title("Jauns nosaukums");
    req.mutable_update_mask()->add_paths("title");
    v1::Call out;
    ASSERT_THAT(stub_->UpdateCall(&ctx, req, &out), IsOk());
    EXPECT_EQ(out.title(), "Jauns nosaukums");
  }
  {
    grpc::ClientContext ctx;
    v1::UpdateCallRequest req;
    *req.mutable_call() = draft;  // the first etag
    req.mutable_update_mask()->add_paths("title");
    v1::Call out;
    grpc::Status s = stub_->UpdateCall(&ctx, req, &out);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kAborted));
    EXPECT_THAT(s, HasReason("ETAG_MISMATCH"));
  }
  v1::Call open;
  EXPECT_THAT(OpenCall(draft.name(), draft.etag(), &open),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(OpenCall(draft.name(), "", &open), IsOk());
  grpc::Status again = OpenCall(draft.name(), "", &open);
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(again, HasReason("CALL_NOT_DRAFT"));

  server_.UseToken(applicant_token_);
  v1::Initiative project = Project(open.name());
  project.mutable_budget(0)->set_amount_cents(459999);
  v1::Initiative made;
  ASSERT_THAT(Apply(project, &made), IsOk());
  v1::Initiative out;
  grpc::Status s = Submit(made.name(), &out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(s, HasReason("BUDGET_NOT_LUMP_SUM"));
  {
    grpc::ClientContext ctx;
    v1::UpdateInitiativeRequest req;
    *req.mutable_initiative() = made;
    req.mutable_initiative()->mutable_budget(0)->set_amount_cents(460000);
    req.mutable_update_mask()->add_paths("budget");
    ASSERT_THAT(stub_->UpdateInitiative(&ctx, req, &out), IsOk());
  }
  {
    grpc::ClientContext ctx;
    v1::UpdateInitiativeRequest req;
    *req.mutable_initiative() = made;  // the first etag
    req.mutable_update_mask()->add_paths("title");
    v1::Initiative stale;
    EXPECT_THAT(stub_->UpdateInitiative(&ctx, req, &stale),
                StatusIs(absl::StatusCode::kAborted));
  }
  ASSERT_THAT(Submit(made.name(), &out), IsOk());
  {
    grpc::ClientContext ctx;
    v1::WithdrawInitiativeRequest req;
    req.set_name(made.name());
    req.set_reason("Grupa izjuka");
    req.set_etag(out.etag());
    v1::Initiative withdrawn;
    ASSERT_THAT(stub_->WithdrawInitiative(&ctx, req, &withdrawn), IsOk());
    EXPECT_EQ(withdrawn.state(), v1::INITIATIVE_STATE_WITHDRAWN);
    EXPECT_EQ(withdrawn.withdraw_reason(), "Grupa izjuka");
  }
  EXPECT_THAT(Submit(made.name(), &out), HasReason("INITIATIVE_NOT_DRAFT"));
}

}  // namespace
}  // namespace pumpurs
