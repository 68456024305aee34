// LocalCluster: a real Redis Cluster of redis-server processes on free 127.0.0.1 ports in a
// temporary directory, for the `cluster` tests and benchmarks. N masters x R replicas, AOF with
// appendfsync always, no RDB. Every process is killed and the directory removed when the object
// goes (also when a test fails); a node also dies with the thread that started it (PDEATHSIG),
// so a crashed test leaves nothing running. Start, kill and restart nodes from one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/redis/cluster_client.hpp"

namespace gyrate::testing {

struct LocalClusterOptions {
  int masters = 3;
  int replicas_per_master = 0;
  // Failure detection: a master is failed over about 2-3 node timeouts after it stops answering.
  int node_timeout_ms = 2000;
  // Redis's default (yes) makes every master answer CLUSTERDOWN while one shard has no master,
  // which defeats per-shard bulkheads; gyrate runs with "no" so healthy shards keep serving.
  bool require_full_coverage = false;
  std::vector<std::string> extra_args;  // more redis-server options, e.g. {"--maxmemory", "64mb"}
};

struct RedisNode {
  int port = 0;
  pid_t pid = 0;  // 0 once killed
  bool stopped = false;  // SIGSTOP sent, no SIGCONT yet: alive but answers nothing
  std::string dir;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

class LocalCluster {
 public:
  // Starts the nodes, creates the cluster (redis-cli --cluster create for 3+ masters, ADDSLOTSRANGE
  // and MEET for fewer) and waits until every node reports cluster_state:ok and agrees on the map.
  static Expected<std::unique_ptr<LocalCluster>> start(const LocalClusterOptions& options);
  ~LocalCluster();
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  const std::vector<RedisNode>& nodes() const { return nodes_; }
  std::vector<std::string> seeds() const;  // "127.0.0.1:port" of every node started
  redis::ClusterOptions client_options() const;  // seeds() and the defaults

  // One command on one node over a fresh connection.
  Expected<redis::Reply> command(int port, const std::vector<std::string>& argv) const;
  // Run redis-cli with `args`; its stdout and stderr in `output`. kInternal on a non-zero exit.
  Status redis_cli(const std::vector<std::string>& args, std::string* output = nullptr,
                   std::chrono::seconds timeout = std::chrono::seconds(60)) const;

  // From a live node's CLUSTER NODES.
  Expected<std::string> node_id(int port) const;
  Expected<int> master_of_slot(uint16_t slot) const;
  // The port of each slot's master (0: none), from a live node's CLUSTER SLOTS.
  Expected<std::vector<int>> slot_owners() const;
  std::vector<int> master_ports() const;
  Expected<int> replica_of(int master_port) const;

  // Moves `slots` slots from one master to another with redis-cli --cluster reshard.
  Status reshard(int from_port, int to_port, int slots) const;

  Status kill(int port, int signal = SIGKILL);  // SIGKILL reaps the node; SIGSTOP/SIGCONT do not
  Status restart(int port);                     // the same directory, so it rejoins
  // Every live node says cluster_state:ok, serves all slots, sees the same slot map, and every
  // live replica's link to its master is up.
  Status wait_ready(std::chrono::milliseconds timeout) const;

 private:
  LocalCluster() = default;
  Status spawn(RedisNode& node);
  Status create(const LocalClusterOptions& options);
  Expected<std::string> any_cluster_nodes() const;

  std::string root_;
  std::vector<std::string> server_args_;
  std::vector<RedisNode> nodes_;
};

}  // namespace gyrate::testing
