// Human-readable money and quantities for gyratec's reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::tools {

// "9.90 CNY": money millionths rounded half up to the currency's minor digits.
std::string format_money(const lang::ir::Program& program, std::optional<uint16_t> currency,
                         int64_t micros);
// "3.20M token", "1.50 GiB", "1200 request".
std::string format_quantity(int64_t amount, lang::Dim dim);

}  // namespace gyrate::tools
