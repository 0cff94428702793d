#include <grpcpp/grpcpp.h>

#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;

TEST(SystemServiceTest, PingEchoes) {
  TestServer server;
  grpc::ClientContext ctx;
  v1::PingRequest req;
  req.set_payload("sveiki");
  v1::PingResponse resp;
  ASSERT_THAT(server.system().Ping(&ctx, req, &resp), IsOk());
  EXPECT_EQ(resp.payload(), "sveiki");
}

TEST(SystemServiceTest, PingRefusesOversizePayload) {
  TestServer server;
  grpc::ClientContext ctx;
  v1::PingRequest req;
  req.set_payload(std::string(1025, 'x'));
  v1::PingResponse resp;
  EXPECT_THAT(ViolatedFields(server.system().Ping(&ctx, req, &resp)),
              ElementsAre("payload"));
}

TEST(SystemServiceTest, ServerInfoReportsVersionAndSchema) {
  TestServer server;
  grpc::ClientContext ctx;
  v1::ServerInfo info;
  ASSERT_THAT(
      server.system().GetServerInfo(&ctx, v1::GetServerInfoRequest(), &info),
      IsOk());
  EXPECT_EQ(info.version(), PUMPURS_VERSION);
  EXPECT_EQ(info.schema_version(), server.database().schema_version());
  EXPECT_GE(info.schema_version(), 1);
  EXPECT_GT(info.start_time().seconds(), 0);
}

TEST(SystemServiceTest, HealthGoesNotServingBeforeShutdownAndDbCloses) {
  TestServer server;
  auto health = grpc::health::v1::Health::NewStub(server.channel());
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest req;
  auto watch = health->Watch(&ctx, req);
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  std::thread stopper([&server] { server.Stop(); });
  std::vector<int> seen;
  while (watch->Read(&resp)) seen.push_back(resp.status());
  stopper.join();
  EXPECT_THAT(seen, ::testing::Contains(
                        grpc::health::v1::HealthCheckResponse::NOT_SERVING));
  // After the ordered stop the database is closed and new work is refused.
  absl::Status s = server.database().ReadSync(
      CallContext(), [](storage::Connection&) { return absl::OkStatus(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace pumpurs
