// gyrate-sim's month mode: a population plays a calendar month of LLM-gateway and packet-gateway
// sessions against a Gy server, hour by hour in simulated time (every CCR carries its
// Event-Timestamp), and the month comes back as a report per subscriber, per plan and per day.
// The runner only speaks Gy through `exchange`; bills come from whoever `bill_of` asks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/diameter/gy_message.hpp"
#include "gyrate/sim/month_check_types.hpp"
#include "gyrate/sim/population.hpp"

namespace gyrate::sim {

// Sends one CCR and waits for its CCA. Called from several threads at once.
using Exchange = std::function<Expected<diameter::CreditControlAnswer>(
    const diameter::CreditControlRequest&)>;

// What an account was charged, in currency millionths (the admin API's `spend` and
// `fees_charged`).
struct Bill {
  int64_t spend = 0;         // packs, overage
  int64_t fees_charged = 0;  // recurring and one-off fees
  std::string currency;
  int64_t total() const { return spend + fees_charged; }
};
using BillLookup = std::function<std::optional<Bill>(const std::string& account)>;

struct MonthProgress {
  int day = 0;   // days played
  int days = 0;
  uint64_t ccrs = 0;
  uint64_t denials = 0;      // refused requests so far (4010, 4012, 5030, 5031)
  uint64_t final_units = 0;  // final-unit indications so far
  double ccr_per_second = 0;  // since the start, wall clock
};

struct MonthOptions {
  int start_year = 2026;  // the first local day played
  int start_month = 11;
  int start_day = 1;
  int days = 0;           // 0: up to the same day of the next month (a calendar month)
  uint64_t seed = 1;
  int threads = 2;
  std::string origin_host = "sim.gyrate.test";  // for Session-Ids and the CCR's Origin-*
  std::string origin_realm = "gyrate.test";
  std::string destination_realm = "gyrate.test";
  // Session-Ids are "<origin_host>;<session_tag>;<subscriber>.<n>". Empty: the wall clock's
  // seconds, so replaying a seed against the same server does not reuse Session-Ids (which it
  // would answer as duplicates).
  std::string session_tag;
  // Workers meet every `step_seconds` of simulated time and each sends its CCRs in Event-Timestamp
  // order, so two CCRs in flight are never further apart than this: keep it below the server's
  // supervision timer (Tcc), or a server driven by the requests' time releases sessions that are
  // only waiting for another worker. Divides a day; 1..3600.
  int step_seconds = 300;
  uint64_t max_errors = 100;  // exchanges that fail (no answer) before the run gives up
  std::function<void(const MonthProgress&)> progress;  // once per simulated day
  BillLookup bill_of;  // empty: no bills in the report (unless account_of gives them)
  // The server's accounts after the month: with it, the bills are the month's (the fee of the
  // period that started in it, and that period's spend) and the accounts are checked (no
  // reservation outlives its session, no overrun). Takes the place of bill_of.
  AccountLookup account_of;
  // The server's account of a refused request (4012), asked right after the refusal: the
  // consistency check compares its limiter with its numbers.
  RefusalLookup refusal_of;
  // Buys a pack for a subscriber (a top-up after a redirect, TopUp); the money charged, or
  // nullopt when the server refused.
  std::function<std::optional<int64_t>(const std::string& subscriber, const std::string& pack,
                                       const std::string& order)> buy_pack;
};

// The final-unit actions and denials the report counts.
enum class Denial : uint8_t { k4010, k4012, k5030, k5031, kCount };
enum class FinalAction : uint8_t { kTerminate, kRedirect, kRestrict, kCount };

// Counters of one subscriber (or a sum of them). Per-day series are indexed by day played.
struct Usage {
  uint64_t tokens_used = 0;
  uint64_t tokens_granted = 0;
  uint64_t bytes_used = 0;
  uint64_t bytes_granted = 0;
  uint64_t requests_used = 0;  // services counted in requests ("unit": "request")
  uint64_t requests_granted = 0;
  uint64_t sessions = 0;
  uint64_t ccrs = 0;
  uint64_t errors = 0;  // exchanges with no answer
  std::map<uint32_t, uint64_t> tokens_by_model;  // Service-Identifier -> tokens used
  std::map<uint32_t, uint64_t> ccrs_by_result;   // top-level Result-Code -> CCRs
  uint64_t packs = 0;       // packs bought (top-ups)
  int64_t pack_money = 0;   // what they cost, currency millionths
  uint64_t denials[static_cast<int>(Denial::kCount)] = {};
  uint64_t final_units[static_cast<int>(FinalAction::kCount)] = {};
  uint64_t denial_total() const;
  uint64_t final_unit_total() const;
  void add(const Usage& other);
};

// What a session counts in: its service's unit.
enum class UnitKind : uint8_t { kTokens, kRequests, kBytes, kCount };

struct DaySeries {
  std::vector<uint64_t> tokens_used, tokens_granted, bytes_used, bytes_granted, requests_used,
      requests_granted, denials, final_units;
  // The denials and final-unit indications again, split by the unit of the service refused.
  std::vector<uint64_t> denials_by_unit[static_cast<int>(UnitKind::kCount)];
  std::vector<uint64_t> final_units_by_unit[static_cast<int>(UnitKind::kCount)];
  void resize(size_t days);
  void add(const DaySeries& other);
};

struct SubscriberMonth {
  std::string id, account, plan, group;
  std::string identity;  // "e164:+86..." as the population gave it
  Usage usage;
  DaySeries daily;
};

struct AccountBill {
  std::string account;
  std::string plan;
  Bill bill;
};

struct PlanMonth {
  std::string plan;
  size_t subscribers = 0;
  Usage usage;
  DaySeries daily;
  std::optional<Bill> revenue;  // the sum of its accounts' bills, when bills were asked for
};

struct MonthReport {
  std::string start_date;  // YYYY-MM-DD, local
  int days = 0;
  int32_t utc_offset_minutes = 0;
  uint64_t seed = 0;
  double wall_seconds = 0;
  std::vector<SubscriberMonth> subscribers;  // population order
  std::vector<AccountBill> bills;            // accounts whose bill was found, first-seen order
  std::vector<PlanMonth> plans;              // first-seen order
  Usage total;
  Consistency consistency;  // what the checks found (none ran: 0 checks)
};

// Plays the month. Fails (without a report) when the options are unusable or more than
// `max_errors` exchanges got no answer; a server's refusals are part of the report, not failures.
Expected<MonthReport> run_month(const Exchange& exchange, const Population& population,
                                const MonthOptions& options);

// Effective price per million tokens in currency millionths: bill * 1e6 / tokens, rounded half
// up, in integers; nullopt when no token was used.
std::optional<int64_t> price_per_million_tokens(int64_t bill_millionths, uint64_t tokens);

const char* denial_name(Denial d);        // "4012"
const char* final_action_name(FinalAction a);  // "terminate"

}  // namespace gyrate::sim
