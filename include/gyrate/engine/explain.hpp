// Explanation: what Engine::explain reports about one reserve request: the answer reserve() would
// give, the plan, block, model and context values the decision read, the rule behind each value
// (with its source range; locate() turns it into FILE:LINE), the buckets it would draw from, the
// price, what limits the grant, and plain-English reasons for its size. For tariff designers
// (`gyratec explain`) and OCS vendors (the C ABI, the admin API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/engine/account.hpp"
#include "gyrate/ruleslang/source.hpp"

namespace gyrate::engine {

// A bucket of the service, in the order a commit draws from them (rule 4).
struct ExplainedBucket {
  BucketOrigin origin = BucketOrigin::kAllowance;
  std::string offer;
  int64_t amount = 0;  // allowance units it holds now
  int64_t valid_from = 0;
  int64_t valid_until = kNeverEnds;
  int64_t gives = 0;   // allowance units of the answer's debit it would give, committed in full now
};

// A rolling-window limit of the block (rule 13).
struct ExplainedWindow {
  int64_t seconds = 0;
  bool counts_requests = false;
  int64_t counted = 0;              // units (or requests) in the window, open reservations included
  std::optional<int64_t> limit;     // none when its rule did not match
};

// One function of the service's block and the rule that gave its value: a `when` rule that held,
// the unconditional rule, a model's declared weight, or none (the documented default holds).
struct FiredRule {
  std::string role;         // lang::ir::role_name: "weight", "grant", "window_limit", ...
  uint16_t aux = 0;         // window_limit: which window
  bool matched = false;     // false: no rule applied
  std::string fault;        // the rule could not be evaluated here (an extension call); else empty
  int64_t value = 0;        // as the function returned it (ratios and money in millionths)
  std::string value_text;   // "24.0", "20000 token", "0.02 CNY", "redirect https://..."
  std::string origin;       // "rule", "model" (its declared weight), "default", "none"
  lang::SourceRange range;  // in the catalog's source; empty for a default
  // Filled by locate() from the catalog's source text: 0 and empty until then.
  uint32_t line = 0;
  uint32_t column = 0;
  std::string text;         // the rule's line as written, trimmed, without its comment
};

struct Explanation {
  std::string account;  // the id asked about (a team member's id names the member)
  std::string team;     // the team whose pool it draws on; empty for a subscriber
  std::string plan;
  int64_t plan_version = 0;
  std::string service;
  std::string unit;     // the service's unit ("token", "byte", ...)
  bool rated = false;   // the plan has a block for the service; false: no rule (5030-like)
  uint32_t block = 0;   // Program::blocks index, when rated
  std::string model;    // as asked; empty: none
  bool model_known = false;  // a model of this service (an unknown one rates as none, weight 1)
  int64_t weight = lang::kFixedScale;  // millionths of an allowance unit per unit
  int64_t requested = 0;
  int64_t time = 0;     // the time rated at (an earlier request is rated at the last one, rule 19)
  bool duplicate = false;  // (session, number) was answered already: `answer` is the stored one

  Answer answer;        // exactly what reserve() would return now
  std::string final_action;  // "terminate", "redirect https://..."; empty when none

  // The context the decision read.
  int64_t remaining = 0;      // valid buckets minus open reservations (allowance units)
  int64_t used = 0;           // this period
  int64_t member_used = 0;    // the member's own use of a pooled plan (= used for a subscriber)
  int64_t period_allowance = 0;
  int64_t spend = 0;          // money millionths this period
  int64_t period_index = 0;
  std::vector<ExplainedWindow> windows;

  // The bounds the block gives, when its rule matched.
  int64_t rule_grant = 0;     // what the grant rule (or requested, or the quota) asks for
  int64_t quota = 0;          // the service's quota (the grant when nothing is requested)
  std::optional<int64_t> usage_cap;
  std::optional<int64_t> member_cap;
  std::optional<int64_t> spend_cap;

  std::vector<ExplainedBucket> buckets;  // of the service, in draw order

  // Usage beyond the buckets is sold (the exhaust action is `charge`): overage_price per
  // overage_block units, money millionths.
  bool charge = false;
  bool has_overage_price = false;
  int64_t overage_price = 0;
  int64_t overage_block = 0;
  std::string currency;

  std::vector<std::string> reasons;  // why the grant has its size, one line each

  // The rules of the block, in its function order (what fired, where, with which value).
  std::string source;       // the catalog's file (lang::ir::Program::source_name)
  std::vector<FiredRule> rules;
  int32_t zone_offset_minutes = 0;  // the catalog's time zone, for local times in the text
  // What the grant's size comes down to, one word (JSON) and one sentence (text): "requested",
  // "grant_rule", "quota", "balance", "usage_cap", "member_cap", "window", "spend_cap",
  // "not_eligible", "model_not_allowed", "no_rule", "rating_failed", "repeat".
  std::string limited_by;
  std::string limit;
  int limit_rule = -1;      // the rule in `rules` behind the limit (grant, cap, window); -1: none
  // The money this grant would cost beyond the buckets (the overage price, `charge`), in the
  // plan's currency: quote(e, answer.grant).
  int64_t cost = 0;
};

// Fills each rule's line, column and text from the catalog's source (Explanation::source must
// be source.name(); other rules are left as they are). The engine keeps no source text: the
// caller that loaded the file passes it.
void locate(Explanation& e, const lang::SourceFile& source);

// What `requested` raw units would cost now (Gy PRICE_ENQUIRY, CHECK_BALANCE): the units the
// buckets cover cost nothing more (the fee or the pack paid for them); the rest costs the
// overage price when the exhaust action is `charge`, as a commit would price it.
struct Quote {
  bool covered = false;    // the buckets cover every unit
  bool available = false;  // covered, or the rest can be bought
  int64_t cost = 0;        // money millionths
};
Quote quote(const Explanation& e, int64_t requested);

// Multi-line text for people (gyratec, logs); stable wording.
std::string to_text(const Explanation& e);
// One JSON object (UTF-8, no trailing newline), for OCS vendors' tools.
std::string to_json(const Explanation& e);

}  // namespace gyrate::engine
