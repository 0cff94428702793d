#include "server/initiatives/progress.h"

#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/auth/policy.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/initiatives/access.h"
#include "server/initiatives/validation.h"

namespace pumpurs::initiatives {
namespace {

using auth::Action;

constexpr char kStartVerb[] = "initiative.start";
constexpr char kReportVerb[] = "initiative.report";
constexpr char kAcceptVerb[] = "initiative.accept";
constexpr size_t kMaxResultsChars = 4000;
constexpr int kMinAge = 7;
constexpr int kMaxAge = 30;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return Error(absl::StatusCode::kFailedPrecondition, reason, message);
}

std::string Item(absl::string_view list, int k, absl::string_view field) {
  return absl::StrCat("report.", list, "[", k, "].", field);
}

// The activities held, in the form of the planned ones.
void CheckActivitiesHeld(Violations& v, const v1::Report& r) {
  if (r.activities_held_size() == 0) {
    v.Add("report.activities_held", "must name at least one activity");
  } else if (r.activities_held_size() > kMaxActivities) {
    v.Add("report.activities_held",
          absl::StrCat("must have at most ", kMaxActivities, " activities"));
  }
  for (int k = 0; k < r.activities_held_size(); ++k) {
    const v1::Activity& a = r.activities_held(k);
    CheckRequiredText(v, Item("activities_held", k, "title"), a.title(),
                      kMaxTitleChars);
    CheckLongText(v, Item("activities_held", k, "description"), a.description(),
                  kMaxActivityDescriptionChars,
                  /*required=*/false);
    std::optional<absl::CivilDay> start =
        CheckDay(v, Item("activities_held", k, "start_date"), a.start_date());
    std::optional<absl::CivilDay> end =
        CheckDay(v, Item("activities_held", k, "end_date"), a.end_date());
    if (start && end && *end < *start) {
      v.Add(Item("activities_held", k, "end_date"),
            "must not be before start_date");
    }
  }
}

// Participants, of whom at risk, and by age adding up to them.
void CheckParticipants(Violations& v, const v1::Report& r) {
  if (r.participants() < 1) v.Add("report.participants", "must be 1 or more");
  if (r.participants_at_risk() < 0 ||
      r.participants_at_risk() > r.participants()) {
    v.Add("report.participants_at_risk", "must be 0 to participants");
  }
  if (r.ages_size() == 0) {
    v.Add("report.ages", "must count the participants by age");
    return;
  }
  std::set<int32_t> seen;
  int64_t sum = 0;
  bool counted = true;
  for (int k = 0; k < r.ages_size(); ++k) {
    const v1::AgeCount& a = r.ages(k);
    if (a.age() < kMinAge || a.age() > kMaxAge) {
      v.Add(Item("ages", k, "age"),
            absl::StrCat("must be ", kMinAge, " to ", kMaxAge));
    } else if (!seen.insert(a.age()).second) {
      v.Add(Item("ages", k, "age"), "is counted already");
    }
    if (a.count() < 1) {
      v.Add(Item("ages", k, "count"), "must be 1 or more");
      counted = false;
    }
    sum += a.count();
  }
  if (counted && r.participants() >= 1 && sum != r.participants()) {
    v.Add("report.ages", "the counts must add up to participants");
  }
}

void CheckReport(Violations& v, const v1::Report& r) {
  CheckActivitiesHeld(v, r);
  CheckParticipants(v, r);
  CheckLongText(v, "report.results", r.results(), kMaxResultsChars,
                /*required=*/true);
}

absl::StatusOr<v1::Initiative> Save(Connection& conn, const CallContext& call,
                                    Loaded& loaded, absl::string_view verb,
                                    absl::Time now) {
  PUMPURS_RETURN_IF_ERROR(SaveInitiative(conn, loaded.initiative, now));
  PUMPURS_RETURN_IF_ERROR(AuditChange(conn, call, loaded.initiative, verb));
  return Presented(call.principal, loaded.view, loaded.initiative);
}

}  // namespace

absl::StatusOr<v1::Initiative> StartInitiative(Connection& conn,
                                               const CallContext& call,
                                               absl::string_view id,
                                               absl::string_view etag,
                                               absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      Loaded loaded,
      LoadForChange(conn, call, id, Action::kInitiativeEdit, etag, kStartVerb));
  v1::Initiative& in = loaded.initiative.initiative;
  if (in.state() != v1::INITIATIVE_STATE_APPROVED) {
    return Refused("INITIATIVE_NOT_APPROVED",
                   "only an approved project can start");
  }
  in.set_state(v1::INITIATIVE_STATE_IN_PROGRESS);
  return Save(conn, call, loaded, kStartVerb, now);
}

absl::StatusOr<v1::Initiative> SubmitReport(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view etag, const v1::Report& report, absl::Time now) {
  Violations v;
  CheckReport(v, report);
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  PUMPURS_ASSIGN_OR_RETURN(
      Loaded loaded, LoadForChange(conn, call, id, Action::kInitiativeEdit,
                                   etag, kReportVerb));
  v1::Initiative& in = loaded.initiative.initiative;
  if (in.state() != v1::INITIATIVE_STATE_IN_PROGRESS) {
    return Refused("INITIATIVE_NOT_IN_PROGRESS",
                   "only a project in progress reports");
  }
  if (!report.supervisor_confirmed()) {
    return Refused("REPORT_INCOMPLETE",
                   "the supervisor has not confirmed the report");
  }
  v1::Report* kept = in.mutable_report();
  *kept = report;
  *kept->mutable_submit_time() = ToProto(now);
  kept->clear_accepted_by();
  kept->clear_accept_time();
  in.set_state(v1::INITIATIVE_STATE_REPORTED);
  return Save(conn, call, loaded, kReportVerb, now);
}

absl::StatusOr<v1::Initiative> AcceptReport(Connection& conn,
                                            const CallContext& call,
                                            absl::string_view id,
                                            absl::string_view etag,
                                            absl::Time now) {
  PUMPURS_ASSIGN_OR_RETURN(
      Loaded loaded,
      LoadForChange(conn, call, id, Action::kInitiativeCallManage, etag,
                    kAcceptVerb));
  v1::Initiative& in = loaded.initiative.initiative;
  if (in.state() != v1::INITIATIVE_STATE_REPORTED) {
    return Refused("INITIATIVE_NOT_REPORTED",
                   "only a reported project can be accepted");
  }
  in.mutable_report()->set_accepted_by(
      ResourceName(kAccounts, call.principal.account_id));
  *in.mutable_report()->mutable_accept_time() = ToProto(now);
  in.set_state(v1::INITIATIVE_STATE_CLOSED);
  return Save(conn, call, loaded, kAcceptVerb, now);
}

}  // namespace pumpurs::initiatives
