// Calls (calls.h): who creates a call for whom (municipalities and state
// vocational schools), the default lump sum, drafts hidden from everyone
// but the owner, evaluators shown only to the owner, lists with filters
// and paging, changes of drafts (and the evaluators of an open call),
// opening, etags, request_id retries and nothing stored on a failure.

#include "server/initiatives/calls.h"

#include <string>
#include <utility>
#include <vector>

#include "server/initiatives/access.h"
#include "tests/initiatives/application_fixture.h"

namespace pumpurs::initiatives {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

class CallsTest : public ApplicationTest {
 protected:
  StoredCall Stored(const std::string& id) {
    absl::StatusOr<std::optional<StoredCall>> c =
        Read<std::optional<StoredCall>>(
            [&](Connection& conn) { return LoadCall(conn, id); });
    EXPECT_THAT(c, IsOk());
    return c.ok() && c->has_value() ? **c : StoredCall{};
  }
  int64_t CallCount() { return CountRows("initiative_calls"); }
  std::vector<std::string> Names(const ListPage<v1::Call>& page) {
    std::vector<std::string> out;
    for (const v1::Call& c : page.items) out.push_back(c.name());
    return out;
  }
};

TEST_F(CallsTest, AMunicipalityCoordinatorCreatesADraftWithTheDefaultSum) {
  const int64_t audited = QueryInt("SELECT count(*) FROM audit_events");
  const v1::Call in = NewCall(NorthOwner(), Today(), Today() + 30);
  absl::StatusOr<v1::Call> made = CreateC(North(), in);
  ASSERT_THAT(made, IsOk());
  EXPECT_EQ(made->state(), v1::CALL_STATE_DRAFT);
  EXPECT_EQ(made->owner(), NorthOwner());
  EXPECT_EQ(made->municipality(), NorthOwner());
  EXPECT_EQ(made->lump_sum_cents(), 460000);
  EXPECT_FALSE(made->criteria(0).id().empty());
  EXPECT_EQ(made->evaluators_size(), 1);  // the owner sees them
  EXPECT_FALSE(made->etag().empty());
  const StoredCall c = Stored(IdOf(made->name()));
  EXPECT_EQ(c.municipality_id, north_.id);
  EXPECT_EQ(c.institution_id, "");
  EXPECT_EQ(c.evaluator_ids, std::vector<std::string>{evaluator1_});
  EXPECT_EQ(Changes(made->name()), 1);
  // A call names no pupils: nothing is audited.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM audit_events"), audited);
}

TEST_F(CallsTest, AStateVocationalSchoolRunsItsOwnCallInItsMunicipality) {
  absl::StatusOr<v1::Call> made =
      CreateC(HeadV(), NewCall(VOwner(), Today(), Today() + 30));
  ASSERT_THAT(made, IsOk());
  EXPECT_EQ(made->owner(), VOwner());
  EXPECT_EQ(made->municipality(), ResourceName(kMunicipalities, south_.id));
  const StoredCall c = Stored(IdOf(made->name()));
  EXPECT_EQ(c.institution_id, v_.id);
  EXPECT_EQ(c.municipality_id, "");
  EXPECT_THAT(CreateC(Coordinator(v_), NewCall(VOwner(), Today(), Today())),
              IsOk());
  // The municipality does not run the state school's calls.
  EXPECT_THAT(CreateC(South(), NewCall(VOwner(), Today(), Today())),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(CallsTest, OtherInstitutionsDoNotRunCalls) {
  const std::string a = ResourceName(kInstitutions, a_.id);
  absl::StatusOr<v1::Call> by_head =
      CreateC(Head(a_), NewCall(a, Today(), Today()));
  EXPECT_THAT(by_head, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(by_head, ViolatesFields(std::vector<std::string>{"call.owner"}));
  EXPECT_THAT(CreateC(Admin(), NewCall(a, Today(), Today())),
              ViolatesFields(std::vector<std::string>{"call.owner"}));
  EXPECT_EQ(CallCount(), 0);
}

TEST_F(CallsTest, OnlyTheOwnerOrTheNationalAdministratorCreates) {
  const v1::Call in = NewCall(NorthOwner(), Today(), Today() + 30);
  EXPECT_THAT(CreateC(South(), in),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateC(Applicant(), in),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateC(Head(a_), in),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateC(Anonymous(), in),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(CallCount(), 0);
  EXPECT_THAT(CreateC(Admin(), in), IsOk());
  EXPECT_THAT(CreateC(Admin(), NewCall(VOwner(), Today(), Today())), IsOk());
}

TEST_F(CallsTest, PermissionIsAskedBeforeTheOwnerIsLookedUp) {
  const v1::Call nowhere =
      NewCall(ResourceName(kMunicipalities, NewId()), Today(), Today() + 30);
  EXPECT_THAT(CreateC(South(), nowhere),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateC(Admin(), nowhere),
              ViolatesFields(std::vector<std::string>{"call.owner"}));
  const v1::Call no_school =
      NewCall(ResourceName(kInstitutions, NewId()), Today(), Today());
  EXPECT_THAT(CreateC(HeadV(), no_school),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CreateC(Admin(), no_school),
              ViolatesFields(std::vector<std::string>{"call.owner"}));
}

TEST_F(CallsTest, TheOwnerMustBeAMunicipalityOrAnInstitution) {
  v1::Call in = NewCall("", Today(), Today());
  EXPECT_THAT(CreateC(Admin(), in),
              ViolatesFields(std::vector<std::string>{"call.owner"}));
  in.set_owner("pupils/" + pupil1_);
  EXPECT_THAT(CreateC(Admin(), in),
              ViolatesFields(std::vector<std::string>{"call.owner"}));
  in.set_owner("municipalities/");
  EXPECT_THAT(CreateC(Admin(), in),
              ViolatesFields(std::vector<std::string>{"call.owner"}));
}

TEST_F(CallsTest, AnInvalidCallNamesEveryFieldAndStoresNothing) {
  v1::Call in = NewCall(NorthOwner(), Today(), Today() - 1);
  in.set_title("");
  in.set_max_projects(0);
  in.add_evaluators(ResourceName(kAccounts, NewId()));
  absl::StatusOr<v1::Call> made = CreateC(North(), in);
  EXPECT_THAT(made, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(made, ViolatesFields(std::vector<std::string>{
                        "call.title", "call.application_end",
                        "call.max_projects", "call.evaluators[1]"}));
  EXPECT_EQ(CallCount(), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM changes"), 0);
}

TEST_F(CallsTest, OutputFieldsSentOnCreateAreIgnored) {
  v1::Call in = NewCall(NorthOwner(), Today(), Today() + 30);
  in.set_state(v1::CALL_STATE_DECIDED);
  in.set_municipality(ResourceName(kMunicipalities, south_.id));
  in.set_name("initiativeCalls/mans");
  absl::StatusOr<v1::Call> made = CreateC(North(), in);
  ASSERT_THAT(made, IsOk());
  EXPECT_EQ(made->state(), v1::CALL_STATE_DRAFT);
  EXPECT_EQ(made->municipality(), NorthOwner());
  EXPECT_NE(made->name(), "initiativeCalls/mans");
}

TEST_F(CallsTest, ARetriedRequestIdReturnsTheFirstCall) {
  const v1::Call in = NewCall(NorthOwner(), Today(), Today() + 30);
  absl::StatusOr<v1::Call> first = CreateC(North(), in, "izsaukums-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::Call> again = CreateC(North(), in, "izsaukums-1");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->name(), first->name());
  EXPECT_EQ(CallCount(), 1);
  EXPECT_THAT(CreateC(North(), in, "ar atstarpi"),
              ViolatesFields(std::vector<std::string>{"request_id"}));
}

TEST_F(CallsTest, DraftsAreTheOwnersOpenCallsEveryones) {
  absl::StatusOr<v1::Call> draft =
      CreateC(North(), NewCall(NorthOwner(), Today(), Today() + 30));
  ASSERT_THAT(draft, IsOk());
  const std::string id = IdOf(draft->name());
  EXPECT_THAT(GetC(North(), id), IsOk());
  EXPECT_THAT(GetC(Admin(), id), IsOk());
  EXPECT_THAT(GetC(Applicant(), id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetC(South(), id), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetC(Evaluator1(), id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(GetC(Anonymous(), id),
              StatusIs(absl::StatusCode::kUnauthenticated));

  ASSERT_THAT(OpenC(North(), id), IsOk());
  absl::StatusOr<v1::Call> seen = GetC(Applicant(), id);
  ASSERT_THAT(seen, IsOk());
  EXPECT_EQ(seen->state(), v1::CALL_STATE_OPEN);
  EXPECT_EQ(seen->evaluators_size(), 0);  // the owner's business
  absl::StatusOr<v1::Call> owned = GetC(North(), id);
  ASSERT_THAT(owned, IsOk());
  EXPECT_EQ(owned->evaluators_size(), 1);
}

TEST_F(CallsTest, AMissingCallIsNotFoundOnlyForNationalRoles) {
  EXPECT_THAT(GetC(Admin(), NewId()), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(GetC(Applicant(), NewId()),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(CallsTest, ListsShowWhatTheCallerSeesNewestFirst) {
  const StoredCall open = AddCall(Today(), Today() + 5);
  const StoredCall decided =
      AddCall(Today() - 30, Today() - 10, v1::CALL_STATE_DECIDED);
  const StoredCall draft = AddCall(Today(), Today() + 5, v1::CALL_STATE_DRAFT);
  absl::StatusOr<v1::Call> v_draft =
      CreateC(HeadV(), NewCall(VOwner(), Today(), Today() + 5));
  ASSERT_THAT(v_draft, IsOk());

  absl::StatusOr<ListPage<v1::Call>> mine = ListC(North(), {});
  ASSERT_THAT(mine, IsOk());
  EXPECT_THAT(Names(*mine), ElementsAre(draft.call.name(), decided.call.name(),
                                        open.call.name()));
  absl::StatusOr<ListPage<v1::Call>> theirs = ListC(Applicant(), {});
  ASSERT_THAT(theirs, IsOk());
  EXPECT_THAT(Names(*theirs),
              ElementsAre(decided.call.name(), open.call.name()));
  for (const v1::Call& c : theirs->items) EXPECT_EQ(c.evaluators_size(), 0);
  absl::StatusOr<ListPage<v1::Call>> v = ListC(HeadV(), {});
  ASSERT_THAT(v, IsOk());
  EXPECT_THAT(Names(*v), ElementsAre(v_draft->name(), decided.call.name(),
                                     open.call.name()));
  absl::StatusOr<ListPage<v1::Call>> all = ListC(Admin(), {});
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->items.size(), 4u);
  EXPECT_THAT(ListC(Anonymous(), {}),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(CallsTest, ListsFilterByOwnerAndState) {
  const StoredCall open = AddCall(Today(), Today() + 5);
  AddCall(Today() - 30, Today() - 10, v1::CALL_STATE_DECIDED);
  absl::StatusOr<v1::Call> v_call =
      CreateC(HeadV(), NewCall(VOwner(), Today(), Today() + 5));
  ASSERT_THAT(v_call, IsOk());
  ASSERT_THAT(OpenC(HeadV(), IdOf(v_call->name())), IsOk());

  CallFilter by_owner;
  by_owner.owner = VOwner();
  absl::StatusOr<ListPage<v1::Call>> page = ListC(Applicant(), by_owner);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Names(*page), ElementsAre(v_call->name()));
  CallFilter by_state;
  by_state.state = v1::CALL_STATE_OPEN;
  by_state.owner = NorthOwner();
  page = ListC(Applicant(), by_state);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Names(*page), ElementsAre(open.call.name()));

  CallFilter bad;
  bad.owner = "guardians/" + guardian1_;
  EXPECT_THAT(ListC(Applicant(), bad),
              ViolatesFields(std::vector<std::string>{"owner"}));
  bad = {};
  bad.state = static_cast<v1::CallState>(9);
  EXPECT_THAT(ListC(Applicant(), bad),
              ViolatesFields(std::vector<std::string>{"state"}));
}

TEST_F(CallsTest, ListsPageWithTokensBoundToTheFilters) {
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) {
    made.insert(made.begin(), AddCall(Today(), Today() + 5).call.name());
  }
  CallFilter f;
  f.page_size = 2;
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    f.page_token = token;
    absl::StatusOr<ListPage<v1::Call>> page = ListC(Applicant(), f);
    ASSERT_THAT(page, IsOk());
    for (const v1::Call& c : page->items) seen.push_back(c.name());
    token = page->next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(seen, made);
  EXPECT_EQ(pages, 3);

  f.page_token = "";
  absl::StatusOr<ListPage<v1::Call>> first = ListC(Applicant(), f);
  ASSERT_THAT(first, IsOk());
  CallFilter other = f;
  other.page_token = first->next_page_token;
  other.state = v1::CALL_STATE_OPEN;
  EXPECT_THAT(ListC(Applicant(), other),
              HasReason(std::string("INVALID_PAGE_TOKEN")));
  f.page_size = -1;
  EXPECT_THAT(ListC(Applicant(), f),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(CallsTest, TheOwnerChangesADraftWithItsEtag) {
  absl::StatusOr<v1::Call> made =
      CreateC(North(), NewCall(NorthOwner(), Today(), Today() + 30));
  ASSERT_THAT(made, IsOk());
  const std::string id = IdOf(made->name());
  v1::Call changes;
  changes.set_title("Jauns nosaukums");
  changes.set_lump_sum_cents(500000);
  changes.set_max_projects(7);  // not in the mask: stays
  absl::StatusOr<v1::Call> changed =
      UpdateC(North(), id, changes, {"title", "lump_sum_cents"}, made->etag());
  ASSERT_THAT(changed, IsOk());
  EXPECT_EQ(changed->title(), "Jauns nosaukums");
  EXPECT_EQ(changed->lump_sum_cents(), 500000);
  EXPECT_EQ(changed->max_projects(), 3);
  EXPECT_NE(changed->etag(), made->etag());
  EXPECT_EQ(Changes(made->name()), 2);

  // The old etag is stale.
  EXPECT_THAT(UpdateC(North(), id, changes, {"title"}, made->etag()),
              StatusIs(absl::StatusCode::kAborted));
  // 0 brings back the programme's sum.
  changes.set_lump_sum_cents(0);
  absl::StatusOr<v1::Call> reset =
      UpdateC(North(), id, changes, {"lump_sum_cents"});
  ASSERT_THAT(reset, IsOk());
  EXPECT_EQ(reset->lump_sum_cents(), 460000);
  // Nothing changed: nothing stored.
  absl::StatusOr<v1::Call> same =
      UpdateC(North(), id, changes, {"lump_sum_cents"});
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->etag(), reset->etag());
  EXPECT_EQ(Changes(made->name()), 3);
}

TEST_F(CallsTest, UpdatesNeedAMaskOfUpdatableFieldsAndValidContent) {
  absl::StatusOr<v1::Call> made =
      CreateC(North(), NewCall(NorthOwner(), Today(), Today() + 30));
  ASSERT_THAT(made, IsOk());
  const std::string id = IdOf(made->name());
  v1::Call changes;
  EXPECT_THAT(UpdateC(North(), id, changes, {}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
  EXPECT_THAT(UpdateC(North(), id, changes, {"state"}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
  EXPECT_THAT(UpdateC(North(), id, changes, {"owner"}),
              ViolatesFields(std::vector<std::string>{"update_mask"}));
  // Clearing the criteria and the title: both named, nothing stored.
  EXPECT_THAT(
      UpdateC(North(), id, changes, {"criteria", "title"}),
      ViolatesFields(std::vector<std::string>{"call.criteria", "call.title"}));
  EXPECT_EQ(Stored(id).version, 1);
  changes.add_criteria()->set_title("Jauns");
  changes.mutable_criteria(0)->set_max_points(5);
  absl::StatusOr<v1::Call> changed =
      UpdateC(North(), id, changes, {"criteria"});
  ASSERT_THAT(changed, IsOk());
  ASSERT_EQ(changed->criteria_size(), 1);
  EXPECT_EQ(changed->criteria(0).title(), "Jauns");
  EXPECT_FALSE(changed->criteria(0).id().empty());
}

TEST_F(CallsTest, OnlyTheOwnerChangesACall) {
  absl::StatusOr<v1::Call> made =
      CreateC(North(), NewCall(NorthOwner(), Today(), Today() + 30));
  ASSERT_THAT(made, IsOk());
  const std::string id = IdOf(made->name());
  ASSERT_THAT(OpenC(North(), id), IsOk());
  v1::Call changes;
  changes.add_evaluators(ResourceName(kAccounts, evaluator2_));
  EXPECT_THAT(UpdateC(South(), id, changes, {"evaluators"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(UpdateC(Applicant(), id, changes, {"evaluators"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(UpdateC(Evaluator1(), id, changes, {"evaluators"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(UpdateC(Admin(), id, changes, {"evaluators"}), IsOk());
}

TEST_F(CallsTest, AnOpenCallChangesOnlyItsEvaluatorsAndKeepsOne) {
  const StoredCall open = AddCall(Today(), Today() + 5);
  v1::Call changes;
  changes.set_title("Cits");
  changes.add_evaluators(ResourceName(kAccounts, evaluator2_));
  EXPECT_THAT(UpdateC(North(), open.id, changes, {"title"}),
              HasReason(std::string("CALL_NOT_DRAFT")));
  EXPECT_THAT(UpdateC(North(), open.id, changes, {"title", "evaluators"}),
              HasReason(std::string("CALL_NOT_DRAFT")));
  absl::StatusOr<v1::Call> changed =
      UpdateC(North(), open.id, changes, {"evaluators"});
  ASSERT_THAT(changed, IsOk());
  EXPECT_THAT(changed->evaluators(),
              ElementsAre(ResourceName(kAccounts, evaluator2_)));
  EXPECT_EQ(Stored(open.id).evaluator_ids,
            std::vector<std::string>{evaluator2_});
  changes.clear_evaluators();
  EXPECT_THAT(UpdateC(North(), open.id, changes, {"evaluators"}),
              ViolatesFields(std::vector<std::string>{"call.evaluators"}));

  const StoredCall decided =
      AddCall(Today() - 30, Today() - 10, v1::CALL_STATE_DECIDED);
  changes.add_evaluators(ResourceName(kAccounts, evaluator2_));
  EXPECT_THAT(UpdateC(North(), decided.id, changes, {"evaluators"}),
              HasReason(std::string("CALL_NOT_DRAFT")));
}

TEST_F(CallsTest, OpeningNeedsADraftWithAnEvaluator) {
  absl::StatusOr<v1::Call> made =
      CreateC(North(), NewCall(NorthOwner(), Today(), Today() + 30, false));
  ASSERT_THAT(made, IsOk());
  const std::string id = IdOf(made->name());
  absl::StatusOr<v1::Call> refused = OpenC(North(), id);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(refused,
              ViolatesFields(std::vector<std::string>{"call.evaluators"}));
  EXPECT_EQ(Stored(id).state(), v1::CALL_STATE_DRAFT);

  v1::Call changes;
  changes.add_evaluators(ResourceName(kAccounts, evaluator1_));
  absl::StatusOr<v1::Call> with = UpdateC(North(), id, changes, {"evaluators"});
  ASSERT_THAT(with, IsOk());
  EXPECT_THAT(OpenC(South(), id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(OpenC(North(), id, made->etag()),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<v1::Call> opened = OpenC(North(), id, with->etag());
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->state(), v1::CALL_STATE_OPEN);
  EXPECT_EQ(Stored(id).state(), v1::CALL_STATE_OPEN);
  EXPECT_THAT(OpenC(North(), id), HasReason(std::string("CALL_NOT_DRAFT")));
  EXPECT_THAT(OpenC(North(), id),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // Created, evaluators, opened.
  EXPECT_EQ(Changes(made->name()), 3);
}

TEST_F(CallsTest, TheListConditionAgreesWithSeesCallForEveryCaller) {
  AddCall(Today(), Today() + 5);
  AddCall(Today(), Today() + 5, v1::CALL_STATE_DRAFT);
  AddCall(Today() - 30, Today() - 10, v1::CALL_STATE_DECIDED);
  ASSERT_THAT(CreateC(HeadV(), NewCall(VOwner(), Today(), Today())), IsOk());
  auto service = [](std::vector<std::string> scopes) {
    CallContext call = As("robots", {{Role::kNationalAdministrator, ""}});
    call.principal.is_service = true;
    call.principal.api_scopes = std::move(scopes);
    return call;
  };
  const std::vector<std::pair<std::string, CallContext>> callers = {
      {"applicant", Applicant()},
      {"north", North()},
      {"south", South()},
      {"head V", HeadV()},
      {"coordinator V", Coordinator(v_)},
      {"head A", Head(a_)},
      {"admin", Admin()},
      {"guardian", Guardian1()},
      {"reading service", service({"initiatives.read"})},
      {"writing service", service({"initiatives.write"})},
      {"anonymous", Anonymous()},
  };
  for (const auto& [who, caller] : callers) {
    SCOPED_TRACE(who);
    std::vector<std::string> by_sql, by_sees;
    ASSERT_THAT(db_->ReadSync(
                    CallContext{},
                    [&](Connection& c) -> absl::Status {
                      const SqlCondition cond = VisibleCalls(caller.principal);
                      PUMPURS_ASSIGN_OR_RETURN(
                          storage::Statement s,
                          c.Prepare("SELECT c.id FROM initiative_calls c "
                                    "WHERE " +
                                    cond.sql));
                      for (size_t k = 0; k < cond.binds.size(); ++k) {
                        s.Bind(static_cast<int>(k) + 1, cond.binds[k]);
                      }
                      while (true) {
                        PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                        if (!row) break;
                        by_sql.push_back(s.ColumnText(0));
                      }
                      PUMPURS_ASSIGN_OR_RETURN(
                          storage::Statement ids,
                          c.Prepare("SELECT id FROM initiative_calls"));
                      while (true) {
                        PUMPURS_ASSIGN_OR_RETURN(bool row, ids.Step());
                        if (!row) break;
                        PUMPURS_ASSIGN_OR_RETURN(
                            std::optional<StoredCall> call,
                            LoadCall(c, ids.ColumnText(0)));
                        if (SeesCall(caller.principal, *call)) {
                          by_sees.push_back(call->id);
                        }
                      }
                      return absl::OkStatus();
                    }),
                IsOk());
    EXPECT_THAT(by_sql, UnorderedElementsAreArray(by_sees));
  }
}

}  // namespace
}  // namespace pumpurs::initiatives
