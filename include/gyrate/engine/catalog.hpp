// Catalog: one immutable, shared_ptr-owned catalog version: the checked program, the evaluator
// compiled from it, and hash indexes for everything a request names. The engine decides only
// through a Catalog, so a program and its evaluator can never be mismatched.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/engine/request_context.hpp"
#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/extensions.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::engine {

struct CatalogOptions {
  jit::EvaluatorKind evaluator = jit::EvaluatorKind::kJit;  // the JIT; the interpreter on request
  jit::JitOptions jit;
  // Extension functions the tariff calls. Only read while the catalog is created (the
  // interpreter and the JIT bind function addresses then); the plugins' code must stay loaded.
  const lang::ExtensionRegistry* extensions = nullptr;
};

// Heterogeneous string lookup (find by string_view without building a std::string).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Immutable once created, so every const member is safe from any number of threads at once:
// decide() runs the evaluator's thread-safe code on the caller's context and writes nothing
// shared. Hold it by shared_ptr: a reservation keeps the version it was granted on alive, and the
// version's machine code is unloaded only when the last holder lets go.
class Catalog {
  struct Passkey {};

 public:
  // Builds the evaluator (JIT, or the interpreter when asked or when the JIT cannot compile the
  // program: warning() says why) and the indexes. Refuses a program whose context is larger
  // than RequestContext holds (lang::kMaxContextSlots).
  static Expected<std::shared_ptr<const Catalog>> create(lang::ir::Program program,
                                                         const CatalogOptions& options);

  Catalog(Passkey, lang::ir::Program program);
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const lang::ir::Program& program() const { return program_; }
  const lang::Evaluator& evaluator() const { return *evaluator_; }
  // Why the interpreter stands in for the JIT; empty when it does not.
  const std::string& warning() const { return warning_; }
  // What compiling it cost, when the JIT evaluates it; null for the interpreter.
  const jit::CompileStats* compile_stats() const;
  // Unique per catalog version in this process (the program's identity).
  uint64_t id() const { return program_.identity.id(); }

  // ---- indexes: each an O(1) hash lookup; nullopt when the catalog has no such thing ----
  std::optional<uint32_t> plan(std::string_view name) const;  // its newest version
  std::optional<uint32_t> plan(std::string_view name, int64_t version) const;
  // The newest version of the plan whose effective date is on or before `local_day` (days since
  // the epoch in the catalog's time zone); versions without a date are always in effect.
  std::optional<uint32_t> plan_in_effect(std::string_view name, int64_t local_day) const;
  std::optional<uint16_t> service(std::string_view name) const;
  std::optional<uint16_t> service_by_rating_group(int64_t rating_group) const;
  // Services declared with this Service-Context-Id (several may share the standard one).
  std::span<const uint16_t> services_by_context(std::string_view context_id) const;
  std::optional<uint32_t> model(std::string_view name) const;
  // The model with this Diameter Service-Identifier on this service.
  std::optional<uint32_t> model_by_identifier(uint16_t service, int64_t service_identifier) const;
  // The context slot of a declared subscriber attribute.
  std::optional<uint16_t> attribute_slot(std::string_view name) const;
  // The interned id of a string the catalog mentions; 0 ("unknown") for any other.
  int64_t string_id(std::string_view text) const;
  // The block rating `service` in `plan`; nullopt when the plan does not offer it.
  std::optional<uint32_t> block(uint32_t plan, uint16_t service) const;

  // A context with every attribute at its declared default, no model, and time `unix_seconds`.
  RequestContext new_context(int64_t unix_seconds) const;
  // Sets the request time and its local fields in the catalog's time zone.
  void set_time(RequestContext& ctx, int64_t unix_seconds) const;

  // Which of the plan's promos (Plan::promos order) the subscriber in ctx is eligible for: a
  // promo without `when` always is; one whose `when` is false or does not apply is not. Empty
  // when the plan's block faults (a fault never grants).
  std::vector<bool> eligible_promos(uint32_t plan, const RequestContext& ctx) const;

  // The decision for program().blocks[block] on ctx. Thread-safe; allocates nothing. An unknown
  // block decides kNoRule.
  lang::Decision decide(uint32_t block, const RequestContext& ctx) const {
    return lang::decide(program_, *evaluator_, block, ctx.data());
  }

 private:
  void build_indexes();

  lang::ir::Program program_;  // never moved or copied again: the evaluator refers to it
  std::unique_ptr<lang::Evaluator> evaluator_;
  std::string warning_;
  RequestContext defaults_;

  StringMap<std::vector<uint32_t>> plan_versions_;  // name -> plan indexes, oldest version first
  StringMap<uint16_t> services_;
  std::unordered_map<int64_t, uint16_t> rating_groups_;
  StringMap<std::vector<uint16_t>> contexts_;
  StringMap<uint32_t> models_;
  struct ModelKey {
    uint16_t service;
    int64_t identifier;
    bool operator==(const ModelKey&) const = default;
  };
  struct ModelKeyHash {
    size_t operator()(const ModelKey& k) const noexcept {
      return std::hash<int64_t>{}(k.identifier) * 31 + k.service;
    }
  };
  std::unordered_map<ModelKey, uint32_t, ModelKeyHash> model_identifiers_;
  StringMap<uint16_t> attributes_;
  StringMap<int64_t> strings_;
  std::unordered_map<uint64_t, uint32_t> blocks_;  // (plan << 16) | service
};

// A catalog file loaded as every tool and the engine load one: read, parsed, checked, compiled.
struct CatalogLoad {
  lang::CompiledFile file;                 // status, source and diagnostics of the read and check
  Status status;                           // why there is no catalog (I/O, errors, the JIT)
  std::shared_ptr<const Catalog> catalog;  // null unless status is ok
};
CatalogLoad load_catalog(const std::string& path, const CatalogOptions& options);

}  // namespace gyrate::engine
