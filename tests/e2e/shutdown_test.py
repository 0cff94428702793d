"""SIGTERM / SIGINT while a stream of writes is in flight: the server stops in
order (health goes NOT_SERVING or the port closes, it never goes back to
SERVING), exits 0 within a few seconds, and every write it acknowledged is
there after a restart."""

import itertools
import os
import signal
import sqlite3
import threading
import time
import unittest
import uuid

import grpc

import harness
from harness import directory_pb2

WRITERS = 4
EXIT_WITHIN_S = 5.0
# Codes a server may answer while or after stopping; anything else (INTERNAL,
# ALREADY_EXISTS, ...) during a shutdown is a bug.
SHUTDOWN_CODES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)


class Writers:
    def __init__(self, server):
        self.server = server
        self.token = server.admin_token()  # a national administrator's
        self.codes = itertools.count()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked = []
        self.failed = []
        self.threads = [threading.Thread(target=self.run, daemon=True)
                        for _ in range(WRITERS)]
        for t in self.threads:
            t.start()

    def run(self):
        channel = self.server.new_channel()
        stub = self.server.directory(channel, token=self.token)
        try:
            while not self.stop.is_set():
                with self.lock:
                    code = "%07d" % (2000000 + next(self.codes))
                req = directory_pb2.CreateMunicipalityRequest(
                    municipality=directory_pb2.Municipality(
                        display_name="Stop novads %s" % code, code=code),
                    request_id=str(uuid.uuid4()))
                try:
                    resp = stub.CreateMunicipality(req, timeout=10)
                except grpc.RpcError as e:
                    with self.lock:
                        self.failed.append((req, e.code(), e.details()))
                    time.sleep(0.01)
                    continue
                with self.lock:
                    self.acked.append((req, resp))
        finally:
            channel.close()

    def join(self, timeout):
        self.stop.set()
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self.threads)


class HealthWatcher:
    """Polls health from just before the signal until the process exits."""

    def __init__(self, server):
        self.server = server
        self.seen = []  # (seconds since signal or None, status or grpc code)
        self.signalled_at = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        channel = self.server.new_channel()
        stub = harness.health_pb2_grpc.HealthStub(channel)
        try:
            while not self.done.is_set():
                t0 = self.signalled_at
                try:
                    r = stub.Check(harness.health_pb2.HealthCheckRequest(),
                                   timeout=1).status
                except grpc.RpcError as e:
                    r = e.code()
                if t0 is not None:
                    self.seen.append((time.monotonic() - t0, r))
                time.sleep(0.002)
        finally:
            channel.close()


class ShutdownTest(harness.ServerTestCase):

    def check_stop(self, sig):
        server = self.start_server(durability="full")
        writers = Writers(server)
        watcher = HealthWatcher(server)
        time.sleep(0.8)
        self.assertGreater(len(writers.acked), 0, "no writes before the signal")
        acked_before_signal = len(writers.acked)

        watcher.signalled_at = time.monotonic()
        server.send_signal(sig)
        rc = server.wait(timeout=EXIT_WITHIN_S)
        exit_s = time.monotonic() - watcher.signalled_at
        if rc is None:
            server.kill9()
            self.fail("still running %.1f s after %s:\n%s"
                      % (EXIT_WITHIN_S, sig.name, server.stderr()))
        self.assertEqual(rc, 0, server.stderr())

        time.sleep(0.05)  # a few more health probes against the closed port
        watcher.done.set()
        watcher.thread.join(5)
        self.assertTrue(writers.join(15), "client threads hung")

        # Health: SERVING until the signal lands, then NOT_SERVING or
        # refused, never SERVING again; refused once the process is gone.
        seen = [r for _, r in watcher.seen]
        self.assertTrue(seen, "no health probe after the signal")
        allowed = {harness.SERVING, harness.NOT_SERVING,
                   grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                   grpc.StatusCode.DEADLINE_EXCEEDED}
        self.assertTrue(set(seen) <= allowed, watcher.seen)
        first_down = next((i for i, r in enumerate(seen)
                           if r != harness.SERVING), None)
        self.assertIsNotNone(first_down, watcher.seen)
        self.assertNotIn(harness.SERVING, seen[first_down:], watcher.seen)
        self.assertIn(seen[-1], (harness.NOT_SERVING,
                                 grpc.StatusCode.UNAVAILABLE), watcher.seen)
        with server.new_channel() as ch:
            with self.assertRaises(grpc.RpcError) as cm:
                harness.health_pb2_grpc.HealthStub(ch).Check(
                    harness.health_pb2.HealthCheckRequest(), timeout=2)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.UNAVAILABLE)

        # Writes: only shutdown refusals, and every acknowledged one kept.
        unexpected = [(r.municipality.code, c, d) for r, c, d in writers.failed
                      if c not in SHUTDOWN_CODES]
        self.assertEqual(unexpected, [])
        err = server.stderr()
        self.assertIn('"event":"server_stopping"', err)
        self.assertIn('"event":"server_stopped"', err)
        # A clean close checkpoints the WAL away.
        wal = server.db + "-wal"
        wal_size = os.path.getsize(wal) if os.path.exists(wal) else 0
        self.assertEqual(wal_size, 0, "WAL left behind")
        conn = sqlite3.connect(server.db)
        try:
            self.assertEqual(
                conn.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        finally:
            conn.close()

        server.start()
        stub = server.directory(token=server.admin_token())
        listed = {m.name: m for m in harness.list_all_municipalities(stub)}
        for req, resp in writers.acked:
            self.assertIn(resp.name, listed, "acknowledged write lost")
            self.assertEqual(listed[resp.name].code, req.municipality.code)
        sample = writers.acked[-1][1]
        got = stub.GetMunicipality(
            directory_pb2.GetMunicipalityRequest(name=sample.name), timeout=5)
        self.assertEqual(got, sample)
        self.assertEqual(server.stop(timeout=10), 0)
        print("\n  %s: exit %.3f s after the signal; %d acknowledged (%d "
              "after the signal), %d refused; health after signal: %s"
              % (sig.name, exit_s, len(writers.acked),
                 len(writers.acked) - acked_before_signal,
                 len(writers.failed), summarize(seen)))

    def test_sigterm(self):
        self.check_stop(signal.SIGTERM)

    def test_sigint(self):
        self.check_stop(signal.SIGINT)

    def test_drain_keeps_serving_while_health_says_not_serving(self):
        server = self.start_server(durability="full",
                                   extra_args=["--shutdown_drain=1s"])
        writers = Writers(server)
        watcher = HealthWatcher(server)
        time.sleep(0.5)
        watcher.signalled_at = time.monotonic()
        acked_at_signal = len(writers.acked)
        server.send_signal(signal.SIGTERM)
        time.sleep(0.6)  # inside the drain window
        acked_in_drain = len(writers.acked) - acked_at_signal
        rc = server.wait(timeout=EXIT_WITHIN_S + 1)
        watcher.done.set()
        watcher.thread.join(5)
        self.assertTrue(writers.join(15), "client threads hung")
        if rc is None:
            server.kill9()
            self.fail("did not exit:\n%s" % server.stderr())
        self.assertEqual(rc, 0, server.stderr())
        # Health said NOT_SERVING while the server still answered, so a load
        # balancer had time to move traffic away.
        early = [r for t, r in watcher.seen if t < 0.9]
        self.assertIn(harness.NOT_SERVING, early, watcher.seen)
        self.assertNotIn(harness.SERVING,
                         early[early.index(harness.NOT_SERVING):])
        self.assertGreater(acked_in_drain, 0,
                           "writes were refused during the drain")


def summarize(seen):
    """Run-length summary such as 'SERVING x3, NOT_SERVING x1, UNAVAILABLE
    x20'."""
    def name(r):
        return r.name if isinstance(r, grpc.StatusCode) else \
            harness.health_pb2.HealthCheckResponse.ServingStatus.Name(r)
    out = []
    for r in seen:
        if out and out[-1][0] == name(r):
            out[-1][1] += 1
        else:
            out.append([name(r), 1])
    return ", ".join("%s x%d" % (n, c) for n, c in out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
