// A scripted month of usage played through decide(): see month_demo.hpp.
#include "month_demo.hpp"

#include <algorithm>
#include <deque>
#include <limits>

#include "gyrate/diameter/result_code.hpp"
#include "gyrate/ruleslang/arith.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/context_builder.hpp"
#include "gyrate/ruleslang/decision.hpp"

namespace gyrate::tools {
namespace {

using lang::ir::Program;

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t out = 0;
  if (lang::arith::add(a, b, &out) != lang::ir::EvalStatus::kOk)
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return out;
}

// One service's balance for one subscriber: a single bucket plus counters.
struct ServiceState {
  int service = -1;
  int block = -1;
  int64_t remaining = 0;
  int64_t used = 0;
  std::vector<std::deque<std::pair<int64_t, int64_t>>> windows;  // (timestamp, units) per limit
  ServiceReport report;
};

int64_t window_used(const std::deque<std::pair<int64_t, int64_t>>& w) {
  int64_t sum = 0;
  for (const auto& e : w) sum = saturating_add(sum, e.second);
  return sum;
}

// Evaluates the plan block (fee, promos) once at the start of the period.
void open_period(const Program& program, const lang::Evaluator& eval, const lang::ir::Plan& plan,
                 const int64_t* ctx, SubscriberReport& report, std::vector<ServiceState>& states) {
  const auto& block = program.blocks[plan.plan_block];
  lang::BlockResult r = eval.evaluate_block(plan.plan_block, ctx);
  // One evaluation serves both the fee (through the shared decision logic) and the promos.
  report.fee =
      lang::decide_values(program, plan.plan_block, r.status, r.matched, r.values.data(), ctx).fee;
  for (size_t p = 0; p < plan.promos.size(); ++p) {
    bool eligible = true;
    for (size_t i = 0; i < block.functions.size(); ++i) {
      const auto& f = block.functions[i];
      if (f.role == lang::ir::Role::kPromoEligible && f.aux == p)
        eligible = r.status == lang::ir::EvalStatus::kOk && ((r.matched >> i) & 1U) != 0 &&
                   r.values[i] != 0;
    }
    if (!eligible) continue;
    for (const auto& g : plan.promos[p].grants)
      for (auto& s : states)
        if (s.service == g.service) {
          s.remaining = saturating_add(s.remaining, g.amount);
          s.report.quota = saturating_add(s.report.quota, g.amount);
        }
  }
}

bool buy_pack(const lang::ir::Plan& plan, ServiceState& s, SubscriberReport& report, int limit) {
  if (report.packs_bought >= limit) return false;
  for (const auto& pack : plan.packs) {
    for (const auto& g : pack.grants) {
      if (g.service != s.service) continue;
      s.remaining = saturating_add(s.remaining, g.amount);
      s.report.quota = saturating_add(s.report.quota, g.amount);
      report.packs_cost = saturating_add(report.packs_cost, pack.price);
      ++report.packs_bought;
      return true;
    }
  }
  return false;
}

}  // namespace

int64_t SubscriberReport::bill() const {
  int64_t total = saturating_add(fee, packs_cost);
  for (const auto& s : services) total = saturating_add(total, s.overage_cost);
  return total;
}

std::vector<ScriptedSubscriber> demo_subscribers() {
  return {
      {"alice", "token_starter", 31, {}, {{"llm", "qwen_plus", 12'000, 12, 8, 23}}, 3},
      {"bob",
       "team_pro",
       5,
       {{"seats", "5"}},
       {{"llm", "qwen_max", 50'000, 40, 0, 23}, {"code", "", 1, 80, 9, 19}},
       0},
      {"carol",
       "smart_bundle",
       1,
       {},
       {{"data", "", 20 * 1024 * 1024, 64, 0, 23},
        {"llm", "qwen_turbo", 10'000, 20, 9, 21},
        {"sec", "", 1, 25, 0, 23}},
       0},
      {"dave",
       "student_paygo",
       12,
       {{"student", "true"}},
       {{"llm", "qwen_turbo", 15'000, 20, 10, 23}, {"llm", "wan_image", 1'000, 2, 12, 13}},
       0},
      {"erin",
       "opc_trial",
       1,
       {{"segment", "opc"}, {"region", "shanghai"}},
       {{"llm", "deepseek_r1", 25'000, 20, 9, 18}},
       0},
      {"frank", "coding", 20, {}, {{"code", "", 1, 700, 8, 22}}, 0},
      {"grace", "opc_trial", 1, {{"segment", "retail"}}, {{"llm", "qwen_turbo", 5'000, 5, 9, 18}}, 0},
  };
}

std::vector<SubscriberReport> play_month(const Program& program, const lang::Evaluator& eval,
                                         const std::vector<ScriptedSubscriber>& subscribers,
                                         int64_t first_date, uint64_t* decisions) {
  std::vector<SubscriberReport> reports;
  for (const auto& sub : subscribers) {
    SubscriberReport report;
    report.name = sub.name;
    report.plan = sub.plan;
    int plan_index = program.find_plan(sub.plan);
    if (plan_index < 0) continue;
    const auto& plan = program.plans[static_cast<size_t>(plan_index)];

    lang::calendar::CivilDate first = lang::calendar::civil_from_days(first_date);
    lang::calendar::CivilDate anchor{first.year, first.month, sub.billing_day};
    auto span = lang::calendar::period_containing(plan.period.kind, anchor, first_date, first_date);
    if (plan.period.kind != lang::ir::PeriodKind::kMonthly) span.end = span.start + 30;
    report.period_start = span.start;
    report.period_end = span.end;

    lang::ContextBuilder base(program);
    base.set(lang::kSlotBillingDay, sub.billing_day).set(lang::kSlotPeriodIndex, 0);
    for (const auto& [name, value] : sub.attributes) base.set_attribute(name, value);
    base.at((span.start * 86400) - int64_t{program.timezone_offset_minutes} * 60);

    std::vector<ServiceState> states;
    for (const auto& u : sub.usage) {
      int svc = program.find_service(u.service);
      if (svc < 0) continue;
      bool seen = std::any_of(states.begin(), states.end(),
                              [&](const ServiceState& s) { return s.service == svc; });
      if (seen) continue;
      ServiceState s;
      s.service = svc;
      s.block = program.service_block(static_cast<uint32_t>(plan_index), static_cast<uint16_t>(svc));
      s.report.service = u.service;
      s.report.dim = program.services[static_cast<size_t>(svc)].dim;
      if (s.block >= 0) {
        lang::Decision d =
            lang::decide(program, eval, static_cast<uint32_t>(s.block), base.context().data());
        s.report.allowance = std::max<int64_t>(d.allowance, 0);
        s.remaining = s.report.allowance;
        s.windows.resize(program.blocks[static_cast<size_t>(s.block)].windows.size());
      }
      states.push_back(std::move(s));
    }
    open_period(program, eval, plan, base.context().data(), report, states);

    // The state of each usage pattern, resolved once rather than per day (nullptr: unknown service).
    std::vector<ServiceState*> state_of_usage;
    for (const auto& u : sub.usage) {
      int svc = program.find_service(u.service);
      auto it = std::find_if(states.begin(), states.end(),
                             [&](const ServiceState& s) { return s.service == svc; });
      state_of_usage.push_back(it == states.end() ? nullptr : &*it);
    }

    int64_t spend = 0;
    for (int64_t day = span.start; day < span.end; ++day) {
      for (size_t ui = 0; ui < sub.usage.size(); ++ui) {
        const UsagePattern& u = sub.usage[ui];
        if (state_of_usage[ui] == nullptr) continue;
        ServiceState& s = *state_of_usage[ui];
        for (int k = 0; k < u.requests_per_day; ++k) {
          int span_minutes = (u.last_hour - u.first_hour + 1) * 60;
          int64_t minute = u.first_hour * 60 + (k * span_minutes) / std::max(1, u.requests_per_day);
          int64_t t = day * 86400 + minute * 60 - int64_t{program.timezone_offset_minutes} * 60;
          if (s.block < 0) {
            ++s.report.denials;
            if (s.report.first_exhausted_day < 0) {
              s.report.first_exhausted_day = static_cast<int>(day - span.start);
              s.report.exhausted_how = "5031 no_rule";
            }
            continue;
          }
          const auto& block = program.blocks[static_cast<size_t>(s.block)];
          for (size_t w = 0; w < s.windows.size(); ++w)
            while (!s.windows[w].empty() && s.windows[w].front().first <= t - block.windows[w].seconds)
              s.windows[w].pop_front();
          lang::ContextBuilder ctx = base;
          ctx.at(t);
          if (!u.model.empty()) ctx.model(u.model);
          ctx.set(lang::kSlotRequested, u.units_per_request)
              .set(lang::kSlotUsed, s.used)
              .set(lang::kSlotMemberUsed, s.used)
              .set(lang::kSlotRemaining, s.remaining)
              .set(lang::kSlotPeriodAllowance, s.report.allowance)
              .set(lang::kSlotSpend, spend)
              .set(lang::kSlotDaysLeft, span.end - day);
          for (size_t w = 0; w < s.windows.size() && w < lang::kMaxWindowLimits; ++w)
            ctx.set(static_cast<lang::BuiltinSlot>(lang::kSlotWindowUsed0 + w), window_used(s.windows[w]));
          lang::Decision d =
              lang::decide(program, eval, static_cast<uint32_t>(s.block), ctx.context().data());
          ++*decisions;
          if (d.outcome != lang::Outcome::kGranted) {
            if (d.outcome == lang::Outcome::kExhausted && buy_pack(plan, s, report, sub.packs_to_buy)) {
              --k;  // retry the same request with the new pack
              continue;
            }
            ++s.report.denials;
            if (s.report.first_exhausted_day < 0) {
              s.report.first_exhausted_day = static_cast<int>(day - span.start);
              s.report.exhausted_how = std::to_string(diameter::code_value(diameter::result_code(d.outcome))) + " " +
                                       lang::outcome_name(d.outcome);
              if (d.final_action != nullptr) s.report.exhausted_how += ", " + lang::action_text(d.final_action);
            }
            continue;
          }
          ++s.report.grants;
          int64_t consumed = std::min(d.grant, u.units_per_request);
          // Allowance units burned, rounded up like decide() rounds its debit.
          int64_t debit = d.debit;
          if (consumed != d.grant) lang::arith::rate_cost(consumed, d.weight, lang::kFixedScale, &debit);
          if (debit <= s.remaining) {
            s.remaining -= debit;
          } else {
            int64_t excess = debit - std::max<int64_t>(s.remaining, 0);
            s.remaining = 0;
            int64_t cost = 0;
            if (d.has_overage_price &&
                lang::arith::rate_cost(excess, d.overage_price, d.overage_block, &cost) ==
                    lang::ir::EvalStatus::kOk) {
              s.report.overage_cost = saturating_add(s.report.overage_cost, cost);
              spend = saturating_add(spend, cost);
            }
          }
          s.used = saturating_add(s.used, consumed);
          for (auto& w : s.windows) w.emplace_back(t, consumed);
        }
      }
    }
    for (auto& s : states) {
      s.report.used = s.used;
      s.report.quota = saturating_add(s.report.quota, s.report.allowance);
      report.services.push_back(s.report);
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace gyrate::tools
