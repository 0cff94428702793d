"""`pumpurs selfcheck|training` against a real demo server: a parent takes
the self-check on the terminal (answers piped to stdin) without signing in,
for every age band; a signed-in parent then applies sharing only the areas
they choose; demo staff go through a short training flow (an organiser
creates and publishes an event, a teacher registers, attendance counts as
hours for the teacher and the head's institution). Tokens come from
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
import time
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))

import harness  # noqa: E402
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402

CLI = os.environ.get("PUMPURS_CLI") or os.path.join(REPO, "build", "bin",
                                                    "pumpurs")
DEMO_PASSWORD = "demo-parole-2026"
BANDS = ("grades_1_4", "grades_5_9", "grades_10_12", "vocational")
AREAS = ("learning_and_school", "social_and_health", "economic", "family")


def area_word(enum_name):
    """RISK_GROUP_FAMILY -> family."""
    return enum_name[len("RISK_GROUP_"):].lower()


def signs_section(out):
    """The text between "Areas that show signs:" and "Areas without
    signs:" (or the end)."""
    start = out.index("Areas that show signs:")
    end = out.find("Areas without signs:", start)
    return out[start:end if end >= 0 else len(out)]


class SelfCheckCliTest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        auth = auth_pb2_grpc.AuthServiceStub(self.server.channel())
        self.tokens = {}
        for user in ("vecaks1", "pedagogs1", "direktors1", "metodikis"):
            self.tokens[user] = auth.Login(
                auth_pb2.LoginRequest(username=user, password=DEMO_PASSWORD),
                timeout=10).access_token

    def cli(self, user, *args, stdin=None):
        env = dict(os.environ)
        env["PUMPURS_TOKEN"] = self.tokens[user] if user else ""
        p = subprocess.run(
            [CLI, "--server", self.server.target, "--token_file",
             os.path.join(self.tmp, "no-token-file"), *args],
            capture_output=True, text=True, env=env, timeout=60,
            input=stdin if stdin is not None else "")
        for token in self.tokens.values():
            self.assertNotIn(token, p.stdout + p.stderr, "a token was printed")
        return p.returncode, p.stdout, p.stderr

    def json(self, user, *args, stdin=None):
        code, out, err = self.cli(user, "--json", *args, stdin=stdin)
        self.assertEqual(code, 0, (args, err))
        return json.loads(out)

    def questionnaire(self, band):
        """The band's published questionnaire, as a parent sees it."""
        listed = self.json(None, "selfcheck", "questionnaires",
                           "--age_band=" + band)["questionnaires"]
        published = [q for q in listed
                     if q["state"] == "QUESTIONNAIRE_STATE_PUBLISHED"]
        self.assertEqual(len(published), 1, (band, listed))
        return self.json(None, "selfcheck", "show", published[0]["name"])

    @staticmethod
    def numbers(questionnaire, sign_areas):
        """Piped input: the option with most points for the questions of
        `sign_areas`, one with no points for the others (1-based)."""
        lines = []
        for q in questionnaire["questions"]:
            points = [o.get("points", 0) for o in q["options"]]
            if area_word(q["area"]) in sign_areas:
                lines.append(points.index(max(points)) + 1)
            else:
                lines.append(points.index(min(points)) + 1)
        return "".join("%d\n" % n for n in lines)

    def test_take_interactively_without_an_account(self):
        code, out, err = self.cli(None, "selfcheck", "questionnaires")
        self.assertEqual(code, 0, err)
        for band in BANDS:
            self.assertIn(band, out)

        # Every band: the areas that show signs are the ones answered so.
        for band, areas in (("grades_1_4", {"learning_and_school"}),
                            ("grades_5_9", {"learning_and_school", "family"}),
                            ("grades_10_12", {"economic"}),
                            ("vocational", {"social_and_health", "family"})):
            q = self.questionnaire(band)
            code, out, err = self.cli(None, "selfcheck", "take",
                                      "--age_band=" + band, "--locale=en",
                                      stdin=self.numbers(q, areas))
            self.assertEqual(code, 0, (band, err))
            # Each question was asked with numbered options.
            first = q["questions"][0]
            self.assertIn(first["text"].get("en") or first["text"]["lv"], out)
            self.assertIn("  1) ", out)
            signs = signs_section(out)
            for area in AREAS:
                if area in areas:
                    self.assertIn("(%s)" % area, signs, (band, out))
                else:
                    self.assertNotIn("(%s)" % area, signs, (band, out))
            self.assertIn("Why:", signs)
            self.assertIn("How to ask the school for support:", out)
            # Not signed in: no offer to apply, only how to.
            self.assertNotIn("[y/N]", out)
            self.assertIn("pumpurs login", out)

        # Non-interactive, in Latvian by default, as JSON.
        q = self.questionnaire("grades_5_9")
        family = [x for x in q["questions"]
                  if x["area"] == "RISK_GROUP_FAMILY"]
        answers = ",".join(
            "%s:%s" % (x["id"], max(x["options"],
                                    key=lambda o: o.get("points", 0))["id"])
            for x in family)
        result = self.json(None, "selfcheck", "take", "--age_band=grades_5_9",
                           "--answers=" + answers)
        self.assertEqual(result["questionnaire"], q["name"])
        self.assertEqual(result["areas"][0]["area"], "RISK_GROUP_FAMILY")
        self.assertTrue(result["areas"][0]["showsSigns"])
        self.assertEqual(
            sorted(t["question"] for t in result["areas"][0]["triggered"]),
            sorted(x["id"] for x in family))
        self.assertFalse(any(a.get("showsSigns")
                             for a in result["areas"][1:]))
        # A wrong answer is the server's INVALID_ARGUMENT.
        code, out, err = self.cli(None, "selfcheck", "take",
                                  "--age_band=grades_5_9",
                                  "--answers=%s:nope" % family[0]["id"])
        self.assertEqual(code, 1)
        self.assertIn("INVALID_ARGUMENT", err)
        # Writing questionnaires needs an account.
        code, out, err = self.cli(None, "selfcheck", "publish", q["name"])
        self.assertEqual(code, 1)
        self.assertIn("UNAUTHENTICATED", err)

    def test_methodologist_writes_and_publishes(self):
        content = {
            "ageBand": "AGE_BAND_VOCATIONAL",
            "title": {"lv": "Izmēģinājums"},
            "questions": [{
                "id": "q1", "area": "RISK_GROUP_ECONOMIC",
                "text": {"lv": "Vai trūkst naudas braucieniem?"},
                "options": [{"id": "no", "text": {"lv": "Nē"}},
                            {"id": "yes", "text": {"lv": "Jā"},
                             "points": 1}],
            }],
            "areas": [{"area": "RISK_GROUP_ECONOMIC", "threshold": 0,
                       "advice": {"lv": "Jautājiet par kompensācijām."}}],
        }
        path = os.path.join(self.tmp, "q.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(content, f, ensure_ascii=False)
        code, out, err = self.cli("pedagogs1", "selfcheck", "create",
                                  "--from_json=" + path)
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)
        q = self.json("metodikis", "selfcheck", "create", "--from_json=" + path)
        self.assertEqual(q["state"], "QUESTIONNAIRE_STATE_DRAFT")
        # Not complete yet: the threshold.
        code, out, err = self.cli("metodikis", "selfcheck", "publish",
                                  q["name"])
        self.assertEqual(code, 1)
        self.assertIn("reason: QUESTIONNAIRE_INCOMPLETE", err)
        self.assertIn("field questionnaire.areas[0].threshold", err)
        # Edit the shown copy (with its etag) and publish.
        q["areas"][0]["threshold"] = 1
        with open(path, "w", encoding="utf-8") as f:
            json.dump(q, f, ensure_ascii=False)
        updated = self.json("metodikis", "selfcheck", "update", q["name"],
                            "--from_json=" + path)
        self.assertEqual(updated["areas"][0]["threshold"], 1)
        code, out, err = self.cli("metodikis", "selfcheck", "update",
                                  q["name"], "--from_json=" + path)
        self.assertEqual(code, 1)
        self.assertIn("ABORTED", err)
        published = self.json("metodikis", "selfcheck", "publish", q["name"],
                              "--etag=" + updated["etag"])
        self.assertEqual(published["revision"], 1)
        result = self.json(None, "selfcheck", "take", q["name"],
                           "--answers=q1:yes")
        self.assertTrue(result["areas"][0]["showsSigns"])

    def test_signed_in_parent_shares_only_what_they_choose(self):
        q = self.questionnaire("grades_5_9")
        answers = self.numbers(q, {"learning_and_school", "family"})
        # Yes to apply; share learning, not family; a note; confirm.
        stdin = answers + "j\nj\nn\nLūdzu zvaniet pēc 17.\nj\n"
        code, out, err = self.cli("vecaks1", "selfcheck", "take",
                                  "--age_band=grades_5_9", stdin=stdin)
        self.assertEqual(code, 0, err)
        self.assertIn("(learning_and_school)", signs_section_lv(out))
        self.assertRegex(out, r"shared_areas:\s+learning_and_school\n")
        self.assertRegex(out, r"applicant_note:\s+Lūdzu zvaniet pēc 17.")
        self.assertRegex(out, r"channel:\s+online")
        name = re.search(r"name:\s+(applications/\S+)", out).group(1)
        # The school sees only what was shared.
        a = self.json("direktors1", "applications", "get", name)
        self.assertEqual(a["sharedAreas"], ["RISK_GROUP_LEARNING_AND_SCHOOL"])
        self.assertEqual(a["applicantNote"], "Lūdzu zvaniet pēc 17.")
        # Saying no sends nothing (the same answers, then "n").
        code, out, err = self.cli("vecaks1", "selfcheck", "take",
                                  "--age_band=grades_5_9",
                                  stdin=answers + "n\n")
        self.assertEqual(code, 0, err)
        self.assertNotIn("applications/", out)

    def test_training_events_register_hours(self):
        today = datetime.datetime.now(datetime.timezone.utc)
        start = today + datetime.timedelta(seconds=4)
        end = start + datetime.timedelta(hours=2)
        rfc = "%Y-%m-%dT%H:%M:%SZ"
        event = self.json("metodikis", "training", "create",
                          "--title=Kavējumi: agrīnās brīdinājuma zīmes",
                          "--kind=workshop", "--audiences=teachers",
                          "--start=" + start.strftime(rfc),
                          "--end=" + end.strftime(rfc),
                          "--place=Rīga, Vaļņu iela 2", "--capacity=5",
                          "--hours=4")
        name = event["name"]
        self.assertEqual(event["state"], "TRAINING_EVENT_STATE_DRAFT")
        # A teacher may not organise.
        code, out, err = self.cli("pedagogs1", "training", "publish", name)
        self.assertEqual(code, 1)
        published = self.json("metodikis", "training", "publish", name)
        self.assertEqual(published["state"], "TRAINING_EVENT_STATE_PUBLISHED")

        day = lambda d: d.strftime("%Y-%m-%d")  # noqa: E731
        events = self.json("pedagogs1", "training", "events",
                           "--audience=teachers", "--from=" + day(today),
                           "--to=" + day(today + datetime.timedelta(days=1)))
        self.assertIn(name, [e["name"] for e in events["trainingEvents"]])
        code, out, err = self.cli("pedagogs1", "training", "events",
                                  "--kind=workshop")
        self.assertEqual(code, 0, err)
        self.assertIn(name, out)

        reg = self.json("pedagogs1", "training", "register", name)
        self.assertEqual(reg["state"], "REGISTRATION_STATE_REGISTERED")
        staff = reg["staff"]
        code, out, err = self.cli("pedagogs1", "training", "register", name)
        self.assertEqual(code, 1)
        self.assertIn("reason: ALREADY_REGISTERED", err)
        code, out, err = self.cli("pedagogs1", "training", "registrations",
                                  name)
        self.assertEqual(code, 0, err)
        self.assertIn(reg["name"], out)
        code, out, err = self.cli("metodikis", "training", "attendance",
                                  reg["name"], "--attended")
        self.assertEqual(code, 1)
        self.assertIn("reason: EVENT_NOT_STARTED", err)

        time.sleep(max(0, (start - datetime.datetime.now(
            datetime.timezone.utc)).total_seconds()) + 0.5)
        code, out, err = self.cli("pedagogs1", "training", "unregister",
                                  reg["name"])
        self.assertEqual(code, 1)
        self.assertIn("reason: EVENT_STARTED", err)
        code, out, err = self.cli("metodikis", "training", "attendance",
                                  reg["name"], "--attended")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"state:\s+attended")
        self.assertRegex(out, r"hours:\s+4")

        period = ("--from=" + day(today - datetime.timedelta(days=1)),
                  "--to=" + day(today + datetime.timedelta(days=1)))
        own = self.json("pedagogs1", "training", "hours", "--staff=" + staff,
                        *period)
        self.assertEqual(own["totalHours"], 4)
        self.assertEqual(own["rows"][0]["staff"], staff)
        me = self.json("pedagogs1", "whoami")
        school = next(b["scope"] for b in me["roleBindings"]
                      if b["scope"].startswith("institutions/"))
        code, out, err = self.cli("direktors1", "training", "hours",
                                  "--institution=" + school, *period)
        self.assertEqual(code, 0, err)
        self.assertIn(staff, out)
        self.assertIn("total hours: 4", out)
        code, out, err = self.cli("pedagogs1", "training", "hours",
                                  "--institution=" + school, *period)
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)


def signs_section_lv(out):
    """As signs_section, for the Latvian texts."""
    start = out.index("Jomas, kurās ir pazīmes:")
    end = out.find("Jomas bez pazīmēm:", start)
    return out[start:end if end >= 0 else len(out)]


if __name__ == "__main__":
    unittest.main()
