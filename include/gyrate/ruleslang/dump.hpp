// Stable text dumps of each stage, for `gyratec --emit=ast|ir` and golden tests.
#pragma once

#include <string>

#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::lang {

std::string dump_ast(const ast::File& file, const SourceFile& source);  // ranges as line:col
std::string dump_ir(const ir::Program& program);
// One expression as dump_ir prints it: names, not indexes, so equal across programs (catalog diff).
std::string dump_expr(const ir::Program& program, ir::ExprId expr);

}  // namespace gyrate::lang
