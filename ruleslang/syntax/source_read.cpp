// read_source_file: a tariff file into memory, bounded, with I/O failures as a Status.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "gyrate/ruleslang/source.hpp"

namespace gyrate::lang {
namespace {

Status read_error(const std::string& path, int e) {
  ErrorCode code = ErrorCode::kIo;
  if (e == ENOENT || e == ENOTDIR) code = ErrorCode::kNotFound;
  if (e == EACCES || e == EPERM) code = ErrorCode::kPermissionDenied;
  return Status::error(code, "cannot read " + path + ": " + std::strerror(e));
}

}  // namespace

Expected<SourceFile> read_source_file(const std::string& path, size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return read_error(path, errno);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return read_error(path, EISDIR);
  }
  std::string text;
  char buf[65536];
  while (text.size() < limit) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, limit - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return read_error(path, e);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return SourceFile(path, std::move(text));
}

}  // namespace gyrate::lang
