// pumpurs stats indicators [SCOPE] PERIOD [--trend=N] [--lang=lv|en]
// pumpurs stats export --out_dir=DIR [SCOPE] PERIOD [--trend=N] [--lang=..]
// pumpurs stats chart --out=FILE.svg [SCOPE] PERIOD [--trend=N] [--lang=..]
//   SCOPE:  nothing (the whole country), --municipality=.. or --institution=..
//   PERIOD: --semester=2025-1 | --school_year=2025 | --school_years=2022-2025
//
// Only aggregates: the server suppresses small cells, and these commands
// print a suppressed figure as "suppressed" ("neizpaužams"), never as 0.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "cli/stats_chart.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"
#include "server/statistics/labels.h"

ABSL_FLAG(int, school_year, 0,
          "stats: the school year, e.g. 2025 for 2025/2026 (both semesters)");
ABSL_FLAG(std::string, school_years, "",
          "stats: whole school years FIRST-LAST, e.g. 2022-2025 (at most 10)");
ABSL_FLAG(int, trend, 0,
          "stats: semesters in the trend, ending with the period's last one "
          "(1 to 16; 0: the server's default, 8)");
ABSL_FLAG(std::string, lang, "en",
          "stats: the language of labels and CSV headers, lv or en");
ABSL_FLAG(std::string, out_dir, "",
          "stats export: the folder to write the CSV files to (created if "
          "missing; files of the same name are replaced)");
ABSL_FLAG(std::string, out, "", "stats chart: the SVG file to write");

namespace pumpurs::cli {
namespace {

using statistics::Cell;
using statistics::GroupName;
using statistics::Number;
using statistics::SemesterLabel;
using statistics::StateName;
using statistics::UnitName;
using statistics::Words;

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

constexpr char kUsage[] =
    "usage: pumpurs stats indicators [SCOPE] PERIOD [--trend=N] "
    "[--lang=lv|en] [--json]\n"
    "       pumpurs stats export --out_dir=DIR [SCOPE] PERIOD [--trend=N] "
    "[--lang=lv|en]\n"
    "       pumpurs stats chart --out=FILE.svg [SCOPE] PERIOD [--trend=N] "
    "[--lang=lv|en]\n"
    "SCOPE: nothing for the whole country, --municipality=ID|NAME or "
    "--institution=ID|NAME (municipalities/ID, ID or the display name).\n"
    "PERIOD: --semester=2025-1 | --school_year=2025 | "
    "--school_years=2022-2025.\n"
    "A suppressed figure (fewer than 5 pupils behind it, or one that would "
    "reveal such a figure) prints as \"suppressed\" (\"neizpaužams\"), "
    "never as 0.";

int Usage(absl::string_view message) { return PlanUsage(message, kUsage); }

// ---- the request ----

struct Query {
  v1::StatisticsScope scope;
  v1::StatisticsPeriod period;
  int trend = 0;
  std::string language;     // "en" or "lv"
  std::string scope_label;  // for titles: the display name if known
};

// `text` in lower case for comparing names: ASCII and the Latvian capitals
// (absl's case folding is ASCII only, and "ābeļu novads" should find
// "Ābeļu novads").
std::string FoldCase(absl::string_view text) {
  static constexpr std::pair<const char*, const char*> kLatvian[] = {
      {"Ā", "ā"}, {"Č", "č"}, {"Ē", "ē"}, {"Ģ", "ģ"}, {"Ī", "ī"}, {"Ķ", "ķ"},
      {"Ļ", "ļ"}, {"Ņ", "ņ"}, {"Š", "š"}, {"Ū", "ū"}, {"Ž", "ž"}};
  std::string out = absl::AsciiStrToLower(text);
  for (const auto& [upper, lower] : kLatvian) {
    out = absl::StrReplaceAll(out, {{upper, lower}});
  }
  return out;
}

// "municipalities/ID", "ID" or a display name (any case) → the resource
// name, and the display name for titles. IDs are opaque, so a word without
// "/" is tried as an ID first and then looked up among the display names;
// a display name that matches no entry, or several, is a usage error.
struct Resolved {
  std::string name;
  std::string label;
  absl::Status status;
  bool usage = false;
};

template <typename Item>
Resolved Resolve(
    absl::string_view text, absl::string_view collection,
    absl::string_view what,
    const std::function<absl::StatusOr<Item>(const std::string&)>& get,
    const std::function<absl::Status(const std::function<bool(const Item&)>&)>&
        for_each) {
  Resolved r;
  r.name = FullName(collection, text);
  absl::StatusOr<Item> item = get(r.name);
  if (item.ok()) {
    r.label = item->display_name();
    return r;
  }
  if (absl::StrContains(text, '/')) {
    // A full name: the statistics call reports a missing or forbidden
    // scope itself, in its own words.
    r.label = r.name;
    return r;
  }
  if (!absl::IsNotFound(item.status()) &&
      !absl::IsInvalidArgument(item.status())) {
    r.status = item.status();
    return r;
  }
  std::vector<Item> matches;
  const std::string wanted = FoldCase(text);
  r.status = for_each([&](const Item& i) {
    if (FoldCase(i.display_name()) == wanted) matches.push_back(i);
    return true;
  });
  if (!r.status.ok()) return r;
  if (matches.size() != 1) {
    r.usage = true;
    r.status = absl::InvalidArgumentError(
        matches.empty()
            ? absl::StrCat("no ", what, " has the ID or display name \"", text,
                           "\"")
            : absl::StrCat("more than one ", what, " is named \"", text,
                           "\"; give its ID"));
    return r;
  }
  r.name = matches[0].name();
  r.label = matches[0].display_name();
  return r;
}

// Reads the scope, period, trend and language flags into `q`; an exit code
// (2 for a usage error, 1 for a failed lookup) unless all are fine (-1).
int ReadQuery(const Client& client, Query& q) {
  const std::string municipality = absl::GetFlag(FLAGS_municipality);
  const std::string institution = absl::GetFlag(FLAGS_institution);
  if (!municipality.empty() && !institution.empty()) {
    return Usage("give --municipality or --institution, not both");
  }
  const std::string semester = absl::GetFlag(FLAGS_semester);
  const int school_year = absl::GetFlag(FLAGS_school_year);
  const std::string school_years = absl::GetFlag(FLAGS_school_years);
  const int periods =
      !semester.empty() + (school_year != 0) + !school_years.empty();
  if (periods != 1) {
    return Usage(
        "give one period: --semester=YEAR-TERM, --school_year=YEAR or "
        "--school_years=FIRST-LAST");
  }
  if (!semester.empty()) {
    if (!ParseSemester(semester, q.period.mutable_semester())) {
      return Usage(absl::StrCat(
          "--semester must be YEAR-TERM, e.g. 2025-1, not ", semester));
    }
  } else if (school_year != 0) {
    // Range checks are the server's: it names the field.
    q.period.set_school_year(school_year);
  } else {
    std::vector<absl::string_view> parts = absl::StrSplit(school_years, '-');
    int first = 0;
    int last = 0;
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &first) ||
        !absl::SimpleAtoi(parts[1], &last)) {
      return Usage(absl::StrCat(
          "--school_years must be FIRST-LAST, e.g. 2022-2025, not ",
          school_years));
    }
    q.period.mutable_school_years()->set_first_school_year(first);
    q.period.mutable_school_years()->set_last_school_year(last);
  }
  q.trend = absl::GetFlag(FLAGS_trend);
  q.language = absl::AsciiStrToLower(absl::GetFlag(FLAGS_lang));
  if (q.language != "en" && q.language != "lv") {
    return Usage(absl::StrCat("--lang must be lv or en, not ", q.language));
  }
  // The scope last: naming it by display name takes calls, which a usage
  // error above should not wait for.
  if (!municipality.empty()) {
    Resolved r = Resolve<v1::Municipality>(
        municipality, "municipalities", "municipality",
        [&](const std::string& name) {
          v1::GetMunicipalityRequest get;
          get.set_name(name);
          return client.GetMunicipality(get);
        },
        [&](const std::function<bool(const v1::Municipality&)>& fn) {
          return client.ForEachMunicipality(v1::ListMunicipalitiesRequest(),
                                            fn);
        });
    if (!r.status.ok()) {
      return r.usage ? Usage(r.status.message()) : Fail(r.status);
    }
    q.scope.set_municipality(r.name);
    q.scope_label = r.label;
  }
  if (!institution.empty()) {
    Resolved r = Resolve<v1::Institution>(
        institution, "institutions", "institution",
        [&](const std::string& name) {
          v1::GetInstitutionRequest get;
          get.set_name(name);
          return client.GetInstitution(get);
        },
        [&](const std::function<bool(const v1::Institution&)>& fn) {
          return client.ForEachInstitution(v1::ListInstitutionsRequest(), fn);
        });
    if (!r.status.ok()) {
      return r.usage ? Usage(r.status.message()) : Fail(r.status);
    }
    q.scope.set_institution(r.name);
    q.scope_label = r.label;
  }
  return -1;
}

absl::StatusOr<v1::ProgrammeIndicators> Fetch(const Client& client,
                                              const Query& q) {
  v1::GetProgrammeIndicatorsRequest request;
  *request.mutable_scope() = q.scope;
  *request.mutable_period() = q.period;
  request.set_trend_semesters(q.trend);
  return client.GetProgrammeIndicators(request);
}

// Fail() plus, for PERMISSION_DENIED, who may ask for which scope: the
// server's message names no rule, and the fix is usually a scope flag.
int FailStats(const absl::Status& status) {
  const int code = Fail(status);
  if (absl::IsPermissionDenied(status)) {
    std::fprintf(stderr,
                 "  statistics: the national administrator and methodologists "
                 "may ask for any scope, a municipality coordinator for the "
                 "municipality and its institutions, an institution's head "
                 "and coordinator for their institution only (give it with "
                 "--municipality=.. or --institution=..; none means the whole "
                 "country); service accounts need the API scope "
                 "statistics.read\n");
  }
  return code;
}

// ---- printing ----

std::string PeriodLabel(const v1::StatisticsPeriod& p, const Words& w) {
  switch (p.period_case()) {
    case v1::StatisticsPeriod::kSemester:
      return absl::StrCat(w("semester ", "semestris "),
                          SemesterLabel(p.semester()));
    case v1::StatisticsPeriod::kSchoolYear:
      return absl::StrCat(w("school year ", "mācību gads "), p.school_year(),
                          "/", p.school_year() + 1);
    case v1::StatisticsPeriod::kSchoolYears:
      return absl::StrCat(w("school years ", "mācību gadi "),
                          p.school_years().first_school_year(), "/",
                          p.school_years().first_school_year() + 1, " – ",
                          p.school_years().last_school_year(), "/",
                          p.school_years().last_school_year() + 1);
    case v1::StatisticsPeriod::PERIOD_NOT_SET:
      break;
  }
  return "";
}

std::string Percent(double v) { return absl::StrFormat("%.1f%%", v); }

void Section(absl::string_view heading, const Table& table) {
  std::printf("\n%s\n%s", std::string(heading).c_str(), table.Render().c_str());
}

Table MeasuresTable(
    const google::protobuf::RepeatedPtrField<v1::MeasuresOfType>& rows,
    const Words& w) {
  Table t({w("MEASURE", "PASĀKUMS"), w("UNIT", "MĒRVIENĪBA"),
           w("MEASURES", "PASĀKUMI"), w("PLANNED", "PLĀNOTS"),
           w("DELIVERED", "SNIEGTS"),
           w("PLANNED COST EUR", "PLĀNOTĀS IZMAKSAS EUR")});
  for (const v1::MeasuresOfType& m : rows) {
    t.AddRow({w.lv ? m.title_lv() : m.title_en(), UnitName(m.unit(), w),
              Cell(m.measures(), w), Cell(m.planned_quantity(), w),
              Cell(m.delivered_quantity(), w), Cell(m.planned_cost_eur(), w)});
  }
  return t;
}

void PrintIndicators(const v1::ProgrammeIndicators& in, const Query& q) {
  const Words w{q.language == "lv"};
  const std::string scope =
      !q.scope_label.empty() ? q.scope_label : w("national", "valsts");
  std::vector<std::string> semesters;
  for (const v1::Semester& s : in.semesters()) {
    semesters.push_back(SemesterLabel(s));
  }
  std::printf("%s: %s, %s (%s)\n",
              w("Programme indicators", "Programmas rādītāji"), scope.c_str(),
              PeriodLabel(in.period(), w).c_str(),
              absl::StrJoin(semesters, ", ").c_str());

  {
    Table t({w("INDICATOR", "RĀDĪTĀJS"), w("VALUE", "VĒRTĪBA"),
             w("TARGET", "MĒRĶIS")});
    std::string institutions_target;
    if (in.institutions_target() > 0) {
      institutions_target =
          absl::StrCat(in.institutions_target(), " (",
                       Percent(100.0 * in.institutions_involved() /
                               in.institutions_target()),
                       w(" reached)", " sasniegti)"));
    }
    t.AddRow({w("institutions involved", "iesaistītās izglītības iestādes"),
              absl::StrCat(in.institutions_involved(), w(" of ", " no "),
                           in.institutions_total(), " (",
                           Percent(in.institutions_share_percent()), ")"),
              institutions_target});
    std::string municipalities_target;
    if (in.municipalities_target_percent() > 0) {
      const bool met = in.municipalities_share_percent() >=
                       in.municipalities_target_percent();
      municipalities_target = absl::StrCat(
          in.municipalities_target_percent(), "% (",
          met ? w("met", "sasniegts") : w("not met", "nav sasniegts"), ")");
    }
    t.AddRow({w("municipalities involved", "iesaistītās pašvaldības"),
              absl::StrCat(in.municipalities_involved(), w(" of ", " no "),
                           in.municipalities_total(), " (",
                           Percent(in.municipalities_share_percent()), ")"),
              municipalities_target});
    t.AddRow({w("pupils supported", "atbalstītie izglītojamie"),
              Cell(in.pupils_supported(), w)});
    t.AddRow({w("plans", "plāni"), Cell(in.plans_total(), w)});
    t.AddRow(
        {w("hours planned", "plānotās stundas"), Cell(in.hours_planned(), w)});
    t.AddRow({w("hours delivered", "sniegtās stundas"),
              Cell(in.hours_delivered(), w)});
    t.AddRow({w("compensations planned EUR", "plānotās kompensācijas EUR"),
              Cell(in.compensation_planned_eur(), w)});
    t.AddRow({w("compensations paid EUR", "izmaksātās kompensācijas EUR"),
              Cell(in.compensation_paid_eur(), w)});
    Section(w("SUMMARY", "KOPSAVILKUMS"), t);
  }
  {
    Table t({w("STATE", "STATUSS"), w("PLANS", "PLĀNI")});
    for (const v1::PlansInState& p : in.plans_by_state()) {
      t.AddRow({StateName(p.state(), w), Cell(p.plans(), w)});
    }
    Section(w("PLANS BY STATE", "PLĀNI PA STATUSIEM"), t);
  }
  {
    Table t({w("RISK GROUP", "RISKA GRUPA"), w("PUPILS", "IZGLĪTOJAMIE")});
    for (const v1::PupilsInRiskGroup& g : in.pupils_by_risk_group()) {
      t.AddRow({GroupName(g.group(), w), Cell(g.pupils(), w)});
    }
    Section(w("PUPILS PER RISK GROUP", "IZGLĪTOJAMIE PA RISKU GRUPĀM"), t);
  }
  {
    Table t({w("RISK FACTOR", "RISKA FAKTORS"), w("GROUP", "GRUPA"),
             w("PUPILS", "IZGLĪTOJAMIE")});
    for (const v1::PupilsWithRiskFactor& f : in.pupils_by_risk_factor()) {
      t.AddRow({w.lv ? f.title_lv() : f.title_en(), GroupName(f.group(), w),
                Cell(f.pupils(), w)});
    }
    Section(w("PUPILS PER RISK FACTOR", "IZGLĪTOJAMIE PA RISKA FAKTORIEM"), t);
  }
  Section(w("MEASURES BY TYPE", "PASĀKUMI PA VEIDIEM"),
          MeasuresTable(in.measures_by_type(), w));
  {
    Table t = MeasuresTable(in.compensation_by_type(), w);
    Section(w("COMPENSATIONS", "KOMPENSĀCIJAS"), t);
    std::printf("%s: %s; %s: %s\n", w("planned in total", "plānots kopā"),
                Cell(in.compensation_planned_eur(), w).c_str(),
                w("paid in total", "izmaksāts kopā"),
                Cell(in.compensation_paid_eur(), w).c_str());
  }
  {
    Table t({w("INDICATOR", "RĀDĪTĀJS"), w("VALUE", "VĒRTĪBA")});
    t.AddRow({w("funded projects", "finansētie projekti"),
              Cell(in.youth().projects(), w)});
    t.AddRow(
        {w("participants", "dalībnieki"), Cell(in.youth().participants(), w)});
    t.AddRow({w("participants at risk", "dalībnieki riska grupā"),
              Cell(in.youth().participants_at_risk(), w)});
    t.AddRow({w("planned participants", "plānotie dalībnieki"),
              Cell(in.youth().planned_participants(), w)});
    Section(w("YOUTH INITIATIVES", "JAUNIEŠU INICIATĪVAS"), t);
  }
  {
    Table t({w("SEMESTER", "SEMESTRIS"), w("INSTITUTIONS", "IESTĀDES"),
             w("PUPILS", "IZGLĪTOJAMIE"), w("PLANS", "PLĀNI"),
             w("HOURS PLANNED", "PLĀNOTĀS STUNDAS"),
             w("HOURS DELIVERED", "SNIEGTĀS STUNDAS"),
             w("COMPENSATIONS EUR", "KOMPENSĀCIJAS EUR")});
    for (const v1::SemesterIndicators& s : in.trend()) {
      t.AddRow({SemesterLabel(s.semester()),
                absl::StrCat(s.institutions_involved()),
                Cell(s.pupils_supported(), w), Cell(s.plans(), w),
                Cell(s.hours_planned(), w), Cell(s.hours_delivered(), w),
                Cell(s.compensation_eur(), w)});
    }
    Section(w("TREND", "DINAMIKA"), t);
  }
  std::printf("\n%s\n",
              w("suppressed: fewer than 5 pupils are behind the figure, or "
                "it would reveal such a figure (never shown as 0).",
                "neizpaužams: aiz skaitļa ir mazāk nekā 5 izglītojamie vai "
                "tas atklātu šādu skaitli (nekad nerāda kā 0)."));
}

// ---- files ----

// Writes `content` to `path`, replacing it; false with errno's text in
// `error` on failure.
bool WriteFile(const std::filesystem::path& path, absl::string_view content,
               std::string* error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(content.data(), content.size());
  if (out) out.close();
  if (!out) {
    *error = std::strerror(errno);
    return false;
  }
  return true;
}

// The server names the files; a name that could leave --out_dir (a path,
// "..", a hidden file) is refused rather than trusted.
bool SafeFileName(absl::string_view name) {
  return !name.empty() && name[0] != '.' &&
         name.find_first_of("/\\") == absl::string_view::npos &&
         name.find('\0') == absl::string_view::npos;
}

// ---- commands ----

int Indicators(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("stats indicators takes no arguments");
  Query q;
  if (int code = ReadQuery(client, q); code >= 0) return code;
  absl::StatusOr<v1::ProgrammeIndicators> in = Fetch(client, q);
  if (!in.ok()) return FailStats(in.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*in);
  PrintIndicators(*in, q);
  return 0;
}

int Export(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("stats export takes no arguments");
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (out_dir.empty()) return Usage("stats export needs --out_dir=DIR");
  Query q;
  if (int code = ReadQuery(client, q); code >= 0) return code;
  v1::ExportProgrammeIndicatorsRequest request;
  *request.mutable_scope() = q.scope;
  *request.mutable_period() = q.period;
  request.set_trend_semesters(q.trend);
  request.set_language(q.language);
  absl::StatusOr<v1::ExportProgrammeIndicatorsResponse> files =
      client.ExportProgrammeIndicators(request);
  if (!files.ok()) return FailStats(files.status());
  for (const v1::CsvFile& f : files->files()) {
    if (!SafeFileName(f.filename())) {
      std::fprintf(stderr,
                   "pumpurs: the server sent a file name that is not a plain "
                   "file name: \"%s\"; nothing written\n",
                   absl::CHexEscape(f.filename()).c_str());
      return 1;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    std::fprintf(stderr, "pumpurs: cannot create %s: %s\n", out_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  for (const v1::CsvFile& f : files->files()) {
    const std::filesystem::path path =
        std::filesystem::path(out_dir) / f.filename();
    std::string error;
    if (!WriteFile(path, f.content(), &error)) {
      std::fprintf(stderr, "pumpurs: cannot write %s: %s\n",
                   path.string().c_str(), error.c_str());
      return 1;
    }
    std::printf("wrote %s (%zu bytes)\n", path.string().c_str(),
                f.content().size());
  }
  return 0;
}

int Chart(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("stats chart takes no arguments");
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) return Usage("stats chart needs --out=FILE.svg");
  Query q;
  if (int code = ReadQuery(client, q); code >= 0) return code;
  absl::StatusOr<v1::ProgrammeIndicators> in = Fetch(client, q);
  if (!in.ok()) return FailStats(in.status());
  TrendChartOptions options;
  options.language = q.language;
  options.scope_label = q.scope_label;
  const std::string svg = TrendChartSvg(*in, options);
  std::string error;
  if (!WriteFile(out, svg, &error)) {
    std::fprintf(stderr, "pumpurs: cannot write %s: %s\n", out.c_str(),
                 error.c_str());
    return 1;
  }
  int suppressed = 0;
  for (const v1::SemesterIndicators& s : in->trend()) {
    for (const v1::Figure* f : {&s.pupils_supported(), &s.plans(),
                                &s.hours_planned(), &s.hours_delivered()}) {
      suppressed += f->suppressed();
    }
  }
  std::printf("wrote %s (%d semesters, %d suppressed points left out)\n",
              out.c_str(), in->trend_size(), suppressed);
  return 0;
}

int Stats(const Client& client, const Args& args) {
  if (args.empty()) return Usage("stats: indicators, export or chart?");
  const std::string& verb = args[0];
  if (verb == "indicators") return Indicators(client, args);
  if (verb == "export") return Export(client, args);
  if (verb == "chart") return Chart(client, args);
  return Usage(absl::StrCat("unknown stats command: ", verb));
}

}  // namespace

Command StatsCommand() { return {"stats", Stats}; }

}  // namespace pumpurs::cli
