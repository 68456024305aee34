// A tariff source file held in memory, with byte-offset ranges and line/column lookup.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/base/status.hpp"

namespace gyrate::lang {

// Half-open byte range [begin, end) into one SourceFile's text.
struct SourceRange {
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct LineColumn {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in bytes
};

class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  LineColumn position(uint32_t offset) const;
  // The text of a 1-based line, without its newline.
  std::string_view line_text(uint32_t line) const;
  std::string_view slice(SourceRange r) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// Reads at most `limit` bytes of a file (a caller refuses a larger file by its size, without
// having read it whole). Errors: kNotFound, kPermissionDenied, kIo (also for a directory).
Expected<SourceFile> read_source_file(const std::string& path, size_t limit);

}  // namespace gyrate::lang
