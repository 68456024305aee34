// What the grant's size comes down to, in one word and one sentence: the outcome when nothing
// is rated, else the bound decide() reported (Decision::limiter), with the request, the grant
// rule and the service's quota told apart, since decide() calls all three "rule".
#include <string>

#include "explain_parts.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::engine {
namespace {

using lang::Limiter;
using lang::Outcome;

int find_rule(const Explanation& e, const std::string& role, uint16_t aux = 0) {
  for (size_t i = 0; i < e.rules.size(); ++i) {
    if (e.rules[i].role == role && e.rules[i].aux == aux && e.rules[i].matched) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// The window whose room is the grant (the first, as decide() keeps the first of equal bounds).
int cutting_window(const Explanation& e) {
  for (size_t i = 0; i < e.windows.size(); ++i) {
    const ExplainedWindow& w = e.windows[i];
    if (!w.limit) continue;
    int64_t room = w.counts_requests ? (w.counted >= *w.limit ? 0 : e.answer.grant + 1)
                                     : raw_room(room_under(*w.limit, w.counted), e.weight);
    if (room == e.answer.grant) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

void explain_limit(Explanation& e) {
  const Answer& a = e.answer;
  auto units = [&](int64_t v) { return std::to_string(v) + " " + e.unit; };
  auto money = [&](int64_t v) {
    std::string s = lang::literal::format_fixed(v);
    return e.currency.empty() ? s : s + " " + e.currency;
  };
  // How many allowance units each unit takes, when that is not 1.
  auto at_weight = [&]() {
    return e.weight == lang::kFixedScale
               ? std::string()
               : ", " + lang::literal::format_fixed(e.weight) + " per " + e.unit;
  };
  auto set = [&](const char* word, std::string sentence, int rule = -1) {
    e.limited_by = word;
    e.limit = std::move(sentence);
    e.limit_rule = rule;
  };
  if (e.duplicate) return set("repeat", "a repeated request: the stored answer, nothing new rated");
  switch (a.outcome) {
    case Outcome::kNoRule:
      return set("no_rule", "plan " + e.plan + " does not rate " + e.service);
    case Outcome::kNotEligible:
      return set("not_eligible", "the eligibility rule is false for this subscriber",
                 find_rule(e, "eligible"));
    case Outcome::kModelNotAllowed:
      return set("model_not_allowed", "model " + e.model + " is not allowed here",
                 find_rule(e, "model_allowed"));
    case Outcome::kRatingFailed:
      return set("rating_failed", "the plan's rules faulted: nothing is granted");
    case Outcome::kGranted:
    case Outcome::kExhausted:
      break;
  }
  std::string got = a.grant == 0 ? "nothing left: " : units(a.grant) + ": ";
  switch (a.limiter) {
    case Limiter::kRule: {
      int grant = find_rule(e, "grant");
      if (grant >= 0 && !(e.requested > 0 && e.rule_grant == e.requested)) {
        return set("grant_rule",
                   got + "the grant rule gives " + units(e.rule_grant) +
                       (e.requested > 0 ? " of the " + units(e.requested) + " requested"
                                        : " (nothing requested)"),
                   grant);
      }
      if (e.requested > 0) {
        return set("requested", got + "as requested; no rule, balance, cap or window is smaller",
                   grant);
      }
      return set("quota", got + "nothing requested: the service's quota " + units(e.quota));
    }
    case Limiter::kBalance:
      return set("balance", got + std::to_string(std::max<int64_t>(e.remaining, 0)) +
                                " allowance units left" +
                                at_weight());
    case Limiter::kUsageCap: {
      int64_t room = room_under(e.usage_cap.value_or(0), e.used);
      return set("usage_cap",
                 got + "usage cap " + std::to_string(e.usage_cap.value_or(0)) + " a period, " +
                     std::to_string(e.used) + " used, " + std::to_string(room) + " left" +
                     at_weight(),
                 find_rule(e, "usage_cap"));
    }
    case Limiter::kMemberCap: {
      int64_t room = room_under(e.member_cap.value_or(0), e.member_used);
      return set("member_cap",
                 got + "per-member cap " + std::to_string(e.member_cap.value_or(0)) + ", " +
                     std::to_string(e.member_used) + " used by this member, " +
                     std::to_string(room) + " left" + at_weight(),
                 find_rule(e, "member_cap"));
    }
    case Limiter::kWindow: {
      int w = cutting_window(e);
      if (w < 0) return set("window", got + "a rolling window");
      const ExplainedWindow& win = e.windows[static_cast<size_t>(w)];
      std::string what = win.counts_requests ? " requests" : " allowance units";
      std::string sentence = got + "rolling window of " + std::to_string(win.seconds) + " s: " +
                             std::to_string(win.counted) + " of " + std::to_string(*win.limit) +
                             what + " counted";
      if (a.grant == 0 && a.validity_seconds >= 0) {
        sentence += ", room again in " + std::to_string(a.validity_seconds) + " s";
      }
      return set("window", sentence, find_rule(e, "window_limit", static_cast<uint16_t>(w)));
    }
    case Limiter::kSpendCap: {
      int64_t cap = e.spend_cap.value_or(0);
      std::string held = std::to_string(std::max<int64_t>(e.remaining, 0)) + " allowance units";
      return set("spend_cap",
                 got + "spend cap " + money(cap) + ", " + money(e.spend) + " spent: " +
                     (e.spend >= cap ? "reached, only what the buckets hold (" + held + ")"
                                     : "the " + money(cap - e.spend) + " left buys only this "
                                       "much beyond the buckets' " + held),
                 find_rule(e, "spend_cap"));
    }
    case Limiter::kNone:
      break;
  }
  set("none", got + "no bound reported");
}

}  // namespace gyrate::engine
