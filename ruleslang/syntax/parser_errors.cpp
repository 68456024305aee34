// Syntax error messages: turns "the parser expected X here" into one positioned diagnostic in
// the designer's words, with the token that was found and a fix where one fits.
#include <cstring>
#include <string>

#include "gyrate/ruleslang/parser.hpp"
#include "parser_internal.hpp"

namespace gyrate::lang::parse_detail {

namespace {

struct Found {
  SourceRange range;
  std::string text;
  bool eof = false;
  bool word = false;
  bool keyword = false;
};

constexpr size_t kMaxQuotedString = 24;

Found peek(const ParseState& s, const char* at) {
  const char* p = skip_trivia(at, s.end);
  Found f;
  if (p == s.end) {
    f.eof = true;
    f.range = s.range(p, p);
    return f;
  }
  const char* q = p + 1;
  if (is_ident_start(*p)) {
    q = scan_word(p, s.end);
    f.word = true;
    f.keyword = is_keyword(std::string_view(p, static_cast<size_t>(q - p)));
  } else if (is_digit(*p)) {
    Node n;
    q = match_literal(s, p, n);
    if (q == nullptr) q = p + 1;
  } else if (*p == '"') {
    while (q < s.end && *q != '"' && *q != '\n') q += (*q == '\\' && q + 1 < s.end) ? 2 : 1;
    if (q < s.end && *q == '"') ++q;
  } else {
    for (const char* two : {"==", "!=", "<=", ">=", ".."}) {
      if (s.end - p >= 2 && std::memcmp(p, two, 2) == 0) q = p + 2;
    }
  }
  f.range = s.range(p, q);
  f.text.assign(p, q);
  return f;
}

std::string describe(const Found& f) {
  if (f.eof) return "the end of the file";
  if (f.text.size() > kMaxQuotedString) return "`" + f.text.substr(0, kMaxQuotedString) + "...`";
  return "`" + f.text + "`";
}

// The token that ends at `at`. Token parsers never consume trailing whitespace, so the token
// the parser accepted last ends exactly where the failed expectation starts.
std::string previous_token(const ParseState& s, const char* at) {
  if (at == s.begin) return {};
  const char* p = at - 1;
  if (is_ident_char(*p)) {
    while (p > s.begin && is_ident_char(p[-1])) --p;
    return std::string(p, at);
  }
  if (p > s.begin) {
    for (const char* two : {"==", "!=", "<=", ">=", ".."}) {
      if (std::memcmp(p - 1, two, 2) == 0) return two;
    }
  }
  return std::string(1, *p);
}

bool line_break_between(const ParseState& s, uint32_t from, uint32_t to) {
  return std::memchr(s.begin + from, '\n', to - from) != nullptr;
}

bool is_top_level_keyword(const std::string& w) {
  for (const char* k : {"currency", "timezone", "service", "model", "attribute", "plan"}) {
    if (w == k) return true;
  }
  return false;
}

const char* const kPlanItemWords[] = {
    "period",   "fee",         "eligible", "allowance", "models", "weight",     "grant",
    "validity", "threshold",   "overage",  "limit",     "cap",    "on_exhaust", "notify",
    "order",    "grandfather", "pack",     "promo",     nullptr,
};
const char* const kDeclWords[] = {"currency",  "timezone", "service", "model",
                                  "attribute", "plan",     nullptr};

// Keywords that only glue expressions together; finding one where an operand is missing
// means the operand is missing, not that a keyword was mistaken for a name.
bool is_operator_keyword(const std::string& w) {
  for (const char* k : {"when", "then", "else", "and", "or", "not", "in", "if", "per", "for", "at",
                        "true", "false"}) {
    if (w == k) return true;
  }
  return false;
}

std::string suggestion(const Found& f, const char* const* words) {
  if (words == nullptr || !f.word) return {};
  std::vector<std::string> candidates;
  for (const char* const* w = words; *w != nullptr; ++w) candidates.emplace_back(*w);
  std::string best = closest_match(f.text, candidates);
  return best.empty() ? std::string() : "did you mean `" + best + "`?";
}

class Builder {
 public:
  Builder(const ParseState& s, const char* at) : s_(s), at_(at), next_(peek(s, at)) {}

  const Found& next() const { return next_; }

  // "expected X but found Y", pointing at Y.
  Diagnostic at_next(const std::string& what, std::string fix) const {
    Diagnostic d;
    d.code = codes::kSyntax.code;
    d.range = next_.range;
    d.message = "expected " + what + " but found " + describe(next_);
    d.fix = std::move(fix);
    return d;
  }

  // A terminator or closer: when the next token sits on a later line (or is a closer, or the
  // end), the fix goes right after the last token, so that is where the caret points.
  Diagnostic missing_end(const std::string& what, char closer, std::string fix_if_after) const {
    const uint32_t after = s_.offset(at_);
    const bool detached = next_.eof || line_break_between(s_, after, next_.range.begin) ||
                          (next_.text.size() == 1 && std::strchr(")]}", next_.text[0]) != nullptr &&
                           next_.text[0] != closer);
    if (!detached) {
      std::string fix;
      if (next_.text == "=") fix = "use `==` to compare values";
      return at_next(what, std::move(fix));
    }
    Diagnostic d;
    d.code = codes::kSyntax.code;
    d.range = {after, after};
    d.message = "expected " + what;
    d.fix = std::move(fix_if_after);
    return d;
  }

  Diagnostic unclosed(const OpenBracket& open) const {
    const std::string closer(1, open.closer);
    Diagnostic d =
        missing_end("`" + closer + "` to close " + open.what, open.closer, "add `" + closer + "`");
    DiagnosticNote note;
    note.has_range = true;
    note.range = {open.offset, open.offset + 1};
    note.message = open.what + " starts here";
    d.notes.push_back(std::move(note));
    return d;
  }

 private:
  const ParseState& s_;
  const char* at_;
  Found next_;
};

Diagnostic build(const ParseState& s, const char* at, const Expect& e) {
  const Builder b(s, at);
  const Found& next = b.next();
  const OpenBracket fallback{"the block", '}', s.offset(at)};
  const OpenBracket& open = s.open.empty() ? fallback : s.open.back();
  switch (e.kind) {
    case ExpectKind::kToken:
      return b.at_next(e.what, *e.fix != '\0' ? std::string(e.fix) : suggestion(next, e.words));
    case ExpectKind::kEnd: return b.missing_end(e.what, ';', e.fix);
    case ExpectKind::kFieldEnd:
      return b.missing_end("`;` after the `" + s.field_key + "` field", ';', "add `;`");
    case ExpectKind::kClose: return b.unclosed(open);
    case ExpectKind::kName: {
      if (!next.keyword) return b.at_next(e.what, {});
      Diagnostic d;
      d.code = codes::kKeywordAsName.code;
      d.range = next.range;
      d.message =
          "`" + next.text + "` is a reserved keyword and cannot be used as " + e.role + " name";
      d.fix = "choose another name, such as `my_" + next.text + "`";
      return d;
    }
    case ExpectKind::kExprAfter: {
      const std::string prev = previous_token(s, at);
      std::string fix;
      if (next.text == "if") {
        fix = "an `if` expression binds loosest: put it in parentheses";
      } else if (next.keyword && !is_operator_keyword(next.text)) {
        fix = "`" + next.text + "` is a reserved keyword and cannot be used as a name";
      }
      return b.at_next(prev.empty() ? "an expression" : "an expression after `" + prev + "`",
                       std::move(fix));
    }
    case ExpectKind::kFieldValue: return b.at_next("a value after `" + s.field_key + "`", {});
    case ExpectKind::kPlanItem: {
      if (next.eof || (next.word && is_top_level_keyword(next.text))) return b.unclosed(open);
      std::string fix = next.text == ";" ? "remove this `;`" : suggestion(next, kPlanItemWords);
      // A word close to none gets the list: a designer guessing item names needs to see them.
      if (fix.empty() && next.word && !is_keyword(next.text)) {
        std::string listed;
        for (const char* const* w = kPlanItemWords; *w != nullptr; ++w) {
          listed += (w == kPlanItemWords ? "`" : ", `") + std::string(*w) + "`";
        }
        fix = "plan items are " + listed;
      }
      return b.at_next("a plan item (period, fee, allowance, ...)", std::move(fix));
    }
    case ExpectKind::kField:
      if (next.eof) return b.unclosed(open);
      return b.at_next("a field such as `unit token;` or `}` in " + open.what,
                       next.text == ";" ? "remove this `;`" : "");
    case ExpectKind::kDecl: {
      std::string fix = suggestion(next, kDeclWords);
      if (next.text == ";" || next.text == "}") fix = "remove this `" + next.text + "`";
      for (const char* const* w = kPlanItemWords; next.word && *w != nullptr; ++w) {
        if (next.text == *w)
          fix = "`" + next.text + "` is a plan item; it goes inside `plan NAME { ... }`";
      }
      return b.at_next("a declaration (currency, timezone, service, model, attribute, plan)",
                       std::move(fix));
    }
  }
  return b.at_next(e.what, {});
}

}  // namespace

void fail_expected(const ParseState& s, const char* at, const Expect& e) {
  throw SyntaxError{build(s, at, e)};
}

void fail_nesting(const ParseState& s, const char* at) {
  const Found next = peek(s, at);
  Diagnostic d;
  d.code = codes::kTooDeep.code;
  d.range = next.range;
  d.message = "expression nested deeper than " + std::to_string(kMaxNestingDepth) + " levels";
  throw SyntaxError{std::move(d)};
}

void fail_tree_depth(SourceRange r) {
  Diagnostic d;
  d.code = codes::kTooDeep.code;
  d.range = r;
  d.message =
      "expression nested deeper than " + std::to_string(kMaxTreeDepth) + " levels of operators";
  d.fix = "simplify the expression, or group its terms with parentheses";
  throw SyntaxError{std::move(d)};
}

void fail_chained_comparison(const ParseState& s, const char* at) {
  const Found next = peek(s, at);
  Diagnostic d;
  d.code = codes::kSyntax.code;
  d.range = next.range;
  d.message = "comparisons do not chain: found " + describe(next) + " after a comparison";
  d.fix = "combine comparisons with `and`, as in `a < b and b < c`";
  throw SyntaxError{std::move(d)};
}

}  // namespace gyrate::lang::parse_detail
