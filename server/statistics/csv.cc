#include "server/statistics/csv.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/common/error.h"
#include "server/common/status_macros.h"
#include "server/statistics/indicators.h"
#include "server/statistics/labels.h"

namespace pumpurs::statistics {
namespace {

namespace v1 = ::pumpurs::v1;

std::string Quote(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

class Csv {
 public:
  explicit Csv(std::vector<std::string> header) { Row(header); }
  void Row(const std::vector<std::string>& cells) {
    std::vector<std::string> quoted;
    for (const std::string& c : cells) quoted.push_back(Quote(c));
    absl::StrAppend(&text_, absl::StrJoin(quoted, ","), "\r\n");
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

std::string MeasuresCsv(
    const google::protobuf::RepeatedPtrField<v1::MeasuresOfType>& rows,
    const Words& w) {
  Csv csv({w("measure type", "pasākuma veids"), w("title", "nosaukums"),
           w("unit", "mērvienība"), w("measures", "pasākumi"),
           w("planned", "plānots"), w("delivered", "sniegts"),
           w("planned cost EUR", "plānotās izmaksas EUR")});
  for (const v1::MeasuresOfType& m : rows) {
    csv.Row({m.measure_type(), w.lv ? m.title_lv() : m.title_en(),
             UnitName(m.unit(), w), Cell(m.measures(), w),
             Cell(m.planned_quantity(), w), Cell(m.delivered_quantity(), w),
             Cell(m.planned_cost_eur(), w)});
  }
  return csv.text();
}

void Add(v1::ExportProgrammeIndicatorsResponse& out, const char* name,
         const std::string& text) {
  v1::CsvFile* f = out.add_files();
  f->set_filename(name);
  f->set_content(text);
}

}  // namespace

v1::ExportProgrammeIndicatorsResponse CsvFilesOf(
    const v1::ProgrammeIndicators& in, const std::string& language) {
  const Words w{language == "lv"};
  v1::ExportProgrammeIndicatorsResponse out;
  std::vector<std::string> semesters;
  for (const v1::Semester& s : in.semesters()) {
    semesters.push_back(SemesterLabel(s));
  }
  const std::string scope =
      !in.scope().institution().empty()    ? in.scope().institution()
      : !in.scope().municipality().empty() ? in.scope().municipality()
                                           : w("national", "valsts");
  {
    Csv csv({w("indicator", "rādītājs"), w("value", "vērtība")});
    csv.Row({w("scope", "tvērums"), scope});
    csv.Row({w("semesters", "semestri"), absl::StrJoin(semesters, " ")});
    csv.Row({w("institutions involved", "iesaistītās izglītības iestādes"),
             Number(in.institutions_involved())});
    csv.Row({w("institutions in scope", "izglītības iestādes tvērumā"),
             Number(in.institutions_total())});
    csv.Row({w("institutions involved, %", "iesaistītās iestādes, %"),
             Number(in.institutions_share_percent())});
    if (in.institutions_target() > 0) {
      csv.Row({w("institutions target", "iestāžu mērķis"),
               Number(in.institutions_target())});
    }
    csv.Row({w("municipalities involved", "iesaistītās pašvaldības"),
             Number(in.municipalities_involved())});
    csv.Row({w("municipalities in scope", "pašvaldības tvērumā"),
             Number(in.municipalities_total())});
    csv.Row({w("municipalities involved, %", "iesaistītās pašvaldības, %"),
             Number(in.municipalities_share_percent())});
    if (in.municipalities_target_percent() > 0) {
      csv.Row({w("municipalities target, %", "pašvaldību mērķis, %"),
               Number(in.municipalities_target_percent())});
    }
    csv.Row({w("pupils supported", "atbalstītie izglītojamie"),
             Cell(in.pupils_supported(), w)});
    csv.Row({w("plans", "plāni"), Cell(in.plans_total(), w)});
    csv.Row(
        {w("hours planned", "plānotās stundas"), Cell(in.hours_planned(), w)});
    csv.Row({w("hours delivered", "sniegtās stundas"),
             Cell(in.hours_delivered(), w)});
    csv.Row({w("compensations planned EUR", "plānotās kompensācijas EUR"),
             Cell(in.compensation_planned_eur(), w)});
    csv.Row({w("compensations paid EUR", "izmaksātās kompensācijas EUR"),
             Cell(in.compensation_paid_eur(), w)});
    Add(out, "summary.csv", csv.text());
  }
  {
    Csv csv({w("state", "statuss"), w("plans", "plāni")});
    for (const v1::PlansInState& p : in.plans_by_state()) {
      csv.Row({StateName(p.state(), w), Cell(p.plans(), w)});
    }
    Add(out, "plans_by_state.csv", csv.text());
  }
  {
    Csv csv({w("risk group", "riska grupa"), w("pupils", "izglītojamie")});
    for (const v1::PupilsInRiskGroup& g : in.pupils_by_risk_group()) {
      csv.Row({GroupName(g.group(), w), Cell(g.pupils(), w)});
    }
    Add(out, "risk_groups.csv", csv.text());
  }
  {
    Csv csv({w("risk factor", "riska faktors"), w("title", "nosaukums"),
             w("risk group", "riska grupa"), w("pupils", "izglītojamie")});
    for (const v1::PupilsWithRiskFactor& f : in.pupils_by_risk_factor()) {
      csv.Row({f.risk_factor(), w.lv ? f.title_lv() : f.title_en(),
               GroupName(f.group(), w), Cell(f.pupils(), w)});
    }
    Add(out, "risk_factors.csv", csv.text());
  }
  Add(out, "measures.csv", MeasuresCsv(in.measures_by_type(), w));
  Add(out, "compensations.csv", MeasuresCsv(in.compensation_by_type(), w));
  {
    Csv csv({w("funded projects", "finansētie projekti"),
             w("participants", "dalībnieki"),
             w("participants at risk", "dalībnieki riska grupā"),
             w("planned participants", "plānotie dalībnieki")});
    csv.Row({Cell(in.youth().projects(), w), Cell(in.youth().participants(), w),
             Cell(in.youth().participants_at_risk(), w),
             Cell(in.youth().planned_participants(), w)});
    Add(out, "youth.csv", csv.text());
  }
  {
    Csv csv({w("semester", "semestris"),
             w("institutions involved", "iesaistītās iestādes"),
             w("pupils supported", "atbalstītie izglītojamie"),
             w("plans", "plāni"), w("hours planned", "plānotās stundas"),
             w("hours delivered", "sniegtās stundas"),
             w("compensations paid EUR", "izmaksātās kompensācijas EUR")});
    for (const v1::SemesterIndicators& t : in.trend()) {
      csv.Row({SemesterLabel(t.semester()), Number(t.institutions_involved()),
               Cell(t.pupils_supported(), w), Cell(t.plans(), w),
               Cell(t.hours_planned(), w), Cell(t.hours_delivered(), w),
               Cell(t.compensation_eur(), w)});
    }
    Add(out, "trend.csv", csv.text());
  }
  return out;
}

absl::StatusOr<v1::ExportProgrammeIndicatorsResponse> ExportProgrammeIndicators(
    storage::Connection& conn, const CallContext& call,
    const v1::ExportProgrammeIndicatorsRequest& request) {
  const std::string& language = request.language();
  if (!language.empty() && language != "en" && language != "lv") {
    return InvalidFieldError("language", "must be \"en\" or \"lv\"");
  }
  v1::GetProgrammeIndicatorsRequest get;
  *get.mutable_scope() = request.scope();
  *get.mutable_period() = request.period();
  get.set_trend_semesters(request.trend_semesters());
  PUMPURS_ASSIGN_OR_RETURN(v1::ProgrammeIndicators indicators,
                           GetProgrammeIndicators(conn, call, get));
  return CsvFilesOf(indicators, language);
}

}  // namespace pumpurs::statistics
