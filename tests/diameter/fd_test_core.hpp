// Test support: one freeDiameter core per test process, configured but never started (no sockets),
// and a trip through the wire format (bufferize -> parse -> dictionary -> rules) as a peer would do.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "fd_dictionary.hpp"

namespace gyrate::diameter::fd::testing {

inline constexpr const char* kLocalIdentity = "ocs.unit.gyrate.test";
inline constexpr const char* kLocalRealm = "unit.gyrate.test";

// fd_core_initialize may run once per process; every test binary calls this instead.
inline void init_core() {
  static const bool ready = [] {
    if (fd_core_initialize() != 0) return false;
    // One file per process: ctest runs each test in its own process, several at once.
    std::string conf = ::testing::TempDir() + "gy_codec_unit." + std::to_string(getpid()) + ".conf";
    std::ofstream(conf) << "Identity = \"" << kLocalIdentity << "\";\nRealm = \"" << kLocalRealm
                        << "\";\nSecPort = 0;\nNo_SCTP;\nNoRelay;\n";
    bool parsed = fd_core_parseconf(conf.c_str()) == 0;
    std::remove(conf.c_str());
    return parsed && setup_gy_dictionary().is_ok();
  }();
  ASSERT_TRUE(ready) << "freeDiameter core could not be initialized";
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
