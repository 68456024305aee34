// Explanation as text (for people) and JSON (for tools): hand-written, no JSON dependency. Money
// and weights keep their integer millionths in JSON; text shows them as decimals.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "gyrate/engine/explain.hpp"
#include "json_text.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::engine {
namespace {

template <typename T, typename F>
std::string json_array(const std::vector<T>& items, F each) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + each(items[i]);
  return out + "]";
}

// "2026-03-04 02:00" in the catalog's zone.
std::string local_text(int64_t t, int32_t zone_minutes) {
  lang::calendar::LocalTime l = lang::calendar::local_time(t, zone_minutes);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d %02d:%02d", static_cast<long long>(l.year),
                l.month, l.day, l.hour, l.minute);
  return buf;
}

// A heading padded so that the values line up.
std::string field(const char* name) {
  std::string s = name;
  return s + std::string(s.size() < 9 ? 9 - s.size() : 1, ' ');
}

// Rows of cells, each column padded to its widest cell; `right` columns align right.
std::string aligned(const std::vector<std::vector<std::string>>& rows,
                    const std::vector<size_t>& right) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      std::string pad(width[i] - row[i].size(), ' ');
      bool r = std::find(right.begin(), right.end(), i) != right.end();
      line += "  " + (r ? pad + row[i] : row[i] + pad);
    }
    out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }
  return out;
}

// Where a rule is: FILE:LINE once located, its byte offset before, what stood in for a rule.
std::string where(const Explanation& e, const FiredRule& r) {
  if (r.origin == "default") return "default";
  if (r.origin == "none") return "no rule";
  if (r.line > 0) return e.source + ":" + std::to_string(r.line);
  return "byte " + std::to_string(r.range.begin);
}

std::string rules_table(const Explanation& e) {
  std::vector<std::vector<std::string>> rows;
  for (const FiredRule& r : e.rules) {
    std::string role = r.role + (r.role == "window_limit" ? " " + std::to_string(r.aux) : "");
    std::string value = !r.fault.empty() ? "fault: " + r.fault : r.matched ? r.value_text : "-";
    // An action's argument (a URL) is in the rule's text already.
    if (r.role == "exhaust_action") value = value.substr(0, value.find(' '));
    std::string text = r.text;
    if (r.origin == "default") text = "(no rule applies: " + r.role + " " + value + ")";
    if (r.origin == "none") {
      text = r.role == "grant" ? "(no rule applies: the request is the grant, the quota when "
                                 "nothing is asked)"
                               : "(no rule applies)";
    }
    rows.push_back({where(e, r), role, value, text});
  }
  return aligned(rows, {});
}

std::string why(const Explanation& e) {
  std::string s = "why:\n";
  for (const std::string& r : e.reasons) s += "  - " + r + "\n";
  return s;
}

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
  std::string rules = json_array(e.rules, [](const FiredRule& r) {
    return JsonObject()
        .str("role", r.role)
        .num("aux", r.aux)
        .flag("matched", r.matched)
        .str("fault", r.fault)
        .num("value", r.value)
        .str("value_text", r.value_text)
        .str("origin", r.origin)
        .num("begin", r.range.begin)
        .num("end", r.range.end)
        .num("line", r.line)
        .num("column", r.column)
        .str("text", r.text)
        .done();
  });
  o.raw("reasons", reasons).str("source", e.source).raw("rules", rules);
  o.num("zone_offset_minutes", e.zone_offset_minutes).str("limited_by", e.limited_by)
      .str("limit", e.limit).num("limit_rule", e.limit_rule).num("cost", e.cost);
  return o.done();
}

std::string to_text(const Explanation& e) {
  const Answer& a = e.answer;
  auto fixed = [](int64_t v) { return lang::literal::format_fixed(v); };
  auto money = [&](int64_t v) { return fixed(v) + (e.currency.empty() ? "" : " " + e.currency); };
  auto local = [&](int64_t t) { return local_text(t, e.zone_offset_minutes); };
  std::string asked = e.requested > 0 ? std::to_string(e.requested) + " " + e.unit
                      : e.rated ? "(no amount: the quota " + std::to_string(e.quota) + " " +
                                      e.unit + ")"
                                : std::string("(no amount)");
  std::string s = e.account + ": reserve " + e.service + " " + asked;
  if (!e.model.empty()) s += ", model " + e.model + (e.model_known ? "" : " (unknown)");
  s += ", at " + local(e.time) + "\n";
  s += field("plan") + e.plan + " v" + std::to_string(e.plan_version);
  if (!e.team.empty()) s += ", team " + e.team;
  if (!e.source.empty()) s += " (" + e.source + ")";
  s += e.rated ? ", block " + std::to_string(e.block) : ", which does not rate " + e.service;
  s += "\n" + field("answer") + lang::outcome_name(a.outcome) + " " + std::to_string(a.grant) +
       " " + e.unit + ", debit " + std::to_string(a.debit) + " allowance units";
  if (a.validity_seconds >= 0) s += ", validity " + std::to_string(a.validity_seconds) + " s";
  if (a.final_units) s += ", final units: " + (e.final_action.empty() ? "none" : e.final_action);
  if (e.duplicate) s += " (stored answer of a repeat)";
  s += "\n" + field("limit") + e.limited_by + " -- " + e.limit;
  if (e.limit_rule >= 0) s += " (" + where(e, e.rules[static_cast<size_t>(e.limit_rule)]) + ")";
  s += "\n";
  if (!e.rated || e.duplicate) return s + why(e);
  s += field("weight") + fixed(e.weight) + " allowance units per " + e.unit + "\n";
  if (!e.rules.empty()) s += "rules fired:\n" + rules_table(e);
  s += field("context") + "remaining " + std::to_string(e.remaining) + ", used " +
       std::to_string(e.used) + ", period allowance " + std::to_string(e.period_allowance) +
       ", spend " + money(e.spend) + ", period " + std::to_string(e.period_index);
  if (e.member_used != e.used) s += ", member used " + std::to_string(e.member_used);
  for (const ExplainedWindow& w : e.windows) {
    s += ", window " + std::to_string(w.seconds) + " s " + std::to_string(w.counted) + "/" +
         (w.limit ? std::to_string(*w.limit) : "-");
  }
  s += "\nbuckets in draw order:\n";
  if (e.buckets.empty()) s += "  (none)\n";
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < e.buckets.size(); ++i) {
    const ExplainedBucket& b = e.buckets[i];
    rows.push_back({std::to_string(i + 1) + ".", origin_name(b.origin), b.offer,
                    std::to_string(b.amount),
                    "until " + (b.valid_until == kNeverEnds ? "never" : local(b.valid_until)),
                    "gives " + std::to_string(b.gives)});
  }
  s += aligned(rows, {0, 3});
  s += field("price");
  if (e.charge && e.has_overage_price) {
    s += "beyond the buckets " + money(e.overage_price) + " per " +
         std::to_string(e.overage_block) + " " + e.unit + " (charge): this grant costs " +
         money(e.cost) + "\n";
  } else if (e.has_overage_price) {
    s += "overage " + money(e.overage_price) + " per " + std::to_string(e.overage_block) + " " +
         e.unit + ", not sold: the exhaust action is not `charge`; the grant costs nothing more\n";
  } else {
    s += "no overage price: the buckets (fee, packs) pay for it; the grant costs nothing more\n";
  }
  return s + why(e);
}

}  // namespace gyrate::engine
