// `gyratec diff OLD NEW [--subscribers FILE] [--from DATE] [--json]`: what changes between two
// catalogs and, given subscribers, who is affected from when. The comparison and the rule-20 walk
// are engine::diff_catalogs and engine::subscriber_impacts; this file reads flags and prints.
#include <cstdio>
#include <ctime>

#include "driver.hpp"
#include "gyrate/engine/catalog_diff.hpp"
#include "gyrate/engine/provisioning_file.hpp"

namespace gyrate::tools {
namespace {

constexpr const char* kDiffUsage =
    R"(usage: gyratec diff OLD.tariff NEW.tariff [--subscribers FILE] [--from DATE] [--json]

Prints what changes between two catalogs, per plan and version: plans and versions added or
removed, effective dates, fees, allowances, caps, rollover, packs, promos, overage prices,
weights, time-of-day rules, notifications, final-unit actions, rules.
  --subscribers FILE  subscribers (CSV or JSON lines, as gyratec provision reads them): which
                      are affected and from which date (engine rule 20, grandfathering)
  --from DATE         when NEW is published: YYYY-MM-DD[THH:MM] in NEW's time zone, or
                      @unix-seconds (default: now)
  --json              one JSON object for tools instead of the table
Also: --evaluator, --opt, --plugin, --cache (see gyratec help). Exit 0 no change, 1 changes
found, 2 on an error. See docs/diff.md.
)";

struct DiffFlags {
  std::string subscribers;
  std::string from;
  bool json = false;
  std::vector<std::string> rest;  // the options every command shares, and the two files
};

// Takes diff's own flags out of args; a message on a flag without its value.
std::optional<std::string> take_flags(const std::vector<std::string>& args, DiffFlags& out) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string name = a.substr(0, a.find('='));
    std::string* target = name == "--subscribers" ? &out.subscribers
                          : name == "--from"      ? &out.from
                                                  : nullptr;
    if (a == "--json") {
      out.json = true;
    } else if (target && name != a) {
      *target = a.substr(name.size() + 1);
    } else if (target) {
      if (i + 1 >= args.size()) return "option " + a + " needs a value";
      *target = args[++i];
    } else {
      out.rest.push_back(a);
    }
  }
  return std::nullopt;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "gyratec: %s\n", message.c_str());
  return kExitUsage;
}

}  // namespace

int cmd_diff(const std::vector<std::string>& args) {
  DiffFlags flags;
  Options opts;
  std::optional<std::string> err = take_flags(args, flags);
  if (!err) err = parse_options(flags.rest, opts);
  if (err) {
    std::fprintf(stderr, "gyratec: %s\n%s", err->c_str(), kDiffUsage);
    return kExitUsage;
  }
  if (opts.help) {
    std::fputs(kDiffUsage, stdout);
    return kExitClean;
  }
  if (opts.files.size() != 2) {
    std::fprintf(stderr, "gyratec: diff needs two catalogs, OLD and NEW\n%s", kDiffUsage);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  int ignored = 0;  // any catalog that does not load is an error here: 1 means "changes"
  auto old_catalog = open_catalog(opts.files[0], registry, opts, &ignored);
  if (!old_catalog) return kExitUsage;
  auto new_catalog = open_catalog(opts.files[1], registry, opts, &ignored);
  if (!new_catalog) return kExitUsage;
  int32_t tz = new_catalog->program().timezone_offset_minutes;

  int64_t published = static_cast<int64_t>(std::time(nullptr));
  if (!flags.from.empty()) {
    std::optional<int64_t> t = parse_time(flags.from, tz);
    if (!t) return fail("--from takes YYYY-MM-DD[THH:MM] or @unix-seconds, not `" + flags.from + "`");
    published = *t;
  }

  engine::CatalogDiff diff = engine::diff_catalogs(old_catalog->program(), new_catalog->program());
  std::optional<std::vector<engine::SubscriberImpact>> impacts;
  if (!flags.subscribers.empty()) {
    // Subscriber files were written for the old catalog: its zone reads their local times.
    engine::ParsedProvisioning parsed = engine::read_provisioning_file(
        flags.subscribers, engine::ProvisioningFormat::kAuto,
        old_catalog->program().timezone_offset_minutes);
    for (const auto& e : parsed.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    if (!parsed.errors.empty()) return kExitUsage;
    impacts = engine::subscriber_impacts(*old_catalog, *new_catalog, parsed.specs, published);
  }
  const std::vector<engine::SubscriberImpact>* shown = impacts ? &*impacts : nullptr;
  std::string out = flags.json ? engine::diff_to_json(diff, shown, tz)
                               : engine::diff_to_text(diff, shown, tz);
  std::fputs(out.c_str(), stdout);
  return diff.empty() ? kExitClean : kExitDiagnostics;
}

}  // namespace gyrate::tools
