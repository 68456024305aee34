// The month's report for people and tools: a text table, a CSV with one row per subscriber, JSON,
// and an SVG chart. Money is printed from integer millionths in the currency's minor units.
#pragma once

#include <cstdint>
#include <string>

#include "gyrate/sim/month.hpp"

namespace gyrate::sim {

// ISO 4217 minor units of a currency code (CNY 2, JPY 0, KWD 3); 2 when unknown.
int currency_minor_units(const std::string& currency);
// 12345678 millionths of CNY -> "12.35 CNY" (half away from zero); no currency: the amount alone.
std::string format_money(int64_t millionths, const std::string& currency);

// Per plan: subscribers, tokens and data, denials, final-unit events, revenue and the effective
// price per million tokens; then per subscriber when `per_subscriber`.
std::string month_text(const MonthReport& report, bool per_subscriber);
// One row per subscriber after a header row; money in millionths and printed.
std::string month_csv(const MonthReport& report);
std::string month_json(const MonthReport& report);
// Cumulative tokens granted and used per plan per day (and data, when any was used), with the
// days of denials marked.
std::string month_svg(const MonthReport& report);

}  // namespace gyrate::sim
