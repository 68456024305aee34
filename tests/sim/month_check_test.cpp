// The month's consistency check: refusals judged by their limiter and its numbers, accounts after
// the month, CDRs against the report, the report read back from its JSON; and run_month calling
// the server's views (refusals, accounts, top-ups) as it plays.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "gyrate/sim/month_check.hpp"
#include "gyrate/sim/month_report.hpp"
#include "month_test_ocs.hpp"

namespace gyrate::sim {
namespace {

using test::ToyOcs;

constexpr int64_t kAt = 1'794'000'000;  // 2026-11-06 21:20 UTC, 2026-11-07 05:20 at +08:00
constexpr int32_t kCst = 480;

RefusalView balance_view(int64_t remaining, int64_t weight = 1'000'000) {
  RefusalView v;
  v.service = "llm";
  v.limiter = "balance";
  v.time = kAt;
  v.remaining = remaining;
  v.weight = weight;
  return v;
}

Consistency judge(const RefusalView& v, int64_t retry = 0) {
  Consistency c;
  check_refusal("alice", kAt, retry, kCst, v, c);
  return c;
}

TEST(MonthCheck, ARefusalForBalanceNeedsAnEmptyBalance) {
  EXPECT_TRUE(judge(balance_view(0)).ok());
  EXPECT_EQ(judge(balance_view(0)).checks, 1u);
  // 3 units left, but a qwen_max token weighs 4: no room for one.
  EXPECT_TRUE(judge(balance_view(3, 4'000'000)).ok());
  Consistency room = judge(balance_view(5000));
  EXPECT_FALSE(room.ok());
  ASSERT_EQ(room.violations.size(), 1u);
  EXPECT_EQ(room.violations[0],
            "alice llm refused (4012) at 2026-11-07 05:20 for lack of balance, with 5000 "
            "allowance units left (a unit weighs 1)");
  RefusalView grants = balance_view(0);
  grants.granted = true;
  EXPECT_FALSE(judge(grants).ok());
}

TEST(MonthCheck, OtherLimitersNeedTheirNumbers) {
  RefusalView member = balance_view(10'000'000, 4'000'000);
  member.limiter = "member_cap";
  member.member_cap = 30'000'000;
  member.member_used = 29'999'998;  // 2 left, a unit weighs 4: full
  EXPECT_TRUE(judge(member).ok());
  member.member_used = 29'000'000;
  EXPECT_FALSE(judge(member).ok());

  RefusalView usage = balance_view(10);
  usage.limiter = "usage_cap";
  usage.usage_cap = 100;
  usage.used = 100;
  EXPECT_TRUE(judge(usage).ok());
  usage.used = 50;
  EXPECT_FALSE(judge(usage).ok());

  RefusalView spend = balance_view(0);
  spend.limiter = "spend_cap";
  spend.spend_cap = 12'000'000;
  spend.overage_price = 3'000'000;  // 3 CNY per GiB
  spend.overage_block = int64_t{1} << 30;
  spend.spend = 12'000'000;
  EXPECT_TRUE(judge(spend).ok());
  spend.spend = 11'000'000;  // 1 CNY left buys a third of a GiB
  EXPECT_FALSE(judge(spend).ok());

  RefusalView window = balance_view(1000);
  window.limiter = "window";
  window.window_full = true;
  EXPECT_TRUE(judge(window).ok());
  window.window_full = false;
  EXPECT_FALSE(judge(window).ok());
}

TEST(MonthCheck, ViewsRatedTooLateAreNotJudged) {
  RefusalView next_day = balance_view(5000);
  next_day.time = kAt + 20 * 3600;  // past local midnight: the period may have renewed
  Consistency c = judge(next_day);
  EXPECT_EQ(c.checks, 0u);
  EXPECT_EQ(c.skipped, 1u);
  RefusalView later = balance_view(5000);
  later.limiter = "window";
  later.time = kAt + 120;  // the refusal said: come back in 60 s
  EXPECT_EQ(judge(later, 60).skipped, 1u);
  EXPECT_FALSE(judge(later, 600).ok());
  EXPECT_EQ(c.summary(), "consistency: OK (0 checks, 1 refusals rated again too late to judge)\n");
}

TEST(MonthCheck, AccountsEndWithoutReservationsOrOverruns) {
  Consistency c;
  AccountState clean;
  check_account("bob", clean, c);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.checks, 2u);
  AccountState bad;
  bad.open_reservations = 1;
  bad.reserved = 20'000;
  bad.overrun = 7;
  check_account("bob", bad, c);
  EXPECT_EQ(c.failed, 2u);
  EXPECT_EQ(c.violations[0],
            "bob: 1 reservations (20000 allowance units) still open after every session ended");
  EXPECT_EQ(c.summary("accounts").substr(0, 33), "accounts: 2 violations in 4 check");
}

MonthReport two_subscribers() {
  MonthReport r;
  SubscriberMonth bob;
  bob.id = bob.account = "bob";
  bob.usage.tokens_used = 5000;
  bob.usage.bytes_used = 1 << 20;
  SubscriberMonth li;
  li.id = "acme-li";
  li.account = "acme";
  li.usage.tokens_used = 700;
  r.subscribers = {bob, li};
  return r;
}

CdrLine cdr(const std::string& account, const std::string& member, const std::string& service,
            int64_t used, int64_t charged = 0) {
  CdrLine c;
  c.account = account;
  c.member = member;
  c.service = service;
  c.used = used;
  c.debit = used;
  c.committed = charged > 0 ? 0 : used;
  c.charged = charged;
  return c;
}

TEST(MonthCheck, CdrsAddUpToTheReport) {
  std::vector<CdrLine> cdrs = {cdr("bob", "", "llm", 3000), cdr("bob", "", "llm", 2000),
                               cdr("bob", "", "data", 1 << 20), cdr("acme", "acme-li", "llm", 700),
                               cdr("bob", "", "", 0, 1'000'000)};  // a pack
  cdrs.back().pack = "yuan_400k";
  Consistency c;
  check_cdrs(two_subscribers(), cdrs, c);
  EXPECT_TRUE(c.ok()) << c.summary();
  EXPECT_EQ(c.checks, 4u + 2u);  // each usage CDR, each subscriber

  cdrs[3].used = 600;
  Consistency off;
  check_cdrs(two_subscribers(), cdrs, off);
  ASSERT_EQ(off.failed, 1u);
  EXPECT_EQ(off.violations[0],
            "acme-li: the report says tokens 700, bytes 0, requests 0; the CDRs llm 600");

  // Beyond the buckets and not charged: the server let usage through that it neither held nor
  // sold.
  std::vector<CdrLine> uncharged = {cdr("bob", "", "llm", 5000), cdr("bob", "", "data", 1 << 20),
                                    cdr("acme", "acme-li", "llm", 700)};
  uncharged[0].committed = 4000;
  Consistency free_units;
  check_cdrs(two_subscribers(), uncharged, free_units);
  EXPECT_EQ(free_units.failed, 1u);
  uncharged[0].charged = 2000;  // sold as overage
  Consistency sold;
  check_cdrs(two_subscribers(), uncharged, sold);
  EXPECT_TRUE(sold.ok()) << sold.summary();
}

TEST(MonthCheck, CdrFilesAreReadAsTheStoreWritesThem) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "gyrate_month_check_cdrs";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cdrs-1.jsonl")
      << R"({"sequence":29,"account":"carol","session":"s;1","number":1,"service":"llm",)"
         R"("time":1793548800,"used":664,"weight_millionths":1000000,"debit":664,)"
         R"("charged_millionths":664,"plan":"student_paygo","plan_version":1,"revision":3})"
      << "\n";
  std::ofstream(dir / "cdrs-1.pb") << "not read";
  auto lines = read_cdrs(dir.string());
  ASSERT_TRUE(lines) << lines.status().message();
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ((*lines)[0].account, "carol");
  EXPECT_EQ((*lines)[0].used, 664);
  EXPECT_EQ((*lines)[0].committed, 0);  // left out when zero
  EXPECT_EQ((*lines)[0].charged, 664);
  EXPECT_FALSE(read_cdrs((dir / "nope").string()));
  std::filesystem::remove_all(dir);
}

TEST(MonthCheck, TheReportReadsBackFromItsJson) {
  MonthReport r = two_subscribers();
  r.start_date = "2026-11-01";
  r.days = 30;
  r.consistency.fail("bob: something \"quoted\"");
  r.consistency.pass();
  r.consistency.skipped = 3;
  auto back = parse_month_json(month_json(r));
  ASSERT_TRUE(back) << back.status().message();
  ASSERT_EQ(back->subscribers.size(), 2u);
  EXPECT_EQ(back->subscribers[1].account, "acme");
  EXPECT_EQ(back->subscribers[0].usage.bytes_used, uint64_t{1} << 20);
  EXPECT_EQ(back->consistency.checks, 2u);
  EXPECT_EQ(back->consistency.failed, 1u);
  EXPECT_EQ(back->consistency.skipped, 3u);
  EXPECT_EQ(back->consistency.violations, r.consistency.violations);
  EXPECT_FALSE(parse_month_json("{\"start\": 1}"));
}

// run_month asks the server about every 4012 right after it, with the refusal's time.
class MonthCheckRun : public ::testing::Test {
 protected:
  void SetUp() override {
    population_ = test::test_population();
    test::provision(ocs_, population_);
    for (const SimSubscriber& s : population_.subscribers) identity_[s.id] = s.identity.data;
  }
  // The view of a server whose last request for the subscriber was rated at its time.
  RefusalLookup view_with(ToyOcs& ocs, int64_t remaining) {
    return [this, &ocs, remaining](const std::string& id) -> std::optional<RefusalView> {
      RefusalView v = balance_view(remaining);
      v.time = ocs.last_time(identity_[id]);
      return v;
    };
  }
  Population population_;
  ToyOcs ocs_;
  std::map<std::string, std::string> identity_;
};

TEST_F(MonthCheckRun, EveryRefusalIsJudged) {
  MonthOptions o = test::test_options(7, 2);
  o.days = 5;
  o.refusal_of = view_with(ocs_, 0);
  auto report = run_month(ocs_.exchange(), population_, o);
  ASSERT_TRUE(report) << report.status().message();
  uint64_t refusals = report->total.denials[static_cast<int>(Denial::k4012)];
  ASSERT_GT(refusals, 0u);
  EXPECT_TRUE(report->consistency.ok()) << report->consistency.summary();
  EXPECT_EQ(report->consistency.checks + report->consistency.skipped, refusals);
  EXPECT_GT(report->consistency.checks, 0u);

  ToyOcs again;
  test::provision(again, population_);
  o.refusal_of = view_with(again, 50'000);  // a server that refuses while it has room
  auto wrong = run_month(again.exchange(), population_, o);
  ASSERT_TRUE(wrong) << wrong.status().message();
  EXPECT_EQ(wrong->consistency.failed, wrong->consistency.checks);
  EXPECT_GT(wrong->consistency.failed, 0u);
}

TEST_F(MonthCheckRun, AccountsGiveTheMonthsBillAndAreChecked) {
  MonthOptions o = test::test_options(7, 2);
  o.days = 2;
  o.account_of = [](const std::string& account) -> std::optional<AccountState> {
    AccountState a;
    a.currency = "CNY";
    a.spend = 1'000'000;
    a.fees_charged = 3 * 40'000'000;
    a.last_fee = 40'000'000;
    // The team's period started before the month: its fee is not this month's.
    a.period_start = account == "team" ? 1'790'000'000 : 1'793'491'200;  // 2026-11-01 UTC
    a.open_reservations = account == "t1" ? 1 : 0;
    return a;
  };
  auto report = run_month(ocs_.exchange(), population_, o);
  ASSERT_TRUE(report) << report.status().message();
  std::map<std::string, Bill> bills;
  for (const AccountBill& b : report->bills) bills[b.account] = b.bill;
  EXPECT_EQ(bills["r1"].fees_charged, 40'000'000);
  EXPECT_EQ(bills["team"].fees_charged, 0);
  EXPECT_EQ(bills["team"].spend, 1'000'000);
  EXPECT_EQ(report->consistency.failed, 1u);  // t1's open reservation
  EXPECT_EQ(report->consistency.checks, 2u * 14);
}

TEST(MonthTopUp, ARedirectedUserBuysItsPackAndGoesOn) {
  auto p = parse_population(
      "{\"plan\": \"starter\", \"id\": \"a{n}\", \"count\": 2, \"identity\": \"e164:+861\", "
      "\"top_up\": {\"pack\": \"yuan_400k\", \"times\": 2}, \"llm\": {\"requests_per_day\": 20, "
      "\"tokens_per_request\": [1000, 2000]}}\n",
      "t.jsonl");
  ASSERT_TRUE(p) << p.status().message();
  ToyOcs ocs;
  ocs.final_action = diameter::FinalUnitAction::kRedirect;
  for (const SimSubscriber& s : p->subscribers) ocs.add(s.identity.data, {10'000, 0});
  MonthOptions o = test::test_options(3, 1);
  o.days = 3;
  std::map<std::string, int> bought;
  o.buy_pack = [&](const std::string& id, const std::string& pack,
                   const std::string&) -> std::optional<int64_t> {
    EXPECT_EQ(pack, "yuan_400k");
    ++bought[id];
    return 1'000'000;
  };
  auto report = run_month(ocs.exchange(), *p, o);
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_EQ(bought["a1"], 2);  // at most `times` a month
  EXPECT_EQ(report->subscribers[0].usage.packs, 2u);
  EXPECT_EQ(report->subscribers[0].usage.pack_money, 2'000'000);
  // Having bought, it went on the same day instead of stopping.
  EXPECT_GT(ocs.tally().retried_same_day, 0u);
}

// A CCR-T answered 5002 (the server released the session) debited nothing: the report must not
// count its usage either, or it disagrees with the CDRs.
TEST(MonthUsage, AReportTheServerDidNotTakeIsNotCounted) {
  Population p = test::test_population();
  ToyOcs ocs;
  test::provision(ocs, p);
  Exchange toy = ocs.exchange();
  Exchange released = [&](const diameter::CreditControlRequest& r)
      -> Expected<diameter::CreditControlAnswer> {
    if (r.cc_request_type != diameter::CcRequestType::kTermination) return toy(r);
    diameter::CreditControlAnswer a;
    a.session_id = r.session_id;
    a.cc_request_type = r.cc_request_type;
    a.cc_request_number = r.cc_request_number;
    a.result_code = diameter::ResultCode::kUnknownSessionId;
    return a;
  };
  MonthOptions o = test::test_options(11, 2);
  o.days = 3;
  auto report = run_month(released, p, o);
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_GT(report->total.tokens_used, 0u);
  EXPECT_EQ(report->total.tokens_used, ocs.tally().tokens_used);
  EXPECT_EQ(report->total.bytes_used, ocs.tally().bytes_used);
}

TEST(MonthFrom, NoTrafficBeforeTheFirstDay) {
  auto p = parse_population(
      "{\"plan\": \"late\", \"id\": \"l\", \"identity\": \"e164:+862\", \"from\": \"2026-11-20\", "
      "\"llm\": {\"requests_per_day\": 20}}\n",
      "t.jsonl");
  ASSERT_TRUE(p) << p.status().message();
  ToyOcs ocs;
  ocs.add("+862", {100'000'000, 0});
  auto report = run_month(ocs.exchange(), *p, test::test_options(3, 1));
  ASSERT_TRUE(report) << report.status().message();
  const std::vector<uint64_t>& used = report->subscribers[0].daily.tokens_used;
  for (size_t d = 0; d < 19; ++d) EXPECT_EQ(used[d], 0u) << d;
  EXPECT_GT(report->subscribers[0].usage.tokens_used, 0u);
  EXPECT_FALSE(parse_population("{\"plan\": \"p\", \"id\": \"x\", \"identity\": \"e164:+1\", "
                                "\"from\": \"Nov 20\", \"llm\": {}}\n",
                                "t.jsonl"));
}

}  // namespace
}  // namespace gyrate::sim
