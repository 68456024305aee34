// Test support: edits of a built freeDiameter message, to make malformed ones (a missing AVP).
#pragma once

#include <cstdint>

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

}  // namespace gyrate::diameter::fd::testing
