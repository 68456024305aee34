// A master that dies (kill -9) or hangs (SIGSTOP): its own commands fail fast with kUnavailable,
// the other masters' commands keep succeeding within their deadline, and after the replica is
// promoted (or the master resumes) the dead shard serves again.
#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <thread>

#include "cluster_test_support.hpp"

namespace gyrate::testing {
namespace {

using namespace std::chrono_literals;
using redis::Command;
using redis::Reply;
using Clock = std::chrono::steady_clock;

// Long enough that a healthy shard answers within it even on a loaded 2-core CI box (where an
// fsync can stall for hundreds of ms), short enough that a hung shard's callers see it several times.
constexpr auto kDeadline = 500ms;
// What a failing call may take beyond its deadline on a loaded 2-core machine.
constexpr auto kSlack = 300ms;

struct Timed {
  Expected<Reply> reply;
  Clock::duration took;
  Clock::time_point ended;
};

Timed timed_run(redis::ClusterClient& client, const std::string& key) {
  Clock::time_point start = Clock::now();
  Expected<Reply> reply = client.run({.key = key, .argv = {"INCR", key}});
  Clock::time_point end = Clock::now();
  return {std::move(reply), end - start, end};
}

bool succeeded(const Expected<Reply>& reply) {
  return reply && reply->type == Reply::Type::kInteger;
}

std::string ms(Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

class ClusterFailoverTest : public ::testing::Test {
 protected:
  // 3 masters with `replicas` each and a client whose shards answer within kDeadline.
  void start(int replicas, int node_timeout_ms) {
    LocalClusterOptions options;
    options.replicas_per_master = replicas;
    options.node_timeout_ms = node_timeout_ms;
    options.extra_args = {"--appendfsync", "everysec"};  // what is measured here is routing, not fsync
    cluster_ = start_cluster(options);
    ASSERT_TRUE(cluster_);
    redis::ClusterOptions client_options = cluster_->client_options();
    client_options.shard_deadline = kDeadline;
    client_ = connect_client(client_options);
    ASSERT_TRUE(client_);
  }
  std::unique_ptr<LocalCluster> cluster_;
  std::unique_ptr<redis::ClusterClient> client_;
};

TEST_F(ClusterFailoverTest, KilledMasterFailsFastOthersServeReplicaTakesOver) {
  ASSERT_NO_FATAL_FAILURE(start(1, 1000));
  LocalCluster* cluster = cluster_.get();
  redis::ClusterClient* client = client_.get();
  std::vector<int> masters = cluster->master_ports();
  ASSERT_EQ(masters.size(), 3u);
  const std::string dead_key = key_on(*cluster, masters[0], "dead:");
  const std::vector<std::string> live_keys = {key_on(*cluster, masters[1], "live:"),
                                              key_on(*cluster, masters[2], "live:")};
  for (const std::string& key : {dead_key, live_keys[0], live_keys[1]}) {
    ASSERT_TRUE(succeeded(timed_run(*client, key).reply));
  }

  ASSERT_TRUE(cluster->kill(masters[0]));
  const Clock::time_point killed = Clock::now();
  int dead_failures = 0;
  bool served_again = false;
  while (!served_again && Clock::now() - killed < 30s) {
    for (const std::string& key : live_keys) {
      Timed live = timed_run(*client, key);
      ASSERT_TRUE(succeeded(live.reply)) << key << " at " << ms(Clock::now() - killed) << ": "
                                         << describe(live.reply);
      EXPECT_LT(live.took, kDeadline) << "a healthy shard waited for the dead one";
    }
    Timed dead = timed_run(*client, dead_key);
    if (succeeded(dead.reply)) {
      served_again = dead_failures > 0;
      continue;
    }
    ++dead_failures;
    ASSERT_FALSE(dead.reply) << "an error reply instead of kUnavailable: " << describe(dead.reply);
    EXPECT_EQ(dead.reply.status().code(), ErrorCode::kUnavailable) << dead.reply.status().to_string();
    EXPECT_LT(dead.took, kDeadline + kSlack) << dead.reply.status().to_string();

    // One flight across all three: the dead shard fails only its own command.
    std::vector<Expected<Reply>> piped = client->pipeline(
        {{.key = live_keys[0], .argv = {"INCR", live_keys[0]}},
         {.key = dead_key, .argv = {"INCR", dead_key}},
         {.key = live_keys[1], .argv = {"INCR", live_keys[1]}}});
    EXPECT_TRUE(succeeded(piped[0])) << describe(piped[0]);
    EXPECT_TRUE(succeeded(piped[2])) << describe(piped[2]);
  }
  EXPECT_GT(dead_failures, 0) << "the dead master's commands never failed";
  ASSERT_TRUE(served_again) << "no replica took over within 30 s";
  std::cout << "dead shard: " << dead_failures << " calls failed, served again after "
            << ms(Clock::now() - killed) << "\n";
  ASSERT_TRUE(cluster->wait_ready(20s));
  ASSERT_TRUE(client->refresh());
  std::vector<std::string> now_masters = client->masters();
  EXPECT_EQ(now_masters.size(), 3u);
  EXPECT_EQ(std::count(now_masters.begin(), now_masters.end(), "127.0.0.1:" + std::to_string(masters[0])), 0)
      << "the dead master is still in the slot map";

  // The old master comes back as a replica of its successor; nothing changes for the client.
  ASSERT_TRUE(cluster->restart(masters[0]));
  Status ready = cluster->wait_ready(30s);
  ASSERT_TRUE(ready) << ready.to_string();
  EXPECT_TRUE(succeeded(timed_run(*client, dead_key).reply));
  EXPECT_EQ(cluster->master_ports().size(), 3u);
}

TEST_F(ClusterFailoverTest, HungMasterTimesOutAloneUnderManyCallers) {
  ASSERT_NO_FATAL_FAILURE(start(0, 15000));  // no failure detection while the master is stopped
  LocalCluster* cluster = cluster_.get();
  redis::ClusterClient* client = client_.get();
  std::vector<int> masters = cluster->master_ports();
  const std::string hung_key = key_on(*cluster, masters[0], "hung:");
  const std::string live_key = key_on(*cluster, masters[1], "live:");

  ASSERT_TRUE(cluster->kill(masters[0], SIGSTOP));
  // More callers on the hung shard than it has connections: the rest wait for one, up to the deadline.
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<Timed> hung_calls, live_calls;
  std::vector<std::vector<Clock::time_point>> ends(8);  // per caller
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const std::string& key = t < 6 ? hung_key : live_key;
      while (!stop.load()) {
        Timed call = timed_run(*client, key);
        std::lock_guard lock(mutex);
        ends[static_cast<size_t>(t)].push_back(call.ended);
        (t < 6 ? hung_calls : live_calls).push_back(std::move(call));
      }
    });
  }
  std::this_thread::sleep_for(3s);
  stop = true;
  // Resume before joining, so that a client without deadlines fails this test instead of hanging it.
  const Clock::time_point resumed = Clock::now();
  ASSERT_TRUE(cluster->kill(masters[0], SIGCONT));
  for (std::thread& thread : threads) thread.join();

  // Only calls that ended while the master was stopped tell how the client copes with it.
  std::erase_if(hung_calls, [&](const Timed& call) { return call.ended >= resumed; });
  // Every caller, not only those queued for a connection, is answered within its deadline.
  for (size_t t = 0; t < ends.size(); ++t) {
    EXPECT_GE(std::count_if(ends[t].begin(), ends[t].end(), [&](auto end) { return end < resumed; }), 2)
        << "caller " << t << " was stuck for most of the 3 s";
  }
  for (const Timed& call : hung_calls) {
    ASSERT_FALSE(call.reply) << describe(call.reply);
    EXPECT_EQ(call.reply.status().code(), ErrorCode::kUnavailable);
    EXPECT_LT(call.took, kDeadline + kSlack) << call.reply.status().to_string();
  }
  ASSERT_GT(live_calls.size(), hung_calls.size()) << "the healthy shard was held up";
  for (const Timed& call : live_calls) {
    ASSERT_TRUE(succeeded(call.reply)) << describe(call.reply);
    EXPECT_LT(call.took, kDeadline) << "a healthy shard's command waited on the hung one";
  }

  // Resumed: its commands succeed again (the broken connections were dropped, new ones opened).
  while (!succeeded(timed_run(*client, hung_key).reply) && Clock::now() - resumed < 5s) {
  }
  EXPECT_TRUE(succeeded(timed_run(*client, hung_key).reply));
}

}  // namespace
}  // namespace gyrate::testing

namespace gyrate::testing {
namespace {

// A master restarted in place (kill -9, same port and AOF, before anyone fails it over): the pooled
// connections to it are dead; the client drops them, connects again and the fsync'd writes are there.
TEST(ClusterRestartTest, MasterRestartedInPlaceKeepsItsWritesAndIsServedAgain) {
  LocalClusterOptions options;
  options.node_timeout_ms = 15000;
  std::unique_ptr<LocalCluster> cluster = start_cluster(options);  // appendfsync always
  ASSERT_TRUE(cluster);
  redis::ClusterOptions client_options = cluster->client_options();
  client_options.shard_deadline = std::chrono::seconds(3);
  std::unique_ptr<redis::ClusterClient> client = connect_client(client_options);
  ASSERT_TRUE(client);
  int port = cluster->master_ports().at(0);
  const std::string key = key_on(*cluster, port, "restart:");
  // Several callers at once, so that the pool holds several connections to the node.
  for (int round = 0; round < 5; ++round) {
    std::vector<std::thread> callers;
    for (int t = 0; t < 4; ++t) {
      callers.emplace_back([&] { EXPECT_TRUE(succeeded(client->run({.key = key, .argv = {"INCR", key}}))); });
    }
    for (std::thread& caller : callers) caller.join();
  }

  ASSERT_TRUE(cluster->kill(port));
  ASSERT_TRUE(cluster->restart(port));
  for (int t = 0; t < 4; ++t) {  // each may draw a dead pooled connection first
    Expected<Reply> value = client->run({.key = key, .argv = {"INCR", key}});
    ASSERT_TRUE(succeeded(value)) << describe(value);
    EXPECT_EQ(value->integer, 21 + t) << "acknowledged INCRs were lost across the restart";
  }
}

}  // namespace
}  // namespace gyrate::testing
