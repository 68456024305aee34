// `gyratec test FILE... [--timeline]`: plays designer scenarios (gyrate_scenario) and prints their
// report: failures as `file:line: expected X, got Y`, every step with --timeline, then
// `N passed, M failed`. Exit 0 all passed, 1 a failure, 2 a scenario or tariff that does not load.
#include <algorithm>
#include <cstdio>

#include "driver.hpp"
#include "gyrate/scenario/runner.hpp"

namespace gyrate::tools {

int cmd_test(const Options& opts) {
  if (opts.files.empty()) {
    std::fputs("gyratec: test needs at least one scenario FILE\n", stderr);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  scenario::RunOptions options;
  jit::parse_evaluator_kind(opts.evaluator, &options.catalog.evaluator);  // validated by parse_options
  options.catalog.jit.opt_level = opts.opt_level;
  options.catalog.jit.cache_dir = opts.cache_dir;
  options.catalog.jit.cache_key_file = opts.cache_key_file;
  options.catalog.extensions = &registry;
  int status = kExitClean;
  int passed = 0;
  int failed = 0;
  for (const auto& path : opts.files) {
    scenario::Report report = scenario::run_file(path, options);
    std::fputs(report.diagnostics.c_str(), stderr);
    if (opts.timeline) std::printf("== %s\n", path.c_str());
    for (const auto& e : report.events) {
      if (e.kind == scenario::EventKind::kFail) {
        std::printf("%s%s\n", opts.timeline ? "  FAIL " : "", e.text.c_str());
      } else if (e.kind == scenario::EventKind::kSummary) {
        if (opts.timeline) std::printf("  end   %s\n", e.text.c_str());
      } else if (opts.timeline) {
        std::printf("  %4u  %s\n", e.line, e.text.c_str());
      }
    }
    if (report.setup_failed) std::printf("%s: did not run\n", path.c_str());
    passed += report.passed;
    failed += report.failed;
    status = std::max(status, report.exit_code());
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return status;
}

}  // namespace gyrate::tools
