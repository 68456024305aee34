// Reads a population file (JSON lines): one line per group of subscribers, or a `timezone` line.
#include "gyrate/sim/population.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gyrate/ruleslang/calendar.hpp"
#include "population_values.hpp"

namespace gyrate::sim {
namespace {

using nlohmann::json;

// Collects `file:line: message` lines; the first one a line gets stops that line.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(size_t line, const std::string& message) {
    text_ += file_ + ":" + std::to_string(line) + ": " + message + "\n";
  }
  bool empty() const { return text_.empty(); }
  Status status() const {
    return Status::error(ErrorCode::kInvalidArgument, text_.substr(0, text_.size() - 1));
  }

 private:
  std::string file_;
  std::string text_;
};

const std::set<std::string> kGroupFields = {"group", "plan", "id", "count", "first", "identity",
                                            "account", "from", "top_up", "llm", "data"};
const std::set<std::string> kTopUpFields = {"pack", "times"};
const std::set<std::string> kLlmFields = {
    "context", "rating_group", "unit", "models", "requests_per_day", "requests_per_session",
    "tokens_per_request", "use_percent", "reserve", "hours", "daily", "weekly"};
const std::set<std::string> kDataFields = {"context", "rating_group", "bytes_per_day",
                                           "sessions_per_day", "session_minutes", "request_octets",
                                           "hours", "daily", "weekly"};

Status bad(const std::string& message) {
  return Status::error(ErrorCode::kInvalidArgument, message);
}

Status check_fields(const json& object, const std::set<std::string>& allowed,
                    const std::string& where) {
  for (const auto& [key, value] : object.items()) {
    if (allowed.count(key) == 0) {
      std::string list;
      for (const std::string& f : allowed) list += (list.empty() ? "" : ", ") + f;
      return bad("unknown field '" + key + "'" + where + " (fields: " + list + ")");
    }
  }
  return Status::ok();
}

Status read_shape(const json& object, TrafficShape& shape) {
  if (object.contains("hours")) {
    if (object.contains("daily")) return bad("give 'hours' or 'daily', not both");
    auto range = pair_of(object["hours"], "hours", 0, 23);
    if (!range) return range.status();
    shape.hourly.fill(0);
    for (uint64_t h = range->first; h <= range->second; ++h) shape.hourly[h] = 1;
  }
  if (object.contains("daily")) {
    if (Status s = weights(object["daily"], "daily", shape.hourly); !s) return s;
  }
  if (object.contains("weekly")) {
    if (Status s = weights(object["weekly"], "weekly", shape.weekly); !s) return s;
  }
  return Status::ok();
}

Status read_llm(const json& o, LlmProfile& llm) {
  if (!o.is_object()) return bad("'llm' must be an object");
  if (Status s = check_fields(o, kLlmFields, " in 'llm'"); !s) return s;
  llm.enabled = true;
  if (Status s = text_field(o, "context", llm.service_context_id); !s) return s;
  if (Status s = u32_field(o, "rating_group", llm.rating_group); !s) return s;
  std::string unit = "token";
  if (Status s = text_field(o, "unit", unit); !s) return s;
  if (unit != "token" && unit != "request") return bad("'unit' must be \"token\" or \"request\"");
  llm.counts_requests = unit == "request";
  if (llm.counts_requests) {  // one request asks for one unit and uses it
    llm.tokens_min = llm.tokens_max = 1;
    llm.use_min_percent = llm.use_max_percent = 100;
  }
  if (Status s = quantity_field(o, "requests_per_day", llm.requests_per_day); !s) return s;
  if (Status s = u32_field(o, "requests_per_session", llm.requests_per_session); !s) return s;
  if (llm.requests_per_session == 0) return bad("'requests_per_session' must be at least 1");
  if (o.contains("tokens_per_request")) {
    auto r = pair_of(o["tokens_per_request"], "tokens_per_request", 1, uint64_t{1} << 40);
    if (!r) return r.status();
    llm.tokens_min = r->first;
    llm.tokens_max = r->second;
  }
  if (o.contains("use_percent") && !llm.counts_requests) {
    auto r = pair_of(o["use_percent"], "use_percent", 0, 100);
    if (!r) return r.status();
    llm.use_min_percent = static_cast<uint32_t>(r->first);
    llm.use_max_percent = static_cast<uint32_t>(r->second);
  }
  if (Status s = quantity_field(o, "reserve", llm.reserve); !s) return s;
  if (o.contains("models")) {
    const json& m = o["models"];
    if (!m.is_object() || m.empty()) {
      return bad("'models' must be an object of Service-Identifier: share, like {\"1002\": 3}");
    }
    for (const auto& [key, share] : m.items()) {
      auto sid = parse_amount(key);
      if (!sid || *sid > 0xffffffffu) return bad("model '" + key + "' is not a Service-Identifier");
      if (!share.is_number_unsigned() || share.get<uint64_t>() == 0 ||
          share.get<uint64_t>() > 1'000'000) {
        return bad("model " + key + ": the share must be a whole number 1..1000000");
      }
      llm.models.push_back({static_cast<uint32_t>(*sid), share.get<uint32_t>()});
    }
  }
  return read_shape(o, llm.shape);
}

Status read_data(const json& o, DataProfile& data) {
  if (!o.is_object()) return bad("'data' must be an object");
  if (Status s = check_fields(o, kDataFields, " in 'data'"); !s) return s;
  data.enabled = true;
  if (Status s = text_field(o, "context", data.service_context_id); !s) return s;
  if (Status s = u32_field(o, "rating_group", data.rating_group); !s) return s;
  if (Status s = quantity_field(o, "bytes_per_day", data.bytes_per_day); !s) return s;
  if (Status s = u32_field(o, "sessions_per_day", data.sessions_per_day); !s) return s;
  if (data.sessions_per_day == 0) return bad("'sessions_per_day' must be at least 1");
  if (Status s = u32_field(o, "session_minutes", data.session_minutes); !s) return s;
  if (data.session_minutes == 0 || data.session_minutes > 24 * 60) {
    return bad("'session_minutes' must be 1..1440");
  }
  if (Status s = quantity_field(o, "request_octets", data.request_octets); !s) return s;
  return read_shape(o, data.shape);
}

Status read_from(const json& o, PopulationGroup& group) {
  std::string text;
  if (Status s = text_field(o, "from", text); !s || text.empty()) return s;
  std::optional<lang::calendar::CivilDate> date = lang::calendar::parse_date(text);
  if (!date) return bad("'from' must be a date YYYY-MM-DD");
  group.from_day = lang::calendar::days_from_civil(*date);
  return Status::ok();
}

Status read_top_up(const json& o, TopUp& top_up) {
  if (!o.is_object()) {
    return bad("'top_up' must be an object like {\"pack\": \"yuan_400k\", \"times\": 3}");
  }
  if (Status s = check_fields(o, kTopUpFields, " in 'top_up'"); !s) return s;
  if (Status s = text_field(o, "pack", top_up.pack); !s) return s;
  top_up.times = 1;
  if (Status s = u32_field(o, "times", top_up.times); !s) return s;
  if (top_up.pack.empty()) return bad("'top_up' needs the 'pack' to buy");
  return Status::ok();
}

// "starter-{n}" -> "starter-7"; a pattern without {n} stays as it is.
std::string expand(const std::string& pattern, uint64_t n) {
  size_t at = pattern.find("{n}");
  if (at == std::string::npos) return pattern;
  return pattern.substr(0, at) + std::to_string(n) + pattern.substr(at + 3);
}

// The i-th identity of a group: `{n}` replaced by first + i, or else a number (E.164, IMSI)
// counted up from the base by i, keeping its width.
Expected<diameter::SubscriptionId> nth_identity(const std::string& pattern, uint64_t first,
                                                uint64_t i) {
  auto id = parse_identity(expand(pattern, first + i));
  if (!id || pattern.find("{n}") != std::string::npos || i == 0) return id;
  if (id->type == diameter::SubscriptionIdType::kEndUserNai) {
    return bad("an NAI pattern for more than one subscriber needs {n}, like 'nai:user{n}@realm'");
  }
  std::string& digits = id->data;
  size_t start = digits.find_first_of("0123456789");
  std::string number = digits.substr(start);
  uint64_t value = std::stoull(number) + i;
  std::string counted = std::to_string(value);
  if (counted.size() > number.size()) return bad("identity '" + pattern + "' runs out of digits");
  digits = digits.substr(0, start) + std::string(number.size() - counted.size(), '0') + counted;
  return id;
}

Status read_group(const json& o, Population& out, PopulationGroup group) {
  if (!o.is_object()) return bad("a line must be a JSON object");
  if (o.contains("timezone")) {
    if (o.size() != 1) return bad("a 'timezone' line holds nothing else");
    if (!o["timezone"].is_string()) return bad("'timezone' must be a string like \"+08:00\"");
    auto minutes = parse_utc_offset(o["timezone"].get<std::string>());
    if (!minutes) return minutes.status();
    out.utc_offset_minutes = *minutes;
    return Status::ok();
  }
  if (Status s = check_fields(o, kGroupFields, ""); !s) return s;
  std::string id_pattern, identity_pattern, account_pattern;
  if (Status s = text_field(o, "group", group.name); !s) return s;
  if (Status s = text_field(o, "plan", group.plan); !s) return s;
  if (Status s = text_field(o, "id", id_pattern); !s) return s;
  if (Status s = text_field(o, "identity", identity_pattern); !s) return s;
  if (Status s = text_field(o, "account", account_pattern); !s) return s;
  uint64_t count = 1, first = 1;
  if (Status s = quantity_field(o, "count", count); !s) return s;
  if (Status s = quantity_field(o, "first", first); !s) return s;
  if (id_pattern.empty()) return bad("missing 'id' (the account id, or a pattern like 'user-{n}')");
  if (identity_pattern.empty()) return bad("missing 'identity' (like \"e164:+8613800000001\")");
  if (group.plan.empty()) return bad("missing 'plan' (the plan these subscribers are on)");
  if (count == 0 || count > 1'000'000) return bad("'count' must be 1..1000000");
  if (count > 1 && id_pattern.find("{n}") == std::string::npos) {
    return bad("'id' must hold {n} when 'count' is more than 1");
  }
  if (Status s = read_from(o, group); !s) return s;
  if (o.contains("top_up")) {
    if (Status s = read_top_up(o["top_up"], group.top_up); !s) return s;
  }
  if (o.contains("llm")) {
    if (Status s = read_llm(o["llm"], group.llm); !s) return s;
  }
  if (o.contains("data")) {
    if (Status s = read_data(o["data"], group.data); !s) return s;
  }
  if (!group.llm.enabled && !group.data.enabled) return bad("give 'llm', 'data' or both");
  if (group.name.empty()) group.name = group.plan;
  size_t index = out.groups.size();
  for (uint64_t i = 0; i < count; ++i) {
    SimSubscriber sub;
    sub.id = expand(id_pattern, first + i);
    sub.account = account_pattern.empty() ? sub.id : expand(account_pattern, first + i);
    sub.plan = group.plan;
    sub.group = group.name;
    auto identity = nth_identity(identity_pattern, first, i);
    if (!identity) return identity.status();
    sub.identity = *identity;
    sub.profile = index;
    out.subscribers.push_back(std::move(sub));
  }
  out.groups.push_back(std::move(group));
  return Status::ok();
}

// "bad JSON at column 54: syntax error ...", from nlohmann's "[json.exception.parse_error.101]
// parse error at line 1, column 54: syntax error ...".
std::string parse_error_text(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  size_t at = what.find("column ");
  size_t colon = what.find(": ", at == std::string::npos ? 0 : at);
  std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
  return "bad JSON at column " + std::to_string(e.byte) + ": " + reason;
}

}  // namespace

TrafficShape default_shape() {
  TrafficShape s;
  s.hourly = {1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2, 4, 6, 6, 5, 4, 5, 6, 6, 5, 5, 6, 7, 8, 7, 5, 3};
  s.weekly = {1, 1, 1, 1, 1, 0.7, 0.7};
  return s;
}

Expected<diameter::SubscriptionId> parse_identity(const std::string& text) {
  using diameter::SubscriptionIdType;
  size_t colon = text.find(':');
  std::string kind = text.substr(0, colon == std::string::npos ? 0 : colon);
  std::string value = colon == std::string::npos ? "" : text.substr(colon + 1);
  diameter::SubscriptionId id;
  id.data = value;
  if (kind == "e164") {
    id.type = SubscriptionIdType::kEndUserE164;
  } else if (kind == "imsi") {
    id.type = SubscriptionIdType::kEndUserImsi;
  } else if (kind == "nai") {
    id.type = SubscriptionIdType::kEndUserNai;
  } else {
    return bad("identity '" + text + "': expected e164:, imsi: or nai: and a value");
  }
  if (value.empty()) return bad("identity '" + text + "' has no value");
  if (id.type != SubscriptionIdType::kEndUserNai) {
    size_t digits = value[0] == '+' ? 1 : 0;
    if (value.size() == digits ||
        value.find_first_not_of("0123456789", digits) != std::string::npos) {
      return bad("identity '" + text + "': " + kind + " is digits only");
    }
  }
  return id;
}

Expected<Population> parse_population(const std::string& text, const std::string& file) {
  Population out;
  Problems problems(file);
  std::set<std::string> ids;
  std::istringstream in(text);
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    json object;
    try {
      object = json::parse(line);
    } catch (const json::parse_error& e) {
      problems.add(number, parse_error_text(e));
      continue;
    }
    PopulationGroup group;
    group.file = file;
    group.line = number;
    size_t before = out.subscribers.size();
    if (Status s = read_group(object, out, group); !s) {
      problems.add(number, s.message());
      out.subscribers.resize(before);
      continue;
    }
    for (size_t i = before; i < out.subscribers.size(); ++i) {
      if (!ids.insert(out.subscribers[i].id).second) {
        problems.add(number, "id '" + out.subscribers[i].id + "' is given twice");
        break;
      }
    }
  }
  if (!problems.empty()) return problems.status();
  if (out.subscribers.empty()) return bad(file + ": no subscribers");
  return out;
}

Expected<Population> read_population(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error(ErrorCode::kNotFound, path + ": cannot read the population file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_population(text.str(), path);
}

}  // namespace gyrate::sim
