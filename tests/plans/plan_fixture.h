#ifndef PUMPURS_TESTS_PLANS_PLAN_FIXTURE_H_
#define PUMPURS_TESTS_PLANS_PLAN_FIXTURE_H_

// Support-plan tests: the people fixture (two municipalities, schools A and
// B in the north, C in the south) plus a state vocational school V in the
// south, the knowledge base's seed, a pupil of A with a guardian, an adult
// pupil of V, and staff of A and V linked to accounts (preparer, provider,
// head), with callers for every role and helpers that store applications
// and plans directly (server/plans/store.h), so each test starts from the
// state it needs without going through the code under test.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/ids.h"
#include "server/knowledge/seed_loader.h"
#include "server/plans/store.h"
#include "tests/directory/people_fixture.h"

namespace pumpurs::plans {

using directory::Institution;

class PlanTest : public directory::PeopleTest {
 protected:
  void SetUp() override {
    PeopleTest::SetUp();
    ASSERT_THAT(knowledge::LoadEmbeddedSeed(*db_), ::pumpurs::testing::IsOk());
    Institution v = School(south_.id, "V tehnikums");
    v.kind = directory::InstitutionKind::kStateVocationalSchool;
    v_ = MustCreateI(v);
    pupil_ = MustCreateP(a_.id, "Anna", "Bērziņa", 7).id;
    guardian_ = MustCreateG("Inese", "Bērziņa", {pupil_}).id;
    directory::Pupil adult = NewPupil(v_.id, "Jānis", "Kalniņš");
    adult.grade = 0;
    adult.vocational_course = 2;
    adult.class_label = "2.k";
    adult.birth_date = directory::BornYearsAgo(19);
    absl::StatusOr<directory::Pupil> made = CreateP(Admin(), adult);
    ASSERT_THAT(made, ::pumpurs::testing::IsOk());
    adult_pupil_ = made->id;
    preparer_a_ = AddStaff(a_.id, "teacher-a", 1);
    provider_a_ = AddStaff(a_.id, "provider-a", 2);
    head_a_ = AddStaff(a_.id, "head-a", 7);
    preparer_v_ = AddStaff(v_.id, "teacher-v", 1);
    provider_v_ = AddStaff(v_.id, "provider-v", 3);
  }

  // A staff row of `institution_id` linked to account `account`.
  std::string AddStaff(const std::string& institution_id,
                       const std::string& account, int position) {
    const std::string id = NewId();
    EXPECT_THAT(
        db_->WriteSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("INSERT INTO staff (id, "
                            "institution_id, given_name, "
                            "family_name, sort_key, "
                            "search_given, search_family, "
                            "position, version, create_time, "
                            "update_time, account_id) VALUES "
                            "(?, ?, 'Vārds', 'Uzvārds', x'00', "
                            "'vards', 'uzvards', ?, 1, 0, 0, "
                            "NULL)"));
              s.Bind(1, id).Bind(2, institution_id).Bind(3, int64_t{position});
              return s.Run();
            }),
        ::pumpurs::testing::IsOk());
    staff_accounts_[id] = account;
    return id;
  }

  // A caller whose account is linked to `staff_id`, with `roles`.
  CallContext Staff(const std::string& staff_id,
                    std::vector<RoleBinding> roles) {
    CallContext call =
        directory::As(staff_accounts_[staff_id], std::move(roles));
    call.principal.staff_ids = {staff_id};
    return call;
  }
  CallContext PreparerA() {
    return Staff(preparer_a_, {{Role::kPlanPreparer, a_.id}});
  }
  CallContext ProviderA() {
    return Staff(provider_a_, {{Role::kMeasureProvider, a_.id}});
  }
  CallContext HeadA() {
    return Staff(head_a_, {{Role::kInstitutionHead, a_.id}});
  }
  CallContext PreparerV() {
    return Staff(preparer_v_, {{Role::kPlanPreparer, v_.id}});
  }
  CallContext HeadV() {
    return directory::As("head-v", {{Role::kInstitutionHead, v_.id}});
  }
  CallContext GuardianA() { return GuardianOf(guardian_); }
  CallContext AdultPupilV() { return AdultPupil(adult_pupil_); }
  CallContext North() { return MunicipalityCoordinator(north_); }
  CallContext South() { return MunicipalityCoordinator(south_); }

  // The current semester (plans for it can be resumed).
  Semester Current() { return SemesterOf(DayInLatvia(absl::Now())); }

  // Stores an active application for `pupil_id` from `semester` on and
  // returns its id. The data column holds the full v1.Application.
  std::string AddApplication(const std::string& pupil_id,
                             const std::string& institution_id,
                             const std::string& municipality_id,
                             Semester semester) {
    const std::string id = NewId();
    v1::Application a;
    a.set_name(ResourceName(kApplications, id));
    a.set_pupil(ResourceName(kPupils, pupil_id));
    a.mutable_semester()->set_school_year(semester.school_year);
    a.mutable_semester()->set_term(semester.term);
    a.set_channel(v1::APPLICATION_CHANNEL_PAPER_FORM);
    a.set_state(v1::APPLICATION_STATE_ACTIVE);
    a.set_institution(ResourceName(kInstitutions, institution_id));
    a.set_etag("\"1\"");
    EXPECT_THAT(
        db_->WriteSync(
            CallContext{},
            [&](storage::Connection& c) -> absl::Status {
              PUMPURS_ASSIGN_OR_RETURN(
                  storage::Statement s,
                  c.Prepare("INSERT INTO plan_applications (id, pupil_id, "
                            "institution_id, municipality_id, school_year, "
                            "term, state, data, version, create_time, "
                            "update_time) VALUES (?, ?, ?, ?, ?, ?, 1, ?, 1, "
                            "0, 0)"));
              s.Bind(1, id)
                  .Bind(2, pupil_id)
                  .Bind(3, institution_id)
                  .Bind(4, municipality_id)
                  .Bind(5, int64_t{semester.school_year})
                  .Bind(6, int64_t{semester.term})
                  .BindBlob(7, a.SerializeAsString());
              return s.Run();
            }),
        ::pumpurs::testing::IsOk());
    return id;
  }

  // A complete plan content for a pupil of A in `semester`: one risk
  // (low achievement) and one special-category risk (long-term illness),
  // one goal, a subject consultation by the provider (10 hours, EUR 150)
  // and a psychologist consultation by the preparer addressing the illness.
  v1::SupportPlan CompleteContent(Semester semester,
                                  const std::string& preparer,
                                  const std::string& provider) {
    v1::SupportPlan p;
    p.set_preparer(ResourceName(kStaff, preparer));
    p.set_problem_description("Zemi vērtējumi matemātikā.");
    v1::PlanRisk* r = p.add_risks();
    r->set_risk_factor("riskFactors/low-achievement");
    r->set_group(v1::RISK_GROUP_LEARNING_AND_SCHOOL);
    r->set_severity(v1::SEVERITY_HIGH);
    r->set_justification("Vērtējumi 2-3 matemātikā.");
    v1::PlanRisk* ill = p.add_risks();
    ill->set_risk_factor("riskFactors/long-term-illness");
    ill->set_group(v1::RISK_GROUP_SOCIAL_AND_HEALTH);
    ill->set_special_category(true);
    ill->set_severity(v1::SEVERITY_MEDIUM);
    ill->set_justification("Ilgstoša slimība.");
    v1::PlanGoal* g = p.add_goals();
    g->set_id("g1");
    g->set_description("Uzlabot vērtējumus matemātikā.");
    g->set_success_criteria("Vērtējums vismaz 5.");
    g->set_due_date(FormatDay(LastDay(semester)));
    v1::PlanMeasure* m = p.add_measures();
    m->set_id("m1");
    m->set_measure_type("measureTypes/subject-teacher-consultation");
    m->add_addresses("riskFactors/low-achievement");
    m->set_justification("Individuālas konsultācijas.");
    m->set_provider(ResourceName(kStaff, provider));
    m->set_unit(v1::MEASURE_UNIT_HOURS);
    m->set_planned_quantity(10);
    m->set_planned_cost_cents(15000);
    m->set_start_date(FormatDay(FirstDay(semester)));
    m->set_end_date(FormatDay(LastDay(semester)));
    m->set_mode(v1::DELIVERY_MODE_ON_SITE);
    v1::PlanMeasure* psy = p.add_measures();
    psy->set_id("m2");
    psy->set_measure_type("measureTypes/psychologist-consultation");
    psy->add_addresses("riskFactors/long-term-illness");
    psy->set_justification("Atbalsts slimības laikā.");
    psy->set_provider(ResourceName(kStaff, preparer));
    psy->set_unit(v1::MEASURE_UNIT_HOURS);
    psy->set_planned_quantity(4);
    psy->set_planned_cost_cents(8000);
    psy->set_start_date(FormatDay(FirstDay(semester)));
    psy->set_end_date(FormatDay(LastDay(semester)));
    psy->set_mode(v1::DELIVERY_MODE_MIXED);
    return p;
  }

  // Stores a complete plan for the pupil of A in `semester` (state
  // `state`, submitted when past draft) and returns it as stored.
  StoredPlan AddPlanA(Semester semester,
                      v1::PlanState state = v1::PLAN_STATE_DRAFT) {
    StoredPlan p;
    p.id = NewId();
    p.pupil_id = pupil_;
    p.institution_id = a_.id;
    p.municipality_id = north_.id;
    p.application_id = AddApplication(pupil_, a_.id, north_.id, semester);
    p.preparer_id = preparer_a_;
    p.semester = semester;
    p.plan = CompleteContent(semester, preparer_a_, provider_a_);
    p.plan.set_state(state);
    p.submitted = state != v1::PLAN_STATE_DRAFT;
    p.guardian_ids = {guardian_};
    CallContext system;
    system.caller_id = "system:test";
    EXPECT_THAT(db_->WriteSync(system,
                               [&](storage::Connection& c) {
                                 return InsertPlan(c, system, p, absl::Now());
                               }),
                ::pumpurs::testing::IsOk());
    return p;
  }

  directory::Institution v_;
  std::string pupil_, guardian_, adult_pupil_;
  std::string preparer_a_, provider_a_, head_a_, preparer_v_, provider_v_;
  std::map<std::string, std::string> staff_accounts_;
};

}  // namespace pumpurs::plans

#endif  // PUMPURS_TESTS_PLANS_PLAN_FIXTURE_H_
