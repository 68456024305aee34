// Every field of a Decision on one line, so that tests comparing two evaluators' decisions show
// the whole of both when they differ.
#pragma once

#include <sstream>
#include <string>

#include "gyrate/ruleslang/decision.hpp"

namespace gyrate::testsupport {

inline std::string decision_text(const lang::Decision& d) {
  std::ostringstream os;
  os << "block=" << d.block << " outcome=" << static_cast<int>(d.outcome)
     << " fault=" << static_cast<int>(d.fault) << " limiter=" << static_cast<int>(d.limiter)
     << " weight=" << d.weight << " grant=" << d.grant << " debit=" << d.debit
     << " validity=" << d.validity_seconds << " threshold=" << d.threshold
     << " final=" << d.final_units << " action=" << static_cast<const void*>(d.final_action)
     << " overage=" << d.has_overage_price << "/" << d.overage_price << "/" << d.overage_block
     << " fee=" << d.fee << " allowance=" << d.allowance;
  return os.str();
}

}  // namespace gyrate::testsupport
