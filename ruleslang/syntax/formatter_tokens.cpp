// The formatter's token stream: the parser's own matchers cut literals, the parse tree marks
// prefix operators, calls and glued period words, and comments are kept where they were.
#include <cstring>

#include "formatter_internal.hpp"
#include "parser_internal.hpp"

namespace gyrate::lang::fmt_detail {

namespace {

using parse_detail::skip_trivia;

class HintCollector {
 public:
  explicit HintCollector(const SourceFile& source)
      : begin_(source.text().data()), end_(begin_ + source.text().size()) {}

  Hints take() { return std::move(hints_); }

  void expr(const ast::Expr& e) {
    if (e.kind == ast::ExprKind::kUnary && e.op == ast::Op::kNeg) {
      hints_.prefix_ops.insert(first_token(e.range.begin));
    } else if (e.kind == ast::ExprKind::kCall) {
      const uint32_t name = first_token(e.range.begin);
      hints_.call_parens.insert(offset(skip_trivia(begin_ + name + e.text.size(), end_)));
    }
    for (const ast::Expr& arg : e.args) expr(arg);
  }
  void expr(const std::optional<ast::Expr>& e) {
    if (e) expr(*e);
  }
  void fields(const std::vector<ast::Field>& fs) {
    for (const ast::Field& f : fs) {
      for (const ast::Expr& v : f.values) expr(v);
    }
  }
  void item(const ast::PlanItem& it) {
    if (it.word && it.word->name.find('-') != std::string::npos) {
      hints_.word_ends[it.word->range.begin] = it.word->range.end;
    }
    for (const auto* e : {&it.anchor_value, &it.value, &it.per, &it.rollover,
                          &it.rollover_periods, &it.when}) {
      expr(*e);
    }
    for (const ast::Expr& e : it.list) expr(e);
    fields(it.fields);
  }

 private:
  uint32_t offset(const char* p) const { return static_cast<uint32_t>(p - begin_); }

  // A parenthesised expression's range starts at its `(`; its own first token is inside.
  uint32_t first_token(uint32_t at) const {
    const char* p = skip_trivia(begin_ + at, end_);
    while (p < end_ && *p == '(') p = skip_trivia(p + 1, end_);
    return offset(p);
  }

  const char* begin_;
  const char* end_;
  Hints hints_;
};

// The end of the literal at p (a digit or `"`), as the parser cuts it: `80%`, `1.5M`,
// `2026-07-01`, `22:30`, `"..."`; a unit after a number is a word of its own.
const char* literal_end(const parse_detail::ParseState& state, const char* p) {
  parse_detail::Node node;
  const char* q = *p == '"' ? parse_detail::match_string(state, p, node)
                            : parse_detail::match_literal(state, p, node);
  if (q == nullptr) return p + 1;  // not reached for a file that parses
  if (node.expr.kind != ast::ExprKind::kNumber) return q;
  if (node.expr.suffix == "%") return state.begin + node.expr.suffix_range.end;
  return p + node.expr.text.size();
}

size_t symbol_length(const char* p, const char* end) {
  static constexpr const char* kPairs[] = {"==", "!=", "<=", ">=", ".."};
  for (const char* pair : kPairs) {
    if (end - p >= 2 && p[0] == pair[0] && p[1] == pair[1]) return 2;
  }
  return 1;
}

// `timezone +08:00`: the sign belongs to the offset, even with a comment line between them.
bool after_timezone(const std::vector<Tok>& toks) {
  for (auto t = toks.rbegin(); t != toks.rend(); ++t) {
    if (t->kind != TokKind::kComment) return t->kind == TokKind::kWord && t->text == "timezone";
  }
  return false;
}

std::string trim_right(const char* b, const char* e) {
  while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) --e;
  return std::string(b, e);
}

}  // namespace

Hints collect_hints(const ast::File& file, const SourceFile& source) {
  HintCollector c(source);
  for (const auto& s : file.services) c.fields(s.fields);
  for (const auto& m : file.models) c.fields(m.fields);
  for (const auto& a : file.attributes) c.expr(a.default_value);
  for (const auto& p : file.plans) {
    for (const ast::PlanItem& it : p.items) c.item(it);
  }
  return c.take();
}

std::vector<Tok> tokenize(const SourceFile& source, const Hints& hints) {
  const parse_detail::ParseState state(source);
  const char* const begin = state.begin;
  const char* const end = state.end;
  std::vector<Tok> toks;
  int newlines = 0;
  bool line_start = true;
  for (const char* p = begin; p < end;) {
    const char c = *p;
    if (c == '\n') {
      ++newlines;
      line_start = true;
      ++p;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++p;
      continue;
    }
    Tok t;
    t.offset = static_cast<uint32_t>(p - begin);
    t.blank_before = newlines >= 2;
    const char* q = p + 1;
    if (c == '#' || (c == '/' && p + 1 < end && p[1] == '/')) {
      const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
      q = nl == nullptr ? end : static_cast<const char*>(nl);
      if (!line_start && !toks.empty()) {
        toks.back().trailing = trim_right(p, q);
        p = q;
        continue;
      }
      t.kind = TokKind::kComment;
    } else if (parse_detail::is_ident_start(c)) {
      const auto glued = hints.word_ends.find(t.offset);
      q = glued != hints.word_ends.end() ? begin + glued->second
                                         : parse_detail::scan_word(p, end);
      t.kind = TokKind::kWord;
    } else if (parse_detail::is_digit(c) || c == '"') {
      q = literal_end(state, p);
      t.kind = TokKind::kAtom;
    } else if ((c == '+' || c == '-') && after_timezone(toks)) {
      ast::TimezoneDecl tz;
      const char* e = parse_detail::match_utc_offset(state, p, tz);
      q = e != nullptr ? e : p + 1;
      t.kind = TokKind::kAtom;
    } else {
      q = p + symbol_length(p, end);
      t.prefix = c == '-' && hints.prefix_ops.count(t.offset) != 0;
      t.call_paren = c == '(' && hints.call_parens.count(t.offset) != 0;
    }
    t.text = t.kind == TokKind::kComment ? trim_right(p, q) : std::string(p, q);
    toks.push_back(std::move(t));
    newlines = 0;
    line_start = false;
    p = q;
  }
  return toks;
}

}  // namespace gyrate::lang::fmt_detail
