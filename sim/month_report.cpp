// The report's sums, names and money: see month.hpp and month_report.hpp.
#include <cstdlib>
#include <map>

#include "gyrate/ruleslang/int128.hpp"
#include "gyrate/sim/month.hpp"
#include "gyrate/sim/month_report.hpp"

namespace gyrate::sim {
namespace {

template <typename T, size_t N>
void add_all(T (&to)[N], const T (&from)[N]) {
  for (size_t i = 0; i < N; ++i) to[i] += from[i];
}

void add_series(std::vector<uint64_t>& to, const std::vector<uint64_t>& from) {
  if (to.size() < from.size()) to.resize(from.size());
  for (size_t i = 0; i < from.size(); ++i) to[i] += from[i];
}

}  // namespace

uint64_t Usage::denial_total() const {
  uint64_t n = 0;
  for (uint64_t d : denials) n += d;
  return n;
}

uint64_t Usage::final_unit_total() const {
  uint64_t n = 0;
  for (uint64_t f : final_units) n += f;
  return n;
}

void Usage::add(const Usage& o) {
  tokens_used += o.tokens_used;
  tokens_granted += o.tokens_granted;
  bytes_used += o.bytes_used;
  bytes_granted += o.bytes_granted;
  requests_used += o.requests_used;
  requests_granted += o.requests_granted;
  sessions += o.sessions;
  ccrs += o.ccrs;
  errors += o.errors;
  packs += o.packs;
  pack_money += o.pack_money;
  for (const auto& [model, tokens] : o.tokens_by_model) tokens_by_model[model] += tokens;
  for (const auto& [code, n] : o.ccrs_by_result) ccrs_by_result[code] += n;
  add_all(denials, o.denials);
  add_all(final_units, o.final_units);
}

void DaySeries::resize(size_t days) {
  for (auto* s : {&tokens_used, &tokens_granted, &bytes_used, &bytes_granted, &requests_used,
                  &requests_granted, &denials, &final_units}) {
    s->resize(days);
  }
  for (int u = 0; u < static_cast<int>(UnitKind::kCount); ++u) {
    denials_by_unit[u].resize(days);
    final_units_by_unit[u].resize(days);
  }
}

void DaySeries::add(const DaySeries& o) {
  add_series(tokens_used, o.tokens_used);
  add_series(tokens_granted, o.tokens_granted);
  add_series(bytes_used, o.bytes_used);
  add_series(bytes_granted, o.bytes_granted);
  add_series(requests_used, o.requests_used);
  add_series(requests_granted, o.requests_granted);
  add_series(denials, o.denials);
  add_series(final_units, o.final_units);
  for (int u = 0; u < static_cast<int>(UnitKind::kCount); ++u) {
    add_series(denials_by_unit[u], o.denials_by_unit[u]);
    add_series(final_units_by_unit[u], o.final_units_by_unit[u]);
  }
}

std::optional<int64_t> price_per_million_tokens(int64_t bill_millionths, uint64_t tokens) {
  if (tokens == 0) return std::nullopt;
  lang::Int128 scaled = static_cast<lang::Int128>(bill_millionths) * 1'000'000;
  lang::Int128 t = tokens;
  lang::Int128 q = (scaled < 0 ? -scaled : scaled);
  q = (q + t / 2) / t;
  return static_cast<int64_t>(scaled < 0 ? -q : q);
}

const char* denial_name(Denial d) {
  switch (d) {
    case Denial::k4010: return "4010";
    case Denial::k4012: return "4012";
    case Denial::k5030: return "5030";
    case Denial::k5031: return "5031";
    case Denial::kCount: break;
  }
  return "?";
}

const char* final_action_name(FinalAction a) {
  switch (a) {
    case FinalAction::kTerminate: return "terminate";
    case FinalAction::kRedirect: return "redirect";
    case FinalAction::kRestrict: return "restrict";
    case FinalAction::kCount: break;
  }
  return "?";
}

int currency_minor_units(const std::string& currency) {
  static const std::map<std::string, int> kMinor = {
      {"BHD", 3}, {"CLP", 0}, {"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KRW", 0},
      {"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"PYG", 0}, {"TND", 3}, {"UGX", 0}, {"VND", 0}};
  auto it = kMinor.find(currency);
  return it == kMinor.end() ? 2 : it->second;
}

std::string format_money(int64_t millionths, const std::string& currency) {
  int minor = currency_minor_units(currency);
  int64_t unit = 1;
  for (int i = minor; i < 6; ++i) unit *= 10;  // millionths per minor unit
  bool negative = millionths < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(millionths)
                                : static_cast<uint64_t>(millionths);
  uint64_t minor_units = (magnitude + static_cast<uint64_t>(unit) / 2) / static_cast<uint64_t>(unit);
  uint64_t scale = 1;
  for (int i = 0; i < minor; ++i) scale *= 10;
  std::string text = (negative && minor_units != 0 ? "-" : "") + std::to_string(minor_units / scale);
  if (minor > 0) {
    std::string fraction = std::to_string(minor_units % scale);
    text += "." + std::string(static_cast<size_t>(minor) - fraction.size(), '0') + fraction;
  }
  return currency.empty() ? text : text + " " + currency;
}

}  // namespace gyrate::sim
