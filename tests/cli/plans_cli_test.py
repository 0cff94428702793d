"""`pumpurs applications|plans|sync` against a real demo server: a head
registers a paper application, creates a plan, fills it from a JSON file,
lists, reads, submits it and reads its history and the change feed. Tokens
come from AuthService.Login over Python grpcio.

Environment (tests/cli/CMakeLists.txt sets it; the fallbacks work from the
repository): PUMPURS_CLI, PUMPURS_SERVER, PYTHONPATH with build/python.
"""

import datetime
import json
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


def this_semester():
    """(school year, term) of today: September to December is term 1."""
    today = datetime.date.today()
    if today.month >= 9:
        return today.year, 1
    return today.year - 1, 2


class PlansCliTest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        auth = auth_pb2_grpc.AuthServiceStub(self.server.channel())
        self.tokens = {}
        for user in ("direktors1", "vecaks1"):
            self.tokens[user] = auth.Login(
                auth_pb2.LoginRequest(username=user, password=DEMO_PASSWORD),
                timeout=10).access_token
        institutions = self.json("direktors1", "institutions", "list")
        self.school = next(i["name"] for i in institutions["institutions"]
                           if i["displayName"] == "Ābeļu vidusskola")
        # DEMO-1-1: the school's pupil without a demo plan (every demo pupil
        # has a guardian).
        pupils = [p for p in self.json("direktors1", "pupils", "list",
                                       "--institution=" + self.school)["pupils"]
                  if p.get("externalId") == "DEMO-1-1"]
        self.pupil, self.guardian = None, None
        for p in pupils:
            got = self.json("direktors1", "guardians", "list",
                            "--pupil=" + p["name"]).get("guardians", [])
            if got:
                self.pupil, self.guardian = p["name"], got[0]["name"]
                break
        self.assertIsNotNone(self.pupil)
        staff = self.json("direktors1", "staff", "list",
                          "--institution=" + self.school)["staffMembers"]
        self.teacher = next(s["name"] for s in staff
                            if s["position"] == "STAFF_POSITION_TEACHER")
        self.year, self.term = this_semester()
        self.semester = "%d-%d" % (self.year, self.term)
        if self.term == 1:
            self.first, self.last = ("%d-09-01" % self.year,
                                     "%d-12-31" % self.year)
        else:
            self.first, self.last = ("%d-01-01" % (self.year + 1),
                                     "%d-08-31" % (self.year + 1))

    def cli(self, user, *args):
        env = dict(os.environ)
        env["PUMPURS_TOKEN"] = self.tokens[user] if user else ""
        p = subprocess.run(
            [CLI, "--server", self.server.target, "--token_file",
             os.path.join(self.tmp, "no-token-file"), *args],
            capture_output=True, text=True, env=env, timeout=60)
        for token in self.tokens.values():
            self.assertNotIn(token, p.stdout + p.stderr, "a token was printed")
        return p.returncode, p.stdout, p.stderr

    def json(self, user, *args):
        code, out, err = self.cli(user, "--json", *args)
        self.assertEqual(code, 0, (args, err))
        return json.loads(out)

    def write(self, name, obj):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False)
        return path

    def content(self):
        return {
            "problemDescription": "Atpaliek matemātikā; bieži kavē.",
            "risks": [{
                "riskFactor": "riskFactors/learning-difficulties",
                "severity": "SEVERITY_HIGH",
                "justification": "Vērtējumi matemātikā 2–3 balles.",
            }],
            "goals": [{
                "description": "Apgūt daļskaitļus.",
                "successCriteria": "Ieskaite vismaz 5 balles.",
                "dueDate": self.last,
            }],
            "measures": [{
                "measureType": "measureTypes/subject-teacher-consultation",
                "addresses": ["riskFactors/learning-difficulties"],
                "justification": "Individuāls skaidrojums savā tempā.",
                "provider": self.teacher,
                "unit": "MEASURE_UNIT_HOURS",
                "plannedQuantity": 10,
                "plannedCostCents": "20000",
                "startDate": self.first,
                "endDate": self.last,
                "mode": "DELIVERY_MODE_ON_SITE",
            }],
        }

    def test_apply_create_update_list_get_history_sync(self):
        # A plan needs an application first.
        code, out, err = self.cli("direktors1", "plans", "create",
                                  "--pupil=" + self.pupil,
                                  "--semester=" + self.semester,
                                  "--preparer=" + self.teacher)
        self.assertEqual(code, 1, err)
        self.assertIn("FAILED_PRECONDITION", err)
        self.assertIn("reason: APPLICATION_REQUIRED", err)

        # The head registers the signed paper form.
        code, out, err = self.cli(
            "direktors1", "applications", "create", "--pupil=" + self.pupil,
            "--semester=" + self.semester, "--applicant=" + self.guardian,
            "--signed_date=" + datetime.date.today().isoformat())
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"channel:\s+paper_form")
        self.assertRegex(out, r"state:\s+active")
        application = re.search(r"name:\s+(applications/\S+)", out).group(1)
        listed = self.json("direktors1", "applications", "list",
                           "--pupil=" + self.pupil, "--state=active")
        self.assertEqual([a["name"] for a in listed["applications"]],
                         [application])

        # The plan: a draft with the preparer and problem from flags.
        plan = self.json("direktors1", "plans", "create",
                         "--pupil=" + self.pupil,
                         "--semester=" + self.semester,
                         "--preparer=" + self.teacher,
                         "--problem=Sākotnējs apraksts.")
        name = plan["name"]
        self.assertTrue(name.startswith("supportPlans/"), name)
        self.assertEqual(plan["state"], "PLAN_STATE_DRAFT")
        self.assertEqual(plan["application"], application)
        self.assertEqual(plan["preparer"], self.teacher)
        code, out, err = self.cli("direktors1", "plans", "create",
                                  "--pupil=" + self.pupil,
                                  "--semester=" + self.semester,
                                  "--preparer=" + self.teacher)
        self.assertEqual(code, 1)
        self.assertIn("ALREADY_EXISTS", err)
        self.assertIn("reason: PLAN_EXISTS_FOR_SEMESTER", err)

        # Update from JSON: a stale etag in the file is refused, nothing
        # changes; without it the lists and the description are replaced.
        stale = self.write("stale.json", dict(self.content(), etag="stale"))
        code, out, err = self.cli("direktors1", "plans", "update", name,
                                  "--from_json=" + stale)
        self.assertEqual(code, 1)
        self.assertIn("ABORTED", err)
        path = self.write("plan.json", self.content())
        updated = self.json("direktors1", "plans", "update", name,
                            "--from_json=" + path)
        self.assertEqual(updated["problemDescription"],
                         "Atpaliek matemātikā; bieži kavē.")
        self.assertEqual(len(updated["measures"]), 1)
        self.assertTrue(updated["measures"][0]["id"])
        self.assertNotEqual(updated["etag"], plan["etag"])
        # A flag alone changes only its field.
        code, out, err = self.cli("direktors1", "plans", "update", name,
                                  "--problem=Precizēts apraksts.",
                                  "--etag=" + updated["etag"])
        self.assertEqual(code, 0, err)
        self.assertIn("measure  ", out)
        self.assertRegex(out, r"problem:\s+Precizēts apraksts.")

        # List and get.
        code, out, err = self.cli("direktors1", "plans", "list",
                                  "--institution=" + self.school,
                                  "--semester=" + self.semester)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, re.escape(name) + r"\s+" +
                         re.escape(self.pupil) + r"\s+" + self.semester +
                         r"\s+draft")
        code, out, err = self.cli("direktors1", "plans", "list",
                                  "--state=closed")
        self.assertEqual(code, 0, err)
        self.assertNotIn(name, out)
        code, out, err = self.cli("direktors1", "plans", "get", name)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"state:\s+draft")
        self.assertRegex(out,
                         r"risk\s+riskFactors/learning-difficulties\s+high")
        self.assertRegex(out, r"goal\s+\S+\s+due " + self.last)
        self.assertRegex(
            out, r"measure\s+\S+\s+measureTypes/subject-teacher-consultation"
            r"\s+10 hours")

        # Suggestions, then submit: the head approves at their level next.
        code, out, err = self.cli("direktors1", "plans", "suggest", name)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"measureTypes/subject-teacher-consultation.*yes")
        code, out, err = self.cli("direktors1", "plans", "submit", name)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"state:\s+in_approval")
        self.assertRegex(out, r"pending_level:\s+institution")

        # History, newest first.
        code, out, err = self.cli("direktors1", "plans", "history", name)
        self.assertEqual(code, 0, err)
        actions = [line.split()[3] for line in out.splitlines()[1:]]
        self.assertEqual(actions, ["submit", "update", "update", "create"])
        history = self.json("direktors1", "plans", "history", name)
        self.assertEqual([r["number"] for r in history["revisions"]],
                         [4, 3, 2, 1])

        # The change feed: everything, then nothing new after the token.
        code, out, err = self.cli("direktors1", "sync")
        self.assertEqual(code, 0, err)
        self.assertIn(name, out)
        self.assertIn(application, out)
        token = re.search(r"next_sync_token: (\S+)", out).group(1)
        feed = self.json("direktors1", "sync", "--sync_token=" + token)
        self.assertEqual(feed.get("changes", []), [])
        # --watch prints one JSON line per batch until its deadline.
        code, out, err = self.cli("direktors1", "--json", "--deadline=1s",
                                  "sync", "--watch")
        self.assertEqual(code, 1)
        self.assertIn("DEADLINE_EXCEEDED", err)
        batches = [json.loads(line) for line in out.splitlines()]
        resources = [c["resource"] for b in batches
                     for c in b.get("changes", [])]
        self.assertIn(name, resources)

    def test_usage_errors_exit_2(self):
        for args in (["plans"], ["plans", "fly", "supportPlans/x"],
                     ["plans", "update", "supportPlans/x"],
                     ["plans", "create", "--semester=2026"],
                     ["plans", "list", "--state=sleeping"],
                     ["plans", "evaluate", "x", "--decision=maybe"],
                     ["plans", "update", "x", "--from_json=/nonexistent"],
                     ["applications", "list", "--state=bogus"],
                     ["applications"], ["plans", "deliveries", "send"],
                     ["plans", "deliveries", "record", "x", "--mode=fax"],
                     ["sync", "a", "b"]):
            code, out, err = self.cli("direktors1", *args)
            self.assertEqual(code, 2, (args, err))
        # A file that is not a SupportPlan is named.
        bad = self.write("bad.json", {"colour": "red"})
        code, out, err = self.cli("direktors1", "plans", "update", "x",
                                  "--from_json=" + bad)
        self.assertEqual(code, 2)
        self.assertIn("bad.json", err)
        # A guardian may not list the school's applications.
        code, out, err = self.cli(
            "vecaks1", "applications", "list", "--institution=" + self.school)
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)


if __name__ == "__main__":
    unittest.main()
