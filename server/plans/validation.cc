#include "server/plans/validation.h"

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/knowledge/taxonomy.h"
#include "server/plans/store.h"

namespace pumpurs::plans {
namespace {

constexpr char kPrefix[] = "support_plan";

std::string Field(absl::string_view list, int i, absl::string_view name) {
  return absl::StrCat(kPrefix, ".", list, "[", i, "].", name);
}

bool IsItemIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool IsValidItemId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxItemIdChars) return false;
  for (char c : id) {
    if (!IsItemIdChar(c)) return false;
  }
  return true;
}

// Checks the ids of a list's items (`ids` in order, "" for none) and fills
// the empty ones with new ids unique in the list.
template <typename Item>
void CheckIds(Violations& v, absl::string_view list,
              google::protobuf::RepeatedPtrField<Item>& items) {
  std::set<std::string> used;
  for (int i = 0; i < items.size(); ++i) {
    const std::string& id = items.Get(i).id();
    if (id.empty()) continue;
    if (!IsValidItemId(id)) {
      v.Add(Field(list, i, "id"),
            absl::StrCat("must be 1 to ", kMaxItemIdChars,
                         " of the characters a-z, A-Z, 0-9, - and _"));
    } else if (!used.insert(id).second) {
      v.Add(Field(list, i, "id"), "repeats the id of an earlier item");
    }
  }
  for (Item& item : items) {
    if (!item.id().empty()) continue;
    std::string id;
    do {
      id = NewId();
    } while (used.count(id) > 0);
    used.insert(id);
    item.set_id(id);
  }
}

// Adds a violation unless `text` is a real day within the semester.
std::optional<absl::CivilDay> CheckDay(Violations& v, const std::string& field,
                                       absl::string_view text,
                                       const Semester& semester) {
  if (text.empty()) {
    v.Add(field, "is required");
    return std::nullopt;
  }
  std::optional<absl::CivilDay> day = ParseDay(text);
  if (!day) {
    v.Add(field, "must be a real day written YYYY-MM-DD");
    return std::nullopt;
  }
  if (!Contains(semester, *day)) {
    v.Add(field, absl::StrCat("must be within the plan's semester (",
                              FormatDay(FirstDay(semester)), " to ",
                              FormatDay(LastDay(semester)), ")"));
    return std::nullopt;
  }
  return day;
}

absl::StatusOr<std::optional<v1::RiskGroup>> RiskGroupOf(
    storage::Connection& conn, absl::string_view code) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT risk_group FROM kb_risk_factors WHERE code = ?"));
  s.Bind(1, code);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::RiskGroup>();
  return std::optional<v1::RiskGroup>(
      static_cast<v1::RiskGroup>(s.ColumnInt64(0)));
}

absl::StatusOr<std::optional<v1::MeasureType>> MeasureTypeOf(
    storage::Connection& conn, absl::string_view code) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT data FROM kb_measure_types WHERE code = ?"));
  s.Bind(1, code);
  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::MeasureType>();
  v1::MeasureType mt;
  if (!mt.ParseFromString(s.ColumnText(0))) {
    return absl::DataLossError("a stored measure type cannot be read");
  }
  return std::optional<v1::MeasureType>(std::move(mt));
}

absl::StatusOr<bool> IsStaffOf(storage::Connection& conn,
                               absl::string_view staff_id,
                               absl::string_view institution_id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM staff WHERE id = ? AND institution_id = ?"));
  s.Bind(1, staff_id).Bind(2, institution_id);
  return s.Step();
}

absl::Status CheckRisks(storage::Connection& conn, Violations& v,
                        v1::SupportPlan& plan) {
  if (plan.risks_size() > kMaxRisks) {
    v.Add(absl::StrCat(kPrefix, ".risks"),
          absl::StrCat("must have at most ", kMaxRisks, " risks"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < plan.risks_size(); ++i) {
    v1::PlanRisk& r = *plan.mutable_risks(i);
    r.clear_group();
    r.clear_special_category();
    r.clear_redacted();
    const std::string field = Field("risks", i, "risk_factor");
    const std::string code =
        knowledge::CodeOf(r.risk_factor(), knowledge::kRiskFactors);
    if (r.risk_factor().empty()) {
      v.Add(field, "is required");
    } else if (code.empty()) {
      v.Add(field, "must have the form riskFactors/{code}");
    } else if (!seen.insert(code).second) {
      v.Add(field, "repeats an earlier risk of the plan");
    } else {
      PUMPURS_ASSIGN_OR_RETURN(std::optional<v1::RiskGroup> group,
                               RiskGroupOf(conn, code));
      if (!group) {
        v.Add(field, "is not a risk factor of the knowledge base");
      } else {
        r.set_group(*group);
        r.set_special_category(IsSpecialCategory(*group));
      }
    }
    if (r.severity() == v1::SEVERITY_UNSPECIFIED ||
        !v1::Severity_IsValid(r.severity())) {
      v.Add(Field("risks", i, "severity"), "is required");
    }
    CheckRequiredText(v, Field("risks", i, "justification"), r.justification(),
                      kMaxJustificationChars);
  }
  return absl::OkStatus();
}

void CheckGoals(Violations& v, const Semester& semester,
                v1::SupportPlan& plan) {
  if (plan.goals_size() > kMaxGoals) {
    v.Add(absl::StrCat(kPrefix, ".goals"),
          absl::StrCat("must have at most ", kMaxGoals, " goals"));
  }
  CheckIds(v, "goals", *plan.mutable_goals());
  for (int i = 0; i < plan.goals_size(); ++i) {
    const v1::PlanGoal& g = plan.goals(i);
    CheckRequiredText(v, Field("goals", i, "description"), g.description(),
                      kMaxGoalTextChars);
    CheckRequiredText(v, Field("goals", i, "success_criteria"),
                      g.success_criteria(), kMaxGoalTextChars);
    CheckDay(v, Field("goals", i, "due_date"), g.due_date(), semester);
  }
}

absl::Status CheckMeasure(storage::Connection& conn, Violations& v, int i,
                          const Semester& semester,
                          absl::string_view institution_id,
                          const std::set<std::string>& plan_risks,
                          v1::PlanMeasure& m) {
  if (!m.measure_type().empty()) {
    const std::string field = Field("measures", i, "measure_type");
    const std::string code =
        knowledge::CodeOf(m.measure_type(), knowledge::kMeasureTypes);
    if (code.empty()) {
      v.Add(field, "must have the form measureTypes/{code}");
    } else {
      PUMPURS_ASSIGN_OR_RETURN(std::optional<v1::MeasureType> type,
                               MeasureTypeOf(conn, code));
      if (!type) {
        v.Add(field, "is not a measure type of the knowledge base");
      } else {
        m.set_unit(type->unit());
      }
    }
    if (!m.custom_title().empty()) {
      v.Add(Field("measures", i, "custom_title"),
            "is only for a custom measure (without measure_type)");
    }
  } else {
    CheckRequiredText(v, Field("measures", i, "custom_title"), m.custom_title(),
                      kMaxCustomTitleChars);
    if (m.unit() == v1::MEASURE_UNIT_UNSPECIFIED ||
        !v1::MeasureUnit_IsValid(m.unit())) {
      v.Add(Field("measures", i, "unit"), "is required for a custom measure");
    }
  }
  CheckOptionalText(v, Field("measures", i, "custom_description"),
                    m.custom_description(), kMaxCustomDescriptionChars);

  const std::string addresses = Field("measures", i, "addresses");
  if (m.addresses_size() == 0) {
    v.Add(addresses, "must name at least one risk of the plan");
  }
  std::set<std::string> seen;
  for (const std::string& risk : m.addresses()) {
    if (plan_risks.count(risk) == 0) {
      v.Add(addresses, "must name only risks of the plan");
      break;
    }
    if (!seen.insert(risk).second) {
      v.Add(addresses, "must name each risk once");
      break;
    }
  }
  CheckRequiredText(v, Field("measures", i, "justification"), m.justification(),
                    kMaxJustificationChars);

  const std::string provider_field = Field("measures", i, "provider");
  absl::string_view provider = m.provider();
  if (provider.empty()) {
    v.Add(provider_field, "is required");
  } else if (!absl::ConsumePrefix(&provider, "staff/") || provider.empty()) {
    v.Add(provider_field, "must have the form staff/{id}");
  } else {
    PUMPURS_ASSIGN_OR_RETURN(bool staff,
                             IsStaffOf(conn, provider, institution_id));
    if (!staff) {
      v.Add(provider_field, "must be staff of the pupil's institution");
    }
  }

  if (!(m.planned_quantity() > 0) || !std::isfinite(m.planned_quantity())) {
    v.Add(Field("measures", i, "planned_quantity"), "must be more than 0");
  }
  if (m.planned_cost_cents() < 0) {
    v.Add(Field("measures", i, "planned_cost_cents"), "must not be negative");
  }
  std::optional<absl::CivilDay> start =
      CheckDay(v, Field("measures", i, "start_date"), m.start_date(), semester);
  std::optional<absl::CivilDay> end =
      CheckDay(v, Field("measures", i, "end_date"), m.end_date(), semester);
  if (start && end && *end < *start) {
    v.Add(Field("measures", i, "end_date"), "must not be before start_date");
  }
  if (m.mode() == v1::DELIVERY_MODE_UNSPECIFIED ||
      !v1::DeliveryMode_IsValid(m.mode())) {
    v.Add(Field("measures", i, "mode"), "is required");
  }
  return absl::OkStatus();
}

absl::Status CheckMeasures(storage::Connection& conn, Violations& v,
                           const Semester& semester,
                           absl::string_view institution_id,
                           const v1::SupportPlan* stored,
                           v1::SupportPlan& plan) {
  if (plan.measures_size() > kMaxMeasures) {
    v.Add(absl::StrCat(kPrefix, ".measures"),
          absl::StrCat("must have at most ", kMaxMeasures, " measures"));
  }
  CheckIds(v, "measures", *plan.mutable_measures());
  std::set<std::string> plan_risks;
  for (const v1::PlanRisk& r : plan.risks()) plan_risks.insert(r.risk_factor());
  // What was delivered belongs to the measure, whatever the request says.
  std::map<std::string, std::pair<double, int32_t>> delivered;
  if (stored != nullptr) {
    for (const v1::PlanMeasure& m : stored->measures()) {
      delivered[m.id()] = {m.delivered_quantity(), m.delivery_count()};
    }
  }
  std::set<std::string> kept;
  for (int i = 0; i < plan.measures_size(); ++i) {
    v1::PlanMeasure& m = *plan.mutable_measures(i);
    kept.insert(m.id());
    m.clear_delivered_quantity();
    m.clear_delivery_count();
    auto it = delivered.find(m.id());
    if (it != delivered.end()) {
      m.set_delivered_quantity(it->second.first);
      m.set_delivery_count(it->second.second);
    }
    PUMPURS_RETURN_IF_ERROR(
        CheckMeasure(conn, v, i, semester, institution_id, plan_risks, m));
  }
  // Delivery records name their measure: it stays while they exist.
  if (stored != nullptr) {
    for (const v1::PlanMeasure& m : stored->measures()) {
      if (m.delivery_count() > 0 && kept.count(m.id()) == 0) {
        v.Add(absl::StrCat(kPrefix, ".measures"),
              "must keep every measure that has delivery records");
        break;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckPlanContent(storage::Connection& conn, Violations& v,
                              const Semester& semester,
                              absl::string_view institution_id,
                              const v1::SupportPlan* stored,
                              v1::SupportPlan& plan) {
  CheckOptionalText(v, absl::StrCat(kPrefix, ".problem_description"),
                    plan.problem_description(), kMaxProblemChars);
  PUMPURS_RETURN_IF_ERROR(CheckRisks(conn, v, plan));
  CheckGoals(v, semester, plan);
  return CheckMeasures(conn, v, semester, institution_id, stored, plan);
}

}  // namespace pumpurs::plans
