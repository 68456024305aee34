// The checker: resolves names, checks types, unit dimensions, money and value ranges, and lowers
// the AST to the checked program. It reports every semantic error of a file, not just the first.
#pragma once

#include <optional>
#include <string>

#include "gyrate/base/status.hpp"

#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/diagnostic.hpp"
#include "gyrate/ruleslang/extensions.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::lang {

inline constexpr size_t kMaxPlans = 100000;
inline constexpr size_t kMaxNodes = 4'000'000;

// nullopt when any error was reported; warnings alone still yield a program.
std::optional<ir::Program> check(const ast::File& file, const SourceFile& source, Diagnostics& diags,
                                 const ExtensionRegistry* extensions = nullptr);

// parse + check in one call: what tools and the engine use to load a catalog.
std::optional<ir::Program> compile_source(const SourceFile& source, Diagnostics& diags,
                                          const ExtensionRegistry* extensions = nullptr);

}  // namespace gyrate::lang

namespace gyrate::lang {

// A tariff file read, parsed and checked: the one loader behind every gyratec command and the
// engine's catalog loading.
struct CompiledFile {
  Status status;                       // reading failed (kNotFound, kIo, kPermissionDenied)
  std::optional<SourceFile> source;    // the text, when it could be read
  Diagnostics diagnostics;             // parse and check findings (errors and warnings)
  std::optional<ir::Program> program;  // the checked program, when read and free of errors
  // The diagnostics rendered against the source (`file:line:col: error[...]` with carets).
  std::string rendered_diagnostics() const;
};

// Reads at most kMaxSourceBytes + 1 bytes (a larger file is E0105, not a huge allocation).
CompiledFile compile_file(const std::string& path, const ExtensionRegistry* extensions = nullptr);

}  // namespace gyrate::lang
