// Decision outcomes answer with RFC 4006's Result-Codes.
#include "gyrate/diameter/result_code.hpp"

#include <gtest/gtest.h>

namespace gyrate::diameter {
namespace {

using lang::Outcome;

TEST(ResultCode, EachOutcomeHasItsRfc4006Code) {
  EXPECT_EQ(code_value(result_code(Outcome::kGranted)), 2001u);
  EXPECT_EQ(code_value(result_code(Outcome::kNotEligible)), 4010u);
  EXPECT_EQ(code_value(result_code(Outcome::kModelNotAllowed)), 4010u);
  EXPECT_EQ(code_value(result_code(Outcome::kNoRule)), 5031u);
  EXPECT_EQ(code_value(result_code(Outcome::kExhausted)), 4012u);
  EXPECT_EQ(code_value(result_code(Outcome::kRatingFailed)), 5031u);
}

TEST(ResultCode, NamesAreTheRfcNames) {
  EXPECT_STREQ(result_code_name(ResultCode::kCreditLimitReached), "DIAMETER_CREDIT_LIMIT_REACHED");
  EXPECT_STREQ(result_code_name(ResultCode::kUserUnknown), "DIAMETER_USER_UNKNOWN");
  EXPECT_STREQ(result_code_name(result_code(Outcome::kRatingFailed)), "DIAMETER_RATING_FAILED");
  EXPECT_STREQ(result_code_name(ResultCode::kApplicationUnsupported), "DIAMETER_APPLICATION_UNSUPPORTED");
  EXPECT_STREQ(result_code_name(ResultCode::kAvpOccursTooManyTimes), "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES");
  EXPECT_EQ(code_value(ResultCode::kAvpOccursTooManyTimes), 5009u);
}

}  // namespace
}  // namespace gyrate::diameter
