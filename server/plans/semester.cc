#include "server/plans/semester.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pumpurs::plans {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int Number(absl::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

}  // namespace

void CheckSemester(Violations& v, absl::string_view field, const Semester& s) {
  if (s.school_year < 2000 || s.school_year > 2100) {
    v.Add(absl::StrCat(field, ".school_year"),
          "must be the year the school year starts in, 2000 to 2100");
  }
  if (s.term != 1 && s.term != 2) {
    v.Add(absl::StrCat(field, ".term"), "must be 1 or 2");
  }
}

absl::CivilDay FirstDay(const Semester& s) {
  return s.term == 1 ? absl::CivilDay(s.school_year, 9, 1)
                     : absl::CivilDay(s.school_year + 1, 1, 1);
}

absl::CivilDay LastDay(const Semester& s) {
  return s.term == 1 ? absl::CivilDay(s.school_year, 12, 31)
                     : absl::CivilDay(s.school_year + 1, 8, 31);
}

bool Contains(const Semester& s, absl::CivilDay day) {
  return day >= FirstDay(s) && day <= LastDay(s);
}

Semester Next(const Semester& s) {
  return s.term == 1 ? Semester{s.school_year, 2}
                     : Semester{s.school_year + 1, 1};
}

Semester SemesterOf(absl::CivilDay day) {
  if (day.month() >= 9) return {static_cast<int>(day.year()), 1};
  return {static_cast<int>(day.year()) - 1, 2};
}

std::optional<absl::CivilDay> ParseDay(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  absl::string_view y = text.substr(0, 4), m = text.substr(5, 2),
                    d = text.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return std::nullopt;
  const absl::CivilDay day(Number(y), Number(m), Number(d));
  // CivilDay normalizes 2026-02-30 to 2026-03-02: a real date survives.
  if (day.year() != Number(y) || day.month() != Number(m) ||
      day.day() != Number(d)) {
    return std::nullopt;
  }
  return day;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::optional<absl::CivilMonth> ParseMonth(absl::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  absl::string_view y = text.substr(0, 4), m = text.substr(5, 2);
  if (!AllDigits(y) || !AllDigits(m)) return std::nullopt;
  const int month = Number(m);
  if (month < 1 || month > 12) return std::nullopt;
  return absl::CivilMonth(Number(y), month);
}

std::string FormatMonth(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

absl::CivilDay DayInLatvia(absl::Time t) {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    // Without tzdata, Latvia's winter offset is the closer guess.
    if (!absl::LoadTimeZone("Europe/Riga", z)) {
      *z = absl::FixedTimeZone(2 * 60 * 60);
    }
    return z;
  }();
  return absl::ToCivilDay(t, *zone);
}

}  // namespace pumpurs::plans
