// The demo's staff-development content (server/demo/demo_training.h),
// made through the training functions: three published events, the past
// workshop's attendance giving hours, two events teaching METHOD articles.

#include "absl/time/clock.h"
#include "server/demo/demo_training.h"
#include "tests/training/training_fixture.h"

namespace pumpurs::training {
namespace {

TEST_F(TrainingTest, DemoSeedMakesEventsWithHours) {
  const std::string psych_b = AddStaff(b_.id, "psych-b", 2);
  const std::string teacher_c = AddStaff(c_.id, "teacher-c", 1);
  const std::string psych_c = AddStaff(c_.id, "psych-c", 2);
  std::vector<demo::DemoSchool> schools(3);
  schools[0].institution_id = a_.id;
  schools[0].teacher_account = "teacher-a";
  schools[0].teacher_staff = teacher_a_;
  schools[0].psychologist_account = "psych-a";
  schools[0].psychologist_staff = psych_a_;
  schools[1].institution_id = b_.id;
  schools[1].teacher_account = "teacher-b";
  schools[1].teacher_staff = teacher_b_;
  schools[1].psychologist_account = "psych-b";
  schools[1].psychologist_staff = psych_b;
  schools[2].institution_id = c_.id;
  schools[2].teacher_account = "teacher-c";
  schools[2].teacher_staff = teacher_c;
  schools[2].psychologist_account = "psych-c";
  schools[2].psychologist_staff = psych_c;
  const absl::Time now = absl::Now();
  ASSERT_THAT(db_->WriteSync(CallContext{},
                             [&](storage::Connection& c) {
                               return demo::SeedTraining(c, "metodikis",
                                                         schools, now);
                             }),
              IsOk());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_events WHERE state = 2"),
            3);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_event_articles"), 2);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_registrations"), 6);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM training_registrations WHERE "
                     "state = 3"),
            2);
  HoursQuery q;
  q.institution = "institutions/" + a_.id;
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  q.from_day = absl::FormatCivilTime(today - 365);
  q.to_day = absl::FormatCivilTime(today + 1);
  absl::StatusOr<v1::ListTrainingHoursResponse> r = Hours(HeadA(), q);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->rows_size(), 1);
  EXPECT_EQ(r->rows(0).staff(), "staff/" + teacher_a_);
  EXPECT_EQ(r->total_hours(), 6);
  EventFilter f;
  f.audience = v1::TRAINING_AUDIENCE_SUPPORT_STAFF;
  absl::StatusOr<ListPage<v1::TrainingEvent>> support = List(PsychA(), f);
  ASSERT_THAT(support, IsOk());
  EXPECT_EQ(support->items.size(), 2u);
}

}  // namespace
}  // namespace pumpurs::training
