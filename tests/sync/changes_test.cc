// The change feed (server/sync/changes.h): tokens, each resource once with
// its latest state, a client that comes back after changes gets exactly what
// it missed, paging and the bounded scan, what each role sees (and the
// tombstones of plans it may hold), applications and deliveries, and the
// audit of what is sent.

#include "server/sync/changes.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/error.h"
#include "server/common/etag.h"
#include "server/common/status_macros.h"
#include "tests/plans/plan_fixture.h"

namespace pumpurs::sync {
namespace {

using plans::Semester;
using plans::StoredPlan;
using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// "resource upsert|delete" of each change, in order.
std::vector<std::string> Summary(const std::vector<v1::Change>& changes) {
  std::vector<std::string> out;
  for (const v1::Change& c : changes) {
    out.push_back(absl::StrCat(c.resource(),
                               c.kind() == v1::CHANGE_KIND_UPSERT   ? " upsert"
                               : c.kind() == v1::CHANGE_KIND_DELETE ? " delete"
                                                                    : " ?"));
  }
  return out;
}
std::string Up(const StoredPlan& p) { return p.plan.name() + " upsert"; }
std::string Del(const StoredPlan& p) { return p.plan.name() + " delete"; }

// "action resource pupil" of each deferred audit event.
std::vector<std::string> Audited(const CallContext& call) {
  std::vector<std::string> out;
  for (const AuditEvent& e : *call.deferred_audit) {
    out.push_back(absl::StrCat(e.action, " ", e.resource, " ", e.pupil_id));
  }
  return out;
}

class ChangesTest : public plans::PlanTest {
 protected:
  void SetUp() override {
    PlanTest::SetUp();
    system_.caller_id = "system:test";
    pupil2_ = MustCreateP(a_.id, "Pēteris", "Ozols", 6).id;
    guardian2_ = MustCreateG("Ilze", "Ozola", {pupil2_}).id;
  }

  absl::StatusOr<ChangesPage> Sync(const CallContext& call,
                                   const std::string& token,
                                   int page_size = 0) {
    PUMPURS_ASSIGN_OR_RETURN(ChangesRequest request,
                             ParseChangesRequest(token, page_size));
    return ReadAs<ChangesPage>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListChanges(c, cc, request);
        });
  }
  // Every page from `*token` on; `*token` becomes the last page's.
  std::vector<v1::Change> SyncAll(const CallContext& call, std::string* token) {
    std::vector<v1::Change> all;
    for (int pages = 0; pages < 100; ++pages) {
      absl::StatusOr<ChangesPage> page = Sync(call, *token);
      EXPECT_THAT(page, IsOk());
      if (!page.ok()) break;
      all.insert(all.end(), page->changes.begin(), page->changes.end());
      *token = page->next_sync_token();
      if (!page->has_more) break;
    }
    return all;
  }

  // Stores `p` (as changed by the caller) through SavePlan.
  void Save(StoredPlan& p) {
    ASSERT_THAT(db_->WriteSync(system_,
                               [&](storage::Connection& c) {
                                 return plans::SavePlan(c, system_, p, "update",
                                                        {"state"}, absl::Now());
                               }),
                IsOk());
  }
  void SetState(StoredPlan& p, v1::PlanState state) {
    p.plan.set_state(state);
    if (state != v1::PLAN_STATE_DRAFT && state != v1::PLAN_STATE_INACTIVE) {
      p.submitted = true;
    }
    Save(p);
  }
  void Edit(StoredPlan& p) {
    p.plan.set_problem_description(p.plan.problem_description() + " Vēl.");
    Save(p);
  }
  // As DeleteSupportPlan: contents removed, the plan stays inactive.
  void Delete(StoredPlan& p) {
    p.plan.clear_risks();
    p.plan.clear_goals();
    p.plan.clear_measures();
    SetState(p, v1::PLAN_STATE_INACTIVE);
  }

  // A plan for `pupil_id` of A whose measures are all the preparer's.
  StoredPlan AddPlanOf(const std::string& pupil_id,
                       const std::string& guardian_id, Semester semester,
                       v1::PlanState state) {
    StoredPlan p;
    p.id = NewId();
    p.pupil_id = pupil_id;
    p.institution_id = a_.id;
    p.municipality_id = north_.id;
    p.application_id = AddApplication(pupil_id, a_.id, north_.id, semester);
    p.preparer_id = preparer_a_;
    p.semester = semester;
    p.plan = CompleteContent(semester, preparer_a_, preparer_a_);
    p.plan.set_state(state);
    p.submitted = state != v1::PLAN_STATE_DRAFT;
    p.guardian_ids = {guardian_id};
    EXPECT_THAT(db_->WriteSync(system_,
                               [&](storage::Connection& c) {
                                 return plans::InsertPlan(c, system_, p,
                                                          absl::Now());
                               }),
                IsOk());
    return p;
  }

  void Record(const std::string& resource, const std::string& plan_id,
              const std::string& pupil_id) {
    ASSERT_THAT(db_->WriteSync(system_,
                               [&](storage::Connection& c) {
                                 return plans::RecordChange(c, resource,
                                                            plan_id, pupil_id,
                                                            false, absl::Now());
                               }),
                IsOk());
  }

  // Stores a delivery record of measure m1 of `p` and its feed entry.
  std::string AddDelivery(const StoredPlan& p) {
    const std::string name =
        absl::StrCat(p.plan.name(), "/deliveries/", NewId());
    v1::DeliveryRecord d;
    d.set_name(name);
    d.set_measure_id("m1");
    d.set_date(plans::FormatDay(plans::FirstDay(p.semester)));
    d.set_duration_minutes(45);
    d.set_provider(p.plan.measures(0).provider());
    d.set_mode(v1::DELIVERY_MODE_ON_SITE);
    d.set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
    EXPECT_THAT(
        db_->WriteSync(
            system_,
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("INSERT INTO plan_deliveries (id, plan_id, "
                            "measure_id, institution_id, provider_id, date, "
                            "month, minutes, amount_cents, funds_cents, "
                            "remote, data, create_time) VALUES (?, ?, 'm1', "
                            "?, ?, ?, ?, 45, 0, 1125, 0, ?, 0)"));
              s.Bind(1, name.substr(name.rfind('/') + 1))
                  .Bind(2, p.id)
                  .Bind(3, p.institution_id)
                  .Bind(4, provider_a_)
                  .Bind(5, d.date())
                  .Bind(6, d.date().substr(0, 7))
                  .BindBlob(7, d.SerializeAsString());
              PUMPURS_RETURN_IF_ERROR(s.Run());
              return plans::RecordChange(c, name, p.id, p.pupil_id, false,
                                         absl::Now());
            }),
        IsOk());
    return name;
  }

  CallContext system_;
  std::string pupil2_, guardian2_;
};

TEST_F(ChangesTest, TokensRoundTripAndGarbageIsRefused) {
  for (int64_t seq : {int64_t{0}, int64_t{1}, int64_t{42}, int64_t{1} << 40}) {
    absl::StatusOr<int64_t> back = DecodeSyncToken(EncodeSyncToken(seq));
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, seq);
  }
  EXPECT_EQ(DecodeSyncToken("").value_or(-1), 0);
  const std::vector<std::string> garbage = {
      "not a token!",
      absl::WebSafeBase64Escape("v2:5"),
      absl::WebSafeBase64Escape("v1:-1"),
      absl::WebSafeBase64Escape("v1:abc"),
      absl::WebSafeBase64Escape("v1:"),
      absl::WebSafeBase64Escape("v1:007"),
      absl::WebSafeBase64Escape("7"),
      EncodeSyncToken(5) + "AA",
  };
  for (const std::string& token : garbage) {
    absl::Status s = DecodeSyncToken(token).status();
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument)) << token;
    EXPECT_THAT(s, HasReason("INVALID_SYNC_TOKEN")) << token;
    EXPECT_THAT(s, ViolatesFields(std::vector<std::string>{"sync_token"}));
  }
}

TEST_F(ChangesTest, RequestsAreValidatedNamingEachField) {
  EXPECT_EQ(ParseChangesRequest("", 0)->page_size, 100);
  EXPECT_EQ(ParseChangesRequest("", 7)->page_size, 7);
  EXPECT_EQ(ParseChangesRequest("", 5000)->page_size, 1000);
  EXPECT_EQ(ParseChangesRequest(EncodeSyncToken(9), 0)->after, 9);
  EXPECT_THAT(ParseChangesRequest("", -1),
              ViolatesFields(std::vector<std::string>{"page_size"}));
  absl::Status both = ParseChangesRequest("junk", -1).status();
  EXPECT_THAT(both, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(both, ViolatesFields(
                        std::vector<std::string>{"sync_token", "page_size"}));
}

TEST_F(ChangesTest, AnonymousCallersAreRefused) {
  AddPlanA(Current());
  EXPECT_THAT(Sync(Anonymous(), ""),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(ChangesTest, ATokenAheadOfTheFeedIsRefused) {
  AddPlanA(Current());
  absl::StatusOr<ChangesPage> page = Sync(HeadA(), EncodeSyncToken(1000));
  EXPECT_THAT(page, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(page, HasReason("INVALID_SYNC_TOKEN"));
}

TEST_F(ChangesTest, AnEmptyFeedGivesAnEmptyPageAndAUsableToken) {
  absl::StatusOr<ChangesPage> page = Sync(HeadA(), "");
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(page->changes, IsEmpty());
  EXPECT_FALSE(page->has_more);
  EXPECT_THAT(Sync(HeadA(), page->next_sync_token()), IsOk());
}

TEST_F(ChangesTest, EachResourceOnceWithItsLatestState) {
  StoredPlan p = AddPlanA(Current());
  StoredPlan q = AddPlanA(Next(Current()));
  Edit(p);
  Edit(p);
  SetState(p, v1::PLAN_STATE_IN_APPROVAL);
  absl::StatusOr<ChangesPage> page = Sync(HeadA(), "");
  ASSERT_THAT(page, IsOk());
  // q's only row comes before p's latest.
  EXPECT_THAT(Summary(page->changes), ElementsAre(Up(q), Up(p)));
  const v1::Change& latest = page->changes[1];
  EXPECT_EQ(latest.support_plan().etag(), EtagFor(4));
  EXPECT_EQ(latest.support_plan().state(), v1::PLAN_STATE_IN_APPROVAL);
  EXPECT_EQ(latest.support_plan().problem_description(),
            p.plan.problem_description());
  EXPECT_EQ(latest.sequence(), page->last_seq);
  EXPECT_LT(page->changes[0].sequence(), latest.sequence());
  EXPECT_TRUE(latest.has_change_time());
  EXPECT_FALSE(page->has_more);
}

TEST_F(ChangesTest, AClientThatWasAwayGetsExactlyWhatItMissed) {
  StoredPlan edited = AddPlanA(Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  StoredPlan untouched = AddPlanA(Next(Current()));
  StoredPlan deleted = AddPlanA(Next(Next(Current())), v1::PLAN_STATE_APPROVED);
  std::string token;
  EXPECT_THAT(Summary(SyncAll(HeadA(), &token)),
              ElementsAre(Up(edited), Up(untouched), Up(deleted)));

  // Away: one plan changes twice, a new one appears, one is deleted.
  Edit(edited);
  StoredPlan added =
      AddPlanOf(pupil2_, guardian2_, Current(), v1::PLAN_STATE_DRAFT);
  Edit(edited);
  Delete(deleted);

  std::vector<v1::Change> missed = SyncAll(HeadA(), &token);
  EXPECT_THAT(Summary(missed),
              ElementsAre(Up(added), Up(edited), Del(deleted)));
  ASSERT_EQ(missed.size(), 3u);
  EXPECT_EQ(missed[1].support_plan().etag(), EtagFor(3));
  EXPECT_FALSE(missed[2].has_support_plan());

  // Nothing new: nothing again, and the token stays.
  const std::string before = token;
  EXPECT_THAT(SyncAll(HeadA(), &token), IsEmpty());
  EXPECT_EQ(token, before);
}

TEST_F(ChangesTest, PagesFollowEachOtherWithHasMore) {
  std::vector<std::string> all;
  Semester s = Current();
  for (int i = 0; i < 5; ++i) {
    all.push_back(Up(AddPlanA(s)));
    s = Next(s);
  }
  std::string token;
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  std::vector<bool> more;
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<ChangesPage> page = Sync(HeadA(), token, 2);
    ASSERT_THAT(page, IsOk());
    sizes.push_back(page->changes.size());
    more.push_back(page->has_more);
    for (const std::string& c : Summary(page->changes)) seen.push_back(c);
    token = page->next_sync_token();
    if (!page->has_more) break;
  }
  EXPECT_THAT(sizes, ElementsAre(2, 2, 1));
  EXPECT_THAT(more, ElementsAre(true, true, false));
  EXPECT_EQ(seen, all);
}

TEST_F(ChangesTest, OneCallScansABoundedNumberOfRows) {
  // 1,200 changes the guardian may not see (applications of another
  // school's pupils that no longer exist), then one plan they may.
  ASSERT_THAT(db_->WriteSync(system_,
                             [&](storage::Connection& c) -> absl::Status {
                               for (int i = 0; i < 1200; ++i) {
                                 PUMPURS_RETURN_IF_ERROR(plans::RecordChange(
                                     c, absl::StrCat("applications/gone", i),
                                     "", "nobody", false, absl::Now()));
                               }
                               return absl::OkStatus();
                             }),
              IsOk());
  StoredPlan p = AddPlanA(Current(), v1::PLAN_STATE_APPROVED);
  absl::StatusOr<ChangesPage> first = Sync(GuardianA(), "", 1);
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(first->changes, IsEmpty());
  EXPECT_TRUE(first->has_more);
  EXPECT_EQ(first->last_seq, kMinChangesScan);
  absl::StatusOr<ChangesPage> second =
      Sync(GuardianA(), first->next_sync_token(), 1);
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(Summary(second->changes), ElementsAre(Up(p)));
  EXPECT_FALSE(second->has_more);
}

TEST_F(ChangesTest, AGuardianSeesOnlyTheirChildsPlansOutOfDraft) {
  StoredPlan draft = AddPlanA(Current());
  StoredPlan submitted = AddPlanA(Next(Current()), v1::PLAN_STATE_IN_APPROVAL);
  StoredPlan other =
      AddPlanOf(pupil2_, guardian2_, Current(), v1::PLAN_STATE_APPROVED);
  std::string token;
  std::vector<v1::Change> got = SyncAll(GuardianA(), &token);
  EXPECT_THAT(Summary(got), ElementsAre(Up(submitted)));
  std::string token2;
  EXPECT_THAT(Summary(SyncAll(GuardianOf(guardian2_), &token2)),
              ElementsAre(Up(other)));

  // A draft that was never out of draft is deleted: the guardian never
  // learns it existed. The submitted plan is rejected back to draft: the
  // guardian, who holds it, is told to drop it.
  Delete(draft);
  SetState(submitted, v1::PLAN_STATE_DRAFT);
  EXPECT_THAT(Summary(SyncAll(GuardianA(), &token)),
              ElementsAre(Del(submitted)));
  EXPECT_THAT(SyncAll(GuardianOf(guardian2_), &token2), IsEmpty());
}

TEST_F(ChangesTest, AProviderSeesThePlansTheyProvideFor) {
  StoredPlan theirs = AddPlanA(Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  StoredPlan draft = AddPlanA(Next(Current()));
  AddPlanOf(pupil2_, guardian2_, Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  std::string token;
  std::vector<v1::Change> got = SyncAll(ProviderA(), &token);
  EXPECT_THAT(Summary(got), ElementsAre(Up(theirs), Up(draft)));
  // The long-term illness is addressed by another provider's measure.
  const v1::SupportPlan& plan = got[0].support_plan();
  ASSERT_EQ(plan.risks_size(), 2);
  EXPECT_EQ(plan.risks(0).risk_factor(), "riskFactors/low-achievement");
  EXPECT_TRUE(plan.risks(1).redacted());
  EXPECT_EQ(plan.risks(1).risk_factor(), "");
}

// A provider who synced a plan is owed a tombstone when they stop providing
// for it, and again when the plan is deleted (their rows stay as former
// providers).
TEST_F(ChangesTest, AFormerProviderGetsTombstones) {
  StoredPlan plan = AddPlanA(Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  std::string token;
  EXPECT_THAT(Summary(SyncAll(ProviderA(), &token)), ElementsAre(Up(plan)));
  // Their measure goes to the preparer.
  for (v1::PlanMeasure& m : *plan.plan.mutable_measures()) {
    m.set_provider(plan.plan.preparer());
  }
  Edit(plan);
  EXPECT_THAT(Summary(SyncAll(ProviderA(), &token)), ElementsAre(Del(plan)));
  Delete(plan);
  EXPECT_THAT(Summary(SyncAll(ProviderA(), &token)), ElementsAre(Del(plan)));
  // Someone who never provided for it hears nothing.
  std::string fresh;
  EXPECT_THAT(
      SyncAll(Staff(provider_v_, {{Role::kMeasureProvider, v_.id}}), &fresh),
      IsEmpty());
}

// So is a preparer whose plan goes to another preparer.
TEST_F(ChangesTest, AFormerPreparerGetsATombstone) {
  StoredPlan plan = AddPlanA(Current(), v1::PLAN_STATE_DRAFT);
  // The preparer's own measure goes to the provider first, so that only
  // preparing connects them to the plan.
  for (v1::PlanMeasure& m : *plan.plan.mutable_measures()) {
    m.set_provider(ResourceName("staff", provider_a_));
  }
  Edit(plan);
  std::string token;
  EXPECT_THAT(Summary(SyncAll(PreparerA(), &token)), ElementsAre(Up(plan)));
  const std::string other = AddStaff(a_.id, "teacher-a2", 1);
  plan.plan.set_preparer(ResourceName("staff", other));
  Edit(plan);
  EXPECT_THAT(Summary(SyncAll(PreparerA(), &token)), ElementsAre(Del(plan)));
  std::string fresh;
  EXPECT_THAT(
      Summary(SyncAll(Staff(other, {{Role::kPlanPreparer, a_.id}}), &fresh)),
      ElementsAre(Up(plan)));
}

TEST_F(ChangesTest, AMunicipalityCoordinatorSeesSubmittedPlansRedacted) {
  AddPlanA(Current());
  StoredPlan submitted = AddPlanA(Next(Current()), v1::PLAN_STATE_IN_APPROVAL);
  std::string token;
  std::vector<v1::Change> got = SyncAll(North(), &token);
  EXPECT_THAT(Summary(got), ElementsAre(Up(submitted)));
  ASSERT_EQ(got.size(), 1u);
  const v1::SupportPlan& plan = got[0].support_plan();
  ASSERT_EQ(plan.risks_size(), 2);
  EXPECT_FALSE(plan.risks(0).redacted());
  EXPECT_TRUE(plan.risks(1).redacted());
  EXPECT_EQ(plan.risks(1).justification(), "");
  std::string south;
  EXPECT_THAT(SyncAll(South(), &south), IsEmpty());
}

TEST_F(ChangesTest, ApplicationsGoToTheFamilyAndTheSchool) {
  const std::string id =
      AddApplication(pupil_, a_.id, north_.id, Next(Current()));
  Record(ResourceName(plans::kApplications, id), "", pupil_);
  const std::string upsert = ResourceName(plans::kApplications, id) + " upsert";
  std::string t1, t2, t3, t4;
  std::vector<v1::Change> family = SyncAll(GuardianA(), &t1);
  EXPECT_THAT(Summary(family), ElementsAre(upsert));
  ASSERT_EQ(family.size(), 1u);
  EXPECT_EQ(family[0].application().name(),
            ResourceName(plans::kApplications, id));
  EXPECT_EQ(family[0].application().state(), v1::APPLICATION_STATE_ACTIVE);
  EXPECT_THAT(Summary(SyncAll(HeadA(), &t2)), ElementsAre(upsert));
  EXPECT_THAT(SyncAll(GuardianOf(guardian2_), &t3), IsEmpty());
  EXPECT_THAT(SyncAll(Teacher(b_), &t4), IsEmpty());
}

TEST_F(ChangesTest, DeliveriesGoWhereTheirPlanGoes) {
  StoredPlan running = AddPlanA(Current(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  StoredPlan draft = AddPlanA(Next(Current()));
  std::string token;
  SyncAll(GuardianA(), &token);
  const std::string visible = AddDelivery(running);
  AddDelivery(draft);
  std::vector<v1::Change> got = SyncAll(GuardianA(), &token);
  EXPECT_THAT(Summary(got), ElementsAre(visible + " upsert"));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].delivery().name(), visible);
  EXPECT_EQ(got[0].delivery().duration_minutes(), 45);
  std::string other;
  EXPECT_THAT(SyncAll(GuardianOf(guardian2_), &other), IsEmpty());
}

TEST_F(ChangesTest, WhatIsSentIsAuditedAsARead) {
  StoredPlan live = AddPlanA(Current(), v1::PLAN_STATE_APPROVED);
  StoredPlan gone = AddPlanA(Next(Current()), v1::PLAN_STATE_APPROVED);
  Delete(gone);
  const std::string app =
      ResourceName(plans::kApplications, live.application_id);
  Record(app, "", pupil_);
  const std::string delivery = AddDelivery(live);
  CallContext head = HeadA();
  absl::StatusOr<ChangesPage> page = Sync(head, "");
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(
      Summary(page->changes),
      ElementsAre(Up(live), Del(gone), app + " upsert", delivery + " upsert"));
  // The tombstone carries nothing of the pupil: not audited.
  EXPECT_THAT(Audited(head),
              UnorderedElementsAre(
                  "supportPlan.sync " + live.plan.name() + " " + pupil_,
                  "application.sync " + app + " " + pupil_,
                  "delivery.sync " + delivery + " " + pupil_));
  // Nothing sent, nothing audited.
  CallContext stranger = GuardianOf(guardian2_);
  ASSERT_THAT(Sync(stranger, ""), IsOk());
  EXPECT_THAT(Audited(stranger), IsEmpty());
}

}  // namespace
}  // namespace pumpurs::sync
