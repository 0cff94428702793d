// Project applications (projects.h): applying under an open call (drafts
// outside the period too), who sees which project and how much of it (the
// at-risk counts only for the call's owner), the audit trail per member
// pupil, lists agreeing with the per-project decision for every kind of
// caller, changes of drafts, submission inside the period (its first and
// last day in Latvia) with a budget of exactly the lump sum, withdrawal,
// request_id retries and nothing stored on a failure.

#include "server/initiatives/projects.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "server/initiatives/access.h"
#include "tests/initiatives/application_fixture.h"

namespace pumpurs::initiatives {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class ProjectsTest : public ApplicationTest {
 protected:
  // A project stored directly, naming `members` (pupil ids).
  StoredInitiative AddProject(const StoredCall& c, v1::InitiativeState state,
                              const std::string& owner,
                              const std::vector<std::string>& members) {
    StoredInitiative i;
    i.id = NewId();
    i.call_id = c.id;
    i.municipality_id = c.municipality_id;
    i.institution_id = c.institution_id;
    i.owner_account_id = owner;
    i.initiative = Content(c);
    i.initiative.clear_members();
    for (const std::string& m : members) {
      i.initiative.add_members(ResourceName(kPupils, m));
    }
    i.initiative.set_municipality(c.call.municipality());
    i.initiative.set_state(state);
    EXPECT_THAT(db_->WriteSync(CallContext{},
                               [&](Connection& conn) {
                                 return InsertInitiative(conn, i, absl::Now());
                               }),
                IsOk());
    return i;
  }
  // An open call of the state vocational school V (evaluator 2 only).
  StoredCall AddVCall() {
    v1::Call in = NewCall(VOwner(), Today() - 1, Today() + 10, false);
    in.add_evaluators(ResourceName(kAccounts, evaluator2_));
    absl::StatusOr<v1::Call> made = CreateC(HeadV(), in);
    EXPECT_THAT(made, IsOk());
    EXPECT_THAT(OpenC(HeadV(), IdOf(made->name())), IsOk());
    return Stored(IdOf(made->name()));
  }
  StoredCall Stored(const std::string& id) {
    absl::StatusOr<std::optional<StoredCall>> c =
        Read<std::optional<StoredCall>>(
            [&](Connection& conn) { return LoadCall(conn, id); });
    EXPECT_THAT(c, IsOk());
    return c.ok() && c->has_value() ? **c : StoredCall{};
  }
  StoredInitiative StoredProject(const std::string& id) {
    absl::StatusOr<std::optional<StoredInitiative>> i =
        Read<std::optional<StoredInitiative>>(
            [&](Connection& conn) { return LoadInitiative(conn, id); });
    EXPECT_THAT(i, IsOk());
    return i.ok() && i->has_value() ? **i : StoredInitiative{};
  }
  std::vector<std::string> Names(const ListPage<v1::Initiative>& page) {
    std::vector<std::string> out;
    for (const v1::Initiative& i : page.items) out.push_back(i.name());
    return out;
  }
  static absl::Time InRiga(int y, int m, int d, int hh, int mm) {
    absl::TimeZone riga;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/Riga", &riga));
    return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), riga);
  }
  CallContext Service(std::vector<std::string> scopes) {
    CallContext call = As("robots", {{Role::kNationalAdministrator, ""}});
    call.principal.is_service = true;
    call.principal.api_scopes = std::move(scopes);
    return call;
  }
};

TEST_F(ProjectsTest, AnyUserAppliesUnderAnOpenCallAndOwnsTheDraft) {
  const StoredCall c = AddCall(Today() - 1, Today() + 10);
  const int64_t changes_before = QueryInt("SELECT count(*) FROM changes");
  absl::StatusOr<v1::Initiative> made = CreateIn(Applicant(), Content(c));
  ASSERT_THAT(made, IsOk());
  EXPECT_EQ(made->state(), v1::INITIATIVE_STATE_DRAFT);
  EXPECT_EQ(made->owner(), ResourceName(kAccounts, applicant_));
  EXPECT_EQ(made->call(), c.call.name());
  EXPECT_EQ(made->municipality(), NorthOwner());
  EXPECT_EQ(made->planned_at_risk(), 0);  // the coordinator's alone
  EXPECT_EQ(made->planned_participants(), 24);
  const StoredInitiative stored = StoredProject(IdOf(made->name()));
  EXPECT_EQ(stored.initiative.planned_at_risk(), 9);
  EXPECT_EQ(stored.owner_account_id, applicant_);
  EXPECT_EQ(stored.municipality_id, north_.id);
  EXPECT_EQ(stored.institution_id, "");
  EXPECT_EQ(stored.member_ids, std::vector<std::string>{pupil1_});
  EXPECT_EQ(Changes(made->name()), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM changes"), changes_before + 1);
  EXPECT_EQ(AuditedPupils("initiative.create"),
            std::vector<std::string>{pupil1_});
}

TEST_F(ProjectsTest, CreationIsAuditedOncePerMemberPupil) {
  const StoredCall c = AddCall(Today() - 1, Today() + 10);
  v1::Initiative in = Content(c);
  in.add_members(ResourceName(kPupils, pupil2_));
  ASSERT_THAT(CreateIn(Applicant(), in), IsOk());
  EXPECT_EQ(AuditedPupils("initiative.create"), Sorted({pupil1_, pupil2_}));
  // A project naming nobody leaves no trail.
  in.clear_members();
  ASSERT_THAT(CreateIn(Applicant(), in), IsOk());
  EXPECT_EQ(AuditCount("initiative.create"), 2);
}

TEST_F(ProjectsTest, AVocationalSchoolsProjectBelongsToItsMunicipality) {
  const StoredCall c = AddVCall();
  absl::StatusOr<v1::Initiative> made = CreateIn(Applicant(), Content(c));
  ASSERT_THAT(made, IsOk());
  EXPECT_EQ(made->municipality(), ResourceName(kMunicipalities, south_.id));
  const StoredInitiative stored = StoredProject(IdOf(made->name()));
  EXPECT_EQ(stored.institution_id, v_.id);
  EXPECT_EQ(stored.municipality_id, "");
}

TEST_F(ProjectsTest, ADraftMayBeStartedOutsideThePeriodAndIncomplete) {
  const StoredCall later = AddCall(Today() + 10, Today() + 20);
  v1::Initiative in;
  in.set_call(later.call.name());
  absl::StatusOr<v1::Initiative> made = CreateIn(Applicant(), in);
  ASSERT_THAT(made, IsOk());
  EXPECT_EQ(made->state(), v1::INITIATIVE_STATE_DRAFT);
}

TEST_F(ProjectsTest, OnlyAnOpenCallTheCallerSeesTakesApplications) {
  const StoredCall draft = AddCall(Today(), Today() + 5, v1::CALL_STATE_DRAFT);
  const StoredCall decided =
      AddCall(Today() - 20, Today() - 10, v1::CALL_STATE_DECIDED);
  EXPECT_THAT(CreateIn(Applicant(), Content(draft)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateIn(North(), Content(draft)),
              HasReason(std::string("CALL_NOT_OPEN")));
  EXPECT_THAT(CreateIn(Applicant(), Content(decided)),
              HasReason(std::string("CALL_NOT_OPEN")));
  v1::Initiative nowhere = Content(draft);
  nowhere.set_call(ResourceName(kCalls, NewId()));
  EXPECT_THAT(CreateIn(Applicant(), nowhere),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateIn(Admin(), nowhere),
              StatusIs(absl::StatusCode::kNotFound));
  nowhere.set_call("");
  EXPECT_THAT(CreateIn(Applicant(), nowhere),
              ViolatesFields(std::vector<std::string>{"initiative.call"}));
  nowhere.set_call("calls/x");
  EXPECT_THAT(CreateIn(Applicant(), nowhere),
              ViolatesFields(std::vector<std::string>{"initiative.call"}));
  EXPECT_EQ(CountRows("initiatives"), 0);
}

TEST_F(ProjectsTest, ApplicantsAreSignedInPeopleNotServices) {
  const StoredCall c = AddCall(Today(), Today() + 5);
  EXPECT_THAT(CreateIn(Anonymous(), Content(c)),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(CreateIn(Service({"initiatives.write"}), Content(c)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(CountRows("initiatives"), 0);
}

TEST_F(ProjectsTest, AnInvalidApplicationNamesEveryFieldAndStoresNothing) {
  const StoredCall c = AddCall(Today(), Today() + 5);
  v1::Initiative in = Content(c);
  in.add_members(ResourceName(kPupils, NewId()));
  in.mutable_organisation()->set_registration_number("123");
  in.mutable_budget(0)->set_amount_cents(0);
  absl::StatusOr<v1::Initiative> made = CreateIn(Applicant(), in);
  EXPECT_THAT(made, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(made, ViolatesFields(std::vector<std::string>{
                        "initiative.members[1]",
                        "initiative.organisation.registration_number",
                        "initiative.budget[0].amount_cents"}));
  EXPECT_EQ(CountRows("initiatives"), 0);
  EXPECT_EQ(CountRows("initiative_members"), 0);
  EXPECT_EQ(AuditCount("initiative.create"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM changes WHERE resource LIKE "
                     "'initiatives/%'"),
            0);
}

TEST_F(ProjectsTest, ARetriedRequestIdReturnsTheFirstProject) {
  const StoredCall c = AddCall(Today(), Today() + 5);
  absl::StatusOr<v1::Initiative> first =
      CreateIn(Applicant(), Content(c), "pieteikums-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::Initiative> again =
      CreateIn(Applicant(), Content(c), "pieteikums-1");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->name(), first->name());
  EXPECT_EQ(CountRows("initiatives"), 1);
  // Another caller's id is theirs.
  absl::StatusOr<v1::Initiative> other =
      CreateIn(OtherApplicant(), Content(c), "pieteikums-1");
  ASSERT_THAT(other, IsOk());
  EXPECT_NE(other->name(), first->name());
}

TEST_F(ProjectsTest, WhoSeesAProjectAndTheAtRiskCount) {
  const StoredCall c = AddCall(Today() - 1, Today() + 10);
  const StoredInitiative draft =
      AddProject(c, v1::INITIATIVE_STATE_DRAFT, applicant_, {pupil1_});
  const StoredInitiative sent =
      AddProject(c, v1::INITIATIVE_STATE_SUBMITTED, applicant_, {pupil1_});
  struct Case {
    const char* who;
    CallContext caller;
    bool sees_draft;
    bool sees_submitted;
    int at_risk;  // as shown, when seen
  };
  const std::vector<Case> cases = {
      {"owner", Applicant(), true, true, 0},
      {"coordinator", North(), true, true, 9},
      {"admin", Admin(), true, true, 9},
      {"evaluator", Evaluator1(), false, true, 0},
      {"guardian", Guardian1(), true, true, 0},
      {"other guardian", GuardianOf(guardian2_), false, false, 0},
      {"other applicant", OtherApplicant(), false, false, 0},
      {"other municipality", South(), false, false, 0},
      {"school head", Head(a_), false, false, 0},
      {"vocational head", HeadV(), false, false, 0},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.who);
    for (const auto& [project, sees] :
         {std::make_pair(&draft, k.sees_draft),
          std::make_pair(&sent, k.sees_submitted)}) {
      absl::StatusOr<v1::Initiative> got = GetIn(k.caller, project->id);
      if (!sees) {
        EXPECT_THAT(got, StatusIs(absl::StatusCode::kPermissionDenied));
        continue;
      }
      ASSERT_THAT(got, IsOk());
      EXPECT_EQ(got->planned_at_risk(), k.at_risk);
      EXPECT_EQ(got->title(), "Sporta vakari");
    }
  }
  EXPECT_THAT(GetIn(Anonymous(), draft.id),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(GetIn(Admin(), NewId()), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(GetIn(Applicant(), NewId()),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(ProjectsTest, AnAdultMemberSeesTheProjectWithoutTheAtRiskCount) {
  const StoredCall c = AddVCall();
  const StoredInitiative i = AddProject(c, v1::INITIATIVE_STATE_DRAFT,
                                        other_applicant_, {adult_pupil_});
  absl::StatusOr<v1::Initiative> got = GetIn(AdultPupil(adult_pupil_), i.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->planned_at_risk(), 0);
  absl::StatusOr<v1::Initiative> coordinator = GetIn(Coordinator(v_), i.id);
  ASSERT_THAT(coordinator, IsOk());
  EXPECT_EQ(coordinator->planned_at_risk(), 9);
  EXPECT_THAT(GetIn(AdultPupil(pupil2_), i.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(ProjectsTest, ReadsAndRefusalsAreAuditedPerMember) {
  const StoredCall c = AddCall(Today() - 1, Today() + 10);
  const StoredInitiative i =
      AddProject(c, v1::INITIATIVE_STATE_DRAFT, applicant_, {pupil1_, pupil2_});
  CallContext guardian = Guardian1();
  ASSERT_THAT(GetIn(guardian, i.id), IsOk());
  const std::string read = "initiative.read " + i.initiative.name() + " 1";
  EXPECT_THAT(Deferred(guardian), ElementsAre(read, read));
  CallContext stranger = OtherApplicant();
  EXPECT_THAT(GetIn(stranger, i.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  const std::string denied = "initiative.read " + i.initiative.name() + " 2";
  EXPECT_THAT(Deferred(stranger), ElementsAre(denied, denied));
}

TEST_F(ProjectsTest, ListsFilterPageAndPresentEachProjectForTheCaller) {
  const StoredCall north = AddCall(Today() - 1, Today() + 10);
  const StoredCall v = AddVCall();
  std::vector<std::string> north_names;
  for (int i = 0; i < 3; ++i) {
    north_names.insert(
        north_names.begin(),
        AddProject(north, v1::INITIATIVE_STATE_SUBMITTED, applicant_, {pupil1_})
            .initiative.name());
  }
  const StoredInitiative north_draft =
      AddProject(north, v1::INITIATIVE_STATE_DRAFT, applicant_, {});
  const StoredInitiative v_project =
      AddProject(v, v1::INITIATIVE_STATE_SUBMITTED, applicant_, {});

  InitiativeFilter by_call;
  by_call.call_id = north.id;
  by_call.state = v1::INITIATIVE_STATE_SUBMITTED;
  CallContext coordinator = North();
  absl::StatusOr<ListPage<v1::Initiative>> page = ListIn(coordinator, by_call);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(Names(*page), north_names);
  for (const v1::Initiative& i : page->items) {
    EXPECT_EQ(i.planned_at_risk(), 9);
  }
  EXPECT_THAT(Deferred(coordinator),
              Contains("initiative.list " + north_names[0] + " 1"));

  InitiativeFilter all;
  page = ListIn(Applicant(), all);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->items.size(), 5u);
  EXPECT_EQ(page->items.front().name(), v_project.initiative.name());
  for (const v1::Initiative& i : page->items) {
    EXPECT_EQ(i.planned_at_risk(), 0);
  }

  InitiativeFilter in_south;
  in_south.municipality_id = south_.id;
  page = ListIn(Admin(), in_south);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Names(*page), ElementsAre(v_project.initiative.name()));
  // The municipality does not see the state school's projects.
  page = ListIn(South(), in_south);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(page->items, IsEmpty());
  InitiativeFilter in_north;
  in_north.municipality_id = north_.id;
  in_north.state = v1::INITIATIVE_STATE_DRAFT;
  page = ListIn(Admin(), in_north);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Names(*page), ElementsAre(north_draft.initiative.name()));

  // An evaluator of the north call sees its submitted projects only.
  page = ListIn(Evaluator1(), all);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(Names(*page), north_names);

  InitiativeFilter paged;
  paged.page_size = 2;
  std::vector<std::string> seen;
  std::string token;
  do {
    paged.page_token = token;
    page = ListIn(Applicant(), paged);
    ASSERT_THAT(page, IsOk());
    for (const std::string& n : Names(*page)) seen.push_back(n);
    token = page->next_page_token;
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5u);

  paged.page_token = "";
  page = ListIn(Applicant(), paged);
  ASSERT_THAT(page, IsOk());
  InitiativeFilter other = paged;
  other.page_token = page->next_page_token;
  other.call_id = north.id;
  EXPECT_THAT(ListIn(Applicant(), other),
              HasReason(std::string("INVALID_PAGE_TOKEN")));
  InitiativeFilter bad;
  bad.state = static_cast<v1::InitiativeState>(42);
  EXPECT_THAT(ListIn(Applicant(), bad),
              ViolatesFields(std::vector<std::string>{"state"}));
  EXPECT_THAT(ListIn(Anonymous(), all),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(ProjectsTest, TheListConditionAgreesWithViewOfForEveryCaller) {
  const StoredCall north = AddCall(Today() - 1, Today() + 10);
  const StoredCall v = AddVCall();
  const StoredCall draft_call =
      AddCall(Today(), Today() + 10, v1::CALL_STATE_DRAFT);
  AddProject(north, v1::INITIATIVE_STATE_DRAFT, applicant_, {pupil1_});
  AddProject(north, v1::INITIATIVE_STATE_SUBMITTED, applicant_, {});
  AddProject(north, v1::INITIATIVE_STATE_EVALUATED, other_applicant_,
             {pupil2_});
  AddProject(north, v1::INITIATIVE_STATE_WITHDRAWN, other_applicant_,
             {pupil1_, pupil2_});
  AddProject(v, v1::INITIATIVE_STATE_DRAFT, other_applicant_, {adult_pupil_});
  AddProject(v, v1::INITIATIVE_STATE_APPROVED, applicant_,
             {adult_pupil_, pupil1_});
  AddProject(draft_call, v1::INITIATIVE_STATE_DRAFT, evaluator1_, {});

  std::vector<std::string> all_ids;
  ASSERT_THAT(db_->ReadSync(CallContext{},
                            [&](Connection& c) -> absl::Status {
                              PUMPURS_ASSIGN_OR_RETURN(
                                  storage::Statement s,
                                  c.Prepare("SELECT id FROM initiatives"));
                              while (true) {
                                PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                                if (!row) break;
                                all_ids.push_back(s.ColumnText(0));
                              }
                              return absl::OkStatus();
                            }),
              IsOk());
  ASSERT_EQ(all_ids.size(), 7u);

  const std::vector<std::pair<std::string, CallContext>> callers = {
      {"applicant", Applicant()},
      {"other applicant", OtherApplicant()},
      {"evaluator 1", Evaluator1()},
      {"evaluator 2", Evaluator2()},
      {"north", North()},
      {"south", South()},
      {"head V", HeadV()},
      {"coordinator V", Coordinator(v_)},
      {"head A", Head(a_)},
      {"coordinator A", Coordinator(a_)},
      {"teacher A", Teacher(a_)},
      {"admin", Admin()},
      {"guardian 1", Guardian1()},
      {"guardian 2", GuardianOf(guardian2_)},
      {"adult pupil", AdultPupil(adult_pupil_)},
      {"pupil 2 as adult", AdultPupil(pupil2_)},
      {"service with scope", Service({"initiatives.read"})},
      {"service without scope", Service({"plans.read"})},
      {"service that only writes", Service({"initiatives.write"})},
      {"anonymous", Anonymous()},
  };
  for (const auto& [who, caller] : callers) {
    SCOPED_TRACE(who);
    std::vector<std::string> by_sql, by_view;
    ASSERT_THAT(
        db_->ReadSync(
            CallContext{},
            [&](Connection& c) -> absl::Status {
              const SqlCondition cond = VisibleInitiatives(caller.principal);
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("SELECT i.id FROM initiatives i WHERE " +
                            cond.sql));
              for (size_t k = 0; k < cond.binds.size(); ++k) {
                s.Bind(static_cast<int>(k) + 1, cond.binds[k]);
              }
              while (true) {
                PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                if (!row) break;
                by_sql.push_back(s.ColumnText(0));
              }
              for (const std::string& id : all_ids) {
                PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredInitiative> i,
                                         LoadInitiative(c, id));
                PUMPURS_ASSIGN_OR_RETURN(std::optional<StoredCall> k,
                                         LoadCall(c, i->call_id));
                if (ViewOf(caller.principal, *i, *k) != View::kNone) {
                  by_view.push_back(id);
                }
              }
              return absl::OkStatus();
            }),
        IsOk());
    EXPECT_THAT(by_sql, UnorderedElementsAreArray(by_view));
    // And the list returns exactly those (the anonymous caller is refused).
    if (caller.principal.authenticated()) {
      InitiativeFilter f;
      f.page_size = 100;
      absl::StatusOr<ListPage<v1::Initiative>> page = ListIn(caller, f);
      ASSERT_THAT(page, IsOk());
      std::vector<std::string> listed;
      for (const v1::Initiative& i : page->items)
        listed.push_back(IdOf(i.name()));
      EXPECT_THAT(listed, UnorderedElementsAreArray(by_view));
    }
  }
}

TEST_F(ProjectsTest, TheOwnerChangesADraftWithItsEtag) {
  const StoredCall c = AddCall(Today() - 1, Today() + 10);
  absl::StatusOr<v1::Initiative> made = CreateIn(Applicant(), Content(c));
  ASSERT_THAT(made, IsOk());
  const std::string id = IdOf(made->name());
  v1::Initiative changes;
  changes.set_title("Jauns nosaukums");
  changes.set_aims("Nekas");  // not in the mask
  changes.add_members(ResourceName(kPupils, pupil2_));
  absl::StatusOr<v1::Initiative> changed =
      UpdateIn(Applicant(), id, changes, {"title", "members"}, made->etag());
  ASSERT_THAT(changed, IsOk());
  EXPECT_EQ(changed->title(), "Jauns nosaukums");
  EXPECT_EQ(changed->aims(), made->aims());
  EXPECT_THAT(changed->members(), ElementsAre(ResourceName(kPupils, pupil2_)));
  EXPECT_NE(changed->etag(), made->etag());
  EXPECT_EQ(StoredProject(id).member_ids, std::vector<std::string>{pupil2_});
  // The pupil taken off and the one added both hear of it.
  EXPECT_EQ(AuditedPupils("initiative.update"), Sorted({pupil1_, pupil2_}));
  EXPECT_EQ(Changes(made->name()), 2);
  // Pupil 1's guardian no longer sees it; pupil 2's does.
  EXPECT_THAT(GetIn(Guardian1(), id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetIn(GuardianOf(guardian2_), id), IsOk());

  EXPECT_THAT(UpdateIn(Applicant(), id, changes, {"title"}, made->etag()),
              StatusIs(absl::StatusCode::kAborted));
  // No change: nothing stored.
  absl::StatusOr<v1::Initiative> same =
      UpdateIn(Applicant(), id, changes, {"title"});
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->etag(), changed->etag());
  EXPECT_EQ(Changes(made->name()), 2);
}

TEST_F(ProjectsTest, UpdatesAreTheOwnersAndOnlyOfDrafts) {
  const StoredCall c = AddCall(Today() - 1, Today() + 10);
  const StoredInitiative draft =
      AddProject(c, v1::INITIATIVE_STATE_DRAFT, applicant_, {pupil1_});
  const StoredInitiative sent =
      AddProject(c, v1::INITIATIVE_STATE_SUBMITTED, applicant_, {pupil1_});
  v1::Initiative changes;
  changes.set_title("Cits");
  const std::string denied =
      "initiative.update " + draft.initiative.name() + " 2";
  for (const CallContext& caller :
       {North(), Guardian1(), OtherApplicant(), Evaluator1()}) {
    EXPECT_THAT(UpdateIn(caller, draft.id, changes, {"title"}),
                StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_THAT(Deferred(caller), ElementsAre(denied));
  }
  EXPECT_THAT(UpdateIn(Applicant(), sent.id, changes, {"title"}),
              HasReason(std::string("INITIATIVE_NOT_DRAFT")));
  EXPECT_THAT(UpdateIn(Applicant(), draft.id, changes, {}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
  EXPECT_THAT(UpdateIn(Applicant(), draft.id, changes, {"state"}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
  changes.set_planned_participants(5);
  EXPECT_THAT(
      UpdateIn(Applicant(), draft.id, changes, {"planned_participants"}),
      ViolatesFields(std::vector<std::string>{"initiative.planned_at_risk"}));
  EXPECT_EQ(StoredProject(draft.id).version, 1);
}

TEST_F(ProjectsTest, SubmittingNeedsTheDraftCompleteWithinTheOpenCall) {
  const StoredCall c = AddCall(Today() - 1, Today() + 10);
  v1::Initiative bare;
  bare.set_call(c.call.name());
  bare.set_title("Tikai nosaukums");
  absl::StatusOr<v1::Initiative> made = CreateIn(Applicant(), bare);
  ASSERT_THAT(made, IsOk());
  absl::StatusOr<v1::Initiative> refused =
      SubmitIn(Applicant(), IdOf(made->name()));
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      refused,
      ViolatesFields(std::vector<std::string>{
          "initiative.organisation.name",
          "initiative.organisation.registration_number",
          "initiative.organisation.kind", "initiative.supervisor.given_name",
          "initiative.supervisor.family_name", "initiative.aims",
          "initiative.activities", "initiative.budget",
          "initiative.planned_participants"}));
  EXPECT_EQ(StoredProject(IdOf(made->name())).state(),
            v1::INITIATIVE_STATE_DRAFT);

  const StoredInitiative good =
      AddProject(c, v1::INITIATIVE_STATE_DRAFT, applicant_, {pupil1_});
  EXPECT_THAT(SubmitIn(North(), good.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(SubmitIn(Applicant(), good.id, absl::Now(), "\"stale\""),
              StatusIs(absl::StatusCode::kAborted));
  const absl::Time now = absl::Now();
  absl::StatusOr<v1::Initiative> sent = SubmitIn(Applicant(), good.id, now);
  ASSERT_THAT(sent, IsOk());
  EXPECT_EQ(sent->state(), v1::INITIATIVE_STATE_SUBMITTED);
  EXPECT_EQ(sent->submit_time().seconds(), absl::ToUnixSeconds(now));
  EXPECT_EQ(StoredProject(good.id).state(), v1::INITIATIVE_STATE_SUBMITTED);
  EXPECT_EQ(AuditedPupils("initiative.submit"),
            std::vector<std::string>{pupil1_});
  EXPECT_THAT(SubmitIn(Applicant(), good.id),
              HasReason(std::string("INITIATIVE_NOT_DRAFT")));
  // Now the evaluators see it.
  EXPECT_THAT(GetIn(Evaluator2(), good.id), IsOk());

  const StoredCall decided =
      AddCall(Today() - 1, Today() + 10, v1::CALL_STATE_DECIDED);
  const StoredInitiative late =
      AddProject(decided, v1::INITIATIVE_STATE_DRAFT, applicant_, {});
  EXPECT_THAT(SubmitIn(Applicant(), late.id),
              HasReason(std::string("CALL_NOT_OPEN")));
}

TEST_F(ProjectsTest, ThePeriodRunsFromItsFirstToItsLastDayInLatvia) {
  const StoredCall c =
      AddCall(absl::CivilDay(2030, 3, 10), absl::CivilDay(2030, 3, 20));
  const StoredInitiative first =
      AddProject(c, v1::INITIATIVE_STATE_DRAFT, applicant_, {});
  const StoredInitiative last =
      AddProject(c, v1::INITIATIVE_STATE_DRAFT, applicant_, {});
  // The evening before the first day.
  EXPECT_THAT(SubmitIn(Applicant(), first.id, InRiga(2030, 3, 9, 23, 59)),
              HasReason(std::string("OUTSIDE_APPLICATION_PERIOD")));
  // Just after midnight in Riga, still the 9th in UTC.
  absl::StatusOr<v1::Initiative> on_first =
      SubmitIn(Applicant(), first.id, InRiga(2030, 3, 10, 0, 30));
  EXPECT_THAT(on_first, IsOk());
  // Past midnight after the last day in Riga, still the 20th in UTC.
  EXPECT_THAT(SubmitIn(Applicant(), last.id, InRiga(2030, 3, 21, 0, 30)),
              HasReason(std::string("OUTSIDE_APPLICATION_PERIOD")));
  EXPECT_THAT(SubmitIn(Applicant(), last.id, InRiga(2030, 3, 21, 0, 30)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(SubmitIn(Applicant(), last.id, InRiga(2030, 3, 20, 23, 59)),
              IsOk());
}

TEST_F(ProjectsTest, TheBudgetAddsUpToExactlyTheLumpSum) {
  const StoredCall c = AddCall(Today() - 1, Today() + 10);
  const StoredInitiative i =
      AddProject(c, v1::INITIATIVE_STATE_DRAFT, applicant_, {});
  v1::Initiative changes;
  *changes.mutable_budget() = i.initiative.budget();
  changes.mutable_budget(1)->set_amount_cents(159999);
  ASSERT_THAT(UpdateIn(Applicant(), i.id, changes, {"budget"}), IsOk());
  absl::StatusOr<v1::Initiative> short_by_a_cent = SubmitIn(Applicant(), i.id);
  EXPECT_THAT(short_by_a_cent, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(short_by_a_cent, HasReason(std::string("BUDGET_NOT_LUMP_SUM")));
  changes.mutable_budget(1)->set_amount_cents(160001);
  ASSERT_THAT(UpdateIn(Applicant(), i.id, changes, {"budget"}), IsOk());
  EXPECT_THAT(SubmitIn(Applicant(), i.id),
              HasReason(std::string("BUDGET_NOT_LUMP_SUM")));
  changes.mutable_budget(1)->set_amount_cents(160000);
  ASSERT_THAT(UpdateIn(Applicant(), i.id, changes, {"budget"}), IsOk());
  EXPECT_THAT(SubmitIn(Applicant(), i.id), IsOk());
}

TEST_F(ProjectsTest, ACallsOwnLumpSumIsTheOneToMatch) {
  v1::Call in = NewCall(NorthOwner(), Today() - 1, Today() + 10);
  in.set_lump_sum_cents(300000);
  absl::StatusOr<v1::Call> made = CreateC(North(), in);
  ASSERT_THAT(made, IsOk());
  ASSERT_THAT(OpenC(North(), IdOf(made->name())), IsOk());
  const StoredCall c = Stored(IdOf(made->name()));
  v1::Initiative project = Content(c);  // EUR 4,600
  absl::StatusOr<v1::Initiative> a = CreateIn(Applicant(), project);
  ASSERT_THAT(a, IsOk());
  EXPECT_THAT(SubmitIn(Applicant(), IdOf(a->name())),
              HasReason(std::string("BUDGET_NOT_LUMP_SUM")));
  project.mutable_budget(0)->set_amount_cents(140000);
  absl::StatusOr<v1::Initiative> b = CreateIn(Applicant(), project);
  ASSERT_THAT(b, IsOk());
  EXPECT_THAT(SubmitIn(Applicant(), IdOf(b->name())), IsOk());
}

TEST_F(ProjectsTest, TheOwnerWithdrawsBeforeTheDecisionWithAReason) {
  const StoredCall c = AddCall(Today() - 1, Today() + 10);
  for (v1::InitiativeState state :
       {v1::INITIATIVE_STATE_DRAFT, v1::INITIATIVE_STATE_SUBMITTED,
        v1::INITIATIVE_STATE_EVALUATED}) {
    SCOPED_TRACE(v1::InitiativeState_Name(state));
    const StoredInitiative i = AddProject(c, state, applicant_, {pupil1_});
    absl::StatusOr<v1::Initiative> w =
        WithdrawIn(Applicant(), i.id, "Grupa izjuka", i.initiative.etag());
    ASSERT_THAT(w, IsOk());
    EXPECT_EQ(w->state(), v1::INITIATIVE_STATE_WITHDRAWN);
    EXPECT_EQ(w->withdraw_reason(), "Grupa izjuka");
    EXPECT_EQ(StoredProject(i.id).state(), v1::INITIATIVE_STATE_WITHDRAWN);
  }
  EXPECT_EQ(AuditCount("initiative.withdraw"), 3);
  for (v1::InitiativeState state :
       {v1::INITIATIVE_STATE_APPROVED, v1::INITIATIVE_STATE_REJECTED,
        v1::INITIATIVE_STATE_IN_PROGRESS, v1::INITIATIVE_STATE_REPORTED,
        v1::INITIATIVE_STATE_CLOSED, v1::INITIATIVE_STATE_WITHDRAWN}) {
    SCOPED_TRACE(v1::InitiativeState_Name(state));
    const StoredInitiative i = AddProject(c, state, applicant_, {});
    EXPECT_THAT(WithdrawIn(Applicant(), i.id, "Vēlu"),
                HasReason(std::string("INITIATIVE_NOT_WITHDRAWABLE")));
  }
  const StoredInitiative i =
      AddProject(c, v1::INITIATIVE_STATE_SUBMITTED, applicant_, {});
  EXPECT_THAT(WithdrawIn(Applicant(), i.id, ""),
              ViolatesFields(std::vector<std::string>{"reason"}));
  EXPECT_THAT(WithdrawIn(Applicant(), i.id, std::string(1001, 'r')),
              ViolatesFields(std::vector<std::string>{"reason"}));
  EXPECT_THAT(WithdrawIn(North(), i.id, "Nē"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(WithdrawIn(Applicant(), i.id, "Iemesls", "\"9\""),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(StoredProject(i.id).state(), v1::INITIATIVE_STATE_SUBMITTED);
  EXPECT_THAT(WithdrawIn(Applicant(), i.id, std::string(1000, 'r')), IsOk());
}

}  // namespace
}  // namespace pumpurs::initiatives
