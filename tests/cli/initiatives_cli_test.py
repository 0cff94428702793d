"""`pumpurs initiatives ...` against a real demo server: the demo
municipality coordinator (pasvaldiba1) creates a call from flags, lists,
reads, changes and opens it; an applicant account (made with `pumpurs
accounts create` by the admin) creates a project from a JSON file, updates
it from JSON and from flags, lists, reads and submits it. The count of
pupils at risk is shown to the call's owner only. Tokens come from
AuthService.Login over Python grpcio.

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
APPLICANT_PASSWORD = "jauniesu-klubs-2026"


def day(offset):
    """Today plus `offset` days, YYYY-MM-DD (a day's margin either side
    keeps the server's day in Latvia inside the periods below)."""
    return (datetime.date.today() +
            datetime.timedelta(days=offset)).isoformat()


class InitiativesCliTest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        self.auth = auth_pb2_grpc.AuthServiceStub(self.server.channel())
        self.tokens = {}
        for user in ("pasvaldiba1", "admin"):
            self.login(user, DEMO_PASSWORD)
        me = self.json("pasvaldiba1", "whoami")
        self.municipality = next(
            b["scope"] for b in me["roleBindings"]
            if b["scope"].startswith("municipalities/"))

    def login(self, user, password):
        self.tokens[user] = self.auth.Login(
            auth_pb2.LoginRequest(username=user, password=password),
            timeout=10).access_token

    def cli(self, user, *args):
        env = dict(os.environ)
        env["PUMPURS_TOKEN"] = self.tokens[user] if user else ""
        env.pop("PUMPURS_PASSWORD", None)
        p = subprocess.run(
            [CLI, "--server", self.server.target, "--token_file",
             os.path.join(self.tmp, "no-token-file"), *args],
            capture_output=True, text=True, env=env, timeout=60,
            stdin=subprocess.DEVNULL)
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

    def new_account(self, username, password):
        """A user account without roles, made by the admin with the CLI;
        its name (accounts/ID)."""
        account = self.json("admin", "accounts", "create",
                            "--username=" + username, "--kind=user",
                            "--password=" + password)
        self.assertEqual(account["username"], username)
        return account["name"]

    def project(self, call):
        """A complete project (protobuf JSON) under `call`, 4,600 EUR."""
        return {
            "call": call,
            "organisation": {
                "name": "Jauniešu klubs \"Ābele\"",
                "registrationNumber": "40008123456",
                "kind": "ORGANISATION_KIND_YOUTH_ORGANISATION",
            },
            "groupName": "Ābeļu jaunieši",
            "supervisor": {"givenName": "Laura", "familyName": "Kļaviņa"},
            "title": "Sporta vakari",
            "aims": "Iesaistīt jauniešus kopīgās aktivitātēs.",
            "activities": [{
                "title": "Basketbola vakari",
                "startDate": day(40),
                "endDate": day(130),
            }],
            "budget": [
                {"item": "Inventārs", "amountCents": "300000"},
                {"item": "Telpu īre", "amountCents": "100000"},
            ],
            "plannedParticipants": 24,
            "plannedAtRisk": 9,
        }

    def test_call_then_project_from_json(self):
        evaluator = self.new_account("vertetajs-cli", "vertetajs-parole-2026")
        applicant = self.new_account("biedriba-abele", APPLICANT_PASSWORD)
        self.login("biedriba-abele", APPLICANT_PASSWORD)

        # The coordinator creates a draft call from flags.
        code, out, err = self.cli(
            "pasvaldiba1", "initiatives", "calls", "create",
            "--owner=" + self.municipality,
            "--title=Jauniešu iniciatīvas", "--rules=Projekti jauniešiem.",
            "--application_start=" + day(-1),
            "--application_end=" + day(30), "--max_projects=2",
            "--criteria=Atbilstība mērķiem:10;Riska jauniešu iesaiste:20",
            "--min_at_risk_percent=30", "--evaluators=" + evaluator)
        self.assertEqual(code, 0, err)
        call = re.search(r"^name:\s+(initiativeCalls/\S+)", out,
                         re.M).group(1)
        self.assertRegex(out, r"state:\s+draft")
        self.assertRegex(out, r"lump_sum:\s+4600\.00 EUR")
        self.assertRegex(out, r"application_period:\s+%s\.\.%s" %
                         (day(-1), day(30)))
        self.assertRegex(out, r"criterion\s+\S+\s+max 10\s+Atbilstība mērķiem")
        self.assertRegex(out, r"criterion\s+\S+\s+max 20\s+Riska jauniešu")
        self.assertRegex(out, r"evaluators:\s+" + re.escape(evaluator))
        # Another account may not create the municipality's calls.
        code, out, err = self.cli(
            "biedriba-abele", "initiatives", "calls", "create",
            "--owner=" + self.municipality, "--title=Cits")
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)

        # A draft is listed for its owner only.
        drafts = self.json("pasvaldiba1", "initiatives", "calls", "list",
                           "--state=draft")
        self.assertIn(call, [c["name"] for c in drafts.get("calls", [])])
        seen = self.json("biedriba-abele", "initiatives", "calls", "list")
        self.assertNotIn(call, [c["name"] for c in seen.get("calls", [])])
        code, out, err = self.cli("pasvaldiba1", "initiatives", "calls",
                                  "list", "--owner=" + self.municipality)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, re.escape(call) + r"\s+" +
                         re.escape(self.municipality) + r"\s+draft\s+" +
                         day(-1) + r"\.\." + day(30) + r"\s+2\s+Jauniešu")

        # Changed by a flag, then opened (once).
        got = self.json("pasvaldiba1", "initiatives", "calls", "get", call)
        code, out, err = self.cli(
            "pasvaldiba1", "initiatives", "calls", "update", call,
            "--title=Jauniešu iniciatīvas 2026", "--etag=" + got["etag"])
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"title:\s+Jauniešu iniciatīvas 2026\n")
        self.assertRegex(out, r"max_projects:\s+2")
        code, out, err = self.cli("pasvaldiba1", "initiatives", "calls",
                                  "open", call)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"state:\s+open")
        code, out, err = self.cli("pasvaldiba1", "initiatives", "calls",
                                  "open", call)
        self.assertEqual(code, 1)
        self.assertIn("FAILED_PRECONDITION", err)
        self.assertIn("reason: CALL_NOT_DRAFT", err)
        # Any signed-in account reads the open call, without its evaluators.
        read = self.json("biedriba-abele", "initiatives", "calls", "get",
                         call.split("/")[1])
        self.assertEqual(read["state"], "CALL_STATE_OPEN")
        self.assertEqual(read["title"], "Jauniešu iniciatīvas 2026")
        self.assertNotIn("evaluators", read)

        # The applicant creates a project from JSON; a flag overrides the
        # file's title.
        path = self.write("project.json", self.project(call))
        created = self.json("biedriba-abele", "initiatives", "create",
                            "--from_json=" + path, "--title=Sporta vakari!")
        name = created["name"]
        self.assertTrue(name.startswith("initiatives/"), name)
        self.assertEqual(created["state"], "INITIATIVE_STATE_DRAFT")
        self.assertEqual(created["owner"], applicant)
        self.assertEqual(created["call"], call)
        self.assertEqual(created["title"], "Sporta vakari!")
        self.assertEqual(created["municipality"], self.municipality)
        # The at-risk count is the call owner's to see.
        self.assertNotIn("plannedAtRisk", created)

        # Submit refuses a budget that is not the lump sum.
        code, out, err = self.cli("biedriba-abele", "initiatives", "submit",
                                  name)
        self.assertEqual(code, 1)
        self.assertIn("reason: BUDGET_NOT_LUMP_SUM", err)

        # Update from JSON: a stale etag in the file is refused; without it
        # the budget is replaced.
        fix = {"budget": [{"item": "Inventārs", "amountCents": "300000"},
                          {"item": "Telpu īre", "amountCents": "160000"}]}
        stale = self.write("stale.json", dict(fix, etag="stale"))
        code, out, err = self.cli("biedriba-abele", "initiatives", "update",
                                  name, "--from_json=" + stale)
        self.assertEqual(code, 1)
        self.assertIn("ABORTED", err)
        updated = self.json("biedriba-abele", "initiatives", "update", name,
                            "--from_json=" + self.write("fix.json", fix))
        self.assertEqual([b["amountCents"] for b in updated["budget"]],
                         ["300000", "160000"])
        self.assertNotEqual(updated["etag"], created["etag"])
        # A flag of the organisation keeps its other fields.
        code, out, err = self.cli("biedriba-abele", "initiatives", "update",
                                  name, "--organisation_kind=association",
                                  "--etag=" + updated["etag"])
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"organisation:\s+Jauniešu klubs \"Ābele\" "
                         r"\(association, 40008123456\)")
        self.assertRegex(out, r"budget\s+1600\.00 EUR\s+Telpu īre")

        # List and get: the owner's table; the call owner sees the count.
        code, out, err = self.cli("biedriba-abele", "initiatives", "list",
                                  "--call=" + call)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, re.escape(name) + r"\s+" + re.escape(call) +
                         r"\s+draft\s+" + re.escape(applicant))
        listed = self.json("biedriba-abele", "initiatives", "list",
                           "--call=" + call, "--state=submitted")
        self.assertEqual(listed.get("initiatives", []), [])
        code, out, err = self.cli("biedriba-abele", "initiatives", "get",
                                  name)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"state:\s+draft")
        self.assertRegex(out, r"planned_participants:\s+24")
        self.assertNotIn("planned_at_risk", out)
        self.assertRegex(out, r"activity\s+%s\.\.%s\s+Basketbola vakari" %
                         (day(40), day(130)))

        code, out, err = self.cli("biedriba-abele", "initiatives", "submit",
                                  name)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"state:\s+submitted")
        code, out, err = self.cli("pasvaldiba1", "initiatives", "get", name)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"planned_at_risk:\s+9")
        listed = self.json("pasvaldiba1", "initiatives", "list",
                           "--call=" + call, "--state=submitted",
                           "--municipality=" + self.municipality)
        self.assertEqual([i["name"] for i in listed["initiatives"]], [name])
        self.assertEqual(listed["initiatives"][0]["plannedAtRisk"], 9)

    def test_usage_errors_exit_2(self):
        for args in (["initiatives"], ["initiatives", "fly", "initiatives/x"],
                     ["initiatives", "calls"],
                     ["initiatives", "calls", "fly"],
                     ["initiatives", "calls", "create", "--criteria=Bez"],
                     ["initiatives", "calls", "list", "--state=closed"],
                     ["initiatives", "calls", "get"],
                     ["initiatives", "calls", "update", "initiativeCalls/x"],
                     ["initiatives", "list", "--state=sleeping"],
                     ["initiatives", "create", "--organisation_kind=club"],
                     ["initiatives", "update", "initiatives/x"],
                     ["initiatives", "update", "x",
                      "--from_json=/nonexistent"],
                     ["initiatives", "score", "x"],
                     ["initiatives", "score", "x", "--scores=k1"],
                     ["initiatives", "submit"]):
            code, out, err = self.cli("pasvaldiba1", *args)
            self.assertEqual(code, 2, (args, err))
        # A file that is not an Initiative is named.
        bad = self.write("bad.json", {"colour": "red"})
        code, out, err = self.cli("pasvaldiba1", "initiatives", "update",
                                  "x", "--from_json=" + bad)
        self.assertEqual(code, 2)
        self.assertIn("bad.json", err)
        # Without a token: UNAUTHENTICATED, with the hint to sign in.
        code, out, err = self.cli(None, "initiatives", "calls", "list")
        self.assertEqual(code, 1)
        self.assertIn("UNAUTHENTICATED", err)
        self.assertIn("pumpurs login", err)


if __name__ == "__main__":
    unittest.main()
