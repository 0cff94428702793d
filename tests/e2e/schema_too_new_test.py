"""A database file from a newer release (PRAGMA user_version above what this
binary knows) is refused: non-zero exit, a clear message, file untouched."""

import sqlite3
import subprocess
import unittest

import harness
from harness import system_pb2


class SchemaTooNewTest(harness.ServerTestCase):

    def test_refuses_newer_schema(self):
        server = self.start_server(demo=True)
        info = server.system().GetServerInfo(system_pb2.GetServerInfoRequest(),
                                             timeout=5)
        self.assertEqual(server.stop(), 0, server.stderr())

        conn = sqlite3.connect(server.db)
        try:
            self.assertEqual(conn.execute("PRAGMA user_version").fetchone()[0],
                             info.schema_version)
            conn.execute("PRAGMA user_version=999")
            conn.commit()
            tables = conn.execute(
                "SELECT name, sql FROM sqlite_schema ORDER BY name").fetchall()
            rows = conn.execute("SELECT * FROM municipalities ORDER BY id"
                                ).fetchall()
        finally:
            conn.close()

        try:
            proc = harness.popen_server(
                server.args(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, cwd=self.tmp)
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            self.fail("the server started on a schema-999 database")
        r = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertIn("schema version 999", r.stderr)
        self.assertRegex(r.stderr, r"newer pumpurs-server|understands versions "
                         r"up to %d" % info.schema_version)
        self.assertRegex(r.stderr.lower(), r"newer")

        conn = sqlite3.connect(server.db)
        try:
            self.assertEqual(conn.execute("PRAGMA user_version").fetchone()[0],
                             999)
            self.assertEqual(conn.execute(
                "SELECT name, sql FROM sqlite_schema ORDER BY name").fetchall(),
                tables)
            self.assertEqual(conn.execute(
                "SELECT * FROM municipalities ORDER BY id").fetchall(), rows)
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
