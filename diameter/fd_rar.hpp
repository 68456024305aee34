// Internal: Gy Re-Auth-Request (RFC 4006 5.5, RFC 6733 8.3). The server asks a client to send a
// CCR-U at once (after a pack was bought for a session in final-unit state); the client answers
// RAA and reports with Reporting-Reason FORCED_REAUTHORISATION.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "fd_dictionary.hpp"
#include "gyrate/base/status.hpp"
#include "gyrate/diameter/result_code.hpp"

namespace gyrate::diameter::fd {

// A new RAR for `session_id` to the client `host` in `realm` (AUTHORIZE_ONLY, application 4).
Expected<struct msg*> build_rar(const std::string& session_id, const std::string& host,
                                const std::string& realm);
// An RAA's Result-Code; nullopt when it has none.
std::optional<ResultCode> raa_result_code(struct msg* raa);

// On a client's core: answers every RAR with RAA 2001 and calls on_rar(session_id) (on one of the
// core's threads). Call after the core is configured, before it starts.
Status answer_rars(std::function<void(const std::string& session_id)> on_rar);

}  // namespace gyrate::diameter::fd
