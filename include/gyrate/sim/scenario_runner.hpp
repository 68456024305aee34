// Plays a parsed scenario against a Gy server through GyClient and checks every expectation.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/diameter/gy_client.hpp"
#include "gyrate/sim/scenario.hpp"

namespace gyrate::sim {

struct CheckResult {
  bool passed = false;
  uint32_t line = 0;
  std::string expectation;  // as written
  std::string got;          // what the answer held, when it failed
};

struct StepResult {
  uint32_t line = 0;
  std::string sent;    // "CCR-I s1 #0 e164:8613800138000 rg 100 rsu 400000 units"
  std::string answer;  // "2001; rg 100: 2001 gsu 400000 units vt 3600" or the failure
  bool answered = false;
  std::vector<CheckResult> checks;  // an unexpected missing answer is one failed check
};

struct ScenarioReport {
  std::string name;
  std::vector<StepResult> steps;
  int passed = 0;
  int failed = 0;
};

// Runs the steps in order; `on_step` (optional) sees each step as it completes, for printing.
ScenarioReport run_scenario(diameter::GyClient& client, const Scenario& scenario,
                            const std::function<void(const StepResult&)>& on_step = {});

// Reads and parses a scenario file: the scenario, or `diagnostics` rendered (file:line:col, the
// line, a caret) when it cannot be read or does not parse.
struct LoadedScenario {
  std::optional<Scenario> scenario;
  std::string diagnostics;
};
LoadedScenario load_scenario_file(const std::string& path);

}  // namespace gyrate::sim
