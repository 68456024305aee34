// The canonical layout of a tariff file (`gyratec fmt`): whitespace only, comments kept, the
// parse tree unchanged. docs/language.md, "Canonical layout", describes the layout.
#pragma once

#include <string>
#include <string_view>

#include "gyrate/base/status.hpp"
#include "gyrate/ruleslang/diagnostic.hpp"
#include "gyrate/ruleslang/source.hpp"

namespace gyrate::lang {

// The file in canonical layout. Errors: kInvalidArgument when the file does not parse (diags
// holds the parser's diagnostic); kInternal when the new layout would parse to another tree
// (a formatter bug: the caller keeps the file as it is).
Expected<std::string> format_source(const SourceFile& source, Diagnostics& diags);

// The first place where `after` differs from `before`, as a short unified-style hunk headed by
// `--- name` / `+++ name (formatted)`; empty when the texts are equal. For `gyratec fmt --check`.
std::string first_difference(std::string_view before, std::string_view after,
                             const std::string& name);

}  // namespace gyrate::lang
