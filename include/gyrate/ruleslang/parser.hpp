// Parses a tariff file into the AST. Syntax only: no names, types or units are checked here.
#pragma once

#include <optional>

#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/diagnostic.hpp"
#include "gyrate/ruleslang/source.hpp"

namespace gyrate::lang {

// Limits that keep hostile input bounded (R8): deeper nesting or longer files get a diagnostic.
inline constexpr size_t kMaxSourceBytes = 4 * 1024 * 1024;
inline constexpr int kMaxNestingDepth = 64;

// On a syntax error: nullopt and exactly one diagnostic (the parse stops at the first error).
std::optional<ast::File> parse(const SourceFile& source, Diagnostics& diags);

}  // namespace gyrate::lang
