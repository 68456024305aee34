// gyratec: check, dump, evaluate, compile and demo tariffs. See `gyratec help`.
#include <cstdio>
#include <string>
#include <vector>

#include "driver.hpp"

namespace {

constexpr const char* kUsage = R"(usage: gyratec <command> [options] FILE...

commands:
  check FILE...            check tariff files (exit 0 clean, 1 diagnostics, 2 usage or I/O error)
  --emit=ast|ir|llvm FILE  print a stage of the pipeline (also: gyratec emit --emit=ir FILE)
  eval FILE --plan P [--version N] --service S [--model M] [--at 2026-05-01T21:30]
       [--set NAME=VALUE]...
                           evaluate one decision and print it (gyratec eval --help: the names)
  compile FILE... [--cache DIR [--cache-key FILE]]
                           JIT-compile the catalogs and fill the object cache
  demo FILE                play a scripted month of usage against a catalog and print a report
  provision --catalog FILE [--check] [--format csv|jsonl] SUBSCRIBERS...
                           provision subscriber files (CSV, JSON lines), all or nothing
  diff OLD NEW [--subscribers FILE] [--from DATE] [--json]
                           what changes between two catalogs, and who is affected from when
  test FILE... [--timeline]
                           play designer scenarios (docs/scenarios.md); exit 1 on a failed
                           expectation, 2 on a scenario or tariff that does not load
  fmt [--check | --write] FILE...
                           canonical layout: print it, rewrite files, or check (exit 1 unformatted)
  explain FILE --scenario S.scenario:LINE | --plan P --service S [--requested Q] [--used S=Q]...
       [--json]            why one reserve request gets its answer (gyratec explain --help)

options:
  --evaluator jit|interp   how decisions are evaluated (default jit, falls back to interp)
  --opt 0|2                JIT optimisation level (default 2)
  --plugin PATH            load an extension plugin (.so) before checking
  --cache DIR              JIT object cache directory
  --cache-key FILE         sign and check cache entries with the secret key in FILE (mode 0600);
                           an entry written under another key is refused and recompiled
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace gyrate::tools;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitClean;
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command.rfind("--emit=", 0) == 0) {  // `gyratec --emit=ir FILE`
    rest = args;
    command = "emit";
  }
  if (command == "provision") return cmd_provision(rest);  // its own flags, then the shared ones
  if (command == "fmt") return cmd_fmt(rest);
  if (command == "diff") return cmd_diff(rest);
  if (command == "explain") return cmd_explain(rest);
  Options opts;
  if (auto err = parse_options(rest, opts)) {
    std::fprintf(stderr, "gyratec: %s\n%s", err->c_str(), kUsage);
    return kExitUsage;
  }
  if (opts.help && command != "eval") {  // eval has its own, longer help
    std::fputs(kUsage, stdout);
    return kExitClean;
  }
  if (command == "check") return cmd_check(opts);
  if (command == "emit") return cmd_emit(opts);
  if (command == "eval") return cmd_eval(opts);
  if (command == "compile") return cmd_compile(opts);
  if (command == "demo") return cmd_demo(opts);
  if (command == "test") return cmd_test(opts);
  std::fprintf(stderr, "gyratec: unknown command `%s`\n%s", command.c_str(), kUsage);
  return kExitUsage;
}
