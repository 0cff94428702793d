// pumpurs-stats-generate: writes a national-scale data set for the
// programme-statistics benchmark (BENCHMARKS.md, "Programme statistics";
// bench/run_stats_benchmark.sh) and leaves it ready for pumpurs-server.
//
// The schema is the product's: the file is created through
// storage::Database::Open (every migration) and the knowledge-base seed is
// loaded (LoadEmbeddedSeed), so risk factors and measure types are the real
// taxonomy codes. The bulk rows are then written directly with SQL (prepared
// statements, one transaction per --batch rows, synchronous=OFF): the domain
// code paths (audit, change feed, revisions) are far too slow for millions of
// rows and are not what the indicators read. Because those rows went around
// the plan writer, the statistics counters are then recounted with the
// server's own statistics::Rebuild in one transaction (which sets
// stats_built), so the server starts serving at once instead of rebuilding
// on start.
// Deterministic for a --seed.
//
//   build/bin/pumpurs-stats-generate --db=/tmp/stats.db
//
// What it writes: municipalities, institutions (about 12% state vocational
// schools, 2% colleges; 85% of institutions take part), staff (10 per
// institution), pupils, plan_applications (one per chain of consecutive
// plans), support_plans (a valid serialized pumpurs.v1.SupportPlan in data:
// 1-4 risks from the seed, 1-4 measures whose type fits a risk, planned
// quantities and costs, delivered totals), plan_deliveries (consultations
// in minutes, compensations in cents, with a serialized DeliveryRecord),
// youth-initiative calls (serialized pumpurs.v1.Call, mostly
// municipalities', a few state vocational schools') and their projects
// (serialized pumpurs.v1.Initiative in every state; reported and closed ones
// with a final report) with their members, and the statistics counters.
// Not written: accounts, audit events, the change feed, plan revisions,
// providers; the benchmark signs in with pumpurs-server --bootstrap_admin.

#include <google/protobuf/text_format.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pumpurs/v1/knowledge_seed.pb.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "pumpurs/v1/youth_initiative.pb.h"
#include "server/common/call_context.h"
#include "server/common/log.h"
#include "server/knowledge/seed_files.h"
#include "server/knowledge/seed_loader.h"
#include "server/statistics/counters.h"
#include "server/storage/connection.h"
#include "server/storage/database.h"

ABSL_FLAG(std::string, db, "", "the database file (must not exist)");
ABSL_FLAG(int, municipalities, 43, "municipalities");
ABSL_FLAG(int, institutions, 700, "institutions");
ABSL_FLAG(int, pupils, 250000, "pupils");
ABSL_FLAG(int, plans, 400000, "support plans in all");
ABSL_FLAG(int, semesters, 8, "semesters (from 2022/2023 term 1 on)");
ABSL_FLAG(double, deliveries_per_plan, 8.0, "mean delivery records per plan");
ABSL_FLAG(int, youth_calls, 160,
          "youth-initiative calls, spread over the semesters");
ABSL_FLAG(int, projects_per_call, 4, "youth-initiative projects per call");
ABSL_FLAG(int, batch, 50000, "rows per write transaction");
ABSL_FLAG(uint32_t, seed, 1, "random seed");

namespace pumpurs {
namespace {

namespace v1 = ::pumpurs::v1;

constexpr int kFirstYear = 2022;

// ---------------------------------------------------------------- helpers

void Die(const std::string& what) {
  std::fprintf(stderr, "pumpurs-stats-generate: %s\n", what.c_str());
  std::exit(1);
}

void Check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    Die(absl::StrCat(what, ": ", sqlite3_errmsg(db)));
  }
}

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    Die(absl::StrCat(sql.substr(0, 60), ": ", err ? err : "?"));
  }
}

// A deterministic 16-character id in the product's alphabet.
std::string Id(uint64_t tag, uint64_t n) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  uint64_t x = tag * 0x9E3779B97F4A7C15ull + n + 0x632BE59BD9B4E019ull;
  auto mix = [](uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  const uint64_t a = mix(x), b = mix(x + 0x1234567);
  std::string id(16, 'a');
  for (int i = 0; i < 12; ++i) id[i] = kAlphabet[(a >> (5 * i)) & 31];
  for (int i = 12; i < 16; ++i) id[i] = kAlphabet[(b >> (5 * i)) & 31];
  return id;
}

// One prepared statement with positional binds.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    Check(db, sqlite3_prepare_v2(db, sql, -1, &s_, nullptr), sql);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt& I(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& T(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& B(int i, const std::string& v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  void Run() {
    Check(db_, sqlite3_step(s_), "insert");
    sqlite3_reset(s_);
  }
  // Before the connection closes.
  void Finalize() {
    sqlite3_finalize(s_);
    s_ = nullptr;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

// Counts rows of one table and prints progress every `batch` rows; commits
// the one open transaction whenever `batch` rows of any table are pending.
class Batcher {
 public:
  Batcher(sqlite3* db, const char* table, int64_t total, int batch)
      : db_(db),
        table_(table),
        total_(total),
        batch_(batch),
        start_(absl::Now()) {
    if (!open_) {
      Exec(db_, "BEGIN");
      open_ = true;
    }
  }
  void Row() {
    if (++pending_ >= batch_) {
      Exec(db_, "COMMIT; BEGIN");
      pending_ = 0;
    }
    if (++rows_ % batch_ == 0) {
      const double s = absl::ToDoubleSeconds(absl::Now() - start_);
      std::printf("  %-17s %9lld / ~%lld rows  %8.0f rows/s\n", table_,
                  static_cast<long long>(rows_), static_cast<long long>(total_),
                  rows_ / std::max(s, 1e-6));
      std::fflush(stdout);
    }
  }
  void Finish() {
    Exec(db_, "COMMIT; BEGIN");
    pending_ = 0;
    const double s = absl::ToDoubleSeconds(absl::Now() - start_);
    std::printf("%-19s %9lld rows in %6.1f s  %8.0f rows/s\n", table_,
                static_cast<long long>(rows_), s, rows_ / std::max(s, 1e-6));
    std::fflush(stdout);
  }
  static void Close(sqlite3* db) {
    if (open_) Exec(db, "COMMIT");
    open_ = false;
  }

 private:
  static inline bool open_ = false;
  static inline int64_t pending_ = 0;
  sqlite3* db_;
  const char* table_;
  int64_t total_;
  int batch_;
  int64_t rows_ = 0;
  absl::Time start_;
};

// ---------------------------------------------------------------- taxonomy

struct Risk {
  std::string code;  // without "riskFactors/"
  v1::RiskGroup group;
};
struct Measure {
  std::string code;  // without "measureTypes/"
  v1::MeasureCategory category;
  v1::MeasureUnit unit;
  std::vector<int> risks;  // indexes into Taxonomy::risks it addresses
};
struct Taxonomy {
  std::vector<Risk> risks;
  std::vector<Measure> measures;
  std::vector<std::vector<int>> measures_for_risk;
};

Taxonomy LoadTaxonomy() {
  Taxonomy t;
  std::vector<std::pair<std::string, std::string>> links;
  for (const knowledge::SeedFile& file : knowledge::EmbeddedSeedFiles()) {
    v1::KnowledgeSeed seed;
    if (!google::protobuf::TextFormat::ParseFromString(file.text, &seed)) {
      Die("a seed file does not parse");
    }
    for (const v1::RiskFactor& rf : seed.risk_factors()) {
      t.risks.push_back(
          {rf.name().substr(rf.name().find('/') + 1), rf.group()});
    }
    for (const v1::MeasureType& mt : seed.measure_types()) {
      Measure m{mt.name().substr(mt.name().find('/') + 1),
                mt.category(),
                mt.unit(),
                {}};
      for (const auto& a : mt.addresses()) {
        links.push_back(
            {m.code, a.risk_factor().substr(a.risk_factor().find('/') + 1)});
      }
      t.measures.push_back(std::move(m));
    }
  }
  if (t.risks.empty() || t.measures.empty()) Die("the seed has no taxonomy");
  t.measures_for_risk.resize(t.risks.size());
  for (const auto& [mcode, rcode] : links) {
    int mi = -1, ri = -1;
    for (size_t i = 0; i < t.measures.size(); ++i)
      if (t.measures[i].code == mcode) mi = static_cast<int>(i);
    for (size_t i = 0; i < t.risks.size(); ++i)
      if (t.risks[i].code == rcode) ri = static_cast<int>(i);
    if (mi < 0 || ri < 0) continue;
    t.measures[mi].risks.push_back(ri);
    t.measures_for_risk[ri].push_back(mi);
  }
  for (size_t r = 0; r < t.risks.size(); ++r) {
    if (t.measures_for_risk[r].empty()) t.measures_for_risk[r].push_back(0);
  }
  return t;
}

// ---------------------------------------------------------------- data set

struct Semester {
  int year, term;
  absl::CivilDay first, last;
};

Semester SemesterAt(int i) {
  Semester s;
  s.year = kFirstYear + i / 2;
  s.term = 1 + i % 2;
  if (s.term == 1) {
    s.first = absl::CivilDay(s.year, 9, 1);
    s.last = absl::CivilDay(s.year, 12, 31);
  } else {
    s.first = absl::CivilDay(s.year + 1, 1, 1);
    s.last = absl::CivilDay(s.year + 1, 5, 31);
  }
  return s;
}

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }
std::string Month(absl::CivilDay d) {
  return absl::FormatCivilTime(absl::CivilMonth(d));
}
int64_t Micros(absl::CivilDay d, int seconds) {
  return absl::ToUnixMicros(absl::FromCivil(d, absl::UTCTimeZone())) +
         int64_t{seconds} * 1000000;
}

int Main() {
  const std::string path = absl::GetFlag(FLAGS_db);
  if (path.empty()) Die("--db is required");
  struct stat st;
  if (stat(path.c_str(), &st) == 0) Die(path + " exists; give a new file");
  const int n_mun = absl::GetFlag(FLAGS_municipalities);
  const int n_inst = absl::GetFlag(FLAGS_institutions);
  const int n_pupils = absl::GetFlag(FLAGS_pupils);
  const int n_plans = absl::GetFlag(FLAGS_plans);
  const int n_sem = std::max(1, absl::GetFlag(FLAGS_semesters));
  const double per_plan = absl::GetFlag(FLAGS_deliveries_per_plan);
  const int batch = std::max(1, absl::GetFlag(FLAGS_batch));
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
  };
  const absl::Time t0 = absl::Now();

  // 1. The real schema and taxonomy, through the product's code.
  SetLoggingEnabled(false);
  {
    storage::DatabaseOptions options;
    options.path = path;
    options.readers = 1;
    auto db = storage::Database::Open(options);
    if (!db.ok()) Die(db.status().ToString());
    if (auto loaded = knowledge::LoadEmbeddedSeed(**db); !loaded.ok()) {
      Die(loaded.status().ToString());
    }
    std::printf("schema version %d, seed loaded\n", (*db)->schema_version());
    (*db)->Close();
  }
  const Taxonomy tax = LoadTaxonomy();
  std::printf("taxonomy: %zu risk factors, %zu measure types\n",
              tax.risks.size(), tax.measures.size());

  sqlite3* db = nullptr;
  Check(db, sqlite3_open(path.c_str(), &db), "open");
  Exec(db,
       "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; "
       "PRAGMA cache_size=-262144; PRAGMA foreign_keys=OFF;");
  const int64_t now = Micros(SemesterAt(n_sem - 1).first, 86400 * 60);

  // 2. Municipalities and institutions. Sizes are skewed (a few big cities).
  std::vector<std::string> mun_ids(n_mun);
  {
    Stmt s(db,
           "INSERT INTO municipalities (id, display_name, sort_key, "
           "code, version, create_time, update_time) "
           "VALUES (?, ?, ?, ?, 1, ?, ?)");
    Batcher b(db, "municipalities", n_mun, batch);
    for (int i = 0; i < n_mun; ++i) {
      mun_ids[i] = Id(1, i);
      const std::string name = absl::StrFormat("Novads %03d", i + 1);
      s.T(1, mun_ids[i])
          .T(2, name)
          .B(3, name)
          .T(4, absl::StrFormat("%04d", i + 1))
          .I(5, now)
          .I(6, now)
          .Run();
      b.Row();
    }
    b.Finish();
  }
  std::vector<double> mun_weight(n_mun);
  for (int i = 0; i < n_mun; ++i) mun_weight[i] = 1.0 / (1.0 + 0.15 * i);
  std::discrete_distribution<int> pick_mun(mun_weight.begin(),
                                           mun_weight.end());
  struct Inst {
    std::string id;
    int mun;
    int kind;
    bool involved;
    double size;
    std::vector<std::string> staff;
    std::vector<int> pupils;
  };
  std::vector<Inst> inst(n_inst);
  {
    Stmt s(db,
           "INSERT INTO institutions (id, display_name, sort_key, kind, "
           "municipality_id, registration_number, version, create_time, "
           "update_time) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)");
    Batcher b(db, "institutions", n_inst, batch);
    for (int i = 0; i < n_inst; ++i) {
      Inst& in = inst[i];
      in.id = Id(2, i);
      in.mun = i < n_mun ? i : pick_mun(rng);  // every municipality has one
      const int k = uniform(0, 99);
      in.kind = k < 12 ? 2 : (k < 14 ? 3 : 1);
      in.involved = chance(0.85);
      in.size = std::exp(std::normal_distribution<double>(0, 0.7)(rng));
      const std::string name = absl::StrFormat("Iestāde %04d", i + 1);
      s.T(1, in.id)
          .T(2, name)
          .B(3, name)
          .I(4, in.kind)
          .T(5, mun_ids[in.mun])
          .T(6, absl::StrFormat("9%09d", i + 1))
          .I(7, now)
          .I(8, now)
          .Run();
      b.Row();
    }
    b.Finish();
  }
  {
    Stmt s(db,
           "INSERT INTO staff (id, institution_id, given_name, "
           "family_name, sort_key, search_given, search_family, "
           "position, external_id, version, create_time, update_time) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 1, ?, ?)");
    Batcher b(db, "staff", int64_t{n_inst} * 10, batch);
    int64_t n = 0;
    for (Inst& in : inst) {
      for (int j = 0; j < 10; ++j, ++n) {
        in.staff.push_back(Id(3, n));
        const std::string family = absl::StrCat("Darbinieks", n);
        s.T(1, in.staff.back())
            .T(2, in.id)
            .T(3, "Anna")
            .T(4, family)
            .B(5, family)
            .T(6, "anna")
            .T(7, family)
            .I(8, 1 + j % 5)
            .I(9, now)
            .I(10, now)
            .Run();
        b.Row();
      }
    }
    b.Finish();
  }

  // 3. Pupils, placed by institution size.
  std::vector<double> inst_weight(n_inst);
  for (int i = 0; i < n_inst; ++i) inst_weight[i] = inst[i].size;
  std::discrete_distribution<int> pick_inst(inst_weight.begin(),
                                            inst_weight.end());
  std::vector<std::string> pupil_ids(n_pupils);
  std::vector<int> pupil_inst(n_pupils);
  std::vector<int> pool;  // pupils of involved institutions
  {
    Stmt s(db,
           "INSERT INTO pupils (id, institution_id, given_name, "
           "family_name, sort_key, search_given, search_family, "
           "birth_date, grade, vocational_course, class_label, "
           "external_id, version, create_time, update_time) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
    Batcher b(db, "pupils", n_pupils, batch);
    for (int p = 0; p < n_pupils; ++p) {
      pupil_ids[p] = Id(4, p);
      const int i = pick_inst(rng);
      pupil_inst[p] = i;
      inst[i].pupils.push_back(p);
      if (inst[i].involved) pool.push_back(p);
      const bool voc = inst[i].kind != 1;
      const int grade = voc ? 0 : uniform(1, 12);
      const std::string family = absl::StrCat("Skolēns", p);
      s.T(1, pupil_ids[p])
          .T(2, inst[i].id)
          .T(3, "Jānis")
          .T(4, family)
          .B(5, family)
          .T(6, "janis")
          .T(7, absl::StrCat("skolens", p))
          .T(8, Day(absl::CivilDay(2004 + uniform(0, 14), uniform(1, 12),
                                   uniform(1, 28))))
          .I(9, grade)
          .I(10, voc ? uniform(1, 4) : 0)
          .T(11,
             voc ? absl::StrCat("K", uniform(1, 4)) : absl::StrCat(grade, ".a"))
          .T(12, absl::StrFormat("P%08d", p))
          .I(13, now)
          .I(14, now)
          .Run();
      b.Row();
    }
    b.Finish();
  }
  if (pool.empty()) Die("no pupils in involved institutions");

  // 4. Applications, plans and deliveries, semester by semester. A pupil's
  // plan continues into the next semester with probability 0.55.
  Stmt app(db,
           "INSERT INTO plan_applications (id, pupil_id, institution_id, "
           "municipality_id, school_year, term, state, data, version, "
           "create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, "
           "?, ?)");
  Stmt plan(db,
            "INSERT INTO support_plans (id, pupil_id, institution_id, "
            "municipality_id, application_id, preparer_id, school_year, "
            "term, state, submitted, funds_used_cents, data, version, "
            "create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?)");
  Stmt del(db,
           "INSERT INTO plan_deliveries (id, plan_id, measure_id, "
           "institution_id, provider_id, date, month, minutes, "
           "amount_cents, funds_cents, remote, data, create_time) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const int64_t total_del = static_cast<int64_t>(n_plans * per_plan);
  Batcher bp(db, "plans+apps", n_plans, batch);
  Batcher bd(db, "deliveries", total_del, batch);
  int64_t n_app = 0, n_del = 0, n_plan = 0;
  std::vector<int> prev;                        // pupils with a plan last sem.
  std::vector<std::string> prev_app(n_pupils);  // their application
  std::vector<std::string> prev_plan(n_pupils);
  std::vector<char> taken(n_pupils, 0);
  const absl::Time tp = absl::Now();
  // Risk-group weights: learning & school are most common.
  std::vector<double> risk_weight;
  for (const Risk& r : tax.risks) {
    risk_weight.push_back(r.group == v1::RISK_GROUP_LEARNING_AND_SCHOOL ? 4.0
                          : r.group == v1::RISK_GROUP_ECONOMIC          ? 2.0
                          : r.group == v1::RISK_GROUP_FAMILY            ? 1.5
                                                                        : 1.0);
  }
  std::discrete_distribution<int> pick_risk(risk_weight.begin(),
                                            risk_weight.end());
  for (int si = 0; si < n_sem; ++si) {
    const Semester sem = SemesterAt(si);
    const bool current = si == n_sem - 1;
    const int want = n_plans / n_sem + (si < n_plans % n_sem ? 1 : 0);
    std::vector<int> chosen;
    for (int p : prev) {
      if (static_cast<int>(chosen.size()) < want && chance(0.55)) {
        chosen.push_back(p);
        taken[p] = 2;  // continuing
      }
    }
    int guard = 0;
    while (static_cast<int>(chosen.size()) < want && guard++ < want * 50) {
      const int p =
          pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)];
      if (taken[p]) continue;
      taken[p] = 1;
      chosen.push_back(p);
    }
    std::vector<std::string> next_app(n_pupils), next_plan(n_pupils);
    for (int p : chosen) {
      const Inst& in = inst[pupil_inst[p]];
      const std::string& mun = mun_ids[in.mun];
      const int64_t created = Micros(sem.first, uniform(0, 40) * 86400);
      // The application: new unless the plan continues last semester's.
      std::string app_id;
      if (taken[p] == 2 && !prev_app[p].empty()) {
        app_id = prev_app[p];
      } else {
        app_id = Id(5, n_app++);
        v1::Application a;
        a.set_pupil(absl::StrCat("pupils/", pupil_ids[p]));
        a.mutable_semester()->set_school_year(sem.year);
        a.mutable_semester()->set_term(sem.term);
        a.set_channel(v1::APPLICATION_CHANNEL_ONLINE);
        a.set_applicant(absl::StrCat("guardians/", Id(6, p)));
        a.set_state(v1::APPLICATION_STATE_ACTIVE);
        a.set_institution(absl::StrCat("institutions/", in.id));
        app.T(1, app_id)
            .T(2, pupil_ids[p])
            .T(3, in.id)
            .T(4, mun)
            .I(5, sem.year)
            .I(6, sem.term)
            .I(7, 1)
            .B(8, a.SerializeAsString())
            .I(9, created)
            .I(10, created)
            .Run();
      }
      // The plan's state.
      int state;
      const int r = uniform(0, 99);
      if (!current) {
        state = r < 3 ? 7 : (r < 6 ? 5 : 8);
      } else {
        state = r < 10   ? 1
                : r < 18 ? 2
                : r < 25 ? 3
                : r < 85 ? 4
                : r < 90 ? 5
                : r < 95 ? 6
                : r < 97 ? 7
                         : 4;
      }
      const std::string plan_id = Id(7, n_plan++);
      const std::string& preparer = in.staff[uniform(0, 9)];
      v1::SupportPlan sp;
      sp.set_pupil(absl::StrCat("pupils/", pupil_ids[p]));
      sp.mutable_semester()->set_school_year(sem.year);
      sp.mutable_semester()->set_term(sem.term);
      sp.set_institution(absl::StrCat("institutions/", in.id));
      sp.set_application(absl::StrCat("applications/", app_id));
      sp.set_preparer(absl::StrCat("staff/", preparer));
      sp.set_state(static_cast<v1::PlanState>(state));
      if (taken[p] == 2 && !prev_plan[p].empty()) {
        sp.set_continues(absl::StrCat("supportPlans/", prev_plan[p]));
      }
      int64_t funds = 0;
      std::vector<int64_t> minutes_of, cents_of;
      if (state != 7) {  // a deleted plan's contents are removed
        sp.set_problem_description("Kavējumi un grūtības mācībās.");
        std::vector<int> risks;
        const int nr = uniform(1, 4);
        while (static_cast<int>(risks.size()) < nr) {
          const int k = pick_risk(rng);
          if (std::find(risks.begin(), risks.end(), k) == risks.end())
            risks.push_back(k);
        }
        for (int k : risks) {
          v1::PlanRisk* pr = sp.add_risks();
          pr->set_risk_factor(absl::StrCat("riskFactors/", tax.risks[k].code));
          pr->set_group(tax.risks[k].group);
          pr->set_severity(static_cast<v1::Severity>(uniform(1, 3)));
          pr->set_justification("Novērots klases audzinātāja ziņojumā.");
          pr->set_special_category(tax.risks[k].group ==
                                   v1::RISK_GROUP_SOCIAL_AND_HEALTH);
        }
        v1::PlanGoal* g = sp.add_goals();
        g->set_id("g1");
        g->set_description("Samazināt neattaisnotos kavējumus.");
        g->set_success_criteria("Ne vairāk kā 2 kavējumi mēnesī.");
        g->set_due_date(Day(sem.last));
        const int nm = uniform(1, 4);
        std::vector<int> used;
        for (int j = 0; j < nm; ++j) {
          const int k = risks[j % risks.size()];
          const auto& options = tax.measures_for_risk[k];
          const int mi =
              options[uniform(0, static_cast<int>(options.size()) - 1)];
          if (std::find(used.begin(), used.end(), mi) != used.end()) continue;
          used.push_back(mi);
          const Measure& mt = tax.measures[mi];
          v1::PlanMeasure* m = sp.add_measures();
          m->set_id(absl::StrCat("m", j + 1));
          m->set_measure_type(absl::StrCat("measureTypes/", mt.code));
          m->add_addresses(absl::StrCat("riskFactors/", tax.risks[k].code));
          m->set_justification("Atbilst riskam.");
          m->set_provider(absl::StrCat("staff/", in.staff[uniform(0, 9)]));
          m->set_unit(mt.unit);
          if (mt.unit == v1::MEASURE_UNIT_EUR) {
            const int eur = uniform(5, 30) * 10;
            m->set_planned_quantity(eur);
            m->set_planned_cost_cents(int64_t{eur} * 100);
          } else {
            const int q = uniform(4, 20);
            m->set_planned_quantity(q);
            m->set_planned_cost_cents(int64_t{q} * 1500);  // 15 EUR an hour
          }
          m->set_start_date(Day(sem.first));
          m->set_end_date(Day(sem.last));
          m->set_mode(chance(0.2) ? v1::DELIVERY_MODE_MIXED
                                  : v1::DELIVERY_MODE_ON_SITE);
        }
        minutes_of.assign(sp.measures_size(), 0);
        cents_of.assign(sp.measures_size(), 0);
        // Deliveries only once implementation started.
        const bool delivering =
            state == 4 || state == 5 || state == 6 || state == 8;
        const int nd = delivering
                           ? std::poisson_distribution<int>(
                                 per_plan * (current ? 0.6 : 1.0) / 0.87)(rng)
                           : 0;
        const int span = static_cast<int>(sem.last - sem.first);
        for (int d = 0; d < nd && sp.measures_size() > 0; ++d) {
          const int mj = uniform(0, sp.measures_size() - 1);
          v1::PlanMeasure* m = sp.mutable_measures(mj);
          const bool comp = m->unit() == v1::MEASURE_UNIT_EUR;
          const absl::CivilDay date =
              sem.first + uniform(0, current ? std::min(span, 60) : span);
          v1::DeliveryRecord rec;
          rec.set_measure_id(m->id());
          rec.set_date(Day(date));
          const bool remote = !comp && chance(0.15);
          int64_t minutes = 0, cents = 0, f = 0;
          if (comp) {
            cents = uniform(10, 60) * 100;
            rec.set_amount_cents(cents);
            rec.set_evidence(v1::EVIDENCE_TYPE_PAYMENT_DOCUMENT);
            f = cents;
          } else {
            minutes = uniform(0, 2) == 0 ? 60 : 40;
            rec.set_duration_minutes(static_cast<int>(minutes));
            rec.set_evidence(remote ? v1::EVIDENCE_TYPE_E_KLASE_MESSAGE
                                    : v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
            if (remote) rec.set_confirmation_date(Day(date));
            f = m->planned_quantity() > 0
                    ? static_cast<int64_t>(m->planned_cost_cents() * minutes /
                                           (60.0 * m->planned_quantity()))
                    : 0;
          }
          rec.set_provider(m->provider());
          rec.set_mode(remote ? v1::DELIVERY_MODE_REMOTE
                              : v1::DELIVERY_MODE_ON_SITE);
          rec.set_recorded_by(absl::StrCat("accounts/", Id(8, pupil_inst[p])));
          minutes_of[mj] += minutes;
          cents_of[mj] += cents;
          funds += f;
          const std::string provider = m->provider().substr(6);
          del.T(1, Id(9, n_del))
              .T(2, plan_id)
              .T(3, m->id())
              .T(4, in.id)
              .T(5, provider)
              .T(6, Day(date))
              .T(7, Month(date))
              .I(8, minutes)
              .I(9, cents)
              .I(10, f)
              .I(11, remote)
              .B(12, rec.SerializeAsString())
              .I(13, Micros(date, 3600 * 15))
              .Run();
          ++n_del;
          bd.Row();
        }
        for (int j = 0; j < sp.measures_size(); ++j) {
          v1::PlanMeasure* m = sp.mutable_measures(j);
          m->set_delivered_quantity(m->unit() == v1::MEASURE_UNIT_EUR
                                        ? cents_of[j] / 100.0
                                        : minutes_of[j] / 60.0);
        }
      }
      sp.set_funds_used_cents(funds);
      const bool submitted = state != 1;
      if (submitted) sp.set_round(1);
      plan.T(1, plan_id)
          .T(2, pupil_ids[p])
          .T(3, in.id)
          .T(4, mun)
          .T(5, app_id)
          .T(6, preparer)
          .I(7, sem.year)
          .I(8, sem.term)
          .I(9, state)
          .I(10, submitted)
          .I(11, funds)
          .B(12, sp.SerializeAsString())
          .I(13, 1 + uniform(0, 6))
          .I(14, created)
          .I(15, created + 86400LL * 1000000 * uniform(1, 100))
          .Run();
      next_app[p] = app_id;
      next_plan[p] = plan_id;
      bp.Row();
    }
    for (int p : chosen) taken[p] = 0;
    prev = std::move(chosen);
    prev_app = std::move(next_app);
    prev_plan = std::move(next_plan);
    std::printf("semester %d/%d done: %lld plans, %lld deliveries, %.0f s\n",
                sem.year, sem.term, static_cast<long long>(n_plan),
                static_cast<long long>(n_del),
                absl::ToDoubleSeconds(absl::Now() - tp));
    std::fflush(stdout);
  }
  bp.Finish();
  bd.Finish();
  std::printf("applications %lld, deliveries %lld\n",
              static_cast<long long>(n_app), static_cast<long long>(n_del));
  std::fflush(stdout);

  // 5. Youth initiatives: calls, each closing for applications in one
  // semester (the semester its funded projects count in), with projects in
  // every state; reported and closed ones have a final report.
  {
    const int n_calls = std::max(0, absl::GetFlag(FLAGS_youth_calls));
    const int per_call = std::max(0, absl::GetFlag(FLAGS_projects_per_call));
    std::vector<std::vector<int>> inst_of_mun(n_mun);
    std::vector<int> vocational;
    for (int i = 0; i < n_inst; ++i) {
      inst_of_mun[inst[i].mun].push_back(i);
      if (inst[i].kind == 2) vocational.push_back(i);
    }
    Stmt call_s(db,
                "INSERT INTO initiative_calls (id, owner, "
                "municipality_id, institution_id, state, data, version, "
                "create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, 1, "
                "?, ?)");
    Stmt proj_s(db,
                "INSERT INTO initiatives (id, call_id, municipality_id, "
                "institution_id, owner_account_id, supervisor_account_id, "
                "state, data, version, create_time, update_time) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
    Stmt member_s(db,
                  "INSERT INTO initiative_members (initiative_id, "
                  "pupil_id) VALUES (?, ?)");
    Batcher bc(db, "youth calls", n_calls, batch);
    Batcher bi(db, "youth projects", int64_t{n_calls} * per_call, batch);
    int64_t n_proj = 0;
    for (int c = 0; c < n_calls; ++c) {
      const int si = c % n_sem;
      const Semester sem = SemesterAt(si);
      const bool current = si == n_sem - 1;
      // About one call in seven is a state vocational school's: its chain
      // (and the call's municipality column) has no municipality.
      const bool school = !vocational.empty() && uniform(0, 6) == 0;
      const int owner_inst =
          school
              ? vocational[uniform(0, static_cast<int>(vocational.size()) - 1)]
              : -1;
      const int mun = school ? inst[owner_inst].mun : pick_mun(rng);
      const std::string call_id = Id(10, c);
      const std::string mun_col = school ? "" : mun_ids[mun];
      const std::string inst_col = school ? inst[owner_inst].id : "";
      const int span = static_cast<int>(sem.last - sem.first);
      const absl::CivilDay end = sem.first + uniform(20, span);
      const int64_t created = Micros(sem.first, 3600);
      v1::Call call;
      call.set_name(absl::StrCat("initiativeCalls/", call_id));
      call.set_owner(school ? absl::StrCat("institutions/", inst_col)
                            : absl::StrCat("municipalities/", mun_col));
      call.set_title(
          absl::StrFormat("Jauniešu iniciatīvas %d/%d", sem.year, sem.term));
      call.set_rules("Projekti jauniešu iesaistei ārpus mācību laika.");
      call.set_application_start(Day(sem.first));
      call.set_application_end(Day(end));
      call.set_lump_sum_cents(460000);
      call.set_max_projects(std::max(1, per_call));
      v1::Criterion* cr = call.add_criteria();
      cr->set_id("c1");
      cr->set_title("Atbilstība mērķiem");
      cr->set_max_points(10);
      call.set_min_at_risk_percent(30);
      call.add_evaluators(absl::StrCat("accounts/", Id(11, c)));
      const v1::CallState call_state =
          current ? v1::CALL_STATE_OPEN : v1::CALL_STATE_DECIDED;
      call.set_state(call_state);
      if (!school)
        call.set_municipality(absl::StrCat("municipalities/", mun_col));
      call_s.T(1, call_id)
          .T(2, call.owner())
          .T(3, mun_col)
          .T(4, inst_col)
          .I(5, call_state)
          .B(6, call.SerializeAsString())
          .I(7, created)
          .I(8, created)
          .Run();
      bc.Row();
      // Members come from the owner school, or a school of the
      // municipality.
      const std::vector<int>& schools =
          school ? std::vector<int>{owner_inst} : inst_of_mun[mun];
      for (int k = 0; k < per_call; ++k) {
        const std::string proj_id = Id(12, n_proj);
        const std::string owner_account = Id(13, n_proj);
        ++n_proj;
        const int r = uniform(0, 99);
        v1::InitiativeState state;
        if (current) {
          state = r < 20   ? v1::INITIATIVE_STATE_SUBMITTED
                  : r < 40 ? v1::INITIATIVE_STATE_EVALUATED
                  : r < 60 ? v1::INITIATIVE_STATE_APPROVED
                  : r < 75 ? v1::INITIATIVE_STATE_REJECTED
                           : v1::INITIATIVE_STATE_IN_PROGRESS;
        } else {
          state = r < 10   ? v1::INITIATIVE_STATE_APPROVED
                  : r < 25 ? v1::INITIATIVE_STATE_REJECTED
                  : r < 30 ? v1::INITIATIVE_STATE_WITHDRAWN
                  : r < 40 ? v1::INITIATIVE_STATE_IN_PROGRESS
                  : r < 60 ? v1::INITIATIVE_STATE_REPORTED
                           : v1::INITIATIVE_STATE_CLOSED;
        }
        v1::Initiative in;
        in.set_name(absl::StrCat("initiatives/", proj_id));
        in.set_call(call.name());
        in.mutable_organisation()->set_name(
            absl::StrFormat("Jauniešu biedrība %d", n_proj));
        in.mutable_organisation()->set_registration_number(
            absl::StrFormat("4%010d", n_proj));
        in.mutable_organisation()->set_kind(
            v1::ORGANISATION_KIND_YOUTH_ORGANISATION);
        in.set_group_name(absl::StrFormat("Grupa %d", n_proj));
        std::vector<std::string> members;
        const int school_i =
            schools[uniform(0, static_cast<int>(schools.size()) - 1)];
        const std::vector<int>& pupils = inst[school_i].pupils;
        for (int m = uniform(1, 5); m > 0 && !pupils.empty(); --m) {
          const std::string& id = pupil_ids[pupils[uniform(
              0, static_cast<int>(pupils.size()) - 1)]];
          if (std::find(members.begin(), members.end(), id) != members.end()) {
            continue;
          }
          members.push_back(id);
          in.add_members(absl::StrCat("pupils/", id));
        }
        in.mutable_supervisor()->set_given_name("Ilze");
        in.mutable_supervisor()->set_family_name(
            absl::StrCat("Vadītāja", n_proj));
        in.set_title("Jauniešu pārgājiens un darbnīcas");
        in.set_aims("Iesaistīt jauniešus ārpusskolas aktivitātēs.");
        v1::Activity* a = in.add_activities();
        a->set_title("Darbnīca");
        a->set_start_date(Day(end + 14));
        a->set_end_date(Day(end + 60));
        v1::BudgetLine* bl = in.add_budget();
        bl->set_item("Materiāli");
        bl->set_amount_cents(call.lump_sum_cents());
        const int planned = uniform(8, 30);
        in.set_planned_participants(planned);
        in.set_planned_at_risk(uniform(planned / 4, planned / 2));
        in.set_state(state);
        in.set_owner(absl::StrCat("accounts/", owner_account));
        if (!school) in.set_municipality(call.municipality());
        if (state != v1::INITIATIVE_STATE_SUBMITTED &&
            state != v1::INITIATIVE_STATE_WITHDRAWN &&
            state != v1::INITIATIVE_STATE_EVALUATED) {
          v1::Decision* d = in.mutable_decision();
          d->set_approved(state != v1::INITIATIVE_STATE_REJECTED);
          d->set_rank(k + 1);
          d->set_average_points(uniform(40, 100) / 10.0);
          d->set_decided_by(call.evaluators(0));
        }
        if (state == v1::INITIATIVE_STATE_REPORTED ||
            state == v1::INITIATIVE_STATE_CLOSED) {
          v1::Report* rep = in.mutable_report();
          *rep->add_activities_held() = *a;
          const int participants = std::max(1, planned + uniform(-5, 5));
          rep->set_participants(participants);
          rep->set_participants_at_risk(uniform(0, participants / 2));
          rep->set_results("Aktivitātes notika, kā plānots.");
          rep->set_supervisor_confirmed(true);
        }
        const int64_t p_created = Micros(sem.first, 86400 * 5 + k);
        proj_s.T(1, proj_id)
            .T(2, call_id)
            .T(3, mun_col)
            .T(4, inst_col)
            .T(5, owner_account)
            .T(6, "")
            .I(7, state)
            .B(8, in.SerializeAsString())
            .I(9, p_created)
            .I(10, Micros(end, 86400 * 30))
            .Run();
        for (const std::string& id : members) {
          member_s.T(1, proj_id).T(2, id).Run();
        }
        bi.Row();
      }
    }
    bc.Finish();
    bi.Finish();
  }
  Batcher::Close(db);
  app.Finalize();
  plan.Finalize();
  del.Finalize();
  Check(db, sqlite3_close(db), "close");
  db = nullptr;
  // The generator's own tables are no longer needed: free them before the
  // recount, which holds a school year's counters in memory.
  inst = {};
  pupil_ids = {};
  pupil_inst = {};
  pool = {};
  prev = {};
  prev_app = {};
  prev_plan = {};
  taken = {};

  // 6. The statistics counters, recounted by the server's own code in one
  // transaction, as the server would on start after a bulk load.
  {
    const absl::Time tr = absl::Now();
    storage::DatabaseOptions options;
    options.path = path;
    options.readers = 1;
    options.connection.durability = storage::Durability::kNormal;
    auto sdb = storage::Database::Open(options);
    if (!sdb.ok()) Die(sdb.status().ToString());
    CallContext call;
    call.caller_id = "system:stats-generate";
    std::printf("statistics: recounting the counters from the plans\n");
    std::fflush(stdout);
    const absl::Status rebuilt =
        (*sdb)->WriteSync(call, [&](storage::Connection& c) {
          return statistics::Rebuild(c, [&](absl::string_view line) {
            std::printf("  %s (%.1f s)\n", std::string(line).c_str(),
                        absl::ToDoubleSeconds(absl::Now() - tr));
            std::fflush(stdout);
          });
        });
    if (!rebuilt.ok()) Die(absl::StrCat("statistics: ", rebuilt.ToString()));
    (*sdb)->Close();
    std::printf("statistics: built in %.1f s\n",
                absl::ToDoubleSeconds(absl::Now() - tr));
    std::fflush(stdout);
  }

  Check(db, sqlite3_open(path.c_str(), &db), "open");
  {
    sqlite3_stmt* q = nullptr;
    Check(db,
          sqlite3_prepare_v2(
              db,
              "SELECT (SELECT count(*) FROM stats_counts), (SELECT "
              "count(*) FROM stats_year_members), (SELECT count(*) FROM "
              "stats_year_pupils), (SELECT built FROM stats_built), "
              "(SELECT count(*) FROM initiative_calls), (SELECT count(*) "
              "FROM initiatives)",
              -1, &q, nullptr),
          "count");
    Check(db, sqlite3_step(q), "count");
    std::printf(
        "stats_counts %lld, stats_year_members %lld, "
        "stats_year_pupils %lld, stats_built %lld; youth calls %lld, "
        "projects %lld\n",
        static_cast<long long>(sqlite3_column_int64(q, 0)),
        static_cast<long long>(sqlite3_column_int64(q, 1)),
        static_cast<long long>(sqlite3_column_int64(q, 2)),
        static_cast<long long>(sqlite3_column_int64(q, 3)),
        static_cast<long long>(sqlite3_column_int64(q, 4)),
        static_cast<long long>(sqlite3_column_int64(q, 5)));
    sqlite3_finalize(q);
  }
  std::printf("ANALYZE and checkpoint\n");
  std::fflush(stdout);
  Exec(db, "ANALYZE");
  Check(db,
        sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                  nullptr, nullptr),
        "checkpoint");
  sqlite3_close(db);
  stat(path.c_str(), &st);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("done in %.1f s: %s is %.1f MiB (peak RSS %.0f MiB)\n",
              absl::ToDoubleSeconds(absl::Now() - t0), path.c_str(),
              st.st_size / 1048576.0, ru.ru_maxrss / 1024.0);
  return 0;
}

}  // namespace
}  // namespace pumpurs

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes a national-scale Pumpurs data set for the statistics benchmark.");
  absl::ParseCommandLine(argc, argv);
  return pumpurs::Main();
}
