// Test helpers: compile an example tariff and evaluate decisions with the interpreter.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/context_builder.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"

namespace gyrate::testing {

inline std::string read_repo_file(const std::string& relative) {
  std::ifstream in(std::string(GYRATE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A compiled example plus an interpreter; fails the test with rendered diagnostics on errors.
class CompiledTariff {
 public:
  explicit CompiledTariff(const std::string& relative_path)
      : source_(relative_path, read_repo_file(relative_path)) {
    lang::Diagnostics diags;
    program_ = lang::compile_source(source_, diags);
    if (!program_) ADD_FAILURE() << lang::render_all(diags, source_);
    if (program_) interp_.emplace(*program_);
  }
  bool ok() const { return program_.has_value(); }
  const lang::ir::Program& program() const { return *program_; }
  const lang::Interpreter& interpreter() const { return *interp_; }

  lang::ContextBuilder context() const { return lang::ContextBuilder(*program_); }

  // The decision for (plan, service) under ctx. Fails the test when the plan/service is unknown.
  lang::Decision decide(const std::string& plan, const std::string& service,
                        const lang::ContextBuilder& ctx) const {
    int p = program_->find_plan(plan);
    int s = program_->find_service(service);
    EXPECT_GE(p, 0) << plan;
    EXPECT_GE(s, 0) << service;
    if (p < 0 || s < 0) return {};
    int block = program_->service_block(static_cast<uint32_t>(p), static_cast<uint16_t>(s));
    if (block < 0) return {};  // outcome kNoRule
    return lang::decide(*program_, *interp_, static_cast<uint32_t>(block), ctx.context().data());
  }

  lang::Decision plan_decision(const std::string& plan, const lang::ContextBuilder& ctx) const {
    int p = program_->find_plan(plan);
    EXPECT_GE(p, 0) << plan;
    if (p < 0) return {};
    return lang::decide(*program_, *interp_, program_->plans[static_cast<size_t>(p)].plan_block,
                        ctx.context().data());
  }

 private:
  lang::SourceFile source_;
  std::optional<lang::ir::Program> program_;
  std::optional<lang::Interpreter> interp_;
};

}  // namespace gyrate::testing
