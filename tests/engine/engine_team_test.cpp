// Team accounts (T6): members inside their team's state drawing on one pool, per-member caps,
// seats, renewal of members' counters, and the provisioning of teams and members, on the real
// T6 tariff and the example catalog's team_pro plan.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine_test_support.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

constexpr const char* kT6 = "examples/tariffs/t06_team_plan.tariff";
constexpr int64_t kM = 1'000'000;  // tokens

int64_t t0() { return local(2026, 3, 10, 12, 0, kCst); }

ProvisionSpec team(const std::string& id, int seats, std::string plan = "team") {
  return subscriber(id, std::move(plan), t0(), 0, {{"seats", std::to_string(seats)}});
}

ProvisionSpec member(const std::string& id, const std::string& team_id,
                     std::vector<Identity> identities = {}) {
  ProvisionSpec spec;
  spec.id = id;
  spec.team = team_id;
  spec.identities = std::move(identities);
  return spec;
}

Identity e164(const std::string& number) { return Identity{IdentityType::kE164, number}; }

const MemberServiceBalance& member_llm(const Balances& b, const std::string& id) {
  for (const MemberBalance& m : b.members) {
    if (m.id != id) continue;
    for (const MemberServiceBalance& s : m.services) {
      if (s.service == "llm") return s;
    }
  }
  static const MemberServiceBalance none;
  ADD_FAILURE() << "no member " << id;
  return none;
}

// Usage reported with no reservation (rule 17: debited anyway), for plans that grant little.
void commit_only(Engine& engine, const std::string& who, const std::string& session,
                 int64_t tokens, int64_t t) {
  auto c = engine.commit(who, {session, 1, "llm", tokens, t});
  ASSERT_TRUE(c) << c.status().to_string();
  ASSERT_EQ(c->committed, tokens);
}

// Reserves `tokens` of qwen_turbo (weight 1) for `who` in session `session` and commits them.
void use(Engine& engine, const std::string& who, const std::string& session, int64_t tokens,
         int64_t t) {
  auto r = engine.reserve(who, {session, 1, "llm", "qwen_turbo", tokens, t});
  ASSERT_TRUE(r) << r.status().to_string();
  ASSERT_EQ(r->outcome, lang::Outcome::kGranted);
  ASSERT_EQ(r->grant, tokens);
  ASSERT_TRUE(engine.commit(who, {session, 2, "llm", tokens, t}));
}

// T6: `fee 198 CNY * seats`, `allowance llm 20M token * seats pooled`: 3 seats pay 594 CNY and
// pool 60M tokens in one bucket of origin pooled.
TEST(EngineTeamPool, AllowanceAndFeeAreTimesSeats) {
  Engine engine(catalog(kT6));
  ASSERT_TRUE(engine.provision(team("acme", 3)));
  auto b = engine.balances("acme", t0());
  ASSERT_TRUE(b);
  EXPECT_EQ(b->last_fee, 594 * kCny);
  EXPECT_EQ(service(*b, "llm").period_allowance, 60 * kM);
  EXPECT_EQ(service(*b, "llm").remaining, 60 * kM);
  EXPECT_EQ(count_origin(*b, BucketOrigin::kPooled), 1u);
}

// Two members draw on one pool: alice 5M of qwen_turbo (weight 1), bob 3M of qwen_plus
// (weight 2: 6M allowance units). Pool 60M - 5M - 6M = 49M, seen by the team and by each member;
// each member's used is its own; the cap room is 25M - used.
TEST(EngineTeamPool, MembersDrawOnOnePool) {
  Engine engine(catalog(kT6));
  ASSERT_TRUE(engine.provision_all({team("acme", 3), member("alice", "acme", {e164("+8613800000001")}),
                                    member("bob", "acme")}));
  EXPECT_EQ(engine.account_count(), 1u) << "members are not accounts of their own";
  EXPECT_EQ(engine.find_by_identity(e164("8613800000001")), "alice");
  int64_t t = t0() + 60;
  use(engine, "alice", "a1", 5 * kM, t);
  auto plus = engine.reserve("bob", {"b1", 1, "llm", "qwen_plus", 3 * kM, t});
  ASSERT_TRUE(plus);
  EXPECT_EQ(plus->debit, 6 * kM);
  ASSERT_TRUE(engine.commit("bob", {"b1", 2, "llm", 3 * kM, t}));

  auto whole = engine.balances("acme", t);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->team, "acme");
  EXPECT_EQ(service(*whole, "llm").remaining, 49 * kM);
  EXPECT_EQ(service(*whole, "llm").used, 11 * kM);
  ASSERT_EQ(whole->members.size(), 2u);
  EXPECT_EQ(member_llm(*whole, "alice").used, 5 * kM);
  EXPECT_EQ(member_llm(*whole, "bob").used, 6 * kM);

  auto mine = engine.balances("alice", t);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->team, "acme");
  EXPECT_EQ(service(*mine, "llm").remaining, 49 * kM) << "a member sees the pool";
  ASSERT_EQ(mine->members.size(), 1u) << "and only its own share";
  EXPECT_EQ(member_llm(*mine, "alice").used, 5 * kM);
  EXPECT_EQ(member_llm(*mine, "alice").cap_room, 20 * kM);
}

// `cap llm 25M token per member then block`: alice has used 24M; asking 2M is cut to the 1M
// under her cap (limiter member_cap, the cap's action block), and once she used it the next
// request is refused (4012) with block. Bob, on the same pool, goes on.
TEST(EngineTeamCap, MemberCapCutsThenRefusesWhileOthersContinue) {
  Engine engine(catalog(kT6));
  ASSERT_TRUE(engine.provision_all({team("acme", 3), member("alice", "acme"), member("bob", "acme")}));
  int64_t t = t0() + 60;
  use(engine, "alice", "a1", 24 * kM, t);
  auto cut = engine.reserve("alice", {"a2", 1, "llm", "qwen_turbo", 2 * kM, t});
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->outcome, lang::Outcome::kGranted);
  EXPECT_EQ(cut->grant, 1 * kM);
  EXPECT_EQ(cut->limiter, lang::Limiter::kMemberCap);
  ASSERT_TRUE(cut->has_final_action);
  EXPECT_EQ(cut->final_action, lang::ast::ActionKind::kBlock);
  ASSERT_TRUE(engine.commit("alice", {"a2", 2, "llm", 1 * kM, t}));

  auto refused = engine.reserve("alice", {"a3", 1, "llm", "qwen_turbo", 1, t});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(refused->limiter, lang::Limiter::kMemberCap);
  EXPECT_EQ(refused->final_action, lang::ast::ActionKind::kBlock);

  auto other = engine.reserve("bob", {"b1", 1, "llm", "qwen_turbo", 2 * kM, t});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->outcome, lang::Outcome::kGranted);
  EXPECT_EQ(other->grant, 2 * kM);
  auto b = engine.balances("acme", t);
  EXPECT_EQ(member_llm(*b, "alice").cap_room, 0);
  EXPECT_EQ(member_llm(*b, "bob").reserved, 2 * kM);
  EXPECT_EQ(member_llm(*b, "bob").cap_room, 23 * kM);
}

// The member's open reservations count against its cap (so two sessions of one member cannot
// pass it), and give the room back when released or when they lapse (one hour without report).
TEST(EngineTeamCap, ReservationsHoldCapRoomUntilReleasedOrLapsed) {
  Engine engine(catalog(kT6));
  ASSERT_TRUE(engine.provision_all({team("acme", 3), member("alice", "acme")}));
  int64_t t = t0() + 60;
  ASSERT_EQ(engine.reserve("alice", {"s1", 1, "llm", "qwen_turbo", 24 * kM, t})->grant, 24 * kM);
  auto second = engine.reserve("alice", {"s2", 1, "llm", "qwen_turbo", 5 * kM, t});
  EXPECT_EQ(second->grant, 1 * kM) << "25M cap - 24M held by s1";
  EXPECT_EQ(second->limiter, lang::Limiter::kMemberCap);
  ASSERT_TRUE(engine.release("alice", "s1", 2, t));
  EXPECT_EQ(member_llm(*engine.balances("alice", t), "alice").cap_room, 24 * kM) << "s2 holds 1M";
  // s2 lapses an hour after its grant: the whole cap is free again.
  EXPECT_EQ(member_llm(*engine.balances("alice", t + 3600), "alice").cap_room, 25 * kM);
  EXPECT_EQ(service(*engine.balances("acme", t + 3600), "llm").remaining, 60 * kM);
}

// The pool runs out for everyone: 2 seats pool 40M (caps 25M each do not bind). Alice uses 20M,
// bob 19M; bob asking 2M gets the last 1M as the final grant with terminate (T6's on_exhaust),
// and after that alice is refused with terminate too.
TEST(EngineTeamPool, PoolRunsOutForAllMembers) {
  Engine engine(catalog(kT6));
  ASSERT_TRUE(engine.provision_all({team("acme", 2), member("alice", "acme"), member("bob", "acme")}));
  int64_t t = t0() + 60;
  use(engine, "alice", "a1", 20 * kM, t);
  use(engine, "bob", "b1", 19 * kM, t);
  auto last = engine.reserve("bob", {"b2", 1, "llm", "qwen_turbo", 2 * kM, t});
  ASSERT_TRUE(last);
  EXPECT_EQ(last->grant, 1 * kM);
  EXPECT_EQ(last->limiter, lang::Limiter::kBalance);
  EXPECT_TRUE(last->final_units);
  EXPECT_EQ(last->final_action, lang::ast::ActionKind::kTerminate);
  ASSERT_TRUE(engine.commit("bob", {"b2", 2, "llm", 1 * kM, t}));
  auto none = engine.reserve("alice", {"a2", 1, "llm", "qwen_turbo", 1, t});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(none->limiter, lang::Limiter::kBalance);
  EXPECT_EQ(none->final_action, lang::ast::ActionKind::kTerminate);
}

// Renewal on team_pro (examples/catalog.tariff: fee 99 CNY x seats the first period, then 198;
// 20M x seats pooled, rollover 10M for 1 period; cap 30M per member). 2 seats pool 40M; alice
// uses 5M and bob 20M, so 15M is unused and 10M (the cap) rolls into the pool. At the billing
// day (10 April) each member's used is 0 again, the pool is 40M fresh + 10M rollover, and the
// fees are 198 + 396 = 594 CNY.
TEST(EngineTeamRenewal, BoundaryResetsMembersAndRollsThePoolOver) {
  Engine engine(catalog("examples/catalog.tariff"));
  ASSERT_TRUE(engine.provision_all(
      {team("acme", 2, "team_pro"), member("alice", "acme"), member("bob", "acme")}));
  int64_t t = t0() + 60;
  commit_only(engine, "alice", "a1", 5 * kM, t);
  commit_only(engine, "bob", "b1", 20 * kM, t);
  int64_t april = local(2026, 4, 10, 12, 0, kCst);
  auto b = engine.balances("acme", april);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->period.index, 1);
  EXPECT_EQ(member_llm(*b, "alice").used, 0);
  EXPECT_EQ(member_llm(*b, "bob").used, 0);
  EXPECT_EQ(member_llm(*b, "bob").cap_room, 30 * kM);
  EXPECT_EQ(service(*b, "llm").used, 0);
  EXPECT_EQ(service(*b, "llm").remaining, 50 * kM);
  EXPECT_EQ(count_origin(*b, BucketOrigin::kRollover), 1u);
  EXPECT_EQ(b->last_fee, 396 * kCny);
  EXPECT_EQ(b->fees_charged, 594 * kCny);
}

// Eight threads on four members of one 4-seat team (pool 80M, cap 25M each) reserve 700k at a
// time and never commit: the grants never add up to more than the pool, nor a member's to more
// than its cap. 4 x 25M = 100M > 80M, so the pool binds: exactly 80M is granted.
TEST(EngineTeamPool, ConcurrentMembersNeverReserveMoreThanThePool) {
  Engine engine(catalog(kT6));
  std::vector<ProvisionSpec> batch{team("acme", 4)};
  for (int m = 0; m < 4; ++m) batch.push_back(member("m" + std::to_string(m), "acme"));
  ASSERT_TRUE(engine.provision_all(batch));
  int64_t t = t0() + 60;
  std::atomic<int64_t> per_member[4] = {0, 0, 0, 0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      std::string who = "m" + std::to_string(i % 4);
      for (uint32_t n = 1; n <= 200; ++n) {
        auto r = engine.reserve(who, {"t" + std::to_string(i), n, "llm", "qwen_turbo", 700'000, t});
        if (!r) {
          ++errors;
        } else if (r->outcome == lang::Outcome::kGranted) {
          per_member[i % 4] += r->grant;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  int64_t total = 0;
  for (auto& m : per_member) {
    EXPECT_LE(m.load(), 25 * kM);
    total += m.load();
  }
  EXPECT_EQ(total, 80 * kM);
  EXPECT_EQ(service(*engine.balances("acme", t), "llm").remaining, 0);
}

// Seats bound the members: a 2-seat team takes alice and bob, refuses carol with a message
// naming the seats; with 3 seats (the team provisioned again) carol joins; going back to 2
// seats with 3 members is refused.
TEST(EngineTeamProvision, SeatsBoundTheMembers) {
  Engine engine(catalog(kT6));
  ASSERT_TRUE(engine.provision_all({team("acme", 2), member("alice", "acme"), member("bob", "acme")}));
  Status full = engine.provision(member("carol", "acme"));
  EXPECT_EQ(full.code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(full.message().find("2 seats and 3 members"), std::string::npos) << full.message();
  ASSERT_TRUE(engine.provision(team("acme", 3)));
  ASSERT_TRUE(engine.provision(member("carol", "acme")));
  EXPECT_EQ(engine.balances("acme", t0())->members.size(), 3u);
  Status fewer = engine.provision(team("acme", 2));
  EXPECT_EQ(fewer.code(), ErrorCode::kResourceExhausted) << fewer.message();
  EXPECT_EQ(engine.balances("acme", t0())->members.size(), 3u);
  EXPECT_FALSE(engine.provision(member("dave", "acme"))) << "still 3 seats, all taken";
}

// Provisioning refusals, each leaving the engine as it was.
TEST(EngineTeamProvision, BadSpecsAreRefused) {
  Engine engine(catalog("examples/catalog.tariff"));
  ASSERT_TRUE(engine.provision_all({team("acme", 3, "team_pro"), member("alice", "acme"),
                                    subscriber("solo", "token_starter", t0())}));
  EXPECT_EQ(engine.provision(member("bob", "nobody")).code(), ErrorCode::kNotFound);
  EXPECT_EQ(engine.provision(member("bob", "alice")).code(), ErrorCode::kNotFound)
      << "a member is not a team";
  Status unpooled = engine.provision(member("bob", "solo"));
  EXPECT_EQ(unpooled.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(unpooled.message().find("pools no allowance"), std::string::npos) << unpooled.message();
  EXPECT_EQ(engine.provision(member("solo", "acme")).code(), ErrorCode::kAlreadyExists)
      << "a member id equal to an account id";
  EXPECT_EQ(engine.provision(subscriber("alice", "token_starter", t0())).code(),
            ErrorCode::kAlreadyExists)
      << "an account id equal to a member id";
  EXPECT_EQ(engine.provision(member("bob", "bob")).code(), ErrorCode::kInvalidArgument);
  ProvisionSpec wrong_plan = member("bob", "acme");
  wrong_plan.plan = "token_starter";
  EXPECT_FALSE(engine.provision(wrong_plan));
  ProvisionSpec with_attributes = member("bob", "acme");
  with_attributes.attributes = {{"seats", "9"}};
  EXPECT_FALSE(engine.provision(with_attributes));
  EXPECT_FALSE(engine.provision(subscriber("acme", "token_starter", t0())))
      << "a team with members cannot move to a plan that pools nothing";
  EXPECT_EQ(engine.account_count(), 2u);
  EXPECT_EQ(engine.balances("acme", t0())->members.size(), 1u);
  EXPECT_EQ(engine.balances("acme", t0())->last_fee, 297 * kCny) << "still on team_pro";
}

// provision_all stays all or nothing with members: members before their team in the batch
// work; one bad member (a fourth on 3 seats) and nothing of the batch is applied.
TEST(EngineTeamProvision, BatchIsAllOrNothingWithMembers) {
  Engine engine(catalog(kT6));
  std::vector<ProvisionFailure> failures;
  Status s = engine.provision_all({member("a", "acme", {e164("8613800000001")}), member("b", "acme"),
                                   team("acme", 2), member("c", "acme"), team("beta", 1)},
                                  &failures);
  EXPECT_FALSE(s);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].index, 3u) << failures[0].status.to_string();
  EXPECT_EQ(engine.account_count(), 0u);
  EXPECT_FALSE(engine.find_by_identity(e164("8613800000001")));
  EXPECT_FALSE(engine.balances("a", t0()));

  ASSERT_TRUE(engine.provision_all({member("a", "acme", {e164("8613800000001")}),
                                    member("b", "acme"), team("acme", 2), team("beta", 1)}));
  EXPECT_EQ(engine.account_count(), 2u);
  EXPECT_EQ(engine.find_by_identity(e164("8613800000001")), "a");
  EXPECT_EQ(engine.balances("a", t0())->team, "acme");
}

// A member provisioned again keeps its usage and gets the new identities; a member moved to
// another team starts from 0 there, its usage staying counted in the old team's pool; a team
// provisioned again keeps its members.
TEST(EngineTeamProvision, MemberAgainMovedAndTeamAgain) {
  Engine engine(catalog(kT6));
  ASSERT_TRUE(engine.provision_all({team("acme", 3), team("beta", 3),
                                    member("alice", "acme", {e164("8613800000001")})}));
  int64_t t = t0() + 60;
  use(engine, "alice", "a1", 5 * kM, t);

  ASSERT_TRUE(engine.provision(member("alice", "acme", {e164("8613800000002")})));
  EXPECT_FALSE(engine.find_by_identity(e164("8613800000001")));
  EXPECT_EQ(engine.find_by_identity(e164("8613800000002")), "alice");
  EXPECT_EQ(member_llm(*engine.balances("alice", t), "alice").used, 5 * kM);

  ASSERT_TRUE(engine.provision(team("acme", 4)));  // the same subscription, more seats
  auto again = engine.balances("acme", t);
  ASSERT_EQ(again->members.size(), 1u);
  EXPECT_EQ(member_llm(*again, "alice").used, 5 * kM);

  ASSERT_TRUE(engine.provision(member("alice", "beta", {e164("8613800000002")})));
  EXPECT_EQ(engine.find_by_identity(e164("8613800000002")), "alice");
  auto moved = engine.balances("alice", t);
  EXPECT_EQ(moved->team, "beta");
  EXPECT_EQ(member_llm(*moved, "alice").used, 0);
  EXPECT_EQ(service(*moved, "llm").remaining, 60 * kM);
  auto old = engine.balances("acme", t);
  EXPECT_TRUE(old->members.empty());
  EXPECT_EQ(old->team, "");
  EXPECT_EQ(service(*old, "llm").remaining, 55 * kM) << "what alice used stays used";
  use(engine, "alice", "a2", 1 * kM, t);
  EXPECT_EQ(service(*engine.balances("beta", t), "llm").remaining, 59 * kM);
  EXPECT_EQ(engine.account_count(), 2u);
}

// Requests by the team's own id: a team without members is a subscriber on a pooled plan (its
// own only member, the cap on its `used`); once it has members, a reserve must name one.
TEST(EngineTeamRequests, TeamIdRequestsAreRefusedOnceItHasMembers) {
  Engine engine(catalog(kT6));
  ASSERT_TRUE(engine.provision(team("acme", 3)));
  int64_t t = t0() + 60;
  auto alone = engine.reserve("acme", {"x", 1, "llm", "qwen_turbo", 30 * kM, t});
  ASSERT_TRUE(alone);
  EXPECT_EQ(alone->grant, 25 * kM) << "the per-member cap applies to the only member";
  ASSERT_TRUE(engine.release("acme", "x", 2, t));
  ASSERT_TRUE(engine.provision(member("alice", "acme")));
  auto refused = engine.reserve("acme", {"y", 1, "llm", "qwen_turbo", 1, t});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(engine.reserve("alice", {"y", 1, "llm", "qwen_turbo", 1, t}));
}

// A member's identity finds the member, and requests by that id reserve on the team with the
// reservation tagged by member; a commit debits the member and the pool together.
TEST(EngineTeamRequests, IdentityFindsTheMemberAndCommitCountsForBoth) {
  Engine engine(catalog(kT6));
  ASSERT_TRUE(engine.provision_all({team("acme", 3), member("alice", "acme", {e164("+8613800000001")})}));
  std::optional<std::string> who = engine.find_by_identity(e164("8613800000001"));
  ASSERT_EQ(who, "alice");
  int64_t t = t0() + 60;
  auto r = engine.reserve(*who, {"s", 1, "llm", "qwen_max", 300'000, t});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->grant, 200'000) << "T6 grants qwen_max 200k at most";
  EXPECT_EQ(r->debit, 800'000) << "weight 4";
  auto c = engine.commit(*who, {"s", 2, "llm", 150'000, t});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->committed, 600'000);
  EXPECT_EQ(c->released, 200'000);
  auto b = engine.balances("acme", t);
  EXPECT_EQ(member_llm(*b, "alice").used, 600'000);
  EXPECT_EQ(member_llm(*b, "alice").reserved, 0);
  EXPECT_EQ(service(*b, "llm").used, 600'000);
  EXPECT_EQ(service(*b, "llm").remaining, 60 * kM - 600'000);
}

}  // namespace
}  // namespace gyrate::engine
