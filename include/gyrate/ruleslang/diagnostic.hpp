// Diagnostics are data: user mistakes come back as Diagnostic values, rendered in one place.
#pragma once

#include <string>
#include <vector>

#include "gyrate/ruleslang/diagnostic_codes.hpp"
#include "gyrate/ruleslang/source.hpp"

namespace gyrate::lang {

struct DiagnosticNote {
  SourceRange range;
  bool has_range = false;
  std::string message;
};

// code is like E0101, from the table in diagnostic_codes.hpp (listed in docs/language.md).
struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;
  SourceRange range;
  std::string message;
  std::vector<DiagnosticNote> notes;
  std::string fix;  // a hint such as "did you mean `token`?"; empty when none fits
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  // Adds a diagnostic of the code's severity.
  void report(const DiagnosticCode& code, SourceRange r, std::string message, std::string fix = {});
  bool has_errors() const;
  size_t error_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& items() { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

// Renders `file:line:col: error[E0203]: message`, the source line, a caret/range underline,
// notes and the fix hint. The echoed line shows UTF-8 characters as they are; `col` and the
// caret count columns in code points (SourceFile::position counts bytes). Control characters,
// bidirectional controls and bytes that are not UTF-8 are shown as '?'.
std::string render(const Diagnostic& d, const SourceFile& file);
std::string render_all(const Diagnostics& ds, const SourceFile& file);

// Suggests the closest candidate (edit distance) for "did you mean"; empty when nothing is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace gyrate::lang
