// Shared plumbing of gyratec's subcommands: argument parsing, loading and checking tariff files.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/ruleslang/evaluator.hpp"
#include "gyrate/ruleslang/extensions.hpp"
#include "gyrate/ruleslang/ir.hpp"
#include "gyrate/ruleslang/source.hpp"

namespace gyrate::tools {

// Exit codes promised by `gyratec check`.
inline constexpr int kExitClean = 0;
inline constexpr int kExitDiagnostics = 1;
inline constexpr int kExitUsage = 2;

struct Options {
  std::vector<std::string> files;
  std::string emit;              // ast | ir | llvm
  std::string plan;
  std::string service;
  std::string model;
  std::string at;                // local date-time, or @unix-seconds
  std::string evaluator = "jit"; // jit | interp
  std::string cache_dir;
  std::vector<std::string> plugins;
  std::vector<std::pair<std::string, std::string>> sets;  // --set name=value
  int opt_level = 2;
};

// Parses argv after the subcommand; on a usage error returns a message.
std::optional<std::string> parse_options(const std::vector<std::string>& args, Options& out);

// The registry with every loaded plugin's functions; errors go to stderr.
bool load_extensions(const Options& opts, lang::ExtensionRegistry& registry);

// Reads a file; prints `gyratec: cannot read ...` and returns nullopt on I/O errors.
std::optional<lang::SourceFile> read_source(const std::string& path);

// Parses and checks; prints diagnostics to stderr. nullopt when the file has errors.
std::optional<lang::ir::Program> load_program(const lang::SourceFile& source,
                                              const lang::ExtensionRegistry& registry);

// Loads plugins, then checks every FILE of opts and calls `fn` on each checked program. Returns
// the worst status: kExitUsage (usage or I/O, or fn's own), kExitDiagnostics, else kExitClean.
int for_each_program(const Options& opts, const char* verb,
                     const std::function<int(const std::string& path, const lang::ir::Program&,
                                             const lang::ExtensionRegistry&)>& fn);

// The evaluator the options ask for (JIT by default, the interpreter as a fallback with a warning).
std::unique_ptr<lang::Evaluator> make_evaluator(const lang::ir::Program& program,
                                                const lang::ExtensionRegistry& registry,
                                                const Options& opts);

// Local "YYYY-MM-DD[THH:MM[:SS]]" in the catalog timezone, or "@<unix seconds>".
std::optional<int64_t> parse_time(const std::string& text, int32_t offset_minutes);

int cmd_check(const Options& opts);
int cmd_emit(const Options& opts);
int cmd_eval(const Options& opts);
int cmd_compile(const Options& opts);
int cmd_demo(const Options& opts);

}  // namespace gyrate::tools
