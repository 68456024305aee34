// CSV records for provisioning files (see csv_reader.hpp).
#include "csv_reader.hpp"

namespace gyrate::engine {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool CsvReader::skip_ignored_line() {
  size_t end = text_.find('\n', pos_);
  std::string_view line =
      trim(text_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_));
  if (!line.empty() && line.front() != '#') return false;
  skip_to_next_line();
  return true;
}

void CsvReader::skip_to_next_line() {
  size_t end = text_.find('\n', pos_);
  pos_ = end == std::string_view::npos ? text_.size() : end + 1;
  ++line_;
}

bool CsvReader::read_field(size_t index, std::string& out, std::string& error) {
  out.clear();
  while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  if (pos_ >= text_.size() || text_[pos_] != '"') {
    size_t end = text_.find_first_of(",\n", pos_);
    if (end == std::string_view::npos) end = text_.size();
    out = trim(text_.substr(pos_, end - pos_));
    pos_ = end;
    return true;
  }
  size_t opened = line_;
  ++pos_;
  for (;;) {
    if (pos_ >= text_.size()) {
      error = "a quoted field opened on line " + std::to_string(opened) + " is never closed";
      return false;
    }
    char c = text_[pos_++];
    if (c == '"') {
      if (pos_ < text_.size() && text_[pos_] == '"') {  // "" is one quote
        out += '"';
        ++pos_;
        continue;
      }
      break;
    }
    if (c == '\n') ++line_;
    // A CRLF inside quotes is one line break, kept as LF.
    if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') continue;
    out += c;
  }
  while (pos_ < text_.size() && (is_blank(text_[pos_]) || text_[pos_] == '\r')) ++pos_;
  if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n') {
    error = "field " + std::to_string(index + 1) +
            " has text after its closing quote (a quote inside a quoted field is written \"\")";
    return false;
  }
  return true;
}

bool CsvReader::next(CsvRecord& record, std::string& error) {
  error.clear();
  while (pos_ < text_.size() && skip_ignored_line()) {
  }
  if (pos_ >= text_.size()) return false;
  record.line = line_;
  record.fields.clear();
  for (;;) {
    std::string field;
    if (!read_field(record.fields.size(), field, error)) {
      if (pos_ < text_.size()) skip_to_next_line();
      return true;
    }
    record.fields.push_back(std::move(field));
    if (pos_ >= text_.size()) return true;
    if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
      return true;
    }
    ++pos_;  // the ','
  }
}

}  // namespace gyrate::engine
