// The CDR part of the consistency check, and the report read back from its JSON: see
// month_check.hpp.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gyrate/sim/month_check.hpp"

namespace gyrate::sim {
namespace {

using nlohmann::json;

// A CDR's integer field: a number, or a string of digits (protobuf's JSON writes int64 so); 0
// when absent (protobuf leaves zeros out).
int64_t integer(const json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

std::string text(const json& o, const char* name) {
  auto it = o.find(name);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string sums_text(const std::map<std::string, int64_t>& sums) {
  std::string s;
  for (const auto& [service, used] : sums) {
    s += (s.empty() ? "" : ", ") + service + " " + std::to_string(used);
  }
  return s.empty() ? "nothing" : s;
}

}  // namespace

Expected<std::vector<CdrLine>> read_cdrs(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::error(ErrorCode::kNotFound, dir + ": no CDR directory");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<CdrLine> out;
  for (const fs::path& path : files) {
    std::ifstream in(path);
    std::string line;
    for (size_t number = 1; std::getline(in, line); ++number) {
      if (line.empty()) continue;
      json o = json::parse(line, nullptr, false);
      if (o.is_discarded() || !o.is_object()) {
        return Status::error(ErrorCode::kInvalidArgument,
                             path.string() + ":" + std::to_string(number) + ": not a JSON object");
      }
      CdrLine c;
      c.account = text(o, "account");
      c.member = text(o, "member");
      c.service = text(o, "service");
      c.pack = text(o, "pack");
      c.time = integer(o, "time");
      c.used = integer(o, "used");
      c.debit = integer(o, "debit");
      c.committed = integer(o, "committed");
      c.overrun = integer(o, "overrun");
      c.charged = integer(o, "charged_millionths");
      out.push_back(std::move(c));
    }
  }
  return out;
}

void check_cdrs(const MonthReport& report, const std::vector<CdrLine>& cdrs, Consistency& out) {
  // Per subscriber (a team member by its own id) and service: the raw units the CDRs debited.
  std::map<std::string, std::map<std::string, int64_t>> used;
  for (const CdrLine& c : cdrs) {
    if (c.service.empty()) continue;  // a pack
    used[c.member.empty() ? c.account : c.member][c.service] += c.used;
    // Debit = what the buckets covered (committed) + what was sold as overage (charged) + an
    // overrun, which the simulator, never using more than it was granted, should never cause.
    int64_t beyond = c.debit - c.committed;
    if (c.overrun != 0 || beyond < 0 || (beyond > 0 && c.charged <= 0)) {
      out.fail(c.account + " " + c.service + " at " + std::to_string(c.time) + ": debits " +
               std::to_string(c.debit) + " allowance units, the buckets cover " +
               std::to_string(c.committed) + ", overrun " + std::to_string(c.overrun) +
               ", charged " + std::to_string(c.charged) + " millionths");
    } else {
      out.pass();
    }
  }
  // The simulator counts by unit, the CDRs by service: each service is one of the units.
  for (const SubscriberMonth& m : report.subscribers) {
    std::vector<int64_t> reported;
    for (uint64_t u : {m.usage.tokens_used, m.usage.bytes_used, m.usage.requests_used}) {
      if (u > 0) reported.push_back(static_cast<int64_t>(u));
    }
    std::vector<int64_t> debited;
    const std::map<std::string, int64_t>& sums = used[m.id];
    for (const auto& [service, units] : sums) {
      if (units > 0) debited.push_back(units);
    }
    std::sort(reported.begin(), reported.end());
    std::sort(debited.begin(), debited.end());
    if (reported == debited) {
      out.pass();
    } else {
      out.fail(m.id + ": the report says tokens " + std::to_string(m.usage.tokens_used) +
               ", bytes " + std::to_string(m.usage.bytes_used) + ", requests " +
               std::to_string(m.usage.requests_used) + "; the CDRs " + sums_text(sums));
    }
  }
}

Expected<MonthReport> parse_month_json(const std::string& text_in) {
  json o = json::parse(text_in, nullptr, false);
  auto bad = [](const std::string& why) {
    return Status::error(ErrorCode::kInvalidArgument, "not a month report: " + why);
  };
  if (o.is_discarded() || !o.is_object()) return bad("bad JSON");
  if (!o.contains("subscribers") || !o["subscribers"].is_array()) return bad("no subscribers");
  MonthReport r;
  r.start_date = text(o, "start");
  r.days = static_cast<int>(integer(o, "days"));
  r.utc_offset_minutes = static_cast<int32_t>(integer(o, "utc_offset_minutes"));
  for (const json& s : o["subscribers"]) {
    if (!s.is_object() || !s.contains("usage") || !s["usage"].is_object()) {
      return bad("a subscriber without usage");
    }
    SubscriberMonth m;
    m.id = text(s, "id");
    m.account = text(s, "account");
    m.plan = text(s, "plan");
    m.group = text(s, "group");
    m.identity = text(s, "identity");
    const json& u = s["usage"];
    m.usage.tokens_used = static_cast<uint64_t>(integer(u, "tokens_used"));
    m.usage.bytes_used = static_cast<uint64_t>(integer(u, "bytes_used"));
    m.usage.requests_used = static_cast<uint64_t>(integer(u, "requests_used"));
    r.subscribers.push_back(std::move(m));
  }
  if (o.contains("consistency") && o["consistency"].is_object()) {
    const json& c = o["consistency"];
    r.consistency.checks = static_cast<uint64_t>(integer(c, "checks"));
    r.consistency.failed = static_cast<uint64_t>(integer(c, "failed"));
    r.consistency.skipped = static_cast<uint64_t>(integer(c, "skipped"));
    if (c.contains("violations") && c["violations"].is_array()) {
      for (const json& v : c["violations"]) {
        if (v.is_string()) r.consistency.violations.push_back(v.get<std::string>());
      }
    }
  }
  return r;
}

}  // namespace gyrate::sim
