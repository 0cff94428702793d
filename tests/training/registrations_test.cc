#include "tests/training/training_fixture.h"

namespace pumpurs::training {
namespace {

std::vector<std::string> States(const ListPage<v1::Registration>& page) {
  std::vector<std::string> out;
  for (const auto& r : page.items) {
    out.push_back(absl::StrCat(
        r.staff(), " ", v1::RegistrationState_Name(r.state()), " ", r.hours()));
  }
  return out;
}

TEST_F(TrainingTest, StaffRegisterThemselves) {
  const std::string id = Published(Event());
  absl::StatusOr<v1::Registration> r = Register(TeacherA(), id, now_);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->staff(), "staff/" + teacher_a_);
  EXPECT_EQ(r->state(), v1::REGISTRATION_STATE_REGISTERED);
  EXPECT_EQ(r->hours(), 0);
  EXPECT_EQ(EventOf(r->name()), id);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_registrations WHERE "
                     "institution_id = '" +
                     a_.id + "'"),
            1);
  EXPECT_EQ(Get(TeacherA(), id)->registered(), 1);
}

TEST_F(TrainingTest, RegistrationNeedsAStaffRecord) {
  const std::string id = Published(Event());
  absl::StatusOr<v1::Registration> r = Register(Organiser(), id, now_);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_NE(r.status().message().find("staff record"), std::string::npos);
  EXPECT_THAT(Register(TeacherA(), id, now_, "staff/" + teacher_b_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Register(Anonymous(), id, now_),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(Register(TeacherA(), id, now_, "nonsense"),
              ViolatesFields(std::vector<std::string>{"staff"}));
}

TEST_F(TrainingTest, SeveralStaffRecordsNeedOneNamed) {
  const std::string id = Published(Event());
  CallContext both = TeacherA();
  both.principal.staff_ids = {teacher_a_, teacher_b_};
  EXPECT_THAT(Register(both, id, now_),
              ViolatesFields(std::vector<std::string>{"staff"}));
  absl::StatusOr<v1::Registration> r =
      Register(both, id, now_, "staff/" + teacher_b_);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->staff(), "staff/" + teacher_b_);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_registrations WHERE "
                     "institution_id = '" +
                     b_.id + "'"),
            1);
}

TEST_F(TrainingTest, OnlyPublishedEventsBeforeTheStartOpen) {
  absl::StatusOr<v1::TrainingEvent> draft = Create(Organiser(), Event());
  ASSERT_THAT(draft, IsOk());
  // The teacher does not see the draft at all.
  EXPECT_THAT(Register(TeacherA(), IdOf(draft->name()), now_),
              StatusIs(absl::StatusCode::kNotFound));
  const std::string id = Published(Event());
  EXPECT_THAT(Register(TeacherA(), id, now_ + absl::Hours(24 * 7)),
              HasReason("EVENT_STARTED"));
  ASSERT_THAT(Register(PsychA(), id, now_), IsOk());
  ASSERT_THAT(Cancel(Organiser(), id), IsOk());
  // The psychologist registered, so sees the cancelled event.
  EXPECT_THAT(Register(PsychA(), id, now_), HasReason("EVENT_NOT_OPEN"));
  EXPECT_THAT(Register(TeacherA(), IdOf(draft->name()) + "x", now_),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TrainingTest, AudienceFollowsThePosition) {
  v1::TrainingEvent teachers = Event();
  teachers.clear_audiences();
  teachers.add_audiences(v1::TRAINING_AUDIENCE_TEACHERS);
  const std::string t = Published(teachers);
  v1::TrainingEvent support = teachers;
  support.set_audiences(0, v1::TRAINING_AUDIENCE_SUPPORT_STAFF);
  const std::string s = Published(support);
  v1::TrainingEvent coordinators = teachers;
  coordinators.set_audiences(0, v1::TRAINING_AUDIENCE_COORDINATORS);
  const std::string c = Published(coordinators);

  EXPECT_THAT(Register(TeacherA(), t, now_), IsOk());
  EXPECT_THAT(Register(Staff(sped_a_), t, now_), IsOk());
  EXPECT_THAT(Register(PsychA(), t, now_), HasReason("AUDIENCE_MISMATCH"));
  EXPECT_THAT(Register(HeadA(), t, now_), HasReason("AUDIENCE_MISMATCH"));

  EXPECT_THAT(Register(PsychA(), s, now_), IsOk());
  EXPECT_THAT(Register(Staff(social_a_), s, now_), IsOk());
  EXPECT_THAT(Register(TeacherA(), s, now_), HasReason("AUDIENCE_MISMATCH"));

  EXPECT_THAT(Register(HeadA(), c, now_), IsOk());
  EXPECT_THAT(Register(TeacherA(), c, now_), HasReason("AUDIENCE_MISMATCH"));
  // A social pedagogue who coordinates the programme at the school.
  EXPECT_THAT(
      Register(Staff(social_a_, {{Role::kInstitutionCoordinator, a_.id}}), c,
               now_),
      IsOk());
  // ... but not as coordinator of another school.
  EXPECT_THAT(
      Register(Staff(psych_a_, {{Role::kInstitutionCoordinator, b_.id}}), c,
               now_),
      HasReason("AUDIENCE_MISMATCH"));
}

TEST_F(TrainingTest, OneLiveRegistrationPerStaffMember) {
  const std::string id = Published(Event());
  absl::StatusOr<v1::Registration> r = Register(TeacherA(), id, now_);
  ASSERT_THAT(r, IsOk());
  absl::StatusOr<v1::Registration> again = Register(TeacherA(), id, now_);
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(again, HasReason("ALREADY_REGISTERED"));
  ASSERT_THAT(Unregister(TeacherA(), r->name(), now_), IsOk());
  EXPECT_THAT(Register(TeacherA(), id, now_), IsOk());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_registrations"), 2);
}

TEST_F(TrainingTest, RequestIdReturnsTheFirstRegistration) {
  const std::string id = Published(Event());
  absl::StatusOr<v1::Registration> a =
      Register(TeacherA(), id, now_, "", "req-1");
  absl::StatusOr<v1::Registration> b =
      Register(TeacherA(), id, now_, "", "req-1");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->name(), b->name());
}

TEST_F(TrainingTest, FullEventsRefuse) {
  v1::TrainingEvent e = Event();
  e.set_capacity(2);
  const std::string id = Published(e);
  absl::StatusOr<v1::Registration> first = Register(TeacherA(), id, now_);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(Register(PsychA(), id, now_), IsOk());
  EXPECT_THAT(Register(TeacherB(), id, now_), HasReason("EVENT_FULL"));
  // A cancelled registration frees its place.
  ASSERT_THAT(Unregister(TeacherA(), first->name(), now_), IsOk());
  EXPECT_THAT(Register(TeacherB(), id, now_), IsOk());
}

TEST_F(TrainingTest, CancelRegistrationRules) {
  const std::string id = Published(Event());
  absl::StatusOr<v1::Registration> r = Register(TeacherA(), id, now_);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Unregister(TeacherB(), r->name(), now_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Unregister(Organiser(), r->name(), now_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Unregister(TeacherA(), r->name(), now_ + absl::Hours(24 * 7)),
              HasReason("EVENT_STARTED"));
  absl::StatusOr<v1::Registration> done =
      Unregister(TeacherA(), r->name(), now_);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->state(), v1::REGISTRATION_STATE_CANCELLED);
  EXPECT_THAT(Unregister(TeacherA(), r->name(), now_),
              HasReason("REGISTRATION_CANCELLED"));
  EXPECT_THAT(
      Unregister(TeacherA(),
                 "trainingEvents/" + id + "/registrations/aaaaaaaaaaaaaaaa",
                 now_),
      StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TrainingTest, ListRegistrationsByWhoAsks) {
  const std::string id = Published(Event());
  ASSERT_THAT(Register(TeacherA(), id, now_), IsOk());
  ASSERT_THAT(Register(PsychA(), id, now_ + absl::Seconds(1)), IsOk());
  ASSERT_THAT(Register(TeacherB(), id, now_ + absl::Seconds(2)), IsOk());
  absl::StatusOr<ListPage<v1::Registration>> all =
      Registrations(Organiser(), id);
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(States(*all),
              ::testing::ElementsAre(
                  "staff/" + teacher_a_ + " REGISTRATION_STATE_REGISTERED 0",
                  "staff/" + psych_a_ + " REGISTRATION_STATE_REGISTERED 0",
                  "staff/" + teacher_b_ + " REGISTRATION_STATE_REGISTERED 0"));
  absl::StatusOr<ListPage<v1::Registration>> own = Registrations(PsychA(), id);
  ASSERT_THAT(own, IsOk());
  EXPECT_THAT(States(*own),
              ::testing::ElementsAre("staff/" + psych_a_ +
                                     " REGISTRATION_STATE_REGISTERED 0"));
  EXPECT_THAT(Registrations(OtherOrganiser(), id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Paging, oldest first.
  absl::StatusOr<ListPage<v1::Registration>> p1 =
      Registrations(Organiser(), id, 2);
  ASSERT_THAT(p1, IsOk());
  ASSERT_EQ(p1->items.size(), 2u);
  absl::StatusOr<ListPage<v1::Registration>> p2 =
      Registrations(Organiser(), id, 2, p1->next_page_token);
  ASSERT_THAT(p2, IsOk());
  ASSERT_EQ(p2->items.size(), 1u);
  EXPECT_EQ(p2->items[0].staff(), "staff/" + teacher_b_);
  EXPECT_TRUE(p2->next_page_token.empty());
}

TEST_F(TrainingTest, AttendanceRules) {
  const std::string id = Published(Event());
  absl::StatusOr<v1::Registration> r = Register(TeacherA(), id, now_);
  absl::StatusOr<v1::Registration> gone = Register(PsychA(), id, now_);
  ASSERT_THAT(r, IsOk());
  ASSERT_THAT(gone, IsOk());
  ASSERT_THAT(Unregister(PsychA(), gone->name(), now_), IsOk());
  const absl::Time during = now_ + absl::Hours(24 * 7) + absl::Minutes(30);
  EXPECT_THAT(Attend(Organiser(), r->name(), true, now_),
              HasReason("EVENT_NOT_STARTED"));
  EXPECT_THAT(Attend(TeacherA(), r->name(), true, during),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Attend(OtherOrganiser(), r->name(), true, during),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Attend(Organiser(), gone->name(), true, during),
              HasReason("REGISTRATION_CANCELLED"));
  absl::StatusOr<v1::Registration> attended =
      Attend(Organiser(), r->name(), true, during);
  ASSERT_THAT(attended, IsOk());
  EXPECT_EQ(attended->state(), v1::REGISTRATION_STATE_ATTENDED);
  EXPECT_EQ(attended->hours(), 4);
  // Corrected either way.
  absl::StatusOr<v1::Registration> absent =
      Attend(Organiser(), r->name(), false, during);
  ASSERT_THAT(absent, IsOk());
  EXPECT_EQ(absent->state(), v1::REGISTRATION_STATE_ABSENT);
  EXPECT_EQ(absent->hours(), 0);
  attended = Attend(Organiser(), r->name(), true, during);
  ASSERT_THAT(attended, IsOk());
  EXPECT_EQ(attended->hours(), 4);
  // Once started, registrations no longer cancel.
  EXPECT_THAT(Unregister(TeacherA(), r->name(), during),
              HasReason("EVENT_STARTED"));
  ASSERT_THAT(Cancel(Organiser(), id), IsOk());
  EXPECT_THAT(Attend(Organiser(), r->name(), false, during),
              HasReason("EVENT_CANCELLED"));
}

}  // namespace
}  // namespace pumpurs::training
