// CDR export files: each checkpoint of the embedded store writes the CDRs it covers to
// dir/cdr/cdrs-<last journal sequence>.pb (length-delimited gyrate.store.Cdr messages) and the
// same records as JSON lines in .jsonl, both atomically. A sequence is in exactly one file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/engine/store.hpp"

namespace gyrate::engine {

// One JSON object, no trailing newline; money as millionths (integers, never floating point).
std::string cdr_json_line(const Cdr& cdr);

// Writes `cdrs` (sorted by sequence) as dir/cdrs-<last_sequence>.pb and .jsonl.
Status write_cdr_files(const std::filesystem::path& dir, const std::vector<Cdr>& cdrs,
                       uint64_t last_sequence, bool sync);

// The export files in `dir` as (last sequence, .pb path), oldest first.
std::vector<std::pair<uint64_t, std::filesystem::path>> cdr_files(const std::filesystem::path& dir);

// Reads one .pb export file.
Expected<std::vector<Cdr>> read_cdr_file(const std::filesystem::path& file);

}  // namespace gyrate::engine
