// Status and Expected for infrastructure failures (I/O, JIT, cache, store). User mistakes in
// tariffs are Diagnostics, not Status. Every component depends on gyrate_base, nothing else does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace gyrate {

// What kind of failure, so that a caller can act on it without parsing the message: retry an
// unavailable store, refuse an invalid argument, stop on corruption.
enum class ErrorCode : uint8_t {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong (a flag, a file's content, a value)
  kNotFound,            // a named thing does not exist (file, subscriber, plan)
  kAlreadyExists,
  kFailedPrecondition,  // the system is not in a state for this (wrong order, closed)
  kIo,                  // the operating system refused a read, write or sync
  kResourceExhausted,   // disk full, a size limit reached
  kCorrupt,             // stored data fails its checksum or does not parse
  kUnavailable,         // transient: retry later (a store shard, the JIT on this host)
  kPermissionDenied,    // ownership or mode of a file or directory is not trusted
  kInternal,            // a bug: an invariant of gyrate itself does not hold
};
const char* error_code_name(ErrorCode code);  // "invalid_argument", ...

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status ok() { return Status(); }
  static Status error(ErrorCode code, std::string message) {
    return Status(code == ErrorCode::kOk ? ErrorCode::kInternal : code, std::move(message));
  }

  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "io: cannot open ..." for logs; "ok" when ok.
  std::string to_string() const;

 private:
  Status(ErrorCode c, std::string m) : code_(c), message_(std::move(m)) {}
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <typename T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}               // NOLINT: implicit by design
  Expected(Status error) : v_(std::move(error)) {}          // NOLINT: must not be ok()
  bool has_value() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return has_value(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Status& status() const { return std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace gyrate
