// Helpers for the journal tests: a temporary directory, and opening a journal while collecting
// what it replays.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/engine/journal.hpp"

namespace gyrate::engine::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/gyrate-journal-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Replayed {
  uint64_t snapshot_sequence = 0;
  std::string snapshot_state;
  std::vector<uint64_t> sequences;
  std::vector<std::string> bodies;
};

// Opens `dir`, recording the snapshot and records it replays into `replayed`.
inline Expected<std::unique_ptr<Journal>> open_collecting(const std::filesystem::path& dir,
                                                          const JournalOptions& options,
                                                          Replayed& replayed) {
  replayed = Replayed{};
  RecoveryHandlers handlers;
  handlers.on_snapshot = [&](uint64_t covered, std::string_view state) {
    replayed.snapshot_sequence = covered;
    replayed.snapshot_state = std::string(state);
    return Status::ok();
  };
  handlers.on_record = [&](const JournalEntry& entry) {
    replayed.sequences.push_back(entry.sequence);
    replayed.bodies.emplace_back(entry.body);
    return Status::ok();
  };
  return Journal::open(dir, options, handlers);
}

inline std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The journal's segment files, oldest first.
inline std::vector<std::filesystem::path> segment_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("journal-") && name.ends_with(".log")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs `scenario` in a forked child; its exit code, or 128 + the signal that killed it.
inline int run_in_child(const std::function<int()>& scenario) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) _exit(scenario());
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The crash tests' reader: collects what a child writes to `fd` (its acknowledgements), SIGKILLs
// it `kill_after` from now (or, with `from_first_byte`, from its first acknowledgement, so a slow
// start-up does not eat the load), then reads what the pipe still holds until every writer is gone.
inline std::string read_until_killed(pid_t pid, int fd, std::chrono::milliseconds kill_after,
                                     bool from_first_byte) {
  using Clock = std::chrono::steady_clock;
  const auto give_up = Clock::now() + std::chrono::seconds(60);  // a child that never writes
  std::optional<Clock::time_point> kill_at;
  if (!from_first_byte) kill_at = Clock::now() + kill_after;
  std::string received;
  bool killed = false;
  for (;;) {
    const auto now = Clock::now();
    if (!kill_at && (!received.empty() || now > give_up)) kill_at = now + kill_after;
    if (!killed && kill_at && now >= *kill_at) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    pollfd poller{fd, POLLIN, 0};
    ::poll(&poller, 1, 5);
    if ((poller.revents & (POLLIN | POLLHUP)) == 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) received.append(buffer, static_cast<size_t>(n));
    if (n == 0) break;  // every writer is gone
  }
  return received;
}

}  // namespace gyrate::engine::testing
