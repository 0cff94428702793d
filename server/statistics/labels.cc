#include "server/statistics/labels.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pumpurs::statistics {

namespace v1 = ::pumpurs::v1;

std::string Number(double value) {
  if (value == static_cast<double>(static_cast<int64_t>(value))) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  return absl::StrFormat("%.2f", value);
}

std::string Cell(const v1::Figure& figure, const Words& w) {
  return figure.suppressed() ? w("suppressed", "neizpaužams")
                             : Number(figure.value());
}

std::string SemesterLabel(const v1::Semester& semester) {
  return absl::StrCat(semester.school_year(), "/", semester.school_year() + 1,
                      "-", semester.term());
}

std::string StateName(v1::PlanState state, const Words& w) {
  switch (state) {
    case v1::PLAN_STATE_DRAFT:
      return w("draft", "projekts");
    case v1::PLAN_STATE_IN_APPROVAL:
      return w("in approval", "saskaņošanā");
    case v1::PLAN_STATE_APPROVED:
      return w("approved", "apstiprināts");
    case v1::PLAN_STATE_IN_IMPLEMENTATION:
      return w("being implemented", "īstenošanā");
    case v1::PLAN_STATE_SUSPENDED:
      return w("suspended", "apturēts");
    case v1::PLAN_STATE_UNDER_REVISION:
      return w("under revision", "pārskatīšanā");
    case v1::PLAN_STATE_INACTIVE:
      return w("inactive", "neaktīvs");
    case v1::PLAN_STATE_CLOSED:
      return w("closed", "noslēgts");
    default:
      return absl::StrCat(static_cast<int>(state));
  }
}

std::string GroupName(v1::RiskGroup group, const Words& w) {
  switch (group) {
    case v1::RISK_GROUP_LEARNING_AND_SCHOOL:
      return w("learning and school environment", "mācības un skolas vide");
    case v1::RISK_GROUP_SOCIAL_AND_HEALTH:
      return w("social environment and health", "sociālā vide un veselība");
    case v1::RISK_GROUP_ECONOMIC:
      return w("economic", "ekonomiskie");
    case v1::RISK_GROUP_FAMILY:
      return w("family", "ģimene");
    default:
      return absl::StrCat(static_cast<int>(group));
  }
}

std::string UnitName(v1::MeasureUnit unit, const Words& w) {
  switch (unit) {
    case v1::MEASURE_UNIT_HOURS:
      return w("hours", "stundas");
    case v1::MEASURE_UNIT_SESSIONS:
      return w("sessions", "reizes");
    case v1::MEASURE_UNIT_EUR:
      return "EUR";
    default:
      return "";
  }
}

}  // namespace pumpurs::statistics
