// The state of one scenario run: its catalogs, the engine, the clock, sessions, the last answer
// and the notifications not yet expected. check() resolves names and units against the tariff
// before anything runs; play() runs the steps; expect.cpp checks expectations.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/engine/engine.hpp"
#include "gyrate/engine/explain.hpp"
#include "gyrate/scenario/runner.hpp"
#include "gyrate/scenario/scenario.hpp"

namespace gyrate::scenario {

// A scenario file read whole (at most 4 MiB); the error names the path.
Expected<lang::SourceFile> read_scenario(const std::string& path);
// The directory a scenario's relative tariff paths are resolved in.
std::string directory_of(const std::string& path);

class Player {
 public:
  Player(const lang::SourceFile& file, std::string base_dir, const RunOptions& options,
         Report& report)
      : file_(file), base_dir_(std::move(base_dir)), options_(options), report_(report) {}

  // Loads every tariff the scenario names and checks the scenario against the first; false
  // (with diagnostics in the report) when it cannot run.
  bool check(const Scenario& scenario);
  void play(const Scenario& scenario);
  // `gyratec explain`: the scenario's `tariff` line loads this file instead (before check()).
  void replace_tariff(std::string path) { tariff_ = std::move(path); }
  // Plays the steps before `line`, then explains the reserve step on it (explain.cpp).
  Expected<engine::Explanation> explain_at(const Scenario& scenario, uint32_t line);

 private:
  struct Verdict {  // of one expectation
    bool ok = false;
    std::string expected;
    std::string got;
  };

  void step(const Step& s);
  engine::ReserveRequest reserve_request(const Step& s);
  static std::string session_of(const Step& s);
  uint32_t next_number(const Step& s, const std::string& session);
  void expect(const Step& s);
  Verdict check_answer(const Expectation& e);
  Verdict check_balance(const Expectation& e);
  Verdict check_notified(const Expectation& e);
  void record(const Step& s, const std::string& answer);
  void refuse_unexpected_error();
  void summarize();

  std::shared_ptr<const engine::Catalog> load(const Step& s, lang::Diagnostics& diagnostics);
  int64_t resolve(const TimeSpec& t) const;
  const lang::ir::Program& program() const { return engine_->catalog()->program(); }
  lang::Dim service_dim(const std::string& service) const;
  int currency_decimals() const;
  std::string currency_name() const;
  std::string quantity(int64_t amount, const std::string& service) const;
  std::string money(int64_t micros) const;

  const lang::SourceFile& file_;
  std::string base_dir_;
  const RunOptions& options_;
  Report& report_;

  std::map<uint32_t, std::shared_ptr<const engine::Catalog>> catalogs_;  // by the step's line
  std::vector<lang::SourceFile> sources_;  // of every catalog loaded, to locate explained rules
  std::string tariff_;                     // replace_tariff()
  std::unique_ptr<engine::Engine> engine_;
  int32_t zone_ = 0;  // the first catalog's UTC offset, minutes: local times of the scenario
  int64_t clock_ = 0;
  bool clock_set_ = false;
  std::vector<std::string> subscribers_;     // provisioned ids, in order, for the summary
  std::map<std::string, uint32_t> numbers_;  // "subscriber/session" -> last request number
  uint32_t orders_ = 0;

  const Step* last_step_ = nullptr;  // the last request; expectations about answers read it
  std::string last_service_;
  std::optional<engine::Answer> answer_;
  std::string error_;                // the last request's refusal; empty when it was answered
  bool error_expected_ = true;
  std::map<std::string, std::vector<engine::Notification>> notifications_;
};

}  // namespace gyrate::scenario
