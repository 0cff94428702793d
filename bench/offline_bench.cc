// pumpurs-offline-bench: the client library's offline store against a real
// local pumpurs-server (BENCHMARKS.md "Client library: offline sync").
//
// Starts --server_bin on a free loopback port over a new --demo database in
// a temporary directory, signs in as the demo teacher pedagogs1 and
// measures, each against a baseline in the same process:
//  - client cold start: Client::Create + the first call (Ping), vs a call
//    on a warm client; and a whole new process (gRPC's own start-up
//    included) up to its first answer;
//  - a Sync of 10,000 changes into an empty store (the changes: RecordDelivery
//    calls made first), vs the same ListChanges pages fetched and dropped,
//    and vs inserting the same rows into SQLite directly;
//  - the Replay of 1,000 queued mutations (RecordDelivery, and a chain of
//    UpdateSupportPlan edits of one plan all made on the same version), vs
//    the same 1,000 calls made directly with the typed client.
// Prints one line per measurement: medians over --repeats runs.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pumpurs/client/client.h"
#include "pumpurs/client/offline.h"

ABSL_FLAG(std::string, server_bin, "build/bin/pumpurs-server",
          "the pumpurs-server binary to start");
ABSL_FLAG(int, changes, 10000, "changes to sync");
ABSL_FLAG(int, mutations, 1000, "mutations to replay");
ABSL_FLAG(int, repeats, 3, "runs of each measurement (medians reported)");
ABSL_FLAG(int, cold_runs, 20, "cold starts measured");
ABSL_FLAG(std::string, cold_probe, "",
          "internal: measure one process cold start against this target");

namespace {

using pumpurs::client::Client;
using pumpurs::client::ClientOptions;
using pumpurs::client::OfflineStore;
namespace v1 = pumpurs::v1;

const absl::Time kProcessStart = absl::Now();

[[noreturn]] void Die(const std::string& what, const absl::Status& s) {
  std::fprintf(stderr, "offline-bench: %s: %s\n", what.c_str(),
               s.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Must(absl::StatusOr<T> v, const std::string& what) {
  if (!v.ok()) Die(what, v.status());
  return *std::move(v);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
  }
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::unique_ptr<Client> Connect(const std::string& target,
                                const std::string& token) {
  ClientOptions o;
  o.target = target;
  o.access_token = token;
  o.default_deadline = absl::Seconds(60);
  return Must(Client::Create(o), "Client::Create");
}

// One process cold start: from main() to the first answer, and from before
// Client::Create to it (no other client in the process: a new connection).
int ColdProbe(const std::string& target) {
  const absl::Time t0 = absl::Now();
  auto c = Connect(target, "");
  if (!c->Ping(v1::PingRequest()).ok()) return 1;
  const absl::Time t1 = absl::Now();
  std::printf("%.3f %.3f\n", Ms(t1 - kProcessStart), Ms(t1 - t0));
  return 0;
}

std::string ReadFile(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

struct Fixture {
  std::string target;
  std::string token;
  std::string running_plan, measure, today;
  std::string draft_plan;
};

v1::RecordDeliveryRequest Delivery(const Fixture& f, int i) {
  v1::RecordDeliveryRequest r;
  r.set_parent(f.running_plan);
  v1::DeliveryRecord* d = r.mutable_delivery();
  d->set_measure_id(f.measure);
  d->set_date(f.today);
  d->set_duration_minutes(20 + i % 40);
  d->set_mode(v1::DELIVERY_MODE_ON_SITE);
  d->set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
  return r;
}

v1::UpdateSupportPlanRequest Edit(const Fixture& f, const std::string& etag,
                                  int i) {
  v1::UpdateSupportPlanRequest r;
  r.mutable_support_plan()->set_name(f.draft_plan);
  r.mutable_support_plan()->set_etag(etag);
  r.mutable_support_plan()->set_problem_description(
      absl::StrCat("Labojums ", i));
  r.mutable_update_mask()->add_paths("problem_description");
  return r;
}

std::string DraftEtag(const Client& c, const Fixture& f) {
  v1::GetSupportPlanRequest r;
  r.set_name(f.draft_plan);
  return Must(c.GetSupportPlan(r), "GetSupportPlan").etag();
}

void Report(const std::string& what, double ms, const std::string& extra) {
  std::printf("%-44s %10.2f ms  %s\n", what.c_str(), ms, extra.c_str());
  std::fflush(stdout);
}

int Bench() {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      absl::StrCat("pumpurs-offline-bench-", getpid());
  std::filesystem::create_directories(dir);
  const int port = FreePort();
  Fixture f;
  f.target = absl::StrCat("127.0.0.1:", port);
  const pid_t server =
      Spawn({absl::GetFlag(FLAGS_server_bin), "--demo", "--listen", f.target,
             "--db", (dir / "server.db").string()},
            (dir / "server.log").string());
  {
    auto probe = Connect(f.target, "");
    const absl::Time until = absl::Now() + absl::Seconds(60);
    while (!probe->Ping(v1::PingRequest()).ok()) {
      if (absl::Now() > until) Die("server", absl::DeadlineExceededError(""));
      absl::SleepFor(absl::Milliseconds(100));
    }
  }
  {
    auto anon = Connect(f.target, "");
    v1::LoginRequest login;
    login.set_username("pedagogs1");
    login.set_password("demo-parole-2026");
    f.token = Must(anon->Login(login), "Login").access_token();
  }
  auto client = Connect(f.target, f.token);
  {
    v1::ListSupportPlansRequest r;
    r.set_state(v1::PLAN_STATE_IN_IMPLEMENTATION);
    v1::SupportPlan p =
        Must(client->ListSupportPlans(r), "ListSupportPlans").support_plans(0);
    f.running_plan = p.name();
    f.measure = p.measures(0).id();
    v1::ListDeliveriesRequest d;
    d.set_parent(p.name());
    f.today =
        Must(client->ListDeliveries(d), "ListDeliveries").deliveries(0).date();
    r.set_state(v1::PLAN_STATE_DRAFT);
    f.draft_plan = Must(client->ListSupportPlans(r), "ListSupportPlans")
                       .support_plans(0)
                       .name();
  }
  const int repeats = absl::GetFlag(FLAGS_repeats);
  std::printf("# pumpurs-offline-bench: server %s, %d repeats\n",
              f.target.c_str(), repeats);

  // ---- cold start ----
  {
    std::vector<double> cold, warm, process, whole, first;
    for (int i = 0; i < absl::GetFlag(FLAGS_cold_runs); ++i) {
      const absl::Time t0 = absl::Now();
      auto c = Connect(f.target, f.token);
      Must(c->Ping(v1::PingRequest()), "Ping");
      cold.push_back(Ms(absl::Now() - t0));
    }
    for (int i = 0; i < 200; ++i) {
      const absl::Time t0 = absl::Now();
      Must(client->Ping(v1::PingRequest()), "Ping");
      warm.push_back(Ms(absl::Now() - t0));
    }
    char self[4096];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    self[n > 0 ? n : 0] = '\0';
    for (int i = 0; i < absl::GetFlag(FLAGS_cold_runs); ++i) {
      const std::string out = (dir / "cold.out").string();
      const absl::Time t0 = absl::Now();
      Reap(Spawn({self, absl::StrCat("--cold_probe=", f.target)}, out));
      whole.push_back(Ms(absl::Now() - t0));
      double from_main = 0, from_create = 0;
      if (std::sscanf(ReadFile(out).c_str(), "%lf %lf", &from_main,
                      &from_create) == 2) {
        process.push_back(from_main);
        first.push_back(from_create);
      }
    }
    const double c = Median(cold), w = Median(warm), p = Median(process);
    Report("cold start: first Client::Create + Ping", Median(first),
           absl::StrFormat("x%.1f a warm Ping (%.3f ms); new connection",
                           Median(first) / w, w));
    Report("another Client::Create + Ping", c,
           absl::StrFormat("x%.1f a warm Ping; gRPC shares the connection",
                           c / w));
    Report("cold start: new process, main() to first answer", p,
           absl::StrFormat("x%.1f a warm Ping", p / w));
    Report("cold start: new process, fork to exit", Median(whole),
           "(exec, dynamic linking, gRPC start-up and shutdown included)");
  }

  // ---- the changes to sync ----
  const int changes = absl::GetFlag(FLAGS_changes);
  {
    const absl::Time t0 = absl::Now();
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i; (i = next++) < changes;) {
          Must(client->RecordDelivery(Delivery(f, i)), "RecordDelivery");
        }
      });
    }
    for (std::thread& t : threads) t.join();
    std::printf("# made %d delivery records in %.1f s (4 threads)\n", changes,
                absl::ToDoubleSeconds(absl::Now() - t0));
  }

  // ---- sync of the feed into an empty store ----
  {
    std::vector<double> sync, fetch, insert;
    int synced = 0;
    std::vector<std::string> rows;  // the serialized changes, for SQLite
    for (int run = 0; run < repeats; ++run) {
      const std::string path =
          (dir / absl::StrCat("sync", run, ".db")).string();
      auto store = Must(OfflineStore::Open(path), "Open");
      absl::Time t0 = absl::Now();
      v1::SyncReport r = Must(store->Sync(*client), "Sync");
      sync.push_back(Ms(absl::Now() - t0));
      synced = r.changes();

      // Baseline: the same pages, dropped.
      t0 = absl::Now();
      v1::ListChangesRequest req;
      req.set_page_size(1000);
      rows.clear();
      for (;;) {
        v1::ListChangesResponse page =
            Must(client->ListChanges(req), "ListChanges");
        for (const v1::Change& c : page.changes()) {
          rows.push_back(c.SerializeAsString());
        }
        req.set_sync_token(page.next_sync_token());
        if (!page.has_more()) break;
      }
      fetch.push_back(Ms(absl::Now() - t0));

      // Baseline: the same rows straight into SQLite (same pragmas, one
      // transaction per page).
      const std::string raw = (dir / absl::StrCat("raw", run, ".db")).string();
      sqlite3* db = nullptr;
      sqlite3_open(raw.c_str(), &db);
      sqlite3_exec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                   "CREATE TABLE cache (resource TEXT PRIMARY KEY, change "
                   "BLOB NOT NULL, sequence INTEGER NOT NULL)",
                   nullptr, nullptr, nullptr);
      t0 = absl::Now();  // as for the store, opening is not counted
      sqlite3_stmt* ins = nullptr;
      sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO cache VALUES (?, ?, ?)",
                         -1, &ins, nullptr);
      for (size_t i = 0; i < rows.size(); ++i) {
        if (i % 1000 == 0) sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        const std::string name = absl::StrCat("r", i);
        sqlite3_bind_text(ins, 1, name.data(), static_cast<int>(name.size()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_blob(ins, 2, rows[i].data(),
                          static_cast<int>(rows[i].size()), SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 3, static_cast<int64_t>(i));
        sqlite3_step(ins);
        sqlite3_reset(ins);
        if (i % 1000 == 999 || i + 1 == rows.size()) {
          sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        }
      }
      sqlite3_finalize(ins);
      sqlite3_close(db);
      insert.push_back(Ms(absl::Now() - t0));
    }
    const double s = Median(sync), l = Median(fetch), i = Median(insert);
    Report(absl::StrCat("sync of ", synced, " changes into an empty store"), s,
           absl::StrFormat("x%.2f fetch only, x%.2f fetch + raw insert", s / l,
                           s / (l + i)));
    Report("  baseline: the same ListChanges pages", l, "");
    Report("  baseline: raw SQLite insert of the rows", i, "");
  }

  // ---- replay of queued mutations ----
  const int mutations = absl::GetFlag(FLAGS_mutations);
  {
    std::vector<double> enqueue, replay, direct;
    for (int run = 0; run < repeats; ++run) {
      const std::string path =
          (dir / absl::StrCat("outbox", run, ".db")).string();
      auto store = Must(OfflineStore::Open(path), "Open");
      absl::Time t0 = absl::Now();
      for (int i = 0; i < mutations; ++i) {
        v1::OutboxMutation m;
        m.set_method("/pumpurs.v1.SupportPlanService/RecordDelivery");
        m.set_request(Delivery(f, i).SerializeAsString());
        Must(store->Enqueue(m), "Enqueue");
      }
      enqueue.push_back(Ms(absl::Now() - t0));
      t0 = absl::Now();
      v1::ReplayReport r = Must(store->Replay(*client), "Replay");
      replay.push_back(Ms(absl::Now() - t0));
      if (r.applied() != mutations) {
        Die("Replay", absl::InternalError(r.stopped_because()));
      }
      t0 = absl::Now();
      for (int i = 0; i < mutations; ++i) {
        Must(client->RecordDelivery(Delivery(f, i)), "RecordDelivery");
      }
      direct.push_back(Ms(absl::Now() - t0));
    }
    const double e = Median(enqueue), r = Median(replay), d = Median(direct);
    Report(absl::StrCat("replay of ", mutations, " RecordDelivery"), r,
           absl::StrFormat("x%.2f direct calls", r / d));
    Report("  baseline: the same calls, typed client", d, "");
    Report(absl::StrCat("  enqueue of the ", mutations, " (fsync each)"), e,
           absl::StrFormat("%.3f ms each", e / mutations));
  }
  {
    std::vector<double> replay, direct;
    for (int run = 0; run < repeats; ++run) {
      const std::string path =
          (dir / absl::StrCat("chain", run, ".db")).string();
      auto store = Must(OfflineStore::Open(path), "Open");
      const std::string etag = DraftEtag(*client, f);
      for (int i = 0; i < mutations; ++i) {
        v1::OutboxMutation m;
        m.set_method("/pumpurs.v1.SupportPlanService/UpdateSupportPlan");
        m.set_request(Edit(f, etag, i).SerializeAsString());
        Must(store->Enqueue(m), "Enqueue");
      }
      absl::Time t0 = absl::Now();
      v1::ReplayReport r = Must(store->Replay(*client), "Replay");
      replay.push_back(Ms(absl::Now() - t0));
      if (r.applied() != mutations) {
        Die("Replay (chain)",
            absl::InternalError(absl::StrCat(r.conflicts(), " conflicts")));
      }
      t0 = absl::Now();
      std::string current = DraftEtag(*client, f);
      for (int i = 0; i < mutations; ++i) {
        current = Must(client->UpdateSupportPlan(Edit(f, current, i)),
                       "UpdateSupportPlan")
                      .etag();
      }
      direct.push_back(Ms(absl::Now() - t0));
    }
    const double r = Median(replay), d = Median(direct);
    Report(
        absl::StrCat("replay of ", mutations, " edits of one plan (rebased)"),
        r, absl::StrFormat("x%.2f direct calls", r / d));
    Report("  baseline: the same edits, typed client", d, "");
  }

  kill(server, SIGTERM);
  Reap(server);
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Benchmarks the client library's offline store against a local "
      "pumpurs-server it starts (BENCHMARKS.md).");
  absl::ParseCommandLine(argc, argv);
  if (!absl::GetFlag(FLAGS_cold_probe).empty()) {
    return ColdProbe(absl::GetFlag(FLAGS_cold_probe));
  }
  return Bench();
}
