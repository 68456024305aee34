// Exact text for what a scenario shows: quantities, durations, money, local times and answers.
// Never floating point: "1.5M token" is printed as "1500k token".
#pragma once

#include <cstdint>
#include <string>

#include "gyrate/engine/account.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::scenario {

// "400k token", "5 GiB", "18k request", "-3 token".
std::string quantity_text(int64_t amount, lang::Dim dim);
// "30 min", "1 h", "90 s", "none" for -1.
std::string duration_text(int64_t seconds);
// millionths rounded half up to `decimals` digits: "19.90 CNY".
std::string money_text(int64_t micros, int decimals, const std::string& currency);
// millionths rounded half up to `decimals` digits, in millionths again.
int64_t round_money(int64_t micros, int decimals);
// "2026-03-05 10:00:00" in the zone.
std::string local_time_text(int64_t unix_seconds, int32_t offset_minutes);
// One line for a step's answer: outcome, Result-Code, grant, debit, validity, limiter, action.
std::string answer_text(const engine::Answer& a, lang::Dim dim, int decimals,
                        const std::string& currency);

}  // namespace gyrate::scenario
