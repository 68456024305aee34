// Outcome -> Result-Code, and Result-Code names.
#include "gyrate/diameter/result_code.hpp"

namespace gyrate::diameter {

ResultCode result_code(lang::Outcome outcome) {
  switch (outcome) {
    case lang::Outcome::kGranted: return ResultCode::kSuccess;
    case lang::Outcome::kNotEligible: return ResultCode::kEndUserServiceDenied;
    case lang::Outcome::kModelNotAllowed: return ResultCode::kEndUserServiceDenied;
    case lang::Outcome::kNoRule: return ResultCode::kRatingFailed;
    case lang::Outcome::kExhausted: return ResultCode::kCreditLimitReached;
    case lang::Outcome::kRatingFailed: return ResultCode::kRatingFailed;
  }
  return ResultCode::kRatingFailed;
}

const char* result_code_name(ResultCode c) {
  switch (c) {
    case ResultCode::kSuccess: return "DIAMETER_SUCCESS";
    case ResultCode::kLimitedSuccess: return "DIAMETER_LIMITED_SUCCESS";
    case ResultCode::kCommandUnsupported: return "DIAMETER_COMMAND_UNSUPPORTED";
    case ResultCode::kUnableToDeliver: return "DIAMETER_UNABLE_TO_DELIVER";
    case ResultCode::kTooBusy: return "DIAMETER_TOO_BUSY";
    case ResultCode::kApplicationUnsupported: return "DIAMETER_APPLICATION_UNSUPPORTED";
    case ResultCode::kEndUserServiceDenied: return "DIAMETER_END_USER_SERVICE_DENIED";
    case ResultCode::kCreditControlNotApplicable: return "DIAMETER_CREDIT_CONTROL_NOT_APPLICABLE";
    case ResultCode::kCreditLimitReached: return "DIAMETER_CREDIT_LIMIT_REACHED";
    case ResultCode::kUnknownSessionId: return "DIAMETER_UNKNOWN_SESSION_ID";
    case ResultCode::kAvpUnsupported: return "DIAMETER_AVP_UNSUPPORTED";
    case ResultCode::kInvalidAvpValue: return "DIAMETER_INVALID_AVP_VALUE";
    case ResultCode::kMissingAvp: return "DIAMETER_MISSING_AVP";
    case ResultCode::kAvpOccursTooManyTimes: return "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES";
    case ResultCode::kUnableToComply: return "DIAMETER_UNABLE_TO_COMPLY";
    case ResultCode::kInvalidAvpLength: return "DIAMETER_INVALID_AVP_LENGTH";
    case ResultCode::kUserUnknown: return "DIAMETER_USER_UNKNOWN";
    case ResultCode::kRatingFailed: return "DIAMETER_RATING_FAILED";
  }
  return "?";
}

}  // namespace gyrate::diameter
