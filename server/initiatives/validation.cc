#include "server/initiatives/validation.h"

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/initiatives/store.h"
#include "server/plans/semester.h"

namespace pumpurs::initiatives {
namespace {

constexpr int kUserAccount = 1;  // accounts.kind

std::string Item(absl::string_view prefix, absl::string_view list, int i,
                 absl::string_view name = "") {
  std::string out = absl::StrCat(prefix, ".", list, "[", i, "]");
  if (!name.empty()) absl::StrAppend(&out, ".", name);
  return out;
}

// The id behind "collection/{id}" in `field`, or "" with a violation.
std::string ParseInto(Violations& v, absl::string_view name,
                      absl::string_view collection, absl::string_view field) {
  absl::StatusOr<std::string> id = ParseResourceName(name, collection, field);
  if (id.ok()) return *id;
  for (const FieldViolation& fv : FieldViolationsOf(id.status())) {
    v.Add(fv.field, fv.description);
  }
  return "";
}

absl::StatusOr<bool> IsUserAccount(storage::Connection& conn,
                                   absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(
      storage::Statement s,
      conn.Prepare("SELECT 1 FROM accounts WHERE id = ? AND kind = ?"));
  s.Bind(1, id).Bind(2, int64_t{kUserAccount});
  return s.Step();
}

absl::StatusOr<bool> IsPupil(storage::Connection& conn, absl::string_view id) {
  PUMPURS_ASSIGN_OR_RETURN(storage::Statement s,
                           conn.Prepare("SELECT 1 FROM pupils WHERE id = ?"));
  s.Bind(1, id);
  return s.Step();
}

// A user account named in `field`, if well-formed and existing.
absl::Status CheckUserAccount(storage::Connection& conn, Violations& v,
                              const std::string& field,
                              absl::string_view name) {
  const std::string id = ParseInto(v, name, kAccounts, field);
  if (id.empty()) return absl::OkStatus();
  PUMPURS_ASSIGN_OR_RETURN(bool user, IsUserAccount(conn, id));
  if (!user) v.Add(field, "must name an existing user account");
  return absl::OkStatus();
}

bool IsCriterionIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_';
}

void CheckCriteria(Violations& v, v1::Call& call) {
  auto& criteria = *call.mutable_criteria();
  if (criteria.empty()) {
    v.Add("call.criteria", "needs at least one criterion");
  } else if (criteria.size() > kMaxCriteria) {
    v.Add("call.criteria",
          absl::StrCat("must have at most ", kMaxCriteria, " criteria"));
  }
  std::set<std::string> ids;
  for (int i = 0; i < criteria.size(); ++i) {
    const v1::Criterion& c = criteria.Get(i);
    CheckRequiredText(v, Item("call", "criteria", i, "title"), c.title(),
                      kMaxTitleChars);
    if (c.max_points() < 1 || c.max_points() > kMaxCriterionPoints) {
      v.Add(Item("call", "criteria", i, "max_points"),
            absl::StrCat("must be 1 to ", kMaxCriterionPoints));
    }
    if (c.id().empty()) continue;
    bool well_formed = c.id().size() <= kMaxCriterionIdChars;
    for (char ch : c.id()) well_formed = well_formed && IsCriterionIdChar(ch);
    if (!well_formed) {
      v.Add(Item("call", "criteria", i, "id"),
            absl::StrCat("must be 1 to ", kMaxCriterionIdChars,
                         " of the characters a-z, A-Z, 0-9, - and _"));
    } else if (!ids.insert(c.id()).second) {
      v.Add(Item("call", "criteria", i, "id"),
            "repeats the id of an earlier criterion");
    }
  }
  for (v1::Criterion& c : criteria) {
    if (!c.id().empty()) continue;
    std::string id;
    do {
      id = NewId();
    } while (ids.count(id) > 0);
    ids.insert(id);
    c.set_id(id);
  }
}

absl::Status CheckEvaluators(storage::Connection& conn, Violations& v,
                             const v1::Call& call, int min_evaluators) {
  const int n = call.evaluators_size();
  if (n < min_evaluators) {
    v.Add("call.evaluators",
          absl::StrCat("needs at least ", min_evaluators, " evaluator",
                       min_evaluators == 1 ? "" : "s"));
  } else if (n > kMaxEvaluators) {
    v.Add("call.evaluators",
          absl::StrCat("must have at most ", kMaxEvaluators, " evaluators"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < n; ++i) {
    const std::string field = Item("call", "evaluators", i);
    if (!seen.insert(call.evaluators(i)).second) {
      v.Add(field, "repeats an earlier evaluator");
      continue;
    }
    PUMPURS_RETURN_IF_ERROR(
        CheckUserAccount(conn, v, field, call.evaluators(i)));
  }
  return absl::OkStatus();
}

absl::Status CheckMembers(storage::Connection& conn, Violations& v,
                          const v1::Initiative& in) {
  if (in.members_size() > kMaxMembers) {
    v.Add("initiative.members",
          absl::StrCat("must have at most ", kMaxMembers, " pupils"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < in.members_size(); ++i) {
    const std::string field = Item("initiative", "members", i);
    if (!seen.insert(in.members(i)).second) {
      v.Add(field, "repeats an earlier member");
      continue;
    }
    const std::string id = ParseInto(v, in.members(i), kPupils, field);
    if (id.empty()) continue;
    PUMPURS_ASSIGN_OR_RETURN(bool pupil, IsPupil(conn, id));
    if (!pupil) v.Add(field, "must name a pupil in the directory");
  }
  return absl::OkStatus();
}

void CheckActivities(Violations& v, const v1::Initiative& in) {
  if (in.activities_size() > kMaxActivities) {
    v.Add("initiative.activities",
          absl::StrCat("must have at most ", kMaxActivities, " activities"));
  }
  for (int i = 0; i < in.activities_size(); ++i) {
    const v1::Activity& a = in.activities(i);
    CheckRequiredText(v, Item("initiative", "activities", i, "title"),
                      a.title(), kMaxTitleChars);
    CheckLongText(v, Item("initiative", "activities", i, "description"),
                  a.description(), kMaxActivityDescriptionChars,
                  /*required=*/false);
    std::optional<absl::CivilDay> start = CheckDay(
        v, Item("initiative", "activities", i, "start_date"), a.start_date());
    std::optional<absl::CivilDay> end = CheckDay(
        v, Item("initiative", "activities", i, "end_date"), a.end_date());
    if (start && end && *end < *start) {
      v.Add(Item("initiative", "activities", i, "end_date"),
            "must not be before start_date");
    }
  }
}

void CheckBudget(Violations& v, const v1::Initiative& in) {
  if (in.budget_size() > kMaxBudgetLines) {
    v.Add("initiative.budget",
          absl::StrCat("must have at most ", kMaxBudgetLines, " lines"));
  }
  for (int i = 0; i < in.budget_size(); ++i) {
    const v1::BudgetLine& b = in.budget(i);
    CheckRequiredText(v, Item("initiative", "budget", i, "item"), b.item(),
                      kMaxTitleChars);
    if (b.amount_cents() < 1 || b.amount_cents() > kMaxLumpSumCents) {
      v.Add(Item("initiative", "budget", i, "amount_cents"),
            absl::StrCat("must be 1 to ", kMaxLumpSumCents));
    }
  }
}

}  // namespace

void CheckLongText(Violations& v, absl::string_view field,
                   absl::string_view value, size_t max_chars, bool required) {
  if (value.empty()) {
    if (required) v.Add(std::string(field), "is required");
    return;
  }
  const int64_t n = Utf8Length(value);
  if (n < 0) {
    v.Add(std::string(field), "must be valid UTF-8");
    return;
  }
  if (static_cast<size_t>(n) > max_chars) {
    v.Add(std::string(field),
          absl::StrCat("must be at most ", max_chars, " characters"));
    return;
  }
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      v.Add(std::string(field),
            "must not contain control characters other than line breaks "
            "and tabs");
      return;
    }
  }
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    v.Add(std::string(field), "must not be blank");
  }
}

std::optional<absl::CivilDay> CheckDay(Violations& v, absl::string_view field,
                                       absl::string_view value) {
  if (value.empty()) {
    v.Add(std::string(field), "is required");
    return std::nullopt;
  }
  std::optional<absl::CivilDay> day = plans::ParseDay(value);
  if (!day) v.Add(std::string(field), "must be a real day written YYYY-MM-DD");
  return day;
}

absl::Status CheckCallContent(storage::Connection& conn, Violations& v,
                              v1::Call& call, int min_evaluators) {
  CheckRequiredText(v, "call.title", call.title(), kMaxTitleChars);
  CheckLongText(v, "call.rules", call.rules(), kMaxRulesChars,
                /*required=*/false);
  std::optional<absl::CivilDay> start =
      CheckDay(v, "call.application_start", call.application_start());
  std::optional<absl::CivilDay> end =
      CheckDay(v, "call.application_end", call.application_end());
  if (start && end && *end < *start) {
    v.Add("call.application_end", "must not be before application_start");
  }
  if (call.lump_sum_cents() == 0) call.set_lump_sum_cents(kDefaultLumpSumCents);
  if (call.lump_sum_cents() < 1 || call.lump_sum_cents() > kMaxLumpSumCents) {
    v.Add("call.lump_sum_cents",
          absl::StrCat("must be 1 to ", kMaxLumpSumCents,
                       " (0 means the programme's EUR 4,600)"));
  }
  if (call.max_projects() < 1 || call.max_projects() > kMaxProjects) {
    v.Add("call.max_projects", absl::StrCat("must be 1 to ", kMaxProjects));
  }
  CheckCriteria(v, call);
  if (call.min_at_risk_percent() < 0 || call.min_at_risk_percent() > 100) {
    v.Add("call.min_at_risk_percent", "must be 0 to 100");
  }
  return CheckEvaluators(conn, v, call, min_evaluators);
}

absl::Status CheckProjectForm(storage::Connection& conn, Violations& v,
                              const v1::Initiative& in) {
  const v1::Organisation& org = in.organisation();
  CheckOptionalText(v, "initiative.organisation.name", org.name(),
                    kMaxTitleChars);
  if (!org.registration_number().empty()) {
    CheckDigits(v, "initiative.organisation.registration_number",
                org.registration_number(), kRegistrationDigits);
  }
  if (!v1::OrganisationKind_IsValid(org.kind())) {
    v.Add("initiative.organisation.kind", "is not a known organisation kind");
  }
  CheckOptionalText(v, "initiative.group_name", in.group_name(),
                    kMaxTitleChars);
  PUMPURS_RETURN_IF_ERROR(CheckMembers(conn, v, in));
  const v1::Supervisor& sup = in.supervisor();
  CheckOptionalText(v, "initiative.supervisor.given_name", sup.given_name(),
                    kMaxNameChars);
  CheckOptionalText(v, "initiative.supervisor.family_name", sup.family_name(),
                    kMaxNameChars);
  if (!sup.account().empty()) {
    PUMPURS_RETURN_IF_ERROR(CheckUserAccount(
        conn, v, "initiative.supervisor.account", sup.account()));
  }
  CheckOptionalText(v, "initiative.title", in.title(), kMaxTitleChars);
  CheckLongText(v, "initiative.aims", in.aims(), kMaxAimsChars,
                /*required=*/false);
  CheckActivities(v, in);
  CheckBudget(v, in);
  const bool participants_ok = in.planned_participants() >= 0 &&
                               in.planned_participants() <= kMaxParticipants;
  if (!participants_ok) {
    v.Add("initiative.planned_participants",
          absl::StrCat("must be 1 to ", kMaxParticipants));
  }
  if (in.planned_at_risk() < 0 ||
      (participants_ok && in.planned_at_risk() > in.planned_participants())) {
    v.Add("initiative.planned_at_risk", "must be 0 to planned_participants");
  }
  return absl::OkStatus();
}

void CheckProjectComplete(Violations& v, const v1::Initiative& in) {
  auto required = [&v](const char* field, bool given) {
    if (!given) v.Add(field, "is required to submit");
  };
  const v1::Organisation& org = in.organisation();
  required("initiative.organisation.name", !org.name().empty());
  required("initiative.organisation.registration_number",
           !org.registration_number().empty());
  required("initiative.organisation.kind",
           org.kind() != v1::ORGANISATION_KIND_UNSPECIFIED);
  required("initiative.supervisor.given_name",
           !in.supervisor().given_name().empty());
  required("initiative.supervisor.family_name",
           !in.supervisor().family_name().empty());
  required("initiative.title", !in.title().empty());
  required("initiative.aims", !in.aims().empty());
  if (in.activities_size() == 0) {
    v.Add("initiative.activities", "needs at least one activity to submit");
  }
  if (in.budget_size() == 0) {
    v.Add("initiative.budget", "needs at least one line to submit");
  }
  required("initiative.planned_participants", in.planned_participants() > 0);
}

int64_t BudgetTotal(const v1::Initiative& in) {
  int64_t total = 0;
  for (const v1::BudgetLine& b : in.budget()) total += b.amount_cents();
  return total;
}

absl::StatusOr<std::set<std::string>> CheckUpdatePaths(
    const std::vector<std::string>& paths,
    const std::vector<std::string>& updatable) {
  Violations v;
  if (paths.empty()) {
    v.Add("update_mask",
          absl::StrCat("is required: name the fields to change (",
                       absl::StrJoin(updatable, ", "), ")"));
  }
  std::set<std::string> fields;
  for (const std::string& path : paths) {
    if (std::find(updatable.begin(), updatable.end(), path) ==
        updatable.end()) {
      v.Add("update_mask",
            absl::StrCat("may name only ", absl::StrJoin(updatable, ", ")));
      break;
    }
    fields.insert(path);
  }
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());
  return fields;
}

v1::Call CallContentOf(const v1::Call& call) {
  v1::Call out;
  out.set_title(call.title());
  out.set_rules(call.rules());
  out.set_application_start(call.application_start());
  out.set_application_end(call.application_end());
  out.set_lump_sum_cents(call.lump_sum_cents());
  out.set_max_projects(call.max_projects());
  *out.mutable_criteria() = call.criteria();
  out.set_min_at_risk_percent(call.min_at_risk_percent());
  *out.mutable_evaluators() = call.evaluators();
  return out;
}

v1::Initiative ProjectContentOf(const v1::Initiative& in) {
  v1::Initiative out;
  *out.mutable_organisation() = in.organisation();
  out.set_group_name(in.group_name());
  *out.mutable_members() = in.members();
  *out.mutable_supervisor() = in.supervisor();
  out.set_title(in.title());
  out.set_aims(in.aims());
  *out.mutable_activities() = in.activities();
  *out.mutable_budget() = in.budget();
  out.set_planned_participants(in.planned_participants());
  out.set_planned_at_risk(in.planned_at_risk());
  return out;
}

}  // namespace pumpurs::initiatives
