#ifndef PUMPURS_SERVER_PLANS_APPLICATIONS_H_
#define PUMPURS_SERVER_PLANS_APPLICATIONS_H_

// Applications for a support plan (iesniegums): no plan is prepared without
// one. A guardian or the adult pupil applies online; staff of the pupil's
// institution register a signed paper form. An application holds from its
// semester on until it is withdrawn; withdrawing it stops work on every
// plan based on it. plan_applications.data holds the v1.Application exactly
// as the API returns it, rewritten on every change, so the change feed can
// decode it directly.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "server/auth/policy.h"
#include "server/common/call_context.h"
#include "server/common/page.h"
#include "server/plans/semester.h"
#include "server/storage/connection.h"

namespace pumpurs::plans {

using storage::Connection;
namespace v1 = ::pumpurs::v1;

// Where a pupil sits now, for the policy and for plans: institution,
// municipality, guardians, and what recommendations need.
struct PupilPlace {
  std::string pupil_id;
  std::string institution_id;
  std::string municipality_id;
  std::vector<std::string> guardian_ids;  // sorted
  int institution_kind = 0;               // directory::InstitutionKind
  int grade = 0;
  std::string birth_date;  // "YYYY-MM-DD"
};
// nullopt if there is no such pupil.
absl::StatusOr<std::optional<PupilPlace>> LoadPupilPlace(
    Connection& conn, absl::string_view pupil_id);
auth::Target TargetOf(const PupilPlace& place);

// Records an application (pupil and semester required). ONLINE unless
// signed_date is set: the caller must be a guardian of the pupil or the
// adult pupil (kApplicationSubmit) and is the applicant. PAPER_FORM: staff
// of the pupil's institution (kApplicationRegister) name the applicant (a
// guardian of the pupil, or the pupil if 18 or older on the signed date)
// and the day it was signed (not in the future); registered_by is the
// caller. ALREADY_EXISTS (APPLICATION_EXISTS) while the pupil has an active
// application. A retried request_id returns the first result.
absl::StatusOr<v1::Application> CreateApplication(
    Connection& conn, const CallContext& call,
    const v1::Application& application, absl::string_view request_id,
    absl::Time now);

// One application (kApplicationRead). Audited.
absl::StatusOr<v1::Application> GetApplication(Connection& conn,
                                               const CallContext& call,
                                               absl::string_view id);

struct ApplicationFilter {
  std::string institution_id;  // this or pupil_id is required
  std::string pupil_id;
  v1::ApplicationState state = v1::APPLICATION_STATE_UNSPECIFIED;
  int page_size = 0;
  std::string page_token;
};
// Newest first. With an institution the caller needs kApplicationRead
// there (staff); otherwise at the pupil (their guardians, the adult pupil,
// staff of the pupil's institution). One audit event per application
// returned.
absl::StatusOr<ListPage<v1::Application>> ListApplications(
    Connection& conn, const CallContext& call, const ApplicationFilter& filter);

// Withdraws an application (reason 1 to 1000 characters;
// kApplicationWithdraw; etag if set): FAILED_PRECONDITION
// (APPLICATION_WITHDRAWN) if it already is. Every plan based on it that is
// not inactive or closed is saved with application_withdrawn set, so its
// history and the change feed record it.
absl::StatusOr<v1::Application> WithdrawApplication(
    Connection& conn, const CallContext& call, absl::string_view id,
    absl::string_view reason, absl::string_view etag, absl::Time now);

// The id of the newest active application of the pupil that holds for
// `semester` (its own semester is `semester` or earlier), if any.
absl::StatusOr<std::optional<std::string>> FindActiveApplication(
    Connection& conn, absl::string_view pupil_id, const Semester& semester);

// Whether the pupil has a withdrawn application that would have held for
// `semester`: why there is no active one, for APPLICATION_WITHDRAWN.
absl::StatusOr<bool> HasWithdrawnApplication(Connection& conn,
                                             absl::string_view pupil_id,
                                             const Semester& semester);

}  // namespace pumpurs::plans

#endif  // PUMPURS_SERVER_PLANS_APPLICATIONS_H_
