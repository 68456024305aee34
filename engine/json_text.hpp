// Writing JSON by hand (explain's JSON, the CDR export's JSON lines): one string escaper and an
// object builder, so every JSON the engine writes escapes alike. Internal to gyrate_engine.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace gyrate::engine {

// `s` as a JSON string literal, quotes included; control characters as \u00XX.
inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// Builds one JSON object field by field, commas included.
class JsonObject {
 public:
  JsonObject& raw(std::string_view key, const std::string& value) {
    out_ += out_.size() > 1 ? "," : "";
    out_ += json_string(key) + ":" + value;
    return *this;
  }
  JsonObject& str(std::string_view key, std::string_view v) { return raw(key, json_string(v)); }
  JsonObject& num(std::string_view key, int64_t v) { return raw(key, std::to_string(v)); }
  JsonObject& flag(std::string_view key, bool v) { return raw(key, v ? "true" : "false"); }
  JsonObject& opt(std::string_view key, const std::optional<int64_t>& v) {
    return raw(key, v ? std::to_string(*v) : "null");
  }
  std::string done() const { return out_ + "}"; }

 private:
  std::string out_ = "{";
};

}  // namespace gyrate::engine
