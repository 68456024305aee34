// `gyratec demo CATALOG`: checks a catalog, plays a scripted month of token, data, request and
// event usage through the engine (on the chosen evaluator) and prints what the engine reports
// (bill, quota and refusals, T12's effective price per million units actually paid).
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "driver.hpp"
#include "format.hpp"
#include "gyrate/engine/cdr_files.hpp"
#include "gyrate/engine/embedded_store.hpp"
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

// The month's engine on the embedded store in a fresh directory (fsync off: a demo need not
// wait for the disk; a killed process still loses nothing).
Expected<std::unique_ptr<engine::Engine>> open_engine(const std::filesystem::path& dir,
                                                      std::shared_ptr<const engine::Catalog> catalog) {
  engine::JournalOptions options;
  options.fsync = engine::FsyncPolicy::kOff;
  auto store = engine::EmbeddedStore::open(dir, options);
  if (!store) return store.status();
  return engine::Engine::open(std::move(catalog), std::move(*store));
}

// What a subscriber holds at time t, as text: two engines agree when these do.
std::string holdings(engine::Engine& engine, const std::string& id, int64_t t) {
  auto b = engine.balances(id, t);
  if (!b) return b.status().message();
  std::string out = std::to_string(b->spend) + " " + std::to_string(b->fees_charged);
  for (const auto& x : b->buckets) out += " " + x.offer.str() + ":" + std::to_string(x.amount);
  for (const auto& x : b->services) out += " " + x.service + ":" + std::to_string(x.used);
  return out;
}

std::filesystem::path temporary_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "gyrate-demo-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
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

  const std::filesystem::path dir = temporary_directory();
  auto engine = open_engine(dir, catalog);
  if (dir.empty() || !engine) {
    std::fprintf(stderr, "gyratec: demo: cannot open a store in %s: %s\n", dir.c_str(),
                 engine ? "mkdtemp failed" : engine.status().message().c_str());
    return kExitUsage;
  }
  uint64_t decisions = 0;
  auto reports = play_month(**engine, catalog, demo_subscribers(), &decisions);
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
  // Durability: every change went to the journal; a checkpoint exports the CDRs, and an engine
  // restarted on the same directory must hold exactly what this one holds.
  int64_t billed = 0;
  for (const auto& r : *reports) billed += r.packs_cost + r.overage;
  auto& store = dynamic_cast<engine::EmbeddedStore&>(*(*engine)->store());
  engine::JournalStats journal = store.journal_stats();
  if (Status st = (*engine)->checkpoint(); !st) {
    std::fprintf(stderr, "gyratec: demo: checkpoint: %s\n", st.message().c_str());
    return kExitUsage;
  }
  size_t cdrs = 0;
  int64_t charged = 0;
  for (const auto& file : store.cdr_files()) {
    auto read = engine::read_cdr_file(file);
    if (!read) continue;
    cdrs += read->size();
    for (const auto& c : *read) charged += c.charged;
  }
  std::vector<std::string> before;
  for (const auto& r : *reports) before.push_back(holdings(**engine, r.name, r.period_end - 1));
  engine->reset();
  auto restarted = open_engine(dir, catalog);
  size_t same = 0;
  for (size_t i = 0; restarted && i < reports->size(); ++i) {
    const auto& r = (*reports)[i];
    same += holdings(**restarted, r.name, r.period_end - 1) == before[i] ? 1 : 0;
  }
  std::optional<uint16_t> currency;
  if (!program->currencies.empty()) currency = 0;
  std::printf("\njournal: %llu records, %llu KiB (fsync off); checkpoint: %zu CDRs exported, "
              "charges %s %s packs + overage above\n",
              static_cast<unsigned long long>(journal.records),
              static_cast<unsigned long long>(journal.bytes / 1024), cdrs,
              format_money(*program, currency, charged).c_str(), charged == billed ? "=" : "!=");
  std::printf("restart from the store: %zu of %zu subscribers hold exactly what they held\n", same,
              reports->size());
  if (restarted) restarted->reset();  // closes the journal before its directory goes
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  if (charged != billed || same != reports->size()) return kExitDiagnostics;

  double seconds = std::chrono::duration<double>(t2 - t1).count();
  std::printf("\n%llu decisions in %.3f s, each applied and journaled (%s evaluator, %.0f decisions/s)\n",
              static_cast<unsigned long long>(decisions), seconds, evaluator->name(),
              seconds > 0 ? static_cast<double>(decisions) / seconds : 0.0);
  return kExitClean;
}

}  // namespace gyrate::tools
