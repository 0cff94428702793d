"""`pumpurs stats indicators|export|chart` against a real demo server: the
national administrator reads the tables (English and Latvian), exports the
eight CSV files and draws the trend as SVG; what the tables, files and chart
show is checked against the same answer as --json, so a suppressed figure
must print as suppressed, never as 0. A head may read their institution and
gets a clear PERMISSION_DENIED (exit 1) for another one; usage errors exit 2.
Tokens come from AuthService.Login over Python grpcio.

Environment (tests/cli/CMakeLists.txt sets it; the fallbacks work from the
repository): PUMPURS_CLI, PUMPURS_SERVER, PYTHONPATH with build/python.
"""

import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))

import harness  # noqa: E402
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402

CLI = os.environ.get("PUMPURS_CLI") or os.path.join(REPO, "build", "bin",
                                                    "pumpurs")
DEMO_PASSWORD = "demo-parole-2026"
SVG = "{http://www.w3.org/2000/svg}"

# The header row of each file (server/statistics/csv.cc), English and
# Latvian.
HEADERS = {
    "summary.csv": (["indicator", "value"], ["rādītājs", "vērtība"]),
    "plans_by_state.csv": (["state", "plans"], ["statuss", "plāni"]),
    "risk_groups.csv": (["risk group", "pupils"],
                        ["riska grupa", "izglītojamie"]),
    "risk_factors.csv": (["risk factor", "title", "risk group", "pupils"],
                         ["riska faktors", "nosaukums", "riska grupa",
                          "izglītojamie"]),
    "measures.csv": (["measure type", "title", "unit", "measures", "planned",
                      "delivered", "planned cost EUR"],
                     ["pasākuma veids", "nosaukums", "mērvienība", "pasākumi",
                      "plānots", "sniegts", "plānotās izmaksas EUR"]),
    "compensations.csv": (["measure type", "title", "unit", "measures",
                           "planned", "delivered", "planned cost EUR"],
                          ["pasākuma veids", "nosaukums", "mērvienība",
                           "pasākumi", "plānots", "sniegts",
                           "plānotās izmaksas EUR"]),
    "youth.csv": (["funded projects", "participants", "participants at risk",
                   "planned participants"],
                  ["finansētie projekti", "dalībnieki",
                   "dalībnieki riska grupā", "plānotie dalībnieki"]),
    "trend.csv": (["semester", "institutions involved", "pupils supported",
                   "plans", "hours planned", "hours delivered",
                   "compensations paid EUR"],
                  ["semestris", "iesaistītās iestādes",
                   "atbalstītie izglītojamie", "plāni", "plānotās stundas",
                   "sniegtās stundas", "izmaksātās kompensācijas EUR"]),
}
STATES_EN = ["draft", "in approval", "approved", "being implemented",
             "suspended", "under revision", "inactive", "closed"]
STATES_LV = ["projekts", "saskaņošanā", "apstiprināts", "īstenošanā",
             "apturēts", "pārskatīšanā", "neaktīvs", "noslēgts"]


def this_school_year():
    """The school year of today: September to December starts one."""
    today = datetime.date.today()
    return today.year if today.month >= 9 else today.year - 1


def number(value):
    """A shown figure as the CLI and the CSV print it."""
    if value == int(value):
        return str(int(value))
    return "%.2f" % value


def cell(figure, lv=False):
    """A JSON Figure as a table cell: suppressed is never a number."""
    if figure.get("suppressed"):
        return "neizpaužams" if lv else "suppressed"
    return number(figure.get("value", 0))


def any_suppressed(message):
    """Whether any Figure in a JSON message is suppressed."""
    if isinstance(message, dict):
        return message.get("suppressed") is True or any(
            any_suppressed(v) for v in message.values())
    if isinstance(message, list):
        return any(any_suppressed(v) for v in message)
    return False


def section(out, heading):
    """The lines of the table under `heading` (to the next blank line)."""
    lines = out.splitlines()
    start = lines.index(heading) + 1
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    return lines[start:end]


class StatsCliTest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        auth = auth_pb2_grpc.AuthServiceStub(self.server.channel())
        self.tokens = {}
        for user in ("admin", "direktors1"):
            self.tokens[user] = auth.Login(
                auth_pb2.LoginRequest(username=user, password=DEMO_PASSWORD),
                timeout=10).access_token
        institutions = self.json("admin", "institutions", "list")
        self.schools = {i["displayName"]: i["name"]
                        for i in institutions["institutions"]}
        self.year = str(this_school_year())

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

    def test_indicators_tables_match_the_answer(self):
        answer = self.json("admin", "stats", "indicators",
                           "--school_year=" + self.year)
        code, out, err = self.cli("admin", "stats", "indicators",
                                  "--school_year=" + self.year)
        self.assertEqual(code, 0, err)
        first = out.splitlines()[0]
        self.assertIn("Programme indicators: national, school year %s/%d" %
                      (self.year, int(self.year) + 1), first)
        for heading in ("SUMMARY", "PLANS BY STATE", "PUPILS PER RISK GROUP",
                        "PUPILS PER RISK FACTOR", "MEASURES BY TYPE",
                        "COMPENSATIONS", "YOUTH INITIATIVES", "TREND"):
            self.assertIn(heading, out.splitlines(), heading)

        # Coverage against the programme's targets (national scope).
        summary = "\n".join(section(out, "SUMMARY"))
        self.assertRegex(summary, r"institutions involved\s+%d of %d \(" % (
            answer.get("institutionsInvolved", 0),
            answer["institutionsTotal"]))
        self.assertRegex(summary, r"\s600 \(")
        self.assertRegex(summary, r"municipalities involved\s+\d+ of 2 .*80%")
        self.assertRegex(summary, r"pupils supported\s+%s\n" % re.escape(
            cell(answer["pupilsSupported"])))

        # Every state, each cell as the answer says (suppressed never 0).
        rows = section(out, "PLANS BY STATE")[1:]
        self.assertEqual(len(rows), 8)
        for row, state, expected in zip(rows, STATES_EN,
                                        answer["plansByState"]):
            self.assertRegex(row, r"^%s\s+%s$" % (re.escape(state), re.escape(
                cell(expected["plans"]))))
        rows = section(out, "PUPILS PER RISK FACTOR")[1:]
        self.assertEqual(len(rows), len(answer["pupilsByRiskFactor"]))
        for row, factor in zip(rows, answer["pupilsByRiskFactor"]):
            self.assertTrue(row.startswith(factor["titleEn"]), row)
            self.assertTrue(row.endswith("  " + cell(factor["pupils"])), row)
        rows = section(out, "MEASURES BY TYPE")[1:]
        self.assertEqual(len(rows), len(answer["measuresByType"]))
        for row, m in zip(rows, answer["measuresByType"]):
            cells = re.split(r"\s{2,}", row)
            self.assertEqual(cells[-4:], [
                cell(m["measures"]), cell(m["plannedQuantity"]),
                cell(m["deliveredQuantity"]), cell(m["plannedCostEur"])], row)

        # The trend: the default 8 semesters, oldest first.
        rows = section(out, "TREND")[1:]
        self.assertEqual(len(rows), 8)
        self.assertEqual(len(answer["trend"]), 8)
        self.assertTrue(rows[-1].startswith("%d/%d-2" % (
            int(self.year), int(self.year) + 1)), rows[-1])
        for row, t in zip(rows, answer["trend"]):
            cells = re.split(r"\s{2,}", row)
            self.assertEqual(cells[2:4], [cell(t["pupilsSupported"]),
                                          cell(t["plans"])], row)
        self.assertIn("suppressed: fewer than 5 pupils", out)

        # The demo is small: some figures are suppressed, and show so.
        self.assertTrue(any_suppressed(answer))
        self.assertIn("suppressed", out.replace(
            "suppressed: fewer than", ""))

        # --trend and --lang=lv.
        code, out, err = self.cli("admin", "stats", "indicators",
                                  "--school_year=" + self.year, "--trend=3",
                                  "--lang=lv")
        self.assertEqual(code, 0, err)
        self.assertTrue(out.startswith("Programmas rādītāji: valsts, mācību "
                                       "gads " + self.year), out)
        for heading in ("KOPSAVILKUMS", "PLĀNI PA STATUSIEM",
                        "IZGLĪTOJAMIE PA RISKU GRUPĀM",
                        "IZGLĪTOJAMIE PA RISKA FAKTORIEM",
                        "PASĀKUMI PA VEIDIEM", "KOMPENSĀCIJAS",
                        "JAUNIEŠU INICIATĪVAS", "DINAMIKA"):
            self.assertIn(heading, out.splitlines(), heading)
        self.assertEqual(len(section(out, "DINAMIKA")) - 1, 3)
        rows = section(out, "PLĀNI PA STATUSIEM")[1:]
        for row, state, expected in zip(rows, STATES_LV,
                                        answer["plansByState"]):
            self.assertRegex(row, r"^%s\s+%s$" % (re.escape(state), re.escape(
                cell(expected["plans"], lv=True))))
        self.assertIn("neizpaužams", out)
        self.assertNotIn("suppressed", out)

        # A semester and a range of school years are periods too.
        code, out, err = self.cli("admin", "stats", "indicators",
                                  "--semester=%s-1" % self.year)
        self.assertEqual(code, 0, err)
        self.assertIn("semester %s/%d-1" % (self.year, int(self.year) + 1),
                      out.splitlines()[0])
        code, out, err = self.cli(
            "admin", "stats", "indicators",
            "--school_years=%d-%s" % (int(self.year) - 1, self.year))
        self.assertEqual(code, 0, err)
        self.assertIn("school years %d/" % (int(self.year) - 1),
                      out.splitlines()[0])

    def test_export_writes_the_csv_files(self):
        answer = self.json("admin", "stats", "indicators",
                           "--school_year=" + self.year)
        for lang, index, word in (("en", 0, "suppressed"),
                                  ("lv", 1, "neizpaužams")):
            out_dir = os.path.join(self.tmp, "csv-" + lang, "new")
            code, out, err = self.cli("admin", "stats", "export",
                                      "--out_dir=" + out_dir,
                                      "--school_year=" + self.year,
                                      "--lang=" + lang)
            self.assertEqual(code, 0, err)
            self.assertEqual(sorted(os.listdir(out_dir)), sorted(HEADERS))
            for name, headers in HEADERS.items():
                path = os.path.join(out_dir, name)
                self.assertRegex(out, r"wrote %s \(\d+ bytes\)" %
                                 re.escape(path))
                with open(path, "rb") as f:
                    raw = f.read()
                self.assertIn(b"\r\n", raw, name)
                rows = list(csv.reader(io.StringIO(raw.decode("utf-8"),
                                                   newline="")))
                self.assertEqual(rows[0], headers[index], (lang, name))
                self.assertTrue(all(len(r) == len(rows[0]) for r in rows),
                                name)
            with open(os.path.join(out_dir, "plans_by_state.csv"),
                      encoding="utf-8", newline="") as f:
                rows = list(csv.reader(f))[1:]
            self.assertEqual(
                [r[1] for r in rows],
                [cell(p["plans"], lv=lang == "lv")
                 for p in answer["plansByState"]])
            if any(p["plans"].get("suppressed")
                   for p in answer["plansByState"]):
                self.assertIn(word, [r[1] for r in rows])

    def test_chart_writes_svg(self):
        answer = self.json("admin", "stats", "indicators",
                           "--school_year=" + self.year, "--trend=6")
        path = os.path.join(self.tmp, "trend.svg")
        code, out, err = self.cli("admin", "stats", "chart", "--out=" + path,
                                  "--school_year=" + self.year, "--trend=6",
                                  "--lang=lv")
        self.assertEqual(code, 0, err)
        self.assertIn("wrote " + path, out)
        root = ET.parse(path).getroot()
        self.assertEqual(root.tag, SVG + "svg")
        self.assertEqual(root.get("version"), "1.1")
        title = root.find(SVG + "title").text
        self.assertTrue(title.startswith("Programmas rādītāju dinamika: "
                                         "valsts"), title)

        def points(cls):
            n = 0
            for line in root.iter(SVG + "polyline"):
                if line.get("class") == cls:
                    n += len(line.get("points").split())
            return n

        shown = lambda key: sum(1 for t in answer["trend"]  # noqa: E731
                                if not t[key].get("suppressed"))
        self.assertEqual(points("series-pupils"), shown("pupilsSupported"))
        self.assertEqual(points("series-plans"), shown("plans"))
        bars = [r for r in root.iter(SVG + "rect")
                if r.get("class") == "bar-planned"]
        self.assertEqual(len(bars), shown("hoursPlanned"))

    def test_head_sees_only_their_institution(self):
        own, other = (self.schools["Ābeļu vidusskola"],
                      self.schools["Ceriņu ģimnāzija"])
        code, out, err = self.cli("direktors1", "stats", "indicators",
                                  "--institution=" + own,
                                  "--school_year=" + self.year)
        self.assertEqual(code, 0, err)
        self.assertTrue(out.startswith("Programme indicators: Ābeļu "
                                       "vidusskola"), out)
        # By display name, any case.
        code, out, err = self.cli("direktors1", "stats", "indicators",
                                  "--institution=ābeļu VIDUSSKOLA",
                                  "--school_year=" + self.year)
        self.assertEqual(code, 0, err)
        for args in (["--institution=" + other], ["--institution=Ceriņu "
                                                  "ģimnāzija"], []):
            code, out, err = self.cli("direktors1", "stats", "indicators",
                                      "--school_year=" + self.year, *args)
            self.assertEqual(code, 1, (args, out, err))
            self.assertEqual(out, "")
            self.assertIn("PERMISSION_DENIED", err)
            self.assertIn("an institution's head and coordinator for their "
                          "institution only", err)
        code, out, err = self.cli("direktors1", "stats", "export",
                                  "--out_dir=" + os.path.join(self.tmp, "x"),
                                  "--institution=" + other,
                                  "--school_year=" + self.year)
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "x")))
        code, out, err = self.cli(None, "stats", "indicators",
                                  "--school_year=" + self.year)
        self.assertEqual(code, 1)
        self.assertIn("UNAUTHENTICATED", err)

    def test_usage_errors(self):
        for args in (
                ["stats"],
                ["stats", "nonsense", "--school_year=2025"],
                ["stats", "indicators"],
                ["stats", "indicators", "--school_year=2025",
                 "--semester=2025-1"],
                ["stats", "indicators", "--semester=2025"],
                ["stats", "indicators", "--school_years=2025"],
                ["stats", "indicators", "--school_year=2025", "--lang=de"],
                ["stats", "indicators", "--school_year=2025",
                 "--municipality=1", "--institution=1"],
                ["stats", "indicators", "--school_year=2025",
                 "--institution=No such school"],
                ["stats", "export", "--school_year=2025"],
                ["stats", "chart", "--school_year=2025"],
                ["stats", "indicators", "--school_year=x"]):
            code, out, err = self.cli("admin", *args)
            self.assertEqual(code, 2, (args, out, err))
        # The server checks ranges and names the field.
        code, out, err = self.cli("admin", "stats", "indicators",
                                  "--school_year=1999")
        self.assertEqual(code, 1)
        self.assertIn("INVALID_ARGUMENT", err)
        self.assertIn("field period.school_year", err)


if __name__ == "__main__":
    unittest.main()
