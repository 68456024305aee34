// Test support: one CCR of the model sent over a started freeDiameter core and its answer parsed,
// with a hook to make the built message malformed first (remove an AVP). Shared by the e2e clients.
#pragma once

#include <chrono>
#include <functional>

#include "fd_core.hpp"
#include "fd_gy_codec.hpp"

namespace gyrate::diameter::fd::testing {

// Sends `q` (after `tamper` edits the built message) and returns the parsed answer; a failure to
// build or deliver comes back as a DecodeError.
inline Decoded<CreditControlAnswer> exchange(const CreditControlRequest& q,
                                             const std::function<void(struct msg*)>& tamper = {},
                                             std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto built = build_ccr(q);
  if (!built) return DecodeError{ResultCode::kUnableToComply, std::nullopt, built.status().to_string()};
  if (tamper) tamper(*built);
  auto answer = send_and_wait(*built, timeout);
  if (!answer) return DecodeError{ResultCode::kUnableToDeliver, std::nullopt, answer.status().to_string()};
  auto parsed = parse_cca(*answer);
  fd_msg_free(*answer);
  return parsed;
}

}  // namespace gyrate::diameter::fd::testing
