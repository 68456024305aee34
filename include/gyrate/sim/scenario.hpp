// Gy scenario files for integrators: each step sends one CCR (or repeats one) and lists what the
// answer must hold. The format is docs/simulator.md's; parse errors come back as Diagnostics
// rendered like the tariff language's (file:line:col, the line, a caret).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gyrate/diameter/gy_message.hpp"
#include "gyrate/ruleslang/diagnostic.hpp"
#include "gyrate/ruleslang/source.hpp"
#include "gyrate/sim/units.hpp"

namespace gyrate::sim {

// A CCR to send. Session-Id and, unless given, CC-Request-Number are the runner's (it makes real
// Session-Ids from the names and counts per session); Origin and Destination are the client's.
struct RequestStep {
  std::string session;                   // the scenario's name for the session
  std::optional<uint32_t> request_number;
  diameter::CreditControlRequest ccr;    // Subscription-Id empty: the session's last one
};

// Repeats a request already sent, byte-identical with the T flag (a duplicate).
struct ResendStep {
  std::optional<std::string> session;  // none: the last request sent
  std::optional<uint32_t> request_number;  // none: the session's last request
};

enum class ExpectKind : uint8_t {
  kResult,        // top-level Result-Code
  kMsccResult,    // an MSCC's Result-Code
  kGranted,       // GSU in a unit kind, exact or at least
  kNoGranted,     // no GSU
  kValidity,      // Validity-Time seconds
  kNoValidity,
  kFinal,         // Final-Unit-Action (+ Redirect-Server-Address / Filter-Id when given)
  kNoFinal,       // no Final-Unit-Indication
  kThreshold,     // the quota threshold of the quantity's kind
  kNoThreshold,
  kFailedAvp,     // Failed-AVP names this AVP code
  kUnavailable,   // no answer in time
  kNoMscc,        // the answer has no MSCC for this rating group (or none at all)
  kCheckBalance,  // Check-Balance-Result (code: 0 ENOUGH_CREDIT, 1 NO_CREDIT)
  kCost,          // Cost-Information: the amount and the currency
};

// An exact decimal amount, digits x 10^exponent, normalized (no trailing zero digit) so equal
// amounts compare equal.
struct Amount {
  int64_t digits = 0;
  int32_t exponent = 0;
  uint32_t currency = 0;  // ISO 4217 numeric
  bool operator==(const Amount&) const = default;
};
Amount normalized(Amount a);

struct Expectation {
  ExpectKind kind = ExpectKind::kResult;
  uint32_t line = 0;
  std::string text;                       // as written, for the report
  std::optional<uint32_t> rating_group;   // none: the answer's only MSCC
  uint32_t code = 0;                      // Result-Code, Failed-AVP code
  Quantity quantity;                      // granted, threshold; validity in kTime seconds
  bool at_least = false;                  // granted >= quantity
  diameter::FinalUnitAction action = diameter::FinalUnitAction::kTerminate;
  std::optional<std::string> argument;    // redirect address, filter id
  Amount cost;                            // kCost
};

struct Step {
  uint32_t line = 0;
  std::string text;  // the step's first line, for the report
  std::variant<RequestStep, ResendStep> action;
  std::vector<Expectation> expectations;
};

struct Scenario {
  std::string name;
  std::vector<Step> steps;
};

struct ScenarioParse {
  std::optional<Scenario> scenario;  // set when there is no error
  lang::Diagnostics diagnostics;
};

// Parses a whole file; every error found is reported (one per statement at most).
ScenarioParse parse_scenario(const lang::SourceFile& file);

}  // namespace gyrate::sim
