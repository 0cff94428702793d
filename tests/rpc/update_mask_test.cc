#include "server/rpc/update_mask.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/directory.pb.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::rpc {
namespace {

using ::pumpurs::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::vector<std::string> kUpdatable = {"display_name", "code"};

TEST(UpdateMaskTest, ExplicitPathsAreKept) {
  google::protobuf::FieldMask mask;
  mask.add_paths("code");
  pumpurs::v1::Municipality m;
  m.set_display_name("set but not in mask");
  auto paths = ResolveUpdateMask(mask, kUpdatable, m);
  ASSERT_TRUE(paths.ok());
  EXPECT_THAT(*paths, ElementsAre("code"));
}

TEST(UpdateMaskTest, EmptyMaskMeansSetFields) {
  pumpurs::v1::Municipality m;
  m.set_name("municipalities/x");  // not updatable: ignored
  m.set_code("0740201");
  auto paths = ResolveUpdateMask(google::protobuf::FieldMask(), kUpdatable, m);
  ASSERT_TRUE(paths.ok());
  EXPECT_THAT(*paths, ElementsAre("code"));
  auto none = ResolveUpdateMask(google::protobuf::FieldMask(), kUpdatable,
                                pumpurs::v1::Municipality());
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST(UpdateMaskTest, StarMeansAllUpdatable) {
  google::protobuf::FieldMask mask;
  mask.add_paths("*");
  auto paths = ResolveUpdateMask(mask, kUpdatable, pumpurs::v1::Municipality());
  ASSERT_TRUE(paths.ok());
  EXPECT_THAT(*paths, ElementsAre("code", "display_name"));
}

TEST(UpdateMaskTest, UnknownOrOutputOnlyPathsAreInvalid) {
  for (const char* bad : {"name", "etag", "update_time", "x.y", ""}) {
    google::protobuf::FieldMask mask;
    mask.add_paths("code");
    mask.add_paths(bad);
    auto paths =
        ResolveUpdateMask(mask, kUpdatable, pumpurs::v1::Municipality());
    EXPECT_THAT(paths, StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_THAT(testing::ViolatedFields(paths.status()),
                ElementsAre("update_mask"));
  }
}

}  // namespace
}  // namespace pumpurs::rpc
