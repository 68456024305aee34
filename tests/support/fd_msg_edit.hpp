// Test support: edits of a built freeDiameter message, to make malformed ones (a missing AVP), and
// a trip through the wire format (bufferize -> parse -> dictionary -> rules) as a peer would do.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include "fd_dictionary.hpp"

namespace gyrate::diameter::fd::testing {

// The first child of `parent` (a message or grouped AVP) with this AVP code, or nullptr.
inline msg_or_avp* find_child(msg_or_avp* parent, uint32_t code) {
  msg_or_avp* child = nullptr;
  fd_msg_browse_internal(parent, MSG_BRW_FIRST_CHILD, &child, nullptr);
  while (child != nullptr) {
    struct avp_hdr* h = nullptr;
    fd_msg_avp_hdr(static_cast<struct avp*>(child), &h);
    if (h->avp_code == code) return child;
    fd_msg_browse_internal(child, MSG_BRW_NEXT, &child, nullptr);
  }
  return nullptr;
}

// Unlinks and frees the first child with this code, if any.
inline void remove_child(msg_or_avp* parent, uint32_t code) {
  if (msg_or_avp* child = find_child(parent, code)) fd_msg_free(child);
}

// What the peer's stack makes of `m` (consumed): the parsed message, or nullptr with the stack's
// own error (e.g. "DIAMETER_MISSING_AVP") in *stack_error.
inline struct msg* over_the_wire(struct msg* m, std::string* stack_error = nullptr) {
  uint8_t* buf = nullptr;
  size_t len = 0;
  if (fd_msg_bufferize(m, &buf, &len) != 0) return nullptr;
  fd_msg_free(m);
  struct msg* parsed = nullptr;
  if (fd_msg_parse_buffer(&buf, len, &parsed) != 0) {
    free(buf);
    return nullptr;
  }
  struct fd_pei pei{};
  if (fd_msg_parse_dict(parsed, gy_dictionary().dict, &pei) != 0 ||
      fd_msg_parse_rules(parsed, gy_dictionary().dict, &pei) != 0) {
    if (stack_error != nullptr && pei.pei_errcode != nullptr) *stack_error = pei.pei_errcode;
    if (pei.pei_avp_free) fd_msg_free(pei.pei_avp);
    fd_msg_free(parsed);
    return nullptr;
  }
  return parsed;
}

}  // namespace gyrate::diameter::fd::testing
