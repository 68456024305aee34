// dump_ast: a stable, indented text form of the syntax tree with line:col ranges, for
// `gyratec --emit=ast` and golden tests.
#include <string>
#include <string_view>

#include "gyrate/ruleslang/dump.hpp"

namespace gyrate::lang {

namespace {

const char* item_kind_text(ast::ItemKind k) {
  switch (k) {
    case ast::ItemKind::kPeriod: return "period";
    case ast::ItemKind::kFee: return "fee";
    case ast::ItemKind::kEligible: return "eligible";
    case ast::ItemKind::kAllowance: return "allowance";
    case ast::ItemKind::kModels: return "models";
    case ast::ItemKind::kWeight: return "weight";
    case ast::ItemKind::kGrant: return "grant";
    case ast::ItemKind::kValidity: return "validity";
    case ast::ItemKind::kThreshold: return "threshold";
    case ast::ItemKind::kOverage: return "overage";
    case ast::ItemKind::kLimit: return "limit";
    case ast::ItemKind::kCapSpend: return "cap_spend";
    case ast::ItemKind::kCapUsage: return "cap_usage";
    case ast::ItemKind::kOnExhaust: return "on_exhaust";
    case ast::ItemKind::kNotify: return "notify";
    case ast::ItemKind::kOrder: return "order";
    case ast::ItemKind::kGrandfather: return "grandfather";
    case ast::ItemKind::kPack: return "pack";
    case ast::ItemKind::kPromo: return "promo";
  }
  return "?";
}

std::string quoted(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

class Dumper {
 public:
  explicit Dumper(const SourceFile& source) : source_(source) {}

  std::string take() { return std::move(out_); }

  void file(const ast::File& f) {
    line(0, "file");
    for (const auto& c : f.currencies) {
      line(1, "currency " + c.name.name + at(c.range));
      line(2, "minor " + c.minor_digits + at(c.minor_range));
    }
    for (const auto& t : f.timezones) line(1, "timezone " + t.offset + at(t.range));
    for (const auto& s : f.services) block(1, "service", s.name, s.range, s.fields);
    for (const auto& m : f.models) block(1, "model", m.name, m.range, m.fields);
    for (const auto& a : f.attributes) {
      line(1, "attribute " + a.name.name + at(a.range));
      ident(2, "type", a.type);
      if (a.currency) ident(2, "currency", *a.currency);
      if (a.default_value) expr(2, "default = ", *a.default_value);
    }
    for (const auto& p : f.plans) plan(p);
  }

 private:
  void line(int indent, const std::string& text) {
    out_.append(static_cast<size_t>(indent) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }

  std::string at(SourceRange r) const {
    const LineColumn b = source_.position(r.begin);
    const LineColumn e = source_.position(r.end);
    return " @" + std::to_string(b.line) + ":" + std::to_string(b.column) + "-" +
           std::to_string(e.line) + ":" + std::to_string(e.column);
  }

  void ident(int indent, const char* label, const ast::Ident& id) {
    line(indent, std::string(label) + " " + id.name + at(id.range));
  }

  void expr(int indent, const std::string& label, const ast::Expr& e) {
    std::string head;
    switch (e.kind) {
      case ast::ExprKind::kNumber:
        head = "number " + e.text;
        if (!e.suffix.empty()) head += " suffix=" + e.suffix;
        break;
      case ast::ExprKind::kString: head = "string " + quoted(e.text); break;
      case ast::ExprKind::kBool: head = "bool " + e.text; break;
      case ast::ExprKind::kDate: head = "date " + e.text; break;
      case ast::ExprKind::kTimeOfDay: head = "time " + e.text; break;
      case ast::ExprKind::kName: head = "name " + e.text; break;
      case ast::ExprKind::kMember: head = "member ." + e.text; break;
      case ast::ExprKind::kCall: head = "call " + e.text; break;
      case ast::ExprKind::kUnary: head = std::string("unary ") + ast::op_spelling(e.op); break;
      case ast::ExprKind::kBinary: head = std::string("binary ") + ast::op_spelling(e.op); break;
      case ast::ExprKind::kIn:
        head = std::string(e.negated_in ? "not in" : "in") + (e.is_range ? " range" : " set");
        break;
      case ast::ExprKind::kIf: head = "if"; break;
    }
    line(indent, label + head + at(e.range));
    for (const ast::Expr& arg : e.args) expr(indent + 1, "", arg);
  }

  void field(int indent, const ast::Field& f) {
    line(indent, "field " + f.key.name + at(f.range));
    if (f.service) ident(indent + 1, "service", *f.service);
    for (const ast::Expr& v : f.values) expr(indent + 1, "", v);
  }

  void block(int indent, const char* kind, const ast::Ident& name, SourceRange r,
             const std::vector<ast::Field>& fields) {
    line(indent, std::string(kind) + " " + name.name + at(r));
    for (const ast::Field& f : fields) field(indent + 1, f);
  }

  void plan(const ast::PlanDecl& p) {
    line(1, "plan " + p.name.name + at(p.range));
    if (p.version) expr(2, "version = ", *p.version);
    if (p.effective) expr(2, "effective = ", *p.effective);
    for (const ast::PlanItem& item : p.items) plan_item(2, item);
  }

  void plan_item(int indent, const ast::PlanItem& it) {
    line(indent, std::string("item ") + item_kind_text(it.kind) + at(it.range));
    const int in = indent + 1;
    if (it.name) ident(in, "name", *it.name);
    if (it.service) ident(in, "service", *it.service);
    if (it.word) ident(in, "word", *it.word);
    if (it.anchor_word) ident(in, "anchor", *it.anchor_word);
    if (it.anchor_value) expr(in, "anchor_value = ", *it.anchor_value);
    if (it.value) expr(in, "value = ", *it.value);
    if (it.per) expr(in, "per = ", *it.per);
    if (it.pooled) line(in, "pooled");
    if (it.per_member) line(in, "per_member");
    if (it.rollover) expr(in, "rollover = ", *it.rollover);
    if (it.rollover_periods) expr(in, "rollover_periods = ", *it.rollover_periods);
    if (it.when) expr(in, "when = ", *it.when);
    if (it.action) {
      std::string text = std::string("action ") + ast::action_spelling(it.action->kind);
      if (!it.action->argument.empty()) text += " " + quoted(it.action->argument);
      line(in, text + at(it.action->range));
    }
    for (const ast::Expr& e : it.list) expr(in, "at = ", e);
    for (const ast::Ident& n : it.names) ident(in, "entry", n);
    for (const ast::Field& f : it.fields) field(in, f);
  }

  const SourceFile& source_;
  std::string out_;
};

}  // namespace

std::string dump_ast(const ast::File& file, const SourceFile& source) {
  Dumper d(source);
  d.file(file);
  return d.take();
}

}  // namespace gyrate::lang
