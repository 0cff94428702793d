// Guardians: links to pupils, validation without revealing pupils the
// caller may not see, who may read a guardian record (their own, their
// children's other guardians, the children's schools), lists by pupil and
// by institution, link replacement, and audit.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/directory/people_fixture.h"

namespace pumpurs::directory {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class GuardianTest : public PeopleTest {
 protected:
  void SetUp() override {
    PeopleTest::SetUp();
    anna_ = MustCreateP(a_.id, "Anna", "Ozola");
    juris_ = MustCreateP(a_.id, "Juris", "Ozols");
    zane_ = MustCreateP(c_.id, "Zane", "Liepa");
  }

  absl::StatusOr<Page<Guardian>> ListG(const CallContext& call,
                                       const GuardianFilter& filter,
                                       int page_size = 0,
                                       const std::string& token = "") {
    ListRequest req{page_size, token};
    return ReadAs<Page<Guardian>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListGuardians(c, cc, filter, req);
        });
  }
  absl::StatusOr<Guardian> UpdateG(const CallContext& call,
                                   const std::string& id,
                                   const GuardianChanges& changes,
                                   const std::string& etag = "") {
    return WriteAs<Guardian>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return UpdateGuardian(c, cc, id, changes, etag);
        });
  }
  absl::Status DeleteG(const CallContext& call, const std::string& id,
                       const std::string& etag = "") {
    return WriteStatusAs(call,
                         [&](storage::Connection& c, const CallContext& cc) {
                           return DeleteGuardian(c, cc, id, etag);
                         });
  }
  GuardianFilter OfPupil(const Pupil& p) {
    GuardianFilter f;
    f.pupil_id = p.id;
    return f;
  }
  GuardianFilter OfInstitution(const Institution& i) {
    GuardianFilter f;
    f.institution_id = i.id;
    return f;
  }

  Pupil anna_;
  Pupil juris_;
  Pupil zane_;
};

TEST_F(GuardianTest, CreateLinksThePupils) {
  Guardian in = NewGuardian("Inese", "Ozola", {juris_.id, anna_.id, anna_.id});
  in.external_id = "G-1";
  absl::StatusOr<Guardian> g = CreateG(Head(a_), in);
  ASSERT_THAT(g, IsOk());
  EXPECT_EQ(g->version, 1);
  EXPECT_THAT(g->pupil_ids, UnorderedElementsAre(anna_.id, juris_.id));
  absl::StatusOr<Guardian> got = GetG(Admin(), g->id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->given_name, "Inese");
  EXPECT_EQ(got->family_name, "Ozola");
  EXPECT_EQ(got->external_id, "G-1");
  EXPECT_THAT(got->pupil_ids, UnorderedElementsAre(anna_.id, juris_.id));
  EXPECT_THAT(GetP(Admin(), anna_.id)->guardian_ids, ElementsAre(g->id));
}

TEST_F(GuardianTest, EveryRuleNamesItsField) {
  Guardian in = NewGuardian("", std::string(101, 'x'), {});
  in.external_id = "has space";
  absl::StatusOr<Guardian> g = CreateG(Admin(), in, "bad id");
  EXPECT_THAT(g, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(g.status()),
              UnorderedElementsAre("request_id", "guardian.given_name",
                                   "guardian.family_name",
                                   "guardian.external_id", "guardian.pupils"));
  // A pupil that does not exist is named by its index — to a caller who
  // could see it anywhere.
  g = CreateG(Admin(), NewGuardian("Inese", "Ozola", {anna_.id, "nosuch"}));
  EXPECT_THAT(ViolatedFields(g.status()), ElementsAre("guardian.pupils[1]"));
  EXPECT_EQ(CountRows("guardians"), 0);
  EXPECT_EQ(CountRows("guardian_pupils"), 0);
}

TEST_F(GuardianTest, LinksRevealNoPupilTheCallerMayNotSee) {
  // To the head of A, a pupil of C and a pupil that does not exist look
  // the same: refused.
  for (const std::string& pupil : {zane_.id, std::string("nosuch")}) {
    SCOPED_TRACE(pupil);
    absl::StatusOr<Guardian> g =
        CreateG(Head(a_), NewGuardian("Inese", "Ozola", {anna_.id, pupil}));
    EXPECT_THAT(g, StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_THAT(CreateG(Teacher(a_), NewGuardian("Inese", "Ozola", {anna_.id})),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(CountRows("guardians"), 0);
}

TEST_F(GuardianTest, ExternalIdIsUnique) {
  Guardian in = NewGuardian("Inese", "Ozola", {anna_.id});
  in.external_id = "G-1";
  ASSERT_THAT(CreateG(Admin(), in), IsOk());
  absl::StatusOr<Guardian> again = CreateG(Admin(), in);
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(again, HasReason("EXTERNAL_ID_TAKEN"));
  EXPECT_THAT(ViolatedFields(again.status()),
              ElementsAre("guardian.external_id"));
}

TEST_F(GuardianTest, RequestIdReturnsTheFirstGuardian) {
  const Guardian in = NewGuardian("Inese", "Ozola", {anna_.id});
  absl::StatusOr<Guardian> first = CreateG(Head(a_), in, "r1");
  absl::StatusOr<Guardian> second = CreateG(Head(a_), in, "r1");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->id, second->id);
  EXPECT_EQ(CountRows("guardians"), 1);
}

TEST_F(GuardianTest, GuardiansReadTheirOwnAndTheirChildrensOtherGuardians) {
  const Guardian mother = MustCreateG("Inese", "Ozola", {anna_.id, juris_.id});
  const Guardian father = MustCreateG("Pēteris", "Ozols", {anna_.id});
  const Guardian other = MustCreateG("Dace", "Liepa", {zane_.id});
  EXPECT_THAT(GetG(GuardianOf(mother.id), mother.id), IsOk());
  EXPECT_THAT(GetG(GuardianOf(mother.id), father.id), IsOk());
  EXPECT_THAT(GetG(GuardianOf(father.id), mother.id), IsOk());
  EXPECT_THAT(GetG(GuardianOf(mother.id), other.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetG(GuardianOf(other.id), mother.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetG(GuardianOf(other.id), "nosuch"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetG(Admin(), "nosuch"), StatusIs(absl::StatusCode::kNotFound));
  // The father sees only the children he shares with the mother.
  absl::StatusOr<Guardian> seen = GetG(GuardianOf(father.id), mother.id);
  ASSERT_THAT(seen, IsOk());
  EXPECT_THAT(seen->pupil_ids, ElementsAre(anna_.id));
  // The children's school, municipality and the adult pupil read it too.
  EXPECT_THAT(GetG(Teacher(a_), mother.id), IsOk());
  EXPECT_THAT(GetG(MunicipalityCoordinator(north_), mother.id), IsOk());
  EXPECT_THAT(GetG(AdultPupil(anna_.id), father.id), IsOk());
  EXPECT_THAT(GetG(Teacher(c_), mother.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetG(Provider(a_), mother.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetG(Anonymous(), mother.id),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(GuardianTest, PupilsOfOtherSchoolsAreHiddenFromEachSchool) {
  const Guardian g = MustCreateG("Inese", "Ozola", {anna_.id, zane_.id});
  absl::StatusOr<Guardian> from_a = GetG(Teacher(a_), g.id);
  ASSERT_THAT(from_a, IsOk());
  EXPECT_THAT(from_a->pupil_ids, ElementsAre(anna_.id));
  absl::StatusOr<Guardian> from_c = GetG(Teacher(c_), g.id);
  ASSERT_THAT(from_c, IsOk());
  EXPECT_THAT(from_c->pupil_ids, ElementsAre(zane_.id));
  EXPECT_THAT(GetG(Admin(), g.id)->pupil_ids,
              UnorderedElementsAre(anna_.id, zane_.id));
}

TEST_F(GuardianTest, ListByPupilAndByInstitution) {
  const Guardian mother = MustCreateG("Inese", "Ozola", {anna_.id, juris_.id});
  const Guardian father = MustCreateG("Pēteris", "Ozols", {anna_.id});
  MustCreateG("Dace", "Liepa", {zane_.id});
  absl::StatusOr<Page<Guardian>> of_juris = ListG(Admin(), OfPupil(juris_));
  ASSERT_THAT(of_juris, IsOk());
  EXPECT_THAT(FullNames(of_juris->items), ElementsAre("Ozola Inese"));
  absl::StatusOr<Page<Guardian>> of_a = ListG(Head(a_), OfInstitution(a_));
  ASSERT_THAT(of_a, IsOk());
  EXPECT_THAT(FullNames(of_a->items),
              ElementsAre("Ozola Inese", "Ozols Pēteris"));
  GuardianFilter f = OfInstitution(a_);
  f.name_prefix = "pet";
  EXPECT_THAT(FullNames(ListG(Admin(), f)->items),
              ElementsAre("Ozols Pēteris"));
  // Paging over two pages.
  absl::StatusOr<Page<Guardian>> first = ListG(Admin(), OfInstitution(a_), 1);
  ASSERT_THAT(first, IsOk());
  ASSERT_FALSE(first->next_page_token.empty());
  absl::StatusOr<Page<Guardian>> second =
      ListG(Admin(), OfInstitution(a_), 1, first->next_page_token);
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(FullNames(second->items), ElementsAre("Ozols Pēteris"));
  EXPECT_TRUE(second->next_page_token.empty());
  EXPECT_THAT(ListG(Admin(), OfPupil(anna_), 1, first->next_page_token),
              HasReason("INVALID_PAGE_TOKEN"));

  // A guardian lists their own child's guardians, not a school's.
  EXPECT_THAT(FullNames(ListG(GuardianOf(father.id), OfPupil(anna_))->items),
              ElementsAre("Ozola Inese", "Ozols Pēteris"));
  EXPECT_THAT(ListG(GuardianOf(father.id), OfPupil(juris_)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ListG(GuardianOf(father.id), OfInstitution(a_)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ListG(Teacher(a_), OfInstitution(a_)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ListG(Head(c_), OfInstitution(a_)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(ListG(Head(c_), OfPupil(anna_)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  (void)mother;
}

TEST_F(GuardianTest, ListNeedsExactlyOneOfInstitutionAndPupil) {
  EXPECT_THAT(ViolatedFields(ListG(Admin(), GuardianFilter{}).status()),
              UnorderedElementsAre("institution", "pupil"));
  GuardianFilter both = OfPupil(anna_);
  both.institution_id = a_.id;
  EXPECT_THAT(ViolatedFields(ListG(Admin(), both).status()),
              UnorderedElementsAre("institution", "pupil"));
  EXPECT_THAT(ListG(Admin(), OfPupil(Pupil{})),
              StatusIs(absl::StatusCode::kInvalidArgument));
  GuardianFilter missing;
  missing.pupil_id = "nosuch";
  EXPECT_THAT(ListG(Admin(), missing), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ListG(Head(a_), missing),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(GuardianTest, UpdateReplacesLinksAndNeedsEveryPupilsSchool) {
  const Guardian g = MustCreateG("Inese", "Ozola", {anna_.id});
  GuardianChanges changes;
  changes.family_name = "Ozoliņa";
  changes.pupil_ids = std::vector<std::string>{juris_.id};
  absl::StatusOr<Guardian> updated =
      UpdateG(Head(a_), g.id, changes, EtagFor(g.version));
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->family_name, "Ozoliņa");
  EXPECT_THAT(updated->pupil_ids, ElementsAre(juris_.id));
  EXPECT_THAT(GetP(Admin(), anna_.id)->guardian_ids, IsEmpty());
  EXPECT_THAT(GetP(Admin(), juris_.id)->guardian_ids, ElementsAre(g.id));
  EXPECT_THAT(UpdateG(Head(a_), g.id, changes, EtagFor(g.version)),
              StatusIs(absl::StatusCode::kAborted));

  // Linking a pupil of C takes C's permission too.
  changes = GuardianChanges();
  changes.pupil_ids = std::vector<std::string>{juris_.id, zane_.id};
  EXPECT_THAT(UpdateG(Head(a_), g.id, changes),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_THAT(UpdateG(Admin(), g.id, changes), IsOk());
  // Now the guardian is C's as well: A alone may not change them.
  changes = GuardianChanges();
  changes.given_name = "Ilze";
  EXPECT_THAT(UpdateG(Head(a_), g.id, changes),
              StatusIs(absl::StatusCode::kPermissionDenied));
  changes.pupil_ids = std::vector<std::string>{};
  EXPECT_THAT(ViolatedFields(UpdateG(Admin(), g.id, changes).status()),
              ElementsAre("guardian.pupils"));
  EXPECT_THAT(UpdateG(Admin(), "nosuch", changes),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(GuardianTest, DeleteRemovesTheLinks) {
  const Guardian g = MustCreateG("Inese", "Ozola", {anna_.id, juris_.id});
  EXPECT_THAT(DeleteG(Teacher(a_), g.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(DeleteG(Head(a_), g.id, "\"9\""),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(DeleteG(Head(a_), g.id, EtagFor(1)), IsOk());
  EXPECT_EQ(CountRows("guardians"), 0);
  EXPECT_EQ(CountRows("guardian_pupils"), 0);
  EXPECT_THAT(GetP(Admin(), anna_.id)->guardian_ids, IsEmpty());
}

TEST_F(GuardianTest, ReadsRefusalsAndChangesAreAudited) {
  const Guardian g = MustCreateG("Inese", "Ozola", {anna_.id});
  CallContext reader = GuardianOf(g.id);
  ASSERT_THAT(GetG(reader, g.id), IsOk());
  EXPECT_THAT(Deferred(reader), ElementsAre(absl::StrCat(
                                    "guardian.read guardians/", g.id, " 1")));
  EXPECT_EQ(reader.deferred_audit->front().pupil_id, anna_.id);
  CallContext refused = Teacher(c_);
  EXPECT_THAT(GetG(refused, g.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Deferred(refused), ElementsAre(absl::StrCat(
                                     "guardian.read guardians/", g.id, " 2")));
  CallContext lister = Head(a_);
  ASSERT_THAT(ListG(lister, OfPupil(anna_)), IsOk());
  EXPECT_THAT(Deferred(lister), ElementsAre(absl::StrCat(
                                    "guardian.list pupils/", anna_.id, " 1")));
  GuardianChanges changes;
  changes.given_name = "Ilze";
  ASSERT_THAT(UpdateG(Head(a_), g.id, changes), IsOk());
  ASSERT_THAT(DeleteG(Head(a_), g.id), IsOk());
  EXPECT_THAT(StoredAudit(),
              ElementsAre(
                  // the fixture's own creates, as the admin
                  absl::StrCat("pupil.create pupils/", anna_.id, " 1"),
                  absl::StrCat("pupil.create pupils/", juris_.id, " 1"),
                  absl::StrCat("pupil.create pupils/", zane_.id, " 1"),
                  absl::StrCat("guardian.create guardians/", g.id, " 1"),
                  absl::StrCat("guardian.update guardians/", g.id, " 1"),
                  absl::StrCat("guardian.delete guardians/", g.id, " 1")));
}

}  // namespace
}  // namespace pumpurs::directory
