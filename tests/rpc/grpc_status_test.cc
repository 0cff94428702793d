#include "server/rpc/grpc_status.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/common/error.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::rpc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(GrpcStatusTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(GrpcStatusTest, CarriesCodeMessageReasonAndViolations) {
  Violations v;
  v.Add("institution.display_name", "is required");
  v.Add("institution.kind", "must be a known institution kind");
  grpc::Status s = ToGrpcStatus(v.ToStatus());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("institution.display_name"));

  google::rpc::Status proto;
  ASSERT_TRUE(proto.ParseFromString(s.error_details()));
  EXPECT_EQ(proto.code(), 3);
  EXPECT_EQ(proto.message(), s.error_message());
  ASSERT_EQ(proto.details_size(), 2);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(proto.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(info.domain(), "pumpurs.lv");
  google::rpc::BadRequest bad;
  ASSERT_TRUE(proto.details(1).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(1).field(), "institution.kind");
  EXPECT_EQ(bad.field_violations(1).description(),
            "must be a known institution kind");
}

TEST(GrpcStatusTest, RetryDelayBecomesRetryInfo) {
  grpc::Status s = ToGrpcStatus(WithRetryDelay(
      Error(absl::StatusCode::kResourceExhausted, "LOGIN_THROTTLED", "wait"),
      absl::Milliseconds(4250)));
  google::rpc::Status proto;
  ASSERT_TRUE(proto.ParseFromString(s.error_details()));
  ASSERT_EQ(proto.details_size(), 2);
  google::rpc::RetryInfo retry;
  ASSERT_TRUE(proto.details(1).UnpackTo(&retry));
  EXPECT_EQ(retry.retry_delay().seconds(), 4);
  EXPECT_EQ(retry.retry_delay().nanos(), 250000000);
  // No delay, no RetryInfo.
  ASSERT_TRUE(proto.ParseFromString(
      ToGrpcStatus(absl::ResourceExhaustedError("x")).error_details()));
  EXPECT_EQ(proto.details_size(), 1);
}

TEST(GrpcStatusTest, ReasonlessStatusGetsTheCodeAsReason) {
  grpc::Status s = ToGrpcStatus(absl::NotFoundError("x"));
  EXPECT_EQ(testing::DecodeWireError(s).reason, "NOT_FOUND");
  EXPECT_TRUE(testing::DecodeWireError(s).violations.empty());
}

TEST(GrpcStatusTest, InternalMessagesDoNotLeak) {
  grpc::Status s = ToGrpcStatus(
      absl::InternalError("SELECT secret FROM pupils WHERE name='Anna'"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(s.error_message(), Not(HasSubstr("SELECT")));
  EXPECT_THAT(s.error_details(), Not(HasSubstr("Anna")));
}

TEST(GrpcStatusTest, ReasonSurvives) {
  grpc::Status s = ToGrpcStatus(EtagMismatchError("institutions/abc"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(testing::DecodeWireError(s).reason, "ETAG_MISMATCH");
}

}  // namespace
}  // namespace pumpurs::rpc
