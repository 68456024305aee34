// Deferred acknowledgement (Journal::append_deferred / when_durable, EmbeddedStore under
// DeferDurability): records queue without waiting, one commit covers everything in flight, and
// nothing is reported durable before its commit. On real files.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <algorithm>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "gyrate/engine/journal.hpp"
#include "journal_test_support.hpp"

namespace gyrate::engine {
namespace {

using testing::open_collecting;
using testing::Replayed;
using testing::TempDir;

std::string body_for(int i) { return "deferred-" + std::to_string(i) + std::string(i % 50, 'x'); }

// Waits for every callback registered on `journal` so far to run.
void drain(Journal& journal) {
  std::promise<Status> done;
  journal.when_durable(journal.appended_sequence(), [&](const Status& s) { done.set_value(s); });
  EXPECT_TRUE(done.get_future().get().is_ok());
}

TEST(JournalDeferred, AppendsReturnAtOnceAndACallbackRunsOnlyAfterItsCommit) {
  TempDir dir;
  JournalOptions options;
  options.fsync = FsyncPolicy::kAlways;
  constexpr int kRecords = 2000;
  std::atomic<int> early{0};
  std::atomic<int> called{0};
  {
    auto journal = Journal::open(dir.path(), options);
    ASSERT_TRUE(journal) << journal.status().to_string();
    Journal& j = **journal;
    for (int i = 1; i <= kRecords; ++i) {
      Expected<uint64_t> sequence = j.append_deferred(body_for(i));
      ASSERT_TRUE(sequence) << sequence.status().to_string();
      ASSERT_EQ(*sequence, static_cast<uint64_t>(i));
      j.when_durable(*sequence, [&j, &early, &called, s = *sequence](const Status& status) {
        // A callback that ran before the commit covering its record would see it undurable.
        if (!status.is_ok() || !j.is_durable(s) || j.stats().records < s) ++early;
        ++called;
      });
    }
    EXPECT_EQ(j.appended_sequence(), static_cast<uint64_t>(kRecords));
    drain(j);
    EXPECT_EQ(called.load(), kRecords);
    EXPECT_EQ(early.load(), 0);
    // How many commits the records shared depends on the disk's sync time (none on a tmpfs):
    // bench/gy_load.py measures it; here only that every record was committed.
    EXPECT_EQ(j.stats().records, static_cast<uint64_t>(kRecords));
  }
  Replayed replayed;
  auto journal = open_collecting(dir.path(), options, replayed);
  ASSERT_TRUE(journal) << journal.status().to_string();
  ASSERT_EQ(replayed.bodies.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) EXPECT_EQ(replayed.bodies[static_cast<size_t>(i)], body_for(i + 1));
}

TEST(JournalDeferred, MixedWithBlockingAppendsFromOtherThreadsEverySequenceLandsOnce) {
  TempDir dir;
  JournalOptions options;
  options.fsync = FsyncPolicy::kBatched;
  options.batch_window = std::chrono::microseconds(200);
  constexpr int kPerThread = 300;
  std::mutex mutex;
  std::map<uint64_t, std::string> acknowledged;
  {
    auto journal = Journal::open(dir.path(), options);
    ASSERT_TRUE(journal) << journal.status().to_string();
    Journal& j = **journal;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          std::string body = std::to_string(t) + ":" + body_for(i);
          Expected<uint64_t> s = t % 2 == 0 ? j.append_deferred(body) : j.append(body);
          ASSERT_TRUE(s) << s.status().to_string();
          if (t % 2 == 1) {
            EXPECT_TRUE(j.is_durable(*s)) << "a blocking append returns durable";
          }
          std::lock_guard lock(mutex);
          EXPECT_TRUE(acknowledged.emplace(*s, body).second) << "sequence " << *s << " twice";
        }
      });
    }
    for (auto& thread : threads) thread.join();
    drain(j);
  }
  Replayed replayed;
  auto journal = open_collecting(dir.path(), options, replayed);
  ASSERT_TRUE(journal) << journal.status().to_string();
  ASSERT_EQ(replayed.sequences.size(), acknowledged.size());
  size_t index = 0;
  for (const auto& [sequence, body] : acknowledged) {
    EXPECT_EQ(replayed.sequences[index], sequence);
    EXPECT_EQ(replayed.bodies[index], body);
    ++index;
  }
}

TEST(JournalDeferred, WithFsyncOffEveryRecordIsDurableAtOnceAndCallbacksRunInline) {
  TempDir dir;
  JournalOptions options;
  options.fsync = FsyncPolicy::kOff;
  auto journal = Journal::open(dir.path(), options);
  ASSERT_TRUE(journal) << journal.status().to_string();
  Expected<uint64_t> s = (*journal)->append_deferred("page cache");
  ASSERT_TRUE(s);
  EXPECT_TRUE((*journal)->is_durable(*s));
  std::thread::id ran_on;
  (*journal)->when_durable(*s, [&](const Status&) { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

// A commit that fails after deferred records were handed out: their callbacks get the error,
// every later append is refused (memory already holds what the journal lost), and a reopen
// finds exactly the records reported durable.
TEST(DurabilityDeferred, AFailedCommitReportsItsRecordsUndurableAndRefusesLaterAppends) {
  TempDir dir;
  const int code = testing::run_in_child([&] {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{};
    if (::getrlimit(RLIMIT_FSIZE, &limit) != 0) return 77;
    const rlimit small{30000, limit.rlim_max};
    if (::setrlimit(RLIMIT_FSIZE, &small) != 0) return 77;
    JournalOptions options;
    options.fsync = FsyncPolicy::kAlways;
    std::mutex mutex;
    std::vector<uint64_t> durable;
    std::vector<uint64_t> failed;
    {
      auto journal = Journal::open(dir.path(), options);
      if (!journal) return 2;
      Journal& j = **journal;
      int i = 0;
      for (; i < 1000; ++i) {
        Expected<uint64_t> s = j.append_deferred(body_for(i) + std::string(200, 'y'));
        if (!s) break;  // refused once a commit failed
        j.when_durable(*s, [&, seq = *s](const Status& status) {
          std::lock_guard lock(mutex);
          (status.is_ok() ? durable : failed).push_back(seq);
        });
      }
      std::promise<void> settled;
      j.when_durable(j.appended_sequence(), [&](const Status&) { settled.set_value(); });
      settled.get_future().wait();
      if (failed.empty()) return 3;  // the limit never hit
      if (j.append("after the failure")) return 4;
      if (j.append_deferred("after the failure")) return 5;
    }
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 77;
    Replayed replayed;
    auto reopened = open_collecting(dir.path(), options, replayed);
    if (!reopened) return 6;
    std::sort(durable.begin(), durable.end());
    if (replayed.sequences != durable) return 7;  // exactly what was reported durable
    return 0;
  });
  ASSERT_NE(code, 77) << "cannot set a file size limit here";
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace gyrate::engine
