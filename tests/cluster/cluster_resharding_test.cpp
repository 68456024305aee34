// Slots moving under the client: MOVED after redis-cli --cluster reshard under a running load,
// and ASK while one slot is half migrated by hand. No error may reach the caller.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "cluster_test_support.hpp"

namespace gyrate::testing {
namespace {

using redis::Command;
using redis::Reply;

TEST(ClusterReshardingTest, ReshardUnderLoadReachesNoCaller) {
  std::unique_ptr<LocalCluster> cluster = start_cluster(LocalClusterOptions{});
  ASSERT_TRUE(cluster);
  // This test is about redirects, not deadlines: a loaded CI machine can stall a master past the
  // default 250 ms (a timed-out INCR may still have landed, and would count as lost here).
  redis::ClusterOptions options = cluster->client_options();
  options.shard_deadline = std::chrono::seconds(10);
  std::unique_ptr<redis::ClusterClient> client = connect_client(options);
  ASSERT_TRUE(client);
  Expected<std::vector<int>> before = cluster->slot_owners();
  ASSERT_TRUE(before);

  // One thread counts up 1,000 keys, half the time one by one and half in pipelines, while the
  // main thread moves slots; every acknowledged INCR must be in the final counts.
  constexpr int kKeys = 1000;
  std::vector<int64_t> acknowledged(kKeys, 0);
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::string first_error;
  std::thread load([&] {
    for (int round = 0; !stop.load(); ++round) {
      std::vector<Command> batch;
      for (int i = round % 50; i < kKeys; i += 50) {
        std::string key = "count:" + std::to_string(i);
        batch.push_back({.key = key, .argv = {"INCR", key}});
      }
      std::vector<Expected<Reply>> replies;
      if (round % 2 == 0) {
        replies = client->pipeline(batch);
      } else {
        for (const Command& command : batch) replies.push_back(client->run(command));
      }
      for (size_t j = 0; j < replies.size(); ++j) {
        if (replies[j] && replies[j]->type == Reply::Type::kInteger) {
          ++acknowledged[static_cast<size_t>(round % 50 + static_cast<int>(j) * 50)];
        } else if (errors++ == 0) {
          first_error = describe(replies[j]);
        }
      }
    }
  });

  std::vector<int> masters = cluster->master_ports();
  ASSERT_EQ(masters.size(), 3u);
  Status moved = cluster->reshard(masters[0], masters[1], 300);
  Status moved_back = moved ? cluster->reshard(masters[1], masters[2], 200) : moved;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  load.join();
  ASSERT_TRUE(moved) << moved.to_string();
  ASSERT_TRUE(moved_back) << moved_back.to_string();

  EXPECT_EQ(errors.load(), 0) << "first: " << first_error;
  Expected<std::vector<int>> after = cluster->slot_owners();
  ASSERT_TRUE(after);
  int keys_moved = 0;
  for (int i = 0; i < kKeys; ++i) {
    std::string key = "count:" + std::to_string(i);
    uint16_t slot = redis::key_slot(key);
    keys_moved += (*before)[slot] != (*after)[slot];
    Expected<Reply> value = client->run({.key = key, .argv = {"GET", key}});
    ASSERT_TRUE(value) << describe(value);
    ASSERT_EQ(value->str, std::to_string(acknowledged[static_cast<size_t>(i)])) << key;
  }
  EXPECT_GT(keys_moved, 0) << "the reshard moved none of the test's keys";
}

TEST(ClusterReshardingTest, AskWhileASlotIsHalfMigrated) {
  std::unique_ptr<LocalCluster> cluster = start_cluster(LocalClusterOptions{});
  ASSERT_TRUE(cluster);
  std::unique_ptr<redis::ClusterClient> client = connect_client(cluster->client_options());
  ASSERT_TRUE(client);
  const uint16_t slot = redis::key_slot("mig");
  Expected<int> source = cluster->master_of_slot(slot);
  ASSERT_TRUE(source);
  int target = 0;
  for (int port : cluster->master_ports()) {
    if (port != *source) target = port;
  }
  Expected<std::string> source_id = cluster->node_id(*source);
  Expected<std::string> target_id = cluster->node_id(target);
  ASSERT_TRUE(source_id && target_id);
  for (const char* key : {"{mig}a", "{mig}b"}) {
    ASSERT_TRUE(client->run({.key = key, .argv = {"SET", key, std::string("v") + key}}));
  }

  // The steps redis-cli --cluster reshard takes for one slot, stopped halfway.
  const std::string s = std::to_string(slot);
  auto ok = [&](int port, const std::vector<std::string>& argv) {
    Expected<Reply> reply = cluster->command(port, argv);
    ASSERT_TRUE(reply && reply->type != Reply::Type::kError) << argv[0] << " " << describe(reply);
  };
  ok(target, {"CLUSTER", "SETSLOT", s, "IMPORTING", *source_id});
  ok(*source, {"CLUSTER", "SETSLOT", s, "MIGRATING", *target_id});
  ok(*source, {"MIGRATE", "127.0.0.1", std::to_string(target), "", "0", "5000", "KEYS", "{mig}b"});

  // {mig}b moved: the source answers ASK. {mig}a stays. {mig}c is new: ASK again, made on the target.
  Expected<Reply> b = client->run({.key = "{mig}b", .argv = {"GET", "{mig}b"}});
  ASSERT_TRUE(b) << describe(b);
  EXPECT_EQ(b->str, "v{mig}b") << describe(b);
  Expected<Reply> a = client->run({.key = "{mig}a", .argv = {"GET", "{mig}a"}});
  ASSERT_TRUE(a) << describe(a);
  EXPECT_EQ(a->str, "v{mig}a") << describe(a);
  std::vector<Expected<Reply>> piped = client->pipeline(
      {{.key = "{mig}c", .argv = {"SET", "{mig}c", "vc"}}, {.key = "{mig}b", .argv = {"GET", "{mig}b"}},
       {.key = "{mig}a", .argv = {"GET", "{mig}a"}}});
  ASSERT_TRUE(piped[0] && piped[1] && piped[2]);
  EXPECT_EQ(piped[0]->str, "OK") << describe(piped[0]);
  EXPECT_EQ(piped[1]->str, "v{mig}b");
  EXPECT_EQ(piped[2]->str, "v{mig}a");

  // A multi-key command over both halves gets TRYAGAIN: the client backs off and retries until
  // the move is finished, then follows MOVED. A patient client, so the move fits in its deadline.
  redis::ClusterOptions patient_options = cluster->client_options();
  patient_options.shard_deadline = std::chrono::seconds(5);
  std::unique_ptr<redis::ClusterClient> patient = connect_client(patient_options);
  ASSERT_TRUE(patient);
  Expected<Reply> both = Status::error(ErrorCode::kInternal, "not run");
  auto started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration waited{};
  std::thread mget([&] {
    both = patient->run({.key = "{mig}a", .argv = {"MGET", "{mig}a", "{mig}b"}});
    waited = std::chrono::steady_clock::now() - started;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  // Finish the move; the client follows MOVED and finds every key on the target.
  ok(*source, {"MIGRATE", "127.0.0.1", std::to_string(target), "", "0", "5000", "KEYS", "{mig}a"});
  for (int port : cluster->master_ports()) ok(port, {"CLUSTER", "SETSLOT", s, "NODE", *target_id});
  mget.join();
  ASSERT_TRUE(both) << describe(both);
  ASSERT_EQ(both->elements.size(), 2u) << describe(both);
  EXPECT_EQ(both->elements[0].str, "v{mig}a");
  EXPECT_EQ(both->elements[1].str, "v{mig}b");
  EXPECT_GE(waited, std::chrono::milliseconds(300)) << "MGET did not wait for the move";
  for (const char* key : {"{mig}a", "{mig}b", "{mig}c"}) {
    Expected<Reply> value = client->run({.key = key, .argv = {"GET", key}});
    ASSERT_TRUE(value) << describe(value);
    EXPECT_FALSE(value->str.empty()) << key << ": " << describe(value);
    Expected<Reply> direct = cluster->command(target, {"GET", key});
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->str, value->str) << key;
  }
}

}  // namespace
}  // namespace gyrate::testing
