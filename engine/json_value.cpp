// A strict JSON parser for JSON-lines provisioning files (see json_value.hpp).
#include "json_value.hpp"

#include <cstdint>

namespace gyrate::engine {
namespace {

constexpr int kMaxDepth = 32;

class Parser {
 public:
  Parser(std::string_view text, JsonError& error) : text_(text), error_(error) {}

  bool document(JsonValue& out) {
    skip_space();
    if (!value(out, 0)) return false;
    skip_space();
    if (pos_ < text_.size()) return fail("unexpected text after the JSON value");
    return true;
  }

 private:
  bool fail(std::string message) {
    error_.column = pos_ + 1;
    error_.message = std::move(message);
    return false;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n')) ++pos_;
  }
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return fail("expected a JSON value");
    pos_ += word.size();
    return true;
  }

  bool value(JsonValue& out, int depth) {
    out.column = pos_ + 1;
    switch (peek()) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"': out.kind = JsonValue::Kind::kString; return string(out.text);
      case 't': out.kind = JsonValue::Kind::kBool; out.boolean = true; return literal("true");
      case 'f': out.kind = JsonValue::Kind::kBool; out.boolean = false; return literal("false");
      case 'n': out.kind = JsonValue::Kind::kNull; return literal("null");
      default: return number(out);
    }
  }

  bool object(JsonValue& out, int depth) {
    if (depth >= kMaxDepth) return fail("nested deeper than 32 levels");
    out.kind = JsonValue::Kind::kObject;
    ++pos_;
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_space();
      if (peek() != '"') return fail("expected a member name in double quotes");
      std::string name;
      if (!string(name)) return false;
      skip_space();
      if (peek() != ':') return fail("expected ':' after the member name");
      ++pos_;
      skip_space();
      JsonValue member;
      if (!value(member, depth + 1)) return false;
      out.members.emplace_back(std::move(name), std::move(member));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  bool array(JsonValue& out, int depth) {
    if (depth >= kMaxDepth) return fail("nested deeper than 32 levels");
    out.kind = JsonValue::Kind::kArray;
    ++pos_;
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_space();
      JsonValue item;
      if (!value(item, depth + 1)) return false;
      out.items.push_back(std::move(item));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  bool number(JsonValue& out) {
    size_t start = pos_;
    auto digits = [&] {
      size_t from = pos_;
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
      return pos_ > from;
    };
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      pos_ = start;
      return fail("expected a JSON value");
    }
    if (peek() == '.') {
      ++pos_;
      if (!digits()) return fail("expected a digit after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digits()) return fail("expected a digit in the exponent");
    }
    out.kind = JsonValue::Kind::kNumber;
    out.text = std::string(text_.substr(start, pos_ - start));
    return true;
  }

  bool hex4(uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      char c = peek();
      uint32_t d;
      if (c >= '0' && c <= '9') d = static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') d = static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') d = static_cast<uint32_t>(c - 'A' + 10);
      else return fail("expected 4 hex digits after \\u");
      out = out * 16 + d;
    }
    return true;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool escape(std::string& out) {
    char c = peek();
    ++pos_;
    switch (c) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default: --pos_; return fail("unknown escape '\\" + std::string(1, c) + "'");
    }
    uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("a low surrogate without a high one");
    if (cp >= 0xD800 && cp <= 0xDBFF) {  // a UTF-16 pair: \uD83D\uDE00
      if (text_.substr(pos_, 2) != "\\u") return fail("a high surrogate without a low one");
      pos_ += 2;
      uint32_t low = 0;
      if (!hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return fail("a high surrogate without a low one");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, cp);
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // the opening quote
    out.clear();
    for (;;) {
      if (at_end()) return fail("a string is never closed");
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("a control character in a string");
      ++pos_;
      if (c == '\\') {
        if (!escape(out)) return false;
      } else {
        out += c;
      }
    }
  }

  std::string_view text_;
  JsonError& error_;
  size_t pos_ = 0;
};

}  // namespace

const char* json_kind_name(JsonValue::Kind kind) {
  switch (kind) {
    case JsonValue::Kind::kNull: return "null";
    case JsonValue::Kind::kBool: return "a boolean";
    case JsonValue::Kind::kNumber: return "a number";
    case JsonValue::Kind::kString: return "a string";
    case JsonValue::Kind::kArray: return "an array";
    case JsonValue::Kind::kObject: return "an object";
  }
  return "?";
}

bool parse_json(std::string_view text, JsonValue& out, JsonError& error) {
  out = JsonValue{};
  return Parser(text, error).document(out);
}

}  // namespace gyrate::engine
