// SelfCheckService over a real server and channel: a self-check without an
// account answers and leaves no trace in the database (row counts of every
// table, the audit and change sequences) or the log (no question, answer or
// option reaches it); methodologists write and publish through the API and
// parents get the new revision; a signed-in guardian's opt-in creates
// exactly one application with only the shared fields.

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/self_check.grpc.pb.h"
#include "server/common/log.h"
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
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class SelfCheckServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stub_ = v1::SelfCheckService::NewStub(server_.channel());
    server_.UseToken(server_.AdminToken());
    absl::StatusOr<std::string> municipality =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    ASSERT_THAT(municipality, IsOk());
    municipality_ = *municipality;
    absl::StatusOr<std::string> institution =
        CreateInstitution(server_, municipality_, "A skola", "4000000001");
    ASSERT_THAT(institution, IsOk());
    institution_ = *institution;
    const absl::CivilDay today =
        absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    absl::StatusOr<std::string> pupil =
        CreatePupil(server_, institution_, "Anna", "Bērziņa", 6,
                    absl::StrFormat("%04d-01-01", today.year() - 12));
    ASSERT_THAT(pupil, IsOk());
    pupil_ = *pupil;
    absl::StatusOr<std::string> guardian =
        CreateGuardian(server_, {pupil_}, "Inese", "Bērziņa");
    ASSERT_THAT(guardian, IsOk());
    guardian_ = *guardian;
    guardian_token_ = server_.TokenFor({{Role::kGuardian, IdOf(guardian_)}});
    methodologist_token_ = server_.TokenFor({{Role::kMethodologist, ""}});
    teacher_token_ =
        server_.TokenFor({{Role::kPlanPreparer, IdOf(institution_)}});
    server_.UseToken("");
  }

  // Every table's row count, and the sequences of audit_events and changes
  // (so a row added and deleted again would still show).
  std::map<std::string, int64_t> Snapshot() {
    std::map<std::string, int64_t> out;
    EXPECT_THAT(
        server_.database().ReadSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              std::vector<std::string> tables;
              {
                PUMPURS_ASSIGN_OR_RETURN(
                    storage::Statement s,
                    c.Prepare("SELECT name FROM sqlite_master WHERE type = "
                              "'table' ORDER BY name"));
                while (true) {
                  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                  if (!row) break;
                  tables.push_back(s.ColumnText(0));
                }
              }
              for (const std::string& t : tables) {
                PUMPURS_ASSIGN_OR_RETURN(
                    int64_t n, c.QueryInt(absl::StrCat(
                                   "SELECT COUNT(*) FROM \"", t, "\"")));
                out["rows:" + t] = n;
              }
              for (const char* t : {"audit_events", "changes"}) {
                PUMPURS_ASSIGN_OR_RETURN(
                    int64_t seq, c.QueryInt(absl::StrCat(
                                     "SELECT IFNULL(MAX(seq), 0) FROM ", t)));
                out[absl::StrCat("max_seq:", t)] = seq;
                PUMPURS_ASSIGN_OR_RETURN(
                    int64_t used,
                    c.QueryInt(absl::StrCat(
                        "SELECT IFNULL((SELECT seq FROM sqlite_sequence WHERE "
                        "name = '",
                        t, "'), 0)")));
                out[absl::StrCat("sqlite_sequence:", t)] = used;
              }
              return absl::OkStatus();
            }),
        IsOk());
    EXPECT_GT(out.size(), 20u);
    return out;
  }

  v1::Semester Sem() const {
    const plans::Semester s =
        plans::SemesterOf(plans::DayInLatvia(absl::Now()));
    v1::Semester out;
    out.set_school_year(s.school_year);
    out.set_term(s.term);
    return out;
  }

  grpc::Status Evaluate(const v1::EvaluateSelfCheckRequest& req,
                        v1::SelfCheckResult* out) {
    grpc::ClientContext ctx;
    return stub_->EvaluateSelfCheck(&ctx, req, out);
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_THAT(server_.database().ReadSync(
                    CallContext{},
                    [&](storage::Connection& c) -> absl::Status {
                      PUMPURS_ASSIGN_OR_RETURN(n, c.QueryInt(sql));
                      return absl::OkStatus();
                    }),
                IsOk());
    return n;
  }

  TestServer server_;
  std::unique_ptr<v1::SelfCheckService::Stub> stub_;
  std::string municipality_, institution_, pupil_, guardian_;
  std::string guardian_token_, methodologist_token_, teacher_token_;
};

TEST_F(SelfCheckServiceTest, AnonymousSelfCheckLeavesNoTraceInDatabaseOrLog) {
  // The band's questionnaire, as a parent without an account gets it.
  v1::ListQuestionnairesRequest list;
  list.set_age_band(v1::AGE_BAND_GRADES_5_9);
  v1::ListQuestionnairesResponse listed;
  {
    grpc::ClientContext ctx;
    ASSERT_THAT(stub_->ListQuestionnaires(&ctx, list, &listed), IsOk());
  }
  ASSERT_EQ(listed.questionnaires_size(), 1);
  const v1::Questionnaire& q = listed.questionnaires(0);
  v1::EvaluateSelfCheckRequest req;
  req.set_age_band(v1::AGE_BAND_GRADES_5_9);
  req.set_locale("en");
  std::vector<std::string> secrets;  // what must not reach the log
  for (const v1::Question& question : q.questions()) {
    const v1::AnswerOption& last =
        question.options(question.options_size() - 1);
    v1::SelfCheckAnswer* a = req.add_answers();
    a->set_question(question.id());
    a->set_option(last.id());
    secrets.push_back(question.id());
    secrets.push_back(question.text().lv());
    secrets.push_back(question.text().en());
    secrets.push_back(last.text().lv());
    secrets.push_back(last.text().en());
  }
  secrets.push_back("\"often\"");
  secrets.push_back("\"yes\"");

  const std::map<std::string, int64_t> before = Snapshot();
  SetLoggingEnabled(true);
  ::testing::internal::CaptureStderr();
  v1::SelfCheckResult result;
  const grpc::Status st = Evaluate(req, &result);
  // A refused one (an unknown option) too.
  v1::EvaluateSelfCheckRequest wrong = req;
  wrong.mutable_answers(0)->set_option("secret-option-xyz");
  v1::SelfCheckResult ignored;
  const grpc::Status refused = Evaluate(wrong, &ignored);
  const std::string log = ::testing::internal::GetCapturedStderr();
  SetLoggingEnabled(false);
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(result.areas_size(), 4);
  for (const v1::AreaResult& a : result.areas()) EXPECT_TRUE(a.shows_signs());
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(refused),
              UnorderedElementsAre("answers[0].option"));
  EXPECT_THAT(refused.error_message(), Not(HasSubstr("secret-option-xyz")));

  EXPECT_EQ(Snapshot(), before);
  // The log has the call lines: method, code, latency, caller — nothing of
  // the answers.
  EXPECT_THAT(log, HasSubstr("EvaluateSelfCheck"));
  EXPECT_THAT(log, HasSubstr("anonymous"));
  EXPECT_THAT(log, Not(HasSubstr("secret-option-xyz")));
  for (const std::string& s : secrets) {
    EXPECT_THAT(log, Not(HasSubstr(s))) << s;
  }
}

TEST_F(SelfCheckServiceTest, ABadTokenIsRefusedEvenForTheSelfCheck) {
  server_.UseToken("not-a-token");
  v1::EvaluateSelfCheckRequest req;
  req.set_age_band(v1::AGE_BAND_GRADES_1_4);
  v1::SelfCheckResult out;
  EXPECT_THAT(Evaluate(req, &out),
              StatusIs(absl::StatusCode::kUnauthenticated));
  // Signed in, it works as well.
  server_.UseToken(guardian_token_);
  EXPECT_THAT(Evaluate(req, &out), IsOk());
  EXPECT_EQ(out.revision(), 1);
}

TEST_F(SelfCheckServiceTest, MethodologistsPublishAndParentsGetTheNewRevision) {
  v1::Questionnaire q;
  q.set_age_band(v1::AGE_BAND_GRADES_10_12);
  q.mutable_title()->set_lv("Jauna aptauja");
  v1::Question* question = q.add_questions();
  question->set_id("q1");
  question->set_area(v1::RISK_GROUP_ECONOMIC);
  question->mutable_text()->set_lv("Vai jaunietis strādā naktīs?");
  for (const auto& [id, points] :
       std::vector<std::pair<std::string, int>>{{"no", 0}, {"yes", 2}}) {
    v1::AnswerOption* o = question->add_options();
    o->set_id(id);
    o->mutable_text()->set_lv(id == "no" ? "Nē" : "Jā");
    o->set_points(points);
  }
  v1::AreaRule* rule = q.add_areas();
  rule->set_area(v1::RISK_GROUP_ECONOMIC);
  rule->set_threshold(2);
  rule->mutable_advice()->set_lv("Runājiet ar skolu.");

  v1::CreateQuestionnaireRequest create;
  *create.mutable_questionnaire() = q;
  create.set_request_id("q-1");
  v1::Questionnaire made;
  for (const std::string& token :
       {std::string(), guardian_token_, teacher_token_}) {
    server_.UseToken(token);
    grpc::ClientContext ctx;
    EXPECT_THAT(stub_->CreateQuestionnaire(&ctx, create, &made),
                StatusIs(token.empty() ? absl::StatusCode::kUnauthenticated
                                       : absl::StatusCode::kPermissionDenied));
  }
  server_.UseToken(methodologist_token_);
  {
    grpc::ClientContext ctx;
    ASSERT_THAT(stub_->CreateQuestionnaire(&ctx, create, &made), IsOk());
  }
  // Anyone else: a draft does not exist.
  server_.UseToken("");
  v1::GetQuestionnaireRequest get;
  get.set_name(made.name());
  v1::Questionnaire got;
  {
    grpc::ClientContext ctx;
    EXPECT_THAT(stub_->GetQuestionnaire(&ctx, get, &got),
                StatusIs(absl::StatusCode::kNotFound));
  }
  server_.UseToken(methodologist_token_);
  v1::PublishQuestionnaireRequest publish;
  publish.set_name(made.name());
  publish.set_etag(made.etag());
  v1::Questionnaire r1;
  {
    grpc::ClientContext ctx;
    ASSERT_THAT(stub_->PublishQuestionnaire(&ctx, publish, &r1), IsOk());
  }
  EXPECT_EQ(r1.revision(), 1);
  // An empty mask takes the fields set: here the texts only.
  v1::UpdateQuestionnaireRequest update;
  update.mutable_questionnaire()->set_name(made.name());
  update.mutable_questionnaire()->set_etag(r1.etag());
  update.mutable_questionnaire()->mutable_title()->set_lv("Otrā redakcija");
  v1::Questionnaire edited;
  {
    grpc::ClientContext ctx;
    ASSERT_THAT(stub_->UpdateQuestionnaire(&ctx, update, &edited), IsOk());
  }
  EXPECT_EQ(edited.title().lv(), "Otrā redakcija");
  EXPECT_EQ(edited.questions_size(), 1);
  {
    grpc::ClientContext ctx;
    update.mutable_update_mask()->add_paths("answers");
    EXPECT_THAT(ViolatedFields(stub_->UpdateQuestionnaire(&ctx, update, &got)),
                UnorderedElementsAre("update_mask"));
  }
  // The band's newest publication is what parents get: this one now.
  server_.UseToken("");
  v1::EvaluateSelfCheckRequest req;
  req.set_age_band(v1::AGE_BAND_GRADES_10_12);
  v1::SelfCheckAnswer* a = req.add_answers();
  a->set_question("q1");
  a->set_option("yes");
  v1::SelfCheckResult result;
  ASSERT_THAT(Evaluate(req, &result), IsOk());
  EXPECT_EQ(result.questionnaire(), made.name());
  EXPECT_EQ(result.revision(), 1);
  ASSERT_EQ(result.areas_size(), 1);
  EXPECT_TRUE(result.areas(0).shows_signs());
  server_.UseToken(methodologist_token_);
  publish.set_etag("");
  v1::Questionnaire r2;
  {
    grpc::ClientContext ctx;
    ASSERT_THAT(stub_->PublishQuestionnaire(&ctx, publish, &r2), IsOk());
  }
  server_.UseToken("");
  {
    grpc::ClientContext ctx;
    ASSERT_THAT(stub_->GetQuestionnaire(&ctx, get, &got), IsOk());
  }
  EXPECT_EQ(got.revision(), 2);
  EXPECT_EQ(got.title().lv(), "Otrā redakcija");
  ASSERT_THAT(Evaluate(req, &result), IsOk());
  EXPECT_EQ(result.revision(), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sc_questionnaire_revisions WHERE "
                  "questionnaire_id = '" +
                  IdOf(made.name()) + "'"),
            2);
}

TEST_F(SelfCheckServiceTest, GuardiansOptInCreatesExactlyOneApplication) {
  v1::ApplyFromSelfCheckRequest req;
  req.set_pupil(pupil_);
  *req.mutable_semester() = Sem();
  req.add_shared_areas(v1::RISK_GROUP_LEARNING_AND_SCHOOL);
  req.set_note("Lūdzu, piezvaniet.");
  req.set_request_id("opt-in-1");
  v1::Application app;
  {
    grpc::ClientContext ctx;
    EXPECT_THAT(stub_->ApplyFromSelfCheck(&ctx, req, &app),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }
  server_.UseToken(teacher_token_);
  {
    grpc::ClientContext ctx;
    EXPECT_THAT(stub_->ApplyFromSelfCheck(&ctx, req, &app),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM plan_applications"), 0);
  server_.UseToken(guardian_token_);
  {
    grpc::ClientContext ctx;
    ASSERT_THAT(stub_->ApplyFromSelfCheck(&ctx, req, &app), IsOk());
  }
  EXPECT_EQ(app.channel(), v1::APPLICATION_CHANNEL_ONLINE);
  EXPECT_EQ(app.applicant(), guardian_);
  EXPECT_EQ(app.applicant_note(), "Lūdzu, piezvaniet.");
  {
    grpc::ClientContext ctx;
    v1::Application again;
    ASSERT_THAT(stub_->ApplyFromSelfCheck(&ctx, req, &again), IsOk());
    EXPECT_EQ(again.name(), app.name());
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM plan_applications"), 1);
  v1::Application stored;
  ASSERT_THAT(server_.database().ReadSync(
                  CallContext{},
                  [&](storage::Connection& c) -> absl::Status {
                    PUMPURS_ASSIGN_OR_RETURN(
                        storage::Statement s,
                        c.Prepare("SELECT data FROM plan_applications"));
                    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                    if (!row || !stored.ParseFromString(s.ColumnText(0))) {
                      return absl::DataLossError("no application");
                    }
                    return absl::OkStatus();
                  }),
              IsOk());
  EXPECT_THAT(stored.shared_areas(),
              ::testing::ElementsAre(v1::RISK_GROUP_LEARNING_AND_SCHOOL));
  EXPECT_EQ(stored.applicant_note(), "Lūdzu, piezvaniet.");
  EXPECT_EQ(stored.signed_date(), "");
  EXPECT_EQ(stored.registered_by(), "");
  EXPECT_EQ(stored.SerializeAsString(), app.SerializeAsString());
}

}  // namespace
}  // namespace pumpurs
