// pumpurs-sqlite-baseline: what raw SQLite commits cost on this disk with
// the server's durability settings (WAL, synchronous=FULL by default or
// NORMAL, wal_autocheckpoint=0 with a PASSIVE checkpoint every second
// between transactions, as the server's writer does). Single-row INSERT
// transactions into a table shaped like `municipalities`, or --batch N
// rows per transaction (what the server's group commit approximates);
// then point SELECTs by primary key, each in its own read transaction as
// the server runs reads; then the disk's own fdatasync of a 4 KiB write,
// the floor under every durable commit.
//
// Everything runs on one thread against a temporary file in --dir (the
// directory decides the filesystem, so put it where the server's database
// lives) that is removed at the end.

#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

ABSL_FLAG(absl::Duration, duration, absl::Seconds(5),
          "how long each measurement lasts");
ABSL_FLAG(std::string, durability, "full",
          "full (synchronous=FULL, the server's default) or normal");
ABSL_FLAG(int, batch, 1, "rows inserted per transaction");
ABSL_FLAG(bool, reads, true, "also measure point SELECTs by primary key");
ABSL_FLAG(bool, fsync, true, "also measure fdatasync of a 4 KiB write");
ABSL_FLAG(std::string, dir, "",
          "directory for the temporary files; default $TMPDIR or /tmp");
ABSL_FLAG(bool, json, false, "also print the results as one JSON line");

namespace {

using Clock = std::chrono::steady_clock;

// The server's municipalities table (server/storage/schema.cc).
constexpr char kSchema[] = R"sql(
CREATE TABLE municipalities (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  sort_key BLOB NOT NULL,
  code TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
) STRICT;
CREATE INDEX municipalities_by_sort_key ON municipalities(sort_key, id);
)sql";

constexpr char kInsert[] =
    "INSERT INTO municipalities (id, display_name, sort_key, code, version, "
    "create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr char kSelect[] =
    "SELECT id, display_name, code, version, create_time, update_time "
    "FROM municipalities WHERE id = ?";

struct Measurement {
  std::string name;
  int64_t ops = 0;   // transactions (or syncs)
  int64_t rows = 0;  // rows written or read
  double seconds = 0;
  int64_t p50_us = 0, p99_us = 0, max_us = 0;
};

int64_t Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(p * sorted.size() + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void Finish(Measurement& m, std::vector<int64_t>& latencies_us,
            Clock::time_point start) {
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  m.p50_us = Percentile(latencies_us, 0.50);
  m.p99_us = Percentile(latencies_us, 0.99);
  m.max_us = latencies_us.empty() ? 0 : latencies_us.back();
}

int64_t MicrosSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t)
      .count();
}

[[noreturn]] void Die(sqlite3* db, absl::string_view what) {
  std::fprintf(stderr, "pumpurs-sqlite-baseline: %s: %s\n",
               std::string(what).c_str(),
               db ? sqlite3_errmsg(db) : "out of memory");
  std::exit(1);
}

void Exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    Die(db, sql);
  }
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
                         nullptr) != SQLITE_OK) {
    Die(db, sql);
  }
  return stmt;
}

void Step(sqlite3* db, sqlite3_stmt* stmt, int want) {
  if (sqlite3_step(stmt) != want) Die(db, sqlite3_sql(stmt));
  sqlite3_reset(stmt);
}

sqlite3* Open(const std::string& path, bool read_only, bool full) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_NOMUTEX |
                    (read_only ? SQLITE_OPEN_READONLY
                               : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Die(db, "open " + path);
  }
  sqlite3_busy_timeout(db, 5000);
  // The same PRAGMAs as server/storage/connection.cc.
  std::string pragmas =
      absl::StrCat("PRAGMA foreign_keys=ON; ",
                   "PRAGMA synchronous=", full ? "FULL" : "NORMAL", ";");
  absl::StrAppend(&pragmas, read_only ? "PRAGMA query_only=ON;"
                                      : "PRAGMA journal_mode=WAL; "
                                        "PRAGMA wal_autocheckpoint=0;");
  Exec(db, pragmas.c_str());
  return db;
}

std::string NewId(absl::BitGen& gen) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id(16, 'a');
  for (char& c : id) c = kAlphabet[absl::Uniform(gen, 0u, 32u)];
  return id;
}

// Inserts rows `batch` per transaction for `duration`; appends the ids.
Measurement MeasureInserts(sqlite3* db, int batch, absl::Duration duration,
                           std::vector<std::string>& ids) {
  absl::BitGen gen;
  sqlite3_stmt* begin = Prepare(db, "BEGIN IMMEDIATE");
  sqlite3_stmt* insert = Prepare(db, kInsert);
  sqlite3_stmt* commit = Prepare(db, "COMMIT");
  Measurement m;
  m.name =
      absl::StrCat("insert, ", batch, " row", batch == 1 ? "" : "s", "/txn");
  std::vector<int64_t> latencies;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + absl::ToChronoNanoseconds(duration);
  Clock::time_point last_checkpoint = start;
  // Codes are unique: 10^7 of them bound the run.
  while (Clock::now() < end &&
         static_cast<int64_t>(ids.size()) + batch <= 10000000) {
    const Clock::time_point t = Clock::now();
    Step(db, begin, SQLITE_DONE);
    for (int i = 0; i < batch; ++i) {
      const std::string id = NewId(gen);
      const std::string code = absl::StrFormat("%07d", ids.size());
      const std::string name = absl::StrCat("Etalona novads ", code);
      const int64_t now = absl::ToUnixMicros(absl::Now());
      sqlite3_bind_text(insert, 1, id.data(), id.size(), SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 2, name.data(), name.size(), SQLITE_TRANSIENT);
      // The server stores an ICU collation key here, about as long as the
      // name.
      sqlite3_bind_blob(insert, 3, name.data(), name.size(), SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 4, code.data(), code.size(), SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 5, 1);
      sqlite3_bind_int64(insert, 6, now);
      sqlite3_bind_int64(insert, 7, now);
      Step(db, insert, SQLITE_DONE);
      ids.push_back(id);
    }
    Step(db, commit, SQLITE_DONE);
    latencies.push_back(MicrosSince(t));
    ++m.ops;
    m.rows += batch;
    // Like the server's writer: a PASSIVE checkpoint between transactions
    // once a second (its time counts in throughput, not in latency).
    if (Clock::now() - last_checkpoint >= std::chrono::seconds(1)) {
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                nullptr);
      last_checkpoint = Clock::now();
    }
  }
  Finish(m, latencies, start);
  sqlite3_finalize(begin);
  sqlite3_finalize(insert);
  sqlite3_finalize(commit);
  return m;
}

// Point SELECTs by primary key, each in its own deferred transaction.
Measurement MeasureReads(sqlite3* db, const std::vector<std::string>& ids,
                         absl::Duration duration) {
  absl::BitGen gen;
  sqlite3_stmt* begin = Prepare(db, "BEGIN");
  sqlite3_stmt* select = Prepare(db, kSelect);
  sqlite3_stmt* commit = Prepare(db, "COMMIT");
  Measurement m;
  m.name = "point select, 1 row/txn";
  std::vector<int64_t> latencies;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + absl::ToChronoNanoseconds(duration);
  while (Clock::now() < end) {
    const std::string& id = ids[absl::Uniform<size_t>(gen, 0, ids.size())];
    const Clock::time_point t = Clock::now();
    Step(db, begin, SQLITE_DONE);
    sqlite3_bind_text(select, 1, id.data(), id.size(), SQLITE_STATIC);
    if (sqlite3_step(select) != SQLITE_ROW) Die(db, kSelect);
    // Read the columns as the server does.
    for (int c = 0; c < 6; ++c) {
      if (c == 0 || c == 1 || c == 2) {
        (void)sqlite3_column_text(select, c);
      } else {
        (void)sqlite3_column_int64(select, c);
      }
    }
    sqlite3_reset(select);
    Step(db, commit, SQLITE_DONE);
    latencies.push_back(MicrosSince(t));
    ++m.ops;
    ++m.rows;
  }
  Finish(m, latencies, start);
  sqlite3_finalize(begin);
  sqlite3_finalize(select);
  sqlite3_finalize(commit);
  return m;
}

// write(4 KiB) + fdatasync, appending and wrapping at 4 MiB like a WAL.
Measurement MeasureFsync(const std::string& path, absl::Duration duration) {
  Measurement m;
  m.name = "write 4 KiB + fdatasync";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::string block(4096, 'x');
  std::vector<int64_t> latencies;
  off_t offset = 0;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + absl::ToChronoNanoseconds(duration);
  while (Clock::now() < end) {
    const Clock::time_point t = Clock::now();
    if (::pwrite(fd, block.data(), block.size(), offset) !=
            static_cast<ssize_t>(block.size()) ||
        ::fdatasync(fd) != 0) {
      std::perror(path.c_str());
      std::exit(1);
    }
    latencies.push_back(MicrosSince(t));
    offset = (offset + 4096) % (4 << 20);
    ++m.ops;
  }
  Finish(m, latencies, start);
  ::close(fd);
  ::unlink(path.c_str());
  return m;
}

std::string Json(const Measurement& m) {
  return absl::StrFormat(
      "{\"name\":\"%s\",\"ops\":%d,\"rows\":%d,\"seconds\":%.3f,"
      "\"ops_per_s\":%.1f,\"rows_per_s\":%.1f,\"p50_us\":%d,\"p99_us\":%d,"
      "\"max_us\":%d}",
      m.name, m.ops, m.rows, m.seconds, m.seconds > 0 ? m.ops / m.seconds : 0,
      m.seconds > 0 ? m.rows / m.seconds : 0, m.p50_us, m.p99_us, m.max_us);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Raw SQLite commit and read baseline with the server's durability "
      "settings.\nExample: pumpurs-sqlite-baseline --duration 5s --batch 32");
  absl::ParseCommandLine(argc, argv);
  const std::string durability = absl::GetFlag(FLAGS_durability);
  const int batch = absl::GetFlag(FLAGS_batch);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  if (durability != "full" && durability != "normal") {
    std::fprintf(stderr,
                 "pumpurs-sqlite-baseline: --durability must be full or "
                 "normal\n");
    return 2;
  }
  if (batch < 1 || batch > 100000) {
    std::fprintf(stderr,
                 "pumpurs-sqlite-baseline: --batch must be 1..100000\n");
    return 2;
  }
  if (duration <= absl::ZeroDuration() || duration > absl::Hours(1)) {
    std::fprintf(stderr,
                 "pumpurs-sqlite-baseline: --duration must be in (0, 1h]\n");
    return 2;
  }
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string pattern = dir + "/pumpurs-sqlite-baseline.XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror(pattern.c_str());
    return 1;
  }
  const std::string work = pattern;
  const std::string db_path = work + "/bench.db";
  const bool full = durability == "full";

  std::vector<Measurement> results;
  std::vector<std::string> ids;
  {
    sqlite3* writer = Open(db_path, /*read_only=*/false, full);
    Exec(writer, kSchema);
    results.push_back(MeasureInserts(writer, batch, duration, ids));
    if (absl::GetFlag(FLAGS_reads) && !ids.empty()) {
      sqlite3* reader = Open(db_path, /*read_only=*/true, full);
      results.push_back(MeasureReads(reader, ids, duration));
      sqlite3_close_v2(reader);
    }
    sqlite3_wal_checkpoint_v2(writer, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                              nullptr, nullptr);
    sqlite3_close_v2(writer);
  }
  if (absl::GetFlag(FLAGS_fsync)) {
    results.push_back(MeasureFsync(work + "/fsync.bin", duration));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    ::unlink((db_path + suffix).c_str());
  }
  ::rmdir(work.c_str());

  std::printf(
      "pumpurs-sqlite-baseline: SQLite %s, WAL, synchronous=%s, dir %s, "
      "duration %s\n",
      sqlite3_libversion(), full ? "FULL" : "NORMAL", dir.c_str(),
      absl::FormatDuration(duration).c_str());
  std::printf("%-26s %9s %11s %11s %9s %9s %9s\n", "measurement", "txns",
              "txns/s", "rows/s", "p50_us", "p99_us", "max_us");
  for (const Measurement& m : results) {
    const std::string rows = m.rows > 0 && m.seconds > 0
                                 ? absl::StrFormat("%.1f", m.rows / m.seconds)
                                 : "-";
    std::printf(
        "%-26s %9lld %11.1f %11s %9lld %9lld %9lld\n", m.name.c_str(),
        static_cast<long long>(m.ops), m.seconds > 0 ? m.ops / m.seconds : 0,
        rows.c_str(), static_cast<long long>(m.p50_us),
        static_cast<long long>(m.p99_us), static_cast<long long>(m.max_us));
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::string items;
    for (const Measurement& m : results) {
      absl::StrAppend(&items, items.empty() ? "" : ",", Json(m));
    }
    std::printf(
        "{\"sqlite\":\"%s\",\"durability\":\"%s\",\"batch\":%d,"
        "\"duration_s\":%.3f,\"results\":[%s]}\n",
        sqlite3_libversion(), durability.c_str(), batch,
        absl::ToDoubleSeconds(duration), items.c_str());
  }
  return results.front().ops > 0 ? 0 : 1;
}
