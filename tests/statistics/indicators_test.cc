// Programme indicators (server/statistics/indicators.h) against figures
// computed here, in plain C++, from a generated data set: three
// municipalities, eight institutions (big ones and ones so small that
// suppression must happen), a few hundred pupils, plans over four semesters
// in every state with random risks of the knowledge base's taxonomy and
// random measures (planned and delivered), written through the real plan
// writer (InsertPlan / SavePlan, so the counters are kept the real way),
// and youth-initiative projects. For the country, a municipality and
// institutions, for a semester, a school year and two school years:
//  - every figure shown equals the independent figure exactly, every figure
//    with 1 to 4 pupils behind it is suppressed, a suppressed one holds 0;
//  - no suppressed cell can be recovered: within a table (plans by state
//    against the total, risk groups against pupils, factors against their
//    group, measures in hours or euros against the totals), across sibling
//    units (the institutions of a municipality, the municipalities), and
//    over time (a school year hides what one of its semesters hides);
//  - requests are validated (INVALID_ARGUMENT naming the field) and unknown
//    scopes are NOT_FOUND.

#include "server/statistics/indicators.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "pumpurs/v1/statistics.pb.h"
#include "pumpurs/v1/youth_initiative.pb.h"
#include "server/common/ids.h"
#include "server/initiatives/store.h"
#include "server/knowledge/seed_loader.h"
#include "server/plans/semester.h"
#include "server/plans/store.h"
#include "server/statistics/figures.h"
#include "tests/directory/people_fixture.h"

namespace pumpurs::statistics {
namespace {

namespace v1 = ::pumpurs::v1;
using plans::Semester;
using plans::StoredPlan;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;

// Support given: approved, being implemented, suspended, under revision,
// closed (the proto's definition, restated here on purpose).
bool Supported(int state) {
  return state == 3 || state == 4 || state == 5 || state == 6 || state == 8;
}

// ---------------------------------------------------------------------------
// The generated data, as kept in memory.

struct Risk {
  std::string code;
  int group = 0;
};
struct Measure {
  std::string type;  // code, "" for a custom measure
  int unit = 0;
  int64_t planned_centi = 0;    // quantity × 100
  int64_t delivered_centi = 0;  // quantity × 100
  int64_t cost_cents = 0;
  // Recorded in another unit than the knowledge base's type has now: the
  // server reports it with the custom measures of that unit.
  bool unit_changed = false;
  std::string Key() const {
    return absl::StrCat(unit_changed ? "" : type, "/", unit);
  }
};
struct Plan {
  std::string pupil, institution, municipality;
  Semester semester;
  int state = 0;
  std::vector<Risk> risks;
  std::vector<Measure> measures;
};
struct Project {
  std::string municipality, institution;  // the call's
  Semester semester;                      // of the call's application_end
  int state = 0;
  int planned = 0;
  bool has_report = false;
  int participants = 0, at_risk = 0;
};

// A scope: the country, a municipality or an institution.
struct Scope {
  Level level = Level::kNation;
  std::string id;
  bool Contains(const std::string& institution,
                const std::string& municipality) const {
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
};

// What a figure must be: its value and how many pupils (plans, for plans
// by state; participants, for youth) are behind it.
struct Want {
  double value = 0;
  int64_t pupils = 0;
};
using Wants = std::map<std::string, Want>;

struct WantCounts {
  int institutions_involved = 0;
  int institutions_total = 0;
  int municipalities_involved = 0;
  int municipalities_total = 0;
};

double Hundredths(int64_t v) { return static_cast<double>(v) / 100.0; }

std::string SemesterKey(const Semester& s) {
  return absl::StrCat(s.school_year, "-", s.term);
}

// The figures of `plans` (already of the scope and the semesters wanted).
void AddPlanFigures(const std::vector<const Plan*>& plans, Wants& out) {
  int64_t total = 0;
  std::map<int, int64_t> by_state;
  std::set<std::string> pupils, hour_pupils, eur_pupils;
  std::map<int, std::set<std::string>> groups;
  std::map<std::string, std::set<std::string>> factors;
  struct M {
    int64_t count = 0, planned = 0, delivered = 0, cost = 0;
    std::set<std::string> pupils;
  };
  std::map<std::string, M> measures;
  int64_t hours_planned = 0, hours_delivered = 0, eur_planned = 0, eur_paid = 0;
  for (const Plan* p : plans) {
    ++total;
    ++by_state[p->state];
    if (!Supported(p->state)) continue;
    pupils.insert(p->pupil);
    for (const Risk& r : p->risks) {
      groups[r.group].insert(p->pupil);
      factors[r.code].insert(p->pupil);
    }
    for (const Measure& m : p->measures) {
      M& agg = measures[m.Key()];
      ++agg.count;
      agg.planned += m.planned_centi;
      agg.delivered += m.delivered_centi;
      agg.cost += m.cost_cents;
      agg.pupils.insert(p->pupil);
      if (m.unit == v1::MEASURE_UNIT_HOURS) {
        hours_planned += m.planned_centi;
        hours_delivered += m.delivered_centi;
        hour_pupils.insert(p->pupil);
      }
      if (m.unit == v1::MEASURE_UNIT_EUR) {
        eur_planned += m.planned_centi;
        eur_paid += m.delivered_centi;
        eur_pupils.insert(p->pupil);
      }
    }
  }
  auto count = [](int64_t n) { return Want{static_cast<double>(n), n}; };
  out["plans"] = count(total);
  for (const auto& [state, n] : by_state) {
    out[absl::StrCat("state/", state)] = count(n);
  }
  out["pupils"] = count(static_cast<int64_t>(pupils.size()));
  for (const auto& [g, set] : groups) {
    out[absl::StrCat("group/", g)] = count(static_cast<int64_t>(set.size()));
  }
  for (const auto& [code, set] : factors) {
    out["factor/" + code] = count(static_cast<int64_t>(set.size()));
  }
  for (const auto& [key, m] : measures) {
    const int64_t n = static_cast<int64_t>(m.pupils.size());
    out["measure/" + key + "/count"] = {static_cast<double>(m.count), n};
    out["measure/" + key + "/planned"] = {Hundredths(m.planned), n};
    out["measure/" + key + "/delivered"] = {Hundredths(m.delivered), n};
    out["measure/" + key + "/cost"] = {Hundredths(m.cost), n};
  }
  const int64_t h = static_cast<int64_t>(hour_pupils.size());
  const int64_t e = static_cast<int64_t>(eur_pupils.size());
  out["hours/planned"] = {Hundredths(hours_planned), h};
  out["hours/delivered"] = {Hundredths(hours_delivered), h};
  out["eur/planned"] = {Hundredths(eur_planned), e};
  out["eur/paid"] = {Hundredths(eur_paid), e};
}

// ---------------------------------------------------------------------------
// The answer, flattened: one entry per figure, named as the wants are.

using Flat = std::map<std::string, v1::Figure>;

std::string MeasureKeyOf(const v1::MeasuresOfType& m) {
  return absl::StrCat(absl::StripPrefix(m.measure_type(), "measureTypes/"), "/",
                      static_cast<int>(m.unit()));
}

Flat Flatten(const v1::ProgrammeIndicators& r) {
  Flat f;
  f["pupils"] = r.pupils_supported();
  f["plans"] = r.plans_total();
  for (const v1::PlansInState& s : r.plans_by_state()) {
    f[absl::StrCat("state/", static_cast<int>(s.state()))] = s.plans();
  }
  for (const v1::PupilsInRiskGroup& g : r.pupils_by_risk_group()) {
    f[absl::StrCat("group/", static_cast<int>(g.group()))] = g.pupils();
  }
  for (const v1::PupilsWithRiskFactor& rf : r.pupils_by_risk_factor()) {
    f["factor/" + std::string(absl::StripPrefix(rf.risk_factor(),
                                                "riskFactors/"))] = rf.pupils();
  }
  for (const v1::MeasuresOfType& m : r.measures_by_type()) {
    const std::string key = "measure/" + MeasureKeyOf(m);
    f[key + "/count"] = m.measures();
    f[key + "/planned"] = m.planned_quantity();
    f[key + "/delivered"] = m.delivered_quantity();
    f[key + "/cost"] = m.planned_cost_eur();
  }
  f["hours/planned"] = r.hours_planned();
  f["hours/delivered"] = r.hours_delivered();
  f["eur/planned"] = r.compensation_planned_eur();
  f["eur/paid"] = r.compensation_paid_eur();
  f["youth/projects"] = r.youth().projects();
  f["youth/participants"] = r.youth().participants();
  f["youth/at_risk"] = r.youth().participants_at_risk();
  f["youth/planned"] = r.youth().planned_participants();
  for (const v1::SemesterIndicators& t : r.trend()) {
    const std::string key = absl::StrCat("trend/", t.semester().school_year(),
                                         "-", t.semester().term(), "/");
    f[key + "pupils"] = t.pupils_supported();
    f[key + "plans"] = t.plans();
    f[key + "hours_planned"] = t.hours_planned();
    f[key + "hours_delivered"] = t.hours_delivered();
    f[key + "eur"] = t.compensation_eur();
  }
  return f;
}

// ---------------------------------------------------------------------------

class IndicatorsTest : public directory::PeopleTest {
 protected:
  static constexpr uint32_t kSeed = 7007;

  void SetUp() override {
    PeopleTest::SetUp();
    ASSERT_THAT(knowledge::LoadEmbeddedSeed(*db_), IsOk());
    LoadTaxonomy();
    east_ = MustCreateM("Austrumu novads");
    // North: A big, B small, D tiny; south: C big, E medium; east: F big,
    // G tiny, H without pupils.
    d_ = MustCreateI(School(north_.id, "D skola"));
    e_ = MustCreateI(School(south_.id, "E skola"));
    f_ = MustCreateI(School(east_.id, "F skola"));
    g_ = MustCreateI(School(east_.id, "G skola"));
    h_ = MustCreateI(School(east_.id, "H skola"));
    municipality_of_ = {{a_.id, north_.id}, {b_.id, north_.id},
                        {d_.id, north_.id}, {c_.id, south_.id},
                        {e_.id, south_.id}, {f_.id, east_.id},
                        {g_.id, east_.id},  {h_.id, east_.id}};
    Generate({{a_.id, 90},
              {b_.id, 7},
              {d_.id, 3},
              {c_.id, 65},
              {e_.id, 16},
              {f_.id, 45},
              {g_.id, 4},
              {h_.id, 0}});
    GenerateYouth();
  }

  void LoadTaxonomy() {
    absl::Status s = db_->ReadSync(
        CallContext{}, [&](storage::Connection& c) -> absl::Status {
          PUMPURS_ASSIGN_OR_RETURN(
              storage::Statement f,
              c.Prepare("SELECT code, risk_group FROM kb_risk_factors"));
          while (true) {
            PUMPURS_ASSIGN_OR_RETURN(bool row, f.Step());
            if (!row) break;
            factors_.push_back(
                {f.ColumnText(0), static_cast<int>(f.ColumnInt64(1))});
          }
          PUMPURS_ASSIGN_OR_RETURN(
              storage::Statement m,
              c.Prepare("SELECT code, data FROM kb_measure_types"));
          while (true) {
            PUMPURS_ASSIGN_OR_RETURN(bool row, m.Step());
            if (!row) break;
            v1::MeasureType mt;
            if (!mt.ParseFromString(m.ColumnText(1))) {
              return absl::DataLossError("measure type");
            }
            types_.push_back({m.ColumnText(0), static_cast<int>(mt.unit())});
          }
          return absl::OkStatus();
        });
    ASSERT_THAT(s, IsOk());
    ASSERT_GE(factors_.size(), 10u);
    ASSERT_GE(types_.size(), 5u);
  }

  // An active application of the pupil for the semester (plans refer to
  // one).
  static absl::StatusOr<std::string> InsertApplication(
      storage::Connection& c, const std::string& pupil,
      const std::string& institution, const std::string& municipality,
      const Semester& s) {
    const std::string id = NewId();
    v1::Application a;
    a.set_name(ResourceName(plans::kApplications, id));
    a.set_pupil(ResourceName(plans::kPupils, pupil));
    a.mutable_semester()->set_school_year(s.school_year);
    a.mutable_semester()->set_term(s.term);
    a.set_state(v1::APPLICATION_STATE_ACTIVE);
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement st,
        c.Prepare("INSERT INTO plan_applications (id, pupil_id, "
                  "institution_id, municipality_id, school_year, term, state, "
                  "data, version, create_time, update_time) VALUES (?, ?, ?, "
                  "?, ?, ?, 1, ?, 1, 0, 0)"));
    st.Bind(1, id)
        .Bind(2, pupil)
        .Bind(3, institution)
        .Bind(4, municipality)
        .Bind(5, int64_t{s.school_year})
        .Bind(6, int64_t{s.term})
        .BindBlob(7, a.SerializeAsString());
    PUMPURS_RETURN_IF_ERROR(st.Run());
    return id;
  }

  int Pick(const std::vector<std::pair<int, int>>& weighted) {
    int sum = 0;
    for (const auto& [v, w] : weighted) sum += w;
    int r = static_cast<int>(rng_() % sum);
    for (const auto& [v, w] : weighted) {
      if (r < w) return v;
      r -= w;
    }
    return weighted.back().first;
  }

  // Random content for a plan in `state`.
  Plan RandomPlan(const std::string& pupil, const std::string& institution,
                  const Semester& s, int state) {
    Plan p;
    p.pupil = pupil;
    p.institution = institution;
    p.municipality = municipality_of_.at(institution);
    p.semester = s;
    p.state = state;
    // Mostly 1 to 3 risks; a few plans without any (a draft, or data from
    // before validation).
    const int risks = rng_() % 20 == 0 ? 0 : 1 + static_cast<int>(rng_() % 3);
    std::set<size_t> chosen;
    while (static_cast<int>(chosen.size()) < risks) {
      // Skewed to the first factors, so some factors are common and some
      // rare.
      const size_t a = rng_() % factors_.size(), b = rng_() % factors_.size();
      chosen.insert(std::min(a, b));
    }
    for (size_t i : chosen) p.risks.push_back(factors_[i]);
    const int measures = static_cast<int>(rng_() % 5);
    const bool delivering =
        state == 4 || state == 5 || state == 6 || state == 8;
    for (int i = 0; i < measures; ++i) {
      Measure m;
      const int kind = static_cast<int>(rng_() % 20);
      if (kind < 2) {
        // A custom measure: hours or euros.
        m.type = "";
        m.unit = rng_() % 2 ? v1::MEASURE_UNIT_HOURS : v1::MEASURE_UNIT_EUR;
      } else {
        const size_t a = rng_() % types_.size(), b = rng_() % types_.size();
        const auto& [code, unit] = types_[std::min(a, b)];
        m.type = code;
        m.unit = unit;
        // A type recorded in another unit than the knowledge base's now.
        if (kind == 2) {
          m.unit = unit == 2 ? 1 : 2;
          m.unit_changed = true;
        }
      }
      switch (m.unit) {
        case v1::MEASURE_UNIT_HOURS:
          m.planned_centi = 25 * (4 + static_cast<int64_t>(rng_() % 160));
          break;
        case v1::MEASURE_UNIT_SESSIONS:
          m.planned_centi = 100 * (1 + static_cast<int64_t>(rng_() % 12));
          break;
        default:
          m.planned_centi = 500 + static_cast<int64_t>(rng_() % 20000);
      }
      if (delivering) {
        const int64_t step = m.unit == v1::MEASURE_UNIT_EUR     ? 1
                             : m.unit == v1::MEASURE_UNIT_HOURS ? 25
                                                                : 100;
        m.delivered_centi =
            step * static_cast<int64_t>(rng_() % (m.planned_centi / step + 1));
      }
      m.cost_cents = rng_() % 4 == 0 ? 0 : static_cast<int64_t>(rng_() % 50000);
      p.measures.push_back(m);
    }
    return p;
  }

  static v1::SupportPlan ToProto(const Plan& p) {
    v1::SupportPlan out;
    out.set_preparer("staff/preparer");
    out.set_state(static_cast<v1::PlanState>(p.state));
    for (const Risk& r : p.risks) {
      v1::PlanRisk* risk = out.add_risks();
      risk->set_risk_factor("riskFactors/" + r.code);
      risk->set_group(static_cast<v1::RiskGroup>(r.group));
    }
    int i = 0;
    for (const Measure& m : p.measures) {
      v1::PlanMeasure* pm = out.add_measures();
      pm->set_id(absl::StrCat("m", ++i));
      if (!m.type.empty()) pm->set_measure_type("measureTypes/" + m.type);
      if (m.type.empty()) pm->set_custom_title("Cits atbalsts");
      pm->set_provider("staff/provider");
      pm->set_unit(static_cast<v1::MeasureUnit>(m.unit));
      pm->set_planned_quantity(Hundredths(m.planned_centi));
      pm->set_delivered_quantity(Hundredths(m.delivered_centi));
      pm->set_planned_cost_cents(m.cost_cents);
    }
    return out;
  }

  // Writes `p` through the plan writer: inserted as is, or first in an
  // earlier state with other content and then changed (SavePlan), or first
  // as a live plan and then deleted (state 7), so the counters see every
  // kind of change.
  absl::Status WritePlan(storage::Connection& c, const CallContext& system,
                         const Plan& p, const std::string& application) {
    StoredPlan sp;
    sp.id = NewId();
    sp.pupil_id = p.pupil;
    sp.institution_id = p.institution;
    sp.municipality_id = p.municipality;
    sp.application_id = application;
    sp.preparer_id = "preparer";
    sp.semester = p.semester;
    const int how = static_cast<int>(rng_() % 10);
    if (how < 4) {
      // Earlier: another state (often supported too) and other content.
      const int earlier = Pick({{1, 2}, {2, 2}, {3, 3}, {4, 3}, {6, 1}});
      sp.plan =
          ToProto(RandomPlan(p.pupil, p.institution, p.semester, earlier));
      sp.submitted = earlier != 1;
      PUMPURS_RETURN_IF_ERROR(plans::InsertPlan(c, system, sp, now_));
      sp.plan = ToProto(p);
      sp.submitted = p.state != 1;
      return plans::SavePlan(c, system, sp, "update", {}, now_);
    }
    sp.plan = ToProto(p);
    sp.submitted = p.state != 1;
    return plans::InsertPlan(c, system, sp, now_);
  }

  void Generate(const std::vector<std::pair<std::string, int>>& pupils) {
    // Pupils, through the directory.
    std::vector<std::pair<std::string, std::string>> all;  // (pupil, inst)
    ASSERT_THAT(
        WriteStatusAs(
            Admin(),
            [&](storage::Connection& c, const CallContext& cc) -> absl::Status {
              for (const auto& [inst, n] : pupils) {
                for (int i = 0; i < n; ++i) {
                  PUMPURS_ASSIGN_OR_RETURN(
                      directory::Pupil made,
                      directory::CreatePupil(
                          c, cc, NewPupil(inst, "Anna", "Ozola"), ""));
                  all.push_back({made.id, inst});
                }
              }
              return absl::OkStatus();
            }),
        IsOk());
    CallContext system;
    system.caller_id = "system:test";
    ASSERT_THAT(
        db_->WriteSync(
            system,
            [&](storage::Connection& c) -> absl::Status {
              for (const Semester& s : semesters_) {
                for (const auto& [pupil, inst] : all) {
                  const bool live = rng_() % 100 < 60;
                  const bool deleted = rng_() % 100 < 10;
                  if (!live && !deleted) continue;
                  PUMPURS_ASSIGN_OR_RETURN(
                      std::string application,
                      InsertApplication(c, pupil, inst,
                                        municipality_of_.at(inst), s));
                  if (deleted) {
                    // A plan deleted (inactive) before the live
                    // one; it was live once.
                    Plan gone = RandomPlan(pupil, inst, s, 7);
                    Plan before = gone;
                    before.state = Pick({{1, 1}, {3, 1}, {4, 1}});
                    StoredPlan sp;
                    sp.id = NewId();
                    sp.pupil_id = pupil;
                    sp.institution_id = inst;
                    sp.municipality_id = gone.municipality;
                    sp.application_id = application;
                    sp.preparer_id = "preparer";
                    sp.semester = s;
                    sp.plan = ToProto(before);
                    sp.submitted = true;
                    PUMPURS_RETURN_IF_ERROR(
                        plans::InsertPlan(c, system, sp, now_));
                    sp.plan.set_state(v1::PLAN_STATE_INACTIVE);
                    PUMPURS_RETURN_IF_ERROR(plans::SavePlan(
                        c, system, sp, "delete", {"state"}, now_));
                    plans_.push_back(gone);
                  }
                  if (!live) continue;
                  const int state = Pick({{1, 10},
                                          {2, 8},
                                          {3, 15},
                                          {4, 30},
                                          {5, 8},
                                          {6, 7},
                                          {8, 22}});
                  Plan p = RandomPlan(pupil, inst, s, state);
                  PUMPURS_RETURN_IF_ERROR(WritePlan(c, system, p, application));
                  plans_.push_back(std::move(p));
                }
              }
              return absl::OkStatus();
            }),
        IsOk());
  }

  // Calls of each municipality (and one of institution F) closing for
  // applications in different semesters, with projects in every state.
  void GenerateYouth() {
    struct CallSpec {
      std::string municipality, institution, end;
    };
    const std::vector<CallSpec> calls = {
        {north_.id, "", "2024-10-15"}, {north_.id, "", "2025-10-20"},
        {south_.id, "", "2025-11-02"}, {south_.id, "", "2026-03-01"},
        {east_.id, "", "2025-10-01"},  {east_.id, f_.id, "2025-12-01"},
        {east_.id, "", "2026-02-14"},
    };
    ASSERT_THAT(
        db_->WriteSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              for (const CallSpec& spec : calls) {
                initiatives::StoredCall call;
                call.id = NewId();
                call.municipality_id = spec.municipality;
                call.institution_id = spec.institution;
                call.call.set_name("initiativeCalls/" + call.id);
                call.call.set_owner("accounts/owner");
                call.call.set_title("Jauniešu iniciatīvas");
                call.call.set_application_start("2024-09-01");
                call.call.set_application_end(spec.end);
                call.call.set_state(v1::CALL_STATE_OPEN);
                PUMPURS_RETURN_IF_ERROR(initiatives::InsertCall(c, call, now_));
                const Semester semester =
                    plans::SemesterOf(*plans::ParseDay(spec.end));
                const int projects = 1 + static_cast<int>(rng_() % 5);
                for (int i = 0; i < projects; ++i) {
                  Project p;
                  p.municipality = spec.municipality;
                  p.institution = spec.institution;
                  p.semester = semester;
                  p.state = 1 + static_cast<int>(rng_() % 9);
                  p.planned = 3 + static_cast<int>(rng_() % 30);
                  // A report only once reported (and one left over in a
                  // project sent back to work, which must not count).
                  p.has_report = p.state == 7 || p.state == 8 ||
                                 (p.state == 6 && rng_() % 2 == 0);
                  if (p.has_report) {
                    p.participants = 1 + static_cast<int>(rng_() % 12);
                    p.at_risk = static_cast<int>(rng_() % (p.participants + 1));
                  }
                  initiatives::StoredInitiative s;
                  s.id = NewId();
                  s.call_id = call.id;
                  s.municipality_id = p.municipality;
                  s.institution_id = p.institution;
                  s.owner_account_id = "owner";
                  s.initiative.set_name("initiatives/" + s.id);
                  s.initiative.set_state(
                      static_cast<v1::InitiativeState>(p.state));
                  s.initiative.set_planned_participants(p.planned);
                  if (p.has_report) {
                    s.initiative.mutable_report()->set_participants(
                        p.participants);
                    s.initiative.mutable_report()->set_participants_at_risk(
                        p.at_risk);
                  }
                  PUMPURS_RETURN_IF_ERROR(
                      initiatives::InsertInitiative(c, s, now_));
                  projects_.push_back(p);
                }
              }
              return absl::OkStatus();
            }),
        IsOk());
  }

  // ---- The independent figures. ----

  static std::vector<Semester> TrendOf(const std::vector<Semester>& period,
                                       int n) {
    std::vector<Semester> out;
    Semester s = period.back();
    for (int i = 0; i < n; ++i) {
      out.insert(out.begin(), s);
      s = s.term == 2 ? Semester{s.school_year, 1}
                      : Semester{s.school_year - 1, 2};
    }
    return out;
  }

  std::vector<const Plan*> PlansOf(const Scope& scope,
                                   const std::vector<Semester>& semesters) {
    std::vector<const Plan*> out;
    for (const Plan& p : plans_) {
      if (!scope.Contains(p.institution, p.municipality)) continue;
      if (std::find(semesters.begin(), semesters.end(), p.semester) ==
          semesters.end()) {
        continue;
      }
      out.push_back(&p);
    }
    return out;
  }

  Wants Expected(const Scope& scope, const std::vector<Semester>& period,
                 int trend_semesters, WantCounts* counts) {
    Wants out;
    const std::vector<const Plan*> in = PlansOf(scope, period);
    AddPlanFigures(in, out);
    // Youth.
    int64_t projects = 0, participants = 0, at_risk = 0, planned = 0;
    for (const Project& p : projects_) {
      if (!scope.Contains(p.institution, p.municipality)) continue;
      if (std::find(period.begin(), period.end(), p.semester) == period.end()) {
        continue;
      }
      if (p.state != 4 && p.state != 6 && p.state != 7 && p.state != 8) {
        continue;
      }
      ++projects;
      planned += p.planned;
      if (p.has_report && (p.state == 7 || p.state == 8)) {
        participants += p.participants;
        at_risk += p.at_risk;
      }
    }
    // Projects are not pupils: never suppressed (pupils 0).
    out["youth/projects"] = {static_cast<double>(projects), 0};
    out["youth/participants"] = {static_cast<double>(participants),
                                 participants};
    out["youth/at_risk"] = {static_cast<double>(at_risk), at_risk};
    out["youth/planned"] = {static_cast<double>(planned), planned};
    // The trend.
    for (const Semester& s : TrendOf(period, trend_semesters)) {
      Wants sem;
      AddPlanFigures(PlansOf(scope, {s}), sem);
      const std::string key = "trend/" + SemesterKey(s) + "/";
      out[key + "pupils"] = sem["pupils"];
      out[key + "plans"] = sem["plans"];
      out[key + "hours_planned"] = sem["hours/planned"];
      out[key + "hours_delivered"] = sem["hours/delivered"];
      out[key + "eur"] = sem["eur/paid"];
      std::set<std::string> involved;
      for (const Plan* p : PlansOf(scope, {s})) {
        if (Supported(p->state)) involved.insert(p->institution);
      }
      trend_involved_[key] = static_cast<int>(involved.size());
    }
    if (counts != nullptr) {
      std::set<std::string> institutions, municipalities;
      for (const Plan* p : in) {
        if (!Supported(p->state)) continue;
        institutions.insert(p->institution);
        municipalities.insert(p->municipality);
      }
      counts->institutions_involved = static_cast<int>(institutions.size());
      counts->municipalities_involved = static_cast<int>(municipalities.size());
      counts->institutions_total = 0;
      std::set<std::string> all_municipalities;
      for (const auto& [inst, mun] : municipality_of_) {
        if (scope.Contains(inst, mun)) {
          ++counts->institutions_total;
          all_municipalities.insert(mun);
        }
      }
      counts->municipalities_total =
          scope.level == Level::kNation
              ? static_cast<int>(all_municipalities.size())
              : 1;
    }
    return out;
  }

  // ---- Asking. ----

  static v1::StatisticsPeriod SemesterPeriod(const Semester& s) {
    v1::StatisticsPeriod p;
    p.mutable_semester()->set_school_year(s.school_year);
    p.mutable_semester()->set_term(s.term);
    return p;
  }
  static v1::StatisticsPeriod YearPeriod(int year) {
    v1::StatisticsPeriod p;
    p.set_school_year(year);
    return p;
  }
  static v1::StatisticsPeriod YearsPeriod(int first, int last) {
    v1::StatisticsPeriod p;
    p.mutable_school_years()->set_first_school_year(first);
    p.mutable_school_years()->set_last_school_year(last);
    return p;
  }
  static std::vector<Semester> SemestersOf(const v1::StatisticsPeriod& p) {
    switch (p.period_case()) {
      case v1::StatisticsPeriod::kSemester:
        return {{p.semester().school_year(), p.semester().term()}};
      case v1::StatisticsPeriod::kSchoolYear:
        return {{p.school_year(), 1}, {p.school_year(), 2}};
      default: {
        std::vector<Semester> out;
        for (int y = p.school_years().first_school_year();
             y <= p.school_years().last_school_year(); ++y) {
          out.push_back({y, 1});
          out.push_back({y, 2});
        }
        return out;
      }
    }
  }

  static v1::StatisticsScope ScopeProto(const Scope& s) {
    v1::StatisticsScope out;
    if (s.level == Level::kMunicipality) {
      out.set_municipality("municipalities/" + s.id);
    }
    if (s.level == Level::kInstitution) {
      out.set_institution("institutions/" + s.id);
    }
    return out;
  }

  absl::StatusOr<v1::ProgrammeIndicators> Ask(
      const v1::GetProgrammeIndicatorsRequest& req, const CallContext& call) {
    return ReadAs<v1::ProgrammeIndicators>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return GetProgrammeIndicators(c, cc, req);
        });
  }
  v1::ProgrammeIndicators MustAsk(const Scope& scope,
                                  const v1::StatisticsPeriod& period,
                                  int trend = 0) {
    v1::GetProgrammeIndicatorsRequest req;
    *req.mutable_scope() = ScopeProto(scope);
    *req.mutable_period() = period;
    req.set_trend_semesters(trend);
    absl::StatusOr<v1::ProgrammeIndicators> r = Ask(req, Admin());
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : v1::ProgrammeIndicators{};
  }

  // ---- Checking. ----

  // Every figure against the independent one; returns the answer
  // flattened.
  Flat CheckFigures(const Scope& scope, const v1::StatisticsPeriod& period,
                    int trend = 0) {
    const v1::ProgrammeIndicators r = MustAsk(scope, period, trend);
    const std::vector<Semester> semesters = SemestersOf(period);
    WantCounts counts;
    const Wants want =
        Expected(scope, semesters, trend == 0 ? 8 : trend, &counts);
    EXPECT_EQ(r.institutions_involved(), counts.institutions_involved);
    EXPECT_EQ(r.institutions_total(), counts.institutions_total);
    EXPECT_EQ(r.municipalities_involved(), counts.municipalities_involved);
    EXPECT_EQ(r.municipalities_total(), counts.municipalities_total);
    EXPECT_DOUBLE_EQ(
        r.institutions_share_percent(),
        counts.institutions_total == 0
            ? 0
            : 100.0 * counts.institutions_involved / counts.institutions_total);
    EXPECT_DOUBLE_EQ(
        r.municipalities_share_percent(),
        100.0 * counts.municipalities_involved / counts.municipalities_total);
    EXPECT_EQ(r.institutions_target(), scope.level == Level::kNation ? 600 : 0);
    EXPECT_EQ(r.municipalities_target_percent(),
              scope.level == Level::kNation ? 80 : 0);
    EXPECT_EQ(r.semesters_size(), static_cast<int>(semesters.size()));
    // Every state, every group, every factor of the knowledge base.
    EXPECT_EQ(r.plans_by_state_size(), 8);
    EXPECT_EQ(r.pupils_by_risk_group_size(), 4);
    EXPECT_EQ(r.pupils_by_risk_factor_size(),
              static_cast<int>(factors_.size()));
    EXPECT_GE(r.measures_by_type_size(), static_cast<int>(types_.size()));
    int eur_rows = 0;
    for (const v1::MeasuresOfType& m : r.measures_by_type()) {
      eur_rows += m.unit() == v1::MEASURE_UNIT_EUR;
    }
    EXPECT_EQ(r.compensation_by_type_size(), eur_rows);
    for (const v1::MeasuresOfType& m : r.compensation_by_type()) {
      EXPECT_EQ(m.unit(), v1::MEASURE_UNIT_EUR);
    }
    // The trend: its semesters, and institutions involved in each.
    const std::vector<Semester> trend_semesters =
        TrendOf(semesters, trend == 0 ? 8 : trend);
    EXPECT_EQ(r.trend_size(), static_cast<int>(trend_semesters.size()));
    for (int i = 0;
         i < r.trend_size() && i < static_cast<int>(trend_semesters.size());
         ++i) {
      const v1::SemesterIndicators& t = r.trend(i);
      EXPECT_EQ(t.semester().school_year(), trend_semesters[i].school_year);
      EXPECT_EQ(t.semester().term(), trend_semesters[i].term);
      EXPECT_EQ(
          t.institutions_involved(),
          trend_involved_["trend/" + SemesterKey(trend_semesters[i]) + "/"])
          << SemesterKey(trend_semesters[i]);
    }

    const Flat flat = Flatten(r);
    for (const auto& [key, figure] : flat) {
      SCOPED_TRACE(key);
      auto it = want.find(key);
      const Want w = it == want.end() ? Want{} : it->second;
      if (figure.suppressed()) {
        ++suppressed_;
        EXPECT_EQ(figure.value(), 0);
      } else {
        ++shown_;
        EXPECT_EQ(figure.value(), w.value);
      }
      if (w.pupils >= 1 && w.pupils <= 4) {
        EXPECT_TRUE(figure.suppressed()) << w.pupils << " pupils behind it";
      }
      if (key == "youth/projects") {
        EXPECT_FALSE(figure.suppressed());
      }
    }
    for (const auto& [key, w] : want) {
      if (w.value != 0 || w.pupils != 0) {
        EXPECT_TRUE(flat.count(key)) << key << " is missing";
      }
    }
    // The figures of one row go together: a measure type's four, hours
    // planned and delivered, compensations planned and paid, and the
    // compensation rows are the measure rows in euros.
    for (const v1::MeasuresOfType& m : r.measures_by_type()) {
      const bool h = m.measures().suppressed();
      EXPECT_EQ(m.planned_quantity().suppressed(), h) << MeasureKeyOf(m);
      EXPECT_EQ(m.delivered_quantity().suppressed(), h) << MeasureKeyOf(m);
      EXPECT_EQ(m.planned_cost_eur().suppressed(), h) << MeasureKeyOf(m);
    }
    std::map<std::string, std::string> comp;
    for (const v1::MeasuresOfType& m : r.measures_by_type()) {
      if (m.unit() == v1::MEASURE_UNIT_EUR) {
        comp[MeasureKeyOf(m)] = m.SerializeAsString();
      }
    }
    for (const v1::MeasuresOfType& m : r.compensation_by_type()) {
      EXPECT_EQ(comp[MeasureKeyOf(m)], m.SerializeAsString());
    }
    EXPECT_EQ(r.hours_planned().suppressed(), r.hours_delivered().suppressed());
    EXPECT_EQ(r.compensation_planned_eur().suppressed(),
              r.compensation_paid_eur().suppressed());
    wants_[Label(scope, period)] = want;
    return flat;
  }

  static std::string Label(const Scope& scope,
                           const v1::StatisticsPeriod& period) {
    return absl::StrCat(static_cast<int>(scope.level), ":", scope.id, ":",
                        period.SerializeAsString());
  }

  // The cells of the suppression tables of a flattened answer: cell name
  // -> its figure (the first of its row) and the tables as (total, parts).
  struct Tables {
    std::vector<std::pair<std::string, std::vector<std::string>>> tables;
    std::map<std::string, std::string> figure_of;  // cell -> flat key
  };
  Tables TablesOf(const Flat& flat) {
    Tables t;
    auto cell = [&](const std::string& name, const std::string& key) {
      t.figure_of[name] = key;
      return name;
    };
    std::vector<std::string> states, groups, hours, eur;
    std::map<int, std::vector<std::string>> factors_of;
    for (int s = 1; s <= 8; ++s) {
      const std::string k = absl::StrCat("state/", s);
      states.push_back(cell(k, k));
    }
    for (int g = 1; g <= 4; ++g) {
      const std::string k = absl::StrCat("group/", g);
      groups.push_back(cell(k, k));
    }
    for (const Risk& f : factors_) {
      factors_of[f.group].push_back(
          cell("factor/" + f.code, "factor/" + f.code));
    }
    for (const auto& [key, fig] : flat) {
      if (key.rfind("measure/", 0) != 0) continue;
      if (key.size() < 6 || key.substr(key.size() - 6) != "/count") continue;
      const std::string mk = key.substr(8, key.size() - 8 - 6);
      const int unit = std::atoi(mk.c_str() + mk.rfind('/') + 1);
      const std::string name = cell("measure/" + mk, key);
      if (unit == v1::MEASURE_UNIT_HOURS) hours.push_back(name);
      if (unit == v1::MEASURE_UNIT_EUR) eur.push_back(name);
    }
    t.tables.push_back({cell("plans", "plans"), states});
    t.tables.push_back({cell("pupils", "pupils"), groups});
    for (const auto& [g, parts] : factors_of) {
      t.tables.push_back({absl::StrCat("group/", g), parts});
    }
    t.tables.push_back({cell("hours", "hours/planned"), hours});
    t.tables.push_back({cell("eur", "eur/planned"), eur});
    cell("youth/participants", "youth/participants");
    cell("youth/at_risk", "youth/at_risk");
    cell("youth/planned", "youth/planned");
    return t;
  }

  // Within each table of one answer: never exactly one suppressed cell
  // with pupils behind it (unless it is the table's only such cell).
  void CheckTables(const Flat& flat, const Wants& want,
                   const std::string& what) {
    const Tables t = TablesOf(flat);
    for (const auto& [total, parts] : t.tables) {
      std::vector<std::string> members = parts;
      members.push_back(total);
      int non_zero = 0, hidden = 0;
      std::string trail;
      for (const std::string& m : members) {
        const std::string& key = t.figure_of.at(m);
        auto w = want.find(key);
        if (w == want.end() || w->second.pupils == 0) continue;
        ++non_zero;
        const bool h = flat.at(key).suppressed();
        hidden += h;
        absl::StrAppend(&trail, " ", m, "=", w->second.pupils, h ? "*" : "");
      }
      if (non_zero > 1) {
        EXPECT_NE(hidden, 1) << what << ": table " << total
                             << " gives its one suppressed cell away:" << trail;
      }
      tables_checked_ += hidden > 0;
    }
  }

  // `units` answers of sibling units (with their wants); per cell, never
  // exactly one suppressed non-zero cell among the siblings (unless only
  // one sibling has that cell non-zero). With `parent`, the parent's own
  // cell counts as one more member (the parent's figure is the sum of its
  // children's, pupils never changing institution here).
  void CheckSiblings(const std::vector<std::pair<Flat, Wants>>& units,
                     const std::pair<Flat, Wants>* parent,
                     const std::string& what) {
    const Tables t = TablesOf(units.front().first);
    for (const auto& [cell, key] : t.figure_of) {
      if (key.rfind("youth/", 0) == 0 && parent != nullptr) continue;
      int non_zero = 0, hidden = 0;
      std::string trail;
      auto add = [&](const std::pair<Flat, Wants>& u, const std::string& n) {
        auto w = u.second.find(key);
        if (w == u.second.end() || w->second.pupils == 0) return;
        auto f = u.first.find(key);
        ASSERT_NE(f, u.first.end()) << key;
        ++non_zero;
        hidden += f->second.suppressed();
        absl::StrAppend(&trail, " ", n, "=", w->second.pupils,
                        f->second.suppressed() ? "*" : "");
      };
      for (size_t u = 0; u < units.size(); ++u) {
        add(units[u], absl::StrCat("#", u));
      }
      if (parent != nullptr) add(*parent, "parent");
      if (non_zero > 1) {
        EXPECT_NE(hidden, 1) << what << ": cell " << cell
                             << " of one unit can be recovered:" << trail;
      }
      sibling_cells_checked_ += hidden > 0;
    }
  }

  std::vector<Scope> InstitutionsOf(const std::string& municipality) {
    std::vector<Scope> out;
    for (const auto& [inst, mun] : municipality_of_) {
      if (mun == municipality) out.push_back({Level::kInstitution, inst});
    }
    return out;
  }
  std::vector<Scope> Municipalities() {
    return {{Level::kMunicipality, north_.id},
            {Level::kMunicipality, south_.id},
            {Level::kMunicipality, east_.id}};
  }
  std::vector<v1::StatisticsPeriod> Periods() {
    return {SemesterPeriod({2025, 1}), SemesterPeriod({2024, 2}),
            YearPeriod(2024), YearPeriod(2025), YearsPeriod(2024, 2025)};
  }

  std::mt19937 rng_{kSeed};
  absl::Time now_ = absl::Now();
  directory::Municipality east_;
  directory::Institution d_, e_, f_, g_, h_;
  std::map<std::string, std::string> municipality_of_;
  std::vector<Risk> factors_;
  std::vector<std::pair<std::string, int>> types_;  // (code, unit)
  const std::vector<Semester> semesters_ = {
      {2024, 1}, {2024, 2}, {2025, 1}, {2025, 2}};
  std::vector<Plan> plans_;
  std::vector<Project> projects_;
  std::map<std::string, int> trend_involved_;
  std::map<std::string, Wants> wants_;
  int shown_ = 0, suppressed_ = 0, tables_checked_ = 0,
      sibling_cells_checked_ = 0;
};

TEST_F(IndicatorsTest, GeneratedDataCoversWhatTheChecksNeed) {
  std::set<int> states;
  int supported = 0;
  for (const Plan& p : plans_) {
    states.insert(p.state);
    supported += Supported(p.state);
  }
  EXPECT_EQ(states.size(), 8u);
  EXPECT_GT(plans_.size(), 400u);
  EXPECT_GT(supported, 250);
  EXPECT_GT(projects_.size(), 10u);
}

TEST_F(IndicatorsTest, EveryFigureEqualsTheIndependentCountOrIsSuppressed) {
  std::vector<Scope> scopes = {{Level::kNation, ""}};
  for (const Scope& m : Municipalities()) scopes.push_back(m);
  for (const auto& [inst, mun] : municipality_of_) {
    scopes.push_back({Level::kInstitution, inst});
  }
  for (const Scope& scope : scopes) {
    for (const v1::StatisticsPeriod& period : Periods()) {
      SCOPED_TRACE(absl::StrCat("scope ", static_cast<int>(scope.level), " ",
                                scope.id, " period ",
                                period.ShortDebugString()));
      CheckFigures(scope, period);
    }
  }
  // A shorter and a longer trend.
  CheckFigures({Level::kNation, ""}, YearPeriod(2025), 3);
  CheckFigures({Level::kMunicipality, north_.id}, SemesterPeriod({2025, 2}),
               16);
  // Both outcomes happened, many times.
  EXPECT_GT(shown_, 1000);
  EXPECT_GT(suppressed_, 200);
}

TEST_F(IndicatorsTest, NoSuppressedCellCanBeRecoveredWithinItsTables) {
  std::vector<Scope> scopes = {{Level::kNation, ""}};
  for (const Scope& m : Municipalities()) scopes.push_back(m);
  for (const auto& [inst, mun] : municipality_of_) {
    scopes.push_back({Level::kInstitution, inst});
  }
  for (const Scope& scope : scopes) {
    for (const v1::StatisticsPeriod& period : Periods()) {
      const std::string what =
          absl::StrCat("scope ", static_cast<int>(scope.level), " ", scope.id,
                       " period ", period.ShortDebugString());
      const Flat flat = CheckFigures(scope, period);
      CheckTables(flat, wants_[Label(scope, period)], what);
    }
  }
  EXPECT_GT(tables_checked_, 50);
}

// The parent's figure is the sum of its children's (a pupil stays in one
// institution here), so a cell suppressed in the parent and shown in every
// child, or suppressed in one child only while the parent shows it, can be
// recovered by addition. Counted with the parent as one more member of the
// siblings' row. (Siblings alone may hold one suppressed cell when the
// parent's is suppressed too: then nothing gives it away.)
TEST_F(IndicatorsTest, NoSuppressedCellCanBeRecoveredFromTheParentFigure) {
  for (const v1::StatisticsPeriod& period : Periods()) {
    const Scope nation{Level::kNation, ""};
    const std::pair<Flat, Wants> country = {CheckFigures(nation, period),
                                            wants_[Label(nation, period)]};
    std::vector<std::pair<Flat, Wants>> municipalities;
    for (const Scope& m : Municipalities()) {
      municipalities.push_back(
          {CheckFigures(m, period), wants_[Label(m, period)]});
    }
    CheckSiblings(municipalities, &country,
                  "country and municipalities, " + period.ShortDebugString());
    for (size_t mi = 0; mi < Municipalities().size(); ++mi) {
      const Scope m = Municipalities()[mi];
      std::vector<std::pair<Flat, Wants>> institutions;
      for (const Scope& i : InstitutionsOf(m.id)) {
        institutions.push_back(
            {CheckFigures(i, period), wants_[Label(i, period)]});
      }
      CheckSiblings(institutions, &municipalities[mi],
                    "municipality " + m.id + " and its institutions, " +
                        period.ShortDebugString());
    }
  }
  EXPECT_GT(sibling_cells_checked_, 20);
}

// A figure of a school year (or of two) is suppressed whenever it is
// suppressed in one of its semesters (or years): else the longer period
// minus the shown parts gives the hidden one away.
TEST_F(IndicatorsTest, LongerPeriodsHideWhatTheirPartsHide) {
  std::vector<Scope> scopes = {{Level::kNation, ""}};
  for (const Scope& m : Municipalities()) scopes.push_back(m);
  for (const auto& [inst, mun] : municipality_of_) {
    scopes.push_back({Level::kInstitution, inst});
  }
  int inherited = 0;
  for (const Scope& scope : scopes) {
    SCOPED_TRACE(absl::StrCat(static_cast<int>(scope.level), " ", scope.id));
    std::map<std::string, Flat> parts;
    for (int year : {2024, 2025}) {
      const Flat y = CheckFigures(scope, YearPeriod(year));
      for (int term : {1, 2}) {
        const Flat s = CheckFigures(scope, SemesterPeriod({year, term}));
        for (const auto& [key, fig] : s) {
          if (key.rfind("trend/", 0) == 0 || !fig.suppressed()) continue;
          auto it = y.find(key);
          ASSERT_NE(it, y.end()) << key;
          EXPECT_TRUE(it->second.suppressed())
              << key << " is suppressed in " << year << "-" << term
              << " but not in the school year";
          ++inherited;
        }
      }
      parts[absl::StrCat(year)] = y;
    }
    const Flat both = CheckFigures(scope, YearsPeriod(2024, 2025));
    for (const auto& [year, flat] : parts) {
      for (const auto& [key, fig] : flat) {
        if (key.rfind("trend/", 0) == 0 || !fig.suppressed()) continue;
        auto it = both.find(key);
        ASSERT_NE(it, both.end()) << key;
        EXPECT_TRUE(it->second.suppressed())
            << key << " is suppressed in " << year << " but not in 2024-2025";
      }
    }
  }
  EXPECT_GT(inherited, 50);
}

// The trend of a period is its semesters' own figures: the same as asking
// for each semester.
TEST_F(IndicatorsTest, TheTrendShowsEachSemesterAsItsOwnPeriod) {
  const Scope north{Level::kMunicipality, north_.id};
  const v1::ProgrammeIndicators year = MustAsk(north, YearPeriod(2025), 4);
  ASSERT_EQ(year.trend_size(), 4);
  for (const v1::SemesterIndicators& t : year.trend()) {
    const v1::ProgrammeIndicators s = MustAsk(
        north,
        SemesterPeriod({t.semester().school_year(), t.semester().term()}));
    SCOPED_TRACE(t.semester().ShortDebugString());
    EXPECT_EQ(t.institutions_involved(), s.institutions_involved());
    EXPECT_EQ(t.pupils_supported().SerializeAsString(),
              s.pupils_supported().SerializeAsString());
    EXPECT_EQ(t.plans().SerializeAsString(),
              s.plans_total().SerializeAsString());
    EXPECT_EQ(t.hours_planned().SerializeAsString(),
              s.hours_planned().SerializeAsString());
    EXPECT_EQ(t.hours_delivered().SerializeAsString(),
              s.hours_delivered().SerializeAsString());
    EXPECT_EQ(t.compensation_eur().SerializeAsString(),
              s.compensation_paid_eur().SerializeAsString());
  }
}

// ---------------------------------------------------------------------------
// Requests.

class IndicatorRequestTest : public directory::PeopleTest {
 protected:
  absl::StatusOr<v1::ProgrammeIndicators> Ask(
      const v1::GetProgrammeIndicatorsRequest& req, const CallContext& call) {
    return ReadAs<v1::ProgrammeIndicators>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return GetProgrammeIndicators(c, cc, req);
        });
  }
  static v1::GetProgrammeIndicatorsRequest Year(int year) {
    v1::GetProgrammeIndicatorsRequest req;
    req.mutable_period()->set_school_year(year);
    return req;
  }
};

TEST_F(IndicatorRequestTest, InvalidRequestsNameTheField) {
  using Fields = std::vector<std::string>;
  v1::GetProgrammeIndicatorsRequest no_period;
  EXPECT_THAT(Ask(no_period, Admin()), ViolatesFields(Fields{"period"}));

  v1::GetProgrammeIndicatorsRequest both = Year(2025);
  both.mutable_scope()->set_municipality("municipalities/" + north_.id);
  both.mutable_scope()->set_institution("institutions/" + a_.id);
  EXPECT_THAT(Ask(both, Admin()), ViolatesFields(Fields{"scope"}));

  v1::GetProgrammeIndicatorsRequest bad_m = Year(2025);
  bad_m.mutable_scope()->set_municipality("institutions/" + a_.id);
  EXPECT_THAT(Ask(bad_m, Admin()),
              ViolatesFields(Fields{"scope.municipality"}));
  v1::GetProgrammeIndicatorsRequest bad_i = Year(2025);
  bad_i.mutable_scope()->set_institution("institutions/");
  EXPECT_THAT(Ask(bad_i, Admin()), ViolatesFields(Fields{"scope.institution"}));

  v1::GetProgrammeIndicatorsRequest trend = Year(2025);
  trend.set_trend_semesters(17);
  EXPECT_THAT(Ask(trend, Admin()), ViolatesFields(Fields{"trend_semesters"}));
  trend.set_trend_semesters(-1);
  EXPECT_THAT(Ask(trend, Admin()), ViolatesFields(Fields{"trend_semesters"}));
  trend.set_trend_semesters(16);
  EXPECT_THAT(Ask(trend, Admin()), IsOk());

  v1::GetProgrammeIndicatorsRequest years;
  years.mutable_period()->mutable_school_years()->set_first_school_year(2015);
  years.mutable_period()->mutable_school_years()->set_last_school_year(2025);
  EXPECT_THAT(Ask(years, Admin()),
              ViolatesFields(Fields{"period.school_years.last_school_year"}));
  years.mutable_period()->mutable_school_years()->set_last_school_year(2014);
  EXPECT_THAT(Ask(years, Admin()),
              ViolatesFields(Fields{"period.school_years.last_school_year"}));
  years.mutable_period()->mutable_school_years()->set_last_school_year(2024);
  EXPECT_THAT(Ask(years, Admin()), IsOk());  // ten years
  years.mutable_period()->mutable_school_years()->set_first_school_year(1999);
  EXPECT_THAT(Ask(years, Admin()),
              ViolatesFields(Fields{"period.school_years.first_school_year"}));

  EXPECT_THAT(Ask(Year(1999), Admin()),
              ViolatesFields(Fields{"period.school_year"}));
  EXPECT_THAT(Ask(Year(2101), Admin()),
              ViolatesFields(Fields{"period.school_year"}));
  v1::GetProgrammeIndicatorsRequest term;
  term.mutable_period()->mutable_semester()->set_school_year(2025);
  term.mutable_period()->mutable_semester()->set_term(3);
  EXPECT_THAT(Ask(term, Admin()),
              ViolatesFields(Fields{"period.semester.term"}));
}

TEST_F(IndicatorRequestTest, UnknownScopesAreNotFound) {
  v1::GetProgrammeIndicatorsRequest m = Year(2025);
  m.mutable_scope()->set_municipality("municipalities/" + NewId());
  EXPECT_THAT(Ask(m, Admin()), StatusIs(absl::StatusCode::kNotFound));
  v1::GetProgrammeIndicatorsRequest i = Year(2025);
  i.mutable_scope()->set_institution("institutions/" + NewId());
  EXPECT_THAT(Ask(i, Admin()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(IndicatorRequestTest, AnEmptyProgrammeIsAllZerosAndNothingSuppressed) {
  absl::StatusOr<v1::ProgrammeIndicators> r = Ask(Year(2025), Admin());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->institutions_involved(), 0);
  EXPECT_EQ(r->institutions_total(), 3);
  EXPECT_EQ(r->municipalities_total(), 2);
  for (const auto& [key, fig] : Flatten(*r)) {
    EXPECT_FALSE(fig.suppressed()) << key;
    EXPECT_EQ(fig.value(), 0) << key;
  }
  EXPECT_EQ(r->trend_size(), 8);
}

TEST_F(IndicatorRequestTest, ScopesAreAuthorizedByThePolicy) {
  const v1::GetProgrammeIndicatorsRequest nation = Year(2025);
  v1::GetProgrammeIndicatorsRequest north = Year(2025);
  north.mutable_scope()->set_municipality("municipalities/" + north_.id);
  v1::GetProgrammeIndicatorsRequest a = Year(2025);
  a.mutable_scope()->set_institution("institutions/" + a_.id);
  v1::GetProgrammeIndicatorsRequest c = Year(2025);
  c.mutable_scope()->set_institution("institutions/" + c_.id);
  const auto denied = StatusIs(absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Ask(nation, Anonymous()),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(Ask(c, MunicipalityCoordinator(north_)), denied);
  EXPECT_THAT(Ask(a, Head(a_)), IsOk());
  EXPECT_THAT(Ask(north, Head(a_)), denied);
  EXPECT_THAT(Ask(a, Teacher(a_)), denied);
  CallContext service =
      directory::As("service", {{Role::kNationalAdministrator, ""}});
  service.principal.is_service = true;
  EXPECT_THAT(Ask(nation, service), denied);
  service.principal.api_scopes = {"statistics.read"};
  EXPECT_THAT(Ask(nation, service), IsOk());
  // An answer is audited as a statistics read of its scope (no pupil in
  // it), deferred like every read.
  const CallContext coordinator = MunicipalityCoordinator(north_);
  ASSERT_THAT(Ask(a, coordinator), IsOk());
  EXPECT_THAT(
      Deferred(coordinator),
      ::testing::Contains(::testing::StartsWith(
          "statistics.read programmeIndicators/institutions/" + a_.id + " ")));
  ASSERT_THAT(Ask(nation, service), IsOk());
  EXPECT_THAT(Deferred(service), ::testing::Contains(::testing::StartsWith(
                                     "statistics.read programmeIndicators ")));
}

}  // namespace
}  // namespace pumpurs::statistics
