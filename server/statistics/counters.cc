#include "server/statistics/counters.h"

#include <array>
#include <climits>
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"

namespace pumpurs::statistics {
namespace {

namespace v1 = ::pumpurs::v1;
using storage::Connection;

std::array<std::string, 3> ScopesOf(const PlanPlace& place) {
  return {NationalScope(), MunicipalityScope(place.municipality_id),
          InstitutionScope(place.institution_id)};
}

absl::Status AddCount(Connection& conn, const PlanPlace& place,
                      const std::string& scope, const std::string& metric,
                      const std::string& key, int64_t delta) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO stats_counts (school_year, term, scope, "
                   "metric, key, value) VALUES (?, ?, ?, ?, ?, ?) ON "
                   "CONFLICT DO UPDATE SET value = value + excluded.value"));
  s.Bind(1, int64_t{place.school_year})
      .Bind(2, int64_t{place.term})
      .Bind(3, scope)
      .Bind(4, metric)
      .Bind(5, key)
      .Bind(6, delta);
  return s.Run();
}

absl::Status AddPupils(Connection& conn, int school_year,
                       const std::string& scope, const std::string& key,
                       int64_t delta) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO stats_year_pupils (school_year, scope, key, "
                   "pupils) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                   "pupils = pupils + excluded.pupils"));
  s.Bind(1, int64_t{school_year}).Bind(2, scope).Bind(3, key).Bind(4, delta);
  return s.Run();
}

// The pupil enters the cell through one more plan of the year; the cell
// grows when it is their first.
absl::Status Join(Connection& conn, const PlanPlace& place,
                  const std::string& scope, const std::string& key) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("INSERT INTO stats_year_members (school_year, scope, key, "
                   "pupil_id, refs) VALUES (?, ?, ?, ?, 1) ON CONFLICT DO "
                   "UPDATE SET refs = refs + 1 RETURNING refs"));
  s.Bind(1, int64_t{place.school_year})
      .Bind(2, scope)
      .Bind(3, key)
      .Bind(4, place.pupil_id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  const int64_t refs = row ? s.ColumnInt64(0) : 0;
  PUMPURS_RETURN_IF_ERROR(s.Run());  // finish the statement
  if (refs == 1) return AddPupils(conn, place.school_year, scope, key, 1);
  return absl::OkStatus();
}

// One plan fewer puts the pupil in the cell; the cell shrinks when it was
// the last.
absl::Status Leave(Connection& conn, const PlanPlace& place,
                   const std::string& scope, const std::string& key) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("UPDATE stats_year_members SET refs = refs - 1 WHERE "
                   "school_year = ? AND scope = ? AND key = ? AND pupil_id = "
                   "? RETURNING refs"));
  s.Bind(1, int64_t{place.school_year})
      .Bind(2, scope)
      .Bind(3, key)
      .Bind(4, place.pupil_id);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) {
    // Rows changed around the plan writer (by hand): never fail the plan's
    // change for it; recount on the next start instead.
    LogLine("statistics_out_of_step").Str("scope", scope);
    return MarkStale(conn);
  }
  const int64_t refs = s.ColumnInt64(0);
  PUMPURS_RETURN_IF_ERROR(s.Run());
  if (refs > 0) return absl::OkStatus();
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement del,
      conn.Prepare("DELETE FROM stats_year_members WHERE school_year = ? AND "
                   "scope = ? AND key = ? AND pupil_id = ?"));
  del.Bind(1, int64_t{place.school_year})
      .Bind(2, scope)
      .Bind(3, key)
      .Bind(4, place.pupil_id);
  PUMPURS_RETURN_IF_ERROR(del.Run());
  return AddPupils(conn, place.school_year, scope, key, -1);
}

// Bulk rebuild of one school year: everything in memory, written in key
// order.
struct YearTotals {
  // (term, scope, metric, key) -> value
  std::map<std::tuple<int, std::string, std::string, std::string>, int64_t>
      counts;
  // (scope, key, pupil) -> refs
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> members;
};

void AddPlan(YearTotals& y, const PlanPlace& place, const Contribution& c) {
  for (const std::string& scope : ScopesOf(place)) {
    for (const auto& [mk, value] : c.counters) {
      y.counts[{place.term, scope, mk.first, mk.second}] += value;
    }
    for (const std::string& key : c.member_keys) {
      y.members[{scope, key, place.pupil_id}] += 1;
    }
  }
}

absl::Status WriteYear(Connection& conn, int school_year, const YearTotals& y) {
  for (const auto& [k, value] : y.counts) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT INTO stats_counts (school_year, term, scope, "
                     "metric, key, value) VALUES (?, ?, ?, ?, ?, ?)"));
    s.Bind(1, int64_t{school_year})
        .Bind(2, int64_t{std::get<0>(k)})
        .Bind(3, std::get<1>(k))
        .Bind(4, std::get<2>(k))
        .Bind(5, std::get<3>(k))
        .Bind(6, value);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  std::map<std::pair<std::string, std::string>, int64_t> pupils;
  for (const auto& [k, refs] : y.members) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT INTO stats_year_members (school_year, scope, "
                     "key, pupil_id, refs) VALUES (?, ?, ?, ?, ?)"));
    s.Bind(1, int64_t{school_year})
        .Bind(2, std::get<0>(k))
        .Bind(3, std::get<1>(k))
        .Bind(4, std::get<2>(k))
        .Bind(5, refs);
    PUMPURS_RETURN_IF_ERROR(s.Run());
    pupils[{std::get<0>(k), std::get<1>(k)}] += 1;
  }
  for (const auto& [k, n] : pupils) {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("INSERT INTO stats_year_pupils (school_year, scope, key, "
                     "pupils) VALUES (?, ?, ?, ?)"));
    s.Bind(1, int64_t{school_year})
        .Bind(2, k.first)
        .Bind(3, k.second)
        .Bind(4, n);
    PUMPURS_RETURN_IF_ERROR(s.Run());
  }
  return absl::OkStatus();
}

}  // namespace

std::string NationalScope() { return "n"; }
std::string MunicipalityScope(absl::string_view municipality_id) {
  return absl::StrCat("m:", municipality_id);
}
std::string InstitutionScope(absl::string_view institution_id) {
  return absl::StrCat("i:", institution_id);
}

absl::Status ApplyChange(Connection& conn, const PlanPlace& place,
                         const Contribution& before,
                         const Contribution& after) {
  std::map<std::pair<std::string, std::string>, int64_t> delta = after.counters;
  for (const auto& [k, v] : before.counters) delta[k] -= v;
  const std::array<std::string, 3> scopes = ScopesOf(place);
  bool changed = false;
  for (const auto& [k, d] : delta) {
    if (d == 0) continue;
    changed = true;
    for (const std::string& scope : scopes) {
      PUMPURS_RETURN_IF_ERROR(
          AddCount(conn, place, scope, k.first, k.second, d));
    }
  }
  for (const std::string& key : before.member_keys) {
    if (after.member_keys.count(key)) continue;
    changed = true;
    for (const std::string& scope : scopes) {
      PUMPURS_RETURN_IF_ERROR(Leave(conn, place, scope, key));
    }
  }
  for (const std::string& key : after.member_keys) {
    if (before.member_keys.count(key)) continue;
    changed = true;
    for (const std::string& scope : scopes) {
      PUMPURS_RETURN_IF_ERROR(Join(conn, place, scope, key));
    }
  }
  // Reports of the semester computed before are stale now.
  if (!changed) return absl::OkStatus();
  return AddCount(conn, place, NationalScope(), kVersion, "", 1);
}

absl::Status Rebuild(Connection& conn,
                     const std::function<void(absl::string_view)>& progress) {
  PUMPURS_RETURN_IF_ERROR(
      conn.Exec("DELETE FROM stats_counts; DELETE FROM stats_year_members; "
                "DELETE FROM stats_year_pupils;"));
  std::vector<int> years;
  {
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT DISTINCT school_year FROM support_plans ORDER BY "
                     "school_year"));
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      years.push_back(static_cast<int>(s.ColumnInt64(0)));
    }
  }
  int64_t done = 0;
  for (int year : years) {
    YearTotals totals;
    PUMPURS_ASSIGN_OR_RETURN(
        storage::Statement s,
        conn.Prepare("SELECT term, institution_id, municipality_id, "
                     "pupil_id, state, data FROM support_plans WHERE "
                     "school_year = ?"));
    s.Bind(1, int64_t{year});
    int64_t plans = 0;
    while (true) {
      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      PlanPlace place;
      place.school_year = year;
      place.term = static_cast<int>(s.ColumnInt64(0));
      place.institution_id = s.ColumnText(1);
      place.municipality_id = s.ColumnText(2);
      place.pupil_id = s.ColumnText(3);
      const auto state = static_cast<v1::PlanState>(s.ColumnInt64(4));
      v1::SupportPlan plan;
      if (!plan.ParseFromString(s.ColumnText(5))) {
        return absl::DataLossError("a stored support plan cannot be read");
      }
      AddPlan(totals, place, ContributionOf(plan, state));
      ++plans;
    }
    PUMPURS_RETURN_IF_ERROR(WriteYear(conn, year, totals));
    done += plans;
    if (progress) {
      progress(absl::StrCat("statistics: school year ", year, "/", year + 1,
                            ": ", plans, " plans counted (", done, " in all)"));
    }
  }
  // A new token: reports cached from the counters before are stale.
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement built,
                           conn.Prepare("UPDATE stats_built SET built = ?"));
  absl::BitGen bits;
  built.Bind(1, absl::Uniform<int64_t>(bits, 1, INT64_MAX));
  return built.Run();
}

absl::StatusOr<int64_t> BuildToken(Connection& conn) {
  return conn.QueryInt("SELECT built FROM stats_built");
}

absl::StatusOr<int64_t> SemesterVersion(Connection& conn, int school_year,
                                        int term) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT value FROM stats_counts WHERE school_year = ? AND "
                   "term = ? AND scope = 'n' AND metric = 'version' AND key "
                   "= ''"));
  s.Bind(1, int64_t{school_year}).Bind(2, int64_t{term});
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt64(0) : 0;
}

absl::StatusOr<bool> IsBuilt(Connection& conn) {
  PUMPURS_ASSIGN_OR_RETURN(int64_t built,
                           conn.QueryInt("SELECT built FROM stats_built"));
  return built != 0;
}

absl::Status MarkStale(Connection& conn) {
  return conn.Exec("UPDATE stats_built SET built = 0");
}

absl::Status EnsureBuilt(storage::Database& db) {
  CallContext call;
  call.caller_id = "system:statistics";
  bool built = false;
  PUMPURS_RETURN_IF_ERROR(db.ReadSync(call, [&](Connection& c) -> absl::Status {
    PUMPURS_ASSIGN_OR_RETURN(built, IsBuilt(c));
    return absl::OkStatus();
  }));
  if (built) return absl::OkStatus();
  return db.WriteSync(call, [](Connection& c) {
    return Rebuild(c, [](absl::string_view line) {
      LogLine("statistics_rebuild").Str("progress", line);
    });
  });
}

}  // namespace pumpurs::statistics
