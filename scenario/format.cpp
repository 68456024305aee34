// Exact text for quantities, durations, money, local times and answers (see format.hpp).
#include "format.hpp"

#include <cstdio>

#include "gyrate/ruleslang/arith.hpp"
#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/scenario/runner.hpp"

namespace gyrate::scenario {

std::string quantity_text(int64_t amount, lang::Dim dim) {
  const int64_t magnitude = amount < 0 ? -amount : amount;
  if (dim == lang::Dim::kByte) {
    static constexpr struct { int64_t size; const char* name; } kUnits[] = {
        {int64_t{1} << 30, "GiB"}, {int64_t{1} << 20, "MiB"}, {int64_t{1} << 10, "KiB"}};
    for (const auto& u : kUnits) {
      if (magnitude >= u.size && magnitude % u.size == 0)
        return std::to_string(amount / u.size) + " " + u.name;
    }
    return std::to_string(amount) + " B";
  }
  if (dim == lang::Dim::kSecond) return duration_text(amount);
  std::string unit = dim == lang::Dim::kNone ? "" : std::string(" ") + lang::dim_name(dim);
  if (magnitude >= 1'000'000 && magnitude % 1'000'000 == 0)
    return std::to_string(amount / 1'000'000) + "M" + unit;
  if (magnitude >= 1'000 && magnitude % 1'000 == 0)
    return std::to_string(amount / 1'000) + "k" + unit;
  return std::to_string(amount) + unit;
}

std::string duration_text(int64_t seconds) {
  if (seconds < 0) return "none";
  if (seconds >= 86'400 && seconds % 86'400 == 0) return std::to_string(seconds / 86'400) + " d";
  if (seconds >= 3600 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + " h";
  if (seconds >= 60 && seconds % 60 == 0) return std::to_string(seconds / 60) + " min";
  return std::to_string(seconds) + " s";
}

namespace {
int64_t micros_per_minor(int decimals) {
  int64_t unit = 1;
  for (int i = decimals; i < 6; ++i) unit *= 10;
  return unit;
}
}  // namespace

int64_t round_money(int64_t micros, int decimals) {
  const int64_t unit = micros_per_minor(decimals);
  return static_cast<int64_t>(lang::arith::round_div(micros, unit)) * unit;
}

std::string money_text(int64_t micros, int decimals, const std::string& currency) {
  const int64_t unit = micros_per_minor(decimals);
  const int64_t minor = round_money(micros, decimals) / unit;
  const uint64_t mag = minor < 0 ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  std::string out = minor < 0 ? "-" : "";
  out += std::to_string(mag / scale);
  if (decimals > 0) {
    std::string fraction = std::to_string(mag % scale);
    out += "." + std::string(static_cast<size_t>(decimals) - fraction.size(), '0') + fraction;
  }
  return currency.empty() ? out : out + " " + currency;
}

std::string local_time_text(int64_t unix_seconds, int32_t offset_minutes) {
  const int64_t local = unix_seconds + int64_t{offset_minutes} * 60;
  int64_t days = local / 86'400;
  int64_t second = local % 86'400;
  if (second < 0) {
    second += 86'400;
    --days;
  }
  const auto d = lang::calendar::civil_from_days(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d %02lld:%02lld:%02lld",
                static_cast<long long>(d.year), d.month, d.day,
                static_cast<long long>(second / 3600), static_cast<long long>(second / 60 % 60),
                static_cast<long long>(second % 60));
  return buf;
}

std::string answer_text(const engine::Answer& a, lang::Dim dim, int decimals,
                        const std::string& currency) {
  std::string s = lang::outcome_name(a.outcome);
  s += " (" + std::to_string(result_code(a.outcome)) + ")";
  if (a.grant > 0) s += " grant " + quantity_text(a.grant, dim);
  if (a.debit > 0 && a.debit != a.grant) s += " debit " + quantity_text(a.debit, dim);
  if (a.validity_seconds >= 0) s += " validity " + duration_text(a.validity_seconds);
  if (a.grant > 0 && a.threshold >= 0) s += " threshold " + quantity_text(a.threshold, dim);
  if (a.limiter != lang::Limiter::kNone) s += std::string(" limiter ") + lang::limiter_name(a.limiter);
  if (a.has_final_action) {
    s += std::string(" final ") + lang::ast::action_spelling(a.final_action);
    if (!a.final_action_argument.empty()) s += " " + a.final_action_argument;
    if (a.final_units) s += " (FUI)";
  }
  if (a.committed > 0) s += " committed " + quantity_text(a.committed, dim);
  if (a.overrun > 0) s += " overrun " + quantity_text(a.overrun, dim);
  if (a.released > 0) s += " released " + quantity_text(a.released, dim);
  if (a.charged > 0) s += " charged " + money_text(a.charged, decimals, currency);
  if (a.duplicate) s += " (repeat)";
  return s;
}

}  // namespace gyrate::scenario
