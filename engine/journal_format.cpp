// Encoding and checking of the journal's file headers and record frames.
#include "journal_format.hpp"

#include <google/protobuf/io/coded_stream.h>

#include <cstring>

#include "crc32c.hpp"

namespace gyrate::engine::journal_format {
namespace {

using google::protobuf::io::CodedOutputStream;

// Tags of gyrate.journal.Record's fields: (field number << 3) | wire type.
constexpr uint8_t kSequenceTag = (1 << 3) | 0;   // varint
constexpr uint8_t kTimestampTag = (2 << 3) | 0;  // varint
constexpr uint8_t kBodyTag = (3 << 3) | 2;       // length-delimited

void store_u32(char* at, uint32_t value) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

uint32_t load_u32(const char* at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= uint32_t{static_cast<unsigned char>(at[i])} << (8 * i);
  return value;
}

size_t record_payload_size(uint64_t sequence, uint64_t timestamp_micros, size_t body_bytes) {
  // proto3 leaves fields at their default value out; the hand encoding must too.
  size_t size = 0;
  if (sequence != 0) size += 1 + CodedOutputStream::VarintSize64(sequence);
  if (timestamp_micros != 0) size += 1 + CodedOutputStream::VarintSize64(timestamp_micros);
  if (body_bytes != 0) size += 1 + CodedOutputStream::VarintSize64(body_bytes) + body_bytes;
  return size;
}

}  // namespace

std::string file_header(std::string_view magic) {
  std::string header(kFileHeaderBytes, '\0');
  std::memcpy(header.data(), magic.data(), 8);
  store_u32(header.data() + 8, kVersion);
  store_u32(header.data() + 12, crc32c(std::string_view(header.data(), 12)));
  return header;
}

HeaderState check_file_header(std::string_view file, std::string_view magic) {
  if (file.size() < kFileHeaderBytes) return HeaderState::kShort;
  if (file.substr(0, kFileHeaderBytes) != file_header(magic)) return HeaderState::kInvalid;
  return HeaderState::kValid;
}

size_t record_frame_size(uint64_t sequence, uint64_t timestamp_micros, size_t body_bytes) {
  return kFrameHeaderBytes + record_payload_size(sequence, timestamp_micros, body_bytes);
}

void append_record_frame(std::string& out, uint64_t sequence, uint64_t timestamp_micros,
                         std::string_view body) {
  const size_t start = out.size();
  out.resize(start + record_frame_size(sequence, timestamp_micros, body.size()));
  write_record_frame(out.data() + start, sequence, timestamp_micros, body);
}

void write_record_frame(char* out, uint64_t sequence, uint64_t timestamp_micros,
                        std::string_view body) {
  const size_t payload_size = record_payload_size(sequence, timestamp_micros, body.size());
  auto* payload = reinterpret_cast<uint8_t*>(out + kFrameHeaderBytes);
  uint8_t* p = payload;
  if (sequence != 0) {
    *p++ = kSequenceTag;
    p = CodedOutputStream::WriteVarint64ToArray(sequence, p);
  }
  if (timestamp_micros != 0) {
    *p++ = kTimestampTag;
    p = CodedOutputStream::WriteVarint64ToArray(timestamp_micros, p);
  }
  if (!body.empty()) {
    *p++ = kBodyTag;
    p = CodedOutputStream::WriteVarint64ToArray(body.size(), p);
    std::memcpy(p, body.data(), body.size());
  }
  const std::string_view payload_bytes(reinterpret_cast<const char*>(payload), payload_size);
  store_u32(out + 4, crc32c(payload_bytes));
  store_u32(out, static_cast<uint32_t>(payload_size));
}

void append_frame(std::string& out, std::string_view payload) {
  char header[kFrameHeaderBytes];
  store_u32(header, static_cast<uint32_t>(payload.size()));
  store_u32(header + 4, crc32c(payload));
  out.append(header, kFrameHeaderBytes);
  out.append(payload);
}

Frame read_frame(std::string_view data, size_t offset) {
  Frame frame;
  const size_t available = data.size() - offset;
  if (available < kFrameHeaderBytes) {
    frame.kind = Frame::Kind::kTruncated;
    return frame;
  }
  const uint32_t length = load_u32(data.data() + offset);
  const uint32_t expected_crc = load_u32(data.data() + offset + 4);
  // A record is never empty (its sequence is at least 1), so a zero length is damage; this also
  // keeps a zero-filled tail, which some file systems leave after a crash, from reading as records.
  if (length == 0 || length > kMaxPayloadBytes) {
    frame.kind = Frame::Kind::kInvalid;
    return frame;
  }
  if (available - kFrameHeaderBytes < length) {
    frame.kind = Frame::Kind::kTruncated;
    return frame;
  }
  const std::string_view payload = data.substr(offset + kFrameHeaderBytes, length);
  if (crc32c(payload) != expected_crc) {
    frame.kind = Frame::Kind::kInvalid;
    return frame;
  }
  frame.kind = Frame::Kind::kValid;
  frame.size = kFrameHeaderBytes + length;
  frame.payload = payload;
  return frame;
}

}  // namespace gyrate::engine::journal_format
