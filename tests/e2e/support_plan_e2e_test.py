"""The whole life of an individual support plan on the real pumpurs-server
(--demo), driven with Python grpcio (Debian's stubs, nobody here wrote them):

a guardian applies online; the teacher (plan preparer) drafts a plan, asks
for suggested measures and takes the best one; the plan passes every
approval level (head of institution, municipality coordinator, national
administrator); consultations are recorded and counted for payment; the plan
is evaluated and continued into the next semester; the guardian reads it,
acknowledges it and sees in the access log who looked at it.

Demo accounts: server/demo/demo_data.cc (README "Demo accounts"). vecaks1's
child (DEMO-1-1) has no plan in the demo data, so this test starts clean."""

import datetime
import unittest

import grpc

import harness
from harness import directory_pb2
from pumpurs.v1 import audit_pb2, audit_pb2_grpc  # noqa: E402
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402
from pumpurs.v1 import knowledge_base_pb2 as kb_pb2  # noqa: E402
from pumpurs.v1 import support_plan_pb2 as sp  # noqa: E402
from pumpurs.v1 import support_plan_pb2_grpc as sp_grpc  # noqa: E402
from pumpurs.v1 import sync_pb2, sync_pb2_grpc  # noqa: E402

PASSWORD = "demo-parole-2026"


def bearer(token):
    return (("authorization", "Bearer " + token),)


def semester_of(day):
    """(school_year, term) of a day: Sep-Dec is term 1, Jan-Aug term 2."""
    if day.month >= 9:
        return day.year, 1
    return day.year - 1, 2


def semester_days(year, term):
    if term == 1:
        return datetime.date(year, 9, 1), datetime.date(year, 12, 31)
    return datetime.date(year + 1, 1, 1), datetime.date(year + 1, 8, 31)


class SupportPlanE2ETest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        channel = self.server.channel()
        self.dir = self.server.directory()
        self.plans = sp_grpc.SupportPlanServiceStub(channel)
        self.audit = audit_pb2_grpc.AuditServiceStub(channel)
        self.sync = sync_pb2_grpc.SyncServiceStub(channel)
        auth = auth_pb2_grpc.AuthServiceStub(channel)

        def login(user):
            s = auth.Login(auth_pb2.LoginRequest(username=user,
                                                 password=PASSWORD),
                           timeout=10)
            md = bearer(s.access_token)
            me = auth.WhoAmI(auth_pb2.WhoAmIRequest(), metadata=md, timeout=5)
            return md, me

        self.guardian, self.guardian_me = login("vecaks1")
        self.teacher, self.teacher_me = login("pedagogs1")
        self.head, self.head_me = login("direktors1")
        self.municipality, self.municipality_me = login("pasvaldiba1")
        self.national, self.national_me = login("admin")

    def child(self):
        scope = [b.scope for b in self.guardian_me.role_bindings
                 if b.role == auth_pb2.ROLE_GUARDIAN][0]
        record = self.dir.GetGuardian(
            directory_pb2.GetGuardianRequest(name=scope),
            metadata=self.guardian, timeout=5)
        return scope, self.dir.GetPupil(
            directory_pb2.GetPupilRequest(name=record.pupils[0]),
            metadata=self.guardian, timeout=5)

    def my_staff_record(self, institution):
        """The teacher's own staff record: the one linked to their
        account."""
        staff = self.dir.ListStaffMembers(
            directory_pb2.ListStaffMembersRequest(institution=institution,
                                                  page_size=100),
            metadata=self.teacher, timeout=5).staff_members
        mine = [s.name for s in staff if s.account == self.teacher_me.name]
        self.assertEqual(len(mine), 1, staff)
        return mine[0]

    def test_a_plan_from_application_to_continuation(self):
        guardian_name, pupil = self.child()
        today = datetime.date.today()
        year, term = semester_of(today)
        first, last = semester_days(year, term)

        # 1. The guardian applies online.
        application = self.plans.CreateApplication(
            sp.CreateApplicationRequest(
                application=sp.Application(
                    pupil=pupil.name,
                    semester=sp.Semester(school_year=year, term=term)),
                request_id="e2e-apply-1"),
            metadata=self.guardian, timeout=5)
        self.assertEqual(application.channel, sp.APPLICATION_CHANNEL_ONLINE)
        self.assertEqual(application.applicant, guardian_name)
        self.assertEqual(application.state, sp.APPLICATION_STATE_ACTIVE)

        # 2. The teacher drafts a plan: risks and a goal first.
        draft = self.plans.CreateSupportPlan(
            sp.CreateSupportPlanRequest(
                support_plan=sp.SupportPlan(
                    pupil=pupil.name,
                    semester=sp.Semester(school_year=year, term=term),
                    problem_description="Zemi vērtējumi matemātikā, kavējumi.",
                    risks=[sp.PlanRisk(
                        risk_factor="riskFactors/low-achievement",
                        severity=kb_pb2.SEVERITY_HIGH,
                        justification="Vērtējumi 2-3 matemātikā.")],
                    goals=[sp.PlanGoal(
                        description="Uzlabot vērtējumus matemātikā.",
                        success_criteria="Semestra vērtējums vismaz 5.",
                        due_date=last.isoformat())]),
                request_id="e2e-plan-1"),
            metadata=self.teacher, timeout=5)
        self.assertEqual(draft.state, sp.PLAN_STATE_DRAFT)
        self.assertEqual(draft.application, application.name)
        me = self.my_staff_record(pupil.institution)
        self.assertEqual(draft.preparer, me)

        # A draft is not the family's to read yet.
        with self.assertRaises(grpc.RpcError) as cm:
            self.plans.GetSupportPlan(sp.GetSupportPlanRequest(
                name=draft.name), metadata=self.guardian, timeout=5)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.PERMISSION_DENIED)

        # Suggestions from the knowledge base, explained; take the best one
        # the teacher can give (a subject-teacher consultation).
        suggestions = self.plans.SuggestMeasures(
            sp.SuggestMeasuresRequest(name=draft.name),
            metadata=self.teacher, timeout=5).suggestions
        self.assertTrue(suggestions)
        for s in suggestions:
            self.assertTrue(s.recommendation.reasons, s)
            self.assertEqual(list(s.measure.addresses),
                             ["riskFactors/low-achievement"])
        chosen = [s for s in suggestions if s.measure.measure_type ==
                  "measureTypes/subject-teacher-consultation"]
        self.assertEqual(len(chosen), 1, [s.measure.measure_type
                                          for s in suggestions])
        measure = sp.PlanMeasure()
        measure.CopyFrom(chosen[0].measure)
        measure.provider = me
        measure.planned_quantity = 10
        measure.planned_cost_cents = 15000
        measure.start_date = first.isoformat()
        measure.end_date = last.isoformat()
        measure.mode = sp.DELIVERY_MODE_MIXED
        update = sp.SupportPlan(name=draft.name, etag=draft.etag)
        update.measures.append(measure)
        plan = self.plans.UpdateSupportPlan(
            sp.UpdateSupportPlanRequest(
                support_plan=update,
                update_mask={"paths": ["measures"]}),
            metadata=self.teacher, timeout=5)
        self.assertEqual(len(plan.measures), 1)
        self.assertEqual(plan.measures[0].unit, kb_pb2.MEASURE_UNIT_HOURS)
        measure_id = plan.measures[0].id
        self.assertTrue(measure_id)

        # A stale etag is a conflict, not a lost update.
        with self.assertRaises(grpc.RpcError) as cm:
            self.plans.UpdateSupportPlan(
                sp.UpdateSupportPlanRequest(
                    support_plan=sp.SupportPlan(
                        name=draft.name, etag=draft.etag,
                        problem_description="vecs"),
                    update_mask={"paths": ["problem_description"]}),
                metadata=self.teacher, timeout=5)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.ABORTED)

        # 3. Submit; every approval level in turn.
        plan = self.plans.SubmitSupportPlan(
            sp.SubmitSupportPlanRequest(name=plan.name, etag=plan.etag),
            metadata=self.teacher, timeout=5)
        self.assertEqual(plan.state, sp.PLAN_STATE_IN_APPROVAL)
        self.assertEqual(list(plan.approval_levels),
                         [sp.APPROVAL_LEVEL_INSTITUTION,
                          sp.APPROVAL_LEVEL_MUNICIPALITY,
                          sp.APPROVAL_LEVEL_NATIONAL])
        # Out of turn: the national level cannot approve before the head.
        with self.assertRaises(grpc.RpcError) as cm:
            self.plans.ApproveSupportPlan(
                sp.ApproveSupportPlanRequest(name=plan.name),
                metadata=self.national, timeout=5)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        for md, level in ((self.head, sp.APPROVAL_LEVEL_INSTITUTION),
                          (self.municipality, sp.APPROVAL_LEVEL_MUNICIPALITY),
                          (self.national, sp.APPROVAL_LEVEL_NATIONAL)):
            self.assertEqual(plan.pending_level, level)
            plan = self.plans.ApproveSupportPlan(
                sp.ApproveSupportPlanRequest(name=plan.name, etag=plan.etag,
                                             comment="Saskaņots."),
                metadata=md, timeout=5)
        self.assertEqual(plan.state, sp.PLAN_STATE_APPROVED)
        self.assertEqual(
            [(a.level, a.decision, a.approver) for a in plan.approvals],
            [(sp.APPROVAL_LEVEL_INSTITUTION, sp.APPROVAL_DECISION_APPROVED,
              self.head_me.name),
             (sp.APPROVAL_LEVEL_MUNICIPALITY, sp.APPROVAL_DECISION_APPROVED,
              self.municipality_me.name),
             (sp.APPROVAL_LEVEL_NATIONAL, sp.APPROVAL_DECISION_APPROVED,
              self.national_me.name)])

        def hours_of(provider):
            rows = self.plans.ListDeliveredHours(
                sp.ListDeliveredHoursRequest(
                    institution=pupil.institution,
                    start_month=today.strftime("%Y-%m")),
                metadata=self.head, timeout=5).rows
            mine = [h for h in rows if h.provider == provider]
            self.assertLessEqual(len(mine), 1, rows)
            return ((mine[0].consultations, mine[0].minutes,
                     mine[0].remote_minutes) if mine else (0, 0, 0))
        hours_before = hours_of(me)  # the demo's own consultations

        # 4. Consultations: one on site (signed form), one remote confirmed
        # through e-klase the same day.
        for minutes, mode, evidence in (
                (40, sp.DELIVERY_MODE_ON_SITE,
                 sp.EVIDENCE_TYPE_PUPIL_SIGNATURE),
                (80, sp.DELIVERY_MODE_REMOTE,
                 sp.EVIDENCE_TYPE_E_KLASE_MESSAGE)):
            record = sp.DeliveryRecord(
                measure_id=measure_id, date=today.isoformat(),
                duration_minutes=minutes, mode=mode, evidence=evidence)
            if mode == sp.DELIVERY_MODE_REMOTE:
                record.confirmation_date = today.isoformat()
            self.plans.RecordDelivery(
                sp.RecordDeliveryRequest(parent=plan.name, delivery=record),
                metadata=self.teacher, timeout=5)
        # A remote consultation confirmed two days late is refused, by rule
        # (unless the semester began less than two days ago).
        held = today - datetime.timedelta(days=2)
        if held >= first:
            late = sp.DeliveryRecord(
                measure_id=measure_id, date=held.isoformat(),
                duration_minutes=40, mode=sp.DELIVERY_MODE_REMOTE,
                evidence=sp.EVIDENCE_TYPE_EMAIL,
                confirmation_date=today.isoformat())
            with self.assertRaises(grpc.RpcError) as cm:
                self.plans.RecordDelivery(
                    sp.RecordDeliveryRequest(parent=plan.name, delivery=late),
                    metadata=self.teacher, timeout=5)
            self.assertEqual(cm.exception.code(),
                             grpc.StatusCode.FAILED_PRECONDITION)

        plan = self.plans.GetSupportPlan(
            sp.GetSupportPlanRequest(name=plan.name),
            metadata=self.teacher, timeout=5)
        self.assertEqual(plan.state, sp.PLAN_STATE_IN_IMPLEMENTATION)
        self.assertAlmostEqual(plan.measures[0].delivered_quantity, 2.0)
        self.assertEqual(plan.measures[0].delivery_count, 2)
        self.assertEqual(plan.funds_used_cents, 3000)  # 2 of 10 h × EUR 150

        # Hours for payment: the teacher's 120 minutes more this month.
        after = hours_of(me)
        self.assertEqual(tuple(a - b for a, b in zip(after, hours_before)),
                         (2, 120, 80))

        # 5. Semester-end evaluation: continue into the next semester.
        plan = self.plans.EvaluateSupportPlan(
            sp.EvaluateSupportPlanRequest(
                name=plan.name, etag=plan.etag,
                evaluation=sp.PlanEvaluation(
                    goals=[sp.OutcomeEntry(
                        id=plan.goals[0].id,
                        outcome=sp.OUTCOME_PARTLY_ACHIEVED)],
                    measures=[sp.OutcomeEntry(
                        id=measure_id, outcome=sp.OUTCOME_ACHIEVED)],
                    decision=sp.EVALUATION_DECISION_CONTINUE,
                    summary="Progress; continue.")),
            metadata=self.teacher, timeout=5)
        self.assertEqual(plan.state, sp.PLAN_STATE_CLOSED)
        self.assertTrue(plan.continued_by)
        nxt = self.plans.GetSupportPlan(
            sp.GetSupportPlanRequest(name=plan.continued_by),
            metadata=self.teacher, timeout=5)
        self.assertEqual(nxt.state, sp.PLAN_STATE_DRAFT)
        self.assertEqual(nxt.continues, plan.name)
        ny, nt = (year, 2) if term == 1 else (year + 1, 1)
        self.assertEqual((nxt.semester.school_year, nxt.semester.term),
                         (ny, nt))
        self.assertEqual([r.risk_factor for r in nxt.risks],
                         ["riskFactors/low-achievement"])

        # 6. The guardian reads the plan, acknowledges it, and sees who
        # looked at it.
        seen = self.plans.GetSupportPlan(
            sp.GetSupportPlanRequest(name=plan.name),
            metadata=self.guardian, timeout=5)
        self.assertEqual(seen.risks[0].justification,
                         "Vērtējumi 2-3 matemātikā.")
        acked = self.plans.AcknowledgeSupportPlan(
            sp.AcknowledgeSupportPlanRequest(name=plan.name,
                                             comment="Paldies."),
            metadata=self.guardian, timeout=5)
        self.assertEqual([a.by for a in acked.acknowledgements],
                         [guardian_name])
        # The guardian cannot change the plan.
        with self.assertRaises(grpc.RpcError) as cm:
            self.plans.SuspendSupportPlan(
                sp.SuspendSupportPlanRequest(name=plan.name, reason="x"),
                metadata=self.guardian, timeout=5)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.PERMISSION_DENIED)

        log = self.audit.ListPupilAccess(
            audit_pb2.ListPupilAccessRequest(pupil=pupil.name, page_size=500),
            metadata=self.guardian, timeout=5).audit_events
        actors = {(e.actor, e.action) for e in log
                  if e.resource.startswith("supportPlans/")}
        for who, action in ((self.teacher_me.name, "supportPlan.create"),
                            (self.teacher_me.name, "supportPlan.read"),
                            (self.head_me.name, "supportPlan.approve"),
                            (self.municipality_me.name, "supportPlan.approve"),
                            (self.national_me.name, "supportPlan.approve"),
                            (self.guardian_me.name, "supportPlan.read")):
            self.assertIn((who, action), actors)
        for e in log:  # the log names resources, never contents
            self.assertNotIn("matemātikā", e.resource)

        # The history keeps every step, newest first.
        history = self.plans.GetSupportPlanHistory(
            sp.GetSupportPlanHistoryRequest(name=plan.name, page_size=100),
            metadata=self.teacher, timeout=5).revisions
        actions = [r.action for r in reversed(history)]
        self.assertEqual(actions[:6], ["create", "update", "submit", "approve",
                                       "approve", "approve"])
        self.assertIn("deliver", actions)
        self.assertEqual(actions[-2:], ["evaluate", "acknowledge"])

        # The guardian's phone syncs: the plans of their child (not the new
        # draft) arrive through the change feed.
        # A scan reads a bounded part of the feed per call (the demo's
        # history fills it): ask again while has_more, as a client does.
        synced, token = set(), ""
        for _ in range(1000):
            resp = self.sync.ListChanges(
                sync_pb2.ListChangesRequest(sync_token=token),
                metadata=self.guardian, timeout=5)
            synced |= {c.resource for c in resp.changes
                       if c.HasField("support_plan")}
            token = resp.next_sync_token
            if not resp.has_more:
                break
        self.assertIn(plan.name, synced)
        self.assertNotIn(nxt.name, synced)


if __name__ == "__main__":
    unittest.main()
