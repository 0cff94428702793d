#include "server/statistics/figures.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pumpurs/v1/youth_initiative.pb.h"
#include "server/common/status_macros.h"
#include "server/statistics/contribution.h"
#include "server/statistics/counters.h"

namespace pumpurs::statistics {
namespace {

namespace v1 = ::pumpurs::v1;
using plans::Semester;
using storage::Connection;

bool InUnit(Level level, const std::string& id, const std::string& institution,
            const std::string& municipality) {
  switch (level) {
    case Level::kNation:
      return true;
    case Level::kMunicipality:
      return municipality == id;
    case Level::kInstitution:
      return institution == id;
  }
  return false;
}

// Funded projects (approved, running, reported, closed) of `semester`: the
// semester their call closed for applications in.
absl::Status AddYouth(Connection& conn, const Units& units,
                      const Semester& semester,
                      std::vector<RawFigures>& out) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT i.municipality_id, i.institution_id, i.data, "
                   "c.data FROM initiatives i JOIN initiative_calls c ON "
                   "c.id = i.call_id WHERE i.state IN (4, 6, 7, 8)"));
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    v1::Initiative project;
    v1::Call call;
    if (!project.ParseFromString(s.ColumnText(2)) ||
        !call.ParseFromString(s.ColumnText(3))) {
      return absl::DataLossError("a stored project cannot be read");
    }
    const std::optional<absl::CivilDay> end =
        plans::ParseDay(call.application_end());
    if (!end || !(plans::SemesterOf(*end) == semester)) continue;
    const bool reported = project.has_report() &&
                          (project.state() == v1::INITIATIVE_STATE_REPORTED ||
                           project.state() == v1::INITIATIVE_STATE_CLOSED);
    for (size_t u = 0; u < units.ids.size(); ++u) {
      if (!InUnit(units.level, units.ids[u], s.ColumnText(1),
                  s.ColumnText(0))) {
        continue;
      }
      YouthFigures& y = out[u].youth;
      y.projects += 1;
      y.planned += project.planned_participants();
      if (reported) {
        y.participants += project.report().participants();
        y.at_risk += project.report().participants_at_risk();
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string ScopeOf(Level level, const std::string& id) {
  switch (level) {
    case Level::kNation:
      return NationalScope();
    case Level::kMunicipality:
      return MunicipalityScope(id);
    case Level::kInstitution:
      return InstitutionScope(id);
  }
  return "";
}

int64_t RawFigures::Count(const std::string& metric,
                          const std::string& key) const {
  auto it = counts.find({metric, key});
  return it == counts.end() ? 0 : it->second;
}

absl::StatusOr<Directory> LoadDirectory(Connection& conn) {
  Directory dir;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT id, municipality_id FROM institutions"));
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    dir.municipality_of[s.ColumnText(0)] = s.ColumnText(1);
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement m,
      conn.Prepare("SELECT id FROM municipalities ORDER BY id"));
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, m.Step());
    if (!row) break;
    dir.municipalities.push_back(m.ColumnText(0));
  }
  return dir;
}

absl::StatusOr<std::vector<RawFigures>> LoadSemester(
    Connection& conn, const Directory& dir, const Units& units,
    const Semester& semester) {
  std::vector<RawFigures> out(units.ids.size());
  for (size_t u = 0; u < units.ids.size(); ++u) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT metric, key, value FROM stats_counts WHERE "
                     "school_year = ? AND term = ? AND scope = ?"));
    s.Bind(1, int64_t{semester.school_year})
        .Bind(2, int64_t{semester.term})
        .Bind(3, ScopeOf(units.level, units.ids[u]));
    RawFigures& f = out[u];
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      const std::string metric = s.ColumnText(0);
      const std::string key = s.ColumnText(1);
      const int64_t value = s.ColumnInt64(2);
      if (value == 0) continue;
      f.counts[{metric, key}] = value;
      // One supported plan per pupil per semester: counts are pupils.
      if (metric == kPupils) f.pupils[key] = value;
      if (metric == kMeasurePlans) f.measure_pupils[key] = value;
    }
  }
  // Involved institutions: those with a supported pupil in the semester.
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement inv,
      conn.Prepare("SELECT substr(scope, 3) FROM stats_counts WHERE "
                   "school_year = ? AND term = ? AND scope >= 'i:' AND scope "
                   "< 'i;' AND metric = 'pupils' AND key = '*' AND value > "
                   "0"));
  inv.Bind(1, int64_t{semester.school_year}).Bind(2, int64_t{semester.term});
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, inv.Step());
    if (!row) break;
    const std::string institution = inv.ColumnText(0);
    auto m = dir.municipality_of.find(institution);
    const std::string municipality =
        m == dir.municipality_of.end() ? "" : m->second;
    for (size_t u = 0; u < units.ids.size(); ++u) {
      if (InUnit(units.level, units.ids[u], institution, municipality)) {
        out[u].institutions.insert(institution);
      }
    }
  }
  PUMPURS_RETURN_IF_ERROR(AddYouth(conn, units, semester, out));
  return out;
}

absl::StatusOr<std::vector<RawFigures>> CombinePeriod(
    Connection& conn, const Units& units, const std::vector<Semester>& semesters,
    const std::vector<std::vector<RawFigures>>& by_semester) {
  if (semesters.size() == 1) return by_semester[0];
  std::vector<RawFigures> out(units.ids.size());
  for (size_t u = 0; u < units.ids.size(); ++u) {
    RawFigures& f = out[u];
    for (const std::vector<RawFigures>& sem : by_semester) {
      const RawFigures& g = sem[u];
      for (const auto& [k, v] : g.counts) f.counts[k] += v;
      for (const auto& [k, v] : g.measure_pupils) {
        f.measure_pupils[k] = std::max(f.measure_pupils[k], v);
      }
      f.institutions.insert(g.institutions.begin(), g.institutions.end());
      f.youth.projects += g.youth.projects;
      f.youth.participants += g.youth.participants;
      f.youth.at_risk += g.youth.at_risk;
      f.youth.planned += g.youth.planned;
    }
  }
  // Distinct pupils: a whole school year from its cells; several years by
  // counting the members (slower, but exact).
  const int first = semesters.front().school_year;
  const int last = semesters.back().school_year;
  for (size_t u = 0; u < units.ids.size(); ++u) {
    const std::string scope = ScopeOf(units.level, units.ids[u]);
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare(
            first == last
                ? "SELECT key, pupils FROM stats_year_pupils WHERE "
                  "school_year = ?1 AND scope = ?3"
                : "SELECT key, count(DISTINCT pupil_id) FROM "
                  "stats_year_members WHERE school_year BETWEEN ?1 AND ?2 "
                  "AND scope = ?3 GROUP BY key"));
    s.Bind(1, int64_t{first}).Bind(2, int64_t{last}).Bind(3, scope);
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      if (s.ColumnInt64(1) > 0) out[u].pupils[s.ColumnText(0)] = s.ColumnInt64(1);
    }
  }
  return out;
}

}  // namespace pumpurs::statistics
