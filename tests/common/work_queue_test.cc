// WorkQueue: FIFO, timeouts, batches, and Close() that refuses new items but
// still hands out the queued ones (how the executor drains at shutdown).

#include "server/common/work_queue.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pumpurs {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(WorkQueueTest, PopsInFifoOrder) {
  WorkQueue<int> q;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(q.Push(i));
  EXPECT_EQ(q.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(q.Pop(), i);
  EXPECT_EQ(q.size(), 0u);
}

TEST(WorkQueueTest, PopTimesOutWhileOpen) {
  WorkQueue<int> q;
  absl::Time start = absl::Now();
  EXPECT_EQ(q.Pop(absl::Milliseconds(50)), std::nullopt);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(45));
  EXPECT_FALSE(q.closed());
}

TEST(WorkQueueTest, PopWaitsForPush) {
  WorkQueue<int> q;
  std::thread producer([&] {
    absl::SleepFor(absl::Milliseconds(20));
    q.Push(7);
  });
  EXPECT_EQ(q.Pop(), 7);
  producer.join();
}

TEST(WorkQueueTest, CloseRefusesNewItemsButDrainsQueuedOnes) {
  WorkQueue<int> q;
  q.Push(1);
  q.Push(2);
  q.Close();
  EXPECT_TRUE(q.closed());
  EXPECT_FALSE(q.Push(3));
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.Pop(), 1);
  EXPECT_EQ(q.Pop(), 2);
  // Closed and empty: returns at once even without a timeout.
  EXPECT_EQ(q.Pop(), std::nullopt);
  EXPECT_THAT(q.PopBatch(10), IsEmpty());
}

TEST(WorkQueueTest, CloseWakesBlockedConsumers) {
  WorkQueue<int> q;
  std::atomic<int> finished{0};
  std::vector<std::thread> consumers;
  consumers.emplace_back([&] {
    EXPECT_EQ(q.Pop(), std::nullopt);
    ++finished;
  });
  consumers.emplace_back([&] {
    EXPECT_THAT(q.PopBatch(4), IsEmpty());
    ++finished;
  });
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_EQ(finished.load(), 0);
  q.Close();
  for (auto& t : consumers) t.join();
  EXPECT_EQ(finished.load(), 2);
}

TEST(WorkQueueTest, PopBatchTakesUpToMax) {
  WorkQueue<int> q;
  for (int i = 0; i < 7; ++i) q.Push(i);
  EXPECT_THAT(q.PopBatch(3), ElementsAre(0, 1, 2));
  EXPECT_THAT(q.PopBatch(3), ElementsAre(3, 4, 5));
  EXPECT_THAT(q.PopBatch(3), ElementsAre(6));
  EXPECT_THAT(q.PopBatch(3, absl::Milliseconds(10)), IsEmpty());
}

TEST(WorkQueueTest, PopBatchTakesEverythingReady) {
  WorkQueue<int> q;
  for (int i = 0; i < 4; ++i) q.Push(i);
  EXPECT_THAT(q.PopBatch(100), ElementsAre(0, 1, 2, 3));
}

TEST(WorkQueueTest, PopBatchDrainsAfterClose) {
  WorkQueue<int> q;
  for (int i = 0; i < 5; ++i) q.Push(i);
  q.Close();
  EXPECT_THAT(q.PopBatch(2), ElementsAre(0, 1));
  EXPECT_THAT(q.PopBatch(10), ElementsAre(2, 3, 4));
  EXPECT_THAT(q.PopBatch(10), IsEmpty());
}

TEST(WorkQueueTest, PopBatchTimesOut) {
  WorkQueue<int> q;
  absl::Time start = absl::Now();
  EXPECT_THAT(q.PopBatch(8, absl::Milliseconds(40)), IsEmpty());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(35));
}

TEST(WorkQueueTest, HoldsMoveOnlyItems) {
  WorkQueue<std::unique_ptr<int>> q;
  q.Push(std::make_unique<int>(5));
  q.Push(std::make_unique<int>(6));
  std::optional<std::unique_ptr<int>> first = q.Pop();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(**first, 5);
  std::vector<std::unique_ptr<int>> rest = q.PopBatch(5);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(*rest[0], 6);
}

TEST(WorkQueueTest, ManyProducersAndConsumersLoseNothing) {
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 20000;
  WorkQueue<int> q;
  std::vector<std::atomic<int>> seen(kProducers * kPerProducer);
  std::vector<std::thread> consumers;
  for (int c = 0; c < 3; ++c) {
    consumers.emplace_back([&, c] {
      while (true) {
        if (c == 0) {
          std::optional<int> item = q.Pop();
          if (!item) return;
          seen[*item]++;
        } else {
          std::vector<int> batch = q.PopBatch(16);
          if (batch.empty()) return;
          for (int item : batch) seen[item]++;
        }
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        ASSERT_TRUE(q.Push(p * kPerProducer + i));
      }
    });
  }
  for (auto& t : producers) t.join();
  q.Close();
  for (auto& t : consumers) t.join();
  for (size_t i = 0; i < seen.size(); ++i) {
    ASSERT_EQ(seen[i].load(), 1) << "item " << i;
  }
}

}  // namespace
}  // namespace pumpurs
