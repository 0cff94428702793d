#include "server/statistics/indicators.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/auth/audited_access.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/plans/semester.h"
#include "server/statistics/contribution.h"
#include "server/statistics/figures.h"
#include "server/statistics/suppression.h"

namespace pumpurs::statistics {
namespace {

namespace v1 = ::pumpurs::v1;
using plans::Semester;
using storage::Connection;

constexpr int kDefaultTrend = 8;
constexpr int kMaxTrend = 16;
constexpr int kMaxYears = 10;
constexpr int kInstitutionsTarget = 600;
constexpr int kMunicipalitiesTargetPercent = 80;

struct Request {
  Level level = Level::kNation;
  std::string id;               // municipality or institution id
  std::string municipality_id;  // of the institution
  std::vector<Semester> period;
  std::vector<Semester> trend;
};

std::vector<Semester> YearsOf(int first, int last) {
  std::vector<Semester> out;
  for (int y = first; y <= last; ++y) {
    out.push_back({y, 1});
    out.push_back({y, 2});
  }
  return out;
}

Semester Previous(const Semester& s) {
  return s.term == 2 ? Semester{s.school_year, 1}
                     : Semester{s.school_year - 1, 2};
}

absl::StatusOr<bool> Exists(Connection& conn, const char* sql,
                            const std::string& id) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s, conn.Prepare(sql));
  s.Bind(1, id);
  return s.Step();
}

absl::StatusOr<Request> Parse(Connection& conn,
                              const v1::GetProgrammeIndicatorsRequest& in) {
  Violations v;
  Request r;
  const v1::StatisticsScope& scope = in.scope();
  if (!scope.municipality().empty() && !scope.institution().empty()) {
    v.Add("scope", "set municipality or institution, not both");
  } else if (!scope.municipality().empty()) {
    absl::StatusOr<std::string> id = ParseResourceName(
        scope.municipality(), "municipalities", "scope.municipality");
    if (id.ok()) {
      r.level = Level::kMunicipality;
      r.id = *id;
    } else {
      v.Add("scope.municipality", "must be municipalities/{id}");
    }
  } else if (!scope.institution().empty()) {
    absl::StatusOr<std::string> id = ParseResourceName(
        scope.institution(), "institutions", "scope.institution");
    if (id.ok()) {
      r.level = Level::kInstitution;
      r.id = *id;
    } else {
      v.Add("scope.institution", "must be institutions/{id}");
    }
  }
  const v1::StatisticsPeriod& p = in.period();
  switch (p.period_case()) {
    case v1::StatisticsPeriod::kSemester: {
      const Semester s{p.semester().school_year(), p.semester().term()};
      CheckSemester(v, "period.semester", s);
      r.period = {s};
      break;
    }
    case v1::StatisticsPeriod::kSchoolYear:
      if (p.school_year() < 2000 || p.school_year() > 2100) {
        v.Add("period.school_year",
              "must be the year the school year starts in, 2000 to 2100");
      } else {
        r.period = YearsOf(p.school_year(), p.school_year());
      }
      break;
    case v1::StatisticsPeriod::kSchoolYears: {
      const int first = p.school_years().first_school_year();
      const int last = p.school_years().last_school_year();
      if (first < 2000 || first > 2100) {
        v.Add("period.school_years.first_school_year", "must be 2000 to 2100");
      } else if (last < first || last - first >= kMaxYears) {
        v.Add("period.school_years.last_school_year",
              absl::StrCat("must be from first_school_year to ",
                           kMaxYears - 1, " years after it"));
      } else {
        r.period = YearsOf(first, last);
      }
      break;
    }
    case v1::StatisticsPeriod::PERIOD_NOT_SET:
      v.Add("period", "required: a semester, a school year or school years");
      break;
  }
  if (in.trend_semesters() < 0 || in.trend_semesters() > kMaxTrend) {
    v.Add("trend_semesters", absl::StrCat("must be 0 to ", kMaxTrend));
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  const int trend = in.trend_semesters() == 0 ? kDefaultTrend
                                              : in.trend_semesters();
  Semester s = r.period.back();
  for (int i = 0; i < trend; ++i, s = Previous(s)) r.trend.push_back(s);
  std::reverse(r.trend.begin(), r.trend.end());
  if (r.level == Level::kMunicipality) {
    PUMPURS_ASSIGN_OR_RETURN(
        bool found,
        Exists(conn, "SELECT 1 FROM municipalities WHERE id = ?", r.id));
    if (!found) return NotFoundError(scope.municipality());
  }
  if (r.level == Level::kInstitution) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement st,
        conn.Prepare("SELECT municipality_id FROM institutions WHERE id = ?"));
    st.Bind(1, r.id);
    PUMPURS_ASSIGN_OR_RETURN(bool found, st.Step());
    if (!found) return NotFoundError(scope.institution());
    r.municipality_id = st.ColumnText(0);
  }
  return r;
}

auth::Target TargetOf(const Request& r) {
  auth::Target t;
  if (r.level == Level::kMunicipality) t.municipality_id = r.id;
  if (r.level == Level::kInstitution) {
    t.institution_id = r.id;
    t.municipality_id = r.municipality_id;
  }
  return t;
}

// The unit asked about and its siblings.
Units UnitsOf(const Request& r, const Directory& dir) {
  Units u;
  u.level = r.level;
  switch (r.level) {
    case Level::kNation:
      u.ids = {""};
      break;
    case Level::kMunicipality:
      u.ids = dir.municipalities;
      break;
    case Level::kInstitution:
      for (const auto& [inst, mun] : dir.municipality_of) {
        if (mun == r.municipality_id) u.ids.push_back(inst);
      }
      break;
  }
  const auto it = std::find(u.ids.begin(), u.ids.end(), r.id);
  u.self = it == u.ids.end() ? 0 : static_cast<int>(it - u.ids.begin());
  return u;
}

struct Factor {
  std::string code;
  int group = 0;
  v1::LocalizedText title;
};
struct MeasureKind {
  std::string key;  // MeasureKey()
  std::string code;
  int unit = 0;
  v1::LocalizedText title;
};
struct Taxonomy {
  std::vector<Factor> factors;  // by group, order
  std::vector<MeasureKind> measures;
};

absl::StatusOr<Taxonomy> LoadTaxonomy(Connection& conn) {
  Taxonomy t;
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement f,
      conn.Prepare("SELECT code, risk_group, data FROM kb_risk_factors "
                   "ORDER BY risk_group, ord, code"));
  while (true) {
    PUMPURS_ASSIGN_OR_RETURN(bool row, f.Step());
    if (!row) break;
    v1::RiskFactor rf;
    rf.ParseFromString(f.ColumnText(2));
    t.factors.push_back({f.ColumnText(0), static_cast<int>(f.ColumnInt64(1)),
                         rf.title()});
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
  return t;
}

// Custom measures (and types whose unit was changed since) appear as the
// keys the counters hold; add them after the knowledge base's types.
void AddMeasureKeysOf(const std::vector<RawFigures>& figures, Taxonomy& t) {
  std::set<std::string> known;
  for (const MeasureKind& m : t.measures) known.insert(m.key);
  std::set<std::string> extra;
  for (const RawFigures& f : figures) {
    for (const auto& [k, v] : f.counts) {
      if (k.first == kMeasures && !known.count(k.second)) extra.insert(k.second);
    }
  }
  for (const std::string& key : extra) {
    const size_t slash = key.rfind('/');
    MeasureKind m;
    m.key = key;
    m.code = key.substr(0, slash);
    m.unit = std::atoi(key.c_str() + slash + 1);
    if (m.code.empty()) {
      m.title.set_lv("Citi pasākumi");
      m.title.set_en("Other measures");
    } else {
      m.title.set_lv(m.code);
      m.title.set_en(m.code);
    }
    t.measures.push_back(m);
  }
}

std::string MeasureRow(const std::string& key) { return "t:" + key; }
std::string StateRow(int state) { return absl::StrCat("s:", state); }

// The rows of a report for every unit, with its constraints.
SuppressionGrid GridOf(const std::vector<RawFigures>& figures,
                       const Taxonomy& t) {
  SuppressionGrid grid(static_cast<int>(figures.size()));
  auto pupils = [](const RawFigures& f, const std::string& key) -> int64_t {
    auto it = f.pupils.find(key);
    return it == f.pupils.end() ? 0 : it->second;
  };
  std::vector<std::string> groups, states, hours, eur;
  std::map<int, std::vector<std::string>> factors_of;
  for (int g = v1::RISK_GROUP_LEARNING_AND_SCHOOL; g <= v1::RISK_GROUP_FAMILY;
       ++g) {
    groups.push_back(GroupKey(g));
  }
  for (int s = v1::PLAN_STATE_DRAFT; s <= v1::PLAN_STATE_CLOSED; ++s) {
    states.push_back(StateRow(s));
  }
  for (const Factor& f : t.factors) {
    factors_of[f.group].push_back(FactorKey(f.code));
  }
  for (const MeasureKind& m : t.measures) {
    if (m.unit == v1::MEASURE_UNIT_HOURS) hours.push_back(MeasureRow(m.key));
    if (m.unit == v1::MEASURE_UNIT_EUR) eur.push_back(MeasureRow(m.key));
  }
  for (size_t u = 0; u < figures.size(); ++u) {
    const RawFigures& f = figures[u];
    const int unit = static_cast<int>(u);
    grid.Set("pupils", unit, pupils(f, kAllPupils));
    for (const std::string& g : groups) grid.Set(g, unit, pupils(f, g));
    for (const Factor& factor : t.factors) {
      grid.Set(FactorKey(factor.code), unit, pupils(f, FactorKey(factor.code)));
    }
    int64_t plans = 0;
    for (int s = v1::PLAN_STATE_DRAFT; s <= v1::PLAN_STATE_CLOSED; ++s) {
      const int64_t n = f.Count(kPlans, absl::StrCat(s));
      grid.Set(StateRow(s), unit, n);
      plans += n;
    }
    grid.Set("plans", unit, plans);
    int64_t hour_pupils = 0, eur_pupils = 0;
    for (const MeasureKind& m : t.measures) {
      auto it = f.measure_pupils.find(m.key);
      const int64_t n = it == f.measure_pupils.end() ? 0 : it->second;
      grid.Set(MeasureRow(m.key), unit, n);
      if (m.unit == v1::MEASURE_UNIT_HOURS) hour_pupils = std::max(hour_pupils, n);
      if (m.unit == v1::MEASURE_UNIT_EUR) eur_pupils = std::max(eur_pupils, n);
    }
    grid.Set("hours", unit, hour_pupils);
    grid.Set("eur", unit, eur_pupils);
    grid.Set("y:part", unit, f.youth.participants);
    grid.Set("y:risk", unit, f.youth.at_risk);
    grid.Set("y:planned", unit, f.youth.planned);
  }
  grid.AddConstraint("pupils", groups);
  for (const auto& [g, codes] : factors_of) grid.AddConstraint(GroupKey(g), codes);
  grid.AddConstraint("plans", states);
  grid.AddConstraint("hours", hours);
  grid.AddConstraint("eur", eur);
  return grid;
}

void Put(v1::Figure* out, double value, bool hidden) {
  out->set_suppressed(hidden);
  out->set_value(hidden ? 0 : value);
}

struct Sums {
  int64_t planned = 0, delivered = 0;  // hundredths of the unit
};
Sums SumsOf(const RawFigures& f, const Taxonomy& t, int unit) {
  Sums s;
  for (const MeasureKind& m : t.measures) {
    if (m.unit != unit) continue;
    s.planned += f.Count(kPlannedCenti, m.key);
    s.delivered += f.Count(kDeliveredCenti, m.key);
  }
  return s;
}

void FillMeasure(const RawFigures& f, const MeasureKind& m, bool hidden,
                 v1::MeasuresOfType* out) {
  out->set_measure_type(m.code.empty() ? "" : "measureTypes/" + m.code);
  out->set_title_lv(m.title.lv());
  out->set_title_en(m.title.en());
  out->set_unit(static_cast<v1::MeasureUnit>(m.unit));
  Put(out->mutable_measures(), f.Count(kMeasures, m.key), hidden);
  Put(out->mutable_planned_quantity(), f.Count(kPlannedCenti, m.key) / 100.0,
      hidden);
  Put(out->mutable_delivered_quantity(),
      f.Count(kDeliveredCenti, m.key) / 100.0, hidden);
  Put(out->mutable_planned_cost_eur(),
      f.Count(kPlannedCostCents, m.key) / 100.0, hidden);
}

void FillPeriod(const RawFigures& f, const SuppressionGrid& grid, int u,
                const Taxonomy& t, v1::ProgrammeIndicators* out) {
  auto hidden = [&](const std::string& row) { return grid.Suppressed(row, u); };
  auto pupils = [&](const std::string& key) -> double {
    auto it = f.pupils.find(key);
    return it == f.pupils.end() ? 0 : static_cast<double>(it->second);
  };
  Put(out->mutable_pupils_supported(), pupils(kAllPupils), hidden("pupils"));
  int64_t plans = 0;
  for (int s = v1::PLAN_STATE_DRAFT; s <= v1::PLAN_STATE_CLOSED; ++s) {
    const int64_t n = f.Count(kPlans, absl::StrCat(s));
    plans += n;
    v1::PlansInState* p = out->add_plans_by_state();
    p->set_state(static_cast<v1::PlanState>(s));
    Put(p->mutable_plans(), n, hidden(StateRow(s)));
  }
  Put(out->mutable_plans_total(), plans, hidden("plans"));
  for (int g = v1::RISK_GROUP_LEARNING_AND_SCHOOL; g <= v1::RISK_GROUP_FAMILY;
       ++g) {
    v1::PupilsInRiskGroup* p = out->add_pupils_by_risk_group();
    p->set_group(static_cast<v1::RiskGroup>(g));
    Put(p->mutable_pupils(), pupils(GroupKey(g)), hidden(GroupKey(g)));
  }
  for (const Factor& factor : t.factors) {
    v1::PupilsWithRiskFactor* p = out->add_pupils_by_risk_factor();
    p->set_risk_factor("riskFactors/" + factor.code);
    p->set_group(static_cast<v1::RiskGroup>(factor.group));
    p->set_title_lv(factor.title.lv());
    p->set_title_en(factor.title.en());
    Put(p->mutable_pupils(), pupils(FactorKey(factor.code)),
        hidden(FactorKey(factor.code)));
  }
  for (const MeasureKind& m : t.measures) {
    const bool h = hidden(MeasureRow(m.key));
    FillMeasure(f, m, h, out->add_measures_by_type());
    if (m.unit == v1::MEASURE_UNIT_EUR) {
      FillMeasure(f, m, h, out->add_compensation_by_type());
    }
  }
  const Sums hours = SumsOf(f, t, v1::MEASURE_UNIT_HOURS);
  Put(out->mutable_hours_planned(), hours.planned / 100.0, hidden("hours"));
  Put(out->mutable_hours_delivered(), hours.delivered / 100.0, hidden("hours"));
  const Sums eur = SumsOf(f, t, v1::MEASURE_UNIT_EUR);
  Put(out->mutable_compensation_planned_eur(), eur.planned / 100.0,
      hidden("eur"));
  Put(out->mutable_compensation_paid_eur(), eur.delivered / 100.0,
      hidden("eur"));
  v1::YouthProjects* y = out->mutable_youth();
  // Projects are not pupils: never suppressed.
  Put(y->mutable_projects(), f.youth.projects, false);
  Put(y->mutable_participants(), f.youth.participants, hidden("y:part"));
  Put(y->mutable_participants_at_risk(), f.youth.at_risk, hidden("y:risk"));
  Put(y->mutable_planned_participants(), f.youth.planned,
      hidden("y:planned"));
}

void FillTrend(const Semester& s, const RawFigures& f,
               const SuppressionGrid& grid, int u, const Taxonomy& t,
               v1::SemesterIndicators* out) {
  auto hidden = [&](const std::string& row) { return grid.Suppressed(row, u); };
  out->mutable_semester()->set_school_year(s.school_year);
  out->mutable_semester()->set_term(s.term);
  out->set_institutions_involved(static_cast<int>(f.institutions.size()));
  auto it = f.pupils.find(kAllPupils);
  Put(out->mutable_pupils_supported(), it == f.pupils.end() ? 0 : it->second,
      hidden("pupils"));
  int64_t plans = 0;
  for (int st = v1::PLAN_STATE_DRAFT; st <= v1::PLAN_STATE_CLOSED; ++st) {
    plans += f.Count(kPlans, absl::StrCat(st));
  }
  Put(out->mutable_plans(), plans, hidden("plans"));
  const Sums hours = SumsOf(f, t, v1::MEASURE_UNIT_HOURS);
  Put(out->mutable_hours_planned(), hours.planned / 100.0, hidden("hours"));
  Put(out->mutable_hours_delivered(), hours.delivered / 100.0, hidden("hours"));
  Put(out->mutable_compensation_eur(),
      SumsOf(f, t, v1::MEASURE_UNIT_EUR).delivered / 100.0, hidden("eur"));
}

double Percent(int part, int whole) {
  return whole == 0 ? 0 : 100.0 * part / whole;
}

}  // namespace

absl::StatusOr<v1::ProgrammeIndicators> GetProgrammeIndicators(
    Connection& conn, const CallContext& call,
    const v1::GetProgrammeIndicatorsRequest& request) {
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, nullptr));
  PUMPURS_ASSIGN_OR_RETURN(Request r, Parse(conn, request));
  const auth::Target target = TargetOf(r);
  const std::string resource =
      r.level == Level::kNation ? "programmeIndicators"
      : r.level == Level::kMunicipality
          ? "programmeIndicators/" + request.scope().municipality()
          : "programmeIndicators/" + request.scope().institution();
  const AuditEvent audit = auth::Event("statistics.read", resource, target);
  PUMPURS_RETURN_IF_ERROR(
      auth::Allow(call, auth::Action::kStatisticsRead, target, &audit));

  PUMPURS_ASSIGN_OR_RETURN(Directory dir, LoadDirectory(conn));
  PUMPURS_ASSIGN_OR_RETURN(Taxonomy taxonomy, LoadTaxonomy(conn));
  const Units units = UnitsOf(r, dir);

  // Every semester of the period and the trend, suppressed on its own.
  std::map<Semester, std::vector<RawFigures>> raw;
  for (const std::vector<Semester>* list : {&r.period, &r.trend}) {
    for (const Semester& s : *list) {
      if (raw.count(s)) continue;
      PUMPURS_ASSIGN_OR_RETURN(raw[s], LoadSemester(conn, dir, units, s));
    }
  }
  for (const auto& [s, figures] : raw) AddMeasureKeysOf(figures, taxonomy);
  std::map<Semester, SuppressionGrid> grids;
  for (const auto& [s, figures] : raw) {
    SuppressionGrid grid = GridOf(figures, taxonomy);
    grid.Run();
    grids.emplace(s, std::move(grid));
  }
  std::vector<std::vector<RawFigures>> period_raw;
  for (const Semester& s : r.period) period_raw.push_back(raw[s]);
  PUMPURS_ASSIGN_OR_RETURN(std::vector<RawFigures> figures,
                           CombinePeriod(conn, units, r.period, period_raw));
  SuppressionGrid grid = GridOf(figures, taxonomy);
  if (r.period.size() > 1) {
    // A figure hidden in one semester stays hidden in any period with it,
    // or the period minus the other semesters would give it away.
    std::vector<std::string> rows = {"pupils", "plans", "hours", "eur",
                                     "y:part", "y:risk", "y:planned"};
    for (int g = 1; g <= v1::RISK_GROUP_FAMILY; ++g) rows.push_back(GroupKey(g));
    for (int s = 1; s <= v1::PLAN_STATE_CLOSED; ++s) rows.push_back(StateRow(s));
    for (const Factor& f : taxonomy.factors) rows.push_back(FactorKey(f.code));
    for (const MeasureKind& m : taxonomy.measures) {
      rows.push_back(MeasureRow(m.key));
    }
    for (const Semester& s : r.period) {
      const SuppressionGrid& sg = grids.at(s);
      for (const std::string& row : rows) {
        for (int u = 0; u < static_cast<int>(units.ids.size()); ++u) {
          if (sg.Suppressed(row, u)) grid.Force(row, u);
        }
      }
    }
  }
  grid.Run();

  v1::ProgrammeIndicators out;
  *out.mutable_scope() = request.scope();
  *out.mutable_period() = request.period();
  for (const Semester& s : r.period) {
    v1::Semester* p = out.add_semesters();
    p->set_school_year(s.school_year);
    p->set_term(s.term);
  }
  const RawFigures& mine = figures[units.self];
  int institutions_total = 0;
  int municipalities_total = 0;
  switch (r.level) {
    case Level::kNation:
      institutions_total = static_cast<int>(dir.municipality_of.size());
      municipalities_total = static_cast<int>(dir.municipalities.size());
      out.set_institutions_target(kInstitutionsTarget);
      out.set_municipalities_target_percent(kMunicipalitiesTargetPercent);
      break;
    case Level::kMunicipality:
      for (const auto& [inst, mun] : dir.municipality_of) {
        if (mun == r.id) ++institutions_total;
      }
      municipalities_total = 1;
      break;
    case Level::kInstitution:
      institutions_total = 1;
      municipalities_total = 1;
      break;
  }
  std::set<std::string> municipalities;
  for (const std::string& inst : mine.institutions) {
    municipalities.insert(dir.municipality_of[inst]);
  }
  const int involved = static_cast<int>(mine.institutions.size());
  out.set_institutions_involved(involved);
  out.set_institutions_total(institutions_total);
  out.set_institutions_share_percent(Percent(involved, institutions_total));
  out.set_municipalities_involved(static_cast<int>(municipalities.size()));
  out.set_municipalities_total(municipalities_total);
  out.set_municipalities_share_percent(Percent(
      static_cast<int>(municipalities.size()), municipalities_total));
  FillPeriod(mine, grid, units.self, taxonomy, &out);
  for (const Semester& s : r.trend) {
    FillTrend(s, raw.at(s)[units.self], grids.at(s), units.self, taxonomy,
              out.add_trend());
  }
  auth::AuditRead(call, audit);
  return out;
}

}  // namespace pumpurs::statistics
