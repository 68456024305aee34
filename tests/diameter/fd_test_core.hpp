// Test support: one freeDiameter core per test process, configured but never started (no sockets).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "fd_core.hpp"
#include "fd_msg_edit.hpp"

namespace gyrate::diameter::fd::testing {

inline constexpr const char* kLocalIdentity = "ocs.unit.gyrate.test";
inline constexpr const char* kLocalRealm = "unit.gyrate.test";

// fd_core_initialize may run once per process; every test binary calls this instead.
inline void init_core() {
  static const bool ready = [] {
    CoreOptions options;
    options.identity = kLocalIdentity;
    options.realm = kLocalRealm;
    // One file per process: ctest runs each test in its own process, several at once.
    options.conf_path = ::testing::TempDir() + "gy_codec_unit." + std::to_string(getpid()) + ".conf";
    bool ok = configure_core(options).is_ok();
    std::remove(options.conf_path.c_str());
    return ok;
  }();
  ASSERT_TRUE(ready) << "freeDiameter core could not be initialized";
}

}  // namespace gyrate::diameter::fd::testing
