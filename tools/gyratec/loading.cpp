// Loading shared by gyratec's subcommands: every file goes through the library's one loader
// (lang::compile_file, engine::load_catalog); this file only prints what it reports.
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "driver.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::tools {

std::optional<lang::ir::Program> check_file(const std::string& path,
                                            const lang::ExtensionRegistry& registry,
                                            int* exit_code) {
  lang::CompiledFile file = lang::compile_file(path, &registry);
  if (!file.status) {
    std::fprintf(stderr, "gyratec: %s\n", file.status.message().c_str());
    *exit_code = kExitUsage;
    return std::nullopt;
  }
  std::fputs(file.rendered_diagnostics().c_str(), stderr);
  if (!file.program) *exit_code = kExitDiagnostics;
  return std::move(file.program);
}

int for_each_program(const Options& opts, const char* verb,
                     const std::function<int(const std::string& path, const lang::ir::Program&,
                                             const lang::ExtensionRegistry&)>& fn) {
  if (opts.files.empty()) {
    std::fprintf(stderr, "gyratec: %s needs at least one FILE\n", verb);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  int status = kExitClean;
  for (const auto& path : opts.files) {
    int result = kExitClean;
    auto program = check_file(path, registry, &result);
    if (program) result = fn(path, *program, registry);
    // Usage/I/O problems outrank diagnostics, which outrank a clean file.
    if (result == kExitUsage || (result == kExitDiagnostics && status == kExitClean)) status = result;
  }
  return status;
}

std::shared_ptr<const engine::Catalog> open_catalog(const std::string& path,
                                                    const lang::ExtensionRegistry& registry,
                                                    const Options& opts, int* exit_code) {
  engine::CatalogOptions options;
  jit::parse_evaluator_kind(opts.evaluator, &options.evaluator);  // validated by parse_options
  options.jit.opt_level = opts.opt_level;
  options.jit.cache_dir = opts.cache_dir;
  options.jit.cache_key_file = opts.cache_key_file;
  options.extensions = &registry;
  engine::CatalogLoad load = engine::load_catalog(path, options);
  std::fputs(load.file.rendered_diagnostics().c_str(), stderr);
  if (!load.file.status) {
    std::fprintf(stderr, "gyratec: %s\n", load.file.status.message().c_str());
    *exit_code = kExitUsage;
    return nullptr;
  }
  if (load.file.diagnostics.has_errors()) {
    *exit_code = kExitDiagnostics;
    return nullptr;
  }
  if (!load.status) {
    std::fprintf(stderr, "gyratec: %s: %s\n", path.c_str(), load.status.message().c_str());
    *exit_code = kExitUsage;
    return nullptr;
  }
  if (!load.catalog->warning().empty()) {
    std::fprintf(stderr, "gyratec: warning: %s\n", load.catalog->warning().c_str());
  }
  if (const jit::CompileStats* st = load.catalog->compile_stats()) {
    for (const auto& w : st->warnings) std::fprintf(stderr, "gyratec: warning: %s\n", w.c_str());
  }
  return load.catalog;
}

std::optional<int64_t> parse_time(const std::string& text, int32_t offset_minutes) {
  if (!text.empty() && text[0] == '@') {
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(text.c_str() + 1, &end, 10);
    if (errno != 0 || end == text.c_str() + 1 || *end != '\0') return std::nullopt;
    return v;
  }
  // YYYY-MM-DD, optionally followed by 'T' or ' ' and HH:MM[:SS].
  auto date = lang::calendar::parse_date(std::string_view(text).substr(0, 10));
  if (!date) return std::nullopt;
  int64_t seconds = 0;
  if (text.size() > 10) {
    if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
    std::string_view rest = std::string_view(text).substr(11);
    auto minutes = lang::literal::parse_time_of_day(rest.substr(0, 5));
    if (!minutes) return std::nullopt;
    seconds = *minutes * 60;
    if (rest.size() > 5) {
      if (rest.size() != 8 || rest[5] != ':' || !std::isdigit(static_cast<unsigned char>(rest[6])) ||
          !std::isdigit(static_cast<unsigned char>(rest[7])))
        return std::nullopt;
      int s = (rest[6] - '0') * 10 + (rest[7] - '0');
      if (s > 59) return std::nullopt;
      seconds += s;
    }
  }
  return lang::calendar::days_from_civil(*date) * 86400 + seconds -
         static_cast<int64_t>(offset_minutes) * 60;
}

}  // namespace gyrate::tools
