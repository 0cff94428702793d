#include "server/sync/change_notifier.h"

#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "server/sync/changes.h"

namespace pumpurs::sync {
namespace {

ChangeNotifier::LatestFn LatestOf(storage::Database& db,
                                  absl::Duration timeout) {
  return [&db, timeout]() -> absl::StatusOr<int64_t> {
    CallContext call;
    call.caller_id = "system:change-notifier";
    call.deadline = absl::Now() + timeout;
    int64_t latest = 0;
    absl::Status s = db.ReadSync(call, [&latest](storage::Connection& c) {
      absl::StatusOr<int64_t> seq = LatestSequence(c);
      if (!seq.ok()) return seq.status();
      latest = *seq;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return latest;
  };
}

}  // namespace

ChangeNotifier::ChangeNotifier(LatestFn latest, Options options)
    : latest_fn_(std::move(latest)), options_(options) {
  thread_ = std::thread([this] { Loop(); });
}

ChangeNotifier::ChangeNotifier(storage::Database& db, Options options)
    : ChangeNotifier(LatestOf(db, absl::Seconds(5)), options) {}

ChangeNotifier::~ChangeNotifier() { Shutdown(); }

void ChangeNotifier::Watch(const void* key, int64_t after, Callback wake) {
  Wake now;
  {
    absl::MutexLock lock(&mu_);
    if (shutdown_) {
      now = Wake::kShutdown;
    } else if (latest_ > after) {
      now = Wake::kChanged;
    } else {
      watches_[key] = Entry{after, absl::Now() + options_.heartbeat_interval,
                            std::move(wake)};
      return;
    }
  }
  wake(now);
}

void ChangeNotifier::Cancel(const void* key) {
  absl::MutexLock lock(&mu_);
  watches_.erase(key);
}

size_t ChangeNotifier::watch_count() const {
  absl::MutexLock lock(&mu_);
  return watches_.size();
}

void ChangeNotifier::Shutdown() {
  std::map<const void*, Entry> woken;
  {
    absl::MutexLock lock(&mu_);
    if (shutdown_) return;
    shutdown_ = true;
    woken.swap(watches_);
  }
  for (auto& [key, entry] : woken) entry.wake(Wake::kShutdown);
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

void ChangeNotifier::Loop() {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return shutdown_ || !watches_.empty();
  };
  auto stopping = [this]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return shutdown_; };
  while (true) {
    mu_.Await(absl::Condition(&idle));
    if (shutdown_) return;
    // The read runs without the lock, so watchers register meanwhile.
    mu_.Unlock();
    absl::StatusOr<int64_t> latest = latest_fn_();
    mu_.Lock();
    if (shutdown_) return;
    // A failed read (the database closing, a busy moment) only delays the
    // wake-up to the next poll.
    if (latest.ok() && *latest > latest_) latest_ = *latest;
    const absl::Time now = absl::Now();
    std::vector<std::pair<Callback, Wake>> due;
    for (auto it = watches_.begin(); it != watches_.end();) {
      if (latest_ > it->second.after) {
        due.emplace_back(std::move(it->second.wake), Wake::kChanged);
      } else if (now >= it->second.heartbeat) {
        due.emplace_back(std::move(it->second.wake), Wake::kHeartbeat);
      } else {
        ++it;
        continue;
      }
      it = watches_.erase(it);
    }
    if (!due.empty()) {
      mu_.Unlock();
      for (auto& [wake, why] : due) wake(why);
      mu_.Lock();
    }
    mu_.AwaitWithTimeout(absl::Condition(&stopping), options_.poll_interval);
  }
}

}  // namespace pumpurs::sync
