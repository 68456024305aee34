// Token-level scanning for the parser: trivia, keywords, names and literals, in plain C++ so
// the X3 grammar stays a thin layer of structure over these functions.
#include <algorithm>
#include <cstring>
#include <iterator>

#include "parser_internal.hpp"

namespace gyrate::lang::parse_detail {

namespace {

// docs/language.md, "Keywords", sorted for binary search.
constexpr std::string_view kKeywords[] = {
    "allow",     "allowance", "anchor",     "and",     "at",          "attribute", "block",
    "cap",       "charge",    "currency",   "deny",    "effective",   "eligible",  "else",
    "false",     "fee",       "for",        "forever", "grandfather", "grant",     "if",
    "in",        "limit",     "member",     "minor",   "model",       "models",    "none",
    "not",       "notify",    "on_exhaust", "or",      "order",       "overage",   "pack",
    "per",       "period",    "periods",    "plan",    "pooled",      "price",     "promo",
    "redirect",  "restrict",  "rollover",   "service", "spend",       "terminate", "then",
    "threshold", "timezone",  "true",       "until",   "valid",       "validity",  "version",
    "weight",    "when",
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The numeric token `1_000`, `9.9`, `400k`, `1.5M` starting at p (a digit), without suffix.
const char* scan_number(const char* p, const char* end) {
  while (p < end && (is_digit(*p) || *p == '_')) ++p;
  if (p + 1 < end && *p == '.' && is_digit(p[1])) {
    ++p;
    while (p < end && (is_digit(*p) || *p == '_')) ++p;
  }
  // A scale letter counts only when glued and not the start of a word: `20GiB` is 20 GiB.
  if (p < end && (*p == 'k' || *p == 'M' || *p == 'G') && (p + 1 == end || !is_ident_char(p[1]))) {
    ++p;
  }
  return p;
}

bool digits(const char* p, const char* end, size_t n) {
  if (static_cast<size_t>(end - p) < n) return false;
  return std::all_of(p, p + n, is_digit);
}

// Dates and times are lexed before numbers, so `2026-07-01` is not 2026 - 7 - 1.
bool ends_token(const char* p, const char* end) {
  return p == end ||
         !(is_ident_char(*p) || *p == ':' || (*p == '.' && p + 1 < end && is_digit(p[1])));
}

const char* scan_date(const char* p, const char* end) {
  if (!digits(p, end, 4) || end - p < 10 || p[4] != '-' || !digits(p + 5, end, 2) || p[7] != '-' ||
      !digits(p + 8, end, 2)) {
    return nullptr;
  }
  return ends_token(p + 10, end) ? p + 10 : nullptr;
}

const char* scan_time(const char* p, const char* end) {
  const char* q = p;
  while (q < end && q - p < 2 && is_digit(*q)) ++q;
  if (q == p || q == end || *q != ':' || !digits(q + 1, end, 2)) return nullptr;
  q += 3;
  return ends_token(q, end) ? q : nullptr;
}

// The string literal at p (a `"`); the prescan has already checked that it is terminated,
// single-line and uses only the `\"` and `\\` escapes.
const char* scan_string(const char* p, const char* end, std::string& value) {
  ++p;
  while (p < end && *p != '"' && *p != '\n') {
    if (*p == '\\' && p + 1 < end && p[1] != '\n') ++p;
    value += *p++;
  }
  return p < end && *p == '"' ? p + 1 : nullptr;
}

// A one-token expression: the token's text and range, depth 1.
const char* leaf(const ParseState& s, Node& out, ast::ExprKind kind, const char* begin,
                 const char* end) {
  out = Node{};
  out.expr.kind = kind;
  out.expr.text.assign(begin, end);
  out.expr.range = s.range(begin, end);
  return end;
}

// The exact text after trivia; the end of it, or nullptr.
const char* match_text(const ParseState& s, const char* first, std::string_view text) {
  const char* p = skip_trivia(first, s.end);
  // Most attempts fail on the first letter (the grammar tries item keywords in turn).
  if (p == s.end || *p != text[0] || static_cast<size_t>(s.end - p) < text.size() ||
      std::memcmp(p, text.data(), text.size()) != 0) {
    return nullptr;
  }
  return p + text.size();
}

}  // namespace

const char* skip_trivia(const char* p, const char* end) {
  while (p < end) {
    const char c = *p;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++p;
    } else if (c == '#' || (c == '/' && p + 1 < end && p[1] == '/')) {
      const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
      p = nl == nullptr ? end : static_cast<const char*>(nl);
    } else {
      break;
    }
  }
  return p;
}

const char* scan_word(const char* p, const char* end) {
  if (p == end || !is_ident_start(*p)) return p;
  ++p;
  while (p < end && is_ident_char(*p)) ++p;
  return p;
}

bool is_keyword(std::string_view word) {
  return std::binary_search(std::begin(kKeywords), std::end(kKeywords), word);
}

const char* match_keyword(const ParseState& s, const char* first, std::string_view word) {
  const char* q = match_text(s, first, word);
  return q != nullptr && (q == s.end || !is_ident_char(*q)) ? q : nullptr;
}

const char* match_symbol(const ParseState& s, const char* first, std::string_view symbol) {
  const char* q = match_text(s, first, symbol);
  if (q == nullptr || symbol.size() != 1 || q == s.end) return q;
  // `=` is not the start of `==`, `<` not of `<=`, `.` not of `..`.
  const char c = symbol[0];
  if ((c == '=' || c == '<' || c == '>' || c == '!') && *q == '=') return nullptr;
  if (c == '.' && *q == '.') return nullptr;
  return q;
}

const char* match_name(const ParseState& s, const char* first, NameMode mode, ast::Ident& out) {
  const char* p = skip_trivia(first, s.end);
  const char* q = scan_word(p, s.end);
  if (q == p) return nullptr;
  const std::string_view word(p, static_cast<size_t>(q - p));
  // `spend` (cap spend) and `model` (model declarations) are keywords and also names of the
  // request's model and the period's spend in expressions.
  const bool expression_name = word == "spend" || word == "model";
  if (mode != NameMode::kAnyWord && is_keyword(word) &&
      !(mode == NameMode::kExpression && expression_name)) {
    return nullptr;
  }
  out.name = std::string(word);
  out.range = s.range(p, q);
  return q;
}

const char* match_string(const ParseState& s, const char* first, Node& out) {
  const char* p = skip_trivia(first, s.end);
  if (p == s.end || *p != '"') return nullptr;
  std::string value;
  const char* q = scan_string(p, s.end, value);
  if (q == nullptr) return nullptr;
  leaf(s, out, ast::ExprKind::kString, p, q);
  out.expr.text = std::move(value);
  return q;
}

const char* match_date(const ParseState& s, const char* first, Node& out) {
  const char* p = skip_trivia(first, s.end);
  const char* q = scan_date(p, s.end);
  return q == nullptr ? nullptr : leaf(s, out, ast::ExprKind::kDate, p, q);
}

const char* match_integer(const ParseState& s, const char* first, Node& out) {
  const char* p = skip_trivia(first, s.end);
  if (p == s.end || !is_digit(*p)) return nullptr;
  const char* q = p;
  while (q < s.end && (is_digit(*q) || *q == '_')) ++q;
  if (q < s.end && (is_ident_char(*q) || *q == '.')) return nullptr;
  return leaf(s, out, ast::ExprKind::kNumber, p, q);
}

const char* match_literal(const ParseState& s, const char* first, Node& out) {
  const char* p = skip_trivia(first, s.end);
  if (p == s.end) return nullptr;
  if (*p == '"') return match_string(s, p, out);
  if (is_ident_start(*p)) {
    const char* q = scan_word(p, s.end);
    const std::string_view word(p, static_cast<size_t>(q - p));
    return word == "true" || word == "false" ? leaf(s, out, ast::ExprKind::kBool, p, q) : nullptr;
  }
  if (!is_digit(*p)) return nullptr;
  if (const char* q = scan_date(p, s.end)) return leaf(s, out, ast::ExprKind::kDate, p, q);
  if (const char* q = scan_time(p, s.end)) return leaf(s, out, ast::ExprKind::kTimeOfDay, p, q);
  const char* q = scan_number(p, s.end);
  leaf(s, out, ast::ExprKind::kNumber, p, q);
  const char* stop = q;
  if (q < s.end && *q == '%') {
    out.expr.suffix = "%";
    out.expr.suffix_range = s.range(q, q + 1);
    stop = q + 1;
  } else {
    // The unit or currency may follow after blanks on the same line, never a keyword: in
    // `6 and x` the `and` is the operator.
    const char* w = q;
    while (w < s.end && is_blank(*w)) ++w;
    const char* we = scan_word(w, s.end);
    if (we != w && !is_keyword(std::string_view(w, static_cast<size_t>(we - w)))) {
      out.expr.suffix.assign(w, we);
      out.expr.suffix_range = s.range(w, we);
      stop = we;
    }
  }
  out.expr.range = s.range(p, stop);
  return stop;
}

const char* match_in_operator(const ParseState& s, const char* first, bool& negated) {
  const char* after_not = match_keyword(s, first, "not");
  negated = after_not != nullptr;
  return match_keyword(s, negated ? after_not : first, "in");
}

const char* match_period_word(const ParseState& s, const char* first, ast::Ident& out) {
  const char* q = match_name(s, first, NameMode::kPlain, out);
  // Glued `-word` parts only: `one-off` and `one-time` are one word to the designer. No period
  // has a hyphen, so the checker rejects the word with a hint instead of a syntax error at `-`.
  while (q != nullptr && s.end - q >= 2 && q[0] == '-' && is_ident_start(q[1])) {
    const char* e = scan_word(q + 1, s.end);
    out.name.append(q, e);
    out.range.end = s.offset(e);
    q = e;
  }
  return q;
}

const char* match_utc_offset(const ParseState& s, const char* first, ast::TimezoneDecl& out) {
  const char* p = skip_trivia(first, s.end);
  if (p == s.end || (*p != '+' && *p != '-')) return nullptr;
  const char* q = scan_time(p + 1, s.end);
  if (q == nullptr) return nullptr;
  out.offset.assign(p, q);
  return q;
}

bool comparison_follows(const ParseState& s, const char* first) {
  for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
    if (match_symbol(s, first, op) != nullptr) return true;
  }
  bool negated = false;
  return match_in_operator(s, first, negated) != nullptr;
}

}  // namespace gyrate::lang::parse_detail
