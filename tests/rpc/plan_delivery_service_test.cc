// SupportPlanService's delivery methods over a real in-process server: a
// consultation recorded by the measure's provider (signed in, with their
// staff record linked to the account), listed, and counted in the
// delivered hours; refusals arrive with their ErrorInfo reason and field
// violations as BadRequest. Plans are stored directly (server/plans/
// store.h), since creating them is another method's business.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/support_plan.grpc.pb.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/plans/semester.h"
#include "server/plans/store.h"
#include "tests/testing/directory_setup.h"
#include "tests/testing/names.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::IdOf;

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::CreateInstitution;
using ::pumpurs::testing::CreateMunicipality;
using ::pumpurs::testing::CreatePupil;
using ::pumpurs::testing::DecodeWireError;
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class PlanDeliveryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plans_ = v1::SupportPlanService::NewStub(server_.channel());
    server_.UseToken(server_.AdminToken());
    absl::StatusOr<std::string> municipality =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    EXPECT_THAT(municipality, IsOk());
    municipality_ = municipality.value_or("");
    absl::StatusOr<std::string> institution =
        CreateInstitution(server_, municipality_, "A skola", "4000000001");
    EXPECT_THAT(institution, IsOk());
    institution_ = institution.value_or("");
    const absl::CivilDay today = plans::DayInLatvia(absl::Now());
    absl::StatusOr<std::string> pupil =
        CreatePupil(server_, institution_, "Anna", "Bērziņa", 6,
                    plans::FormatDay(absl::CivilDay(today.year() - 12, 3, 1)));
    EXPECT_THAT(pupil, IsOk());
    pupil_ = pupil.value_or("");
    const std::string school = IdOf(institution_);
    provider_token_ = server_.StaffTokenFor({{Role::kMeasureProvider, school}},
                                            school, &provider_);
    preparer_token_ = server_.StaffTokenFor({{Role::kPlanPreparer, school}},
                                            school, &preparer_);
    head_token_ = server_.TokenFor({{Role::kInstitutionHead, school}});
    server_.UseToken("");
  }

  // A semester wholly in the past, and its n-th day.
  plans::Semester Past() {
    const plans::Semester now =
        plans::SemesterOf(plans::DayInLatvia(absl::Now()));
    return plans::SemesterOf(plans::FirstDay(now) - 1);
  }
  std::string Day(int n) {
    return plans::FormatDay(plans::FirstDay(Past()) + n);
  }

  // An approved plan for the pupil with m1 (10 hours by the provider for
  // EUR 150), stored as the plan store stores it.
  std::string StoreApprovedPlan() {
    const std::string plan_id = NewId();
    const std::string application_id = NewId();
    const std::string school = IdOf(institution_);
    plans::StoredPlan p;
    p.id = plan_id;
    p.pupil_id = IdOf(pupil_);
    p.institution_id = school;
    p.municipality_id = IdOf(municipality_);
    p.application_id = application_id;
    p.preparer_id = preparer_;
    p.semester = Past();
    p.submitted = true;
    p.plan.set_preparer("staff/" + preparer_);
    p.plan.set_state(v1::PLAN_STATE_APPROVED);
    v1::PlanMeasure* m = p.plan.add_measures();
    m->set_id("m1");
    m->set_measure_type("measureTypes/subject-teacher-consultation");
    m->set_provider("staff/" + provider_);
    m->set_unit(v1::MEASURE_UNIT_HOURS);
    m->set_planned_quantity(10);
    m->set_planned_cost_cents(15000);
    m->set_start_date(plans::FormatDay(plans::FirstDay(Past())));
    m->set_end_date(plans::FormatDay(plans::LastDay(Past())));
    m->set_mode(v1::DELIVERY_MODE_MIXED);
    CallContext system;
    system.caller_id = "system:test";
    EXPECT_THAT(
        server_.database().WriteSync(
            system,
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("INSERT INTO plan_applications (id, pupil_id, "
                            "institution_id, municipality_id, school_year, "
                            "term, state, data, version, create_time, "
                            "update_time) VALUES (?, ?, ?, ?, ?, ?, 1, x'', "
                            "1, 0, 0)"));
              s.Bind(1, application_id)
                  .Bind(2, p.pupil_id)
                  .Bind(3, school)
                  .Bind(4, p.municipality_id)
                  .Bind(5, int64_t{p.semester.school_year})
                  .Bind(6, int64_t{p.semester.term});
              PUMPURS_RETURN_IF_ERROR(s.Run());
              return plans::InsertPlan(c, system, p, absl::Now());
            }),
        IsOk());
    return "supportPlans/" + plan_id;
  }

  v1::DeliveryRecord Consultation(const std::string& day, int minutes) {
    v1::DeliveryRecord r;
    r.set_measure_id("m1");
    r.set_date(day);
    r.set_duration_minutes(minutes);
    r.set_mode(v1::DELIVERY_MODE_ON_SITE);
    r.set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
    return r;
  }

  grpc::Status Record(const std::string& plan, const v1::DeliveryRecord& r,
                      v1::DeliveryRecord* out) {
    grpc::ClientContext ctx;
    v1::RecordDeliveryRequest req;
    req.set_parent(plan);
    *req.mutable_delivery() = r;
    return plans_->RecordDelivery(&ctx, req, out);
  }
  int64_t Count(const std::string& table) {
    int64_t n = -1;
    EXPECT_THAT(
        server_.database().ReadSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  n, c.QueryInt(absl::StrCat("SELECT count(*) FROM ", table)));
              return absl::OkStatus();
            }),
        IsOk());
    return n;
  }

  TestServer server_;
  std::unique_ptr<v1::SupportPlanService::Stub> plans_;
  std::string municipality_;
  std::string institution_;
  std::string pupil_;
  std::string provider_, preparer_;
  std::string provider_token_, preparer_token_, head_token_;
};

TEST_F(PlanDeliveryServiceTest, RecordListAndCountHours) {
  const std::string plan = StoreApprovedPlan();
  server_.UseToken(provider_token_);
  v1::DeliveryRecord first;
  ASSERT_THAT(Record(plan, Consultation(Day(10), 45), &first), IsOk());
  EXPECT_EQ(first.provider(), "staff/" + provider_);
  EXPECT_EQ(first.date(), Day(10));
  EXPECT_TRUE(first.name().rfind(plan + "/deliveries/", 0) == 0);
  EXPECT_TRUE(first.recorded_by().rfind("accounts/", 0) == 0);
  EXPECT_GT(first.create_time().seconds(), 0);

  v1::DeliveryRecord remote = Consultation(Day(11), 60);
  remote.set_mode(v1::DELIVERY_MODE_REMOTE);
  remote.set_evidence(v1::EVIDENCE_TYPE_E_KLASE_MESSAGE);
  remote.set_confirmation_date(Day(12));
  v1::DeliveryRecord second;
  ASSERT_THAT(Record(plan, remote, &second), IsOk());

  {
    grpc::ClientContext ctx;
    v1::ListDeliveriesRequest req;
    req.set_parent(plan);
    v1::ListDeliveriesResponse resp;
    ASSERT_THAT(plans_->ListDeliveries(&ctx, req, &resp), IsOk());
    ASSERT_EQ(resp.deliveries_size(), 2);
    EXPECT_EQ(resp.deliveries(0).name(), first.name());
    EXPECT_EQ(resp.deliveries(1).name(), second.name());
    EXPECT_EQ(resp.deliveries(1).confirmation_date(), Day(12));
    EXPECT_TRUE(resp.next_page_token().empty());
  }

  // The provider's own hours; the head's view of everyone's.
  const std::string month = Day(10).substr(0, 7);
  ASSERT_EQ(Day(11).substr(0, 7), month);
  v1::ListDeliveredHoursRequest hours;
  hours.set_institution(institution_);
  hours.set_start_month(month);
  hours.set_provider("staff/" + provider_);
  {
    grpc::ClientContext ctx;
    v1::ListDeliveredHoursResponse resp;
    ASSERT_THAT(plans_->ListDeliveredHours(&ctx, hours, &resp), IsOk());
    ASSERT_EQ(resp.rows_size(), 1);
    EXPECT_EQ(resp.rows(0).provider(), "staff/" + provider_);
    EXPECT_EQ(resp.rows(0).month(), month);
    EXPECT_EQ(resp.rows(0).consultations(), 2);
    EXPECT_EQ(resp.rows(0).minutes(), 105);
    EXPECT_EQ(resp.rows(0).remote_minutes(), 60);
    EXPECT_EQ(resp.rows(0).plans(), 1);
  }
  {
    grpc::ClientContext ctx;
    v1::ListDeliveredHoursRequest everyone = hours;
    everyone.clear_provider();
    v1::ListDeliveredHoursResponse resp;
    EXPECT_THAT(plans_->ListDeliveredHours(&ctx, everyone, &resp),
                StatusIs(absl::StatusCode::kPermissionDenied));
    server_.UseToken(head_token_);
    grpc::ClientContext head_ctx;
    ASSERT_THAT(plans_->ListDeliveredHours(&head_ctx, everyone, &resp), IsOk());
    EXPECT_EQ(resp.rows_size(), 1);
  }

  // The plan moved to implementation, with the funds of 105 minutes at
  // 1500 cents an hour.
  absl::StatusOr<std::optional<plans::StoredPlan>> stored =
      absl::UnknownError("not read");
  ASSERT_THAT(server_.database().ReadSync(CallContext{},
                                          [&](storage::Connection& c) {
                                            stored =
                                                plans::LoadPlan(c, IdOf(plan));
                                            return stored.status();
                                          }),
              IsOk());
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  EXPECT_EQ((*stored)->plan.funds_used_cents(), 2625);
  EXPECT_EQ((*stored)->plan.measures(0).delivery_count(), 2);
  EXPECT_DOUBLE_EQ((*stored)->plan.measures(0).delivered_quantity(), 1.75);
  // Both records and the list were audited; the hours were not.
  EXPECT_EQ(Count("audit_events WHERE action = 'delivery.create' AND "
                  "outcome = 1"),
            2);
  EXPECT_EQ(Count("audit_events WHERE action = 'delivery.list'"), 1);
}

TEST_F(PlanDeliveryServiceTest, LateRemoteConfirmationIsRefusedWithItsReason) {
  const std::string plan = StoreApprovedPlan();
  server_.UseToken(provider_token_);
  v1::DeliveryRecord remote = Consultation(Day(10), 45);
  remote.set_mode(v1::DELIVERY_MODE_REMOTE);
  remote.set_evidence(v1::EVIDENCE_TYPE_EMAIL);
  remote.set_confirmation_date(Day(12));
  v1::DeliveryRecord out;
  grpc::Status s = Record(plan, remote, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DecodeWireError(s).reason, "CONFIRMATION_TOO_LATE");
  EXPECT_EQ(DecodeWireError(s).domain, "pumpurs.lv");
  EXPECT_EQ(Count("plan_deliveries"), 0);
}

TEST_F(PlanDeliveryServiceTest, FieldViolationsArriveAsBadRequest) {
  const std::string plan = StoreApprovedPlan();
  server_.UseToken(preparer_token_);
  v1::DeliveryRecord bad = Consultation("2026-02-30", 481);
  bad.clear_mode();
  bad.set_amount_cents(100);
  v1::DeliveryRecord out;
  grpc::Status s = Record(plan, bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(s),
              UnorderedElementsAre("delivery.date", "delivery.mode",
                                   "delivery.duration_minutes",
                                   "delivery.amount_cents"));
  // Malformed names, before any work.
  EXPECT_THAT(
      ViolatedFields(Record("plans/x", Consultation(Day(10), 45), &out)),
      ElementsAre("parent"));
  grpc::ClientContext ctx;
  v1::ListDeliveredHoursRequest hours;
  hours.set_institution(institution_);
  hours.set_start_month("2026-13");
  hours.set_provider("teachers/x");
  v1::ListDeliveredHoursResponse resp;
  EXPECT_THAT(ViolatedFields(plans_->ListDeliveredHours(&ctx, hours, &resp)),
              ElementsAre("provider"));
  hours.clear_provider();
  grpc::ClientContext ctx2;
  EXPECT_THAT(ViolatedFields(plans_->ListDeliveredHours(&ctx2, hours, &resp)),
              ElementsAre("start_month"));
  // Without a token: refused, nothing kept.
  server_.UseToken("");
  EXPECT_THAT(Record(plan, Consultation(Day(10), 45), &out),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(Count("plan_deliveries"), 0);
}

}  // namespace
}  // namespace pumpurs
