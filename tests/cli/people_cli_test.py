"""`pumpurs pupils|guardians|staff` and `pumpurs import` against a real
demo server. Tokens come from AuthService.Login over Python grpcio (the e2e
harness starts the server).

Environment (tests/cli/CMakeLists.txt sets it; the fallbacks work from the
repository): PUMPURS_CLI, PUMPURS_SERVER, PYTHONPATH with build/python.
"""

import os
import re
import subprocess
import sys
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))

import harness  # noqa: E402
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402

CLI = os.environ.get("PUMPURS_CLI") or os.path.join(REPO, "build", "bin",
                                                    "pumpurs")
DEMO_PASSWORD = "demo-parole-2026"


class PeopleCliTest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        auth = auth_pb2_grpc.AuthServiceStub(self.server.channel())
        self.tokens = {}
        for user in ("direktors1", "pedagogs2", "vecaks1"):
            self.tokens[user] = auth.Login(
                auth_pb2.LoginRequest(username=user, password=DEMO_PASSWORD),
                timeout=10).access_token
        code, out, err = self.cli("direktors1", "institutions", "list")
        self.assertEqual(code, 0, err)
        self.school = re.search(r"(institutions/\S+)\s.*Ābeļu vidusskola",
                                out).group(1)

    def cli(self, user, *args):
        env = dict(os.environ)
        env["PUMPURS_TOKEN"] = self.tokens[user] if user else ""
        p = subprocess.run(
            [CLI, "--server", self.server.target, "--token_file",
             os.path.join(self.tmp, "no-token-file"), *args],
            capture_output=True, text=True, env=env, timeout=120)
        for token in self.tokens.values():
            self.assertNotIn(token, p.stdout + p.stderr, "a token was printed")
        return p.returncode, p.stdout, p.stderr

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def pupil_rows(self, user="direktors1", *flags):
        code, out, err = self.cli(user, "pupils", "list",
                                  "--institution=" + self.school, *flags)
        self.assertEqual(code, 0, err)
        return out.splitlines()[1:]

    def test_import_draws_progress_reports_and_is_idempotent(self):
        rows = ["ID;Vārds;Uzvārds;Dzimšanas datums;Klase;Klases nosaukums"]
        for i in range(2000):
            rows.append("CLI-%d;Vārds%d;Bērziņa;2014-05-01;3;3.a" % (i, i))
        path = self.write("pupils.csv", "\ufeff" + "\r\n".join(rows) + "\r\n")
        before = len(self.pupil_rows())
        # Demo pupils whose names match too (Bērziņa).
        berz_before = len(self.pupil_rows("direktors1", "--name=berz"))
        code, out, err = self.cli("direktors1", "import",
                                  "--institution=" + self.school,
                                  "--kind=pupils", path)
        self.assertEqual(code, 0, err)
        self.assertRegex(err, r"\[#+\] 2000/2000")
        self.assertRegex(out, r"created:\s+2000")
        self.assertEqual(len(self.pupil_rows()), before + 2000)
        # Again: nothing changes.
        code, out, err = self.cli("direktors1", "import",
                                  "--institution=" + self.school,
                                  "--kind=pupils", path)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"unchanged:\s+2000")
        self.assertRegex(out, r"created:\s+0")
        # The name filter ignores diacritics.
        self.assertEqual(len(self.pupil_rows("direktors1", "--name=berz")),
                         berz_before + 2000)

    def test_bad_rows_are_listed_and_nothing_is_stored(self):
        path = self.write("bad.csv",
                          "external_id,given_name,family_name,birth_date,grade\n"
                          "B1,Anna,Ozola,2014-01-01,3\n"
                          "B2,,Ozola,2014-02-30,3\n"
                          "B3,Juris,Ozols,2014-01-01\n")
        before = len(self.pupil_rows())
        for extra in ([], ["--validate_only"]):
            code, out, err = self.cli("direktors1", "import",
                                      "--institution=" + self.school,
                                      "--kind=pupils", path, *extra)
            self.assertEqual(code, 1, err)
            self.assertIn("line 3, column given_name: is required", out)
            self.assertIn("line 3, column birth_date: must be a real date", out)
            self.assertIn("line 4: has 4 fields; the header has 5", out)
            self.assertIn("nothing was stored", err)
        self.assertEqual(len(self.pupil_rows()), before)

    def test_access_and_usage(self):
        # A teacher of another school may not import here, nor list.
        path = self.write("one.csv", "external_id;vārds;uzvārds;amats\n"
                                     "S1;Ilze;Kalniņa;psihologs\n")
        code, out, err = self.cli("pedagogs2", "import",
                                  "--institution=" + self.school,
                                  "--kind=staff", path)
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)
        code, out, err = self.cli("pedagogs2", "pupils", "list",
                                  "--institution=" + self.school)
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)
        # The head imports staff; staff list shows the position.
        code, out, err = self.cli("direktors1", "import",
                                  "--institution=" + self.school,
                                  "--kind=staff", path)
        self.assertEqual(code, 0, err)
        code, out, err = self.cli("direktors1", "staff", "list",
                                  "--institution=" + self.school,
                                  "--position=psychologist")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"Kalniņa\s+Ilze\s+psychologist")
        # A guardian sees their child, not the school's list.
        code, out, err = self.cli("vecaks1", "pupils", "list",
                                  "--institution=" + self.school)
        self.assertEqual(code, 1)
        child = self.pupil_rows()[0].split()[0]
        code, out, err = self.cli("direktors1", "guardians", "list",
                                  "--pupil=" + child)
        self.assertEqual(code, 0, err)
        code, out, err = self.cli("direktors1", "pupils", "show", child)
        self.assertEqual(code, 0, err)
        self.assertIn("guardians:", out)
        # Usage errors exit 2.
        for args in (["import", path], ["import", "--kind=pets", path],
                     ["pupils"], ["pupils", "show"], ["staff", "fire"]):
            code, out, err = self.cli("direktors1", *args)
            self.assertEqual(code, 2, (args, err))


if __name__ == "__main__":
    unittest.main()
