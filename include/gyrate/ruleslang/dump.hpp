// Stable text dumps of each stage, for `gyratec --emit=ast|ir` and golden tests.
#pragma once

#include <string>

#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::lang {

std::string dump_ast(const ast::File& file, const SourceFile& source);  // ranges as line:col
std::string dump_ir(const ir::Program& program);

}  // namespace gyrate::lang
