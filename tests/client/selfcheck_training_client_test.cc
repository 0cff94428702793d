// The client library's typed calls of SelfCheckService and TrainingService
// against a real in-process server: every method at least once, with the
// result or the error's code and reason the proto promises.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"
#include "server/plans/semester.h"
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

std::string DayText(absl::Time t) {
  const absl::CivilDay d = absl::ToCivilDay(t, absl::UTCTimeZone());
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// The semester the server is in (server/plans/semester.h).
v1::Semester ThisSemester() {
  const plans::Semester now =
      plans::SemesterOf(plans::DayInLatvia(absl::Now()));
  v1::Semester s;
  s.set_school_year(now.school_year);
  s.set_term(now.term);
  return s;
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t nanos = absl::ToUnixNanos(t);
  ts.set_seconds(nanos / 1000000000);
  ts.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return ts;
}

// A server with a school, a pupil and their guardian; clients for the
// methodologist, the guardian, an anonymous caller, two teachers of the
// school (with staff records) and its head.
class SelfCheckTrainingClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = ClientFor(server_.AdminToken());
    v1::CreateMunicipalityRequest m;
    m.mutable_municipality()->set_display_name("Ziemeļu novads");
    m.mutable_municipality()->set_code("0100001");
    absl::StatusOr<v1::Municipality> municipality =
        admin_->CreateMunicipality(m);
    ASSERT_THAT(municipality.status(), IsOk());
    v1::CreateInstitutionRequest i;
    i.mutable_institution()->set_display_name("A skola");
    i.mutable_institution()->set_kind(
        v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
    i.mutable_institution()->set_municipality(municipality->name());
    i.mutable_institution()->set_registration_number("4000000001");
    absl::StatusOr<v1::Institution> institution = admin_->CreateInstitution(i);
    ASSERT_THAT(institution.status(), IsOk());
    school_ = institution->name();
    const std::string school_id = IdOf(school_);

    v1::CreatePupilRequest p;
    p.mutable_pupil()->set_given_name("Līga");
    p.mutable_pupil()->set_family_name("Bērziņa");
    p.mutable_pupil()->set_birth_date(absl::StrFormat(
        "%04d-03-01",
        absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()).year() - 12));
    p.mutable_pupil()->set_grade(6);
    p.mutable_pupil()->set_institution(school_);
    absl::StatusOr<v1::Pupil> pupil = admin_->CreatePupil(p);
    ASSERT_THAT(pupil.status(), IsOk());
    pupil_ = pupil->name();
    v1::CreateGuardianRequest g;
    g.mutable_guardian()->set_given_name("Inese");
    g.mutable_guardian()->set_family_name("Bērziņa");
    g.mutable_guardian()->add_pupils(pupil_);
    absl::StatusOr<v1::Guardian> guardian = admin_->CreateGuardian(g);
    ASSERT_THAT(guardian.status(), IsOk());
    // Another family's guardian, of another pupil.
    p.mutable_pupil()->set_given_name("Jānis");
    absl::StatusOr<v1::Pupil> other_pupil = admin_->CreatePupil(p);
    ASSERT_THAT(other_pupil.status(), IsOk());
    g.mutable_guardian()->set_given_name("Pēteris");
    g.mutable_guardian()->clear_pupils();
    g.mutable_guardian()->add_pupils(other_pupil->name());
    absl::StatusOr<v1::Guardian> other = admin_->CreateGuardian(g);
    ASSERT_THAT(other.status(), IsOk());

    methodologist_ = ClientFor(server_.TokenFor({{Role::kMethodologist, ""}}));
    family_ = ClientFor(
        server_.TokenFor({{Role::kGuardian, IdOf(guardian->name())}}));
    other_family_ =
        ClientFor(server_.TokenFor({{Role::kGuardian, IdOf(other->name())}}));
    anonymous_ = ClientFor("");
    std::string staff_id;
    teacher_ = ClientFor(server_.StaffTokenFor(
        {{Role::kPlanPreparer, school_id}}, school_id, &staff_id));
    teacher_staff_ = absl::StrCat("staff/", staff_id);
    teacher2_ = ClientFor(server_.StaffTokenFor(
        {{Role::kMeasureProvider, school_id}}, school_id, &staff_id));
    teacher2_staff_ = absl::StrCat("staff/", staff_id);
    head_ = ClientFor(server_.StaffTokenFor(
        {{Role::kInstitutionHead, school_id}}, school_id, &staff_id));
  }

  std::unique_ptr<Client> ClientFor(const std::string& token) {
    ClientOptions options;
    options.target = server_.target();
    options.access_token = token;
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    EXPECT_THAT(client.status(), IsOk());
    return client.ok() ? *std::move(client) : nullptr;
  }

  // A complete grades 5–9 questionnaire: two learning questions, one family
  // question; the learning area shows signs from 2 points, family from 1.
  static v1::Questionnaire Content() {
    v1::Questionnaire q;
    q.set_age_band(v1::AGE_BAND_GRADES_5_9);
    q.mutable_title()->set_lv("Vai manam bērnam vajag atbalstu?");
    q.mutable_title()->set_en("Does my child need support?");
    q.mutable_introduction()->set_lv("Atbildiet par pēdējo mēnesi.");
    auto add_question = [&q](const char* id, v1::RiskGroup area,
                             const char* text) {
      v1::Question* question = q.add_questions();
      question->set_id(id);
      question->set_area(area);
      question->mutable_text()->set_lv(text);
      v1::AnswerOption* no = question->add_options();
      no->set_id("no");
      no->mutable_text()->set_lv("Nē");
      no->set_points(0);
      v1::AnswerOption* often = question->add_options();
      often->set_id("often");
      often->mutable_text()->set_lv("Bieži");
      often->mutable_text()->set_en("Often");
      often->set_points(2);
      often->mutable_explanation()->set_lv("Tā ir brīdinājuma pazīme.");
      often->mutable_explanation()->set_en("That is a warning sign.");
    };
    add_question("q1", v1::RISK_GROUP_LEARNING_AND_SCHOOL,
                 "Vai bērns kavē stundas?");
    add_question("q2", v1::RISK_GROUP_LEARNING_AND_SCHOOL,
                 "Vai bērnam ir grūtības mācībās?");
    add_question("q3", v1::RISK_GROUP_FAMILY, "Vai ģimenē ir bieži strīdi?");
    v1::AreaRule* learning = q.add_areas();
    learning->set_area(v1::RISK_GROUP_LEARNING_AND_SCHOOL);
    learning->set_threshold(2);
    learning->mutable_advice()->set_lv("Runājiet ar klases audzinātāju.");
    v1::AreaRule* family = q.add_areas();
    family->set_area(v1::RISK_GROUP_FAMILY);
    family->set_threshold(1);
    family->mutable_advice()->set_lv("Lūdziet sociālā pedagoga padomu.");
    return q;
  }

  // Created and published by the methodologist.
  v1::Questionnaire Published() {
    v1::CreateQuestionnaireRequest create;
    *create.mutable_questionnaire() = Content();
    absl::StatusOr<v1::Questionnaire> q =
        methodologist_->CreateQuestionnaire(create);
    EXPECT_THAT(q.status(), IsOk());
    if (!q.ok()) return {};
    v1::PublishQuestionnaireRequest publish;
    publish.set_name(q->name());
    absl::StatusOr<v1::Questionnaire> published =
        methodologist_->PublishQuestionnaire(publish);
    EXPECT_THAT(published.status(), IsOk());
    return published.ok() ? *published : v1::Questionnaire();
  }

  // A published workshop for teachers organised by the methodologist.
  v1::TrainingEvent Event(absl::Time start, int capacity) {
    v1::CreateTrainingEventRequest r;
    v1::TrainingEvent* e = r.mutable_training_event();
    e->set_kind(v1::TRAINING_KIND_WORKSHOP);
    e->set_title("Kā runāt ar vecākiem par kavējumiem");
    e->add_audiences(v1::TRAINING_AUDIENCE_TEACHERS);
    *e->mutable_start_time() = ToProto(start);
    *e->mutable_end_time() = ToProto(start + absl::Hours(3));
    e->set_place("Rīga, Vaļņu iela 2");
    e->set_capacity(capacity);
    e->set_hours(3);
    absl::StatusOr<v1::TrainingEvent> created =
        methodologist_->CreateTrainingEvent(r);
    EXPECT_THAT(created.status(), IsOk());
    if (!created.ok()) return {};
    v1::PublishTrainingEventRequest p;
    p.set_name(created->name());
    absl::StatusOr<v1::TrainingEvent> published =
        methodologist_->PublishTrainingEvent(p);
    EXPECT_THAT(published.status(), IsOk());
    return published.ok() ? *published : v1::TrainingEvent();
  }

  TestServer server_;
  std::unique_ptr<Client> admin_, methodologist_, family_, other_family_,
      anonymous_, teacher_, teacher2_, head_;
  std::string school_, pupil_, teacher_staff_, teacher2_staff_;
};

TEST_F(SelfCheckTrainingClientTest, MethodologistWritesAndPublishes) {
  // Only methodologists (and national administrators) write.
  v1::CreateQuestionnaireRequest create;
  *create.mutable_questionnaire() = Content();
  EXPECT_THAT(anonymous_->CreateQuestionnaire(create),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(family_->CreateQuestionnaire(create),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // A bad field is named.
  v1::CreateQuestionnaireRequest bad = create;
  bad.mutable_questionnaire()->clear_age_band();
  absl::StatusOr<v1::Questionnaire> refused =
      methodologist_->CreateQuestionnaire(bad);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      refused.status(),
      ViolatesFields(std::vector<std::string>{"questionnaire.age_band"}));

  // A draft with a threshold not yet set; a retry returns the first result.
  create.mutable_questionnaire()->mutable_areas(1)->set_threshold(0);
  create.set_request_id("7a1d4c2e-0b3f-4e6a-9c58-2d7f1e0a3b44");
  absl::StatusOr<v1::Questionnaire> q =
      methodologist_->CreateQuestionnaire(create);
  ASSERT_THAT(q.status(), IsOk());
  EXPECT_THAT(q->name(), StartsWith("questionnaires/"));
  EXPECT_EQ(q->state(), v1::QUESTIONNAIRE_STATE_DRAFT);
  EXPECT_EQ(q->revision(), 0);
  EXPECT_FALSE(q->etag().empty());
  absl::StatusOr<v1::Questionnaire> again =
      methodologist_->CreateQuestionnaire(create);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->name(), q->name());

  // A draft is the methodologist's only.
  v1::GetQuestionnaireRequest get;
  get.set_name(q->name());
  EXPECT_THAT(anonymous_->GetQuestionnaire(get),
              StatusIs(absl::StatusCode::kNotFound));
  ASSERT_THAT(methodologist_->GetQuestionnaire(get).status(), IsOk());

  // Incomplete: publishing names the reason.
  v1::PublishQuestionnaireRequest publish;
  publish.set_name(q->name());
  absl::StatusOr<v1::Questionnaire> incomplete =
      methodologist_->PublishQuestionnaire(publish);
  EXPECT_THAT(incomplete, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(incomplete, HasReason("QUESTIONNAIRE_INCOMPLETE"));

  // Update: a stale etag is refused; the current one works.
  v1::UpdateQuestionnaireRequest update;
  *update.mutable_questionnaire() = Content();
  update.mutable_questionnaire()->set_name(q->name());
  update.mutable_questionnaire()->set_etag("stale");
  update.mutable_update_mask()->add_paths("areas");
  absl::StatusOr<v1::Questionnaire> stale =
      methodologist_->UpdateQuestionnaire(update);
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(stale, HasReason("ETAG_MISMATCH"));
  update.mutable_questionnaire()->set_etag(q->etag());
  absl::StatusOr<v1::Questionnaire> updated =
      methodologist_->UpdateQuestionnaire(update);
  ASSERT_THAT(updated.status(), IsOk());
  EXPECT_EQ(updated->areas(1).threshold(), 1);
  EXPECT_NE(updated->etag(), q->etag());

  publish.set_etag(updated->etag());
  absl::StatusOr<v1::Questionnaire> published =
      methodologist_->PublishQuestionnaire(publish);
  ASSERT_THAT(published.status(), IsOk());
  EXPECT_EQ(published->state(), v1::QUESTIONNAIRE_STATE_PUBLISHED);
  EXPECT_EQ(published->revision(), 1);

  // Now anyone reads it, also without an account, and lists it.
  absl::StatusOr<v1::Questionnaire> read = anonymous_->GetQuestionnaire(get);
  ASSERT_THAT(read.status(), IsOk());
  EXPECT_EQ(read->revision(), 1);
  EXPECT_THAT(read->questions(), SizeIs(3));
  v1::ListQuestionnairesRequest list;
  list.set_age_band(v1::AGE_BAND_GRADES_5_9);
  list.set_page_size(1);
  std::vector<std::string> names;
  ASSERT_THAT(anonymous_->ForEachQuestionnaire(
                  list,
                  [&](const v1::Questionnaire& x) {
                    EXPECT_EQ(x.age_band(), v1::AGE_BAND_GRADES_5_9);
                    EXPECT_EQ(x.state(), v1::QUESTIONNAIRE_STATE_PUBLISHED);
                    names.push_back(x.name());
                    return true;
                  }),
              IsOk());
  EXPECT_THAT(names, ::testing::Contains(q->name()));
  list.set_page_size(-1);
  EXPECT_THAT(anonymous_->ListQuestionnaires(list),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(SelfCheckTrainingClientTest, EvaluateWithoutAnAccountAndApply) {
  const v1::Questionnaire q = Published();
  ASSERT_FALSE(q.name().empty());

  v1::EvaluateSelfCheckRequest r;
  r.set_questionnaire(q.name());
  r.set_locale("en");
  v1::SelfCheckAnswer* a = r.add_answers();
  a->set_question("q3");
  a->set_option("often");
  a = r.add_answers();
  a->set_question("q1");
  a->set_option("no");
  absl::StatusOr<v1::SelfCheckResult> result = anonymous_->EvaluateSelfCheck(r);
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_EQ(result->questionnaire(), q.name());
  EXPECT_EQ(result->revision(), 1);
  ASSERT_THAT(result->areas(), SizeIs(2));
  // The area with signs first, with the answer that triggered it.
  EXPECT_EQ(result->areas(0).area(), v1::RISK_GROUP_FAMILY);
  EXPECT_TRUE(result->areas(0).shows_signs());
  EXPECT_EQ(result->areas(0).points(), 2);
  EXPECT_EQ(result->areas(0).threshold(), 1);
  ASSERT_THAT(result->areas(0).triggered(), SizeIs(1));
  EXPECT_EQ(result->areas(0).triggered(0).question(), "q3");
  EXPECT_EQ(result->areas(0).triggered(0).answer_text(), "Often");
  EXPECT_EQ(result->areas(0).triggered(0).explanation(),
            "That is a warning sign.");
  EXPECT_EQ(result->areas(1).area(), v1::RISK_GROUP_LEARNING_AND_SCHOOL);
  EXPECT_FALSE(result->areas(1).shows_signs());
  EXPECT_THAT(result->areas(1).triggered(), IsEmpty());
  EXPECT_FALSE(result->how_to_ask_for_support().empty());
  // Deterministic.
  absl::StatusOr<v1::SelfCheckResult> same = anonymous_->EvaluateSelfCheck(r);
  ASSERT_THAT(same.status(), IsOk());
  EXPECT_EQ(same->SerializeAsString(), result->SerializeAsString());

  // By band: the band's questionnaire published last (ours).
  r.clear_questionnaire();
  r.set_age_band(v1::AGE_BAND_GRADES_5_9);
  absl::StatusOr<v1::SelfCheckResult> by_band =
      anonymous_->EvaluateSelfCheck(r);
  ASSERT_THAT(by_band.status(), IsOk());
  EXPECT_EQ(by_band->questionnaire(), q.name());

  // Bad answers.
  v1::EvaluateSelfCheckRequest bad = r;
  bad.mutable_answers(0)->set_option("sometimes");
  EXPECT_THAT(anonymous_->EvaluateSelfCheck(bad),
              StatusIs(absl::StatusCode::kInvalidArgument));
  bad = r;
  *bad.add_answers() = r.answers(0);
  EXPECT_THAT(anonymous_->EvaluateSelfCheck(bad),
              StatusIs(absl::StatusCode::kInvalidArgument));
  bad = r;
  bad.set_questionnaire("questionnaires/does-not-exist");
  EXPECT_THAT(anonymous_->EvaluateSelfCheck(bad),
              StatusIs(absl::StatusCode::kNotFound));

  // Apply: only a signed-in guardian of the pupil.
  v1::ApplyFromSelfCheckRequest apply;
  apply.set_pupil(pupil_);
  *apply.mutable_semester() = ThisSemester();
  apply.add_shared_areas(v1::RISK_GROUP_FAMILY);
  apply.set_note("Lūdzu sazināties pa e-pastu.");
  EXPECT_THAT(anonymous_->ApplyFromSelfCheck(apply),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(other_family_->ApplyFromSelfCheck(apply),
              StatusIs(absl::StatusCode::kPermissionDenied));
  apply.set_request_id("5f2e9b1c-8a7d-4c3e-b6f0-1d2c3b4a5e6f");
  absl::StatusOr<v1::Application> application =
      family_->ApplyFromSelfCheck(apply);
  ASSERT_THAT(application.status(), IsOk());
  EXPECT_THAT(application->name(), StartsWith("applications/"));
  EXPECT_EQ(application->pupil(), pupil_);
  EXPECT_EQ(application->channel(), v1::APPLICATION_CHANNEL_ONLINE);
  EXPECT_THAT(application->shared_areas(), ElementsAre(v1::RISK_GROUP_FAMILY));
  EXPECT_EQ(application->applicant_note(), "Lūdzu sazināties pa e-pastu.");
  // A retry returns the first result.
  absl::StatusOr<v1::Application> retried = family_->ApplyFromSelfCheck(apply);
  ASSERT_THAT(retried.status(), IsOk());
  EXPECT_EQ(retried->name(), application->name());
  // A second one for the same semester.
  apply.clear_request_id();
  absl::StatusOr<v1::Application> second = family_->ApplyFromSelfCheck(apply);
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(second, HasReason("APPLICATION_EXISTS"));
  // A note that is too long is named.
  apply.set_note(std::string(2001, 'a'));
  absl::StatusOr<v1::Application> too_long = family_->ApplyFromSelfCheck(apply);
  EXPECT_THAT(too_long, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(too_long.status(),
              ViolatesFields(std::vector<std::string>{"note"}));
}

TEST_F(SelfCheckTrainingClientTest, OrganiseRegisterAndCancel) {
  const absl::Time start = absl::Now() + absl::Hours(48);
  v1::CreateTrainingEventRequest create;
  v1::TrainingEvent* e = create.mutable_training_event();
  e->set_kind(v1::TRAINING_KIND_SUPERVISION);
  e->set_title("Supervīzija atbalsta personālam");
  e->add_audiences(v1::TRAINING_AUDIENCE_TEACHERS);
  *e->mutable_start_time() = ToProto(start);
  *e->mutable_end_time() = ToProto(start - absl::Hours(1));
  e->set_online(true);
  e->set_capacity(1);
  e->set_hours(2);
  // Who may organise; a bad field is named.
  EXPECT_THAT(anonymous_->CreateTrainingEvent(create),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(teacher_->CreateTrainingEvent(create),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::TrainingEvent> refused =
      methodologist_->CreateTrainingEvent(create);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      refused.status(),
      ViolatesFields(std::vector<std::string>{"training_event.end_time"}));
  *e->mutable_end_time() = ToProto(start + absl::Hours(2));
  create.set_request_id("0e4b7c1a-2d3f-4a5b-8c6d-9e0f1a2b3c4d");
  absl::StatusOr<v1::TrainingEvent> draft =
      methodologist_->CreateTrainingEvent(create);
  ASSERT_THAT(draft.status(), IsOk());
  EXPECT_THAT(draft->name(), StartsWith("trainingEvents/"));
  EXPECT_EQ(draft->state(), v1::TRAINING_EVENT_STATE_DRAFT);
  EXPECT_THAT(draft->organiser(), StartsWith("accounts/"));
  absl::StatusOr<v1::TrainingEvent> again =
      methodologist_->CreateTrainingEvent(create);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->name(), draft->name());

  // A draft is the organiser's only.
  v1::GetTrainingEventRequest get;
  get.set_name(draft->name());
  EXPECT_THAT(teacher_->GetTrainingEvent(get),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(anonymous_->GetTrainingEvent(get),
              StatusIs(absl::StatusCode::kUnauthenticated));
  v1::RegisterForTrainingRequest reg;
  reg.set_parent(draft->name());
  EXPECT_THAT(teacher_->RegisterForTraining(reg),
              StatusIs(absl::StatusCode::kNotFound));

  v1::PublishTrainingEventRequest publish;
  publish.set_name(draft->name());
  publish.set_etag("stale");
  EXPECT_THAT(methodologist_->PublishTrainingEvent(publish),
              StatusIs(absl::StatusCode::kAborted));
  publish.set_etag(draft->etag());
  absl::StatusOr<v1::TrainingEvent> event =
      methodologist_->PublishTrainingEvent(publish);
  ASSERT_THAT(event.status(), IsOk());
  EXPECT_EQ(event->state(), v1::TRAINING_EVENT_STATE_PUBLISHED);
  publish.clear_etag();
  absl::StatusOr<v1::TrainingEvent> twice =
      methodologist_->PublishTrainingEvent(publish);
  EXPECT_THAT(twice, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(twice, HasReason("EVENT_NOT_DRAFT"));

  // The catalogue, filtered.
  v1::ListTrainingEventsRequest list;
  list.set_audience(v1::TRAINING_AUDIENCE_TEACHERS);
  list.set_from_day(DayText(start - absl::Hours(24)));
  list.set_to_day(DayText(start + absl::Hours(24)));
  std::vector<std::string> names;
  ASSERT_THAT(teacher_->ForEachTrainingEvent(list,
                                             [&](const v1::TrainingEvent& x) {
                                               names.push_back(x.name());
                                               return true;
                                             }),
              IsOk());
  EXPECT_EQ(names, std::vector<std::string>{event->name()});
  list.set_kind(v1::TRAINING_KIND_COURSE);
  absl::StatusOr<v1::ListTrainingEventsResponse> none =
      teacher_->ListTrainingEvents(list);
  ASSERT_THAT(none.status(), IsOk());
  EXPECT_THAT(none->training_events(), IsEmpty());
  list.set_from_day("2026-13-01");
  EXPECT_THAT(teacher_->ListTrainingEvents(list),
              StatusIs(absl::StatusCode::kInvalidArgument));

  // Registration: one place; a retry keeps it; no second place.
  reg.set_parent(event->name());
  reg.set_request_id("9c8b7a6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d");
  absl::StatusOr<v1::Registration> mine = teacher_->RegisterForTraining(reg);
  ASSERT_THAT(mine.status(), IsOk());
  EXPECT_THAT(mine->name(), StartsWith(event->name() + "/registrations/"));
  EXPECT_EQ(mine->staff(), teacher_staff_);
  EXPECT_EQ(mine->state(), v1::REGISTRATION_STATE_REGISTERED);
  absl::StatusOr<v1::Registration> retried = teacher_->RegisterForTraining(reg);
  ASSERT_THAT(retried.status(), IsOk());
  EXPECT_EQ(retried->name(), mine->name());
  reg.clear_request_id();
  absl::StatusOr<v1::Registration> double_booked =
      teacher_->RegisterForTraining(reg);
  EXPECT_THAT(double_booked, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(double_booked, HasReason("ALREADY_REGISTERED"));
  absl::StatusOr<v1::Registration> full = teacher2_->RegisterForTraining(reg);
  EXPECT_THAT(full, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(full, HasReason("EVENT_FULL"));
  EXPECT_THAT(family_->RegisterForTraining(reg),
              StatusIs(absl::StatusCode::kPermissionDenied));

  // More places; then capacity cannot go below the registrations.
  v1::UpdateTrainingEventRequest update;
  update.mutable_training_event()->set_name(event->name());
  update.mutable_training_event()->set_capacity(2);
  update.mutable_update_mask()->add_paths("capacity");
  absl::StatusOr<v1::TrainingEvent> bigger =
      methodologist_->UpdateTrainingEvent(update);
  ASSERT_THAT(bigger.status(), IsOk());
  EXPECT_EQ(bigger->capacity(), 2);
  EXPECT_EQ(bigger->registered(), 1);
  EXPECT_THAT(teacher_->UpdateTrainingEvent(update),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::Registration> theirs = teacher2_->RegisterForTraining(reg);
  ASSERT_THAT(theirs.status(), IsOk());
  EXPECT_EQ(theirs->staff(), teacher2_staff_);
  update.mutable_training_event()->set_capacity(1);
  absl::StatusOr<v1::TrainingEvent> smaller =
      methodologist_->UpdateTrainingEvent(update);
  EXPECT_THAT(smaller, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(smaller, HasReason("CAPACITY_BELOW_REGISTRATIONS"));

  // The organiser sees every registration, a teacher their own.
  v1::ListRegistrationsRequest regs;
  regs.set_parent(event->name());
  regs.set_page_size(1);
  std::vector<std::string> all;
  ASSERT_THAT(
      methodologist_->ForEachRegistration(regs,
                                          [&](const v1::Registration& x) {
                                            all.push_back(x.name());
                                            return true;
                                          }),
      IsOk());
  EXPECT_EQ(all, (std::vector<std::string>{mine->name(), theirs->name()}));
  regs.set_page_size(0);
  absl::StatusOr<v1::ListRegistrationsResponse> own =
      teacher_->ListRegistrations(regs);
  ASSERT_THAT(own.status(), IsOk());
  ASSERT_THAT(own->registrations(), SizeIs(1));
  EXPECT_EQ(own->registrations(0).name(), mine->name());

  // Attendance waits for the start.
  v1::RecordAttendanceRequest attendance;
  attendance.set_name(mine->name());
  attendance.set_attended(true);
  absl::StatusOr<v1::Registration> early =
      methodologist_->RecordAttendance(attendance);
  EXPECT_THAT(early, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(early, HasReason("EVENT_NOT_STARTED"));

  // The teacher cancels their own place, once.
  v1::CancelRegistrationRequest cancel;
  cancel.set_name(mine->name());
  EXPECT_THAT(teacher2_->CancelRegistration(cancel),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::Registration> cancelled =
      teacher_->CancelRegistration(cancel);
  ASSERT_THAT(cancelled.status(), IsOk());
  EXPECT_EQ(cancelled->state(), v1::REGISTRATION_STATE_CANCELLED);
  EXPECT_THAT(teacher_->CancelRegistration(cancel),
              HasReason("REGISTRATION_CANCELLED"));

  // The organiser cancels the event, once; it can no longer change.
  v1::CancelTrainingEventRequest cancel_event;
  cancel_event.set_name(event->name());
  absl::StatusOr<v1::TrainingEvent> gone =
      methodologist_->CancelTrainingEvent(cancel_event);
  ASSERT_THAT(gone.status(), IsOk());
  EXPECT_EQ(gone->state(), v1::TRAINING_EVENT_STATE_CANCELLED);
  EXPECT_THAT(methodologist_->CancelTrainingEvent(cancel_event),
              HasReason("EVENT_CANCELLED"));
  update.mutable_training_event()->set_capacity(5);
  EXPECT_THAT(methodologist_->UpdateTrainingEvent(update),
              HasReason("EVENT_CANCELLED"));
  // Staff who registered still see it, but it is not open.
  absl::StatusOr<v1::Registration> closed = teacher_->RegisterForTraining(reg);
  EXPECT_THAT(closed, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(closed, HasReason("EVENT_NOT_OPEN"));
}

TEST_F(SelfCheckTrainingClientTest, AttendanceCountsAsHours) {
  // Starts in a moment: register now, record attendance once it started.
  const absl::Time start = absl::Now() + absl::Seconds(2);
  const v1::TrainingEvent event = Event(start, 5);
  ASSERT_FALSE(event.name().empty());
  v1::RegisterForTrainingRequest reg;
  reg.set_parent(event.name());
  absl::StatusOr<v1::Registration> mine = teacher_->RegisterForTraining(reg);
  ASSERT_THAT(mine.status(), IsOk());
  absl::StatusOr<v1::Registration> theirs = teacher2_->RegisterForTraining(reg);
  ASSERT_THAT(theirs.status(), IsOk());
  absl::SleepFor(start - absl::Now() + absl::Milliseconds(300));

  // Too late to register or cancel now.
  EXPECT_THAT(head_->RegisterForTraining(reg), HasReason("EVENT_STARTED"));
  v1::CancelRegistrationRequest cancel;
  cancel.set_name(mine->name());
  EXPECT_THAT(teacher_->CancelRegistration(cancel), HasReason("EVENT_STARTED"));

  v1::RecordAttendanceRequest attendance;
  attendance.set_name(mine->name());
  attendance.set_attended(true);
  EXPECT_THAT(teacher_->RecordAttendance(attendance),
              StatusIs(absl::StatusCode::kPermissionDenied));
  absl::StatusOr<v1::Registration> attended =
      methodologist_->RecordAttendance(attendance);
  ASSERT_THAT(attended.status(), IsOk());
  EXPECT_EQ(attended->state(), v1::REGISTRATION_STATE_ATTENDED);
  EXPECT_DOUBLE_EQ(attended->hours(), 3);
  attendance.set_name(theirs->name());
  attendance.set_attended(false);
  absl::StatusOr<v1::Registration> absent =
      methodologist_->RecordAttendance(attendance);
  ASSERT_THAT(absent.status(), IsOk());
  EXPECT_EQ(absent->state(), v1::REGISTRATION_STATE_ABSENT);
  EXPECT_DOUBLE_EQ(absent->hours(), 0);

  // A teacher's own hours; the head's institution totals.
  v1::ListTrainingHoursRequest hours;
  hours.set_staff(teacher_staff_);
  hours.set_from_day(DayText(start - absl::Hours(24)));
  hours.set_to_day(DayText(start + absl::Hours(24)));
  absl::StatusOr<v1::ListTrainingHoursResponse> own =
      teacher_->ListTrainingHours(hours);
  ASSERT_THAT(own.status(), IsOk());
  ASSERT_THAT(own->rows(), SizeIs(1));
  EXPECT_EQ(own->rows(0).staff(), teacher_staff_);
  EXPECT_EQ(own->rows(0).events(), 1);
  EXPECT_DOUBLE_EQ(own->rows(0).hours(), 3);
  EXPECT_DOUBLE_EQ(own->total_hours(), 3);
  EXPECT_THAT(teacher2_->ListTrainingHours(hours),
              StatusIs(absl::StatusCode::kPermissionDenied));
  hours.clear_staff();
  hours.set_institution(school_);
  absl::StatusOr<v1::ListTrainingHoursResponse> school =
      head_->ListTrainingHours(hours);
  ASSERT_THAT(school.status(), IsOk());
  EXPECT_DOUBLE_EQ(school->total_hours(), 3);
  double sum = 0;
  ASSERT_THAT(head_->ForEachTrainingHours(hours,
                                          [&](const v1::TrainingHours& row) {
                                            sum += row.hours();
                                            return true;
                                          }),
              IsOk());
  EXPECT_DOUBLE_EQ(sum, 3);
  EXPECT_THAT(teacher_->ListTrainingHours(hours),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // A period of more than five years is refused.
  hours.set_from_day("2000-01-01");
  EXPECT_THAT(head_->ListTrainingHours(hours),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace pumpurs::client
