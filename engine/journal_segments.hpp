// Names of the journal's segment files: journal-<sequence of their first record, 20 digits>.log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "journal_io.hpp"

namespace gyrate::engine::journal_segments {

inline constexpr std::string_view kPrefix = "journal-";
inline constexpr std::string_view kSuffix = ".log";

inline std::string file_name(uint64_t first_sequence) {
  return journal_io::numbered_name(kPrefix, first_sequence, kSuffix);
}

}  // namespace gyrate::engine::journal_segments
