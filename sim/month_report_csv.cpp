// The month's report for tools: CSV (one row per subscriber) and JSON. See month_report.hpp.
#include <cstdio>
#include <map>

#include "gyrate/sim/month_report.hpp"

namespace gyrate::sim {
namespace {

// RFC 4180: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string json_string(const std::string& s) {
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
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
          out += esc;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

template <typename Map>
std::string pairs_text(const Map& m) {  // "1002:1234;1003:55"
  std::string s;
  for (const auto& [k, v] : m) s += (s.empty() ? "" : ";") + std::to_string(k) + ":" +
                                    std::to_string(v);
  return s;
}

template <typename Map>
std::string json_object(const Map& m) {  // {"1002": 1234, ...}
  std::string s;
  for (const auto& [k, v] : m) {
    s += (s.empty() ? "" : ", ") + json_string(std::to_string(k)) + ": " + std::to_string(v);
  }
  return "{" + s + "}";
}

std::string json_series(const std::vector<uint64_t>& v) {
  std::string s;
  for (uint64_t x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return "[" + s + "]";
}

std::map<std::string, Bill> bills_by_account(const MonthReport& r) {
  std::map<std::string, Bill> out;
  for (const AccountBill& b : r.bills) out[b.account] = b.bill;
  return out;
}

std::string usage_json(const Usage& u) {
  std::string s = "{\"tokens_used\": " + std::to_string(u.tokens_used) +
                  ", \"tokens_granted\": " + std::to_string(u.tokens_granted) +
                  ", \"bytes_used\": " + std::to_string(u.bytes_used) +
                  ", \"bytes_granted\": " + std::to_string(u.bytes_granted) +
                  ", \"requests_used\": " + std::to_string(u.requests_used) +
                  ", \"requests_granted\": " + std::to_string(u.requests_granted) +
                  ", \"sessions\": " + std::to_string(u.sessions) +
                  ", \"ccrs\": " + std::to_string(u.ccrs) +
                  ", \"no_answer\": " + std::to_string(u.errors) +
                  ", \"packs\": " + std::to_string(u.packs) +
                  ", \"pack_money\": " + std::to_string(u.pack_money) +
                  ", \"tokens_by_model\": " + json_object(u.tokens_by_model) +
                  ", \"ccrs_by_result\": " + json_object(u.ccrs_by_result) + ", \"denials\": {";
  for (int d = 0; d < static_cast<int>(Denial::kCount); ++d) {
    s += std::string(d ? ", " : "") + json_string(denial_name(static_cast<Denial>(d))) + ": " +
         std::to_string(u.denials[d]);
  }
  s += "}, \"final_units\": {";
  for (int a = 0; a < static_cast<int>(FinalAction::kCount); ++a) {
    s += std::string(a ? ", " : "") + json_string(final_action_name(static_cast<FinalAction>(a))) +
         ": " + std::to_string(u.final_units[a]);
  }
  return s + "}}";
}

std::string bill_json(const std::optional<Bill>& b, uint64_t tokens) {
  if (!b) return "null";
  std::optional<int64_t> price = price_per_million_tokens(b->total(), tokens);
  return "{\"spend\": " + std::to_string(b->spend) +
         ", \"fees_charged\": " + std::to_string(b->fees_charged) +
         ", \"total\": " + std::to_string(b->total()) +
         ", \"currency\": " + json_string(b->currency) +
         ", \"price_per_million_tokens\": " + (price ? std::to_string(*price) : "null") + "}";
}

std::string consistency_json(const Consistency& c) {
  std::string violations;
  for (const std::string& v : c.violations) {
    violations += (violations.empty() ? "" : ", ") + json_string(v);
  }
  return "{\"checks\": " + std::to_string(c.checks) + ", \"failed\": " +
         std::to_string(c.failed) + ", \"skipped\": " + std::to_string(c.skipped) +
         ", \"violations\": [" + violations + "]}";
}

}  // namespace

std::string month_csv(const MonthReport& r) {
  std::string out =
      "id,account,plan,group,identity,tokens_used,tokens_granted,tokens_by_model,bytes_used,"
      "bytes_granted,requests_used,requests_granted,sessions,ccrs,ccrs_by_result,no_answer,packs,pack_money,denials_4010,denials_4012,"
      "denials_5030,denials_5031,fui_terminate,fui_redirect,fui_restrict,bill_spend,"
      "bill_fees,bill_total,currency,bill,price_per_million_tokens\n";
  std::map<std::string, Bill> bills = bills_by_account(r);
  for (const SubscriberMonth& m : r.subscribers) {
    const Usage& u = m.usage;
    std::string line = csv_field(m.id) + "," + csv_field(m.account) + "," + csv_field(m.plan) +
                       "," + csv_field(m.group) + "," + csv_field(m.identity) + "," +
                       std::to_string(u.tokens_used) + "," + std::to_string(u.tokens_granted) +
                       "," + pairs_text(u.tokens_by_model) + "," + std::to_string(u.bytes_used) +
                       "," + std::to_string(u.bytes_granted) + "," + std::to_string(u.requests_used) + "," +
                       std::to_string(u.requests_granted) + "," + std::to_string(u.sessions) +
                       "," + std::to_string(u.ccrs) + "," + pairs_text(u.ccrs_by_result) + "," +
                       std::to_string(u.errors) + "," + std::to_string(u.packs) + "," +
                       std::to_string(u.pack_money);
    for (uint64_t d : u.denials) line += "," + std::to_string(d);
    for (uint64_t f : u.final_units) line += "," + std::to_string(f);
    // The bill is the account's: on a team member's row it stays empty (the team pays).
    auto bill = bills.find(m.id);
    if (m.account == m.id && bill != bills.end()) {
      const Bill& b = bill->second;
      std::optional<int64_t> price = price_per_million_tokens(b.total(), u.tokens_used);
      line += "," + std::to_string(b.spend) + "," + std::to_string(b.fees_charged) + "," +
              std::to_string(b.total()) + "," + csv_field(b.currency) + "," +
              format_money(b.total(), "") + "," +
              (price ? format_money(*price, "") : "");
    } else {
      line += ",,,,,,";
    }
    out += line + "\n";
  }
  return out;
}

std::string month_json(const MonthReport& r) {
  std::map<std::string, Bill> bills = bills_by_account(r);
  std::string out = "{\"start\": " + json_string(r.start_date) +
                    ", \"days\": " + std::to_string(r.days) +
                    ", \"utc_offset_minutes\": " + std::to_string(r.utc_offset_minutes) +
                    ", \"seed\": " + std::to_string(r.seed) + ", \"total\": " +
                    usage_json(r.total) + ",\n \"consistency\": " +
                    consistency_json(r.consistency) + ",\n \"plans\": [";
  for (size_t i = 0; i < r.plans.size(); ++i) {
    const PlanMonth& p = r.plans[i];
    out += std::string(i ? ",\n  " : "\n  ") + "{\"plan\": " + json_string(p.plan) +
           ", \"subscribers\": " + std::to_string(p.subscribers) +
           ", \"usage\": " + usage_json(p.usage) +
           ", \"revenue\": " + bill_json(p.revenue, p.usage.tokens_used) +
           ", \"daily\": {\"tokens_used\": " + json_series(p.daily.tokens_used) +
           ", \"tokens_granted\": " + json_series(p.daily.tokens_granted) +
           ", \"bytes_used\": " + json_series(p.daily.bytes_used) +
           ", \"bytes_granted\": " + json_series(p.daily.bytes_granted) +
           ", \"requests_used\": " + json_series(p.daily.requests_used) +
           ", \"requests_granted\": " + json_series(p.daily.requests_granted) +
           ", \"denials\": " + json_series(p.daily.denials) +
           ", \"final_units\": " + json_series(p.daily.final_units) + "}}";
  }
  out += "],\n \"subscribers\": [";
  for (size_t i = 0; i < r.subscribers.size(); ++i) {
    const SubscriberMonth& m = r.subscribers[i];
    auto bill = bills.find(m.id);
    std::optional<Bill> b;
    if (m.account == m.id && bill != bills.end()) b = bill->second;
    out += std::string(i ? ",\n  " : "\n  ") + "{\"id\": " + json_string(m.id) +
           ", \"account\": " + json_string(m.account) + ", \"plan\": " + json_string(m.plan) +
           ", \"group\": " + json_string(m.group) + ", \"identity\": " +
           json_string(m.identity) + ", \"usage\": " + usage_json(m.usage) +
           ", \"bill\": " + bill_json(b, m.usage.tokens_used) + "}";
  }
  return out + "]}\n";
}

}  // namespace gyrate::sim
