// Pupils: every validation rule names its field and stores nothing; etags,
// request_id, external_id uniqueness; Latvian order, diacritic-blind name
// prefixes and stable keyset paging; object-level authorization per role;
// audit events for reads, lists, refusals and changes.

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
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

class PupilTest : public PeopleTest {
 protected:
  absl::StatusOr<Pupil> UpdateP(const CallContext& call, const std::string& id,
                                const PupilChanges& changes,
                                const std::string& etag = "") {
    return WriteAs<Pupil>(call,
                          [&](storage::Connection& c, const CallContext& cc) {
                            return UpdatePupil(c, cc, id, changes, etag);
                          });
  }
  absl::Status DeleteP(const CallContext& call, const std::string& id,
                       const std::string& etag = "") {
    return WriteStatusAs(call,
                         [&](storage::Connection& c, const CallContext& cc) {
                           return DeletePupil(c, cc, id, etag);
                         });
  }
  // Every page of a list, following the tokens.
  std::vector<Pupil> ListAll(const PupilFilter& filter, int page_size) {
    std::vector<Pupil> all;
    std::string token;
    for (int pages = 0; pages < 100; ++pages) {
      absl::StatusOr<Page<Pupil>> page =
          ListP(Admin(), filter, page_size, token);
      EXPECT_THAT(page, IsOk());
      if (!page.ok()) break;
      EXPECT_LE(static_cast<int>(page->items.size()), page_size);
      all.insert(all.end(), page->items.begin(), page->items.end());
      token = page->next_page_token;
      if (token.empty()) break;
    }
    return all;
  }
};

TEST_F(PupilTest, CreateThenGetRoundTrips) {
  Pupil in = NewPupil(a_.id, "Līga", "Bērziņa", 7);
  in.class_label = "7.b";
  in.external_id = "VIIS-0001";
  in.id = "chosen";
  in.version = 9;
  in.guardian_ids = {"ignored"};
  absl::StatusOr<Pupil> p = CreateP(Admin(), in);
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(p->id, MatchesRegex("[a-z2-7]{16}"));
  EXPECT_EQ(p->version, 1);
  EXPECT_THAT(p->guardian_ids, IsEmpty());

  absl::StatusOr<Pupil> got = GetP(Admin(), p->id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->given_name, "Līga");
  EXPECT_EQ(got->family_name, "Bērziņa");
  EXPECT_EQ(got->birth_date, in.birth_date);
  EXPECT_EQ(got->grade, 7);
  EXPECT_EQ(got->vocational_course, 0);
  EXPECT_EQ(got->class_label, "7.b");
  EXPECT_EQ(got->institution_id, a_.id);
  EXPECT_EQ(got->external_id, "VIIS-0001");
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(Micros(got->create_time), Micros(p->create_time));

  // The derived columns: search folds case and diacritics.
  absl::StatusOr<int64_t> folded = Read<int64_t>([&](storage::Connection& c) {
    return c.QueryInt(absl::StrCat(
        "SELECT count(*) FROM pupils WHERE search_given = 'liga' AND "
        "search_family = 'berzina' AND length(sort_key) > 0 AND id = '",
        p->id, "'"));
  });
  ASSERT_THAT(folded, IsOk());
  EXPECT_EQ(*folded, 1);
}

TEST_F(PupilTest, VocationalPupilHasCourseInsteadOfGrade) {
  Pupil in = NewPupil(a_.id, "Ēriks", "Ozols");
  in.grade = 0;
  in.vocational_course = 2;
  in.birth_date = BornYearsAgo(17);
  absl::StatusOr<Pupil> p = CreateP(Admin(), in);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->grade, 0);
  EXPECT_EQ(p->vocational_course, 2);
}

struct BadPupilCase {
  const char* what;
  void (*mutate)(Pupil&);
  std::vector<std::string> fields;
};

TEST_F(PupilTest, EveryRuleNamesItsFieldAndStoresNothing) {
  const BadPupilCase cases[] = {
      {"no given name",
       [](Pupil& p) { p.given_name = ""; },
       {"pupil.given_name"}},
      {"blank given name",
       [](Pupil& p) { p.given_name = "   "; },
       {"pupil.given_name"}},
      {"long given name",
       [](Pupil& p) { p.given_name = std::string(101, 'a'); },
       {"pupil.given_name"}},
      {"control character",
       [](Pupil& p) { p.family_name = "Ab\ncd"; },
       {"pupil.family_name"}},
      {"no family name",
       [](Pupil& p) { p.family_name = ""; },
       {"pupil.family_name"}},
      {"long family name",
       [](Pupil& p) { p.family_name = std::string(101, 'b'); },
       {"pupil.family_name"}},
      {"no birth date",
       [](Pupil& p) { p.birth_date = ""; },
       {"pupil.birth_date"}},
      {"not a date",
       [](Pupil& p) { p.birth_date = "2014-02-30"; },
       {"pupil.birth_date"}},
      {"not ISO",
       [](Pupil& p) { p.birth_date = "15.03.2014"; },
       {"pupil.birth_date"}},
      {"future",
       [](Pupil& p) { p.birth_date = BornYearsAgo(-1); },
       {"pupil.birth_date"}},
      {"too young",
       [](Pupil& p) { p.birth_date = BornYearsAgo(4); },
       {"pupil.birth_date"}},
      {"too old",
       [](Pupil& p) { p.birth_date = BornYearsAgo(31); },
       {"pupil.birth_date"}},
      {"grade 13", [](Pupil& p) { p.grade = 13; }, {"pupil.grade"}},
      {"grade negative", [](Pupil& p) { p.grade = -1; }, {"pupil.grade"}},
      {"course 5",
       [](Pupil& p) {
         p.grade = 0;
         p.vocational_course = 5;
       },
       {"pupil.vocational_course"}},
      {"neither",
       [](Pupil& p) {
         p.grade = 0;
         p.vocational_course = 0;
       },
       {"pupil.grade", "pupil.vocational_course"}},
      {"both",
       [](Pupil& p) { p.vocational_course = 1; },
       {"pupil.grade", "pupil.vocational_course"}},
      {"long class label",
       [](Pupil& p) { p.class_label = std::string(21, 'x'); },
       {"pupil.class_label"}},
      {"no institution",
       [](Pupil& p) { p.institution_id = ""; },
       {"pupil.institution"}},
      {"unknown institution",
       [](Pupil& p) { p.institution_id = "nosuch"; },
       {"pupil.institution"}},
      {"long external id",
       [](Pupil& p) { p.external_id = std::string(65, '1'); },
       {"pupil.external_id"}},
      {"external id with space",
       [](Pupil& p) { p.external_id = "12 34"; },
       {"pupil.external_id"}},
  };
  for (const BadPupilCase& c : cases) {
    SCOPED_TRACE(c.what);
    Pupil p = NewPupil(a_.id, "Anna", "Ozola");
    c.mutate(p);
    absl::StatusOr<Pupil> created = CreateP(Admin(), p);
    EXPECT_THAT(created, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(ViolatedFields(created.status()),
                ::testing::UnorderedElementsAreArray(c.fields));
  }
  EXPECT_EQ(CountRows("pupils"), 0);
  EXPECT_THAT(StoredAudit(), IsEmpty());
}

TEST_F(PupilTest, BoundaryValuesAreAccepted) {
  Pupil p = NewPupil(a_.id, std::string(100, 'a'), std::string(100, 'b'), 12);
  p.class_label = std::string(20, 'x');
  p.external_id = std::string(64, '7');
  p.birth_date = BornYearsAgo(30);
  EXPECT_THAT(CreateP(Admin(), p), IsOk());
  Pupil young = NewPupil(a_.id, "Mazā", "Ozola", 1);
  young.birth_date = BornYearsAgo(5, 0);  // the fifth birthday is today
  EXPECT_THAT(CreateP(Admin(), young), IsOk());
}

TEST_F(PupilTest, AllProblemsAtOnce) {
  Pupil p;
  p.grade = 20;
  absl::StatusOr<Pupil> created = CreateP(Admin(), p, "bad request id");
  EXPECT_THAT(ViolatedFields(created.status()),
              UnorderedElementsAre("request_id", "pupil.given_name",
                                   "pupil.family_name", "pupil.birth_date",
                                   "pupil.grade", "pupil.institution"));
}

TEST_F(PupilTest, ExternalIdIsUnique) {
  Pupil p = NewPupil(a_.id, "Anna", "Ozola");
  p.external_id = "X1";
  ASSERT_THAT(CreateP(Admin(), p), IsOk());
  Pupil q = NewPupil(c_.id, "Zane", "Liepa");
  q.external_id = "X1";
  absl::StatusOr<Pupil> again = CreateP(Admin(), q);
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(again, HasReason("EXTERNAL_ID_TAKEN"));
  EXPECT_THAT(ViolatedFields(again.status()), ElementsAre("pupil.external_id"));
  // Without an external id any number may be stored.
  EXPECT_THAT(CreateP(Admin(), NewPupil(a_.id, "B", "C")), IsOk());
  EXPECT_THAT(CreateP(Admin(), NewPupil(a_.id, "D", "E")), IsOk());
  EXPECT_EQ(CountRows("pupils"), 3);
}

TEST_F(PupilTest, RequestIdReturnsTheFirstPupilPerCaller) {
  const Pupil in = NewPupil(a_.id, "Anna", "Ozola");
  absl::StatusOr<Pupil> first = CreateP(Head(a_), in, "req-1");
  absl::StatusOr<Pupil> second = CreateP(Head(a_), in, "req-1");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->id, second->id);
  EXPECT_EQ(CountRows("pupils"), 1);
  absl::StatusOr<Pupil> other = CreateP(Coordinator(a_), in, "req-1");
  ASSERT_THAT(other, IsOk());
  EXPECT_NE(other->id, first->id);
}

TEST_F(PupilTest, UpdateChangesFieldsEtagAndSearchColumns) {
  Pupil p = MustCreateP(a_.id, "Anna", "Ozola");
  PupilChanges changes;
  changes.family_name = "Žīgure";
  changes.grade = 6;
  changes.class_label = "6.c";
  absl::StatusOr<Pupil> updated =
      UpdateP(Admin(), p.id, changes, EtagFor(p.version));
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->family_name, "Žīgure");
  EXPECT_EQ(updated->given_name, "Anna");
  EXPECT_EQ(updated->grade, 6);
  EXPECT_GT(updated->update_time, p.update_time);
  PupilFilter f = InInstitution(a_);
  f.name_prefix = "zig";
  absl::StatusOr<Page<Pupil>> found = ListP(Admin(), f);
  ASSERT_THAT(found, IsOk());
  EXPECT_THAT(FullNames(found->items), ElementsAre("Žīgure Anna"));
  f.name_prefix = "ozo";
  EXPECT_THAT(ListP(Admin(), f)->items, IsEmpty());

  // The old etag is stale now.
  absl::StatusOr<Pupil> stale =
      UpdateP(Admin(), p.id, changes, EtagFor(p.version));
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(stale, HasReason("ETAG_MISMATCH"));
}

TEST_F(PupilTest, UpdateValidatesTheResult) {
  Pupil p = MustCreateP(a_.id, "Anna", "Ozola");
  PupilChanges changes;
  changes.vocational_course = 2;  // grade stays 5: both set
  changes.given_name = "";
  absl::StatusOr<Pupil> updated = UpdateP(Admin(), p.id, changes);
  EXPECT_THAT(ViolatedFields(updated.status()),
              UnorderedElementsAre("pupil.grade", "pupil.vocational_course",
                                   "pupil.given_name"));
  changes = PupilChanges();
  changes.grade = 0;
  changes.vocational_course = 2;
  EXPECT_THAT(UpdateP(Admin(), p.id, changes), IsOk());
  changes = PupilChanges();
  changes.institution_id = "nosuch";
  EXPECT_THAT(ViolatedFields(UpdateP(Admin(), p.id, changes).status()),
              ElementsAre("pupil.institution"));
}

TEST_F(PupilTest, MovingAPupilNeedsPermissionInBothInstitutions) {
  Pupil p = MustCreateP(a_.id, "Anna", "Ozola");
  PupilChanges move;
  move.institution_id = b_.id;
  EXPECT_THAT(UpdateP(Head(a_), p.id, move),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(UpdateP(Head(b_), p.id, move),
              StatusIs(absl::StatusCode::kPermissionDenied));
  CallContext both = As("head-ab", {{Role::kInstitutionHead, a_.id},
                                    {Role::kInstitutionHead, b_.id}});
  absl::StatusOr<Pupil> moved = UpdateP(both, p.id, move);
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(moved->institution_id, b_.id);
}

TEST_F(PupilTest, DeleteRemovesThePupilAndTheirGuardianLinks) {
  Pupil p = MustCreateP(a_.id, "Anna", "Ozola");
  Pupil sibling = MustCreateP(a_.id, "Juris", "Ozols");
  MustCreateG("Inese", "Ozola", {p.id, sibling.id});
  EXPECT_THAT(DeleteP(Admin(), p.id, "\"7\""),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(DeleteP(Admin(), p.id, EtagFor(1)), IsOk());
  EXPECT_THAT(GetP(Admin(), p.id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(CountRows("guardian_pupils"), 1);
  EXPECT_EQ(CountRows("guardians"), 1);
  EXPECT_THAT(DeleteP(Admin(), p.id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(DeleteP(Head(a_), p.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(PupilTest, GuardiansAreListedOnThePupil) {
  Pupil p = MustCreateP(a_.id, "Anna", "Ozola");
  Guardian mother = MustCreateG("Inese", "Ozola", {p.id});
  Guardian father = MustCreateG("Juris", "Ozols", {p.id});
  absl::StatusOr<Pupil> got = GetP(Admin(), p.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->guardian_ids, UnorderedElementsAre(mother.id, father.id));
}

TEST_F(PupilTest, ListSortsByLatvianRulesFamilyThenGiven) {
  for (const auto& [given, family] :
       std::vector<std::pair<std::string, std::string>>{
           {"Anna", "Zariņa"},
           {"Zane", "Bērziņa"},
           {"Anna", "Bērziņa"},
           {"Jānis", "Čakste"},
           {"Ilze", "Celmiņa"},
           {"Pēteris", "Šmits"},
           {"Rūta", "Sproģe"},
           {"Dace", "Žagare"},
           {"Ēriks", "Ābele"},
           {"Aija", "Auziņa"},
       }) {
    MustCreateP(a_.id, given, family);
  }
  MustCreateP(b_.id, "Anna", "Ābola");  // another institution
  absl::StatusOr<Page<Pupil>> page = ListP(Admin(), InInstitution(a_));
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(
      FullNames(page->items),
      ElementsAre("Ābele Ēriks", "Auziņa Aija", "Bērziņa Anna", "Bērziņa Zane",
                  "Celmiņa Ilze", "Čakste Jānis", "Sproģe Rūta",
                  "Šmits Pēteris", "Zariņa Anna", "Žagare Dace"));
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST_F(PupilTest, NamePrefixIgnoresCaseAndDiacritics) {
  MustCreateP(a_.id, "Līga", "Bērziņa");
  MustCreateP(a_.id, "Jānis", "Žīgurs");
  MustCreateP(a_.id, "Bērtulis", "Kalniņš");
  MustCreateP(a_.id, "Anna", "Ozola");
  MustCreateP(b_.id, "Anna", "Bērziņa");
  auto names = [&](const std::string& prefix) {
    PupilFilter f = InInstitution(a_);
    f.name_prefix = prefix;
    absl::StatusOr<Page<Pupil>> page = ListP(Admin(), f);
    EXPECT_THAT(page, IsOk());
    return page.ok() ? FullNames(page->items) : std::vector<std::string>{};
  };
  EXPECT_THAT(names("berz"), ElementsAre("Bērziņa Līga"));
  EXPECT_THAT(names("BĒRZ"), ElementsAre("Bērziņa Līga"));
  EXPECT_THAT(names("ZIG"), ElementsAre("Žīgurs Jānis"));
  // Given names match too.
  EXPECT_THAT(names("ber"), ElementsAre("Bērziņa Līga", "Kalniņš Bērtulis"));
  EXPECT_THAT(names("liga"), ElementsAre("Bērziņa Līga"));
  EXPECT_THAT(names("  anna "), ElementsAre("Ozola Anna"));
  // LIKE wildcards are plain characters.
  EXPECT_THAT(names("%"), IsEmpty());
  EXPECT_THAT(names("_"), IsEmpty());
  EXPECT_THAT(names("b%"), IsEmpty());
  EXPECT_THAT(names("x"), IsEmpty());
}

TEST_F(PupilTest, GradeFilter) {
  MustCreateP(a_.id, "Anna", "Ozola", 5);
  MustCreateP(a_.id, "Juris", "Ozols", 6);
  PupilFilter f = InInstitution(a_);
  f.grade = 6;
  absl::StatusOr<Page<Pupil>> page = ListP(Admin(), f);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(FullNames(page->items), ElementsAre("Ozols Juris"));
  for (int bad : {0, 13, -2}) {
    f.grade = bad;
    EXPECT_THAT(ViolatedFields(ListP(Admin(), f).status()),
                ElementsAre("grade"));
  }
}

TEST_F(PupilTest, ListNeedsAnInstitution) {
  EXPECT_THAT(ViolatedFields(ListP(Admin(), PupilFilter{}).status()),
              ElementsAre("institution"));
  PupilFilter f;
  f.institution_id = "nosuch";
  EXPECT_THAT(ListP(Admin(), f), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ListP(Head(a_), f),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(PupilTest, PagingIsStableAndBoundToItsFilters) {
  for (int i = 0; i < 11; ++i) {
    MustCreateP(a_.id, absl::StrCat("Vārds", i), i % 2 ? "Ozola" : "Liepa");
  }
  std::vector<Pupil> all = ListAll(InInstitution(a_), 500);
  ASSERT_EQ(all.size(), 11u);
  EXPECT_EQ(FullNames(ListAll(InInstitution(a_), 3)), FullNames(all));
  EXPECT_EQ(FullNames(ListAll(InInstitution(a_), 1)), FullNames(all));

  // A pupil added between pages, before the position already passed,
  // neither repeats nor hides a row.
  absl::StatusOr<Page<Pupil>> first = ListP(Admin(), InInstitution(a_), 4);
  ASSERT_THAT(first, IsOk());
  MustCreateP(a_.id, "Aaa", "Aaa");
  std::vector<std::string> rest;
  std::string token = first->next_page_token;
  while (!token.empty()) {
    absl::StatusOr<Page<Pupil>> page =
        ListP(Admin(), InInstitution(a_), 4, token);
    ASSERT_THAT(page, IsOk());
    for (const std::string& n : FullNames(page->items)) rest.push_back(n);
    token = page->next_page_token;
  }
  std::vector<std::string> seen = FullNames(first->items);
  seen.insert(seen.end(), rest.begin(), rest.end());
  EXPECT_EQ(seen, FullNames(all));

  // A token belongs to its filters.
  PupilFilter other = InInstitution(a_);
  other.grade = 5;
  absl::StatusOr<Page<Pupil>> wrong =
      ListP(Admin(), other, 4, first->next_page_token);
  EXPECT_THAT(wrong, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(wrong, HasReason("INVALID_PAGE_TOKEN"));
  other = InInstitution(a_);
  other.name_prefix = "o";
  EXPECT_THAT(ListP(Admin(), other, 4, first->next_page_token),
              HasReason("INVALID_PAGE_TOKEN"));
  EXPECT_THAT(ListP(Admin(), InInstitution(a_), -1),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(PupilTest, ReadAccessFollowsThePolicy) {
  const Pupil pa = MustCreateP(a_.id, "Anna", "Ozola");
  const Pupil pc = MustCreateP(c_.id, "Juris", "Liepa");
  const Guardian ga = MustCreateG("Inese", "Ozola", {pa.id});
  const absl::StatusCode ok = absl::StatusCode::kOk;
  const absl::StatusCode denied = absl::StatusCode::kPermissionDenied;
  struct Case {
    const char* who;
    CallContext call;
    absl::StatusCode own;      // pupil of A
    absl::StatusCode foreign;  // pupil of C
  };
  const Case cases[] = {
      {"admin", Admin(), ok, ok},
      {"head of A", Head(a_), ok, denied},
      {"coordinator of A", Coordinator(a_), ok, denied},
      {"teacher of A", Teacher(a_), ok, denied},
      {"provider of A", Provider(a_), ok, denied},
      {"teacher of B", Teacher(b_), denied, denied},
      {"municipality north", MunicipalityCoordinator(north_), ok, denied},
      {"municipality south", MunicipalityCoordinator(south_), denied, ok},
      {"guardian of pa", GuardianOf(ga.id), ok, denied},
      {"adult pupil pa", AdultPupil(pa.id), ok, denied},
      {"methodologist", As("m", {{Role::kMethodologist, ""}}), denied, denied},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.who);
    EXPECT_EQ(GetP(c.call, pa.id).status().code(), c.own);
    EXPECT_EQ(GetP(c.call, pc.id).status().code(), c.foreign);
    // A pupil that does not exist looks like a foreign one, except to
    // those who could see it anywhere.
    EXPECT_EQ(GetP(c.call, "nosuchpupil").status().code(),
              c.foreign == ok
                  ? (c.call.principal.Has(Role::kNationalAdministrator)
                         ? absl::StatusCode::kNotFound
                         : denied)
                  : denied);
  }
  EXPECT_THAT(GetP(Anonymous(), pa.id),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(PupilTest, ListAccessFollowsThePolicy) {
  MustCreateP(a_.id, "Anna", "Ozola");
  const Pupil pa = MustCreateP(a_.id, "Juris", "Ozols");
  const Guardian ga = MustCreateG("Inese", "Ozola", {pa.id});
  EXPECT_THAT(ListP(Teacher(a_), InInstitution(a_)), IsOk());
  EXPECT_THAT(ListP(MunicipalityCoordinator(north_), InInstitution(a_)),
              IsOk());
  for (const CallContext& call :
       {Teacher(b_), Head(c_), MunicipalityCoordinator(south_),
        GuardianOf(ga.id), AdultPupil(pa.id)}) {
    SCOPED_TRACE(call.caller_id);
    EXPECT_THAT(ListP(call, InInstitution(a_)),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
}

TEST_F(PupilTest, WriteAccessIsForHeadsAndCoordinators) {
  EXPECT_THAT(CreateP(Head(a_), NewPupil(a_.id, "A", "B")), IsOk());
  EXPECT_THAT(CreateP(Coordinator(a_), NewPupil(a_.id, "C", "D")), IsOk());
  for (const CallContext& call :
       {Teacher(a_), Provider(a_), Head(b_), MunicipalityCoordinator(north_)}) {
    SCOPED_TRACE(call.caller_id);
    EXPECT_THAT(CreateP(call, NewPupil(a_.id, "E", "F")),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_THAT(CreateP(Anonymous(), NewPupil(a_.id, "E", "F")),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(CountRows("pupils"), 2);
}

TEST_F(PupilTest, ReadsListsAndRefusalsAreAuditedWithoutContents) {
  const Pupil pa = MustCreateP(a_.id, "Anna", "Ozola");
  CallContext teacher = Teacher(a_);
  ASSERT_THAT(GetP(teacher, pa.id), IsOk());
  EXPECT_THAT(Deferred(teacher),
              ElementsAre(absl::StrCat("pupil.read pupils/", pa.id, " 1")));
  const AuditEvent& read = teacher.deferred_audit->front();
  EXPECT_EQ(read.pupil_id, pa.id);
  EXPECT_EQ(read.institution_id, a_.id);
  EXPECT_EQ(read.municipality_id, north_.id);

  CallContext stranger = Teacher(b_);
  EXPECT_THAT(GetP(stranger, pa.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Deferred(stranger),
              ElementsAre(absl::StrCat("pupil.read pupils/", pa.id, " 2")));
  CallContext prober = Teacher(b_);
  EXPECT_THAT(GetP(prober, "nosuch"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Deferred(prober), ElementsAre("pupil.read pupils/nosuch 2"));

  CallContext lister = Head(a_);
  ASSERT_THAT(ListP(lister, InInstitution(a_)), IsOk());
  EXPECT_THAT(Deferred(lister), ElementsAre(absl::StrCat(
                                    "pupil.list institutions/", a_.id, " 1")));
  CallContext refused = Head(b_);
  EXPECT_THAT(ListP(refused, InInstitution(a_)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Deferred(refused), ElementsAre(absl::StrCat(
                                     "pupil.list institutions/", a_.id, " 2")));
  // Nothing of the pupil's record is in an event.
  for (const AuditEvent& e : *teacher.deferred_audit) {
    EXPECT_EQ(e.resource.find("Anna"), std::string::npos);
  }
}

TEST_F(PupilTest, ChangesAreAuditedInTheirTransaction) {
  Pupil p = MustCreateP(a_.id, "Anna", "Ozola");
  PupilChanges changes;
  changes.class_label = "5.b";
  ASSERT_THAT(UpdateP(Head(a_), p.id, changes), IsOk());
  ASSERT_THAT(DeleteP(Head(a_), p.id), IsOk());
  // A refused create leaves a denied event only on the call (stored by the
  // RPC layer), not in the table.
  CallContext refused = Head(b_);
  EXPECT_THAT(CreateP(refused, NewPupil(a_.id, "X", "Y")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(
      Deferred(refused),
      ElementsAre(absl::StrCat("pupil.create institutions/", a_.id, " 2")));
  // An invalid create is no access at all.
  EXPECT_THAT(CreateP(Admin(), NewPupil("", "X", "Y")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(StoredAudit(),
              ElementsAre(absl::StrCat("pupil.create pupils/", p.id, " 1"),
                          absl::StrCat("pupil.update pupils/", p.id, " 1"),
                          absl::StrCat("pupil.delete pupils/", p.id, " 1")));
}

}  // namespace
}  // namespace pumpurs::directory
