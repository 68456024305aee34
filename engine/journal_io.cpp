// POSIX file operations for the journal: every failure becomes a Status naming the file.
#include "journal_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace gyrate::engine::journal_io {
namespace fs = std::filesystem;

Status errno_status(int error, std::string_view operation, const fs::path& file) {
  ErrorCode code = ErrorCode::kIo;
  switch (error) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG: code = ErrorCode::kResourceExhausted; break;
    case EACCES:
    case EPERM: code = ErrorCode::kPermissionDenied; break;
    case ENOENT: code = ErrorCode::kNotFound; break;
    default: break;
  }
  return Status::error(code, std::string(operation) + " " + file.string() + ": " +
                                 std::strerror(error));
}

Status write_all(int fd, std::string_view data, uint64_t offset, const fs::path& file) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status(errno, "write", file);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Status::ok();
}

Status sync_data(int fd, const fs::path& file) {
  if (::fdatasync(fd) != 0) return errno_status(errno, "fdatasync", file);
  return Status::ok();
}

Status sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "open directory", dir);
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0) return errno_status(error, "fsync directory", dir);
  return Status::ok();
}

Status truncate_file(int fd, uint64_t size, const fs::path& file) {
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) return errno_status(errno, "truncate", file);
  return Status::ok();
}

Expected<std::string> read_file(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "open", file);
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return errno_status(error, "read", file);
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

Status write_file_atomically(const fs::path& file, std::string_view bytes, bool sync) {
  const fs::path temporary = fs::path(file.string() + ".tmp");
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status(errno, "create", temporary);
  Status status = write_all(fd, bytes, 0, temporary);
  if (status.is_ok() && sync && ::fsync(fd) != 0) status = errno_status(errno, "fsync", temporary);
  ::close(fd);
  if (status.is_ok() && ::rename(temporary.c_str(), file.c_str()) != 0) {
    status = errno_status(errno, "rename", temporary);
  }
  if (!status.is_ok()) {
    ::unlink(temporary.c_str());  // a full disk must not also keep a half-written copy
    return status;
  }
  return sync ? sync_directory(file.parent_path()) : Status::ok();
}

std::vector<std::pair<uint64_t, fs::path>> numbered_files(const fs::path& dir,
                                                          std::string_view prefix,
                                                          std::string_view suffix) {
  std::vector<std::pair<uint64_t, fs::path>> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != prefix.size() + 20 + suffix.size()) continue;
    if (!name.starts_with(prefix) || !name.ends_with(suffix)) continue;
    const char* digits = name.data() + prefix.size();
    uint64_t number = 0;
    const auto [end, parse_error] = std::from_chars(digits, digits + 20, number);
    if (parse_error != std::errc() || end != digits + 20) continue;  // not all digits, or too big
    files.emplace_back(number, entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string numbered_name(std::string_view prefix, uint64_t number, std::string_view suffix) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(number));
  return std::string(prefix) + digits + std::string(suffix);
}

}  // namespace gyrate::engine::journal_io
