// Delivery records (server/plans/deliveries.h): the rules of a record, who
// may record it, what it does to the plan (state, delivered quantities,
// funds used, history, change feed, audit), idempotent retries, the
// plan's list of records, and the hours per provider per month.

#include "server/plans/deliveries.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/plans/access.h"
#include "tests/plans/plan_fixture.h"

namespace pumpurs::plans {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::ViolatesFields;
using ::testing::Contains;
using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::Not;

using Fields = std::vector<std::string>;

class DeliveriesTest : public PlanTest {
 protected:
  // A semester wholly in the past: every day of it may be recorded.
  Semester Past() { return SemesterOf(FirstDay(Current()) - 1); }
  // The n-th day of Past() (0: its first).
  absl::CivilDay Day(int n) { return FirstDay(Past()) + n; }

  // A plan of `pupil_id` (of school A) in Past(): the fixture's content
  // (m1: 10 hours by the provider for EUR 150; m2: 4 hours by the preparer
  // for EUR 80) plus m3: 3 sessions by the provider for EUR 10, m4: a
  // compensation of EUR 50 by the preparer, and m5: hours by the provider
  // only on days 30 to 40 of the semester.
  StoredPlan StorePlan(const std::string& pupil_id, v1::PlanState state) {
    StoredPlan p;
    p.id = NewId();
    p.pupil_id = pupil_id;
    p.institution_id = a_.id;
    p.municipality_id = north_.id;
    p.application_id = AddApplication(pupil_id, a_.id, north_.id, Past());
    p.preparer_id = preparer_a_;
    p.semester = Past();
    p.plan = CompleteContent(Past(), preparer_a_, provider_a_);
    v1::PlanMeasure* sessions = p.plan.add_measures();
    *sessions = p.plan.measures(0);
    sessions->set_id("m3");
    sessions->set_unit(v1::MEASURE_UNIT_SESSIONS);
    sessions->set_planned_quantity(3);
    sessions->set_planned_cost_cents(1000);
    v1::PlanMeasure* money = p.plan.add_measures();
    *money = p.plan.measures(0);
    money->set_id("m4");
    money->set_measure_type("");
    money->set_custom_title("Transporta kompensācija");
    money->set_provider(ResourceName(kStaff, preparer_a_));
    money->set_unit(v1::MEASURE_UNIT_EUR);
    money->set_planned_quantity(50);
    money->set_planned_cost_cents(5000);
    v1::PlanMeasure* narrow = p.plan.add_measures();
    *narrow = p.plan.measures(0);
    narrow->set_id("m5");
    narrow->set_start_date(FormatDay(Day(30)));
    narrow->set_end_date(FormatDay(Day(40)));
    p.plan.set_state(state);
    p.submitted = state != v1::PLAN_STATE_DRAFT;
    CallContext system;
    system.caller_id = "system:test";
    EXPECT_THAT(db_->WriteSync(system,
                               [&](storage::Connection& c) {
                                 return InsertPlan(c, system, p, absl::Now());
                               }),
                IsOk());
    return p;
  }
  StoredPlan Approved() { return StorePlan(pupil_, v1::PLAN_STATE_APPROVED); }

  // A valid on-site consultation of 45 minutes under `measure` on `day`.
  v1::DeliveryRecord Consultation(const std::string& measure,
                                  absl::CivilDay day, int minutes = 45) {
    v1::DeliveryRecord r;
    r.set_measure_id(measure);
    r.set_date(FormatDay(day));
    r.set_duration_minutes(minutes);
    r.set_mode(v1::DELIVERY_MODE_ON_SITE);
    r.set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
    r.set_evidence_reference("KA-17");
    return r;
  }
  // The same, remote, confirmed by e-mail on `confirmed`.
  v1::DeliveryRecord Remote(const std::string& measure, absl::CivilDay day,
                            absl::CivilDay confirmed, int minutes = 45) {
    v1::DeliveryRecord r = Consultation(measure, day, minutes);
    r.set_mode(v1::DELIVERY_MODE_REMOTE);
    r.set_evidence(v1::EVIDENCE_TYPE_EMAIL);
    r.set_confirmation_date(FormatDay(confirmed));
    return r;
  }
  // A compensation of `cents` under m4.
  v1::DeliveryRecord Compensation(absl::CivilDay day, int64_t cents) {
    v1::DeliveryRecord r;
    r.set_measure_id("m4");
    r.set_date(FormatDay(day));
    r.set_amount_cents(cents);
    r.set_mode(v1::DELIVERY_MODE_ON_SITE);
    r.set_evidence(v1::EVIDENCE_TYPE_PAYMENT_DOCUMENT);
    return r;
  }

  absl::StatusOr<v1::DeliveryRecord> Record(const CallContext& call,
                                            const std::string& plan_id,
                                            const v1::DeliveryRecord& r,
                                            const std::string& request_id = "",
                                            absl::Time now = absl::Now()) {
    return WriteAs<v1::DeliveryRecord>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return RecordDelivery(c, cc, plan_id, r, request_id, now);
        });
  }
  v1::DeliveryRecord MustRecord(const CallContext& call,
                                const std::string& plan_id,
                                const v1::DeliveryRecord& r,
                                absl::Time now = absl::Now()) {
    absl::StatusOr<v1::DeliveryRecord> out = Record(call, plan_id, r, "", now);
    EXPECT_THAT(out, IsOk());
    return out.ok() ? *out : v1::DeliveryRecord{};
  }

  absl::StatusOr<ListPage<v1::DeliveryRecord>> List(
      const CallContext& call, const std::string& plan_id,
      const std::string& measure_id = "", int page_size = 0,
      const std::string& token = "") {
    return ReadAs<ListPage<v1::DeliveryRecord>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListDeliveries(c, cc, plan_id, measure_id, page_size, token);
        });
  }

  absl::StatusOr<ListPage<v1::DeliveredHours>> Hours(const CallContext& call,
                                                     DeliveredHoursQuery q) {
    return ReadAs<ListPage<v1::DeliveredHours>>(
        call, [&](storage::Connection& c, const CallContext& cc) {
          return ListDeliveredHours(c, cc, q);
        });
  }
  DeliveredHoursQuery HoursOfA(const std::string& start,
                               const std::string& end = "") {
    DeliveredHoursQuery q;
    q.institution_id = a_.id;
    q.start_month = start;
    q.end_month = end;
    return q;
  }

  StoredPlan Load(const std::string& id) {
    absl::StatusOr<std::optional<StoredPlan>> p =
        Read<std::optional<StoredPlan>>(
            [&](storage::Connection& c) { return LoadPlan(c, id); });
    EXPECT_THAT(p, IsOk());
    EXPECT_TRUE(p.ok() && p->has_value());
    return p.ok() && p->has_value() ? **p : StoredPlan{};
  }
  const v1::PlanMeasure& MeasureOf(const StoredPlan& p, const std::string& id) {
    for (const v1::PlanMeasure& m : p.plan.measures()) {
      if (m.id() == id) return m;
    }
    ADD_FAILURE() << "no measure " << id;
    return p.plan.measures(0);
  }
  std::string LastRevision(const std::string& plan_id) {
    absl::StatusOr<std::string> out = Read<std::string>(
        [&](storage::Connection& c) -> absl::StatusOr<std::string> {
          PUMPURS_ASSIGN_OR_RETURN(
              storage::Statement s,
              c.Prepare("SELECT action, changed_fields, actor FROM "
                        "support_plan_revisions WHERE plan_id = ? ORDER BY "
                        "number DESC LIMIT 1"));
          s.Bind(1, plan_id);
          PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
          if (!row) return std::string();
          return absl::StrCat(s.ColumnText(0), " ", s.ColumnText(1), " ",
                              s.ColumnText(2));
        });
    EXPECT_THAT(out, IsOk());
    return out.ok() ? *out : "";
  }
  // Rows that a failed call must not leave behind.
  std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t> Footprint() {
    return {CountRows("plan_deliveries"), CountRows("changes"),
            CountRows("support_plan_revisions"), CountRows("request_ids"),
            QueryInt("SELECT coalesce(sum(version), 0) + "
                     "coalesce(sum(funds_used_cents), 0) FROM support_plans")};
  }
};

TEST_F(DeliveriesTest, FirstDeliveryStartsImplementation) {
  StoredPlan p = Approved();
  const absl::Time now = absl::Now();
  absl::StatusOr<v1::DeliveryRecord> r =
      Record(ProviderA(), p.id, Consultation("m1", Day(10)), "", now);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(absl::StartsWith(
      r->name(), absl::StrCat("supportPlans/", p.id, "/deliveries/")));
  EXPECT_EQ(r->measure_id(), "m1");
  EXPECT_EQ(r->date(), FormatDay(Day(10)));
  EXPECT_EQ(r->duration_minutes(), 45);
  EXPECT_EQ(r->provider(), "staff/" + provider_a_);  // the measure's
  EXPECT_EQ(r->recorded_by(), "accounts/provider-a");
  EXPECT_EQ(r->evidence_reference(), "KA-17");
  EXPECT_EQ(r->create_time().seconds(), absl::ToUnixSeconds(now));

  StoredPlan after = Load(p.id);
  EXPECT_EQ(after.state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  EXPECT_EQ(after.version, p.version + 1);
  EXPECT_EQ(LastRevision(p.id),
            "deliver measures,funds_used_cents,state accounts/provider-a");
  EXPECT_EQ(QueryInt(absl::StrCat("SELECT count(*) FROM changes WHERE "
                                  "resource = '",
                                  r->name(), "' AND plan_id = '", p.id,
                                  "' AND pupil_id = '", pupil_, "'")),
            1);
  EXPECT_THAT(StoredAudit(),
              Contains(absl::StrCat("delivery.create ", r->name(), " 1")));
  // The stored data is the record as returned.
  EXPECT_EQ(QueryInt(absl::StrCat(
                "SELECT count(*) FROM plan_deliveries WHERE id = '",
                r->name().substr(r->name().rfind('/') + 1), "' AND month = '",
                FormatMonth(absl::CivilMonth(Day(10))),
                "' AND minutes = 45 AND remote = 0 AND provider_id = '",
                provider_a_, "' AND institution_id = '", a_.id, "'")),
            1);
  absl::StatusOr<ListPage<v1::DeliveryRecord>> listed = List(HeadA(), p.id);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].SerializeAsString(), r->SerializeAsString());

  // Later deliveries leave the state alone.
  MustRecord(ProviderA(), p.id, Consultation("m1", Day(11)));
  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_IN_IMPLEMENTATION);
  EXPECT_EQ(LastRevision(p.id),
            "deliver measures,funds_used_cents accounts/provider-a");
}

TEST_F(DeliveriesTest, PlannedAgainstDeliveredAndFundsPerUnit) {
  StoredPlan p = StorePlan(pupil_, v1::PLAN_STATE_IN_IMPLEMENTATION);
  // m1: 10 hours for 15000 cents, so 1500 cents an hour.
  MustRecord(ProviderA(), p.id, Consultation("m1", Day(10), 45));  // 1125
  MustRecord(ProviderA(), p.id, Consultation("m1", Day(12), 90));  // 2250
  // m3: 3 sessions for 1000 cents: 333.33 a session, rounded to 333.
  MustRecord(ProviderA(), p.id, Consultation("m3", Day(13), 40));   // 333
  MustRecord(ProviderA(), p.id, Consultation("m3", Day(14), 120));  // 333
  // m4: compensations cost their amount.
  MustRecord(PreparerA(), p.id, Compensation(Day(15), 1234));  // 1234

  StoredPlan after = Load(p.id);
  const v1::PlanMeasure& hours = MeasureOf(after, "m1");
  EXPECT_THAT(hours.delivered_quantity(), DoubleEq(2.25));
  EXPECT_EQ(hours.delivery_count(), 2);
  EXPECT_THAT(hours.planned_quantity(), DoubleEq(10));
  const v1::PlanMeasure& sessions = MeasureOf(after, "m3");
  EXPECT_THAT(sessions.delivered_quantity(), DoubleEq(2));
  EXPECT_EQ(sessions.delivery_count(), 2);
  const v1::PlanMeasure& money = MeasureOf(after, "m4");
  EXPECT_THAT(money.delivered_quantity(), DoubleEq(12.34));
  EXPECT_EQ(money.delivery_count(), 1);
  const v1::PlanMeasure& untouched = MeasureOf(after, "m2");
  EXPECT_THAT(untouched.delivered_quantity(), DoubleEq(0));
  EXPECT_EQ(untouched.delivery_count(), 0);

  EXPECT_EQ(after.plan.funds_used_cents(), 1125 + 2250 + 333 + 333 + 1234);
  EXPECT_EQ(QueryInt(absl::StrCat("SELECT funds_used_cents FROM support_plans "
                                  "WHERE id = '",
                                  p.id, "'")),
            1125 + 2250 + 333 + 333 + 1234);
  EXPECT_EQ(QueryInt("SELECT sum(funds_cents) FROM plan_deliveries"),
            1125 + 2250 + 333 + 333 + 1234);
  // A compensation has no minutes; a consultation no amount.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM plan_deliveries WHERE measure_id "
                     "= 'm4' AND minutes = 0 AND amount_cents = 1234"),
            1);
}

TEST_F(DeliveriesTest, FundsRoundToTheNearestCent) {
  v1::PlanMeasure m;
  m.set_unit(v1::MEASURE_UNIT_HOURS);
  m.set_planned_quantity(3);
  m.set_planned_cost_cents(1000);
  EXPECT_EQ(FundsFor(m, 20, 0), 111);  // 111.11
  EXPECT_EQ(FundsFor(m, 40, 0), 222);  // 222.22
  EXPECT_EQ(FundsFor(m, 50, 0), 278);  // 277.78
  m.set_planned_quantity(2.5);
  EXPECT_EQ(FundsFor(m, 60, 0), 400);
  m.set_unit(v1::MEASURE_UNIT_SESSIONS);
  m.set_planned_quantity(2);
  m.set_planned_cost_cents(3);
  EXPECT_EQ(FundsFor(m, 45, 0), 2);  // 1.5: halves away from zero
  m.set_planned_cost_cents(0);
  EXPECT_EQ(FundsFor(m, 45, 0), 0);
  m.set_unit(v1::MEASURE_UNIT_EUR);
  EXPECT_EQ(FundsFor(m, 0, 4321), 4321);
}

TEST_F(DeliveriesTest, EveryFieldRuleIsAViolation) {
  StoredPlan p = Approved();
  const absl::CivilDay today = DayInLatvia(absl::Now());
  struct Case {
    std::string what;
    v1::DeliveryRecord record;
    std::string field;
  };
  std::vector<Case> cases;
  auto with = [&](std::string what, std::string field, auto change) {
    v1::DeliveryRecord r = Consultation("m1", Day(10));
    change(r);
    cases.push_back({std::move(what), r, std::move(field)});
  };
  with("no measure", "delivery.measure_id",
       [](v1::DeliveryRecord& r) { r.clear_measure_id(); });
  with("no date", "delivery.date",
       [](v1::DeliveryRecord& r) { r.clear_date(); });
  with("not a day", "delivery.date",
       [](v1::DeliveryRecord& r) { r.set_date("2026-02-30"); });
  with("malformed day", "delivery.date",
       [](v1::DeliveryRecord& r) { r.set_date("10.01.2026"); });
  with("tomorrow", "delivery.date",
       [&](v1::DeliveryRecord& r) { r.set_date(FormatDay(today + 1)); });
  with("no mode", "delivery.mode",
       [](v1::DeliveryRecord& r) { r.clear_mode(); });
  with("mixed", "delivery.mode",
       [](v1::DeliveryRecord& r) { r.set_mode(v1::DELIVERY_MODE_MIXED); });
  with("no evidence", "delivery.evidence",
       [](v1::DeliveryRecord& r) { r.clear_evidence(); });
  with("remote signed", "delivery.evidence", [](v1::DeliveryRecord& r) {
    r.set_mode(v1::DELIVERY_MODE_REMOTE);
    r.set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
    r.set_confirmation_date(r.date());
  });
  with("remote unconfirmed", "delivery.confirmation_date",
       [](v1::DeliveryRecord& r) {
         r.set_mode(v1::DELIVERY_MODE_REMOTE);
         r.set_evidence(v1::EVIDENCE_TYPE_E_KLASE_MESSAGE);
       });
  with("confirmation not a day", "delivery.confirmation_date",
       [](v1::DeliveryRecord& r) {
         r.set_mode(v1::DELIVERY_MODE_REMOTE);
         r.set_evidence(v1::EVIDENCE_TYPE_EMAIL);
         r.set_confirmation_date("yesterday");
       });
  with("confirmed before held", "delivery.confirmation_date",
       [&](v1::DeliveryRecord& r) {
         r.set_mode(v1::DELIVERY_MODE_REMOTE);
         r.set_evidence(v1::EVIDENCE_TYPE_EMAIL);
         r.set_confirmation_date(FormatDay(Day(9)));
       });
  with("confirmed in the future", "delivery.confirmation_date",
       [&](v1::DeliveryRecord& r) {
         r.set_date(FormatDay(today));
         r.set_mode(v1::DELIVERY_MODE_REMOTE);
         r.set_evidence(v1::EVIDENCE_TYPE_EMAIL);
         r.set_confirmation_date(FormatDay(today + 1));
       });
  with("long reference", "delivery.evidence_reference",
       [](v1::DeliveryRecord& r) {
         r.set_evidence_reference(std::string(201, 'x'));
       });
  with("no minutes", "delivery.duration_minutes",
       [](v1::DeliveryRecord& r) { r.set_duration_minutes(0); });
  with("too many minutes", "delivery.duration_minutes",
       [](v1::DeliveryRecord& r) { r.set_duration_minutes(481); });
  with("consultation with amount", "delivery.amount_cents",
       [](v1::DeliveryRecord& r) { r.set_amount_cents(500); });
  with("compensation without amount", "delivery.amount_cents",
       [&](v1::DeliveryRecord& r) { r = Compensation(Day(10), 0); });
  with("compensation with minutes", "delivery.duration_minutes",
       [&](v1::DeliveryRecord& r) {
         r = Compensation(Day(10), 100);
         r.set_duration_minutes(30);
       });
  with("provider not a staff name", "delivery.provider",
       [&](v1::DeliveryRecord& r) { r.set_provider("teacher"); });
  with("provider of another school", "delivery.provider",
       [&](v1::DeliveryRecord& r) {
         r.set_provider(ResourceName(kStaff, preparer_v_));
       });
  with("unknown provider", "delivery.provider", [&](v1::DeliveryRecord& r) {
    r.set_provider(ResourceName(kStaff, NewId()));
  });

  const auto before = Footprint();
  for (const Case& c : cases) {
    absl::StatusOr<v1::DeliveryRecord> r = Record(HeadA(), p.id, c.record);
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument)) << c.what;
    EXPECT_THAT(r, ViolatesFields(Fields{c.field})) << c.what;
  }
  EXPECT_THAT(
      Record(HeadA(), p.id, Consultation("m1", Day(10)), std::string(65, 'r')),
      ViolatesFields(Fields{"request_id"}));
  // All of a record's problems at once.
  v1::DeliveryRecord bad = Consultation("m1", Day(10), 0);
  bad.clear_mode();
  bad.clear_evidence();
  EXPECT_THAT(Record(HeadA(), p.id, bad),
              ViolatesFields(Fields{"delivery.duration_minutes",
                                    "delivery.mode", "delivery.evidence"}));
  EXPECT_EQ(Footprint(), before);
  EXPECT_EQ(Load(p.id).state(), v1::PLAN_STATE_APPROVED);

  // The edges that are allowed.
  v1::DeliveryRecord edge = Consultation("m1", Day(10), 480);
  edge.set_evidence_reference(std::string(200, 'x'));
  edge.set_provider(ResourceName(kStaff, head_a_));
  absl::StatusOr<v1::DeliveryRecord> ok = Record(HeadA(), p.id, edge);
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->provider(), "staff/" + head_a_);
  // Today is not in the future (but outside the past semester's measure).
  EXPECT_THAT(Record(HeadA(), p.id, Consultation("m1", today, 1)),
              HasReason("DATE_OUTSIDE_MEASURE_PERIOD"));
}

TEST_F(DeliveriesTest, OnlyApprovedOrRunningPlansTakeDeliveries) {
  for (v1::PlanState state :
       {v1::PLAN_STATE_DRAFT, v1::PLAN_STATE_IN_APPROVAL,
        v1::PLAN_STATE_SUSPENDED, v1::PLAN_STATE_UNDER_REVISION,
        v1::PLAN_STATE_CLOSED}) {
    StoredPlan p = StorePlan(MustCreateP(a_.id, "Pēteris", "Ozols").id, state);
    EXPECT_THAT(Record(PreparerA(), p.id, Consultation("m1", Day(10))),
                HasReason("PLAN_NOT_IN_IMPLEMENTATION"))
        << v1::PlanState_Name(state);
  }
  StoredPlan inactive = StorePlan(MustCreateP(a_.id, "Ilze", "Liepa").id,
                                  v1::PLAN_STATE_INACTIVE);
  EXPECT_THAT(Record(PreparerA(), inactive.id, Consultation("m1", Day(10))),
              HasReason("PLAN_INACTIVE"));

  StoredPlan withdrawn = Approved();
  ASSERT_THAT(Exec(absl::StrCat("UPDATE plan_applications SET state = 2 "
                                "WHERE id = '",
                                withdrawn.application_id, "'")),
              IsOk());
  absl::StatusOr<v1::DeliveryRecord> r =
      Record(PreparerA(), withdrawn.id, Consultation("m1", Day(10)));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(r, HasReason("APPLICATION_WITHDRAWN"));
  EXPECT_EQ(CountRows("plan_deliveries"), 0);
}

TEST_F(DeliveriesTest, MeasurePeriodAndConfirmationRules) {
  StoredPlan p = Approved();
  const auto before = Footprint();
  absl::StatusOr<v1::DeliveryRecord> r =
      Record(PreparerA(), p.id, Consultation("m9", Day(10)));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(r, HasReason("MEASURE_NOT_IN_PLAN"));

  r = Record(ProviderA(), p.id, Consultation("m5", Day(29)));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(r, HasReason("DATE_OUTSIDE_MEASURE_PERIOD"));
  EXPECT_THAT(Record(ProviderA(), p.id, Consultation("m5", Day(41))),
              HasReason("DATE_OUTSIDE_MEASURE_PERIOD"));
  // Before the semester: outside m1's period (the whole semester).
  EXPECT_THAT(Record(ProviderA(), p.id, Consultation("m1", Day(-1))),
              HasReason("DATE_OUTSIDE_MEASURE_PERIOD"));

  r = Record(ProviderA(), p.id, Remote("m1", Day(10), Day(12)));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(r, HasReason("CONFIRMATION_TOO_LATE"));
  EXPECT_EQ(Footprint(), before);

  EXPECT_THAT(Record(ProviderA(), p.id, Consultation("m5", Day(30))), IsOk());
  EXPECT_THAT(Record(ProviderA(), p.id, Consultation("m5", Day(40))), IsOk());
  EXPECT_THAT(Record(ProviderA(), p.id, Remote("m1", Day(10), Day(10))),
              IsOk());
  absl::StatusOr<v1::DeliveryRecord> next_day =
      Record(ProviderA(), p.id, Remote("m1", Day(10), Day(11)));
  ASSERT_THAT(next_day, IsOk());
  EXPECT_EQ(next_day->confirmation_date(), FormatDay(Day(11)));
  EXPECT_EQ(next_day->mode(), v1::DELIVERY_MODE_REMOTE);
  // A compensation paid remotely needs no pupil's confirmation.
  v1::DeliveryRecord paid = Compensation(Day(10), 700);
  paid.set_mode(v1::DELIVERY_MODE_REMOTE);
  EXPECT_THAT(Record(PreparerA(), p.id, paid), IsOk());
  EXPECT_EQ(CountRows("plan_deliveries"), 5);
}

TEST_F(DeliveriesTest, ProvidersRecordOnlyTheirOwnMeasures) {
  StoredPlan p = Approved();
  CallContext provider = ProviderA();
  const auto before = Footprint();
  // m2 is the preparer's measure.
  absl::StatusOr<v1::DeliveryRecord> r =
      Record(provider, p.id, Consultation("m2", Day(10)));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(
      Deferred(provider),
      ElementsAre(absl::StrCat("delivery.create supportPlans/", p.id, " 2")));
  // A measure the plan lacks is not theirs either: refused before it is
  // looked for.
  EXPECT_THAT(Record(ProviderA(), p.id, Consultation("m9", Day(10))),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(Footprint(), before);

  // The preparer and the head record for any measure.
  EXPECT_THAT(Record(PreparerA(), p.id, Consultation("m1", Day(10))), IsOk());
  EXPECT_THAT(Record(HeadA(), p.id, Consultation("m2", Day(10))), IsOk());
  EXPECT_THAT(Record(ProviderA(), p.id, Consultation("m3", Day(10))), IsOk());

  // Nobody else.
  for (const CallContext& other :
       {Coordinator(a_), Head(b_), Teacher(a_), GuardianA(), North(), Admin(),
        PreparerV()}) {
    EXPECT_THAT(Record(other, p.id, Consultation("m1", Day(10))),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << other.caller_id;
  }
  EXPECT_THAT(Record(Anonymous(), p.id, Consultation("m1", Day(10))),
              StatusIs(absl::StatusCode::kUnauthenticated));
  // A missing plan: as for any plan one may not see.
  EXPECT_THAT(Record(HeadA(), NewId(), Consultation("m1", Day(10))),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(CountRows("plan_deliveries"), 3);
}

TEST_F(DeliveriesTest, RetriedRequestReturnsTheFirstRecord) {
  StoredPlan p = Approved();
  absl::StatusOr<v1::DeliveryRecord> first =
      Record(ProviderA(), p.id, Consultation("m1", Day(10)), "retry-1");
  ASSERT_THAT(first, IsOk());
  const auto after_first = Footprint();
  CallContext again = ProviderA();
  absl::StatusOr<v1::DeliveryRecord> second =
      Record(again, p.id, Consultation("m1", Day(10)), "retry-1");
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Footprint(), after_first);
  EXPECT_THAT(Deferred(again),
              ElementsAre(absl::StrCat("delivery.list ", first->name(), " 1")));
  EXPECT_EQ(Load(p.id).plan.funds_used_cents(), 1125);

  // Another id, or another caller with the same id: a new record.
  absl::StatusOr<v1::DeliveryRecord> other =
      Record(ProviderA(), p.id, Consultation("m1", Day(10)), "retry-2");
  ASSERT_THAT(other, IsOk());
  EXPECT_NE(other->name(), first->name());
  EXPECT_THAT(Record(PreparerA(), p.id, Consultation("m1", Day(10)), "retry-1"),
              IsOk());
  EXPECT_EQ(CountRows("plan_deliveries"), 3);
  // The id names one record: not one of another plan.
  StoredPlan second_plan = StorePlan(MustCreateP(a_.id, "Pēteris", "Ozols").id,
                                     v1::PLAN_STATE_APPROVED);
  EXPECT_THAT(Record(ProviderA(), second_plan.id, Consultation("m1", Day(10)),
                     "retry-1"),
              ViolatesFields(Fields{"request_id"}));
}

TEST_F(DeliveriesTest, ListsOldestFirstInPages) {
  StoredPlan p = StorePlan(pupil_, v1::PLAN_STATE_IN_IMPLEMENTATION);
  const absl::Time t0 = absl::Now();
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    // Later records of m3 interleave with m1; create times increase.
    const std::string measure = i % 2 == 0 ? "m1" : "m3";
    names.push_back(MustRecord(ProviderA(), p.id,
                               Consultation(measure, Day(20 - i)),
                               t0 + absl::Seconds(i))
                        .name());
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<ListPage<v1::DeliveryRecord>> page =
        List(HeadA(), p.id, "", 2, token);
    ASSERT_THAT(page, IsOk());
    EXPECT_LE(page->items.size(), 2u);
    for (const auto& r : page->items) seen.push_back(r.name());
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, names);

  absl::StatusOr<ListPage<v1::DeliveryRecord>> m3 = List(HeadA(), p.id, "m3");
  ASSERT_THAT(m3, IsOk());
  ASSERT_EQ(m3->items.size(), 2u);
  EXPECT_EQ(m3->items[0].name(), names[1]);
  EXPECT_EQ(m3->items[1].name(), names[3]);

  // A token is bound to its filter.
  absl::StatusOr<ListPage<v1::DeliveryRecord>> first =
      List(HeadA(), p.id, "", 2);
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(List(HeadA(), p.id, "m1", 2, first->next_page_token),
              ViolatesFields(Fields{"page_token"}));
  EXPECT_THAT(List(HeadA(), p.id, "", -1), ViolatesFields(Fields{"page_size"}));
}

TEST_F(DeliveriesTest, WhoeverSeesThePlanSeesItsDeliveriesAudited) {
  StoredPlan p = Approved();
  MustRecord(ProviderA(), p.id, Consultation("m1", Day(10)));
  for (const CallContext& call :
       {HeadA(), PreparerA(), ProviderA(), Coordinator(a_), GuardianA(),
        North(), Admin()}) {
    absl::StatusOr<ListPage<v1::DeliveryRecord>> page = List(call, p.id);
    ASSERT_THAT(page, IsOk()) << call.caller_id;
    EXPECT_EQ(page->items.size(), 1u);
    EXPECT_THAT(Deferred(call), ElementsAre(absl::StrCat(
                                    "delivery.list supportPlans/", p.id, " 1")))
        << call.caller_id;
  }
  CallContext stranger = Head(b_);
  EXPECT_THAT(List(stranger, p.id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(
      Deferred(stranger),
      ElementsAre(absl::StrCat("delivery.list supportPlans/", p.id, " 2")));
  EXPECT_THAT(List(Anonymous(), p.id),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(List(Admin(), NewId()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(DeliveriesTest, HoursPerProviderPerMonthMatchAHandCount) {
  StoredPlan one = StorePlan(pupil_, v1::PLAN_STATE_APPROVED);
  StoredPlan two = StorePlan(MustCreateP(a_.id, "Pēteris", "Ozols").id,
                             v1::PLAN_STATE_APPROVED);
  // Past() starts on 1 January or 1 September: days 0..27 are its first
  // month, 31..58 its second, 62.. its third.
  const std::string m1 = FormatMonth(absl::CivilMonth(Day(0)));
  const std::string m2 = FormatMonth(absl::CivilMonth(Day(31)));
  ASSERT_NE(m1, m2);
  ASSERT_EQ(FormatMonth(absl::CivilMonth(Day(27))), m1);
  ASSERT_EQ(FormatMonth(absl::CivilMonth(Day(58))), m2);
  // The provider, first month: 45 + 60 (remote) on plan one, 30 on two.
  MustRecord(ProviderA(), one.id, Consultation("m1", Day(3), 45));
  MustRecord(ProviderA(), one.id, Remote("m1", Day(5), Day(6), 60));
  MustRecord(ProviderA(), two.id, Consultation("m1", Day(7), 30));
  // The preparer, first month: 50 on plan one, and a compensation that has
  // no hours.
  MustRecord(PreparerA(), one.id, Consultation("m2", Day(8), 50));
  MustRecord(PreparerA(), one.id, Compensation(Day(9), 2500));
  // Second month: the provider 40 (a session) on one; the preparer 90
  // remote on two, and 20 recorded by the head for the provider's measure
  // but given by the preparer.
  MustRecord(ProviderA(), one.id, Consultation("m3", Day(33), 40));
  MustRecord(PreparerA(), two.id, Remote("m2", Day(35), Day(35), 90));
  v1::DeliveryRecord substitute = Consultation("m1", Day(36), 20);
  substitute.set_provider(ResourceName(kStaff, preparer_a_));
  MustRecord(HeadA(), two.id, substitute);
  // Third month: outside the query.
  MustRecord(ProviderA(), one.id, Consultation("m1", Day(65), 45));

  auto row = [](const std::string& month, const std::string& provider,
                int consultations, int64_t minutes, int64_t remote, int plans) {
    return absl::StrCat(month, " staff/", provider, " ", consultations, " ",
                        minutes, " ", remote, " ", plans);
  };
  const bool provider_first = provider_a_ < preparer_a_;
  std::vector<std::string> first_month = {row(m1, provider_a_, 3, 135, 60, 2),
                                          row(m1, preparer_a_, 1, 50, 0, 1)};
  std::vector<std::string> second_month = {row(m2, provider_a_, 1, 40, 0, 1),
                                           row(m2, preparer_a_, 2, 110, 90, 1)};
  if (!provider_first) {
    std::swap(first_month[0], first_month[1]);
    std::swap(second_month[0], second_month[1]);
  }
  std::vector<std::string> expected = first_month;
  expected.insert(expected.end(), second_month.begin(), second_month.end());

  auto text = [](const v1::DeliveredHours& h) {
    return absl::StrCat(h.month(), " ", h.provider(), " ", h.consultations(),
                        " ", h.minutes(), " ", h.remote_minutes(), " ",
                        h.plans());
  };
  // Page by page, one row each.
  std::vector<std::string> got;
  DeliveredHoursQuery q = HoursOfA(m1, m2);
  q.page_size = 1;
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<ListPage<v1::DeliveredHours>> page = Hours(HeadA(), q);
    ASSERT_THAT(page, IsOk());
    for (const auto& h : page->items) got.push_back(text(h));
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  EXPECT_EQ(got, expected);

  // One month (the default end), one provider.
  CallContext coordinator = Coordinator(a_);
  absl::StatusOr<ListPage<v1::DeliveredHours>> only =
      Hours(coordinator, HoursOfA(m2));
  ASSERT_THAT(only, IsOk());
  ASSERT_EQ(only->items.size(), 2u);
  q = HoursOfA(m1, m2);
  q.provider_id = preparer_a_;
  absl::StatusOr<ListPage<v1::DeliveredHours>> preparer = Hours(Admin(), q);
  ASSERT_THAT(preparer, IsOk());
  ASSERT_EQ(preparer->items.size(), 2u);
  EXPECT_EQ(text(preparer->items[0]), row(m1, preparer_a_, 1, 50, 0, 1));
  EXPECT_EQ(text(preparer->items[1]), row(m2, preparer_a_, 2, 110, 90, 1));
  // Aggregates: nothing audited.
  EXPECT_TRUE(Deferred(coordinator).empty());
}

TEST_F(DeliveriesTest, ProvidersSeeOnlyTheirOwnHours) {
  StoredPlan p = Approved();
  MustRecord(ProviderA(), p.id, Consultation("m1", Day(3), 45));
  MustRecord(PreparerA(), p.id, Consultation("m2", Day(4), 30));
  const std::string month = FormatMonth(absl::CivilMonth(Day(3)));

  DeliveredHoursQuery own = HoursOfA(month);
  own.provider_id = provider_a_;
  absl::StatusOr<ListPage<v1::DeliveredHours>> mine = Hours(ProviderA(), own);
  ASSERT_THAT(mine, IsOk());
  ASSERT_EQ(mine->items.size(), 1u);
  EXPECT_EQ(mine->items[0].provider(), "staff/" + provider_a_);
  EXPECT_EQ(mine->items[0].minutes(), 45);

  EXPECT_THAT(Hours(ProviderA(), HoursOfA(month)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  DeliveredHoursQuery someone_else = HoursOfA(month);
  someone_else.provider_id = preparer_a_;
  EXPECT_THAT(Hours(ProviderA(), someone_else),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Others of the institution, and other institutions' heads.
  EXPECT_THAT(Hours(Teacher(a_), HoursOfA(month)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(Head(b_), HoursOfA(month)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(North(), HoursOfA(month)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(GuardianA(), HoursOfA(month)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Hours(Anonymous(), HoursOfA(month)),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(Hours(HeadA(), HoursOfA(month)), IsOk());
  // A missing institution: NOT_FOUND only for whom could see it anywhere.
  DeliveredHoursQuery missing = HoursOfA(month);
  missing.institution_id = NewId();
  EXPECT_THAT(Hours(Admin(), missing), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Hours(HeadA(), missing),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(DeliveriesTest, DeliveredHoursMonthsAreChecked) {
  EXPECT_THAT(Hours(HeadA(), HoursOfA("")),
              ViolatesFields(Fields{"start_month"}));
  EXPECT_THAT(Hours(HeadA(), HoursOfA("2026-13")),
              ViolatesFields(Fields{"start_month"}));
  EXPECT_THAT(Hours(HeadA(), HoursOfA("2026-01", "2026-1")),
              ViolatesFields(Fields{"end_month"}));
  EXPECT_THAT(Hours(HeadA(), HoursOfA("2026-03", "2026-02")),
              ViolatesFields(Fields{"end_month"}));
  EXPECT_THAT(Hours(HeadA(), HoursOfA("2026-01", "2027-02")),
              ViolatesFields(Fields{"end_month"}));
  EXPECT_THAT(Hours(HeadA(), HoursOfA("2026-01", "2027-01")), IsOk());
  DeliveredHoursQuery q = HoursOfA("2026-01");
  q.page_token = "garbage";
  EXPECT_THAT(Hours(HeadA(), q), ViolatesFields(Fields{"page_token"}));
}

}  // namespace
}  // namespace pumpurs::plans
