// `gyratec demo CATALOG`: checks a catalog, plays a scripted month of token, data, request and
// event usage through the engine (on the chosen evaluator) and prints what the engine reports
// (bill, quota and refusals, T12's effective price per million units actually paid).
#include <chrono>
#include <cstdio>

#include "driver.hpp"
#include "format.hpp"
#include "gyrate/ruleslang/arith.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "month_demo.hpp"

namespace gyrate::tools {
namespace {

std::string date_text(int64_t days) {
  auto d = lang::calendar::civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(d.year), d.month, d.day);
  return buf;
}

// Effective price per "reference amount" of a unit: 1M tokens, 1 GiB, 1k requests, 1k events.
int64_t reference_amount(lang::Dim dim) {
  switch (dim) {
    case lang::Dim::kByte: return int64_t{1} << 30;
    case lang::Dim::kToken: return 1'000'000;
    default: return 1'000;
  }
}
const char* reference_name(lang::Dim dim) {
  switch (dim) {
    case lang::Dim::kByte: return "GiB";
    case lang::Dim::kToken: return "1M token";
    case lang::Dim::kRequest: return "1k request";
    case lang::Dim::kEvent: return "1k event";
    default: return "1k second";
  }
}

}  // namespace

int cmd_demo(const Options& opts) {
  if (opts.files.size() != 1) {
    std::fputs("gyratec: demo takes one catalog FILE\n", stderr);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  auto t0 = std::chrono::steady_clock::now();
  int exit_code = kExitClean;
  auto catalog = open_catalog(opts.files[0], registry, opts, &exit_code);
  if (!catalog) return exit_code;
  const lang::ir::Program* program = &catalog->program();
  const lang::Evaluator* evaluator = &catalog->evaluator();
  auto t1 = std::chrono::steady_clock::now();
  std::printf("gyrate demo: catalog %s checked and loaded (%s evaluator) in %.1f ms: %zu plans, "
              "%zu services, %zu models\n\n",
              opts.files[0].c_str(), evaluator->name(),
              std::chrono::duration<double, std::milli>(t1 - t0).count(), program->plans.size(),
              program->services.size(), program->models.size());

  uint64_t decisions = 0;
  auto reports = play_month(catalog, demo_subscribers(), &decisions);
  auto t2 = std::chrono::steady_clock::now();
  if (!reports) {
    std::fprintf(stderr, "gyratec: demo: %s\n", reports.status().message().c_str());
    return kExitUsage;
  }

  std::printf("%-7s %-14s %-17s %-5s %14s %14s %14s %7s %6s  %s\n", "who", "plan", "period", "svc",
              "used", "quota", "remaining", "grants", "denied", "first refusal or final units");
  for (const auto& r : *reports) {
    for (const auto& s : r.services) {
      std::string ran_out = "-";
      if (s.first_refusal_day >= 0)
        ran_out = "day " + std::to_string(s.first_refusal_day + 1) + ": " + s.refusal_how;
      std::printf("%-7s %-14s %s..%s %-5s %14s %14s %14s %7lld %6lld  %s\n", r.name.c_str(),
                  r.plan.c_str(), date_text(r.period_start).c_str(),
                  date_text(r.period_end - 1).c_str() + 5, s.service.c_str(),
                  format_quantity(s.used, s.dim).c_str(), format_quantity(s.quota, s.dim).c_str(),
                  format_quantity(s.remaining, s.dim).c_str(), static_cast<long long>(s.grants),
                  static_cast<long long>(s.denials), ran_out.c_str());
    }
  }
  std::printf("(used, quota and remaining in allowance units: raw units x the model's weight; quota is "
              "allowance + promos + packs)\n");
  std::printf("\n%-7s %-14s %12s %12s %12s %12s  %s\n", "who", "plan", "fee", "packs", "overage",
              "bill", "effective price (T12)");
  for (const auto& r : *reports) {
    const auto& plan = program->plans[static_cast<size_t>(program->find_plan(r.plan))];
    // A plan without prices still bills in the catalog's currency.
    std::optional<uint16_t> currency = plan.currency;
    if (!currency && !program->currencies.empty()) currency = 0;
    std::string effective;
    for (const auto& s : r.services) {
      if (s.raw_used <= 0) continue;
      // bill / raw units used * reference: what one reference amount really cost this subscriber.
      int64_t per = 0;
      if (lang::arith::div_scaled(r.bill(), reference_amount(s.dim), s.raw_used, &per) !=
          lang::ir::EvalStatus::kOk)
        continue;
      if (!effective.empty()) effective += ", ";
      effective += format_money(*program, currency, per) + " per " + reference_name(s.dim);
      break;  // the first service carries the headline price
    }
    std::printf("%-7s %-14s %12s %12s %12s %12s  %s\n", r.name.c_str(), r.plan.c_str(),
                format_money(*program, currency, r.fee).c_str(),
                format_money(*program, currency, r.packs_cost).c_str(),
                format_money(*program, currency, r.overage).c_str(),
                format_money(*program, currency, r.bill()).c_str(),
                effective.empty() ? "-" : effective.c_str());
  }
  double seconds = std::chrono::duration<double>(t2 - t1).count();
  std::printf("\n%llu decisions in %.3f s (%s evaluator, %.0f decisions/s)\n",
              static_cast<unsigned long long>(decisions), seconds, evaluator->name(),
              seconds > 0 ? static_cast<double>(decisions) / seconds : 0.0);
  return kExitClean;
}

}  // namespace gyrate::tools
