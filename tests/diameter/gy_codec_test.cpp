// The Gy codec over real libfdproto messages, without sockets: every model field survives the wire
// format both ways, and each malformed input gets the Result-Code and Failed-AVP RFC 6733 gives it.
#include <gtest/gtest.h>

#include "fd_avp.hpp"
#include "fd_gy_codec.hpp"
#include "fd_msg_edit.hpp"
#include "fd_test_core.hpp"
#include "gy_fixtures.hpp"

namespace gyrate::diameter::fd {
namespace {

using testing::find_child;
using testing::init_core;
using testing::remove_child;
using testing::over_the_wire;

CreditControlRequest sample(CcRequestType type = CcRequestType::kUpdate, uint32_t number = 1) {
  return fixtures::sample_ccr(type, number, "pgw.test;1;42", "pgw.gyrate.test", "gyrate.test");
}

// The CCR as the server's handler receives it.
struct msg* received(const CreditControlRequest& q) {
  auto built = build_ccr(q);
  EXPECT_TRUE(built.has_value()) << (built ? "" : built.status().to_string());
  return built ? over_the_wire(*built) : nullptr;
}

Decoded<CreditControlRequest> parse_built(struct msg* m) {
  struct msg* wire = over_the_wire(m);
  EXPECT_NE(wire, nullptr);
  auto parsed = parse_ccr(wire);
  fd_msg_free(wire);
  return parsed;
}

// The answer as the client's stack and codec see it (consumes m).
Decoded<CreditControlAnswer> answer_received(struct msg* m) {
  struct msg* wire = over_the_wire(m);
  EXPECT_NE(wire, nullptr);
  auto parsed = parse_cca(wire);
  fd_msg_free(wire);
  return parsed;
}

// The server refuses request m (consumed) and the client reads its error answer.
Decoded<CreditControlAnswer> error_answer_received(struct msg* m) {
  auto parsed = parse_ccr(m);
  EXPECT_FALSE(parsed.has_value());
  if (parsed.has_value() || !build_error_cca(&m, parsed.error()).is_ok()) {
    fd_msg_free(m);
    return DecodeError{};
  }
  return answer_received(m);
}

void expect_failure(const Decoded<CreditControlRequest>& parsed, ResultCode code, uint32_t avp_code,
                    std::optional<int64_t> value, uint32_t vendor = 0) {
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(code_value(parsed.error().result_code), code_value(code)) << parsed.error().message;
  ASSERT_TRUE(parsed.error().failed_avp.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed.error().failed_avp->code, avp_code);
  EXPECT_EQ(parsed.error().failed_avp->vendor_id, vendor);
  EXPECT_EQ(parsed.error().failed_avp->value, value);
}

class GyCodec : public ::testing::Test {
 protected:
  void SetUp() override { init_core(); }
};

TEST_F(GyCodec, EveryCcrFieldSurvivesTheWireForEachRequestType) {
  for (auto type : {CcRequestType::kInitial, CcRequestType::kUpdate, CcRequestType::kTermination,
                    CcRequestType::kEvent}) {
    CreditControlRequest q = sample(type, static_cast<uint32_t>(type) - 1);
    struct msg* m = received(q);
    ASSERT_NE(m, nullptr);
    auto parsed = parse_ccr(m);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
    EXPECT_EQ(*parsed, q) << "type " << static_cast<int>(type);
    fd_msg_free(m);
  }
}

TEST_F(GyCodec, ACcrWithOnlyTheRequiredAvpsParsesWithNothingElseSet) {
  CreditControlRequest q;
  q.session_id = "pgw.test;1;1";
  q.origin_host = "pgw.gyrate.test";
  q.origin_realm = "gyrate.test";
  q.destination_realm = "ocs.gyrate.test";
  q.service_context_id = "32251@3gpp.org";
  q.cc_request_type = CcRequestType::kEvent;
  struct msg* m = received(q);
  ASSERT_NE(m, nullptr);
  auto parsed = parse_ccr(m);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(*parsed, q);
  fd_msg_free(m);
}

TEST_F(GyCodec, EveryCcaFieldSurvivesTheWireAndTheSessionComesFromTheRequest) {
  CreditControlRequest q = sample();
  struct msg* m = received(q);
  ASSERT_NE(m, nullptr);
  CreditControlAnswer a = fixtures::sample_cca(q, "ocs.gyrate.test", "gyrate.test");
  a.session_id = "ignored: the answer takes the request's";
  ASSERT_TRUE(build_cca(&m, a).is_ok());
  auto parsed = answer_received(m);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  a.session_id = q.session_id;
  EXPECT_EQ(*parsed, a);
}

TEST_F(GyCodec, AnAnswerWithoutOriginTakesTheLocalIdentity) {
  struct msg* m = received(sample());
  ASSERT_NE(m, nullptr);
  CreditControlAnswer a;
  a.cc_request_type = CcRequestType::kUpdate;
  a.cc_request_number = 1;
  ASSERT_TRUE(build_cca(&m, a).is_ok());
  auto parsed = answer_received(m);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->origin_host, testing::kLocalIdentity);
  EXPECT_EQ(parsed->origin_realm, testing::kLocalRealm);
}

TEST_F(GyCodec, BadEnumeratedValuesAre5004WithTheValueInFailedAvp) {
  CreditControlRequest q = sample();
  q.cc_request_type = static_cast<CcRequestType>(99);
  expect_failure(parse_built(*build_ccr(q)), ResultCode::kInvalidAvpValue, 416, 99);

  q = sample();
  q.requested_action = static_cast<RequestedAction>(4);
  expect_failure(parse_built(*build_ccr(q)), ResultCode::kInvalidAvpValue, 436, 4);

  q = sample();
  q.subscription_ids[1].type = static_cast<SubscriptionIdType>(7);  // inside a group
  expect_failure(parse_built(*build_ccr(q)), ResultCode::kInvalidAvpValue, 450, 7);

  q = sample();
  q.mscc[1].used[1].reporting_reason = static_cast<ReportingReason>(10);  // MSCC > USU, 3GPP
  expect_failure(parse_built(*build_ccr(q)), ResultCode::kInvalidAvpValue, 872, 10, kVendor3gpp);

  q = sample();
  q.termination_cause = static_cast<TerminationCause>(0);
  expect_failure(parse_built(*build_ccr(q)), ResultCode::kInvalidAvpValue, 295, 0);

  q = sample();
  q.auth_application_id = 3;  // RFC 4006 3.1: must be 4
  expect_failure(parse_built(*build_ccr(q)), ResultCode::kInvalidAvpValue, 258, 3);
  q.auth_application_id = 4'000'000'000u;  // an Unsigned32 keeps its value
  expect_failure(parse_built(*build_ccr(q)), ResultCode::kInvalidAvpValue, 258, 4'000'000'000);

  q = sample();
  q.multiple_services_indicator = static_cast<MultipleServicesIndicator>(2);
  expect_failure(parse_built(*build_ccr(q)), ResultCode::kInvalidAvpValue, 455, 2);
}

TEST_F(GyCodec, ACcrWithoutSessionIdGetsOneFromTheCore) {
  CreditControlRequest q = sample();
  q.session_id.clear();
  struct msg* m = received(q);
  ASSERT_NE(m, nullptr);
  auto parsed = parse_ccr(m);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  // RFC 6733 8.8: <DiameterIdentity>;<high 32 bits>;<low 32 bits>[;<optional value>]
  EXPECT_EQ(parsed->session_id.rfind(std::string(testing::kLocalIdentity) + ";", 0), 0u)
      << parsed->session_id;
  EXPECT_NE(parsed->session_id.find(";gyrate"), std::string::npos) << parsed->session_id;
  fd_msg_free(m);
}

TEST_F(GyCodec, AMissingRequiredAvpIs5005ForTheStackAndForTheCodec) {
  // The stack refuses it first (the dictionary's rules), so a server never sees it...
  struct msg* m = *build_ccr(sample());
  remove_child(m, 461);  // Service-Context-Id
  std::string stack_error;
  EXPECT_EQ(over_the_wire(m, &stack_error), nullptr);
  EXPECT_EQ(stack_error, "DIAMETER_MISSING_AVP");

  // ...and the codec, which may be handed an unchecked message, agrees.
  for (uint32_t code : {263u, 264u, 296u, 283u, 258u, 461u, 416u, 415u}) {
    m = *build_ccr(sample());
    remove_child(m, code);
    auto parsed = parse_ccr(m);
    expect_failure(parsed, ResultCode::kMissingAvp, code, std::nullopt);
    fd_msg_free(m);
  }
}

TEST_F(GyCodec, ASubscriptionIdWithoutItsDataIs5005NamingTheData) {
  struct msg* m = *build_ccr(sample());
  remove_child(find_child(m, 443), 444);
  std::string stack_error;
  EXPECT_EQ(over_the_wire(m, &stack_error), nullptr);
  EXPECT_EQ(stack_error, "DIAMETER_MISSING_AVP");

  m = *build_ccr(sample());
  remove_child(find_child(m, 443), 444);
  expect_failure(parse_ccr(m), ResultCode::kMissingAvp, 444, std::nullopt);
  fd_msg_free(m);
}

TEST_F(GyCodec, ARepeatedSingleAvpIs5009ForTheStackAndForTheCodec) {
  for (bool through_stack : {true, false}) {
    struct msg* m = *build_ccr(sample());
    int err = 0;
    AvpWriter(m, &err).u32(Avp::kCcRequestNumber, 2);
    ASSERT_EQ(err, 0);
    if (through_stack) {
      std::string stack_error;
      EXPECT_EQ(over_the_wire(m, &stack_error), nullptr);
      EXPECT_EQ(stack_error, "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES");
    } else {
      expect_failure(parse_ccr(m), ResultCode::kAvpOccursTooManyTimes, 415, std::nullopt);
      fd_msg_free(m);
    }
  }
  // Inside a group the stack has no rule for it (dict_dcca has none either): only the codec sees it.
  struct msg* m = *build_ccr(sample());
  int err = 0;
  AvpWriter(find_child(m, 456), &err).u32(Avp::kRatingGroup, 5);
  expect_failure(parse_built(m), ResultCode::kAvpOccursTooManyTimes, 432, std::nullopt);
}

TEST_F(GyCodec, AnEventTimestampOfTheWrongLengthIs5014) {
  CreditControlRequest q = sample();
  q.event_timestamp.reset();
  struct msg* m = *build_ccr(q);
  int err = 0;
  AvpWriter(m, &err).str(Avp::kEventTimestamp, "abc");
  ASSERT_EQ(err, 0);
  expect_failure(parse_built(m), ResultCode::kInvalidAvpLength, 55, std::nullopt);
}

TEST_F(GyCodec, AnAnswerIsNotARequest3001AndAnotherApplicationIs3007) {
  struct msg* m = received(sample());
  ASSERT_NE(m, nullptr);
  CreditControlAnswer a = fixtures::sample_cca(sample(), "ocs.gyrate.test", "gyrate.test");
  ASSERT_TRUE(build_cca(&m, a).is_ok());
  auto as_request = parse_ccr(m);
  ASSERT_FALSE(as_request.has_value());
  EXPECT_EQ(as_request.error().result_code, ResultCode::kCommandUnsupported);
  fd_msg_free(m);

  m = *build_ccr(sample());
  struct msg_hdr* hdr = nullptr;
  fd_msg_hdr(m, &hdr);
  hdr->msg_appl = 16777238;  // Gx
  auto other_app = parse_ccr(m);
  ASSERT_FALSE(other_app.has_value());
  EXPECT_EQ(other_app.error().result_code, ResultCode::kApplicationUnsupported);
  fd_msg_free(m);
}

TEST_F(GyCodec, TheErrorAnswerCarriesResultCodeFailedAvpAndTheRequestNumbers) {
  CreditControlRequest q = sample(CcRequestType::kUpdate, 7);
  q.requested_action = static_cast<RequestedAction>(9);
  struct msg* m = received(q);
  auto a = error_answer_received(m);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->session_id, q.session_id);
  EXPECT_EQ(a->result_code, ResultCode::kInvalidAvpValue);
  EXPECT_EQ(a->origin_host, testing::kLocalIdentity);
  EXPECT_EQ(a->cc_request_type, CcRequestType::kUpdate);
  EXPECT_EQ(a->cc_request_number, 7u);
  EXPECT_EQ(a->failed_avp, (FailedAvp{.code = 436, .vendor_id = 0, .value = 9}));
}

TEST_F(GyCodec, TheErrorAnswerToABadRequestTypeEchoesItAndTheClientReadsIt) {
  CreditControlRequest q = sample(CcRequestType::kUpdate, 3);
  q.cc_request_type = static_cast<CcRequestType>(99);
  struct msg* m = received(q);
  auto a = error_answer_received(m);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->result_code, ResultCode::kInvalidAvpValue);
  EXPECT_EQ(a->cc_request_number, 3u);
  EXPECT_EQ(static_cast<int>(a->cc_request_type), 99);
  EXPECT_EQ(a->failed_avp, (FailedAvp{.code = 416, .vendor_id = 0, .value = 99}));
}

TEST_F(GyCodec, TheErrorAnswerToAMissingAvpNamesItWithoutAValue) {
  struct msg* m = received(sample());
  ASSERT_NE(m, nullptr);
  remove_child(m, 461);
  auto a = error_answer_received(m);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->result_code, ResultCode::kMissingAvp);
  EXPECT_EQ(a->failed_avp, (FailedAvp{.code = 461, .vendor_id = 0, .value = std::nullopt}));
}

TEST_F(GyCodec, AProtocolErrorAnswerHasTheEBit) {
  struct msg* m = received(sample());
  ASSERT_NE(m, nullptr);
  DecodeError e;
  e.result_code = ResultCode::kApplicationUnsupported;
  ASSERT_TRUE(build_error_cca(&m, e).is_ok());
  struct msg_hdr* hdr = nullptr;
  fd_msg_hdr(m, &hdr);
  EXPECT_NE(hdr->msg_flags & CMD_FLAG_ERROR, 0);
  auto a = answer_received(m);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->result_code, ResultCode::kApplicationUnsupported);
}

TEST_F(GyCodec, ASuccessAnswerWithoutOrWithABadRequestIdIsRefusedByTheClient) {
  struct msg* m = received(sample());
  ASSERT_NE(m, nullptr);
  ASSERT_TRUE(build_cca(&m, fixtures::sample_cca(sample(), "ocs.gyrate.test", "gyrate.test")).is_ok());
  remove_child(m, 415);
  auto a = parse_cca(m);
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().result_code, ResultCode::kMissingAvp);
  EXPECT_EQ(a.error().failed_avp->code, 415u);
  fd_msg_free(m);

  // A success with an invalid CC-Request-Type is refused too (an error answer may echo one).
  m = received(sample());
  ASSERT_NE(m, nullptr);
  CreditControlAnswer bad = fixtures::sample_cca(sample(), "ocs.gyrate.test", "gyrate.test");
  bad.cc_request_type = static_cast<CcRequestType>(0);
  ASSERT_TRUE(build_cca(&m, bad).is_ok());
  auto refused = answer_received(m);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().result_code, ResultCode::kInvalidAvpValue);
}

TEST_F(GyCodec, SetupIsIdempotent) {
  const GyDictionary before = gy_dictionary();
  ASSERT_TRUE(setup_gy_dictionary().is_ok());
  EXPECT_EQ(gy_dictionary().ccr, before.ccr);
  EXPECT_EQ(gy_dictionary().avp(Avp::kReportingReason), before.avp(Avp::kReportingReason));
}

}  // namespace
}  // namespace gyrate::diameter::fd
