#ifndef PUMPURS_SERVER_SYNC_CHANGE_NOTIFIER_H_
#define PUMPURS_SERVER_SYNC_CHANGE_NOTIFIER_H_

// How open WatchChanges streams learn that the feed grew, without each
// polling the database.
//
// Design: the writers do not tell anyone after a commit (the Database's
// write path has no completion hook, and a change is only final once its
// group commit is durable), so one background thread per server polls the
// feed's newest seq — one indexed max(seq) read every poll_interval — and
// ONLY while at least one watch is registered; idle, it sleeps on a
// condition. A watch is a one-shot registration "wake me when the feed is
// past `after`"; the decision is on state (latest seq > after), not on an
// edge, so a change committed between a watcher's read and its
// registration is never missed. The same thread fires each watch's
// heartbeat deadline, so streams need no timers of their own.
//
// Shutdown() (the server calls it before gRPC's Shutdown) wakes every
// watch with kShutdown and makes later registrations fire kShutdown at
// once, so open streams finish promptly and never hold up the server's stop.

#include <cstdint>
#include <functional>
#include <map>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace pumpurs::sync {

class ChangeNotifier {
 public:
  struct Options {
    absl::Duration poll_interval = absl::Milliseconds(150);
    // A watch with no change fires kHeartbeat after this long.
    absl::Duration heartbeat_interval = absl::Seconds(15);
  };
  enum class Wake { kChanged, kHeartbeat, kShutdown };
  using Callback = std::function<void(Wake)>;
  // Reads the feed's newest seq; called on the notifier's own thread.
  using LatestFn = std::function<absl::StatusOr<int64_t>()>;

  ChangeNotifier(LatestFn latest, Options options);
  // Polls `db` (a read on its executor each time).
  ChangeNotifier(storage::Database& db, Options options);
  explicit ChangeNotifier(storage::Database& db)
      : ChangeNotifier(db, Options{}) {}
  ~ChangeNotifier();
  ChangeNotifier(const ChangeNotifier&) = delete;
  ChangeNotifier& operator=(const ChangeNotifier&) = delete;

  // Calls `wake` exactly once (unless cancelled first): kChanged once the
  // feed's newest seq is past `after`, kHeartbeat after heartbeat_interval,
  // kShutdown on Shutdown(). It runs on the notifier's thread, or at once on
  // the caller's thread when already due; it must not block. `key`
  // identifies the watch for Cancel (one watch per key at a time).
  void Watch(const void* key, int64_t after, Callback wake);

  // Drops the watch of `key` if it has not fired; its callback is then never
  // called. No effect if it already fired (or is firing).
  void Cancel(const void* key);

  // Wakes every watch with kShutdown and stops the thread. Idempotent.
  void Shutdown();

  // Watches now registered (for tests).
  size_t watch_count() const;

 private:
  struct Entry {
    int64_t after = 0;
    absl::Time heartbeat;
    Callback wake;
  };

  void Loop();

  const LatestFn latest_fn_;
  const Options options_;
  mutable absl::Mutex mu_;
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  // The newest seq seen; only ever behind the database, never ahead.
  int64_t latest_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<const void*, Entry> watches_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace pumpurs::sync

#endif  // PUMPURS_SERVER_SYNC_CHANGE_NOTIFIER_H_
