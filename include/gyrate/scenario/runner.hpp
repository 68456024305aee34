// Plays a parsed scenario through engine::Engine and checks its expectations. The report is data
// (events in order, counts, rendered diagnostics); `gyratec test` only prints it.
#pragma once

#include <string>
#include <vector>

#include "gyrate/engine/catalog.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/source.hpp"

namespace gyrate::scenario {

struct RunOptions {
  engine::CatalogOptions catalog;  // how every tariff of the scenario is loaded (JIT by default)
};

enum class EventKind : uint8_t {
  kStep,  // a step and its answer ("2026-03-05 10:00  alice reserve llm 100k token -> granted ...")
  kPass,  // an expectation that held
  kFail,  // "file:line: expected X, got Y (step ...)": an expectation that did not, or a step
          // the engine refused with no `expect error` after it
  kSummary,  // at the end, per subscriber: the bill and each service's quota at the last clock
};

struct Event {
  EventKind kind = EventKind::kStep;
  uint32_t line = 0;
  std::string text;
};

struct Report {
  std::string path;
  // The scenario did not parse, or a tariff it names did not load or does not fit it: nothing
  // ran, `diagnostics` says why (file:line:col with the line and a caret).
  bool setup_failed = false;
  std::string diagnostics;
  std::vector<Event> events;
  int passed = 0;
  int failed = 0;
  // 0: every expectation held; 1: one failed; 2: setup failed.
  int exit_code() const { return setup_failed ? 2 : failed > 0 ? 1 : 0; }
};

// Reads, parses and plays one scenario file; tariff paths are relative to the file's directory.
Report run_file(const std::string& path, const RunOptions& options);
// The same on a scenario held in memory; `base_dir` resolves its relative tariff paths.
Report run(const lang::SourceFile& file, const std::string& base_dir, const RunOptions& options);

// The Gy Result-Code an answer with this outcome carries, as docs/engine-accounts.md documents
// it (2001, 4010, 4012, 5031). The wire mapping lives in gyrate_diameter, which this library
// may not depend on; tests/scenario checks that both agree.
uint32_t result_code(lang::Outcome outcome);

}  // namespace gyrate::scenario
