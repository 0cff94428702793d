// CallRaw in a program that links only the client library (no server, no
// pumpurs_link_all_protos, like an app or the C bindings): every service's
// methods must still be known, i.e. the library itself keeps each
// service's generated descriptors. No server is needed: a known method
// gets as far as the (expired) deadline, an unknown one stops before.

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"

namespace pumpurs::client {
namespace {

TEST(RawCallLinkTest, EveryServiceIsKnownWithoutLinkingAllProtos) {
  ClientOptions options;
  options.target = "127.0.0.1:1";
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  CallOptions expired;
  expired.deadline = absl::ZeroDuration();
  for (const char* method : {
           "/grpc.health.v1.Health/Check",
           "/pumpurs.v1.AuditService/ListAuditEvents",
           "/pumpurs.v1.AuthService/Login",
           "/pumpurs.v1.DirectoryService/GetMunicipality",
           "/pumpurs.v1.KnowledgeBaseService/ListRiskFactors",
           "/pumpurs.v1.SelfCheckService/ListQuestionnaires",
           "/pumpurs.v1.StatisticsService/GetProgrammeIndicators",
           "/pumpurs.v1.SupportPlanService/CreateApplication",
           "/pumpurs.v1.SyncService/ListChanges",
           "/pumpurs.v1.SystemService/Ping",
           "/pumpurs.v1.TrainingService/CreateTrainingEvent",
           "/pumpurs.v1.YouthInitiativeService/CreateCall",
       }) {
    EXPECT_EQ((*client)->CallRaw(method, "", expired).status().code(),
              absl::StatusCode::kDeadlineExceeded)
        << method;
  }
  EXPECT_EQ((*client)
                ->CallRaw("/pumpurs.v1.SystemService/Nope", "", expired)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pumpurs::client
