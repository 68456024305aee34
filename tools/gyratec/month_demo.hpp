// A scripted month of usage played against a catalog through an Evaluator and decide(): the demo
// that shows a catalog working before the engine and the OCS exist. The balance keeping here is
// deliberately simple (one bucket per service); the engine will own the real thing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gyrate/ruleslang/evaluator.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::tools {

struct UsagePattern {
  std::string service;
  std::string model;             // empty: no model
  int64_t units_per_request = 0;
  int requests_per_day = 0;
  int first_hour = 8;            // requests spread evenly over [first_hour, last_hour]
  int last_hour = 22;
};

struct ScriptedSubscriber {
  std::string name;
  std::string plan;
  int billing_day = 1;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<UsagePattern> usage;
  int packs_to_buy = 0;          // buys a pack each time the balance runs out, up to this many
};

struct ServiceReport {
  std::string service;
  lang::Dim dim = lang::Dim::kToken;
  int64_t used = 0;
  int64_t allowance = 0;         // the period allowance
  int64_t quota = 0;             // allowance plus promos and packs put in the bucket
  int64_t grants = 0;
  int64_t denials = 0;
  int64_t overage_cost = 0;      // money millionths
  int first_exhausted_day = -1;  // day index in the period, -1 never
  std::string exhausted_how;     // "redirect https://...", "4010 not_eligible", ...
};

struct SubscriberReport {
  std::string name;
  std::string plan;
  int64_t period_start = 0;      // days since epoch
  int64_t period_end = 0;
  int64_t fee = 0;
  int64_t packs_cost = 0;
  int packs_bought = 0;
  std::vector<ServiceReport> services;
  int64_t bill() const;
};

std::vector<ScriptedSubscriber> demo_subscribers();

// Plays each subscriber's first period starting from `first_date` (days since epoch).
std::vector<SubscriberReport> play_month(const lang::ir::Program& program,
                                         const lang::Evaluator& eval,
                                         const std::vector<ScriptedSubscriber>& subscribers,
                                         int64_t first_date, uint64_t* decisions);

}  // namespace gyrate::tools
