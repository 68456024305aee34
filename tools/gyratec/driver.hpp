// Shared plumbing of gyratec's subcommands: argument parsing, loading and checking tariff files.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/engine/catalog.hpp"
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
  std::string joined;            // the subscriber's activation: local date-time, or @unix-seconds
  std::string evaluator = "jit"; // jit | interp
  std::string cache_dir;
  std::string cache_key_file;    // --cache-key: JitOptions::cache_key_file (needs cache_dir)
  std::vector<std::string> plugins;
  std::vector<std::pair<std::string, std::string>> sets;  // --set name=value
  int opt_level = 2;
  int64_t version = 0;           // --version N: a plan version (0: the newest)
  bool help = false;             // --help / -h after the command
  bool timeline = false;         // test --timeline: print every step with its answer
};

// Parses argv after the subcommand; on a usage error returns a message.
std::optional<std::string> parse_options(const std::vector<std::string>& args, Options& out);

// The registry with every loaded plugin's functions; errors go to stderr.
bool load_extensions(const Options& opts, lang::ExtensionRegistry& registry);

// Reads, parses and checks one file through the library's loader (lang::compile_file), printing
// diagnostics and read errors; nullopt, with *exit_code set, when there is no program.
std::optional<lang::ir::Program> check_file(const std::string& path,
                                            const lang::ExtensionRegistry& registry,
                                            int* exit_code);

// Loads plugins, then checks every FILE of opts and calls `fn` on each checked program. Returns
// the worst status: kExitUsage (usage or I/O, or fn's own), kExitDiagnostics, else kExitClean.
int for_each_program(const Options& opts, const char* verb,
                     const std::function<int(const std::string& path, const lang::ir::Program&,
                                             const lang::ExtensionRegistry&)>& fn);

// The catalog of one file through engine::load_catalog with the evaluator the options ask for
// (JIT by default, the interpreter as a fallback with a warning); diagnostics and warnings go to
// stderr. Null, with *exit_code set, when it cannot be loaded.
std::shared_ptr<const engine::Catalog> open_catalog(const std::string& path,
                                                    const lang::ExtensionRegistry& registry,
                                                    const Options& opts, int* exit_code);

// Local "YYYY-MM-DD[THH:MM[:SS]]" in the catalog timezone, or "@<unix seconds>".
std::optional<int64_t> parse_time(const std::string& text, int32_t offset_minutes);

int cmd_check(const Options& opts);
int cmd_emit(const Options& opts);
int cmd_eval(const Options& opts);
int cmd_compile(const Options& opts);
int cmd_demo(const Options& opts);
int cmd_provision(const std::vector<std::string>& args);  // parses its own flags first
int cmd_test(const Options& opts);
int cmd_fmt(const std::vector<std::string>& args);  // parses its own flags
int cmd_diff(const std::vector<std::string>& args);  // parses its own flags first
int cmd_explain(const std::vector<std::string>& args);  // parses its own flags first

}  // namespace gyrate::tools
