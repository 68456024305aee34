// The byte-level pass that runs before the grammar: file size, non-ASCII and control bytes,
// unterminated strings and bracket nesting, so the X3 grammar only ever sees bounded ASCII.
#include <string>

#include "gyrate/ruleslang/parser.hpp"
#include "parser_internal.hpp"
#include "utf8.hpp"

namespace gyrate::lang::parse_detail {

namespace {

bool is_text_byte(unsigned char c) { return (c >= 0x20 && c < 0x7f) || c == '\t'; }

std::string hex_byte(unsigned char c) {
  static const char kHex[] = "0123456789ABCDEF";
  return std::string("0x") + kHex[c >> 4] + kHex[c & 0xf];
}

std::string code_point_name(uint32_t cp) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string digits;
  for (int shift = cp > 0xffff ? 16 : 12; shift >= 0; shift -= 4)
    digits += kHex[(cp >> shift) & 0xf];
  return "U+" + digits;
}

// Designers who type Chinese often get full-width punctuation (`；`, `，`, `（`) or curly
// quotes; name the ASCII character they meant.
char ascii_lookalike(uint32_t cp) {
  if (cp >= 0xff01 && cp <= 0xff5e) return static_cast<char>(cp - 0xff01 + 0x21);
  if (cp == 0x3000) return ' ';
  if (cp == 0x201c || cp == 0x201d) return '"';
  if (cp == 0x2018 || cp == 0x2019) return '\'';
  if (cp == 0x3001 || cp == 0x3002) return cp == 0x3001 ? ',' : '.';
  return 0;
}

void bad_byte(const std::string& text, size_t i, Diagnostics& diags) {
  const auto c = static_cast<unsigned char>(text[i]);
  uint32_t cp = 0;
  const size_t len = c >= 0x80 ? decode_utf8(text, i, cp) : 0;
  const auto begin = static_cast<uint32_t>(i);
  if (len == 0) {
    const char* kind = c >= 0x80 ? "byte " : "control character ";
    diags.report(codes::kNonAscii, {begin, begin + 1},
                std::string("unexpected ") + kind + hex_byte(c) +
                    ": tariff text must be ASCII outside comments");
    return;
  }
  if (cp == 0xfeff && i == 0) {
    diags.report(codes::kNonAscii, {begin, begin + static_cast<uint32_t>(len)},
                "byte order mark (U+FEFF) at the start of the file: tariff text must be ASCII",
                "save the file without a byte order mark");
    return;
  }
  std::string fix = "only comments may contain non-ASCII characters";
  if (const char ascii = ascii_lookalike(cp); ascii != 0) {
    fix = ascii == ' ' ? "use an ASCII space" : std::string("use the ASCII `") + ascii + "`";
  }
  diags.report(codes::kNonAscii, {begin, begin + static_cast<uint32_t>(len)},
      "non-ASCII character " + code_point_name(cp) + ": tariff text must be ASCII outside comments",
      fix);
}

// Checks the string literal opening at text[i]; returns the index after it, or 0 after adding
// a diagnostic.
size_t check_string(const std::string& text, size_t i, Diagnostics& diags) {
  const size_t open = i;
  auto line_ends_at = [&text](size_t j) {
    return j >= text.size() || text[j] == '\n' ||
           (text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n');
  };
  for (size_t j = i + 1;; ++j) {
    if (line_ends_at(j)) {
      diags.report(codes::kUnterminatedString,
                   {static_cast<uint32_t>(open), static_cast<uint32_t>(j)}, "unterminated string",
                   "close the string with `\"` on the same line");
      return 0;
    }
    const auto c = static_cast<unsigned char>(text[j]);
    if (c == '"') return j + 1;
    if (c == '\\') {
      if (j + 1 < text.size() && (text[j + 1] == '"' || text[j + 1] == '\\')) {
        ++j;
        continue;
      }
      if (j + 1 < text.size() && is_text_byte(static_cast<unsigned char>(text[j + 1]))) {
        diags.report(codes::kSyntax, {static_cast<uint32_t>(j), static_cast<uint32_t>(j + 2)},
                    std::string("unknown escape `\\") + text[j + 1] + "` in a string",
                    "strings know only `\\\"` and `\\\\`");
        return 0;
      }
      continue;  // the next iteration reports the end of the line or the bad byte
    }
    if (!is_text_byte(c)) {
      bad_byte(text, j, diags);
      return 0;
    }
  }
}

}  // namespace

bool prescan(const SourceFile& source, Diagnostics& diags) {
  const std::string& text = source.text();
  if (text.size() > kMaxSourceBytes) {
    diags.report(codes::kFileTooLarge, {0, 0},
                "the file has " + std::to_string(text.size()) +
                    " bytes; tariff files are limited to 4 MiB (" +
                    std::to_string(kMaxSourceBytes) + " bytes)");
    return false;
  }
  int depth = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      const size_t nl = text.find('\n', i);
      i = nl == std::string::npos ? text.size() : nl;
      continue;
    }
    if (c == '"') {
      i = check_string(text, i, diags);
      if (i == 0) return false;
      continue;
    }
    // Only expression brackets count: the braces of declarations do not nest in the grammar, so
    // 64 parentheses are allowed inside a plan as the reference says.
    if (c == '(' || c == '[') {
      if (++depth > kMaxNestingDepth) {
        diags.report(codes::kTooDeep, {static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1)},
                    "brackets nested deeper than " + std::to_string(kMaxNestingDepth) + " levels");
        return false;
      }
    } else if (c == ')' || c == ']') {
      depth = depth > 0 ? depth - 1 : 0;
    } else if (!is_text_byte(c) && c != '\n' && c != '\r') {
      bad_byte(text, i, diags);
      return false;
    }
    ++i;
  }
  return true;
}

}  // namespace gyrate::lang::parse_detail
