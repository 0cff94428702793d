#ifndef PUMPURS_TESTS_INITIATIVES_INITIATIVE_FIXTURE_H_
#define PUMPURS_TESTS_INITIATIVES_INITIATIVE_FIXTURE_H_

// Youth-initiative tests: the people fixture (municipalities north_ and
// south_; schools a_, b_ in the north, c_ in the south) plus a state
// vocational school v_ in the south; pupils of A with guardians (one adult
// pupil of V); real accounts for an applicant (no roles), a second
// applicant, two evaluators and the callers of every role; and helpers that
// store calls and projects directly (server/initiatives/store.h), so each
// test starts from the state it needs.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/auth/accounts.h"
#include "server/common/ids.h"
#include "server/initiatives/store.h"
#include "server/plans/semester.h"
#include "tests/directory/people_fixture.h"

namespace pumpurs::initiatives {

using directory::As;
using directory::Institution;

class InitiativeTest : public directory::PeopleTest {
 protected:
  void SetUp() override {
    PeopleTest::SetUp();
    Institution v = School(south_.id, "V tehnikums");
    v.kind = directory::InstitutionKind::kStateVocationalSchool;
    v_ = MustCreateI(v);
    pupil1_ = MustCreateP(a_.id, "Anna", "Bērziņa", 9).id;
    guardian1_ = MustCreateG("Inese", "Bērziņa", {pupil1_}).id;
    pupil2_ = MustCreateP(a_.id, "Pēteris", "Ozols", 10).id;
    guardian2_ = MustCreateG("Ilze", "Ozola", {pupil2_}).id;
    directory::Pupil adult = NewPupil(v_.id, "Jānis", "Kalniņš");
    adult.grade = 0;
    adult.vocational_course = 2;
    adult.class_label = "2.k";
    adult.birth_date = directory::BornYearsAgo(19);
    absl::StatusOr<directory::Pupil> made = CreateP(Admin(), adult);
    ASSERT_THAT(made, ::pumpurs::testing::IsOk());
    adult_pupil_ = made->id;
    applicant_ = Account("jauniesi");
    other_applicant_ = Account("biedriba");
    evaluator1_ = Account("vertetajs1");
    evaluator2_ = Account("vertetajs2");
    guardian1_account_ =
        Account("vecaks-anna", {{Role::kGuardian, guardian1_}});
  }

  // A user account in the database (kind user) with `roles`; its id.
  std::string Account(const std::string& username,
                      std::vector<RoleBinding> roles = {}) {
    absl::StatusOr<std::string> id = Write<std::string>(
        [&](storage::Connection& c) -> absl::StatusOr<std::string> {
          auth::AccountRecord a;
          a.username = username;
          a.roles = roles;
          PUMPURS_ASSIGN_OR_RETURN(auth::AccountRecord stored,
                                   auth::InsertAccount(c, a, absl::Now()));
          return stored.id;
        });
    EXPECT_THAT(id, ::pumpurs::testing::IsOk());
    return id.ok() ? *id : "";
  }
  CallContext Applicant() { return As(applicant_, {}); }
  CallContext OtherApplicant() { return As(other_applicant_, {}); }
  CallContext Evaluator1() { return As(evaluator1_, {}); }
  CallContext Evaluator2() { return As(evaluator2_, {}); }
  CallContext Guardian1() {
    return As(guardian1_account_, {{Role::kGuardian, guardian1_}});
  }
  CallContext North() { return MunicipalityCoordinator(north_); }
  CallContext South() { return MunicipalityCoordinator(south_); }
  CallContext HeadV() {
    return As("head-v", {{Role::kInstitutionHead, v_.id}});
  }

  absl::CivilDay Today() { return plans::DayInLatvia(absl::Now()); }

  // A complete call of the north municipality (EUR 4,600, 2 projects, two
  // criteria of 10 and 20 points, evaluators 1 and 2), applications from
  // `start` to `end`, in `state`.
  StoredCall AddCall(absl::CivilDay start, absl::CivilDay end,
                     v1::CallState state = v1::CALL_STATE_OPEN,
                     int max_projects = 2) {
    StoredCall c;
    c.id = NewId();
    c.municipality_id = north_.id;
    v1::Call& call = c.call;
    call.set_owner(ResourceName(kMunicipalities, north_.id));
    call.set_municipality(call.owner());
    call.set_title("Jauniešu iniciatīvas 2026");
    call.set_rules("Projekti jauniešiem, kas var pamest skolu.");
    call.set_application_start(plans::FormatDay(start));
    call.set_application_end(plans::FormatDay(end));
    call.set_lump_sum_cents(kDefaultLumpSumCents);
    call.set_max_projects(max_projects);
    v1::Criterion* k1 = call.add_criteria();
    k1->set_id("k1");
    k1->set_title("Atbilstība mērķiem");
    k1->set_max_points(10);
    v1::Criterion* k2 = call.add_criteria();
    k2->set_id("k2");
    k2->set_title("Riska jauniešu iesaiste");
    k2->set_max_points(20);
    call.set_min_at_risk_percent(30);
    call.add_evaluators(ResourceName(kAccounts, evaluator1_));
    call.add_evaluators(ResourceName(kAccounts, evaluator2_));
    call.set_state(state);
    EXPECT_THAT(db_->WriteSync(CallContext{},
                               [&](storage::Connection& conn) {
                                 return InsertCall(conn, c, absl::Now());
                               }),
                ::pumpurs::testing::IsOk());
    return c;
  }

  // A complete project under `c` owned by `owner_account`, with pupil1_
  // as a member, a budget adding up to the lump sum, in `state`.
  v1::Initiative Content(const StoredCall& c) {
    v1::Initiative in;
    in.set_call(c.call.name());
    in.mutable_organisation()->set_name("Jauniešu klubs \"Ābele\"");
    in.mutable_organisation()->set_registration_number("40008123456");
    in.mutable_organisation()->set_kind(
        v1::ORGANISATION_KIND_YOUTH_ORGANISATION);
    in.set_group_name("Ābeļu jaunieši");
    in.add_members(ResourceName(kPupils, pupil1_));
    in.mutable_supervisor()->set_given_name("Laura");
    in.mutable_supervisor()->set_family_name("Kļaviņa");
    in.set_title("Sporta vakari");
    in.set_aims("Iesaistīt jauniešus kopīgās aktivitātēs.");
    v1::Activity* a = in.add_activities();
    a->set_title("Basketbola vakari");
    a->set_start_date(plans::FormatDay(Today()));
    a->set_end_date(plans::FormatDay(Today() + 90));
    v1::BudgetLine* b1 = in.add_budget();
    b1->set_item("Inventārs");
    b1->set_amount_cents(300000);
    v1::BudgetLine* b2 = in.add_budget();
    b2->set_item("Telpu īre");
    b2->set_amount_cents(160000);
    in.set_planned_participants(24);
    in.set_planned_at_risk(9);
    return in;
  }
  StoredInitiative AddInitiative(const StoredCall& c, v1::InitiativeState state,
                                 const std::string& owner_account = "") {
    StoredInitiative i;
    i.id = NewId();
    i.call_id = c.id;
    i.municipality_id = c.municipality_id;
    i.institution_id = c.institution_id;
    i.owner_account_id = owner_account.empty() ? applicant_ : owner_account;
    i.initiative = Content(c);
    i.initiative.set_municipality(c.call.municipality());
    i.initiative.set_state(state);
    EXPECT_THAT(db_->WriteSync(CallContext{},
                               [&](storage::Connection& conn) {
                                 return InsertInitiative(conn, i, absl::Now());
                               }),
                ::pumpurs::testing::IsOk());
    return i;
  }

  directory::Institution v_;
  std::string pupil1_, guardian1_, pupil2_, guardian2_, adult_pupil_;
  std::string applicant_, other_applicant_, evaluator1_, evaluator2_,
      guardian1_account_;
};

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_TESTS_INITIATIVES_INITIATIVE_FIXTURE_H_
