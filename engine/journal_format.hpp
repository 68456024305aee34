// The journal's byte layout: file headers, and frames of (length, CRC-32C, payload) around records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gyrate::engine::journal_format {

// Every segment and snapshot file starts with 8 magic bytes, a little-endian uint32 version and
// the CRC-32C of those 12 bytes.
inline constexpr std::string_view kSegmentMagic = "GYRJRNL\n";
inline constexpr std::string_view kSnapshotMagic = "GYRSNAP\n";
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kFileHeaderBytes = 16;

// Then frames: little-endian uint32 payload length, little-endian uint32 CRC-32C of the payload,
// the payload (a serialized gyrate.journal.Record or, in a snapshot, gyrate.journal.Snapshot).
inline constexpr size_t kFrameHeaderBytes = 8;
// A length above this is damage, not a record (bounds what a flipped length byte makes us read).
inline constexpr size_t kMaxPayloadBytes = 64u << 20;

std::string file_header(std::string_view magic);

enum class HeaderState : uint8_t { kValid, kShort, kInvalid };
HeaderState check_file_header(std::string_view file, std::string_view magic);

// Appends one framed gyrate.journal.Record, encoded in place: the only allocation is `out`
// growing. The bytes equal Record::SerializeAsString() for the same fields.
void append_record_frame(std::string& out, uint64_t sequence, uint64_t timestamp_micros,
                         std::string_view body);
size_t record_frame_size(uint64_t sequence, uint64_t timestamp_micros, size_t body_bytes);
// The same frame written at `out`, which has room for record_frame_size(...) bytes. The frame
// header goes last, so a frame cut short anywhere reads as damage, never as a record.
void write_record_frame(char* out, uint64_t sequence, uint64_t timestamp_micros,
                        std::string_view body);

// Appends one frame around an already serialized payload.
void append_frame(std::string& out, std::string_view payload);

struct Frame {
  enum class Kind : uint8_t {
    kValid,
    kTruncated,  // the frame runs past the end of the data (a torn write)
    kInvalid,    // impossible length or CRC mismatch
  };
  Kind kind = Kind::kInvalid;
  size_t size = 0;           // header + payload, when kValid
  std::string_view payload;  // when kValid
};
// Reads the frame starting at `offset` (which must be < data.size()).
Frame read_frame(std::string_view data, size_t offset);

}  // namespace gyrate::engine::journal_format
