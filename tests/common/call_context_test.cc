// CallContext: copies share one cancellation flag (so the RPC layer can
// cancel work already queued); deadlines are checked against the clock.

#include "server/common/call_context.h"

#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace pumpurs {
namespace {

TEST(CallContextTest, Defaults) {
  CallContext call;
  EXPECT_EQ(call.caller_id, "anonymous");
  EXPECT_FALSE(call.IsCancelled());
  EXPECT_FALSE(call.Expired());
  EXPECT_EQ(call.deadline, absl::InfiniteFuture());
}

TEST(CallContextTest, CopiesShareCancellation) {
  CallContext call;
  CallContext copy = call;
  const CallContext& ref = copy;
  ref.Cancel();  // Cancel is const: callable through a const copy.
  EXPECT_TRUE(call.IsCancelled());
  EXPECT_TRUE(copy.IsCancelled());
}

TEST(CallContextTest, SeparateContextsAreIndependent) {
  CallContext a;
  CallContext b;
  a.Cancel();
  EXPECT_TRUE(a.IsCancelled());
  EXPECT_FALSE(b.IsCancelled());
}

TEST(CallContextTest, CancelFromAnotherThread) {
  CallContext call;
  std::thread t([copy = call] { copy.Cancel(); });
  t.join();
  EXPECT_TRUE(call.IsCancelled());
}

TEST(CallContextTest, Deadlines) {
  CallContext call;
  call.deadline = absl::Now() - absl::Milliseconds(1);
  EXPECT_TRUE(call.Expired());
  call.deadline = absl::Now() + absl::Hours(1);
  EXPECT_FALSE(call.Expired());
  call.deadline = absl::Now() + absl::Milliseconds(20);
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_TRUE(call.Expired());
  EXPECT_FALSE(call.IsCancelled());  // expiry is not cancellation
}

}  // namespace
}  // namespace pumpurs
