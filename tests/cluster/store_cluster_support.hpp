// Shared by the store's cluster tests: a client on a test cluster, RedisStore and an engine on
// it with the example catalog.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "engine_test_support.hpp"
#include "gyrate/engine/engine.hpp"
#include "gyrate/redis/redis_store.hpp"
#include "store_redis_harness.hpp"
#include "store_single_node_client.hpp"

namespace gyrate::redis::test {

inline constexpr const char* kCatalog = "examples/catalog.tariff";
inline constexpr int64_t kK = 1000;

inline int64_t t0() { return engine::testing::local(2026, 3, 10, 12, 0, engine::testing::kCst); }

inline std::shared_ptr<ClusterClient> connect(const RedisCluster& cluster) {
  return std::make_shared<SingleNodeClient>(cluster.master_port(0));
}

inline std::unique_ptr<RedisStore> open_store(const RedisCluster& cluster,
                                              RedisStoreOptions options = {}) {
  auto store = RedisStore::open(connect(cluster), options);
  EXPECT_TRUE(store) << store.status().to_string();
  return store ? std::move(*store) : nullptr;
}

inline std::unique_ptr<engine::Engine> open_engine(const RedisCluster& cluster,
                                                   RedisStoreOptions options = {}) {
  auto engine = engine::Engine::open(engine::testing::catalog(kCatalog), open_store(cluster, options));
  EXPECT_TRUE(engine) << engine.status().to_string();
  return engine ? std::move(*engine) : nullptr;
}

inline int64_t xlen_sum(const RedisCluster& cluster, const std::vector<std::string>& accounts) {
  int64_t n = 0;
  for (const std::string& a : accounts) {
    std::string key = outbox_key_of(a);
    for (int port : cluster.ports()) {
      std::string r = redis_command(port, {"XLEN", key});
      if (r.rfind("ERR", 0) != 0 && !r.empty()) {
        n += std::stoll(r);
        break;
      }
    }
  }
  return n;
}

}  // namespace gyrate::redis::test
