// Status and Expected for infrastructure failures (I/O, JIT, cache). User mistakes in tariffs are
// Diagnostics, not Status. Header-only so every component can use it without a new dependency.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace gyrate {

class Status {
 public:
  static Status ok() { return Status(); }
  static Status error(std::string message) { return Status(std::move(message)); }

  bool is_ok() const { return !message_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const std::string& message() const {
    static const std::string kEmpty;
    return message_ ? *message_ : kEmpty;
  }

 private:
  Status() = default;
  explicit Status(std::string m) : message_(std::move(m)) {}
  std::optional<std::string> message_;
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
  T* operator->() { return &value(); }
  const Status& status() const { return std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace gyrate
