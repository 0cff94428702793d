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
DEMO_PASSWORD = "demo-parole-2026"  # server/demo/demo_data.h


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
        # Every command runs as the demo administrator, signed in through
        # the CLI itself; the token lives in a file of this test only.
        cls.token_file = os.path.join(cls.dir, "admin.token")
        p = subprocess.run(
            [CLI, "--server", cls.target, "--token_file", cls.token_file,
             "login", "admin"],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "PUMPURS_PASSWORD": DEMO_PASSWORD,
                 "XDG_CONFIG_HOME": os.path.join(cls.dir, "xdg")})
        if p.returncode != 0:
            cls._stop_server()
            raise RuntimeError("pumpurs login admin failed: " + p.stderr)
        with open(cls.token_file) as f:
            cls.token = f.read().strip()

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

    def run_cli(self, *args, server=None, env=None, check_secret=True,
                token_file=None):
        """Runs pumpurs with --server and the administrator's token file (or
        `token_file`); returns (code, out, err)."""
        full_env = dict(os.environ)
        full_env.pop("PUMPURS_TOKEN", None)
        full_env.pop("PUMPURS_PASSWORD", None)
        # Never a developer's own token file.
        full_env["XDG_CONFIG_HOME"] = os.path.join(self.dir, "xdg")
        full_env.update(env or {})
        cmd = [CLI, "--server", server or self.target, "--token_file",
               token_file or self.token_file, "--deadline", "10s", *args]
        p = subprocess.run(cmd, capture_output=True, text=True, env=full_env,
                           timeout=60)
        if check_secret:
            for secret in (SECRET, self.token, DEMO_PASSWORD):
                self.assertNotIn(secret, p.stdout + p.stderr,
                                 "a secret was printed")
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

    # ---- sign-in and accounts ----

    def test_login_stores_a_private_token_and_whoami_uses_it(self):
        token_file = os.path.join(self.dir, "sub", "metodikis.token")
        code, out, err = self.run_cli(
            "login", "metodikis", token_file=token_file,
            env={"PUMPURS_PASSWORD": DEMO_PASSWORD})
        self.assertEqual(code, 0, err)
        self.assertIn(token_file, out)
        self.assertEqual(os.stat(token_file).st_mode & 0o777, 0o600)
        with open(token_file) as f:
            token = f.read().strip()
        self.assertTrue(token.startswith("pat_"))
        self.assertNotIn(token, out + err)
        code, out, err = self.run_cli("whoami", token_file=token_file)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"username:\s+metodikis")
        self.assertRegex(out, r"roles:\s+methodologist")
        self.assertNotIn(token, out + err)
        # The default token file: $XDG_CONFIG_HOME/pumpurs/token.
        xdg = os.path.join(self.dir, "xdg-login")
        p = subprocess.run(
            [CLI, "--server", self.target, "login", "metodikis",
             "--password", DEMO_PASSWORD],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "XDG_CONFIG_HOME": xdg})
        self.assertEqual(p.returncode, 0, p.stderr)
        default_file = os.path.join(xdg, "pumpurs", "token")
        self.assertEqual(os.stat(default_file).st_mode & 0o777, 0o600)
        p = subprocess.run([CLI, "--server", self.target, "whoami"],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "XDG_CONFIG_HOME": xdg})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("metodikis", p.stdout)
        # Logout ends the session and forgets the file.
        p = subprocess.run([CLI, "--server", self.target, "logout"],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "XDG_CONFIG_HOME": xdg})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(default_file))

    def test_login_print_token_prints_only_the_token(self):
        code, out, err = self.run_cli(
            "login", "pedagogs1", "--print_token", check_secret=False,
            env={"PUMPURS_PASSWORD": DEMO_PASSWORD})
        self.assertEqual(code, 0, err)
        token = out.strip()
        self.assertRegex(token, r"^pat_[A-Za-z0-9_-]+$")
        code, out, err = self.run_cli("--token", token, "whoami",
                                      check_secret=False)
        self.assertEqual(code, 0, err)
        self.assertIn("pedagogs1", out)

    def test_login_with_a_wrong_password_fails(self):
        code, out, err = self.run_cli(
            "login", "pasvaldiba1", "--password", "nav-pareizi",
            token_file=os.path.join(self.dir, "never.token"))
        self.assertEqual(code, 1, out + err)
        self.assertIn("UNAUTHENTICATED", err)
        self.assertIn("INVALID_CREDENTIALS", err)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "never.token")))
        # No password and no terminal: a usage error, not a hang.
        p = subprocess.run([CLI, "--server", self.target, "login", "admin",
                            "--token_file", os.path.join(self.dir, "x.token")],
                           capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL,
                           env={k: v for k, v in os.environ.items()
                                if k != "PUMPURS_PASSWORD"})
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("PUMPURS_PASSWORD", p.stderr)

    def test_calls_without_a_token_are_unauthenticated(self):
        code, out, err = self.run_cli(
            "municipalities", "list",
            token_file=os.path.join(self.dir, "missing.token"))
        self.assertEqual(code, 1, out + err)
        self.assertIn("UNAUTHENTICATED", err)
        self.assertIn("pumpurs login", err)

    def test_accounts_create_list_and_reset_password(self):
        code, out, err = self.run_cli("institutions", "list", "--json")
        self.assertEqual(code, 0, err)
        institution = json.loads(out)["institutions"][0]["name"]
        code, out, err = self.run_cli(
            "accounts", "create", "--username=jana.ozola", "--kind=user",
            "--role=plan_preparer:" + institution,
            "--role", "measure_provider:" + institution.split("/")[1],
            "--json", env={"PUMPURS_PASSWORD": "pirmā parole 2026"})
        self.assertEqual(code, 0, err)
        created = json.loads(out)
        self.assertEqual(created["username"], "jana.ozola")
        self.assertEqual(sorted(b["role"] for b in created["roleBindings"]),
                         ["ROLE_MEASURE_PROVIDER", "ROLE_PLAN_PREPARER"])
        code, out, err = self.run_cli("accounts", "list")
        self.assertEqual(code, 0, err)
        self.assertTrue(any("jana.ozola" in r and "plan_preparer:" + institution in r
                            for r in self.rows(out)), out)
        code, out, err = self.run_cli(
            "accounts", "reset-password", "jana.ozola",
            env={"PUMPURS_PASSWORD": "otrā parole 2026"})
        self.assertEqual(code, 0, err)
        self.assertIn(created["name"], out)
        token_file = os.path.join(self.dir, "jana.token")
        code, out, err = self.run_cli(
            "login", "jana.ozola", "--password", "pirmā parole 2026",
            token_file=token_file)
        self.assertEqual(code, 1, out + err)
        code, out, err = self.run_cli(
            "login", "jana.ozola", "--password", "otrā parole 2026",
            token_file=token_file)
        self.assertEqual(code, 0, err)
        # Invalid creates name the fields; bad roles are usage errors.
        code, out, err = self.run_cli(
            "accounts", "create", "--username=X", "--kind=user",
            "--role=plan_preparer:institutions/nav", "--password=īsa")
        self.assertEqual(code, 1, out + err)
        for field in ("account.username", "password",
                      "account.role_bindings[0].scope"):
            self.assertIn("field %s:" % field, err)
        code, out, err = self.run_cli(
            "accounts", "create", "--username=x1", "--kind=user",
            "--role=king:institutions/x", "--password=pietiekami gara")
        self.assertEqual(code, 2, out + err)

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
