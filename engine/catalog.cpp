// Catalog: a checked program with its evaluator and request-path indexes, and the one loader.
#include "gyrate/engine/catalog.hpp"

#include <algorithm>

namespace gyrate::engine {

Catalog::Catalog(Passkey, lang::ir::Program program) : program_(std::move(program)) {}

Expected<std::shared_ptr<const Catalog>> Catalog::create(lang::ir::Program program,
                                                         const CatalogOptions& options) {
  if (program.context_slots > RequestContext::kCapacity) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "the catalog's context has " + std::to_string(program.context_slots) +
                             " slots (builtins and attributes); at most " +
                             std::to_string(RequestContext::kCapacity) + " are supported");
  }
  // Built in place and never moved again: the evaluator refers to program_ (the interpreter by
  // reference, the JIT's native path by the program's identity).
  auto catalog = std::make_shared<Catalog>(Passkey{}, std::move(program));
  jit::EvaluatorChoice choice = jit::make_evaluator(catalog->program_, options.extensions,
                                                    options.evaluator, options.jit);
  if (choice.evaluator == nullptr) {
    return Status::error(ErrorCode::kInternal, "no evaluator for the catalog: " + choice.warning);
  }
  catalog->evaluator_ = std::move(choice.evaluator);
  catalog->warning_ = std::move(choice.warning);
  catalog->build_indexes();
  return std::shared_ptr<const Catalog>(std::move(catalog));
}

void Catalog::build_indexes() {
  const lang::ir::Program& p = program_;
  for (uint32_t i = 0; i < p.plans.size(); ++i) plan_versions_[p.plans[i].name].push_back(i);
  for (auto& [name, versions] : plan_versions_) {
    std::stable_sort(versions.begin(), versions.end(), [&](uint32_t a, uint32_t b) {
      return p.plans[a].version < p.plans[b].version;
    });
  }
  for (uint16_t i = 0; i < p.services.size(); ++i) {
    const lang::ir::Service& s = p.services[i];
    services_.emplace(s.name, i);
    if (s.rating_group >= 0) rating_groups_.emplace(s.rating_group, i);
    if (!s.context_id.empty()) contexts_[s.context_id].push_back(i);
  }
  for (uint32_t i = 0; i < p.models.size(); ++i) {
    const lang::ir::Model& m = p.models[i];
    models_.emplace(m.name, i);
    model_identifiers_.emplace(ModelKey{m.service, m.service_identifier}, i);
  }
  for (const lang::ir::Attribute& a : p.attributes) attributes_.emplace(a.name, a.slot);
  // Id 0 is reserved for "a string the catalog never mentions".
  for (size_t i = 1; i < p.strings.size(); ++i) {
    strings_.emplace(p.strings[i], static_cast<int64_t>(i));
  }
  for (uint32_t plan = 0; plan < p.plans.size(); ++plan) {
    for (uint32_t b : p.plans[plan].service_blocks) {
      if (b < p.blocks.size()) blocks_.emplace(uint64_t{plan} << 16 | p.blocks[b].service, b);
    }
  }
  defaults_.set(lang::kSlotModel, -1);
  for (const lang::ir::Attribute& a : p.attributes) defaults_.set(a.slot, a.default_value);
}

const jit::CompileStats* Catalog::compile_stats() const {
  const auto* jit = dynamic_cast<const jit::JitCatalog*>(evaluator_.get());
  return jit != nullptr ? &jit->stats() : nullptr;
}

namespace {

template <typename Map>
auto find_value(const Map& map, std::string_view key)
    -> std::optional<typename Map::mapped_type> {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<uint32_t> Catalog::plan(std::string_view name) const {
  auto it = plan_versions_.find(name);
  if (it == plan_versions_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::optional<uint32_t> Catalog::plan(std::string_view name, int64_t version) const {
  auto it = plan_versions_.find(name);
  if (it == plan_versions_.end()) return std::nullopt;
  for (uint32_t i : it->second) {
    if (program_.plans[i].version == version) return i;
  }
  return std::nullopt;
}

std::optional<uint32_t> Catalog::plan_in_effect(std::string_view name, int64_t local_day) const {
  auto it = plan_versions_.find(name);
  if (it == plan_versions_.end()) return std::nullopt;
  // Versions are few per plan: newest first, the first one in effect wins.
  for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) {
    const std::optional<int64_t>& effective = program_.plans[*v].effective_date;
    if (!effective || *effective <= local_day) return *v;
  }
  return std::nullopt;
}

std::optional<uint16_t> Catalog::service(std::string_view name) const {
  return find_value(services_, name);
}

std::optional<uint16_t> Catalog::service_by_rating_group(int64_t rating_group) const {
  auto it = rating_groups_.find(rating_group);
  if (it == rating_groups_.end()) return std::nullopt;
  return it->second;
}

std::span<const uint16_t> Catalog::services_by_context(std::string_view context_id) const {
  auto it = contexts_.find(context_id);
  if (it == contexts_.end()) return {};
  return it->second;
}

std::optional<uint32_t> Catalog::model(std::string_view name) const {
  return find_value(models_, name);
}

std::optional<uint32_t> Catalog::model_by_identifier(uint16_t service,
                                                     int64_t service_identifier) const {
  auto it = model_identifiers_.find(ModelKey{service, service_identifier});
  if (it == model_identifiers_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint16_t> Catalog::attribute_slot(std::string_view name) const {
  return find_value(attributes_, name);
}

int64_t Catalog::string_id(std::string_view text) const {
  return find_value(strings_, text).value_or(0);
}

std::optional<uint32_t> Catalog::block(uint32_t plan, uint16_t service) const {
  auto it = blocks_.find(uint64_t{plan} << 16 | service);
  if (it == blocks_.end()) return std::nullopt;
  return it->second;
}

RequestContext Catalog::new_context(int64_t unix_seconds) const {
  RequestContext ctx = defaults_;
  set_time(ctx, unix_seconds);
  return ctx;
}

void Catalog::set_time(RequestContext& ctx, int64_t unix_seconds) const {
  lang::set_time_fields(ctx.data(), unix_seconds, program_.timezone_offset_minutes);
}

std::vector<bool> Catalog::eligible_promos(uint32_t plan, const RequestContext& ctx) const {
  if (plan >= program_.plans.size()) return {};
  const lang::ir::Plan& p = program_.plans[plan];
  std::vector<bool> eligible(p.promos.size(), true);
  if (p.plan_block >= program_.blocks.size()) return eligible;
  const lang::ir::Block& block = program_.blocks[p.plan_block];
  lang::BlockResult r = evaluator_->evaluate_block(p.plan_block, ctx.data());
  if (r.status != lang::ir::EvalStatus::kOk) return {};
  for (size_t i = 0; i < block.functions.size() && i < lang::ir::kMaxBlockFunctions; ++i) {
    const lang::ir::Function& f = block.functions[i];
    if (f.role != lang::ir::Role::kPromoEligible || f.aux >= eligible.size()) continue;
    eligible[f.aux] = (r.matched >> i & 1) != 0 && r.values[i] != 0;
  }
  return eligible;
}

CatalogLoad load_catalog(const std::string& path, const CatalogOptions& options) {
  CatalogLoad load;
  load.file = lang::compile_file(path, options.extensions);
  if (!load.file.status) {
    load.status = load.file.status;
    return load;
  }
  if (!load.file.program) {
    load.status = Status::error(ErrorCode::kInvalidArgument,
                                path + ": " + std::to_string(load.file.diagnostics.error_count()) +
                                    " error(s) in the catalog");
    return load;
  }
  auto catalog = Catalog::create(std::move(*load.file.program), options);
  load.file.program.reset();  // moved into the catalog
  if (!catalog) {
    load.status = catalog.status();
    return load;
  }
  load.catalog = std::move(*catalog);
  return load;
}

}  // namespace gyrate::engine
