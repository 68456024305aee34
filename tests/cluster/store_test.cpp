// RedisStore on a real Redis Cluster (one master and one replica): an engine provisions,
// reserves and commits on it and another store sees the result; a repeated request gets the
// stored answer with no second write; a stale revision is a conflict; a WAIT short of replicas
// holds the answer back; provisioning writes the identity index.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>

#include "gyrate/redis/store_keys.hpp"
#include "store_cluster_support.hpp"

namespace gyrate::redis {
namespace {

using namespace test;
using engine::AccountChange;
using engine::ApplyOutcome;
using engine::Identity;
using engine::IdentityType;
using engine::testing::catalog;
using engine::testing::subscriber;

class StoreOnRedis : public ClusterTest<1, 1> {
 protected:

  static RedisStoreOptions waiting(std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
    RedisStoreOptions o;
    o.wait_replicas = 1;
    o.wait_timeout = timeout;
    return o;
  }

};

uint16_t llm(const engine::AccountState& a) { return *a.catalog->service("llm"); }

TEST_F(StoreOnRedis, AnEngineChargesAndAnotherStoreSeesTheBalance) {
  auto engine = open_engine(*cluster_, waiting());
  ASSERT_TRUE(engine);
  engine::ProvisionSpec alice = subscriber("alice", "token_starter", t0());
  alice.identities = {Identity{IdentityType::kE164, "8613800000001"}};
  ASSERT_TRUE(engine->provision(alice));
  int64_t t = t0() + 60;
  ASSERT_TRUE(engine->reserve("alice", {"s1", 1, "llm", "qwen_turbo", 40 * kK, t}));
  auto committed = engine->commit("alice", {"s1", 2, "llm", 33 * kK, t + 30});
  ASSERT_TRUE(committed) << committed.status().to_string();
  EXPECT_EQ(committed->committed, 33 * kK);
  auto seen_by_engine = engine->balances("alice", t + 30);
  ASSERT_TRUE(seen_by_engine);

  // Another node: its own client and store, nothing in memory.
  auto other = open_store(*cluster_, waiting());
  ASSERT_TRUE(other);
  auto loaded = other->load("alice", catalog(kCatalog));
  ASSERT_TRUE(loaded) << loaded.status().to_string();
  EXPECT_EQ(loaded->revision, seen_by_engine->revision);
  EXPECT_EQ(engine::remaining(*loaded, llm(*loaded), t + 30),
            engine::testing::service(*seen_by_engine, "llm").remaining);
  EXPECT_EQ(loaded->spend, seen_by_engine->spend);
  EXPECT_TRUE(loaded->reservations.empty());
  EXPECT_EQ(*other->find_by_identity(Identity{IdentityType::kE164, "8613800000001"}), "alice");
  EXPECT_EQ(other->load("nobody", catalog(kCatalog)).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(xlen_sum(*cluster_, {"alice"}), 1);  // the commit's CDR, in the slot's outbox
  const std::string key = account_key("alice");
  std::string answer = text_at(*cluster_, key, {"HGET", key, "r:" + request_field(engine::RequestKey{
                                                                 "s1", 2, engine::Operation::kCommit, "llm"})});
  EXPECT_NE(answer, "") << "the commit's answer is a field of the account";
  std::printf("bytes in Redis: account with its answers %s (HLEN %s), a stored answer %zu + field\n",
              text_at(*cluster_, key, {"MEMORY", "USAGE", key}).c_str(),
              text_at(*cluster_, key, {"HLEN", key}).c_str(), answer.size());
}

TEST_F(StoreOnRedis, ARepeatGetsTheStoredAnswerAndAStaleRevisionAConflict) {
  auto engine = open_engine(*cluster_, waiting());
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->provision(subscriber("bob", "token_starter", t0())));
  auto store = open_store(*cluster_, waiting());
  auto base = store->load("bob", catalog(kCatalog));
  ASSERT_TRUE(base);

  Change first = change_of(*base, "s1", 42);
  AccountChange c1 = first.change(base->revision);
  EXPECT_EQ(store->apply({&c1, 1}).outcome, ApplyOutcome::kApplied);
  // Resent (a Diameter retransmission, or another node after a failover): decided again on the
  // old state with another answer, it still gets the first answer and writes nothing.
  Change again = change_of(*base, "s1", 99);
  AccountChange c2 = again.change(base->revision);
  engine::ApplyResult r = store->apply({&c2, 1});
  ASSERT_EQ(r.outcome, ApplyOutcome::kDuplicate);
  EXPECT_EQ(r.stored.grant, 42);
  EXPECT_EQ(r.stored.committed, 42);
  auto after = store->load("bob", catalog(kCatalog));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->revision, base->revision + 1);
  EXPECT_EQ(after->spend, base->spend + 42);
  EXPECT_EQ(xlen_sum(*cluster_, {"bob"}), 1);

  // Another request decided on the old revision: a conflict, nothing written.
  Change stale = change_of(*base, "s2", 7);
  AccountChange c3 = stale.change(base->revision);
  EXPECT_EQ(store->apply({&c3, 1}).outcome, ApplyOutcome::kConflict);
  after = store->load("bob", catalog(kCatalog));
  EXPECT_EQ(after->spend, base->spend + 42);
  EXPECT_EQ(xlen_sum(*cluster_, {"bob"}), 1);

  // The engine that provisioned bob still holds revision 1: its next request conflicts, it
  // reloads and decides again on what the store holds.
  auto reserved = engine->reserve("bob", {"s3", 1, "llm", "qwen_turbo", 10 * kK, t0() + 60});
  ASSERT_TRUE(reserved) << reserved.status().to_string();
  after = store->load("bob", catalog(kCatalog));
  EXPECT_EQ(after->spend, base->spend + 42);
  EXPECT_EQ(after->reservations.size(), 1u);
}

TEST_F(StoreOnRedis, AWaitShortOfReplicasHoldsTheAnswerBackAndTheRetryGetsIt) {
  auto store = open_store(*cluster_, waiting(std::chrono::milliseconds(200)));
  auto engine = engine::Engine::open(catalog(kCatalog), open_store(*cluster_, waiting()));
  ASSERT_TRUE(engine);
  ASSERT_TRUE((*engine)->provision(subscriber("carol", "token_starter", t0())));
  auto base = store->load("carol", catalog(kCatalog));
  ASSERT_TRUE(base);

  // The replica stalls: the change is applied on the master but reaches no replica in time.
  Expected<int> replica = cluster_->replica_of(cluster_->master_ports()[0]);
  ASSERT_TRUE(replica);
  ASSERT_TRUE(cluster_->kill(*replica, SIGSTOP));
  Change c = change_of(*base, "s1", 5);
  AccountChange change = c.change(base->revision);
  engine::ApplyResult stalled = store->apply({&change, 1});
  // Resent to another node (its own connection, which wrote nothing yet).
  auto other = open_store(*cluster_, waiting(std::chrono::milliseconds(200)));
  engine::ApplyResult repeated_stalled = other->apply({&change, 1});
  // Nor may another node read what the replica has not got: a failover now would undo it.
  Expected<engine::AccountState> unreplicated = other->load("carol", catalog(kCatalog));
  ASSERT_TRUE(cluster_->kill(*replica, SIGCONT));
  EXPECT_EQ(stalled.outcome, ApplyOutcome::kUnavailable);
  EXPECT_EQ(stalled.error.code(), ErrorCode::kUnavailable);
  EXPECT_NE(stalled.error.message().find("WAIT"), std::string::npos) << stalled.error.message();
  // A repeat while the replica still lags is held back too: its answer was never replicated.
  EXPECT_EQ(repeated_stalled.outcome, ApplyOutcome::kUnavailable) << repeated_stalled.error.to_string();
  ASSERT_FALSE(unreplicated) << "read revision " << unreplicated->revision << " before it was replicated";
  EXPECT_EQ(unreplicated.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(unreplicated.status().message().find("WAIT"), std::string::npos)
      << unreplicated.status().message();

  // The replica is back: the retry gets the answer the first attempt stored, once.
  engine::ApplyResult retried = store->apply({&change, 1});
  ASSERT_EQ(retried.outcome, ApplyOutcome::kDuplicate) << retried.error.to_string();
  EXPECT_EQ(retried.stored.grant, 5);
  EXPECT_EQ(store->load("carol", catalog(kCatalog))->spend, base->spend + 5);
  EXPECT_EQ(xlen_sum(*cluster_, {"carol"}), 1);
}

TEST_F(StoreOnRedis, ProvisioningKeepsTheIdentityIndex) {
  auto engine = open_engine(*cluster_, waiting());
  ASSERT_TRUE(engine);
  auto store = open_store(*cluster_, waiting());
  engine::ProvisionSpec dave = subscriber("dave", "token_starter", t0());
  Identity old_number{IdentityType::kE164, "8613800000002"};
  Identity new_number{IdentityType::kE164, "8613800000003"};
  dave.identities = {old_number};
  ASSERT_TRUE(engine->provision(dave));
  EXPECT_EQ(*store->find_by_identity(old_number), "dave");
  dave.identities = {new_number};
  ASSERT_TRUE(engine->provision(dave));
  EXPECT_EQ(*store->find_by_identity(new_number), "dave");
  EXPECT_FALSE(store->find_by_identity(old_number)->has_value());

  // A team and a member, one batch: the member's identity names the member, the member the team.
  engine::ProvisionSpec member;
  member.id = "m1";
  member.team = "t1";
  member.identities = {Identity{IdentityType::kImsi, "460000000000001"}};
  ASSERT_TRUE(engine->provision_all(
      {subscriber("t1", "team_pro", t0(), 0, {{"seats", "3"}}), member}));
  EXPECT_EQ(*store->find_by_identity(member.identities[0]), "m1");
  EXPECT_EQ(*store->team_of("m1"), "t1");
  EXPECT_FALSE(store->team_of("dave")->has_value());
}

// A node loads the batch's accounts from the store first (accounts load on first use), so a batch
// run again anywhere provisions them again, as on one node: applied once more, on top of what the
// store holds, never refused as a conflict.
TEST_F(StoreOnRedis, ABatchRunAgainByAnotherNodeProvisionsItsAccountsAgain) {
  std::vector<engine::ProvisionSpec> batch = {subscriber("e1", "token_starter", t0()),
                                              subscriber("e2", "token_starter", t0())};
  auto first = open_engine(*cluster_, waiting());
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->provision_all(batch));
  auto store = open_store(*cluster_, waiting());
  uint64_t revision = store->load("e2", catalog(kCatalog))->revision;
  // A second node that never saw the batch (or saw it fail half way) runs it again.
  auto second = open_engine(*cluster_, waiting());
  ASSERT_TRUE(second);
  Status again = second->provision_all(batch);
  EXPECT_TRUE(again) << again.to_string();
  EXPECT_EQ(store->load("e2", catalog(kCatalog))->revision, revision + 1);
}

}  // namespace
}  // namespace gyrate::redis
