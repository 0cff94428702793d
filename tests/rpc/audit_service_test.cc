// AuditService over a real in-process server: request validation names
// every bad field, events come back as resources, ListPupilAccess is itself
// recorded durably before it answers, and the trail cannot be changed.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/audit.grpc.pb.h"
#include "server/auth/audit.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    audit_ = v1::AuditService::NewStub(server_.channel());
    ASSERT_THAT(Exec(R"sql(
      INSERT INTO municipalities VALUES ('m1', 'M1', x'01', '0000001', 1, 0, 0);
      INSERT INTO institutions VALUES
        ('i1', 'I1', x'01', 1, 'm1', '4000000001', 1, 0, 0);
      INSERT INTO pupils (id, institution_id, given_name, family_name,
        sort_key, search_given, search_family, birth_date, grade,
        vocational_course, class_label, version, create_time, update_time)
      VALUES ('p1', 'i1', 'A', 'B', x'01', 'a', 'b', '2014-01-01', 5, 0,
              '5.a', 1, 0, 0);
      INSERT INTO guardians (id, given_name, family_name, sort_key,
        search_given, search_family, version, create_time, update_time)
      VALUES ('g1', 'G', 'H', x'01', 'g', 'h', 1, 0, 0);
      INSERT INTO guardian_pupils VALUES ('g1', 'p1');
    )sql"),
                IsOk());
  }

  absl::Status Exec(const std::string& sql) {
    return server_.database().WriteSync(
        CallContext(), [&](storage::Connection& c) { return c.Exec(sql); });
  }

  void Record(const std::string& actor, const std::string& action,
              const std::string& resource, const std::string& pupil) {
    CallContext call;
    call.principal.account_id = actor;
    AuditEvent e;
    e.request_id = "req-" + actor;
    e.action = action;
    e.resource = resource;
    e.institution_id = "i1";
    e.municipality_id = "m1";
    e.pupil_id = pupil;
    ASSERT_THAT(server_.database().WriteSync(call,
                                             [&](storage::Connection& c) {
                                               return auth::RecordAudit(
                                                   c, call, e, absl::Now());
                                             }),
                IsOk());
  }

  grpc::Status List(const v1::ListAuditEventsRequest& req,
                    v1::ListAuditEventsResponse* resp) {
    grpc::ClientContext ctx;
    return audit_->ListAuditEvents(&ctx, req, resp);
  }
  grpc::Status Access(const std::string& pupil,
                      v1::ListPupilAccessResponse* resp) {
    grpc::ClientContext ctx;
    v1::ListPupilAccessRequest req;
    req.set_pupil(pupil);
    return audit_->ListPupilAccess(&ctx, req, resp);
  }

  TestServer server_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
};

TEST_F(AuditServiceTest, InvalidFiltersNameEveryBadField) {
  server_.UseToken(server_.AdminToken());
  v1::ListAuditEventsRequest req;
  req.set_institution("schools/1");
  req.set_municipality("municipalities/");
  req.set_resource("no slash");
  req.set_actor("people/x");
  req.set_page_size(-1);
  v1::ListAuditEventsResponse resp;
  grpc::Status s = List(req, &resp);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s),
              UnorderedElementsAre("institution", "municipality", "resource",
                                   "actor", "page_size"));

  grpc::ClientContext ctx;
  v1::ListPupilAccessRequest bad;
  bad.set_pupil("guardians/g1");
  bad.set_page_size(-5);
  v1::ListPupilAccessResponse access;
  s = audit_->ListPupilAccess(&ctx, bad, &access);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s), UnorderedElementsAre("pupil", "page_size"));
}

TEST_F(AuditServiceTest, EventsComeBackAsResources) {
  Record("t1", "pupil.read", "pupils/p1", "p1");
  server_.UseToken(server_.AdminToken());
  v1::ListAuditEventsRequest req;
  req.set_institution("institutions/i1");
  req.set_resource("pupils/p1");
  req.set_actor("accounts/t1");
  v1::ListAuditEventsResponse resp;
  ASSERT_THAT(List(req, &resp), IsOk());
  ASSERT_EQ(resp.audit_events_size(), 1);
  const v1::AuditEvent& e = resp.audit_events(0);
  EXPECT_THAT(e.name(), ::testing::StartsWith("auditEvents/"));
  EXPECT_EQ(e.actor(), "accounts/t1");
  EXPECT_EQ(e.action(), "pupil.read");
  EXPECT_EQ(e.resource(), "pupils/p1");
  EXPECT_EQ(e.institution(), "institutions/i1");
  EXPECT_EQ(e.outcome(), v1::AUDIT_OUTCOME_ALLOWED);
  EXPECT_EQ(e.request_id(), "req-t1");
  EXPECT_GT(e.time().seconds(), 0);
  EXPECT_EQ(resp.next_page_token(), "");

  req.set_actor("anonymous");
  resp.Clear();
  ASSERT_THAT(List(req, &resp), IsOk());
  EXPECT_EQ(resp.audit_events_size(), 0);
}

TEST_F(AuditServiceTest, GuardianListingIsRecordedBeforeTheAnswer) {
  Record("t1", "pupil.read", "pupils/p1", "p1");
  server_.UseToken(server_.TokenFor({{Role::kGuardian, "g1"}}, "vecaks"));
  v1::ListPupilAccessResponse first;
  ASSERT_THAT(Access("pupils/p1", &first), IsOk());
  ASSERT_EQ(first.audit_events_size(), 1);
  EXPECT_EQ(first.audit_events(0).actor(), "accounts/t1");

  // The first listing is in the trail by the time the second one reads it.
  v1::ListPupilAccessResponse second;
  ASSERT_THAT(Access("pupils/p1", &second), IsOk());
  ASSERT_EQ(second.audit_events_size(), 2);
  EXPECT_EQ(second.audit_events(0).action(), "pupil_access.list");
  EXPECT_EQ(second.audit_events(0).resource(), "pupils/p1");
  EXPECT_EQ(second.audit_events(0).outcome(), v1::AUDIT_OUTCOME_ALLOWED);
  EXPECT_EQ(second.audit_events(1).actor(), "accounts/t1");

  // Another pupil's log: refused, and the refusal lands in the trail too.
  v1::ListPupilAccessResponse none;
  EXPECT_THAT(Access("pupils/nobody", &none),
              StatusIs(absl::StatusCode::kPermissionDenied));
  server_.UseToken(server_.AdminToken());
  v1::ListAuditEventsRequest req;
  req.set_resource("pupils/nobody");
  v1::ListAuditEventsResponse resp;
  ASSERT_THAT(List(req, &resp), IsOk());
  ASSERT_EQ(resp.audit_events_size(), 1);
  EXPECT_EQ(resp.audit_events(0).outcome(), v1::AUDIT_OUTCOME_DENIED);
  EXPECT_EQ(resp.audit_events(0).action(), "pupil_access.list");
}

TEST_F(AuditServiceTest, NoTokenIsUnauthenticated) {
  v1::ListAuditEventsResponse resp;
  EXPECT_THAT(List({}, &resp), StatusIs(absl::StatusCode::kUnauthenticated));
  v1::ListPupilAccessResponse access;
  EXPECT_THAT(Access("pupils/p1", &access),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuditServiceTest, TheTrailRefusesUpdateAndDelete) {
  Record("t1", "pupil.read", "pupils/p1", "p1");
  EXPECT_FALSE(Exec("UPDATE audit_events SET actor = 'accounts/x'").ok());
  EXPECT_FALSE(Exec("DELETE FROM audit_events").ok());
  server_.UseToken(server_.AdminToken());
  v1::ListAuditEventsResponse resp;
  ASSERT_THAT(List({}, &resp), IsOk());
  ASSERT_EQ(resp.audit_events_size(), 1);
  EXPECT_EQ(resp.audit_events(0).actor(), "accounts/t1");
}

}  // namespace
}  // namespace pumpurs
