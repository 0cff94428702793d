// SyncService over a real in-process server: ListChanges on the wire (bad
// fields named, anonymous refused, reads audited in audit_events), and
// WatchChanges: the first batch at once, a change committed later arriving
// within seconds, catching up over several pages, cancellation by the
// client, and a server Stop() that does not wait for open watches.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/sync.grpc.pb.h"
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
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Names(
    const google::protobuf::RepeatedPtrField<v1::Change>& changes) {
  std::vector<std::string> out;
  for (const v1::Change& c : changes) out.push_back(c.resource());
  return out;
}

class SyncServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.UseToken(server_.AdminToken());
    absl::StatusOr<std::string> municipality =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    ASSERT_THAT(municipality, IsOk());
    municipality_id_ = IdOf(*municipality);
    absl::StatusOr<std::string> institution =
        CreateInstitution(server_, *municipality, "A skola", "4000000001");
    ASSERT_THAT(institution, IsOk());
    institution_id_ = IdOf(*institution);
    absl::StatusOr<std::string> pupil = CreatePupil(
        server_, *institution, "Anna", "Bērziņa", 5,
        absl::StrCat(
            absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year() - 11,
            "-01-01"));
    ASSERT_THAT(pupil, IsOk());
    pupil_id_ = IdOf(*pupil);
    head_ = server_.TokenFor({{Role::kInstitutionHead, institution_id_}});
    server_.UseToken(head_);
    sync_ = v1::SyncService::NewStub(server_.channel());
  }

  // Stores an application for the pupil (and its feed entry); returns its
  // name.
  std::string AddApplication(plans::Semester semester, bool record = true) {
    const std::string id = NewId();
    v1::Application a;
    a.set_name(ResourceName(plans::kApplications, id));
    a.set_pupil(ResourceName(plans::kPupils, pupil_id_));
    a.set_state(v1::APPLICATION_STATE_ACTIVE);
    EXPECT_THAT(
        server_.database().WriteSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("INSERT INTO plan_applications (id, pupil_id, "
                            "institution_id, municipality_id, school_year, "
                            "term, state, data, version, create_time, "
                            "update_time) VALUES (?, ?, ?, ?, ?, ?, 1, ?, 1, "
                            "0, 0)"));
              s.Bind(1, id)
                  .Bind(2, pupil_id_)
                  .Bind(3, institution_id_)
                  .Bind(4, municipality_id_)
                  .Bind(5, int64_t{semester.school_year})
                  .Bind(6, int64_t{semester.term})
                  .BindBlob(7, a.SerializeAsString());
              PUMPURS_RETURN_IF_ERROR(s.Run());
              if (!record) return absl::OkStatus();
              return plans::RecordChange(c, a.name(), "", pupil_id_, false,
                                         absl::Now());
            }),
        IsOk());
    return a.name();
  }

  // Stores a draft plan for the pupil in `semester`; returns its name.
  std::string AddPlan(plans::Semester semester) {
    plans::StoredPlan p;
    p.id = NewId();
    p.pupil_id = pupil_id_;
    p.institution_id = institution_id_;
    p.municipality_id = municipality_id_;
    p.application_id = IdOf(AddApplication(semester, /*record=*/false));
    p.preparer_id = "nobody";
    p.semester = semester;
    p.plan.set_preparer("staff/nobody");
    p.plan.set_problem_description("Zemi vērtējumi.");
    CallContext system;
    system.caller_id = "system:test";
    EXPECT_THAT(server_.database().WriteSync(system,
                                             [&](storage::Connection& c) {
                                               return plans::InsertPlan(
                                                   c, system, p, absl::Now());
                                             }),
                IsOk());
    return p.plan.name();
  }

  plans::Semester Current() {
    return plans::SemesterOf(plans::DayInLatvia(absl::Now()));
  }

  grpc::Status List(const std::string& token, int page_size,
                    v1::ListChangesResponse* out) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::ListChangesRequest req;
    req.set_sync_token(token);
    req.set_page_size(page_size);
    return sync_->ListChanges(&ctx, req, out);
  }

  // How many audit events of `action` on `resource` are stored.
  int64_t AuditCount(const std::string& action, const std::string& resource) {
    int64_t n = -1;
    EXPECT_THAT(server_.database().ReadSync(
                    CallContext{},
                    [&](storage::Connection& c) -> absl::Status {
                      PUMPURS_ASSIGN_OR_RETURN(
                          storage::Statement s,
                          c.Prepare("SELECT count(*) FROM audit_events WHERE "
                                    "action = ? AND resource = ? AND "
                                    "pupil_id = ?"));
                      s.Bind(1, action).Bind(2, resource).Bind(3, pupil_id_);
                      PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                      if (row) n = s.ColumnInt64(0);
                      return absl::OkStatus();
                    }),
                IsOk());
    return n;
  }

  // Opens a watch from `token` and waits for its first batch.
  std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> Watch(
      grpc::ClientContext* ctx, const std::string& token,
      v1::WatchChangesResponse* first) {
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    v1::WatchChangesRequest req;
    req.set_sync_token(token);
    auto reader = sync_->WatchChanges(ctx, req);
    EXPECT_TRUE(reader->Read(first));
    return reader;
  }

  TestServer server_;
  std::string municipality_id_, institution_id_, pupil_id_, head_;
  std::unique_ptr<v1::SyncService::Stub> sync_;
};

TEST_F(SyncServiceTest, ListChangesOverTheWire) {
  const std::string plan = AddPlan(Current());
  const std::string application = AddApplication(plans::Next(Current()));
  v1::ListChangesResponse first;
  ASSERT_THAT(List("", 1, &first), IsOk());
  EXPECT_THAT(Names(first.changes()), ElementsAre(plan));
  EXPECT_EQ(first.changes(0).kind(), v1::CHANGE_KIND_UPSERT);
  EXPECT_EQ(first.changes(0).support_plan().name(), plan);
  EXPECT_TRUE(first.has_more());
  v1::ListChangesResponse second;
  ASSERT_THAT(List(first.next_sync_token(), 0, &second), IsOk());
  EXPECT_THAT(Names(second.changes()), ElementsAre(application));
  EXPECT_EQ(second.changes(0).application().name(), application);
  EXPECT_FALSE(second.has_more());
  // Audited as reads of the pupil's data before the answer went out.
  EXPECT_EQ(AuditCount("supportPlan.sync", plan), 1);
  EXPECT_EQ(AuditCount("application.sync", application), 1);
}

TEST_F(SyncServiceTest, ListChangesNamesBadFieldsAndRefusesAnonymous) {
  v1::ListChangesResponse out;
  grpc::Status bad = List("garbage!", -5, &out);
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(bad), Contains("sync_token"));
  EXPECT_THAT(ViolatedFields(bad), Contains("page_size"));
  server_.UseToken("");
  EXPECT_THAT(List("", 0, &out), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(SyncServiceTest, WatchRefusesBadTokensAndAnonymousCallers) {
  grpc::ClientContext ctx;
  v1::WatchChangesRequest req;
  req.set_sync_token("garbage!");
  auto reader = sync_->WatchChanges(&ctx, req);
  v1::WatchChangesResponse msg;
  EXPECT_FALSE(reader->Read(&msg));
  grpc::Status s = reader->Finish();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s, HasReason("INVALID_SYNC_TOKEN"));

  server_.UseToken("");
  grpc::ClientContext anon_ctx;
  auto anon = sync_->WatchChanges(&anon_ctx, v1::WatchChangesRequest());
  EXPECT_FALSE(anon->Read(&msg));
  EXPECT_THAT(anon->Finish(), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(SyncServiceTest, WatchDeliversALaterChangeThenTheClientCancels) {
  const std::string before = AddPlan(Current());
  v1::ListChangesResponse listed;
  ASSERT_THAT(List("", 0, &listed), IsOk());
  grpc::ClientContext ctx;
  v1::WatchChangesResponse first;
  auto reader = Watch(&ctx, listed.next_sync_token(), &first);
  // Caught up: the first batch is empty and carries the same position.
  EXPECT_THAT(first.changes(), IsEmpty());
  EXPECT_EQ(first.sync_token(), listed.next_sync_token());

  const absl::Time committed = absl::Now();
  const std::string later = AddPlan(plans::Next(Current()));
  v1::WatchChangesResponse next;
  ASSERT_TRUE(reader->Read(&next));
  EXPECT_LT(absl::Now() - committed, absl::Seconds(3));
  EXPECT_THAT(Names(next.changes()), ElementsAre(later));
  EXPECT_EQ(next.changes(0).kind(), v1::CHANGE_KIND_UPSERT);
  EXPECT_NE(next.sync_token(), first.sync_token());
  EXPECT_EQ(AuditCount("supportPlan.sync", later), 1);

  ctx.TryCancel();
  EXPECT_FALSE(reader->Read(&next));
  EXPECT_THAT(reader->Finish(), StatusIs(absl::StatusCode::kCancelled));
  // The server is still well and stops without waiting for anything.
  ASSERT_THAT(List(next.sync_token(), 0, &listed), IsOk());
  EXPECT_THAT(listed.changes(), IsEmpty());
  const absl::Time stop = absl::Now();
  server_.Stop();
  EXPECT_LT(absl::Now() - stop, absl::Seconds(2));
}

TEST_F(SyncServiceTest, WatchCatchesUpOverSeveralPagesFirst) {
  std::vector<std::string> all;
  for (int i = 0; i < 130; ++i) all.push_back(AddApplication(Current()));
  grpc::ClientContext ctx;
  v1::WatchChangesResponse first;
  auto reader = Watch(&ctx, "", &first);
  v1::WatchChangesResponse second;
  ASSERT_TRUE(reader->Read(&second));
  EXPECT_EQ(first.changes_size(), 100);
  EXPECT_EQ(second.changes_size(), 30);
  std::vector<std::string> seen = Names(first.changes());
  for (const std::string& n : Names(second.changes())) seen.push_back(n);
  EXPECT_EQ(seen, all);
  ctx.TryCancel();
  reader->Finish();
}

TEST_F(SyncServiceTest, StopWithAnOpenWatchReturnsPromptly) {
  grpc::ClientContext ctx;
  v1::WatchChangesResponse first;
  auto reader = Watch(&ctx, "", &first);
  const absl::Time stop = absl::Now();
  server_.Stop();  // 5 s of grace for in-flight calls
  EXPECT_LT(absl::Now() - stop, absl::Seconds(2));
  v1::WatchChangesResponse msg;
  EXPECT_FALSE(reader->Read(&msg));
  grpc::Status s = reader->Finish();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace pumpurs
