#include "server/statistics/indicators.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
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
#include "server/statistics/counters.h"
#include "server/statistics/figures.h"
#include "server/statistics/report.h"

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
              absl::StrCat("must be from first_school_year to ", kMaxYears - 1,
                           " years after it"));
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
  const int trend =
      in.trend_semesters() == 0 ? kDefaultTrend : in.trend_semesters();
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

void Put(v1::Figure* out, double value, bool hidden) {
  out->set_suppressed(hidden);
  out->set_value(hidden ? 0 : value);
}

// One unit's figures in a solved report.
class View {
 public:
  View(const Layout& layout, const Tree& tree, const Report& report, int unit)
      : layout_(layout),
        tree_(tree),
        report_(report),
        unit_(unit),
        v_(report.sheet.values[unit]) {}

  int64_t at(int column) const { return v_[column]; }
  bool hidden(const std::string& row) const {
    return report_.grid.Suppressed(row, unit_);
  }
  void Put(v1::Figure* out, int64_t value, const std::string& row) const {
    statistics::Put(out, static_cast<double>(value), hidden(row));
  }
  void PutCenti(v1::Figure* out, int64_t centi, const std::string& row) const {
    statistics::Put(out, centi / 100.0, hidden(row));
  }
  int64_t plans() const {
    int64_t n = 0;
    for (int s = 1; s <= 8; ++s) n += at(layout_.Plans(s));
    return n;
  }
  // Summed planned and delivered quantity (hundredths) of measures in
  // `unit`.
  std::pair<int64_t, int64_t> Sums(int unit) const {
    std::pair<int64_t, int64_t> s{0, 0};
    for (size_t m = 0; m < layout_.measures.size(); ++m) {
      if (layout_.measures[m].unit != unit) continue;
      s.first += at(layout_.Measure(m, Layout::kPlanned));
      s.second += at(layout_.Measure(m, Layout::kDelivered));
    }
    return s;
  }
  // Involved institutions of the unit: itself or those under it with a
  // supported pupil.
  std::vector<int> Institutions() const {
    std::vector<int> out;
    for (int u = 0; u < tree_.units(); ++u) {
      if (tree_.level[u] != Level::kInstitution) continue;
      if (report_.sheet.values[u][layout_.AllPupils()] == 0) continue;
      if (u == unit_ || tree_.parent[u] == unit_ || unit_ == 0) {
        out.push_back(u);
      }
    }
    return out;
  }

 private:
  const Layout& layout_;
  const Tree& tree_;
  const Report& report_;
  int unit_;
  const std::vector<int64_t>& v_;
};

void FillMeasure(const View& view, const Layout& layout, size_t m,
                 v1::MeasuresOfType* out) {
  const MeasureKind& kind = layout.measures[m];
  const std::string row = MeasureRow(kind.key);
  out->set_measure_type(kind.code.empty() ? "" : "measureTypes/" + kind.code);
  out->set_title_lv(kind.title.lv());
  out->set_title_en(kind.title.en());
  out->set_unit(static_cast<v1::MeasureUnit>(kind.unit));
  view.Put(out->mutable_measures(), view.at(layout.Measure(m, Layout::kCount)),
           row);
  view.PutCenti(out->mutable_planned_quantity(),
                view.at(layout.Measure(m, Layout::kPlanned)), row);
  view.PutCenti(out->mutable_delivered_quantity(),
                view.at(layout.Measure(m, Layout::kDelivered)), row);
  view.PutCenti(out->mutable_planned_cost_eur(),
                view.at(layout.Measure(m, Layout::kCost)), row);
}

void FillPeriod(const View& view, const Layout& layout,
                v1::ProgrammeIndicators* out) {
  view.Put(out->mutable_pupils_supported(), view.at(layout.AllPupils()),
           "pupils");
  for (int s = 1; s <= 8; ++s) {
    v1::PlansInState* p = out->add_plans_by_state();
    p->set_state(static_cast<v1::PlanState>(s));
    view.Put(p->mutable_plans(), view.at(layout.Plans(s)), StateRow(s));
  }
  view.Put(out->mutable_plans_total(), view.plans(), "plans");
  for (int g = 1; g <= 4; ++g) {
    v1::PupilsInRiskGroup* p = out->add_pupils_by_risk_group();
    p->set_group(static_cast<v1::RiskGroup>(g));
    view.Put(p->mutable_pupils(), view.at(layout.Group(g)), GroupKey(g));
  }
  for (size_t f = 0; f < layout.factors.size(); ++f) {
    const Factor& factor = layout.factors[f];
    v1::PupilsWithRiskFactor* p = out->add_pupils_by_risk_factor();
    p->set_risk_factor("riskFactors/" + factor.code);
    p->set_group(static_cast<v1::RiskGroup>(factor.group));
    p->set_title_lv(factor.title.lv());
    p->set_title_en(factor.title.en());
    view.Put(p->mutable_pupils(), view.at(layout.FactorColumn(f)),
             FactorKey(factor.code));
  }
  for (size_t m = 0; m < layout.measures.size(); ++m) {
    // Custom measures of a unit nobody used stay out of the answer.
    if (layout.measures[m].code.empty() &&
        view.at(layout.Measure(m, Layout::kCount)) == 0) {
      continue;
    }
    FillMeasure(view, layout, m, out->add_measures_by_type());
    if (layout.measures[m].unit == v1::MEASURE_UNIT_EUR) {
      FillMeasure(view, layout, m, out->add_compensation_by_type());
    }
  }
  const auto hours = view.Sums(v1::MEASURE_UNIT_HOURS);
  view.PutCenti(out->mutable_hours_planned(), hours.first, "hours");
  view.PutCenti(out->mutable_hours_delivered(), hours.second, "hours");
  const auto eur = view.Sums(v1::MEASURE_UNIT_EUR);
  view.PutCenti(out->mutable_compensation_planned_eur(), eur.first, "eur");
  view.PutCenti(out->mutable_compensation_paid_eur(), eur.second, "eur");
  v1::YouthProjects* y = out->mutable_youth();
  // Projects are not pupils: never suppressed.
  Put(y->mutable_projects(),
      static_cast<double>(view.at(layout.Youth(Layout::kProjects))), false);
  view.Put(y->mutable_participants(),
           view.at(layout.Youth(Layout::kParticipants)), "y:part");
  view.Put(y->mutable_participants_at_risk(),
           view.at(layout.Youth(Layout::kAtRisk)), "y:risk");
  view.Put(y->mutable_planned_participants(),
           view.at(layout.Youth(Layout::kPlannedPeople)), "y:planned");
}

void FillTrend(const Semester& s, const View& view, const Layout& layout,
               v1::SemesterIndicators* out) {
  out->mutable_semester()->set_school_year(s.school_year);
  out->mutable_semester()->set_term(s.term);
  out->set_institutions_involved(static_cast<int>(view.Institutions().size()));
  view.Put(out->mutable_pupils_supported(), view.at(layout.AllPupils()),
           "pupils");
  view.Put(out->mutable_plans(), view.plans(), "plans");
  const auto hours = view.Sums(v1::MEASURE_UNIT_HOURS);
  view.PutCenti(out->mutable_hours_planned(), hours.first, "hours");
  view.PutCenti(out->mutable_hours_delivered(), hours.second, "hours");
  view.PutCenti(out->mutable_compensation_eur(),
                view.Sums(v1::MEASURE_UNIT_EUR).second, "eur");
}

double Percent(int part, int whole) {
  return whole == 0 ? 0 : 100.0 * part / whole;
}

std::string SemesterKey(const Semester& s) {
  return absl::StrCat(s.school_year, "-", s.term);
}

// Solves the suppression of `sheet` over every unit — hiding also what
// `parts` (its semesters' reports) hid, or the period minus the other
// semesters would give it away — and caches the report.
std::shared_ptr<const Report> Solve(Sheet sheet, const Layout& layout,
                                    const Tree& tree,
                                    const std::vector<const Report*>& parts,
                                    const std::string& key,
                                    std::vector<int64_t> versions) {
  auto report = std::make_shared<Report>();
  report->grid = GridOf(layout, tree, sheet);
  for (const Report* part : parts) ForceFrom(report->grid, part->grid);
  report->grid.Run();
  report->sheet = std::move(sheet);
  SharedReportCache().Put(key, std::move(versions), report);
  return report;
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

  PUMPURS_ASSIGN_OR_RETURN(Tree tree, LoadTree(conn));
  PUMPURS_ASSIGN_OR_RETURN(Layout layout, LoadLayout(conn));
  PUMPURS_ASSIGN_OR_RETURN(std::string youth, YouthFingerprint(conn));
  PUMPURS_ASSIGN_OR_RETURN(int64_t token, BuildToken(conn));
  const int self = r.level == Level::kNation ? 0 : tree.Find(r.level, r.id);
  if (self < 0) return NotFoundError(resource);
  // Everything a report depends on besides its semesters' counters.
  const std::string context =
      absl::StrCat(sqlite3_db_filename(conn.raw(), "main"), "|", token, "|",
                   tree.fingerprint, "|", layout.fingerprint, "|", youth);

  // Every semester of the period and the trend, solved on its own (the
  // youth projects read once, and only if a semester is not cached).
  std::map<Semester, std::shared_ptr<const Report>> reports;
  std::map<Semester, int64_t> versions;
  std::optional<std::vector<YouthProject>> projects;
  for (const std::vector<Semester>* list : {&r.period, &r.trend}) {
    for (const Semester& s : *list) {
      if (reports.count(s)) continue;
      PUMPURS_ASSIGN_OR_RETURN(versions[s],
                               SemesterVersion(conn, s.school_year, s.term));
      const std::string key = absl::StrCat(context, "|", SemesterKey(s));
      reports[s] = SharedReportCache().Find(key, {versions[s]});
      if (reports[s] != nullptr) continue;
      if (!projects) {
        PUMPURS_ASSIGN_OR_RETURN(projects, LoadYouthProjects(conn));
      }
      PUMPURS_ASSIGN_OR_RETURN(Sheet sheet,
                               LoadSemester(conn, layout, tree, *projects, s));
      reports[s] =
          Solve(std::move(sheet), layout, tree, {}, key, {versions[s]});
    }
  }
  std::shared_ptr<const Report> period = reports[r.period.front()];
  if (r.period.size() > 1) {
    std::string key = context;
    std::vector<int64_t> period_versions;
    std::vector<const Sheet*> sheets;
    for (const Semester& s : r.period) {
      absl::StrAppend(&key, "|", SemesterKey(s));
      period_versions.push_back(versions[s]);
      sheets.push_back(&reports[s]->sheet);
    }
    period = SharedReportCache().Find(key, period_versions);
    if (period == nullptr) {
      PUMPURS_ASSIGN_OR_RETURN(
          Sheet sheet, CombinePeriod(conn, layout, tree, r.period, sheets));
      std::vector<const Report*> parts;
      for (const Semester& s : r.period) parts.push_back(reports[s].get());
      period = Solve(std::move(sheet), layout, tree, parts, key,
                     std::move(period_versions));
    }
  }

  v1::ProgrammeIndicators out;
  *out.mutable_scope() = request.scope();
  *out.mutable_period() = request.period();
  for (const Semester& s : r.period) {
    v1::Semester* p = out.add_semesters();
    p->set_school_year(s.school_year);
    p->set_term(s.term);
  }
  const View view(layout, tree, *period, self);
  int institutions_total = 0;
  int municipalities_total = 0;
  for (int u = 0; u < tree.units(); ++u) {
    if (tree.level[u] == Level::kInstitution &&
        (self == 0 || u == self || tree.parent[u] == self)) {
      ++institutions_total;
    }
    if (tree.level[u] == Level::kMunicipality && (self == 0 || u == self)) {
      ++municipalities_total;
    }
  }
  if (r.level == Level::kInstitution) municipalities_total = 1;
  if (r.level == Level::kNation) {
    out.set_institutions_target(kInstitutionsTarget);
    out.set_municipalities_target_percent(kMunicipalitiesTargetPercent);
  }
  const std::vector<int> involved = view.Institutions();
  std::set<int> municipalities;
  for (int u : involved) municipalities.insert(tree.parent[u]);
  out.set_institutions_involved(static_cast<int>(involved.size()));
  out.set_institutions_total(institutions_total);
  out.set_institutions_share_percent(
      Percent(static_cast<int>(involved.size()), institutions_total));
  out.set_municipalities_involved(static_cast<int>(municipalities.size()));
  out.set_municipalities_total(municipalities_total);
  out.set_municipalities_share_percent(
      Percent(static_cast<int>(municipalities.size()), municipalities_total));
  FillPeriod(view, layout, &out);
  for (const Semester& s : r.trend) {
    FillTrend(s, View(layout, tree, *reports[s], self), layout,
              out.add_trend());
  }
  auth::AuditRead(call, audit);
  return out;
}

}  // namespace pumpurs::statistics
