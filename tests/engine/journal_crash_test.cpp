// The crash test: a child process appends from several threads with fsync always and reports each
// acknowledged record through a pipe; the test SIGKILLs it at a random moment, recovers, and checks
// that the journal holds exactly the acknowledged records plus at most each thread's one record in
// flight, over several rounds on the same journal.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "gyrate/engine/journal.hpp"
#include "journal_test_support.hpp"

namespace gyrate::engine {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

constexpr uint32_t kThreads = 4;
constexpr uint32_t kRounds = 12;
constexpr uint64_t kSnapshotEvery = 100;  // acknowledgements between the child's snapshots

// What a thread appends: its round, its number and its own counter, so that the test can tell
// every record apart and knows each thread's records come in counter order.
std::string body_text(uint32_t round, uint32_t thread, uint64_t index) {
  return "r" + std::to_string(round) + " t" + std::to_string(thread) + " n" + std::to_string(index);
}

struct Ack {  // one pipe message; 24 bytes, so each write(2) to the pipe is atomic
  uint64_t sequence;
  uint32_t round;
  uint32_t thread;
  uint64_t index;
};

// The full history of bodies by sequence, from the snapshot (a list of length-prefixed bodies)
// and the records after it.
struct History {
  std::vector<std::string> bodies;  // bodies[s - 1] is the record of sequence s

  std::string encode(size_t count) const {
    std::string state;
    for (size_t i = 0; i < count; ++i) {
      const uint32_t size = static_cast<uint32_t>(bodies[i].size());
      state.append(reinterpret_cast<const char*>(&size), sizeof size);
      state.append(bodies[i]);
    }
    return state;
  }

  RecoveryHandlers handlers() {
    RecoveryHandlers h;
    h.on_snapshot = [this](uint64_t covered, std::string_view state) {
      bodies.clear();
      while (state.size() >= 4) {
        uint32_t size = 0;
        std::memcpy(&size, state.data(), 4);
        if (state.size() - 4 < size) break;
        bodies.emplace_back(state.substr(4, size));
        state.remove_prefix(4 + size);
      }
      if (!state.empty() || bodies.size() != covered) {
        return Status::error(ErrorCode::kCorrupt, "snapshot state does not decode");
      }
      return Status::ok();
    };
    h.on_record = [this](const JournalEntry& entry) {
      if (entry.sequence != bodies.size() + 1) {
        return Status::error(ErrorCode::kCorrupt, "record " + std::to_string(entry.sequence) +
                                                      " after " + std::to_string(bodies.size()));
      }
      bodies.emplace_back(entry.body);
      return Status::ok();
    };
    return h;
  }
};

JournalOptions crash_options(FsyncPolicy fsync) {
  JournalOptions options;
  options.fsync = fsync;
  options.max_segment_bytes = 4096;  // rotations and segment deletions happen under the kill too
  return options;
}

// The child: recover, then append from kThreads threads until killed. Thread 0 also writes a
// snapshot of the acknowledged prefix every kSnapshotEvery acknowledgements.
[[noreturn]] void run_child(const fs::path& dir, uint32_t round, int pipe_fd, FsyncPolicy fsync) {
  History history;
  auto journal = Journal::open(dir, crash_options(fsync), history.handlers());
  if (!journal) {
    std::fprintf(stderr, "child: open failed: %s\n", journal.status().to_string().c_str());
    _exit(2);
  }
  std::mutex mutex;
  std::map<uint64_t, std::string> acknowledged_after;  // acknowledged, not yet in history
  uint64_t snapshot_covered = history.bodies.size();
  auto worker = [&](uint32_t thread) {
    for (uint64_t index = 0;; ++index) {
      std::string body = body_text(round, thread, index);
      auto sequence = (*journal)->append(body);
      if (!sequence) {
        std::fprintf(stderr, "child: append failed: %s\n", sequence.status().to_string().c_str());
        _exit(3);
      }
      std::string state;
      uint64_t covered = 0;
      {
        std::lock_guard lock(mutex);
        acknowledged_after.emplace(*sequence, std::move(body));
        while (!acknowledged_after.empty() &&
               acknowledged_after.begin()->first == history.bodies.size() + 1) {
          history.bodies.push_back(std::move(acknowledged_after.begin()->second));
          acknowledged_after.erase(acknowledged_after.begin());
        }
        if (thread == 0 && history.bodies.size() >= snapshot_covered + kSnapshotEvery) {
          covered = history.bodies.size();
          state = history.encode(covered);
          snapshot_covered = covered;
        }
      }
      const Ack ack{*sequence, round, thread, index};
      if (::write(pipe_fd, &ack, sizeof ack) != static_cast<ssize_t>(sizeof ack)) _exit(4);
      if (covered > 0) {
        if (Status status = (*journal)->write_snapshot(state, covered); !status.is_ok()) {
          std::fprintf(stderr, "child: snapshot failed: %s\n", status.to_string().c_str());
          _exit(5);
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& thread : threads) thread.join();
  _exit(6);  // unreachable: the workers never stop
}

uint64_t crash_seed() {
  if (const char* text = std::getenv("GYRATE_CRASH_SEED")) return std::strtoull(text, nullptr, 10);
  return 20261201;
}

void sigkill_under_load(FsyncPolicy fsync) {
  const uint64_t seed = crash_seed();
  std::printf("crash test seed %" PRIu64 " (set GYRATE_CRASH_SEED to replay another)\n", seed);
  std::mt19937_64 random(seed);
  TempDir dir;
  std::map<uint64_t, std::string> acknowledged;  // every round's, by sequence
  uint64_t total_torn_bytes = 0;

  for (uint32_t round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      run_child(dir.path(), round, fds[1], fsync);
    }
    ::close(fds[1]);

    // Read acknowledgements until a random moment, kill, then read what the pipe still holds.
    const std::string received = testing::read_until_killed(
        pid, fds[0], std::chrono::milliseconds(30 + random() % 300), false);
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child stopped by itself, exit code " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    ASSERT_EQ(received.size() % sizeof(Ack), 0u);

    uint64_t round_acks = 0;
    for (size_t at = 0; at < received.size(); at += sizeof(Ack)) {
      Ack ack{};
      std::memcpy(&ack, received.data() + at, sizeof ack);
      EXPECT_TRUE(acknowledged.emplace(ack.sequence, body_text(ack.round, ack.thread, ack.index))
                      .second)
          << "sequence " << ack.sequence << " acknowledged twice";
      ++round_acks;
    }

    // Recover as the engine would, and compare with what the child was told was committed.
    History history;
    auto journal = Journal::open(dir.path(), crash_options(fsync), history.handlers());
    ASSERT_TRUE(journal) << journal.status().to_string();
    const RecoveryReport& report = (*journal)->recovery();
    EXPECT_TRUE(report.skipped.empty());
    for (const std::string& warning : report.warnings) {
      EXPECT_TRUE(warning.starts_with("dropped a torn tail") ||
                  warning.starts_with("removed journal segment") ||
                  warning.starts_with("removed the unfinished temporary file"))
          << warning;
    }
    total_torn_bytes += report.torn_bytes_dropped;
    for (const auto& [sequence, body] : acknowledged) {
      ASSERT_LE(sequence, history.bodies.size()) << "acknowledged record " << sequence << " lost";
      ASSERT_EQ(history.bodies[sequence - 1], body) << "sequence " << sequence;
    }
    // Each thread's records appear once, in counter order, and all but its last were
    // acknowledged: nothing unknown is in the journal beyond the records in flight at the kill.
    std::map<std::pair<uint32_t, uint32_t>, std::pair<uint64_t, uint64_t>> next_and_last;
    for (uint64_t sequence = 1; sequence <= history.bodies.size(); ++sequence) {
      unsigned r = 0, t = 0;
      unsigned long long index = 0;
      ASSERT_EQ(std::sscanf(history.bodies[sequence - 1].c_str(), "r%u t%u n%llu", &r, &t, &index),
                3)
          << history.bodies[sequence - 1];
      auto& [next_index, last_sequence] = next_and_last[{r, t}];
      ASSERT_EQ(index, next_index) << "sequence " << sequence << ": " << history.bodies[sequence - 1];
      if (next_index > 0) {
        EXPECT_TRUE(acknowledged.count(last_sequence))
            << "record " << last_sequence << " is followed by its thread's next one, so it must "
            << "have been acknowledged";
      }
      next_index = index + 1;
      last_sequence = sequence;
    }
    std::printf("round %u: killed after %" PRIu64 " acknowledgements; %zu records recovered, "
                "snapshot at %" PRIu64 ", %" PRIu64 " torn bytes dropped\n",
                round, round_acks, history.bodies.size(), report.snapshot_sequence,
                report.torn_bytes_dropped);
  }
  EXPECT_GT(acknowledged.size(), kRounds * 10u) << "the child barely ran; the test proves little";
  std::printf("%zu acknowledged records over %u rounds, %" PRIu64 " torn bytes dropped in all\n",
              acknowledged.size(), kRounds, total_torn_bytes);
}

TEST(DurabilityCrash, SigkillUnderLoadLosesNoAcknowledgedRecordAndDoublesNone) {
  sigkill_under_load(FsyncPolicy::kAlways);
}

// fsync off: records copied into the mapped segment are in the page cache, which a killed
// process leaves behind; the active segment ends in zeros allocated ahead.
TEST(DurabilityCrash, WithFsyncOffSigkillUnderLoadLosesNoAcknowledgedRecordAndDoublesNone) {
  sigkill_under_load(FsyncPolicy::kOff);
}

}  // namespace
}  // namespace gyrate::engine
