// Generator of random well-typed IR programs and contexts (see random_program.hpp).
#include "random_program.hpp"

#include <limits>

#include "gyrate/ruleslang/context.hpp"

namespace gyrate::difftest {
namespace {

using lang::ir::ExprId;
using lang::ir::OpCode;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Extension indexes in every generated program's Program::extensions.
enum : int64_t { kExtSatAdd, kExtFailMod7, kExtIsEven, kExtMissing, kExtCount };

int32_t sat_add(const int64_t* a, int64_t* out) {
  int64_t r = 0;
  *out = __builtin_add_overflow(a[0], a[1], &r) ? (a[0] < 0 ? kMin : kMax) : r;
  return 0;
}
int32_t fail_mod7(const int64_t* a, int64_t* out) {
  if (a[0] % 7 == 3) return 5;  // a fault, with a status other than 1 on purpose
  *out = a[0] / 2;
  return 0;
}
int32_t is_even(const int64_t* a, int64_t* out) {
  *out = a[0] % 2 == 0 ? 1 : 0;
  return 0;
}

lang::ExtensionRegistry make_registry() {
  lang::Type i = lang::Type::of(lang::TypeKind::kInt);
  lang::Type b = lang::Type::of(lang::TypeKind::kBool);
  lang::ExtensionRegistry r;
  r.add({"test_sat_add", {i, i}, i, &sat_add, "saturating a + b"});
  r.add({"test_fail_mod7", {i}, i, &fail_mod7, "a / 2, faults when a % 7 == 3"});
  r.add({"test_is_even", {i}, b, &is_even, "a is even"});
  return r;
}

const char* op_name(OpCode op) {
  static const char* const kNames[] = {
      "const", "load", "add", "sub", "mul", "neg", "div", "mul_scaled", "div_scaled", "eq", "ne",
      "lt", "le", "gt", "ge", "and", "or", "not", "if", "min", "max", "in_set", "in_range",
      "in_range_wrap", "call", "no_match"};
  auto i = static_cast<size_t>(op);
  return i < sizeof(kNames) / sizeof(kNames[0]) ? kNames[i] : "?";
}

}  // namespace

Entropy::result_type Entropy::operator()() {
  if (!from_bytes_) return rng_();
  // splitmix64 of the draw index: low bits that differ from draw to draw, so that a rejection
  // loop in a distribution always moves on.
  uint64_t z = ++draws_ * 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  const uint64_t low = (z ^ (z >> 31)) >> 8;
  if (next_ >= size_) return low;
  return (uint64_t{bytes_[next_++]} << 56) | low;
}

const lang::ExtensionRegistry& test_extensions() {
  static const lang::ExtensionRegistry registry = make_registry();
  return registry;
}

ProgramGenerator::ProgramGenerator(uint64_t seed, GeneratorLimits limits)
    : rng_(seed), limits_(limits) {}
ProgramGenerator::ProgramGenerator(Entropy entropy, GeneratorLimits limits)
    : rng_(entropy), limits_(limits) {}

bool ProgramGenerator::chance(uint32_t percent) { return below(100) < percent; }
uint32_t ProgramGenerator::below(uint32_t n) {
  return static_cast<uint32_t>(std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_));
}

int64_t ProgramGenerator::edge_value() {
  static constexpr int64_t kEdges[] = {
      kMin, kMin + 1, kMax, kMax - 1, 0, 1, -1, 2, -2, 3, -3, 7, 10, 1000, 500'000, -500'000,
      1'500'000, 2'500'000, -2'500'000, 1'000'000, -1'000'000, 3037000499, 3037000500,
      -3037000500, int64_t{1} << 32, int64_t{1} << 62, -(int64_t{1} << 62), 9223372036854,
      9223372036855, -9223372036855, kMax / 2, kMin / 2};
  // Extremes often enough to fault, rarely enough that most blocks run to their end.
  switch (below(16)) {
    case 0: case 1: return kEdges[below(sizeof(kEdges) / sizeof(kEdges[0]))];
    case 2: return static_cast<int64_t>(rng_());
    case 3: case 4:
      return std::uniform_int_distribution<int64_t>(-1'000'000'000, 1'000'000'000)(rng_);
    case 5: case 6: return std::uniform_int_distribution<int64_t>(-3, 3)(rng_) * 500'000;  // ties
    default: return std::uniform_int_distribution<int64_t>(-100, 100)(rng_);
  }
}

int64_t ProgramGenerator::scale_value() {
  static constexpr int64_t kScales[] = {1, 2, 3, 7, 10, 100, 1000, 1024, 1'000'000,
                                        1'000'000'000, 1'000'000, 1'000'000, -3, -1000};
  if (chance(3)) {
    static constexpr int64_t kOdd[] = {0, -1, kMax, kMin, kMin + 1};
    return kOdd[below(sizeof(kOdd) / sizeof(kOdd[0]))];
  }
  return kScales[below(sizeof(kScales) / sizeof(kScales[0]))];
}

ExprId ProgramGenerator::node(OpCode op, std::vector<ExprId> args, int64_t imm, uint32_t count,
                              bool is_bool) {
  lang::ir::Node n;
  n.op = op;
  n.args = std::move(args);
  n.imm = imm;
  n.count = count;
  n.type = lang::Type::of(is_bool ? lang::TypeKind::kBool : lang::TypeKind::kInt);
  g_->program.nodes.push_back(std::move(n));
  return static_cast<ExprId>(g_->program.nodes.size() - 1);
}

ExprId ProgramGenerator::load(bool want_bool) {
  std::vector<uint32_t> candidates;
  for (uint32_t s = 0; s < g_->bool_slots.size(); ++s) {
    if (g_->bool_slots[s] == want_bool) candidates.push_back(s);
  }
  if (candidates.empty()) {
    return want_bool ? node(OpCode::kConst, {}, below(2), 0, true)
                     : node(OpCode::kConst, {}, edge_value());
  }
  return node(OpCode::kLoad, {}, candidates[below(static_cast<uint32_t>(candidates.size()))], 0,
              want_bool);
}

ExprId ProgramGenerator::gen_int(uint32_t depth) {
  if (depth >= limits_.max_depth || chance(20)) {
    return chance(50) ? node(OpCode::kConst, {}, edge_value()) : load(false);
  }
  uint32_t d = depth + 1;
  switch (below(15)) {
    case 0: { ExprId a = gen_int(d); ExprId b = gen_int(d); return node(OpCode::kAdd, {a, b}); }
    case 1: { ExprId a = gen_int(d); ExprId b = gen_int(d); return node(OpCode::kSub, {a, b}); }
    case 2: { ExprId a = gen_int(d); ExprId b = gen_int(d); return node(OpCode::kMul, {a, b}); }
    case 3: return node(OpCode::kNeg, {gen_int(d)});
    case 4: { ExprId a = gen_int(d); ExprId b = gen_int(d); return node(OpCode::kDiv, {a, b}); }
    case 5: {
      ExprId a = gen_int(d);
      ExprId b = gen_int(d);
      return node(OpCode::kMulScaled, {a, b}, scale_value());
    }
    case 6: {
      ExprId a = gen_int(d);
      ExprId b = gen_int(d);
      return node(OpCode::kDivScaled, {a, b}, scale_value());
    }
    case 7: case 8: {
      ExprId c = gen_bool(d);
      ExprId a = gen_int(d);
      ExprId b = chance(15) ? node(OpCode::kNoMatch, {}) : gen_int(d);
      return node(OpCode::kIf, {c, a, b});
    }
    case 9: case 10: {
      std::vector<ExprId> args;
      uint32_t n = 2 + below(3);
      for (uint32_t i = 0; i < n; ++i) args.push_back(gen_int(d));
      return node(below(2) == 0 ? OpCode::kMin : OpCode::kMax, std::move(args));
    }
    case 11: {
      ExprId a = gen_int(d);
      ExprId b = gen_int(d);
      return node(OpCode::kCall, {a, b}, kExtSatAdd);
    }
    case 12: return node(OpCode::kCall, {gen_int(d)}, chance(90) ? kExtFailMod7 : kExtMissing);
    case 13:
      if (chance(10)) return node(OpCode::kCall, {gen_int(d)}, kExtCount + 5);  // no such entry
      return node(OpCode::kNoMatch, {});
    default: return load(false);
  }
}

ExprId ProgramGenerator::gen_bool(uint32_t depth) {
  if (depth >= limits_.max_depth || chance(20)) {
    return chance(40) ? node(OpCode::kConst, {}, below(2), 0, true) : load(true);
  }
  uint32_t d = depth + 1;
  switch (below(12)) {
    case 0: case 1: case 2: {
      static constexpr OpCode kCmp[] = {OpCode::kEq, OpCode::kNe, OpCode::kLt,
                                        OpCode::kLe, OpCode::kGt, OpCode::kGe};
      ExprId a = gen_int(d);
      ExprId b = chance(50) ? node(OpCode::kConst, {}, edge_value()) : gen_int(d);
      return node(kCmp[below(6)], {a, b}, 0, 0, true);
    }
    case 3: { ExprId a = gen_bool(d); ExprId b = gen_bool(d); return node(OpCode::kAnd, {a, b}, 0, 0, true); }
    case 4: { ExprId a = gen_bool(d); ExprId b = gen_bool(d); return node(OpCode::kOr, {a, b}, 0, 0, true); }
    case 5: return node(OpCode::kNot, {gen_bool(d)}, 0, 0, true);
    case 6: {
      ExprId x = gen_int(d);
      auto start = static_cast<int64_t>(g_->program.set_values.size());
      uint32_t n = below(6);
      for (uint32_t i = 0; i < n; ++i) {
        g_->program.set_values.push_back(chance(50) ? edge_value() : below(8));
      }
      return node(OpCode::kInSet, {x}, start, n, true);
    }
    case 7: case 8: {
      ExprId x = gen_int(d);
      ExprId lo = gen_int(d);
      ExprId hi = gen_int(d);
      return node(below(2) == 0 ? OpCode::kInRange : OpCode::kInRangeWrap, {x, lo, hi}, 0, 0, true);
    }
    case 9: {
      ExprId c = gen_bool(d);
      ExprId a = gen_bool(d);
      ExprId b = gen_bool(d);
      return node(OpCode::kIf, {c, a, b}, 0, 0, true);
    }
    case 10: return node(OpCode::kCall, {gen_int(d)}, kExtIsEven, 0, true);
    default: return chance(10) ? node(OpCode::kNoMatch, {}, 0, 0, true) : load(true);
  }
}

ExprId ProgramGenerator::gen_body() {
  switch (below(10)) {
    case 0: case 1: case 2: case 3: {  // a guarded rule, as the checker lowers `x when c`
      ExprId c = gen_bool(1);
      ExprId v = gen_int(1);
      return node(OpCode::kIf, {c, v, node(OpCode::kNoMatch, {})});
    }
    case 4: case 5: {  // rules tried in order
      ExprId c1 = gen_bool(2);
      ExprId v1 = gen_int(2);
      ExprId c2 = gen_bool(2);
      ExprId v2 = gen_int(2);
      ExprId last = chance(50) ? gen_int(2) : node(OpCode::kNoMatch, {});
      return node(OpCode::kIf, {c1, v1, node(OpCode::kIf, {c2, v2, last})});
    }
    case 6: case 7: case 8: return gen_int(0);
    default: return gen_bool(0);
  }
}

GeneratedProgram ProgramGenerator::program() {
  GeneratedProgram g;
  g_ = &g;
  lang::ir::Program& p = g.program;
  p.strings.push_back("");
  uint32_t extra = below(limits_.max_context_slots - lang::kSlotBuiltinCount + 1);
  p.context_slots = lang::kSlotBuiltinCount + extra;
  for (uint32_t s = 0; s < p.context_slots; ++s) g.bool_slots.push_back(chance(30));
  p.extensions = {{"test_sat_add", 2}, {"test_fail_mod7", 1}, {"test_is_even", 1},
                  {"test_missing", 1}};
  uint32_t blocks = 1 + below(limits_.max_blocks);
  for (uint32_t b = 0; b < blocks; ++b) {
    lang::ir::Block block;
    block.plan = 0;
    block.service = static_cast<uint16_t>(b);
    // Mostly a few functions, sometimes the full 32 (the top bit of `matched`).
    uint32_t fns = chance(10) ? static_cast<uint32_t>(lang::ir::kMaxBlockFunctions) : 1 + below(8);
    for (uint32_t f = 0; f < fns; ++f) {
      lang::ir::Function fn;
      fn.role = static_cast<lang::ir::Role>(below(16));
      fn.aux = static_cast<uint16_t>(f);
      fn.body = gen_body();
      fn.type = p.nodes[fn.body].type;
      block.functions.push_back(fn);
    }
    p.blocks.push_back(std::move(block));
  }
  g_ = nullptr;
  return g;
}

std::vector<int64_t> ProgramGenerator::context(const GeneratedProgram& g) {
  std::vector<int64_t> ctx(g.program.context_slots);
  for (size_t s = 0; s < ctx.size(); ++s) ctx[s] = g.bool_slots[s] ? below(2) : edge_value();
  return ctx;
}

void ProgramGenerator::shape_for_decisions(GeneratedProgram& g) {
  using lang::ir::Role;
  lang::ir::Program& p = g.program;
  auto action = [&]() {
    lang::ir::Action a;
    a.kind = static_cast<lang::ast::ActionKind>(below(5));
    a.argument = a.kind == lang::ast::ActionKind::kRedirect ? "https://x" : "";
    return a;
  };
  for (uint32_t s = 0; s < p.blocks.size(); ++s) {
    lang::ir::Service svc;
    svc.name = "s" + std::to_string(s);
    svc.quota = below(3) == 0 ? 0 : below(100'000);
    p.services.push_back(svc);
  }
  for (uint32_t b = 0; b < p.blocks.size(); ++b) {
    lang::ir::Block& blk = p.blocks[b];
    blk.service = below(5) == 0 ? lang::ir::kNoService : static_cast<uint16_t>(b);
    for (lang::ir::Function& f : blk.functions) {
      f.aux = f.role == Role::kWindowLimit ? static_cast<uint16_t>(below(5))
              : below(8) == 0             ? 1
                                          : 0;
      // Ratio thresholds take the rounding path, quantities the copy.
      if (f.role == Role::kThreshold && below(2) == 0) f.type = lang::Type::of(lang::TypeKind::kRatio);
    }
    // Window limits at aux 0..3 count units or requests (aux 4 has no window).
    for (int w = 0; w < lang::kMaxWindowLimits; ++w) {
      blk.windows.push_back(lang::ir::Window{60, below(2) == 0, {}});
    }
    uint32_t actions = below(4);
    for (uint32_t a = 0; a < actions; ++a) blk.actions.push_back(action());
    if (below(2) == 0) blk.spend_cap_action = action();
    if (below(2) == 0) blk.usage_cap_action = action();
    if (below(2) == 0) blk.member_cap_action = action();
  }
  if (below(2) == 0) lang::ir::index_roles(p);
}

int64_t ProgramGenerator::balance() {
  auto in = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  };
  switch (below(10)) {
    case 0: return 0;
    case 1: return in(-10, 10);
    case 2: return kMax - in(0, 2);
    case 3: return kMin + in(0, 2);
    case 4: return kMax / lang::kFixedScale + in(-2, 2);
    case 5: return in(0, int64_t{1} << 62);
    case 6: return -in(0, int64_t{1} << 62);
    default: return in(0, 100'000'000);
  }
}

std::string render_expr(const lang::ir::Program& program, ExprId id) {
  const lang::ir::Node& n = program.nodes[id];
  switch (n.op) {
    case OpCode::kConst: return std::to_string(n.imm);
    case OpCode::kLoad: return "ctx[" + std::to_string(n.imm) + "]";
    case OpCode::kNoMatch: return "no_match";
    default: break;
  }
  std::string s = op_name(n.op);
  if (n.op == OpCode::kMulScaled || n.op == OpCode::kDivScaled || n.op == OpCode::kCall) {
    s += "<" + std::to_string(n.imm) + ">";
  }
  s += "(";
  for (size_t i = 0; i < n.args.size(); ++i) {
    if (i > 0) s += ", ";
    s += render_expr(program, n.args[i]);
  }
  if (n.op == OpCode::kInSet) {
    s += " in {";
    for (uint32_t i = 0; i < n.count; ++i) {
      s += (i > 0 ? ", " : "") + std::to_string(program.set_values[static_cast<size_t>(n.imm) + i]);
    }
    s += "}";
  }
  return s + ")";
}

}  // namespace gyrate::difftest
