// YouthInitiativeService over a real in-process server and channel: the
// authorization matrix of all 16 methods (role × method × own/foreign
// object), the conflict of interest as PERMISSION_DENIED with its ErrorInfo
// reason on the wire, and a call run from scoring to a closed project.
// Calls and projects are stored directly through server/initiatives/
// store.h, each in the state that lets a caller who passes authorization
// hear a refusal of the state (FAILED_PRECONDITION with its reason) rather
// than change anything, where the method changes something.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/youth_initiative.grpc.pb.h"
#include "server/common/ids.h"
#include "server/initiatives/store.h"
#include "server/plans/semester.h"
#include "tests/testing/directory_setup.h"
#include "tests/testing/names.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::IdOf;

namespace v1 = ::pumpurs::v1;
using initiatives::StoredCall;
using initiatives::StoredInitiative;
using ::pumpurs::testing::CreateGuardian;
using ::pumpurs::testing::CreateInstitution;
using ::pumpurs::testing::CreateMunicipality;
using ::pumpurs::testing::CreatePupil;
using ::pumpurs::testing::DecodeWireError;
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::SizeIs;

absl::CivilDay Today() { return plans::DayInLatvia(absl::Now()); }

// What a caller should hear.
struct Expect {
  grpc::StatusCode code = grpc::StatusCode::PERMISSION_DENIED;
  std::string reason;  // checked when set
};
const Expect kOk{grpc::StatusCode::OK, ""};
Expect Refused(const std::string& reason) {
  return {grpc::StatusCode::FAILED_PRECONDITION, reason};
}
const Expect kNotAnEvaluator{grpc::StatusCode::PERMISSION_DENIED,
                             "NOT_AN_EVALUATOR"};

// The callers of the matrix.
const std::vector<std::string> kRoles = {"owner",
                                         "other applicant",
                                         "evaluator",
                                         "non-evaluator",
                                         "north coordinator",
                                         "south coordinator",
                                         "head V",
                                         "guardian",
                                         "other guardian",
                                         "adult member",
                                         "admin",
                                         "anonymous"};

class InitiativeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = server_.AdminToken();
    server_.UseToken(admin_);
    stub_ = v1::YouthInitiativeService::NewStub(server_.channel());
    absl::StatusOr<std::string> north =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    EXPECT_THAT(north, IsOk());
    north_ = north.value_or("");
    absl::StatusOr<std::string> south =
        CreateMunicipality(server_, "Dienvidu novads", "0100002");
    EXPECT_THAT(south, IsOk());
    south_ = south.value_or("");
    absl::StatusOr<std::string> a =
        CreateInstitution(server_, north_, "A skola", "4000000001",
                          v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
    EXPECT_THAT(a, IsOk());
    a_ = a.value_or("");
    absl::StatusOr<std::string> v =
        CreateInstitution(server_, south_, "V tehnikums", "4000000002",
                          v1::INSTITUTION_KIND_STATE_VOCATIONAL_SCHOOL);
    EXPECT_THAT(v, IsOk());
    v_ = v.value_or("");
    absl::StatusOr<std::string> pupil1 =
        CreatePupil(server_, NewPupil(a_, 12, 6, 0));
    EXPECT_THAT(pupil1, IsOk());
    pupil1_ = pupil1.value_or("");
    absl::StatusOr<std::string> pupil2 =
        CreatePupil(server_, NewPupil(a_, 13, 7, 0));
    EXPECT_THAT(pupil2, IsOk());
    pupil2_ = pupil2.value_or("");
    absl::StatusOr<std::string> adult =
        CreatePupil(server_, NewPupil(v_, 19, 0, 2));
    EXPECT_THAT(adult, IsOk());
    adult_ = adult.value_or("");
    absl::StatusOr<std::string> guardian1 =
        CreateGuardian(server_, {pupil1_}, "Inese", "Bērziņa");
    EXPECT_THAT(guardian1, IsOk());
    guardian1_ = guardian1.value_or("");
    absl::StatusOr<std::string> guardian2 =
        CreateGuardian(server_, {pupil2_}, "Inese", "Bērziņa");
    EXPECT_THAT(guardian2, IsOk());
    guardian2_ = guardian2.value_or("");

    tokens_["owner"] = Token({}, "pieteicejs");
    tokens_["other applicant"] = Token({}, "cits-pieteicejs");
    tokens_["evaluator"] = Token({}, "vertetajs");
    tokens_["non-evaluator"] = Token({}, "nevertetajs");
    tokens_["north coordinator"] =
        Token({{Role::kMunicipalityCoordinator, IdOf(north_)}}, "ziemeli");
    tokens_["south coordinator"] =
        Token({{Role::kMunicipalityCoordinator, IdOf(south_)}}, "dienvidi");
    tokens_["head V"] = Token({{Role::kInstitutionHead, IdOf(v_)}}, "vaditajs");
    tokens_["guardian"] =
        Token({{Role::kGuardian, IdOf(guardian1_)}}, "vecaks");
    tokens_["other guardian"] =
        Token({{Role::kGuardian, IdOf(guardian2_)}}, "cits-vecaks");
    tokens_["adult member"] =
        Token({{Role::kAdultPupil, IdOf(adult_)}}, "audzeknis");
    tokens_["admin"] = admin_;
    tokens_["anonymous"] = "";
    // An evaluator who is a member's guardian: in conflict on every project.
    tokens_["conflicted"] =
        Token({{Role::kGuardian, IdOf(guardian1_)}}, "vertetajs-vecaks");
  }

  // ---- Directory, through the API ----

  // A pupil of `institution` aged `age`, in general education `grade` or
  // vocational `course`.
  v1::Pupil NewPupil(const std::string& institution, int age, int grade,
                     int course) {
    v1::Pupil p;
    p.set_given_name("Anna");
    p.set_family_name("Bērziņa");
    const absl::CivilDay born = Today() - 3;
    p.set_birth_date(absl::StrFormat("%04d-%02d-%02d", born.year() - age,
                                     born.month(), std::min(born.day(), 28)));
    p.set_grade(grade);
    p.set_vocational_course(course);
    p.set_class_label(grade > 0 ? "6.a" : "2.k");
    p.set_institution(institution);
    return p;
  }

  // A token of a new account with `roles`; its id in accounts_[username].
  std::string Token(const std::vector<RoleBinding>& roles,
                    const std::string& username) {
    const std::string token = server_.TokenFor(roles, username);
    std::string id;
    EXPECT_THAT(server_.database().ReadSync(
                    CallContext{},
                    [&](storage::Connection& c) -> absl::Status {
                      absl::StatusOr<storage::Statement> s = c.Prepare(
                          "SELECT id FROM accounts WHERE username = ?");
                      if (!s.ok()) return s.status();
                      s->Bind(1, username);
                      absl::StatusOr<bool> row = s->Step();
                      if (!row.ok()) return row.status();
                      if (*row) id = s->ColumnText(0);
                      return absl::OkStatus();
                    }),
                IsOk());
    accounts_[username] = id;
    return token;
  }
  std::string Account(const std::string& username) {
    return "accounts/" + accounts_[username];
  }

  // ---- Calls and projects, stored directly ----

  // A call of the north municipality, or of school V when `school`.
  StoredCall StoreCall(v1::CallState state, absl::CivilDay start,
                       absl::CivilDay end, bool school = false,
                       std::vector<std::string> evaluators = {"vertetajs"}) {
    StoredCall c;
    c.id = NewId();
    v1::Call& call = c.call;
    if (school) {
      c.institution_id = IdOf(v_);
      call.set_owner(v_);
      call.set_municipality(south_);
    } else {
      c.municipality_id = IdOf(north_);
      call.set_owner(north_);
      call.set_municipality(north_);
    }
    call.set_title("Jauniešu iniciatīvas");
    call.set_application_start(plans::FormatDay(start));
    call.set_application_end(plans::FormatDay(end));
    call.set_lump_sum_cents(initiatives::kDefaultLumpSumCents);
    call.set_max_projects(2);
    v1::Criterion* k = call.add_criteria();
    k->set_id("k1");
    k->set_title("Atbilstība");
    k->set_max_points(10);
    for (const std::string& e : evaluators) call.add_evaluators(Account(e));
    call.set_state(state);
    EXPECT_THAT(server_.database().WriteSync(CallContext{},
                                             [&](storage::Connection& conn) {
                                               return initiatives::InsertCall(
                                                   conn, c, absl::Now());
                                             }),
                IsOk());
    return c;
  }
  // A project under `c` naming pupil 1 and the adult pupil as members.
  std::string StoreProject(const StoredCall& c, v1::InitiativeState state,
                           const std::string& owner = "pieteicejs") {
    StoredInitiative i;
    i.id = NewId();
    i.call_id = c.id;
    i.municipality_id = c.municipality_id;
    i.institution_id = c.institution_id;
    i.owner_account_id = accounts_[owner];
    v1::Initiative& in = i.initiative;
    in.set_municipality(c.call.municipality());
    in.mutable_organisation()->set_name("Jauniešu klubs");
    in.mutable_organisation()->set_registration_number("40008123456");
    in.mutable_organisation()->set_kind(
        v1::ORGANISATION_KIND_YOUTH_ORGANISATION);
    in.add_members(pupil1_);
    in.add_members(adult_);
    in.mutable_supervisor()->set_given_name("Laura");
    in.mutable_supervisor()->set_family_name("Kļaviņa");
    in.set_title("Sporta vakari");
    in.set_aims("Kopā sportot.");
    v1::Activity* a = in.add_activities();
    a->set_title("Basketbols");
    a->set_start_date(plans::FormatDay(Today()));
    a->set_end_date(plans::FormatDay(Today() + 60));
    v1::BudgetLine* b = in.add_budget();
    b->set_item("Inventārs");
    b->set_amount_cents(initiatives::kDefaultLumpSumCents);
    in.set_planned_participants(20);
    in.set_planned_at_risk(8);
    in.set_state(state);
    EXPECT_THAT(
        server_.database().WriteSync(CallContext{},
                                     [&](storage::Connection& conn) {
                                       return initiatives::InsertInitiative(
                                           conn, i, absl::Now());
                                     }),
        IsOk());
    return i.initiative.name();
  }

  v1::Call NewCall(const std::string& owner) {
    v1::Call c;
    c.set_owner(owner);
    c.set_title("Jauns konkurss");
    c.set_rules("Noteikumi.");
    c.set_application_start(plans::FormatDay(Today() + 1));
    c.set_application_end(plans::FormatDay(Today() + 30));
    c.set_max_projects(3);
    v1::Criterion* k = c.add_criteria();
    k->set_title("Atbilstība");
    k->set_max_points(10);
    c.set_min_at_risk_percent(30);
    c.add_evaluators(Account("vertetajs"));
    return c;
  }
  static v1::Report GoodReport() {
    v1::Report r;
    v1::Activity* a = r.add_activities_held();
    a->set_title("Basketbols");
    a->set_start_date(plans::FormatDay(Today() - 60));
    a->set_end_date(plans::FormatDay(Today() - 1));
    r.set_participants(20);
    r.set_participants_at_risk(8);
    v1::AgeCount* age = r.add_ages();
    age->set_age(15);
    age->set_count(20);
    r.set_results("Izdevās.");
    r.set_supervisor_confirmed(true);
    return r;
  }

  grpc::Status As(const std::string& role,
                  const std::function<grpc::Status()>& call) {
    server_.UseToken(tokens_[role]);
    return call();
  }

  // One row of the matrix: a method on an object; `allowed` maps roles to
  // what they hear, everyone else signed in is refused (`otherwise`), the
  // anonymous caller is asked to sign in.
  struct Case {
    std::string name;
    std::function<grpc::Status()> call;
    std::map<std::string, Expect> allowed;
    Expect otherwise;
  };
  void Check(const Case& c) {
    for (const std::string& role : kRoles) {
      SCOPED_TRACE(c.name + " as " + role);
      Expect want = c.otherwise;
      if (role == "anonymous") {
        want = {grpc::StatusCode::UNAUTHENTICATED, ""};
      } else if (auto it = c.allowed.find(role); it != c.allowed.end()) {
        want = it->second;
      }
      const grpc::Status got = As(role, c.call);
      EXPECT_EQ(got.error_code(), want.code) << got.error_message();
      if (!want.reason.empty()) {
        EXPECT_EQ(DecodeWireError(got).reason, want.reason);
      }
    }
  }
  // Every signed-in role hears `e`.
  static std::map<std::string, Expect> Everyone(const Expect& e) {
    std::map<std::string, Expect> out;
    for (const std::string& role : kRoles) out[role] = e;
    return out;
  }

  TestServer server_;
  std::unique_ptr<v1::YouthInitiativeService::Stub> stub_;
  std::string admin_;
  std::string north_, south_, a_, v_, pupil1_, pupil2_, adult_, guardian1_,
      guardian2_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, std::string> accounts_;  // username → id
};

TEST_F(InitiativeServiceTest, AuthorizationMatrixOfEveryMethod) {
  auto* stub = stub_.get();
  // Applications still open.
  const StoredCall running =
      StoreCall(v1::CALL_STATE_OPEN, Today() - 10, Today() + 10);
  const std::string r_draft = StoreProject(running, v1::INITIATIVE_STATE_DRAFT);
  const std::string r_submitted =
      StoreProject(running, v1::INITIATIVE_STATE_SUBMITTED);
  StoreProject(running, v1::INITIATIVE_STATE_DRAFT, "cits-pieteicejs");
  // Applications over: evaluation, then the run.
  const StoredCall closed =
      StoreCall(v1::CALL_STATE_OPEN, Today() - 30, Today() - 1);
  const std::string c_submitted =
      StoreProject(closed, v1::INITIATIVE_STATE_SUBMITTED);
  const std::string c_approved =
      StoreProject(closed, v1::INITIATIVE_STATE_APPROVED);
  const std::string c_in_progress =
      StoreProject(closed, v1::INITIATIVE_STATE_IN_PROGRESS);
  const StoredCall decided =
      StoreCall(v1::CALL_STATE_DECIDED, Today() - 60, Today() - 30);
  const StoredCall draft_call =
      StoreCall(v1::CALL_STATE_DRAFT, Today() + 1, Today() + 30);
  // School V's calls.
  const StoredCall school = StoreCall(v1::CALL_STATE_OPEN, Today() - 30,
                                      Today() - 1, /*school=*/true);
  StoreProject(school, v1::INITIATIVE_STATE_SUBMITTED);  // not yet scored
  const std::string s_in_progress =
      StoreProject(school, v1::INITIATIVE_STATE_IN_PROGRESS);
  const StoredCall school_draft = StoreCall(v1::CALL_STATE_DRAFT, Today() + 1,
                                            Today() + 30, /*school=*/true);

  const std::map<std::string, Expect> north_owner = {{"north coordinator", kOk},
                                                     {"admin", kOk}};
  const std::map<std::string, Expect> school_owner = {{"head V", kOk},
                                                      {"admin", kOk}};
  auto owners = [](const std::map<std::string, Expect>& who, Expect e) {
    std::map<std::string, Expect> out;
    for (const auto& [role, unused] : who) out[role] = e;
    return out;
  };
  const Expect denied;
  const Expect plain{grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED"};

  auto create_call = [stub, this](const std::string& owner) {
    return [stub, owner, this] {
      grpc::ClientContext ctx;
      v1::CreateCallRequest req;
      *req.mutable_call() = NewCall(owner);
      v1::Call out;
      return stub->CreateCall(&ctx, req, &out);
    };
  };
  auto get_call = [stub](const StoredCall& c) {
    return [stub, name = c.call.name()] {
      grpc::ClientContext ctx;
      v1::GetCallRequest req;
      req.set_name(name);
      v1::Call out;
      return stub->GetCall(&ctx, req, &out);
    };
  };
  auto update_call = [stub](const StoredCall& c) {
    return [stub, name = c.call.name()] {
      grpc::ClientContext ctx;
      v1::UpdateCallRequest req;
      req.mutable_call()->set_name(name);
      req.mutable_call()->set_title("Jauns nosaukums");
      req.mutable_update_mask()->add_paths("title");
      v1::Call out;
      return stub->UpdateCall(&ctx, req, &out);
    };
  };
  auto open_call = [stub](const StoredCall& c) {
    return [stub, name = c.call.name()] {
      grpc::ClientContext ctx;
      v1::OpenCallRequest req;
      req.set_name(name);
      v1::Call out;
      return stub->OpenCall(&ctx, req, &out);
    };
  };
  auto decide_call = [stub](const StoredCall& c) {
    return [stub, name = c.call.name()] {
      grpc::ClientContext ctx;
      v1::DecideCallRequest req;
      req.set_name(name);
      v1::DecideCallResponse out;
      return stub->DecideCall(&ctx, req, &out);
    };
  };
  auto get = [stub](const std::string& name) {
    return [stub, name] {
      grpc::ClientContext ctx;
      v1::GetInitiativeRequest req;
      req.set_name(name);
      v1::Initiative out;
      return stub->GetInitiative(&ctx, req, &out);
    };
  };
  auto accept = [stub](const std::string& name) {
    return [stub, name] {
      grpc::ClientContext ctx;
      v1::AcceptReportRequest req;
      req.set_name(name);
      v1::Initiative out;
      return stub->AcceptReport(&ctx, req, &out);
    };
  };

  const std::vector<Case> cases = {
      {"CreateCall north", create_call(north_), north_owner, denied},
      {"CreateCall school", create_call(v_), school_owner, denied},
      {"GetCall open", get_call(running), Everyone(kOk), denied},
      {"GetCall draft north", get_call(draft_call), north_owner, denied},
      {"GetCall draft school", get_call(school_draft), school_owner, denied},
      {"ListCalls",
       [stub] {
         grpc::ClientContext ctx;
         v1::ListCallsRequest req;
         v1::ListCallsResponse out;
         return stub->ListCalls(&ctx, req, &out);
       },
       Everyone(kOk), denied},
      {"UpdateCall north", update_call(running),
       owners(north_owner, Refused("CALL_NOT_DRAFT")), denied},
      {"UpdateCall school", update_call(school),
       owners(school_owner, Refused("CALL_NOT_DRAFT")), denied},
      {"OpenCall north", open_call(running),
       owners(north_owner, Refused("CALL_NOT_DRAFT")), denied},
      {"OpenCall school", open_call(school),
       owners(school_owner, Refused("CALL_NOT_DRAFT")), denied},
      {"DecideCall north", decide_call(decided),
       owners(north_owner, Refused("CALL_ALREADY_DECIDED")), denied},
      {"DecideCall school", decide_call(school),
       owners(school_owner, Refused("SCORES_INCOMPLETE")), denied},
      {"CreateInitiative",
       [stub, name = running.call.name()] {
         grpc::ClientContext ctx;
         v1::CreateInitiativeRequest req;
         req.mutable_initiative()->set_call(name);
         req.mutable_initiative()->set_title("Mans projekts");
         v1::Initiative out;
         return stub->CreateInitiative(&ctx, req, &out);
       },
       Everyone(kOk), denied},
      // Evaluators see projects only once submitted.
      {"GetInitiative draft",
       get(r_draft),
       {{"owner", kOk},
        {"north coordinator", kOk},
        {"admin", kOk},
        {"guardian", kOk},
        {"adult member", kOk}},
       denied},
      {"GetInitiative submitted",
       get(c_submitted),
       {{"owner", kOk},
        {"evaluator", kOk},
        {"north coordinator", kOk},
        {"admin", kOk},
        {"guardian", kOk},
        {"adult member", kOk}},
       denied},
      {"ListInitiatives",
       [stub] {
         grpc::ClientContext ctx;
         v1::ListInitiativesRequest req;
         v1::ListInitiativesResponse out;
         return stub->ListInitiatives(&ctx, req, &out);
       },
       Everyone(kOk), denied},
      {"UpdateInitiative",
       [stub, name = r_submitted] {
         grpc::ClientContext ctx;
         v1::UpdateInitiativeRequest req;
         req.mutable_initiative()->set_name(name);
         req.mutable_initiative()->set_title("Cits");
         req.mutable_update_mask()->add_paths("title");
         v1::Initiative out;
         return stub->UpdateInitiative(&ctx, req, &out);
       },
       {{"owner", Refused("INITIATIVE_NOT_DRAFT")}},
       denied},
      {"SubmitInitiative",
       [stub, name = r_submitted] {
         grpc::ClientContext ctx;
         v1::SubmitInitiativeRequest req;
         req.set_name(name);
         v1::Initiative out;
         return stub->SubmitInitiative(&ctx, req, &out);
       },
       {{"owner", Refused("INITIATIVE_NOT_DRAFT")}},
       denied},
      {"WithdrawInitiative",
       [stub, name = c_approved] {
         grpc::ClientContext ctx;
         v1::WithdrawInitiativeRequest req;
         req.set_name(name);
         req.set_reason("Mainījās plāni.");
         v1::Initiative out;
         return stub->WithdrawInitiative(&ctx, req, &out);
       },
       {{"owner", Refused("INITIATIVE_NOT_WITHDRAWABLE")}},
       denied},
      // Who sees the project learns they are no evaluator; others nothing.
      {"ScoreInitiative",
       [stub, name = c_submitted] {
         grpc::ClientContext ctx;
         v1::ScoreInitiativeRequest req;
         req.set_name(name);
         v1::CriterionScore* s = req.add_scores();
         s->set_criterion("k1");
         s->set_points(7);
         v1::Initiative out;
         return stub->ScoreInitiative(&ctx, req, &out);
       },
       {{"evaluator", kOk},
        {"owner", kNotAnEvaluator},
        {"north coordinator", kNotAnEvaluator},
        {"admin", kNotAnEvaluator},
        {"guardian", kNotAnEvaluator},
        {"adult member", kNotAnEvaluator}},
       plain},
      {"StartInitiative",
       [stub, name = c_in_progress] {
         grpc::ClientContext ctx;
         v1::StartInitiativeRequest req;
         req.set_name(name);
         v1::Initiative out;
         return stub->StartInitiative(&ctx, req, &out);
       },
       {{"owner", Refused("INITIATIVE_NOT_APPROVED")}},
       denied},
      {"SubmitReport",
       [stub, name = c_approved] {
         grpc::ClientContext ctx;
         v1::SubmitReportRequest req;
         req.set_name(name);
         *req.mutable_report() = GoodReport();
         v1::Initiative out;
         return stub->SubmitReport(&ctx, req, &out);
       },
       {{"owner", Refused("INITIATIVE_NOT_IN_PROGRESS")}},
       denied},
      {"AcceptReport north", accept(c_in_progress),
       owners(north_owner, Refused("INITIATIVE_NOT_REPORTED")), denied},
      {"AcceptReport school", accept(s_in_progress),
       owners(school_owner, Refused("INITIATIVE_NOT_REPORTED")), denied},
  };
  std::set<std::string> methods;
  for (const Case& c : cases) {
    Check(c);
    methods.insert(c.name.substr(0, c.name.find(' ')));
  }
  EXPECT_THAT(methods, SizeIs(16));
}

TEST_F(InitiativeServiceTest, ListsShowDraftsOnlyToWhoMaySeeThem) {
  const StoredCall running =
      StoreCall(v1::CALL_STATE_OPEN, Today() - 10, Today() + 10);
  const std::string draft = StoreProject(running, v1::INITIATIVE_STATE_DRAFT);
  const std::set<std::string> see = {"owner", "north coordinator", "admin",
                                     "guardian", "adult member"};
  for (const std::string& role : kRoles) {
    if (role == "anonymous") continue;
    SCOPED_TRACE(role);
    v1::ListInitiativesResponse out;
    ASSERT_THAT(As(role,
                   [&] {
                     grpc::ClientContext ctx;
                     v1::ListInitiativesRequest req;
                     req.set_call(running.call.name());
                     return stub_->ListInitiatives(&ctx, req, &out);
                   }),
                IsOk());
    bool listed = false;
    for (const v1::Initiative& in : out.initiatives()) {
      listed |= in.name() == draft;
      // The at-risk count is the call owner's alone.
      if (role != "north coordinator" && role != "admin") {
        EXPECT_EQ(in.planned_at_risk(), 0);
      }
    }
    EXPECT_EQ(listed, see.count(role) > 0);
  }
}

TEST_F(InitiativeServiceTest, ConflictOfInterestOnTheWire) {
  const StoredCall closed =
      StoreCall(v1::CALL_STATE_OPEN, Today() - 30, Today() - 1, false,
                {"vertetajs", "vertetajs-vecaks"});
  const std::string id = StoreProject(closed, v1::INITIATIVE_STATE_SUBMITTED);
  server_.UseToken(tokens_["conflicted"]);
  grpc::ClientContext ctx;
  v1::ScoreInitiativeRequest req;
  req.set_name(id);
  v1::CriterionScore* s = req.add_scores();
  s->set_criterion("k1");
  s->set_points(7);
  v1::Initiative out;
  const grpc::Status status = stub_->ScoreInitiative(&ctx, req, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const testing::WireError e = DecodeWireError(status);
  EXPECT_EQ(e.reason, "CONFLICT_OF_INTEREST");
  EXPECT_EQ(e.domain, "pumpurs.lv");
  // Audited as denied, once per member pupil.
  int64_t denied = -1;
  EXPECT_THAT(server_.database().ReadSync(
                  CallContext{},
                  [&](storage::Connection& c) -> absl::Status {
                    absl::StatusOr<int64_t> n = c.QueryInt(
                        "SELECT count(*) FROM audit_events WHERE action = "
                        "'initiative.score' AND outcome = 2 AND actor = '" +
                        Account("vertetajs-vecaks") + "'");
                    if (!n.ok()) return n.status();
                    denied = *n;
                    return absl::OkStatus();
                  }),
              IsOk());
  EXPECT_EQ(denied, 2);
}

TEST_F(InitiativeServiceTest, ACallRunsFromScoringToAClosedProject) {
  // The second evaluator is a member's guardian: not awaited.
  const StoredCall closed =
      StoreCall(v1::CALL_STATE_OPEN, Today() - 30, Today() - 1, false,
                {"vertetajs", "vertetajs-vecaks"});
  const std::string best = StoreProject(closed, v1::INITIATIVE_STATE_SUBMITTED);
  const std::string other =
      StoreProject(closed, v1::INITIATIVE_STATE_SUBMITTED, "cits-pieteicejs");
  auto score = [&](const std::string& name, int points) {
    grpc::ClientContext ctx;
    v1::ScoreInitiativeRequest req;
    req.set_name(name);
    v1::CriterionScore* s = req.add_scores();
    s->set_criterion("k1");
    s->set_points(points);
    s->set_comment("Pamatots.");
    v1::Initiative out;
    const grpc::Status status = stub_->ScoreInitiative(&ctx, req, &out);
    return std::make_pair(status, out);
  };
  server_.UseToken(tokens_["evaluator"]);
  auto [bad, unused] = score(best, 11);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(bad), Contains("scores[0].points"));
  auto [scored, evaluated] = score(best, 9);
  ASSERT_THAT(scored, IsOk());
  EXPECT_EQ(evaluated.state(), v1::INITIATIVE_STATE_EVALUATED);
  ASSERT_THAT(score(other, 4).first, IsOk());

  // The call's owner decides with max 2 of 2: both approved, best first.
  server_.UseToken(tokens_["north coordinator"]);
  v1::DecideCallResponse decided;
  {
    grpc::ClientContext ctx;
    v1::DecideCallRequest req;
    req.set_name(closed.call.name());
    req.set_etag("\"1\"");
    req.set_comment("Abi atbalstīti.");
    ASSERT_THAT(stub_->DecideCall(&ctx, req, &decided), IsOk());
  }
  EXPECT_EQ(decided.call().state(), v1::CALL_STATE_DECIDED);
  ASSERT_THAT(decided.initiatives(), SizeIs(2));
  EXPECT_EQ(decided.initiatives(0).name(), best);
  EXPECT_EQ(decided.initiatives(0).decision().reason(),
            "rank 1 of 2, within the 2 projects the call funds");
  EXPECT_EQ(decided.initiatives(0).planned_at_risk(), 8);

  // The applicant runs the project and reports.
  server_.UseToken(tokens_["owner"]);
  v1::Initiative started;
  {
    grpc::ClientContext ctx;
    v1::StartInitiativeRequest req;
    req.set_name(best);
    req.set_etag("\"1\"");  // stale: the decision changed it
    EXPECT_THAT(stub_->StartInitiative(&ctx, req, &started),
                StatusIs(absl::StatusCode::kAborted));
  }
  {
    grpc::ClientContext ctx;
    v1::StartInitiativeRequest req;
    req.set_name(best);
    req.set_etag(decided.initiatives(0).etag());
    ASSERT_THAT(stub_->StartInitiative(&ctx, req, &started), IsOk());
  }
  EXPECT_EQ(started.state(), v1::INITIATIVE_STATE_IN_PROGRESS);
  {
    grpc::ClientContext ctx;
    v1::SubmitReportRequest req;
    req.set_name(best);
    *req.mutable_report() = GoodReport();
    req.mutable_report()->mutable_ages(0)->set_count(19);
    v1::Initiative out;
    const grpc::Status status = stub_->SubmitReport(&ctx, req, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), Contains("report.ages"));
  }
  {
    grpc::ClientContext ctx;
    v1::SubmitReportRequest req;
    req.set_name(best);
    *req.mutable_report() = GoodReport();
    req.mutable_report()->set_supervisor_confirmed(false);
    v1::Initiative out;
    EXPECT_THAT(stub_->SubmitReport(&ctx, req, &out),
                HasReason("REPORT_INCOMPLETE"));
  }
  v1::Initiative reported;
  {
    grpc::ClientContext ctx;
    v1::SubmitReportRequest req;
    req.set_name(best);
    req.set_etag(started.etag());
    *req.mutable_report() = GoodReport();
    ASSERT_THAT(stub_->SubmitReport(&ctx, req, &reported), IsOk());
  }
  EXPECT_EQ(reported.state(), v1::INITIATIVE_STATE_REPORTED);
  EXPECT_EQ(reported.report().participants_at_risk(), 0);

  // The call's owner accepts.
  server_.UseToken(tokens_["north coordinator"]);
  v1::Initiative closed_project;
  {
    grpc::ClientContext ctx;
    v1::AcceptReportRequest req;
    req.set_name(best);
    req.set_etag(reported.etag());
    ASSERT_THAT(stub_->AcceptReport(&ctx, req, &closed_project), IsOk());
  }
  EXPECT_EQ(closed_project.state(), v1::INITIATIVE_STATE_CLOSED);
  EXPECT_EQ(closed_project.report().accepted_by(), Account("ziemeli"));
  EXPECT_EQ(closed_project.report().participants_at_risk(), 8);
}

TEST_F(InitiativeServiceTest, MalformedNamesAreInvalid) {
  server_.UseToken(tokens_["owner"]);
  grpc::ClientContext ctx;
  v1::StartInitiativeRequest req;
  req.set_name("initiativeCalls/abc");
  v1::Initiative out;
  const grpc::Status status = stub_->StartInitiative(&ctx, req, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), Contains("name"));
}

}  // namespace
}  // namespace pumpurs
