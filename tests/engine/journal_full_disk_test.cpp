// The journal when the disk fills up: a clear kResourceExhausted, nothing committed is lost, the
// failed record is never replayed, and appends succeed again once there is room.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <functional>

#include "gyrate/engine/journal.hpp"
#include "journal_test_support.hpp"

namespace gyrate::engine {
namespace {

namespace fs = std::filesystem;
using testing::Replayed;
using testing::run_in_child;
using testing::TempDir;

constexpr int kCannotRun = 77;  // the child could not set up the full disk here

#define CHILD_CHECK(condition, what)                                           \
  do {                                                                         \
    if (!(condition)) {                                                        \
      std::fprintf(stderr, "child: %s failed: %s\n", #condition, (what).c_str()); \
      return 1;                                                                \
    }                                                                          \
  } while (0)

std::string body_for(int i) { return std::to_string(i) + std::string(1000, 'a' + i % 26); }
std::string short_body(int i) { return std::to_string(i) + " short"; }

// Appends 1000-byte records until one fails, then checks the failure, makes room with
// `make_room`, appends once more, and reopens: exactly the acknowledged records come back.
int fill_then_recover(const fs::path& dir, const std::string& expected_reason,
                      const std::function<bool()>& make_room,
                      FsyncPolicy fsync = FsyncPolicy::kAlways) {
  JournalOptions options;
  options.fsync = fsync;
  int acknowledged = 0;
  {
    auto journal = Journal::open(dir, options);
    CHILD_CHECK(journal, journal.status().to_string());
    Expected<uint64_t> result = uint64_t{0};
    while (acknowledged < 1000 && (result = (*journal)->append(body_for(acknowledged + 1)))) {
      ++acknowledged;
      CHILD_CHECK(*result == static_cast<uint64_t>(acknowledged), std::to_string(*result));
    }
    CHILD_CHECK(!result, std::string("the disk never filled up"));
    CHILD_CHECK(acknowledged > 0, std::string("nothing fitted at all"));
    const Status failure = result.status();
    CHILD_CHECK(failure.code() == ErrorCode::kResourceExhausted, failure.to_string());
    CHILD_CHECK(failure.message().find(expected_reason) != std::string::npos, failure.to_string());
    std::fprintf(stderr, "child: %d records fitted, then: %s\n", acknowledged,
                 failure.to_string().c_str());

    // Still full: the same record fails again, the same way (the journal is not wedged).
    result = (*journal)->append(body_for(acknowledged + 1));
    CHILD_CHECK(!result && result.status().code() == ErrorCode::kResourceExhausted,
                std::string("a second append on a full disk"));

    // A shorter record next: had the failed write's partial bytes stayed in the file, they
    // would now trail it and read as damage at the next start-up.
    CHILD_CHECK(make_room(), std::string("could not make room"));
    result = (*journal)->append(short_body(acknowledged + 1));
    CHILD_CHECK(result, result.status().to_string());
    ++acknowledged;
    CHILD_CHECK(*result == static_cast<uint64_t>(acknowledged),
                "the failed sequence is handed out again, got " + std::to_string(*result));
  }
  Replayed replayed;
  auto journal = testing::open_collecting(dir, options, replayed);
  CHILD_CHECK(journal, journal.status().to_string());
  CHILD_CHECK((*journal)->recovery().warnings.empty(), (*journal)->recovery().warnings.at(0));
  CHILD_CHECK(replayed.bodies.size() == static_cast<size_t>(acknowledged),
              std::to_string(replayed.bodies.size()) + " records replayed");
  for (int i = 0; i < acknowledged; ++i) {
    CHILD_CHECK(replayed.sequences[static_cast<size_t>(i)] == static_cast<uint64_t>(i + 1) &&
                    replayed.bodies[static_cast<size_t>(i)] ==
                        (i + 1 == acknowledged ? short_body(i + 1) : body_for(i + 1)),
                "record " + std::to_string(i + 1));
  }
  return 0;
}

TEST(DurabilityFullDisk, AFullFileSystemIsResourceExhaustedAndLosesNothingCommitted) {
  TempDir dir;
  const int code = run_in_child([&] {
    // A private mount namespace: the 64 KiB tmpfs vanishes with this process.
    if (::unshare(CLONE_NEWNS) != 0) return kCannotRun;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return kCannotRun;
    if (::mount("tmpfs", dir.path().c_str(), "tmpfs", 0, "size=64k") != 0) return kCannotRun;
    const fs::path filler = dir.path() / "filler";
    testing::write_bytes(filler, std::string(16 << 10, 'f'));  // freed later to make room
    return fill_then_recover(dir.path() / "journal", "No space left on device",
                             [&] { return fs::remove(filler); });
  });
  if (code == kCannotRun) {
    GTEST_SKIP() << "cannot mount a tmpfs in a private mount namespace here (needs root); "
                    "FileSizeLimit covers the same failure path with EFBIG";
  }
  EXPECT_EQ(code, 0);
}

// RLIMIT_FSIZE makes write(2) fail with EFBIG past the limit: the same path as a full disk,
// available without privileges. With fsync off the segment is mapped and grows by
// posix_fallocate, which fails the same way.
int fill_under_file_size_limit(const fs::path& dir, FsyncPolicy fsync) {
  return run_in_child([&] {
    std::signal(SIGXFSZ, SIG_IGN);  // else the kernel kills the writer instead of failing write(2)
    rlimit limit{};
    if (::getrlimit(RLIMIT_FSIZE, &limit) != 0) return kCannotRun;
    const rlimit small{20000, limit.rlim_max};
    if (::setrlimit(RLIMIT_FSIZE, &small) != 0) return kCannotRun;
    return fill_then_recover(dir / "journal", "File too large",
                             [&] { return ::setrlimit(RLIMIT_FSIZE, &limit) == 0; }, fsync);
  });
}

TEST(DurabilityFullDisk, AFileSizeLimitIsResourceExhaustedAndLosesNothingCommitted) {
  TempDir dir;
  const int code = fill_under_file_size_limit(dir.path(), FsyncPolicy::kAlways);
  ASSERT_NE(code, kCannotRun);
  EXPECT_EQ(code, 0);
}

TEST(DurabilityFullDisk, WithFsyncOffAFileSizeLimitIsResourceExhaustedAndLosesNothingCommitted) {
  TempDir dir;
  const int code = fill_under_file_size_limit(dir.path(), FsyncPolicy::kOff);
  ASSERT_NE(code, kCannotRun);
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace gyrate::engine
