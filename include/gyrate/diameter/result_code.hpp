// Diameter Result-Codes (RFC 6733, RFC 4006 section 9) and the mapping from the language's
// decision outcomes to them. The language decides; this is where an outcome gets its wire name.
#pragma once

#include <cstdint>

#include "gyrate/ruleslang/decision.hpp"

namespace gyrate::diameter {

enum class ResultCode : uint32_t {
  kSuccess = 2001,                    // DIAMETER_SUCCESS
  kLimitedSuccess = 2002,             // DIAMETER_LIMITED_SUCCESS
  kCommandUnsupported = 3001,         // DIAMETER_COMMAND_UNSUPPORTED
  kUnableToDeliver = 3002,            // DIAMETER_UNABLE_TO_DELIVER
  kTooBusy = 3004,                    // DIAMETER_TOO_BUSY
  kApplicationUnsupported = 3007,     // DIAMETER_APPLICATION_UNSUPPORTED
  kEndUserServiceDenied = 4010,       // RFC 4006: not eligible, model not allowed
  kCreditControlNotApplicable = 4011, // RFC 4006: the service is free, no credit control
  kCreditLimitReached = 4012,         // RFC 4006: nothing can be granted
  kUnknownSessionId = 5002,           // DIAMETER_UNKNOWN_SESSION_ID
  kAvpUnsupported = 5001,             // DIAMETER_AVP_UNSUPPORTED
  kInvalidAvpValue = 5004,            // DIAMETER_INVALID_AVP_VALUE
  kMissingAvp = 5005,                 // DIAMETER_MISSING_AVP
  kAvpOccursTooManyTimes = 5009,      // DIAMETER_AVP_OCCURS_TOO_MANY_TIMES
  kUnableToComply = 5012,             // DIAMETER_UNABLE_TO_COMPLY
  kInvalidAvpLength = 5014,           // DIAMETER_INVALID_AVP_LENGTH
  kUserUnknown = 5030,                // RFC 4006: no such subscriber
  kRatingFailed = 5031,               // RFC 4006: no rule rates it, or rating faulted
};

inline constexpr uint32_t code_value(ResultCode c) { return static_cast<uint32_t>(c); }

// The Result-Code a decision with this outcome is answered with (per MSCC).
ResultCode result_code(lang::Outcome outcome);
// "DIAMETER_SUCCESS", "DIAMETER_CREDIT_LIMIT_REACHED", ...
const char* result_code_name(ResultCode c);

}  // namespace gyrate::diameter
