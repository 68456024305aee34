// The result of decoding a Gy message: the model, or the Result-Code (and Failed-AVP) the peer is to
// be answered with. A malformed message is data to answer, not an infrastructure failure.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "gyrate/diameter/gy_message.hpp"
#include "gyrate/diameter/result_code.hpp"

namespace gyrate::diameter {

struct DecodeError {
  ResultCode result_code = ResultCode::kUnableToComply;
  std::optional<FailedAvp> failed_avp;
  std::string message;  // for logs; names AVPs, never carries their values
};

template <typename T>
class Decoded {
 public:
  Decoded(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Decoded(DecodeError error) : v_(std::move(error)) {}  // NOLINT
  bool has_value() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return has_value(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const DecodeError& error() const { return std::get<DecodeError>(v_); }

 private:
  std::variant<T, DecodeError> v_;
};

}  // namespace gyrate::diameter
