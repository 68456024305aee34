// Interfaces between the JIT's translation units. No LLVM header here: only codegen.cpp and
// llvm_session.cpp include LLVM, the rest of jit/ stays cheap to compile.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/ir.hpp"
#include "gyrate/ruleslang/native_block.hpp"

namespace gyrate::jit {

// The linked code of one catalog version: its own JITDylib (seeing only the allowed symbols) and
// ResourceTracker. Destroying it removes the code, so it must outlive every call into it.
struct JitCatalog::Version {
  Version() = default;
  Version(const Version&) = delete;
  Version& operator=(const Version&) = delete;
  virtual ~Version() = default;
};

}  // namespace gyrate::jit

namespace gyrate::jit::detail {

// Symbol names shared by the code generator (which references them) and the linker (which
// defines them). The block entry names are fixed so that a cached object links unchanged.
std::string block_symbol(uint32_t block);      // gyrate_block_<N>
std::string decision_symbol(uint32_t block);   // gyrate_decision_<N>, internal to its module
std::string extension_symbol(uint32_t index);  // gyrate_ext_<N>, N indexes Program::extensions
inline constexpr const char* kRtMulScaled = "gyrate_rt_mul_scaled";
inline constexpr const char* kRtDivScaled = "gyrate_rt_div_scaled";

// The native block contract (gyrate/ruleslang/native_block.hpp) that generated code fulfils.
using lang::native::kActionShift;
using lang::native::kDecideOnHostCode;
using lang::native::kFailedShift;
using lang::native::kMemberCapCode;
using lang::native::kNoActionCode;
using lang::native::kNotDecided;
using lang::native::kSpendCapCode;
using lang::native::kStatusShift;
using lang::native::kUsageCapCode;

// Every symbol a catalog's code may resolve: gyrate's runtime helpers, the few memory functions
// LLVM may emit on its own, and the program's extension functions (an unresolved extension
// binds to a stub that faults, as the interpreter does).
struct LinkSymbol {
  std::string name;
  const void* address = nullptr;
};
std::vector<LinkSymbol> link_symbols(const lang::ir::Program& program,
                                     const lang::ExtensionRegistry* extensions);

// The host target as LLVM describes it; part of every cache key.
struct HostTarget {
  std::string triple;
  std::string cpu;
  std::string features;
};
const HostTarget& host_target(const JitSession& session);

struct CompileTimings {
  bool machine_code_optimized = false;
  uint64_t ir_nodes = 0;
  double ir_ms = 0;
  double opt_ms = 0;
  double codegen_ms = 0;
};

// IR generation, the pipeline of opt_level and machine code: ELF objects in memory. A large
// program is split into several modules (each with its own LLVMContext) compiled in parallel;
// timings are those of the slowest partition.
Expected<std::vector<std::string>> compile_objects(const JitSession& session,
                                                   const lang::ir::Program& program, int opt_level,
                                                   CompileTimings* timings);
// The module as text after the pipeline of opt_level.
Expected<std::string> emit_ir_text(const JitSession& session, const lang::ir::Program& program,
                                   int opt_level);

// Splits the blocks into at most `parts` contiguous ranges of similar size (by IR nodes), none
// smaller than is worth a thread. Returns the bounds: range i is [bounds[i], bounds[i + 1]).
// *total_weight, when given, receives the IR nodes code generation emits for the whole program.
std::vector<uint32_t> partition_blocks(const lang::ir::Program& program, unsigned parts,
                                       uint64_t* total_weight = nullptr);
// How many threads a compilation may use: the hardware's, at most 8.
unsigned compile_threads();

// Machine code is optimized (LLVM's Less level: SelectionDAG instruction selection, greedy
// register allocation) up to this many IR nodes, and generated at level None beyond. Optimized
// machine code makes a decision about a fifth faster but takes about four times as long to
// generate: well under a second up to here (the example catalog has ~250 nodes), seconds more
// for a 1,000-plan catalog (~68,500 nodes), which would then miss its load-time target.
inline constexpr uint64_t kOptimizedMachineCodeMaxNodes = 8'000;

struct LinkedCatalog {
  std::unique_ptr<JitCatalog::Version> version;  // unloads the code when destroyed
  std::vector<lang::native::BlockFn> blocks;
  uint64_t id = 0;
};
// Links objects into a fresh JITDylib of the session that sees only `symbols`, under one
// ResourceTracker, and resolves every block's entry.
Expected<LinkedCatalog> link_objects(const std::shared_ptr<JitSession>& session,
                                     const std::vector<std::string>& objects,
                                     const std::vector<LinkSymbol>& symbols, size_t block_count);

// Links hand-written IR text in `session` and runs `entry` (tests of the sandbox).
Expected<int64_t> run_ir_text(const std::shared_ptr<JitSession>& session, std::string_view ir_text,
                              std::string_view entry);

// The persistent object cache: one file per key, written atomically, checked on read; only
// files and a directory that the process's own user made are trusted (cache_dir.hpp).
std::string compute_cache_key(const lang::ir::Program& program, int opt_level,
                              const HostTarget& host);
// kCorrupt: damaged, unreadable or untrusted; `warning` says which, the caller recompiles.
// `mac_key` empty: entries carry a SHA-256 checksum. Otherwise they carry an HMAC-SHA256 under
// that key, and an entry without a valid one is refused.
enum class CacheRead : uint8_t { kHit, kMiss, kCorrupt };
CacheRead read_cache(const std::string& dir, const std::string& key, const std::string& mac_key,
                     std::vector<std::string>* objects, std::string* warning);
bool write_cache(const std::string& dir, const std::string& key, const std::string& mac_key,
                 const std::vector<std::string>& objects, std::string* warning);
// Reads JitOptions::cache_key_file: a regular file owned by the effective uid that group and
// others cannot access, of 16 to 4096 bytes (all of them the key). False, with a warning, if not.
bool load_cache_mac_key(const std::string& path, std::string* mac_key, std::string* warning);
std::array<uint8_t, 32> hmac_sha256(std::string_view key, std::string_view message);
std::string cache_path(const std::string& dir, const std::string& key);

// Process-wide counters behind jit::counters().
enum class Counter : uint8_t {
  kModulesGenerated, kCacheHits, kCacheMisses, kCacheWrites, kCacheErrors,
  kCacheRefused,      // an entry or directory broke a trust rule (counted in kCacheErrors too)
  kVersionsLoaded,    // a version's dylib was created (counted again when it is removed)
  kVersionsUnloaded,
  kCount,
};
void bump(Counter c);

}  // namespace gyrate::jit::detail
