#include <algorithm>

#include "tests/training/training_fixture.h"

namespace pumpurs::training {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

std::string Row(const v1::TrainingHours& r) {
  return absl::StrCat(r.staff(), " ", r.events(), " ", r.hours());
}

std::vector<std::string> Rows(const v1::ListTrainingHoursResponse& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows()) out.push_back(Row(row));
  return out;
}

class HoursTest : public TrainingTest {
 protected:
  // 2026-mm-dd hh:mm in Riga (UTC+2 in winter, +3 from 29 March).
  absl::Time Riga(int m, int d, int h, int min = 0) {
    absl::TimeZone riga;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/Riga", &riga));
    return absl::FromCivil(absl::CivilSecond(2026, m, d, h, min, 0), riga);
  }
  // A published event for teachers and support staff starting at `start`
  // with `hours`; registers `who`; once started, records attendance
  // (true: attended) in order.
  std::string Held(absl::Time start, double hours,
                   const std::vector<std::pair<CallContext, bool>>& who) {
    v1::TrainingEvent e = Event();
    *e.mutable_start_time() = Ts(start);
    *e.mutable_end_time() = Ts(start + absl::Hours(2));
    e.set_hours(hours);
    e.set_capacity(10);
    const std::string id = Published(e);
    for (const auto& [call, attended] : who) {
      absl::StatusOr<v1::Registration> r = Register(call, id, now_);
      EXPECT_THAT(r, IsOk());
      if (!r.ok()) continue;
      EXPECT_THAT(
          Attend(Organiser(), r->name(), attended, start + absl::Hours(1)),
          IsOk());
    }
    return id;
  }
  void SetUp() override {
    TrainingTest::SetUp();
    Held(Riga(3, 20, 10), 4, {{TeacherA(), true}, {PsychA(), true}});
    Held(Riga(4, 15, 9), 2.5, {{TeacherA(), true}, {PsychA(), false}});
    const std::string cancelled = Held(Riga(5, 5, 12), 6, {{TeacherA(), true}});
    EXPECT_THAT(Cancel(Organiser(), cancelled), IsOk());
    Held(Riga(6, 1, 14), 1.5, {{PsychA(), true}, {TeacherB(), true}});
    // Late on 30 April in Riga (20:30 UTC): a day of April.
    Held(Riga(4, 30, 23, 30), 3, {{TeacherA(), true}});
    // Nobody came; and a registration never marked.
    Held(Riga(4, 2, 10), 8, {});
    v1::TrainingEvent unmarked = Event();
    *unmarked.mutable_start_time() = Ts(Riga(4, 3, 10));
    *unmarked.mutable_end_time() = Ts(Riga(4, 3, 12));
    const std::string id = Published(unmarked);
    EXPECT_THAT(Register(TeacherA(), id, now_), IsOk());
  }
  HoursQuery ForStaff(const std::string& staff, const std::string& from,
                      const std::string& to) {
    HoursQuery q;
    q.staff = "staff/" + staff;
    q.from_day = from;
    q.to_day = to;
    return q;
  }
  HoursQuery ForInstitution(const std::string& id, const std::string& from,
                            const std::string& to) {
    HoursQuery q;
    q.institution = "institutions/" + id;
    q.from_day = from;
    q.to_day = to;
    return q;
  }
};

TEST_F(HoursTest, OnePersonByPeriodMatchesAHandCount) {
  // Teacher A: 4 (20 Mar) + 2.5 (15 Apr) + 3 (30 Apr, late) = 9.5 in three
  // events; the cancelled 6 hours of 5 May never count.
  absl::StatusOr<v1::ListTrainingHoursResponse> r =
      Hours(TeacherA(), ForStaff(teacher_a_, "2026-03-01", "2026-04-30"));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Rows(*r), ElementsAre("staff/" + teacher_a_ + " 3 9.5"));
  EXPECT_EQ(r->total_hours(), 9.5);
  r = Hours(TeacherA(), ForStaff(teacher_a_, "2026-03-01", "2026-06-30"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->total_hours(), 9.5);
  r = Hours(TeacherA(), ForStaff(teacher_a_, "2026-05-01", "2026-06-30"));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Rows(*r), ElementsAre("staff/" + teacher_a_ + " 0 0"));
  r = Hours(TeacherA(), ForStaff(teacher_a_, "2026-04-01", "2026-04-15"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->total_hours(), 2.5);
  // The psychologist: 4 (20 Mar) + 1.5 (1 Jun); absent on 15 Apr.
  r = Hours(PsychA(), ForStaff(psych_a_, "2026-03-01", "2026-06-30"));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Rows(*r), ElementsAre("staff/" + psych_a_ + " 2 5.5"));
}

TEST_F(HoursTest, TheInstitutionTotalsItsStaff) {
  absl::StatusOr<v1::ListTrainingHoursResponse> r =
      Hours(HeadA(), ForInstitution(a_.id, "2026-03-01", "2026-06-30"));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Rows(*r), UnorderedElementsAre("staff/" + teacher_a_ + " 3 9.5",
                                             "staff/" + psych_a_ + " 2 5.5"));
  EXPECT_EQ(r->total_hours(), 15);
  r = Hours(HeadA(), ForInstitution(a_.id, "2026-04-01", "2026-04-30"));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Rows(*r), ElementsAre("staff/" + teacher_a_ + " 2 5.5"));
  EXPECT_EQ(r->total_hours(), 5.5);
  r = Hours(Admin(), ForInstitution(b_.id, "2026-01-01", "2026-12-31"));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Rows(*r), ElementsAre("staff/" + teacher_b_ + " 1 1.5"));
  // Paging by staff id; the total covers every page.
  HoursQuery q = ForInstitution(a_.id, "2026-03-01", "2026-06-30");
  q.page_size = 1;
  r = Hours(HeadA(), q);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->rows_size(), 1);
  EXPECT_EQ(r->total_hours(), 15);
  EXPECT_EQ(r->rows(0).staff(), "staff/" + std::min(teacher_a_, psych_a_));
  q.page_token = r->next_page_token();
  r = Hours(HeadA(), q);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->rows_size(), 1);
  EXPECT_EQ(r->rows(0).staff(), "staff/" + std::max(teacher_a_, psych_a_));
  EXPECT_TRUE(r->next_page_token().empty());
}

TEST_F(HoursTest, WhoMaySee) {
  const HoursQuery mine = ForStaff(teacher_a_, "2026-01-01", "2026-12-31");
  EXPECT_THAT(Hours(TeacherA(), mine), IsOk());
  EXPECT_THAT(Hours(HeadA(), mine), IsOk());
  EXPECT_THAT(Hours(Admin(), mine), IsOk());
  EXPECT_THAT(Hours(PsychA(), mine),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(TeacherB(), mine),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(Head(b_), mine),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(Anonymous(), mine),
              StatusIs(absl::StatusCode::kUnauthenticated));
  const HoursQuery school = ForInstitution(a_.id, "2026-01-01", "2026-12-31");
  EXPECT_THAT(Hours(TeacherA(), school),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(Head(b_), school),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(Coordinator(a_), school),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Permission before existence.
  const HoursQuery nobody =
      ForStaff("aaaaaaaaaaaaaaaa", "2026-01-01", "2026-12-31");
  EXPECT_THAT(Hours(HeadA(), nobody),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(Admin(), nobody), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Hours(Admin(), ForInstitution("aaaaaaaaaaaaaaaa", "2026-01-01",
                                            "2026-12-31")),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(HoursTest, PeriodAndScopeAreChecked) {
  HoursQuery q = ForStaff(teacher_a_, "2026-03-01", "2026-02-28");
  EXPECT_THAT(Hours(TeacherA(), q),
              ViolatesFields(std::vector<std::string>{"to_day"}));
  q = ForStaff(teacher_a_, "2020-03-01", "2025-03-01");
  EXPECT_THAT(Hours(TeacherA(), q), IsOk());
  q.to_day = "2025-03-02";
  EXPECT_THAT(Hours(TeacherA(), q),
              ViolatesFields(std::vector<std::string>{"to_day"}));
  q = ForStaff(teacher_a_, "", "2026-13-01");
  EXPECT_THAT(Hours(TeacherA(), q),
              ViolatesFields(std::vector<std::string>{"from_day", "to_day"}));
  q = ForStaff(teacher_a_, "2026-01-01", "2026-12-31");
  q.institution = "institutions/" + a_.id;
  EXPECT_THAT(Hours(HeadA(), q),
              ViolatesFields(std::vector<std::string>{"institution"}));
  q = {};
  q.from_day = "2026-01-01";
  q.to_day = "2026-01-02";
  EXPECT_THAT(Hours(HeadA(), q),
              ViolatesFields(std::vector<std::string>{"staff"}));
}

}  // namespace
}  // namespace pumpurs::training
