// `gyratec eval`: one decision for a plan, service and context given on the command line.
#include <cstdio>
#include <ctime>

#include "driver.hpp"
#include "format.hpp"
#include "gyrate/ruleslang/context_builder.hpp"
#include "gyrate/ruleslang/decision.hpp"

namespace gyrate::tools {

int cmd_eval(const Options& opts) {
  if (opts.files.size() != 1 || opts.plan.empty() || opts.service.empty()) {
    std::fputs("gyratec: eval takes FILE --plan P --service S\n", stderr);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  auto source = read_source(opts.files[0]);
  if (!source) return kExitUsage;
  auto program = load_program(*source, registry);
  if (!program) return kExitDiagnostics;

  int plan = program->find_plan(opts.plan);
  if (plan < 0) {
    std::fprintf(stderr, "gyratec: no plan `%s` in %s\n", opts.plan.c_str(), opts.files[0].c_str());
    return kExitUsage;
  }
  int service = program->find_service(opts.service);
  if (service < 0) {
    std::fprintf(stderr, "gyratec: no service `%s` in %s\n", opts.service.c_str(),
                 opts.files[0].c_str());
    return kExitUsage;
  }
  lang::ContextBuilder ctx(*program);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (!opts.at.empty()) {
    auto t = parse_time(opts.at, program->timezone_offset_minutes);
    if (!t) {
      std::fprintf(stderr, "gyratec: --at takes YYYY-MM-DD[THH:MM[:SS]] or @SECONDS, not `%s`\n",
                   opts.at.c_str());
      return kExitUsage;
    }
    now = *t;
  }
  ctx.at(now);
  if (!opts.model.empty()) {
    if (program->find_model(opts.model) < 0) {
      std::fprintf(stderr, "gyratec: no model `%s` in %s\n", opts.model.c_str(),
                   opts.files[0].c_str());
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
  auto evaluator = make_evaluator(*program, registry, opts);
  const auto& p = program->plans[static_cast<size_t>(plan)];
  lang::Decision fee = lang::decide(*program, *evaluator, p.plan_block, ctx.context().data());
  int block = program->service_block(static_cast<uint32_t>(plan), static_cast<uint16_t>(service));
  std::printf("plan %s v%lld, service %s, evaluator %s\n", p.name.c_str(),
              static_cast<long long>(p.version), opts.service.c_str(), evaluator->name());
  std::printf("fee: %s\n", format_money(*program, p.currency, fee.fee).c_str());
  if (block < 0) {
    std::printf("outcome: no_rule (5031): plan %s does not rate service %s\n", p.name.c_str(),
                opts.service.c_str());
    return kExitClean;
  }
  lang::Decision d =
      lang::decide(*program, *evaluator, static_cast<uint32_t>(block), ctx.context().data());
  std::printf("%s\n", lang::describe(*program, d).c_str());
  return kExitClean;
}

}  // namespace gyrate::tools
