"""The real `pumpurs` CLI against a real `pumpurs-server` on a free port.

One demo server (two municipalities, four institutions) serves the whole
file; it runs over a database in a temporary folder and dies with the test
(SIGTERM in tearDownClass, PDEATHSIG if the test itself is killed).

Environment (set by tests/cli/CMakeLists.txt; the fallbacks make
`/usr/bin/python3 tests/cli/cli_test.py` work from the repository):
  PUMPURS_CLI     the pumpurs binary         (default build/bin/pumpurs)
  PUMPURS_SERVER  the pumpurs-server binary  (default build/bin/pumpurs-server)
"""

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("PUMPURS_CLI") or os.path.join(REPO, "build", "bin", "pumpurs")
SERVER = os.environ.get("PUMPURS_SERVER") or os.path.join(
    REPO, "build", "bin", "pumpurs-server")

SECRET = "cli-test-s3cr3t-token"


def _die_with_parent():
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="pumpurs-cli-test-")
        port_file = os.path.join(cls.dir, "port")
        cls.log = open(os.path.join(cls.dir, "server.log"), "wb")
        cls.server = subprocess.Popen(
            [SERVER, "--listen", "127.0.0.1:0", "--port_file", port_file,
             "--db", os.path.join(cls.dir, "pumpurs.db"), "--demo"],
            stdout=cls.log, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 30
        while not os.path.exists(port_file):
            if cls.server.poll() is not None or time.monotonic() > deadline:
                cls._stop_server()
                raise RuntimeError("pumpurs-server did not start; log in " + cls.dir)
            time.sleep(0.05)
        with open(port_file) as f:
            cls.target = "127.0.0.1:" + f.read().strip()

    @classmethod
    def _stop_server(cls):
        if cls.server.poll() is None:
            cls.server.send_signal(signal.SIGTERM)
            try:
                cls.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()
        cls.log.close()

    @classmethod
    def tearDownClass(cls):
        cls._stop_server()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_cli(self, *args, server=None, env=None, check_secret=True):
        """Runs pumpurs with --server and --token; returns (code, out, err)."""
        full_env = dict(os.environ)
        full_env.pop("PUMPURS_TOKEN", None)
        full_env.update(env or {})
        cmd = [CLI, "--server", server or self.target, "--token", SECRET,
               "--deadline", "10s", *args]
        p = subprocess.run(cmd, capture_output=True, text=True, env=full_env,
                           timeout=60)
        if check_secret:
            self.assertNotIn(SECRET, p.stdout + p.stderr, "the token was printed")
        return p.returncode, p.stdout, p.stderr

    def rows(self, table):
        """The data lines of a table (without the header)."""
        lines = [l for l in table.splitlines() if l.strip()]
        self.assertTrue(lines and lines[0].startswith("NAME"), table)
        return lines[1:]

    # ---- system ----

    def test_health_is_serving(self):
        code, out, err = self.run_cli("health")
        self.assertEqual(code, 0, err)
        self.assertEqual(out.strip(), "SERVING")
        code, out, err = self.run_cli("--json", "health")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), {"status": "SERVING"})

    def test_health_of_a_dead_server_fails(self):
        code, out, err = self.run_cli(
            "--deadline=3s", "health", server="127.0.0.1:%d" % _free_port())
        self.assertEqual(code, 1)
        self.assertIn("UNAVAILABLE", err)

    def test_ping_and_info(self):
        code, out, err = self.run_cli("ping", "labdien")
        self.assertEqual(code, 0, err)
        self.assertIn("labdien", out)
        code, out, err = self.run_cli("info")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"version:\s+\d+\.\d+\.\d+")
        self.assertRegex(out, r"schema_version:\s+[1-9]")
        code, out, err = self.run_cli("info", "--json")
        self.assertEqual(code, 0, err)
        self.assertIn("startTime", json.loads(out))

    # ---- municipalities ----

    def test_municipalities_list_shows_the_demo_municipalities(self):
        code, out, err = self.run_cli("municipalities", "list")
        self.assertEqual(code, 0, err)
        demo = [r for r in self.rows(out) if "Ābeļu novads" in r or "Ceriņu novads" in r]
        self.assertEqual(len(demo), 2, out)
        for row in demo:
            self.assertRegex(row, r"^municipalities/\S+\s+\d{7}\s+.*novads$")

    def test_lists_follow_every_page(self):
        code, out, err = self.run_cli("municipalities", "list", "--page_size=1")
        self.assertEqual(code, 0, err)
        self.assertGreaterEqual(len([r for r in self.rows(out) if "novads" in r]), 2)
        code, out, err = self.run_cli("institutions", "list", "--page_size=1", "--json")
        self.assertEqual(code, 0, err)
        names = [i["displayName"] for i in json.loads(out)["institutions"]]
        for demo in ("Ābeļu vidusskola", "Ābeļu pamatskola", "Ceriņu tehnikums",
                     "Ceriņu ģimnāzija"):
            self.assertIn(demo, names)

    def test_municipalities_create_and_get(self):
        code, out, err = self.run_cli("municipalities", "create",
                                      "--display_name=Ogres novads",
                                      "--code=0740201", "--json")
        self.assertEqual(code, 0, err)
        created = json.loads(out)
        self.assertTrue(created["name"].startswith("municipalities/"))
        self.assertEqual(created["code"], "0740201")
        # Get accepts the bare id as well as the full name.
        for name in (created["name"], created["name"].split("/", 1)[1]):
            code, out, err = self.run_cli("municipalities", "get", name)
            self.assertEqual(code, 0, err)
            self.assertRegex(out, r"display_name:\s+Ogres novads")
            self.assertRegex(out, r"code:\s+0740201")
        # The same create again: the code is taken.
        code, out, err = self.run_cli("municipalities", "create",
                                      "--display_name=Ogres novads",
                                      "--code=0740201")
        self.assertEqual(code, 1)
        self.assertIn("ALREADY_EXISTS", err)
        self.assertIn("MUNICIPALITY_CODE_TAKEN", err)

    def test_invalid_municipality_create_names_the_fields(self):
        code, out, err = self.run_cli("municipalities", "create",
                                      "--display_name=", "--code=12")
        self.assertEqual(code, 1, out + err)
        self.assertIn("INVALID_ARGUMENT", err)
        self.assertRegex(err, r"field municipality\.display_name: \S")
        self.assertRegex(err, r"field municipality\.code: \S")
        self.assertEqual(out, "")

    def test_get_of_a_missing_municipality_is_not_found(self):
        code, out, err = self.run_cli("municipalities", "get", "nosuchone")
        self.assertEqual(code, 1)
        self.assertIn("NOT_FOUND", err)
        self.assertIn("RESOURCE_NOT_FOUND", err)

    # ---- institutions ----

    def demo_municipality(self, display_name):
        code, out, err = self.run_cli("municipalities", "list", "--json")
        self.assertEqual(code, 0, err)
        for m in json.loads(out)["municipalities"]:
            if m["displayName"] == display_name:
                return m["name"]
        self.fail("no municipality " + display_name)

    def test_institutions_list_and_filters(self):
        code, out, err = self.run_cli("institutions", "list")
        self.assertEqual(code, 0, err)
        self.assertGreaterEqual(len(self.rows(out)), 4)
        code, out, err = self.run_cli("institutions", "list",
                                      "--kind=state_vocational_school")
        self.assertEqual(code, 0, err)
        rows = self.rows(out)
        self.assertTrue(rows)
        for row in rows:
            self.assertIn("state_vocational_school", row)
        self.assertTrue(any("Ceriņu tehnikums" in r for r in rows))

        abelu = self.demo_municipality("Ābeļu novads")
        code, out, err = self.run_cli("institutions", "list",
                                      "--municipality=" + abelu.split("/")[1])
        self.assertEqual(code, 0, err)
        rows = self.rows(out)
        self.assertGreaterEqual(len(rows), 2)
        for row in rows:
            self.assertIn(abelu, row)

    def test_institutions_create_and_get(self):
        cerinu = self.demo_municipality("Ceriņu novads")
        code, out, err = self.run_cli(
            "institutions", "create", "--display_name=Ceriņu koledža",
            "--kind=college", "--municipality=" + cerinu,
            "--registration_number=4313999999", "--json")
        self.assertEqual(code, 0, err)
        created = json.loads(out)
        self.assertEqual(created["kind"], "INSTITUTION_KIND_COLLEGE")
        code, out, err = self.run_cli("institutions", "get", created["name"])
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"kind:\s+college")
        self.assertRegex(out, r"registration_number:\s+4313999999")

    def test_invalid_institution_create_names_the_fields(self):
        code, out, err = self.run_cli(
            "institutions", "create", "--display_name=Skola",
            "--municipality=municipalities/doesnotexist",
            "--registration_number=12ab")
        self.assertEqual(code, 1, out + err)
        for field in ("institution.kind", "institution.municipality",
                      "institution.registration_number"):
            self.assertRegex(err, r"field %s: \S" % re.escape(field))
        self.assertNotIn("institution.display_name:", err)

    # ---- usage and secrets ----

    def test_usage_errors_exit_2(self):
        for args in (["frobnicate"], ["--no_such_flag", "health"],
                     ["--deadline=soon", "health"], ["--deadline=0s", "health"],
                     ["institutions", "list", "--kind=castle"],
                     ["municipalities"], ["municipalities", "get"],
                     ["municipalities", "delete", "x"], ["health", "extra"]):
            code, out, err = self.run_cli(*args)
            self.assertEqual(code, 2, "%s: %s%s" % (args, out, err))
            self.assertTrue(err.strip(), args)
        p = subprocess.run([CLI], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage:", p.stderr)

    def test_token_from_environment_is_never_printed(self):
        env = {"PUMPURS_TOKEN": SECRET}
        for args in (["health"], ["municipalities", "list", "--json"],
                     ["municipalities", "create", "--code=1"],
                     ["--helpfull"]):
            p = subprocess.run([CLI, "--server", self.target, *args],
                               capture_output=True, text=True, timeout=60,
                               env={**os.environ, **env})
            self.assertNotIn(SECRET, p.stdout + p.stderr, args)
        # A token that cannot be sent is refused without echoing it.
        bad = SECRET + "\x7f"
        p = subprocess.run([CLI, "--server", self.target, "--token", bad, "health"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertNotIn(SECRET, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
