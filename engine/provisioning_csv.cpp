// Subscriber files as CSV: a header row naming the columns (the fixed fields and attr.NAME), then
// one subscriber or team member per record.
#include <optional>
#include <set>

#include "csv_reader.hpp"
#include "provisioning_formats.hpp"
#include "provisioning_row.hpp"

namespace gyrate::engine {
namespace {

struct Column {
  std::optional<Field> field;  // else an attribute
  std::string attribute;
};

// The columns the header names, or false with an error per bad column.
bool read_header(const CsvRecord& header, const std::string& file, std::vector<Column>& columns,
                 ParsedProvisioning& out) {
  size_t errors = out.errors.size();
  auto refuse = [&](std::string reason) { out.errors.push_back({file, header.line, std::move(reason)}); };
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& name = header.fields[i];
    Column column;
    if (name.empty()) {
      refuse("column " + std::to_string(i + 1) + " of the header has no name");
    } else if (!seen.insert(name).second) {
      refuse("column '" + name + "' is given twice");
    } else if (std::optional<Field> field = field_from_name(name)) {
      column.field = field;
    } else if (name.starts_with(kAttributePrefix) && name.size() > kAttributePrefix.size()) {
      column.attribute = name.substr(kAttributePrefix.size());
    } else {
      refuse("unknown column '" + name +
             "' (columns: id, plan, activation, billing_day, team, identities, attr.NAME for an "
             "attribute)");
    }
    columns.push_back(std::move(column));
  }
  if (!seen.contains("id")) refuse("the header has no 'id' column");
  return out.errors.size() == errors;
}

}  // namespace

void parse_csv_provisioning(std::string_view text, const std::string& file, int32_t offset_minutes,
                            ParsedProvisioning& out) {
  CsvReader reader(text);
  CsvRecord record;
  std::string error;
  if (!reader.next(record, error)) {
    out.errors.push_back({file, 0, "no header row (id,plan,activation,...)"});
    return;
  }
  std::vector<Column> columns;
  if (!error.empty()) {
    out.errors.push_back({file, record.line, error});
    return;
  }
  // Rows under a bad header would only repeat its error.
  if (!read_header(record, file, columns, out)) return;
  while (reader.next(record, error)) {
    if (!error.empty()) {
      out.errors.push_back({file, record.line, error});
      continue;
    }
    if (record.fields.size() != columns.size()) {
      out.errors.push_back({file, record.line,
                            "the row has " + std::to_string(record.fields.size()) +
                                " fields, the header " + std::to_string(columns.size())});
      continue;
    }
    RowBuilder row(offset_minutes);
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].field) {
        row.set(*columns[i].field, record.fields[i]);
      } else {
        row.set_attribute(columns[i].attribute, std::move(record.fields[i]));
      }
    }
    add_row(row, file, record.line, out);
  }
}

}  // namespace gyrate::engine
