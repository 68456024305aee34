// ClusterClient on a healthy 3-master cluster: routing, pipelines in order, every master, errors.
#include <atomic>
#include <iostream>
#include <map>
#include <thread>

#include "cluster_test_support.hpp"

namespace gyrate::testing {
namespace {

using redis::Command;
using redis::Reply;

class ClusterClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = start_cluster(LocalClusterOptions{});
    ASSERT_TRUE(cluster_);
    client_ = connect_client(cluster_->client_options());
    ASSERT_TRUE(client_);
  }
  std::unique_ptr<LocalCluster> cluster_;
  std::unique_ptr<redis::ClusterClient> client_;
};

TEST_F(ClusterClientTest, CommandsReachTheMasterOfTheirSlot) {
  EXPECT_EQ(client_->masters().size(), 3u);
  std::map<int, int> keys_per_master;
  for (int i = 0; i < 300; ++i) {
    std::string key = "user:" + std::to_string(i);
    Expected<Reply> set = client_->run(Command{.key = key, .argv = {"SET", key, std::to_string(i)}});
    ASSERT_TRUE(set) << describe(set);
    ASSERT_EQ(set->type, Reply::Type::kStatus) << describe(set);
    Expected<Reply> get = client_->run(Command{.key = key, .argv = {"GET", key}});
    ASSERT_TRUE(get) << describe(get);
    EXPECT_EQ(get->str, std::to_string(i));
    Expected<int> owner = cluster_->master_of_slot(redis::key_slot(key));
    ASSERT_TRUE(owner);
    ++keys_per_master[*owner];
    // The key is on that master itself: not merely readable through redirects.
    Expected<Reply> direct = cluster_->command(*owner, {"GET", key});
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->str, std::to_string(i));
  }
  EXPECT_EQ(keys_per_master.size(), 3u);

  int64_t total = 0;
  for (Expected<Reply>& size : client_->on_every_master({"DBSIZE"})) {
    ASSERT_TRUE(size) << describe(size);
    EXPECT_GT(size->integer, 0);
    total += size->integer;
  }
  EXPECT_EQ(total, 300);
}

TEST_F(ClusterClientTest, PipelineAcrossMastersAnswersInOrder) {
  // Counters on 500 keys spread over the 3 masters; each reply must be the one its command's
  // position expects, so a reply delivered out of order (or to another command) shows up.
  for (int i = 0; i < 10; ++i) {
    std::string s = "{s" + std::to_string(i) + "}";
    ASSERT_TRUE(client_->run({.key = s, .argv = {"SET", s, "text"}}));
  }
  std::vector<Command> commands;
  for (int i = 0; i < 3000; ++i) {
    std::string n = "{n" + std::to_string(i % 499) + "}";
    std::string h = "{h" + std::to_string(i % 499) + "}";
    std::string s = "{s" + std::to_string(i % 10) + "}";
    switch (i % 4) {
      case 0: commands.push_back({.key = n, .argv = {"INCRBY", n, std::to_string(i)}}); break;
      case 1: commands.push_back({.key = n, .argv = {"GET", n}}); break;
      case 2: commands.push_back({.key = h, .argv = {"HINCRBY", h, "f", "1"}}); break;
      default: commands.push_back({.key = s, .argv = {"HINCRBY", s, "f", "1"}}); break;  // WRONGTYPE
    }
  }
  std::vector<Expected<Reply>> replies = client_->pipeline(commands);
  ASSERT_EQ(replies.size(), commands.size());
  std::map<std::string, int64_t> value;
  for (size_t i = 0; i < commands.size(); ++i) {
    const std::string& key = commands[i].key;
    ASSERT_TRUE(replies[i]) << i << ": " << describe(replies[i]);
    const Reply& reply = *replies[i];
    switch (i % 4) {
      case 0:
        value[key] += static_cast<int64_t>(i);
        EXPECT_EQ(reply.integer, value[key]) << "command " << i;
        break;
      case 1:
        if (value.contains(key)) {
          EXPECT_EQ(reply.str, std::to_string(value[key])) << "command " << i;
        } else {
          EXPECT_EQ(reply.type, Reply::Type::kNil) << "command " << i;
        }
        break;
      case 2:
        EXPECT_EQ(reply.integer, ++value[key]) << "command " << i;
        break;
      default:
        // An error reply in its place, not a failed Expected.
        EXPECT_EQ(reply.type, Reply::Type::kError) << "command " << i;
        EXPECT_EQ(reply.str.rfind("WRONGTYPE", 0), 0u) << reply.str;
        break;
    }
  }
}

TEST_F(ClusterClientTest, EveryMasterAnswersOnce) {
  std::vector<Expected<Reply>> replies = client_->on_every_master({"CLUSTER", "MYID"});
  ASSERT_EQ(replies.size(), 3u);
  std::vector<std::string> ids;
  for (Expected<Reply>& reply : replies) {
    ASSERT_TRUE(reply) << describe(reply);
    ids.push_back(reply->str);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end()) << "a master answered twice";
}

TEST(ClusterClientConnectTest, NoSeedAnswersIsUnavailable) {
  redis::ClusterOptions options;
  options.seeds = {"127.0.0.1:1"};
  Expected<std::unique_ptr<redis::ClusterClient>> client = redis::ClusterClient::connect(options);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace gyrate::testing

namespace gyrate::testing {
namespace {

// Deadlines far shorter than an fsync'd write: most calls time out mid-flight or while queued for
// a connection. Every call still ends with a reply or kUnavailable, and the pools recover.
TEST(ClusterClientStressTest, DeadlinesShorterThanTheServerUnderManyThreads) {
  LocalClusterOptions options;
  options.masters = 1;
  std::unique_ptr<LocalCluster> cluster = start_cluster(options);
  ASSERT_TRUE(cluster);
  redis::ClusterOptions client_options = cluster->client_options();
  client_options.shard_deadline = std::chrono::milliseconds(2);
  std::unique_ptr<redis::ClusterClient> client = connect_client(client_options);
  ASSERT_TRUE(client);
  std::atomic<int> ok{0}, unavailable{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 24; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::vector<Command> batch;
        for (int k = 0; k < 1 + (i % 8); ++k) {
          std::string key = "stress:" + std::to_string(t * 1000 + k);
          batch.push_back({.key = key, .argv = {"INCR", key}});
        }
        for (const Expected<Reply>& reply :
             (i % 2) ? client->pipeline(batch) : std::vector<Expected<Reply>>{client->run(batch[0])}) {
          if (reply && reply->type == Reply::Type::kInteger) {
            ++ok;
          } else if (!reply && reply.status().code() == ErrorCode::kUnavailable) {
            ++unavailable;
          } else {
            ++other;
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(ok.load() + unavailable.load(), 0);
  std::cout << ok.load() << " answered, " << unavailable.load() << " unavailable\n";

  client_options.shard_deadline = std::chrono::milliseconds(5000);
  std::unique_ptr<redis::ClusterClient> patient = connect_client(client_options);
  ASSERT_TRUE(patient);
  Expected<Reply> after = patient->run({.key = "stress:0", .argv = {"INCR", "stress:0"}});
  EXPECT_TRUE(after && after->type == Reply::Type::kInteger) << describe(after);
}

}  // namespace
}  // namespace gyrate::testing
