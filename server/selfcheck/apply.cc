#include "server/selfcheck/apply.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/auth/audited_access.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/common/text.h"
#include "server/plans/applications.h"
#include "server/plans/semester.h"
#include "server/plans/store.h"

namespace pumpurs::selfcheck {
namespace {

namespace v1 = ::pumpurs::v1;

constexpr size_t kMaxNoteChars = 2000;

}  // namespace

absl::StatusOr<v1::Application> ApplyFromSelfCheck(
    storage::Connection& conn, const CallContext& call,
    const v1::ApplyFromSelfCheckRequest& req, absl::Time now) {
  AuditEvent audit =
      auth::Event("application.create", std::string(plans::kApplications), {});
  audit.request_id = req.request_id();
  PUMPURS_RETURN_IF_ERROR(auth::SignedIn(call, &audit));
  Violations v;
  if (req.pupil().empty()) {
    v.Add("pupil", "is required");
  } else if (!ParseResourceName(req.pupil(), plans::kPupils, "pupil").ok()) {
    v.Add("pupil", "must have the form pupils/{id}");
  }
  plans::CheckSemester(
      v, "semester",
      plans::Semester{req.semester().school_year(), req.semester().term()});
  std::set<int> seen;
  for (int i = 0; i < req.shared_areas_size(); ++i) {
    const int area = req.shared_areas(i);
    const std::string f = absl::StrCat("shared_areas[", i, "]");
    if (area == v1::RISK_GROUP_UNSPECIFIED || !v1::RiskGroup_IsValid(area)) {
      v.Add(f, "is not a known risk group");
    } else if (!seen.insert(area).second) {
      v.Add(f, "is listed twice");
    }
  }
  CheckOptionalText(v, "note", req.note(), kMaxNoteChars);
  CheckRequestId(v, req.request_id());
  PUMPURS_RETURN_IF_ERROR(v.ToStatus());

  // Only what the parent chose to share.
  v1::Application application;
  application.set_pupil(req.pupil());
  *application.mutable_semester() = req.semester();
  *application.mutable_shared_areas() = req.shared_areas();
  application.set_applicant_note(req.note());
  return plans::CreateApplication(conn, call, application, req.request_id(),
                                  now);
}

}  // namespace pumpurs::selfcheck
