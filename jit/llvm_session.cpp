// The LLVM side of the JIT: one sandboxed LLJIT per session, the optimization pipeline, object
// emission and linking of catalog versions. llvm::Error becomes gyrate::Status here, at the edge.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <system_error>
#include <thread>

#include "codegen.hpp"
#include "internal.hpp"

#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IRReader/IRReader.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

namespace gyrate::jit {

struct JitSession::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  llvm::orc::JITTargetMachineBuilder jtmb;  // copied per compilation, never mutated
  detail::HostTarget host;
  std::atomic<uint64_t> next_version{1};
  std::atomic<size_t> live_versions{0};

  explicit Impl(llvm::orc::JITTargetMachineBuilder b) : jtmb(std::move(b)) {}
};

namespace detail {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

Status to_status(llvm::Error err, const std::string& what) {
  std::string msg = llvm::toString(std::move(err));
  return Status::error(ErrorCode::kUnavailable, what + ": " + msg);
}

// Errors LLVM reports out of band (an unresolved symbol while linking is one) go to the
// collector of the thread that is linking, so they end up in that link's Status. Linking runs
// on the calling thread: the session has no compile threads.
thread_local std::string* t_link_errors = nullptr;

void report_session_error(llvm::Error err) {
  std::string msg = llvm::toString(std::move(err));
  if (t_link_errors != nullptr) {
    *t_link_errors += (t_link_errors->empty() ? "" : "; ") + msg;
  } else {
    llvm::errs() << "gyrate JIT: " << msg << "\n";
  }
}

// Collects the out-of-band errors of one link on this thread.
class LinkErrors {
 public:
  LinkErrors() : previous_(t_link_errors) { t_link_errors = &text_; }
  ~LinkErrors() { t_link_errors = previous_; }
  LinkErrors(const LinkErrors&) = delete;
  LinkErrors& operator=(const LinkErrors&) = delete;
  // `err` with whatever LLVM reported on the side, which usually names the missing symbol.
  Status status(llvm::Error err, const std::string& what) {
    std::string msg = llvm::toString(std::move(err));
    if (!text_.empty()) msg = text_ + " (" + msg + ")";
    return Status::error(ErrorCode::kUnavailable, what + ": " + msg);
  }

 private:
  std::string* previous_;
  std::string text_;
};

void init_llvm_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

// The opt level chooses the IR pipeline; machine code is generated at level Less when
// `optimized`, else at level None (fast instruction selection and register allocation), which
// keeps large catalogs quick to load (kOptimizedMachineCodeMaxNodes).
Expected<std::unique_ptr<llvm::TargetMachine>> make_target_machine(const JitSession& session,
                                                                   bool optimized) {
  llvm::orc::JITTargetMachineBuilder jtmb = session.impl().jtmb;
  jtmb.setCodeGenOptLevel(optimized ? llvm::CodeGenOptLevel::Less : llvm::CodeGenOptLevel::None);
  auto tm = jtmb.createTargetMachine();
  if (!tm) return to_status(tm.takeError(), "cannot create the target machine");
  return std::move(*tm);
}

// The blocks [first, end) of a module generate_blocks() made, made ready for machine code: the
// standard per-module pipeline of the level (O1..O3; O0 leaves the IR as generated) runs over
// the tariff's code, then the decisions are expanded in place (decision_codegen.hpp says why
// after it). Their code is emitted already simplified: an InstCombine + SimplifyCFG pass over it
// made decisions no faster and cost ~0.8 s per 1,000 plans.
Status optimize(llvm::Module& module, llvm::TargetMachine& tm, const lang::ir::Program& program,
                uint32_t first, uint32_t end, int opt_level) {
  if (opt_level > 0) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(&tm);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel level = opt_level == 1   ? llvm::OptimizationLevel::O1
                                    : opt_level == 2 ? llvm::OptimizationLevel::O2
                                                     : llvm::OptimizationLevel::O3;
    llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(level);
    mpm.run(module, mam);
  }
  return generate_decisions(program, module, first, end);
}

void prepare(llvm::Module& module, const llvm::TargetMachine& tm) {
  module.setDataLayout(tm.createDataLayout());
  module.setTargetTriple(tm.getTargetTriple().str());
}

class LinkedVersion final : public JitCatalog::Version {
 public:
  LinkedVersion(std::shared_ptr<JitSession> session, llvm::orc::JITDylib& jd)
      : session_(std::move(session)), jd_(&jd), tracker_(jd.createResourceTracker()) {
    session_->impl().live_versions.fetch_add(1);
    bump(Counter::kVersionsLoaded);
  }
  ~LinkedVersion() override {
    // Removal cannot fail for a dylib nothing else links against; if LLVM still reports an
    // error there is no one to hand it to on a destructor path, so it is dropped.
    llvm::consumeError(tracker_->remove());
    llvm::consumeError(session_->impl().jit->getExecutionSession().removeJITDylib(*jd_));
    session_->impl().live_versions.fetch_sub(1);
    bump(Counter::kVersionsUnloaded);
  }

  const llvm::orc::ResourceTrackerSP& tracker() const { return tracker_; }
  llvm::orc::JITDylib& dylib() const { return *jd_; }

 private:
  std::shared_ptr<JitSession> session_;
  llvm::orc::JITDylib* jd_;
  llvm::orc::ResourceTrackerSP tracker_;
};

// A fresh dylib that sees exactly `symbols` (the session links no process symbols at all).
Expected<std::unique_ptr<LinkedVersion>> new_version(const std::shared_ptr<JitSession>& session,
                                                     const std::vector<LinkSymbol>& symbols,
                                                     uint64_t id) {
  llvm::orc::LLJIT& jit = *session->impl().jit;
  auto jd = jit.createJITDylib("gyrate.catalog." + std::to_string(id));
  if (!jd) return to_status(jd.takeError(), "cannot create a JIT dylib");
  llvm::orc::SymbolMap map;
  for (const LinkSymbol& s : symbols) {
    map[jit.mangleAndIntern(s.name)] = {llvm::orc::ExecutorAddr::fromPtr(s.address),
                                        llvm::JITSymbolFlags::Exported |
                                            llvm::JITSymbolFlags::Callable};
  }
  auto version = std::make_unique<LinkedVersion>(session, *jd);
  if (auto err = jd->define(llvm::orc::absoluteSymbols(std::move(map)))) {
    return to_status(std::move(err), "cannot define runtime symbols");
  }
  return version;
}

}  // namespace

const HostTarget& host_target(const JitSession& session) { return session.impl().host; }

namespace {

// One partition's module, from IR generation to an object, in its own LLVMContext.
Expected<std::string> compile_partition(const JitSession& session, const lang::ir::Program& program,
                                        int opt_level, bool optimized_machine_code,
                                        uint32_t first, uint32_t end, CompileTimings* timings) {
  auto tm = make_target_machine(session, optimized_machine_code);
  if (!tm) return tm.status();
  llvm::LLVMContext context;
  auto t0 = std::chrono::steady_clock::now();
  llvm::Module module("gyrate_catalog", context);
  prepare(module, **tm);
  if (Status s = generate_blocks(program, module, first, end); !s) return s;
  bump(Counter::kModulesGenerated);
  timings->ir_ms = ms_since(t0);

  t0 = std::chrono::steady_clock::now();
  if (Status s = optimize(module, **tm, program, first, end, opt_level); !s) return s;
  timings->opt_ms = ms_since(t0);

  t0 = std::chrono::steady_clock::now();
  llvm::orc::SimpleCompiler compiler(**tm);
  auto object = compiler(module);
  if (!object) return to_status(object.takeError(), "machine code generation failed");
  timings->codegen_ms = ms_since(t0);
  return std::string((*object)->getBufferStart(), (*object)->getBufferSize());
}

}  // namespace

Expected<std::vector<std::string>> compile_objects(const JitSession& session,
                                                   const lang::ir::Program& program, int opt_level,
                                                   CompileTimings* timings) {
  std::vector<uint32_t> bounds =
      partition_blocks(program, compile_threads(), &timings->ir_nodes);
  timings->machine_code_optimized =
      opt_level > 0 && timings->ir_nodes <= kOptimizedMachineCodeMaxNodes;
  size_t parts = bounds.size() - 1;
  std::vector<Expected<std::string>> results(parts, Status::error(ErrorCode::kInternal, "not compiled"));
  std::vector<CompileTimings> times(parts);
  auto run = [&](size_t i) {
    results[i] = compile_partition(session, program, opt_level, timings->machine_code_optimized,
                                   bounds[i], bounds[i + 1], &times[i]);
  };
  // Partition 0 runs on this thread; a thread that cannot start runs here too, after the others.
  std::vector<std::thread> threads;
  std::vector<size_t> here = {0};
  for (size_t i = 1; i < parts; ++i) {
    try {
      threads.emplace_back(run, i);
    } catch (const std::system_error&) {
      here.push_back(i);
    }
  }
  for (size_t i : here) run(i);
  for (std::thread& t : threads) t.join();

  std::vector<std::string> objects;
  for (size_t i = 0; i < parts; ++i) {
    if (!results[i]) return results[i].status();
    objects.push_back(std::move(*results[i]));
    timings->ir_ms = std::max(timings->ir_ms, times[i].ir_ms);
    timings->opt_ms = std::max(timings->opt_ms, times[i].opt_ms);
    timings->codegen_ms = std::max(timings->codegen_ms, times[i].codegen_ms);
  }
  return objects;
}

Expected<std::string> emit_ir_text(const JitSession& session, const lang::ir::Program& program,
                                   int opt_level) {
  auto tm = make_target_machine(session, false);
  if (!tm) return tm.status();
  llvm::LLVMContext context;
  llvm::Module module("gyrate_catalog", context);
  prepare(module, **tm);
  if (Status s = generate_blocks(program, module, 0, static_cast<uint32_t>(program.blocks.size()));
      !s) {
    return s;
  }
  bump(Counter::kModulesGenerated);
  if (Status s = optimize(module, **tm, program, 0, static_cast<uint32_t>(program.blocks.size()),
                          opt_level);
      !s) {
    return s;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os, nullptr);
  os.flush();
  return text;
}

Expected<LinkedCatalog> link_objects(const std::shared_ptr<JitSession>& session,
                                     const std::vector<std::string>& objects,
                                     const std::vector<LinkSymbol>& symbols, size_t block_count) {
  uint64_t id = session->impl().next_version.fetch_add(1);
  auto version = new_version(session, symbols, id);
  if (!version) return version.status();
  llvm::orc::LLJIT& jit = *session->impl().jit;
  for (const std::string& object : objects) {
    auto buffer = llvm::MemoryBuffer::getMemBufferCopy(object, "gyrate_catalog.o");
    if (auto err = jit.addObjectFile((*version)->tracker(), std::move(buffer))) {
      return to_status(std::move(err), "cannot add the catalog object");
    }
  }
  // One lookup for all entries links the objects once; a missing symbol fails it here.
  llvm::orc::SymbolLookupSet names;
  std::vector<llvm::orc::SymbolStringPtr> interned;
  interned.reserve(block_count);
  for (size_t i = 0; i < block_count; ++i) {
    interned.push_back(jit.mangleAndIntern(block_symbol(static_cast<uint32_t>(i))));
    names.add(interned.back());
  }
  LinkedCatalog linked;
  linked.id = id;
  if (block_count > 0) {
    LinkErrors errors;
    auto found = jit.getExecutionSession().lookup(
        llvm::orc::makeJITDylibSearchOrder(&(*version)->dylib()), std::move(names));
    if (!found) return errors.status(found.takeError(), "cannot link the catalog code");
    linked.blocks.reserve(block_count);
    for (const auto& name : interned) {
      auto it = found->find(name);
      if (it == found->end()) return Status::error(ErrorCode::kCorrupt, "catalog object lacks " + std::string(*name));
      linked.blocks.push_back(it->second.getAddress().toPtr<lang::native::BlockFn>());
    }
  }
  linked.version = std::move(*version);
  return linked;
}

GYRATE_CALLS_NATIVE_CODE
Expected<int64_t> run_ir_text(const std::shared_ptr<JitSession>& session, std::string_view ir_text,
                              std::string_view entry) {
  auto tm = make_target_machine(*session, false);
  if (!tm) return tm.status();
  llvm::LLVMContext context;
  llvm::SMDiagnostic diag;
  auto module = llvm::parseIR(llvm::MemoryBufferRef(llvm::StringRef(ir_text.data(), ir_text.size()),
                                                    "test.ll"),
                              diag, context);
  if (!module) return Status::error(ErrorCode::kInvalidArgument, "cannot parse IR: " + diag.getMessage().str());
  prepare(*module, **tm);
  llvm::orc::SimpleCompiler compiler(**tm);
  auto object = compiler(*module);
  if (!object) return to_status(object.takeError(), "machine code generation failed");

  uint64_t id = session->impl().next_version.fetch_add(1);
  auto version = new_version(session, link_symbols(lang::ir::Program{}, nullptr), id);
  if (!version) return version.status();
  llvm::orc::LLJIT& jit = *session->impl().jit;
  if (auto err = jit.addObjectFile((*version)->tracker(), std::move(*object))) {
    return to_status(std::move(err), "cannot add the object");
  }
  LinkErrors errors;
  auto addr = jit.lookup((*version)->dylib(), llvm::StringRef(entry.data(), entry.size()));
  if (!addr) return errors.status(addr.takeError(), "cannot link");
  return addr->toPtr<int64_t (*)()>()();
}

}  // namespace detail

JitSession::JitSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JitSession::~JitSession() = default;

Expected<std::shared_ptr<JitSession>> JitSession::create() {
  detail::init_llvm_once();
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return detail::to_status(jtmb.takeError(), "cannot detect the host target");
  auto impl = std::make_unique<Impl>(*jtmb);
  impl->host.triple = jtmb->getTargetTriple().str();
  impl->host.cpu = jtmb->getCPU();
  impl->host.features = jtmb->getFeatures().getString();
  // The sandbox: no process symbols, no platform runtime. JIT code can reach only what a
  // catalog's dylib defines (runtime helpers and registered extensions).
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(*jtmb))
                 .setLinkProcessSymbolsByDefault(false)
                 .setPlatformSetUp(llvm::orc::setUpInactivePlatform)
                 .create();
  if (!jit) return detail::to_status(jit.takeError(), "cannot create the JIT");
  impl->jit = std::move(*jit);
  impl->jit->getExecutionSession().setErrorReporter(detail::report_session_error);
  return std::make_shared<JitSession>(std::move(impl));
}

std::shared_ptr<JitSession> JitSession::shared() {
  // Leaked on purpose: LLVM's own statics may be gone when static destructors run.
  static auto* session = [] {
    auto s = create();
    return new std::shared_ptr<JitSession>(s ? *s : nullptr);
  }();
  return *session;
}

size_t JitSession::loaded_versions() const { return impl_->live_versions.load(); }
const std::string& JitSession::cpu() const { return impl_->host.cpu; }

}  // namespace gyrate::jit
