// Spellings of AST operators and actions (ast.hpp), shared by diagnostics and dumps.
#include "gyrate/ruleslang/ast.hpp"

namespace gyrate::lang::ast {

const char* op_spelling(Op op) {
  switch (op) {
    case Op::kNone:
      return "";
    case Op::kNeg:
      return "-";
    case Op::kNot:
      return "not";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kAnd:
      return "and";
    case Op::kOr:
      return "or";
  }
  return "?";
}

const char* action_spelling(ActionKind k) {
  switch (k) {
    case ActionKind::kTerminate:
      return "terminate";
    case ActionKind::kRedirect:
      return "redirect";
    case ActionKind::kRestrict:
      return "restrict";
    case ActionKind::kBlock:
      return "block";
    case ActionKind::kCharge:
      return "charge";
  }
  return "?";
}

}  // namespace gyrate::lang::ast
