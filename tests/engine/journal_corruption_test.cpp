// The journal's start-up on damaged files: torn tails are dropped, corruption in the middle stops
// start-up with its file and offset, salvage skips exactly the damaged bytes.
#include <gtest/gtest.h>

#include <filesystem>

#include "gyrate/engine/journal.hpp"
#include "journal_format.hpp"
#include "journal_test_support.hpp"

namespace gyrate::engine {
namespace {

namespace fs = std::filesystem;
using testing::open_collecting;
using testing::Replayed;
using testing::TempDir;

std::string body_for(uint64_t i) { return "record " + std::to_string(i) + std::string(i % 5, '.'); }

// Writes records 1..count into a fresh journal in `dir` (fsync off: this process does not crash).
void write_records(const fs::path& dir, uint64_t count) {
  JournalOptions options;
  options.fsync = FsyncPolicy::kOff;
  auto journal = Journal::open(dir, options);
  ASSERT_TRUE(journal) << journal.status().to_string();
  for (uint64_t i = 1; i <= count; ++i) ASSERT_TRUE((*journal)->append(body_for(i)));
}

// The start offset of every frame in a single-segment journal, read back from the file itself.
std::vector<uint64_t> frame_offsets(const std::string& segment) {
  std::vector<uint64_t> offsets;
  size_t offset = journal_format::kFileHeaderBytes;
  while (offset < segment.size()) {
    const journal_format::Frame frame = journal_format::read_frame(segment, offset);
    if (frame.kind != journal_format::Frame::Kind::kValid) break;
    offsets.push_back(offset);
    offset += frame.size;
  }
  return offsets;
}

TEST(DurabilityCorruption, ATornLastRecordIsDroppedAtEveryByteOffset) {
  TempDir original;
  write_records(original.path(), 5);
  const fs::path segment = testing::segment_files(original.path()).at(0);
  const std::string bytes = testing::read_bytes(segment);
  const std::vector<uint64_t> offsets = frame_offsets(bytes);
  ASSERT_EQ(offsets.size(), 5u);
  const uint64_t last_start = offsets.back();

  for (uint64_t cut = last_start; cut < bytes.size(); ++cut) {
    SCOPED_TRACE("cut at byte " + std::to_string(cut));
    TempDir dir;
    const fs::path copy = dir.path() / segment.filename();
    testing::write_bytes(copy, bytes.substr(0, cut));
    {
      Replayed replayed;
      auto journal = open_collecting(dir.path(), {}, replayed);
      ASSERT_TRUE(journal) << journal.status().to_string();
      const RecoveryReport& report = (*journal)->recovery();
      EXPECT_EQ(replayed.sequences, (std::vector<uint64_t>{1, 2, 3, 4}));
      EXPECT_EQ(report.torn_bytes_dropped, cut - last_start);
      EXPECT_EQ(report.warnings.size(), cut == last_start ? 0u : 1u);
      if (cut != last_start) {
        EXPECT_NE(report.warnings.at(0).find("byte offset " + std::to_string(last_start)),
                  std::string::npos)
            << report.warnings.at(0);
      }
      EXPECT_EQ(fs::file_size(copy), last_start) << "the torn bytes are cut off the file";
      auto sequence = (*journal)->append("replacement 5");
      ASSERT_TRUE(sequence);
      EXPECT_EQ(*sequence, 5u);
    }
    Replayed replayed;
    auto journal = open_collecting(dir.path(), {}, replayed);
    ASSERT_TRUE(journal) << journal.status().to_string();
    EXPECT_TRUE((*journal)->recovery().warnings.empty());
    EXPECT_EQ(replayed.sequences, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(replayed.bodies.back(), "replacement 5");
  }
}

TEST(DurabilityCorruption, AZeroFilledTailIsATornTail) {
  // Some file systems show a crash-extended file with zeros where the data never arrived.
  TempDir dir;
  write_records(dir.path(), 3);
  const fs::path segment = testing::segment_files(dir.path()).at(0);
  testing::write_bytes(segment, testing::read_bytes(segment) + std::string(4096, '\0'));
  Replayed replayed;
  auto journal = open_collecting(dir.path(), {}, replayed);
  ASSERT_TRUE(journal) << journal.status().to_string();
  EXPECT_EQ(replayed.sequences, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ((*journal)->recovery().torn_bytes_dropped, 4096u);
}

TEST(DurabilityCorruption, AFlippedByteInAMiddleRecordStopsStartUpAndSalvageSkipsExactlyIt) {
  TempDir original;
  write_records(original.path(), 10);
  const fs::path segment = testing::segment_files(original.path()).at(0);
  const std::string bytes = testing::read_bytes(segment);
  const std::vector<uint64_t> offsets = frame_offsets(bytes);
  ASSERT_EQ(offsets.size(), 10u);
  const uint64_t start = offsets[4];  // record 5
  const uint64_t size = offsets[5] - start;

  // Every byte of the record: its length, its CRC and its payload.
  for (uint64_t at = start; at < start + size; ++at) {
    SCOPED_TRACE("byte " + std::to_string(at) + " flipped");
    TempDir dir;
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x20);
    testing::write_bytes(dir.path() / segment.filename(), damaged);

    Replayed replayed;
    auto refused = open_collecting(dir.path(), {}, replayed);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.status().code(), ErrorCode::kCorrupt);
    const std::string& message = refused.status().message();
    EXPECT_NE(message.find(segment.filename().string()), std::string::npos) << message;
    EXPECT_NE(message.find("byte offset " + std::to_string(start) + " "), std::string::npos)
        << message;
    EXPECT_EQ(testing::read_bytes(dir.path() / segment.filename()), damaged)
        << "a refused start-up changes nothing";

    JournalOptions salvage;
    salvage.salvage = true;
    auto journal = open_collecting(dir.path(), salvage, replayed);
    ASSERT_TRUE(journal) << journal.status().to_string();
    EXPECT_EQ(replayed.sequences, (std::vector<uint64_t>{1, 2, 3, 4, 6, 7, 8, 9, 10}));
    EXPECT_EQ(replayed.bodies.at(4), body_for(6));
    const RecoveryReport& report = (*journal)->recovery();
    ASSERT_EQ(report.skipped.size(), 1u);
    EXPECT_EQ(report.skipped[0].offset, start);
    EXPECT_EQ(report.skipped[0].length, size);
    EXPECT_FALSE(report.warnings.empty());
    auto next = (*journal)->append("after salvage");
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, 11u);
  }
}

TEST(DurabilityCorruption, DamageAtTheEndOfAnOlderSegmentIsCorruptionNotATornTail) {
  TempDir dir;
  JournalOptions options;
  options.fsync = FsyncPolicy::kOff;
  options.max_segment_bytes = 200;
  {
    auto journal = Journal::open(dir.path(), options);
    ASSERT_TRUE(journal);
    for (uint64_t i = 1; i <= 30; ++i) ASSERT_TRUE((*journal)->append(body_for(i)));
  }
  const auto segments = testing::segment_files(dir.path());
  ASSERT_GE(segments.size(), 3u);
  const std::string first = testing::read_bytes(segments[0]);
  testing::write_bytes(segments[0], first.substr(0, first.size() - 3));  // cut its last record
  Replayed replayed;
  auto journal = open_collecting(dir.path(), options, replayed);
  ASSERT_FALSE(journal);
  EXPECT_EQ(journal.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(journal.status().message().find(segments[0].filename().string()), std::string::npos);
}

TEST(DurabilityCorruption, AMissingSegmentIsCorruption) {
  TempDir dir;
  JournalOptions options;
  options.fsync = FsyncPolicy::kOff;
  options.max_segment_bytes = 200;
  {
    auto journal = Journal::open(dir.path(), options);
    ASSERT_TRUE(journal);
    for (uint64_t i = 1; i <= 30; ++i) ASSERT_TRUE((*journal)->append(body_for(i)));
  }
  const auto segments = testing::segment_files(dir.path());
  ASSERT_GE(segments.size(), 3u);
  fs::remove(segments[1]);
  Replayed replayed;
  auto journal = open_collecting(dir.path(), options, replayed);
  ASSERT_FALSE(journal);
  EXPECT_EQ(journal.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(journal.status().message().find("missing"), std::string::npos)
      << journal.status().message();
}

TEST(DurabilityCorruption, ACorruptSnapshotStopsStartUpAndSalvageFallsBackToTheOlderOne) {
  TempDir dir;
  JournalOptions options;
  options.fsync = FsyncPolicy::kOff;
  const fs::path older = dir.path() / "snapshot-00000000000000000004.snap";
  const fs::path newer = dir.path() / "snapshot-00000000000000000008.snap";
  {
    auto journal = Journal::open(dir.path(), options);
    ASSERT_TRUE(journal);
    for (uint64_t i = 1; i <= 10; ++i) ASSERT_TRUE((*journal)->append(body_for(i)));
    ASSERT_TRUE((*journal)->write_snapshot("state at 4", 4).is_ok());
    const std::string older_bytes = testing::read_bytes(older);
    ASSERT_TRUE((*journal)->write_snapshot("state at 8", 8).is_ok());
    EXPECT_FALSE(fs::exists(older)) << "a new snapshot deletes the older ones";
    testing::write_bytes(older, older_bytes);  // put it back, to fall back to
  }
  std::string bytes = testing::read_bytes(newer);
  ASSERT_FALSE(bytes.empty());
  bytes[bytes.size() - 2] = static_cast<char>(bytes[bytes.size() - 2] ^ 1);
  testing::write_bytes(newer, bytes);

  Replayed replayed;
  auto refused = open_collecting(dir.path(), options, replayed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(refused.status().message().find(newer.filename().string()), std::string::npos)
      << refused.status().message();

  options.salvage = true;
  auto journal = open_collecting(dir.path(), options, replayed);
  ASSERT_TRUE(journal) << journal.status().to_string();
  EXPECT_EQ(replayed.snapshot_sequence, 4u);
  EXPECT_EQ(replayed.snapshot_state, "state at 4");
  EXPECT_EQ(replayed.sequences, (std::vector<uint64_t>{5, 6, 7, 8, 9, 10}));
  EXPECT_FALSE((*journal)->recovery().warnings.empty());
}

}  // namespace
}  // namespace gyrate::engine
