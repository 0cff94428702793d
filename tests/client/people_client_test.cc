// The client library's typed calls for pupils, guardians, staff and the
// CSV import, against a real in-process server.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs::client {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string BirthDate() {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  return absl::StrFormat("%04d-01-01", today.year() - 11);
}

class PeopleClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientOptions options;
    options.target = server_.target();
    options.access_token = server_.AdminToken();
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
    ASSERT_THAT(client.status(), IsOk());
    client_ = *std::move(client);
    v1::CreateMunicipalityRequest m;
    m.mutable_municipality()->set_display_name("Ziemeļu novads");
    m.mutable_municipality()->set_code("0100001");
    absl::StatusOr<v1::Municipality> municipality =
        client_->CreateMunicipality(m);
    ASSERT_THAT(municipality.status(), IsOk());
    v1::CreateInstitutionRequest i;
    i.mutable_institution()->set_display_name("A skola");
    i.mutable_institution()->set_kind(
        v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
    i.mutable_institution()->set_municipality(municipality->name());
    i.mutable_institution()->set_registration_number("4000000001");
    absl::StatusOr<v1::Institution> institution = client_->CreateInstitution(i);
    ASSERT_THAT(institution.status(), IsOk());
    school_ = institution->name();
  }

  v1::ImportPeopleRequest PupilsImport(int rows) {
    std::string csv = "ID;Vārds;Uzvārds;Dzimšanas datums;Klase\n";
    for (int i = 0; i < rows; ++i) {
      absl::StrAppend(&csv, "R", i, ";Vārds", i, ";Uzvārds", i % 7, ";",
                      BirthDate(), ";5\n");
    }
    v1::ImportPeopleRequest req;
    req.set_institution(school_);
    req.set_kind(v1::IMPORT_KIND_PUPILS);
    req.set_csv_data(csv);
    return req;
  }

  TestServer server_;
  std::unique_ptr<Client> client_;
  std::string school_;
};

TEST_F(PeopleClientTest, ImportReportsProgressAndTheFinalReport) {
  std::vector<int> totals;
  v1::ImportPeopleResponse report;
  ASSERT_THAT(
      client_->ImportPeople(PupilsImport(1500), &report,
                            [&](const v1::ImportPeopleResponse& progress) {
                              EXPECT_FALSE(progress.done());
                              totals.push_back(progress.rows_total());
                            }),
      IsOk());
  EXPECT_TRUE(report.done());
  EXPECT_EQ(report.created(), 1500);
  ASSERT_FALSE(totals.empty());
  EXPECT_EQ(totals.front(), 1500);

  // ForEachPupil follows every page.
  v1::ListPupilsRequest list;
  list.set_institution(school_);
  list.set_page_size(200);
  int seen = 0;
  ASSERT_THAT(client_->ForEachPupil(list,
                                    [&](const v1::Pupil&) {
                                      ++seen;
                                      return true;
                                    }),
              IsOk());
  EXPECT_EQ(seen, 1500);
}

TEST_F(PeopleClientTest, BadRowsComeWithTheReport) {
  v1::ImportPeopleRequest req = PupilsImport(2);
  req.mutable_csv_data()->append("X;;Ozola;2010-13-01;5\n");
  v1::ImportPeopleResponse report;
  absl::Status s = client_->ImportPeople(req, &report);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorReason(s), "IMPORT_ROWS_INVALID");
  EXPECT_TRUE(report.done());
  ASSERT_EQ(report.errors_size(), 2);
  EXPECT_EQ(report.errors(0).line(), 4);
  EXPECT_EQ(report.errors(0).column(), "Vārds");
  // A refused import has no report.
  req.set_institution("institutions/nosuch");
  EXPECT_THAT(client_->ImportPeople(req, &report),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_FALSE(report.done());
}

TEST_F(PeopleClientTest, PupilGuardianAndStaffCalls) {
  v1::CreatePupilRequest create;
  v1::Pupil* p = create.mutable_pupil();
  p->set_given_name("Līga");
  p->set_family_name("Bērziņa");
  p->set_birth_date(BirthDate());
  p->set_grade(5);
  p->set_institution(school_);
  absl::StatusOr<v1::Pupil> pupil = client_->CreatePupil(create);
  ASSERT_THAT(pupil.status(), IsOk());
  v1::CreateGuardianRequest g;
  g.mutable_guardian()->set_given_name("Inese");
  g.mutable_guardian()->set_family_name("Bērziņa");
  g.mutable_guardian()->add_pupils(pupil->name());
  absl::StatusOr<v1::Guardian> guardian = client_->CreateGuardian(g);
  ASSERT_THAT(guardian.status(), IsOk());
  v1::GetPupilRequest get;
  get.set_name(pupil->name());
  absl::StatusOr<v1::Pupil> got = client_->GetPupil(get);
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_THAT(got->guardians(), ElementsAre(guardian->name()));
  v1::ListGuardiansRequest lg;
  lg.set_pupil(pupil->name());
  std::vector<std::string> guardians;
  ASSERT_THAT(client_->ForEachGuardian(lg,
                                       [&](const v1::Guardian& x) {
                                         guardians.push_back(x.given_name());
                                         return true;
                                       }),
              IsOk());
  EXPECT_THAT(guardians, ElementsAre("Inese"));

  v1::CreateStaffMemberRequest s;
  s.mutable_staff_member()->set_given_name("Ilze");
  s.mutable_staff_member()->set_family_name("Kalniņa");
  s.mutable_staff_member()->set_position(v1::STAFF_POSITION_TEACHER);
  s.mutable_staff_member()->set_institution(school_);
  ASSERT_THAT(client_->CreateStaffMember(s).status(), IsOk());
  v1::ListStaffMembersRequest ls;
  ls.set_institution(school_);
  int staff = 0;
  ASSERT_THAT(client_->ForEachStaffMember(ls,
                                          [&](const v1::StaffMember&) {
                                            ++staff;
                                            return true;
                                          }),
              IsOk());
  EXPECT_EQ(staff, 1);

  v1::DeleteGuardianRequest dg;
  dg.set_name(guardian->name());
  EXPECT_THAT(client_->DeleteGuardian(dg), IsOk());
  v1::DeletePupilRequest dp;
  dp.set_name(pupil->name());
  EXPECT_THAT(client_->DeletePupil(dp), IsOk());
  EXPECT_THAT(client_->GetPupil(get).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace pumpurs::client
