// What the month's consistency check reads from the server, and what it found. Issue 11: "every
// number in the report must be explainable from the catalog: a month where a plan's used and
// quota disagree with its refusals is a bug". The server's views come through callbacks
// (MonthOptions::refusal_of, account_of), so gyrate_sim stays free of HTTP.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gyrate::sim {

// The server's account of a subscriber's last reserve request, rated again right after it was
// refused (the admin API's GET /v1/subscribers/{id}/explain): the answer it gives now and the
// numbers behind it, in allowance units and currency millionths.
struct RefusalView {
  std::string service;
  bool granted = false;        // the server would grant the request now
  std::string limiter;         // "balance", "window", "usage_cap", "member_cap", "spend_cap", ...
  int64_t time = 0;            // unix seconds it was rated at
  int64_t weight = 1'000'000;  // millionths of an allowance unit per unit
  int64_t remaining = 0;       // valid buckets minus open reservations
  int64_t used = 0;            // this period
  int64_t member_used = 0;
  int64_t spend = 0;
  std::optional<int64_t> usage_cap, member_cap, spend_cap;
  int64_t overage_price = 0;   // money millionths per overage_block units; 0: not sold
  int64_t overage_block = 0;
  bool window_full = false;    // a rolling window counts at least its limit
};
using RefusalLookup = std::function<std::optional<RefusalView>(const std::string& subscriber)>;

// An account as the server shows it after the month (GET /v1/subscribers/{id}).
struct AccountState {
  std::string currency;
  int64_t spend = 0;         // this period: packs and overage
  int64_t fees_charged = 0;  // every fee since provisioning
  int64_t last_fee = 0;      // this period's fee
  int64_t period_start = 0;  // unix seconds
  int64_t open_reservations = 0;
  int64_t reserved = 0;      // allowance units the open reservations hold, all services
  int64_t overrun = 0;       // allowance units used beyond every bucket (negative buckets)
};
using AccountLookup = std::function<std::optional<AccountState>(const std::string& account)>;

// Checks made and the violations found, in the order found (the first kShown are kept).
struct Consistency {
  static constexpr size_t kShown = 10;
  uint64_t checks = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;  // refusals the server rated again too late to judge
  std::vector<std::string> violations;
  void pass() { ++checks; }
  void fail(std::string what);
  void add(const Consistency& other);
  bool ok() const { return failed == 0; }
  // "consistency: OK (412 checks)", or "consistency: 2 violations in 412 checks:" and a line
  // for each violation kept; `label` replaces "consistency".
  std::string summary(const std::string& label = "consistency") const;
};

}  // namespace gyrate::sim
