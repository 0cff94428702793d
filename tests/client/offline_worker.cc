// A small app for offline_store_test that is killed (SIGKILL) while it
// works, to show the outbox survives and resumes:
//
//   offline_worker enqueue TARGET STORE PLAN ETAG N_UPDATES DELIVERY_PLAN
//                  MEASURE DAY N_DELIVERIES TAG
//     queues N_UPDATES edits of PLAN's problem_description ("TAG 1" ...,
//     each made on ETAG, as an offline app would) and N_DELIVERIES
//     consultations of DELIVERY_PLAN's MEASURE on DAY, prints "enqueued"
//     and waits to be killed;
//   offline_worker replay TARGET STORE
//     replays until the outbox is empty (retrying while the server is
//     unreachable), printing "done" and the conflicts count;
//   offline_worker send-first-and-die TARGET STORE
//     sends the first queued change itself, then kills itself before the
//     store can remove it: the crash point "the server applied it, the app
//     died before it knew" (a test-only hook, here and not in the library).
//
// The access token comes from $PUMPURS_TEST_TOKEN; $PUMPURS_TEST_PACE_MS
// slows every call down (see Run).

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pumpurs/client/client.h"
#include "pumpurs/client/offline.h"
#include "pumpurs/v1/support_plan.pb.h"

namespace {

using pumpurs::client::Client;
using pumpurs::client::ClientOptions;
using pumpurs::client::OfflineStore;
namespace v1 = pumpurs::v1;

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "offline_worker: %s\n", s.ToString().c_str());
  return 2;
}

int Run(int argc, char** argv) {
  if (argc < 4) return 64;
  const std::string mode = argv[1];
  ClientOptions options;
  options.target = argv[2];
  const char* token = std::getenv("PUMPURS_TEST_TOKEN");
  // $PUMPURS_TEST_PACE_MS: wait that long before every call, so a test
  // killing the worker at a given outbox size kills it there, not after
  // it has raced on to the next change.
  int pace_ms = 0;
  if (const char* pace = std::getenv("PUMPURS_TEST_PACE_MS")) {
    if (!absl::SimpleAtoi(pace, &pace_ms)) pace_ms = 0;
  }
  options.token_source = [bearer = std::string(token != nullptr ? token : ""),
                          pace_ms]() -> absl::StatusOr<std::string> {
    if (pace_ms > 0) absl::SleepFor(absl::Milliseconds(pace_ms));
    return bearer;
  };
  options.default_deadline = absl::Seconds(5);
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  if (!client.ok()) return Fail(client.status());
  absl::StatusOr<std::unique_ptr<OfflineStore>> store =
      OfflineStore::Open(argv[3]);
  if (!store.ok()) return Fail(store.status());

  if (mode == "enqueue" && argc == 12) {
    int updates = 0, deliveries = 0;
    if (!absl::SimpleAtoi(argv[6], &updates) ||
        !absl::SimpleAtoi(argv[10], &deliveries)) {
      return 64;
    }
    for (int i = 1; i <= updates; ++i) {
      v1::UpdateSupportPlanRequest r;
      r.mutable_support_plan()->set_name(argv[4]);
      r.mutable_support_plan()->set_etag(argv[5]);
      r.mutable_support_plan()->set_problem_description(
          absl::StrCat(argv[11], " ", i));
      r.mutable_update_mask()->add_paths("problem_description");
      v1::OutboxMutation m;
      m.set_method("/pumpurs.v1.SupportPlanService/UpdateSupportPlan");
      m.set_request(r.SerializeAsString());
      absl::StatusOr<v1::OutboxMutation> q = (*store)->Enqueue(m);
      if (!q.ok()) return Fail(q.status());
    }
    for (int i = 0; i < deliveries; ++i) {
      v1::RecordDeliveryRequest r;
      r.set_parent(argv[7]);
      v1::DeliveryRecord* d = r.mutable_delivery();
      d->set_measure_id(argv[8]);
      d->set_date(argv[9]);
      d->set_duration_minutes(30 + i);
      d->set_mode(v1::DELIVERY_MODE_ON_SITE);
      d->set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
      v1::OutboxMutation m;
      m.set_method("/pumpurs.v1.SupportPlanService/RecordDelivery");
      m.set_request(r.SerializeAsString());
      absl::StatusOr<v1::OutboxMutation> q = (*store)->Enqueue(m);
      if (!q.ok()) return Fail(q.status());
    }
    std::printf("enqueued\n");
    std::fflush(stdout);
    for (;;) pause();  // until the test kills us
  }
  if (mode == "replay") {
    const absl::Time until = absl::Now() + absl::Seconds(90);
    int conflicts = 0;
    for (;;) {
      absl::StatusOr<v1::ReplayReport> r = (*store)->Replay(**client);
      if (!r.ok()) return Fail(r.status());
      conflicts += r->conflicts();
      if (r->remaining() == 0) break;
      if (absl::Now() > until) {
        return Fail(absl::DeadlineExceededError(r->stopped_because()));
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    std::printf("done conflicts=%d\n", conflicts);
    return 0;
  }
  if (mode == "send-first-and-die") {
    absl::StatusOr<std::vector<v1::OutboxMutation>> pending =
        (*store)->Pending();
    if (!pending.ok()) return Fail(pending.status());
    if (pending->empty()) return 3;
    absl::StatusOr<std::string> sent = (*client)->CallRaw(
        pending->front().method(), pending->front().request());
    if (!sent.ok()) return Fail(sent.status());
    raise(SIGKILL);
  }
  return 64;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
