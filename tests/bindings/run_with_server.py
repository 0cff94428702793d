"""Runs a command against a real pumpurs-server --demo.

    run_with_server.py [--] COMMAND [ARGS...]

Starts build/bin/pumpurs-server (or $PUMPURS_SERVER) with --demo on a free
port over a database in a temporary folder (tests/e2e/harness.py), runs
COMMAND with PUMPURS_TARGET=127.0.0.1:<port> in its environment, stops the
server and exits with COMMAND's exit code (the server's stderr is printed if
the command failed). "{target}" in an argument is replaced by the target.

Used by the C, Python and example tests of tests/bindings/CMakeLists.txt.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
import harness  # noqa: E402


def main(argv):
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="pumpurs-bindings-") as workdir:
        server = harness.Server(workdir, demo=True)
        server.start(timeout=60)
        try:
            env = dict(os.environ, PUMPURS_TARGET=server.target)
            command = [a.replace("{target}", server.target) for a in argv]
            rc = subprocess.call(command, env=env)
        finally:
            try:
                server.stop()
            except harness.ServerError as e:
                print("run_with_server: %s" % e, file=sys.stderr)
        if rc != 0:
            print("run_with_server: %s exited with %d; server stderr:\n%s"
                  % (argv[0], rc, server.stderr()), file=sys.stderr)
        return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
