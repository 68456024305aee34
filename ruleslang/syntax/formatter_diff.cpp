// first_difference: the first hunk where two texts differ, in unified-diff style, for
// `gyratec fmt --check`.
#include <vector>

#include "gyrate/ruleslang/formatter.hpp"

namespace gyrate::lang {

namespace {

constexpr size_t kContext = 2;    // unchanged lines shown before the change
constexpr size_t kSearch = 40;    // how far to look for the texts to agree again
constexpr size_t kMaxShown = 8;   // removed or added lines shown at most

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

std::string_view at(const std::vector<std::string_view>& v, size_t i) {
  return i < v.size() ? v[i] : std::string_view("\x01");  // past the end equals nothing
}

void append_lines(std::string& out, char mark, const std::vector<std::string_view>& v,
                  size_t from, size_t count) {
  for (size_t i = 0; i < count && i < kMaxShown; ++i) {
    out += mark;
    out.append(v[from + i]);
    out += '\n';
  }
  if (count > kMaxShown) out += mark + std::string("...\n");
}

}  // namespace

std::string first_difference(std::string_view before, std::string_view after,
                             const std::string& name) {
  if (before == after) return {};
  const auto a = lines_of(before);
  const auto b = lines_of(after);
  size_t first = 0;
  while (first < a.size() && first < b.size() && a[first] == b[first]) ++first;
  // The smallest removed + added pair after which both texts agree again (or end).
  size_t removed = a.size() - std::min(first, a.size());
  size_t added = b.size() - std::min(first, b.size());
  bool found = false;
  for (size_t total = 1; total <= kSearch && !found; ++total) {
    for (size_t r = 0; r <= total && !found; ++r) {
      const size_t ad = total - r;
      const bool ends = first + r >= a.size() && first + ad >= b.size();
      if (first + r > a.size() || first + ad > b.size()) continue;
      if (ends || at(a, first + r) == at(b, first + ad)) {
        removed = r;
        added = ad;
        found = true;
      }
    }
  }
  const size_t from = first >= kContext ? first - kContext : 0;
  std::string out = "--- " + name + "\n+++ " + name + " (formatted)\n";
  out += "@@ -" + std::to_string(from + 1) + "," + std::to_string(first - from + removed) + " +" +
         std::to_string(from + 1) + "," + std::to_string(first - from + added) + " @@\n";
  append_lines(out, ' ', a, from, first - from);
  append_lines(out, '-', a, first, removed);
  append_lines(out, '+', b, first, added);
  if (removed == 0 && added == 0) out += "(the files differ only in the newline at the end)\n";
  return out;
}

}  // namespace gyrate::lang
