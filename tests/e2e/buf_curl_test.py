"""The real pumpurs-server driven by `buf curl` (a Go client that learns the
API only through server reflection): services listed, a JSON sign-in, a JSON
call with the bearer token, and an error with field violations. One server
per test."""

import base64
import json
import os
import subprocess
import unittest
import uuid

import harness
from harness import error_details_pb2


def b64(value):
    """Decodes base64 with or without padding, standard or URL-safe."""
    value = value.rstrip("=")
    return base64.urlsafe_b64decode(
        value.replace("+", "-").replace("/", "_") + "=" * (-len(value) % 4))


class BufCurlTest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        if not os.access(harness.BUF, os.X_OK):
            self.fail("buf not found at %s (run scripts/setup.sh or set "
                      "PUMPURS_BUF)" % harness.BUF)
        self.server = self.start_server(demo=True)
        self.base = "http://%s" % self.server.target

    def buf_curl(self, *args, data=None, token=None):
        """buf curl; `token` (default: the demo administrator's) goes in an
        authorization header, "" sends none."""
        cmd = [harness.BUF, "curl", "--protocol", "grpc",
               "--http2-prior-knowledge", "--connect-timeout", "5"]
        if token is None:
            token = self.server.admin_token()
        if token:
            cmd += ["-H", "Authorization: Bearer " + token]
        if data is not None:
            cmd += ["-d", json.dumps(data)]
        cmd += list(args)
        # buf caches under $HOME/.cache; keep it inside the test's temp dir.
        env = dict(os.environ, BUF_CACHE_DIR=os.path.join(self.tmp, "bufcache"))
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30,
                              env=env)

    def test_list_services_via_reflection(self):
        r = self.buf_curl("--list-services", self.base)
        self.assertEqual(r.returncode, 0, r.stderr)
        services = r.stdout.split()
        for s in ("pumpurs.v1.DirectoryService", "pumpurs.v1.SystemService",
                  "grpc.health.v1.Health"):
            self.assertIn(s, services)

    def test_json_login_and_unauthenticated_call(self):
        r = self.buf_curl(
            self.base + "/pumpurs.v1.AuthService/Login",
            data={"username": harness.DEMO_ADMIN,
                  "password": harness.DEMO_PASSWORD}, token="")
        self.assertEqual(r.returncode, 0, r.stderr)
        session = json.loads(r.stdout)
        self.assertTrue(session["accessToken"].startswith("pat_"))
        self.assertEqual(session["account"]["username"], harness.DEMO_ADMIN)
        r = self.buf_curl(
            self.base + "/pumpurs.v1.AuthService/WhoAmI", data={},
            token=session["accessToken"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["username"], harness.DEMO_ADMIN)
        # Without a token the directory answers UNAUTHENTICATED (code 16).
        r = self.buf_curl(
            self.base + "/pumpurs.v1.DirectoryService/ListMunicipalities",
            data={}, token="")
        self.assertEqual(r.returncode, 16 << 3, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stderr)["code"], "unauthenticated")

    def test_json_list_municipalities(self):
        r = self.buf_curl(
            self.base + "/pumpurs.v1.DirectoryService/ListMunicipalities",
            data={})
        self.assertEqual(r.returncode, 0, r.stderr)
        resp = json.loads(r.stdout)
        self.assertEqual(
            [(m["displayName"], m["code"]) for m in resp["municipalities"]],
            [("Ābeļu novads", "0900001"), ("Ceriņu novads", "0900002")])
        for m in resp["municipalities"]:
            self.assertTrue(m["name"].startswith("municipalities/"))
            self.assertIn("createTime", m)
        self.assertFalse(resp.get("nextPageToken"))

    def test_invalid_create_reports_field_violations(self):
        r = self.buf_curl(
            self.base + "/pumpurs.v1.DirectoryService/CreateMunicipality",
            data={"municipality": {"displayName": "", "code": "12"},
                  "requestId": str(uuid.uuid4())})
        # buf curl exits with the gRPC code shifted left by three bits.
        self.assertEqual(r.returncode, 3 << 3, r.stdout + r.stderr)
        err = json.loads(r.stderr)
        self.assertEqual(err["code"], "invalid_argument")
        fields, domains = [], []
        for d in err.get("details", []):
            if d["type"] == "google.rpc.BadRequest":
                bad = error_details_pb2.BadRequest()
                bad.ParseFromString(b64(d["value"]))
                fields += [v.field for v in bad.field_violations]
            elif d["type"] == "google.rpc.ErrorInfo":
                info = error_details_pb2.ErrorInfo()
                info.ParseFromString(b64(d["value"]))
                domains.append(info.domain)
        self.assertCountEqual(fields, ["municipality.display_name",
                                       "municipality.code"])
        self.assertEqual(domains, ["pumpurs.lv"])
        # Nothing stored.
        r = self.buf_curl(
            self.base + "/pumpurs.v1.DirectoryService/ListMunicipalities",
            data={})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(json.loads(r.stdout)["municipalities"]), 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
