// Journal start-up: load the newest snapshot, replay the segments after it, drop a torn tail,
// stop at (or, with salvage, skip) corruption in the middle.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "gyrate/engine/journal.hpp"
#include "gyrate/journal.pb.h"
#include "journal_format.hpp"
#include "journal_io.hpp"
#include "journal_segments.hpp"
#include "snapshot.hpp"

namespace gyrate::engine {
namespace fs = std::filesystem;
namespace format = journal_format;

namespace {

// A frame at `offset` that holds a gyrate.journal.Record with a sequence after `after`.
bool read_record(std::string_view data, size_t offset, uint64_t after,
                 gyrate::journal::Record& record, size_t& frame_size) {
  const format::Frame frame = format::read_frame(data, offset);
  if (frame.kind != format::Frame::Kind::kValid) return false;
  if (!record.ParseFromArray(frame.payload.data(), static_cast<int>(frame.payload.size()))) {
    return false;
  }
  if (record.sequence() <= after) return false;
  frame_size = frame.size;
  return true;
}

// Why the bytes at `offset` are not the next record, for the operator.
std::string describe_damage(std::string_view data, size_t offset, uint64_t previous) {
  const format::Frame frame = format::read_frame(data, offset);
  switch (frame.kind) {
    case format::Frame::Kind::kTruncated: return "the record is cut short";
    case format::Frame::Kind::kInvalid: return "bad length or CRC mismatch";
    case format::Frame::Kind::kValid: break;
  }
  gyrate::journal::Record record;
  if (!record.ParseFromArray(frame.payload.data(), static_cast<int>(frame.payload.size()))) {
    return "the payload is not a gyrate.journal.Record";
  }
  return "sequence " + std::to_string(record.sequence()) + " does not follow " +
         std::to_string(previous);
}

// The offset of the first record at or after `from` with a sequence after `after`.
std::optional<size_t> find_record(std::string_view data, size_t from, uint64_t after) {
  gyrate::journal::Record record;
  size_t frame_size = 0;
  for (size_t offset = from; offset + format::kFrameHeaderBytes < data.size(); ++offset) {
    if (read_record(data, offset, after, record, frame_size)) return offset;
  }
  return std::nullopt;
}

Status truncate_segment(const fs::path& path, uint64_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return journal_io::errno_status(errno, "open", path);
  Status status = journal_io::truncate_file(fd, size, path);
  if (status.is_ok()) status = journal_io::sync_data(fd, path);
  ::close(fd);
  return status;
}

}  // namespace

Status Journal::recover(const RecoveryHandlers& handlers) {
  RecoveryReport& report = recovery_;
  const bool salvage = options_.salvage;

  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir_, error)) {
    if (entry.path().extension() == ".tmp") {
      // A snapshot that a crash interrupted before its rename: the previous snapshot stands.
      fs::remove(entry.path(), error);
      report.warnings.push_back("removed the unfinished temporary file " + entry.path().string());
    }
  }

  Expected<snapshot::Loaded> loaded = snapshot::load_newest(dir_, salvage, report.warnings);
  if (!loaded) return loaded.status();
  const uint64_t covered = loaded->covered_sequence;
  report.snapshot_sequence = covered;
  if (covered > 0 && handlers.on_snapshot) {
    if (Status status = handlers.on_snapshot(covered, loaded->state); !status.is_ok()) {
      return status;
    }
  }
  loaded->state = std::string();

  const auto files = journal_io::numbered_files(dir_, journal_segments::kPrefix,
                                                journal_segments::kSuffix);
  uint64_t previous = 0;  // the last sequence read, snapshot-covered or not
  bool skipped_any = false;
  std::vector<std::pair<uint64_t, fs::path>> kept;

  // Whether any later segment holds a record after `previous`: then damage is not a torn tail.
  auto later_segment_has_record = [&](size_t index) -> Expected<bool> {
    for (size_t later = index + 1; later < files.size(); ++later) {
      Expected<std::string> bytes = journal_io::read_file(files[later].second);
      if (!bytes) return bytes.status();
      if (format::check_file_header(*bytes, format::kSegmentMagic) == format::HeaderState::kValid &&
          find_record(*bytes, format::kFileHeaderBytes, previous)) {
        return true;
      }
    }
    return false;
  };

  for (size_t index = 0; index < files.size(); ++index) {
    const fs::path& path = files[index].second;
    const bool last_file = index + 1 == files.size();
    Expected<std::string> bytes = journal_io::read_file(path);
    if (!bytes) return bytes.status();
    const std::string_view data = *bytes;

    const format::HeaderState header = format::check_file_header(data, format::kSegmentMagic);
    if (header == format::HeaderState::kShort && last_file) {
      // A crash while a new segment was being created: it never held a record.
      if (::unlink(path.c_str()) != 0) return journal_io::errno_status(errno, "unlink", path);
      if (Status status = journal_io::sync_directory(dir_); !status.is_ok()) return status;
      report.warnings.push_back("removed journal segment " + path.string() +
                                " with an incomplete header (" + std::to_string(data.size()) +
                                " bytes), left by a crash while it was created");
      continue;
    }
    kept.push_back(files[index]);
    if (header != format::HeaderState::kValid) {
      const std::string message = "journal segment " + path.string() + " is corrupt at byte offset 0: " +
                                  (header == format::HeaderState::kShort ? "incomplete file header"
                                                                         : "bad file header");
      if (!salvage) return Status::error(ErrorCode::kCorrupt, message + " (open with salvage to skip it)");
      report.skipped.push_back({path.string(), 0, data.size()});
      report.warnings.push_back(message + "; salvage skipped the whole file");
      skipped_any = true;
      continue;
    }

    gyrate::journal::Record record;
    size_t offset = format::kFileHeaderBytes;
    while (offset < data.size()) {
      size_t frame_size = 0;
      if (read_record(data, offset, previous, record, frame_size)) {
        const uint64_t sequence = record.sequence();
        if (sequence > covered) {
          const uint64_t expected = std::max(previous, covered) + 1;
          if (sequence != expected) {
            const std::string message =
                "journal segment " + path.string() + " at byte offset " + std::to_string(offset) +
                ": record " + std::to_string(sequence) + " where " + std::to_string(expected) +
                " was expected (records " + std::to_string(expected) + " to " +
                std::to_string(sequence - 1) + " are missing)";
            if (!salvage) {
              return Status::error(ErrorCode::kCorrupt,
                                   message + " (open with salvage to continue without them)");
            }
            report.warnings.push_back(message + "; salvage continues without them");
            skipped_any = true;
          }
          if (handlers.on_record) {
            const JournalEntry entry{sequence, record.timestamp_micros(), record.body()};
            if (Status status = handlers.on_record(entry); !status.is_ok()) return status;
          }
          ++report.records_replayed;
        }
        previous = sequence;
        offset += frame_size;
        continue;
      }

      const std::string reason =
          data.find_first_not_of('\0', offset) == std::string_view::npos
              ? "nothing but zeros: space allocated ahead of records never written"
              : describe_damage(data, offset, previous);
      const std::optional<size_t> resume = find_record(data, offset + 1, previous);
      bool valid_after = resume.has_value();
      if (!valid_after) {
        Expected<bool> later = later_segment_has_record(index);
        if (!later) return later.status();
        valid_after = *later;
      }
      if (!valid_after) {
        // Nothing valid follows: the last write was cut short by a crash before its commit
        // returned, so it was never acknowledged and dropping it loses nothing committed.
        const uint64_t dropped = data.size() - offset;
        if (Status status = truncate_segment(path, offset); !status.is_ok()) return status;
        report.torn_bytes_dropped += dropped;
        report.warnings.push_back("dropped a torn tail of " + std::to_string(dropped) +
                                  " bytes at byte offset " + std::to_string(offset) +
                                  " of journal segment " + path.string() + " (" + reason + ")");
        break;
      }
      const size_t end = resume.value_or(data.size());
      const std::string message = "journal segment " + path.string() +
                                  " has a corrupt record at byte offset " + std::to_string(offset) +
                                  " (" + reason + ") with valid records after it";
      if (!salvage) {
        return Status::error(ErrorCode::kCorrupt, message + " (open with salvage to skip it)");
      }
      report.skipped.push_back({path.string(), offset, end - offset});
      report.warnings.push_back(message + "; salvage skipped " + std::to_string(end - offset) +
                                " bytes");
      skipped_any = true;
      offset = end;
    }
  }

  segments_ = std::move(kept);
  next_sequence_ = std::max(previous, covered) + 1;
  durable_sequence_ = next_sequence_ - 1;
  report.last_sequence = durable_sequence_;
  // After a salvage, new records go to a fresh segment, so that a snapshot covering the damaged
  // one lets it be deleted instead of being salvaged again at every start-up.
  return open_active_segment(skipped_any);
}

Status Journal::read_records(uint64_t after, uint64_t last,
                             const std::function<Status(const JournalEntry&)>& fn) const {
  std::vector<std::pair<uint64_t, fs::path>> segments;
  {
    std::lock_guard files(files_mutex_);
    segments = segments_;
  }
  gyrate::journal::Record record;
  for (size_t index = 0; index < segments.size(); ++index) {
    if (segments[index].first > last) break;
    if (index + 1 < segments.size() && segments[index + 1].first <= after + 1) continue;
    Expected<std::string> bytes = journal_io::read_file(segments[index].second);
    if (!bytes) return bytes.status();
    const std::string_view data = *bytes;
    if (format::check_file_header(data, format::kSegmentMagic) != format::HeaderState::kValid) {
      continue;  // start-up skipped it too (salvage), or refused to open
    }
    size_t offset = format::kFileHeaderBytes;
    uint64_t previous = 0;
    while (offset < data.size()) {
      size_t frame_size = 0;
      if (!read_record(data, offset, previous, record, frame_size)) {
        // The space after the last record, or damage that salvage skipped: go on at the next
        // record, if any.
        if (data.find_first_not_of('\0', offset) == std::string_view::npos) break;
        const std::optional<size_t> resume = find_record(data, offset + 1, previous);
        if (!resume) break;
        offset = *resume;
        continue;
      }
      const uint64_t sequence = record.sequence();
      if (sequence > last) return Status::ok();
      if (sequence > after) {
        if (Status status = fn(JournalEntry{sequence, record.timestamp_micros(), record.body()});
            !status.is_ok()) {
          return status;
        }
      }
      previous = sequence;
      offset += frame_size;
    }
  }
  return Status::ok();
}

}  // namespace gyrate::engine
