// OfflineStore (client-lib offline.h) against the real pumpurs-server binary
// (--demo) that the tests stop, kill and start again on the same database
// file and port while the client keeps working; the outbox and cache are
// real SQLite files. The teacher pedagogs1 (plan preparer of school 1) edits
// the school's draft plan (DEMO-1-4) and records consultations on its plan
// in implementation (DEMO-1-2); the head direktors1 is "another device".

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"
#include "pumpurs/client/offline.h"
#include "tests/client/offline_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::client {
namespace {

using ::pumpurs::client::testing::ClientWithToken;
using ::pumpurs::client::testing::DemoToken;
using ::pumpurs::client::testing::Reap;
using ::pumpurs::client::testing::ServerProcess;
using ::pumpurs::client::testing::Spawn;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kUpdatePlan[] =
    "/pumpurs.v1.SupportPlanService/UpdateSupportPlan";
constexpr char kRecordDelivery[] =
    "/pumpurs.v1.SupportPlanService/RecordDelivery";

v1::OutboxMutation Edit(const std::string& plan, const std::string& etag,
                        const std::string& text) {
  v1::UpdateSupportPlanRequest r;
  r.mutable_support_plan()->set_name(plan);
  r.mutable_support_plan()->set_etag(etag);
  r.mutable_support_plan()->set_problem_description(text);
  r.mutable_update_mask()->add_paths("problem_description");
  v1::OutboxMutation m;
  m.set_method(kUpdatePlan);
  m.set_request(r.SerializeAsString());
  return m;
}

// Rows in the outbox of the store file at `path`, read with a connection
// of its own (as a second reader of the WAL file), or -1.
int OutboxRows(const std::string& path) {
  sqlite3* db = nullptr;
  int n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_busy_timeout(db, 1000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM outbox", -1, &s,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      n = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

// Waits until `path`'s outbox has at most `rows` rows (or 30 s).
void WaitForOutboxAtMost(const std::string& path, int rows) {
  const absl::Time until = absl::Now() + absl::Seconds(30);
  while (absl::Now() < until) {
    const int n = OutboxRows(path);
    if (n >= 0 && n <= rows) return;
    absl::SleepFor(absl::Milliseconds(1));
  }
}

class OfflineStoreTest : public ::testing::Test {
 protected:
  OfflineStoreTest()
      : server_(PUMPURS_SERVER_BIN, dir_.File("server.db"),
                dir_.File("server.log")) {}

  void SetUp() override {
    ASSERT_THAT(server_.Start(), IsOk());
    absl::StatusOr<std::string> token = DemoToken(target(), "pedagogs1");
    ASSERT_THAT(token.status(), IsOk());
    teacher_token_ = *token;
    teacher_ = Connect(teacher_token_);
    ASSERT_NE(teacher_, nullptr);
    absl::StatusOr<std::unique_ptr<OfflineStore>> store =
        OfflineStore::Open(store_path());
    ASSERT_THAT(store.status(), IsOk());
    store_ = *std::move(store);

    v1::ListSupportPlansRequest drafts;
    drafts.set_state(v1::PLAN_STATE_DRAFT);
    absl::StatusOr<v1::ListSupportPlansResponse> d =
        teacher_->ListSupportPlans(drafts);
    ASSERT_THAT(d.status(), IsOk());
    ASSERT_THAT(d->support_plans(), SizeIs(1));
    draft_ = d->support_plans(0);

    v1::ListSupportPlansRequest running;
    running.set_state(v1::PLAN_STATE_IN_IMPLEMENTATION);
    absl::StatusOr<v1::ListSupportPlansResponse> r =
        teacher_->ListSupportPlans(running);
    ASSERT_THAT(r.status(), IsOk());
    ASSERT_THAT(r->support_plans(), SizeIs(1));
    running_ = r->support_plans(0);
    ASSERT_GT(running_.measures_size(), 0);
    v1::ListDeliveriesRequest list;
    list.set_parent(running_.name());
    absl::StatusOr<v1::ListDeliveriesResponse> seeded =
        teacher_->ListDeliveries(list);
    ASSERT_THAT(seeded.status(), IsOk());
    ASSERT_GT(seeded->deliveries_size(), 0);
    // The demo recorded its consultations today (in Latvia).
    today_ = seeded->deliveries(0).date();
  }

  std::string target() const { return server_.target(); }
  std::string store_path() const { return dir_.File("offline.db"); }

  std::unique_ptr<Client> Connect(const std::string& token) {
    absl::StatusOr<std::unique_ptr<Client>> c =
        ClientWithToken(target(), token);
    EXPECT_THAT(c.status(), IsOk());
    return c.ok() ? *std::move(c) : nullptr;
  }

  v1::OutboxMutation Delivery(int minutes) const {
    v1::RecordDeliveryRequest r;
    r.set_parent(running_.name());
    v1::DeliveryRecord* d = r.mutable_delivery();
    d->set_measure_id(running_.measures(0).id());
    d->set_date(today_);
    d->set_duration_minutes(minutes);
    d->set_mode(v1::DELIVERY_MODE_ON_SITE);
    d->set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
    v1::OutboxMutation m;
    m.set_method(kRecordDelivery);
    m.set_request(r.SerializeAsString());
    return m;
  }

  // Replays until the outbox is empty, as an app does on reconnect (a
  // channel that lost its server may take a moment to reconnect).
  v1::ReplayReport ReplayAll(OfflineStore& store, const Client& client) {
    v1::ReplayReport total;
    const absl::Time until = absl::Now() + absl::Seconds(60);
    for (;;) {
      absl::StatusOr<v1::ReplayReport> r = store.Replay(client);
      EXPECT_THAT(r.status(), IsOk());
      if (!r.ok()) return total;
      total.set_applied(total.applied() + r->applied());
      total.set_conflicts(total.conflicts() + r->conflicts());
      total.set_remaining(r->remaining());
      if (r->remaining() == 0 || absl::Now() > until) return total;
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  // The plan's "update" revisions and its problem_description now.
  int Updates(const std::string& plan) {
    v1::GetSupportPlanHistoryRequest r;
    r.set_name(plan);
    r.set_page_size(500);
    absl::StatusOr<v1::GetSupportPlanHistoryResponse> h =
        teacher_->GetSupportPlanHistory(r);
    EXPECT_THAT(h.status(), IsOk());
    int n = 0;
    if (h.ok()) {
      for (const v1::PlanRevision& rev : h->revisions()) {
        n += rev.action() == "update";
      }
    }
    return n;
  }
  std::string Text(const std::string& plan) {
    v1::GetSupportPlanRequest r;
    r.set_name(plan);
    absl::StatusOr<v1::SupportPlan> p = teacher_->GetSupportPlan(r);
    EXPECT_THAT(p.status(), IsOk());
    return p.ok() ? p->problem_description() : "";
  }
  int Deliveries() {
    v1::ListDeliveriesRequest r;
    r.set_parent(running_.name());
    r.set_page_size(500);
    absl::StatusOr<v1::ListDeliveriesResponse> d = teacher_->ListDeliveries(r);
    EXPECT_THAT(d.status(), IsOk());
    return d.ok() ? d->deliveries_size() : -1;
  }

  TempDir dir_;
  ServerProcess server_;
  std::string teacher_token_;
  std::unique_ptr<Client> teacher_;
  std::unique_ptr<OfflineStore> store_;
  v1::SupportPlan draft_;
  v1::SupportPlan running_;
  std::string today_;
};

TEST_F(OfflineStoreTest, CacheIsReadableOfflineTombstonesRemoveTokenResumes) {
  EXPECT_THAT(store_->SyncToken(), StatusIs(absl::StatusCode::kOk));
  absl::StatusOr<v1::SyncReport> first = store_->Sync(*teacher_);
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_GT(first->changes(), 2);
  EXPECT_FALSE(first->sync_token().empty());
  EXPECT_EQ(*store_->SyncToken(), first->sync_token());

  // The server goes away: the cache still answers, a sync fails and keeps
  // the token.
  server_.Stop();
  absl::StatusOr<std::optional<v1::Change>> cached = store_->Get(draft_.name());
  ASSERT_THAT(cached.status(), IsOk());
  ASSERT_TRUE(cached->has_value());
  EXPECT_EQ((*cached)->support_plan().problem_description(),
            draft_.problem_description());
  EXPECT_EQ((*cached)->support_plan().etag(), draft_.etag());
  absl::StatusOr<std::vector<v1::Change>> plans = store_->List("supportPlans/");
  ASSERT_THAT(plans.status(), IsOk());
  EXPECT_GE(plans->size(), 2u);
  for (const v1::Change& c : *plans) {
    EXPECT_THAT(c.resource(), ::testing::StartsWith("supportPlans/"));
  }
  EXPECT_THAT(store_->Sync(*teacher_),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(*store_->SyncToken(), first->sync_token());

  // Back again; the plan is deleted elsewhere and edited: the next sync
  // (from the stored token, in a new process: reopened store) brings only
  // those two changes; the tombstone removes the plan.
  ASSERT_THAT(server_.Start(), IsOk());
  store_.reset();
  absl::StatusOr<std::unique_ptr<OfflineStore>> reopened =
      OfflineStore::Open(store_path());
  ASSERT_THAT(reopened.status(), IsOk());
  store_ = *std::move(reopened);
  auto head = Connect(*DemoToken(target(), "direktors1"));
  v1::DeleteSupportPlanRequest del;
  del.set_name(draft_.name());
  ASSERT_THAT(head->DeleteSupportPlan(del).status(), IsOk());
  v1::RecordDeliveryRequest rec;
  {
    v1::OutboxMutation m = Delivery(45);
    ASSERT_TRUE(rec.ParseFromString(m.request()));
  }
  absl::StatusOr<v1::DeliveryRecord> delivered = head->RecordDelivery(rec);
  ASSERT_THAT(delivered.status(), IsOk());

  absl::StatusOr<v1::SyncReport> second;
  const absl::Time until = absl::Now() + absl::Seconds(30);
  do {  // the old channel may take a moment to reconnect
    second = store_->Sync(*teacher_);
  } while (!second.ok() && absl::Now() < until &&
           (absl::SleepFor(absl::Milliseconds(100)), true));
  ASSERT_THAT(second.status(), IsOk());
  // The deleted draft (a tombstone), the running plan (its counters) and
  // the new delivery record.
  EXPECT_EQ(second->changes(), 3);
  EXPECT_EQ(second->removed(), 1);
  EXPECT_NE(second->sync_token(), first->sync_token());
  EXPECT_FALSE(store_->Get(draft_.name())->has_value());
  absl::StatusOr<std::optional<v1::Change>> record =
      store_->Get(delivered->name());
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->delivery().duration_minutes(), 45);

  // Nothing new: an empty sync that keeps the token.
  absl::StatusOr<v1::SyncReport> third = store_->Sync(*teacher_);
  ASSERT_THAT(third.status(), IsOk());
  EXPECT_EQ(third->changes(), 0);
  EXPECT_EQ(third->sync_token(), second->sync_token());
}

TEST_F(OfflineStoreTest, EditsMadeWithServerDownReachItExactlyOnce) {
  ASSERT_THAT(store_->Sync(*teacher_).status(), IsOk());
  const int updates_before = Updates(draft_.name());
  const int deliveries_before = Deliveries();
  const std::string etag = (*store_->Get(draft_.name()))->support_plan().etag();

  server_.Stop();
  // Two successive edits of the same plan, both made on the synced version
  // (the app cannot know the etag the first will produce), and two
  // consultations.
  absl::StatusOr<v1::OutboxMutation> e1 =
      store_->Enqueue(Edit(draft_.name(), etag, "Pirmais labojums."));
  ASSERT_THAT(e1.status(), IsOk());
  EXPECT_EQ(e1->resource(), draft_.name());
  EXPECT_EQ(e1->base_etag(), etag);
  EXPECT_EQ(e1->request_id(), "");  // an update has none
  ASSERT_THAT(
      store_->Enqueue(Edit(draft_.name(), etag, "Otrais labojums.")).status(),
      IsOk());
  absl::StatusOr<v1::OutboxMutation> d1 = store_->Enqueue(Delivery(40));
  ASSERT_THAT(d1.status(), IsOk());
  EXPECT_EQ(d1->resource(), running_.name());
  EXPECT_FALSE(d1->request_id().empty());
  v1::RecordDeliveryRequest stored;
  ASSERT_TRUE(stored.ParseFromString(d1->request()));
  EXPECT_EQ(stored.request_id(), d1->request_id());
  ASSERT_THAT(store_->Enqueue(Delivery(50)).status(), IsOk());

  // Offline: nothing goes, nothing is lost, the attempt is recorded.
  absl::StatusOr<v1::ReplayReport> offline = store_->Replay(*teacher_);
  ASSERT_THAT(offline.status(), IsOk());
  EXPECT_EQ(offline->applied(), 0);
  EXPECT_EQ(offline->remaining(), 4);
  EXPECT_THAT(offline->stopped_because(), HasSubstr("UNAVAILABLE"));
  absl::StatusOr<std::vector<v1::OutboxMutation>> pending = store_->Pending();
  ASSERT_THAT(pending.status(), IsOk());
  ASSERT_THAT(*pending, SizeIs(4));
  EXPECT_EQ((*pending)[0].attempts(), 1);
  EXPECT_THAT((*pending)[0].last_error(), HasSubstr("UNAVAILABLE"));
  EXPECT_EQ((*pending)[1].attempts(), 0);

  // Back: everything goes through once, in order.
  ASSERT_THAT(server_.Start(), IsOk());
  v1::ReplayReport online = ReplayAll(*store_, *teacher_);
  EXPECT_EQ(online.applied(), 4);
  EXPECT_EQ(online.conflicts(), 0);
  EXPECT_EQ(online.remaining(), 0);
  EXPECT_EQ(Updates(draft_.name()), updates_before + 2);
  EXPECT_EQ(Text(draft_.name()), "Otrais labojums.");
  EXPECT_EQ(Deliveries(), deliveries_before + 2);
  // The cache holds the server's answer.
  EXPECT_EQ((*store_->Get(draft_.name()))->support_plan().problem_description(),
            "Otrais labojums.");

  // Again: nothing left to send.
  absl::StatusOr<v1::ReplayReport> again = store_->Replay(*teacher_);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->applied(), 0);
  EXPECT_EQ(Deliveries(), deliveries_before + 2);
  EXPECT_THAT(*store_->Conflicts(), SizeIs(0));
}

TEST_F(OfflineStoreTest, ConcurrentEditIsAReportedConflictNotALostUpdate) {
  ASSERT_THAT(store_->Sync(*teacher_).status(), IsOk());
  const std::string etag = (*store_->Get(draft_.name()))->support_plan().etag();
  server_.Stop();
  absl::StatusOr<v1::OutboxMutation> mine =
      store_->Enqueue(Edit(draft_.name(), etag, "Skolotājas teksts."));
  ASSERT_THAT(mine.status(), IsOk());

  // Meanwhile the head edits the same plan on another device.
  ASSERT_THAT(server_.Start(), IsOk());
  auto head = Connect(*DemoToken(target(), "direktors1"));
  v1::UpdateSupportPlanRequest theirs;
  theirs.mutable_support_plan()->set_name(draft_.name());
  theirs.mutable_support_plan()->set_etag(etag);
  theirs.mutable_support_plan()->set_problem_description("Direktora teksts.");
  theirs.mutable_update_mask()->add_paths("problem_description");
  ASSERT_THAT(head->UpdateSupportPlan(theirs).status(), IsOk());
  // And a later offline edit of the same plan made on the same version.
  ASSERT_THAT(
      store_->Enqueue(Edit(draft_.name(), etag, "Vēl viens teksts.")).status(),
      IsOk());

  v1::ReplayReport report = ReplayAll(*store_, *teacher_);
  EXPECT_EQ(report.applied(), 0);
  EXPECT_EQ(report.conflicts(), 2);
  EXPECT_EQ(report.remaining(), 0);
  // The head's text stays.
  EXPECT_EQ(Text(draft_.name()), "Direktora teksts.");

  absl::StatusOr<std::vector<v1::OutboxConflict>> conflicts =
      store_->Conflicts();
  ASSERT_THAT(conflicts.status(), IsOk());
  ASSERT_THAT(*conflicts, SizeIs(2));
  const v1::OutboxConflict& c = (*conflicts)[0];
  EXPECT_EQ(c.mutation().id(), mine->id());
  EXPECT_EQ(c.code(), static_cast<int>(absl::StatusCode::kAborted));
  EXPECT_EQ(c.reason(), "ETAG_MISMATCH");
  EXPECT_EQ(c.server_version().kind(), v1::CHANGE_KIND_UPSERT);
  EXPECT_EQ(c.server_version().support_plan().problem_description(),
            "Direktora teksts.");
  EXPECT_EQ(c.local_version().support_plan().problem_description(),
            draft_.problem_description());
  v1::UpdateSupportPlanRequest queued;
  ASSERT_TRUE(queued.ParseFromString(c.mutation().request()));
  EXPECT_EQ(queued.support_plan().problem_description(), "Skolotājas teksts.");

  // The app resolves them.
  EXPECT_THAT(store_->DropConflict(mine->id()), IsOk());
  EXPECT_THAT(store_->DropConflict(mine->id()),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(*store_->Conflicts(), SizeIs(1));
}

// The head changes the plan's goals while the teacher, offline, changes its
// description: different fields, so the teacher's change goes on the
// server's version and both survive (a merge, not a conflict and not a lost
// update).
TEST_F(OfflineStoreTest, AnEditOfOtherFieldsMeanwhileIsMerged) {
  ASSERT_THAT(store_->Sync(*teacher_).status(), IsOk());
  const std::string etag = (*store_->Get(draft_.name()))->support_plan().etag();
  ASSERT_GT(draft_.goals_size(), 0);
  server_.Stop();
  ASSERT_THAT(
      store_->Enqueue(Edit(draft_.name(), etag, "Skolotājas teksts.")).status(),
      IsOk());

  ASSERT_THAT(server_.Start(), IsOk());
  auto head = Connect(*DemoToken(target(), "direktors1"));
  v1::UpdateSupportPlanRequest theirs;
  theirs.mutable_support_plan()->set_name(draft_.name());
  theirs.mutable_support_plan()->set_etag(etag);
  *theirs.mutable_support_plan()->mutable_goals() = draft_.goals();
  theirs.mutable_support_plan()->mutable_goals(0)->set_description(
      "Direktora mērķis.");
  theirs.mutable_update_mask()->add_paths("goals");
  ASSERT_THAT(head->UpdateSupportPlan(theirs).status(), IsOk());

  v1::ReplayReport report = ReplayAll(*store_, *teacher_);
  EXPECT_EQ(report.applied(), 1);
  EXPECT_EQ(report.conflicts(), 0);
  v1::GetSupportPlanRequest get;
  get.set_name(draft_.name());
  absl::StatusOr<v1::SupportPlan> now = teacher_->GetSupportPlan(get);
  ASSERT_THAT(now.status(), IsOk());
  EXPECT_EQ(now->problem_description(), "Skolotājas teksts.");
  EXPECT_EQ(now->goals(0).description(), "Direktora mērķis.");
}

TEST_F(OfflineStoreTest, ChangeTheServerAppliedButNeverAnsweredCountsOnce) {
  ASSERT_THAT(store_->Sync(*teacher_).status(), IsOk());
  const int updates_before = Updates(draft_.name());
  const int deliveries_before = Deliveries();
  const std::string etag = (*store_->Get(draft_.name()))->support_plan().etag();
  ASSERT_THAT(store_->Enqueue(Edit(draft_.name(), etag, "A")).status(), IsOk());
  ASSERT_THAT(store_->Enqueue(Edit(draft_.name(), etag, "B")).status(), IsOk());
  ASSERT_THAT(store_->Enqueue(Delivery(35)).status(), IsOk());
  // The first edit and the consultation reach the server, but their
  // answers never reach the store (the app died, the connection broke):
  // they are still queued.
  std::vector<v1::OutboxMutation> pending = *store_->Pending();
  ASSERT_THAT(pending, SizeIs(3));
  for (int i : {0, 2}) {
    ASSERT_THAT(
        teacher_->CallRaw(pending[i].method(), pending[i].request()).status(),
        IsOk());
  }
  v1::ReplayReport report = ReplayAll(*store_, *teacher_);
  EXPECT_EQ(report.applied(), 3);
  EXPECT_EQ(report.conflicts(), 0);
  EXPECT_EQ(Updates(draft_.name()), updates_before + 2);
  EXPECT_EQ(Text(draft_.name()), "B");
  EXPECT_EQ(Deliveries(), deliveries_before + 1);
}

// The server is killed (no goodbye) while a replay is under way, so some
// change may be applied with its answer lost; restarted, every change is
// there exactly once.
TEST_F(OfflineStoreTest, ServerKilledDuringReplay) {
  ASSERT_THAT(store_->Sync(*teacher_).status(), IsOk());
  const int updates_before = Updates(draft_.name());
  const int deliveries_before = Deliveries();
  const std::string etag = (*store_->Get(draft_.name()))->support_plan().etag();
  constexpr int kEdits = 15;
  constexpr int kRecords = 15;
  for (int i = 1; i <= kEdits; ++i) {
    ASSERT_THAT(store_->Enqueue(Edit(draft_.name(), etag, absl::StrCat("v", i)))
                    .status(),
                IsOk());
    ASSERT_THAT(store_->Enqueue(Delivery(20 + i)).status(), IsOk());
  }
  absl::StatusOr<v1::ReplayReport> first;
  std::thread replay([&] { first = store_->Replay(*teacher_); });
  WaitForOutboxAtMost(store_path(), kEdits + kRecords - 7);
  server_.Kill();
  replay.join();
  ASSERT_THAT(first.status(), IsOk());
  // It stopped part way.
  EXPECT_GT(first->remaining(), 0);
  EXPECT_THAT(first->stopped_because(), HasSubstr("UNAVAILABLE"));
  ASSERT_THAT(server_.Start(), IsOk());
  v1::ReplayReport rest = ReplayAll(*store_, *teacher_);
  EXPECT_EQ(first->applied() + rest.applied(), kEdits + kRecords);
  EXPECT_EQ(rest.conflicts(), 0);
  EXPECT_EQ(Updates(draft_.name()), updates_before + kEdits);
  EXPECT_EQ(Text(draft_.name()), absl::StrCat("v", kEdits));
  EXPECT_EQ(Deliveries(), deliveries_before + kRecords);
}

class KilledClientTest : public OfflineStoreTest {
 protected:
  // Runs the worker; with `kill_at`, SIGKILLs it as soon as the outbox of
  // `store` is down to that many rows. Returns the wait status.
  int RunWorker(std::vector<std::string> args,
                std::optional<int> kill_at = std::nullopt) {
    const std::string store = args[2];
    args.insert(args.begin(), PUMPURS_OFFLINE_WORKER);
    // Paced when it is to be killed at an outbox size: the kill then lands
    // while the worker waits before its next call.
    std::vector<std::string> env = {
        absl::StrCat("PUMPURS_TEST_TOKEN=", teacher_token_)};
    if (kill_at) env.push_back("PUMPURS_TEST_PACE_MS=100");
    const pid_t pid = Spawn(args, dir_.File("worker.log"), env);
    if (kill_at) {
      WaitForOutboxAtMost(store, *kill_at);
      kill(pid, SIGKILL);
    }
    return Reap(pid);
  }
};

TEST_F(KilledClientTest, RestartedClientResumesItsOutboxExactlyOnce) {
  ASSERT_THAT(store_->Sync(*teacher_).status(), IsOk());
  const std::string etag = (*store_->Get(draft_.name()))->support_plan().etag();
  const int updates_before = Updates(draft_.name());
  const int deliveries_before = Deliveries();
  store_.reset();  // the worker owns the file now
  const std::string worker_store = dir_.File("worker.db");
  constexpr int kEdits = 8;
  constexpr int kRecords = 8;

  // Enqueue, then killed at once: every Enqueue had returned, so all are
  // on disk.
  {
    const pid_t pid = Spawn(
        {PUMPURS_OFFLINE_WORKER, "enqueue", target(), worker_store,
         draft_.name(), etag, std::to_string(kEdits), running_.name(),
         running_.measures(0).id(), today_, std::to_string(kRecords), "t"},
        dir_.File("enqueue.out"),
        {absl::StrCat("PUMPURS_TEST_TOKEN=", teacher_token_)});
    const absl::Time until = absl::Now() + absl::Seconds(30);
    std::string out;
    while (absl::Now() < until) {
      std::ifstream f(dir_.File("enqueue.out"));
      std::getline(f, out);
      if (out == "enqueued") break;
      absl::SleepFor(absl::Milliseconds(10));
    }
    kill(pid, SIGKILL);
    Reap(pid);
    ASSERT_EQ(out, "enqueued");
  }
  {
    auto check = OfflineStore::Open(worker_store);
    ASSERT_THAT(check.status(), IsOk());
    EXPECT_THAT(*(*check)->Pending(), SizeIs(kEdits + kRecords));
  }

  // The crash point between "sent" and "removed from the outbox".
  int status = RunWorker({"send-first-and-die", target(), worker_store});
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  // Replays killed part way (a change may be sent, or applied and not yet
  // removed, at that moment), then one left to finish.
  for (int rows : {13, 10, 7, 4, 1}) {
    status = RunWorker({"replay", target(), worker_store}, rows);
    EXPECT_TRUE(WIFSIGNALED(status)) << "finished before the kill at " << rows;
    EXPECT_GE(OutboxRows(worker_store), 1);
  }
  status = RunWorker({"replay", target(), worker_store});
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream log(dir_.File("worker.log"));
  std::string all((std::istreambuf_iterator<char>(log)),
                  std::istreambuf_iterator<char>());
  EXPECT_THAT(all, HasSubstr("done conflicts=0"));

  EXPECT_EQ(Updates(draft_.name()), updates_before + kEdits);
  EXPECT_EQ(Text(draft_.name()), absl::StrCat("t ", kEdits));
  EXPECT_EQ(Deliveries(), deliveries_before + kRecords);
  auto check = OfflineStore::Open(worker_store);
  ASSERT_THAT(check.status(), IsOk());
  EXPECT_THAT(*(*check)->Pending(), SizeIs(0));
  EXPECT_THAT(*(*check)->Conflicts(), SizeIs(0));
}

TEST_F(OfflineStoreTest, EnqueueChecksTheMethodAndRequest) {
  v1::OutboxMutation m = Edit(draft_.name(), draft_.etag(), "x");
  m.set_method("/pumpurs.v1.SupportPlanService/NoSuchMethod");
  EXPECT_THAT(store_->Enqueue(m), StatusIs(absl::StatusCode::kInvalidArgument));
  m.set_method("pumpurs.v1.SupportPlanService.UpdateSupportPlan");
  EXPECT_THAT(store_->Enqueue(m), StatusIs(absl::StatusCode::kInvalidArgument));
  m.set_method("/pumpurs.v1.SyncService/WatchChanges");  // streams
  EXPECT_THAT(store_->Enqueue(m), StatusIs(absl::StatusCode::kInvalidArgument));
  m.set_method(kUpdatePlan);
  m.set_request("\xff\xff\xff");
  EXPECT_THAT(store_->Enqueue(m), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(*store_->Pending(), SizeIs(0));

  // A request_id given in the mutation goes into the request.
  v1::OutboxMutation d = Delivery(30);
  d.set_request_id("my-id-1");
  absl::StatusOr<v1::OutboxMutation> q = store_->Enqueue(d);
  ASSERT_THAT(q.status(), IsOk());
  v1::RecordDeliveryRequest r;
  ASSERT_TRUE(r.ParseFromString(q->request()));
  EXPECT_EQ(r.request_id(), "my-id-1");
  EXPECT_GT(q->id(), 0);
  EXPECT_GT(q->enqueue_time().seconds(), 0);
}

TEST(OfflineStoreOpenTest, RefusesAFileThatIsNotAStore) {
  TempDir dir;
  {
    std::ofstream f(dir.File("notes.txt"));
    f << "this is not a database, just some text that is long enough to "
         "fill the SQLite header of one hundred bytes: 0123456789 0123456789";
  }
  EXPECT_THAT(OfflineStore::Open(dir.File("notes.txt")),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // Another program's SQLite database.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.File("other.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_THAT(OfflineStore::Open(dir.File("other.db")),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // A store opens again as itself.
  ASSERT_THAT(OfflineStore::Open(dir.File("a.db")).status(), IsOk());
  EXPECT_THAT(OfflineStore::Open(dir.File("a.db")).status(), IsOk());
}

}  // namespace
}  // namespace pumpurs::client
