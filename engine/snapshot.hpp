// Snapshot files: the engine's state after a given sequence, one CRC-checked frame per file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/base/status.hpp"

namespace gyrate::engine::snapshot {

inline constexpr std::string_view kPrefix = "snapshot-";
inline constexpr std::string_view kSuffix = ".snap";

// Writes dir/snapshot-<covered_sequence>.snap atomically.
Status write(const std::filesystem::path& dir, std::string_view state, uint64_t covered_sequence,
             uint64_t timestamp_micros, bool sync);

struct Loaded {
  uint64_t covered_sequence = 0;  // 0: there is no snapshot
  std::string state;
  std::filesystem::path file;
};

// The newest snapshot. One that fails its checks is kCorrupt naming the file; with `salvage` it is
// reported in `warnings` and the next older one is tried instead.
Expected<Loaded> load_newest(const std::filesystem::path& dir, bool salvage,
                             std::vector<std::string>& warnings);

// Deletes the snapshots older than `covered_sequence`.
Status remove_older(const std::filesystem::path& dir, uint64_t covered_sequence);

}  // namespace gyrate::engine::snapshot
