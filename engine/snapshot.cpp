// Writing and loading snapshot files (file header, then one frame holding a gyrate.journal.Snapshot).
#include "snapshot.hpp"

#include <unistd.h>

#include <cerrno>

#include "gyrate/journal.pb.h"
#include "journal_format.hpp"
#include "journal_io.hpp"

namespace gyrate::engine::snapshot {
namespace fs = std::filesystem;
namespace format = journal_format;

namespace {

// Checks one snapshot file; the reason it is unusable, or an empty string.
std::string parse(const fs::path& file, uint64_t named_sequence, Loaded& loaded) {
  Expected<std::string> bytes = journal_io::read_file(file);
  if (!bytes) return bytes.status().message();
  const std::string_view data = *bytes;
  if (format::check_file_header(data, format::kSnapshotMagic) != format::HeaderState::kValid) {
    return "bad file header";
  }
  if (data.size() == format::kFileHeaderBytes) return "no payload";
  const format::Frame frame = format::read_frame(data, format::kFileHeaderBytes);
  if (frame.kind != format::Frame::Kind::kValid) return "payload fails its length or CRC check";
  if (format::kFileHeaderBytes + frame.size != data.size()) return "bytes after the payload";
  gyrate::journal::Snapshot message;
  if (!message.ParseFromArray(frame.payload.data(), static_cast<int>(frame.payload.size()))) {
    return "payload is not a gyrate.journal.Snapshot";
  }
  if (message.covered_sequence() != named_sequence) return "sequence differs from its file name";
  loaded.covered_sequence = message.covered_sequence();
  loaded.state = std::move(*message.mutable_state());
  loaded.file = file;
  return {};
}

}  // namespace

Status write(const fs::path& dir, std::string_view state, uint64_t covered_sequence,
             uint64_t timestamp_micros, bool sync) {
  gyrate::journal::Snapshot message;
  message.set_covered_sequence(covered_sequence);
  message.set_timestamp_micros(timestamp_micros);
  message.set_state(std::string(state));
  const std::string payload = message.SerializeAsString();
  if (payload.size() > format::kMaxPayloadBytes) {
    return Status::error(ErrorCode::kResourceExhausted,
                         "snapshot of " + std::to_string(payload.size()) +
                             " bytes exceeds the frame limit of " +
                             std::to_string(format::kMaxPayloadBytes));
  }
  std::string bytes = format::file_header(format::kSnapshotMagic);
  format::append_frame(bytes, payload);
  return journal_io::write_file_atomically(
      dir / journal_io::numbered_name(kPrefix, covered_sequence, kSuffix), bytes, sync);
}

Expected<Loaded> load_newest(const fs::path& dir, bool salvage, std::vector<std::string>& warnings) {
  const auto files = journal_io::numbered_files(dir, kPrefix, kSuffix);
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    Loaded loaded;
    const std::string problem = parse(it->second, it->first, loaded);
    if (problem.empty()) return loaded;
    const std::string message = "snapshot " + it->second.string() + " is corrupt: " + problem;
    if (!salvage) {
      return Status::error(ErrorCode::kCorrupt,
                           message + " (open with salvage to fall back to an older snapshot)");
    }
    warnings.push_back(message + "; salvage skips it");
  }
  return Loaded{};
}

Status remove_older(const fs::path& dir, uint64_t covered_sequence) {
  for (const auto& [sequence, file] : journal_io::numbered_files(dir, kPrefix, kSuffix)) {
    if (sequence >= covered_sequence) break;
    if (::unlink(file.c_str()) != 0) return journal_io::errno_status(errno, "unlink", file);
  }
  return Status::ok();
}

}  // namespace gyrate::engine::snapshot
