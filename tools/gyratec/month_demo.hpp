// A scripted month of usage played through engine::Engine: who joins which plan when, and which
// requests they send. Balances, fees, packs, overage and refusals are the engine's; this file
// only scripts the requests and collects what the engine answers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/engine.hpp"
#include "gyrate/ruleslang/calendar.hpp"
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
  lang::calendar::CivilDate joined;  // activated at local midnight of this day
  int billing_day = 1;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<UsagePattern> usage;
  std::string pack;              // the pack bought when the balance runs out ("" : none)
  int packs_to_buy = 0;          // at most this many
};

struct ServiceReport {
  std::string service;
  lang::Dim dim = lang::Dim::kToken;
  // Allowance units (raw units x weight, engine rule 1), from Engine::balances.
  int64_t used = 0;
  int64_t remaining = 0;         // at the end of the played days
  int64_t quota = 0;             // what provisioning put in (allowance, promos) plus every pack
  int64_t raw_used = 0;          // raw units the script reported in its commits
  int64_t grants = 0;
  int64_t denials = 0;
  int first_refusal_day = -1;    // day index from activation of the first refusal or final grant
  std::string refusal_how;       // "4012 exhausted (balance), redirect https://...", ...
};

struct SubscriberReport {
  std::string name;
  std::string plan;
  int64_t period_start = 0;      // local days since epoch: the days played, [start, end)
  int64_t period_end = 0;
  int64_t fee = 0;               // Balances::fees_charged
  int64_t packs_cost = 0;        // what the buy_pack answers charged
  int packs_bought = 0;
  int64_t overage = 0;           // what the commit answers charged
  std::vector<ServiceReport> services;
  int64_t bill() const;
};

std::vector<ScriptedSubscriber> demo_subscribers();

// Provisions every subscriber in `engine` (new, on `catalog`) and plays its first period (at most
// one calendar month of it) in time order: each request is a reserve of the requested units then
// a commit of what was granted, at the request's time. `*decisions` counts the reserves.
Expected<std::vector<SubscriberReport>> play_month(
    engine::Engine& engine, const std::shared_ptr<const engine::Catalog>& catalog,
    const std::vector<ScriptedSubscriber>& subscribers, uint64_t* decisions);

}  // namespace gyrate::tools
