// Diagnostics: collecting them, rendering them against the source (clang/rustc style), and
// the "did you mean" suggestion shared by the parser and the checker.
#include "gyrate/ruleslang/diagnostic.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "utf8.hpp"

namespace gyrate::lang {

namespace {

// Lines longer than this are echoed as a window around the caret, so a 4 MiB one-line file
// (or binary garbage) does not produce a 4 MiB diagnostic.
constexpr size_t kMaxEchoedColumns = 120;
constexpr size_t kWindowLeadColumns = 40;  // context kept left of the caret in a window
constexpr int kMinGutterWidth = 4;

const char* severity_word(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

// Characters that would reorder or hide text in a terminal (bidirectional overrides, C1
// controls) are shown as '?' like control bytes: the echo must show what the parser saw.
bool hides_text(uint32_t cp) {
  return cp < 0xa0 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

// One column of the echoed line starts at line[i]: a code point, shown as itself when it is
// printable UTF-8, else as one '?' (a tab as one space), so that every column is one character
// and the caret lines up. Returns the index of the next column.
size_t next_column(std::string_view line, size_t i, std::string_view* shown) {
  const auto c = static_cast<unsigned char>(line[i]);
  if (c < 0x80) {
    *shown = c == '\t' ? " " : (c < 0x20 || c == 0x7f ? "?" : line.substr(i, 1));
    return i + 1;
  }
  uint32_t cp = 0;
  const size_t len = decode_utf8(line, i, cp);
  if (len == 0 || hides_text(cp)) {
    *shown = "?";
    return i + (len == 0 ? 1 : len);
  }
  *shown = line.substr(i, len);
  return i + len;
}

// The column (0-based) of the code point holding byte `byte` of the line; the line's column
// count when `byte` is at its end or beyond. Counting, not storing: a line may be 4 MiB long.
size_t column_of(std::string_view line, size_t byte) {
  std::string_view shown;
  size_t column = 0;
  for (size_t i = 0; i < line.size(); ++column) {
    const size_t next = next_column(line, i, &shown);
    if (byte < next) return column;
    i = next;
  }
  return column;
}

// `file:line:col: `, the column counted in characters like the caret under the echoed line.
void append_location(std::string& out, const SourceFile& file, uint32_t offset) {
  const LineColumn lc = file.position(offset);
  out += file.name();
  out += ':';
  out += std::to_string(lc.line);
  out += ':';
  out += std::to_string(column_of(file.line_text(lc.line), lc.column - 1) + 1);
  out += ": ";
}

// The source line with a gutter and the `^~~~` underline of the part of `r` on that line.
// Positions are columns (code points), so the caret sits under the right character of a UTF-8
// line.
void append_snippet(std::string& out, const SourceFile& file, SourceRange r) {
  const LineColumn begin = file.position(r.begin);
  const std::string_view line = file.line_text(begin.line);
  const size_t columns = column_of(line, line.size());
  const size_t start = column_of(line, begin.column - 1);
  size_t length = 1;
  if (r.end > r.begin) {
    const LineColumn end = file.position(r.end);
    const size_t stop =
        end.line == begin.line ? column_of(line, end.column - 1) : columns;
    length = std::max<size_t>(1, stop > start ? stop - start : 1);
  }

  size_t window_begin = 0;
  size_t window_end = columns;
  if (columns > kMaxEchoedColumns) {
    window_begin = start > kWindowLeadColumns ? start - kWindowLeadColumns : 0;
    window_begin = std::min(window_begin, columns - kMaxEchoedColumns);
    window_end = window_begin + kMaxEchoedColumns;
  }
  const bool cut_left = window_begin > 0;
  const bool cut_right = window_end < columns;

  const std::string number = std::to_string(begin.line);
  const size_t width = std::max<size_t>(kMinGutterWidth, number.size());
  out.append(width - number.size(), ' ');
  out += number;
  out += " | ";
  if (cut_left) out += "...";
  std::string_view shown;
  for (size_t i = 0, column = 0; i < line.size() && column < window_end; ++column) {
    i = next_column(line, i, &shown);
    if (column >= window_begin) out += shown;
  }
  if (cut_right) out += "...";
  out += '\n';

  out.append(width, ' ');
  out += " | ";
  // The caret may sit one past the end of the line (a missing `;` at the end of a line or at
  // the end of the file); keep it inside what is shown when the line was cut.
  const size_t caret = std::min(start, window_end) - window_begin + (cut_left ? 3 : 0);
  const size_t visible = start < window_end ? std::min(length, window_end - start) : 1;
  out.append(caret, ' ');
  out += '^';
  out.append(visible - 1, '~');
  out += '\n';
}

void append_entry(std::string& out, const SourceFile& file, SourceRange r, std::string_view label,
                  std::string_view message) {
  append_location(out, file, r.begin);
  out += label;
  out += ": ";
  out += message;
  out += '\n';
  append_snippet(out, file, r);
}

std::string plural(size_t n, const char* word) {
  std::string s = std::to_string(n) + " " + word;
  if (n != 1) s += 's';
  return s;
}

char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return fold(x) == fold(y); });
}

// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("alowance",
// "allowacne" are both one edit away from "allowance").
size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace

void Diagnostics::report(const DiagnosticCode& code, SourceRange r, std::string message,
                         std::string fix) {
  add(Diagnostic{code.severity, std::string(code.code), r, std::move(message), {}, std::move(fix)});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  }));
}

std::string render(const Diagnostic& d, const SourceFile& file) {
  std::string label = severity_word(d.severity);
  if (!d.code.empty()) label += "[" + d.code + "]";
  std::string out;
  append_entry(out, file, d.range, label, d.message);
  for (const DiagnosticNote& note : d.notes) {
    if (note.has_range) {
      append_entry(out, file, note.range, "note", note.message);
    } else {
      out += "note: " + note.message + "\n";
    }
  }
  if (!d.fix.empty()) out += "help: " + d.fix + "\n";
  return out;
}

std::string render_all(const Diagnostics& ds, const SourceFile& file) {
  std::string out;
  size_t errors = 0;
  size_t warnings = 0;
  for (const Diagnostic& d : ds.items()) {
    if (!out.empty()) out += '\n';
    out += render(d, file);
    errors += d.severity == Severity::kError ? 1 : 0;
    warnings += d.severity == Severity::kWarning ? 1 : 0;
  }
  if (errors + warnings > 0) {
    std::string summary;
    if (errors > 0) summary = plural(errors, "error");
    if (warnings > 0) summary += (summary.empty() ? "" : ", ") + plural(warnings, "warning");
    out += summary + " generated.\n";
  }
  return out;
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty()) return {};
  const size_t limit = std::max<size_t>(1, word.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    if (c == word) continue;  // suggesting the word itself helps nobody
    // A difference in case only (`cny` for `CNY`) counts as one edit, whatever the length.
    const size_t d = equal_ignoring_case(c, word) ? 1 : edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace gyrate::lang
