// The statistics counters (server/statistics/counters.h) as the plan
// writer keeps them: plans made and moved through the real domain actions
// (store, submit, approve at every level, deliver, suspend, revise and
// edit, evaluate and close, delete) for pupils of several institutions in
// two municipalities over three semesters. Then:
//  - the counters equal figures recounted here from the stored plans, in
//    plain C++ (plans by state, supported pupils per semester, distinct
//    pupils per school year with each risk group and factor, measures with
//    their quantities and costs), and the school year's distinct pupils
//    equal count(DISTINCT pupil_id) of its supported plans;
//  - a fresh Rebuild leaves the same counters as the incremental ones;
//  - EnsureBuilt rebuilds stale counters and leaves built ones alone.

#include "server/statistics/counters.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/plans/deliveries.h"
#include "server/plans/plans.h"
#include "tests/plans/lifecycle_fixture.h"

namespace pumpurs::statistics {
namespace {

namespace v1 = ::pumpurs::v1;
using plans::Semester;
using plans::StoredPlan;
using ::pumpurs::testing::IsOk;

// (school_year, term, scope, metric, key) -> value, zeros left out.
using Counts = std::map<
    std::tuple<int64_t, int64_t, std::string, std::string, std::string>,
    int64_t>;
// (school_year, scope, key) -> pupils, zeros left out.
using YearPupils =
    std::map<std::tuple<int64_t, std::string, std::string>, int64_t>;
// (school_year, scope, key, pupil) -> refs.
using Members =
    std::map<std::tuple<int64_t, std::string, std::string, std::string>,
             int64_t>;

struct Tables {
  Counts counts;
  YearPupils pupils;
  Members members;
};

bool Supported(int state) {
  return state == 3 || state == 4 || state == 5 || state == 6 || state == 8;
}

class CountersTest : public plans::LifecycleTest {
 protected:
  void SetUp() override {
    LifecycleTest::SetUp();
    preparer_b_ = AddStaff(b_.id, "teacher-b", 1);
    preparer_c_ = AddStaff(c_.id, "teacher-c", 1);
    a2_ = MustCreateP(a_.id, "Pēteris", "Liepa").id;
    a3_ = MustCreateP(a_.id, "Marta", "Egle").id;
    b1_ = MustCreateP(b_.id, "Kārlis", "Ozols").id;
    c1_ = MustCreateP(c_.id, "Līga", "Kalna").id;
    c2_ = MustCreateP(c_.id, "Roberts", "Vītols").id;
  }

  Semester Past() { return plans::Next(Earlier()); }
  Semester Earlier() {
    const Semester now = Current();
    Semester s = now.term == 2 ? Semester{now.school_year, 1}
                               : Semester{now.school_year - 1, 2};
    return s.term == 2 ? Semester{s.school_year, 1}
                       : Semester{s.school_year - 1, 2};
  }

  struct Who {
    std::string institution, municipality, preparer;
    CallContext Preparer() const {
      return directory::As("prep-" + preparer,
                           {{Role::kPlanPreparer, institution}});
    }
  };
  Who AtA() { return {a_.id, north_.id, preparer_a_}; }
  Who AtB() { return {b_.id, north_.id, preparer_b_}; }
  Who AtC() { return {c_.id, south_.id, preparer_c_}; }

  CallContext PreparerOf(const Who& w) {
    return Staff(w.preparer, {{Role::kPlanPreparer, w.institution}});
  }

  // A complete draft of `pupil` at `w` in `s`, stored by the plan writer.
  std::string Draft(const std::string& pupil, const Who& w, const Semester& s) {
    StoredPlan p;
    p.id = NewId();
    p.pupil_id = pupil;
    p.institution_id = w.institution;
    p.municipality_id = w.municipality;
    p.application_id = AddApplication(pupil, w.institution, w.municipality, s);
    p.preparer_id = w.preparer;
    p.semester = s;
    p.plan = CompleteContent(s, w.preparer, w.preparer);
    p.plan.set_state(v1::PLAN_STATE_DRAFT);
    CallContext system;
    system.caller_id = "system:test";
    EXPECT_THAT(db_->WriteSync(system,
                               [&](storage::Connection& c) {
                                 return plans::InsertPlan(c, system, p, now_);
                               }),
                IsOk());
    return p.id;
  }

  // Submitted by the preparer and approved at every level.
  std::string Approved(const std::string& pupil, const Who& w,
                       const Semester& s) {
    const std::string id = Draft(pupil, w, s);
    EXPECT_THAT(Submit(PreparerOf(w), id), IsOk());
    EXPECT_THAT(
        Approve(directory::As("head-" + w.institution,
                              {{Role::kInstitutionHead, w.institution}}),
                id),
        IsOk());
    EXPECT_THAT(Approve(directory::As(
                            "muni-" + w.municipality,
                            {{Role::kMunicipalityCoordinator, w.municipality}}),
                        id),
                IsOk());
    EXPECT_THAT(Approve(Admin(), id), IsOk());
    EXPECT_EQ(Load(id).state(), v1::PLAN_STATE_APPROVED);
    return id;
  }

  // 45 minutes of m1 on the fifth day of the plan's semester, recorded by
  // the preparer.
  void Deliver(const std::string& id, const Who& w, int minutes = 45) {
    const StoredPlan p = Load(id);
    v1::DeliveryRecord r;
    r.set_measure_id("m1");
    r.set_date(plans::FormatDay(plans::FirstDay(p.semester) + 4));
    r.set_duration_minutes(minutes);
    r.set_mode(v1::DELIVERY_MODE_ON_SITE);
    r.set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
    r.set_evidence_reference("KA-1");
    const CallContext call = PreparerOf(w);
    EXPECT_THAT(WriteAs<v1::DeliveryRecord>(
                    call,
                    [&](storage::Connection& c, const CallContext& cc) {
                      return plans::RecordDelivery(c, cc, id, r, "", now_);
                    }),
                IsOk());
  }

  // Replaces the long-term illness (and the measure addressing it) with
  // an economic risk, as the preparer, while the plan is under revision.
  void ChangeRisks(const std::string& id, const Who& w) {
    const StoredPlan p = Load(id);
    v1::SupportPlan changes;
    *changes.mutable_risks() = p.plan.risks();
    *changes.mutable_measures() = p.plan.measures();
    changes.mutable_risks()->RemoveLast();
    v1::PlanRisk* r = changes.add_risks();
    r->set_risk_factor("riskFactors/transport-costs");
    r->set_group(v1::RISK_GROUP_ECONOMIC);
    r->set_severity(v1::SEVERITY_MEDIUM);
    r->set_justification("Dārgs ceļš uz skolu.");
    v1::PlanMeasure* m = changes.mutable_measures(1);
    m->clear_addresses();
    m->add_addresses("riskFactors/transport-costs");
    const CallContext call = PreparerOf(w);
    EXPECT_THAT(WriteAs<v1::SupportPlan>(
                    call,
                    [&](storage::Connection& c, const CallContext& cc) {
                      return plans::UpdateSupportPlan(
                          c, cc, id, changes, {"risks", "measures"}, "", now_);
                    }),
                IsOk());
  }

  void Close(const std::string& id, const Who& w) {
    v1::PlanEvaluation e;
    v1::OutcomeEntry* g = e.add_goals();
    g->set_id("g1");
    g->set_outcome(v1::OUTCOME_ACHIEVED);
    for (const char* m : {"m1", "m2"}) {
      v1::OutcomeEntry* o = e.add_measures();
      o->set_id(m);
      o->set_outcome(v1::OUTCOME_ACHIEVED);
    }
    e.set_decision(v1::EVALUATION_DECISION_CLOSE);
    e.set_summary("Mērķis sasniegts.");
    EXPECT_THAT(Evaluate(PreparerOf(w), id, e), IsOk());
    EXPECT_EQ(Load(id).state(), v1::PLAN_STATE_CLOSED);
  }

  // Plans in every state for several pupils, institutions and
  // municipalities over three semesters.
  void MakePlans() {
    const Semester earlier = Earlier(), past = Past(), now = Current();
    // Earlier: two approved, one delivered and closed.
    const std::string e1 = Approved(pupil_, AtA(), earlier);
    Deliver(e1, AtA());
    Close(e1, AtA());
    Approved(b1_, AtB(), earlier);
    Draft(c1_, AtC(), earlier);
    // Past: the same pupil of A again, delivered, revised and edited.
    const std::string p1 = Approved(pupil_, AtA(), past);
    Deliver(p1, AtA(), 90);
    Deliver(p1, AtA(), 30);
    EXPECT_THAT(Revise(PreparerOf(AtA()), p1), IsOk());
    ChangeRisks(p1, AtA());
    // Submitted only.
    const std::string p2 = Draft(a2_, AtA(), past);
    EXPECT_THAT(Submit(PreparerOf(AtA()), p2), IsOk());
    // Approved, then suspended.
    const std::string p3 = Approved(c1_, AtC(), past);
    Deliver(p3, AtC());
    EXPECT_THAT(Suspend(PreparerOf(AtC()), p3, "Slimība."), IsOk());
    // A draft deleted (inactive), and a new plan approved instead.
    const std::string p4 = Draft(b1_, AtB(), past);
    EXPECT_THAT(Delete(PreparerOf(AtB()), p4), IsOk());
    EXPECT_EQ(Load(p4).state(), v1::PLAN_STATE_INACTIVE);
    Approved(b1_, AtB(), past);
    // The adult pupil of the state vocational school (no municipality
    // step): approved by its head and the national level.
    const std::string v1_plan = AddPlanV(past).id;
    EXPECT_THAT(Submit(PreparerV(), v1_plan), IsOk());
    EXPECT_THAT(Approve(HeadV(), v1_plan), IsOk());
    EXPECT_THAT(Approve(Admin(), v1_plan), IsOk());
    // Now: started, delivered; another approved; a draft.
    const std::string n1 = Approved(pupil_, AtA(), now);
    EXPECT_THAT(Start(PreparerOf(AtA()), n1), IsOk());
    Deliver(n1, AtA(), 60);
    Approved(c1_, AtC(), now);
    Approved(c2_, AtC(), now);
    Draft(a3_, AtA(), now);
    // An approved plan deleted? Only one without funds used: c2's is.
    const std::string n2 = Approved(a2_, AtA(), now);
    EXPECT_THAT(Delete(PreparerOf(AtA()), n2), IsOk());
  }

  Tables Dump() {
    Tables t;
    EXPECT_THAT(
        db_->ReadSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("SELECT school_year, term, scope, metric, key, "
                            "value FROM stats_counts WHERE value != 0 AND "
                            "metric != 'version'"));
              while (true) {
                PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                if (!row) break;
                t.counts[{s.ColumnInt64(0), s.ColumnInt64(1), s.ColumnText(2),
                          s.ColumnText(3), s.ColumnText(4)}] = s.ColumnInt64(5);
              }
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement p,
                  c.Prepare("SELECT school_year, scope, key, pupils FROM "
                            "stats_year_pupils WHERE pupils != 0"));
              while (true) {
                PUMPURS_ASSIGN_OR_RETURN(bool row, p.Step());
                if (!row) break;
                t.pupils[{p.ColumnInt64(0), p.ColumnText(1), p.ColumnText(2)}] =
                    p.ColumnInt64(3);
              }
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement m,
                  c.Prepare("SELECT school_year, scope, key, pupil_id, refs "
                            "FROM stats_year_members"));
              while (true) {
                PUMPURS_ASSIGN_OR_RETURN(bool row, m.Step());
                if (!row) break;
                t.members[{m.ColumnInt64(0), m.ColumnText(1), m.ColumnText(2),
                           m.ColumnText(3)}] = m.ColumnInt64(4);
              }
              return absl::OkStatus();
            }),
        IsOk());
    return t;
  }

  // The counters recounted here from the stored plans.
  Tables Recount() {
    Tables t;
    EXPECT_THAT(
        db_->ReadSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("SELECT school_year, term, institution_id, "
                            "municipality_id, pupil_id, state, data FROM "
                            "support_plans"));
              while (true) {
                PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                if (!row) break;
                const int64_t year = s.ColumnInt64(0), term = s.ColumnInt64(1);
                const std::string pupil = s.ColumnText(4);
                const int state = static_cast<int>(s.ColumnInt64(5));
                v1::SupportPlan plan;
                if (!plan.ParseFromString(s.ColumnText(6))) {
                  return absl::DataLossError("plan");
                }
                for (const std::string& scope :
                     {std::string("n"), "m:" + s.ColumnText(3),
                      "i:" + s.ColumnText(2)}) {
                  auto add = [&](const std::string& metric,
                                 const std::string& key, int64_t v) {
                    t.counts[{year, term, scope, metric, key}] += v;
                  };
                  add("plans", absl::StrCat(state), 1);
                  if (!Supported(state)) continue;
                  std::set<std::string> keys = {"*"};
                  for (const v1::PlanRisk& r : plan.risks()) {
                    keys.insert(absl::StrCat("g:", r.group()));
                    keys.insert(absl::StrCat(
                        "f:",
                        absl::StripPrefix(r.risk_factor(), "riskFactors/")));
                  }
                  for (const std::string& k : keys) {
                    add("pupils", k, 1);
                    t.members[{year, scope, k, pupil}] += 1;
                  }
                  std::set<std::string> measure_keys;
                  for (const v1::PlanMeasure& m : plan.measures()) {
                    const std::string k = absl::StrCat(
                        absl::StripPrefix(m.measure_type(), "measureTypes/"),
                        "/", static_cast<int>(m.unit()));
                    measure_keys.insert(k);
                    add("measures", k, 1);
                    add("planned_centi", k,
                        std::llround(m.planned_quantity() * 100));
                    add("delivered_centi", k,
                        std::llround(m.delivered_quantity() * 100));
                    add("planned_cost_cents", k, m.planned_cost_cents());
                  }
                  for (const std::string& k : measure_keys) {
                    add("measure_plans", k, 1);
                  }
                }
              }
              return absl::OkStatus();
            }),
        IsOk());
    for (auto it = t.counts.begin(); it != t.counts.end();) {
      it = it->second == 0 ? t.counts.erase(it) : std::next(it);
    }
    for (const auto& [k, refs] : t.members) {
      t.pupils[{std::get<0>(k), std::get<1>(k), std::get<2>(k)}] += 1;
    }
    return t;
  }

  absl::Status RebuildNow() {
    CallContext system;
    system.caller_id = "system:test";
    return db_->WriteSync(
        system, [](storage::Connection& c) { return Rebuild(c, nullptr); });
  }

  std::string preparer_b_, preparer_c_;
  std::string a2_, a3_, b1_, c1_, c2_;
};

TEST_F(CountersTest, KeptCountersEqualARecountFromThePlans) {
  MakePlans();
  const Tables kept = Dump();
  const Tables recount = Recount();
  EXPECT_EQ(kept.counts, recount.counts);
  EXPECT_EQ(kept.pupils, recount.pupils);
  EXPECT_EQ(kept.members, recount.members);
  // The data set has what the comparison needs: every live state, deleted
  // plans, a pupil in two semesters of one school year, delivered hours,
  // and a risk changed under revision.
  std::set<std::string> states;
  for (const auto& [k, v] : kept.counts) {
    if (std::get<2>(k) == "n" && std::get<3>(k) == "plans") {
      states.insert(std::get<4>(k));
    }
  }
  EXPECT_EQ(states,
            (std::set<std::string>{"1", "2", "3", "4", "5", "6", "7", "8"}));
  int64_t refs2 = 0, delivered = 0;
  for (const auto& [k, refs] : kept.members) refs2 += refs == 2;
  for (const auto& [k, v] : kept.counts) {
    if (std::get<3>(k) == "delivered_centi") delivered += v;
  }
  EXPECT_GT(refs2, 0);
  EXPECT_GT(delivered, 0);
  EXPECT_TRUE(
      kept.pupils.count({Past().school_year, "n", "f:transport-costs"}));
}

TEST_F(CountersTest, DistinctPupilsOfAYearAreThoseOfItsSupportedPlans) {
  MakePlans();
  const Tables kept = Dump();
  std::vector<std::pair<std::string, std::string>> scopes = {
      {"n", "1"},
      {"m:" + north_.id, "municipality_id = '" + north_.id + "'"},
      {"m:" + south_.id, "municipality_id = '" + south_.id + "'"}};
  for (const directory::Institution& i : {a_, b_, c_, v_}) {
    scopes.push_back({"i:" + i.id, "institution_id = '" + i.id + "'"});
  }
  int checked = 0;
  for (const Semester& s : {Earlier(), Past(), Current()}) {
    for (const auto& [scope, where] : scopes) {
      const int64_t want = QueryInt(absl::StrCat(
          "SELECT count(DISTINCT pupil_id) FROM support_plans WHERE "
          "school_year = ",
          s.school_year, " AND state IN (3, 4, 5, 6, 8) AND ", where));
      auto it = kept.pupils.find({s.school_year, scope, "*"});
      EXPECT_EQ(it == kept.pupils.end() ? 0 : it->second, want)
          << s.school_year << " " << scope;
      checked += want > 0;
      const int64_t plans = QueryInt(absl::StrCat(
          "SELECT count(*) FROM support_plans WHERE school_year = ",
          s.school_year, " AND term = ", s.term, " AND ", where));
      int64_t counted = 0;
      for (int state = 1; state <= 8; ++state) {
        auto c = kept.counts.find(
            {s.school_year, s.term, scope, "plans", absl::StrCat(state)});
        if (c != kept.counts.end()) counted += c->second;
      }
      EXPECT_EQ(counted, plans)
          << s.school_year << "-" << s.term << " " << scope;
    }
  }
  EXPECT_GT(checked, 8);
}

TEST_F(CountersTest, ARebuildGivesTheSameCountersAsTheWriter) {
  MakePlans();
  const Tables kept = Dump();
  ASSERT_THAT(RebuildNow(), IsOk());
  const Tables rebuilt = Dump();
  EXPECT_EQ(kept.counts, rebuilt.counts);
  EXPECT_EQ(kept.pupils, rebuilt.pupils);
  EXPECT_EQ(kept.members, rebuilt.members);
  EXPECT_NE(QueryInt("SELECT built FROM stats_built"), 0);
  // Changes after a rebuild go on from the rebuilt counters.
  const std::string more = Approved(a3_, AtA(), Past());
  Deliver(more, AtA());
  const Tables after = Dump();
  const Tables recount = Recount();
  EXPECT_EQ(after.counts, recount.counts);
  EXPECT_EQ(after.pupils, recount.pupils);
  EXPECT_EQ(after.members, recount.members);
}

TEST_F(CountersTest, EnsureBuiltRebuildsStaleCountersOnly) {
  MakePlans();
  const Tables kept = Dump();
  // Built: left alone, even if wrong (nothing rereads them at start).
  ASSERT_THAT(RebuildNow(), IsOk());
  ASSERT_THAT(Exec("UPDATE stats_counts SET value = value + 1 WHERE scope = "
                   "'n' AND metric = 'plans' AND key = '3'"),
              IsOk());
  ASSERT_THAT(EnsureBuilt(*db_), IsOk());
  EXPECT_NE(Dump().counts, kept.counts);
  // Stale (after a bulk load): rebuilt from the plans.
  ASSERT_THAT(Exec("DELETE FROM stats_year_members; UPDATE stats_built SET "
                   "built = 0"),
              IsOk());
  ASSERT_THAT(EnsureBuilt(*db_), IsOk());
  const Tables rebuilt = Dump();
  EXPECT_EQ(rebuilt.counts, kept.counts);
  EXPECT_EQ(rebuilt.pupils, kept.pupils);
  EXPECT_EQ(rebuilt.members, kept.members);
  EXPECT_NE(QueryInt("SELECT built FROM stats_built"), 0);
}

TEST_F(CountersTest, AFreshDatabaseHasBuiltEmptyCountersAfterEnsureBuilt) {
  EXPECT_EQ(QueryInt("SELECT count(*) FROM stats_counts"), 0);
  ASSERT_THAT(EnsureBuilt(*db_), IsOk());
  EXPECT_NE(QueryInt("SELECT built FROM stats_built"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM stats_counts"), 0);
}

}  // namespace
}  // namespace pumpurs::statistics
