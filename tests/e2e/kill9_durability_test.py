"""kill -9 while writes are in flight loses no acknowledged write.

Three times: start the server (--durability full) on the same database file,
let several client threads stream CreateMunicipality calls (unique codes and
request_ids), kill -9 the server after a random 0.5-2 s, check a copy of the
files with PRAGMA integrity_check, restart, and check that every
acknowledged municipality is there (GetMunicipality by name and in the
listing) and that retrying an unacknowledged create with its request_id
yields exactly one municipality. At the end: a clean stop and
PRAGMA integrity_check on the file itself.
"""

import itertools
import os
import random
import shutil
import signal
import sqlite3
import threading
import time
import unittest
import uuid

import grpc

import harness
from harness import directory_pb2

CYCLES = 3
WRITERS = 4
TIME_LIMIT_S = 60


def integrity_check(path):
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


class Writers:
    """Client threads streaming creates; records what was acknowledged."""

    def __init__(self, server, codes):
        self.server = server
        self.token = server.admin_token()  # a national administrator's
        self.codes = codes  # shared itertools.count
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked = []      # (request, response) with status OK
        self.unacked = []    # (request, grpc code) that failed
        self.unexpected = []  # errors other than transport/shutdown ones
        self.in_flight = 0   # calls sent and not yet answered
        self.threads = [threading.Thread(target=self.run, daemon=True)
                        for _ in range(WRITERS)]

    def start(self):
        for t in self.threads:
            t.start()

    def run(self):
        channel = self.server.new_channel()
        stub = self.server.directory(channel, token=self.token)
        try:
            while not self.stop.is_set():
                with self.lock:
                    n = next(self.codes)
                code = "%07d" % (1000000 + n)
                req = directory_pb2.CreateMunicipalityRequest(
                    municipality=directory_pb2.Municipality(
                        display_name="Kill9 novads %s" % code, code=code),
                    request_id=str(uuid.uuid4()))
                with self.lock:
                    self.in_flight += 1
                try:
                    resp = stub.CreateMunicipality(req, timeout=5)
                except grpc.RpcError as e:
                    with self.lock:
                        self.unacked.append((req, e.code()))
                        if e.code() not in (grpc.StatusCode.UNAVAILABLE,
                                            grpc.StatusCode.CANCELLED,
                                            grpc.StatusCode.DEADLINE_EXCEEDED,
                                            grpc.StatusCode.UNKNOWN,
                                            grpc.StatusCode.INTERNAL):
                            self.unexpected.append((req, e.code(), e.details()))
                        self.in_flight -= 1
                    if e.code() == grpc.StatusCode.UNAVAILABLE:
                        time.sleep(0.01)
                    continue
                with self.lock:
                    self.acked.append((req, resp))
                    self.in_flight -= 1
        finally:
            channel.close()

    def join(self, timeout):
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self.threads)


class Kill9DurabilityTest(harness.ServerTestCase):

    def test_acknowledged_writes_survive_kill9(self):
        began = time.monotonic()
        server = self.new_server(durability="full")
        codes = itertools.count()
        acked = {}     # name -> CreateMunicipalityRequest
        attempts = {}  # code -> request (every create ever sent)
        rng = random.Random()
        report = []
        pending = []  # unacknowledged creates of the last cycle

        for cycle in range(CYCLES):
            server.start()
            if cycle > 0:
                # Retrying touches only the unacknowledged codes, so it
                # cannot hide a lost acknowledged write.
                self.retry_unacked(server, pending, acked)
                self.verify(server, acked, attempts)
            writers = Writers(server, codes)
            writers.start()
            delay = rng.uniform(0.5, 2.0)
            time.sleep(delay)
            # Writes are in flight: the writers never pause.
            in_flight = writers.in_flight
            server.kill9()
            writers.stop.set()
            self.assertTrue(writers.join(15), "client threads hung")
            self.assertEqual(writers.unexpected, [])
            self.assertGreater(len(writers.acked), 0,
                               "no write was acknowledged in %.2f s" % delay)
            for req, resp in writers.acked:
                self.assertEqual(resp.code, req.municipality.code)
                acked[resp.name] = req
            for req, _ in writers.acked + writers.unacked:
                attempts[req.municipality.code] = req
            pending = [req for req, _ in writers.unacked]
            report.append("cycle %d: killed after %.2f s, %d acknowledged, "
                          "%d not; ~%d in flight at the kill"
                          % (cycle + 1, delay, len(writers.acked),
                             len(pending), in_flight))

            # The files as kill -9 left them (copied, so the restart below
            # still has to recover the WAL itself) are consistent.
            copy = os.path.join(self.tmp, "copy%d" % cycle)
            os.mkdir(copy)
            for suffix in ("", "-wal"):
                if os.path.exists(server.db + suffix):
                    shutil.copy(server.db + suffix,
                                os.path.join(copy, "pumpurs.db" + suffix))
            self.assertEqual(integrity_check(os.path.join(copy, "pumpurs.db")),
                             ["ok"])

        server.start()
        self.retry_unacked(server, pending, acked)
        self.verify(server, acked, attempts)
        self.assertEqual(server.stop(signal.SIGTERM, timeout=15), 0,
                         server.stderr())
        self.assertEqual(integrity_check(server.db), ["ok"])

        elapsed = time.monotonic() - began
        print("\n  " + "\n  ".join(report) +
              "\n  total %d acknowledged; %.1f s" % (len(acked), elapsed))
        self.assertLess(elapsed, TIME_LIMIT_S)

    def verify(self, server, acked, attempts):
        stub = server.directory(token=server.admin_token())
        for name, req in acked.items():
            got = stub.GetMunicipality(
                directory_pb2.GetMunicipalityRequest(name=name), timeout=5)
            self.assertEqual(got.code, req.municipality.code)
            self.assertEqual(got.display_name, req.municipality.display_name)
        listed = harness.list_all_municipalities(stub)
        names = [m.name for m in listed]
        self.assertEqual(len(names), len(set(names)), "duplicate in listing")
        missing = set(acked) - set(names)
        self.assertEqual(missing, set(), "acknowledged writes lost")
        for m in listed:
            # Nothing stored that nobody asked for, and stored as asked.
            self.assertIn(m.code, attempts)
            self.assertEqual(m.display_name,
                             attempts[m.code].municipality.display_name)

    def retry_unacked(self, server, pending, acked):
        """A create that got no answer is retried with its request_id: it
        must succeed whether or not the first attempt was committed (never
        ALREADY_EXISTS, which would mean the row was kept without its
        request_id)."""
        stub = server.directory(token=server.admin_token())
        for req in pending:
            resp = stub.CreateMunicipality(req, timeout=5)
            self.assertEqual(resp.code, req.municipality.code)
            acked[resp.name] = req


if __name__ == "__main__":
    unittest.main(verbosity=2)
