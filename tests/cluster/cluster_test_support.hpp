// Helpers shared by the cluster tests: a started cluster or a failed test, keys that land on a
// given master, and reply checks with readable failures.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "gyrate/redis/cluster_client.hpp"
#include "local_cluster.hpp"

namespace gyrate::testing {

inline std::unique_ptr<LocalCluster> start_cluster(const LocalClusterOptions& options) {
  Expected<std::unique_ptr<LocalCluster>> cluster = LocalCluster::start(options);
  EXPECT_TRUE(cluster.has_value()) << (cluster ? "" : cluster.status().to_string());
  return cluster ? std::move(*cluster) : nullptr;
}

inline std::unique_ptr<redis::ClusterClient> connect_client(const redis::ClusterOptions& options) {
  Expected<std::unique_ptr<redis::ClusterClient>> client = redis::ClusterClient::connect(options);
  EXPECT_TRUE(client.has_value()) << (client ? "" : client.status().to_string());
  return client ? std::move(*client) : nullptr;
}

// The first key "<prefix><n>" whose slot `port` serves now.
inline std::string key_on(const LocalCluster& cluster, int port, const std::string& prefix) {
  for (int n = 0; n < 100000; ++n) {
    std::string key = prefix + std::to_string(n);
    Expected<int> owner = cluster.master_of_slot(redis::key_slot(key));
    if (owner && *owner == port) return key;
  }
  ADD_FAILURE() << "no key of prefix " << prefix << " on port " << port;
  return prefix;
}

inline std::string describe(const Expected<redis::Reply>& reply) {
  if (!reply) return reply.status().to_string();
  return "type " + std::to_string(static_cast<int>(reply->type)) + " '" + reply->str + "' " +
         std::to_string(reply->integer);
}

}  // namespace gyrate::testing
