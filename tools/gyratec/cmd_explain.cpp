// `gyratec explain`: why one reserve request gets its answer: the rules that fired (FILE:LINE),
// the weight, the buckets drawn in order, the price and what limits the grant. The state is a
// scenario played up to a reserve step, or a fresh subscriber given by flags. The work is
// gyrate_scenario's (explain_at, explain_fresh) and the engine's; this file reads flags and prints.
#include <cstdio>
#include <cstdlib>

#include "driver.hpp"
#include "gyrate/scenario/explain.hpp"

namespace gyrate::tools {
namespace {

constexpr const char* kExplainUsage =
    R"(usage: gyratec explain FILE.tariff --scenario S.scenario:LINE [--json]
       gyratec explain FILE.tariff --plan P [--version N] [--at 2026-05-01T21:30] --service S
                       [--model M] [--requested 2M] [--set NAME=VALUE]...
                       [--used SERVICE=AMOUNT]... [--json]

Explains one reserve request without changing anything: the rules that fired (FILE:LINE), the
weight, the buckets drawn in order, the price, and what limits the grant and why.
  --scenario S:LINE   play the scenario up to LINE, a reserve step, and explain that request
                      (FILE.tariff stands in for the scenario's `tariff` line)
  --plan P ...        a fresh subscriber on plan P at --at (default now) with --set attributes;
                      each --used SERVICE=AMOUNT is reserved and committed first
  --requested Q       the amount asked, in the service's unit (default: the service's quota)
  --json              one JSON object for tools instead of text
Also: --evaluator, --opt, --plugin, --cache (see gyratec help). Exit 0 when explained, 2 on a
usage error or a state that cannot be built. See docs/scenarios.md "Why this grant".
)";

struct ExplainFlags {
  std::string scenario;  // S.scenario:LINE
  std::string requested;
  std::vector<std::pair<std::string, std::string>> used;
  bool json = false;
};

// Takes explain's own flags out of args; the rest are the shared ones. A message on error.
std::optional<std::string> take_flags(const std::vector<std::string>& args, ExplainFlags& f,
                                      std::vector<std::string>& rest) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string value;
    auto flag = [&](const char* name) {
      std::string spelled = std::string("--") + name;
      if (a.starts_with(spelled + "=")) {
        value = a.substr(spelled.size() + 1);
        return true;
      }
      if (a != spelled) return false;
      value = i + 1 < args.size() ? args[++i] : "";
      return true;
    };
    if (a == "--json") {
      f.json = true;
    } else if (flag("scenario")) {
      f.scenario = value;
    } else if (flag("requested")) {
      f.requested = value;
    } else if (flag("used")) {
      auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0) return "--used takes SERVICE=AMOUNT, not `" + value + "`";
      f.used.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else {
      rest.push_back(a);
    }
  }
  return std::nullopt;
}

int print(const scenario::ExplainResult& r, bool json) {
  if (!r.explanation) {
    std::string e = r.error;
    if (!e.empty() && e.back() == '\n') e.pop_back();
    std::fprintf(stderr, "gyratec: explain: %s\n", e.c_str());
    return kExitUsage;
  }
  if (json) {
    std::printf("%s\n", engine::to_json(*r.explanation).c_str());
  } else {
    std::fputs(engine::to_text(*r.explanation).c_str(), stdout);
  }
  return kExitClean;
}

}  // namespace

int cmd_explain(const std::vector<std::string>& args) {
  ExplainFlags flags;
  std::vector<std::string> rest;
  Options opts;
  std::optional<std::string> err = take_flags(args, flags, rest);
  if (!err) err = parse_options(rest, opts);
  if (err) {
    std::fprintf(stderr, "gyratec: %s\n%s", err->c_str(), kExplainUsage);
    return kExitUsage;
  }
  if (opts.help) {
    std::fputs(kExplainUsage, stdout);
    return kExitClean;
  }
  bool by_flags = !opts.plan.empty() || !opts.service.empty();
  if (opts.files.size() != 1 || flags.scenario.empty() == !by_flags ||
      (by_flags && (opts.plan.empty() || opts.service.empty()))) {
    std::fprintf(stderr, "gyratec: explain takes FILE.tariff and either --scenario S:LINE or "
                         "--plan P --service S\n%s", kExplainUsage);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  scenario::RunOptions options;
  jit::parse_evaluator_kind(opts.evaluator, &options.catalog.evaluator);  // validated by parse_options
  options.catalog.jit = jit::JitOptions(opts.opt_level, opts.cache_dir, opts.cache_key_file);
  options.catalog.extensions = &registry;

  if (!flags.scenario.empty()) {
    auto colon = flags.scenario.rfind(':');
    char* end = nullptr;
    long line = colon == std::string::npos ? 0 : std::strtol(flags.scenario.c_str() + colon + 1, &end, 10);
    if (line <= 0 || end == nullptr || *end != '\0') {
      std::fprintf(stderr, "gyratec: --scenario takes FILE:LINE, not `%s`\n", flags.scenario.c_str());
      return kExitUsage;
    }
    return print(scenario::explain_at(flags.scenario.substr(0, colon), static_cast<uint32_t>(line),
                                      opts.files[0], options),
                 flags.json);
  }
  scenario::FreshRequest q;
  q.tariff = opts.files[0];
  q.plan = opts.plan;
  q.version = opts.version;
  if (!opts.at.empty()) {
    std::optional<int64_t> t = parse_time(opts.at, 0);  // local wall clock: the library adds the zone
    if (!t) {
      std::fprintf(stderr, "gyratec: --at takes YYYY-MM-DD[THH:MM[:SS]] or @SECONDS, not `%s`\n",
                   opts.at.c_str());
      return kExitUsage;
    }
    q.at_given = true;
    q.at_unix = opts.at[0] == '@';
    q.at = *t;
  }
  q.attributes = opts.sets;
  q.used = flags.used;
  q.service = opts.service;
  q.model = opts.model;
  q.requested = flags.requested;
  return print(scenario::explain_fresh(q, options), flags.json);
}

}  // namespace gyrate::tools
