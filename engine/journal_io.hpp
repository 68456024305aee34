// The POSIX file operations under the journal and snapshots, with errno turned into Status.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gyrate/base/status.hpp"

namespace gyrate::engine::journal_io {

// ENOSPC, EDQUOT and EFBIG -> kResourceExhausted; EACCES, EPERM -> kPermissionDenied;
// ENOENT -> kNotFound; anything else -> kIo. The message names the operation and the file.
Status errno_status(int error, std::string_view operation, const std::filesystem::path& file);

// Writes all of `data` at `offset` (pwrite, retried on EINTR and short writes).
Status write_all(int fd, std::string_view data, uint64_t offset, const std::filesystem::path& file);
Status sync_data(int fd, const std::filesystem::path& file);  // fdatasync
Status sync_directory(const std::filesystem::path& dir);      // makes creates/renames/unlinks durable
Status truncate_file(int fd, uint64_t size, const std::filesystem::path& file);
Expected<std::string> read_file(const std::filesystem::path& file);

// Replaces `file` with `bytes` so that a crash leaves either the old or the new content: write
// `file`.tmp, fsync it, rename it over `file`, fsync the directory (the syncs only when `sync`).
Status write_file_atomically(const std::filesystem::path& file, std::string_view bytes, bool sync);

// Names of files in `dir` of the form <prefix><20 decimal digits><suffix>, with their number,
// sorted by number.
std::vector<std::pair<uint64_t, std::filesystem::path>> numbered_files(
    const std::filesystem::path& dir, std::string_view prefix, std::string_view suffix);
std::string numbered_name(std::string_view prefix, uint64_t number, std::string_view suffix);

}  // namespace gyrate::engine::journal_io
