// The object cache's directory on disk: the trust rules (owner, mode, type, size) checked on
// open descriptors, atomic durable writes, and the sweep of dead writers' temporaries.
#include "cache_dir.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gyrate::jit::detail {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Closes a descriptor on every path out of a function.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int release() { return std::exchange(fd_, -1); }
  // Closes now, reporting the error a deferred close would lose (a write may fail only here).
  bool close() {
    int fd = std::exchange(fd_, -1);
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Why the file that `st` describes is not trusted, or "" when it is: another user owns it, or it
// has one of the `forbidden` mode bits (group or others may write it; for a secret, access it).
std::string distrust(const struct stat& st, mode_t forbidden) {
  if (st.st_uid != ::geteuid()) {
    return "owned by uid " + std::to_string(st.st_uid) + ", not by this process's uid " +
           std::to_string(::geteuid());
  }
  if ((st.st_mode & forbidden) != 0) {
    return std::string(forbidden == (S_IWGRP | S_IWOTH) ? "writable" : "accessible") +
           " by group or others (mode " + octal_mode(st.st_mode) + ")";
  }
  return "";
}

// Makes each missing directory of `path` with mode 0700 (the umask can only remove bits).
bool make_private_dirs(const std::string& path, std::string* problem) {
  std::filesystem::path so_far;
  for (const std::filesystem::path& part : std::filesystem::path(path)) {
    so_far /= part;
    if (part.empty() || part == part.root_path()) continue;
    if (::mkdir(so_far.c_str(), 0700) != 0 && errno != EEXIST) {
      *problem = "cannot create " + so_far.string() + ": " + errno_text();
      return false;
    }
  }
  return true;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Opens `path` (relative to `dir_fd`) without following a final symbolic link and reads it if it
// is a regular file owned by the effective uid, with none of the `forbidden` mode bits, at most
// `max_bytes` long. O_NONBLOCK: a FIFO must not hang the open; fstat refuses it next.
FileStatus read_checked(int dir_fd, const std::string& path, mode_t forbidden, uint64_t max_bytes,
                        std::string* bytes, std::string* problem) {
  int fd =
      ::openat(dir_fd, path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return FileStatus::kMissing;
    if (errno == ELOOP) {
      *problem = "a symbolic link";
      return FileStatus::kRefused;
    }
    *problem = errno_text();
    return FileStatus::kFailed;
  }
  FdGuard guard(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    *problem = errno_text();
    return FileStatus::kFailed;
  }
  if (!S_ISREG(st.st_mode)) {
    *problem = "not a regular file";
    return FileStatus::kRefused;
  }
  if (std::string why = distrust(st, forbidden); !why.empty()) {
    *problem = why;
    return FileStatus::kRefused;
  }
  auto too_large = [&] {
    *problem = "larger than " + std::to_string(max_bytes) + " bytes";
    return FileStatus::kRefused;
  };
  if (static_cast<uint64_t>(st.st_size) > max_bytes) return too_large();
  bytes->clear();
  bytes->reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *problem = "read error: " + errno_text();
      return FileStatus::kFailed;
    }
    if (n == 0) break;
    bytes->append(buf, static_cast<size_t>(n));
    // The size checked above may grow while we read: the bound holds on what is read.
    if (bytes->size() > max_bytes) return too_large();
  }
  return FileStatus::kOk;
}

}  // namespace

bool is_temporary_name(std::string_view name) {
  size_t marker = name.rfind(".tmp.");
  if (marker == std::string_view::npos || marker == 0) return false;
  std::string_view rest = name.substr(marker + 5);
  size_t dot = rest.find('.');
  return dot != std::string_view::npos && all_digits(rest.substr(0, dot)) &&
         all_digits(rest.substr(dot + 1));
}

CacheDir::~CacheDir() {
  if (fd_ >= 0) ::close(fd_);
}

CacheDir::CacheDir(CacheDir&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

CacheDir& CacheDir::operator=(CacheDir&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileStatus CacheDir::open(const std::string& path, bool create, CacheDir* out,
                          std::string* problem) {
  if (create && !make_private_dirs(path, problem)) return FileStatus::kFailed;
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return FileStatus::kMissing;
    *problem = errno_text();
    return FileStatus::kFailed;
  }
  FdGuard guard(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    *problem = errno_text();
    return FileStatus::kFailed;
  }
  if (std::string why = distrust(st, S_IWGRP | S_IWOTH); !why.empty()) {
    *problem = why;
    return FileStatus::kRefused;
  }
  CacheDir dir;
  dir.fd_ = guard.release();
  *out = std::move(dir);
  return FileStatus::kOk;
}

FileStatus CacheDir::read(const std::string& name, std::string* bytes, std::string* problem) const {
  return read_checked(fd_, name, S_IWGRP | S_IWOTH, kMaxCacheEntryBytes, bytes, problem);
}

bool CacheDir::write(const std::string& name, std::string_view bytes, std::string* problem) const {
  static std::atomic<uint64_t> sequence{0};
  std::string tmp = name + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(sequence.fetch_add(1));
  // O_EXCL with O_NOFOLLOW: a fresh file, never one found under that name.
  int fd = ::openat(fd_, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    *problem = "cannot create " + tmp + ": " + errno_text();
    return false;
  }
  FdGuard guard(fd);
  const char* failed = nullptr;
  if (!write_all(fd, bytes)) {
    failed = "write";
  } else if (::fsync(fd) != 0) {
    failed = "fsync";
  } else if (!guard.close()) {
    failed = "close";
  } else if (::renameat(fd_, tmp.c_str(), fd_, name.c_str()) != 0) {
    failed = "rename";
  }
  if (failed != nullptr) {
    *problem = std::string(failed) + " failed: " + errno_text();
    ::unlinkat(fd_, tmp.c_str(), 0);
    return false;
  }
  // The rename is durable only once the directory is.
  if (::fsync(fd_) != 0) {
    *problem = "fsync of the directory failed: " + errno_text();
    return false;
  }
  return true;
}

size_t CacheDir::remove_stale_temporaries() const {
  // A descriptor of its own: readdir moves the offset, which dup() would share.
  int list_fd = ::openat(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (list_fd < 0) return 0;
  DIR* listing = ::fdopendir(list_fd);
  if (listing == nullptr) {
    ::close(list_fd);
    return 0;
  }
  const std::time_t now = std::time(nullptr);
  size_t removed = 0;
  while (const dirent* e = ::readdir(listing)) {
    if (!is_temporary_name(e->d_name)) continue;
    // No other user can write in a checked directory: the file stat'ed is the one unlinked.
    struct stat st;
    if (::fstatat(fd_, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) continue;
    if (now - st.st_mtime < kStaleTemporarySeconds) continue;
    if (::unlinkat(fd_, e->d_name, 0) == 0) ++removed;
  }
  ::closedir(listing);
  return removed;
}

FileStatus read_private_file(const std::string& path, uint64_t max_bytes, std::string* bytes,
                             std::string* problem) {
  return read_checked(AT_FDCWD, path, S_IRWXG | S_IRWXO, max_bytes, bytes, problem);
}

}  // namespace gyrate::jit::detail
