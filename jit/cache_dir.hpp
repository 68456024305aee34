// The object cache's directory on disk, trusted only as far as the process's own user made it:
// checked through an open descriptor, entries read without following links, written atomically.
// Cached entries are machine code that the process runs, so whoever can plant one runs code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gyrate::jit::detail {

// Entries are a few MiB even for thousand-plan catalogs; a file past this bound is not one of
// ours, and reading it would only cost memory.
inline constexpr uint64_t kMaxCacheEntryBytes = uint64_t{64} << 20;
// A writer holds its temporary for well under a second; one this old belongs to a dead writer.
inline constexpr int64_t kStaleTemporarySeconds = 10 * 60;

// kRefused: the file or directory exists but breaks a trust rule (owner, mode, type, size); the
// problem text says which. kFailed: the system call failed for another reason.
enum class FileStatus : uint8_t { kOk, kMissing, kRefused, kFailed };

// An open, checked cache directory. Every operation is relative to its descriptor, so all of
// them concern the directory that was checked, whatever happens to its path meanwhile; and since
// no other user can write in it, its entries cannot be swapped between a check and a use.
class CacheDir {
 public:
  CacheDir() = default;
  ~CacheDir();
  CacheDir(CacheDir&& other) noexcept;
  CacheDir& operator=(CacheDir&& other) noexcept;
  CacheDir(const CacheDir&) = delete;
  CacheDir& operator=(const CacheDir&) = delete;

  // Opens `path` (symbolic links in the path are followed) and checks what it opened: a
  // directory owned by the effective uid and writable by neither group nor others. With
  // `create`, the missing directories of the path, parents included, are made with mode 0700.
  static FileStatus open(const std::string& path, bool create, CacheDir* out, std::string* problem);

  // Reads the entry `name`: refused unless it is a regular file (not a symbolic link) owned by
  // the effective uid, writable by neither group nor others, at most kMaxCacheEntryBytes long.
  FileStatus read(const std::string& name, std::string* bytes, std::string* problem) const;

  // Replaces the entry `name` atomically and durably: a temporary created with mode 0600 in this
  // directory, fsynced, renamed over `name`, then the directory fsynced.
  bool write(const std::string& name, std::string_view bytes, std::string* problem) const;

  // Removes the temporaries of writers that died: regular files named like a temporary, owned by
  // the effective uid, last modified kStaleTemporarySeconds ago or earlier. Returns how many.
  size_t remove_stale_temporaries() const;

 private:
  int fd_ = -1;
};

// Reads a secret (the cache's MAC key): like CacheDir::read, except that group and others may
// have no access at all (mode 0600 or 0400), and at most `max_bytes`.
FileStatus read_private_file(const std::string& path, uint64_t max_bytes, std::string* bytes,
                             std::string* problem);

// A temporary's name: `<entry>.tmp.<pid>.<sequence>`.
bool is_temporary_name(std::string_view name);

}  // namespace gyrate::jit::detail
