#ifndef PUMPURS_SERVER_PLANS_SEMESTER_H_
#define PUMPURS_SERVER_PLANS_SEMESTER_H_

// Semesters and calendar days. A plan is valid for one semester: term 1 runs
// from 1 September to 31 December of school_year, term 2 from 1 January to
// 31 August of the next calendar year (the summer belongs to the ending
// school year, so a plan can be evaluated after the last lessons). Days are
// "YYYY-MM-DD" strings on the wire and absl::CivilDay inside; "today" is
// the day in Latvia (Europe/Riga).

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/common/error.h"

namespace pumpurs::plans {

struct Semester {
  int school_year = 0;  // 2026 for 2026/2027
  int term = 0;         // 1 or 2
  bool operator==(const Semester& o) const {
    return school_year == o.school_year && term == o.term;
  }
  bool operator<(const Semester& o) const {
    return school_year != o.school_year ? school_year < o.school_year
                                        : term < o.term;
  }
};

// Adds violations for `field`.school_year (2000 to 2100) and `field`.term
// (1 or 2).
void CheckSemester(Violations& v, absl::string_view field, const Semester& s);

absl::CivilDay FirstDay(const Semester& s);
absl::CivilDay LastDay(const Semester& s);
bool Contains(const Semester& s, absl::CivilDay day);
Semester Next(const Semester& s);
// The semester a day falls in.
Semester SemesterOf(absl::CivilDay day);

// A "YYYY-MM-DD" day; nullopt if malformed or not a real date.
std::optional<absl::CivilDay> ParseDay(absl::string_view text);
std::string FormatDay(absl::CivilDay day);
// A "YYYY-MM" month; nullopt if malformed.
std::optional<absl::CivilMonth> ParseMonth(absl::string_view text);
std::string FormatMonth(absl::CivilMonth month);

// The day `t` is in Latvia.
absl::CivilDay DayInLatvia(absl::Time t);

}  // namespace pumpurs::plans

#endif  // PUMPURS_SERVER_PLANS_SEMESTER_H_
