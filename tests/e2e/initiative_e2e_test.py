"""Youth-initiative projects on the real pumpurs-server (--demo), driven with
Python grpcio (Debian's stubs): a municipality opens a call and a youth club
applies (the budget must be exactly the lump sum); then, on the demo call
whose application period is over, the evaluators score, the municipality
decides within the number of projects it funds, the winning project runs,
reports, and its report is accepted — closed. A member's guardian follows
the project without seeing the count of pupils at risk.

A call's evaluation starts only after its application period, so the
scoring half uses the demo call "Vasaras iniciatīvas 2026" (applications
closed 30 days ago, server/demo/demo_initiatives.cc) rather than waiting for
the new call's period to end."""

import datetime
import unittest

import grpc

import harness
from pumpurs.v1 import audit_pb2, audit_pb2_grpc  # noqa: E402
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402
from pumpurs.v1 import youth_initiative_pb2 as yi  # noqa: E402
from pumpurs.v1 import youth_initiative_pb2_grpc as yi_grpc  # noqa: E402
from google.rpc import error_details_pb2  # noqa: E402

PASSWORD = "demo-parole-2026"


def bearer(token):
    return (("authorization", "Bearer " + token),)


def reason_of(err):
    st = harness.status_details(err)
    for detail in st.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason
    return ""


class InitiativeE2ETest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        channel = self.server.channel()
        self.yi = yi_grpc.YouthInitiativeServiceStub(channel)
        self.audit = audit_pb2_grpc.AuditServiceStub(channel)
        auth = auth_pb2_grpc.AuthServiceStub(channel)

        def login(user):
            s = auth.Login(auth_pb2.LoginRequest(username=user,
                                                 password=PASSWORD),
                           timeout=10)
            md = bearer(s.access_token)
            me = auth.WhoAmI(auth_pb2.WhoAmIRequest(), metadata=md, timeout=5)
            return md, me

        self.municipality, self.municipality_me = login("pasvaldiba1")
        self.club, self.club_me = login("jauniesi")
        self.eval1, self.eval1_me = login("vertetajs1")
        self.eval2, self.eval2_me = login("vertetajs2")
        self.parent, self.parent_me = login("vecaks1")
        self.other_parent, _ = login("vecaks2")

    def refused(self, code, reason, fn, *args, **kwargs):
        with self.assertRaises(grpc.RpcError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.code(), code, cm.exception.details())
        if reason:
            self.assertEqual(reason_of(cm.exception), reason)

    def test_opening_a_call_and_applying(self):
        today = datetime.date.today()
        owner = [b.scope for b in self.municipality_me.role_bindings
                 if b.role == auth_pb2.ROLE_MUNICIPALITY_COORDINATOR][0]
        call = self.yi.CreateCall(yi.CreateCallRequest(
            call=yi.Call(
                owner=owner, title="Ziemas iniciatīvas",
                rules="Projekti jauniešiem.",
                application_start=today.isoformat(),
                application_end=(today + datetime.timedelta(days=30))
                .isoformat(),
                max_projects=2,
                criteria=[yi.Criterion(title="Mērķi", max_points=10)],
                evaluators=[self.eval1_me.name, self.eval2_me.name]),
            request_id="e2e-call"), metadata=self.municipality, timeout=5)
        self.assertEqual(call.state, yi.CALL_STATE_DRAFT)
        self.assertEqual(call.lump_sum_cents, 460000)  # EUR 4,600 default
        # A draft call is the owner's alone.
        self.refused(grpc.StatusCode.PERMISSION_DENIED, None, self.yi.GetCall,
                     yi.GetCallRequest(name=call.name), metadata=self.club,
                     timeout=5)
        call = self.yi.OpenCall(yi.OpenCallRequest(name=call.name,
                                                   etag=call.etag),
                                metadata=self.municipality, timeout=5)
        self.assertEqual(call.state, yi.CALL_STATE_OPEN)
        seen = self.yi.GetCall(yi.GetCallRequest(name=call.name),
                               metadata=self.club, timeout=5)
        self.assertEqual(list(seen.evaluators), [])  # the owner's to know

        project = self.yi.CreateInitiative(yi.CreateInitiativeRequest(
            initiative=yi.Initiative(
                call=call.name,
                organisation=yi.Organisation(
                    name="Jauniešu klubs", registration_number="40008123456",
                    kind=yi.ORGANISATION_KIND_YOUTH_ORGANISATION),
                group_name="Ziemas grupa",
                supervisor=yi.Supervisor(given_name="Laura",
                                         family_name="Kļaviņa"),
                title="Slēpošanas diena", aims="Kopīga diena ārā.",
                activities=[yi.Activity(
                    title="Slēpošana", start_date=today.isoformat(),
                    end_date=today.isoformat())],
                budget=[yi.BudgetLine(item="Inventārs", amount_cents=300000),
                        yi.BudgetLine(item="Transports",
                                      amount_cents=150000)],
                planned_participants=20, planned_at_risk=8)),
            metadata=self.club, timeout=5)
        self.assertEqual(project.owner, self.club_me.name)
        self.assertEqual(project.planned_at_risk, 0)  # coordinators only
        # EUR 4,500 is not the lump sum.
        self.refused(grpc.StatusCode.FAILED_PRECONDITION,
                     "BUDGET_NOT_LUMP_SUM", self.yi.SubmitInitiative,
                     yi.SubmitInitiativeRequest(name=project.name),
                     metadata=self.club, timeout=5)
        update = yi.Initiative(name=project.name, etag=project.etag)
        update.budget.extend([
            yi.BudgetLine(item="Inventārs", amount_cents=300000),
            yi.BudgetLine(item="Transports", amount_cents=160000)])
        project = self.yi.UpdateInitiative(yi.UpdateInitiativeRequest(
            initiative=update, update_mask={"paths": ["budget"]}),
            metadata=self.club, timeout=5)
        project = self.yi.SubmitInitiative(
            yi.SubmitInitiativeRequest(name=project.name, etag=project.etag),
            metadata=self.club, timeout=5)
        self.assertEqual(project.state, yi.INITIATIVE_STATE_SUBMITTED)
        # Scoring waits for the end of the application period.
        self.refused(grpc.StatusCode.FAILED_PRECONDITION,
                     "EVALUATION_NOT_OPEN", self.yi.ScoreInitiative,
                     yi.ScoreInitiativeRequest(
                         name=project.name,
                         scores=[yi.CriterionScore(
                             criterion=call.criteria[0].id, points=5)]),
                     metadata=self.eval1, timeout=5)
        # The owner sees the planned count of pupils at risk.
        full = self.yi.GetInitiative(
            yi.GetInitiativeRequest(name=project.name),
            metadata=self.municipality, timeout=5)
        self.assertEqual(full.planned_at_risk, 8)

    def test_evaluation_decision_run_and_closing(self):
        calls = self.yi.ListCalls(yi.ListCallsRequest(page_size=100),
                                  metadata=self.municipality, timeout=5).calls
        call = [c for c in calls if c.title == "Vasaras iniciatīvas 2026"][0]
        self.assertEqual(call.max_projects, 2)
        projects = self.yi.ListInitiatives(
            yi.ListInitiativesRequest(call=call.name, page_size=100),
            metadata=self.municipality, timeout=5).initiatives
        by_title = {p.title: p for p in projects}
        self.assertEqual(
            {t: p.state for t, p in by_title.items()},
            {"Robotikas pulciņš": yi.INITIATIVE_STATE_SUBMITTED,
             "Sporta vakari": yi.INITIATIVE_STATE_SUBMITTED,
             "Teātra studija": yi.INITIATIVE_STATE_SUBMITTED,
             "Mūzikas darbnīca": yi.INITIATIVE_STATE_EVALUATED})

        # Deciding before every project is scored is refused.
        self.refused(grpc.StatusCode.FAILED_PRECONDITION, "SCORES_INCOMPLETE",
                     self.yi.DecideCall, yi.DecideCallRequest(name=call.name),
                     metadata=self.municipality, timeout=5)
        # Only the call's evaluators score.
        self.refused(grpc.StatusCode.PERMISSION_DENIED, None,
                     self.yi.ScoreInitiative,
                     yi.ScoreInitiativeRequest(
                         name=by_title["Sporta vakari"].name),
                     metadata=self.club, timeout=5)
        # The Music workshop has 6 points per criterion (18 in total).
        points = {"Robotikas pulciņš": 9, "Sporta vakari": 5,
                  "Teātra studija": 7}
        for title, p in points.items():
            for md in (self.eval1, self.eval2):
                scored = self.yi.ScoreInitiative(yi.ScoreInitiativeRequest(
                    name=by_title[title].name,
                    scores=[yi.CriterionScore(criterion=k.id,
                                              points=min(p, k.max_points),
                                              comment="Labs plāns.")
                            for k in call.criteria]),
                    metadata=md, timeout=5)
            self.assertEqual(scored.state, yi.INITIATIVE_STATE_EVALUATED)
            self.assertEqual(len(scored.evaluations), 1)  # only their own

        decided = self.yi.DecideCall(
            yi.DecideCallRequest(name=call.name, comment="Divi labākie."),
            metadata=self.municipality, timeout=5)
        self.assertEqual(decided.call.state, yi.CALL_STATE_DECIDED)
        ranking = [(p.title, p.decision.rank, p.decision.approved)
                   for p in decided.initiatives]
        self.assertEqual(ranking, [("Robotikas pulciņš", 1, True),
                                   ("Teātra studija", 2, True),
                                   ("Mūzikas darbnīca", 3, False),
                                   ("Sporta vakari", 4, False)])
        for p in decided.initiatives:
            self.assertTrue(p.decision.reason)
        self.refused(grpc.StatusCode.FAILED_PRECONDITION,
                     "CALL_ALREADY_DECIDED", self.yi.DecideCall,
                     yi.DecideCallRequest(name=call.name),
                     metadata=self.municipality, timeout=5)

        # The winner runs, reports and closes.
        robotics = by_title["Robotikas pulciņš"].name
        p = self.yi.StartInitiative(yi.StartInitiativeRequest(name=robotics),
                                    metadata=self.club, timeout=5)
        self.assertEqual(p.state, yi.INITIATIVE_STATE_IN_PROGRESS)
        today = datetime.date.today()
        report = yi.Report(
            activities_held=[yi.Activity(
                title="Nodarbības", start_date=today.isoformat(),
                end_date=today.isoformat())],
            participants=12, participants_at_risk=5,
            ages=[yi.AgeCount(age=13, count=7), yi.AgeCount(age=14, count=5)],
            results="Uzbūvēti trīs roboti.", supervisor_confirmed=True)
        p = self.yi.SubmitReport(yi.SubmitReportRequest(name=robotics,
                                                        report=report),
                                 metadata=self.club, timeout=5)
        self.assertEqual(p.state, yi.INITIATIVE_STATE_REPORTED)
        self.assertEqual(p.report.participants_at_risk, 0)  # hidden from them
        self.refused(grpc.StatusCode.PERMISSION_DENIED, None,
                     self.yi.AcceptReport,
                     yi.AcceptReportRequest(name=robotics),
                     metadata=self.club, timeout=5)
        p = self.yi.AcceptReport(yi.AcceptReportRequest(name=robotics),
                                 metadata=self.municipality, timeout=5)
        self.assertEqual(p.state, yi.INITIATIVE_STATE_CLOSED)
        self.assertEqual(p.report.participants_at_risk, 5)
        self.assertEqual(p.report.accepted_by, self.municipality_me.name)

        # vecaks1's child is in the group: the parent follows the project,
        # without the at-risk counts; another parent sees nothing.
        seen = self.yi.GetInitiative(yi.GetInitiativeRequest(name=robotics),
                                     metadata=self.parent, timeout=5)
        self.assertEqual(seen.state, yi.INITIATIVE_STATE_CLOSED)
        self.assertEqual((seen.planned_at_risk,
                          seen.report.participants_at_risk), (0, 0))
        self.assertEqual(list(seen.evaluations), [])
        self.refused(grpc.StatusCode.PERMISSION_DENIED, None,
                     self.yi.GetInitiative,
                     yi.GetInitiativeRequest(name=robotics),
                     metadata=self.other_parent, timeout=5)
        child = seen.members[0]
        log = self.audit.ListPupilAccess(
            audit_pb2.ListPupilAccessRequest(pupil=child, page_size=500),
            metadata=self.parent, timeout=5).audit_events
        actions = {(e.actor, e.action) for e in log
                   if e.resource == robotics}
        for who, action in ((self.eval1_me.name, "initiative.score"),
                            (self.municipality_me.name, "initiative.decide"),
                            (self.club_me.name, "initiative.report"),
                            (self.parent_me.name, "initiative.read")):
            self.assertIn((who, action), actions)


if __name__ == "__main__":
    unittest.main()
