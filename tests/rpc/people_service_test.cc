// Pupils, guardians and staff over a real in-process server and channel:
// names and conversions, every bad field named (malformed references too),
// update masks and etags, filters and paging — and authorization spot
// checks with the audit trail they leave in audit_events.

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status_macros.h"
#include "tests/testing/directory_setup.h"
#include "tests/testing/names.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

using ::pumpurs::testing::IdOf;

namespace v1 = ::pumpurs::v1;
using ::pumpurs::testing::CreateInstitution;
using ::pumpurs::testing::CreateMunicipality;
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string BirthDate(int years_ago) {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  return absl::StrFormat("%04d-%02d-%02d", today.year() - years_ago,
                         today.month() == 2 && today.day() == 29 ? 2 : 1, 1);
}

class PeopleServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = server_.AdminToken();
    server_.UseToken(admin_);
    absl::StatusOr<std::string> north =
        CreateMunicipality(server_, "Ziemeļu novads", "0100001");
    EXPECT_THAT(north, IsOk());
    north_ = north.value_or("");
    absl::StatusOr<std::string> south =
        CreateMunicipality(server_, "Dienvidu novads", "0100002");
    EXPECT_THAT(south, IsOk());
    south_ = south.value_or("");
    absl::StatusOr<std::string> a =
        CreateInstitution(server_, north_, "A skola", "4000000001");
    EXPECT_THAT(a, IsOk());
    a_ = a.value_or("");
    absl::StatusOr<std::string> b =
        CreateInstitution(server_, north_, "B skola", "4000000002");
    EXPECT_THAT(b, IsOk());
    b_ = b.value_or("");
    absl::StatusOr<std::string> c =
        CreateInstitution(server_, south_, "C skola", "4000000003");
    EXPECT_THAT(c, IsOk());
    c_ = c.value_or("");
  }

  v1::Pupil NewPupil(const std::string& institution, const std::string& given,
                     const std::string& family, int grade = 5) {
    v1::Pupil p;
    p.set_given_name(given);
    p.set_family_name(family);
    p.set_birth_date(BirthDate(11));
    p.set_grade(grade);
    p.set_class_label(absl::StrCat(grade, ".a"));
    p.set_institution(institution);
    return p;
  }
  grpc::Status CreatePupil(const v1::Pupil& p, v1::Pupil* out,
                           const std::string& request_id = "") {
    grpc::ClientContext ctx;
    v1::CreatePupilRequest req;
    *req.mutable_pupil() = p;
    req.set_request_id(request_id);
    return server_.directory().CreatePupil(&ctx, req, out);
  }
  v1::Pupil MustCreatePupil(const std::string& institution,
                            const std::string& given, const std::string& family,
                            int grade = 5) {
    v1::Pupil out;
    EXPECT_THAT(CreatePupil(NewPupil(institution, given, family, grade), &out),
                IsOk());
    return out;
  }
  grpc::Status GetPupil(const std::string& name, v1::Pupil* out) {
    grpc::ClientContext ctx;
    v1::GetPupilRequest req;
    req.set_name(name);
    return server_.directory().GetPupil(&ctx, req, out);
  }
  grpc::Status ListPupils(const v1::ListPupilsRequest& req,
                          v1::ListPupilsResponse* out) {
    grpc::ClientContext ctx;
    return server_.directory().ListPupils(&ctx, req, out);
  }
  v1::ListPupilsRequest PupilsOf(const std::string& institution) {
    v1::ListPupilsRequest req;
    req.set_institution(institution);
    return req;
  }
  v1::Guardian MustCreateGuardian(const std::string& given,
                                  const std::string& family,
                                  const std::vector<std::string>& pupils) {
    grpc::ClientContext ctx;
    v1::CreateGuardianRequest req;
    req.mutable_guardian()->set_given_name(given);
    req.mutable_guardian()->set_family_name(family);
    for (const std::string& p : pupils) req.mutable_guardian()->add_pupils(p);
    v1::Guardian out;
    EXPECT_THAT(server_.directory().CreateGuardian(&ctx, req, &out), IsOk());
    return out;
  }

  // "actor action resource outcome" of every stored audit event.
  std::vector<std::string> Audit() {
    std::vector<std::string> out;
    absl::Status s = server_.database().ReadSync(
        CallContext{}, [&](storage::Connection& c) -> absl::Status {
          PUMPURS_ASSIGN_OR_RETURN(
              storage::Statement st,
              c.Prepare("SELECT actor, action, resource, outcome FROM "
                        "audit_events ORDER BY seq"));
          while (true) {
            PUMPURS_ASSIGN_OR_RETURN(bool row, st.Step());
            if (!row) break;
            out.push_back(absl::StrCat(st.ColumnText(0), " ", st.ColumnText(1),
                                       " ", st.ColumnText(2), " ",
                                       st.ColumnInt64(3)));
          }
          return absl::OkStatus();
        });
    EXPECT_THAT(s, IsOk());
    return out;
  }
  // The account id (as audit actors name it) behind a token made by
  // TokenFor with `username`.
  std::string ActorOf(const std::string& username) {
    std::string id;
    absl::Status s = server_.database().ReadSync(
        CallContext{}, [&](storage::Connection& c) -> absl::Status {
          PUMPURS_ASSIGN_OR_RETURN(
              storage::Statement st,
              c.Prepare("SELECT id FROM accounts WHERE username = ?"));
          st.Bind(1, username);
          PUMPURS_ASSIGN_OR_RETURN(bool row, st.Step());
          if (row) id = st.ColumnText(0);
          return absl::OkStatus();
        });
    EXPECT_THAT(s, IsOk());
    return "accounts/" + id;
  }

  TestServer server_;
  std::string admin_;
  std::string north_, south_;
  std::string a_, b_, c_;
};

TEST_F(PeopleServiceTest, PupilRoundTrip) {
  v1::Pupil in = NewPupil(a_, "Līga", "Bērziņa", 7);
  in.set_external_id("VIIS-1");
  in.set_name("pupils/ignored");
  in.add_guardians("guardians/ignored");
  v1::Pupil created;
  ASSERT_THAT(CreatePupil(in, &created, "req-1"), IsOk());
  EXPECT_THAT(created.name(), ::testing::MatchesRegex("pupils/[a-z2-7]{16}"));
  EXPECT_EQ(created.etag(), "\"1\"");
  EXPECT_THAT(created.guardians(), IsEmpty());
  v1::Pupil again;
  ASSERT_THAT(CreatePupil(in, &again, "req-1"), IsOk());
  EXPECT_EQ(again.name(), created.name());

  const v1::Guardian g =
      MustCreateGuardian("Inese", "Bērziņa", {created.name()});
  v1::Pupil got;
  ASSERT_THAT(GetPupil(created.name(), &got), IsOk());
  EXPECT_EQ(got.given_name(), "Līga");
  EXPECT_EQ(got.family_name(), "Bērziņa");
  EXPECT_EQ(got.birth_date(), in.birth_date());
  EXPECT_EQ(got.grade(), 7);
  EXPECT_EQ(got.class_label(), "7.a");
  EXPECT_EQ(got.institution(), a_);
  EXPECT_EQ(got.external_id(), "VIIS-1");
  EXPECT_THAT(got.guardians(), ElementsAre(g.name()));
  EXPECT_EQ(got.create_time().seconds(), created.create_time().seconds());
}

TEST_F(PeopleServiceTest, CreateAuditEventsCarryTheRequestId) {
  v1::Pupil created;
  ASSERT_THAT(CreatePupil(NewPupil(a_, "Anna", "Ozola"), &created, "req-77"),
              IsOk());
  std::string stored;
  ASSERT_THAT(server_.database().ReadSync(
                  CallContext{},
                  [&](storage::Connection& c) -> absl::Status {
                    PUMPURS_ASSIGN_OR_RETURN(
                        storage::Statement st,
                        c.Prepare("SELECT request_id FROM audit_events "
                                  "WHERE action = 'pupil.create' "
                                  "AND resource = ?"));
                    st.Bind(1, created.name());
                    PUMPURS_ASSIGN_OR_RETURN(bool row, st.Step());
                    if (row) stored = st.ColumnText(0);
                    return absl::OkStatus();
                  }),
              IsOk());
  EXPECT_EQ(stored, "req-77");
}

TEST_F(PeopleServiceTest, EveryBadFieldIsNamedMalformedReferencesToo) {
  v1::Pupil in;
  in.set_institution("schools/x");
  in.set_grade(13);
  v1::Pupil out;
  grpc::Status s = CreatePupil(in, &out, "bad id");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s),
              UnorderedElementsAre("request_id", "pupil.given_name",
                                   "pupil.family_name", "pupil.birth_date",
                                   "pupil.grade", "pupil.institution"));
  grpc::ClientContext ctx;
  v1::CreateGuardianRequest req;
  req.mutable_guardian()->set_given_name("Inese");
  req.mutable_guardian()->add_pupils("pupils/nosuch");
  req.mutable_guardian()->add_pupils("students/x");
  req.mutable_guardian()->add_pupils("");
  v1::Guardian g;
  s = server_.directory().CreateGuardian(&ctx, req, &g);
  EXPECT_THAT(ViolatedFields(s),
              UnorderedElementsAre("guardian.family_name", "guardian.pupils[0]",
                                   "guardian.pupils[1]", "guardian.pupils[2]"));
  v1::Pupil none;
  EXPECT_THAT(GetPupil("students/x", &none),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(PeopleServiceTest, UpdateWithMaskAndEtag) {
  const v1::Pupil p = MustCreatePupil(a_, "Anna", "Ozola");
  grpc::ClientContext ctx;
  v1::UpdatePupilRequest req;
  req.mutable_pupil()->set_name(p.name());
  req.mutable_pupil()->set_etag(p.etag());
  req.mutable_pupil()->set_class_label("5.b");
  req.mutable_pupil()->set_given_name("ignored: not in the mask");
  req.mutable_update_mask()->add_paths("class_label");
  v1::Pupil updated;
  ASSERT_THAT(server_.directory().UpdatePupil(&ctx, req, &updated), IsOk());
  EXPECT_EQ(updated.class_label(), "5.b");
  EXPECT_EQ(updated.given_name(), "Anna");
  EXPECT_EQ(updated.etag(), "\"2\"");
  grpc::ClientContext stale;
  EXPECT_THAT(server_.directory().UpdatePupil(&stale, req, &updated),
              HasReason("ETAG_MISMATCH"));
  grpc::ClientContext bad_mask;
  req.mutable_update_mask()->add_paths("guardians");
  req.mutable_pupil()->clear_etag();
  EXPECT_THAT(
      ViolatedFields(server_.directory().UpdatePupil(&bad_mask, req, &updated)),
      ElementsAre("update_mask"));
  grpc::ClientContext del;
  v1::DeletePupilRequest d;
  d.set_name(p.name());
  d.set_etag("\"1\"");
  google::protobuf::Empty empty;
  EXPECT_THAT(server_.directory().DeletePupil(&del, d, &empty),
              StatusIs(absl::StatusCode::kAborted));
  grpc::ClientContext del2;
  d.clear_etag();
  EXPECT_THAT(server_.directory().DeletePupil(&del2, d, &empty), IsOk());
}

TEST_F(PeopleServiceTest, ListFiltersAndPages) {
  for (const char* family : {"Žagare", "Bērziņa", "Čakste", "Celma", "Ozola"}) {
    MustCreatePupil(a_, "Anna", family, family[0] == 'O' ? 6 : 5);
  }
  MustCreatePupil(b_, "Anna", "Ābele");
  std::vector<std::string> names;
  v1::ListPupilsRequest req = PupilsOf(a_);
  req.set_page_size(2);
  for (int i = 0; i < 10; ++i) {
    v1::ListPupilsResponse page;
    ASSERT_THAT(ListPupils(req, &page), IsOk());
    for (const v1::Pupil& p : page.pupils()) names.push_back(p.family_name());
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(names,
              ElementsAre("Bērziņa", "Celma", "Čakste", "Ozola", "Žagare"));
  v1::ListPupilsRequest filtered = PupilsOf(a_);
  filtered.set_name_prefix("ZAG");
  v1::ListPupilsResponse page;
  ASSERT_THAT(ListPupils(filtered, &page), IsOk());
  ASSERT_EQ(page.pupils_size(), 1);
  EXPECT_EQ(page.pupils(0).family_name(), "Žagare");
  filtered = PupilsOf(a_);
  filtered.set_grade(6);
  ASSERT_THAT(ListPupils(filtered, &page), IsOk());
  ASSERT_EQ(page.pupils_size(), 1);
  EXPECT_EQ(page.pupils(0).family_name(), "Ozola");
  EXPECT_THAT(ViolatedFields(ListPupils(v1::ListPupilsRequest(), &page)),
              ElementsAre("institution"));
  EXPECT_THAT(ListPupils(PupilsOf("municipalities/x"), &page),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(PeopleServiceTest, AGuardianGetsOnlyTheirChild) {
  const v1::Pupil mine = MustCreatePupil(a_, "Anna", "Ozola");
  const v1::Pupil other = MustCreatePupil(a_, "Zane", "Liepa");
  const v1::Guardian g = MustCreateGuardian("Inese", "Ozola", {mine.name()});
  MustCreateGuardian("Dace", "Liepa", {other.name()});
  server_.UseToken(
      server_.TokenFor({{Role::kGuardian, IdOf(g.name())}}, "parent"));
  v1::Pupil got;
  ASSERT_THAT(GetPupil(mine.name(), &got), IsOk());
  EXPECT_EQ(got.given_name(), "Anna");
  v1::Pupil refused;
  grpc::Status s = GetPupil(other.name(), &refused);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(s, HasReason("PERMISSION_DENIED"));
  EXPECT_TRUE(refused.given_name().empty());
  // Not knowing whether a pupil exists: the same answer.
  grpc::Status probe = GetPupil("pupils/doesnotexist", &refused);
  EXPECT_EQ(probe.error_code(), s.error_code());
  EXPECT_EQ(probe.error_message(), s.error_message());
  v1::ListPupilsResponse page;
  EXPECT_THAT(ListPupils(PupilsOf(a_), &page),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // The guardian sees their child's guardians (themselves included).
  grpc::ClientContext ctx;
  v1::ListGuardiansRequest req;
  req.set_pupil(mine.name());
  v1::ListGuardiansResponse guardians;
  ASSERT_THAT(server_.directory().ListGuardians(&ctx, req, &guardians), IsOk());
  ASSERT_EQ(guardians.guardians_size(), 1);
  EXPECT_EQ(guardians.guardians(0).name(), g.name());

  // Every access and refusal is in the trail, without contents.
  const std::string actor = ActorOf("parent");
  std::vector<std::string> trail = Audit();
  EXPECT_THAT(trail,
              Contains(absl::StrCat(actor, " pupil.read ", mine.name(), " 1")));
  EXPECT_THAT(
      trail, Contains(absl::StrCat(actor, " pupil.read ", other.name(), " 2")));
  EXPECT_THAT(trail, Contains(absl::StrCat(
                         actor, " pupil.read pupils/doesnotexist 2")));
  EXPECT_THAT(trail, Contains(absl::StrCat(actor, " pupil.list ", a_, " 2")));
  EXPECT_THAT(trail, Contains(absl::StrCat(actor, " guardian.list ",
                                           mine.name(), " 1")));
  for (const std::string& e : trail) {
    EXPECT_EQ(e.find("Anna"), std::string::npos) << e;
  }
}

TEST_F(PeopleServiceTest, ATeacherOfSchoolACannotListPupilsOfSchoolB) {
  MustCreatePupil(a_, "Anna", "Ozola");
  MustCreatePupil(b_, "Zane", "Liepa");
  server_.UseToken(
      server_.TokenFor({{Role::kPlanPreparer, IdOf(a_)}}, "teacher-a"));
  v1::ListPupilsResponse own;
  ASSERT_THAT(ListPupils(PupilsOf(a_), &own), IsOk());
  ASSERT_EQ(own.pupils_size(), 1);
  v1::ListPupilsResponse foreign;
  EXPECT_THAT(ListPupils(PupilsOf(b_), &foreign),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(foreign.pupils_size(), 0);
  // Nor change pupils of their own school.
  v1::Pupil created;
  EXPECT_THAT(CreatePupil(NewPupil(a_, "X", "Y"), &created),
              StatusIs(absl::StatusCode::kPermissionDenied));
  const std::string actor = ActorOf("teacher-a");
  EXPECT_THAT(Audit(), ::testing::IsSupersetOf(
                           {absl::StrCat(actor, " pupil.list ", a_, " 1"),
                            absl::StrCat(actor, " pupil.list ", b_, " 2"),
                            absl::StrCat(actor, " pupil.create ", a_, " 2")}));
}

TEST_F(PeopleServiceTest, AMunicipalityCoordinatorSeesOnlyTheirMunicipality) {
  const v1::Pupil north = MustCreatePupil(b_, "Anna", "Ozola");
  const v1::Pupil south = MustCreatePupil(c_, "Zane", "Liepa");
  server_.UseToken(server_.TokenFor(
      {{Role::kMunicipalityCoordinator, IdOf(north_)}}, "muni"));
  v1::Pupil got;
  EXPECT_THAT(GetPupil(north.name(), &got), IsOk());
  EXPECT_THAT(GetPupil(south.name(), &got),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::ListPupilsResponse page;
  EXPECT_THAT(ListPupils(PupilsOf(b_), &page), IsOk());
  EXPECT_THAT(ListPupils(PupilsOf(c_), &page),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(PeopleServiceTest, AnonymousCallsAreRefused) {
  const v1::Pupil p = MustCreatePupil(a_, "Anna", "Ozola");
  server_.UseToken("");
  v1::Pupil got;
  EXPECT_THAT(GetPupil(p.name(), &got),
              StatusIs(absl::StatusCode::kUnauthenticated));
  server_.UseToken("forged-token");
  EXPECT_THAT(GetPupil(p.name(), &got),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(PeopleServiceTest, GuardiansUpdateAndLinks) {
  const v1::Pupil anna = MustCreatePupil(a_, "Anna", "Ozola");
  const v1::Pupil juris = MustCreatePupil(a_, "Juris", "Ozols");
  const v1::Guardian g = MustCreateGuardian("Inese", "Ozola", {anna.name()});
  grpc::ClientContext ctx;
  v1::UpdateGuardianRequest req;
  req.mutable_guardian()->set_name(g.name());
  req.mutable_guardian()->add_pupils(juris.name());
  req.mutable_guardian()->add_pupils(anna.name());
  // An empty mask takes the set fields, the repeated pupils included.
  v1::Guardian updated;
  ASSERT_THAT(server_.directory().UpdateGuardian(&ctx, req, &updated), IsOk());
  EXPECT_THAT(updated.pupils(),
              UnorderedElementsAre(anna.name(), juris.name()));
  EXPECT_EQ(updated.given_name(), "Inese");
  grpc::ClientContext get;
  v1::GetGuardianRequest gr;
  gr.set_name(g.name());
  v1::Guardian got;
  ASSERT_THAT(server_.directory().GetGuardian(&get, gr, &got), IsOk());
  EXPECT_EQ(got.etag(), "\"2\"");
  grpc::ClientContext list;
  v1::ListGuardiansRequest lr;
  lr.set_institution(a_);
  lr.set_pupil(anna.name());
  v1::ListGuardiansResponse guardians;
  EXPECT_THAT(
      ViolatedFields(server_.directory().ListGuardians(&list, lr, &guardians)),
      UnorderedElementsAre("institution", "pupil"));
  grpc::ClientContext del;
  v1::DeleteGuardianRequest dr;
  dr.set_name(g.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(server_.directory().DeleteGuardian(&del, dr, &empty), IsOk());
}

TEST_F(PeopleServiceTest, Staff) {
  grpc::ClientContext ctx;
  v1::CreateStaffMemberRequest req;
  v1::StaffMember* m = req.mutable_staff_member();
  m->set_given_name("Ilze");
  m->set_family_name("Kalniņa");
  m->set_position(v1::STAFF_POSITION_PSYCHOLOGIST);
  m->set_institution(a_);
  v1::StaffMember created;
  ASSERT_THAT(server_.directory().CreateStaffMember(&ctx, req, &created),
              IsOk());
  EXPECT_THAT(created.name(), ::testing::StartsWith("staff/"));
  EXPECT_EQ(created.position(), v1::STAFF_POSITION_PSYCHOLOGIST);
  grpc::ClientContext bad;
  m->set_position(v1::STAFF_POSITION_UNSPECIFIED);
  m->set_institution("institutions/nosuch");
  EXPECT_THAT(ViolatedFields(
                  server_.directory().CreateStaffMember(&bad, req, &created)),
              UnorderedElementsAre("staff_member.position",
                                   "staff_member.institution"));

  server_.UseToken(
      server_.TokenFor({{Role::kMeasureProvider, IdOf(a_)}}, "provider"));
  grpc::ClientContext list;
  v1::ListStaffMembersRequest lr;
  lr.set_institution(a_);
  lr.set_position(v1::STAFF_POSITION_PSYCHOLOGIST);
  v1::ListStaffMembersResponse page;
  ASSERT_THAT(server_.directory().ListStaffMembers(&list, lr, &page), IsOk());
  ASSERT_EQ(page.staff_members_size(), 1);
  EXPECT_EQ(page.staff_members(0).family_name(), "Kalniņa");
  grpc::ClientContext foreign;
  lr.set_institution(b_);
  EXPECT_THAT(server_.directory().ListStaffMembers(&foreign, lr, &page),
              StatusIs(absl::StatusCode::kPermissionDenied));
  grpc::ClientContext update;
  v1::UpdateStaffMemberRequest ur;
  ur.mutable_staff_member()->set_name(created.name());
  ur.mutable_staff_member()->set_family_name("Ozola");
  v1::StaffMember updated;
  EXPECT_THAT(server_.directory().UpdateStaffMember(&update, ur, &updated),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Staff records are not pupils' data: no audit events.
  EXPECT_THAT(Audit(), IsEmpty());
}

}  // namespace
}  // namespace pumpurs
