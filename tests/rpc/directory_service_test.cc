// The directory over a real in-process server and channel: validation
// names every bad field and stores nothing, stale etags abort, request_id
// makes creates idempotent, paging is stable and bound to its filters.

#include <grpcpp/grpcpp.h>

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class DirectoryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { server_.UseToken(server_.AdminToken()); }

  grpc::Status CreateMunicipality(const std::string& display_name,
                                  const std::string& code,
                                  v1::Municipality* out,
                                  const std::string& request_id = "") {
    grpc::ClientContext ctx;
    v1::CreateMunicipalityRequest req;
    req.mutable_municipality()->set_display_name(display_name);
    req.mutable_municipality()->set_code(code);
    req.set_request_id(request_id);
    return server_.directory().CreateMunicipality(&ctx, req, out);
  }

  grpc::Status CreateInstitution(const v1::Institution& inst,
                                 v1::Institution* out,
                                 const std::string& request_id = "") {
    grpc::ClientContext ctx;
    v1::CreateInstitutionRequest req;
    *req.mutable_institution() = inst;
    req.set_request_id(request_id);
    return server_.directory().CreateInstitution(&ctx, req, out);
  }

  v1::Institution School(const std::string& municipality,
                         const std::string& display_name,
                         const std::string& number) {
    v1::Institution i;
    i.set_display_name(display_name);
    i.set_kind(v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
    i.set_municipality(municipality);
    i.set_registration_number(number);
    return i;
  }

  int CountInstitutions() {
    grpc::ClientContext ctx;
    v1::ListInstitutionsRequest req;
    req.set_page_size(500);
    v1::ListInstitutionsResponse resp;
    EXPECT_THAT(server_.directory().ListInstitutions(&ctx, req, &resp), IsOk());
    return resp.institutions_size();
  }

  TestServer server_;
};

TEST_F(DirectoryServiceTest, CreateThenGetRoundTrips) {
  v1::Municipality m;
  ASSERT_THAT(CreateMunicipality("Rēzeknes novads", "0780200", &m), IsOk());
  EXPECT_THAT(m.name(), ::testing::StartsWith("municipalities/"));
  EXPECT_EQ(m.display_name(), "Rēzeknes novads");
  EXPECT_FALSE(m.etag().empty());
  EXPECT_GT(m.create_time().seconds(), 0);

  grpc::ClientContext ctx;
  v1::GetMunicipalityRequest get;
  get.set_name(m.name());
  v1::Municipality got;
  ASSERT_THAT(server_.directory().GetMunicipality(&ctx, get, &got), IsOk());
  EXPECT_EQ(got.SerializeAsString(), m.SerializeAsString());
}

TEST_F(DirectoryServiceTest, InvalidCreateNamesEveryFieldAndStoresNothing) {
  v1::Municipality m;
  ASSERT_THAT(CreateMunicipality("Ogres novads", "0740201", &m), IsOk());
  v1::Institution bad;
  bad.set_display_name(std::string(201, 'x'));
  bad.set_kind(static_cast<v1::InstitutionKind>(42));
  bad.set_municipality("municipalities/doesnotexist");
  bad.set_registration_number("12ab");
  v1::Institution out;
  grpc::Status s = CreateInstitution(bad, &out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ViolatedFields(s),
      UnorderedElementsAre("institution.display_name", "institution.kind",
                           "institution.municipality",
                           "institution.registration_number"));
  EXPECT_EQ(::pumpurs::testing::DecodeWireError(s).domain, "pumpurs.lv");
  EXPECT_EQ(CountInstitutions(), 0);
}

TEST_F(DirectoryServiceTest, MalformedNamesAndTextAreRejected) {
  v1::Municipality out;
  EXPECT_THAT(
      ViolatedFields(CreateMunicipality("", "123", &out)),
      UnorderedElementsAre("municipality.display_name", "municipality.code"));
  EXPECT_THAT(
      ViolatedFields(CreateMunicipality("Bad\x01name", "0740201", &out)),
      ElementsAre("municipality.display_name"));
  EXPECT_THAT(ViolatedFields(CreateMunicipality("   ", "0740201", &out)),
              ElementsAre("municipality.display_name"));
  EXPECT_THAT(ViolatedFields(CreateMunicipality("Ok", "0740201", &out,
                                                std::string(65, 'r'))),
              ElementsAre("request_id"));

  grpc::ClientContext ctx;
  v1::GetMunicipalityRequest get;
  get.set_name("institutions/abc");
  v1::Municipality got;
  grpc::Status s = server_.directory().GetMunicipality(&ctx, get, &got);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s), ElementsAre("name"));

  grpc::ClientContext ctx2;
  get.set_name("municipalities/nosuchone");
  EXPECT_THAT(server_.directory().GetMunicipality(&ctx2, get, &got),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(DirectoryServiceTest, DuplicateUniqueKeysAreAlreadyExists) {
  v1::Municipality m, other;
  ASSERT_THAT(CreateMunicipality("Ogres novads", "0740201", &m), IsOk());
  grpc::Status s = CreateMunicipality("Cits novads", "0740201", &other);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(s, HasReason("MUNICIPALITY_CODE_TAKEN"));

  v1::Institution a, b;
  ASSERT_THAT(CreateInstitution(School(m.name(), "A", "1111111111"), &a),
              IsOk());
  EXPECT_THAT(CreateInstitution(School(m.name(), "B", "1111111111"), &b),
              HasReason("REGISTRATION_NUMBER_TAKEN"));
}

TEST_F(DirectoryServiceTest, RetriedCreateWithSameRequestIdReturnsFirstResult) {
  v1::Municipality m;
  ASSERT_THAT(CreateMunicipality("Ogres novads", "0740201", &m), IsOk());
  v1::Institution first, second, third;
  const auto school = School(m.name(), "Ogres 1. vidusskola", "4313900100");
  ASSERT_THAT(CreateInstitution(school, &first, "req-1"), IsOk());
  ASSERT_THAT(CreateInstitution(school, &second, "req-1"), IsOk());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  EXPECT_EQ(CountInstitutions(), 1);
  // Another request id is another create: the unique number now collides.
  EXPECT_THAT(CreateInstitution(school, &third, "req-2"),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(DirectoryServiceTest, StaleEtagIsAbortedAndChangesNothing) {
  v1::Municipality m;
  ASSERT_THAT(CreateMunicipality("Ogres novads", "0740201", &m), IsOk());
  v1::UpdateMunicipalityRequest req;
  req.mutable_municipality()->set_name(m.name());
  req.mutable_municipality()->set_display_name("Ogres novads (jauns)");
  req.mutable_municipality()->set_etag(m.etag());
  req.mutable_update_mask()->add_paths("display_name");
  v1::Municipality updated;
  {
    grpc::ClientContext ctx;
    ASSERT_THAT(server_.directory().UpdateMunicipality(&ctx, req, &updated),
                IsOk());
  }
  EXPECT_EQ(updated.display_name(), "Ogres novads (jauns)");
  EXPECT_EQ(updated.code(), "0740201");
  EXPECT_NE(updated.etag(), m.etag());

  req.mutable_municipality()->set_display_name("Vēl cits");
  v1::Municipality again;
  grpc::ClientContext ctx;
  grpc::Status s = server_.directory().UpdateMunicipality(&ctx, req, &again);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(s, HasReason("ETAG_MISMATCH"));

  grpc::ClientContext get_ctx;
  v1::GetMunicipalityRequest get;
  get.set_name(m.name());
  v1::Municipality now;
  ASSERT_THAT(server_.directory().GetMunicipality(&get_ctx, get, &now), IsOk());
  EXPECT_EQ(now.display_name(), "Ogres novads (jauns)");
}

TEST_F(DirectoryServiceTest, UpdateMaskRejectsUnknownAndOutputOnlyPaths) {
  v1::Municipality m;
  ASSERT_THAT(CreateMunicipality("Ogres novads", "0740201", &m), IsOk());
  for (const char* path : {"name", "etag", "create_time", "nonsense"}) {
    v1::UpdateMunicipalityRequest req;
    req.mutable_municipality()->set_name(m.name());
    req.mutable_update_mask()->add_paths(path);
    v1::Municipality out;
    grpc::ClientContext ctx;
    grpc::Status s = server_.directory().UpdateMunicipality(&ctx, req, &out);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument)) << path;
    EXPECT_THAT(ViolatedFields(s), ElementsAre("update_mask")) << path;
  }
}

TEST_F(DirectoryServiceTest, InvalidUpdateStoresNothing) {
  v1::Municipality m;
  ASSERT_THAT(CreateMunicipality("Ogres novads", "0740201", &m), IsOk());
  v1::Institution inst;
  ASSERT_THAT(CreateInstitution(School(m.name(), "Skola", "4313900100"), &inst),
              IsOk());
  v1::UpdateInstitutionRequest req;
  *req.mutable_institution() = inst;
  req.mutable_institution()->set_display_name("Jauns nosaukums");
  req.mutable_institution()->set_registration_number("bad");
  req.mutable_update_mask()->add_paths("display_name");
  req.mutable_update_mask()->add_paths("registration_number");
  v1::Institution out;
  grpc::ClientContext ctx;
  grpc::Status s = server_.directory().UpdateInstitution(&ctx, req, &out);
  EXPECT_THAT(ViolatedFields(s),
              ElementsAre("institution.registration_number"));

  grpc::ClientContext get_ctx;
  v1::GetInstitutionRequest get;
  get.set_name(inst.name());
  v1::Institution now;
  ASSERT_THAT(server_.directory().GetInstitution(&get_ctx, get, &now), IsOk());
  EXPECT_EQ(now.display_name(), "Skola");
  EXPECT_EQ(now.etag(), inst.etag());
}

TEST_F(DirectoryServiceTest,
       ListsPageInLatvianOrderAndTokensAreBoundToFilters) {
  v1::Municipality m1, m2;
  ASSERT_THAT(CreateMunicipality("Ādažu novads", "0800001", &m1), IsOk());
  ASSERT_THAT(CreateMunicipality("Cēsu novads", "0800002", &m2), IsOk());
  // Latvian order (CLDR): č, ģ, ķ, ļ, ņ, š, ž are letters of their own
  // (c < č < d); long vowels differ from short ones only when all else is
  // equal, so "Ābeļu" sorts before "Auces".
  const std::vector<std::string> names = {"Žīguru skola",  "Cēsu skola",
                                          "Čiekuru skola", "Ābeļu skola",
                                          "Auces skola",   "Bauskas skola"};
  for (size_t i = 0; i < names.size(); ++i) {
    v1::Institution out;
    ASSERT_THAT(
        CreateInstitution(School(i % 2 ? m1.name() : m2.name(), names[i],
                                 "43139000" + std::to_string(10 + i)),
                          &out),
        IsOk());
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext ctx;
    v1::ListInstitutionsRequest req;
    req.set_page_size(4);
    req.set_page_token(token);
    v1::ListInstitutionsResponse resp;
    ASSERT_THAT(server_.directory().ListInstitutions(&ctx, req, &resp), IsOk());
    for (const auto& i : resp.institutions()) seen.push_back(i.display_name());
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 2);
  EXPECT_THAT(seen, ElementsAre("Ābeļu skola", "Auces skola", "Bauskas skola",
                                "Cēsu skola", "Čiekuru skola", "Žīguru skola"));

  // A token from the unfiltered list is refused with a filter.
  grpc::ClientContext first_ctx;
  v1::ListInstitutionsRequest req;
  req.set_page_size(1);
  v1::ListInstitutionsResponse resp;
  ASSERT_THAT(server_.directory().ListInstitutions(&first_ctx, req, &resp),
              IsOk());
  req.set_page_token(resp.next_page_token());
  req.set_municipality(m1.name());
  grpc::ClientContext ctx;
  grpc::Status s = server_.directory().ListInstitutions(&ctx, req, &resp);
  EXPECT_THAT(s, HasReason("INVALID_PAGE_TOKEN"));
  EXPECT_THAT(ViolatedFields(s), ElementsAre("page_token"));

  grpc::ClientContext filtered_ctx;
  v1::ListInstitutionsRequest filtered;
  filtered.set_municipality(m1.name());
  ASSERT_THAT(
      server_.directory().ListInstitutions(&filtered_ctx, filtered, &resp),
      IsOk());
  EXPECT_EQ(resp.institutions_size(), 3);

  grpc::ClientContext neg_ctx;
  v1::ListInstitutionsRequest negative;
  negative.set_page_size(-1);
  EXPECT_THAT(ViolatedFields(server_.directory().ListInstitutions(
                  &neg_ctx, negative, &resp)),
              ElementsAre("page_size"));
}

TEST_F(DirectoryServiceTest, DeleteRespectsEtagAndEmptiness) {
  v1::Municipality m;
  ASSERT_THAT(CreateMunicipality("Ogres novads", "0740201", &m), IsOk());
  v1::Institution inst;
  ASSERT_THAT(CreateInstitution(School(m.name(), "Skola", "4313900100"), &inst),
              IsOk());
  google::protobuf::Empty empty;
  v1::DeleteInstitutionRequest del;
  del.set_name(inst.name());
  del.set_etag("\"999\"");
  {
    grpc::ClientContext ctx;
    EXPECT_THAT(server_.directory().DeleteInstitution(&ctx, del, &empty),
                StatusIs(absl::StatusCode::kAborted));
  }
  del.set_etag(inst.etag());
  {
    grpc::ClientContext ctx;
    EXPECT_THAT(server_.directory().DeleteInstitution(&ctx, del, &empty),
                IsOk());
  }
  EXPECT_EQ(CountInstitutions(), 0);
}

TEST(DirectoryServiceDemoTest, DemoInstitutionWithPupilsCannotBeDeleted) {
  TestServer server(/*demo=*/true);
  server.UseToken(server.AdminToken());
  grpc::ClientContext ctx;
  v1::ListInstitutionsRequest req;
  v1::ListInstitutionsResponse resp;
  ASSERT_THAT(server.directory().ListInstitutions(&ctx, req, &resp), IsOk());
  ASSERT_GE(resp.institutions_size(), 2);
  grpc::ClientContext del_ctx;
  v1::DeleteInstitutionRequest del;
  del.set_name(resp.institutions(0).name());
  google::protobuf::Empty empty;
  EXPECT_THAT(server.directory().DeleteInstitution(&del_ctx, del, &empty),
              HasReason("INSTITUTION_NOT_EMPTY"));
}

TEST_F(DirectoryServiceTest, ExpiredDeadlineNeverReachesTheDatabase) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  v1::CreateMunicipalityRequest req;
  req.mutable_municipality()->set_display_name("Ogres novads");
  req.mutable_municipality()->set_code("0740201");
  v1::Municipality out;
  EXPECT_THAT(server_.directory().CreateMunicipality(&ctx, req, &out),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  grpc::ClientContext list_ctx;
  v1::ListMunicipalitiesResponse resp;
  ASSERT_THAT(server_.directory().ListMunicipalities(
                  &list_ctx, v1::ListMunicipalitiesRequest(), &resp),
              IsOk());
  EXPECT_THAT(resp.municipalities(), IsEmpty());
}

}  // namespace
}  // namespace pumpurs
