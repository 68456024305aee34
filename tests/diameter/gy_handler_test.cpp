// GyHandler over a real engine on examples/catalog.tariff: every CCR built by hand, every answer
// and every balance change checked. No sockets: the handler is a pure function of the model.
#include "gyrate/diameter/gy_handler.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine_test_support.hpp"
#include "gyrate/diameter/gy_time.hpp"

namespace gyrate::diameter {
namespace {

using engine::testing::catalog;
using engine::testing::kCst;
using engine::testing::local;
using engine::testing::subscriber;

constexpr uint32_t kLlm = 100, kData = 200, kSec = 300;
constexpr uint32_t kQwenMax = 1001, kQwenTurbo = 1003, kWanImage = 1201;

class GyHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = std::make_unique<engine::Engine>(catalog("examples/catalog.tariff"));
    add("alice", "token_starter", "e164:8613800000001");
    add("bob", "smart_bundle", "imsi:460001234567890");
    engine::ProvisionSpec paygo = subscriber("carol", "student_paygo", t0_, 0, {{"student", "true"}});
    paygo.identities.push_back(*engine::parse_identity("nai:carol@uni.example"));
    ASSERT_TRUE(engine_->provision(paygo));
    GyHandlerOptions options;
    options.clock = GyClock::kRequest;
    handler_ = std::make_unique<GyHandler>(*engine_, options);
  }
  void add(const std::string& id, const std::string& plan, const std::string& identity) {
    engine::ProvisionSpec s = subscriber(id, plan, t0_);
    s.identities.push_back(*engine::parse_identity(identity));
    ASSERT_TRUE(engine_->provision(s));
  }

  CreditControlRequest ccr(CcRequestType type, uint32_t number, std::string session = "s1",
                           std::string msisdn = "8613800000001") {
    CreditControlRequest q;
    q.session_id = std::move(session);
    q.origin_host = "gw.example";
    q.origin_realm = "example";
    q.destination_realm = "gyrate.test";
    q.service_context_id = "tokens@gyrate.example";
    q.cc_request_type = type;
    q.cc_request_number = number;
    q.event_timestamp = *ntp_from_unix(now_);
    if (!msisdn.empty()) q.subscription_ids.push_back({SubscriptionIdType::kEndUserE164, std::move(msisdn)});
    return q;
  }
  static MsccRequest mscc(uint32_t rg, std::optional<uint32_t> si, std::optional<int64_t> rsu,
                          std::optional<int64_t> usu = std::nullopt) {
    MsccRequest m;
    m.rating_group = rg;
    if (si) m.service_identifiers.push_back(*si);
    auto units = [rg](int64_t v) {
      ServiceUnits u;
      if (rg == kData) u.cc_total_octets = static_cast<uint64_t>(v);
      else u.cc_service_specific_units = static_cast<uint64_t>(v);
      return u;
    };
    if (rsu) m.requested = units(*rsu);
    if (usu) m.used.push_back(UsedServiceUnit{units(*usu), std::nullopt});
    return m;
  }
  engine::ServiceBalance balance(const std::string& account, const std::string& service) {
    Expected<engine::Balances> b = engine_->balances(account, now_);
    EXPECT_TRUE(b);
    return engine::testing::service(*b, service);
  }

  int64_t t0_ = local(2026, 11, 2, 10, 0, kCst);
  int64_t now_ = t0_ + 60;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<GyHandler> handler_;
};

TEST_F(GyHandlerTest, InitialReservesTokensAtTheModelsWeightWithValidityAndThreshold) {
  CreditControlRequest q = ccr(CcRequestType::kInitial, 0);
  q.mscc.push_back(mscc(kLlm, kQwenMax, 10'000));
  CreditControlAnswer a = handler_->handle(q);
  EXPECT_EQ(a.result_code, ResultCode::kSuccess);
  EXPECT_EQ(a.session_id, "s1");
  EXPECT_EQ(a.cc_request_type, CcRequestType::kInitial);
  ASSERT_EQ(a.mscc.size(), 1u);
  const MsccAnswer& m = a.mscc[0];
  EXPECT_EQ(m.result_code, ResultCode::kSuccess);
  EXPECT_EQ(m.rating_group, kLlm);
  EXPECT_EQ(m.service_identifiers, std::vector<uint32_t>{kQwenMax});
  ASSERT_TRUE(m.granted);
  EXPECT_EQ(m.granted->cc_service_specific_units, 10'000u);
  EXPECT_FALSE(m.granted->cc_total_octets);
  EXPECT_EQ(m.validity_time, 30u * 60);
  EXPECT_EQ(m.unit_quota_threshold, 2'000u);  // 20% of the grant
  EXPECT_FALSE(m.final_unit);
  EXPECT_EQ(balance("alice", "llm").reserved, 40'000);  // qwen_max weighs 4
}

TEST_F(GyHandlerTest, UpdateCommitsTheReportAndGrantsAgainTerminationReleasesTheRest) {
  CreditControlRequest i = ccr(CcRequestType::kInitial, 0);
  i.mscc.push_back(mscc(kLlm, kQwenTurbo, 10'000));
  ASSERT_EQ(handler_->handle(i).result_code, ResultCode::kSuccess);
  CreditControlRequest u = ccr(CcRequestType::kUpdate, 1, "s1", "");  // no Subscription-Id: by session
  u.mscc.push_back(mscc(kLlm, kQwenTurbo, 5'000, 7'000));
  CreditControlAnswer a = handler_->handle(u);
  ASSERT_EQ(a.result_code, ResultCode::kSuccess);
  EXPECT_EQ(a.mscc.at(0).granted->cc_service_specific_units, 5'000u);
  EXPECT_EQ(balance("alice", "llm").used, 7'000);
  EXPECT_EQ(balance("alice", "llm").reserved, 5'000);

  CreditControlRequest t = ccr(CcRequestType::kTermination, 2, "s1", "");
  t.mscc.push_back(mscc(kLlm, kQwenTurbo, std::nullopt, 1'234));
  CreditControlAnswer ta = handler_->handle(t);
  EXPECT_EQ(ta.result_code, ResultCode::kSuccess);
  EXPECT_TRUE(ta.mscc.empty());
  EXPECT_EQ(balance("alice", "llm").used, 8'234);
  EXPECT_EQ(balance("alice", "llm").reserved, 0);
  EXPECT_EQ(balance("alice", "llm").remaining, 3'000'000 - 8'234);
}

TEST_F(GyHandlerTest, AResentRequestGetsTheSameAnswerAndDebitsOnce) {
  CreditControlRequest i = ccr(CcRequestType::kInitial, 0);
  i.mscc.push_back(mscc(kLlm, kQwenTurbo, 10'000));
  handler_->handle(i);
  CreditControlRequest u = ccr(CcRequestType::kUpdate, 1);
  u.mscc.push_back(mscc(kLlm, kQwenTurbo, 10'000, 9'000));
  CreditControlAnswer first = handler_->handle(u);
  CreditControlAnswer again = handler_->handle(u);
  EXPECT_EQ(first, again);
  EXPECT_EQ(balance("alice", "llm").used, 9'000);
  EXPECT_EQ(handler_->counters().duplicates.load(), 1u);
  // A handler that lost its sessions (a restart) still debits once: the engine keeps the answers.
  GyHandler restarted(*engine_, GyHandlerOptions{GyClock::kRequest, 600, 120, {}});
  CreditControlAnswer after = restarted.handle(u);
  EXPECT_EQ(after.result_code, ResultCode::kSuccess);
  EXPECT_EQ(after.mscc.at(0).granted, first.mscc.at(0).granted);
  EXPECT_EQ(balance("alice", "llm").used, 9'000);
  EXPECT_EQ(restarted.counters().adopted_sessions.load(), 1u);
}

TEST_F(GyHandlerTest, UnknownSubscriberIs5030AndNoSubscriptionIdIs5005) {
  CreditControlRequest q = ccr(CcRequestType::kInitial, 0, "s1", "8613999999999");
  q.mscc.push_back(mscc(kLlm, std::nullopt, 100));
  EXPECT_EQ(handler_->handle(q).result_code, ResultCode::kUserUnknown);
  CreditControlRequest none = ccr(CcRequestType::kInitial, 0, "s2", "");
  CreditControlAnswer a = handler_->handle(none);
  EXPECT_EQ(a.result_code, ResultCode::kMissingAvp);
  ASSERT_TRUE(a.failed_avp);
  EXPECT_EQ(a.failed_avp->code, 443u);
}

TEST_F(GyHandlerTest, UnknownOrEndedSessionsAre5002) {
  CreditControlRequest u = ccr(CcRequestType::kUpdate, 1, "never-opened");
  u.mscc.push_back(mscc(kLlm, std::nullopt, 100, 10));
  EXPECT_EQ(handler_->handle(u).result_code, ResultCode::kUnknownSessionId);
  EXPECT_EQ(balance("alice", "llm").used, 0);

  handler_->handle(ccr(CcRequestType::kInitial, 0));
  CreditControlRequest t = ccr(CcRequestType::kTermination, 1);
  EXPECT_EQ(handler_->handle(t).result_code, ResultCode::kSuccess);
  EXPECT_EQ(handler_->handle(t).result_code, ResultCode::kSuccess);  // a resend of the T
  CreditControlRequest late = ccr(CcRequestType::kUpdate, 2);
  EXPECT_EQ(handler_->handle(late).result_code, ResultCode::kUnknownSessionId);
}

TEST_F(GyHandlerTest, PerServiceResultCodesAndTheCommandLevelCode) {
  CreditControlRequest q = ccr(CcRequestType::kInitial, 0);
  q.mscc.push_back(mscc(kLlm, kWanImage, 100));  // token_starter denies wan_image: 4010
  q.mscc.push_back(mscc(999, std::nullopt, 100));  // no such rating group: 5031
  q.mscc.push_back(mscc(kLlm, kQwenTurbo, 100));
  CreditControlAnswer a = handler_->handle(q);
  ASSERT_EQ(a.mscc.size(), 3u);
  EXPECT_EQ(a.mscc[0].result_code, ResultCode::kEndUserServiceDenied);
  EXPECT_EQ(a.mscc[1].result_code, ResultCode::kRatingFailed);
  EXPECT_EQ(a.mscc[2].result_code, ResultCode::kSuccess);
  EXPECT_EQ(a.result_code, ResultCode::kSuccess);  // one service was served

  CreditControlRequest only = ccr(CcRequestType::kInitial, 0, "s2");
  only.mscc.push_back(mscc(999, std::nullopt, 100));
  EXPECT_EQ(handler_->handle(only).result_code, ResultCode::kRatingFailed);
}

TEST_F(GyHandlerTest, DataIsGrantedInOctetsWithItsValidity) {
  CreditControlRequest q = ccr(CcRequestType::kInitial, 0, "d1", "");
  q.subscription_ids.push_back({SubscriptionIdType::kEndUserImsi, "460001234567890"});
  q.service_context_id = "32251@3gpp.org";
  q.mscc.push_back(mscc(kData, std::nullopt, std::nullopt));  // no RSU: the service's quota
  CreditControlAnswer a = handler_->handle(q);
  ASSERT_EQ(a.result_code, ResultCode::kSuccess);
  ASSERT_TRUE(a.mscc.at(0).granted);
  EXPECT_EQ(a.mscc[0].granted->cc_total_octets, 20u << 20);  // quota 20 MiB
  EXPECT_FALSE(a.mscc[0].granted->cc_service_specific_units);
  EXPECT_EQ(a.mscc[0].validity_time, 15u * 60);

  // Usage in the wrong dimension is refused, never dropped or converted.
  CreditControlRequest u = ccr(CcRequestType::kUpdate, 1, "d1", "");
  MsccRequest bad = mscc(kData, std::nullopt, std::nullopt);
  UsedServiceUnit seconds;
  seconds.units.cc_time = 30;
  bad.used.push_back(seconds);
  u.mscc.push_back(bad);
  EXPECT_EQ(handler_->handle(u).mscc.at(0).result_code, ResultCode::kInvalidAvpValue);
}

TEST_F(GyHandlerTest, TheLastGrantCarriesTheRedirectAndTheNextIs4012WithIt) {
  CreditControlRequest i = ccr(CcRequestType::kInitial, 0);
  // 35k qwen_max tokens weigh 140k: the 22nd grant is cut by the balance, the final one.
  i.mscc.push_back(mscc(kLlm, kQwenMax, 35'000));
  CreditControlAnswer a = handler_->handle(i);
  uint32_t n = 1;
  while (a.mscc.at(0).result_code == ResultCode::kSuccess && !a.mscc[0].final_unit && n < 40) {
    CreditControlRequest u = ccr(CcRequestType::kUpdate, n++);
    u.mscc.push_back(mscc(kLlm, kQwenMax, 35'000,
                          static_cast<int64_t>(*a.mscc[0].granted->cc_service_specific_units)));
    a = handler_->handle(u);
  }
  ASSERT_TRUE(a.mscc.at(0).final_unit) << "n=" << n;
  EXPECT_EQ(a.mscc[0].result_code, ResultCode::kSuccess);
  EXPECT_EQ(a.mscc[0].final_unit->action, FinalUnitAction::kRedirect);
  ASSERT_TRUE(a.mscc[0].final_unit->redirect_server);
  EXPECT_EQ(a.mscc[0].final_unit->redirect_server->address_type, RedirectAddressType::kUrl);
  EXPECT_EQ(a.mscc[0].final_unit->redirect_server->address, "https://topup.example.cn/tokens");
  ASSERT_EQ(handler_->final_unit_sessions("alice").size(), 1u);

  CreditControlRequest u = ccr(CcRequestType::kUpdate, n++);
  u.mscc.push_back(mscc(kLlm, kQwenMax, 35'000,
                        static_cast<int64_t>(*a.mscc[0].granted->cc_service_specific_units)));
  CreditControlAnswer last = handler_->handle(u);
  EXPECT_EQ(last.result_code, ResultCode::kCreditLimitReached);
  EXPECT_EQ(last.mscc.at(0).result_code, ResultCode::kCreditLimitReached);
  EXPECT_FALSE(last.mscc[0].granted);
  ASSERT_TRUE(last.mscc[0].final_unit);
  EXPECT_EQ(last.mscc[0].final_unit->action, FinalUnitAction::kRedirect);
  EXPECT_EQ(balance("alice", "llm").remaining, 0);
  handler_->reauthorized("s1");
  EXPECT_TRUE(handler_->final_unit_sessions("alice").empty());
}

TEST_F(GyHandlerTest, EventDebitsWholeOrNothing) {
  CreditControlRequest e = ccr(CcRequestType::kEvent, 0, "e1", "");
  e.subscription_ids.push_back({SubscriptionIdType::kEndUserImsi, "460001234567890"});
  e.requested_action = RequestedAction::kDirectDebiting;
  e.mscc.push_back(mscc(kSec, std::nullopt, 3));
  CreditControlAnswer a = handler_->handle(e);
  ASSERT_EQ(a.result_code, ResultCode::kSuccess);
  EXPECT_EQ(a.mscc.at(0).granted->cc_service_specific_units, 3u);
  EXPECT_EQ(balance("bob", "sec").used, 3);
  EXPECT_EQ(balance("bob", "sec").reserved, 0);

  CreditControlRequest big = e;
  big.session_id = "e2";
  big.mscc[0] = mscc(kSec, std::nullopt, 5'000);  // 997 events left
  CreditControlAnswer refused = handler_->handle(big);
  EXPECT_EQ(refused.mscc.at(0).result_code, ResultCode::kCreditLimitReached);
  EXPECT_EQ(refused.result_code, ResultCode::kCreditLimitReached);
  EXPECT_EQ(balance("bob", "sec").used, 3);
  EXPECT_EQ(balance("bob", "sec").reserved, 0);
}

TEST_F(GyHandlerTest, CheckBalanceAndPriceEnquiryChangeNothing) {
  CreditControlRequest c = ccr(CcRequestType::kEvent, 0, "c1");
  c.requested_action = RequestedAction::kCheckBalance;
  c.mscc.push_back(mscc(kLlm, kQwenTurbo, 1'000'000));
  EXPECT_EQ(handler_->handle(c).check_balance_result, CheckBalanceResult::kEnoughCredit);
  c.session_id = "c2";
  c.mscc[0] = mscc(kLlm, kQwenTurbo, 4'000'000);
  EXPECT_EQ(handler_->handle(c).check_balance_result, CheckBalanceResult::kNoCredit);

  // carol pays 1 CNY per 1M tokens on weekdays (2026-11-02 is a Monday).
  CreditControlRequest p = ccr(CcRequestType::kEvent, 0, "p1", "");
  p.subscription_ids.push_back({SubscriptionIdType::kEndUserNai, "carol@uni.example"});
  p.requested_action = RequestedAction::kPriceEnquiry;
  p.mscc.push_back(mscc(kLlm, kQwenTurbo, 2'500'000));
  CreditControlAnswer a = handler_->handle(p);
  EXPECT_EQ(a.result_code, ResultCode::kSuccess);
  ASSERT_TRUE(a.cost_information);
  EXPECT_EQ(a.cost_information->value_digits, 25);
  EXPECT_EQ(a.cost_information->exponent, -1);  // 2.5 CNY
  EXPECT_EQ(a.cost_information->currency_code, 156u);
  EXPECT_EQ(balance("carol", "llm").used, 0);
  EXPECT_EQ(balance("alice", "llm").reserved, 0);
}

TEST_F(GyHandlerTest, RefundGivesUnitsBack) {
  CreditControlRequest e = ccr(CcRequestType::kEvent, 0, "e1");
  e.mscc.push_back(mscc(kLlm, kQwenTurbo, 30'000));
  ASSERT_EQ(handler_->handle(e).result_code, ResultCode::kSuccess);
  EXPECT_EQ(balance("alice", "llm").used, 30'000);
  CreditControlRequest r = ccr(CcRequestType::kEvent, 0, "r1");
  r.requested_action = RequestedAction::kRefundAccount;
  r.mscc.push_back(mscc(kLlm, kQwenTurbo, 10'000));
  EXPECT_EQ(handler_->handle(r).mscc.at(0).result_code, ResultCode::kSuccess);
  EXPECT_EQ(handler_->handle(r).mscc.at(0).result_code, ResultCode::kSuccess);  // resent: once
  EXPECT_EQ(balance("alice", "llm").used, 20'000);
  EXPECT_EQ(balance("alice", "llm").remaining, 3'000'000 - 20'000);
}

TEST_F(GyHandlerTest, SupervisionReleasesSilentSessions) {
  CreditControlRequest i = ccr(CcRequestType::kInitial, 0);
  i.mscc.push_back(mscc(kLlm, kQwenTurbo, 10'000));
  handler_->handle(i);
  EXPECT_EQ(balance("alice", "llm").reserved, 10'000);
  EXPECT_EQ(handler_->supervise(), 0u);  // heard from just now
  // Other subscribers' requests move the request clock. Past Tcc (600 s) the session is kept:
  // its grant is valid 30 min, and a client reports when that ends (twice the validity waited).
  auto tick = [&](int64_t seconds, const std::string& session) {
    now_ += seconds;
    CreditControlRequest other = ccr(CcRequestType::kEvent, 0, session, "");
    other.subscription_ids.push_back({SubscriptionIdType::kEndUserImsi, "460001234567890"});
    other.mscc.push_back(mscc(kSec, std::nullopt, 1));
    handler_->handle(other);
  };
  tick(601, "e8");
  EXPECT_EQ(handler_->supervise(), 0u);
  tick(3'000, "e9");  // 3,601 s silent: more than 2 x 1,800
  EXPECT_EQ(handler_->supervise(), 1u);
  EXPECT_EQ(balance("alice", "llm").reserved, 0);
  CreditControlRequest u = ccr(CcRequestType::kUpdate, 1);
  u.mscc.push_back(mscc(kLlm, kQwenTurbo, 10'000, 500));
  EXPECT_EQ(handler_->handle(u).result_code, ResultCode::kUnknownSessionId);
}

}  // namespace
}  // namespace gyrate::diameter
