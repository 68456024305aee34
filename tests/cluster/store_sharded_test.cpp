// RedisStore over the cluster client on three masters: engines on two nodes share accounts
// spread over every master, repeats and stale revisions are answered per account on whichever
// master holds it, the CDR exporter drains every master's outboxes exactly once, and a WAIT
// without replicas holds every answer back.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>

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
  auto base = store->load("w", catalog(kCatalog));
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

class StoreWhileMigrating : public ClusterTest<2, 1> {};

// A change whose FCALL is redirected (ASK: its slot half-migrated, its keys not on the old
// master) runs on the new master, while the keyless WAIT behind it runs on the old one and finds
// its replica: without the master-id check the answer would go out unreplicated. In fact Redis
// answers TRYAGAIN to a call naming several keys of a migrating slot unless all of them exist
// (and a request key never exists yet), so the FCALL does not run until the slot has moved and
// the client gives up ("more than 5 redirects"); either way the answer must not go out.
TEST_F(StoreWhileMigrating, AWaitOnAnotherMasterThanTheChangeHoldsTheAnswerBack) {
  const std::string id = "moving";
  uint16_t slot = key_slot(account_key(id));
  Expected<int> from = cluster_->master_of_slot(slot);
  ASSERT_TRUE(from);
  std::vector<int> masters = cluster_->master_ports();
  int to = masters[0] == *from ? masters[1] : masters[0];
  Expected<std::string> from_id = cluster_->node_id(*from);
  Expected<std::string> to_id = cluster_->node_id(to);
  ASSERT_TRUE(from_id && to_id);
  ASSERT_EQ(text(*cluster_, to, {"CLUSTER", "SETSLOT", std::to_string(slot), "IMPORTING", *from_id}), "OK");
  ASSERT_EQ(text(*cluster_, *from, {"CLUSTER", "SETSLOT", std::to_string(slot), "MIGRATING", *to_id}), "OK");

  RedisStoreOptions waiting;
  waiting.wait_timeout = std::chrono::milliseconds(1000);
  auto engine = open_engine(*cluster_, waiting);
  ASSERT_TRUE(engine);
  Status s = engine->provision(engine::testing::subscriber(id, "token_starter", t0()));
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << s.to_string();
  std::printf("provisioning during an ASK: %s\n", s.to_string().c_str());

  for (int port : {*from, to}) {
    EXPECT_EQ(text(*cluster_, port, {"CLUSTER", "SETSLOT", std::to_string(slot), "NODE", *from_id}), "OK");
  }
}

}  // namespace
}  // namespace gyrate::redis
