#ifndef PUMPURS_SERVER_STATISTICS_FIGURES_H_
#define PUMPURS_SERVER_STATISTICS_FIGURES_H_

// The raw (unsuppressed) figures of every reporting unit — the country,
// each municipality, each institution — for a semester or a period, read
// from the counters (counters.h), the directory and the youth-initiative
// tables into dense sheets. Nothing here leaves the server as is:
// report.h suppresses before anything is answered.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/plans/semester.h"
#include "server/storage/connection.h"

namespace pumpurs::statistics {

enum class Level { kNation, kMunicipality, kInstitution };

std::string ScopeOf(Level level, const std::string& id);

// The units: 0 is the country, then the municipalities, then the
// institutions (each under its municipality in the directory today).
struct Tree {
  std::vector<Level> level;
  std::vector<std::string> id;
  std::vector<int> parent;                   // -1 for the country
  std::map<std::string, int> unit_of_scope;  // ScopeOf() -> unit
  std::string fingerprint;                   // changes when the directory does

  int units() const { return static_cast<int>(id.size()); }
  // -1 if there is no such unit.
  int Find(Level l, const std::string& unit_id) const;
};
absl::StatusOr<Tree> LoadTree(storage::Connection& conn);

struct Factor {
  std::string code;
  int group = 0;
  pumpurs::v1::LocalizedText title;
};
struct MeasureKind {
  std::string key;   // MeasureKey()
  std::string code;  // "" for custom measures
  int unit = 0;
  pumpurs::v1::LocalizedText title;
};

// The columns of a sheet: fixed by the knowledge base's taxonomy. Measures
// of a type unknown to it (deleted, or its unit changed since) count with
// the custom measures of their unit.
struct Layout {
  std::vector<Factor> factors;        // by group, then the KB's order
  std::vector<MeasureKind> measures;  // KB types by code, then custom by unit
  std::string fingerprint;

  enum MeasureField { kCount, kWithType, kPlanned, kDelivered, kCost };
  enum YouthField { kProjects, kParticipants, kAtRisk, kPlannedPeople };

  int Plans(int state) const { return state - 1; }  // states 1..8
  int AllPupils() const { return 8; }
  int Group(int group) const { return 8 + group; }  // groups 1..4
  int FactorColumn(size_t i) const { return 13 + static_cast<int>(i); }
  int Measure(size_t m, MeasureField f) const {
    return 13 + static_cast<int>(factors.size() + m * 5) + f;
  }
  int Youth(YouthField f) const {
    return 13 + static_cast<int>(factors.size() + measures.size() * 5) + f;
  }
  int columns() const { return Youth(kPlannedPeople) + 1; }

  // The column of a counter (metric, key) of stats_counts; -1 if none.
  int ColumnOf(const std::string& metric, const std::string& key) const;
  // The column of a distinct-pupil cell key ("*", "g:1", "f:code"); -1 if
  // none.
  int PupilColumnOf(const std::string& key) const;

  std::map<std::string, int> factor_index;   // code -> index
  std::map<std::string, int> measure_index;  // key -> index
};
absl::StatusOr<Layout> LoadLayout(storage::Connection& conn);

// values[unit][column].
struct Sheet {
  std::vector<std::vector<int64_t>> values;
};

// A funded youth project (approved, running, reported, closed), counted in
// the semester its call closed for applications; participants from its
// final report (0 until reported). Few enough to read all at once.
struct YouthProject {
  plans::Semester semester;
  std::string municipality_id;  // of the call
  std::string institution_id;   // a state vocational school's call, or ""
  int64_t planned = 0;
  int64_t participants = 0;
  int64_t at_risk = 0;
};
absl::StatusOr<std::vector<YouthProject>> LoadYouthProjects(
    storage::Connection& conn);

// Every unit's figures for one semester (`youth`: LoadYouthProjects).
absl::StatusOr<Sheet> LoadSemester(storage::Connection& conn,
                                   const Layout& layout, const Tree& tree,
                                   const std::vector<YouthProject>& youth,
                                   const plans::Semester& semester);

// Every unit's figures for a period of whole school years, from its
// semesters' sheets (same order as `semesters`) and the distinct-pupil
// counts of the whole period.
absl::StatusOr<Sheet> CombinePeriod(
    storage::Connection& conn, const Layout& layout, const Tree& tree,
    const std::vector<plans::Semester>& semesters,
    const std::vector<const Sheet*>& sheets);

// A fingerprint of the youth-initiative tables, which the counters do not
// cover.
absl::StatusOr<std::string> YouthFingerprint(storage::Connection& conn);

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_FIGURES_H_
