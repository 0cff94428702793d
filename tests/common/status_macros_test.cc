// PUMPURS_RETURN_IF_ERROR / PUMPURS_ASSIGN_OR_RETURN return early on error,
// fall through on success and evaluate their expression exactly once.

#include "server/common/status_macros.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/error.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;

absl::Status Step(bool fail, int* calls) {
  ++*calls;
  if (fail) return Error(absl::StatusCode::kNotFound, "GONE", "gone");
  return absl::OkStatus();
}

absl::Status TwoSteps(bool fail_first, bool fail_second, int* calls,
                      bool* reached_end) {
  PUMPURS_RETURN_IF_ERROR(Step(fail_first, calls));
  PUMPURS_RETURN_IF_ERROR(Step(fail_second, calls));
  *reached_end = true;
  return absl::OkStatus();
}

TEST(ReturnIfErrorTest, FallsThroughOnOk) {
  int calls = 0;
  bool end = false;
  EXPECT_THAT(TwoSteps(false, false, &calls, &end), IsOk());
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(end);
}

TEST(ReturnIfErrorTest, ReturnsFirstErrorUnchanged) {
  int calls = 0;
  bool end = false;
  absl::Status s = TwoSteps(true, false, &calls, &end);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(s, HasReason("GONE"));
  EXPECT_EQ(calls, 1);  // evaluated once, second step never ran
  EXPECT_FALSE(end);

  calls = 0;
  EXPECT_THAT(TwoSteps(false, true, &calls, &end),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(end);
}

TEST(ReturnIfErrorTest, WorksInUnbracedIf) {
  auto f = [](bool fail) -> absl::Status {
    int calls = 0;
    if (fail)
      PUMPURS_RETURN_IF_ERROR(Step(true, &calls));
    else
      return absl::AlreadyExistsError("else branch");
    return absl::OkStatus();
  };
  EXPECT_THAT(f(true), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(f(false), StatusIs(absl::StatusCode::kAlreadyExists));
}

absl::StatusOr<int> Number(bool fail, int value, int* calls) {
  ++*calls;
  if (fail) return absl::InvalidArgumentError("no number");
  return value;
}

absl::StatusOr<int> Sum(bool fail_a, bool fail_b, int* calls) {
  PUMPURS_ASSIGN_OR_RETURN(int a, Number(fail_a, 40, calls));
  PUMPURS_ASSIGN_OR_RETURN(int b, Number(fail_b, 2, calls));  // second use
  return a + b;
}

TEST(AssignOrReturnTest, AssignsOnOk) {
  int calls = 0;
  absl::StatusOr<int> s = Sum(false, false, &calls);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(*s, 42);
  EXPECT_EQ(calls, 2);
}

TEST(AssignOrReturnTest, ReturnsError) {
  int calls = 0;
  EXPECT_THAT(Sum(true, false, &calls),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_THAT(Sum(false, true, &calls),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(calls, 2);
}

absl::StatusOr<std::unique_ptr<std::string>> Make(bool fail) {
  if (fail) return absl::UnavailableError("later");
  return std::make_unique<std::string>("moved");
}

absl::Status UseMoveOnly(bool fail, std::string* out) {
  PUMPURS_ASSIGN_OR_RETURN(std::unique_ptr<std::string> p, Make(fail));
  *out = *p;
  return absl::OkStatus();
}

TEST(AssignOrReturnTest, MovesMoveOnlyValues) {
  std::string out;
  EXPECT_THAT(UseMoveOnly(false, &out), IsOk());
  EXPECT_EQ(out, "moved");
  EXPECT_THAT(UseMoveOnly(true, &out),
              StatusIs(absl::StatusCode::kUnavailable));
}

absl::Status AssignExisting(bool fail, int* out) {
  int calls = 0;
  int value = -1;
  PUMPURS_ASSIGN_OR_RETURN(value, Number(fail, 9, &calls));
  *out = value;
  return absl::OkStatus();
}

TEST(AssignOrReturnTest, AssignsToExistingVariable) {
  int out = 0;
  EXPECT_THAT(AssignExisting(false, &out), IsOk());
  EXPECT_EQ(out, 9);
  out = 0;
  EXPECT_THAT(AssignExisting(true, &out),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(out, 0);
}

absl::StatusOr<int> ConvertsToOtherStatusOr(bool fail) {
  int calls = 0;
  PUMPURS_ASSIGN_OR_RETURN(int n, Number(fail, 1, &calls));
  return n;
}

TEST(AssignOrReturnTest, PropagatesIntoStatusOfAnotherType) {
  auto f = [](bool fail) -> absl::StatusOr<std::string> {
    PUMPURS_ASSIGN_OR_RETURN(int n, ConvertsToOtherStatusOr(fail));
    return std::to_string(n);
  };
  EXPECT_THAT(f(true), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(f(false), IsOk());
  EXPECT_EQ(*f(false), "1");
}

}  // namespace
}  // namespace pumpurs
