"""A guardian signs in to the real pumpurs-server (--demo) with Python grpcio
and sees their own child only: WhoAmI shows the guardian role, the child's
record opens, another child's and the school's list are refused, and the
child's access log shows who looked (the guardian, then the administrator).

Demo accounts: server/demo/demo_data.cc (README "Demo accounts")."""

import unittest

import grpc

import harness
from harness import directory_pb2
from pumpurs.v1 import audit_pb2, audit_pb2_grpc  # noqa: E402
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402

DEMO_PASSWORD = "demo-parole-2026"
ALLOWED = audit_pb2.AUDIT_OUTCOME_ALLOWED


def login(channel, username, password=DEMO_PASSWORD, timeout=10):
    """The access token of a fresh session (AuthService.Login)."""
    stub = auth_pb2_grpc.AuthServiceStub(channel)
    session = stub.Login(
        auth_pb2.LoginRequest(username=username, password=password),
        timeout=timeout)
    return session.access_token


def bearer(token):
    return (("authorization", "Bearer " + token),)


class GuardianE2ETest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        channel = self.server.channel()
        self.dir = self.server.directory()
        self.auth = auth_pb2_grpc.AuthServiceStub(channel)
        self.audit = audit_pb2_grpc.AuditServiceStub(channel)
        self.guardian = bearer(login(channel, "vecaks1"))
        self.admin = bearer(login(channel, "admin"))

    def whoami(self, md):
        return self.auth.WhoAmI(auth_pb2.WhoAmIRequest(), metadata=md,
                                timeout=5)

    def child_of_guardian(self):
        """The guardian's child, found through their own guardian record."""
        me = self.whoami(self.guardian)
        scopes = [b.scope for b in me.role_bindings
                  if b.role == auth_pb2.ROLE_GUARDIAN]
        self.assertEqual(len(scopes), 1, me)
        self.assertRegex(scopes[0], r"^guardians/[^/]+$")
        record = self.dir.GetGuardian(
            directory_pb2.GetGuardianRequest(name=scopes[0]),
            metadata=self.guardian, timeout=5)
        self.assertEqual(len(record.pupils), 1, record)
        return me, self.dir.GetPupil(
            directory_pb2.GetPupilRequest(name=record.pupils[0]),
            metadata=self.guardian, timeout=5)

    def access_log(self, pupil):
        resp = self.audit.ListPupilAccess(
            audit_pb2.ListPupilAccessRequest(pupil=pupil, page_size=500),
            metadata=self.guardian, timeout=5)
        self.assertEqual(resp.next_page_token, "")
        return list(resp.audit_events)

    def test_whoami_shows_the_guardian_role_only(self):
        me = self.whoami(self.guardian)
        self.assertEqual(me.username, "vecaks1")
        self.assertEqual([b.role for b in me.role_bindings],
                         [auth_pb2.ROLE_GUARDIAN])

    def test_guardian_sees_their_child_and_nobody_else(self):
        _, child = self.child_of_guardian()
        self.assertTrue(child.given_name)
        self.assertRegex(child.institution, r"^institutions/[^/]+$")

        # Other pupils, as the administrator lists them: of the same school
        # and of every other school.
        others = []
        institutions = self.dir.ListInstitutions(
            directory_pb2.ListInstitutionsRequest(page_size=500),
            metadata=self.admin, timeout=5).institutions
        self.assertEqual(len(institutions), 4)
        for inst in institutions:
            pupils = self.dir.ListPupils(
                directory_pb2.ListPupilsRequest(institution=inst.name,
                                                page_size=500),
                metadata=self.admin, timeout=5).pupils
            others += [p.name for p in pupils if p.name != child.name]
        self.assertGreaterEqual(len(others), 10)
        for name in others:
            self.assertRpcCode(grpc.StatusCode.PERMISSION_DENIED,
                               self.dir.GetPupil,
                               directory_pb2.GetPupilRequest(name=name),
                               metadata=self.guardian, timeout=5)

        # Nor the school's list, nor any other school's.
        for inst in institutions:
            self.assertRpcCode(
                grpc.StatusCode.PERMISSION_DENIED, self.dir.ListPupils,
                directory_pb2.ListPupilsRequest(institution=inst.name),
                metadata=self.guardian, timeout=5)
        # Nor another child's access log.
        self.assertRpcCode(
            grpc.StatusCode.PERMISSION_DENIED, self.audit.ListPupilAccess,
            audit_pb2.ListPupilAccessRequest(pupil=others[0]),
            metadata=self.guardian, timeout=5)
        # Nor the audit trail of the school.
        self.assertRpcCode(
            grpc.StatusCode.PERMISSION_DENIED, self.audit.ListAuditEvents,
            audit_pb2.ListAuditEventsRequest(institution=child.institution),
            metadata=self.guardian, timeout=5)

    def test_access_log_shows_who_read_the_child(self):
        me, child = self.child_of_guardian()
        log = self.access_log(child.name)
        reads = [e for e in log if e.action == "pupil.read"]
        self.assertEqual([(e.actor, e.resource, e.outcome) for e in reads],
                         [(me.name, child.name, ALLOWED)])
        self.assertEqual(reads[0].institution, child.institution)

        # The administrator reads the child: the log now starts with that
        # read, then the guardian's listing of the log, then the guardian's
        # read (newest first).
        admin = self.whoami(self.admin)
        self.dir.GetPupil(directory_pb2.GetPupilRequest(name=child.name),
                          metadata=self.admin, timeout=5)
        log = self.access_log(child.name)
        summary = [(e.actor, e.action, e.outcome) for e in log]
        self.assertEqual(summary[0], (admin.name, "pupil.read", ALLOWED))
        self.assertIn((me.name, "pupil_access.list", ALLOWED), summary)
        self.assertLess(summary.index((me.name, "pupil_access.list", ALLOWED)),
                        summary.index((me.name, "pupil.read", ALLOWED)))
        for e in log:
            if e.action.startswith("pupil"):
                self.assertEqual(e.resource, child.name)
            self.assertRegex(e.name, r"^auditEvents/[^/]+$")
            self.assertGreater(e.time.seconds, 0)
        times = [(e.time.seconds, e.time.nanos) for e in log]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_no_token_is_unauthenticated(self):
        _, child = self.child_of_guardian()
        self.assertRpcCode(grpc.StatusCode.UNAUTHENTICATED,
                           self.dir.GetPupil,
                           directory_pb2.GetPupilRequest(name=child.name),
                           timeout=5)
        self.assertRpcCode(
            grpc.StatusCode.UNAUTHENTICATED, self.audit.ListPupilAccess,
            audit_pb2.ListPupilAccessRequest(pupil=child.name), timeout=5)


if __name__ == "__main__":
    unittest.main()
