// The checker: resolves names, checks types, unit dimensions, money and value ranges, and lowers
// the AST to the checked program. It reports every semantic error of a file, not just the first.
#pragma once

#include <optional>

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
