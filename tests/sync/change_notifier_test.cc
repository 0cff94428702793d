// The change notifier (server/sync/change_notifier.h) over a fake feed:
// wakes on growth past a watch's position (also when already past), fires
// heartbeats, honours Cancel, wakes everything on Shutdown, and polls only
// while someone watches.

#include "server/sync/change_notifier.h"

#include <atomic>
#include <memory>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pumpurs::sync {
namespace {

using Wake = ChangeNotifier::Wake;

class ChangeNotifierTest : public ::testing::Test {
 protected:
  ChangeNotifierTest()
      : notifier_(
            [this]() -> absl::StatusOr<int64_t> {
              polls_.fetch_add(1);
              return latest_.load();
            },
            Options()) {}

  static ChangeNotifier::Options Options() {
    ChangeNotifier::Options o;
    o.poll_interval = absl::Milliseconds(10);
    o.heartbeat_interval = absl::Milliseconds(300);
    return o;
  }

  // A watch that records how it was woken.
  struct Waiter {
    absl::Notification woken;
    std::atomic<int> calls{0};
    Wake why = Wake::kChanged;
    ChangeNotifier::Callback Callback() {
      return [this](Wake w) {
        why = w;
        calls.fetch_add(1);
        woken.Notify();
      };
    }
  };

  std::atomic<int64_t> latest_{5};
  std::atomic<int> polls_{0};
  ChangeNotifier notifier_;
};

TEST_F(ChangeNotifierTest, WakesOnceTheFeedGrowsPastTheWatch) {
  Waiter w;
  notifier_.Watch(&w, 5, w.Callback());
  EXPECT_FALSE(w.woken.WaitForNotificationWithTimeout(absl::Milliseconds(100)));
  latest_ = 6;
  ASSERT_TRUE(w.woken.WaitForNotificationWithTimeout(absl::Seconds(2)));
  EXPECT_EQ(w.why, Wake::kChanged);
  EXPECT_EQ(notifier_.watch_count(), 0u);
}

TEST_F(ChangeNotifierTest, AWatchBehindTheFeedWakesAtOnce) {
  Waiter first;
  notifier_.Watch(&first, 0, first.Callback());
  ASSERT_TRUE(first.woken.WaitForNotificationWithTimeout(absl::Seconds(2)));
  EXPECT_EQ(first.why, Wake::kChanged);
  // The notifier now knows seq 5: a watch from 3 is due on registration.
  Waiter second;
  notifier_.Watch(&second, 3, second.Callback());
  EXPECT_TRUE(second.woken.HasBeenNotified());
  EXPECT_EQ(second.why, Wake::kChanged);
}

TEST_F(ChangeNotifierTest, AQuietWatchGetsAHeartbeat) {
  Waiter w;
  const absl::Time start = absl::Now();
  notifier_.Watch(&w, 5, w.Callback());
  ASSERT_TRUE(w.woken.WaitForNotificationWithTimeout(absl::Seconds(3)));
  EXPECT_EQ(w.why, Wake::kHeartbeat);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));
}

TEST_F(ChangeNotifierTest, ACancelledWatchIsNeverWoken) {
  Waiter w;
  notifier_.Watch(&w, 5, w.Callback());
  notifier_.Cancel(&w);
  EXPECT_EQ(notifier_.watch_count(), 0u);
  latest_ = 9;
  absl::SleepFor(absl::Milliseconds(400));  // past the heartbeat too
  EXPECT_EQ(w.calls.load(), 0);
}

TEST_F(ChangeNotifierTest, ShutdownWakesEveryWatchAndRefusesNewOnes) {
  Waiter a, b;
  notifier_.Watch(&a, 5, a.Callback());
  notifier_.Watch(&b, 5, b.Callback());
  notifier_.Shutdown();
  EXPECT_TRUE(a.woken.HasBeenNotified());
  EXPECT_TRUE(b.woken.HasBeenNotified());
  EXPECT_EQ(a.why, Wake::kShutdown);
  EXPECT_EQ(b.why, Wake::kShutdown);
  Waiter late;
  notifier_.Watch(&late, 5, late.Callback());
  EXPECT_TRUE(late.woken.HasBeenNotified());
  EXPECT_EQ(late.why, Wake::kShutdown);
  notifier_.Shutdown();  // idempotent
  EXPECT_EQ(a.calls.load() + b.calls.load() + late.calls.load(), 3);
}

TEST_F(ChangeNotifierTest, PollsOnlyWhileSomeoneWatches) {
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(polls_.load(), 0);
  Waiter w;
  notifier_.Watch(&w, 5, w.Callback());
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_GT(polls_.load(), 2);
  notifier_.Cancel(&w);
  absl::SleepFor(absl::Milliseconds(50));
  const int after_cancel = polls_.load();
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(polls_.load(), after_cancel);
}

}  // namespace
}  // namespace pumpurs::sync
