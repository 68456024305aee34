// Shared by the store's cluster tests: a suite-wide LocalCluster, a client on it, RedisStore and
// an engine on it with the example catalog, and replies as text.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cluster_test_support.hpp"
#include "engine_test_support.hpp"
#include "gyrate/engine/engine.hpp"
#include "gyrate/redis/redis_store.hpp"
#include "gyrate/redis/store_keys.hpp"
#include "local_cluster.hpp"

namespace gyrate::redis::test {

using gyrate::testing::LocalCluster;

inline constexpr const char* kCatalog = "examples/catalog.tariff";
inline constexpr int64_t kK = 1000;

inline int64_t t0() { return engine::testing::local(2026, 3, 10, 12, 0, engine::testing::kCst); }

// A test suite sharing one cluster: started before its first test, stopped after its last; every
// test starts on empty masters.
template <int Masters, int Replicas>
class ClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gyrate::testing::LocalClusterOptions options;
    options.masters = Masters;
    options.replicas_per_master = Replicas;
    cluster_ = gyrate::testing::start_cluster(options);
  }
  static void TearDownTestSuite() { cluster_.reset(); }
  void SetUp() override {
    if (!cluster_) GTEST_SKIP() << "no cluster";
    for (int port : cluster_->master_ports()) ASSERT_TRUE(cluster_->command(port, {"FLUSHALL"}));
  }
  static inline std::unique_ptr<LocalCluster> cluster_;
};

// One command on one node; the reply as text: integers in decimal, nil empty, errors "ERR:...".
inline std::string text(const LocalCluster& cluster, int port, const std::vector<std::string>& argv) {
  Expected<Reply> r = cluster.command(port, argv);
  if (!r) return "ERR:" + r.status().to_string();
  switch (r->type) {
    case Reply::Type::kInteger: return std::to_string(r->integer);
    case Reply::Type::kError: return "ERR:" + r->str;
    case Reply::Type::kNil: return "";
    case Reply::Type::kArray: return "array:" + std::to_string(r->elements.size());
    default: return r->str;
  }
}

// The same on the master serving `key`.
inline std::string text_at(const LocalCluster& cluster, const std::string& key,
                           const std::vector<std::string>& argv) {
  Expected<int> port = cluster.master_of_slot(key_slot(key));
  return port ? text(cluster, *port, argv) : "ERR:no master";
}

// A generous shard deadline: these tests are about what the store writes, and a loaded CI
// machine can stall a master past the default 250 ms.
inline std::shared_ptr<ClusterClient> connect(const LocalCluster& cluster) {
  ClusterOptions options = cluster.client_options();
  options.shard_deadline = std::chrono::seconds(5);
  return std::shared_ptr<ClusterClient>(gyrate::testing::connect_client(options));
}

inline std::unique_ptr<RedisStore> open_store(const LocalCluster& cluster,
                                              RedisStoreOptions options = {}) {
  auto store = RedisStore::open(connect(cluster), options);
  EXPECT_TRUE(store) << store.status().to_string();
  return store ? std::move(*store) : nullptr;
}

inline std::unique_ptr<engine::Engine> open_engine(const LocalCluster& cluster,
                                                   RedisStoreOptions options = {}) {
  auto engine = engine::Engine::open(engine::testing::catalog(kCatalog), open_store(cluster, options));
  EXPECT_TRUE(engine) << engine.status().to_string();
  return engine ? std::move(*engine) : nullptr;
}

// CDRs waiting in the outboxes of these accounts' slots.
inline int64_t xlen_sum(const LocalCluster& cluster, const std::vector<std::string>& accounts) {
  int64_t n = 0;
  for (const std::string& a : accounts) {
    std::string key = outbox_key_of(a);
    n += std::stoll(text_at(cluster, key, {"XLEN", key}));
  }
  return n;
}

// A change of `a` answering request (session, number) with `grant`, one CDR.
struct Change {
  engine::AccountState next;
  engine::RequestKey key;
  engine::Answer answer;
  std::vector<engine::Cdr> cdrs;
  engine::AccountChange change(uint64_t expected) const {
    return engine::AccountChange{&next, expected, &key, &answer, cdrs};
  }
};

inline Change change_of(const engine::AccountState& a, const std::string& session, int64_t grant) {
  Change c{a, engine::RequestKey{session, 1, engine::Operation::kCommit, "llm"}, {}, {}};
  c.next.spend += grant;
  c.next.revision = a.revision + 1;
  c.answer.grant = grant;
  c.answer.committed = grant;
  engine::Cdr cdr;
  cdr.account = a.id;
  cdr.session = session;
  cdr.service = "llm";
  cdr.debit = grant;
  cdr.revision = c.next.revision;
  c.cdrs.push_back(cdr);
  return c;
}

}  // namespace gyrate::redis::test
