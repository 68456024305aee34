// gyrate-sim scenario FILE...: parses every file first (nothing is sent when one does not parse),
// then plays them in order, printing each step, its answer and each expectation.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "connection.hpp"
#include "gyrate/sim/scenario_runner.hpp"

namespace gyrate::sim_tool {
namespace {

void help() {
  std::printf(
      "usage: gyrate-sim scenario FILE... [--quiet] [connection flags]\n\n"
      "Plays Gy scenario files (docs/simulator.md) against a server: each step sends a CCR and\n"
      "checks the answer. Prints every step and PASS/FAIL per expectation, then `N passed, M failed`.\n"
      "Exit status: 0 all passed, 1 an expectation failed, 2 a file does not parse or no connection.\n\n"
      "  --quiet                  print only failures and the totals\n\n%s",
      kConnectionHelp);
}

void print_step(const std::string& file, const sim::StepResult& step, bool quiet) {
  bool all_passed = true;
  for (const sim::CheckResult& c : step.checks) all_passed &= c.passed;
  if (quiet && all_passed) return;
  std::printf("%s:%u: %s\n  -> %s\n", file.c_str(), step.line, step.sent.c_str(), step.answer.c_str());
  for (const sim::CheckResult& c : step.checks) {
    if (c.passed) {
      if (!quiet) std::printf("  PASS %s\n", c.expectation.c_str());
    } else {
      std::printf("  FAIL %s (line %u): got %s\n", c.expectation.c_str(), c.line, c.got.c_str());
    }
  }
  std::fflush(stdout);
}

}  // namespace

int scenario_command(const ConnectionOptions& connection, std::span<char*> args) {
  std::vector<std::string> files;
  bool quiet = false;
  for (char* arg : args) {
    std::string_view a = arg;
    if (a == "--help" || a == "-h") {
      help();
      return 0;
    }
    if (a == "--quiet") {
      quiet = true;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "gyrate-sim scenario: unknown flag `%s` (see --help)\n", arg);
      return 2;
    } else {
      files.emplace_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "gyrate-sim scenario: no scenario file (see --help)\n");
    return 2;
  }
  std::vector<sim::Scenario> scenarios;
  bool parsed = true;
  for (const std::string& f : files) {
    sim::LoadedScenario loaded = sim::load_scenario_file(f);
    if (!loaded.scenario) {
      std::fputs(loaded.diagnostics.c_str(), stderr);
      parsed = false;
    } else {
      scenarios.push_back(std::move(*loaded.scenario));
    }
  }
  if (!parsed) return 2;
  auto client = connect_or_complain(connection);
  if (!client) return 2;
  int passed = 0;
  int failed = 0;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    sim::ScenarioReport report = sim::run_scenario(
        *client, scenarios[i], [&](const sim::StepResult& s) { print_step(files[i], s, quiet); });
    if (scenarios.size() > 1) {
      std::printf("%s: %d passed, %d failed\n", files[i].c_str(), report.passed, report.failed);
    }
    passed += report.passed;
    failed += report.failed;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  std::fflush(stdout);
  client->close();
  return failed == 0 ? 0 : 1;
}

}  // namespace gyrate::sim_tool
