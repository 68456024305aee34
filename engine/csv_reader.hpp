// CsvReader: RFC 4180 records from text, with the line each starts on, for provisioning files.
// Quoted fields may hold commas, doubled quotes and line breaks; CRLF and LF both end a record;
// blank lines and lines whose first non-blank character is '#' are skipped (quote a
// first field that starts with '#').
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gyrate::engine {

struct CsvRecord {
  size_t line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  // The next record into `record`; false at the end of the text. A malformed record (a quote
  // never closed, text after a closing quote) sets `error` and still returns true, with
  // record.line its line; reading goes on at the next line.
  bool next(CsvRecord& record, std::string& error);

 private:
  bool skip_ignored_line();  // a blank or comment line at pos_: skips it
  void skip_to_next_line();
  // Field `index` (0-based) at pos_, leaving pos_ on the ',' or line break after it.
  bool read_field(size_t index, std::string& out, std::string& error);

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

}  // namespace gyrate::engine
