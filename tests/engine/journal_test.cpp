// The journal's append, group commit, replay and snapshot behaviour, on real files.
#include "gyrate/engine/journal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

#include "gyrate/journal.pb.h"
#include "journal_format.hpp"
#include "journal_test_support.hpp"

namespace gyrate::engine {
namespace {

using testing::open_collecting;
using testing::Replayed;
using testing::TempDir;

std::string body_for(uint64_t i) {
  // Varied sizes, including empty and bodies with NUL and high bytes.
  std::string body = "change-" + std::to_string(i);
  body.append(i % 7 * 13, static_cast<char>(i));
  if (i % 11 == 0) body.clear();
  return body;
}

class JournalPolicy : public ::testing::TestWithParam<FsyncPolicy> {};

TEST_P(JournalPolicy, RoundTripKeepsSequencesOrderAndBodies) {
  TempDir dir;
  JournalOptions options;
  options.fsync = GetParam();
  options.batch_window = std::chrono::microseconds(100);
  options.max_segment_bytes = 4096;  // several segments
  std::vector<std::string> bodies;
  {
    Replayed replayed;
    auto journal = open_collecting(dir.path(), options, replayed);
    ASSERT_TRUE(journal) << journal.status().to_string();
    EXPECT_TRUE(replayed.sequences.empty());
    for (uint64_t i = 1; i <= 200; ++i) {
      bodies.push_back(body_for(i));
      auto sequence = (*journal)->append(bodies.back());
      ASSERT_TRUE(sequence) << sequence.status().to_string();
      EXPECT_EQ(*sequence, i);
    }
    bodies.push_back(std::string(100000, 'x'));  // one record larger than a segment
    ASSERT_TRUE((*journal)->append(bodies.back()));
    EXPECT_EQ((*journal)->last_sequence(), 201u);
  }
  EXPECT_GT(testing::segment_files(dir.path()).size(), 3u);
  Replayed replayed;
  auto journal = open_collecting(dir.path(), options, replayed);
  ASSERT_TRUE(journal) << journal.status().to_string();
  EXPECT_TRUE((*journal)->recovery().warnings.empty());
  EXPECT_EQ(replayed.bodies, bodies);
  ASSERT_EQ(replayed.sequences.size(), 201u);
  for (size_t i = 0; i < replayed.sequences.size(); ++i) EXPECT_EQ(replayed.sequences[i], i + 1);
  EXPECT_EQ((*journal)->recovery().last_sequence, 201u);
  auto next = (*journal)->append("after reopen");
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 202u);
}

INSTANTIATE_TEST_SUITE_P(Policies, JournalPolicy,
                         ::testing::Values(FsyncPolicy::kAlways, FsyncPolicy::kBatched,
                                           FsyncPolicy::kOff));

TEST(Journal, HandEncodedRecordEqualsProtobufSerialization) {
  struct Case {
    uint64_t sequence;
    uint64_t timestamp;
    std::string body;
  };
  const std::vector<Case> cases = {{1, 1, "a"},
                                   {127, 0, ""},
                                   {128, 1'700'000'000'000'000, std::string(300, '\0')},
                                   {~uint64_t{0}, ~uint64_t{0}, std::string(20000, '\xFF')}};
  for (const Case& c : cases) {
    gyrate::journal::Record record;
    record.set_sequence(c.sequence);
    record.set_timestamp_micros(c.timestamp);
    record.set_body(c.body);
    std::string expected;
    journal_format::append_frame(expected, record.SerializeAsString());
    std::string framed = "prefix";  // appends after what is already there
    journal_format::append_record_frame(framed, c.sequence, c.timestamp, c.body);
    EXPECT_EQ(framed, "prefix" + expected) << c.sequence;
    EXPECT_EQ(framed.size() - 6, journal_format::record_frame_size(c.sequence, c.timestamp,
                                                                   c.body.size()));
  }
}

// 8 threads append at once: every acknowledged sequence is distinct, the sequences have no gap,
// fewer commits than records happened (group commit), and a reopen replays each record once in
// sequence order with the body its thread appended.
void append_from_eight_threads(FsyncPolicy policy) {
  TempDir dir;
  JournalOptions options;
  options.fsync = policy;
  options.max_segment_bytes = 16 << 10;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  std::vector<std::vector<std::pair<uint64_t, std::string>>> acknowledged(kThreads);
  JournalStats stats;
  {
    auto journal = Journal::open(dir.path(), options);
    ASSERT_TRUE(journal) << journal.status().to_string();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          std::string body = "t" + std::to_string(t) + "-" + std::to_string(i);
          auto sequence = (*journal)->append(body);
          if (!sequence) {
            ADD_FAILURE() << sequence.status().to_string();
            return;
          }
          acknowledged[static_cast<size_t>(t)].emplace_back(*sequence, std::move(body));
        }
      });
    }
    for (auto& thread : threads) thread.join();
    stats = (*journal)->stats();
  }
  std::map<uint64_t, std::string> expected;
  for (const auto& per_thread : acknowledged) {
    uint64_t previous = 0;
    for (const auto& [sequence, body] : per_thread) {
      EXPECT_GT(sequence, previous) << "a thread's own appends are ordered";
      previous = sequence;
      EXPECT_TRUE(expected.emplace(sequence, body).second) << "sequence " << sequence << " twice";
    }
  }
  constexpr uint64_t kTotal = kThreads * kPerThread;
  ASSERT_EQ(expected.size(), kTotal);
  EXPECT_EQ(expected.begin()->first, 1u);
  EXPECT_EQ(expected.rbegin()->first, kTotal);
  EXPECT_EQ(stats.records, kTotal);
  EXPECT_LT(stats.commits, kTotal) << "concurrent appends should share commits";

  Replayed replayed;
  auto journal = open_collecting(dir.path(), options, replayed);
  ASSERT_TRUE(journal) << journal.status().to_string();
  ASSERT_EQ(replayed.sequences.size(), kTotal);
  size_t index = 0;
  for (const auto& [sequence, body] : expected) {
    EXPECT_EQ(replayed.sequences[index], sequence);
    EXPECT_EQ(replayed.bodies[index], body) << "sequence " << sequence;
    ++index;
  }
}

TEST(Journal, GroupCommitFromEightThreadsWithFsyncAlways) {
  append_from_eight_threads(FsyncPolicy::kAlways);
}

TEST(Journal, GroupCommitFromEightThreadsWithFsyncBatched) {
  append_from_eight_threads(FsyncPolicy::kBatched);
}

TEST(Journal, SnapshotThenReplayDeliversOnlyLaterRecordsAndDropsCoveredSegments) {
  TempDir dir;
  JournalOptions options;
  options.max_segment_bytes = 1024;
  {
    auto journal = Journal::open(dir.path(), options);
    ASSERT_TRUE(journal) << journal.status().to_string();
    for (uint64_t i = 1; i <= 200; ++i) ASSERT_TRUE((*journal)->append(body_for(i)));
    const size_t segments_before = testing::segment_files(dir.path()).size();
    ASSERT_TRUE((*journal)->write_snapshot("state after 50", 50).is_ok());
    ASSERT_TRUE((*journal)->write_snapshot("state after 150", 150).is_ok());
    const size_t segments_after = testing::segment_files(dir.path()).size();
    EXPECT_LT(segments_after, segments_before);
    EXPECT_GT(segments_after, 1u);
    for (uint64_t i = 201; i <= 210; ++i) ASSERT_TRUE((*journal)->append(body_for(i)));
  }
  size_t snapshots = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    snapshots += entry.path().extension() == ".snap" ? 1 : 0;
  }
  EXPECT_EQ(snapshots, 1u) << "the older snapshot is deleted";

  Replayed replayed;
  auto journal = open_collecting(dir.path(), options, replayed);
  ASSERT_TRUE(journal) << journal.status().to_string();
  EXPECT_EQ(replayed.snapshot_sequence, 150u);
  EXPECT_EQ(replayed.snapshot_state, "state after 150");
  ASSERT_EQ(replayed.sequences.size(), 60u);
  for (size_t i = 0; i < 60; ++i) {
    EXPECT_EQ(replayed.sequences[i], 151 + i);
    EXPECT_EQ(replayed.bodies[i], body_for(151 + i));
  }
  EXPECT_EQ((*journal)->recovery().snapshot_sequence, 150u);
  EXPECT_EQ((*journal)->recovery().records_replayed, 60u);
}

// The first sequence of each segment, from the file names.
std::vector<uint64_t> segment_firsts(const std::filesystem::path& dir) {
  std::vector<uint64_t> firsts;
  for (const auto& file : testing::segment_files(dir)) {
    firsts.push_back(std::stoull(file.filename().string().substr(8, 20)));
  }
  return firsts;
}

TEST(Journal, ASnapshotDeletesExactlyTheSegmentsItCovers) {
  TempDir dir;
  JournalOptions options;
  options.fsync = FsyncPolicy::kOff;
  options.max_segment_bytes = 512;
  auto journal = Journal::open(dir.path(), options);
  ASSERT_TRUE(journal);
  for (uint64_t i = 1; i <= 200; ++i) ASSERT_TRUE((*journal)->append(body_for(i)));
  const std::vector<uint64_t> firsts = segment_firsts(dir.path());
  ASSERT_GT(firsts.size(), 4u);
  ASSERT_EQ(firsts[0], 1u);
  // One short of the end of the second segment: only the first is wholly covered.
  ASSERT_TRUE((*journal)->write_snapshot("s", firsts[2] - 2).is_ok());
  EXPECT_EQ(segment_firsts(dir.path()).front(), firsts[1]);
  // The end of the second segment: now it goes too.
  ASSERT_TRUE((*journal)->write_snapshot("s", firsts[2] - 1).is_ok());
  EXPECT_EQ(segment_firsts(dir.path()).front(), firsts[2]);
  journal->reset();
  Replayed replayed;
  journal = open_collecting(dir.path(), options, replayed);
  ASSERT_TRUE(journal) << journal.status().to_string();
  ASSERT_FALSE(replayed.sequences.empty());
  EXPECT_EQ(replayed.sequences.front(), firsts[2]);
  EXPECT_EQ(replayed.sequences.back(), 200u);
}

TEST(Journal, SnapshotOfEverythingThenReopenContinuesTheSequence) {
  TempDir dir;
  JournalOptions options;
  {
    auto journal = Journal::open(dir.path(), options);
    ASSERT_TRUE(journal);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*journal)->append("x"));
    ASSERT_TRUE((*journal)->write_snapshot("all five", 5).is_ok());
  }
  Replayed replayed;
  auto journal = open_collecting(dir.path(), options, replayed);
  ASSERT_TRUE(journal) << journal.status().to_string();
  EXPECT_EQ(replayed.snapshot_sequence, 5u);
  EXPECT_TRUE(replayed.sequences.empty());
  auto next = (*journal)->append("sixth");
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 6u);
}

TEST(Journal, SnapshotBeyondTheLastAcknowledgedSequenceIsRefused) {
  TempDir dir;
  auto journal = Journal::open(dir.path(), {});
  ASSERT_TRUE(journal);
  ASSERT_TRUE((*journal)->append("one"));
  EXPECT_EQ((*journal)->write_snapshot("s", 2).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ((*journal)->write_snapshot("s", 0).code(), ErrorCode::kInvalidArgument);
}

TEST(Journal, ASecondOpenOfTheSameDirectoryIsRefused) {
  TempDir dir;
  auto first = Journal::open(dir.path(), {});
  ASSERT_TRUE(first);
  auto second = Journal::open(dir.path(), {});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.status().code(), ErrorCode::kFailedPrecondition);
  first->reset();
  EXPECT_TRUE(Journal::open(dir.path(), {})) << "the lock goes with the first journal";
}

TEST(Journal, AReplayCallbackErrorStopsOpen) {
  TempDir dir;
  {
    auto journal = Journal::open(dir.path(), {});
    ASSERT_TRUE(journal);
    ASSERT_TRUE((*journal)->append("one"));
  }
  RecoveryHandlers handlers;
  handlers.on_record = [](const JournalEntry&) {
    return Status::error(ErrorCode::kInvalidArgument, "engine refuses");
  };
  auto journal = Journal::open(dir.path(), {}, handlers);
  ASSERT_FALSE(journal);
  EXPECT_EQ(journal.status().message(), "engine refuses");
}

}  // namespace
}  // namespace gyrate::engine
