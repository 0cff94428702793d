#include "cli/stats_chart.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;

struct Words {
  bool lv;
  const char* operator()(const char* en, const char* lv_text) const {
    return lv ? lv_text : en;
  }
};

// One semester's value; `shown` is false for a suppressed figure, which
// must never be drawn as a number (not even as 0).
struct Point {
  bool shown;
  double value;
};

std::vector<Point> PointsOf(
    const google::protobuf::RepeatedPtrField<v1::SemesterIndicators>& trend,
    const v1::Figure& (v1::SemesterIndicators::*figure)() const) {
  std::vector<Point> out;
  for (const v1::SemesterIndicators& s : trend) {
    const v1::Figure& f = (s.*figure)();
    out.push_back({!f.suppressed(), f.suppressed() ? 0 : f.value()});
  }
  return out;
}

// "2025/26-1": short enough for eight labels side by side.
std::string SemesterLabel(const v1::Semester& s) {
  return absl::StrFormat("%d/%02d-%d", s.school_year(),
                         (s.school_year() + 1) % 100, s.term());
}

// Coordinates with one decimal: enough for a screen, short in the file.
std::string C(double v) { return absl::StrFormat("%.1f", v); }

std::string TickLabel(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  return absl::StrFormat("%g", v);
}

// A value axis from 0: the top and the step between grid lines, the step
// being 1, 2 or 5 times a power of ten so the labels read well.
struct Axis {
  double top;
  double step;
};

Axis AxisFor(double max) {
  if (!(max > 0)) return {5, 1};
  const double raw = max / 5;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * power;
    if (step >= raw) break;
  }
  // Counts are whole: no grid line at 0.5 pupils.
  step = std::max(step, 1.0);
  return {step * std::ceil(max / step), step};
}

double MaxShown(const std::vector<std::vector<Point>>& series) {
  double max = 0;
  for (const auto& points : series) {
    for (const Point& p : points) {
      if (p.shown) max = std::max(max, p.value);
    }
  }
  return max;
}

bool AnyHidden(const std::vector<Point>& points) {
  for (const Point& p : points) {
    if (!p.shown) return true;
  }
  return false;
}

// Where the panels and labels go; x of semester i is the middle of its slot.
struct Layout {
  double left = 80;
  double right = 680;  // plot area ends; the legend is to its right
  double legend_x = 700;
  double width = 900;
  size_t n = 0;
  double Slot() const { return (right - left) / std::max<size_t>(n, 1); }
  double X(size_t i) const { return left + (i + 0.5) * Slot(); }
};

struct Panel {
  double top;
  double bottom;
  Axis axis;
  double Y(double v) const { return bottom - (bottom - top) * (v / axis.top); }
};

void Text(std::string& out, double x, double y, absl::string_view text,
          absl::string_view attributes = "") {
  absl::StrAppend(&out, "<text x=\"", C(x), "\" y=\"", C(y), "\"",
                  attributes.empty() ? "" : " ", attributes, ">",
                  XmlEscape(text), "</text>\n");
}

// The frame, grid, value labels and title of a panel, and the semester
// labels under it.
void DrawPanelFrame(std::string& out, const Layout& layout, const Panel& p,
                    absl::string_view title, absl::string_view value_label,
                    const std::vector<std::string>& semesters, bool rotate) {
  Text(out, layout.left, p.top - 10, title,
       "font-size=\"14\" font-weight=\"bold\"");
  out += "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (double v = 0; v <= p.axis.top + p.axis.step / 2; v += p.axis.step) {
    absl::StrAppend(&out, "<line x1=\"", C(layout.left), "\" y1=\"", C(p.Y(v)),
                    "\" x2=\"", C(layout.right), "\" y2=\"", C(p.Y(v)),
                    "\"/>\n");
  }
  out +=
      "</g>\n<g class=\"value-labels\" font-size=\"11\" "
      "text-anchor=\"end\">\n";
  for (double v = 0; v <= p.axis.top + p.axis.step / 2; v += p.axis.step) {
    Text(out, layout.left - 6, p.Y(v) + 4, TickLabel(v));
  }
  out += "</g>\n";
  absl::StrAppend(&out, "<line class=\"axis\" x1=\"", C(layout.left),
                  "\" y1=\"", C(p.bottom), "\" x2=\"", C(layout.right),
                  "\" y2=\"", C(p.bottom), "\" stroke=\"#333333\"/>\n");
  absl::StrAppend(&out, "<line class=\"axis\" x1=\"", C(layout.left),
                  "\" y1=\"", C(p.top), "\" x2=\"", C(layout.left), "\" y2=\"",
                  C(p.bottom), "\" stroke=\"#333333\"/>\n");
  const double mid = (p.top + p.bottom) / 2;
  Text(out, layout.left - 50, mid, value_label,
       absl::StrCat("font-size=\"12\" text-anchor=\"middle\" "
                    "transform=\"rotate(-90 ",
                    C(layout.left - 50), " ", C(mid), ")\""));
  out += "<g class=\"semester-labels\" font-size=\"11\">\n";
  for (size_t i = 0; i < semesters.size(); ++i) {
    const double x = layout.X(i);
    const double y = p.bottom + 16;
    if (rotate) {
      Text(out, x, y, semesters[i],
           absl::StrCat("text-anchor=\"end\" transform=\"rotate(-40 ", C(x),
                        " ", C(y), ")\""));
    } else {
      Text(out, x, y, semesters[i], "text-anchor=\"middle\"");
    }
  }
  out += "</g>\n";
}

// A light band over each semester where a series of the panel is
// suppressed, so a gap does not read as 0 (which a missing bar would).
void DrawSuppressedBands(std::string& out, const Layout& layout, const Panel& p,
                         const std::vector<std::vector<Point>>& series) {
  out += "<g class=\"suppressed\" fill=\"#eeeeee\">\n";
  for (size_t i = 0; i < layout.n; ++i) {
    bool hidden = false;
    for (const auto& points : series) hidden = hidden || !points[i].shown;
    if (!hidden) continue;
    absl::StrAppend(&out, "<rect x=\"", C(layout.X(i) - layout.Slot() / 2),
                    "\" y=\"", C(p.top), "\" width=\"", C(layout.Slot()),
                    "\" height=\"", C(p.bottom - p.top), "\"/>\n");
  }
  out += "</g>\n";
}

// A line broken at every suppressed point: one polyline per run of shown
// points, with a dot on each (a run of one point is only its dot).
void DrawLine(std::string& out, const Layout& layout, const Panel& p,
              const std::vector<Point>& points, absl::string_view cls,
              absl::string_view color, absl::string_view dash) {
  absl::StrAppend(&out, "<g class=\"", cls, "\">\n");
  std::vector<std::string> run;
  auto flush = [&] {
    if (run.empty()) return;
    absl::StrAppend(&out, "<polyline class=\"", cls, "\" points=\"",
                    absl::StrJoin(run, " "), "\" fill=\"none\" stroke=\"",
                    color, "\" stroke-width=\"2\"",
                    dash.empty() ? "" : " stroke-dasharray=\"", dash,
                    dash.empty() ? "" : "\"", "/>\n");
    run.clear();
  };
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i].shown) {
      flush();
      continue;
    }
    run.push_back(absl::StrCat(C(layout.X(i)), ",", C(p.Y(points[i].value))));
  }
  flush();
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i].shown) continue;
    absl::StrAppend(&out, "<circle cx=\"", C(layout.X(i)), "\" cy=\"",
                    C(p.Y(points[i].value)), "\" r=\"3\" fill=\"", color,
                    "\"/>\n");
  }
  out += "</g>\n";
}

// Bar `k` of `of` in each semester's slot; none where suppressed.
void DrawBars(std::string& out, const Layout& layout, const Panel& p,
              const std::vector<Point>& points, int k, int of,
              absl::string_view cls, absl::string_view color) {
  const double width = layout.Slot() * 0.7 / of;
  absl::StrAppend(&out, "<g class=\"", cls, "\">\n");
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i].shown) continue;
    const double x = layout.X(i) - layout.Slot() * 0.35 + k * width;
    const double y = p.Y(points[i].value);
    absl::StrAppend(&out, "<rect class=\"", cls, "\" x=\"", C(x), "\" y=\"",
                    C(y), "\" width=\"", C(width), "\" height=\"",
                    C(p.bottom - y), "\" fill=\"", color, "\"/>\n");
  }
  out += "</g>\n";
}

struct LegendEntry {
  std::string label;
  std::string color;
  bool line;  // a line sample, else a box
  std::string dash = "";
};

void DrawLegend(std::string& out, const Layout& layout, double top,
                const std::vector<LegendEntry>& entries) {
  out += "<g class=\"legend\" font-size=\"12\">\n";
  double y = top + 10;
  for (const LegendEntry& e : entries) {
    const double x = layout.legend_x;
    if (e.line) {
      absl::StrAppend(&out, "<line x1=\"", C(x), "\" y1=\"", C(y - 4),
                      "\" x2=\"", C(x + 20), "\" y2=\"", C(y - 4),
                      "\" stroke=\"", e.color, "\" stroke-width=\"2\"",
                      e.dash.empty() ? "" : " stroke-dasharray=\"", e.dash,
                      e.dash.empty() ? "" : "\"", "/>\n");
    } else {
      absl::StrAppend(&out, "<rect x=\"", C(x + 4), "\" y=\"", C(y - 10),
                      "\" width=\"12\" height=\"12\" fill=\"", e.color,
                      "\" stroke=\"#999999\" stroke-width=\"0.5\"/>\n");
    }
    Text(out, x + 26, y, e.label);
    y += 20;
  }
  out += "</g>\n";
}

}  // namespace

std::string XmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no way to write these, not even as references.
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string TrendChartSvg(const v1::ProgrammeIndicators& in,
                          const TrendChartOptions& options) {
  const Words w{options.language == "lv"};
  const auto& trend = in.trend();
  Layout layout;
  layout.n = trend.size();
  std::vector<std::string> semesters;
  for (const v1::SemesterIndicators& s : trend) {
    semesters.push_back(SemesterLabel(s.semester()));
  }
  // Long labels overlap once slots get narrow: turn them.
  const bool rotate = layout.n > 8;
  const double label_band = rotate ? 60 : 24;

  const std::vector<Point> pupils =
      PointsOf(trend, &v1::SemesterIndicators::pupils_supported);
  const std::vector<Point> plans =
      PointsOf(trend, &v1::SemesterIndicators::plans);
  const std::vector<Point> planned =
      PointsOf(trend, &v1::SemesterIndicators::hours_planned);
  const std::vector<Point> delivered =
      PointsOf(trend, &v1::SemesterIndicators::hours_delivered);
  const bool any_hidden = AnyHidden(pupils) || AnyHidden(plans) ||
                          AnyHidden(planned) || AnyHidden(delivered);

  Panel top{90, 310, AxisFor(MaxShown({pupils, plans}))};
  Panel bottom{top.bottom + label_band + 50, 0,
               AxisFor(MaxShown({planned, delivered}))};
  bottom.bottom = bottom.top + 190;
  const double x_label_y = bottom.bottom + label_band + 16;
  const double note_y = x_label_y + 24;
  const double height = note_y + 20;

  std::string scope = options.scope_label;
  if (scope.empty()) {
    scope = !in.scope().institution().empty()    ? in.scope().institution()
            : !in.scope().municipality().empty() ? in.scope().municipality()
                                                 : w("national", "valsts");
  }
  std::string title = absl::StrCat(
      w("Programme trend", "Programmas rādītāju dinamika"), ": ", scope);
  if (!semesters.empty()) {
    absl::StrAppend(&title, ", ", semesters.front(), " – ", semesters.back());
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  absl::StrAppend(&out,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                  "width=\"",
                  C(layout.width), "\" height=\"", C(height),
                  "\" viewBox=\"0 0 ", C(layout.width), " ", C(height),
                  "\" font-family=\"sans-serif\">\n");
  absl::StrAppend(&out, "<title>", XmlEscape(title), "</title>\n");
  absl::StrAppend(&out, "<rect x=\"0\" y=\"0\" width=\"", C(layout.width),
                  "\" height=\"", C(height), "\" fill=\"#ffffff\"/>\n");
  Text(out, layout.left, 32, title, "font-size=\"18\" font-weight=\"bold\"");

  if (trend.empty()) {
    Text(out, layout.left, top.top + 20,
         w("No semesters to show.", "Nav semestru, ko parādīt."),
         "font-size=\"14\"");
    out += "</svg>\n";
    return out;
  }

  DrawSuppressedBands(out, layout, top, {pupils, plans});
  DrawPanelFrame(out, layout, top,
                 w("Pupils supported and plans per semester",
                   "Atbalstītie izglītojamie un plāni pa semestriem"),
                 w("pupils, plans", "izglītojamie, plāni"), semesters, rotate);
  // Plans dashed and on top: where every pupil has one plan the two lines
  // coincide, and both should still show.
  DrawLine(out, layout, top, pupils, "series-pupils", "#1f77b4", "");
  DrawLine(out, layout, top, plans, "series-plans", "#ff7f0e", "6 4");
  const LegendEntry suppressed{w("suppressed (gap)", "neizpaužams"), "#eeeeee",
                               false};
  std::vector<LegendEntry> legend = {
      {w("pupils supported", "atbalstītie izglītojamie"), "#1f77b4", true},
      {w("plans", "plāni"), "#ff7f0e", true, "6 4"}};
  if (any_hidden) legend.push_back(suppressed);
  DrawLegend(out, layout, top.top, legend);

  DrawSuppressedBands(out, layout, bottom, {planned, delivered});
  DrawPanelFrame(
      out, layout, bottom,
      w("Hours planned and delivered", "Plānotās un sniegtās stundas"),
      w("hours", "stundas"), semesters, rotate);
  DrawBars(out, layout, bottom, planned, 0, 2, "bar-planned", "#9ecae1");
  DrawBars(out, layout, bottom, delivered, 1, 2, "bar-delivered", "#08519c");
  legend = {{w("hours planned", "plānotās stundas"), "#9ecae1", false},
            {w("hours delivered", "sniegtās stundas"), "#08519c", false}};
  if (any_hidden) legend.push_back(suppressed);
  DrawLegend(out, layout, bottom.top, legend);

  Text(out, (layout.left + layout.right) / 2, x_label_y,
       w("semester", "semestris"), "font-size=\"12\" text-anchor=\"middle\"");
  if (any_hidden) {
    Text(out, layout.left, note_y,
         w("A gap on a grey band is a suppressed figure: fewer than 5 pupils "
           "are behind it, or it would reveal such a figure.",
           "Pārtraukums pelēkā joslā ir neizpaužams skaitlis: aiz tā ir "
           "mazāk nekā 5 izglītojamie vai tas atklātu šādu skaitli."),
         "class=\"note\" font-size=\"11\" fill=\"#555555\"");
  }
  out += "</svg>\n";
  return out;
}

}  // namespace pumpurs::cli
