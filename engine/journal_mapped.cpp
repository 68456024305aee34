// The journal's append path with fsync off: records are copied into the active segment mapped
// into memory. The page cache holds them as soon as the copy ends, so a killed process loses
// nothing acknowledged, and no record pays a system call (one write(2) per record cost more than
// the engine's whole decision on a paravirtualised VM, docs/benchmarks.md).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "gyrate/engine/journal.hpp"
#include "journal_format.hpp"
#include "journal_io.hpp"

namespace gyrate::engine {
namespace format = journal_format;

namespace {

// The file grows by this much at a time: one allocation per several thousand records, and a
// whole huge page.
constexpr uint64_t kHugeBytes = 2 << 20;
constexpr uint64_t kGrowBytes = kHugeBytes;
constexpr uint64_t kPrefetchBytes = 512;  // about two records

uint64_t round_up(uint64_t value, uint64_t unit) { return (value + unit - 1) / unit * unit; }

uint64_t page_bytes() { return static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)); }

}  // namespace

Expected<uint64_t> Journal::append_mapped(std::string_view body, uint64_t timestamp_micros) {
  std::lock_guard lock(mutex_);
  if (!poisoned_.is_ok()) return poisoned_;
  const uint64_t sequence = next_sequence_;
  const size_t size = format::record_frame_size(sequence, timestamp_micros, body.size());
  if (Status status = reserve_mapped(sequence, size); !status.is_ok()) return status;
  format::write_record_frame(map_ + segment_bytes_, sequence, timestamp_micros, body);
  segment_bytes_ += size;
  // The next records' lines, fetched for writing now, so that their copy does not wait on them.
  for (uint64_t ahead = 0; ahead < kPrefetchBytes && segment_bytes_ + ahead < file_bytes_;
       ahead += 64) {
    __builtin_prefetch(map_ + segment_bytes_ + ahead, 1);
  }
  next_sequence_ = sequence + 1;
  durable_sequence_ = sequence;
  stats_.records += 1;
  stats_.commits += 1;
  stats_.bytes += size;
  return sequence;
}

// Makes room for `frame_bytes` after segment_bytes_: a new segment past max_segment_bytes, a
// mapping, and allocated blocks (posix_fallocate, so a full disk is an error here and never a
// SIGBUS when the copy touches a page the file system cannot back).
Status Journal::reserve_mapped(uint64_t first_sequence, size_t frame_bytes) {
  if (segment_bytes_ > format::kFileHeaderBytes &&
      segment_bytes_ + frame_bytes > options_.max_segment_bytes) {
    if (Status status = start_segment(first_sequence); !status.is_ok()) return status;
  }
  const uint64_t page = page_bytes();
  if (map_ == nullptr) {
    // Room for the largest segment the rotation rule allows: a full one, or one huge record.
    const uint64_t largest = std::max<uint64_t>(
        options_.max_segment_bytes,
        format::kFileHeaderBytes + format::kFrameHeaderBytes + format::kMaxPayloadBytes + 32);
    const size_t bytes = round_up(largest, kHugeBytes);
    // At an address aligned for huge pages: the page cache's large folios then map with one
    // entry per 2 MiB, and a page's first write (dear on a VM) comes once per 2 MiB, not 4 KiB.
    void* space = ::mmap(nullptr, bytes + kHugeBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (space == MAP_FAILED) return journal_io::errno_status(errno, "mmap", segment_path_);
    const uintptr_t base = reinterpret_cast<uintptr_t>(space);
    const uintptr_t aligned = round_up(base, kHugeBytes);
    void* at = ::mmap(reinterpret_cast<void*>(aligned), bytes, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_FIXED, segment_fd_, 0);
    if (at == MAP_FAILED) {
      const int error = errno;
      ::munmap(space, bytes + kHugeBytes);
      return journal_io::errno_status(error, "mmap", segment_path_);
    }
    // Give back the unaligned ends of the reservation.
    if (aligned > base) ::munmap(space, aligned - base);
    ::munmap(reinterpret_cast<void*>(aligned + bytes), base + kHugeBytes - aligned);
#ifdef MADV_HUGEPAGE
    (void)::madvise(at, bytes, MADV_HUGEPAGE);  // a hint; without it 4 KiB pages work too
#endif
    map_ = static_cast<char*>(at);
    map_bytes_ = bytes;
  }
  const uint64_t end = segment_bytes_ + frame_bytes;
  if (end <= file_bytes_) return Status::ok();
  if (end > map_bytes_) {
    return Status::error(ErrorCode::kInternal, "journal record past the mapped segment " +
                                                   segment_path_.string());
  }
  // Grow by kGrowBytes, within what this segment may reach; when that much does not fit, by the
  // pages this record needs.
  const uint64_t needed = round_up(end, page);
  const uint64_t cap = std::max(round_up(options_.max_segment_bytes, page), needed);
  const uint64_t grow = std::min(round_up(end, kGrowBytes), cap);
  uint64_t target = grow;
  int error = ::posix_fallocate(segment_fd_, static_cast<off_t>(file_bytes_),
                                static_cast<off_t>(target - file_bytes_));
  if (error != 0 && grow > needed) {
    target = needed;
    error = ::posix_fallocate(segment_fd_, static_cast<off_t>(file_bytes_),
                              static_cast<off_t>(target - file_bytes_));
  }
  if (error != 0) return journal_io::errno_status(error, "allocate", segment_path_);
  // Fault the new pages in, writable, with one call: else the copies take one page fault per
  // page (about fifteen records), dear on a VM. Only an optimisation: on a kernel without
  // MADV_POPULATE_WRITE (before 5.14) the copies fault them in.
  const uint64_t from = file_bytes_ / page * page;
#ifdef MADV_POPULATE_WRITE
  (void)::madvise(map_ + from, target - from, MADV_POPULATE_WRITE);
#endif
  file_bytes_ = target;
  return Status::ok();
}

Status Journal::unmap_segment() {
  if (map_ != nullptr) {
    ::munmap(map_, map_bytes_);
    map_ = nullptr;
    map_bytes_ = 0;
  }
  if (segment_fd_ < 0 || file_bytes_ <= segment_bytes_) return Status::ok();
  if (Status status = journal_io::truncate_file(segment_fd_, segment_bytes_, segment_path_);
      !status.is_ok()) {
    return status;
  }
  file_bytes_ = segment_bytes_;
  return Status::ok();
}

}  // namespace gyrate::engine
