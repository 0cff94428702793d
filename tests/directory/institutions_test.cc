// Institutions: create/get/list/update/delete rules, validation field
// names, references to municipalities, registration number uniqueness,
// etags, request_id idempotency per caller and method, filters bound to
// their page tokens, keyset paging, and INSTITUTION_NOT_EMPTY.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/directory/directory_fixture.h"

namespace pumpurs::directory {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

class InstitutionTest : public DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    riga_ = MustCreateM("Rīga");
    cesis_ = MustCreateM("Cēsu novads");
  }

  void AddStaff(const std::string& institution_id) {
    ASSERT_THAT(Exec(absl::StrFormat(
                    "INSERT INTO staff (id, institution_id, given_name, "
                    "family_name, sort_key, search_given, search_family, "
                    "position, version, create_time, update_time) VALUES "
                    "('s%d', '%s', 'Anna', 'Bērziņa', x'00', 'anna', "
                    "'berzina', 1, 1, 0, 0)",
                    ++people_, institution_id)),
                IsOk());
  }
  void AddPupil(const std::string& institution_id) {
    ASSERT_THAT(
        Exec(absl::StrFormat(
            "INSERT INTO pupils (id, institution_id, given_name, family_name, "
            "sort_key, search_given, search_family, birth_date, grade, "
            "vocational_course, class_label, external_id, version, "
            "create_time, update_time) VALUES ('p%d', '%s', 'Jānis', "
            "'Kalniņš', x'00', 'janis', 'kalnins', '2015-03-01', 3, 0, '3.a', "
            "NULL, 1, 0, 0)",
            ++people_, institution_id)),
        IsOk());
  }

  Municipality riga_;
  Municipality cesis_;
  int people_ = 0;
};

TEST_F(InstitutionTest, CreateThenGet) {
  Institution in = School(riga_.id, "Rīgas Valsts 1. ģimnāzija", "4000000001");
  in.kind = InstitutionKind::kStateVocationalSchool;
  absl::Time before = absl::Now();
  absl::StatusOr<Institution> i = CreateI(in);
  ASSERT_THAT(i, IsOk());
  EXPECT_THAT(i->id, MatchesRegex("[a-z2-7]{16}"));
  EXPECT_EQ(i->display_name, "Rīgas Valsts 1. ģimnāzija");
  EXPECT_EQ(i->kind, InstitutionKind::kStateVocationalSchool);
  EXPECT_EQ(i->municipality_id, riga_.id);
  EXPECT_EQ(i->registration_number, "4000000001");
  EXPECT_EQ(i->version, 1);
  EXPECT_EQ(i->create_time, i->update_time);
  EXPECT_GE(i->create_time, before - absl::Milliseconds(1));

  absl::StatusOr<Institution> got = GetI(i->id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->display_name, i->display_name);
  EXPECT_EQ(got->kind, i->kind);
  EXPECT_EQ(got->municipality_id, riga_.id);
  EXPECT_EQ(got->registration_number, "4000000001");
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(Micros(got->create_time), Micros(i->create_time));
  EXPECT_EQ(Micros(got->update_time), Micros(i->update_time));
}

TEST_F(InstitutionTest, CreateChoosesId) {
  Institution in = School(riga_.id, "Skola");
  in.id = "chosen";
  in.version = 9;
  absl::StatusOr<Institution> i = CreateI(in);
  ASSERT_THAT(i, IsOk());
  EXPECT_NE(i->id, "chosen");
  EXPECT_EQ(i->version, 1);
}

TEST_F(InstitutionTest, EveryBadFieldIsNamedAndNothingStored) {
  Institution in;
  in.kind = InstitutionKind::kUnspecified;
  in.registration_number = "12";
  absl::StatusOr<Institution> i = CreateI(in);
  EXPECT_THAT(i, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(i, HasReason("INVALID_ARGUMENT"));
  EXPECT_THAT(
      ViolatedFields(i.status()),
      UnorderedElementsAre("institution.display_name", "institution.kind",
                           "institution.registration_number",
                           "institution.municipality"));
  for (const char* field :
       {"institution.display_name", "institution.kind",
        "institution.registration_number", "institution.municipality"}) {
    EXPECT_THAT(std::string(i.status().message()), HasSubstr(field));
  }
  EXPECT_EQ(CountRows("institutions"), 0);
}

TEST_F(InstitutionTest, BadRequestIdIsReportedWithTheOtherProblems) {
  // The caller hears of every problem at once, as for municipalities.
  Institution in = School(riga_.id, "");
  in.registration_number = "x";
  absl::StatusOr<Institution> i = CreateI(in, "has space");
  EXPECT_THAT(i, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(i.status()),
              UnorderedElementsAre("request_id", "institution.display_name",
                                   "institution.registration_number"));
  EXPECT_THAT(
      ViolatedFields(
          CreateI(School(riga_.id, "Ok"), std::string(65, 'r')).status()),
      ElementsAre("request_id"));
}

TEST_F(InstitutionTest, UnknownMunicipalityIsAFieldViolation) {
  absl::StatusOr<Institution> i = CreateI(School("nosuchmunicipality", "X"));
  EXPECT_THAT(i, StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<FieldViolation> v = FieldViolationsOf(i.status());
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "institution.municipality");
  EXPECT_EQ(v[0].description, "no such municipality");
  EXPECT_EQ(CountRows("institutions"), 0);
}

TEST_F(InstitutionTest, KindMustBeKnown) {
  for (int kind : {0, 4, -1, 99}) {
    SCOPED_TRACE(kind);
    Institution in = School(riga_.id, "Skola");
    in.kind = static_cast<InstitutionKind>(kind);
    absl::StatusOr<Institution> i = CreateI(in);
    EXPECT_THAT(i, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(ViolatedFields(i.status()), ElementsAre("institution.kind"));
  }
  for (InstitutionKind kind :
       {InstitutionKind::kMunicipalGeneralSchool,
        InstitutionKind::kStateVocationalSchool, InstitutionKind::kCollege}) {
    Institution in = School(riga_.id, "Skola");
    in.kind = kind;
    EXPECT_THAT(CreateI(in), IsOk());
  }
}

TEST_F(InstitutionTest, RegistrationNumberIsTenDigits) {
  for (const std::string& bad :
       {std::string(""), std::string("123456789"), std::string("12345678901"),
        std::string("12345678a0")}) {
    SCOPED_TRACE(bad);
    Institution in = School(riga_.id, "Skola");
    in.registration_number = bad;
    absl::StatusOr<Institution> i = CreateI(in);
    EXPECT_THAT(i, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(ViolatedFields(i.status()),
                ElementsAre("institution.registration_number"));
  }
}

TEST_F(InstitutionTest, RegistrationNumberMustBeUnique) {
  ASSERT_THAT(CreateI(School(riga_.id, "Pirmā", "4000012345")), IsOk());
  absl::StatusOr<Institution> again =
      CreateI(School(cesis_.id, "Otrā", "4000012345"));
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(again, HasReason("REGISTRATION_NUMBER_TAKEN"));
  EXPECT_THAT(ViolatedFields(again.status()),
              ElementsAre("institution.registration_number"));
  EXPECT_EQ(CountRows("institutions"), 1);
}

TEST_F(InstitutionTest, GetUnknownIsNotFound) {
  absl::StatusOr<Institution> i = GetI("nosuchid");
  EXPECT_THAT(i, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(i, HasReason("RESOURCE_NOT_FOUND"));
  EXPECT_THAT(std::string(i.status().message()),
              HasSubstr("institutions/nosuchid"));
}

TEST_F(InstitutionTest, RequestIdReturnsTheFirstResource) {
  Institution in = School(riga_.id, "Skola", "4000000100");
  absl::StatusOr<Institution> first = CreateI(in, "req-1");
  ASSERT_THAT(first, IsOk());
  // The retry would otherwise collide with its own registration number.
  absl::StatusOr<Institution> retry = CreateI(in, "req-1");
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->id, first->id);
  EXPECT_EQ(retry->version, 1);
  EXPECT_EQ(CountRows("institutions"), 1);
}

TEST_F(InstitutionTest, RequestIdIsPerCaller) {
  absl::StatusOr<Institution> alice =
      CreateI(School(riga_.id, "Alises skola"), "same", "alice");
  ASSERT_THAT(alice, IsOk());
  absl::StatusOr<Institution> bob =
      CreateI(School(riga_.id, "Boba skola"), "same", "bob");
  ASSERT_THAT(bob, IsOk());
  EXPECT_NE(bob->id, alice->id);
  EXPECT_EQ(bob->display_name, "Boba skola");
  EXPECT_EQ(CountRows("institutions"), 2);
}

TEST_F(InstitutionTest, RequestIdIsPerMethod) {
  // The same caller's request_id for a municipality does not replay it as
  // an institution.
  ASSERT_THAT(CreateM("Ventspils", NextCode(), "shared-id"), IsOk());
  absl::StatusOr<Institution> i =
      CreateI(School(riga_.id, "Skola"), "shared-id");
  ASSERT_THAT(i, IsOk());
  EXPECT_EQ(i->display_name, "Skola");
  EXPECT_EQ(CountRows("institutions"), 1);
}

TEST_F(InstitutionTest, FailedCreateDoesNotRememberItsRequestId) {
  EXPECT_THAT(CreateI(School("nosuch", "Skola"), "r-1"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  absl::StatusOr<Institution> i = CreateI(School(riga_.id, "Skola"), "r-1");
  ASSERT_THAT(i, IsOk());
  EXPECT_EQ(i->municipality_id, riga_.id);
}

TEST_F(InstitutionTest, UpdateChangesOnlyGivenFields) {
  Institution i = MustCreateI(School(riga_.id, "Vecā skola", "4000000200"));
  InstitutionChanges changes;
  changes.display_name = "Jaunā skola";
  absl::StatusOr<Institution> u = UpdateI(i.id, changes, EtagFor(1));
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->display_name, "Jaunā skola");
  EXPECT_EQ(u->kind, InstitutionKind::kMunicipalGeneralSchool);
  EXPECT_EQ(u->municipality_id, riga_.id);
  EXPECT_EQ(u->registration_number, "4000000200");
  EXPECT_EQ(u->version, 2);
  EXPECT_EQ(Micros(u->create_time), Micros(i.create_time));
  EXPECT_GE(u->update_time, i.update_time);

  InstitutionChanges move;
  move.municipality_id = cesis_.id;
  move.kind = InstitutionKind::kCollege;
  move.registration_number = "4000000201";
  u = UpdateI(i.id, move, EtagFor(2));
  ASSERT_THAT(u, IsOk());
  absl::StatusOr<Institution> got = GetI(i.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->display_name, "Jaunā skola");
  EXPECT_EQ(got->municipality_id, cesis_.id);
  EXPECT_EQ(got->kind, InstitutionKind::kCollege);
  EXPECT_EQ(got->registration_number, "4000000201");
  EXPECT_EQ(got->version, 3);
}

TEST_F(InstitutionTest, UpdateValidatesAndChangesNothingOnError) {
  Institution i = MustCreateI(School(riga_.id, "Skola"));
  InstitutionChanges unknown;
  unknown.municipality_id = "nosuchmunicipality";
  absl::StatusOr<Institution> u = UpdateI(i.id, unknown);
  EXPECT_THAT(u, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(u.status()),
              ElementsAre("institution.municipality"));

  InstitutionChanges bad;
  bad.display_name = "";
  bad.kind = InstitutionKind::kUnspecified;
  bad.registration_number = "1";
  u = UpdateI(i.id, bad);
  EXPECT_THAT(u, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ViolatedFields(u.status()),
      UnorderedElementsAre("institution.display_name", "institution.kind",
                           "institution.registration_number"));

  absl::StatusOr<Institution> got = GetI(i.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->display_name, "Skola");
  EXPECT_EQ(got->municipality_id, riga_.id);
  EXPECT_EQ(got->version, 1);
}

TEST_F(InstitutionTest, UpdateKeepsRegistrationNumberUnique) {
  Institution a = MustCreateI(School(riga_.id, "A", "4000000301"));
  Institution b = MustCreateI(School(riga_.id, "B", "4000000302"));
  InstitutionChanges take;
  take.registration_number = a.registration_number;
  absl::StatusOr<Institution> u = UpdateI(b.id, take);
  EXPECT_THAT(u, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(u, HasReason("REGISTRATION_NUMBER_TAKEN"));
  EXPECT_EQ(GetI(b.id)->registration_number, "4000000302");
  // Keeping one's own number is fine.
  InstitutionChanges rename;
  rename.display_name = "B2";
  rename.registration_number = b.registration_number;
  EXPECT_THAT(UpdateI(b.id, rename), IsOk());
}

TEST_F(InstitutionTest, StaleEtagIsAborted) {
  Institution i = MustCreateI(School(riga_.id, "Skola"));
  InstitutionChanges changes;
  changes.display_name = "Pirmā";
  ASSERT_THAT(UpdateI(i.id, changes, EtagFor(1)), IsOk());
  changes.display_name = "Otrā";
  absl::StatusOr<Institution> stale = UpdateI(i.id, changes, EtagFor(1));
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(stale, HasReason("ETAG_MISMATCH"));
  EXPECT_EQ(GetI(i.id)->display_name, "Pirmā");
  ASSERT_THAT(UpdateI(i.id, changes, EtagFor(2)), IsOk());
  ASSERT_THAT(UpdateI(i.id, changes), IsOk());  // unconditional
  EXPECT_EQ(GetI(i.id)->version, 4);
}

TEST_F(InstitutionTest, UpdateUnknownIsNotFound) {
  InstitutionChanges changes;
  changes.display_name = "X";
  EXPECT_THAT(UpdateI("nosuchid", changes),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(InstitutionTest, DeleteHonoursEtag) {
  Institution i = MustCreateI(School(riga_.id, "Skola", "4000000400"));
  absl::Status stale = DeleteI(i.id, EtagFor(2));
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(stale, HasReason("ETAG_MISMATCH"));
  EXPECT_THAT(GetI(i.id), IsOk());

  EXPECT_THAT(DeleteI(i.id, EtagFor(1)), IsOk());
  EXPECT_THAT(GetI(i.id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(DeleteI(i.id), StatusIs(absl::StatusCode::kNotFound));
  // Its registration number is free again.
  EXPECT_THAT(CreateI(School(riga_.id, "Jaunā", "4000000400")), IsOk());
}

TEST_F(InstitutionTest, DeleteWithoutEtagIsUnconditional) {
  Institution i = MustCreateI(School(riga_.id, "Skola"));
  InstitutionChanges changes;
  changes.display_name = "Cita";
  ASSERT_THAT(UpdateI(i.id, changes), IsOk());
  EXPECT_THAT(DeleteI(i.id), IsOk());
  EXPECT_EQ(CountRows("institutions"), 0);
}

TEST_F(InstitutionTest, DeleteRefusedWhileStaffOrPupilsRemain) {
  Institution with_staff = MustCreateI(School(riga_.id, "Ar darbiniekiem"));
  Institution with_pupils = MustCreateI(School(riga_.id, "Ar skolēniem"));
  Institution empty = MustCreateI(School(riga_.id, "Tukša"));
  AddStaff(with_staff.id);
  AddPupil(with_pupils.id);

  for (const Institution& i : {with_staff, with_pupils}) {
    SCOPED_TRACE(i.display_name);
    absl::Status s = DeleteI(i.id, EtagFor(1));
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(s, HasReason("INSTITUTION_NOT_EMPTY"));
    EXPECT_THAT(GetI(i.id), IsOk());
  }
  EXPECT_THAT(DeleteI(empty.id, EtagFor(1)), IsOk());

  ASSERT_THAT(Exec("DELETE FROM staff"), IsOk());
  EXPECT_THAT(DeleteI(with_staff.id, EtagFor(1)), IsOk());
  EXPECT_THAT(DeleteI(with_pupils.id, EtagFor(1)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(InstitutionTest, ListsInLatvianOrderWithFilters) {
  Institution a = MustCreateI(School(riga_.id, "Ābeļu skola"));
  Institution b = MustCreateI(School(cesis_.id, "Auces vidusskola"));
  Institution c = MustCreateI(School(riga_.id, "Čiekurkalna skola"));
  Institution d = MustCreateI(School(riga_.id, "Cēsu tehnikums"));
  InstitutionChanges college;
  college.kind = InstitutionKind::kCollege;
  ASSERT_THAT(UpdateI(d.id, college), IsOk());

  absl::StatusOr<Page<Institution>> all = ListI({}, 0);
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(Names(all->items),
              ElementsAre("Ābeļu skola", "Auces vidusskola", "Cēsu tehnikums",
                          "Čiekurkalna skola"));

  InstitutionFilter in_riga;
  in_riga.municipality_id = riga_.id;
  EXPECT_THAT(
      Names(ListI(in_riga, 0)->items),
      ElementsAre("Ābeļu skola", "Cēsu tehnikums", "Čiekurkalna skola"));

  InstitutionFilter colleges;
  colleges.kind = InstitutionKind::kCollege;
  EXPECT_THAT(Names(ListI(colleges, 0)->items), ElementsAre("Cēsu tehnikums"));

  InstitutionFilter general_in_riga;
  general_in_riga.municipality_id = riga_.id;
  general_in_riga.kind = InstitutionKind::kMunicipalGeneralSchool;
  EXPECT_THAT(Names(ListI(general_in_riga, 0)->items),
              ElementsAre("Ābeļu skola", "Čiekurkalna skola"));

  InstitutionFilter in_cesis;
  in_cesis.municipality_id = cesis_.id;
  EXPECT_THAT(Names(ListI(in_cesis, 0)->items),
              ElementsAre("Auces vidusskola"));

  InstitutionFilter nowhere;
  nowhere.municipality_id = "nosuchmunicipality";
  absl::StatusOr<Page<Institution>> none = ListI(nowhere, 0);
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(none->items, IsEmpty());
  (void)a;
  (void)b;
  (void)c;
}

TEST_F(InstitutionTest, UnknownKindFilterIsRefused) {
  InstitutionFilter filter;
  filter.kind = InstitutionKind::kUnspecified;
  absl::StatusOr<Page<Institution>> page = ListI(filter, 0);
  EXPECT_THAT(page, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(page.status()), ElementsAre("kind"));
}

TEST_F(InstitutionTest, TokensAreBoundToTheirFilters) {
  for (int i = 0; i < 3; ++i) {
    MustCreateI(School(riga_.id, absl::StrFormat("R%d", i)));
    MustCreateI(School(cesis_.id, absl::StrFormat("C%d", i)));
  }
  InstitutionFilter in_riga;
  in_riga.municipality_id = riga_.id;
  absl::StatusOr<Page<Institution>> p1 = ListI(in_riga, 1);
  ASSERT_THAT(p1, IsOk());
  ASSERT_NE(p1->next_page_token, "");
  EXPECT_THAT(ListI(in_riga, 1, p1->next_page_token), IsOk());

  InstitutionFilter in_cesis;
  in_cesis.municipality_id = cesis_.id;
  InstitutionFilter riga_colleges = in_riga;
  riga_colleges.kind = InstitutionKind::kCollege;
  for (const InstitutionFilter& other :
       {InstitutionFilter{}, in_cesis, riga_colleges}) {
    absl::StatusOr<Page<Institution>> page =
        ListI(other, 1, p1->next_page_token);
    EXPECT_THAT(page, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(page, HasReason("INVALID_PAGE_TOKEN"));
    EXPECT_THAT(ViolatedFields(page.status()), ElementsAre("page_token"));
  }
  // A municipalities token is not an institutions token either.
  for (int i = 0; i < 2; ++i) MustCreateM(absl::StrFormat("M%d", i));
  absl::StatusOr<Page<Municipality>> m = ListM(1);
  ASSERT_THAT(m, IsOk());
  EXPECT_THAT(ListI({}, 1, m->next_page_token),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(InstitutionTest, KeysetPagingThroughManyPagesUnderInserts) {
  InstitutionFilter in_riga;
  in_riga.municipality_id = riga_.id;
  for (int i = 1; i <= 11; ++i) {
    MustCreateI(School(riga_.id, absl::StrFormat("Skola %02d", i)));
  }
  MustCreateI(School(cesis_.id, "Skola 05b"));  // filtered out

  std::vector<std::string> seen;
  std::set<std::string> ids;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<Page<Institution>> page = ListI(in_riga, 3, token);
    ASSERT_THAT(page, IsOk());
    ++pages;
    EXPECT_LE(page->items.size(), 3u);
    for (const Institution& i : page->items) {
      seen.push_back(i.display_name);
      EXPECT_TRUE(ids.insert(i.id).second) << "repeated " << i.display_name;
      EXPECT_EQ(i.municipality_id, riga_.id);
    }
    token = page->next_page_token;
    if (pages == 1) {
      // Between pages: one row before the cursor, two after it.
      MustCreateI(School(riga_.id, "Skola 00"));
      MustCreateI(School(riga_.id, "Skola 06a"));
      MustCreateI(School(riga_.id, "Skola 99"));
    }
    if (pages == 2) {
      MustCreateI(School(riga_.id, "Skola 04a"));  // just behind the cursor
    }
  } while (!token.empty() && pages < 100);

  EXPECT_THAT(seen, ElementsAre("Skola 01", "Skola 02", "Skola 03", "Skola 04",
                                "Skola 05", "Skola 06", "Skola 06a", "Skola 07",
                                "Skola 08", "Skola 09", "Skola 10", "Skola 11",
                                "Skola 99"));
  EXPECT_EQ(pages, 5);
  EXPECT_THAT(seen, Contains("Skola 99"));
}

}  // namespace
}  // namespace pumpurs::directory
