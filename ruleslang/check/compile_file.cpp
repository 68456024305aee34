// compile_file: read a tariff file, then parse and check it, with I/O failures as a Status.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/parser.hpp"

namespace gyrate::lang {
namespace {

ErrorCode code_for_errno(int e) {
  switch (e) {
    case ENOENT: case ENOTDIR: return ErrorCode::kNotFound;
    case EACCES: case EPERM: return ErrorCode::kPermissionDenied;
    default: return ErrorCode::kIo;
  }
}

Status read_error(const std::string& path, int e) {
  return Status::error(code_for_errno(e), "cannot read " + path + ": " + std::strerror(e));
}

// Up to `limit` bytes of the file; more than that is for the caller to refuse.
Expected<std::string> read_bounded(const std::string& path, size_t limit) {
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
  return text;
}

}  // namespace

std::string CompiledFile::rendered_diagnostics() const {
  return source ? render_all(diagnostics, *source) : std::string();
}

CompiledFile compile_file(const std::string& path, const ExtensionRegistry* extensions) {
  CompiledFile out;
  Expected<std::string> text = read_bounded(path, kMaxSourceBytes + 1);
  if (!text) {
    out.status = text.status();
    return out;
  }
  out.source.emplace(path, std::move(*text));
  out.program = compile_source(*out.source, out.diagnostics, extensions);
  return out;
}

}  // namespace gyrate::lang
