// Not part of the public interface: a probe for the JIT sandbox's tests. It links hand-written
// LLVM IR text in a fresh sandboxed session and calls `entry` (i64 ()), so a test can show that
// IR naming a host symbol (getpid) fails to link.
#pragma once

#include <cstdint>
#include <string_view>

#include "gyrate/base/status.hpp"

namespace gyrate::jit::testing {

Expected<int64_t> run_ir_in_sandbox(std::string_view ir_text, std::string_view entry);

}  // namespace gyrate::jit::testing
