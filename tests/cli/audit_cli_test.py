"""`pumpurs audit list` and `pumpurs audit pupil-access` against a real
demo server. Tokens come from AuthService.Login over Python grpcio (the
e2e harness starts the server).

Environment (tests/cli/CMakeLists.txt sets it; the fallbacks work from the
repository): PUMPURS_CLI, PUMPURS_SERVER, PYTHONPATH with build/python.
"""

import json
import os
import subprocess
import sys
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))

import harness  # noqa: E402
from harness import directory_pb2  # noqa: E402
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402

CLI = os.environ.get("PUMPURS_CLI") or os.path.join(REPO, "build", "bin",
                                                    "pumpurs")
DEMO_PASSWORD = "demo-parole-2026"


class AuditCliTest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        auth = auth_pb2_grpc.AuthServiceStub(self.server.channel())
        self.tokens = {}
        for user in ("admin", "direktors1", "pedagogs1", "vecaks1"):
            self.tokens[user] = auth.Login(
                auth_pb2.LoginRequest(username=user, password=DEMO_PASSWORD),
                timeout=10).access_token
        md = (("authorization", "Bearer " + self.tokens["vecaks1"]),)
        me = auth.WhoAmI(auth_pb2.WhoAmIRequest(), metadata=md, timeout=5)
        self.guardian_name = me.name
        guardian = self.server.directory().GetGuardian(
            directory_pb2.GetGuardianRequest(name=me.role_bindings[0].scope),
            metadata=md, timeout=5)
        self.child = guardian.pupils[0]
        # The guardian reads the child: one audit event.
        self.server.directory().GetPupil(
            directory_pb2.GetPupilRequest(name=self.child), metadata=md,
            timeout=5)

    def cli(self, user, *args):
        env = dict(os.environ)
        env["PUMPURS_TOKEN"] = self.tokens[user] if user else ""
        p = subprocess.run([CLI, "--server", self.server.target, *args],
                           capture_output=True, text=True, env=env, timeout=60)
        for token in self.tokens.values():
            self.assertNotIn(token, p.stdout + p.stderr, "a token was printed")
        return p.returncode, p.stdout, p.stderr

    def test_pupil_access_shows_the_guardians_read(self):
        code, out, err = self.cli("vecaks1", "audit", "pupil-access",
                                  self.child)
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("TIME"), out)
        self.assertRegex(out, r"%s\s+pupil\.read\s+%s\s+allowed" % (
            self.guardian_name, self.child))
        # The bare id works too, and JSON holds the same events.
        code, out, err = self.cli("vecaks1", "--json", "audit",
                                  "pupil-access", self.child.split("/")[1])
        self.assertEqual(code, 0, err)
        events = json.loads(out)["auditEvents"]
        self.assertIn(("pupil.read", self.guardian_name, "AUDIT_OUTCOME_ALLOWED"),
                      [(e["action"], e["actor"], e["outcome"]) for e in events])

    def test_list_is_scoped_and_filtered(self):
        # The head of the child's school sees the read (their own scope by
        # default), filtered by actor and resource.
        code, out, err = self.cli(
            "direktors1", "audit", "list", "--actor=" + self.guardian_name,
            "--resource=" + self.child)
        self.assertEqual(code, 0, err)
        rows = out.splitlines()[1:]
        self.assertEqual(len(rows), 1, out)
        self.assertIn("pupil.read", rows[0])
        # The admin sees everything, including the head's listing above.
        code, out, err = self.cli("admin", "--json", "audit", "list",
                                  "--resource=" + self.child)
        self.assertEqual(code, 0, err)
        actions = [e["action"] for e in json.loads(out)["auditEvents"]]
        self.assertIn("audit.list", actions)
        self.assertIn("pupil.read", actions)

    def test_refusals_and_usage_errors(self):
        code, out, err = self.cli("pedagogs1", "audit", "list")
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)
        code, out, err = self.cli("vecaks1", "audit", "pupil-access",
                                  "pupils/someoneelse")
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)
        code, out, err = self.cli("admin", "audit", "list",
                                  "--institution=schools/1",
                                  "--actor=people/2")
        self.assertEqual(code, 1)
        self.assertIn("field institution", err)
        self.assertIn("field actor", err)
        code, out, err = self.cli(None, "audit", "list")
        self.assertEqual(code, 1)
        self.assertIn("UNAUTHENTICATED", err)
        code, out, err = self.cli("admin", "audit", "nonsense")
        self.assertEqual(code, 2)
        code, out, err = self.cli("admin", "audit", "pupil-access")
        self.assertEqual(code, 2)


if __name__ == "__main__":
    unittest.main()
