"""The server as scripts/run.sh starts it answers health SERVING within 2 s
of launch, on a fresh database (migration and demo seeding included).

run.sh itself is not run (it installs packages and builds): its final
`exec build/bin/pumpurs-server ...` line is read and replayed with the real
binary, a free port instead of 50051, and a temporary folder as the working
directory (so `--db var/pumpurs.db` lands in <tmp>/var/pumpurs.db)."""

import os
import shlex
import time
import unittest

import grpc

import harness
from harness import directory_pb2

LIMIT_S = 2.0


def run_sh_args():
    with open(os.path.join(harness.REPO, "scripts", "run.sh")) as f:
        lines = [l for l in f if l.startswith("exec build/bin/pumpurs-server")]
    if len(lines) != 1:
        raise AssertionError("run.sh has no single `exec build/bin/"
                             "pumpurs-server` line: %r" % lines)
    args = shlex.split(lines[0])[2:]
    return [a for a in args if a != "$@"]


class RunShTest(harness.ServerTestCase):

    def test_serving_within_2s_of_launch(self):
        args = run_sh_args()
        # The flags the brief names; if run.sh changes them, so must this test.
        self.assertIn("--demo", args)
        self.assertEqual(args[args.index("--listen") + 1], "127.0.0.1:50051")
        self.assertEqual(args[args.index("--db") + 1], "var/pumpurs.db")

        timings = []
        for attempt in ("fresh database", "existing database"):
            port = harness.free_port()
            listen = "127.0.0.1:%d" % port
            argv = [listen if a == "127.0.0.1:50051" else a for a in args]
            os.makedirs(os.path.join(self.tmp, "var"), exist_ok=True)  # mkdir -p var
            server = self.new_server(use_port_file=False, argv=argv)
            server.launch()
            server.port = port
            elapsed = self.wait_serving(server, launched=server.launch_time)
            timings.append("%s: SERVING %.3f s after launch" % (attempt, elapsed))
            self.assertLess(elapsed, LIMIT_S, server.stderr())
            self.assertTrue(os.path.exists(
                os.path.join(self.tmp, "var", "pumpurs.db")))
            resp = server.directory(
                token=server.admin_token()).ListMunicipalities(
                directory_pb2.ListMunicipalitiesRequest(), timeout=5)
            self.assertEqual(len(resp.municipalities), 2)  # --demo seeded
            self.assertEqual(server.stop(), 0, server.stderr())
        print("\n  " + "\n  ".join(timings))

    def wait_serving(self, server, launched):
        deadline = launched + LIMIT_S + 3  # wait a bit longer to report
        last = None
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                self.fail("exited with %s:\n%s" % (server.proc.returncode,
                                                   server.stderr()))
            try:
                if server.probe_health(timeout=0.25) == harness.SERVING:
                    return time.monotonic() - launched
            except grpc.RpcError as e:
                last = e.code()
            time.sleep(0.005)
        self.fail("not SERVING %.1f s after launch (last: %s):\n%s"
                  % (deadline - launched, last, server.stderr()))


if __name__ == "__main__":
    unittest.main(verbosity=2)
