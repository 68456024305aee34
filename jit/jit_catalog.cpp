// JitCatalog: compiles (or loads from the object cache) one catalog version and evaluates its
// blocks, or decides them, through one indirect call each.
#include <array>
#include <atomic>
#include <chrono>

#include "gyrate/ruleslang/decision.hpp"
#include "internal.hpp"
#include "sandbox_probe.hpp"

namespace gyrate::jit {
namespace {

std::array<std::atomic<uint64_t>, static_cast<size_t>(detail::Counter::kCount)> g_counters{};

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

Status check_options(const JitOptions& options) {
  if (options.opt_level < 0 || options.opt_level > 3) {
    return Status::error(ErrorCode::kInvalidArgument, "JIT optimization level must be 0..3, not " +
                         std::to_string(options.opt_level));
  }
  if (!options.cache_key_file.empty() && options.cache_dir.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, "a JIT cache key file needs a cache directory");
  }
  return Status::ok();
}

}  // namespace

namespace detail {
void bump(Counter c) { g_counters[static_cast<size_t>(c)].fetch_add(1, std::memory_order_relaxed); }
}  // namespace detail

JitCounters counters() {
  auto get = [](detail::Counter c) { return g_counters[static_cast<size_t>(c)].load(); };
  JitCounters c;
  c.modules_generated = get(detail::Counter::kModulesGenerated);
  c.cache_hits = get(detail::Counter::kCacheHits);
  c.cache_misses = get(detail::Counter::kCacheMisses);
  c.cache_writes = get(detail::Counter::kCacheWrites);
  c.cache_errors = get(detail::Counter::kCacheErrors);
  c.cache_refused = get(detail::Counter::kCacheRefused);
  c.versions_loaded = get(detail::Counter::kVersionsLoaded);
  c.versions_unloaded = get(detail::Counter::kVersionsUnloaded);
  return c;
}

JitCatalog::~JitCatalog() = default;

Expected<std::unique_ptr<JitCatalog>> JitCatalog::create(const lang::ir::Program& program,
                                                         const lang::ExtensionRegistry* extensions,
                                                         const JitOptions& options) {
  return create(JitSession::shared(), program, extensions, options);
}

Expected<std::unique_ptr<JitCatalog>> JitCatalog::create(std::shared_ptr<JitSession> session,
                                                         const lang::ir::Program& program,
                                                         const lang::ExtensionRegistry* extensions,
                                                         const JitOptions& options) {
  using detail::Counter;
  auto t_start = std::chrono::steady_clock::now();
  if (session == nullptr) return Status::error(ErrorCode::kUnavailable, "the JIT is not available on this host");
  if (Status s = check_options(options); !s) return s;
  if (Status s = validate_program(program); !s) {
    return Status::error(s.code(), "cannot JIT-compile the catalog: " + s.message());
  }
  std::unique_ptr<JitCatalog> catalog(new JitCatalog());
  CompileStats& st = catalog->stats_;
  std::vector<detail::LinkSymbol> symbols = detail::link_symbols(program, extensions);
  bool use_cache = !options.cache_dir.empty();
  std::string mac_key;
  if (use_cache && !options.cache_key_file.empty()) {
    std::string warning;
    if (!detail::load_cache_mac_key(options.cache_key_file, &mac_key, &warning)) {
      detail::bump(Counter::kCacheErrors);
      st.warnings.push_back(warning);
      use_cache = false;  // without its key, the cache could hold anyone's code
    }
  }

  auto install = [&](detail::LinkedCatalog linked) {
    catalog->blocks_ = std::move(linked.blocks);
    catalog->set_native_blocks(program, catalog->blocks_.data(),
                               static_cast<uint32_t>(catalog->blocks_.size()));
    catalog->version_ = std::move(linked.version);
    catalog->version_id_ = linked.id;
    catalog->context_slots_ = program.context_slots;
    st.total_ms = ms_since(t_start);
  };

  if (use_cache) {
    st.cache_key = detail::compute_cache_key(program, options.opt_level,
                                             detail::host_target(*session));
    std::vector<std::string> objects;
    std::string warning;
    detail::CacheRead read = detail::read_cache(options.cache_dir, st.cache_key, mac_key, &objects,
                                                   &warning);
    if (read == detail::CacheRead::kHit) {
      auto t0 = std::chrono::steady_clock::now();
      auto linked = detail::link_objects(session, objects, symbols, program.blocks.size());
      if (linked) {
        detail::bump(Counter::kCacheHits);
        st.cache_hit = true;
        for (const std::string& o : objects) st.object_bytes += o.size();
        st.link_ms = ms_since(t0);
        install(std::move(*linked));
        return catalog;
      }
      warning = "cached JIT object " + detail::cache_path(options.cache_dir, st.cache_key) +
                " does not link (" + linked.status().message() + "); recompiling";
      read = detail::CacheRead::kCorrupt;
    }
    detail::bump(Counter::kCacheMisses);
    if (read == detail::CacheRead::kCorrupt) {
      detail::bump(Counter::kCacheErrors);
      st.warnings.push_back(warning);
    }
  }

  detail::CompileTimings timings;
  auto objects = detail::compile_objects(*session, program, options.opt_level, &timings);
  if (!objects) return objects.status();
  st.ir_ms = timings.ir_ms;
  st.opt_ms = timings.opt_ms;
  st.codegen_ms = timings.codegen_ms;
  st.ir_nodes = timings.ir_nodes;
  st.machine_code_optimized = timings.machine_code_optimized;
  for (const std::string& o : *objects) st.object_bytes += o.size();
  if (use_cache) {
    std::string warning;
    if (detail::write_cache(options.cache_dir, st.cache_key, mac_key, *objects, &warning)) {
      detail::bump(Counter::kCacheWrites);
      st.cache_written = true;
    } else {
      detail::bump(Counter::kCacheErrors);
      st.warnings.push_back(warning);
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  auto linked = detail::link_objects(session, *objects, symbols, program.blocks.size());
  if (!linked) return linked.status();
  st.link_ms = ms_since(t0);
  install(std::move(*linked));
  return catalog;
}

GYRATE_CALLS_NATIVE_CODE
lang::BlockResult JitCatalog::evaluate_block(uint32_t block, const int64_t* ctx) const {
  lang::BlockResult r;
  if (block >= blocks_.size()) return r;  // no such block: nothing matched
  lang::Decision unused(lang::Decision::Uninitialized::kTag);  // written, never read
  uint64_t packed = blocks_[block](ctx, r.values.data(), &unused);
  r.matched = lang::native::matched(packed);
  r.status = lang::native::status(packed);
  r.failed_function = lang::native::failed_function(packed);
  return r;
}

Expected<std::string> emit_llvm(const lang::ir::Program& program,
                                const lang::ExtensionRegistry* extensions,
                                const JitOptions& options) {
  (void)extensions;  // symbols are bound at link time; the text names them by index
  if (Status s = check_options(options); !s) return s;
  if (Status s = validate_program(program); !s) return s;
  std::shared_ptr<JitSession> session = JitSession::shared();
  if (session == nullptr) return Status::error(ErrorCode::kUnavailable, "the JIT is not available on this host");
  return detail::emit_ir_text(*session, program, options.opt_level);
}

std::string cache_key(const lang::ir::Program& program, const JitOptions& options) {
  std::shared_ptr<JitSession> session = JitSession::shared();
  detail::HostTarget none;
  return detail::compute_cache_key(program, options.opt_level,
                                   session ? detail::host_target(*session) : none);
}

namespace testing {
Expected<int64_t> run_ir_in_sandbox(std::string_view ir_text, std::string_view entry) {
  auto session = JitSession::create();
  if (!session) return session.status();
  return detail::run_ir_text(*session, ir_text, entry);
}
}  // namespace testing

}  // namespace gyrate::jit
