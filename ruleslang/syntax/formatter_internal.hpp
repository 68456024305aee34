// Internal to the formatter: the token stream it lays out and what it learns from the parse tree.
// Only whitespace changes between input and output, so the formatter works on tokens (which keep
// the comments the syntax tree drops) and asks the tree only where tokens alone are ambiguous.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/source.hpp"

namespace gyrate::lang::fmt_detail {

enum class TokKind : uint8_t { kWord, kAtom, kSymbol, kComment };

struct Tok {
  TokKind kind = TokKind::kSymbol;
  std::string text;            // exactly as written (comments without trailing blanks)
  uint32_t offset = 0;
  bool blank_before = false;   // an empty line precedes it in the source
  bool prefix = false;         // a prefix `-`: nothing between it and its operand
  bool call_paren = false;     // the `(` of a call: glued to the function name
  std::string trailing;        // a comment after it on the same line
};

// From the parse tree: the offsets of prefix operators and call parentheses, and the ends of
// glued period words (`one-off`), which the tokens alone cannot tell apart from `a - b`.
struct Hints {
  std::unordered_set<uint32_t> prefix_ops;
  std::unordered_set<uint32_t> call_parens;
  std::unordered_map<uint32_t, uint32_t> word_ends;
};

Hints collect_hints(const ast::File& file, const SourceFile& source);

// The tokens of a file that parses; comments on the line of a token become its `trailing`,
// the others are kComment tokens of their own.
std::vector<Tok> tokenize(const SourceFile& source, const Hints& hints);

// The canonical text of the tokens (docs/language.md, "Canonical layout").
std::string layout(const std::vector<Tok>& tokens);

}  // namespace gyrate::lang::fmt_detail
