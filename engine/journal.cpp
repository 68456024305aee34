// The journal's append path (group commit by a leader among the waiting appenders), segment
// rotation and snapshots; start-up recovery is in journal_recovery.cpp.
#include "gyrate/engine/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "journal_format.hpp"
#include "journal_io.hpp"
#include "journal_segments.hpp"
#include "snapshot.hpp"

namespace gyrate::engine {
namespace fs = std::filesystem;
namespace format = journal_format;

namespace {

// The largest body that still fits a frame with the biggest possible sequence and timestamp.
constexpr size_t kMaxBodyBytes = format::kMaxPayloadBytes - 32;

}  // namespace

uint64_t Journal::now_micros() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Status Journal::check_body(std::string_view body) {
  if (body.size() <= kMaxBodyBytes) return Status::ok();
  return Status::error(ErrorCode::kInvalidArgument,
                       "journal record body of " + std::to_string(body.size()) +
                           " bytes exceeds " + std::to_string(kMaxBodyBytes));
}

// One appender waiting for its record's commit. It lives on the appender's stack, so queueing
// costs no allocation; the leader fills in `result` and sets `done` under mutex_.
struct Journal::Waiter {
  Waiter* next = nullptr;
  bool done = false;
  Status result = Status::ok();
};

Journal::Journal(fs::path dir, const JournalOptions& options)
    : dir_(std::move(dir)), options_(options) {}

Journal::~Journal() {
  stop_flusher();
  (void)unmap_segment();  // a tail it fails to cut is dropped as zeros at the next start-up
  if (segment_fd_ >= 0) ::close(segment_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Expected<std::unique_ptr<Journal>> Journal::open(const fs::path& dir, const JournalOptions& options,
                                                 const RecoveryHandlers& handlers) {
  if (options.max_segment_bytes < format::kFileHeaderBytes) {
    return Status::error(ErrorCode::kInvalidArgument, "max_segment_bytes is below a file header");
  }
  std::error_code error;
  const bool created = fs::create_directories(dir, error);
  if (error) {
    return Status::error(ErrorCode::kIo, "create journal directory " + dir.string() + ": " +
                                             error.message());
  }
  if (created && options.fsync != FsyncPolicy::kOff) {
    // The new directory's own entry must be durable too, or a crash could lose the whole journal.
    fs::path absolute = fs::absolute(dir);
    if (!absolute.has_filename()) absolute = absolute.parent_path();  // "a/b/" names "a/b"
    const fs::path parent = absolute.parent_path();
    if (Status status = journal_io::sync_directory(parent); !status.is_ok()) return status;
  }
  std::unique_ptr<Journal> journal(new Journal(dir, options));
  const fs::path lock_path = dir / "LOCK";
  journal->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (journal->lock_fd_ < 0) return journal_io::errno_status(errno, "open", lock_path);
  if (::flock(journal->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::error(ErrorCode::kFailedPrecondition,
                           "journal " + dir.string() + " is open in another Journal or process");
    }
    return journal_io::errno_status(errno, "flock", lock_path);
  }
  if (Status status = journal->recover(handlers); !status.is_ok()) return status;
  return journal;
}

// g++ 12 warns that append() leaves the address of its stack Waiter in pending_tail_. It does not:
// a waiter is done only after the leader has unlinked its batch from the pending list.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
Expected<uint64_t> Journal::append(std::string_view body) {
  if (Status status = check_body(body); !status.is_ok()) return status;
  const uint64_t timestamp = now_micros();
  if (options_.fsync == FsyncPolicy::kOff) return append_mapped(body, timestamp);
  std::unique_lock lock(mutex_);
  if (!poisoned_.is_ok()) return poisoned_;
  Waiter waiter;
  const uint64_t sequence = next_sequence_++;
  if (pending_.empty()) pending_first_sequence_ = sequence;
  format::append_record_frame(pending_, sequence, timestamp, body);
  (pending_tail_ != nullptr ? pending_tail_->next : pending_head_) = &waiter;
  pending_tail_ = &waiter;
  if (options_.fsync == FsyncPolicy::kBatched && pending_.size() >= options_.max_batch_bytes) {
    batch_ready_.notify_one();
  }
  // Whoever finds no commit under way commits everything queued, its own record included; the
  // others queue behind it and are acknowledged together by one write and one fdatasync.
  while (!waiter.done) {
    if (!leader_active_) {
      lead_commit(lock);
    } else {
      committed_.wait(lock);
    }
  }
  if (!waiter.result.is_ok()) return waiter.result;
  return sequence;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void Journal::lead_commit(std::unique_lock<std::mutex>& lock) {
  leader_active_ = true;
  if (options_.fsync == FsyncPolicy::kBatched && options_.batch_window.count() > 0) {
    batch_ready_.wait_for(lock, options_.batch_window,
                          [&] { return pending_.size() >= options_.max_batch_bytes; });
  }
  std::swap(pending_, writing_);  // writing_ was empty; both buffers keep their capacity
  Waiter* batch = pending_head_;
  pending_head_ = pending_tail_ = nullptr;
  const uint64_t first = pending_first_sequence_;
  const uint64_t last = next_sequence_ - 1;

  lock.unlock();
  bool poison = false;
  const Status status = write_batch(writing_, first, poison);
  lock.lock();

  if (status.is_ok()) {
    durable_sequence_ = last;
    stats_.records += last - first + 1;
    stats_.commits += 1;
    stats_.bytes += writing_.size();
  } else {
    // Records queued during the failed write carry later sequences and must not land after a
    // gap, so they fail too, and the failed sequences are handed out again.
    for (Waiter* w = pending_head_; w != nullptr; w = w->next) {
      w->result = status;
      w->done = true;
    }
    pending_head_ = pending_tail_ = nullptr;
    pending_.clear();
    next_sequence_ = durable_sequence_ + 1;
    if (poison || deferred_used_) poisoned_ = status;
  }
  for (Waiter* w = batch; w != nullptr; w = w->next) {
    w->result = status;
    w->done = true;
  }
  writing_.clear();
  leader_active_ = false;
  committed_.notify_all();
  flush_wanted_.notify_one();  // callbacks of deferred records this commit covered
}

Status Journal::write_batch(const std::string& batch, uint64_t first_sequence, bool& poison) {
  if (segment_bytes_ > format::kFileHeaderBytes &&
      segment_bytes_ + batch.size() > options_.max_segment_bytes) {
    if (Status status = start_segment(first_sequence); !status.is_ok()) return status;
  }
  if (Status status = journal_io::write_all(segment_fd_, batch, segment_bytes_, segment_path_);
      !status.is_ok()) {
    // Cut the partial write off so that the next commit does not land behind half a record.
    if (Status cut = journal_io::truncate_file(segment_fd_, segment_bytes_, segment_path_);
        !cut.is_ok()) {
      poison = true;
      return Status::error(status.code(), status.message() + "; then " + cut.message());
    }
    return status;
  }
  if (options_.fsync != FsyncPolicy::kOff) {
    if (Status status = journal_io::sync_data(segment_fd_, segment_path_); !status.is_ok()) {
      // After a failed fdatasync Linux may have dropped the dirty pages and will report success
      // next time: nothing written since the last good sync can be trusted any more.
      poison = true;
      return status;
    }
  }
  segment_bytes_ += batch.size();
  return Status::ok();
}

Status Journal::start_segment(uint64_t first_sequence) {
  // The segment being left must end at its last record: zeros between two segments' records
  // would read as corruption in the middle at start-up.
  if (Status status = unmap_segment(); !status.is_ok()) return status;
  const fs::path path = dir_ / journal_segments::file_name(first_sequence);
  const bool sync = options_.fsync != FsyncPolicy::kOff;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return journal_io::errno_status(errno, "create", path);
  struct stat info {};
  Status status = ::fstat(fd, &info) == 0 ? Status::ok()
                                          : journal_io::errno_status(errno, "stat", path);
  if (status.is_ok() && static_cast<uint64_t>(info.st_size) > format::kFileHeaderBytes) {
    status = Status::error(ErrorCode::kInternal,
                           "new journal segment " + path.string() + " already holds records");
  }
  if (status.is_ok()) {
    status = journal_io::write_all(fd, format::file_header(format::kSegmentMagic), 0, path);
  }
  if (status.is_ok()) status = journal_io::truncate_file(fd, format::kFileHeaderBytes, path);
  if (status.is_ok() && sync) status = journal_io::sync_data(fd, path);
  if (status.is_ok() && sync) status = journal_io::sync_directory(dir_);
  if (!status.is_ok()) {
    ::close(fd);
    // A half-made segment between two good ones would read as corruption at the next start-up.
    ::unlink(path.c_str());
    return status;
  }
  if (segment_fd_ >= 0) ::close(segment_fd_);
  segment_fd_ = fd;
  segment_path_ = path;
  segment_bytes_ = format::kFileHeaderBytes;
  file_bytes_ = segment_bytes_;
  std::lock_guard files(files_mutex_);
  if (segments_.empty() || segments_.back().first != first_sequence) {
    segments_.emplace_back(first_sequence, path);
  }
  return Status::ok();
}

Status Journal::open_active_segment(bool start_new) {
  if (start_new || segments_.empty()) return start_segment(next_sequence_);
  const auto& [first, path] = segments_.back();
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);  // read too: kOff maps it
  if (fd < 0) return journal_io::errno_status(errno, "open", path);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return journal_io::errno_status(error, "stat", path);
  }
  segment_fd_ = fd;
  segment_path_ = path;
  segment_bytes_ = static_cast<uint64_t>(info.st_size);
  file_bytes_ = segment_bytes_;
  return Status::ok();
}

Status Journal::write_snapshot(std::string_view state, uint64_t covered_sequence) {
  const uint64_t last = last_sequence();
  if (covered_sequence == 0 || covered_sequence > last) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "snapshot covers sequence " + std::to_string(covered_sequence) +
                             " but the journal's last acknowledged sequence is " +
                             std::to_string(last));
  }
  const bool sync = options_.fsync != FsyncPolicy::kOff;
  std::lock_guard one_at_a_time(snapshot_mutex_);
  if (Status status = snapshot::write(dir_, state, covered_sequence, now_micros(), sync);
      !status.is_ok()) {
    return status;
  }
  if (Status status = snapshot::remove_older(dir_, covered_sequence); !status.is_ok()) {
    return status;
  }
  // A segment's records all precede the next segment's first sequence, so it may go once that
  // is at most covered + 1. The active (last) segment always stays.
  std::vector<fs::path> covered_segments;
  {
    std::lock_guard files(files_mutex_);
    size_t removable = 0;
    while (removable + 1 < segments_.size() &&
           segments_[removable + 1].first <= covered_sequence + 1) {
      covered_segments.push_back(segments_[removable].second);
      ++removable;
    }
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(removable));
  }
  for (const fs::path& path : covered_segments) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return journal_io::errno_status(errno, "unlink", path);  // start-up skips what is left
    }
  }
  return sync && !covered_segments.empty() ? journal_io::sync_directory(dir_) : Status::ok();
}

JournalStats Journal::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

uint64_t Journal::last_sequence() const {
  std::lock_guard lock(mutex_);
  return durable_sequence_;
}

}  // namespace gyrate::engine
