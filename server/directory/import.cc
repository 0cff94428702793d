#include "server/directory/import.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "server/auth/audit.h"
#include "server/common/collation.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/directory/csv.h"
#include "server/directory/people.h"
#include "server/directory/people_internal.h"

namespace pumpurs::directory {

// What phase 1 parsed and checked, for phase 2.
struct ImportPlan {
  struct PupilRow {
    int line = 0;
    Pupil pupil;
  };
  struct GuardianRow {
    int line = 0;
    Guardian guardian;
    std::vector<std::string> pupil_external_ids;
  };
  struct StaffRow {
    int line = 0;
    StaffMember staff;
  };

  ImportKind kind = ImportKind::kUnspecified;
  std::string institution_id;
  std::string municipality_id;
  bool validate_only = false;
  // The header as written, by canonical column name.
  absl::flat_hash_map<std::string, std::string> headers;
  // The rows whose fields are fine (rows with field errors are dropped).
  std::vector<PupilRow> pupils;
  std::vector<GuardianRow> guardians;
  std::vector<StaffRow> staff;
  ImportReport report;
  int errors_left_out = 0;
};

namespace {

using auth::Action;
using internal::Event;
using internal::InstitutionTarget;
using internal::kInstitutions;

// ---- Columns ----

struct ColumnSpec {
  const char* name;
  std::vector<const char*> aliases;  // normalized (see Normalize)
};

const std::vector<ColumnSpec>& Columns() {
  static const auto* columns = new std::vector<ColumnSpec>{
      {"external_id", {"external_id", "id", "arejais_id", "viis_id"}},
      {"given_name", {"given_name", "first_name", "vards"}},
      {"family_name", {"family_name", "last_name", "surname", "uzvards"}},
      {"birth_date", {"birth_date", "date_of_birth", "dzimsanas_datums"}},
      {"grade", {"grade", "klase"}},
      {"vocational_course", {"vocational_course", "course", "kurss"}},
      {"class_label", {"class_label", "klases_nosaukums", "klases_apzimejums"}},
      {"pupil_external_ids",
       {"pupil_external_ids", "pupil_ids", "skolenu_id", "skolena_id",
        "izglitojamo_id"}},
      {"position", {"position", "amats"}},
  };
  return *columns;
}

// Lowercase, no diacritics, spaces and hyphens as underscores, no
// apostrophes: "Dzimšanas datums" → "dzimsanas_datums".
std::string Normalize(absl::string_view text) {
  std::string folded = FoldForSearch(absl::StripAsciiWhitespace(text));
  std::string out;
  for (char c : folded) {
    if (c == ' ' || c == '-') {
      out.push_back('_');
    } else if (c != '\'') {
      out.push_back(c);
    }
  }
  return out;
}

struct KindSpec {
  std::vector<const char*> required;
  std::vector<const char*> optional;
};

KindSpec SpecOf(ImportKind kind) {
  switch (kind) {
    case ImportKind::kPupils:
      return {{"external_id", "given_name", "family_name", "birth_date"},
              {"grade", "vocational_course", "class_label"}};
    case ImportKind::kGuardians:
      return {
          {"external_id", "given_name", "family_name", "pupil_external_ids"},
          {}};
    case ImportKind::kStaff:
      return {{"external_id", "given_name", "family_name", "position"}, {}};
    case ImportKind::kUnspecified:
      break;
  }
  return {};
}

const char* KindWord(ImportKind kind) {
  switch (kind) {
    case ImportKind::kPupils:
      return "pupils";
    case ImportKind::kGuardians:
      return "guardians";
    case ImportKind::kStaff:
      return "staff";
    case ImportKind::kUnspecified:
      break;
  }
  return "";
}

std::string ActionOf(ImportKind kind) {
  const char* word = KindWord(kind);
  return *word == '\0' ? std::string("import") : absl::StrCat("import.", word);
}

StaffPosition ParsePosition(absl::string_view text) {
  std::string key = Normalize(text);
  if (absl::StartsWith(key, "staff_position_")) {
    key = key.substr(std::strlen("staff_position_"));
  }
  static const auto* names =
      new absl::flat_hash_map<std::string, StaffPosition>{
          {"teacher", StaffPosition::kTeacher},
          {"pedagogs", StaffPosition::kTeacher},
          {"skolotajs", StaffPosition::kTeacher},
          {"psychologist", StaffPosition::kPsychologist},
          {"psihologs", StaffPosition::kPsychologist},
          {"social_pedagogue", StaffPosition::kSocialPedagogue},
          {"socialais_pedagogs", StaffPosition::kSocialPedagogue},
          {"speech_therapist", StaffPosition::kSpeechTherapist},
          {"logopeds", StaffPosition::kSpeechTherapist},
          {"special_education_teacher",
           StaffPosition::kSpecialEducationTeacher},
          {"specialais_pedagogs", StaffPosition::kSpecialEducationTeacher},
          {"specialas_izglitibas_pedagogs",
           StaffPosition::kSpecialEducationTeacher},
          {"teachers_assistant", StaffPosition::kTeachersAssistant},
          {"teacher_assistant", StaffPosition::kTeachersAssistant},
          {"skolotaja_paligs", StaffPosition::kTeachersAssistant},
          {"pedagoga_paligs", StaffPosition::kTeachersAssistant},
          {"head", StaffPosition::kHead},
          {"direktors", StaffPosition::kHead},
          {"vaditajs", StaffPosition::kHead},
          {"other", StaffPosition::kOther},
          {"cits", StaffPosition::kOther},
      };
  auto it = names->find(key);
  return it == names->end() ? StaffPosition::kUnspecified : it->second;
}

// "7" → 7, "" → 0; nullopt for anything else.
std::optional<int> ParseSmallInt(absl::string_view text) {
  if (text.empty()) return 0;
  if (text.size() > 3) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "15.03.2012" (as Latvian spreadsheets write dates) → "2012-03-15";
// anything else as it is, for CheckBirthDate to judge.
std::string IsoDate(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[0].size() > 2 ||
      parts[1].empty() || parts[1].size() > 2 || parts[2].size() != 4) {
    return std::string(text);
  }
  for (absl::string_view part : parts) {
    for (char c : part) {
      if (!absl::ascii_isdigit(c)) return std::string(text);
    }
  }
  auto two = [](absl::string_view s) {
    return s.size() == 1 ? absl::StrCat("0", s) : std::string(s);
  };
  return absl::StrCat(parts[2], "-", two(parts[1]), "-", two(parts[0]));
}

// ---- Errors ----

void AddError(ImportPlan& plan, int line, std::string column,
              std::string reason) {
  if (static_cast<int>(plan.report.errors.size()) >= kMaxReportedErrors) {
    ++plan.errors_left_out;
    return;
  }
  plan.report.errors.push_back({line, std::move(column), std::move(reason)});
}

// Sorted by line (stable: a row's errors keep their column order), and the
// note of how many were left out.
void FinishErrors(ImportPlan& plan) {
  std::stable_sort(plan.report.errors.begin(), plan.report.errors.end(),
                   [](const ImportError& a, const ImportError& b) {
                     return a.line < b.line;
                   });
  if (plan.errors_left_out > 0) {
    plan.report.errors.push_back(
        {0, "",
         absl::StrCat(plan.errors_left_out,
                      " more errors are not listed; fix these and import "
                      "again")});
    plan.errors_left_out = 0;
  }
}

// The reported name of a canonical column: its header as written.
std::string HeaderOf(const ImportPlan& plan, absl::string_view column) {
  auto it = plan.headers.find(column);
  return it == plan.headers.end() ? std::string(column) : it->second;
}

absl::Status Interrupted(const CallContext& call) {
  if (call.IsCancelled()) {
    return Error(absl::StatusCode::kCancelled, "CALL_CANCELLED",
                 "the call was cancelled");
  }
  if (call.Expired()) {
    return Error(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                 "the deadline passed while the file was checked");
  }
  return absl::OkStatus();
}

// ---- Parsing: header and fields ----

// Maps the header's columns; errors go to the plan. Returns the canonical
// column of each field position ("" for an unknown one).
std::vector<std::string> MapHeader(ImportPlan& plan, const CsvRecord& header) {
  std::vector<std::string> canonical(header.fields.size());
  if (!header.error.empty()) {
    AddError(plan, header.line, "", header.error);
  }
  const KindSpec spec = SpecOf(plan.kind);
  auto allowed = [&](absl::string_view name) {
    for (const char* n : spec.required) {
      if (name == n) return true;
    }
    for (const char* n : spec.optional) {
      if (name == n) return true;
    }
    return false;
  };
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string written(absl::StripAsciiWhitespace(header.fields[i]));
    const std::string key = Normalize(written);
    std::string name;
    for (const ColumnSpec& column : Columns()) {
      for (const char* alias : column.aliases) {
        if (key == alias) name = column.name;
      }
    }
    if (name.empty() || !allowed(name)) {
      AddError(plan, header.line, written,
               absl::StrCat("is not a column of a ", KindWord(plan.kind),
                            " import"));
      continue;
    }
    if (plan.headers.contains(name)) {
      AddError(plan, header.line, written,
               absl::StrCat("repeats the column ", plan.headers[name]));
      continue;
    }
    plan.headers[name] = written;
    canonical[i] = name;
  }
  for (const char* name : spec.required) {
    if (!plan.headers.contains(name)) {
      AddError(plan, header.line, name, "the column is missing");
    }
  }
  if (plan.kind == ImportKind::kPupils && !plan.headers.contains("grade") &&
      !plan.headers.contains("vocational_course")) {
    AddError(plan, header.line, "grade",
             "the column is missing (grade or vocational_course is needed)");
  }
  return canonical;
}

// One data row's cells by canonical column, trimmed.
class Cells {
 public:
  Cells(const std::vector<std::string>& canonical, const CsvRecord& record) {
    for (size_t i = 0; i < canonical.size() && i < record.fields.size(); ++i) {
      if (!canonical[i].empty()) {
        cells_[canonical[i]] = absl::StripAsciiWhitespace(record.fields[i]);
      }
    }
  }
  std::string operator[](absl::string_view column) const {
    auto it = cells_.find(column);
    return it == cells_.end() ? std::string() : std::string(it->second);
  }

 private:
  absl::flat_hash_map<std::string, absl::string_view> cells_;
};

// Adds the rule violations of a row to the plan, skipping fields whose
// cells could not even be read (`unreadable` names them already).
bool ReportRow(ImportPlan& plan, int line, const Violations& unreadable,
               const Violations& rules) {
  for (const FieldViolation& v : unreadable.items()) {
    AddError(plan, line, v.field, v.description);
  }
  for (const FieldViolation& v : rules.items()) {
    if (!internal::Named(unreadable, v.field)) {
      AddError(plan, line, v.field, v.description);
    }
  }
  return unreadable.empty() && rules.empty();
}

// Checks one data row and, if it is fine and `keep`, keeps it for
// matching.
void ParseRow(ImportPlan& plan, const CsvRecord& record, const Cells& cells,
              absl::CivilDay today, bool keep) {
  const FieldNamer name = [&plan](absl::string_view field) {
    return HeaderOf(plan, field == "pupils" ? "pupil_external_ids" : field);
  };
  Violations unreadable;
  Violations rules;
  switch (plan.kind) {
    case ImportKind::kPupils: {
      Pupil p;
      p.institution_id = plan.institution_id;
      p.external_id = cells["external_id"];
      p.given_name = cells["given_name"];
      p.family_name = cells["family_name"];
      p.birth_date = IsoDate(cells["birth_date"]);
      p.class_label = cells["class_label"];
      for (auto [column, out] :
           {std::pair<const char*, int*>{"grade", &p.grade},
            {"vocational_course", &p.vocational_course}}) {
        std::optional<int> value = ParseSmallInt(cells[column]);
        if (value) {
          *out = *value;
        } else {
          unreadable.Add(name(column), "must be a whole number");
          *out = -1;  // out of range: no rule reports it again
        }
      }
      CheckPupilFields(rules, name, p, today, /*external_id_required=*/true);
      if (ReportRow(plan, record.line, unreadable, rules) && keep) {
        plan.pupils.push_back({record.line, std::move(p)});
      }
      return;
    }
    case ImportKind::kGuardians: {
      Guardian g;
      g.external_id = cells["external_id"];
      g.given_name = cells["given_name"];
      g.family_name = cells["family_name"];
      std::vector<std::string> pupils;
      for (absl::string_view part :
           absl::StrSplit(cells["pupil_external_ids"], '|')) {
        part = absl::StripAsciiWhitespace(part);
        if (!part.empty() &&
            std::find(pupils.begin(), pupils.end(), part) == pupils.end()) {
          pupils.emplace_back(part);
        }
      }
      CheckGuardianFields(rules, name, g, /*external_id_required=*/true);
      if (pupils.empty()) {
        rules.Add(name("pupils"), "must name at least one pupil");
      }
      if (ReportRow(plan, record.line, unreadable, rules) && keep) {
        plan.guardians.push_back(
            {record.line, std::move(g), std::move(pupils)});
      }
      return;
    }
    case ImportKind::kStaff: {
      StaffMember s;
      s.institution_id = plan.institution_id;
      s.external_id = cells["external_id"];
      s.given_name = cells["given_name"];
      s.family_name = cells["family_name"];
      s.position = ParsePosition(cells["position"]);
      if (cells["position"].empty()) {
        unreadable.Add(name("position"), "is required");
      }
      CheckStaffFields(rules, name, s, /*external_id_required=*/true);
      if (ReportRow(plan, record.line, unreadable, rules) && keep) {
        plan.staff.push_back({record.line, std::move(s)});
      }
      return;
    }
    case ImportKind::kUnspecified:
      break;
  }
}

// ---- Matching rows with stored people ----

enum class Outcome { kCreate, kUpdate, kUnchanged };

struct Match {
  Outcome outcome = Outcome::kCreate;
  std::string id;
  int64_t version = 0;
  absl::Time create_time;
  // Guardians: the pupils the row names (ids), and the links to this
  // institution's pupils to add and to remove.
  std::vector<std::string> pupil_ids;
  std::vector<std::string> link;
  std::vector<std::string> unlink;
};

constexpr absl::string_view kOtherInstitution =
    "belongs to a person of another institution";

// The stored pupil or staff member a row names by external id: `sql`
// selects id, institution_id, version, create_time and then the fields
// `same` compares with the row. A person of another institution is an
// error of the row.
template <typename Same>
absl::StatusOr<Match> MatchPerson(storage::Connection& conn, ImportPlan& plan,
                                  int line, const std::string& external_id,
                                  const char* sql, Same same) {
  // Cached by the connection; a fresh handle starts reset.
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
  s.Bind(1, external_id);
  Match m;
  PUMPURS_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return m;
  if (s.ColumnText(1) != plan.institution_id) {
    AddError(plan, line, HeaderOf(plan, "external_id"),
             std::string(kOtherInstitution));
  }
  m.id = s.ColumnText(0);
  m.version = s.ColumnInt64(2);
  m.create_time = absl::FromUnixMicros(s.ColumnInt64(3));
  m.outcome = same(s) ? Outcome::kUnchanged : Outcome::kUpdate;
  return m;
}

// Ids by external id.
using IdsByExternalId = absl::flat_hash_map<std::string, std::string>;

// The pupils of the plan's institution, for guardian rows.
absl::StatusOr<IdsByExternalId> PupilsByExternalId(storage::Connection& conn,
                                                   const ImportPlan& plan) {
  IdsByExternalId pupils;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT external_id, id FROM pupils WHERE "
                   "institution_id = ? AND external_id IS NOT NULL"));
  s.Bind(1, plan.institution_id);
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    pupils[s.ColumnText(0)] = s.ColumnText(1);
  }
  return pupils;
}

// The stored guardian a row names by external id, and the links to this
// institution's pupils to add and remove. A guardian only of other
// institutions' pupils is an error of the row.
absl::StatusOr<Match> MatchGuardian(storage::Connection& conn, ImportPlan& plan,
                                    const IdsByExternalId& pupils,
                                    const ImportPlan::GuardianRow& row) {
  Match m;
  for (size_t k = 0; k < row.pupil_external_ids.size(); ++k) {
    auto it = pupils.find(row.pupil_external_ids[k]);
    if (it == pupils.end()) {
      AddError(plan, row.line, HeaderOf(plan, "pupil_external_ids"),
               absl::StrCat("item ", k + 1,
                            " is not the external_id of a pupil of "
                            "this institution"));
    } else {
      m.pupil_ids.push_back(it->second);
    }
  }
  m.pupil_ids = internal::SortedUnique(std::move(m.pupil_ids));
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement find,
      conn.Prepare("SELECT id, given_name, family_name, version, "
                   "create_time FROM guardians WHERE external_id = ?"));
  find.Bind(1, row.guardian.external_id);
  PUMPURS_ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) return m;
  m.id = find.ColumnText(0);
  m.version = find.ColumnInt64(3);
  m.create_time = absl::FromUnixMicros(find.ColumnInt64(4));
  const bool same_names = find.ColumnText(1) == row.guardian.given_name &&
                          find.ColumnText(2) == row.guardian.family_name;
  std::vector<std::string> here;
  bool elsewhere = false;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement links,
      conn.Prepare("SELECT gp.pupil_id, p.institution_id FROM "
                   "guardian_pupils gp JOIN pupils p ON p.id = "
                   "gp.pupil_id WHERE gp.guardian_id = ?"));
  links.Bind(1, m.id);
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool link, links.Step());
    if (!link) break;
    if (links.ColumnText(1) == plan.institution_id) {
      here.push_back(links.ColumnText(0));
    } else {
      elsewhere = true;
    }
  }
  if (here.empty() && elsewhere) {
    AddError(plan, row.line, HeaderOf(plan, "external_id"),
             std::string(kOtherInstitution));
  }
  std::sort(here.begin(), here.end());
  std::set_difference(m.pupil_ids.begin(), m.pupil_ids.end(), here.begin(),
                      here.end(), std::back_inserter(m.link));
  std::set_difference(here.begin(), here.end(), m.pupil_ids.begin(),
                      m.pupil_ids.end(), std::back_inserter(m.unlink));
  m.outcome = same_names && m.link.empty() && m.unlink.empty()
                  ? Outcome::kUnchanged
                  : Outcome::kUpdate;
  return m;
}

// Matches every kept row; errors go to the plan, progress is reported per
// row. `matches` is parallel to the plan's rows of its kind.
absl::Status MatchRows(storage::Connection& conn, const CallContext& call,
                       ImportPlan& plan, std::vector<Match>& matches,
                       const ImportProgress& progress) {
  matches.clear();
  // Rows that failed their field checks count as done already.
  auto match_all = [&](const auto& rows, auto match) -> absl::Status {
    for (size_t i = 0; i < rows.size(); ++i) {
      PUMPURS_ASSIGN_OR_RETURN(Match m, match(rows[i]));
      matches.push_back(std::move(m));
      const size_t done = i + 1;
      if (done % 256 == 0) PUMPURS_RETURN_IF_ERROR(Interrupted(call));
      if (progress && (done % 100 == 0 || done == rows.size())) {
        const int total = plan.report.rows_total;
        progress(total - static_cast<int>(rows.size()) + static_cast<int>(done),
                 total);
      }
    }
    return absl::OkStatus();
  };
  switch (plan.kind) {
    case ImportKind::kPupils:
      return match_all(plan.pupils, [&](const ImportPlan::PupilRow& row) {
        const Pupil& p = row.pupil;
        return MatchPerson(
            conn, plan, row.line, p.external_id,
            "SELECT id, institution_id, version, create_time, given_name, "
            "family_name, birth_date, grade, vocational_course, class_label "
            "FROM pupils WHERE external_id = ?",
            [&p](const storage::Statement& s) {
              return s.ColumnText(4) == p.given_name &&
                     s.ColumnText(5) == p.family_name &&
                     s.ColumnText(6) == p.birth_date &&
                     s.ColumnInt64(7) == p.grade &&
                     s.ColumnInt64(8) == p.vocational_course &&
                     s.ColumnText(9) == p.class_label;
            });
      });
    case ImportKind::kGuardians: {
      PUMPURS_ASSIGN_OR_RETURN(const IdsByExternalId pupils,
                               PupilsByExternalId(conn, plan));
      return match_all(plan.guardians, [&](const ImportPlan::GuardianRow& row) {
        return MatchGuardian(conn, plan, pupils, row);
      });
    }
    case ImportKind::kStaff:
      return match_all(plan.staff, [&](const ImportPlan::StaffRow& row) {
        const StaffMember& m = row.staff;
        return MatchPerson(
            conn, plan, row.line, m.external_id,
            "SELECT id, institution_id, version, create_time, given_name, "
            "family_name, position FROM staff WHERE external_id = ?",
            [&m](const storage::Statement& s) {
              return s.ColumnText(4) == m.given_name &&
                     s.ColumnText(5) == m.family_name &&
                     s.ColumnInt64(6) == static_cast<int64_t>(m.position);
            });
      });
    case ImportKind::kUnspecified:
      break;
  }
  return absl::OkStatus();
}

void Count(ImportReport& report, const std::vector<Match>& matches) {
  report.created = report.updated = report.unchanged = 0;
  for (const Match& m : matches) {
    switch (m.outcome) {
      case Outcome::kCreate:
        ++report.created;
        break;
      case Outcome::kUpdate:
        ++report.updated;
        break;
      case Outcome::kUnchanged:
        ++report.unchanged;
        break;
    }
  }
}

// A row as stored: a new identity for a create, the matched row's (one
// version on) for an update.
template <typename Person>
Person Stamped(Person person, const Match& m, absl::Time now) {
  const bool create = m.outcome == Outcome::kCreate;
  person.id = create ? NewId() : m.id;
  person.version = create ? 1 : m.version + 1;
  person.create_time = create ? now : m.create_time;
  person.update_time = now;
  return person;
}

// Stores the matched rows (every row is fine).
absl::Status Store(storage::Connection& conn, const ImportPlan& plan,
                   const std::vector<Match>& matches) {
  const absl::Time now = absl::Now();
  for (size_t i = 0; i < matches.size(); ++i) {
    const Match& m = matches[i];
    if (m.outcome == Outcome::kUnchanged) continue;
    const bool create = m.outcome == Outcome::kCreate;
    switch (plan.kind) {
      case ImportKind::kPupils: {
        const Pupil p = Stamped(plan.pupils[i].pupil, m, now);
        PUMPURS_RETURN_IF_ERROR(create ? internal::InsertPupilRow(conn, p)
                                       : internal::UpdatePupilRow(conn, p));
        break;
      }
      case ImportKind::kGuardians: {
        Guardian g = Stamped(plan.guardians[i].guardian, m, now);
        if (create) {
          g.pupil_ids = m.pupil_ids;
          PUMPURS_RETURN_IF_ERROR(internal::InsertGuardianRow(conn, g));
          break;
        }
        PUMPURS_RETURN_IF_ERROR(internal::UpdateGuardianRow(conn, g));
        for (const std::string& pupil_id : m.unlink) {
          PUMPURS_RETURN_IF_ERROR(
              internal::UnlinkGuardian(conn, g.id, pupil_id));
        }
        for (const std::string& pupil_id : m.link) {
          PUMPURS_RETURN_IF_ERROR(internal::LinkGuardian(conn, g.id, pupil_id));
        }
        break;
      }
      case ImportKind::kStaff: {
        const StaffMember s = Stamped(plan.staff[i].staff, m, now);
        PUMPURS_RETURN_IF_ERROR(create ? internal::InsertStaffRow(conn, s)
                                       : internal::UpdateStaffRow(conn, s));
        break;
      }
      case ImportKind::kUnspecified:
        break;
    }
  }
  return absl::OkStatus();
}

AuditEvent ImportEvent(const ImportPlan& plan) {
  return Event(ActionOf(plan.kind),
               ResourceName(kInstitutions, plan.institution_id),
               InstitutionTarget(plan.institution_id, plan.municipality_id));
}

void DeferOutcome(const CallContext& call, const ImportPlan& plan,
                  AuditOutcome outcome) {
  AuditEvent event = ImportEvent(plan);
  event.outcome = outcome;
  auth::DeferAudit(call, std::move(event));
}

// Finishes the plan's errors. A plan with any stores nothing, so it counts
// nothing either; its failure is audited. Whether it failed.
bool Failed(const CallContext& call, ImportPlan& plan) {
  FinishErrors(plan);
  if (plan.report.errors.empty()) return false;
  plan.report.created = plan.report.updated = plan.report.unchanged = 0;
  DeferOutcome(call, plan, AuditOutcome::kFailed);
  return true;
}

}  // namespace

absl::StatusOr<std::shared_ptr<ImportPlan>> PrepareImport(
    storage::Connection& conn, const CallContext& call,
    const ImportRequest& request, const ImportProgress& progress) {
  auto plan = std::make_shared<ImportPlan>();
  plan->kind = request.kind;
  plan->institution_id = request.institution_id;
  plan->validate_only = request.validate_only;
  const AuditEvent audit =
      Event(ActionOf(request.kind),
            ResourceName(kInstitutions, request.institution_id), {});
  PUMPURS_RETURN_IF_ERROR(internal::SignedIn(call, &audit));
  Violations v;
  if (request.institution_id.empty()) v.Add("institution", "is required");
  if (SpecOf(request.kind).required.empty()) {
    v.Add("kind", "must be pupils, guardians or staff");
  }
  if (request.csv_data.size() > kMaxImportBytes) {
    v.Add("csv_data", "must be at most 16 MiB");
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  PUMPURS_ASSIGN_OR_RETURN(const auth::Target where,
                           internal::AllowAtInstitution(
                               conn, call, Action::kPeopleImport,
                               request.institution_id, ActionOf(request.kind)));
  plan->municipality_id = where.municipality_id;

  // Read every record first: the total drives the progress, and the row
  // limit is checked before any work.
  CsvReader reader(request.csv_data);
  CsvRecord header;
  if (!reader.Next(header)) {
    return InvalidFieldError("csv_data", "must have a header row");
  }
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (reader.Next(record)) {
    const bool blank =
        record.error.empty() &&
        std::all_of(record.fields.begin(), record.fields.end(),
                    [](const std::string& f) {
                      return absl::StripAsciiWhitespace(f).empty();
                    });
    if (blank) continue;  // e.g. ";;;;" lines spreadsheets leave behind
    if (static_cast<int>(records.size()) == kMaxImportRows) {
      return InvalidFieldError(
          "csv_data",
          absl::StrCat("must have at most ", kMaxImportRows, " rows"));
    }
    records.push_back(std::move(record));
    if (records.size() % 4096 == 0) PUMPURS_RETURN_IF_ERROR(Interrupted(call));
  }
  plan->report.rows_total = static_cast<int>(records.size());
  if (progress) progress(0, plan->report.rows_total);

  const std::vector<std::string> canonical = MapHeader(*plan, header);
  if (plan->report.errors.empty()) {
    const absl::CivilDay today = Today();
    const std::string external_column = HeaderOf(*plan, "external_id");
    absl::flat_hash_map<std::string, int> first_line;  // by external id
    for (size_t i = 0; i < records.size(); ++i) {
      const CsvRecord& r = records[i];
      if (i % 4096 == 0) PUMPURS_RETURN_IF_ERROR(Interrupted(call));
      if (!r.error.empty()) {
        AddError(*plan, r.line, "", r.error);
        continue;
      }
      if (r.fields.size() != header.fields.size()) {
        AddError(
            *plan, r.line, "",
            absl::StrCat("has ", r.fields.size(), " fields; the header has ",
                         header.fields.size()));
        continue;
      }
      const Cells cells(canonical, r);
      const std::string external_id = cells["external_id"];
      bool repeated = false;
      if (!external_id.empty()) {
        auto [it, inserted] = first_line.emplace(external_id, r.line);
        if (!inserted) {
          AddError(
              *plan, r.line, external_column,
              absl::StrCat("repeats the external_id of line ", it->second));
          repeated = true;
        }
      }
      // A repeated row is still checked, for its other problems.
      ParseRow(*plan, r, cells, today, /*keep=*/!repeated);
    }
    std::vector<Match> matches;
    PUMPURS_RETURN_IF_ERROR(MatchRows(conn, call, *plan, matches, progress));
    Count(plan->report, matches);
  }
  if (!Failed(call, *plan) && plan->validate_only) {
    DeferOutcome(call, *plan, AuditOutcome::kAllowed);
  }
  if (progress) progress(plan->report.rows_total, plan->report.rows_total);
  return plan;
}

const ImportReport& PlanReport(const ImportPlan& plan) { return plan.report; }

absl::StatusOr<ImportReport> ApplyImport(storage::Connection& conn,
                                         const CallContext& call,
                                         ImportPlan& plan) {
  // Phase 1 audited these outcomes already.
  if (!plan.report.errors.empty() || plan.validate_only) return plan.report;
  // The institution and the caller's right to it may have changed since.
  PUMPURS_ASSIGN_OR_RETURN(std::optional<std::string> municipality,
                           internal::MunicipalityOf(conn, plan.institution_id));
  AuditEvent audit = ImportEvent(plan);
  if (!municipality) {
    return internal::Missing(call, Action::kPeopleImport, audit.resource,
                             &audit);
  }
  PUMPURS_RETURN_IF_ERROR(internal::Allow(
      call, Action::kPeopleImport,
      InstitutionTarget(plan.institution_id, *municipality), &audit));
  std::vector<Match> matches;
  PUMPURS_RETURN_IF_ERROR(MatchRows(conn, call, plan, matches, nullptr));
  if (Failed(call, plan)) return plan.report;
  Count(plan.report, matches);
  PUMPURS_RETURN_IF_ERROR(Store(conn, plan, matches));
  PUMPURS_RETURN_IF_ERROR(internal::AuditChange(conn, call, audit));
  plan.report.stored = true;
  return plan.report;
}

absl::StatusOr<ImportReport> ImportPeople(storage::Connection& conn,
                                          const CallContext& call,
                                          const ImportRequest& request,
                                          const ImportProgress& progress) {
  PUMPURS_ASSIGN_OR_RETURN(std::shared_ptr<ImportPlan> plan,
                           PrepareImport(conn, call, request, progress));
  return ApplyImport(conn, call, *plan);
}

}  // namespace pumpurs::directory
