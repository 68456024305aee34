// The live and end-of-month parts of the consistency check: see month_check.hpp.
#include "gyrate/sim/month_check.hpp"

#include <cstdio>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/int128.hpp"

namespace gyrate::sim {
namespace {

constexpr int64_t kDay = 86'400;

int64_t local_day(int64_t t, int32_t utc_offset_minutes) {
  int64_t s = t + int64_t{utc_offset_minutes} * 60;
  return s >= 0 ? s / kDay : -((-s + kDay - 1) / kDay);
}

// "2026-11-20 14:05" local.
std::string local_time(int64_t t, int32_t utc_offset_minutes) {
  int64_t s = t + int64_t{utc_offset_minutes} * 60;
  int64_t day = local_day(t, utc_offset_minutes);
  lang::calendar::CivilDate d = lang::calendar::civil_from_days(day);
  int64_t second = s - day * kDay;
  char text[80];
  std::snprintf(text, sizeof text, "%04lld-%02d-%02d %02lld:%02lld", static_cast<long long>(d.year),
                d.month, d.day, static_cast<long long>(second / 3600),
                static_cast<long long>(second / 60 % 60));
  return text;
}

std::string n(int64_t v) { return std::to_string(v); }

}  // namespace

void Consistency::fail(std::string what) {
  ++checks;
  ++failed;
  if (violations.size() < kShown) violations.push_back(std::move(what));
}

void Consistency::add(const Consistency& other) {
  checks += other.checks;
  failed += other.failed;
  skipped += other.skipped;
  for (const std::string& v : other.violations) {
    if (violations.size() < kShown) violations.push_back(v);
  }
}

std::string Consistency::summary(const std::string& label) const {
  std::string skipped_text =
      skipped == 0 ? ""
                   : ", " + std::to_string(skipped) + " refusals rated again too late to judge";
  if (ok()) return label + ": OK (" + std::to_string(checks) + " checks" + skipped_text + ")\n";
  std::string out = label + ": " + std::to_string(failed) + " violation" +
                    (failed == 1 ? "" : "s") + " in " + std::to_string(checks) + " checks" +
                    skipped_text + (failed > violations.size() ? ", the first:" : ":") + "\n";
  for (const std::string& v : violations) out += "  " + v + "\n";
  return out;
}

void check_refusal(const std::string& subscriber, int64_t at, int64_t retry_seconds,
                   int32_t utc_offset_minutes, const RefusalView& view, Consistency& out) {
  // Rated again on another day (a period may have renewed), or after the refusal told the client
  // to come back (a window's oldest minute may have left): the server may rightly grant now.
  if (local_day(view.time, utc_offset_minutes) != local_day(at, utc_offset_minutes) ||
      (retry_seconds > 0 && view.time >= at + retry_seconds)) {
    ++out.skipped;
    return;
  }
  std::string who = subscriber + " " + view.service + " refused (4012) at " +
                    local_time(at, utc_offset_minutes);
  if (view.granted) {
    out.fail(who + ", but the server grants the same request now (" + n(view.remaining) +
             " allowance units left)");
    return;
  }
  const std::string& l = view.limiter;
  // A limit is reached when what is left of it is less than one unit at the request's weight.
  int64_t one_unit = std::max<int64_t>((view.weight + 999'999) / 1'000'000, 1);
  auto room = [&](const std::optional<int64_t>& cap, int64_t used) {
    return cap && *cap - used >= one_unit;
  };
  // The units the money left under the spend cap buys at the overage price (rule 14).
  bool money_left = view.spend_cap && view.overage_price > 0 &&
                    static_cast<lang::Int128>(*view.spend_cap - view.spend) * view.overage_block /
                            view.overage_price >= one_unit;
  if (l == "balance" && view.remaining >= one_unit) {
    out.fail(who + " for lack of balance, with " + n(view.remaining) +
             " allowance units left (a unit weighs " + n(one_unit) + ")");
  } else if (l == "usage_cap" && (!view.usage_cap || room(view.usage_cap, view.used))) {
    out.fail(who + " at its usage cap, with " + n(view.used) + " used of " +
             (view.usage_cap ? n(*view.usage_cap) : "no cap") + " (a unit weighs " +
             n(one_unit) + ")");
  } else if (l == "member_cap" &&
             (!view.member_cap || room(view.member_cap, view.member_used))) {
    out.fail(who + " at its member cap, with " + n(view.member_used) + " used of " +
             (view.member_cap ? n(*view.member_cap) : "no cap") + " (a unit weighs " +
             n(one_unit) + ")");
  } else if (l == "spend_cap" && (!view.spend_cap || money_left)) {
    out.fail(who + " at its spend cap, with " + n(view.spend) + " spent of " +
             (view.spend_cap ? n(*view.spend_cap) : "no cap") + " millionths");
  } else if (l == "window" && !view.window_full) {
    out.fail(who + " by a rolling window that is not full");
  } else {
    out.pass();
  }
}

void check_account(const std::string& account, const AccountState& state, Consistency& out) {
  if (state.open_reservations != 0 || state.reserved != 0) {
    out.fail(account + ": " + n(state.open_reservations) + " reservations (" + n(state.reserved) +
             " allowance units) still open after every session ended");
  } else {
    out.pass();
  }
  if (state.overrun != 0) {
    out.fail(account + ": " + n(state.overrun) +
             " allowance units used beyond its buckets and not sold as overage, though the "
             "simulator never used more than it was granted");
  } else {
    out.pass();
  }
}

}  // namespace gyrate::sim
