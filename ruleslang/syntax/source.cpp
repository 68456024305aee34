// SourceFile: the text of one tariff file with a line index for offset -> line/column lookups.
#include "gyrate/ruleslang/source.hpp"

#include <algorithm>
#include <limits>

namespace gyrate::lang {

namespace {

// Offsets are uint32_t everywhere; a text beyond that is rejected by the parser (E0105) long
// before, but the index must still not wrap around if someone builds such a SourceFile.
uint32_t clamp_offset(size_t n) {
  return static_cast<uint32_t>(std::min<size_t>(n, std::numeric_limits<uint32_t>::max()));
}

}  // namespace

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  const size_t size = std::min<size_t>(text_.size(), std::numeric_limits<uint32_t>::max());
  for (size_t i = 0; i < size; ++i) {
    if (text_[i] == '\n') line_starts_.push_back(clamp_offset(i + 1));
  }
}

LineColumn SourceFile::position(uint32_t offset) const {
  offset = std::min(offset, clamp_offset(text_.size()));
  // The last line start <= offset; line_starts_[0] == 0 so the search never falls off the front.
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line_index = static_cast<uint32_t>(it - line_starts_.begin() - 1);
  return LineColumn{line_index + 1, offset - line_starts_[line_index] + 1};
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const size_t begin = line_starts_[line - 1];
  size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;  // CRLF files: the CR is not shown
  return std::string_view(text_).substr(begin, end - begin);
}

std::string_view SourceFile::slice(SourceRange r) const {
  const size_t size = text_.size();
  const size_t begin = std::min<size_t>(r.begin, size);
  const size_t end = std::clamp<size_t>(r.end, begin, size);
  return std::string_view(text_).substr(begin, end - begin);
}

}  // namespace gyrate::lang
