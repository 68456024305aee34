// Two engines on one Redis Cluster, as two gyrate-ocs nodes would be: an account provisioned
// through one is found (by id and by identity) and charged through the other, which loads it on
// first use; a node whose copy is stale decides again on what the store holds; a repeat sent to
// the other node gets the stored answer; a node recognises a session the other one served; a
// team's pool shared by two nodes at once is never over-reserved; provisioning "new only" keeps
// what the store holds, and is refused as transient while the store cannot answer; a node holds
// at most its cache limit.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "gyrate/engine/provisioning_file.hpp"
#include "store_cluster_support.hpp"

namespace gyrate::redis {
namespace {

using namespace test;
using engine::Identity;
using engine::IdentityType;
using engine::testing::subscriber;

class TwoNodes : public ClusterTest<1, 1> {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    if (IsSkipped()) return;
    a_ = open_engine(*cluster_, options());
    b_ = open_engine(*cluster_, options());
    ASSERT_TRUE(a_ && b_);
  }
  static RedisStoreOptions options() {
    RedisStoreOptions o;
    o.wait_timeout = std::chrono::seconds(2);
    return o;
  }
  std::unique_ptr<engine::Engine> a_, b_;
};

int64_t remaining(engine::Engine& e, const std::string& id, int64_t t) {
  auto b = e.balances(id, t);
  EXPECT_TRUE(b) << b.status().to_string();
  return b ? engine::testing::service(*b, "llm").remaining : -1;
}

TEST_F(TwoNodes, AnAccountProvisionedOnOneNodeIsChargedOnTheOther) {
  engine::ProvisionSpec alice = subscriber("alice", "token_starter", t0());
  alice.identities = {Identity{IdentityType::kE164, "8613800000001"}};
  ASSERT_TRUE(a_->provision(alice));
  EXPECT_EQ(b_->account_count(), 0u) << "nothing is held before its first use";

  auto who = b_->lookup_identity(Identity{IdentityType::kE164, "8613800000001"});
  ASSERT_TRUE(who) << who.status().to_string();
  EXPECT_EQ(*who, "alice");
  EXPECT_EQ(b_->account_count(), 1u) << "found by identity: loaded with it";
  EXPECT_EQ(*b_->lookup_identity(Identity{IdentityType::kE164, "8613800000099"}), std::nullopt);

  int64_t t = t0() + 60;
  auto reserved = b_->reserve("alice", {"s1", 1, "llm", "qwen_turbo", 40 * kK, t});
  ASSERT_TRUE(reserved) << reserved.status().to_string();
  EXPECT_EQ(reserved->grant, 40 * kK);
  // Node a's copy predates the reservation: its commit conflicts, reloads and finds it.
  auto committed = a_->commit("alice", {"s1", 2, "llm", 30 * kK, t + 10});
  ASSERT_TRUE(committed) << committed.status().to_string();
  EXPECT_EQ(committed->committed, 30 * kK);
  EXPECT_EQ(committed->released, 10 * kK);
  // Both nodes answer balances from what the store holds, not from their own copies.
  EXPECT_EQ(remaining(*b_, "alice", t + 20), 3'000 * kK - 30 * kK);
  EXPECT_EQ(remaining(*a_, "alice", t + 20), 3'000 * kK - 30 * kK);
  EXPECT_FALSE(*b_->exists("nobody"));
  EXPECT_TRUE(*b_->exists("alice"));
}

TEST_F(TwoNodes, ARepeatSentToTheOtherNodeGetsTheStoredAnswer) {
  ASSERT_TRUE(a_->provision(subscriber("bob", "token_starter", t0())));
  int64_t t = t0() + 60;
  auto first = a_->reserve("bob", {"s1", 1, "llm", "qwen_turbo", 40 * kK, t});
  ASSERT_TRUE(first);
  auto again = b_->reserve("bob", {"s1", 1, "llm", "qwen_turbo", 40 * kK, t});
  ASSERT_TRUE(again) << again.status().to_string();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->grant, first->grant);
  auto b = b_->balances("bob", t);
  ASSERT_TRUE(b);
  EXPECT_EQ(engine::testing::service(*b, "llm").reserved, 40 * kK) << "reserved once, not twice";
}

TEST_F(TwoNodes, ANodeRecognisesASessionTheOtherServed) {
  ASSERT_TRUE(a_->provision(subscriber("carol", "token_starter", t0())));
  int64_t t = t0() + 60;
  ASSERT_TRUE(a_->reserve("carol", {"gy-1#7", 1, "llm", "qwen_turbo", 10 * kK, t}));
  ASSERT_TRUE(a_->release("carol", "gy-1#7", 2, t + 5));
  // Released: no reservation is left to show the session, only the store's session marker.
  EXPECT_TRUE(*b_->holds_session("carol", "gy-1"));
  EXPECT_FALSE(*b_->holds_session("carol", "gy-2"));
  EXPECT_FALSE(*b_->holds_session("nobody", "gy-1"));
}

TEST_F(TwoNodes, ANodeHoldsAtMostItsCacheLimitAndLoadsDroppedAccountsAgain) {
  std::vector<engine::ProvisionSpec> batch;
  auto number = [](int i) { return Identity{IdentityType::kE164, "86139000000" + std::to_string(10 + i)}; };
  for (int i = 0; i < 30; ++i) {
    batch.push_back(subscriber("sub" + std::to_string(i), "token_starter", t0()));
    batch.back().identities = {number(i)};
  }
  batch.push_back(subscriber("crew", "team_pro", t0(), 0, {{"seats", "2"}}));
  engine::ProvisionSpec member;
  member.id = "c1";
  member.team = "crew";
  member.identities = {Identity{IdentityType::kImsi, "460001234567890"}};
  batch.push_back(member);
  ASSERT_TRUE(a_->provision_all(batch));

  b_->set_cache_limit(5);
  const int64_t t = t0() + 60;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 30; ++i) {
      std::string id = "sub" + std::to_string(i);
      auto who = b_->lookup_identity(number(i));  // also after the account was dropped
      ASSERT_TRUE(who && *who == id) << id;
      auto r = round == 0 ? b_->reserve(id, {id + "-s", 1, "llm", "qwen_turbo", 10 * kK, t})
                          : b_->commit(id, {id + "-s", 2, "llm", 4 * kK, t + 10});
      ASSERT_TRUE(r) << id << ": " << r.status().to_string();
      EXPECT_EQ(round == 0 ? r->grant : r->committed, round == 0 ? 10 * kK : 4 * kK) << id;
      EXPECT_LE(b_->account_count(), 5u);
    }
    auto who = b_->lookup_identity(member.identities[0]);
    ASSERT_TRUE(who && *who == "c1");
    auto r = b_->reserve("c1", {"c1-s", 1 + static_cast<uint32_t>(round), "llm", "qwen_turbo", kK, t});
    ASSERT_TRUE(r) << r.status().to_string();
    EXPECT_EQ(r->grant, kK);
  }
  EXPECT_LE(b_->account_count(), 5u);
  EXPECT_GE(b_->store_stats().loads, 60u) << "each dropped account was read again";
  // What node a reads from the store: every commit landed once.
  for (int i = 0; i < 30; ++i) EXPECT_EQ(remaining(*a_, "sub" + std::to_string(i), t + 20), 3'000 * kK - 4 * kK);

  // A store holding the only copy (here: memory only) drops nothing.
  engine::Engine alone(engine::testing::catalog(kCatalog));
  alone.set_cache_limit(1);
  ASSERT_TRUE(alone.provision_all({batch[0], batch[1], batch[2]}));
  EXPECT_EQ(alone.account_count(), 3u);
}

TEST_F(TwoNodes, ATeamPoolSharedByTwoNodesIsNeverOverReserved) {
  engine::ProvisionSpec team = subscriber("acme", "team_pro", t0(), 0, {{"seats", "2"}});
  engine::ProvisionSpec m1;
  m1.id = "m1";
  m1.team = "acme";
  engine::ProvisionSpec m2 = m1;
  m2.id = "m2";
  ASSERT_TRUE(a_->provision_all({team, m1, m2}));

  const int64_t t = t0() + 60;
  const int64_t pool = remaining(*a_, "acme", t);
  ASSERT_GE(pool, 2 * 20'000 * kK);  // 20M tokens per seat (weight 1 for qwen_plus)
  std::atomic<int64_t> granted{0};
  std::atomic<int> denied_nodes{0};
  auto drain = [&](engine::Engine& node, const std::string& member) {
    int transient = 0;
    for (uint32_t n = 1; n < 2'000; ++n) {
      auto r = node.reserve(member, {member + "-s", n, "llm", "qwen_plus", 200 * kK, t});
      if (!r) {
        // Both nodes write one account: a node that loses the compare-and-set three times in a
        // row answers "retry" (Diameter 3004), and the client sends the same request again.
        ASSERT_EQ(r.status().code(), ErrorCode::kUnavailable) << r.status().to_string();
        ASSERT_LT(++transient, 500);
        --n;
        continue;
      }
      if (r->grant == 0) {
        ++denied_nodes;
        return;
      }
      granted += r->debit;  // allowance units: qwen_plus weighs more than one per token
    }
  };
  std::thread ta([&] { drain(*a_, "m1"); });
  std::thread tb([&] { drain(*b_, "m2"); });
  ta.join();
  tb.join();
  EXPECT_EQ(denied_nodes.load(), 2);
  EXPECT_EQ(granted.load(), pool) << "every token of the pool reserved once, none twice";
  auto b = a_->balances("acme", t);
  ASSERT_TRUE(b);
  EXPECT_EQ(engine::testing::service(*b, "llm").reserved, granted.load());
  EXPECT_EQ(engine::testing::service(*b, "llm").remaining, 0);
}

TEST_F(TwoNodes, AMemberAddedOnOneNodeIsServedByANodeHoldingTheTeam) {
  engine::ProvisionSpec team = subscriber("acme", "team_pro", t0(), 0, {{"seats", "2"}});
  engine::ProvisionSpec m1;
  m1.id = "m1";
  m1.team = "acme";
  ASSERT_TRUE(a_->provision_all({team, m1}));
  int64_t t = t0() + 60;
  ASSERT_TRUE(b_->reserve("m1", {"m1-s", 1, "llm", "qwen_plus", 100 * kK, t}));  // b holds acme
  engine::ProvisionSpec m2 = m1;
  m2.id = "m2";
  ASSERT_TRUE(a_->provision_all({m2}));
  auto r = b_->reserve("m2", {"m2-s", 1, "llm", "qwen_plus", 100 * kK, t});
  ASSERT_TRUE(r) << r.status().to_string();
  EXPECT_EQ(r->grant, 100 * kK);
}

TEST_F(TwoNodes, ProvisioningNewOnlyKeepsWhatTheStoreHolds) {
  ASSERT_TRUE(a_->provision(subscriber("dave", "token_starter", t0())));
  int64_t t = t0() + 60;
  ASSERT_TRUE(a_->reserve("dave", {"s1", 1, "llm", "qwen_turbo", 40 * kK, t}));
  ASSERT_TRUE(a_->commit("dave", {"s1", 2, "llm", 40 * kK, t}));

  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("gyrate-new-only-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(file) << "id,plan,activation\nfrank,token_starter,2026-03-10\ndave,token_starter,2026-03-10\n"
                          "erin,token_starter,2026-03-10\n";
  engine::ProvisioningReport r = engine::apply_provisioning(
      *b_, {file.string()}, engine::ProvisioningFormat::kAuto, engine::ProvisioningMode::kNewOnly);
  std::filesystem::remove(file);
  ASSERT_TRUE(r.applied) << (r.errors.empty() ? "" : r.errors.front().to_string());
  EXPECT_EQ(r.kept, 1u);
  EXPECT_EQ(r.counts.subscribers, 2u);
  EXPECT_EQ(remaining(*b_, "dave", t), 3'000 * kK - 40 * kK) << "dave's usage kept";
  EXPECT_EQ(remaining(*a_, "erin", t), 3'000 * kK);
  EXPECT_EQ(remaining(*a_, "frank", t), 3'000 * kK);
}

TEST_F(TwoNodes, ProvisioningRefusedOnlyByTheStoreIsTransient) {
  ASSERT_TRUE(a_->provision(subscriber("gina", "token_starter", t0())));
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("gyrate-transient-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(file) << "id,plan,activation\ngina,token_starter,2026-03-10\n";
  auto provision = [&] {
    return engine::apply_provisioning(*b_, {file.string()}, engine::ProvisioningFormat::kAuto,
                                      engine::ProvisioningMode::kNewOnly);
  };
  // The replica stalls: gina cannot be read (WAIT), so whether she is new cannot be told.
  Expected<int> replica = cluster_->replica_of(cluster_->master_ports()[0]);
  ASSERT_TRUE(replica);
  ASSERT_TRUE(cluster_->kill(*replica, SIGSTOP));
  engine::ProvisioningReport stalled = provision();
  ASSERT_TRUE(cluster_->kill(*replica, SIGCONT));
  EXPECT_FALSE(stalled.applied);
  EXPECT_TRUE(stalled.transient()) << (stalled.errors.empty() ? "" : stalled.errors.front().to_string());
  // The replica is back: the same file applies (gina kept, as she exists).
  engine::ProvisioningReport later = provision();
  EXPECT_TRUE(later.applied) << (later.errors.empty() ? "" : later.errors.front().to_string());
  EXPECT_EQ(later.kept, 1u);
  // A bad row is not transient.
  std::ofstream(file) << "id,plan,activation\nhank,no_such_plan,2026-03-10\n";
  engine::ProvisioningReport bad = provision();
  std::filesystem::remove(file);
  EXPECT_FALSE(bad.applied);
  EXPECT_FALSE(bad.transient());
}

}  // namespace
}  // namespace gyrate::redis
