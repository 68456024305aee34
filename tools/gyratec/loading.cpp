// Reading, checking and evaluator selection shared by gyratec's subcommands.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "driver.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::tools {

std::optional<lang::SourceFile> read_source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "gyratec: cannot read %s: %s\n", path.c_str(), std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    std::fprintf(stderr, "gyratec: cannot read %s: I/O error\n", path.c_str());
    return std::nullopt;
  }
  return lang::SourceFile(path, text.str());
}

std::optional<lang::ir::Program> load_program(const lang::SourceFile& source,
                                              const lang::ExtensionRegistry& registry) {
  lang::Diagnostics diags;
  auto program = lang::compile_source(source, diags, &registry);
  if (!diags.items().empty()) std::fputs(lang::render_all(diags, source).c_str(), stderr);
  if (diags.has_errors()) return std::nullopt;
  return program;
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
    auto source = read_source(path);
    auto program = source ? load_program(*source, registry) : std::nullopt;
    int result = !source ? kExitUsage : !program ? kExitDiagnostics : fn(path, *program, registry);
    // Usage/I/O problems outrank diagnostics, which outrank a clean file.
    if (result == kExitUsage || (result == kExitDiagnostics && status == kExitClean)) status = result;
  }
  return status;
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
