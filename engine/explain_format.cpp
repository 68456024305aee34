// Explanation as text (for people) and JSON (for tools): hand-written, no JSON dependency. Money
// and weights keep their integer millionths in JSON; text shows them as decimals.
#include <cstdio>
#include <string>

#include "gyrate/engine/explain.hpp"
#include "json_text.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::engine {
namespace {

template <typename T, typename F>
std::string json_array(const std::vector<T>& items, F each) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + each(items[i]);
  return out + "]";
}

std::string until_text(int64_t t) { return t == kNeverEnds ? "never" : std::to_string(t); }

}  // namespace

std::string to_json(const Explanation& e) {
  const Answer& a = e.answer;
  std::string answer = JsonObject()
                           .str("outcome", lang::outcome_name(a.outcome))
                           .str("limiter", lang::limiter_name(a.limiter))
                           .num("grant", a.grant)
                           .num("debit", a.debit)
                           .num("weight", a.weight)
                           .num("validity_seconds", a.validity_seconds)
                           .num("threshold", a.threshold)
                           .flag("final_units", a.final_units)
                           .str("final_action", e.final_action)
                           .flag("duplicate", a.duplicate)
                           .done();
  std::string windows = json_array(e.windows, [](const ExplainedWindow& w) {
    return JsonObject()
        .num("seconds", w.seconds)
        .flag("counts_requests", w.counts_requests)
        .num("counted", w.counted)
        .opt("limit", w.limit)
        .done();
  });
  std::string buckets = json_array(e.buckets, [](const ExplainedBucket& b) {
    return JsonObject()
        .str("origin", origin_name(b.origin))
        .str("offer", b.offer)
        .num("amount", b.amount)
        .num("valid_from", b.valid_from)
        .opt("valid_until", b.valid_until == kNeverEnds ? std::nullopt
                                                        : std::optional<int64_t>(b.valid_until))
        .num("gives", b.gives)
        .done();
  });
  std::string reasons =
      json_array(e.reasons, [](const std::string& r) { return json_string(r); });
  JsonObject o;
  o.str("account", e.account).str("team", e.team).str("plan", e.plan)
      .num("plan_version", e.plan_version).str("service", e.service).str("unit", e.unit)
      .flag("rated", e.rated).num("block", e.block).str("model", e.model)
      .flag("model_known", e.model_known).num("weight", e.weight).num("requested", e.requested)
      .num("time", e.time).flag("duplicate", e.duplicate).raw("answer", answer);
  o.raw("context", JsonObject()
                       .num("remaining", e.remaining)
                       .num("used", e.used)
                       .num("member_used", e.member_used)
                       .num("period_allowance", e.period_allowance)
                       .num("spend", e.spend)
                       .num("period_index", e.period_index)
                       .raw("windows", windows)
                       .done());
  o.num("rule_grant", e.rule_grant).num("quota", e.quota).opt("usage_cap", e.usage_cap)
      .opt("member_cap", e.member_cap).opt("spend_cap", e.spend_cap).raw("buckets", buckets);
  o.raw("overage", JsonObject()
                       .flag("charge", e.charge)
                       .flag("priced", e.has_overage_price)
                       .num("price", e.overage_price)
                       .num("block", e.overage_block)
                       .str("currency", e.currency)
                       .done());
  return o.raw("reasons", reasons).done();
}

std::string to_text(const Explanation& e) {
  const Answer& a = e.answer;
  auto fixed = [](int64_t v) { return lang::literal::format_fixed(v); };
  std::string s = "account " + e.account;
  if (!e.team.empty()) s += " (team " + e.team + ")";
  s += ", plan " + e.plan + " v" + std::to_string(e.plan_version) + ", service " + e.service;
  s += e.rated ? " (block " + std::to_string(e.block) + ")" : " (not rated by the plan)";
  s += "\n";
  s += "request: " + std::to_string(e.requested) + " " + e.unit + " at " + std::to_string(e.time);
  if (!e.model.empty()) s += ", model " + e.model + (e.model_known ? "" : " (unknown)");
  s += ", weight " + fixed(e.weight) + "\n";
  s += std::string("answer: ") + lang::outcome_name(a.outcome) + " " + std::to_string(a.grant) +
       " " + e.unit + ", debit " + std::to_string(a.debit) + ", limiter " +
       lang::limiter_name(a.limiter);
  if (a.validity_seconds >= 0) s += ", validity " + std::to_string(a.validity_seconds) + " s";
  if (a.final_units) s += ", final: " + (e.final_action.empty() ? "none" : e.final_action);
  if (e.duplicate) s += " (stored answer of a repeat)";
  s += "\n";
  if (e.rated && !e.duplicate) {
    s += "context: remaining " + std::to_string(e.remaining) + ", used " + std::to_string(e.used) +
         ", period allowance " + std::to_string(e.period_allowance) + ", spend " +
         fixed(e.spend) + (e.currency.empty() ? "" : " " + e.currency) + ", period " +
         std::to_string(e.period_index);
    if (e.member_used != e.used) s += ", member used " + std::to_string(e.member_used);
    for (const ExplainedWindow& w : e.windows) {
      s += ", window " + std::to_string(w.seconds) + " s " + std::to_string(w.counted) + "/" +
           (w.limit ? std::to_string(*w.limit) : "-");
    }
    s += "\nbuckets in draw order:\n";
    if (e.buckets.empty()) s += "  (none)\n";
    for (const ExplainedBucket& b : e.buckets) {
      s += std::string("  ") + origin_name(b.origin) + " " + b.offer + ": " +
           std::to_string(b.amount) + " until " + until_text(b.valid_until) + ", gives " +
           std::to_string(b.gives) + "\n";
    }
    if (e.charge && e.has_overage_price) {
      s += "overage: " + fixed(e.overage_price) + " " + e.currency + " per " +
           std::to_string(e.overage_block) + " " + e.unit + "\n";
    }
  }
  s += "why:\n";
  for (const std::string& r : e.reasons) s += "  - " + r + "\n";
  return s;
}

}  // namespace gyrate::engine
