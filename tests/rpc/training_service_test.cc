// TrainingService over a real server and channel: an organiser creates,
// updates and publishes an event; field violations arrive as
// google.rpc.BadRequest and refusals with their ErrorInfo reason; twenty
// staff members register for a five-place event at the same time and
// exactly five get a place (the rest EVENT_FULL); a staff member cancels
// their registration and reads their own hours.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/training.grpc.pb.h"
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
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;

google::protobuf::Timestamp Ts(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

class TrainingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stub_ = v1::TrainingService::NewStub(server_.channel());
    server_.UseToken(server_.AdminToken());
    absl::StatusOr<std::string> municipality =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    ASSERT_THAT(municipality, IsOk());
    absl::StatusOr<std::string> institution =
        CreateInstitution(server_, *municipality, "A skola", "4000000001");
    ASSERT_THAT(institution, IsOk());
    institution_ = IdOf(*institution);
    organiser_ = server_.TokenFor({{Role::kMethodologist, ""}});
    server_.UseToken("");
  }

  // A client context that carries `token`.
  static std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }

  v1::TrainingEvent Event(int capacity) {
    v1::TrainingEvent e;
    e.set_kind(v1::TRAINING_KIND_COURSE);
    e.set_title("Kurss");
    e.add_audiences(v1::TRAINING_AUDIENCE_TEACHERS);
    const absl::Time start = absl::Now() + absl::Hours(24 * 7);
    *e.mutable_start_time() = Ts(start);
    *e.mutable_end_time() = Ts(start + absl::Hours(3));
    e.set_online(true);
    e.set_capacity(capacity);
    e.set_hours(3);
    return e;
  }

  // A published event; its name.
  std::string Published(int capacity) {
    v1::CreateTrainingEventRequest req;
    *req.mutable_training_event() = Event(capacity);
    v1::TrainingEvent made;
    EXPECT_THAT(stub_->CreateTrainingEvent(As(organiser_).get(), req, &made),
                IsOk());
    v1::PublishTrainingEventRequest pub;
    pub.set_name(made.name());
    pub.set_etag(made.etag());
    v1::TrainingEvent out;
    EXPECT_THAT(stub_->PublishTrainingEvent(As(organiser_).get(), pub, &out),
                IsOk());
    EXPECT_EQ(out.state(), v1::TRAINING_EVENT_STATE_PUBLISHED);
    return made.name();
  }

  TestServer server_;
  std::unique_ptr<v1::TrainingService::Stub> stub_;
  std::string institution_;
  std::string organiser_;
};

TEST_F(TrainingServiceTest, ConcurrentRegistrationsNeverExceedTheCapacity) {
  const std::string event = Published(5);
  constexpr int kStaff = 20;
  std::vector<std::string> tokens;
  for (int i = 0; i < kStaff; ++i) {
    std::string staff_id;
    tokens.push_back(server_.StaffTokenFor(
        {{Role::kPlanPreparer, institution_}}, institution_, &staff_id));
  }
  std::atomic<int> ok{0}, full{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kStaff; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      v1::RegisterForTrainingRequest req;
      req.set_parent(event);
      v1::Registration out;
      grpc::Status s =
          stub_->RegisterForTraining(As(tokens[i]).get(), req, &out);
      if (s.ok()) {
        ++ok;
      } else if (::pumpurs::testing::DecodeWireError(s).reason ==
                     "EVENT_FULL" &&
                 s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
        ++full;
      } else {
        ++other;
      }
    });
  }
  go.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 5);
  EXPECT_EQ(full.load(), 15);
  EXPECT_EQ(other.load(), 0);

  v1::GetTrainingEventRequest get;
  get.set_name(event);
  v1::TrainingEvent got;
  ASSERT_THAT(stub_->GetTrainingEvent(As(tokens[0]).get(), get, &got), IsOk());
  EXPECT_EQ(got.registered(), 5);
  v1::ListRegistrationsRequest list;
  list.set_parent(event);
  v1::ListRegistrationsResponse regs;
  ASSERT_THAT(stub_->ListRegistrations(As(organiser_).get(), list, &regs),
              IsOk());
  EXPECT_EQ(regs.registrations_size(), 5);
}

TEST_F(TrainingServiceTest, EventLifecycleOverTheWire) {
  v1::CreateTrainingEventRequest bad;
  *bad.mutable_training_event() = Event(0);
  bad.mutable_training_event()->add_method_articles("articles/x");
  v1::TrainingEvent out;
  grpc::Status s = stub_->CreateTrainingEvent(As(organiser_).get(), bad, &out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s), Contains("training_event.capacity"));
  EXPECT_THAT(ViolatedFields(s), Contains("training_event.method_articles[0]"));

  std::string staff_id;
  const std::string teacher = server_.StaffTokenFor(
      {{Role::kPlanPreparer, institution_}}, institution_, &staff_id);
  v1::CreateTrainingEventRequest req;
  *req.mutable_training_event() = Event(10);
  req.set_request_id("e-1");
  EXPECT_THAT(stub_->CreateTrainingEvent(As(teacher).get(), req, &out),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_THAT(stub_->CreateTrainingEvent(As(organiser_).get(), req, &out),
              IsOk());
  v1::TrainingEvent again;
  ASSERT_THAT(stub_->CreateTrainingEvent(As(organiser_).get(), req, &again),
              IsOk());
  EXPECT_EQ(again.name(), out.name());

  v1::UpdateTrainingEventRequest upd;
  upd.mutable_training_event()->set_name(out.name());
  upd.mutable_training_event()->set_title("Kurss pedagogiem");
  upd.mutable_training_event()->set_etag(out.etag());
  upd.mutable_update_mask()->add_paths("title");
  v1::TrainingEvent updated;
  ASSERT_THAT(stub_->UpdateTrainingEvent(As(organiser_).get(), upd, &updated),
              IsOk());
  EXPECT_EQ(updated.title(), "Kurss pedagogiem");
  EXPECT_THAT(stub_->UpdateTrainingEvent(As(organiser_).get(), upd, &updated),
              StatusIs(absl::StatusCode::kAborted));

  v1::RegisterForTrainingRequest reg;
  reg.set_parent(out.name());
  v1::Registration r;
  // A draft is not in the teacher's catalogue.
  EXPECT_THAT(stub_->RegisterForTraining(As(teacher).get(), reg, &r),
              StatusIs(absl::StatusCode::kNotFound));
  v1::PublishTrainingEventRequest pub;
  pub.set_name(out.name());
  ASSERT_THAT(stub_->PublishTrainingEvent(As(organiser_).get(), pub, &out),
              IsOk());
  EXPECT_THAT(stub_->PublishTrainingEvent(As(organiser_).get(), pub, &out),
              HasReason("EVENT_NOT_DRAFT"));
  ASSERT_THAT(stub_->RegisterForTraining(As(teacher).get(), reg, &r), IsOk());
  EXPECT_EQ(r.staff(), "staff/" + staff_id);
  EXPECT_THAT(stub_->RegisterForTraining(As(teacher).get(), reg, &r),
              HasReason("ALREADY_REGISTERED"));
  v1::RecordAttendanceRequest att;
  att.set_name(r.name());
  att.set_attended(true);
  v1::Registration marked;
  EXPECT_THAT(stub_->RecordAttendance(As(organiser_).get(), att, &marked),
              HasReason("EVENT_NOT_STARTED"));

  v1::ListTrainingEventsRequest list;
  list.set_audience(v1::TRAINING_AUDIENCE_TEACHERS);
  v1::ListTrainingEventsResponse events;
  ASSERT_THAT(stub_->ListTrainingEvents(As(teacher).get(), list, &events),
              IsOk());
  ASSERT_EQ(events.training_events_size(), 1);
  EXPECT_EQ(events.training_events(0).registered(), 1);

  v1::CancelRegistrationRequest cancel;
  cancel.set_name("trainingEvents/x");
  EXPECT_THAT(stub_->CancelRegistration(As(teacher).get(), cancel, &r),
              StatusIs(absl::StatusCode::kInvalidArgument));
  cancel.set_name(r.name());
  ASSERT_THAT(stub_->CancelRegistration(As(teacher).get(), cancel, &r), IsOk());
  EXPECT_EQ(r.state(), v1::REGISTRATION_STATE_CANCELLED);

  v1::ListTrainingHoursRequest hours;
  hours.set_staff("staff/" + staff_id);
  hours.set_from_day("2020-01-01");
  hours.set_to_day("2024-12-31");
  v1::ListTrainingHoursResponse h;
  ASSERT_THAT(stub_->ListTrainingHours(As(teacher).get(), hours, &h), IsOk());
  ASSERT_EQ(h.rows_size(), 1);
  EXPECT_EQ(h.total_hours(), 0);
  hours.set_institution("institutions/" + institution_);
  EXPECT_THAT(stub_->ListTrainingHours(As(teacher).get(), hours, &h),
              StatusIs(absl::StatusCode::kInvalidArgument));

  v1::CancelTrainingEventRequest cancel_event;
  cancel_event.set_name(out.name());
  EXPECT_THAT(stub_->CancelTrainingEvent(As(teacher).get(), cancel_event, &out),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_THAT(
      stub_->CancelTrainingEvent(As(organiser_).get(), cancel_event, &out),
      IsOk());
  EXPECT_THAT(
      stub_->CancelTrainingEvent(As(organiser_).get(), cancel_event, &out),
      HasReason("EVENT_CANCELLED"));
}

}  // namespace
}  // namespace pumpurs
