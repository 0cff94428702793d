// ApplyFromSelfCheck: a signed-in guardian's opt-in creates exactly one
// online application carrying only the shared fields; anonymous callers,
// other guardians and bad fields are refused and store nothing.

#include "server/selfcheck/apply.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/plans/applications.h"
#include "tests/selfcheck/selfcheck_fixture.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::selfcheck {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class ApplyTest : public SelfCheckTest {
 protected:
  v1::ApplyFromSelfCheckRequest Request() {
    v1::ApplyFromSelfCheckRequest req;
    req.set_pupil("pupils/" + pupil_);
    req.mutable_semester()->set_school_year(Current().school_year);
    req.mutable_semester()->set_term(Current().term);
    req.add_shared_areas(v1::RISK_GROUP_SOCIAL_AND_HEALTH);
    req.add_shared_areas(v1::RISK_GROUP_FAMILY);
    req.set_note("Lūdzu, sazinieties ar mani.");
    return req;
  }
  absl::StatusOr<v1::Application> ApplyAs(
      const CallContext& call, const v1::ApplyFromSelfCheckRequest& req) {
    return Write<v1::Application>(
        [&](storage::Connection& c) {
          return ApplyFromSelfCheck(c, call, req, absl::Now());
        },
        call);
  }
  int64_t Applications() {
    return QueryInt("SELECT COUNT(*) FROM plan_applications");
  }
};

TEST_F(ApplyTest, CreatesExactlyOneApplicationWithOnlyTheSharedFields) {
  const int64_t before = Applications();
  v1::ApplyFromSelfCheckRequest req = Request();
  req.set_request_id("apply-1");
  absl::StatusOr<v1::Application> a = ApplyAs(GuardianA(), req);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(Applications(), before + 1);
  EXPECT_EQ(a->channel(), v1::APPLICATION_CHANNEL_ONLINE);
  EXPECT_EQ(a->applicant(), "guardians/" + guardian_);
  EXPECT_EQ(a->state(), v1::APPLICATION_STATE_ACTIVE);
  // The stored row, exactly.
  absl::StatusOr<std::string> data = Read<std::string>(
      [&](storage::Connection& c) -> absl::StatusOr<std::string> {
        PUMPURS_ASSIGN_OR_RETURN(
            storage::Statement s,
            c.Prepare("SELECT data FROM plan_applications WHERE pupil_id = ?"));
        s.Bind(1, pupil_);
        PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) return absl::NotFoundError("no row");
        return s.ColumnText(0);
      });
  ASSERT_THAT(data, IsOk());
  v1::Application stored;
  ASSERT_TRUE(stored.ParseFromString(*data));
  EXPECT_THAT(
      stored.shared_areas(),
      ElementsAre(v1::RISK_GROUP_SOCIAL_AND_HEALTH, v1::RISK_GROUP_FAMILY));
  EXPECT_EQ(stored.applicant_note(), "Lūdzu, sazinieties ar mani.");
  // Nothing else: the fields an online application always has, and no
  // other set field (no answers, no result, no paper-form fields).
  v1::Application expected;
  expected.set_name(a->name());
  expected.set_pupil("pupils/" + pupil_);
  *expected.mutable_semester() = req.semester();
  expected.set_channel(v1::APPLICATION_CHANNEL_ONLINE);
  expected.set_applicant("guardians/" + guardian_);
  expected.set_state(v1::APPLICATION_STATE_ACTIVE);
  expected.set_institution("institutions/" + a_.id);
  expected.set_etag(a->etag());
  *expected.mutable_create_time() = a->create_time();
  *expected.mutable_shared_areas() = req.shared_areas();
  expected.set_applicant_note(req.note());
  EXPECT_EQ(stored.SerializeAsString(), expected.SerializeAsString())
      << stored.DebugString();
  EXPECT_EQ(a->SerializeAsString(), stored.SerializeAsString());

  // A retry returns the first result; a new request finds it active.
  absl::StatusOr<v1::Application> retry = ApplyAs(GuardianA(), req);
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->name(), a->name());
  req.set_request_id("apply-2");
  EXPECT_THAT(ApplyAs(GuardianA(), req), HasReason("APPLICATION_EXISTS"));
  EXPECT_EQ(Applications(), before + 1);
}

TEST_F(ApplyTest, SharingNothingIsAllowed) {
  v1::ApplyFromSelfCheckRequest req = Request();
  req.clear_shared_areas();
  req.clear_note();
  absl::StatusOr<v1::Application> a = ApplyAs(GuardianA(), req);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->shared_areas_size(), 0);
  EXPECT_EQ(a->applicant_note(), "");
}

TEST_F(ApplyTest, TheAdultPupilAppliesForThemself) {
  v1::ApplyFromSelfCheckRequest req = Request();
  req.set_pupil("pupils/" + adult_pupil_);
  absl::StatusOr<v1::Application> a = ApplyAs(AdultPupilV(), req);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->applicant(), "pupils/" + adult_pupil_);
}

TEST_F(ApplyTest, RefusalsStoreNothing) {
  const int64_t before = Applications();
  EXPECT_THAT(ApplyAs(Anonymous(), Request()),
              StatusIs(absl::StatusCode::kUnauthenticated));
  // Another pupil's guardian; staff of the school.
  EXPECT_THAT(ApplyAs(GuardianOf("someoneelse00000"), Request()),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ApplyAs(PreparerA(), Request()),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::ApplyFromSelfCheckRequest bad = Request();
  bad.set_pupil("guardians/x");
  bad.clear_semester();
  bad.add_shared_areas(v1::RISK_GROUP_FAMILY);
  bad.add_shared_areas(static_cast<v1::RiskGroup>(42));
  bad.add_shared_areas(v1::RISK_GROUP_UNSPECIFIED);
  bad.set_note(std::string(2001, 'a'));
  absl::StatusOr<v1::Application> refused = ApplyAs(GuardianA(), bad);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ViolatedFields(refused.status()),
      UnorderedElementsAre("pupil", "semester.school_year", "semester.term",
                           "shared_areas[2]", "shared_areas[3]",
                           "shared_areas[4]", "note"));
  EXPECT_EQ(Applications(), before);
}

// SupportPlanService.CreateApplication validates the two new fields too.
TEST_F(ApplyTest, CreateApplicationValidatesSharedFields) {
  v1::Application a;
  a.set_pupil("pupils/" + pupil_);
  a.mutable_semester()->set_school_year(Current().school_year);
  a.mutable_semester()->set_term(Current().term);
  a.add_shared_areas(v1::RISK_GROUP_ECONOMIC);
  a.add_shared_areas(v1::RISK_GROUP_ECONOMIC);
  a.set_applicant_note(std::string(2001, 'b'));
  absl::StatusOr<v1::Application> out = Write<v1::Application>(
      [&](storage::Connection& c) {
        return plans::CreateApplication(c, GuardianA(), a, "", absl::Now());
      },
      GuardianA());
  EXPECT_THAT(ViolatedFields(out.status()),
              UnorderedElementsAre("application.shared_areas[1]",
                                   "application.applicant_note"));
}

}  // namespace
}  // namespace pumpurs::selfcheck
