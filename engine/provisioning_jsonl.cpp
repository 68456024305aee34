// Subscriber files as JSON lines: one object per line with the CSV's fields, `identities` an
// array of "type:value" strings and `attributes` an object.
#include <set>

#include "json_value.hpp"
#include "provisioning_formats.hpp"
#include "provisioning_row.hpp"

namespace gyrate::engine {
namespace {

// A string, number or boolean as the text a CSV cell would hold; nullopt for anything else.
std::optional<std::string> scalar_text(const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::kString:
    case JsonValue::Kind::kNumber: return v.text;
    case JsonValue::Kind::kBool: return v.boolean ? "true" : "false";
    default: return std::nullopt;
  }
}

std::string wrong_kind(std::string_view what, std::string_view expected, const JsonValue& v) {
  return std::string(what) + " must be " + std::string(expected) + ", not " +
         json_kind_name(v.kind);
}

void read_identities(const JsonValue& v, RowBuilder& row) {
  if (v.kind == JsonValue::Kind::kString) {  // "e164:...;imsi:..." as in CSV
    row.set(Field::kIdentities, v.text);
    return;
  }
  if (v.kind != JsonValue::Kind::kArray) {
    row.refuse(wrong_kind("'identities'", "an array of \"type:value\" strings", v));
    return;
  }
  for (const JsonValue& item : v.items) {
    if (item.kind == JsonValue::Kind::kString) {
      row.add_identity(item.text);
    } else {
      row.refuse(wrong_kind("an item of 'identities'", "a \"type:value\" string", item));
    }
  }
}

void read_attributes(const JsonValue& v, RowBuilder& row) {
  if (v.kind != JsonValue::Kind::kObject) {
    row.refuse(wrong_kind("'attributes'", "an object", v));
    return;
  }
  for (const auto& [name, value] : v.members) {
    if (value.kind == JsonValue::Kind::kNull) continue;
    if (std::optional<std::string> text = scalar_text(value)) {
      row.set_attribute(name, std::move(*text));
    } else {
      row.refuse(wrong_kind("attribute '" + name + "'", "a string, number or boolean", value));
    }
  }
}

void read_field(Field field, const JsonValue& v, RowBuilder& row) {
  std::string what = std::string("'") + field_name(field) + "'";
  switch (field) {
    case Field::kIdentities: read_identities(v, row); return;
    case Field::kActivation:
    case Field::kBillingDay:
      if (v.kind == JsonValue::Kind::kString) {
        row.set(field, v.text);
      } else if (v.kind == JsonValue::Kind::kNumber) {
        // A bare number of seconds is a unix time, as "@seconds" is in CSV.
        row.set(field, field == Field::kActivation ? "@" + v.text : v.text);
      } else {
        row.refuse(wrong_kind(what, "a string or a number", v));
      }
      return;
    default:
      if (v.kind == JsonValue::Kind::kString) {
        row.set(field, v.text);
      } else {
        row.refuse(wrong_kind(what, "a string", v));
      }
  }
}

void read_row(const JsonValue& object, RowBuilder& row) {
  std::set<std::string, std::less<>> seen;
  for (const auto& [name, value] : object.members) {
    if (!seen.insert(name).second) {
      row.refuse("field '" + name + "' is given twice");
      continue;
    }
    if (value.kind == JsonValue::Kind::kNull) continue;  // as if absent
    if (name == "attributes") {
      read_attributes(value, row);
    } else if (std::optional<Field> field = field_from_name(name)) {
      read_field(*field, value, row);
    } else {
      row.refuse("unknown field '" + name +
                 "' (fields: id, plan, activation, billing_day, team, identities, attributes)");
    }
  }
}

}  // namespace

void parse_jsonl_provisioning(std::string_view text, const std::string& file,
                              int32_t offset_minutes, ParsedProvisioning& out) {
  size_t line = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    size_t first = content.find_first_not_of(" \t");
    if (first == std::string_view::npos || content[first] == '#') continue;
    JsonValue value;
    JsonError error;
    if (!parse_json(content, value, error)) {
      out.errors.push_back({file, line, "bad JSON at column " + std::to_string(error.column) + ": " +
                                            error.message});
      continue;
    }
    if (value.kind != JsonValue::Kind::kObject) {
      out.errors.push_back({file, line, wrong_kind("a line", "a JSON object", value)});
      continue;
    }
    RowBuilder row(offset_minutes);
    read_row(value, row);
    add_row(row, file, line, out);
  }
}

}  // namespace gyrate::engine
