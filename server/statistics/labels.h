#ifndef PUMPURS_SERVER_STATISTICS_LABELS_H_
#define PUMPURS_SERVER_STATISTICS_LABELS_H_

// How the statistics reports name things, in English or Latvian: shared by
// the CSV export (csv.cc) and `pumpurs stats` (cli/stats_commands.cc), so a
// table and a file say the same. Depends on the generated messages only, so
// the command-line client can link it without the server.

#include <string>

#include "pumpurs/v1/knowledge_base.pb.h"
#include "pumpurs/v1/statistics.pb.h"
#include "pumpurs/v1/support_plan.pb.h"

namespace pumpurs::statistics {

// Picks the English or the Latvian of a pair.
struct Words {
  bool lv = false;
  const char* operator()(const char* en, const char* lv_text) const {
    return lv ? lv_text : en;
  }
};

// Whole numbers without decimals, others with two.
std::string Number(double value);
// A figure's value, or "suppressed" ("neizpaužams"): a suppressed figure
// is 0 on the wire, and printing that 0 would state a count the server
// withheld.
std::string Cell(const pumpurs::v1::Figure& figure, const Words& w);
// "2025/2026-1".
std::string SemesterLabel(const pumpurs::v1::Semester& semester);
std::string StateName(pumpurs::v1::PlanState state, const Words& w);
std::string GroupName(pumpurs::v1::RiskGroup group, const Words& w);
std::string UnitName(pumpurs::v1::MeasureUnit unit, const Words& w);

}  // namespace pumpurs::statistics

#endif  // PUMPURS_SERVER_STATISTICS_LABELS_H_
