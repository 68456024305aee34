// Internal to the parser: lexical helpers, parse state and the error type shared by its .cpp files.
// No Boost.Spirit type appears here; the X3 grammar lives only in parser_grammar.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/diagnostic.hpp"
#include "gyrate/ruleslang/source.hpp"

namespace gyrate::lang::parse_detail {

// Operators chain iteratively (`a + b + c ...`), so bracket nesting alone does not bound the
// depth of the tree; the checker, interpreter and code generator all recurse over it. 256
// levels keep their stack use small while no hand-written tariff comes near it.
inline constexpr int kMaxTreeDepth = 256;

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_ident_start(char c) { return is_alpha(c) || c == '_'; }
inline bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

// Whitespace and comments (`#` or `//` to the end of the line).
const char* skip_trivia(const char* p, const char* end);
// The end of the identifier starting at p, or p itself when none starts there.
const char* scan_word(const char* p, const char* end);
bool is_keyword(std::string_view word);

// An expression under construction and the depth of its tree (see kMaxTreeDepth).
struct Node {
  ast::Expr expr;
  int depth = 1;
};

// A `{`, `(` or `[` still waiting for its closer, for "expected `}` to close plan `basic`".
struct OpenBracket {
  std::string what;  // "plan `basic`", "service `llm`", "the parenthesis", "the list"
  char closer = '}';
  uint32_t offset = 0;
};

struct ParseState {
  explicit ParseState(const SourceFile& s)
      : source(s), begin(s.text().data()), end(s.text().data() + s.text().size()) {}

  uint32_t offset(const char* p) const { return static_cast<uint32_t>(p - begin); }
  SourceRange range(const char* b, const char* e) const { return {offset(b), offset(e)}; }

  const SourceFile& source;
  const char* begin;
  const char* end;
  int depth = 0;                  // expression recursion, bounded by kMaxNestingDepth
  std::vector<OpenBracket> open;  // innermost last
  std::string field_key;          // the key of the field being parsed, for its messages
};

// Thrown inside the parser only (from token parsers and semantic actions) and turned into the
// single diagnostic of a failed parse by parse(); it never leaves parse().
struct SyntaxError {
  Diagnostic diagnostic;
};

// What the parser expected at a point of no return, in the user's words.
enum class ExpectKind : uint8_t {
  kToken,      // "expected <what> but found X"
  kEnd,        // a terminator or closer: "expected `;` after the fee" (points after the last token)
  kName,       // a name being declared or referenced: a keyword there is E0106
  kExprAfter,  // "expected an expression after `<previous token>`"
  kPlanItem,   // a plan item or the `}` closing the plan
  kField,      // a field or the `}` closing the block
  kFieldValue,  // a value for the current field
  kFieldEnd,    // the `;` after the current field
  kClose,       // the closer of the innermost open bracket
  kDecl,        // a top-level declaration or the end of the file
};

struct Expect {
  ExpectKind kind = ExpectKind::kToken;
  const char* what = "";               // "`;` after the fee", "a service name after `allowance`"
  const char* role = "";               // kName: "plan" in "cannot be used as a plan name"
  const char* const* words = nullptr;  // "did you mean" candidates, nullptr-terminated
  const char* fix = "";                // a fixed hint, when one always fits
};

[[noreturn]] void fail_expected(const ParseState& s, const char* at, const Expect& e);
[[noreturn]] void fail_nesting(const ParseState& s, const char* at);
[[noreturn]] void fail_tree_depth(SourceRange r);
[[noreturn]] void fail_chained_comparison(const ParseState& s, const char* at);

// Token matchers. Each skips trivia before the token, returns the end of the token on success
// and nullptr otherwise; none of them reads outside [first, s.end).
const char* match_keyword(const ParseState& s, const char* first, std::string_view word);
const char* match_symbol(const ParseState& s, const char* first, std::string_view symbol);
enum class NameMode : uint8_t { kPlain, kAnyWord, kExpression };
const char* match_name(const ParseState& s, const char* first, NameMode mode, ast::Ident& out);
const char* match_literal(const ParseState& s, const char* first, Node& out);
const char* match_integer(const ParseState& s, const char* first, Node& out);
const char* match_date(const ParseState& s, const char* first, Node& out);
const char* match_string(const ParseState& s, const char* first, Node& out);
// A period word; `one-off` stays one word so that the checker can name it and suggest `once`.
const char* match_period_word(const ParseState& s, const char* first, ast::Ident& out);
const char* match_utc_offset(const ParseState& s, const char* first, ast::TimezoneDecl& out);
// `in` or `not in`.
const char* match_in_operator(const ParseState& s, const char* first, bool& negated);
// True when a comparison operator or `in` / `not in` follows (comparisons do not chain).
bool comparison_follows(const ParseState& s, const char* first);

// Byte-level checks before the grammar runs: size (E0105), bytes (E0102), strings (E0103),
// bracket nesting (E0104). Adds one diagnostic and returns false on the first problem.
bool prescan(const SourceFile& source, Diagnostics& diags);

// Runs the X3 grammar. Throws SyntaxError on the first syntax error.
ast::File parse_file(ParseState& state);

}  // namespace gyrate::lang::parse_detail
