"""Shared helpers of the end-to-end tests: run the real pumpurs-server.

Every test starts its own server(s) on a free port (--listen 127.0.0.1:0 and
--port_file) over a database in its own temporary folder, and kills them
whatever happens (addCleanup, an atexit hook, and PDEATHSIG so a server dies
with the test process even if ctest SIGKILLs it on a timeout).

Environment (set by tests/e2e/CMakeLists.txt; the fallbacks make a plain
`/usr/bin/python3 -m unittest -v tests/e2e/<file>.py` work from the repo):
  PUMPURS_SERVER  the pumpurs-server binary  (default build/bin/pumpurs-server)
  PUMPURS_BUF     the buf binary             (default .tools/node_modules/.bin/buf)
  PYTHONPATH      must contain build/python  (added here if missing)

Use Debian's /usr/bin/python3 (python3-grpcio, python3-protobuf).
"""

import atexit
import collections
import hashlib
import itertools
import os
import secrets
import sqlite3
import threading
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVER = os.environ.get("PUMPURS_SERVER") or os.path.join(
    REPO, "build", "bin", "pumpurs-server")
BUF = os.environ.get("PUMPURS_BUF") or os.path.join(
    REPO, ".tools", "node_modules", ".bin", "buf")
if not os.path.exists(BUF):
    BUF = os.path.join(REPO, ".tools", "node_modules", ".bin", "buf")

_default_stubs = os.path.join(REPO, "build", "python")
if not any(os.path.isdir(os.path.join(p, "pumpurs", "v1")) for p in sys.path):
    sys.path.insert(0, _default_stubs)

import grpc  # noqa: E402  (needs sys.path above)

# grpcio's `grpc` is a regular package, so the generated grpc/health/v1 stubs
# in build/python are shadowed by it; make them a portion of that package.
for _p in list(sys.path):
    _g = os.path.join(_p or ".", "grpc")
    if os.path.isdir(os.path.join(_g, "health", "v1")) and _g not in grpc.__path__:
        grpc.__path__.append(_g)

from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from grpc.health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402,F401
from pumpurs.v1 import directory_pb2, directory_pb2_grpc  # noqa: E402,F401
from pumpurs.v1 import system_pb2, system_pb2_grpc  # noqa: E402,F401

# The demo national administrator (server/demo/demo_data.cc; README).
DEMO_ADMIN = "admin"
DEMO_PASSWORD = "demo-parole-2026"

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING

# Fast reconnects: the default backoff (1 s and growing) would blur timings.
CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 50),
    ("grpc.min_reconnect_backoff_ms", 50),
    ("grpc.max_reconnect_backoff_ms", 200),
    ("grpc.enable_retries", 0),
]

def bearer(token):
    """The call metadata that signs a call with `token`."""
    return (("authorization", "Bearer " + token),)


class _CallDetails(
        collections.namedtuple(
            "_CallDetails", ("method", "timeout", "metadata", "credentials",
                             "wait_for_ready", "compression")),
        grpc.ClientCallDetails):
    pass


class BearerInterceptor(grpc.UnaryUnaryClientInterceptor):
    """Adds "authorization: Bearer <token>" to every unary call that does not
    carry its own authorization metadata."""

    def __init__(self, token):
        self._token = token

    def intercept_unary_unary(self, continuation, details, request):
        metadata = list(details.metadata or ())
        if not any(k == "authorization" for k, _ in metadata):
            metadata += list(bearer(self._token))
        return continuation(
            _CallDetails(details.method, details.timeout, metadata,
                         details.credentials, details.wait_for_ready,
                         getattr(details, "compression", None)),
            request)


_live = set()  # Server objects whose process may still run
_launches = itertools.count(1)  # names each launch's stderr file


def _kill_all_live():
    for s in list(_live):
        s.kill9()


atexit.register(_kill_all_live)


# A server must die with the test process even if ctest SIGKILLs it on a
# timeout: util-linux's setpriv sets PR_SET_PDEATHSIG and execs the server
# (same pid). Not preexec_fn: it makes subprocess fork() instead of vfork(),
# and grpcio's pthread_atfork handler can deadlock that fork while channels
# are busy (seen as a rare hang when restarting a server). PDEATHSIG follows
# the forking *thread*, so servers are only started from the main thread.
_SETPRIV = "/usr/bin/setpriv"
_DIE_WITH_PARENT = ([_SETPRIV, "--pdeathsig", "KILL", "--"]
                    if os.access(_SETPRIV, os.X_OK) else [])


def popen_server(argv, **kwargs):
    """subprocess.Popen of a server command line that dies with us."""
    return subprocess.Popen(_DIE_WITH_PARENT + list(argv), **kwargs)


def free_port():
    """A TCP port that was free a moment ago (for --listen without port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_details(err):
    """The google.rpc.Status of a grpc.RpcError (grpc-status-details-bin)."""
    for key, value in err.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            st = status_pb2.Status()
            st.ParseFromString(value)
            return st
    return None


def unpack_details(st):
    """(ErrorInfo list, BadRequest list) packed in a google.rpc.Status."""
    infos, bad = [], []
    for any_msg in st.details:
        if any_msg.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            m = error_details_pb2.ErrorInfo()
            any_msg.Unpack(m)
            infos.append(m)
        elif any_msg.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            m = error_details_pb2.BadRequest()
            any_msg.Unpack(m)
            bad.append(m)
    return infos, bad


class ServerError(Exception):
    pass


class Server:
    """One pumpurs-server process (restartable on the same database).

    server = Server(workdir, demo=True); server.start()
    stub = server.directory(); ...; server.stop()
    """

    def __init__(self, workdir, db=None, demo=False, durability=None,
                 threads=None, listen="127.0.0.1:0", use_port_file=True,
                 extra_args=(), argv=None):
        self.workdir = workdir
        self.db = db or os.path.join(workdir, "pumpurs.db")
        self.demo = demo
        self.durability = durability
        self.threads = threads
        self.listen = listen
        self.port_file = (os.path.join(workdir, "port") if use_port_file
                          else None)
        self.extra_args = list(extra_args)
        # If set, the exact arguments (after the binary) instead of the above.
        self.argv = argv
        self.proc = None
        self.port = None
        self.starts = 0
        self.launch_time = None
        self.stderr_path = None
        self._channel = None
        self._admin_token = None
        self._admin_lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------

    def args(self):
        if self.argv is not None:
            return [SERVER] + list(self.argv)
        a = [SERVER, "--listen", self.listen, "--db", self.db]
        if self.demo:
            a.append("--demo")
        if self.durability:
            a += ["--durability", self.durability]
        if self.threads:
            a += ["--threads", str(self.threads)]
        if self.port_file:
            a += ["--port_file", self.port_file]
        return a + self.extra_args

    def launch(self):
        """Starts the process without waiting for anything."""
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError("server already running")
        self.close_channel()
        self.port = None
        if self.port_file and os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.starts += 1
        self.stderr_path = os.path.join(
            self.workdir, "server.%d.stderr" % next(_launches))
        with open(self.stderr_path, "wb") as err:
            self.launch_time = time.monotonic()
            self.proc = popen_server(
                self.args(), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err, cwd=self.workdir)
        _live.add(self)
        return self.proc

    def start(self, timeout=15):
        """Launches and waits until health reports SERVING; returns self."""
        self.launch()
        self.wait_port(timeout)
        self.wait_serving(timeout)
        return self

    def wait_port(self, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            if self.port_file and os.path.exists(self.port_file):
                with open(self.port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    return self.port
            if self.proc.poll() is not None:
                raise ServerError("server exited with %s before serving:\n%s"
                                  % (self.proc.returncode, self.stderr()))
            if time.monotonic() > deadline:
                raise ServerError("no port file after %ss:\n%s"
                                  % (timeout, self.stderr()))
            time.sleep(0.01)

    def health(self, timeout=1.0):
        """The health status of the whole server ("" service)."""
        stub = health_pb2_grpc.HealthStub(self.channel())
        return stub.Check(health_pb2.HealthCheckRequest(service=""),
                          timeout=timeout).status

    def probe_health(self, timeout=1.0):
        """health() over a new channel. grpcio 1.51 may take ~5 s to retry a
        channel whose first connection was refused (re-resolution of the
        target is rate-limited), so waiting on one channel blurs timings."""
        with self.new_channel() as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            return stub.Check(health_pb2.HealthCheckRequest(service=""),
                              timeout=timeout).status

    def wait_serving(self, timeout=15):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError("server exited with %s:\n%s"
                                  % (self.proc.returncode, self.stderr()))
            try:
                if self.probe_health(timeout=0.5) == SERVING:
                    return
            except grpc.RpcError as e:
                last = e
            time.sleep(0.01)
        raise ServerError("not SERVING after %ss (%s):\n%s"
                          % (timeout, last, self.stderr()))

    def send_signal(self, sig):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout):
        """Waits for exit; returns the exit code or None on timeout."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Asks the server to stop and returns its exit code; kill -9 (and
        raise) if it does not exit within `timeout`."""
        self.close_channel()
        if self.proc is None:
            return None
        self.send_signal(sig)
        rc = self.wait(timeout)
        if rc is None:
            self.kill9()
            raise ServerError("server ignored signal %s for %ss" % (sig, timeout))
        _live.discard(self)
        return rc

    def kill9(self):
        self.close_channel()
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
            self.proc.wait()
        _live.discard(self)

    def stderr(self):
        if not self.stderr_path or not os.path.exists(self.stderr_path):
            return ""
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    # -- clients -------------------------------------------------------------

    @property
    def target(self):
        return "127.0.0.1:%d" % self.port

    def new_channel(self):
        return grpc.insecure_channel(self.target, options=CHANNEL_OPTIONS)

    def channel(self):
        if self._channel is None:
            self._channel = self.new_channel()
        return self._channel

    def close_channel(self):
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def directory(self, channel=None, token=None):
        """A DirectoryService stub; with `token`, every call that carries no
        authorization of its own is signed with it (e.g. admin_token())."""
        channel = channel or self.channel()
        if token:
            channel = grpc.intercept_channel(channel, BearerInterceptor(token))
        return directory_pb2_grpc.DirectoryServiceStub(channel)

    def auth(self, channel=None):
        return auth_pb2_grpc.AuthServiceStub(channel or self.channel())

    def login(self, username, password, channel=None, timeout=10):
        """AuthService.Login; returns the Session."""
        return self.auth(channel).Login(
            auth_pb2.LoginRequest(username=username, password=password),
            timeout=timeout)

    def seeded_demo(self):
        return "--demo" in self.args()

    def admin_token(self):
        """An access token of a national administrator, made once per Server
        (its database keeps it valid across restarts). A --demo server: the
        demo administrator signs in. Otherwise there is no account to sign
        in with, so one is written straight into the database file, like
        TestServer::TokenFor (an access token whose SHA-256 is stored, as the
        server does)."""
        with self._admin_lock:
            if self._admin_token is None:
                if self.seeded_demo():
                    with self.new_channel() as channel:
                        self._admin_token = self.login(
                            DEMO_ADMIN, DEMO_PASSWORD, channel).access_token
                else:
                    self._admin_token = self._write_admin_session()
            return self._admin_token

    def admin_metadata(self):
        return bearer(self.admin_token())

    def _write_admin_session(self):
        token = "pat_e2e_" + secrets.token_urlsafe(32)
        now = int(time.time() * 1e6)
        day = 24 * 3600 * 10**6
        account = "e2eadmin" + secrets.token_hex(4)
        conn = sqlite3.connect(self.db, timeout=30)
        try:
            with conn:
                conn.execute(
                    "INSERT INTO accounts (id, username, kind, version, "
                    "create_time, update_time) VALUES (?, ?, 1, 1, ?, ?)",
                    (account, account, now, now))
                conn.execute(
                    "INSERT INTO role_bindings (account_id, role, scope_id) "
                    "VALUES (?, 6, '')", (account,))
                conn.execute(
                    "INSERT INTO sessions (id, account_id, access_hash, "
                    "access_expire_time, refresh_hash, refresh_expire_time, "
                    "create_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (account, account,
                     hashlib.sha256(token.encode()).hexdigest(), now + day,
                     hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                     now + day, now))
        finally:
            conn.close()
        return token

    def system(self, channel=None):
        return system_pb2_grpc.SystemServiceStub(channel or self.channel())


class ServerTestCase(unittest.TestCase):
    """A TestCase with its own temp dir and a factory of killed-at-end
    servers."""

    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory(prefix="pumpurs-e2e-")
        self.addCleanup(tmp.cleanup)
        self.tmp = tmp.name

    def new_server(self, **kwargs):
        server = Server(self.tmp, **kwargs)
        # Cleanups run last-in first-out, so this runs before tmp.cleanup.
        self.addCleanup(server.kill9)
        return server

    def start_server(self, **kwargs):
        return self.new_server(**kwargs).start()

    def assertRpcCode(self, code, fn, *args, **kwargs):
        with self.assertRaises(grpc.RpcError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.code(), code, cm.exception.details())
        return cm.exception


def list_all_municipalities(stub, page_size=500, timeout=10):
    out, token = [], ""
    while True:
        resp = stub.ListMunicipalities(
            directory_pb2.ListMunicipalitiesRequest(page_size=page_size,
                                                    page_token=token),
            timeout=timeout)
        out.extend(resp.municipalities)
        token = resp.next_page_token
        if not token:
            return out
