// The field rules of people (people.h) and the helpers pupils.cc,
// guardians.cc, staff.cc and import.cc share (people_internal.h).

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/auth/audit.h"
#include "server/common/collation.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/directory/people.h"
#include "server/directory/people_internal.h"

namespace pumpurs::directory {

// ---- Field rules ----

FieldNamer Prefixed(absl::string_view prefix) {
  return [prefix = std::string(prefix)](absl::string_view field) {
    return absl::StrCat(prefix, ".", field);
  };
}

absl::CivilDay Today() {
  static const absl::TimeZone* riga = [] {
    auto* tz = new absl::TimeZone(absl::UTCTimeZone());
    // On failure LoadTimeZone leaves UTC, a day off at most around
    // midnight.
    absl::LoadTimeZone("Europe/Riga", tz);
    return tz;
  }();
  return absl::ToCivilDay(absl::Now(), *riga);
}

void CheckPersonNames(Violations& v, const FieldNamer& name,
                      absl::string_view given, absl::string_view family) {
  CheckRequiredText(v, name("given_name"), given, kMaxPersonNameChars);
  CheckRequiredText(v, name("family_name"), family, kMaxPersonNameChars);
}

void CheckExternalId(Violations& v, const std::string& field,
                     absl::string_view value, bool required) {
  if (value.empty()) {
    if (required) v.Add(field, "is required");
    return;
  }
  if (value.size() > kMaxExternalIdChars) {
    v.Add(field,
          absl::StrCat("must be at most ", kMaxExternalIdChars, " characters"));
    return;
  }
  for (unsigned char c : value) {
    if (c < 0x21 || c > 0x7e) {
      v.Add(field, "must be printable ASCII without spaces");
      return;
    }
  }
}

namespace {

// The date of a strict "YYYY-MM-DD", or nullopt (also for 2024-02-30).
std::optional<absl::CivilDay> ParseDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::pair<size_t, size_t> spans[3] = {{0, 4}, {5, 2}, {8, 2}};
  for (int i = 0; i < 3; ++i) {
    for (size_t k = spans[i].first; k < spans[i].first + spans[i].second; ++k) {
      if (!absl::ascii_isdigit(s[k])) return std::nullopt;
      parts[i] = parts[i] * 10 + (s[k] - '0');
    }
  }
  absl::CivilDay day(parts[0], parts[1], parts[2]);
  // CivilDay normalizes (February 30 becomes March 2): a real date is one
  // that survives unchanged.
  if (day.year() != parts[0] || day.month() != parts[1] ||
      day.day() != parts[2]) {
    return std::nullopt;
  }
  return day;
}

}  // namespace

void CheckBirthDate(Violations& v, const std::string& field,
                    absl::string_view value, absl::CivilDay today) {
  if (value.empty()) {
    v.Add(field, "is required");
    return;
  }
  std::optional<absl::CivilDay> day = ParseDate(value);
  if (!day) {
    v.Add(field, "must be a real date written YYYY-MM-DD");
    return;
  }
  if (*day > today) {
    v.Add(field, "must not be in the future");
    return;
  }
  const bool before_birthday =
      today.month() < day->month() ||
      (today.month() == day->month() && today.day() < day->day());
  const int64_t age = today.year() - day->year() - (before_birthday ? 1 : 0);
  if (age < kMinPupilAge || age > kMaxPupilAge) {
    v.Add(field, absl::StrCat("must make the pupil ", kMinPupilAge, " to ",
                              kMaxPupilAge, " years old"));
  }
}

void CheckPupilFields(Violations& v, const FieldNamer& name, const Pupil& p,
                      absl::CivilDay today, bool external_id_required) {
  CheckPersonNames(v, name, p.given_name, p.family_name);
  CheckBirthDate(v, name("birth_date"), p.birth_date, today);
  const bool grade_ok = p.grade >= 0 && p.grade <= 12;
  const bool course_ok = p.vocational_course >= 0 && p.vocational_course <= 4;
  if (!grade_ok) {
    v.Add(name("grade"), "must be 1 to 12 (or 0 in a vocational course)");
  }
  if (!course_ok) {
    v.Add(name("vocational_course"),
          "must be 1 to 4 (or 0 in general education)");
  }
  if (grade_ok && course_ok && (p.grade == 0) == (p.vocational_course == 0)) {
    constexpr char kWhy[] =
        "exactly one of grade and vocational_course must be set";
    v.Add(name("grade"), kWhy);
    v.Add(name("vocational_course"), kWhy);
  }
  CheckOptionalText(v, name("class_label"), p.class_label, kMaxClassLabelChars);
  CheckExternalId(v, name("external_id"), p.external_id, external_id_required);
}

void CheckGuardianFields(Violations& v, const FieldNamer& name,
                         const Guardian& g, bool external_id_required) {
  CheckPersonNames(v, name, g.given_name, g.family_name);
  CheckExternalId(v, name("external_id"), g.external_id, external_id_required);
}

bool KnownPosition(StaffPosition position) {
  const int p = static_cast<int>(position);
  return p >= static_cast<int>(StaffPosition::kTeacher) &&
         p <= static_cast<int>(StaffPosition::kOther);
}

void CheckStaffFields(Violations& v, const FieldNamer& name,
                      const StaffMember& s, bool external_id_required) {
  CheckPersonNames(v, name, s.given_name, s.family_name);
  if (!KnownPosition(s.position)) {
    v.Add(name("position"), "must be a known staff position");
  }
  CheckExternalId(v, name("external_id"), s.external_id, external_id_required);
}

namespace internal {

// ---- Places ----

absl::StatusOr<std::optional<std::string>> MunicipalityOf(
    Connection& conn, absl::string_view institution_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT municipality_id FROM institutions WHERE id = ?"));
  s.Bind(1, institution_id);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

absl::StatusOr<std::optional<PupilPlace>> LoadPupilPlace(
    Connection& conn, absl::string_view pupil_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT p.institution_id, i.municipality_id, "
                   "(SELECT group_concat(guardian_id) FROM guardian_pupils "
                   "WHERE pupil_id = p.id) FROM pupils p JOIN institutions i "
                   "ON i.id = p.institution_id WHERE p.id = ?"));
  s.Bind(1, pupil_id);
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<PupilPlace>();
  PupilPlace place;
  place.pupil_id = std::string(pupil_id);
  place.institution_id = s.ColumnText(0);
  place.municipality_id = s.ColumnText(1);
  place.guardian_ids = SplitIds(s.ColumnText(2));
  return std::optional<PupilPlace>(std::move(place));
}

auth::Target TargetOf(const PupilPlace& place) {
  auth::Target t;
  t.institution_id = place.institution_id;
  t.municipality_id = place.municipality_id;
  t.pupil_id = place.pupil_id;
  t.guardian_ids = place.guardian_ids;
  return t;
}

auth::Target InstitutionTarget(absl::string_view institution_id,
                               absl::string_view municipality_id) {
  auth::Target t;
  t.institution_id = std::string(institution_id);
  t.municipality_id = std::string(municipality_id);
  return t;
}

absl::StatusOr<const PupilPlace*> PupilPlaces::Get(absl::string_view pupil_id) {
  auto it = cache_.find(pupil_id);
  if (it == cache_.end()) {
    PUMPURS_ASSIGN_OR_RETURN(std::optional<PupilPlace> place,
                             LoadPupilPlace(conn_, pupil_id));
    it = cache_.emplace(std::string(pupil_id), std::move(place)).first;
  }
  return it->second ? &*it->second : nullptr;
}

absl::StatusOr<auth::Target> AllowAtInstitution(
    Connection& conn, const CallContext& call, auth::Action action,
    absl::string_view institution_id, absl::string_view audit_action) {
  const std::string place = ResourceName(kInstitutions, institution_id);
  const bool audited = !audit_action.empty();
  AuditEvent audit = Event(audit_action, place, {});
  PUMPURS_ASSIGN_OR_RETURN(std::optional<std::string> municipality,
                           MunicipalityOf(conn, institution_id));
  if (!municipality) {
    return Missing(call, action, place, audited ? &audit : nullptr);
  }
  const auth::Target where = InstitutionTarget(institution_id, *municipality);
  audit = Event(audit_action, place, where);
  PUMPURS_RETURN_IF_ERROR(
      Allow(call, action, where, audited ? &audit : nullptr));
  return where;
}

// ---- Columns and filters ----

NameKeys KeysFor(absl::string_view given, absl::string_view family) {
  return {LatvianSortKey(absl::StrCat(family, "\x01", given)),
          FoldForSearch(given), FoldForSearch(family)};
}

void CheckNamePrefix(Violations& v, absl::string_view prefix) {
  CheckOptionalText(v, "name_prefix", prefix, kMaxPersonNameChars);
}

std::optional<std::string> LikePattern(absl::string_view prefix) {
  prefix = absl::StripAsciiWhitespace(prefix);
  if (prefix.empty()) return std::nullopt;
  std::string out;
  for (char c : FoldForSearch(prefix)) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

absl::StatusOr<std::string> CheckInstitution(Connection& conn, Violations& v,
                                             absl::string_view field,
                                             absl::string_view institution_id) {
  if (Named(v, field)) return std::string();
  if (institution_id.empty()) {
    v.Add(std::string(field), "is required");
    return std::string();
  }
  PUMPURS_ASSIGN_OR_RETURN(std::optional<std::string> municipality,
                           MunicipalityOf(conn, institution_id));
  if (!municipality) {
    v.Add(std::string(field), "no such institution");
    return std::string();
  }
  return *municipality;
}

bool Named(const Violations& v, absl::string_view field) {
  return std::any_of(v.items().begin(), v.items().end(),
                     [&](const FieldViolation& f) { return f.field == field; });
}

std::vector<std::string> SortedUnique(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<std::string> SplitIds(absl::string_view concatenated) {
  std::vector<std::string> ids =
      absl::StrSplit(concatenated, ',', absl::SkipEmpty());
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::Status ExternalIdTaken(absl::string_view field) {
  return WithFieldViolations(
      Error(absl::StatusCode::kAlreadyExists, "EXTERNAL_ID_TAKEN",
            "another record has this external_id"),
      {{std::string(field), "is used by another record"}});
}

absl::StatusOr<bool> ExternalIdInUse(Connection& conn, absl::string_view table,
                                     absl::string_view external_id,
                                     absl::string_view except_id) {
  if (external_id.empty()) return false;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(absl::StrCat("SELECT 1 FROM ", table,
                                " WHERE external_id = ? AND id != ?")));
  s.Bind(1, external_id).Bind(2, except_id);
  return s.Step();
}

// ---- Row writers ----

std::optional<std::string> NullIfEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace internal
}  // namespace pumpurs::directory
