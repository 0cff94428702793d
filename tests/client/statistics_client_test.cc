// The client library's typed calls of StatisticsService against a real
// in-process demo server: both methods, with the answer's shape and the
// errors the proto promises (field violations, PERMISSION_DENIED,
// UNAUTHENTICATED) coming through as absl::Status.

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"
#include "server/plans/semester.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs::client {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;
using ::testing::SizeIs;
using ::testing::StartsWith;

class StatisticsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    school_year_ =
        plans::SemesterOf(plans::DayInLatvia(absl::Now())).school_year;
  }

  std::unique_ptr<Client> ClientFor(const std::string& token) {
    ClientOptions options;
    options.target = server_.target();
    options.access_token = token;
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    EXPECT_THAT(client.status(), IsOk());
    return client.ok() ? *std::move(client) : nullptr;
  }

  v1::GetProgrammeIndicatorsRequest YearRequest() const {
    v1::GetProgrammeIndicatorsRequest r;
    r.mutable_period()->set_school_year(school_year_);
    return r;
  }

  TestServer server_{/*demo=*/true};
  int school_year_ = 0;
};

TEST_F(StatisticsClientTest, GetProgrammeIndicators) {
  std::unique_ptr<Client> admin = ClientFor(server_.AdminToken());
  v1::GetProgrammeIndicatorsRequest request = YearRequest();
  request.set_trend_semesters(3);
  absl::StatusOr<v1::ProgrammeIndicators> in =
      admin->GetProgrammeIndicators(request);
  ASSERT_THAT(in.status(), IsOk());
  EXPECT_THAT(in->semesters(), SizeIs(2));
  EXPECT_THAT(in->plans_by_state(), SizeIs(8));
  EXPECT_THAT(in->trend(), SizeIs(3));
  EXPECT_EQ(in->institutions_target(), 600);
  EXPECT_GT(in->institutions_total(), 0);
  for (const v1::PupilsWithRiskFactor& f : in->pupils_by_risk_factor()) {
    EXPECT_THAT(f.risk_factor(), StartsWith("riskFactors/"));
    if (f.pupils().suppressed()) {
      EXPECT_EQ(f.pupils().value(), 0);
    }
  }
}

TEST_F(StatisticsClientTest, ExportProgrammeIndicators) {
  std::unique_ptr<Client> admin = ClientFor(server_.AdminToken());
  v1::ExportProgrammeIndicatorsRequest request;
  *request.mutable_period() = YearRequest().period();
  request.set_language("lv");
  absl::StatusOr<v1::ExportProgrammeIndicatorsResponse> files =
      admin->ExportProgrammeIndicators(request);
  ASSERT_THAT(files.status(), IsOk());
  std::vector<std::string> names;
  for (const v1::CsvFile& f : files->files()) names.push_back(f.filename());
  EXPECT_THAT(
      names, ElementsAre("summary.csv", "plans_by_state.csv", "risk_groups.csv",
                         "risk_factors.csv", "measures.csv",
                         "compensations.csv", "youth.csv", "trend.csv"));
  EXPECT_THAT(files->files(0).content(), StartsWith("rādītājs,vērtība\r\n"));

  request.set_language("de");
  EXPECT_THAT(admin->ExportProgrammeIndicators(request).status(),
              ViolatesFields(std::vector<std::string>{"language"}));
}

TEST_F(StatisticsClientTest, Errors) {
  std::unique_ptr<Client> admin = ClientFor(server_.AdminToken());
  absl::Status missing =
      admin->GetProgrammeIndicators(v1::GetProgrammeIndicatorsRequest())
          .status();
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(missing, ViolatesFields(std::vector<std::string>{"period"}));
  v1::GetProgrammeIndicatorsRequest both = YearRequest();
  both.mutable_scope()->set_municipality("municipalities/a");
  both.mutable_scope()->set_institution("institutions/b");
  EXPECT_THAT(admin->GetProgrammeIndicators(both).status(),
              ViolatesFields(std::vector<std::string>{"scope"}));

  // A head asks for the country: not theirs.
  std::unique_ptr<Client> head =
      ClientFor(server_.TokenFor({{Role::kInstitutionHead, "nosuch"}}));
  EXPECT_THAT(head->GetProgrammeIndicators(YearRequest()).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));

  std::unique_ptr<Client> anonymous = ClientFor("");
  EXPECT_THAT(anonymous->GetProgrammeIndicators(YearRequest()).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  v1::ExportProgrammeIndicatorsRequest export_request;
  *export_request.mutable_period() = YearRequest().period();
  EXPECT_THAT(anonymous->ExportProgrammeIndicators(export_request).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace pumpurs::client
