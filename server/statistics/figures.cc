#include "server/statistics/figures.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
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

// Adds the youth projects of `semester` to the units they belong to: the
// country, the call's municipality and (a state vocational school's call)
// its institution.
void AddYouth(const Layout& layout, const Tree& tree,
              const std::vector<YouthProject>& projects,
              const Semester& semester, Sheet& sheet) {
  for (const YouthProject& p : projects) {
    if (!(p.semester == semester)) continue;
    const int units[] = {
        0, tree.Find(Level::kMunicipality, p.municipality_id),
        p.institution_id.empty()
            ? -1
            : tree.Find(Level::kInstitution, p.institution_id)};
    for (int u : units) {
      if (u < 0) continue;
      std::vector<int64_t>& v = sheet.values[u];
      v[layout.Youth(Layout::kProjects)] += 1;
      v[layout.Youth(Layout::kPlannedPeople)] += p.planned;
      v[layout.Youth(Layout::kParticipants)] += p.participants;
      v[layout.Youth(Layout::kAtRisk)] += p.at_risk;
    }
  }
}

Sheet EmptySheet(const Layout& layout, const Tree& tree) {
  Sheet s;
  s.values.assign(tree.units(), std::vector<int64_t>(layout.columns(), 0));
  return s;
}

}  // namespace

absl::StatusOr<std::vector<YouthProject>> LoadYouthProjects(Connection& conn) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT i.municipality_id, i.institution_id, i.data, "
                   "c.data FROM initiatives i JOIN initiative_calls c ON "
                   "c.id = i.call_id WHERE i.state IN (4, 6, 7, 8)"));
  std::vector<YouthProject> out;
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
    if (!end) continue;
    YouthProject p;
    p.semester = plans::SemesterOf(*end);
    p.municipality_id = s.ColumnText(0);
    p.institution_id = s.ColumnText(1);
    p.planned = project.planned_participants();
    if (project.has_report() &&
        (project.state() == v1::INITIATIVE_STATE_REPORTED ||
         project.state() == v1::INITIATIVE_STATE_CLOSED)) {
      p.participants = project.report().participants();
      p.at_risk = project.report().participants_at_risk();
    }
    out.push_back(std::move(p));
  }
  return out;
}

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

int Tree::Find(Level l, const std::string& unit_id) const {
  auto it = unit_of_scope.find(ScopeOf(l, unit_id));
  return it == unit_of_scope.end() ? -1 : it->second;
}

absl::StatusOr<Tree> LoadTree(Connection& conn) {
  Tree t;
  t.level.push_back(Level::kNation);
  t.id.push_back("");
  t.parent.push_back(-1);
  t.unit_of_scope[NationalScope()] = 0;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement m,
      conn.Prepare("SELECT id FROM municipalities ORDER BY id"));
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, m.Step());
    if (!row) break;
    t.unit_of_scope[MunicipalityScope(m.ColumnText(0))] = t.units();
    t.level.push_back(Level::kMunicipality);
    t.id.push_back(m.ColumnText(0));
    t.parent.push_back(0);
    absl::StrAppend(&t.fingerprint, m.ColumnText(0), ";");
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement i,
      conn.Prepare("SELECT id, municipality_id FROM institutions ORDER BY "
                   "id"));
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, i.Step());
    if (!row) break;
    const int parent = t.Find(Level::kMunicipality, i.ColumnText(1));
    t.unit_of_scope[InstitutionScope(i.ColumnText(0))] = t.units();
    t.level.push_back(Level::kInstitution);
    t.id.push_back(i.ColumnText(0));
    t.parent.push_back(parent < 0 ? 0 : parent);
    absl::StrAppend(&t.fingerprint, i.ColumnText(0), ">", i.ColumnText(1), ";");
  }
  t.fingerprint =
      absl::StrCat(std::hash<std::string>()(t.fingerprint), "/", t.units());
  return t;
}

int Layout::ColumnOf(const std::string& metric, const std::string& key) const {
  if (metric == kPlans) {
    int state = 0;
    if (!absl::SimpleAtoi(key, &state) || state < 1 || state > 8) return -1;
    return Plans(state);
  }
  if (metric == kPupils) return PupilColumnOf(key);
  MeasureField field;
  if (metric == kMeasures) {
    field = kCount;
  } else if (metric == kMeasurePlans) {
    field = kWithType;
  } else if (metric == kPlannedCenti) {
    field = kPlanned;
  } else if (metric == kDeliveredCenti) {
    field = kDelivered;
  } else if (metric == kPlannedCostCents) {
    field = kCost;
  } else {
    return -1;
  }
  auto it = measure_index.find(key);
  if (it == measure_index.end()) {
    // An unknown type: with the custom measures of its unit.
    const size_t slash = key.rfind('/');
    if (slash == std::string::npos) return -1;
    it = measure_index.find(key.substr(slash));
    if (it == measure_index.end()) return -1;
  }
  return Measure(it->second, field);
}

int Layout::PupilColumnOf(const std::string& key) const {
  if (key == kAllPupils) return AllPupils();
  if (absl::StartsWith(key, "g:")) {
    int g = 0;
    if (!absl::SimpleAtoi(key.substr(2), &g) || g < 1 || g > 4) return -1;
    return Group(g);
  }
  if (absl::StartsWith(key, "f:")) {
    auto it = factor_index.find(key.substr(2));
    return it == factor_index.end() ? -1 : FactorColumn(it->second);
  }
  return -1;
}

absl::StatusOr<Layout> LoadLayout(Connection& conn) {
  Layout t;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement f,
      conn.Prepare("SELECT code, risk_group, data FROM kb_risk_factors "
                   "ORDER BY risk_group, ord, code"));
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, f.Step());
    if (!row) break;
    v1::RiskFactor rf;
    rf.ParseFromString(f.ColumnText(2));
    t.factor_index[f.ColumnText(0)] = static_cast<int>(t.factors.size());
    t.factors.push_back(
        {f.ColumnText(0), static_cast<int>(f.ColumnInt64(1)), rf.title()});
    absl::StrAppend(&t.fingerprint, f.ColumnText(0), ";");
  }
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement m,
      conn.Prepare("SELECT code, data FROM kb_measure_types ORDER BY code"));
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, m.Step());
    if (!row) break;
    v1::MeasureType mt;
    mt.ParseFromString(m.ColumnText(1));
    const std::string code = m.ColumnText(0);
    t.measures.push_back(
        {MeasureKey(code, mt.unit()), code, mt.unit(), mt.title()});
  }
  for (int unit : {v1::MEASURE_UNIT_HOURS, v1::MEASURE_UNIT_SESSIONS,
                   v1::MEASURE_UNIT_EUR}) {
    MeasureKind custom;
    custom.key = MeasureKey("", unit);
    custom.unit = unit;
    custom.title.set_lv("Citi pasākumi");
    custom.title.set_en("Other measures");
    t.measures.push_back(custom);
  }
  for (size_t i = 0; i < t.measures.size(); ++i) {
    t.measure_index[t.measures[i].key] = static_cast<int>(i);
    absl::StrAppend(&t.fingerprint, t.measures[i].key, ";");
  }
  t.fingerprint = absl::StrCat(std::hash<std::string>()(t.fingerprint));
  return t;
}

absl::StatusOr<Sheet> LoadSemester(Connection& conn, const Layout& layout,
                                   const Tree& tree,
                                   const std::vector<YouthProject>& youth,
                                   const Semester& semester) {
  Sheet sheet = EmptySheet(layout, tree);
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT scope, metric, key, value FROM stats_counts WHERE "
                   "school_year = ? AND term = ?"));
  s.Bind(1, int64_t{semester.school_year}).Bind(2, int64_t{semester.term});
  std::vector<bool> with_type(layout.columns(), false);
  for (size_t m = 0; m < layout.measures.size(); ++m) {
    with_type[layout.Measure(m, Layout::kWithType)] = true;
  }
  // Tens of thousands of rows per semester: no copies, and each distinct
  // (metric, key) resolved to its column once.
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, int>>
      columns;
  std::string last_scope;
  int unit = -1;
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const absl::string_view scope = s.ColumnView(0);
    if (scope != last_scope) {
      last_scope = std::string(scope);
      auto it = tree.unit_of_scope.find(last_scope);
      unit = it == tree.unit_of_scope.end() ? -1 : it->second;
    }
    if (unit < 0) continue;  // e.g. an institution no longer listed
    const absl::string_view metric = s.ColumnView(1);
    const absl::string_view key = s.ColumnView(2);
    auto m = columns.find(metric);
    if (m == columns.end()) m = columns.try_emplace(std::string(metric)).first;
    auto k = m->second.find(key);
    if (k == m->second.end()) {
      k = m->second
              .emplace(key,
                       layout.ColumnOf(std::string(metric), std::string(key)))
              .first;
    }
    const int column = k->second;
    if (column < 0) continue;
    // One supported plan per pupil per semester: "pupils" counters are
    // pupils, and so are the plans with a measure type. Unknown types share
    // their unit's custom column: one plan may have several of them, so
    // its pupils are at least the most of any one (a lower bound only
    // hides more); the other figures add up.
    int64_t& cell = sheet.values[unit][column];
    const int64_t value = s.ColumnInt64(3);
    cell = with_type[column] ? std::max(cell, value) : cell + value;
  }
  AddYouth(layout, tree, youth, semester, sheet);
  return sheet;
}

absl::StatusOr<Sheet> CombinePeriod(Connection& conn, const Layout& layout,
                                    const Tree& tree,
                                    const std::vector<Semester>& semesters,
                                    const std::vector<const Sheet*>& sheets) {
  if (sheets.size() == 1) return *sheets[0];
  Sheet out = EmptySheet(layout, tree);
  std::vector<bool> max_column(layout.columns(), false);
  for (size_t m = 0; m < layout.measures.size(); ++m) {
    max_column[layout.Measure(m, Layout::kWithType)] = true;
  }
  for (const Sheet* sheet : sheets) {
    for (int u = 0; u < tree.units(); ++u) {
      std::vector<int64_t>& to = out.values[u];
      const std::vector<int64_t>& from = sheet->values[u];
      for (int c = 0; c < layout.columns(); ++c) {
        // Pupils with a measure type over several semesters: at least the
        // most of any one semester.
        to[c] = max_column[c] ? std::max(to[c], from[c]) : to[c] + from[c];
      }
    }
  }
  // Distinct pupils are not sums of semesters: a whole school year from its
  // cells; several years by counting the members (slower, but exact).
  for (int u = 0; u < tree.units(); ++u) {
    std::vector<int64_t>& v = out.values[u];
    v[layout.AllPupils()] = 0;
    for (int g = 1; g <= 4; ++g) v[layout.Group(g)] = 0;
    for (size_t f = 0; f < layout.factors.size(); ++f) {
      v[layout.FactorColumn(f)] = 0;
    }
  }
  const int first = semesters.front().school_year;
  const int last = semesters.back().school_year;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare(first == last
                       ? "SELECT scope, key, pupils FROM stats_year_pupils "
                         "WHERE school_year = ?1 AND ?2 = ?2"
                       : "SELECT scope, key, count(DISTINCT pupil_id) FROM "
                         "stats_year_members WHERE school_year BETWEEN ?1 "
                         "AND ?2 GROUP BY scope, key"));
  s.Bind(1, int64_t{first}).Bind(2, int64_t{last});
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    auto it = tree.unit_of_scope.find(s.ColumnText(0));
    if (it == tree.unit_of_scope.end()) continue;
    const int column = layout.PupilColumnOf(s.ColumnText(1));
    if (column >= 0) out.values[it->second][column] = s.ColumnInt64(2);
  }
  return out;
}

absl::StatusOr<std::string> YouthFingerprint(Connection& conn) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT (SELECT count(*) || '.' || coalesce(sum(version), "
                   "0) || '.' || coalesce(max(update_time), 0) FROM "
                   "initiatives), (SELECT count(*) || '.' || "
                   "coalesce(sum(version), 0) FROM initiative_calls)"));
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::string();
  return absl::StrCat(s.ColumnText(0), "/", s.ColumnText(1));
}

}  // namespace pumpurs::statistics
