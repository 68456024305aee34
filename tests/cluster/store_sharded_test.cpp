// RedisStore over the cluster client on three masters: engines on two nodes share accounts
// spread over every master, repeats and stale revisions are answered per account on whichever
// master holds it, the CDR exporter drains every master's outboxes exactly once, and a WAIT
// without replicas holds every answer back.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "gyrate/engine/cdr_files.hpp"
#include "gyrate/redis/cdr_export.hpp"
#include "store_cluster_support.hpp"

namespace gyrate::redis {
namespace {

using namespace test;
using engine::ApplyOutcome;
using engine::testing::catalog;
using engine::testing::subscriber;

class StoreOnThreeMasters : public ClusterTest<3, 0> {
 protected:
  static RedisStoreOptions no_wait() {
    RedisStoreOptions o;
    o.wait_replicas = 0;
    return o;
  }
};

std::vector<std::string> ids(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("sub" + std::to_string(i));
  return out;
}

TEST_F(StoreOnThreeMasters, TwoNodesShareAccountsOnEveryMaster) {
  auto first = open_engine(*cluster_, no_wait());
  ASSERT_TRUE(first);
  std::vector<std::string> accounts = ids(12);
  std::vector<engine::ProvisionSpec> batch;
  std::set<int> masters;
  for (const std::string& a : accounts) {
    batch.push_back(subscriber(a, "token_starter", t0()));
    masters.insert(*cluster_->master_of_slot(key_slot(account_key(a))));
  }
  ASSERT_EQ(masters.size(), 3u);
  ASSERT_TRUE(first->provision_all(batch));
  auto start = std::chrono::steady_clock::now();
  for (const std::string& a : accounts) {
    ASSERT_TRUE(first->reserve(a, {a + "-s", 1, "llm", "qwen_turbo", 40 * kK, t0() + 60}));
    ASSERT_TRUE(first->commit(a, {a + "-s", 2, "llm", 30 * kK, t0() + 90}));
  }
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now() - start).count() / (2 * 12);
  std::printf("3 masters, AOF always, no WAIT: %lld us per engine call (one apply)\n",
              static_cast<long long>(us));

  // Another node: sees every balance, answers repeats from the store and refuses stale changes.
  auto second = open_store(*cluster_, no_wait());
  ASSERT_TRUE(second);
  for (const std::string& a : accounts) {
    auto seen = first->balances(a, t0() + 90);
    auto loaded = second->load(a, catalog(kCatalog));
    ASSERT_TRUE(seen);
    ASSERT_TRUE(loaded) << loaded.status().to_string();
    EXPECT_EQ(loaded->revision, seen->revision) << a;
    EXPECT_EQ(engine::remaining(*loaded, *loaded->catalog->service("llm"), t0() + 90),
              engine::testing::service(*seen, "llm").remaining)
        << a;
    Change late = change_of(*loaded, "other-node", 3);
    engine::AccountChange c = late.change(loaded->revision - 1);
    EXPECT_EQ(second->apply({&c, 1}).outcome, ApplyOutcome::kConflict) << a;
    c = late.change(loaded->revision);
    EXPECT_EQ(second->apply({&c, 1}).outcome, ApplyOutcome::kApplied) << a;
    engine::ApplyResult again = second->apply({&c, 1});
    EXPECT_EQ(again.outcome, ApplyOutcome::kDuplicate) << a;
    EXPECT_EQ(again.stored.grant, 3);
  }
  // The first node decides on its stale copy, conflicts, reloads and charges on top.
  auto after = first->commit("sub0", {"sub0-t", 1, "llm", 1 * kK, t0() + 120});
  ASSERT_TRUE(after) << after.status().to_string();
  EXPECT_EQ(second->load("sub0", catalog(kCatalog))->spend, first->balances("sub0", t0() + 120)->spend);

  // Every CDR once: 12 commits, 12 changes of the second node, 1 more commit.
  EXPECT_EQ(xlen_sum(*cluster_, accounts), 25);
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("gyrate-sharded-export-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  CdrExporter exporter(connect(*cluster_), CdrExportOptions{dir, 1000, false});
  auto pass = exporter.export_once();
  ASSERT_TRUE(pass) << pass.status().to_string();
  EXPECT_EQ(pass->cdrs, 25u);
  EXPECT_EQ(xlen_sum(*cluster_, accounts), 0);
  start = std::chrono::steady_clock::now();
  auto empty = exporter.export_once();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->cdrs, 0u);
  std::printf("export pass over 16384 empty outboxes on 3 masters: %lld ms\n",
              static_cast<long long>(ms));
  auto files = engine::cdr_files(dir);
  ASSERT_EQ(files.size(), 1u);
  auto cdrs = engine::read_cdr_file(files[0].second);
  ASSERT_TRUE(cdrs);
  std::set<std::pair<std::string, uint64_t>> keys;
  for (const engine::Cdr& c : *cdrs) keys.emplace(c.account, c.revision);
  EXPECT_EQ(keys.size(), 25u);
  std::filesystem::remove_all(dir);
}

TEST_F(StoreOnThreeMasters, AWaitNoReplicaCanReachHoldsEveryAnswerBack) {
  ASSERT_TRUE(open_engine(*cluster_, no_wait())->provision(subscriber("w", "token_starter", t0())));
  RedisStoreOptions waiting;
  waiting.wait_replicas = 1;
  waiting.wait_timeout = std::chrono::milliseconds(20);
  auto store = open_store(*cluster_, waiting);
  auto base = open_store(*cluster_, no_wait())->load("w", catalog(kCatalog));
  ASSERT_TRUE(base);
  Change c = change_of(*base, "s", 9);
  engine::AccountChange change = c.change(base->revision);
  engine::ApplyResult held = store->apply({&change, 1});
  EXPECT_EQ(held.outcome, ApplyOutcome::kUnavailable);
  EXPECT_NE(held.error.message().find("reached 0 of 1"), std::string::npos) << held.error.message();
  // Applied all the same: a store that does not wait answers the repeat from what was stored.
  auto relaxed = open_store(*cluster_, no_wait());
  engine::ApplyResult repeat = relaxed->apply({&change, 1});
  EXPECT_EQ(repeat.outcome, ApplyOutcome::kDuplicate);
  EXPECT_EQ(repeat.stored.grant, 9);
}

}  // namespace
}  // namespace gyrate::redis

namespace gyrate::redis {
namespace {

using namespace test;

class StoreWhileMigrating : public ClusterTest<2, 1> {
 protected:
  // Starts moving `id`'s slot to the other master as redis-cli --cluster reshard does, without
  // moving any key yet.
  void start_move(const std::string& id) {
    slot_ = key_slot(account_key(id));
    Expected<int> from = cluster_->master_of_slot(slot_);
    ASSERT_TRUE(from);
    from_ = *from;
    std::vector<int> masters = cluster_->master_ports();
    to_ = masters[0] == from_ ? masters[1] : masters[0];
    Expected<std::string> from_id = cluster_->node_id(from_);
    Expected<std::string> to_id = cluster_->node_id(to_);
    ASSERT_TRUE(from_id && to_id);
    to_id_ = *to_id;
    ASSERT_EQ(setslot(to_, "IMPORTING", *from_id), "OK");
    ASSERT_EQ(setslot(from_, "MIGRATING", to_id_), "OK");
  }
  std::string setslot(int port, const std::string& how, const std::string& node) {
    return text(*cluster_, port, {"CLUSTER", "SETSLOT", std::to_string(slot_), how, node});
  }
  std::string move_key(const std::string& key) {
    return text(*cluster_, from_, {"MIGRATE", "127.0.0.1", std::to_string(to_), "", "0", "5000", "KEYS", key});
  }
  void finish_move() {
    for (int port : {to_, from_}) EXPECT_EQ(setslot(port, "NODE", to_id_), "OK");
  }

  uint16_t slot_ = 0;
  int from_ = 0;
  int to_ = 0;
  std::string to_id_;
};

// The steps of a slot's move, taken by hand. An account is one key (its answers are fields of
// it) and a change names its slot's outbox only with CDRs, so Redis refuses a change (TRYAGAIN)
// only while the account and its outbox are on different masters; with a key per answer, every
// change was refused until the whole slot had moved. A change that ASK sends to the new master
// is waited for there: WAIT rides behind the FCALL (on the old master it would wait for nothing
// and the master-id check would hold every such answer back).
TEST_F(StoreWhileMigrating, ChangesApplyWhileTheirSlotMoves) {
  const std::string id = "mover";
  RedisStoreOptions waiting;
  waiting.wait_timeout = std::chrono::milliseconds(1000);
  auto engine = open_engine(*cluster_, waiting);
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->provision(engine::testing::subscriber(id, "token_starter", t0())));
  ASSERT_TRUE(engine->reserve(id, {"s0", 1, "llm", "qwen_turbo", 40 * kK, t0() + 60}));
  ASSERT_TRUE(engine->commit(id, {"s0", 2, "llm", 30 * kK, t0() + 90}));  // the outbox exists
  auto store = open_store(*cluster_, waiting);
  auto base = store->load(id, catalog(kCatalog));
  ASSERT_TRUE(base);
  start_move(id);

  // Nothing moved yet: a change with CDRs runs on the old master.
  Change first = change_of(*base, "s1", 5);
  engine::AccountChange c1 = first.change(base->revision);
  engine::ApplyResult r1 = store->apply({&c1, 1});
  EXPECT_EQ(r1.outcome, ApplyOutcome::kApplied) << r1.error.to_string();

  // The account moved, its outbox not: a change without CDRs follows ASK to the new master and
  // is replicated there.
  ASSERT_EQ(move_key(account_key(id)), "OK");
  Change second = change_of(first.next, "s2", 6);
  second.cdrs.clear();
  engine::AccountChange c2 = second.change(first.next.revision);
  engine::ApplyResult r2 = store->apply({&c2, 1});
  EXPECT_EQ(r2.outcome, ApplyOutcome::kApplied) << r2.error.to_string();
  Expected<engine::AccountState> moved = store->load(id, catalog(kCatalog));  // follows ASK too
  ASSERT_TRUE(moved) << moved.status().to_string();
  EXPECT_EQ(moved->revision, second.next.revision);

  // A change with CDRs waits (TRYAGAIN) until the outbox has followed the account.
  Change third = change_of(second.next, "s3", 7);
  engine::AccountChange c3 = third.change(second.next.revision);
  engine::ApplyResult r3;
  auto started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration waited{};
  std::thread apply([&] {
    r3 = store->apply({&c3, 1});
    waited = std::chrono::steady_clock::now() - started;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(move_key(outbox_key_of(id)), "OK");
  finish_move();
  apply.join();
  EXPECT_EQ(r3.outcome, ApplyOutcome::kApplied) << r3.error.to_string();
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_EQ(text(*cluster_, to_, {"XLEN", outbox_key_of(id)}), "3");  // s0's commit, s1, s3

  // The answers moved with the account: repeats are answered, the sessions recognised.
  engine::ApplyResult again = store->apply({&c1, 1});
  EXPECT_EQ(again.outcome, ApplyOutcome::kDuplicate);
  EXPECT_EQ(again.stored.grant, 5);
  Expected<bool> known = store->answered_session(id, "s2");
  ASSERT_TRUE(known) << known.status().to_string();
  EXPECT_TRUE(*known);
}

}  // namespace
}  // namespace gyrate::redis
