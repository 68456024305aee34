// `gyratec provision --catalog FILE [--check] [--format csv|jsonl] SUBSCRIBERS...`: provisions
// subscriber files (CSV or JSON lines) on an engine on the catalog, all or nothing, and prints a
// one-line summary, or every error as `file:line: error: reason`. Parsing, checking and applying
// are engine::apply_provisioning's; this file reads flags and prints.
#include <cstdio>

#include "driver.hpp"
#include "gyrate/engine/provisioning_file.hpp"

namespace gyrate::tools {
namespace {

constexpr const char* kProvisionUsage =
    R"(usage: gyratec provision --catalog FILE [--check] [--format csv|jsonl] SUBSCRIBERS...

Provisions every subscriber file (CSV with a header row, or JSON lines; by extension .csv or
.jsonl unless --format says) on an engine on the catalog, all files as one batch: all or nothing.
  --check        only check the files against the catalog (a scratch engine); nothing is kept
  --format F     csv or jsonl for every file, whatever its extension
Also: --evaluator, --opt, --plugin, --cache (see gyratec help). Exit 0 when the files apply,
1 with every error as FILE:LINE: error: REASON, 2 on a usage error. See docs/provisioning.md.
)";

std::string counted(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

int cmd_provision(const std::vector<std::string>& args) {
  std::string catalog_path;
  bool check = false;
  engine::ProvisioningFormat format = engine::ProvisioningFormat::kAuto;
  std::vector<std::string> rest;  // the options every command shares, and the files
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name, std::string& out) {
      std::string flag = std::string("--") + name;
      if (a.starts_with(flag + "=")) {
        out = a.substr(flag.size() + 1);
        return true;
      }
      if (a != flag) return false;
      out = i + 1 < args.size() ? args[++i] : "";
      return true;
    };
    std::string text;
    if (a == "--check") {
      check = true;
    } else if (value("catalog", catalog_path)) {
    } else if (value("format", text)) {
      auto chosen = engine::provisioning_format_from_name(text);
      if (!chosen) {
        std::fprintf(stderr, "gyratec: --format takes csv or jsonl, not `%s`\n", text.c_str());
        return kExitUsage;
      }
      format = *chosen;
    } else {
      rest.push_back(a);
    }
  }
  Options opts;
  if (auto err = parse_options(rest, opts)) {
    std::fprintf(stderr, "gyratec: %s\n%s", err->c_str(), kProvisionUsage);
    return kExitUsage;
  }
  if (opts.help) {
    std::fputs(kProvisionUsage, stdout);
    return kExitClean;
  }
  if (catalog_path.empty() || opts.files.empty()) {
    std::fprintf(stderr, "gyratec: provision needs --catalog FILE and at least one subscriber "
                         "file\n%s", kProvisionUsage);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  int exit_code = kExitClean;
  auto catalog = open_catalog(catalog_path, registry, opts, &exit_code);
  if (!catalog) return exit_code;

  engine::ProvisioningReport report;
  size_t accounts = 0;
  if (check) {
    report = engine::check_provisioning(catalog, opts.files, format);
  } else {
    engine::Engine engine(catalog);
    report = engine::apply_provisioning(engine, opts.files, format);
    accounts = engine.account_count();
  }
  for (const auto& e : report.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  std::string what = counted(report.counts.subscribers, "subscriber", "subscribers") + ", " +
                     counted(report.counts.teams, "team", "teams") + ", " +
                     counted(report.counts.members, "member", "members");
  if (!report.applied) {
    std::fprintf(stderr, "gyratec: %s: nothing provisioned\n",
                 counted(report.errors.size(), "error", "errors").c_str());
    return kExitDiagnostics;
  }
  if (check) {
    std::printf("checked %s: the files apply (--check: nothing provisioned)\n", what.c_str());
  } else {
    std::printf("provisioned %s (%s)\n", what.c_str(),
                counted(accounts, "account", "accounts").c_str());
  }
  return kExitClean;
}

}  // namespace gyrate::tools
