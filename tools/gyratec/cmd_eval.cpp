// `gyratec eval`: one decision for a plan, service and context given on the command line.
#include <cstdio>
#include <ctime>

#include "driver.hpp"
#include "format.hpp"
#include "gyrate/diameter/result_code.hpp"
#include "gyrate/engine/period_calendar.hpp"
#include "gyrate/ruleslang/context_builder.hpp"
#include "gyrate/ruleslang/decision.hpp"

namespace gyrate::tools {
namespace {

constexpr const char* kEvalUsage =
    R"(usage: gyratec eval FILE --plan P [--version N] --service S [--model M]
                    [--at 2026-05-01T21:30 | --at @UNIX] [--joined DATE] [--set NAME=VALUE]...

Decides one request and prints the plan's fee, its promos and the decision with its Result-Code.
--set takes builtins in the service's unit (requested=500k, remaining=2 GiB, used, member_used,
period_allowance, spend=12.5 CNY, period_index, days_left, billing_day, date, hour, ...), the
rolling-window counters window_used0..window_used3 (in the order the plan declares its limits,
each in its own unit), and declared attributes (seats=3, segment=opc).
--joined gives the subscriber's activation: period_index and days_left then follow from the plan's
period (and billing_day, when set), as the engine computes them.
)";

void print_promos(const engine::Catalog& catalog, uint32_t plan, const engine::RequestContext& ctx) {
  const lang::ir::Plan& p = catalog.program().plans[plan];
  if (p.promos.empty()) return;
  std::vector<bool> eligible = catalog.eligible_promos(plan, ctx);
  for (size_t i = 0; i < p.promos.size(); ++i) {
    const lang::ir::Promo& promo = p.promos[i];
    std::string grants;
    for (const lang::ir::Grant& g : promo.grants) {
      const lang::ir::Service& s = catalog.program().services[g.service];
      grants += (grants.empty() ? "" : ", ") + s.name + " " + format_quantity(g.amount, s.dim);
    }
    const char* state = eligible.empty() ? "rating failed" : eligible[i] ? "eligible" : "not eligible";
    std::printf("promo %s: %s (grants %s%s)\n", promo.name.c_str(), state, grants.c_str(),
                promo.valid_seconds > 0
                    ? (", valid " + std::to_string(promo.valid_seconds / 86400) + " days").c_str()
                    : "");
  }
}

void print_result_code(lang::Outcome outcome) {
  diameter::ResultCode code = diameter::result_code(outcome);
  std::printf("result-code: %u %s\n", diameter::code_value(code), diameter::result_code_name(code));
}

}  // namespace

int cmd_eval(const Options& opts) {
  if (opts.help) {
    std::fputs(kEvalUsage, stdout);
    return kExitClean;
  }
  if (opts.files.size() != 1 || opts.plan.empty() || opts.service.empty()) {
    std::fprintf(stderr, "gyratec: eval takes FILE --plan P --service S\n%s", kEvalUsage);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  int exit_code = kExitClean;
  auto catalog = open_catalog(opts.files[0], registry, opts, &exit_code);
  if (!catalog) return exit_code;
  const lang::ir::Program& program = catalog->program();
  const std::string& file = opts.files[0];

  std::optional<uint32_t> plan =
      opts.version > 0 ? catalog->plan(opts.plan, opts.version) : catalog->plan(opts.plan);
  if (!plan) {
    if (opts.version > 0 && catalog->plan(opts.plan)) {
      std::fprintf(stderr, "gyratec: plan `%s` has no version %lld in %s\n", opts.plan.c_str(),
                   static_cast<long long>(opts.version), file.c_str());
    } else {
      std::fprintf(stderr, "gyratec: no plan `%s` in %s\n", opts.plan.c_str(), file.c_str());
    }
    return kExitUsage;
  }
  std::optional<uint16_t> service = catalog->service(opts.service);
  if (!service) {
    std::fprintf(stderr, "gyratec: no service `%s` in %s\n", opts.service.c_str(), file.c_str());
    return kExitUsage;
  }
  const lang::ir::Service& svc = program.services[*service];
  lang::ContextBuilder ctx(program);
  ctx.for_service(svc.dim);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (!opts.at.empty()) {
    auto t = parse_time(opts.at, program.timezone_offset_minutes);
    if (!t) {
      std::fprintf(stderr, "gyratec: --at takes YYYY-MM-DD[THH:MM[:SS]] or @SECONDS, not `%s`\n",
                   opts.at.c_str());
      return kExitUsage;
    }
    now = *t;
  }
  ctx.at(now);
  if (!opts.model.empty()) {
    std::optional<uint32_t> model = catalog->model(opts.model);
    if (!model) {
      std::fprintf(stderr, "gyratec: no model `%s` in %s\n", opts.model.c_str(), file.c_str());
      return kExitUsage;
    }
    if (program.models[*model].service != *service) {
      std::fprintf(stderr, "gyratec: model `%s` belongs to service `%s`, not `%s`\n",
                   opts.model.c_str(), program.services[program.models[*model].service].name.c_str(),
                   opts.service.c_str());
      return kExitUsage;
    }
    ctx.model(opts.model);
  }
  for (const auto& [name, value] : opts.sets) {
    if (auto err = ctx.set_by_name(name, value); !err.empty()) {
      std::fprintf(stderr, "gyratec: --set %s=%s: %s\n", name.c_str(), value.c_str(), err.c_str());
      return kExitUsage;
    }
  }
  const lang::ir::Plan& p = program.plans[*plan];
  std::string period_line;
  if (!opts.joined.empty()) {
    auto joined = parse_time(opts.joined, program.timezone_offset_minutes);
    if (!joined) {
      std::fprintf(stderr, "gyratec: --joined takes YYYY-MM-DD[THH:MM[:SS]] or @SECONDS, not `%s`\n",
                   opts.joined.c_str());
      return kExitUsage;
    }
    if (*joined > now) {
      std::fprintf(stderr, "gyratec: --joined %s is after --at\n", opts.joined.c_str());
      return kExitUsage;
    }
    int billing_day = static_cast<int>(ctx.context().slots[lang::kSlotBillingDay]);
    engine::PeriodCalendar calendar(p.period, program.timezone_offset_minutes, *joined,
                                    billing_day > 0 ? billing_day : 1);
    engine::PeriodSpan span = calendar.at(now);
    ctx.set(lang::kSlotPeriodIndex, span.index);
    ctx.set(lang::kSlotDaysLeft, calendar.days_left(now));
    period_line = "period " + std::to_string(span.index) + ", " +
                  std::to_string(calendar.days_left(now)) + " days left\n";
  }
  engine::RequestContext request;
  std::copy(ctx.context().slots.begin(), ctx.context().slots.end(), request.data());

  std::printf("plan %s v%lld, service %s (%s), evaluator %s\n", p.name.c_str(),
              static_cast<long long>(p.version), svc.name.c_str(), lang::dim_name(svc.dim),
              catalog->evaluator().name());
  std::fputs(period_line.c_str(), stdout);
  lang::Decision fee = catalog->decide(p.plan_block, request);
  if (fee.outcome == lang::Outcome::kRatingFailed) {
    std::printf("fee: %s\n", lang::describe(program, fee).c_str());
  } else if (!p.currency && fee.fee == 0) {
    std::printf("fee: none (the plan charges no money)\n");
  } else {
    std::printf("fee: %s\n", format_money(program, p.currency, fee.fee).c_str());
  }
  print_promos(*catalog, *plan, request);
  std::optional<uint32_t> block = catalog->block(*plan, *service);
  if (!block) {
    std::printf("no_rule: plan %s does not rate service %s\n", p.name.c_str(), svc.name.c_str());
    print_result_code(lang::Outcome::kNoRule);
    return kExitClean;
  }
  lang::Decision d = catalog->decide(*block, request);
  std::printf("%s\n", lang::describe(program, d).c_str());
  print_result_code(d.outcome);
  return kExitClean;
}

}  // namespace gyrate::tools
