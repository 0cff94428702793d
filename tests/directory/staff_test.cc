// Staff: create/get/list/update/delete, validation, position and name
// filters, Latvian order, access per role — and no audit events, as staff
// records are not pupils' data.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/accounts.h"
#include "server/auth/authenticate.h"
#include "server/auth/sessions.h"
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

class StaffTest : public PeopleTest {
 protected:
  StaffMember NewStaff(const Institution& i, const std::string& given,
                       const std::string& family,
                       StaffPosition position = StaffPosition::kTeacher) {
    StaffMember m;
    m.given_name = given;
    m.family_name = family;
    m.position = position;
    m.institution_id = i.id;
    return m;
  }
  absl::StatusOr<StaffMember> CreateS(const CallContext& call,
                                      const StaffMember& m,
                                      const std::string& request_id = "") {
    return WriteAs<StaffMember>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return CreateStaffMember(c, cc, m, request_id);
        });
  }
  StaffMember MustCreateS(const StaffMember& m) {
    absl::StatusOr<StaffMember> s = CreateS(Admin(), m);
    EXPECT_THAT(s, IsOk());
    return s.ok() ? *s : StaffMember{};
  }
  absl::StatusOr<StaffMember> GetS(const CallContext& call,
                                   const std::string& id) {
    return ReadAs<StaffMember>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return GetStaffMember(c, cc, id);
        });
  }
  absl::StatusOr<Page<StaffMember>> ListS(const CallContext& call,
                                          const StaffFilter& filter,
                                          int page_size = 0,
                                          const std::string& token = "") {
    ListRequest req{page_size, token};
    return ReadAs<Page<StaffMember>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListStaffMembers(c, cc, filter, req);
        });
  }
  absl::StatusOr<StaffMember> UpdateS(const CallContext& call,
                                      const std::string& id,
                                      const StaffChanges& changes,
                                      const std::string& etag = "") {
    return WriteAs<StaffMember>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return UpdateStaffMember(c, cc, id, changes, etag);
        });
  }
  absl::Status DeleteS(const CallContext& call, const std::string& id,
                       const std::string& etag = "") {
    return WriteStatusAs(call,
                         [&](storage::Connection& c, const CallContext& cc) {
                           return DeleteStaffMember(c, cc, id, etag);
                         });
  }
  StaffFilter At(const Institution& i) {
    StaffFilter f;
    f.institution_id = i.id;
    return f;
  }
};

TEST_F(StaffTest, CreateThenGet) {
  StaffMember in =
      NewStaff(a_, "Ilze", "Kalniņa", StaffPosition::kPsychologist);
  in.external_id = "S-1";
  absl::StatusOr<StaffMember> s = CreateS(Head(a_), in);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->version, 1);
  absl::StatusOr<StaffMember> got = GetS(Teacher(a_), s->id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->given_name, "Ilze");
  EXPECT_EQ(got->family_name, "Kalniņa");
  EXPECT_EQ(got->position, StaffPosition::kPsychologist);
  EXPECT_EQ(got->institution_id, a_.id);
  EXPECT_EQ(got->external_id, "S-1");
}

TEST_F(StaffTest, EveryRuleNamesItsField) {
  StaffMember in;
  in.given_name = std::string(101, 'a');
  in.external_id = std::string(65, 'x');
  absl::StatusOr<StaffMember> s = CreateS(Admin(), in, "bad id");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(s.status()),
              UnorderedElementsAre(
                  "request_id", "staff_member.given_name",
                  "staff_member.family_name", "staff_member.position",
                  "staff_member.institution", "staff_member.external_id"));
  for (int position : {0, 9, -1}) {
    StaffMember bad = NewStaff(a_, "A", "B");
    bad.position = static_cast<StaffPosition>(position);
    EXPECT_THAT(ViolatedFields(CreateS(Admin(), bad).status()),
                ElementsAre("staff_member.position"));
  }
  StaffMember nowhere = NewStaff(a_, "A", "B");
  nowhere.institution_id = "nosuch";
  EXPECT_THAT(ViolatedFields(CreateS(Admin(), nowhere).status()),
              ElementsAre("staff_member.institution"));
  EXPECT_EQ(CountRows("staff"), 0);
}

TEST_F(StaffTest, ExternalIdIsUniqueAndRequestIdIdempotent) {
  StaffMember in = NewStaff(a_, "Ilze", "Kalniņa");
  in.external_id = "S-1";
  ASSERT_THAT(CreateS(Admin(), in), IsOk());
  absl::StatusOr<StaffMember> again = CreateS(Admin(), in);
  EXPECT_THAT(again, HasReason("EXTERNAL_ID_TAKEN"));
  EXPECT_THAT(ViolatedFields(again.status()),
              ElementsAre("staff_member.external_id"));
  const StaffMember plain = NewStaff(a_, "Juris", "Liepa");
  absl::StatusOr<StaffMember> first = CreateS(Head(a_), plain, "r1");
  absl::StatusOr<StaffMember> second = CreateS(Head(a_), plain, "r1");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->id, second->id);
  EXPECT_EQ(CountRows("staff"), 2);
}

TEST_F(StaffTest, ListFiltersAndSortsInLatvian) {
  MustCreateS(NewStaff(a_, "Ilze", "Čakste", StaffPosition::kTeacher));
  MustCreateS(NewStaff(a_, "Ēriks", "Celms", StaffPosition::kPsychologist));
  MustCreateS(NewStaff(a_, "Anna", "Šķēle", StaffPosition::kTeacher));
  MustCreateS(NewStaff(a_, "Rūta", "Sala", StaffPosition::kHead));
  MustCreateS(NewStaff(b_, "Anna", "Ābele", StaffPosition::kTeacher));
  absl::StatusOr<Page<StaffMember>> all = ListS(Admin(), At(a_));
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(FullNames(all->items), ElementsAre("Celms Ēriks", "Čakste Ilze",
                                                 "Sala Rūta", "Šķēle Anna"));
  StaffFilter teachers = At(a_);
  teachers.position = StaffPosition::kTeacher;
  EXPECT_THAT(FullNames(ListS(Admin(), teachers)->items),
              ElementsAre("Čakste Ilze", "Šķēle Anna"));
  StaffFilter named = At(a_);
  named.name_prefix = "SKE";
  EXPECT_THAT(FullNames(ListS(Admin(), named)->items),
              ElementsAre("Šķēle Anna"));
  named.name_prefix = "eri";
  EXPECT_THAT(FullNames(ListS(Admin(), named)->items),
              ElementsAre("Celms Ēriks"));
  // Pages, and tokens bound to the filters.
  absl::StatusOr<Page<StaffMember>> first = ListS(Admin(), At(a_), 3);
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<Page<StaffMember>> second =
      ListS(Admin(), At(a_), 3, first->next_page_token);
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(FullNames(second->items), ElementsAre("Šķēle Anna"));
  EXPECT_THAT(ListS(Admin(), teachers, 3, first->next_page_token),
              HasReason("INVALID_PAGE_TOKEN"));
}

TEST_F(StaffTest, ListValidatesItsFilters) {
  EXPECT_THAT(ViolatedFields(ListS(Admin(), StaffFilter{}).status()),
              ElementsAre("institution"));
  StaffFilter f = At(a_);
  f.position = static_cast<StaffPosition>(42);
  EXPECT_THAT(ViolatedFields(ListS(Admin(), f).status()),
              ElementsAre("position"));
  f = At(a_);
  f.name_prefix = std::string(101, 'a');
  EXPECT_THAT(ViolatedFields(ListS(Admin(), f).status()),
              ElementsAre("name_prefix"));
}

TEST_F(StaffTest, AccessFollowsThePolicy) {
  const StaffMember s = MustCreateS(NewStaff(a_, "Ilze", "Kalniņa"));
  EXPECT_THAT(GetS(Teacher(a_), s.id), IsOk());
  EXPECT_THAT(GetS(Provider(a_), s.id), IsOk());
  EXPECT_THAT(GetS(MunicipalityCoordinator(north_), s.id), IsOk());
  for (const CallContext& call :
       {Teacher(b_), Head(c_), MunicipalityCoordinator(south_),
        GuardianOf("g1"), As("m", {{Role::kMethodologist, ""}})}) {
    SCOPED_TRACE(call.caller_id);
    EXPECT_THAT(GetS(call, s.id),
                StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_THAT(ListS(call, At(a_)),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_THAT(GetS(Teacher(a_), "nosuch"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetS(Admin(), "nosuch"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(GetS(Anonymous(), s.id),
              StatusIs(absl::StatusCode::kUnauthenticated));
  // Only the head (and the administrator) changes staff.
  EXPECT_THAT(CreateS(Head(a_), NewStaff(a_, "A", "B")), IsOk());
  for (const CallContext& call : {Coordinator(a_), Teacher(a_), Head(b_)}) {
    SCOPED_TRACE(call.caller_id);
    EXPECT_THAT(CreateS(call, NewStaff(a_, "C", "D")),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
}

TEST_F(StaffTest, UpdateAndDelete) {
  const StaffMember s = MustCreateS(NewStaff(a_, "Ilze", "Kalniņa"));
  StaffChanges changes;
  changes.position = StaffPosition::kSpeechTherapist;
  changes.family_name = "Ziemele";
  absl::StatusOr<StaffMember> updated =
      UpdateS(Head(a_), s.id, changes, EtagFor(1));
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->position, StaffPosition::kSpeechTherapist);
  StaffFilter f = At(a_);
  f.name_prefix = "zie";
  EXPECT_THAT(FullNames(ListS(Admin(), f)->items), ElementsAre("Ziemele Ilze"));
  EXPECT_THAT(UpdateS(Head(a_), s.id, changes, EtagFor(1)),
              StatusIs(absl::StatusCode::kAborted));
  changes = StaffChanges();
  changes.position = StaffPosition::kUnspecified;
  EXPECT_THAT(ViolatedFields(UpdateS(Head(a_), s.id, changes).status()),
              ElementsAre("staff_member.position"));
  changes = StaffChanges();
  changes.institution_id = b_.id;
  EXPECT_THAT(UpdateS(Head(a_), s.id, changes),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(DeleteS(Teacher(a_), s.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_THAT(DeleteS(Head(a_), s.id, EtagFor(2)), IsOk());
  EXPECT_EQ(CountRows("staff"), 0);
}

TEST_F(StaffTest, NothingIsAudited) {
  CallContext head = Head(a_);
  absl::StatusOr<StaffMember> s = CreateS(head, NewStaff(a_, "Ilze", "K"));
  ASSERT_THAT(s, IsOk());
  ASSERT_THAT(GetS(head, s->id), IsOk());
  ASSERT_THAT(ListS(head, At(a_)), IsOk());
  CallContext refused = Teacher(b_);
  EXPECT_THAT(GetS(refused, s->id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Deferred(head), IsEmpty());
  EXPECT_THAT(Deferred(refused), IsEmpty());
  EXPECT_THAT(StoredAudit(), IsEmpty());
}

// A staff record linked to the account its person signs in with: only an
// account with a staff role in the institution, one record per institution;
// and signing in with the account makes the caller that staff member.
TEST_F(StaffTest, LinksTheAccountThePersonSignsInWith) {
  auto account = [&](const std::string& name, Role role,
                     const std::string& scope) {
    return Write<std::string>(
        [&](storage::Connection& c) -> absl::StatusOr<std::string> {
          auth::AccountRecord a;
          a.username = name;
          a.roles = {{role, scope}};
          PUMPURS_ASSIGN_OR_RETURN(auth::AccountRecord stored,
                                   auth::InsertAccount(c, a, absl::Now()));
          return stored.id;
        });
  };
  absl::StatusOr<std::string> teacher =
      account("skolotaja", Role::kPlanPreparer, a_.id);
  absl::StatusOr<std::string> elsewhere =
      account("cita", Role::kPlanPreparer, b_.id);
  ASSERT_THAT(teacher, IsOk());
  ASSERT_THAT(elsewhere, IsOk());

  StaffMember in = NewStaff(a_, "Ilze", "Kalniņa");
  in.account_id = *elsewhere;
  EXPECT_THAT(ViolatedFields(CreateS(Head(a_), in).status()),
              ElementsAre("staff_member.account"));
  in.account_id = *teacher;
  absl::StatusOr<StaffMember> linked = CreateS(Head(a_), in);
  ASSERT_THAT(linked, IsOk());
  EXPECT_EQ(linked->account_id, *teacher);
  absl::StatusOr<StaffMember> read = GetS(Head(a_), linked->id);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->account_id, *teacher);
  // One record per institution for a person.
  StaffMember twin = NewStaff(a_, "Ilze", "Kalniņa-Otra");
  twin.account_id = *teacher;
  EXPECT_THAT(ViolatedFields(CreateS(Head(a_), twin).status()),
              ElementsAre("staff_member.account"));

  // Signing in: the principal carries the staff record.
  absl::StatusOr<std::string> token = Write<std::string>(
      [&](storage::Connection& c) -> absl::StatusOr<std::string> {
        PUMPURS_ASSIGN_OR_RETURN(auth::IssuedSession s,
                                 auth::IssueSession(c, *teacher, absl::Now()));
        return s.access_token;
      });
  ASSERT_THAT(token, IsOk());
  CallContext call;
  call.bearer_token = *token;
  ASSERT_THAT(db_->ReadSync(call,
                            [&](storage::Connection& c) {
                              return auth::Authenticate(c, call, absl::Now());
                            }),
              IsOk());
  EXPECT_THAT(call.principal.staff_ids, ElementsAre(linked->id));

  // Unlinking.
  StaffChanges unlink;
  unlink.account_id = "";
  absl::StatusOr<StaffMember> unlinked = UpdateS(Head(a_), linked->id, unlink);
  ASSERT_THAT(unlinked, IsOk());
  EXPECT_EQ(unlinked->account_id, "");
  ASSERT_THAT(GetS(Head(a_), linked->id), IsOk());
  EXPECT_EQ(GetS(Head(a_), linked->id)->account_id, "");
}

}  // namespace
}  // namespace pumpurs::directory
