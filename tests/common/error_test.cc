// The error model: reasons and field violations ride on absl::Status
// payloads and must survive copies and round trips unchanged.

#include "server/common/error.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs {

// Readable failure messages for violations (gtest finds this by ADL).
void PrintTo(const FieldViolation& v, std::ostream* os) {
  *os << "{" << v.field << ": " << v.description << "}";
}

namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ErrorTest, ErrorCarriesCodeReasonAndMessage) {
  absl::Status s = Error(absl::StatusCode::kFailedPrecondition,
                         "PLAN_NOT_IN_DRAFT", "the plan is not a draft");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "the plan is not a draft");
  EXPECT_EQ(ReasonOf(s), "PLAN_NOT_IN_DRAFT");
  EXPECT_THAT(FieldViolationsOf(s), IsEmpty());
}

TEST(ErrorTest, RetryDelayRidesAlong) {
  absl::Status s = WithRetryDelay(
      Error(absl::StatusCode::kResourceExhausted, "LOGIN_THROTTLED", "wait"),
      absl::Milliseconds(1500));
  EXPECT_EQ(RetryDelayOf(s), absl::Milliseconds(1500));
  EXPECT_THAT(s, HasReason("LOGIN_THROTTLED"));
  EXPECT_EQ(RetryDelayOf(absl::ResourceExhaustedError("x")),
            absl::ZeroDuration());
  EXPECT_TRUE(WithRetryDelay(absl::OkStatus(), absl::Seconds(1)).ok());
}

TEST(ErrorTest, DomainIsPumpurs) { EXPECT_EQ(kErrorDomain, "pumpurs.lv"); }

TEST(ErrorTest, PlainStatusHasNoReason) {
  EXPECT_EQ(ReasonOf(absl::InternalError("x")), "");
  EXPECT_EQ(ReasonOf(absl::OkStatus()), "");
}

TEST(ErrorTest, WithReasonLeavesOkAlone) {
  absl::Status s = WithReason(absl::OkStatus(), "SOMETHING");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(ReasonOf(s), "");
}

TEST(ErrorTest, WithReasonReplacesEarlierReason) {
  absl::Status s = Error(absl::StatusCode::kNotFound, "FIRST", "m");
  s = WithReason(s, "SECOND");
  EXPECT_EQ(ReasonOf(s), "SECOND");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "m");
}

TEST(ErrorTest, ReasonAndViolationsSurviveCopies) {
  absl::Status original = WithFieldViolations(
      Error(absl::StatusCode::kInvalidArgument, "R", "m"), {{"a", "b"}});
  absl::Status copy = original;
  absl::Status moved = std::move(copy);
  EXPECT_EQ(ReasonOf(moved), "R");
  EXPECT_THAT(FieldViolationsOf(moved), ElementsAre(FieldViolation{"a", "b"}));
}

TEST(ErrorTest, FieldViolationsRoundTripInOrder) {
  std::vector<FieldViolation> in = {
      {"institution.display_name", "is required"},
      {"institution.registration_number", "must be 10 digits"},
      {"municipality.code", "vārds ar garumzīmēm: ā, ē, ī, ū"},
      {"page_token", ""},
  };
  absl::Status s =
      WithFieldViolations(absl::InvalidArgumentError("bad request"), in);
  EXPECT_EQ(FieldViolationsOf(s), in);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "bad request");
}

TEST(ErrorTest, WithFieldViolationsAppends) {
  absl::Status s =
      WithFieldViolations(absl::InvalidArgumentError("m"), {{"a", "first"}});
  s = WithFieldViolations(s, {{"b", "second"}, {"c", "third"}});
  EXPECT_THAT(FieldViolationsOf(s), ElementsAre(FieldViolation{"a", "first"},
                                                FieldViolation{"b", "second"},
                                                FieldViolation{"c", "third"}));
}

TEST(ErrorTest, WithFieldViolationsLeavesOkAlone) {
  absl::Status s = WithFieldViolations(absl::OkStatus(), {{"a", "b"}});
  EXPECT_TRUE(s.ok());
  EXPECT_THAT(FieldViolationsOf(s), IsEmpty());
}

TEST(ErrorTest, TabsAndNewlinesCannotForgeViolations) {
  // The encoding is line based: a newline in a description must not turn
  // into a second violation, nor a tab move text from description to field.
  absl::Status s =
      WithFieldViolations(absl::InvalidArgumentError("m"),
                          {{"a\tb", "line one\nfake.field\tinjected"}});
  std::vector<FieldViolation> got = FieldViolationsOf(s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].field, "a b");
  EXPECT_EQ(got[0].description, "line one fake.field injected");
}

TEST(ErrorTest, EmptyViolationsAreOk) {
  Violations v;
  EXPECT_TRUE(v.empty());
  EXPECT_TRUE(v.ToStatus().ok());
}

TEST(ErrorTest, ViolationsToStatusNamesEveryField) {
  Violations v;
  v.Add("institution.display_name", "is required");
  v.Add("institution.kind", "must be a known institution kind");
  v.Add("institution.registration_number", "must be 10 digits");
  EXPECT_FALSE(v.empty());
  ASSERT_EQ(v.items().size(), 3u);

  absl::Status s = v.ToStatus();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s, HasReason("INVALID_ARGUMENT"));
  for (const FieldViolation& item : v.items()) {
    EXPECT_THAT(std::string(s.message()), HasSubstr(item.field));
    EXPECT_THAT(std::string(s.message()), HasSubstr(item.description));
  }
  EXPECT_EQ(FieldViolationsOf(s), v.items());
}

TEST(ErrorTest, ViolationsKeepDuplicateFields) {
  Violations v;
  v.Add("x", "one");
  v.Add("x", "two");
  EXPECT_THAT(
      FieldViolationsOf(v.ToStatus()),
      ElementsAre(FieldViolation{"x", "one"}, FieldViolation{"x", "two"}));
}

TEST(ErrorTest, NotFoundNamesTheResource) {
  absl::Status s = NotFoundError("institutions/abc");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(s, HasReason("RESOURCE_NOT_FOUND"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("institutions/abc"));
}

TEST(ErrorTest, EtagMismatchIsAborted) {
  absl::Status s = EtagMismatchError("municipalities/xyz");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(s, HasReason("ETAG_MISMATCH"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("municipalities/xyz"));
}

TEST(ErrorTest, InvalidFieldErrorHasOneViolation) {
  absl::Status s = InvalidFieldError("page_size", "must not be negative");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s, HasReason("INVALID_ARGUMENT"));
  EXPECT_THAT(FieldViolationsOf(s),
              ElementsAre(FieldViolation{"page_size", "must not be negative"}));
  EXPECT_THAT(std::string(s.message()), HasSubstr("page_size"));
}

}  // namespace
}  // namespace pumpurs
