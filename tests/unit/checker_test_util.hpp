// Test helpers for the checker: compile a tariff string, find diagnostics by code and position,
// build evaluation contexts and run decide() on a (plan, service) block.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"

namespace gyrate::lang::checker_test {

struct Compiled {
  std::unique_ptr<SourceFile> source;
  Diagnostics diags;
  std::optional<ir::Program> program;

  std::string rendered() const { return render_all(diags, *source); }

  // "line:col" of every diagnostic with this code, space-separated.
  std::string where(const std::string& code) const {
    std::string out;
    for (const Diagnostic& d : diags.items()) {
      if (d.code != code) continue;
      LineColumn lc = source->position(d.range.begin);
      if (!out.empty()) out += " ";
      out += std::to_string(lc.line) + ":" + std::to_string(lc.column);
    }
    return out;
  }
  const Diagnostic* find(const std::string& code) const {
    for (const Diagnostic& d : diags.items()) {
      if (d.code == code) return &d;
    }
    return nullptr;
  }
};

inline Compiled compile(const std::string& text, const ExtensionRegistry* ext = nullptr) {
  Compiled c;
  c.source = std::make_unique<SourceFile>("test.tariff", text);
  c.program = compile_source(*c.source, c.diags, ext);
  return c;
}

// A context of the program's size: zeros, no model, a large balance, no request amount.
inline std::vector<int64_t> context(const ir::Program& p) {
  std::vector<int64_t> ctx(p.context_slots, 0);
  ctx[kSlotModel] = -1;
  ctx[kSlotRemaining] = int64_t{1} << 40;
  ctx[kSlotPeriodAllowance] = int64_t{1} << 40;
  for (const ir::Attribute& a : p.attributes) ctx[a.slot] = a.default_value;
  return ctx;
}

inline uint32_t block_of(const ir::Program& p, const std::string& plan, const std::string& svc) {
  int pi = p.find_plan(plan);
  int si = p.find_service(svc);
  EXPECT_GE(pi, 0) << plan;
  EXPECT_GE(si, 0) << svc;
  int b = p.service_block(static_cast<uint32_t>(pi), static_cast<uint16_t>(si));
  EXPECT_GE(b, 0) << plan << "/" << svc;
  return static_cast<uint32_t>(b);
}

inline Decision decide_on(const ir::Program& p, uint32_t block, const std::vector<int64_t>& ctx) {
  Interpreter interp(p);
  return decide(p, interp, block, ctx.data());
}

// The function of a role in a block, or nullptr.
inline const ir::Function* function(const ir::Program& p, uint32_t block, ir::Role role,
                                    uint16_t aux = 0) {
  for (const ir::Function& f : p.blocks[block].functions) {
    if (f.role == role && f.aux == aux) return &f;
  }
  return nullptr;
}

// Evaluates one function of a block; nullopt on no-match or fault.
inline std::optional<int64_t> eval(const ir::Program& p, uint32_t block, ir::Role role,
                                   const std::vector<int64_t>& ctx, uint16_t aux = 0) {
  const ir::Function* f = function(p, block, role, aux);
  if (!f) return std::nullopt;
  Interpreter interp(p);
  int64_t v = 0;
  if (interp.evaluate_function(*f, ctx.data(), &v) != ir::EvalStatus::kOk) return std::nullopt;
  return v;
}

}  // namespace gyrate::lang::checker_test
