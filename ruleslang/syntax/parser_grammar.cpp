// The tariff grammar in Boost.Spirit X3. It is scannerless: every token parser (parser_lexer.cpp)
// skips whitespace and comments itself and never consumes trailing trivia, so no X3 skipper or
// character class touches raw bytes, and a failed expectation sits right after the last token.
#include <algorithm>
#include <boost/fusion/include/at_c.hpp>
#include <boost/spirit/home/x3.hpp>
#include <string_view>
#include <type_traits>

#include "gyrate/ruleslang/parser.hpp"
#include "parser_internal.hpp"

namespace gyrate::lang::parse_detail {

namespace {

namespace x3 = boost::spirit::x3;
using ast::ItemKind;
using ast::Op;

struct state_tag;

template <typename Ctx>
ParseState& state_of(const Ctx& ctx) {
  return x3::get<state_tag>(ctx);
}

template <typename T, typename Attr>
void give(T&& value, Attr& attr) {
  if constexpr (!std::is_same_v<std::remove_const_t<Attr>, x3::unused_type>) {
    attr = std::forward<T>(value);
  }
}

// ---- token parsers ----

// A token parser around a matcher of parser_lexer.cpp: `Match(state, first, value)` returns the
// end of the token or nullptr.
template <typename Attribute, typename Match>
struct Token : x3::parser<Token<Attribute, Match>> {
  using attribute_type = Attribute;
  static bool const has_attribute = !std::is_same_v<Attribute, x3::unused_type>;
  constexpr explicit Token(Match m) : match(m) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const&, Ctx const& ctx, RCtx&, Attr& attr) const {
    Attribute value{};
    const char* p = match(state_of(ctx), first, value);
    if (p == nullptr) return false;
    first = p;
    give(std::move(value), attr);
    return true;
  }
  Match match;
};

struct KeywordMatch {
  std::string_view word;
  const char* operator()(const ParseState& s, const char* first, x3::unused_type&) const {
    return match_keyword(s, first, word);
  }
};

struct SymbolMatch {
  std::string_view symbol;
  const char* operator()(const ParseState& s, const char* first, x3::unused_type&) const {
    return match_symbol(s, first, symbol);
  }
};

constexpr Token<x3::unused_type, KeywordMatch> Kw(std::string_view word) {
  return Token<x3::unused_type, KeywordMatch>(KeywordMatch{word});
}
constexpr Token<x3::unused_type, SymbolMatch> Sym(std::string_view symbol) {
  return Token<x3::unused_type, SymbolMatch>(SymbolMatch{symbol});
}

template <NameMode Mode>
struct NameMatch {
  const char* operator()(const ParseState& s, const char* first, ast::Ident& out) const {
    return match_name(s, first, Mode, out);
  }
};

using NodeMatcher = const char* (*)(const ParseState&, const char*, Node&);
using Value = Token<Node, NodeMatcher>;

struct OpSpelling {
  std::string_view symbol;
  Op op;
};
constexpr OpSpelling kAdditiveOps[] = {{"+", Op::kAdd}, {"-", Op::kSub}};
constexpr OpSpelling kMultiplicativeOps[] = {{"*", Op::kMul}, {"/", Op::kDiv}};
constexpr OpSpelling kComparisonOps[] = {{"==", Op::kEq}, {"!=", Op::kNe}, {"<=", Op::kLe},
                                         {">=", Op::kGe}, {"<", Op::kLt},  {">", Op::kGt}};

struct OperatorMatch {
  const OpSpelling* begin;
  const OpSpelling* end;
  const char* operator()(const ParseState& s, const char* first, Op& out) const {
    for (const OpSpelling* o = begin; o != end; ++o) {
      if (const char* p = match_symbol(s, first, o->symbol)) {
        out = o->op;
        return p;
      }
    }
    return nullptr;
  }
};

template <size_t N>
constexpr Token<Op, OperatorMatch> operators(const OpSpelling (&spellings)[N]) {
  return Token<Op, OperatorMatch>(OperatorMatch{spellings, spellings + N});
}

// After a comparison: `a < b < c` gets its own message instead of "expected `;`".
const char* no_chain_match(const ParseState& s, const char* first, x3::unused_type&) {
  if (comparison_follows(s, first)) fail_chained_comparison(s, first);
  return first;
}

const char* end_of_input_match(const ParseState& s, const char* first, x3::unused_type&) {
  return skip_trivia(first, s.end) == s.end ? s.end : nullptr;
}

using CheckMatcher = const char* (*)(const ParseState&, const char*, x3::unused_type&);
using Check = Token<x3::unused_type, CheckMatcher>;

// ---- directives ----

// need(p, e): p must match here; otherwise the parse ends with the message e describes.
template <typename Subject>
struct Need : x3::unary_parser<Subject, Need<Subject>> {
  using base_type = x3::unary_parser<Subject, Need<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr Need(Subject const& s, Expect e) : base_type(s), expect(e) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    if (this->subject.parse(first, last, ctx, rctx, attr)) return true;
    fail_expected(state_of(ctx), first, expect);
  }
  Expect expect;
};

template <typename Subject>
constexpr Need<Subject> need(Subject const& subject, Expect e) {
  return Need<Subject>(subject, e);
}

// guard[p]: one more level of expression recursion. X3 recurses on the machine stack, so the
// depth is bounded here, before `- - - - x` or a long `if` chain can exhaust it.
template <typename Subject>
struct Guard : x3::unary_parser<Subject, Guard<Subject>> {
  using base_type = x3::unary_parser<Subject, Guard<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr explicit Guard(Subject const& s) : base_type(s) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    ParseState& s = state_of(ctx);
    // The outermost expression is level 0; each bracket or prefix operator inside adds one.
    if (s.depth > kMaxNestingDepth) fail_nesting(s, first);
    ++s.depth;
    const bool ok = this->subject.parse(first, last, ctx, rctx, attr);
    --s.depth;  // on a SyntaxError the state is discarded, so no restore is needed there
    return ok;
  }
};

struct GuardGen {
  template <typename Subject>
  constexpr Guard<Subject> operator[](Subject const& subject) const {
    return Guard<Subject>(subject);
  }
};
constexpr GuardGen guard{};

// ---- expectations, in the designer's words ----

constexpr Expect token(const char* what, const char* const* words = nullptr) {
  return Expect{ExpectKind::kToken, what, "", words, ""};
}
constexpr Expect token_fix(const char* what, const char* fix) {
  return Expect{ExpectKind::kToken, what, "", nullptr, fix};
}
constexpr Expect semi(const char* what) {
  return Expect{ExpectKind::kEnd, what, "", nullptr, "add `;`"};
}
constexpr Expect name_of(const char* what, const char* role) {
  return Expect{ExpectKind::kName, what, role, nullptr, ""};
}
constexpr Expect kOperand{ExpectKind::kExprAfter};
constexpr Expect kCloser{ExpectKind::kClose};

constexpr const char* kPeriodWords[] = {"daily", "weekly", "monthly", "annual", "once", nullptr};
constexpr const char* kAllowDeny[] = {"allow", "deny", nullptr};
constexpr const char* kMember[] = {"member", nullptr};
constexpr const char* kActionWords[] = {"terminate", "redirect", "restrict", "block", "charge",
                                        nullptr};
constexpr const char* kGrandfatherWords[] = {"until", "none", "forever", nullptr};
constexpr const char* kAnchorWords[] = {"billing_day", "activation", "day", nullptr};

constexpr Expect kServiceName = name_of("a service name", "a service");
constexpr Expect kActionExpected =
    token("an action (terminate, redirect, restrict, block, charge)", kActionWords);

// Every expectation in this grammar is a Need that throws SyntaxError itself. A bare `>` whose
// right side fails would throw X3's own exception; this handler still turns it into a positioned
// E0101.
struct file_class {
  template <typename It, typename Exception, typename Ctx>
  x3::error_handler_result on_error(It&, It const&, Exception const& x, Ctx const& ctx) const {
    const std::string what = x.which();
    fail_expected(state_of(ctx), x.where(), token(what.c_str()));
  }
};

// ---- AST building (semantic actions) ----

// Boost 1.74's _where(ctx) is the input *after* the match, so its begin is where the match ended.
// Actions that need where something started attach to its first token, whose extent is found
// by scanning back from that end (token parsers never consume trailing trivia).
template <typename Ctx>
uint32_t match_end(Ctx const& ctx) {
  return state_of(ctx).offset(x3::_where(ctx).begin());
}

template <typename Ctx>
SourceRange last_token(Ctx const& ctx) {
  const ParseState& s = state_of(ctx);
  const char* end = x3::_where(ctx).begin();
  const char* p = end;
  if (p > s.begin && is_ident_char(p[-1])) {
    while (p > s.begin && is_ident_char(p[-1])) --p;
  } else if (p > s.begin) {
    --p;
  }
  return s.range(p, end);
}

template <typename Ctx>
ast::Ident last_word(Ctx const& ctx) {
  const SourceRange r = last_token(ctx);
  return ast::Ident{std::string(state_of(ctx).source.slice(r)), r};
}

void check_depth(const Node& n) {
  if (n.depth > kMaxTreeDepth) fail_tree_depth(n.expr.range);
}

// Adds a child to an expression node, keeping its range and depth current.
void adopt(Node& parent, Node&& child) {
  parent.depth = std::max(parent.depth, child.depth + 1);
  parent.expr.range.end = std::max(parent.expr.range.end, child.expr.range.end);
  parent.expr.args.push_back(std::move(child.expr));
  check_depth(parent);
}

Node wrap(ast::ExprKind kind, Op op, uint32_t begin, Node&& first_child) {
  Node n;
  n.expr.kind = kind;
  n.expr.op = op;
  n.expr.range = {begin, first_child.expr.range.end};
  adopt(n, std::move(first_child));
  return n;
}

// Makes `node` the first child of a new node of `kind` that starts where it starts.
void nest(Node& node, ast::ExprKind kind, Op op) {
  Node outer = wrap(kind, op, node.expr.range.begin, std::move(node));
  node = std::move(outer);
}

struct Assign {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    x3::_val(ctx) = std::move(x3::_attr(ctx));
  }
};

// `lhs op rhs` from a (op, rhs) pair; the left operand is what the rule built so far.
struct FoldBinary {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    Node& val = x3::_val(ctx);
    auto& attr = x3::_attr(ctx);
    nest(val, ast::ExprKind::kBinary, boost::fusion::at_c<0>(attr));
    adopt(val, std::move(boost::fusion::at_c<1>(attr)));
  }
};

template <Op O>
struct FoldLogic {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    Node& val = x3::_val(ctx);
    nest(val, ast::ExprKind::kBinary, O);
    adopt(val, std::move(x3::_attr(ctx)));
  }
};

template <Op O>
struct MakeUnary {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    Node& val = x3::_val(ctx);  // MarkStart put the operator's offset there
    val = wrap(ast::ExprKind::kUnary, O, val.expr.range.begin, std::move(x3::_attr(ctx)));
  }
};

template <ast::ExprKind K>
struct Start {  // an `if` or a call: the node the following PushArg actions fill
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    Node& val = x3::_val(ctx);
    val.expr.kind = K;
    if constexpr (K == ast::ExprKind::kIf) val.expr.range = last_token(ctx);
  }
};

struct PushArg {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    adopt(x3::_val(ctx), std::move(x3::_attr(ctx)));
  }
};

struct StartIn {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    Node& val = x3::_val(ctx);
    nest(val, ast::ExprKind::kIn, Op::kNone);
    val.expr.negated_in = x3::_attr(ctx);
  }
};

struct MarkRange {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    x3::_val(ctx).expr.is_range = true;
  }
};

struct MakeMember {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    Node& val = x3::_val(ctx);
    ast::Ident& field = x3::_attr(ctx);
    nest(val, ast::ExprKind::kMember, Op::kNone);
    val.expr.text = std::move(field.name);
    val.expr.range.end = field.range.end;
  }
};

struct NameExpr {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    Node& val = x3::_val(ctx);
    ast::Ident& id = x3::_attr(ctx);
    val = Node{};
    val.expr.kind = ast::ExprKind::kName;
    val.expr.text = std::move(id.name);
    val.expr.range = id.range;
  }
};

// Opening brackets are remembered for "expected `)` to close the parenthesis" and its note.
template <char Closer>
struct OpenBracketAction {
  const char* what;
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ParseState& s = state_of(ctx);
    s.open.push_back(OpenBracket{what, Closer, last_token(ctx).begin});
  }
};

// A parenthesised expression keeps its parentheses in its range.
struct CloseParen {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ParseState& s = state_of(ctx);
    Node& val = x3::_val(ctx);
    if (!s.open.empty()) {
      val.expr.range.begin = s.open.back().offset;
      s.open.pop_back();
    }
    val.expr.range.end = match_end(ctx);
  }
};

struct CloseBracket {  // also extends the node to the closer, as in `[a, b]` or `min(a, b)`
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ParseState& s = state_of(ctx);
    if (!s.open.empty()) s.open.pop_back();
    if constexpr (std::is_same_v<std::decay_t<decltype(x3::_val(ctx))>, Node>) {
      x3::_val(ctx).expr.range.end = match_end(ctx);
    }
  }
};

// ---- declaration and item actions ----

void store(std::optional<ast::Expr>& dst, Node& src) { dst = std::move(src.expr); }
void store(std::vector<ast::Expr>& dst, Node& src) { dst.push_back(std::move(src.expr)); }
void store(std::optional<ast::Ident>& dst, ast::Ident& src) { dst = std::move(src); }
void store(ast::Ident& dst, ast::Ident& src) { dst = std::move(src); }
void store(std::vector<ast::Ident>& dst, ast::Ident& src) { dst.push_back(std::move(src)); }
void store(std::optional<ast::Action>& dst, ast::Action& src) { dst = std::move(src); }

template <auto Member>
struct Set {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    store(x3::_val(ctx).*Member, x3::_attr(ctx));
  }
};

// Appends a finished declaration, item or field; its range began at its first token (MarkStart,
// Begin, FieldKey) and ends here.
template <auto Member>
struct Push {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    auto& item = x3::_attr(ctx);
    item.range.end = match_end(ctx);
    (x3::_val(ctx).*Member).push_back(std::move(item));
  }
};

struct MarkStart {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    auto& val = x3::_val(ctx);
    if constexpr (std::is_same_v<std::decay_t<decltype(val)>, Node>) {
      val.expr.range.begin = last_token(ctx).begin;
    } else {
      val.range.begin = last_token(ctx).begin;
    }
  }
};

template <auto Member>
struct SetWord {  // a keyword or fixed word (`allow`, `until`, `billing_day`) as an Ident
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    x3::_val(ctx).*Member = last_word(ctx);
  }
};

template <auto Member>
struct SetFlag {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    x3::_val(ctx).*Member = true;
  }
};

template <ItemKind K>
struct Begin {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ast::PlanItem& item = x3::_val(ctx);
    item.kind = K;
    item.keyword_range = last_token(ctx);
    item.range.begin = item.keyword_range.begin;
  }
};

template <ItemKind K>
struct SetKind {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    x3::_val(ctx).kind = K;
  }
};

struct SetAnchorDate {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ast::PlanItem& item = x3::_val(ctx);
    Node& value = x3::_attr(ctx);
    item.anchor_word = ast::Ident{"date", value.expr.range};
    item.anchor_value = std::move(value.expr);
  }
};

template <ast::ActionKind K>
struct SetAction {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ast::Action& action = x3::_val(ctx);
    action.kind = K;
    action.range = last_token(ctx);
  }
};

struct SetActionArgument {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ast::Action& action = x3::_val(ctx);
    Node& value = x3::_attr(ctx);
    action.argument = std::move(value.expr.text);
    action.range.end = value.expr.range.end;
  }
};

std::string block_label(const ast::PlanDecl& d) { return "plan `" + d.name.name + "`"; }
std::string block_label(const ast::ServiceDecl& d) { return "service `" + d.name.name + "`"; }
std::string block_label(const ast::ModelDecl& d) { return "model `" + d.name.name + "`"; }
std::string block_label(const ast::PlanItem& d) {
  return std::string(d.kind == ItemKind::kPack ? "pack" : "promo") + " `" +
         (d.name ? d.name->name : std::string()) + "`";
}

struct OpenBlock {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    const SourceRange brace = last_token(ctx);
    state_of(ctx).open.push_back(OpenBracket{block_label(x3::_val(ctx)), '}', brace.begin});
  }
};

struct FieldKey {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ast::Field& field = x3::_val(ctx);
    field.key = std::move(x3::_attr(ctx));
    field.range.begin = field.key.range.begin;
    state_of(ctx).field_key = field.key.name;
  }
};

struct GrantKey {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ast::Field& field = x3::_val(ctx);
    field.key = last_word(ctx);
    field.range.begin = field.key.range.begin;
    state_of(ctx).field_key = "grant";
  }
};

struct SetMinor {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ast::CurrencyDecl& d = x3::_val(ctx);
    Node& digits = x3::_attr(ctx);
    d.minor_digits = std::move(digits.expr.text);
    d.minor_range = digits.expr.range;
  }
};

struct SetOffset {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    x3::_val(ctx).offset = std::move(x3::_attr(ctx).offset);
  }
};

// `attribute budget: money CNY`: only `money` takes a currency; anything else fails this optional
// part, so `int CNY` reports the `;` that is missing after the type.
struct SetCurrencyIfMoney {
  template <typename Ctx>
  void operator()(Ctx const& ctx) const {
    ast::AttributeDecl& d = x3::_val(ctx);
    if (d.type.name != "money") {
      x3::_pass(ctx) = false;
      return;
    }
    d.currency = std::move(x3::_attr(ctx));
  }
};

// ---- tokens ----

const auto semicolon = Sym(";");
const auto comma = Sym(",");
const auto lparen = Sym("(");
const auto rparen = Sym(")");
const auto lbracket = Sym("[");
const auto rbracket = Sym("]");
const auto lbrace = Sym("{");
const auto rbrace = Sym("}");
const auto dot = Sym(".");
const auto dotdot = Sym("..");
const auto minus = Sym("-");
const auto equals = Sym("=");
const auto colon = Sym(":");

const Token<ast::Ident, NameMatch<NameMode::kPlain>> name{{}};
const Token<ast::Ident, NameMatch<NameMode::kAnyWord>> word{{}};
const Token<ast::Ident, NameMatch<NameMode::kExpression>> expr_name{{}};
const Value literal(match_literal);
const Value integer(match_integer);
const Value date(match_date);
const Value string_literal(match_string);
const auto additive_op = operators(kAdditiveOps);
const auto multiplicative_op = operators(kMultiplicativeOps);
const auto comparison_op = operators(kComparisonOps);
const Token<bool, decltype(&match_in_operator)> in_op(match_in_operator);
const Check no_chain(no_chain_match);
const Check end_of_input(end_of_input_match);
const Token<ast::TimezoneDecl, decltype(&match_utc_offset)> utc_offset(match_utc_offset);
const Token<ast::Ident, decltype(&match_period_word)> period_word(match_period_word);

// `p, p, ...` with each element handed to `act`; an element must follow every comma.
template <typename P, typename Act>
auto comma_list(P const& p, Act act, Expect after_comma) {
  return p[act] >> *(comma > need(p, after_comma)[act]);
}

// ---- expression rules ----

x3::rule<struct expr_class, Node> const expr = "expression";
x3::rule<struct if_class, Node> const if_expr = "if expression";
x3::rule<struct or_class, Node> const or_expr = "expression";
x3::rule<struct and_class, Node> const and_expr = "expression";
x3::rule<struct not_class, Node> const not_expr = "expression";
x3::rule<struct cmp_class, Node> const cmp_expr = "expression";
x3::rule<struct add_class, Node> const add_expr = "expression";
x3::rule<struct mul_class, Node> const mul_expr = "expression";
x3::rule<struct unary_class, Node> const unary_expr = "expression";
x3::rule<struct postfix_class, Node> const postfix_expr = "expression";
x3::rule<struct primary_class, Node> const primary = "expression";

constexpr Expect kThen = token("`then` after the condition of `if`");
constexpr Expect kElse =
    token_fix("`else` after the `then` branch", "every `if` needs an `else` branch");
constexpr Expect kInOperand = token("a list `[...]` or a range `lo..hi` after `in`");
constexpr Expect kRangeDots = token("`..` and the end of the range");
constexpr Expect kFieldName = token("a field name after `.`");

auto const expr_def = guard[if_expr | or_expr];

auto const if_expr_def = Kw("if")[Start<ast::ExprKind::kIf>()]
    > need(expr, kOperand)[PushArg()]
    > need(Kw("then"), kThen) > need(expr, kOperand)[PushArg()]
    > need(Kw("else"), kElse) > need(expr, kOperand)[PushArg()];

auto const or_expr_def = and_expr[Assign()]
    >> *((Kw("or") > need(and_expr, kOperand))[FoldLogic<Op::kOr>()]);
auto const and_expr_def = not_expr[Assign()]
    >> *((Kw("and") > need(not_expr, kOperand))[FoldLogic<Op::kAnd>()]);
auto const not_expr_def =
    (Kw("not")[MarkStart()] > need(guard[not_expr], kOperand))[MakeUnary<Op::kNot>()]
    | cmp_expr[Assign()];

auto const in_list = lbracket[OpenBracketAction<']'>{"the list"}]
    > -comma_list(expr, PushArg(), kOperand)
    > need(rbracket, kCloser)[CloseBracket()];
auto const in_range = add_expr[PushArg()]
    > need(dotdot, kRangeDots)[MarkRange()] > need(add_expr, kOperand)[PushArg()];
auto const comparison = (comparison_op > need(add_expr, kOperand))[FoldBinary()]
    | (in_op[StartIn()] > need(in_list | in_range, kInOperand));

auto const cmp_expr_def = add_expr[Assign()] >> -(comparison >> no_chain);
auto const add_expr_def = mul_expr[Assign()]
    >> *((additive_op > need(mul_expr, kOperand))[FoldBinary()]);
auto const mul_expr_def = unary_expr[Assign()]
    >> *((multiplicative_op > need(unary_expr, kOperand))[FoldBinary()]);
auto const unary_expr_def =
    (minus[MarkStart()] > need(guard[unary_expr], kOperand))[MakeUnary<Op::kNeg>()]
    | postfix_expr[Assign()];
auto const postfix_expr_def =
    primary[Assign()] >> *((dot > need(word, kFieldName))[MakeMember()]);

auto const call_args =
    lparen[Start<ast::ExprKind::kCall>()][OpenBracketAction<')'>{"the argument list"}]
    > -comma_list(expr, PushArg(), kOperand)
    > need(rparen, kCloser)[CloseBracket()];
auto const parenthesised = lparen[OpenBracketAction<')'>{"the parenthesis"}]
    > need(expr, kOperand)[Assign()] > need(rparen, kCloser)[CloseParen()];

auto const primary_def =
    literal[Assign()] | parenthesised | (expr_name[NameExpr()] >> -call_args);

BOOST_SPIRIT_DEFINE(expr, if_expr, or_expr, and_expr, not_expr, cmp_expr, add_expr, mul_expr,
                    unary_expr, postfix_expr, primary)

// ---- plan items ----

x3::rule<struct action_class, ast::Action> const action = "action";
x3::rule<struct field_class, ast::Field> const field = "field";
x3::rule<struct plan_item_class, ast::PlanItem> const plan_item = "plan item";
x3::rule<struct period_class, ast::PlanItem> const period_item = "period";
x3::rule<struct fee_class, ast::PlanItem> const fee_item = "fee";
x3::rule<struct eligible_class, ast::PlanItem> const eligible_item = "eligible";
x3::rule<struct allowance_class, ast::PlanItem> const allowance_item = "allowance";
x3::rule<struct models_class, ast::PlanItem> const models_item = "models";
x3::rule<struct assign_class, ast::PlanItem> const assign_item = "rule";
x3::rule<struct overage_class, ast::PlanItem> const overage_item = "overage";
x3::rule<struct limit_class, ast::PlanItem> const limit_item = "limit";
x3::rule<struct cap_class, ast::PlanItem> const cap_item = "cap";
x3::rule<struct exhaust_class, ast::PlanItem> const exhaust_item = "on_exhaust";
x3::rule<struct notify_class, ast::PlanItem> const notify_item = "notify";
x3::rule<struct order_class, ast::PlanItem> const order_item = "order";
x3::rule<struct grandfather_class, ast::PlanItem> const grandfather_item = "grandfather";
x3::rule<struct bucket_class, ast::PlanItem> const bucket_item = "pack or promo";

using PI = ast::PlanItem;
using ast::ActionKind;

constexpr Expect kUrl = token("the redirect URL as a string after `redirect`");
constexpr Expect kFilter = token("a filter id as a string after `restrict`");
constexpr Expect kPeriodKind =
    token("a period (daily, weekly, monthly, annual, once) after `period`", kPeriodWords);
constexpr Expect kAnchor =
    token("an anchor (billing_day, activation, day N or a date) after `anchor`", kAnchorWords);
constexpr Expect kEligibleWhen = token("`when` and a condition in the eligibility rule");
constexpr Expect kPeriods = token("`periods` after the number of periods");  // or `period`
constexpr Expect kAllowOrDeny = token("`allow` or `deny` after the service name", kAllowDeny);
constexpr Expect kModelList = token("`[` and a list of model names");
constexpr Expect kModelName = name_of("a model name after `,`", "a model");
constexpr Expect kEquals = token("`=` after the service name");
constexpr Expect kOveragePer = token("`per` and the block size after the price");
constexpr Expect kLimitPer = token("`per` and the window after the limit");
constexpr Expect kCapThen = token("`then` and an action after the cap");
constexpr Expect kPerMember = token("`member` after `per`", kMember);
constexpr Expect kCapTarget = name_of("`spend` or a service name after `cap`", "a service");
constexpr Expect kNotifyAt = token("`at` and the thresholds after the service name");
constexpr Expect kOrderList = token("`[` and the buckets in consumption order");
constexpr Expect kBucketName = token("a bucket name after `,`");
constexpr Expect kGrandfather =
    token("`until DATE`, `none` or `forever` after `grandfather`", kGrandfatherWords);
constexpr Expect kBlockOpen = token("`{` and the fields");

auto const when_guard = -(Kw("when") > need(expr, kOperand)[Set<&PI::when>()]);
auto const service_of = need(name, kServiceName)[Set<&PI::service>()];

auto const action_def = Kw("terminate")[SetAction<ActionKind::kTerminate>()]
    | Kw("block")[SetAction<ActionKind::kBlock>()]
    | Kw("charge")[SetAction<ActionKind::kCharge>()]
    | (Kw("redirect")[SetAction<ActionKind::kRedirect>()]
       > need(string_literal, kUrl)[SetActionArgument()])
    | (Kw("restrict")[SetAction<ActionKind::kRestrict>()]
       > need(string_literal, kFilter)[SetActionArgument()]);

auto const anchor = (Kw("billing_day") | Kw("activation"))[SetWord<&PI::anchor_word>()]
    | (Kw("day")[SetWord<&PI::anchor_word>()] > need(expr, kOperand)[Set<&PI::anchor_value>()])
    | expr[SetAnchorDate()];

auto const period_item_def = Kw("period")[Begin<ItemKind::kPeriod>()]
    > need(period_word, kPeriodKind)[Set<&PI::word>()]
    > -(Kw("anchor") > need(anchor, kAnchor))
    > need(semicolon, semi("`;` after the period"));

auto const fee_item_def = Kw("fee")[Begin<ItemKind::kFee>()]
    > need(expr, kOperand)[Set<&PI::value>()] > when_guard
    > need(semicolon, semi("`;` after the fee"));

auto const eligible_item_def = Kw("eligible")[Begin<ItemKind::kEligible>()]
    > -name[Set<&PI::service>()]
    > need(Kw("when"), kEligibleWhen) > need(expr, kOperand)[Set<&PI::when>()]
    > need(semicolon, semi("`;` after the eligibility rule"));

auto const rollover = Kw("rollover") > need(expr, kOperand)[Set<&PI::rollover>()]
    > -(Kw("for") > need(expr, kOperand)[Set<&PI::rollover_periods>()]
        > need(Kw("periods") | Kw("period"), kPeriods));  // `for 1 period`, `for 2 periods`
auto const allowance_item_def = Kw("allowance")[Begin<ItemKind::kAllowance>()] > service_of
    > need(expr, kOperand)[Set<&PI::value>()]
    > -Kw("pooled")[SetFlag<&PI::pooled>()] > -rollover
    > need(semicolon, semi("`;` after the allowance"));

auto const models_item_def = Kw("models")[Begin<ItemKind::kModels>()] > service_of
    > need(Kw("allow") | Kw("deny"), kAllowOrDeny)[SetWord<&PI::word>()]
    > need(lbracket, kModelList)[OpenBracketAction<']'>{"the model list"}]
    > -comma_list(name, Set<&PI::names>(), kModelName)
    > need(rbracket, kCloser)[CloseBracket()]
    > need(semicolon, semi("`;` after the model list"));

// weight | grant | validity | threshold <svc> = <expr> [when <expr>];
template <ItemKind K>
auto assignment(std::string_view keyword, Expect end) {
  return Kw(keyword)[Begin<K>()] > service_of > need(equals, kEquals)
      > need(expr, kOperand)[Set<&PI::value>()] > when_guard > need(semicolon, end);
}

auto const assign_item_def =
    assignment<ItemKind::kWeight>("weight", semi("`;` after the weight rule"))
    | assignment<ItemKind::kGrant>("grant", semi("`;` after the grant rule"))
    | assignment<ItemKind::kValidity>("validity", semi("`;` after the validity rule"))
    | assignment<ItemKind::kThreshold>("threshold", semi("`;` after the threshold rule"));

auto const overage_item_def = Kw("overage")[Begin<ItemKind::kOverage>()] > service_of
    > need(expr, kOperand)[Set<&PI::value>()]
    > need(Kw("per"), kOveragePer) > need(expr, kOperand)[Set<&PI::per>()] > when_guard
    > need(semicolon, semi("`;` after the overage price"));

auto const limit_item_def = Kw("limit")[Begin<ItemKind::kLimit>()] > service_of
    > need(expr, kOperand)[Set<&PI::value>()]
    > need(Kw("per"), kLimitPer) > need(expr, kOperand)[Set<&PI::per>()]
    > need(semicolon, semi("`;` after the limit"));

auto const cap_then =
    need(Kw("then"), kCapThen) > need(action, kActionExpected)[Set<&PI::action>()];
auto const cap_spend = Kw("spend")[SetKind<ItemKind::kCapSpend>()]
    > need(expr, kOperand)[Set<&PI::value>()] > cap_then;
auto const cap_usage = name[Set<&PI::service>()] > need(expr, kOperand)[Set<&PI::value>()]
    > -(Kw("per") > need(Kw("member"), kPerMember)[SetFlag<&PI::per_member>()]) > cap_then;
auto const cap_item_def = Kw("cap")[Begin<ItemKind::kCapUsage>()]
    > need(cap_spend | cap_usage, kCapTarget)
    > need(semicolon, semi("`;` after the cap"));

auto const exhaust_item_def = Kw("on_exhaust")[Begin<ItemKind::kOnExhaust>()] > service_of
    > need(action, kActionExpected)[Set<&PI::action>()] > when_guard
    > need(semicolon, semi("`;` after the exhaust action"));

auto const notify_item_def = Kw("notify")[Begin<ItemKind::kNotify>()] > service_of
    > need(Kw("at"), kNotifyAt)
    > need(comma_list(expr, Set<&PI::list>(), kOperand), kOperand)
    > need(semicolon, semi("`;` after the notification thresholds"));

auto const order_item_def = Kw("order")[Begin<ItemKind::kOrder>()] > service_of
    > need(lbracket, kOrderList)[OpenBracketAction<']'>{"the order list"}]
    > -comma_list(word, Set<&PI::names>(), kBucketName)
    > need(rbracket, kCloser)[CloseBracket()]
    > need(semicolon, semi("`;` after the order list"));

auto const grandfather_item_def = Kw("grandfather")[Begin<ItemKind::kGrandfather>()]
    > need((Kw("until")[SetWord<&PI::word>()] > need(expr, kOperand)[Set<&PI::value>()])
               | (Kw("none") | Kw("forever"))[SetWord<&PI::word>()],
           kGrandfather)
    > need(semicolon, semi("`;` after the grandfather clause"));

// A field: `key value, ...;` or `key [a, b];`; `grant` names its service first.
using FD = ast::Field;
auto const field_values =
    (lbracket[OpenBracketAction<']'>{"the list"}]
     > -comma_list(expr, Set<&FD::values>(), kOperand)
     > need(rbracket, kCloser)[CloseBracket()])
    | need(comma_list(expr, Set<&FD::values>(), kOperand), Expect{ExpectKind::kFieldValue});
auto const field_key =
    (Kw("grant")[GrantKey()] > need(name, kServiceName)[Set<&FD::service>()]) | word[FieldKey()];
auto const field_def =
    field_key > field_values > need(semicolon, Expect{ExpectKind::kFieldEnd});

template <auto Fields>
auto block_body() {
  return need(lbrace, kBlockOpen)[OpenBlock()] > *(field[Push<Fields>()])
      > need(rbrace, Expect{ExpectKind::kField})[CloseBracket()];
}

template <ItemKind K>
auto bucket(std::string_view keyword, Expect name_expected) {
  return Kw(keyword)[Begin<K>()] > need(name, name_expected)[Set<&PI::name>()]
      > block_body<&PI::fields>();
}

auto const bucket_item_def =
    bucket<ItemKind::kPack>("pack", name_of("a pack name after `pack`", "a pack"))
    | bucket<ItemKind::kPromo>("promo", name_of("a promo name after `promo`", "a promo"));

auto const plan_item_def = period_item | fee_item | eligible_item | allowance_item | models_item
    | assign_item | overage_item | limit_item | cap_item | exhaust_item | notify_item | order_item
    | grandfather_item | bucket_item;

BOOST_SPIRIT_DEFINE(action, field, plan_item, period_item, fee_item, eligible_item,
                    allowance_item, models_item, assign_item, overage_item, limit_item, cap_item,
                    exhaust_item, notify_item, order_item, grandfather_item, bucket_item)

// ---- declarations ----

x3::rule<file_class, ast::File> const file = "file";
x3::rule<struct currency_class, ast::CurrencyDecl> const currency_decl = "currency";
x3::rule<struct timezone_class, ast::TimezoneDecl> const timezone_decl = "timezone";
x3::rule<struct service_class, ast::ServiceDecl> const service_decl = "service";
x3::rule<struct model_class, ast::ModelDecl> const model_decl = "model";
x3::rule<struct attribute_class, ast::AttributeDecl> const attribute_decl = "attribute";
x3::rule<struct plan_class, ast::PlanDecl> const plan_decl = "plan";

using AD = ast::AttributeDecl;
using PD = ast::PlanDecl;
using FL = ast::File;

constexpr Expect kCurrencyCode = name_of("a currency code after `currency`", "a currency");
constexpr Expect kMinor = token("`minor` and the number of minor digits");
constexpr Expect kMinorDigits = token("the number of minor digits after `minor`");
constexpr Expect kUtcOffset = token("a UTC offset such as `+08:00` after `timezone`");
constexpr Expect kServiceDeclName = name_of("a service name after `service`", "a service");
constexpr Expect kModelDeclName = name_of("a model name after `model`", "a model");
constexpr Expect kAttributeName = name_of("an attribute name after `attribute`", "an attribute");
constexpr Expect kColon = token("`:` and a type after the attribute name");
constexpr Expect kType = token("a type (int, bool, string, date, money or a unit) after `:`");
constexpr Expect kPlanName = name_of("a plan name after `plan`", "a plan");
constexpr Expect kVersion = token("a version number after `version`");
constexpr Expect kEffective = token("a date such as `2026-07-01` after `effective`");
constexpr Expect kPlanOpen = token("`{` and the plan's items");

auto const currency_decl_def = Kw("currency")[MarkStart()]
    > need(name, kCurrencyCode)[Set<&ast::CurrencyDecl::name>()]
    > need(Kw("minor"), kMinor) > need(integer, kMinorDigits)[SetMinor()]
    > need(semicolon, semi("`;` after the currency declaration"));

auto const timezone_decl_def = Kw("timezone")[MarkStart()]
    > need(utc_offset, kUtcOffset)[SetOffset()]
    > need(semicolon, semi("`;` after the timezone"));

auto const service_decl_def = Kw("service")[MarkStart()]
    > need(name, kServiceDeclName)[Set<&ast::ServiceDecl::name>()]
    > block_body<&ast::ServiceDecl::fields>();

auto const model_decl_def = Kw("model")[MarkStart()]
    > need(name, kModelDeclName)[Set<&ast::ModelDecl::name>()]
    > block_body<&ast::ModelDecl::fields>();

auto const attribute_decl_def = Kw("attribute")[MarkStart()]
    > need(name, kAttributeName)[Set<&AD::name>()]
    > need(colon, kColon) > need(name, kType)[Set<&AD::type>()]
    > -name[SetCurrencyIfMoney()]
    > -(equals > need(expr, kOperand)[Set<&AD::default_value>()])
    > need(semicolon, semi("`;` after the attribute declaration"));

auto const plan_decl_def = Kw("plan")[MarkStart()]
    > need(name, kPlanName)[Set<&PD::name>()]
    > -(Kw("version") > need(integer, kVersion)[Set<&PD::version>()])
    > -(Kw("effective") > need(date, kEffective)[Set<&PD::effective>()])
    > need(lbrace, kPlanOpen)[OpenBlock()]
    > *(plan_item[Push<&PD::items>()])
    > need(rbrace, Expect{ExpectKind::kPlanItem})[CloseBracket()];

auto const declaration = currency_decl[Push<&FL::currencies>()]
    | timezone_decl[Push<&FL::timezones>()] | service_decl[Push<&FL::services>()]
    | model_decl[Push<&FL::models>()] | attribute_decl[Push<&FL::attributes>()]
    | plan_decl[Push<&FL::plans>()];
auto const file_def = *declaration > need(end_of_input, Expect{ExpectKind::kDecl});

BOOST_SPIRIT_DEFINE(file, currency_decl, timezone_decl, service_decl, model_decl, attribute_decl,
                    plan_decl)

}  // namespace

ast::File parse_file(ParseState& state) {
  ast::File result;
  const char* first = state.begin;
  if (!x3::parse(first, state.end, x3::with<state_tag>(state)[file], result)) {
    fail_expected(state, first, Expect{ExpectKind::kDecl});
  }
  return result;
}

}  // namespace gyrate::lang::parse_detail
