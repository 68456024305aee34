// JsonValue: a small, strict JSON (RFC 8259) parser for one line of a JSON-lines provisioning
// file. Numbers keep their source text, so integers are never rounded through a double.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gyrate::engine {

struct JsonValue {
  enum class Kind : unsigned char { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // a string's value (UTF-8), a number's source text
  std::vector<JsonValue> items;                              // an array
  std::vector<std::pair<std::string, JsonValue>> members;    // an object, in source order
  size_t column = 0;  // 1-based byte column where the value starts
};

const char* json_kind_name(JsonValue::Kind kind);  // "a string", "an object", ...

struct JsonError {
  size_t column = 0;  // 1-based byte column of the problem
  std::string message;
};

// Parses `text` as exactly one JSON value (whitespace around it allowed). Nesting deeper than
// 32 levels is refused: the input is untrusted.
bool parse_json(std::string_view text, JsonValue& out, JsonError& error);

}  // namespace gyrate::engine
