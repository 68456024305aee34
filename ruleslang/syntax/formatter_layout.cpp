// The canonical layout (docs/language.md, "Canonical layout"): statements are cut at `;` and
// braces, one per line, indented by 2; short blocks of fields stay on one line and consecutive
// ones are aligned in columns (elastic tabstops, as Go's tabwriter); comments stay where they were.
#include <algorithm>
#include <string_view>

#include "formatter_internal.hpp"

namespace gyrate::lang::fmt_detail {

namespace {

constexpr size_t kMaxWidth = 100;    // a one-line block longer than this is laid out by lines
constexpr int kIndent = 2;
constexpr int kContinuation = 4;     // lines of a statement after a comment inside it

// A statement (its tokens up to `;` or `{`, and a block's entries and `}`) or a comment line.
struct Node {
  std::vector<Tok> head;
  std::vector<Node> body;
  const Tok* close = nullptr;
  bool blank_before = false;

  bool is_comment() const { return head.size() == 1 && head[0].kind == TokKind::kComment; }
  bool is_block() const { return close != nullptr; }
};

bool is(const Tok& t, std::string_view text) {
  return t.kind == TokKind::kSymbol && t.text == text;
}

class TreeBuilder {
 public:
  explicit TreeBuilder(const std::vector<Tok>& toks) : toks_(toks) {}

  // The entries up to the `}` closing the current block (not consumed) or the end.
  std::vector<Node> entries() {
    std::vector<Node> out;
    while (i_ < toks_.size() && !is(toks_[i_], "}")) {
      Node n;
      n.blank_before = toks_[i_].blank_before;
      if (toks_[i_].kind == TokKind::kComment) {
        n.head.push_back(toks_[i_++]);
      } else {
        statement(n);
      }
      out.push_back(std::move(n));
    }
    return out;
  }

 private:
  void statement(Node& n) {
    while (i_ < toks_.size()) {
      const Tok& t = toks_[i_++];
      n.head.push_back(t);
      if (is(t, ";")) return;
      if (is(t, "{")) {
        n.body = entries();
        if (i_ < toks_.size()) n.close = &toks_[i_++];
        return;
      }
    }
  }

  const std::vector<Tok>& toks_;
  size_t i_ = 0;
};

bool space_between(const Tok& a, const Tok& b) {
  if (b.kind == TokKind::kSymbol) {
    static constexpr std::string_view kTight[] = {";", ",", ")", "]", ".", "..", ":"};
    if (std::find(std::begin(kTight), std::end(kTight), b.text) != std::end(kTight)) return false;
    if (b.call_paren) return false;
  }
  if (a.kind == TokKind::kSymbol) {
    if (a.prefix || a.text == "(" || a.text == "[" || a.text == "." || a.text == "..") return false;
  }
  return true;
}

// Tokens of one line, without comments (the caller has checked there are none).
std::string join(const std::vector<Tok>& toks, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to; ++i) {
    if (i > from && space_between(toks[i - 1], toks[i])) s += ' ';
    s += toks[i].text;
  }
  return s;
}

bool has_comment(const std::vector<Tok>& toks) {
  return std::any_of(toks.begin(), toks.end(), [](const Tok& t) {
    return t.kind == TokKind::kComment || !t.trailing.empty();
  });
}

// The cells of a block that fits on one line (`service llm`, `{ unit token;`, ...,
// `quota 1 request; }`), or none when it must be laid out by lines.
std::vector<std::string> one_line_cells(const Node& n, size_t indent) {
  if (!n.is_block() || n.head.front().text == "plan" || has_comment(n.head)) return {};
  std::vector<std::string> cells{join(n.head, 0, n.head.size() - 1)};
  for (const Node& field : n.body) {
    if (field.is_block() || has_comment(field.head)) return {};
    cells.push_back(join(field.head, 0, field.head.size()));
  }
  if (cells.size() == 1) {
    cells.back() += " {}";
  } else {
    cells[1] = "{ " + cells[1];
    cells.back() += " }";
  }
  size_t width = indent + cells.size() - 1;
  for (const std::string& c : cells) width += c.size();
  if (width > kMaxWidth) return {};
  if (!n.close->trailing.empty()) cells.back() += "  " + n.close->trailing;
  return cells;
}

class Printer {
 public:
  std::string take() { return std::move(out_); }

  void entries(const std::vector<Node>& nodes, size_t indent, bool top) {
    std::vector<bool> blank(nodes.size());
    for (size_t i = 1; i < nodes.size(); ++i) blank[i] = nodes[i].blank_before;
    if (top) separate_plans(nodes, blank);
    for (size_t i = 0; i < nodes.size();) {
      if (blank[i]) out_ += '\n';
      if (nodes[i].is_comment()) {
        line(indent, nodes[i].head[0].text);
        ++i;
        continue;
      }
      // A run of one-line blocks of one kind (`service`, `model`, `pack`), with no blank line or
      // comment between them, shares columns.
      std::vector<std::vector<std::string>> run;
      for (size_t j = i; j < nodes.size() && (j == i || !blank[j]) &&
                         !nodes[j].is_comment() && nodes[j].head[0].text == nodes[i].head[0].text;
           ++j) {
        std::vector<std::string> cells = one_line_cells(nodes[j], indent);
        if (cells.empty()) break;
        run.push_back(std::move(cells));
      }
      if (run.empty()) {
        statement(nodes[i], indent);
        ++i;
      } else {
        aligned(run, indent);
        i += run.size();
      }
    }
  }

 private:
  // Every plan is apart from its neighbours by an empty line; the comments right above a plan
  // stay with it.
  static void separate_plans(const std::vector<Node>& nodes, std::vector<bool>& blank) {
    for (size_t p = 0; p < nodes.size(); ++p) {
      if (nodes[p].is_comment() || nodes[p].head.front().text != "plan") continue;
      size_t first = p;
      while (first > 0 && nodes[first - 1].is_comment() && !nodes[first].blank_before) --first;
      if (first > 0) blank[first] = true;
      if (p + 1 < nodes.size()) blank[p + 1] = true;
    }
  }

  void line(size_t indent, const std::string& text) {
    out_.append(indent, ' ');
    out_ += text;
    out_ += '\n';
  }

  // Elastic tabstops: cell k of a line is padded to the widest cell k of the consecutive lines
  // that have a cell after it.
  void aligned(const std::vector<std::vector<std::string>>& rows, size_t indent) {
    std::vector<std::vector<size_t>> width(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) width[r].assign(rows[r].size(), 0);
    for (size_t k = 0;; ++k) {
      bool any = false;
      for (size_t r = 0; r < rows.size();) {
        if (rows[r].size() <= k + 1) {
          ++r;
          continue;
        }
        any = true;
        size_t end = r, w = 0;
        for (; end < rows.size() && rows[end].size() > k + 1; ++end) {
          w = std::max(w, rows[end][k].size());
        }
        for (; r < end; ++r) width[r][k] = w;
      }
      if (!any) break;
    }
    for (size_t r = 0; r < rows.size(); ++r) {
      std::string text;
      for (size_t k = 0; k < rows[r].size(); ++k) {
        text += rows[r][k];
        if (k + 1 < rows[r].size()) text.append(width[r][k] - rows[r][k].size() + 1, ' ');
      }
      line(indent, text);
    }
  }

  void statement(const Node& n, size_t indent) {
    out_.append(indent, ' ');
    bool line_start = false;
    for (size_t i = 0; i < n.head.size(); ++i) {
      const Tok& t = n.head[i];
      if (t.kind == TokKind::kComment) {  // a comment line inside the statement
        if (!line_start) out_ += '\n';
        line(indent + kContinuation, t.text);
        line_start = true;
        continue;
      }
      if (line_start) {
        out_.append(indent + kContinuation, ' ');
      } else if (i > 0 && space_between(n.head[i - 1], t)) {
        out_ += ' ';
      }
      out_ += t.text;
      line_start = false;
      if (!t.trailing.empty()) {
        out_ += "  " + t.trailing;
        if (i + 1 < n.head.size()) {
          out_ += '\n';
          line_start = true;
        }
      }
    }
    if (!line_start) out_ += '\n';
    if (!n.is_block()) return;
    entries(n.body, indent + kIndent, false);
    std::string close = n.close->text;
    if (!n.close->trailing.empty()) close += "  " + n.close->trailing;
    line(indent, close);
  }

  std::string out_;
};

}  // namespace

std::string layout(const std::vector<Tok>& tokens) {
  TreeBuilder builder(tokens);
  const std::vector<Node> nodes = builder.entries();
  Printer printer;
  printer.entries(nodes, 0, true);
  return printer.take();
}

}  // namespace gyrate::lang::fmt_detail
