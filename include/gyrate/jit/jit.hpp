// The JIT's public interface: compiles a checked program to native code (LLVM 19 ORC) and serves
// it through lang::Evaluator, so decisions cannot tell it from the reference interpreter.
// No LLVM type appears here; LLVM stays inside jit/*.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gyrate/ruleslang/evaluator.hpp"
#include "gyrate/ruleslang/extensions.hpp"
#include "gyrate/ruleslang/ir.hpp"
#include "gyrate/base/status.hpp"

namespace gyrate::jit {

// Bump whenever generated code changes for the same program: part of every cache key.
inline constexpr uint32_t kCodegenVersion = 8;

struct JitOptions {
  // A constructor, not an aggregate: callers write `{level, dir}` without naming the later
  // fields (-Wmissing-field-initializers would flag every such brace list).
  JitOptions(int level = 2, std::string dir = {}, std::string key_file = {})
      : opt_level(level), cache_dir(std::move(dir)), cache_key_file(std::move(key_file)) {}

  int opt_level = 2;  // 0..3: the LLVM IR pipeline (O0 = as generated)
  // Persistent object cache; empty: none. Entries are machine code that the process runs, so
  // only what the process's own user made is trusted: the directory and each entry must be owned
  // by the effective uid and writable by neither group nor others, an entry must be a regular
  // file (not a symbolic link) of at most 64 MiB. Anything else is refused with a warning and
  // the catalog is recompiled. A missing directory is created with mode 0700 (parents too).
  // Entries are checksummed against damage; docs/operations.md has the rules.
  std::string cache_dir;
  // Optional, with cache_dir: a file holding a secret key (16 to 4096 bytes, all of them used),
  // a regular file owned by the effective uid with no access for group or others (0600 or 0400).
  // Entries are then written with an HMAC-SHA256 under it, and one without a valid MAC is
  // refused like an untrusted entry. If the key file breaks these rules, the cache is not used.
  std::string cache_key_file;
};

// What one compilation did and cost. Cache problems are warnings: the catalog still loads.
struct CompileStats {
  bool cache_hit = false;       // loaded a cached object: no IR generation, no optimization
  bool cache_written = false;   // stored the object for the next load
  double ir_ms = 0;             // LLVM IR generation
  double opt_ms = 0;            // the optimization pipeline
  double codegen_ms = 0;        // machine code emission
  uint64_t ir_nodes = 0;        // the program's size as code generation sees it
  bool machine_code_optimized = false;  // small catalogs: see kOptimizedMachineCodeMaxNodes
  double link_ms = 0;           // linking into the session and resolving entry points
  double total_ms = 0;
  size_t object_bytes = 0;
  std::string cache_key;        // hex; empty when no cache directory was given
  std::vector<std::string> warnings;
};

// Process-wide counters, for tests and operations (monotonic).
struct JitCounters {
  uint64_t modules_generated = 0;  // LLVM modules built from a program (IR generation ran)
  uint64_t cache_hits = 0;
  uint64_t cache_misses = 0;
  uint64_t cache_writes = 0;
  uint64_t cache_errors = 0;       // corrupt, untrusted, unreadable or unwritable cache entries
  uint64_t cache_refused = 0;      // untrusted cache entries or directories (see JitOptions)
  uint64_t versions_loaded = 0;    // catalog version dylibs created in a session
  uint64_t versions_unloaded = 0;  // catalog version dylibs removed (with their code)
};
JitCounters counters();

// One LLJIT instance shared by many catalog versions. Each version gets its own JITDylib and
// ResourceTracker; its code is removed when the last JitCatalog reference goes away. The JIT
// links only gyrate's runtime helpers and registered extension functions, never host symbols.
class JitSession {
 public:
  static Expected<std::shared_ptr<JitSession>> create();
  // A session created on first use and never destroyed (LLVM must outlive every catalog);
  // null when the host has no usable JIT target.
  static std::shared_ptr<JitSession> shared();
  ~JitSession();
  JitSession(const JitSession&) = delete;
  JitSession& operator=(const JitSession&) = delete;

  size_t loaded_versions() const;  // versions whose code is still linked
  const std::string& cpu() const;  // host CPU name as LLVM sees it (part of cache keys)

  // Internals (LLVM types), defined and used only inside jit/.
  struct Impl;
  explicit JitSession(std::unique_ptr<Impl> impl);
  Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// One compiled catalog version. Compiled eagerly by create(), never on the request path.
// evaluate_block is thread-safe. The version's code is unloaded by the destructor, so the owner
// must outlive every call: engine::Catalog owns it together with the Program it was compiled
// from, and is itself held by shared_ptr by every request and reservation that uses it.
class JitCatalog final : public lang::Evaluator {
 public:
  // One native function per block (lang::native::BlockFn), which decide() calls directly: it
  // evaluates the block and writes its decision. (A caller built with clang's -fsanitize=function
  // must exempt the call: JIT code has no UBSan type prefix; see GYRATE_CALLS_NATIVE_CODE.)
  using BlockFn = lang::native::BlockFn;

  // `extensions` resolves Program::extensions by name, as for the interpreter: a call to an
  // unresolved one faults with kExtensionError. It may be null, and need not outlive the catalog
  // (function addresses are bound at link time), but the functions' code must stay loaded.
  // decide() runs the native code for this very `program` object (its ir::ProgramIdentity, which
  // a move carries along); for any other, a copy included, it goes through evaluate_block.
  static Expected<std::unique_ptr<JitCatalog>> create(const lang::ir::Program& program,
                                                      const lang::ExtensionRegistry* extensions,
                                                      const JitOptions& options = {});
  static Expected<std::unique_ptr<JitCatalog>> create(std::shared_ptr<JitSession> session,
                                                      const lang::ir::Program& program,
                                                      const lang::ExtensionRegistry* extensions,
                                                      const JitOptions& options);
  ~JitCatalog() override;
  JitCatalog(const JitCatalog&) = delete;
  JitCatalog& operator=(const JitCatalog&) = delete;

  lang::BlockResult evaluate_block(uint32_t block, const int64_t* ctx) const override;
  const char* name() const override { return "jit"; }

  const CompileStats& stats() const { return stats_; }
  uint64_t version_id() const { return version_id_; }
  size_t block_count() const { return blocks_.size(); }

  struct Version;  // the linked code of this catalog (session internals)

 private:
  JitCatalog() = default;

  std::vector<BlockFn> blocks_;
  uint32_t context_slots_ = 0;
  CompileStats stats_;
  uint64_t version_id_ = 0;
  std::unique_ptr<Version> version_;
};

// LLVM IR text of the program, after the pipeline of options.opt_level (0: as generated).
Expected<std::string> emit_llvm(const lang::ir::Program& program,
                                const lang::ExtensionRegistry* extensions,
                                const JitOptions& options = {});

// Checks that the program is safe to compile: every node, slot and set range in bounds, arities
// right, no cycles, at most kMaxBlockFunctions functions per block. The checker guarantees this;
// the JIT re-validates because generated code must never read outside ctx.
Status validate_program(const lang::ir::Program& program);

// The cache key (hex SHA-256) of a program under these options on this host.
std::string cache_key(const lang::ir::Program& program, const JitOptions& options);

enum class EvaluatorKind : uint8_t { kJit, kInterp };
// "jit" or "interp"; false for anything else.
bool parse_evaluator_kind(std::string_view text, EvaluatorKind* out);

struct EvaluatorChoice {
  std::unique_ptr<lang::Evaluator> evaluator;
  std::string warning;  // non-empty when the JIT failed and the interpreter stands in
};

// The evaluator for `kind`: the JIT, or the interpreter when asked for or when the JIT cannot
// compile the program (then `warning` says why). `program` and `extensions` must outlive the
// evaluator (the interpreter keeps references).
EvaluatorChoice make_evaluator(const lang::ir::Program& program,
                               const lang::ExtensionRegistry* extensions, EvaluatorKind kind,
                               const JitOptions& options = {});

}  // namespace gyrate::jit
