// The Gy scenario parser: requests and their blocks, expectations, units, and errors with their
// positions rendered like the tariff language's.
#include <gtest/gtest.h>

#include "gyrate/diameter/gy_time.hpp"
#include "gyrate/sim/scenario.hpp"

namespace gyrate::sim {
namespace {

namespace gd = diameter;

ScenarioParse parse(const std::string& text) { return parse_scenario(lang::SourceFile("t.gysc", text)); }

Scenario parse_ok(const std::string& text) {
  ScenarioParse p = parse(text);
  lang::SourceFile file("t.gysc", text);
  EXPECT_TRUE(p.scenario.has_value()) << lang::render_all(p.diagnostics, file);
  return p.scenario.value_or(Scenario{});
}

// The first diagnostic, rendered.
std::string first_error(const std::string& text) {
  ScenarioParse p = parse(text);
  EXPECT_FALSE(p.scenario.has_value());
  if (p.diagnostics.items().empty()) return "";
  return lang::render(p.diagnostics.items().front(), lang::SourceFile("t.gysc", text));
}

TEST(ScenarioParser, AnInitialRequestWithItsClauses) {
  Scenario s = parse_ok(
      "subscriber alice e164:8613800138000 imsi:460001234567890\n"
      "at 2026-01-31 10:00:00\n"
      "initial s1 subscriber alice rg 100 sid 7001 sid 7002 rsu 400k tokens  # comment\n");
  ASSERT_EQ(s.steps.size(), 1u);
  const auto& r = std::get<RequestStep>(s.steps[0].action);
  EXPECT_EQ(r.session, "s1");
  EXPECT_FALSE(r.request_number);
  EXPECT_EQ(r.ccr.cc_request_type, gd::CcRequestType::kInitial);
  ASSERT_EQ(r.ccr.subscription_ids.size(), 2u);
  EXPECT_EQ(r.ccr.subscription_ids[0].type, gd::SubscriptionIdType::kEndUserE164);
  EXPECT_EQ(r.ccr.subscription_ids[0].data, "8613800138000");
  EXPECT_EQ(r.ccr.subscription_ids[1].type, gd::SubscriptionIdType::kEndUserImsi);
  // 2026-01-31T10:00:00Z is Unix 1769853600.
  EXPECT_EQ(r.ccr.event_timestamp, gd::ntp_from_unix(1'769'853'600));
  ASSERT_EQ(r.ccr.mscc.size(), 1u);
  EXPECT_EQ(r.ccr.mscc[0].rating_group, 100u);
  EXPECT_EQ(r.ccr.mscc[0].service_identifiers, (std::vector<uint32_t>{7001, 7002}));
  EXPECT_EQ(r.ccr.mscc[0].requested->cc_service_specific_units, 400'000u);
  EXPECT_EQ(s.steps[0].line, 3u);
}

TEST(ScenarioParser, ABlockOfMsccLinesAndASessionThatKeepsItsSubscriber) {
  Scenario s = parse_ok(
      "initial s1 subscriber nai:alice@llm.example rg 100 rsu\n"
      "at 2026-01-31T10:00:00Z\n"
      "at +5 min\n"
      "update s1 number 7 action direct_debiting context tokens@gyrate.example\n"
      "  mscc rg 100 usu 400k tokens reason quota_exhausted rsu 1.5M tokens\n"
      "  mscc rg 200 usu 2 MiB rsu 10MiB reason validity_time\n"
      "  expect result 2001\n"
      "terminate s1 cause logout rg 300 usu 30 s\n");
  ASSERT_EQ(s.steps.size(), 3u);
  const auto& i = std::get<RequestStep>(s.steps[0].action);
  EXPECT_EQ(i.ccr.mscc[0].requested, gd::ServiceUnits{});  // "grant what you decide"
  EXPECT_FALSE(i.ccr.event_timestamp);
  const auto& u = std::get<RequestStep>(s.steps[1].action);
  EXPECT_EQ(u.request_number, 7u);
  EXPECT_EQ(u.ccr.service_context_id, "tokens@gyrate.example");
  EXPECT_EQ(i.ccr.service_context_id, "");  // the client's default
  EXPECT_EQ(u.ccr.subscription_ids, i.ccr.subscription_ids);
  EXPECT_EQ(u.ccr.event_timestamp, gd::ntp_from_unix(1'769'853'600 + 300));
  ASSERT_EQ(u.ccr.mscc.size(), 2u);
  EXPECT_EQ(u.ccr.mscc[0].used[0].units.cc_service_specific_units, 400'000u);
  EXPECT_EQ(u.ccr.mscc[0].used[0].reporting_reason, gd::ReportingReason::kQuotaExhausted);
  EXPECT_EQ(u.ccr.mscc[0].requested->cc_service_specific_units, 1'500'000u);
  EXPECT_EQ(u.ccr.mscc[1].used[0].units.cc_total_octets, 2u * 1024 * 1024);
  EXPECT_EQ(u.ccr.mscc[1].requested->cc_total_octets, 10u * 1024 * 1024);
  EXPECT_EQ(u.ccr.mscc[1].reporting_reason, gd::ReportingReason::kValidityTime);
  EXPECT_EQ(s.steps[1].expectations.size(), 1u);  // the indented `expect` is not a clause
  const auto& t = std::get<RequestStep>(s.steps[2].action);
  EXPECT_EQ(t.ccr.termination_cause, gd::TerminationCause::kLogout);
  EXPECT_EQ(t.ccr.mscc[0].used[0].units.cc_time, 30u);
}

TEST(ScenarioParser, Expectations) {
  Scenario s = parse_ok(
      "event e1 subscriber e164:1 rg 100 rsu 1 event\n"
      "expect result 2001\n"
      "expect rg 100 result 4012\n"
      "expect rg 100 granted >= 2 MiB\n"
      "expect granted 400k tokens\n"
      "expect rg 100 granted none\n"
      "expect rg 100 validity 1 h\n"
      "expect rg 100 validity 30\n"
      "expect rg 100 final redirect \"http://top.up/\"\n"
      "expect rg 100 final restrict only_topup\n"
      "expect rg 100 final none\n"
      "expect rg 100 threshold 80 tokens\n"
      "expect rg 100 threshold none\n"
      "expect rg 9 absent\n"
      "expect failed_avp 416\n"
      "expect unavailable\n");
  const auto& e = s.steps.at(0).expectations;
  ASSERT_EQ(e.size(), 15u);
  EXPECT_EQ(e[0].kind, ExpectKind::kResult);
  EXPECT_EQ(e[0].code, 2001u);
  EXPECT_EQ(e[1].kind, ExpectKind::kMsccResult);
  EXPECT_EQ(e[1].rating_group, 100u);
  EXPECT_EQ(e[2].kind, ExpectKind::kGranted);
  EXPECT_TRUE(e[2].at_least);
  EXPECT_EQ(e[2].quantity, (Quantity{.kind = UnitKind::kOctets, .value = 2u << 20}));
  EXPECT_FALSE(e[3].rating_group);
  EXPECT_EQ(e[3].quantity.value, 400'000u);
  EXPECT_EQ(e[4].kind, ExpectKind::kNoGranted);
  EXPECT_EQ(e[5].quantity, (Quantity{.kind = UnitKind::kTime, .value = 3600}));
  EXPECT_EQ(e[6].quantity, (Quantity{.kind = UnitKind::kTime, .value = 30}));
  EXPECT_EQ(e[7].action, gd::FinalUnitAction::kRedirect);
  EXPECT_EQ(e[7].argument, "http://top.up/");
  EXPECT_EQ(e[8].action, gd::FinalUnitAction::kRestrictAccess);
  EXPECT_EQ(e[8].argument, "only_topup");
  EXPECT_EQ(e[9].kind, ExpectKind::kNoFinal);
  EXPECT_EQ(e[10].quantity.value, 80u);
  EXPECT_EQ(e[11].kind, ExpectKind::kNoThreshold);
  EXPECT_EQ(e[12].kind, ExpectKind::kNoMscc);
  EXPECT_EQ(e[13].code, 416u);
  EXPECT_EQ(e[14].kind, ExpectKind::kUnavailable);
  EXPECT_EQ(e[14].line, 16u);
  EXPECT_EQ(e[14].text, "expect unavailable");
}

TEST(ScenarioParser, CheckBalanceAndCost) {
  Scenario s = parse_ok(
      "event e1 subscriber e164:1 action price_enquiry rg 100 rsu 300 tokens\n"
      "expect cost 1.50 CNY\n"
      "expect cost 0 EUR\n"
      "expect check_balance no_credit\n");
  const auto& e = s.steps.at(0).expectations;
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].kind, ExpectKind::kCost);
  EXPECT_EQ(e[0].cost, (Amount{.digits = 15, .exponent = -1, .currency = 156}));
  EXPECT_EQ(e[0].cost, normalized(Amount{.digits = 1500, .exponent = -3, .currency = 156}));
  EXPECT_EQ(e[1].cost, normalized(Amount{.digits = 0, .exponent = -2, .currency = 978}));
  EXPECT_EQ(e[2].kind, ExpectKind::kCheckBalance);
  EXPECT_EQ(e[2].code, 1u);
  EXPECT_NE(first_error("event e1 subscriber e164:1\nexpect cost 1.5 XYZ\n").find("unknown currency `XYZ`"),
            std::string::npos);
}

TEST(ScenarioParser, Resend) {
  Scenario s = parse_ok(
      "initial s1 subscriber e164:1 rg 1 rsu\n"
      "update s1 rg 1 usu 5\n"
      "resend\n"
      "resend s1\n"
      "resend s1 0\n");
  ASSERT_EQ(s.steps.size(), 5u);
  EXPECT_FALSE(std::get<ResendStep>(s.steps[2].action).session);
  EXPECT_EQ(std::get<ResendStep>(s.steps[3].action).session, "s1");
  EXPECT_FALSE(std::get<ResendStep>(s.steps[3].action).request_number);
  EXPECT_EQ(std::get<ResendStep>(s.steps[4].action).request_number, 0u);
}

TEST(ScenarioParser, AnUnknownUnitIsNamedWithItsPositionAndACaret) {
  EXPECT_EQ(first_error("initial s1 subscriber e164:1 rg 100 rsu 400k tokns\n"),
            "t.gysc:1:46: error[G0102]: unknown unit `tokns`\n"
            "   1 | initial s1 subscriber e164:1 rg 100 rsu 400k tokns\n"
            "     |                                              ^~~~~\n"
            "help: did you mean `tokens`?\n");
}

TEST(ScenarioParser, ErrorsCarryLineColumnAndCaret) {
  std::string text =
      "# header\n"
      "initial s1 subscriber e164:1 rg 100 rsu 400 tokens\n"
      "expect rg 100 grantd 400 tokens\n";
  std::string e = first_error(text);
  EXPECT_NE(e.find("t.gysc:3:15: error[G0101]: unknown expectation `grantd`"), std::string::npos) << e;
  EXPECT_NE(e.find("   3 | expect rg 100 grantd 400 tokens"), std::string::npos) << e;
  EXPECT_NE(e.find("^~~~~~"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean `granted`?"), std::string::npos) << e;
}

TEST(ScenarioParser, EveryBadStatementIsReported) {
  ScenarioParse p = parse(
      "initial s1 rg 100\n"                            // no subscriber for the session
      "udpate s1 subscriber e164:1\n"                  // unknown statement
      "initial s2 subscriber x:1\n"                    // unknown Subscription-Id type
      "at 2026-02-30\n"                                // not a date
      "initial s3 subscriber e164:1 rsu 2 GiB rg 1 rg 2\n"  // two rating groups in one MSCC
      "initial s4 subscriber e164:1 usu 1.5 tokens\n"  // not whole
      "resend s9\n"                                    // nothing sent on s9
      "  rg 100\n");                                   // a continuation with nothing above
  ASSERT_FALSE(p.scenario);
  std::vector<std::string> codes;
  for (const auto& d : p.diagnostics.items()) codes.push_back(d.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"G0104", "G0101", "G0101", "G0103", "G0101", "G0102", "G0104",
                                             "G0101"}));
}

TEST(ScenarioParser, TheExpectationsOfAStepThatDoesNotParseAreNotReportedAgain) {
  ScenarioParse p = parse(
      "initial s1 subscriber e164:1 rg 100 rsu 4 tokns\n"
      "at 2026-01-01\n"
      "expect result 2001\n"
      "initial s2 subscriber e164:1 rg 100 rsu 4 tokens\n"
      "expect result 20x1\n");
  ASSERT_EQ(p.diagnostics.items().size(), 2u);
  EXPECT_EQ(p.diagnostics.items()[1].message, "expected a Result-Code");
}

TEST(ScenarioParser, MessagesSayWhatIsWrong) {
  EXPECT_NE(first_error("update s1 rg 100\n").find("session `s1` has no subscriber yet"), std::string::npos);
  EXPECT_NE(first_error("expect result 2001\n").find("`expect` before any request"), std::string::npos);
  EXPECT_NE(first_error("at +1 h\n").find("a relative time needs an absolute `at` before it"), std::string::npos);
  EXPECT_NE(first_error("initial s1 subscriber e164:1 rsu 3 parsecs\n").find("unknown unit `parsecs`"),
            std::string::npos);
  EXPECT_NE(first_error("initial s1 subscriber e164:1 cause tired\n").find("unknown Termination-Cause `tired`"),
            std::string::npos);
  EXPECT_NE(first_error("initial s1 subscriber bob\n").find("unknown subscriber `bob`"), std::string::npos);
  EXPECT_NE(first_error("initial s1 subscriber e164:1 number 4294967296\n").find("out of range"),
            std::string::npos);
}

}  // namespace
}  // namespace gyrate::sim
