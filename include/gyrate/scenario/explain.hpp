// `gyratec explain`'s library half: one reserve request explained (engine::Explanation, its rules
// located in the tariff's source) against a subscriber state built either by playing a designer
// scenario up to one of its reserve steps, or by provisioning a fresh subscriber and committing
// some usage first. The tool only parses flags and prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gyrate/engine/explain.hpp"
#include "gyrate/scenario/runner.hpp"

namespace gyrate::scenario {

struct ExplainResult {
  std::optional<engine::Explanation> explanation;  // set when it worked
  // Why there is none: a scenario or tariff that did not load (rendered diagnostics, several
  // lines), a LINE that is not a reserve step, a name the catalog does not know, ...
  std::string error;
};

// Plays the scenario at `path` up to `line` (which must hold a reserve step) and explains that
// step's request against the state then. `tariff`, when not empty, stands in for the scenario's
// `tariff` line (relative to the working directory, as given); `publish` lines keep theirs.
ExplainResult explain_at(const std::string& path, uint32_t line, const std::string& tariff,
                         const RunOptions& options);

// A fresh subscriber: provisioned on `plan` at `at` with `attributes`, then for each `used`
// (service, amount) one reserve and commit of that much at the same time, then the request.
// Amounts are text in the service's unit ("2M", "500k token", "2 GiB"); empty `requested` asks
// for nothing (the service's quota).
struct FreshRequest {
  std::string tariff;                 // the catalog file
  std::string plan;
  int64_t version = 0;                // 0: whichever the plan's newest in effect at `at` is
  bool at_given = false;              // false: now
  bool at_unix = false;               // `at` is unix seconds; else local wall-clock seconds
  int64_t at = 0;                     // local: as if the zone were UTC (the tool's parse_time
                                      // with offset 0); the catalog's zone is applied here
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::pair<std::string, std::string>> used;  // (service, amount)
  std::string service;
  std::string model;
  std::string requested;
};
ExplainResult explain_fresh(const FreshRequest& request, const RunOptions& options);

}  // namespace gyrate::scenario
