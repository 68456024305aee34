// The month's report as a text table for people: see month_report.hpp.
#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "gyrate/sim/month_report.hpp"

namespace gyrate::sim {
namespace {

// "512.0 MiB" below a GiB, "48.1 GiB" from there (the CSV has the exact octets).
std::string data_text(uint64_t bytes) {
  char text[32];
  double mib = static_cast<double>(bytes) / (1 << 20);
  if (mib < 1024) {
    std::snprintf(text, sizeof text, "%.1f MiB", mib);
  } else {
    std::snprintf(text, sizeof text, "%.1f GiB", mib / 1024);
  }
  return text;
}

// "4012:5 4010:1", or "-".
std::string denials_text(const Usage& u) {
  std::string s;
  for (int d = 0; d < static_cast<int>(Denial::kCount); ++d) {
    if (u.denials[d] == 0) continue;
    s += (s.empty() ? "" : " ") + std::string(denial_name(static_cast<Denial>(d))) + ":" +
         std::to_string(u.denials[d]);
  }
  return s.empty() ? "-" : s;
}

// "redirect:3", or "-".
std::string final_units_text(const Usage& u) {
  std::string s;
  for (int a = 0; a < static_cast<int>(FinalAction::kCount); ++a) {
    if (u.final_units[a] == 0) continue;
    s += (s.empty() ? "" : " ") + std::string(final_action_name(static_cast<FinalAction>(a))) +
         ":" + std::to_string(u.final_units[a]);
  }
  return s.empty() ? "-" : s;
}

std::string bill_text(const std::optional<Bill>& bill) {
  return bill ? format_money(bill->total(), bill->currency) : "-";
}

std::string price_text(const std::optional<Bill>& bill, uint64_t tokens) {
  if (!bill) return "-";
  std::optional<int64_t> price = price_per_million_tokens(bill->total(), tokens);
  return price ? format_money(*price, bill->currency) : "-";
}

std::string row(const std::vector<std::pair<std::string, int>>& cells) {
  std::string line;
  for (const auto& [text, width] : cells) {
    char cell[128];
    std::snprintf(cell, sizeof cell, width < 0 ? "%-*s " : "%*s ", width < 0 ? -width : width,
                  text.c_str());
    line += cell;
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

std::string line_of(const std::string& name, const std::string& subs, const Usage& u,
                    const std::optional<Bill>& bill) {
  return row({{name, -16}, {subs, 5}, {std::to_string(u.tokens_used), 12},
              {std::to_string(u.tokens_granted), 12}, {data_text(u.bytes_used), 12},
              {std::to_string(u.requests_used), 9},
              {std::to_string(u.ccrs), 8}, {denials_text(u), -14}, {final_units_text(u), -22},
              {bill_text(bill), 14}, {price_text(bill, u.tokens_used), 12}});
}

std::string header(const std::string& first, const std::string& second) {
  return row({{first, -16}, {second, 5}, {"tokens used", 12}, {"granted", 12},
              {"data used", 12}, {"requests", 9}, {"CCRs", 8}, {"denials", -14}, {"final units", -22},
              {"bill", 14}, {"per M tokens", 12}});
}

// 62863929 -> "62.86M", 41234 -> "41.2k", 950 -> "950" (the CSV has the exact counts).
std::string count_text(uint64_t n) {
  char text[32];
  if (n >= 1'000'000) {
    std::snprintf(text, sizeof text, "%.2fM", static_cast<double>(n) / 1e6);
  } else if (n >= 10'000) {
    std::snprintf(text, sizeof text, "%.1fk", static_cast<double>(n) / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(n));
  }
  return text;
}

// Revenue split: fees, the packs the simulator bought, and the rest of the spend (overage).
struct Revenue {
  int64_t fees = 0, packs = 0, overage = 0;
  int64_t total() const { return fees + packs + overage; }
};

Revenue revenue_of(const Bill& bill, const Usage& u) {
  Revenue r;
  r.fees = bill.fees_charged;
  r.packs = std::min(u.pack_money, bill.spend);
  r.overage = bill.spend - r.packs;
  return r;
}

std::string money(int64_t m) { return format_money(m, ""); }

std::string plan_row(const std::string& name, const std::string& subs, const Usage& u,
                     const std::optional<Bill>& bill) {
  // A unit the plan's subscribers never used shows "-", like an empty count.
  auto or_dash = [](uint64_t n, const std::string& text) { return n == 0 ? "-" : text; };
  std::vector<std::pair<std::string, int>> cells = {
      {name, -16}, {subs, 4}, {or_dash(u.tokens_used, count_text(u.tokens_used)), 8},
      {or_dash(u.bytes_used, data_text(u.bytes_used)), 10},
      {or_dash(u.requests_used, count_text(u.requests_used)), 8}, {denials_text(u), -15},
      {final_units_text(u), -21}};
  if (bill) {
    Revenue r = revenue_of(*bill, u);
    std::optional<int64_t> price = price_per_million_tokens(r.total(), u.tokens_used);
    cells.insert(cells.end(), {{money(r.fees), 8}, {money(r.packs), 6}, {money(r.overage), 8},
                               {money(r.total()), 8}, {price ? money(*price) : "-", 7}});
  }
  return row(cells);
}

std::string plan_header(const std::string& currency, bool bills) {
  std::vector<std::pair<std::string, int>> cells = {
      {"plan", -16}, {"subs", 4}, {"tokens", 8}, {"data", 10}, {"requests", 8},
      {"denials", -15}, {"final units", -21}};
  if (bills) {
    cells.insert(cells.end(), {{"fees", 8}, {"packs", 6}, {"overage", 8},
                               {"revenue", 8}, {"/M tok", 7}});
  }
  std::string line = row(cells);
  if (bills && !currency.empty()) line.insert(line.size() - 1, "  (" + currency + ")");
  return line;
}

}  // namespace

std::string month_text(const MonthReport& r, bool per_subscriber) {
  char head[256];
  int offset = r.utc_offset_minutes < 0 ? -r.utc_offset_minutes : r.utc_offset_minutes;
  std::snprintf(head, sizeof head,
                "month from %s, %d days (UTC%c%02d:%02d), seed %llu: %zu subscribers, %llu "
                "sessions, %llu CCRs in %.1f s\n",
                r.start_date.c_str(), r.days, r.utc_offset_minutes < 0 ? '-' : '+', offset / 60,
                offset % 60, static_cast<unsigned long long>(r.seed), r.subscribers.size(),
                static_cast<unsigned long long>(r.total.sessions),
                static_cast<unsigned long long>(r.total.ccrs), r.wall_seconds);
  std::string out = head;
  std::optional<Bill> total_revenue;
  for (const PlanMonth& p : r.plans) {
    if (!p.revenue) continue;
    if (!total_revenue) total_revenue = Bill{0, 0, p.revenue->currency};
    total_revenue->spend += p.revenue->spend;
    total_revenue->fees_charged += p.revenue->fees_charged;
  }
  out += plan_header(total_revenue ? total_revenue->currency : "", total_revenue.has_value());
  for (const PlanMonth& p : r.plans) {
    // A plan whose accounts had no bill shows none, even when others have one.
    std::optional<Bill> revenue = p.revenue;
    if (total_revenue && !revenue) revenue = Bill{0, 0, total_revenue->currency};
    out += plan_row(p.plan, std::to_string(p.subscribers), p.usage, revenue);
  }
  out += plan_row("total", std::to_string(r.subscribers.size()), r.total, total_revenue);
  std::string codes;
  for (const auto& [code, n] : r.total.ccrs_by_result) {
    codes += " " + std::to_string(code) + ":" + std::to_string(n);
  }
  out += "CCRs by Result-Code:" + (codes.empty() ? std::string(" none") : codes);
  if (r.total.errors > 0) out += ", no answer: " + std::to_string(r.total.errors);
  out += "\n";
  if (r.consistency.checks > 0 || r.consistency.skipped > 0) {
    out += r.consistency.summary("consistency of the refusals and accounts");
  }
  if (!per_subscriber) return out;
  std::map<std::string, std::optional<Bill>> bills;
  for (const AccountBill& b : r.bills) bills[b.account] = b.bill;
  out += "\n" + header("subscriber", "");
  for (const SubscriberMonth& m : r.subscribers) {
    // A team member's bill is its team's: shown on the account's own row only.
    std::optional<Bill> bill = m.account == m.id ? bills[m.id] : std::nullopt;
    out += line_of(m.id, "", m.usage, bill);
  }
  return out;
}

}  // namespace gyrate::sim
