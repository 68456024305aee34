// Admin API JSON (see admin_json.hpp).
#include "admin_json.hpp"

#include <cstdio>

#include "gyrate/engine/account.hpp"
#include "gyrate/engine/provisioning_file.hpp"
#include "gyrate/ruleslang/calendar.hpp"

namespace gyrate::ocs {
namespace {

// Ordered: answers list their fields in the order written here (id first), not sorted.
using json = nlohmann::ordered_json;

std::string_view trim(std::string_view s) {
  size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  size_t last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// The texts of a JSON array's elements. `text` must already be valid JSON (json::accept): only
// strings and nesting need tracking to find the commas between elements.
std::vector<std::string_view> split_array(std::string_view text) {
  std::vector<std::string_view> items;
  size_t open = text.find('[');
  int depth = 0;
  bool in_string = false;
  size_t start = open + 1;
  for (size_t i = start; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if ((c == ',' || c == ']') && depth == 0) {
      std::string_view item = trim(text.substr(start, i - start));
      if (!item.empty()) items.push_back(item);
      start = i + 1;
      if (c == ']') break;
    }
  }
  return items;
}

// One row as one JSON line: raw line breaks in valid JSON are whitespace, never inside a string.
std::string one_line(std::string_view row) {
  std::string line(row);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

// PUT's row: its id is the path's. A body id that differs is refused; a missing one is added.
bool adopt_path_id(std::string& line, const std::string& path_id, std::vector<RowError>& errors) {
  json row = json::parse(line, nullptr, false);
  if (!row.is_object()) return true;  // the row parser says what is wrong with it
  auto id = row.find("id");
  if (id == row.end()) {
    size_t brace = line.find('{');
    bool empty = trim(std::string_view(line).substr(brace + 1)).front() == '}';
    line.insert(brace + 1, "\"id\":" + json(path_id).dump() + (empty ? "" : ","));
    return true;
  }
  if (!id->is_string() || id->get<std::string>() != path_id) {
    errors.push_back({0, "'id' " + id->dump() + " differs from the subscriber in the path"});
    return false;
  }
  return true;
}

}  // namespace

json iso_utc(int64_t unix_seconds) {
  if (unix_seconds == engine::kNeverEnds) return nullptr;
  lang::calendar::LocalTime t = lang::calendar::local_time(unix_seconds, 0);
  int64_t second = unix_seconds - (t.date * 86400 + t.hour * 3600 + t.minute * 60);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02lldZ",
                static_cast<long long>(t.year), t.month, t.day, t.hour, t.minute,
                static_cast<long long>(second));
  return buf;
}

ParsedRows parse_rows(std::string_view body, bool allow_batch, const std::string* path_id,
                      int32_t offset_minutes) {
  ParsedRows out;
  std::string_view text = trim(body);
  if (text.empty()) {
    out.errors.push_back({0, "empty body: expected a JSON object (a provisioning row)"});
    return out;
  }
  std::vector<std::string> lines;
  if (text.front() == '[') {
    if (!allow_batch) {
      out.errors.push_back({0, "expected one JSON object, not an array"});
      return out;
    }
    try {
      if (!json::accept(text)) [[maybe_unused]] json thrown = json::parse(text);  // says where
    } catch (const json::parse_error& e) {
      out.errors.push_back({0, std::string("bad JSON at byte ") + std::to_string(e.byte) + ": " +
                                   e.what()});
      return out;
    }
    for (std::string_view item : split_array(text)) lines.push_back(one_line(item));
    if (lines.empty()) {
      out.errors.push_back({0, "an empty batch: expected at least one provisioning row"});
      return out;
    }
    out.batch = true;  // from here on, errors are about rows and name their index
  } else {
    lines.push_back(one_line(text));
    if (path_id && !adopt_path_id(lines.back(), *path_id, out.errors)) return out;
  }
  std::string joined;
  for (const std::string& line : lines) joined += line + "\n";
  engine::ParsedProvisioning parsed = engine::parse_provisioning(
      joined, "request", engine::ProvisioningFormat::kJsonLines, offset_minutes);
  for (const engine::ProvisioningError& e : parsed.errors) {
    out.errors.push_back({e.line - 1, e.reason});  // line i + 1 holds row i
  }
  if (out.errors.empty()) out.specs = std::move(parsed.specs);
  return out;
}

json balances_json(const AccountHeader& header, const engine::Balances& b) {
  json out;
  out["id"] = header.id;
  if (!header.plan.empty()) out["plan"] = header.plan;
  if (header.plan_version != 0) out["plan_version"] = header.plan_version;
  out["currency"] = header.currency;
  out["team"] = b.team.empty() ? json(nullptr) : json(b.team);
  out["period"] = {{"index", b.period.index},
                   {"start", iso_utc(b.period.start)},
                   {"end", iso_utc(b.period.end)}};
  out["spend"] = b.spend;
  out["fees_charged"] = b.fees_charged;
  out["last_fee"] = b.last_fee;
  json services = json::array();
  for (const engine::ServiceBalance& s : b.services) {
    services.push_back({{"service", s.service},
                        {"remaining", s.remaining},
                        {"reserved", s.reserved},
                        {"used", s.used},
                        {"period_allowance", s.period_allowance}});
  }
  out["services"] = std::move(services);
  json buckets = json::array();
  for (size_t i = 0; i < b.buckets.size(); ++i) {
    const engine::Bucket& x = b.buckets[i];
    buckets.push_back({{"service", i < b.bucket_services.size() ? b.bucket_services[i] : ""},
                       {"origin", engine::origin_name(x.origin)},
                       {"offer", x.offer.str()},
                       {"amount", x.amount},
                       {"valid_from", iso_utc(x.valid_from)},
                       {"valid_until", iso_utc(x.valid_until)}});
  }
  out["buckets"] = std::move(buckets);
  out["promos"] = b.promos_granted;
  out["open_reservations"] = b.open_reservations;
  out["pending_notifications"] = b.pending_notifications;
  out["revision"] = b.revision;
  out["late_requests"] = b.late_requests;
  json members = json::array();
  for (const engine::MemberBalance& m : b.members) {
    json services_of = json::array();
    for (const engine::MemberServiceBalance& s : m.services) {
      services_of.push_back({{"service", s.service},
                             {"used", s.used},
                             {"reserved", s.reserved},
                             {"cap_room", s.cap_room < 0 ? json(nullptr) : json(s.cap_room)}});
    }
    members.push_back({{"id", m.id}, {"services", std::move(services_of)}});
  }
  out["members"] = std::move(members);
  return out;
}

}  // namespace gyrate::ocs
