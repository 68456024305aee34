// Checked-program values and expressions as a tariff designer writes them ("26.00 CNY",
// "30 GiB", "model == qwen_max and hour in 0..7"), for the catalog diff's table. Display only:
// comparisons use lang::dump_expr. Internal to gyrate_engine.
#pragma once

#include <cstdint>
#include <string>

#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::engine {

// Money with the currency's minor digits (more when the value needs them), quantities in the
// largest unit that divides them exactly, ratios as decimals, the rest as their literal.
std::string value_text(const lang::ir::Program& program, lang::Type type, int64_t value);

// A duration in seconds as "30 days", "5 h", "15 min", "90 s".
std::string duration_text(int64_t seconds);

// Days since the epoch as YYYY-MM-DD.
std::string date_text(int64_t days);

// Infix, with parentheses only where precedence needs them; a constant is value_text.
std::string expr_text(const lang::ir::Program& program, lang::ir::ExprId expr);

}  // namespace gyrate::engine
