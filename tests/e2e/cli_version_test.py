"""`pumpurs-server --version` prints the version and exits 0."""

import os
import subprocess
import unittest

import harness


class CliVersionTest(unittest.TestCase):

    def test_version(self):
        r = subprocess.run([harness.SERVER, "--version"], capture_output=True,
                           text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^pumpurs-server \d+\.\d+\.\d+\n$")
        # CMake's project version, when run by ctest.
        want = os.environ.get("PUMPURS_VERSION")
        if want:
            self.assertEqual(r.stdout.split()[1], want)
        # --version must not start a server (nor log like one).
        self.assertNotIn("server_started", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
