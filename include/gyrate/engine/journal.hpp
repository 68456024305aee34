// The engine's durable journal: numbered, checksummed records in segment files plus snapshots,
// appended with group commit and replayed at start-up (format and rules: docs/engine.md).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gyrate/base/status.hpp"

namespace gyrate::engine {

// When an append counts as durable, i.e. when append() returns.
enum class FsyncPolicy : uint8_t {
  kAlways,   // after an fdatasync covering the record; concurrent appends share one (group commit)
  kBatched,  // the same guarantee, but a commit first waits up to batch_window for more records
  kOff,      // in the page cache only: survives a killed process, not a power cut. The record
             // is copied into the active segment mapped into memory (no system call per record)
};

struct JournalOptions {
  FsyncPolicy fsync = FsyncPolicy::kAlways;
  std::chrono::microseconds batch_window{2000};  // kBatched only
  size_t max_batch_bytes = 1 << 20;              // kBatched: commit early once this much waits
  size_t max_segment_bytes = 64 << 20;           // a new segment file starts past this size
  // Open despite a corrupt record in the middle of the journal: skip to the next valid record
  // and report what was skipped. Without it, such a record fails open() with kCorrupt.
  bool salvage = false;
};

// One record as replayed. `body` points into a buffer that lives only during the callback.
struct JournalEntry {
  uint64_t sequence = 0;
  uint64_t timestamp_micros = 0;
  std::string_view body;
};

// What open() delivers, in this order: the newest snapshot (if any), then every record after it.
// Either callback may return an error, which stops open() with that error.
struct RecoveryHandlers {
  std::function<Status(uint64_t covered_sequence, std::string_view state)> on_snapshot;
  std::function<Status(const JournalEntry&)> on_record;
};

// Bytes that salvage skipped: [offset, offset + length) of `file`.
struct SkippedRange {
  std::string file;
  uint64_t offset = 0;
  uint64_t length = 0;
};

// What start-up found and did. Warnings are for the operator's log (a torn tail dropped, a
// leftover temporary file removed, what salvage skipped).
struct RecoveryReport {
  uint64_t snapshot_sequence = 0;  // 0: no snapshot
  uint64_t records_replayed = 0;   // records after the snapshot, delivered to on_record
  uint64_t last_sequence = 0;      // the newest durable sequence (snapshot or record)
  uint64_t torn_bytes_dropped = 0;
  std::vector<SkippedRange> skipped;
  std::vector<std::string> warnings;
};

// Counters for tests and benchmarks.
struct JournalStats {
  uint64_t records = 0;  // acknowledged appends
  uint64_t commits = 0;  // write(2) batches; with kAlways/kBatched each is one fdatasync
  uint64_t bytes = 0;    // framed bytes written
};

class Journal {
 public:
  // Opens (or creates) the journal in `dir`, replays it into `handlers` and truncates a torn tail.
  // Only one Journal may hold a directory at a time (an flock on dir/LOCK).
  static Expected<std::unique_ptr<Journal>> open(const std::filesystem::path& dir,
                                                 const JournalOptions& options,
                                                 const RecoveryHandlers& handlers = {});
  // Destroy only when no append() or write_snapshot() is running.
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends one record and returns its sequence once it is durable per the fsync policy.
  // Thread-safe. On failure nothing is acknowledged: ENOSPC, EDQUOT or EFBIG give
  // kResourceExhausted, other I/O errors kIo. After a failed write the segment is cut back to its
  // last committed byte and later appends may succeed; after a failed fdatasync the journal
  // refuses every later append (the kernel may have dropped the unsynced pages) until reopened.
  Expected<uint64_t> append(std::string_view body);

  // Deferred acknowledgement (journal_deferred.cpp), for a server that must not block a thread
  // per request on an fdatasync: append_deferred() queues the record and returns its sequence at
  // once; a background thread commits whatever is queued, so one write and one fdatasync cover
  // every record in flight. The caller lets nothing that depends on the record out (an answer)
  // until when_durable() says so. With kOff it is append(). A failed commit of a deferred record
  // refuses every later append until the journal is reopened: the caller's memory already holds
  // the change the journal lost, so going on would answer from a state the disk does not have.
  Expected<uint64_t> append_deferred(std::string_view body);
  // The newest sequence handed out, durable or still queued.
  uint64_t appended_sequence() const;
  bool is_durable(uint64_t sequence) const;
  // Calls `done` once every record up to `sequence` is durable (at once if it is), or with the
  // error that means it never will be. Called on the committing thread, in order of (sequence,
  // registration), one after another: keep it short.
  void when_durable(uint64_t sequence, std::function<void(const Status&)> done);

  // Writes `state`, the engine's state after every record up to `covered_sequence`, as the new
  // snapshot (atomically: temporary file, fsync, rename, fsync of the directory), then deletes
  // older snapshots and every segment whose records are all covered. `covered_sequence` must not
  // exceed the last acknowledged sequence.
  Status write_snapshot(std::string_view state, uint64_t covered_sequence);

  // Reads the records after sequence `after` up to `last` (at most last_sequence()) back from
  // the segments on disk, oldest first; records a snapshot let go of are gone. Damage is
  // skipped as start-up's salvage does. Not concurrent with write_snapshot().
  Status read_records(uint64_t after, uint64_t last,
                      const std::function<Status(const JournalEntry&)>& fn) const;

  const RecoveryReport& recovery() const { return recovery_; }
  JournalStats stats() const;
  uint64_t last_sequence() const;  // the newest acknowledged sequence
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Waiter;
  Journal(std::filesystem::path dir, const JournalOptions& options);
  Status recover(const RecoveryHandlers& handlers);
  void lead_commit(std::unique_lock<std::mutex>& lock);
  Status write_batch(const std::string& batch, uint64_t first_sequence, bool& poison);
  Status start_segment(uint64_t first_sequence);
  Status open_active_segment(bool start_new);
  // FsyncPolicy::kOff (journal_mapped.cpp): each appender copies its record into the mapped
  // segment under mutex_; no leader, no waiting.
  Expected<uint64_t> append_mapped(std::string_view body, uint64_t timestamp_micros);
  Status reserve_mapped(uint64_t first_sequence, size_t frame_bytes);
  Status unmap_segment();  // cuts the preallocated tail off the active segment and unmaps it
  static uint64_t now_micros();
  static Status check_body(std::string_view body);  // kInvalidArgument past the largest frame
  // The background committer of deferred records (journal_deferred.cpp).
  void flush_loop();
  void stop_flusher();
  struct DurableCallback {
    uint64_t sequence = 0;
    uint64_t order = 0;  // registration order: ties run first come, first served
    std::function<void(const Status&)> done;
  };

  const std::filesystem::path dir_;
  const JournalOptions options_;
  RecoveryReport recovery_;
  int lock_fd_ = -1;

  // Only the committing leader touches the active segment (one leader at a time, so no lock).
  int segment_fd_ = -1;
  std::filesystem::path segment_path_;
  uint64_t segment_bytes_ = 0;  // committed bytes in the active segment, header included
  // kOff: the active segment mapped (map_bytes_ of address space, from offset 0) and its size on
  // disk, which runs ahead of segment_bytes_ by space allocated for records to come.
  char* map_ = nullptr;
  size_t map_bytes_ = 0;
  uint64_t file_bytes_ = 0;

  std::mutex snapshot_mutex_;  // one write_snapshot at a time
  mutable std::mutex files_mutex_;  // segments_ (held briefly: the leader takes it when rotating)
  std::vector<std::pair<uint64_t, std::filesystem::path>> segments_;  // first sequence, file

  mutable std::mutex mutex_;
  std::condition_variable committed_;    // a commit finished: waiters check their own slot
  std::condition_variable batch_ready_;  // kBatched: enough bytes wait, commit now
  std::string pending_;                  // framed records not yet written, in sequence order
  std::string writing_;                  // the batch the leader is writing (buffers swap, reused)
  Waiter* pending_head_ = nullptr;       // waiters of pending_, oldest first
  Waiter* pending_tail_ = nullptr;
  uint64_t pending_first_sequence_ = 0;
  uint64_t next_sequence_ = 1;
  uint64_t durable_sequence_ = 0;
  bool leader_active_ = false;
  Status poisoned_ = Status::ok();  // set after a failed fdatasync
  // Deferred acknowledgement: callbacks waiting for durability (a min-heap by sequence), the
  // committer thread and what wakes it (a queued record, a commit by another leader, stop).
  std::vector<DurableCallback> callbacks_;
  bool delivering_ = false;  // the flusher runs callbacks it took off callbacks_ (unlocked)
  std::condition_variable flush_wanted_;
  std::thread flusher_;
  uint64_t next_callback_order_ = 0;
  bool deferred_used_ = false;  // a failed commit then poisons (sequences were handed out)
  bool stopping_ = false;
  JournalStats stats_;
};

}  // namespace gyrate::engine
