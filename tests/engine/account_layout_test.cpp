// The compact account layout (P5): CompactVector, SmallVector, OfferName and SlotMutex behave as
// the std::vector, std::string and std::mutex they replace, and the account stays within its bytes.
#include <gtest/gtest.h>

#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "gyrate/engine/account.hpp"
#include "gyrate/engine/compact_vector.hpp"
#include "gyrate/engine/offer_name.hpp"
#include "gyrate/engine/slot_mutex.hpp"
#include "gyrate/engine/small_vector.hpp"

namespace gyrate::engine {
namespace {

TEST(CompactVector, EmptyAllocatesNothingAndGrows) {
  CompactVector<std::string> v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.capacity(), 0u);
  EXPECT_EQ(v.begin(), v.end());
  for (int i = 0; i < 100; ++i) v.push_back("a long string that is not stored inline " + std::to_string(i));
  ASSERT_EQ(v.size(), 100u);
  EXPECT_EQ(v[57], "a long string that is not stored inline 57");
  EXPECT_EQ(v.back(), "a long string that is not stored inline 99");
  v.clear();
  EXPECT_EQ(v.capacity(), 0u);
  static_assert(sizeof(CompactVector<std::string>) == sizeof(void*));
}

TEST(CompactVector, EmplaceBackOfItsOwnElementSurvivesTheGrowth) {
  CompactVector<std::string> v{"first element, longer than the inline buffer"};
  for (int i = 0; i < 10; ++i) v.emplace_back(v.front());
  for (const std::string& s : v) EXPECT_EQ(s, "first element, longer than the inline buffer");
}

TEST(CompactVector, EraseInsertAndEraseIfKeepOrder) {
  CompactVector<int64_t> v{1, 2, 3, 4, 5, 6};
  v.erase(v.begin() + 1);
  EXPECT_EQ(std::vector<int64_t>(v), (std::vector<int64_t>{1, 3, 4, 5, 6}));
  v.insert(v.begin() + 2, 9);
  EXPECT_EQ(std::vector<int64_t>(v), (std::vector<int64_t>{1, 3, 9, 4, 5, 6}));
  EXPECT_EQ(erase_if(v, [](int64_t x) { return x % 2 == 0; }), 2u);
  EXPECT_EQ(std::vector<int64_t>(v), (std::vector<int64_t>{1, 3, 9, 5}));
  // Emptied by erase_if, it gives its block back like a list never filled.
  erase_if(v, [](int64_t) { return true; });
  EXPECT_EQ(v.capacity(), 0u);
  v.resize(3, 7);
  EXPECT_EQ(std::vector<int64_t>(v), (std::vector<int64_t>{7, 7, 7}));
  v.resize(1, 0);
  EXPECT_EQ(std::vector<int64_t>(v), (std::vector<int64_t>{7}));
}

TEST(CompactVector, CopiesAreDeepAndMovesTakeTheBlock) {
  CompactVector<std::string> a{"x", "y"};
  CompactVector<std::string> b = a;
  b[0] = "changed";
  EXPECT_EQ(a[0], "x");
  EXPECT_FALSE(a == b);
  const std::string* data = b.data();
  CompactVector<std::string> c = std::move(b);
  EXPECT_EQ(c.data(), data);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by design
  std::vector<std::string> out = std::move(c);
  EXPECT_EQ(out, (std::vector<std::string>{"changed", "y"}));
  CompactVector<std::string> back = out;
  EXPECT_EQ(back.size(), 2u);
}

TEST(SmallVector, InlineUpToNThenOnTheHeapAndBack) {
  SmallVector<int64_t, 4> v;
  v.assign(4, 7);
  const int64_t* inline_data = v.data();
  EXPECT_EQ(std::vector<int64_t>(v), (std::vector<int64_t>{7, 7, 7, 7}));
  v.resize(6, 1);  // beyond the inline room: moves to the heap, contents kept
  EXPECT_NE(v.data(), inline_data);
  EXPECT_EQ(std::vector<int64_t>(v), (std::vector<int64_t>{7, 7, 7, 7, 1, 1}));
  SmallVector<int64_t, 4> copy = v;
  copy[0] = 9;
  EXPECT_EQ(v[0], 7);
  SmallVector<int64_t, 4> moved = std::move(copy);
  EXPECT_EQ(moved[0], 9);
  EXPECT_EQ(moved.size(), 6u);
  v = std::vector<int64_t>{1, 2};  // from a std::vector (rebase builds one)
  EXPECT_EQ(std::vector<int64_t>(v), (std::vector<int64_t>{1, 2}));
  v.clear();
  EXPECT_TRUE(v.empty());
  v.assign(3, 0);
  SmallVector<int64_t, 4> inline_moved = std::move(v);
  EXPECT_EQ(std::vector<int64_t>(inline_moved), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_TRUE(v.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by design
}

TEST(OfferName, SameNameSameIdAndTheFixedIdsNameThemselves) {
  OfferName a("yuan_400k");
  OfferName b(std::string("yuan_400k"));
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(a, "yuan_400k");
  EXPECT_NE(OfferName("other"), a);
  EXPECT_EQ(kAllowanceOffer, OfferName("allowance"));
  EXPECT_EQ(kRolloverOffer.str(), "rollover");
  EXPECT_EQ(kOverrunOffer.str(), "overrun");
  EXPECT_EQ(kRefundOffer.str(), "refund");
  EXPECT_EQ(OfferName().str(), "");
  const char* stable = a.c_str();
  for (int i = 0; i < 5000; ++i) OfferName("filler_" + std::to_string(i));  // several chunks
  EXPECT_EQ(stable, OfferName("yuan_400k").c_str());
}

TEST(OfferName, ThreadsInterningTheSameNamesAgreeOnTheirIds) {
  std::vector<std::vector<uint32_t>> ids(4);
  std::vector<std::thread> threads;
  for (auto& out : ids) {
    threads.emplace_back([&out] {
      for (int i = 0; i < 2000; ++i) out.push_back(OfferName("race_" + std::to_string(i)).id());
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& out : ids) EXPECT_EQ(out, ids[0]);
  EXPECT_EQ(OfferName::fixed(ids[0][1234]).str(), "race_1234");
}

TEST(SlotMutex, ExcludesUnderContention) {
  SlotMutex mutex;
  int64_t counter = 0;  // not atomic: only the mutex keeps increments from being lost
  std::latch start(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < 20'000; ++i) {
        std::lock_guard lock(mutex);
        int64_t seen = counter;
        // A window between read and write: two holders at once would lose an increment.
        std::this_thread::yield();
        counter = seen + 1;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter, 80'000);
  EXPECT_TRUE(mutex.try_lock());
  EXPECT_FALSE(mutex.try_lock());
  mutex.unlock();
  static_assert(sizeof(SlotMutex) == 4);
}

// The bytes per subscriber of docs/benchmarks.md (P5) rest on these sizes: a field added to the
// account or the bucket shows here first.
TEST(AccountLayout, BucketAndAccountKeepTheirSize) {
  EXPECT_EQ(sizeof(Bucket), 32u);
  EXPECT_LE(sizeof(AccountState), 304u);
}

}  // namespace
}  // namespace gyrate::engine
