"""bindings/python/examples/export_plans_csv.py against a real demo server:
the script runs as a user would run it, and its CSV parses with the header
and at least one row per the demo's plans of this semester.

Run: ctest --test-dir build -R python_export_plans_csv_test, or from the
repo root: /usr/bin/python3 tests/bindings/export_plans_csv_test.py
"""

import csv
import os
import subprocess
import sys
import tempfile
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO = os.path.normpath(os.path.join(_HERE, "..", ".."))
sys.path.insert(0, os.path.join(_REPO, "tests", "e2e"))
import harness  # noqa: E402

SCRIPT = os.path.join(_REPO, "bindings", "python", "examples",
                      "export_plans_csv.py")
HEADER = ["name", "pupil", "state", "risks", "measures", "planned_hours",
          "delivered_hours"]


class ExportPlansCsvTest(unittest.TestCase):

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="pumpurs-csv-")
        self.addCleanup(tmp.cleanup)
        self.workdir = tmp.name
        self.server = harness.Server(self.workdir, demo=True).start(timeout=60)
        self.addCleanup(self.server.kill9)

    def run_script(self, *args, password="demo-parole-2026"):
        env = dict(os.environ, PUMPURS_PASSWORD=password)
        # The package and the generated modules, wherever ctest did not
        # already say.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (env.get("PYTHONPATH", ""),
                        os.path.join(_REPO, "bindings", "python"),
                        os.path.join(_REPO, "build", "python")) if p)
        return subprocess.run(
            [sys.executable, SCRIPT, "--target", self.server.target] +
            list(args), env=env, capture_output=True, text=True, timeout=60)

    def test_exports_this_semesters_plans(self):
        out = os.path.join(self.workdir, "plans.csv")
        done = self.run_script("--user", "direktors1", "--output", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(out, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            self.assertEqual(next(reader), HEADER)
            rows = list(reader)
        self.assertGreaterEqual(len(rows), 1)
        for row in rows:
            record = dict(zip(HEADER, row))
            self.assertEqual(len(row), len(HEADER))
            self.assertTrue(record["name"].startswith("supportPlans/"))
            self.assertTrue(record["pupil"].startswith("pupils/"))
            self.assertTrue(record["state"].isupper())
            self.assertGreaterEqual(int(record["risks"]), 0)
            self.assertGreaterEqual(int(record["measures"]), 0)
            self.assertGreaterEqual(float(record["planned_hours"]), 0)
            self.assertGreaterEqual(float(record["delivered_hours"]), 0)
        # The plan in implementation has measures in hours.
        self.assertTrue(any(float(dict(zip(HEADER, r))["planned_hours"]) > 0
                            for r in rows), rows)
        self.assertIn("%d plans of institutions/" % len(rows), done.stderr)

    def test_stdout_and_an_empty_semester(self):
        done = self.run_script("--user", "direktors1", "--semester", "2001-1")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), [",".join(HEADER)])

    def test_wrong_password_fails_cleanly(self):
        done = self.run_script("--user", "direktors1", password="wrong")
        self.assertEqual(done.returncode, 1)
        self.assertIn("UNAUTHENTICATED", done.stderr)
        self.assertNotIn("Traceback", done.stderr)


if __name__ == "__main__":
    unittest.main()
