#ifndef PUMPURS_CLI_STATS_CHART_H_
#define PUMPURS_CLI_STATS_CHART_H_

// The trend of programme indicators as a standalone SVG 1.1 chart (what
// `pumpurs stats chart` writes): a pure function of the server's answer, so
// it can be tested without a server.

#include <string>

#include "absl/strings/string_view.h"
#include "pumpurs/v1/statistics.pb.h"

namespace pumpurs::cli {

struct TrendChartOptions {
  // "lv" for Latvian texts, anything else for English.
  std::string language = "en";
  // How the title names the scope, e.g. "Ābeļu novads"; empty: the scope's
  // resource name, or "national" / "valsts".
  std::string scope_label;
};

// An SVG document (UTF-8, with the XML declaration and the SVG namespace)
// of `indicators.trend()`: the top panel draws pupils supported and plans
// per semester as lines (polylines of class "series-pupils" and
// "series-plans"), the bottom panel hours planned and delivered as bars
// (rects of class "bar-planned" and "bar-delivered"). A suppressed figure
// is never drawn as a value: a line breaks there (a new polyline starts
// after it) and the bar is left out, and a note under the chart says why.
// Every text from the answer or the options is escaped for XML.
std::string TrendChartSvg(const pumpurs::v1::ProgrammeIndicators& indicators,
                          const TrendChartOptions& options = {});

// `text` with &, <, >, " and ' as XML entities, and the characters XML 1.0
// does not allow (C0 controls other than tab, line feed and carriage
// return) left out. Bytes of 0x80 and above (UTF-8) pass unchanged.
std::string XmlEscape(absl::string_view text);

}  // namespace pumpurs::cli

#endif  // PUMPURS_CLI_STATS_CHART_H_
